"""The core loop: batches, memory zones and per-document errors."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

from extract.engines.batching import ZONE_DOCS, Batcher, batched
from extract.pipeline import DEFAULT_MODEL
from extract.process import Extractor
from extract.readers import Record
from extract.store.tables import DocResult


def _record(i: int) -> Record:
    # Made-up words the model's vocabulary cannot already hold.
    return Record(f"d{i}", "test", text=f"Dr. Vexlomar{i} visited Quandrith{i} on Monday. The crew said it went well.")


def test_vocabulary_stays_flat_after_the_first_group() -> None:
    extractor = Extractor(DEFAULT_MODEL, batch_size=2)
    records = [_record(i) for i in range(ZONE_DOCS + 10)]

    results = list(extractor.process(records))

    assert [r["documents"][0]["doc_id"] for r in results] == [r.doc_id for r in records]
    assert all(r["documents"][0]["status"] == "ok" for r in results)
    strings = extractor.nlp.vocab.strings
    # The first group is kept (it warms the tokenizer cache); every later word is forgotten,
    # in the last zone as in the full ones.
    assert "Vexlomar0" in strings and "Quandrith1" in strings
    assert not any(f"Vexlomar{i}" in strings or f"Quandrith{i}" in strings for i in range(2, len(records)))


def test_later_calls_run_in_zones_too() -> None:
    extractor = Extractor(DEFAULT_MODEL, batch_size=2)
    list(extractor.process([_record(0), _record(1)]))

    list(extractor.process([_record(2), _record(3)]))

    assert "Vexlomar2" not in extractor.nlp.vocab.strings


def test_entities_found_inside_a_zone_keep_their_text() -> None:
    extractor = Extractor(DEFAULT_MODEL, batch_size=1)
    results = list(extractor.process([_record(0), _record(1)]))

    rows = results[1]["entities"]
    text = _record(1).text
    assert rows and all(text[r["start_char"] : r["end_char"]] == r["text"] for r in rows)


# ------------------------------------------------ batching, with a fake pipeline (no spaCy)


class FakeNlp:
    """Parses a text into itself, fails on any text with "BAD", and logs what it was asked to do."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.zone = 0

    def pipe(self, texts: Iterable[str]) -> Iterator[str]:
        texts = list(texts)
        self.log.append(f"pipe {len(texts)} in zone {self.zone}")
        if any("BAD" in text for text in texts):
            raise ValueError("bad batch")
        return iter(texts)

    def __call__(self, text: str) -> str:
        if "BAD" in text:
            raise ValueError("bad text")
        return text

    @contextmanager
    def memory_zone(self) -> Iterator[None]:
        self.zone += 1
        yield


class FakeParser:
    """A ``batching.Parser``: its rows are the parsed text."""

    def __init__(self) -> None:
        self.nlp = FakeNlp()

    def document_rows(self, record: Record, doc: str) -> DocResult:
        if "BUG" in doc:
            raise KeyError("rows")
        return {"documents": [{"doc_id": record.doc_id, "status": "ok", "error": ""}]}


def _fake(doc_id: str, text: str = "text") -> Record:
    return Record(doc_id, "test", text=text)


def test_first_group_outside_a_zone_then_zones_of_groups() -> None:
    parser = FakeParser()
    batcher = Batcher(parser, batch_size=2, batch_chars=1_000, zone_docs=4)
    results = list(batcher.process(_fake(f"d{i}") for i in range(9)))
    assert [r["documents"][0]["doc_id"] for r in results] == [f"d{i}" for i in range(9)]
    # One group outside any zone, then zones of four documents in groups of two; the last is short.
    assert parser.nlp.log == ["pipe 2 in zone 0", "pipe 2 in zone 1", "pipe 2 in zone 1", "pipe 2 in zone 2", "pipe 1 in zone 2"]
    list(batcher.process([_fake("again")]))
    assert parser.nlp.log[-1] == "pipe 1 in zone 3"  # a later call starts in a zone


def test_parse_batches_are_capped_by_characters() -> None:
    parser = FakeParser()
    list(Batcher(parser, batch_size=4, batch_chars=10).process([_fake(f"d{i}", "x" * 4) for i in range(4)]))
    assert parser.nlp.log == ["pipe 2 in zone 0", "pipe 2 in zone 0"]


def test_a_failing_batch_is_retried_one_by_one_and_bad_records_get_error_rows() -> None:
    records = [_fake("ok1"), _fake("bad", "BAD text"), _fake("bug", "a BUG"), Record("unread", "test", error="empty document (no text)"), _fake("ok2")]
    results = list(Batcher(FakeParser(), batch_size=8).process(records))
    documents = [r["documents"][0] for r in results]
    assert [d["doc_id"] for d in documents] == ["ok1", "bad", "bug", "unread", "ok2"]
    assert [d["status"] for d in documents] == ["ok", "error", "error", "error", "ok"]
    assert documents[1]["error"] == "processing failed: bad text"
    assert documents[2]["error"] == "processing failed: KeyError: 'rows'"
    assert documents[3]["error"] == "empty document (no text)"


def test_batches_are_capped_by_documents_and_by_characters() -> None:
    records = [Record(f"d{i}", "s", text="x" * n) for i, n in enumerate([10, 10, 10, 50, 5, 5, 5, 5, 5])]
    sizes = [[len(r.text) for r in batch] for batch in batched(records, size=4, chars=30)]
    # A longer document than the cap is a batch of its own; order is kept.
    assert sizes == [[10, 10, 10], [50], [5, 5, 5, 5], [5]]
    assert [r.doc_id for batch in batched(records, size=4, chars=30) for r in batch] == [r.doc_id for r in records]


def test_error_records_count_no_characters() -> None:
    records = [Record("a", "s", text="x" * 30), Record("bad", "s", error="empty file"), Record("b", "s", text="y")]
    assert [[r.doc_id for r in b] for b in batched(records, size=32, chars=30)] == [["a", "bad"], ["b"]]


def test_batches_without_a_character_cap() -> None:
    records = [Record(f"d{i}", "s", text="x" * 100) for i in range(5)]
    assert [len(b) for b in batched(records, size=2, chars=None)] == [2, 2, 1]
