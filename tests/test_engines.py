"""The engine seam: the factory, the interface's promises, and what importing an engine costs."""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from extract.engines.base import ENGINES, EngineError, EngineSettings, make_engine
from extract.engines.local import LocalEngine
from extract.readers import Record
from extract.stages.gazetteer import load_gazetteer
from extract.store.tables import DocResult

ROOT = Path(__file__).resolve().parent.parent
ENGINES_DIR = ROOT / "extract" / "engines"


class PidExtractor:
    """A fake core: one result per record, saying which process made it."""

    def __init__(self, tag: str = "") -> None:
        self.tag = tag

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]:
        for record in records:
            yield {"documents": [{"doc_id": record.doc_id, "status": "ok", "error": f"{self.tag}{os.getpid()}"}]}


def _settings(workers: int, batch_size: int) -> EngineSettings:
    return EngineSettings(model="unused", gazetteer=load_gazetteer(None), workers=workers, batch_size=batch_size)


def _records(n: int) -> list[Record]:
    return [Record(f"d{i}", "test", text=f"text {i}") for i in range(n)]


def test_make_engine_knows_every_engine_and_refuses_others() -> None:
    assert set(ENGINES) == {"local", "ray"}
    for name in ENGINES:
        assert make_engine(name, _settings(1, 4), lambda: PidExtractor()).describe()["name"] == name
    with pytest.raises(EngineError, match="unknown engine 'spark': use local or ray"):
        make_engine("spark", _settings(1, 4))


def test_ray_errors_are_engine_errors() -> None:
    from extract.engines.ray import RayEngineError, RayUnavailable

    assert issubclass(RayUnavailable, RayEngineError) and issubclass(RayEngineError, EngineError)


def test_local_engine_in_process_reports_every_result_in_order() -> None:
    done: list[str] = []
    engine = make_engine("local", _settings(1, 4), PidExtractor)
    results = list(engine.process(_records(7), on_done=lambda r: done.append(r["documents"][0]["doc_id"])))
    assert [r["documents"][0]["doc_id"] for r in results] == [f"d{i}" for i in range(7)]
    assert done == [f"d{i}" for i in range(7)]
    assert {r["documents"][0]["error"] for r in results} == {str(os.getpid())}
    assert engine.describe() == {"name": "local", "workers": 1}


def test_local_engine_pool_keeps_input_order_with_a_picklable_fake() -> None:
    done: list[str] = []
    # A partial of a module-level class pickles, so the worker processes can build it too.
    engine = LocalEngine(_settings(2, 2), functools.partial(PidExtractor, "worker "))
    results = list(engine.process(_records(9), on_done=lambda r: done.append(r["documents"][0]["doc_id"])))
    assert [r["documents"][0]["doc_id"] for r in results] == [f"d{i}" for i in range(9)]
    assert sorted(done) == sorted(f"d{i}" for i in range(9))  # once each, in whatever order
    pids = {r["documents"][0]["error"] for r in results}
    assert pids and f"worker {os.getpid()}" not in pids
    assert engine.describe() == {"name": "local", "workers": 2}


def test_one_batch_runs_in_process_even_with_workers() -> None:
    loads: list[int] = []

    def factory() -> PidExtractor:
        loads.append(1)
        return PidExtractor()

    engine = LocalEngine(_settings(4, 5), factory)
    results = list(engine.process(_records(5)))
    assert len(results) == 5 and {r["documents"][0]["error"] for r in results} == {str(os.getpid())}
    assert loads == [1]
    assert engine.describe() == {"name": "local", "workers": 4}  # what the run was given


def test_importing_the_engines_imports_neither_spacy_nor_ray() -> None:
    script = (
        "import sys\n"
        "import extract.engines, extract.engines.base, extract.engines.batching, extract.engines.local, extract.engines.ray, extract.runner\n"
        "print('spacy' in sys.modules, 'ray' in sys.modules)\n"
    )
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert child.stdout.strip() == "False False", child.stdout + child.stderr


def test_engines_never_import_the_driver() -> None:
    for path in sorted(ENGINES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(name.startswith(("extract.runner", "extract.cli")) for name in names), path.name
