"""The core: from records to table rows, one document at a time.

Every engine (one process, a pool of workers, a Ray cluster) wraps ``Extractor.process``,
so all of them produce the same rows.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from typing import Iterable, Iterator

from spacy.tokens import Doc

from extract.entities import mentions as doc_mentions
from extract.gazetteer import Gazetteer, load_gazetteer
from extract.pipeline import build_pipeline
from extract.quotes import extract_quotes
from extract.readers import BATCH_CHARS, BATCH_SIZE, Record, batched
from extract.relations import extract_relations

DocResult = dict[str, list[dict]]
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
        doc_id = record.doc_id
        # Doc.text joins every token anew on each access: read it once (it was 40% of a run).
        text = doc.text
        sent_spans = list(doc.sents)  # each doc.sents scans the whole document: once here
        sents = [b for b in (_strip(text, s.start_char, s.end_char) for s in sent_spans) if b]
        sent_starts = [start for start, _ in sents]

        def sent_of(char: int) -> int:
            return max(bisect_right(sent_starts, char) - 1, 0)

        sentences = [
            {"doc_id": doc_id, "sent_id": i, "start_char": start, "end_char": end, "text": text[start:end]}
            for i, (start, end) in enumerate(sents)
        ]
        found = doc_mentions(doc, self.names)
        entities = [
            {
                "doc_id": doc_id,
                "mention_id": f"m{i}",
                "sent_id": sent_of(m.span.start_char),
                "start_char": m.span.start_char,
                "end_char": m.span.end_char,
                "text": m.span.text,
                "label": m.label,
                "entity_id": m.entity_id,
                "entity_name": m.entity_name,
                "source": m.source,
            }
            for i, m in enumerate(found)
        ]
        quotes = extract_quotes(doc, found, sents=sent_spans)
        quote_rows = [
            {
                "doc_id": doc_id,
                "quote_id": f"q{i}",
                "kind": q.kind,
                "start_char": q.start_char,
                "end_char": q.end_char,
                "text": text[q.start_char : q.end_char],
                "cue": q.cue,
                "cue_start_char": q.cue_start_char,
                "cue_end_char": q.cue_end_char,
                "speaker_text": _slice(text, q.speaker_start_char, q.speaker_end_char),
                "speaker_start_char": q.speaker_start_char,
                "speaker_end_char": q.speaker_end_char,
                "speaker_entity_id": q.speaker_entity_id,
                "speaker_name": q.speaker_name,
                "speaker_label": q.speaker_label,
                "sent_id": sent_of(q.start_char),
                "method": q.method,
            }
            for i, q in enumerate(quotes)
        ]
        relations = extract_relations(doc, found, quotes, sents=sent_spans)
        relation_rows = [
            {
                "doc_id": doc_id,
                "relation_id": f"r{i}",
                "sent_id": sent_of(r.sent_start_char),
                "relation_type": r.relation_type,
                "subject_entity_id": r.subject_entity_id,
                "subject_name": r.subject_name,
                "predicate": r.predicate,
                "object_entity_id": r.object_entity_id,
                "object_name": r.object_name,
                "negated": r.negated,
                "evidence_start_char": r.sent_start_char,
                "evidence_end_char": r.sent_end_char,
                "evidence": text[r.sent_start_char : r.sent_end_char],
            }
            for i, r in enumerate(relations)
        ]
        document = document_row(record, status="ok")
        document.update(
            n_chars=len(text),
            n_sentences=len(sentences),
            n_entities=len(entities),
            n_quotes=len(quote_rows),
            n_relations=len(relation_rows),
        )
        return {
            "documents": [document],
            "sentences": sentences,
            "entities": entities,
            "quotes": quote_rows,
            "relations": relation_rows,
        }


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Character bounds of ``text[start:end]`` without surrounding whitespace; None if blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _slice(text: str, start: int | None, end: int | None) -> str:
    return "" if start is None or end is None else text[start:end]


def document_row(record: Record, *, status: str, error: str = "") -> dict:
    return {
        "doc_id": record.doc_id,
        "source": record.source,
        "title": record.title,
        "n_chars": len(record.text) if status == "ok" else 0,
        "n_sentences": 0,
        "n_entities": 0,
        "n_quotes": 0,
        "n_relations": 0,
        "sha256": record.sha256,
        "status": status,
        "error": error,
        "date": record.date,
        "url": record.url,
        "encoding": record.encoding,
    }


def error_result(record: Record, error: str) -> DocResult:
    return {"documents": [document_row(record, status="error", error=error)]}
