"""Bad input never sinks a run: every input gets a documents.csv row, the good ones are all processed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract
import extract.process
from extract.cli import app
from extract.readers import iter_records

cli = CliRunner()

GOOD = "NASA and Roscosmos said on Tuesday that the crew will return in March.\nThe agency will hold a briefing.\n"


@pytest.fixture
def bad_folder(tmp_path: Path, data_dir: Path) -> Path:
    """One folder with one good article and one of each kind of bad input."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(data_dir / "nasa_article_100.md", folder / "good.md")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "control.md").write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50)
    # "café" in Latin-1 with a curly quote from cp1252: not valid UTF-8.
    (folder / "latin1.txt").write_bytes("NASA said the caf\xe9 was \x93open\x94 again.\n".encode("latin-1"))
    lines = [
        json.dumps({"id": "j-one", "text": GOOD}),
        '{"id": "j-broken", "text": "unterminated',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "j-notext", "title": "no text"}),
        json.dumps({"id": "j-two", "text": GOOD.replace("Tuesday", "Friday")}),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "unreadable.txt").mkdir()  # a folder named like an article: cannot be read
    (folder / "dangling.txt").symlink_to(folder / "no-such-target.txt")
    (folder / "huge.txt").write_text("word " * 2_000, encoding="utf-8")  # 10,000 characters
    return folder


EXPECTED_ERRORS = {
    "empty": "empty document",
    "blank": "empty document",
    "binary": "binary file",
    "control": "binary file",
    "batch/2": "line 2: invalid JSON",
    "batch/3": "line 3: expected a JSON object",
    "j-notext": "line 4: no 'text' field",
    "unreadable": "cannot read file: it is a folder",
    "dangling": "broken link",
    "huge": "the limit is 5,000 characters",
}
EXPECTED_OK = {"good", "latin1", "j-one", "j-two"}


def test_every_bad_input_gets_an_error_row_and_the_good_ones_are_processed(bad_folder: Path, tmp_path: Path, shared_pipeline) -> None:
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", str(bad_folder), "--out", str(out), "--workers", "1", "--max-chars", "5000"])
    assert result.exit_code == 1, result.output
    tables = extract.load(out)
    documents = tables.documents.set_index("doc_id")
    assert set(documents.index) == set(EXPECTED_ERRORS) | EXPECTED_OK
    for doc_id, reason in EXPECTED_ERRORS.items():
        assert documents.loc[doc_id, "status"] == "error", doc_id
        assert reason in documents.loc[doc_id, "error"], (doc_id, documents.loc[doc_id, "error"])
    for doc_id in EXPECTED_OK:
        assert documents.loc[doc_id, "status"] == "ok", doc_id
        assert documents.loc[doc_id, "error"] == ""
        assert documents.loc[doc_id, "n_sentences"] > 0
        assert (tables.sentences["doc_id"] == doc_id).any()
    # The summary says how many failed and why.
    assert f"{len(EXPECTED_ERRORS)} failed" in result.output
    assert "invalid JSON" in result.output and "binary file" in result.output
    assert tables.manifest["documents"] == {"total": 14, "ok": 4, "error": 10}


def test_invalid_utf8_is_decoded_with_the_declared_fallback_and_offsets_hold(bad_folder: Path, tmp_path: Path, shared_pipeline) -> None:
    out = tmp_path / "out"
    cli.invoke(app, ["run", str(bad_folder / "latin1.txt"), "--out", str(out), "--workers", "1"])
    tables = extract.load(out)
    row = tables.documents.iloc[0]
    assert row["status"] == "ok" and row["encoding"] == "cp1252 (not valid UTF-8)"
    text = (bad_folder / "latin1.txt").read_bytes().decode("cp1252")
    assert "café was “open”" in text
    for _, sentence in tables.sentences.iterrows():
        assert text[sentence["start_char"] : sentence["end_char"]] == sentence["text"]
    assert "café" in " ".join(tables.sentences["text"])


def test_an_os_error_while_reading_is_an_error_row(bad_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, so chmod 000 does not stop reading: simulate the refusal instead.
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if str(file).endswith("good.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing_open)
    records = {r.doc_id: r for r in iter_records([bad_folder])}
    assert records["good"].error == "cannot read file: Permission denied"
    assert records["j-one"].ok and records["latin1"].ok


def test_empty_batch_files_are_error_rows(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "nocolumn.csv").write_text("title,body\nA,B\n", encoding="utf-8")
    (tmp_path / "blank.jsonl").write_bytes(b"\n\n")
    records = {r.doc_id: r for r in iter_records([tmp_path])}
    assert records["empty"].error == "empty CSV file (no header, no rows)"
    assert records["nocolumn"].error == "CSV has no 'text' column"
    assert records["blank"].error == "empty JSONL file (no records)"


def test_an_empty_folder_and_a_huge_file_have_clear_messages(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    [record] = list(iter_records([empty]))
    assert not record.ok and "no articles in folder" in record.error
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 50_001)
    [record] = list(iter_records([big], max_chars=10_000))
    assert "file too large (50,001 bytes; the limit is 10,000 characters per document" in record.error


def test_a_large_jsonl_file_is_streamed(tmp_path: Path) -> None:
    """Records come out while the file is being read: a line appended after the first record is seen."""
    path = tmp_path / "many.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(2_000):
            handle.write(json.dumps({"id": f"d{i}", "text": f"Story number {i}."}) + "\n")
    records = iter_records([path])
    assert next(records).doc_id == "d0"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "late", "text": "Written after reading began."}) + "\n")
    rest = [r.doc_id for r in records]
    assert len(rest) == 2_000 and rest[-1] == "late"
