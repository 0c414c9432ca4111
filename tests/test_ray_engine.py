"""The Ray engine writes the same tables as the local engine; without Ray it fails in one line."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.engines import ray as ray_engine
from extract.engines.base import EngineSettings
from extract.pipeline import DEFAULT_MODEL
from extract.readers import Record
from extract.runner import RunOptions, run
from extract.stages.gazetteer import load_gazetteer
from extract.store.tables import COLUMNS

ARTICLES = ["nasa_article_0.md", "nasa_article_250.md", "roscosmos-iss-sanctions.txt", "wikinews_2019_sample.csv"]
BAD_DOC_IDS = {"empty", "binary", "mixed/2"}

# CI installs the [ray] extra and sets this, so a broken Ray install fails there instead of skipping.
ray_required = os.environ.get("EXTRACT_REQUIRE_RAY") == "1"
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None and not ray_required,
    reason='the [ray] extra is not installed (pip install ".[ray]")',
)


@pytest.fixture
def articles(tmp_path: Path, data_dir: Path) -> Path:
    """Real articles plus the bad inputs a batch meets: empty, binary, a malformed JSONL line."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ARTICLES:
        shutil.copy(data_dir / name, folder / name)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "mixed.jsonl").write_text(
        json.dumps({"id": "jsonl-ok", "text": "NASA said on Monday that the Artemis launch would slip to May."}) + "\n{not json\n"
    )
    return folder


@needs_ray
def test_ray_and_local_engines_write_identical_tables(articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    # Small batches spread over two actors, so results can come back out of order.
    batch = 2
    with monkeypatch.context() as blocked:
        blocked.setitem(sys.modules, "ray", None)  # the local engine must not need Ray
        local = run([articles], tmp_path / "local", RunOptions(model=DEFAULT_MODEL, workers=1, batch_size=batch))
    try:
        remote = run([articles], tmp_path / "ray", RunOptions(model=DEFAULT_MODEL, workers=2, batch_size=batch, engine="ray"))
        assert not ray.is_initialized()  # the engine shuts down the runtime it started
    finally:
        if ray.is_initialized():
            ray.shutdown()

    assert remote.documents == local.documents == 11
    for table in COLUMNS:
        name = f"{table}.csv"
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    # Failed documents are reported the same way (and did reach the tables).
    assert {doc_id for doc_id, _ in remote.errors} == BAD_DOC_IDS
    assert remote.errors == local.errors

    engine = json.loads((tmp_path / "ray" / "manifest.json").read_text())["engine"]
    assert engine["name"] == "ray"
    assert (engine["actors"], engine["cluster_cpus"], engine["cluster_nodes"], engine["address"]) == (2, 2, 1, "local")
    assert json.loads((tmp_path / "local" / "manifest.json").read_text())["engine"] == {"name": "local", "workers": 1}


def test_ray_engine_without_ray_is_a_one_line_error(articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the [ray] extra were not installed
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(articles), "--out", str(out), "--engine", "ray", "--workers", "1"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert 'pip install ".[ray]"' in lines[0]
    assert "Traceback" not in result.output
    assert not list(out.glob("*.csv"))  # no half-written tables


class EchoExtractor:
    """A fake core for one actor: each result names its record's doc_id and text length."""

    def process(self, records):
        for record in records:
            yield {"documents": [{"doc_id": record.doc_id, "n_chars": len(record.text)}]}


def test_an_actor_builds_its_core_from_the_factory_and_returns_plain_rows() -> None:
    actor = ray_engine.ExtractActor(extractor_factory=EchoExtractor)
    records = [Record("a", "test", text="héllo"), Record("b", "test", error="empty document (no text)")]
    assert actor.process(records) == [
        {"documents": [{"doc_id": "a", "n_chars": 5}]},
        {"documents": [{"doc_id": "b", "n_chars": 0}]},
    ]


class FakeRef:
    def __init__(self, value):
        self.value = value


class FakeRay:
    """Just enough of Ray for ActorPool, in this process: a call runs when it is made, and
    ``wait`` hands back the newest call first, so results arrive out of input order."""

    def __init__(self) -> None:
        self.killed: list[object] = []
        self.outstanding = 0  # calls made whose results the pool has not yet taken
        self.most_outstanding = 0

    def remote(self, **options):
        assert options == {"num_cpus": 1}
        ray = self

        class ActorClass:
            def __init__(self, cls):
                self.cls = cls

            def options(self, **options):
                return self

            def remote(self, *args, **kwargs):
                instance = self.cls(*args, **kwargs)

                class Method:
                    def remote(self, records):
                        ray.outstanding += 1
                        ray.most_outstanding = max(ray.most_outstanding, ray.outstanding)
                        return FakeRef(instance.process(records))

                class Handle:
                    process = Method()

                return Handle()

        return ActorClass

    def wait(self, refs, num_returns=1, timeout=None):
        return refs[::-1][:num_returns], refs[num_returns:]

    def get(self, ref):
        self.outstanding -= 1
        return ref.value

    def kill(self, actor):
        self.killed.append(actor)


def test_the_actor_pool_yields_in_input_order_and_reports_every_result() -> None:
    fake = FakeRay()
    pool = ray_engine.ActorPool(fake, EchoExtractor, size=3)
    records = [Record(f"d{i}", "test", text="x" * i) for i in range(50)]
    groups = [records[i : i + 2] for i in range(0, len(records), 2)]
    reported: list[str] = []
    out = list(pool.run(groups, on_done=lambda result: reported.append(result["documents"][0]["doc_id"])))
    assert [r["documents"][0]["doc_id"] for r in out] == [r.doc_id for r in records]
    assert reported != [r.doc_id for r in records]  # reported as they arrived: out of order
    assert sorted(reported) == sorted(r.doc_id for r in records)
    # Memory stays flat: never more calls out than the window allows.
    assert fake.most_outstanding <= (ray_engine.IN_FLIGHT_PER_ACTOR + ray_engine.WAITING_PER_ACTOR) * 3
    assert len(fake.killed) == 3  # the actors are released at the end


def test_an_interrupted_pool_still_reports_finished_calls_and_releases_its_actors() -> None:
    fake = FakeRay()
    pool = ray_engine.ActorPool(fake, EchoExtractor, size=2)
    records = [Record(f"d{i}", "test", text="x") for i in range(20)]
    reported: list[str] = []
    results = pool.run([records[i : i + 2] for i in range(0, 20, 2)], on_done=lambda r: reported.append(r["documents"][0]["doc_id"]))
    next(results)
    results.close()  # the consumer stops (Ctrl-C, a failed write)
    assert len(fake.killed) == 2
    assert len(reported) > 1  # calls finished before the stop were handed on, not dropped


def test_a_call_that_loses_documents_fails_the_run() -> None:
    class Lossy:
        def process(self, records):
            return iter([{"documents": [{"doc_id": records[0].doc_id}]}]) if records else iter([])

    pool = ray_engine.ActorPool(FakeRay(), Lossy, size=1)
    with pytest.raises(ray_engine.RayEngineError, match="lost documents"):
        list(pool.run([[Record("a", "test", text="x"), Record("b", "test", text="y")]]))


def test_the_engine_describes_itself_before_and_without_running() -> None:
    engine = ray_engine.RayEngine(EngineSettings(model=DEFAULT_MODEL, gazetteer=load_gazetteer(None)), EchoExtractor)
    assert engine.describe() == {"name": "ray"}  # a fully cached run starts no Ray runtime


@needs_ray
def test_unreachable_cluster_is_a_quick_one_line_error(articles: Path, tmp_path: Path) -> None:
    # Nothing listens on port 1: the run must stop at once instead of retrying for minutes.
    result = CliRunner().invoke(app, ["run", str(articles), "--out", str(tmp_path / "out"), "--engine", "ray", "--address", "127.0.0.1:1"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Ray cluster at 127.0.0.1:1" in lines[0], result.output
