"""Hostile input end to end (issue 18): any text round-trips, the writer fails cleanly, and a
few hundred generated hostile records run without a crash, a lost record or a changed cell."""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

import extract
from extract.pipeline import DEFAULT_MODEL
from extract.runner import RunOptions, run
from extract.store import tables as tables_module
from extract.store.tables import (
    COLUMNS,
    INT_COLUMNS,
    NULLABLE_INT_COLUMNS,
    TableWriter,
    make_row,
    spreadsheet_safe,
    unmark,
)

if TYPE_CHECKING:
    from conftest import SharedPipeline

ROOT = Path(__file__).resolve().parent.parent
# Every control character, the Unicode line breaks, marks and replacement characters, CSV
# syntax, spreadsheet formulas and strings pandas would take for missing values.
HOSTILE = [
    *(chr(c) for c in range(0x20)), "\x7f", *(chr(c) for c in range(0x80, 0xA0)), "\u2028", "\u2029", "\ufeff",
    "\ufffd", "\u200b", "\u202e", "😀", "a\rb", "a\r\nb", "a\n\rb", "\r\r\n", '"', '""', '"a, b"', ",", " ",
    "  lead and trail  ", "=SUM(A1:A9)", "+1", "-2", "@cmd", "'quoted", "\t=1", "NA", "N/A", "nan", "null",
    "None", "#N/A", "", "1e5", "007", "-inf", "\\", "\\n",
]


def hostile_result(doc_id: str, texts: list[str]) -> dict[str, Any]:
    """A document whose every text cell, in every table, is one of ``texts``."""
    values: dict[str, list] = {"documents": [], "sentences": [], "entities": [], "quotes": [], "relations": []}
    for i, text in enumerate(texts):
        for table in values:
            if table == "documents" and i:
                continue
            row = {}
            for column in COLUMNS[table]:
                if column in INT_COLUMNS or column in NULLABLE_INT_COLUMNS:
                    row[column] = i
                elif column == "negated":
                    row[column] = False
                elif column == "date":
                    row[column] = ""
                elif column == "doc_id":
                    row[column] = doc_id
                else:
                    row[column] = text
            values[table].append(make_row(table, **row))
    return values


def test_any_text_round_trips_through_pandas_and_load(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    for i, text in enumerate(HOSTILE):
        writer.write(hostile_result(text or f"empty-{i}", HOSTILE))
    writer.close({"schema_version": 1})
    loaded = extract.load(tmp_path)
    for table in COLUMNS:
        raw = pd.read_csv(tmp_path / f"{table}.csv", keep_default_na=False, dtype=str)
        typed = getattr(loaded, table)
        assert len(raw) == len(typed) == writer.counts[table], table
        for column in COLUMNS[table]:
            if column in INT_COLUMNS | NULLABLE_INT_COLUMNS | {"negated", "date"} or table == "catalog":
                continue
            cells = raw[column].tolist()
            assert typed[column].tolist() == cells, (table, column)
            if column == "doc_id":
                continue
            expected = HOSTILE if table != "documents" else [HOSTILE[0]] * len(HOSTILE)
            assert cells == expected * (len(cells) // len(expected)), (table, column)
    assert sorted(pd.read_csv(tmp_path / "documents.csv", keep_default_na=False, dtype=str)["doc_id"]) == sorted(
        t or f"empty-{i}" for i, t in enumerate(HOSTILE)
    )


def test_spreadsheet_safe_output_marks_formulas_and_comes_off_exactly(tmp_path: Path) -> None:
    assert [spreadsheet_safe(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "'x", "x=1", "", 5)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "''x", "x=1", "", 5,
    ]
    exact, safe = tmp_path / "exact", tmp_path / "safe"
    for out, marked in ((exact, False), (safe, True)):
        writer = TableWriter(out, spreadsheet_safe=marked)
        writer.write(hostile_result("=doc", HOSTILE))
        writer.close({})
    for table in COLUMNS:
        plain = pd.read_csv(exact / f"{table}.csv", keep_default_na=False, dtype=str)
        marked_frame = pd.read_csv(safe / f"{table}.csv", keep_default_na=False, dtype=str)
        for column in plain.columns:
            assert not marked_frame[column].str.match(r"[=+\-@\t\r]").any(), (table, column)
            assert [unmark(v) for v in marked_frame[column]] == plain[column].tolist(), (table, column)
    # Batch-level ids are still resolved in the marked tables (the catalog lists the entity once).
    assert len(pd.read_csv(safe / "catalog.csv", keep_default_na=False, dtype=str)) == len(pd.read_csv(exact / "catalog.csv", dtype=str))


def no_space(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".ids")))


def test_a_full_disk_while_writing_rows_leaves_the_old_tables_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = TableWriter(tmp_path)
    writer.write(hostile_result("old", ["one"]))
    writer.close({})
    before = {t: (tmp_path / f"{t}.csv").read_bytes() for t in COLUMNS}
    writer = TableWriter(tmp_path)
    writer.write(hostile_result("new", ["two"]))
    monkeypatch.setattr(tables_module, "render_rows", no_space)
    with pytest.raises(OSError):
        writer.write(hostile_result("newer", ["three"]))
    writer.abort()
    assert temporaries(tmp_path) == []
    assert {t: (tmp_path / f"{t}.csv").read_bytes() for t in COLUMNS} == before


class Unflushable:
    """A file whose last flush fails, as on a full disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("partial", encoding="utf-8")

    def close(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_abort_removes_every_temporary_file_even_when_closing_fails(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    writer._files = {table: Unflushable(writer._tmp(table)) for table in writer._files}  # type: ignore[misc]
    (tmp_path / ".entities.csv.tmp.ids").write_text("half a rewrite", encoding="utf-8")
    (tmp_path / ".catalog.csv.tmp").write_text("half a catalog", encoding="utf-8")
    (tmp_path / ".manifest.json.tmp").write_text("{", encoding="utf-8")
    writer.abort()
    assert temporaries(tmp_path) == []


def test_a_full_disk_while_finishing_moves_no_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest is the last file written: a failure there must not leave new tables beside an old manifest."""
    writer = TableWriter(tmp_path)
    writer.write(hostile_result("old", ["one"]))
    writer.close({"run": "old"})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    writer = TableWriter(tmp_path)
    writer.write(hostile_result("new", ["two"]))
    real = tables_module._write_synced

    def manifest_fails(path: Path, text: str) -> None:
        if path.name.startswith(".manifest"):
            real(path, text[:10])
            no_space()
        real(path, text)

    monkeypatch.setattr(tables_module, "_write_synced", manifest_fails)
    with pytest.raises(OSError):
        writer.close({"run": "new"})
    writer.abort()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_writer_that_cannot_open_its_files_leaves_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = open
    opened = []

    def third_fails(path: Any, *args: Any, **kwargs: Any) -> Any:
        if len(opened) == 2:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        opened.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(tables_module, "open", third_fails, raising=False)
    with pytest.raises(PermissionError):
        TableWriter(tmp_path)
    assert temporaries(tmp_path) == []


def test_the_records_that_crashed_the_batch_are_rows_now(tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    """Repros 1-4 of issue 18 in one folder: each crashed the whole batch, every re-run again."""
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [
        '{"id":"a","text":"NASA said \\ud800 hi."}',
        '{"id":"b\\udfff","title":"T\\ud800","text":"ESA said hi."}',
        '{"id":"c","n":' + "1" * 4301 + ',"text":"Roscosmos said hi."}',
        "[" * 100_000 + "]" * 100_000,
        '{"id":"d","text":"The last record."}',
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(os.fsencode(folder) + b"/bad\xffname.txt", "wb") as handle:
        handle.write(b"NASA said hi.\n")
    out = tmp_path / "out"
    summary = run([folder], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    documents = extract.load(out).documents.set_index("doc_id")
    assert documents["status"].to_dict() == {"a": "ok", "b\ufffd": "ok", "c": "ok", "batch/4": "error", "d": "ok", "bad\\xffname": "ok"}
    assert documents.loc["a", "encoding"] == "utf-8; 1 lone surrogate replaced by U+FFFD"
    assert documents.loc["batch/4", "error"] == "line 4: invalid JSON (nested too deeply)"
    sentences = extract.load(out).sentences
    assert sentences[sentences["doc_id"] == "a"]["text"].tolist() == ["NASA said \ufffd hi."]
    assert summary.processed == 5
    again = run([folder], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    assert (again.processed, again.reused) == (0, 6)  # every result was stored


def load_bench() -> Any:
    spec = importlib.util.spec_from_file_location("hostile_bench", ROOT / "bench" / "hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_few_hundred_generated_hostile_records_run_clean(tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    """bench/hostile.py's generator and checks, 300 records, fixed seed (the script runs 10,000)."""
    bench = load_bench()
    corpus = bench.generate(tmp_path, 300, seed=18)
    out = tmp_path / "out"
    run([tmp_path / "in"], out, RunOptions(model=DEFAULT_MODEL, max_chars=bench.MAX_CHARS), extractor_factory=shared_pipeline)
    figures = bench.check(corpus, out, bench.Figures())
    assert figures.records >= 300 and figures.rows == figures.records
    problems = (figures.lost, figures.unexpected, figures.status_differences, figures.round_trip_differences)
    assert problems == (0, 0, 0, 0), figures.examples
    kinds = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert kinds["ok"] > 100 and kinds["error"] > 50  # both sides were exercised
