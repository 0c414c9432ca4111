"""How one loaded pipeline walks through records: groups, memory zones and parse batches.

Every engine ends up here (in its own process, a worker or a Ray actor), so all of them
group and parse documents the same way and write the same bytes. Nothing here imports spaCy:
the pipeline comes in through a ``Parser`` (``extract.process.Extractor``).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol

from extract.readers import Record
from extract.rows import error_result
from extract.store.tables import DocResult

if TYPE_CHECKING:  # pragma: no cover - for type hints only
    from spacy.language import Language
    from spacy.tokens import Doc

# Documents per group (one worker task) and characters per parsed batch: parsing memory
# follows the size of the batch, so a cap on characters keeps peak memory flat however many
# (or long) the articles are.
BATCH_SIZE = 32
BATCH_CHARS = 80_000
# Documents per memory zone (after the first group).
ZONE_DOCS = 128


def batched(records: Iterable[Record], size: int = BATCH_SIZE, chars: int | None = BATCH_CHARS) -> Iterator[list[Record]]:
    """Consecutive batches of at most ``size`` records and ``chars`` characters of text
    (``None``: no limit). A longer document is a batch of its own."""
    batch: list[Record] = []
    total = 0
    for record in records:
        if batch and (len(batch) >= size or (chars is not None and total + len(record.text) > chars)):
            yield batch
            batch, total = [], 0
        batch.append(record)
        total += len(record.text)
    if batch:
        yield batch


class Parser(Protocol):
    """What batching needs of a loaded pipeline: the spaCy ``Language`` and the Doc -> rows step."""

    nlp: Language

    def document_rows(self, record: Record, doc: Doc) -> DocResult: ...


class Batcher:
    """Turns records into results with one ``Parser``; remembers whether its first group ran.

    Records go in groups of ``batch_size`` (a worker's task is one group) and are parsed in
    batches of at most ``batch_chars`` characters. After the first group, every ``zone_docs``
    documents (or every call, if fewer) run in one ``memory_zone``, which then frees the
    strings they added to the vocabulary, so memory stays flat.
    """

    def __init__(self, parser: Parser, *, batch_size: int = BATCH_SIZE, batch_chars: int = BATCH_CHARS, zone_docs: int = ZONE_DOCS) -> None:
        self.parser = parser
        self.batch_size = batch_size
        self.batch_chars = batch_chars
        self.zone_docs = zone_docs
        self._warmed_up = False

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]:
        """Rows for every record, in input order; a document that fails gets an error row."""
        records = iter(records)
        if not self._warmed_up:
            # Inside a memory_zone the tokenizer caches nothing and every new word's lexeme is
            # built anew in each zone. The first group runs outside one, so its words (the
            # commonest) stay cached for good; the vocabulary grows by that one group only.
            self._warmed_up = True
            yield from self._process_group(list(islice(records, self.batch_size)))
        for zone in batched(records, self.zone_docs, chars=None):
            # A zone costs the words it forgets (each is looked up anew in the next zone):
            # zones of a few groups cost less than one per group and stay just as flat.
            with self.parser.nlp.memory_zone():
                for group in batched(zone, self.batch_size, chars=None):
                    yield from self._process_group(group)

    def _process_group(self, group: list[Record]) -> Iterator[DocResult]:
        for batch in batched(group, self.batch_size, self.batch_chars):
            yield from self._process_batch(batch)

    def _process_batch(self, batch: list[Record]) -> Iterator[DocResult]:
        nlp = self.parser.nlp
        good = [r for r in batch if r.ok]
        results: dict[int, DocResult] = {}
        docs: list[Doc | Exception]
        try:
            docs = list(nlp.pipe(r.text for r in good))
        except Exception:  # one bad document must not sink its batch: retry one by one
            docs = [self._parse_one(r) for r in good]
        for record, doc in zip(good, docs):
            if isinstance(doc, Exception):
                results[id(record)] = error_result(record, f"processing failed: {doc}")
                continue
            try:
                results[id(record)] = self.parser.document_rows(record, doc)
            except Exception as err:  # noqa: BLE001 - reported as the document's error
                results[id(record)] = error_result(record, f"processing failed: {type(err).__name__}: {err}")
        for record in batch:
            yield results[id(record)] if record.ok else error_result(record, record.error)

    def _parse_one(self, record: Record) -> Doc | Exception:
        try:
            return self.parser.nlp(record.text)
        except Exception as err:  # noqa: BLE001
            return err
