"""Where the Ray engine's time goes, against the local engine at the same number of CPUs.

    python bench/ray_overhead.py ../shared/corpus/nasa --limit 200 --workers 2 --rounds 5

Each round runs every engine once, each in a fresh process (imports, Ray's start and stop
included), through the real engine classes with a timing wrapper around the per-document
core. A run is cut into phases:

- ``import``: importing Ray (the engine imports it when it starts);
- ``ray.init``: starting the local Ray runtime (GCS, raylet and their helpers);
- ``actors``: from a runtime that is up (or, for the local engine, from the start) to the
  first worker or actor beginning to build its pipeline: starting the worker processes;
- ``pipeline``: building the spaCy pipeline in the first worker to finish it;
- ``work``: from the first call starting to the last result handed back;
- ``stop``: from the last result to the engine returning (``ray.shutdown`` for Ray).

Within ``work``, every worker's busy time (inside ``Extractor.process``) is summed; the rest
of ``work`` × workers is time a worker waited for its next call: the per-call overhead
(sending records, returning rows, the driver's turn) plus the tail, where some workers are
done and one still runs. Records and rows are also pickled and unpickled once, in this
process, to show what moving them costs.

The machine is shared: rounds interleave the engines, and the tables show medians.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.engines.base import EngineSettings, load_extractor, make_engine  # noqa: E402
from extract.pipeline import DEFAULT_MODEL  # noqa: E402
from extract.readers import Record, iter_records  # noqa: E402
from extract.stages.gazetteer import load_gazetteer  # noqa: E402

PHASES = ("import", "ray.init", "actors", "pipeline", "work", "stop")


class TimedExtractor:
    """The real core, with every call's start and end appended to a JSON-lines file."""

    def __init__(self, log: str, model: str, batch_size: int) -> None:
        self.log = log
        started = time.time()
        self.inner = load_extractor(model, load_gazetteer(None), batch_size)
        self._write(event="loaded", start=started, end=time.time())

    def process(self, records: Iterable[Record]) -> Iterator[Any]:
        records = list(records)
        started = time.time()
        results = list(self.inner.process(records))
        self._write(event="call", start=started, end=time.time(), docs=len(records))
        return iter(results)

    def _write(self, **event: Any) -> None:
        with open(self.log, "a", encoding="utf-8") as file:
            file.write(json.dumps({"pid": os.getpid(), **event}) + "\n")


def timed_factory(log: str, model: str, batch_size: int) -> TimedExtractor:
    return TimedExtractor(log, model, batch_size)


def one_run(engine_name: str, inputs: list[Path], workers: int, log: str) -> dict[str, Any]:
    """One run of ``engine_name`` in this process; the phases in seconds."""
    records = [r for r in iter_records(inputs) if r.ok]
    settings = EngineSettings(model=DEFAULT_MODEL, gazetteer=load_gazetteer(None), workers=workers)
    factory = functools.partial(timed_factory, log, settings.model, settings.batch_size)
    marks: dict[str, float] = {}
    if engine_name == "ray":
        marks["import_start"] = time.time()
        import ray

        marks["import_end"] = time.time()
        init, shutdown = ray.init, ray.shutdown

        def timed_init(*args: Any, **kwargs: Any) -> Any:
            marks["init_start"] = time.time()
            try:
                return init(*args, **kwargs)
            finally:
                marks["init_end"] = time.time()

        def timed_shutdown(*args: Any, **kwargs: Any) -> Any:
            marks["shutdown_start"] = time.time()
            return shutdown(*args, **kwargs)

        ray.init, ray.shutdown = timed_init, timed_shutdown
    engine = make_engine(engine_name, settings, factory)
    done: list[float] = []
    marks["start"] = time.time()
    count = sum(1 for _ in engine.process(records, on_done=lambda _: done.append(time.time())))
    marks["end"] = time.time()
    assert count == len(records)
    events = [json.loads(line) for line in Path(log).read_text().splitlines()]
    loads = [e for e in events if e["event"] == "loaded"]
    calls = [e for e in events if e["event"] == "call"]
    first_call = min(e["start"] for e in calls)
    last = max(done)
    actors_ready = marks.get("init_end", marks["start"])
    phases = {
        "import": marks.get("import_end", 0.0) - marks.get("import_start", 0.0),
        "ray.init": marks.get("init_end", 0.0) - marks.get("init_start", 0.0),
        "actors": min(e["start"] for e in loads) - actors_ready,
        "pipeline": min(e["end"] - e["start"] for e in loads),
        "work": last - first_call,
        "stop": marks["end"] - last,
    }
    busy = sum(e["end"] - e["start"] for e in calls)
    workers_used = len({e["pid"] for e in calls})
    return {
        "engine": engine_name,
        "total": marks["end"] - marks["start"] + phases["import"],
        "phases": phases,
        "calls": len(calls),
        "workers": workers_used,
        "busy_per_worker": busy / workers_used,
        "waiting_per_call": (phases["work"] * workers_used - busy) / len(calls),
    }


def transfer_costs(inputs: list[Path], call_docs: int, limit: int = 200) -> dict[str, float]:
    """Pickling the records and their rows once, as Ray moves them (one core, this process),
    for the first ``limit`` articles."""
    records = [r for r in iter_records(inputs) if r.ok][:limit]
    extractor = load_extractor(DEFAULT_MODEL, load_gazetteer(None))
    results = list(extractor.process(records))
    started = time.perf_counter()
    for i in range(0, len(records), call_docs):
        pickle.loads(pickle.dumps(records[i : i + call_docs]))
        pickle.loads(pickle.dumps(results[i : i + call_docs]))
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    for result in results:
        json.loads(json.dumps(result))
    json_seconds = time.perf_counter() - started
    return {
        "pickle_seconds": seconds,
        "json_seconds": json_seconds,
        "record_mb": len(pickle.dumps(records)) / 1e6,
        "rows_mb": len(pickle.dumps(results)) / 1e6,
    }


def subset(inputs: list[Path], limit: int) -> list[Path]:
    files = sorted(p for path in inputs for p in (path.rglob("*") if path.is_dir() else [path]) if p.is_file() and p.suffix in {".txt", ".md"})
    return files[:limit] if limit else files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=200, help="use only the first N articles (.txt, .md)")
    parser.add_argument("--workers", type=int, default=2, help="CPUs for each engine")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default="local,ray")
    parser.add_argument("--json", type=Path, help="also write every run here")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one engine, print JSON
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args()
    inputs = subset([p.resolve() for p in args.inputs], args.limit)
    if args.one:
        print(json.dumps(one_run(args.one, inputs, args.workers, args.log)))
        return

    words = sum(len(r.text.split()) for r in iter_records(inputs) if r.ok)
    print(f"input: {len(inputs)} articles, {words:,} words; {args.workers} CPUs per engine; {args.rounds} rounds; machine: {os.cpu_count()} cores")
    # Ray's workers import this file's TimedExtractor by name.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "bench"), str(ROOT), os.environ.get("PYTHONPATH")]))}
    runs: list[dict[str, Any]] = []
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    for round_ in range(args.rounds):
        for engine in args.engines.split(","):
            log = log_dir / f"ray-overhead-{os.getpid()}-{round_}-{engine}.jsonl"
            log.unlink(missing_ok=True)
            command = [sys.executable, __file__, *map(str, args.inputs), "--limit", str(args.limit), "--workers", str(args.workers), "--one", engine, "--log", str(log)]
            started = time.perf_counter()
            out = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
            if out.returncode != 0:
                raise SystemExit(f"{engine} failed:\n{out.stderr[-3000:]}")
            run = json.loads(out.stdout.strip().splitlines()[-1])
            run["process_seconds"] = time.perf_counter() - started
            run["round"] = round_
            runs.append(run)
            log.unlink(missing_ok=True)
            print(f"round {round_ + 1} {engine}: {run['process_seconds']:.1f} s", flush=True)
    report(runs, args.engines.split(","))
    print()
    from extract.engines.ray import CALL_DOCS

    costs = transfer_costs(inputs, CALL_DOCS)
    print(f"moving the data of the first {min(len(inputs), 200)} articles, once, on one core: records {costs['record_mb']:.1f} MB and rows {costs['rows_mb']:.1f} MB pickled and "
          f"unpickled in calls of {CALL_DOCS} documents: {costs['pickle_seconds']:.2f} s; the rows through JSON instead: {costs['json_seconds']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "transfer": costs, "words": words, "workers": args.workers}, indent=2) + "\n")


def report(runs: list[dict[str, Any]], engines: list[str]) -> None:
    def median(engine: str, get: Any) -> float:
        return statistics.median(get(r) for r in runs if r["engine"] == engine)

    print()
    print("| phase (median s) | " + " | ".join(engines) + " |")
    print("| --- |" + " ---: |" * len(engines))
    rows: list[tuple[str, Any]] = [(phase, functools.partial(lambda r, p: r["phases"][p], p=phase)) for phase in PHASES]
    rows += [
        ("whole process (start to exit)", lambda r: r["process_seconds"]),
        ("busy per worker", lambda r: r["busy_per_worker"]),
        ("waiting per call", lambda r: r["waiting_per_call"]),
        ("calls", lambda r: r["calls"]),
    ]
    for name, get in rows:
        print(f"| {name} | " + " | ".join(f"{median(e, get):.2f}" for e in engines) + " |")
    if "local" in engines:
        for engine in engines:
            if engine == "local":
                continue
            local = {r["round"]: r["process_seconds"] for r in runs if r["engine"] == "local"}
            ratios = [r["process_seconds"] / local[r["round"]] for r in runs if r["engine"] == engine]
            print(f"\n{engine} / local, whole process, round by round: {', '.join(f'{x:.2f}' for x in ratios)}; median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
