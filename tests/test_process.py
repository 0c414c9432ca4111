"""The core loop: batches, memory zones and per-document errors."""

from __future__ import annotations

from extract.pipeline import DEFAULT_MODEL
from extract.process import ZONE_DOCS, Extractor
from extract.readers import Record


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
