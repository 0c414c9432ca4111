"""The core: a loaded pipeline that turns records into table rows, one document at a time.

Every engine (one process, a pool of workers, a Ray cluster) runs ``Extractor.process``, so
all of them produce the same rows. How records are grouped, batched and parsed in memory
zones is ``extract.engines.batching``; this module loads the pipeline and makes the rows.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.tokens import Doc

from extract.engines.batching import BATCH_CHARS, BATCH_SIZE, Batcher
from extract.pipeline import build_pipeline
from extract.readers import Record
from extract.rows import document_rows
from extract.stages.gazetteer import Gazetteer, load_gazetteer
from extract.store.tables import DocResult


class Extractor:
    """A loaded pipeline that turns records into per-document table rows."""

    def __init__(
        self, model: str, gazetteer: Gazetteer | str | None = None, *, batch_size: int = BATCH_SIZE, batch_chars: int = BATCH_CHARS
    ) -> None:
        self.gazetteer = gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(gazetteer)
        self.nlp = build_pipeline(model, self.gazetteer)
        self.batcher = Batcher(self, batch_size=batch_size, batch_chars=batch_chars)

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]:
        """Rows for every record, in input order; a document that fails gets an error row.

        Groups, parse batches and memory zones: see ``extract.engines.batching.Batcher``.
        """
        return self.batcher.process(records)

    def document_rows(self, record: Record, doc: Doc) -> DocResult:
        """All rows of one parsed document."""
        return document_rows(record, doc)
