"""Counting the inputs before a run (the progress bar's total): cheap, and right on good files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from extract.counting import count_records
from extract.readers import iter_records


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8", line_end: str = "\r\n") -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "text"], lineterminator=line_end)
        writer.writeheader()
        writer.writerows(rows)


def test_counts_agree_with_the_readers_on_every_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# Two\nText.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps({"text": f"Doc {i}."}) for i in range(5)) + "\n\n  \n", encoding="utf-8")
    # Fields spanning lines, quotes inside quotes, a comma: a line count would say 12.
    rows = [{"id": str(i), "title": 'He said "yes"', "text": f"Line one,\nline two\n\nand \"three\" {i}"} for i in range(3)]
    write_csv(tmp_path / "d.csv", rows)
    write_csv(tmp_path / "e.csv", rows, encoding="utf-16", line_end="\n")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")  # one error row
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # not an input
    expected = sum(1 for _ in iter_records([tmp_path]))
    assert expected == 1 + 1 + 5 + 3 + 3 + 1
    assert count_records([tmp_path]) == expected
    assert count_records([tmp_path / "d.csv", tmp_path / "a.txt", tmp_path / "missing.txt"]) == 3 + 1 + 1


def test_a_csv_without_a_final_line_end_counts_its_last_row(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text('text\n"one"\n"two,\nthree"', encoding="utf-8")
    assert count_records([tmp_path / "a.csv"]) == 2 == sum(1 for _ in iter_records([tmp_path / "a.csv"]))


def test_the_bundled_samples_count_exactly(data_dir: Path) -> None:
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    for inputs in ([raw], [data_dir / "wikinews_2019_sample.csv"]):
        assert count_records(inputs) == sum(1 for _ in iter_records(inputs))


def test_output_folders_are_not_counted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentences.csv").write_text("doc_id,text\na,One.\n", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"tool": "news-extract"}), encoding="utf-8")
    assert count_records([tmp_path]) == 1
