"""Readers: plain text, Markdown, JSONL and CSV; doc ids, titles and offsets as read."""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
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


# --- hostile input (issue 18): every record-level fault is a row with a reason, and nothing after it is lost


def test_a_lone_surrogate_in_the_text_becomes_one_replacement_character(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"id":"a","text":"NASA said \\ud800 hi."}\n{"id":"b","text":"Later."}\n', encoding="utf-8")
    first, second = iter_records([tmp_path])
    assert first.ok and first.text == "NASA said \ufffd hi."  # one for one: offsets hold
    assert first.encoding == "utf-8; 1 lone surrogate replaced by U+FFFD"
    assert first.sha256 == hashlib.sha256(first.text.encode("utf-8")).hexdigest()
    assert second.ok and second.text == "Later."


def test_lone_surrogates_in_ids_titles_and_file_names_are_written_as_utf8(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"id":"x\\udfff","title":"T\\ud800","text":"NASA said hi."}\n', encoding="utf-8")
    with open(os.fsencode(tmp_path) + b"/bad\xffname.txt", "wb") as handle:
        handle.write(b"NASA said hi.\n")
    records = list(iter_records([tmp_path]))
    by_id = {r.doc_id: r for r in records}
    assert set(by_id) == {"bad\\xffname", "x\ufffd"}
    assert by_id["x\ufffd"].title == "T\ufffd" and by_id["x\ufffd"].ok
    assert by_id["bad\\xffname"].ok and by_id["bad\\xffname"].source.endswith("bad\\xffname.txt")
    for record in records:  # nothing left that UTF-8 cannot hold
        for value in (record.doc_id, record.source, record.title, record.origin, record.text):
            value.encode("utf-8")


def test_a_huge_integer_is_kept_as_its_digits_and_deep_nesting_is_an_error_row(tmp_path: Path) -> None:
    lines = [
        '{"id": "big", "n": ' + "7" * 4301 + ', "text": "NASA said hi."}',
        "[" * 100_000 + "]" * 100_000,
        '{"id": ' + "9" * 5000 + ', "text": "Numbered."}',
        '{"id": "after", "text": "Still read."}',
    ]
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    big, deep, numbered, after = iter_records([tmp_path])
    assert big.ok and big.doc_id == "big"
    assert deep.doc_id == "b/2" and deep.error == "line 2: invalid JSON (nested too deeply)"
    assert numbered.ok and numbered.doc_id == "9" * 5000
    assert after.ok and after.text == "Still read."


def test_metadata_that_is_not_text_is_an_error_row(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"id": "d", "title": {"a": 1}, "text": "NASA said hi."}\n{"id": ["x"], "text": "Hi."}\n', encoding="utf-8")
    first, second = iter_records([tmp_path])
    assert (first.doc_id, first.error) == ("d", "line 1: 'title' is not a string or a number")
    assert (second.doc_id, second.error) == ("b/2", "line 2: 'id' is not a string or a number")


def test_a_folder_reached_through_a_link_is_read_once_and_a_loop_is_an_error_row(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "o.txt").write_text("Out there.", encoding="utf-8")
    (outside / "deep" / "p.txt").write_text("Deeper.", encoding="utf-8")
    root = tmp_path / "in"
    (root / "real").mkdir(parents=True)
    (root / "real" / "r.txt").write_text("Real one.", encoding="utf-8")
    (root / "linked").symlink_to(outside)
    (root / "again").symlink_to(outside)  # a second link to the same folder
    (root / "shortcut").symlink_to(root / "real")  # a link to a folder inside the input
    (root / "real" / "up").symlink_to(root)  # a loop
    records = {r.doc_id: r for r in iter_records([root])}
    assert {d for d, r in records.items() if r.ok} == {"again/o", "again/deep/p", "real/r"}
    assert "already read as 'again'" in records["linked"].error
    assert "already read as 'real'" in records["shortcut"].error
    assert "already read as the input folder" in records["real/up"].error


def test_an_unclosed_csv_quote_is_an_error_row_and_the_rows_after_it_are_kept(tmp_path: Path) -> None:
    rows = [
        ["id", "text"],
        ["one", "First story."],
        ["two", 'It said "no and never closed'],
        ["three", "Third story, with a comma."],
        ["four", 'Fourth, "quoted" and\nover two lines.'],
        ["five", "Fifth."],
    ]
    with open(tmp_path / "b.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in rows:
            if row[0] == "two":
                handle.write('two,"It said no and never closed\n')
            else:
                writer.writerow(row)
    records = list(iter_records([tmp_path]))
    assert [(r.doc_id, r.ok) for r in records] == [("one", True), ("b/2", False), ("three", True), ("four", True), ("five", True)]
    assert records[1].error.startswith("row 2 (line 3): malformed CSV (")
    assert "reading goes on from line 4" in records[1].error
    assert records[3].text == 'Fourth, "quoted" and\nover two lines.'


def test_an_unclosed_quote_that_swallows_rows_without_a_parse_error_is_caught_by_its_field_count(tmp_path: Path) -> None:
    # The quote closes at the quote mark in the next row's id, so strict parsing finds no
    # error: the row has five fields over two lines where the header has three.
    (tmp_path / "b.csv").write_text('id,title,text\nr1,T,"never closed\nr2",T2,Second story.\nr3,T3,Third story.\n', encoding="utf-8")
    records = list(iter_records([tmp_path]))
    assert [r.doc_id for r in records] == ["b/1", 'r2"', "r3"]
    assert "a row over 2 lines with 5 fields where the header has 3" in records[0].error
    assert records[1].text == "Second story." and records[2].text == "Third story."


def test_duplicate_ids_get_distinct_ids_and_keep_their_own_errors(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (first / "a.md").write_text("From the Markdown file.", encoding="utf-8")
    (first / "a.txt").write_text("From the text file.", encoding="utf-8")
    (second / "a.txt").write_text("From the second folder.", encoding="utf-8")
    (first / "b.jsonl").write_text('{"id": "x", "text": "First x."}\n{"id": "x", "text": ""}\n{"id": "x", "text": "Third x."}\n', encoding="utf-8")
    records = {r.doc_id: r for r in iter_records([first, second])}
    assert records["a"].text == "From the Markdown file."
    assert records["a~2"].text == "From the text file." and records["a~2"].ok
    assert records["a~3"].text == "From the second folder." and records["a~3"].ok
    assert records["x"].ok and records["x~3"].ok
    assert records["x~2"].error == "empty document (no text)"  # its own reason, not "duplicate"


def test_utf16_and_utf32_files_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    text = "Roscosmos said “yes” — café.\n"
    (tmp_path / "le16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "be16.md").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    (tmp_path / "le32.txt").write_bytes(text.encode("utf-32"))
    (tmp_path / "nobom.txt").write_bytes(text.encode("utf-16-le"))  # no mark: NUL bytes, binary
    (tmp_path / "batch.jsonl").write_bytes(('{"id": "j", "text": "' + text.strip() + '"}\n').encode("utf-16"))
    (tmp_path / "batch.csv").write_bytes(f'id,text\nc,"{text}"\n'.encode("utf-32"))
    records = {r.doc_id: r for r in iter_records([tmp_path])}
    for doc_id, encoding in (("le16", "utf-16"), ("be16", "utf-16"), ("le32", "utf-32"), ("c", "utf-32")):
        assert (records[doc_id].text, records[doc_id].encoding) == (text, encoding), doc_id
    assert (records["j"].text, records["j"].encoding) == (text.strip(), "utf-16")
    assert "binary" in records["nobom"].error


# --- a run's output is never read as input (issue 20)


def run_output(folder: Path, manifest: dict | None = None) -> Path:
    """A folder as ``extract run`` leaves it: tables (sentences.csv has a text column) and a manifest."""
    folder.mkdir(parents=True)
    (folder / "sentences.csv").write_text("doc_id,sent_id,start_char,end_char,text\na,0,0,5,Hello\n", encoding="utf-8")
    (folder / "documents.csv").write_text("doc_id,source\na,a.txt\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest or {"tool": "news-extract", "schema_version": 1}), encoding="utf-8")
    return folder


def test_a_runs_output_folder_inside_the_input_is_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("NASA said so.", encoding="utf-8")
    out = run_output(tmp_path / "out")
    (out / "report").mkdir()
    (out / "report" / "notes.md").write_text("Not an article.", encoding="utf-8")
    skipped: list[str] = []
    ids = [r.doc_id for r in iter_records([tmp_path], skipped=skipped)]
    assert ids == ["a"]
    assert skipped == [str(out)]


def test_a_folder_with_only_a_result_cache_is_output_too(tmp_path: Path) -> None:
    # What a first run's --out holds while it runs, or after it was interrupted.
    (tmp_path / "a.txt").write_text("NASA said so.", encoding="utf-8")
    (tmp_path / "out" / ".cache").mkdir(parents=True)
    (tmp_path / "out" / ".cache" / "results.sqlite").write_bytes(b"")
    (tmp_path / "out" / "stray.txt").write_text("Not an article.", encoding="utf-8")
    skipped: list[str] = []
    assert [r.doc_id for r in iter_records([tmp_path], skipped=skipped)] == ["a"]
    assert skipped == [str(tmp_path / "out")]


def test_a_manifest_of_another_tool_does_not_hide_articles(tmp_path: Path) -> None:
    data = run_output(tmp_path / "data", manifest={"name": "my dataset"})
    skipped: list[str] = []
    ids = sorted(r.doc_id for r in iter_records([tmp_path], skipped=skipped))
    assert ids == ["data/documents", "data/sentences/1"]
    assert skipped == []
    assert data.is_dir()


def test_an_output_folder_or_table_given_as_input_is_skipped_without_an_error_row(tmp_path: Path) -> None:
    out = run_output(tmp_path / "out")
    (tmp_path / "a.txt").write_text("NASA said so.", encoding="utf-8")
    skipped: list[str] = []
    records = list(iter_records([tmp_path / "a.txt", out, out / "sentences.csv"], skipped=skipped))
    assert [r.doc_id for r in records] == ["a"]
    assert skipped == [str(out), str(out / "sentences.csv")]
