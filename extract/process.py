"""The core: from records to table rows, one document at a time.

Every engine (one process, a pool of workers, a Ray cluster) wraps ``Extractor.process``,
so all of them produce the same rows.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from spacy.tokens import Doc

from extract.pipeline import build_pipeline
from extract.readers import BATCH_CHARS, BATCH_SIZE, Record, batched
from extract.rows import document_rows, error_result
from extract.stages.gazetteer import Gazetteer, load_gazetteer
from extract.store.tables import DocResult

ZONE_DOCS = 128


class Extractor:
    """A loaded pipeline that turns records into per-document table rows."""

    def __init__(
        self, model: str, gazetteer: Gazetteer | str | None = None, *, batch_size: int = BATCH_SIZE, batch_chars: int = BATCH_CHARS
    ) -> None:
        self.gazetteer = gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(gazetteer)
        self.nlp = build_pipeline(model, self.gazetteer)
        self.batch_size = batch_size
        self.batch_chars = batch_chars
        self.names = {e.id: (e.name, e.label) for e in self.gazetteer.entries}
        self._warmed_up = False

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]:
        """Rows for every record, in input order; a document that fails gets an error row.

        Records go in groups of ``batch_size`` (a worker's task is one group) and are parsed
        in batches of at most ``batch_chars`` characters. After the Extractor's first group,
        every ``ZONE_DOCS`` documents (or every call, if fewer) run in one ``memory_zone``,
        which then frees the strings they added to the vocabulary, so memory stays flat.
        """
        records = iter(records)
        if not self._warmed_up:
            # Inside a memory_zone the tokenizer caches nothing and every new word's lexeme is
            # built anew in each zone. The first group runs outside one, so its words (the
            # commonest) stay cached for good; the vocabulary grows by that one group only.
            self._warmed_up = True
            yield from self._process_group(list(islice(records, self.batch_size)))
        for zone in batched(records, ZONE_DOCS, chars=None):
            # A zone costs the words it forgets (each is looked up anew in the next zone):
            # zones of a few groups cost less than one per group and stay just as flat.
            with self.nlp.memory_zone():
                for group in batched(zone, self.batch_size, chars=None):
                    yield from self._process_group(group)

    def _process_group(self, group: list[Record]) -> Iterator[DocResult]:
        for batch in batched(group, self.batch_size, self.batch_chars):
            yield from self._process_batch(batch)

    def _process_batch(self, batch: list[Record]) -> Iterator[DocResult]:
        good = [r for r in batch if r.ok]
        results: dict[int, DocResult] = {}
        try:
            docs = list(self.nlp.pipe(r.text for r in good))
        except Exception:  # one bad document must not sink its batch: retry one by one
            docs = [self._parse_one(r) for r in good]
        for record, doc in zip(good, docs):
            if isinstance(doc, Exception):
                results[id(record)] = error_result(record, f"processing failed: {doc}")
                continue
            try:
                results[id(record)] = self.document_rows(record, doc)
            except Exception as err:  # noqa: BLE001 - reported as the document's error
                results[id(record)] = error_result(record, f"processing failed: {type(err).__name__}: {err}")
        for record in batch:
            yield results[id(record)] if record.ok else error_result(record, record.error)

    def _parse_one(self, record: Record) -> Doc | Exception:
        try:
            return self.nlp(record.text)
        except Exception as err:  # noqa: BLE001
            return err

    def document_rows(self, record: Record, doc: Doc) -> DocResult:
        """All rows of one parsed document."""
        return document_rows(record, doc, self.names)
