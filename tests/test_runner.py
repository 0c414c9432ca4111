"""The batch driver: worker pools give the same bytes, re-runs reuse results, interrupted runs resume."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from extract.engines.batching import Batcher
from extract.pipeline import DEFAULT_MODEL
from extract.readers import Record
from extract.runner import RunOptions, run
from extract.store.cache import CACHE_DIR, DB_NAME, ResultCache, record_key, run_key
from extract.store.lock import OutputLock, OutputLocked

if TYPE_CHECKING:
    from conftest import SharedPipeline

TABLES = ("documents", "sentences", "entities", "catalog", "quotes", "relations")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """Eight short articles (the openings of the sample articles) and one empty file."""
    folder = tmp_path_factory.mktemp("articles")
    sources = sorted(data_dir.glob("nasa_article_*.md")) + [data_dir / "roscosmos-iss-sanctions.txt"]
    n = 0
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for part in (text[:900], text[900:1800]):
            if n < 8 and part.strip():
                (folder / f"a{n}.txt").write_text(part, encoding="utf-8")
                n += 1
    (folder / "z-empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def clean(articles: Path, tmp_path_factory: pytest.TempPathFactory, extractor) -> Path:
    """A clean, uninterrupted one-worker run to compare the others with."""
    out = tmp_path_factory.mktemp("clean")
    run([articles], out, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=lambda: extractor)
    return out


def tables(out: Path) -> dict[str, bytes]:
    return {t: (out / f"{t}.csv").read_bytes() for t in TABLES}


def test_one_and_two_workers_write_the_same_bytes(articles: Path, clean: Path, tmp_path: Path) -> None:
    # Batches of two send four tasks to a real pool of two worker processes.
    summary = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=2, batch_size=2))
    assert summary.processed == 8 and summary.documents == 9 and summary.failed == 1
    assert tables(tmp_path) == tables(clean)
    documents = (tmp_path / "documents.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in documents[1:]] == [f"a{i}" for i in range(8)] + ["z-empty"]


def test_a_rerun_reuses_every_result_without_loading_the_pipeline(articles: Path, clean: Path, tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    first = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=shared_pipeline)
    assert (first.processed, first.reused) == (8, 0) and shared_pipeline.loads == 1
    second = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=2), extractor_factory=shared_pipeline)
    assert (second.processed, second.reused) == (0, 9)  # the empty file's error row is stored too
    assert shared_pipeline.loads == 1  # no second load
    assert tables(tmp_path) == tables(clean)
    forced = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1, force=True), extractor_factory=shared_pipeline)
    assert (forced.processed, forced.reused) == (8, 0)
    assert tables(tmp_path) == tables(clean)


def test_a_cached_rerun_of_the_command_does_not_import_spacy(articles: Path, tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    # Importing spaCy alone takes about a second, a quarter of a fully cached re-run of 1,000 articles.
    run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=shared_pipeline)
    script = (
        "import sys\n"
        "from extract.cli import app\n"
        "try:\n"
        "    app(['run', sys.argv[1], '--out', sys.argv[2], '--workers', '1'])\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code, 'spacy' in sys.modules)\n"
    )
    child = subprocess.run([sys.executable, "-c", script, str(articles), str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    # Exit 1: the empty file is an error row, reused like the rest.
    assert child.stdout.strip().splitlines()[-1] == "exit 1 False", child.stdout + child.stderr
    assert "9 reused" in " ".join(child.stderr.split())


def test_new_articles_are_the_only_ones_processed(articles: Path, tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(articles.glob("a[0-4].txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    run([folder], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    for path in sorted(articles.glob("a[5-7].txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "a1.txt").write_text("A changed article: NASA said it would launch.", encoding="utf-8")
    summary = run([folder], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    assert (summary.processed, summary.reused) == (4, 4)  # a5-a7 and the changed a1
    fresh = tmp_path / "fresh"
    run([folder], fresh, RunOptions(model=DEFAULT_MODEL, force=True), extractor_factory=shared_pipeline)
    assert tables(out) == tables(fresh)
    # Results no longer used by a complete run are dropped: the store mirrors the tables.
    assert ResultCache(out).count() == 8


def test_a_different_gazetteer_or_model_version_misses_the_cache() -> None:
    record = Record("d", "src", text="Some text.")
    base = run_key({"name": "m", "version": "1"}, "g1", {"max_chars": 10})
    assert record_key(base, record) != record_key(run_key({"name": "m", "version": "2"}, "g1", {"max_chars": 10}), record)
    assert record_key(base, record) != record_key(run_key({"name": "m", "version": "1"}, "g2", {"max_chars": 10}), record)
    assert record_key(base, record) != record_key(run_key({"name": "m", "version": "1"}, "g1", {"max_chars": 11}), record)
    assert record_key(base, record) != record_key(base, Record("d", "src", text="Other text."))
    assert record_key(base, record) == record_key(base, Record("d", "src", text="Some text."))


class Interrupted(KeyboardInterrupt):
    """Stands for Ctrl-C after some documents."""


def test_an_interrupted_run_keeps_finished_work_and_the_next_run_completes_it(articles: Path, clean: Path, tmp_path: Path, extractor) -> None:
    class Failing:
        def process(self, records):
            for n, result in enumerate(extractor.process(records)):
                if n == 3:
                    raise Interrupted
                yield result

    with pytest.raises(Interrupted):
        run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=Failing)
    assert not (tmp_path / "documents.csv").exists()  # no half-written tables
    assert not list(tmp_path.glob(".*.tmp"))
    assert ResultCache(tmp_path).count() == 3

    summary = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=lambda: extractor)
    assert (summary.processed, summary.reused) == (5, 3)
    assert tables(tmp_path) == tables(clean)


class BrokenOn:
    """The session's pipeline with a rows step that fails on one document."""

    def __init__(self, extractor, doc_id: str) -> None:
        self.extractor = extractor
        self.nlp = extractor.nlp
        self.doc_id = doc_id
        self.batcher = Batcher(self)

    def document_rows(self, record, doc):
        if record.doc_id == self.doc_id:
            raise ValueError("a bug")
        return self.extractor.document_rows(record, doc)

    def process(self, records):
        return self.batcher.process(records)


def test_a_processing_failure_is_not_stored_and_is_retried(articles: Path, tmp_path: Path, extractor) -> None:
    summary = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL), extractor_factory=lambda: BrokenOn(extractor, "a2"))
    assert ("a2", "processing failed: ValueError: a bug") in summary.errors
    again = run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL), extractor_factory=lambda: extractor)
    assert (again.processed, again.failed) == (1, 1)  # a2 is retried; the empty file still fails


def test_a_killed_run_resumes(articles: Path, clean: Path, tmp_path: Path, shared_pipeline: SharedPipeline) -> None:
    """kill -9 in the middle of a run: every document finished before the kill is reused."""
    out = tmp_path / "out"
    # One document per batch, and a pause after each, so the kill lands mid-run.
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from extract.runner import RunOptions, run\n"
        "run([Path(sys.argv[1])], Path(sys.argv[2]), RunOptions(model=sys.argv[3], batch_size=1),"
        " progress=lambda result, how: time.sleep(0.3))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(articles), str(out), DEFAULT_MODEL], cwd=ROOT)
    db = out / CACHE_DIR / DB_NAME
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and child.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as connection:
                    stored = connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:  # the table is not created yet
                stored = 0
            if stored >= 2:
                break
        time.sleep(0.05)
    assert child.poll() is None, "the run ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not (out / "documents.csv").exists()
    summary = run([articles], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    assert summary.reused >= stored >= 2 and summary.processed < 8
    assert summary.processed + summary.reused in (8, 9)  # 9 when the empty file's row was stored too
    assert tables(out) == tables(clean)


def test_a_second_run_into_a_folder_in_use_is_refused_and_changes_nothing(articles: Path, clean: Path, tmp_path: Path) -> None:
    """Two runs into one --out at once spliced rows and pruned each other's results (issue 18)."""
    out = tmp_path / "out"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from extract.runner import RunOptions, run\n"
        "run([Path(sys.argv[1])], Path(sys.argv[2]), RunOptions(model=sys.argv[3], batch_size=1),"
        " progress=lambda result, how: time.sleep(0.3))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(articles), str(out), DEFAULT_MODEL], cwd=ROOT)
    try:
        deadline = time.monotonic() + 240
        while not (out / CACHE_DIR / DB_NAME).exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert child.poll() is None, "the first run ended before the second started"
        with pytest.raises(OutputLocked, match=rf"another extract run \(process {child.pid}\) is writing to {re.escape(str(out))}"):
            run([articles], out, RunOptions(model=DEFAULT_MODEL, workers=1, force=True))
    finally:
        assert child.wait(timeout=240) == 0
    assert tables(out) == tables(clean)  # the first run's tables, whole
    assert ResultCache(out).count() == 9


def test_the_lock_is_released_however_the_run_ends(articles: Path, tmp_path: Path, extractor) -> None:
    class Failing:
        def process(self, records):
            raise Interrupted
            yield

    with pytest.raises(Interrupted):
        run([articles], tmp_path, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=Failing)
    with OutputLock(tmp_path):  # free again
        pass


def test_a_run_prunes_only_results_stored_before_it_began(tmp_path: Path) -> None:
    old = ResultCache(tmp_path)
    result = {"documents": [{"doc_id": "d"}]}
    old.put("unused-old", result)  # type: ignore[arg-type]
    old.close()
    this_run = ResultCache(tmp_path)
    this_run.put("mine", result)  # type: ignore[arg-type]
    other = ResultCache(tmp_path)  # a writer that should not be there: the lock keeps it out
    other.put("theirs", result)  # type: ignore[arg-type]
    other.close()
    assert this_run.prune() == 1
    this_run.close()
    keys = {row[0] for row in sqlite3.connect(tmp_path / CACHE_DIR / DB_NAME).execute("SELECT key FROM results")}
    assert keys == {"mine", "theirs"}


def test_the_cache_key_does_not_depend_on_how_the_path_was_typed(
    articles: Path, tmp_path: Path, shared_pipeline: SharedPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run([articles], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    monkeypatch.chdir(articles.parent)
    typed = Path(".") / articles.name / ".." / articles.name  # the same folder, typed another way
    again = run([typed], out, RunOptions(model=DEFAULT_MODEL), extractor_factory=shared_pipeline)
    assert (again.processed, again.reused) == (0, 9)
    fresh = tmp_path / "fresh"
    run([typed], fresh, RunOptions(model=DEFAULT_MODEL, force=True), extractor_factory=shared_pipeline)
    assert tables(out) == tables(fresh)  # the source column says how the path was typed this time
    assert f"{typed}/a0.txt".encode() in tables(out)["documents"]
