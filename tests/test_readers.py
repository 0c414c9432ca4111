"""Readers: plain text, Markdown, JSONL and CSV; doc ids, titles and offsets as read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from extract.readers import guess_title, iter_records


def test_text_file_keeps_whole_text_and_takes_title(tmp_path: Path) -> None:
    text = "Crew Returns Home\n\nThe crew landed on Tuesday.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [record] = iter_records([tmp_path])
    assert record.ok
    assert record.doc_id == "a"
    assert record.text == text
    assert record.title == "Crew Returns Home"


def test_markdown_title_strips_heading_marks(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# Launch Set for May\nNASA will launch.\n", encoding="utf-8")
    [record] = iter_records([tmp_path])
    assert record.title == "Launch Set for May"
    assert record.text.startswith("# Launch")


def test_first_line_that_is_a_sentence_is_not_a_title() -> None:
    assert guess_title("The agency said it would stop.\nMore text.") == ""
    assert guess_title("Only one line without newline") == ""


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text("Zed text here.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("A text here.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    ids = [r.doc_id for r in iter_records([tmp_path])]
    assert ids == ["sub/a", "z"]


def test_jsonl_records_with_and_without_id(tmp_path: Path) -> None:
    lines = [
        {"id": "x1", "text": "First article.", "title": "One", "date": "2024-01-02", "url": "http://e/1"},
        {"text": "Second article."},
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(l) for l in lines) + "\n", encoding="utf-8")
    first, second = iter_records([tmp_path])
    assert (first.doc_id, first.title, first.date, first.url, first.text) == ("x1", "One", "2024-01-02", "http://e/1", "First article.")
    assert second.doc_id == "batch/2"
    assert second.text == "Second article."


def test_malformed_jsonl_line_is_an_error_record_and_others_survive(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"text": "Good one."}\n{not json\n{"text": "Good two."}\n', encoding="utf-8")
    records = list(iter_records([tmp_path]))
    assert [r.ok for r in records] == [True, False, True]
    assert "line 2" in records[1].error


def test_csv_records_like_wikinews(data_dir: Path) -> None:
    records = list(iter_records([data_dir / "wikinews_2019_sample.csv"]))
    with open(data_dir / "wikinews_2019_sample.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(records) == len(rows) == 4
    assert [r.text for r in records] == [row["text"] for row in rows]
    assert [r.title for r in records] == [row["title"] for row in rows]
    assert [r.url for r in records] == [row["url"] for row in rows]
    assert records[0].doc_id == "wikinews_2019_sample/1"


def test_csv_without_text_column_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("title,body\nA,B\n", encoding="utf-8")
    [record] = iter_records([tmp_path])
    assert not record.ok and "text" in record.error


def test_empty_and_missing_inputs_are_error_records(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    records = list(iter_records([tmp_path, tmp_path / "nope.txt"]))
    assert [(r.doc_id, r.ok) for r in records] == [("empty", False), ("nope", False)]


def test_invalid_utf8_uses_declared_fallback(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 opens in Montr\xe9al.".encode("latin-1"))
    [record] = iter_records([tmp_path])
    assert record.ok
    assert record.text == "Café opens in Montréal."
    assert "not valid UTF-8" in record.encoding
