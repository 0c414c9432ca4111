"""The offset invariant on every table, for several real articles of different house styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.readers import iter_records

OFFSET_COLUMNS = {
    "sentences": [("start_char", "end_char", "text")],
    "entities": [("start_char", "end_char", "text")],
    "quotes": [("start_char", "end_char", "text"), ("speaker_start_char", "speaker_end_char", "speaker_text")],
    "relations": [("evidence_start_char", "evidence_end_char", "evidence")],
}


@pytest.fixture(scope="module")
def processed(extractor, data_dir: Path) -> list[tuple[str, dict]]:
    inputs = sorted(data_dir.glob("nasa_article_*.md")) + [data_dir / "wikinews_2019_sample.csv", data_dir / "roscosmos-iss-sanctions.txt"]
    records = list(iter_records(inputs))
    assert len(records) >= 10 and all(r.ok for r in records)
    return [(r.text, result) for r, result in zip(records, extractor.process(records))]


def test_every_row_text_equals_the_document_at_its_offsets(processed) -> None:
    checked = 0
    for text, result in processed:
        for table, triples in OFFSET_COLUMNS.items():
            for row in result.get(table, []):
                for start, end, column in triples:
                    if row[start] is None:
                        assert row[column] == ""
                        continue
                    assert text[row[start] : row[end]] == row[column], (table, row)
                    checked += 1
    assert checked > 500


def test_sentences_are_ordered_and_do_not_overlap(processed) -> None:
    for text, result in processed:
        sentences = result["sentences"]
        assert [s["sent_id"] for s in sentences] == list(range(len(sentences)))
        for a, b in zip(sentences, sentences[1:]):
            assert a["end_char"] <= b["start_char"]
        # Every non-space character of the text belongs to a sentence.
        covered = sum(s["end_char"] - s["start_char"] for s in sentences)
        assert covered >= len("".join(text.split()))


def test_entity_sentence_ids_point_at_the_containing_sentence(processed) -> None:
    for _, result in processed:
        sentences = result["sentences"]
        for entity in result["entities"]:
            sentence = sentences[entity["sent_id"]]
            assert sentence["start_char"] <= entity["start_char"] < sentence["end_char"]
