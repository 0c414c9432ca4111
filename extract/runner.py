"""The local engine: stream records through one or more worker processes into the tables."""

from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import spacy

from extract import __version__
from extract.gazetteer import Gazetteer, load_gazetteer
from extract.pipeline import INSTALL_HINT, ModelNotFound, model_available
from extract.process import BATCH_SIZE, DocResult, Extractor
from extract.readers import DEFAULT_MAX_CHARS, Record, iter_records
from extract.tables import SCHEMA_VERSION, TableWriter


@dataclass
class RunOptions:
    model: str
    gazetteer: str | None = None
    workers: int = 1
    force: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    batch_size: int = BATCH_SIZE
    engine: str = "local"
    address: str | None = None


@dataclass
class RunSummary:
    out_dir: Path
    documents: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


Progress = Callable[[DocResult], None]

_worker: Extractor | None = None


def _init_worker(model: str, gazetteer: Gazetteer, batch_size: int) -> None:
    global _worker
    _worker = Extractor(model, gazetteer, batch_size=batch_size)


def _process_in_worker(records: list[Record]) -> list[DocResult]:
    assert _worker is not None
    return list(_worker.process(records))


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process_records(records: Iterable[Record], options: RunOptions, gazetteer: Gazetteer) -> Iterator[DocResult]:
    """Results in input order, from this process, a pool of worker processes, or Ray."""
    if options.engine == "ray":
        from extract.ray_engine import process_records_ray

        yield from process_records_ray(records, options, gazetteer)
        return
    if options.workers <= 1:
        yield from Extractor(options.model, gazetteer, batch_size=options.batch_size).process(records)
        return
    # Each worker loads the pipeline once (spaCy objects do not pickle well); only records
    # and plain rows cross process boundaries. A bounded queue keeps memory flat.
    with ProcessPoolExecutor(
        max_workers=options.workers,
        initializer=_init_worker,
        initargs=(options.model, gazetteer, options.batch_size),
    ) as pool:
        pending: deque[Future] = deque()
        for batch in _batches(records, options.batch_size):
            pending.append(pool.submit(_process_in_worker, batch))
            if len(pending) >= 2 * options.workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def run(inputs: list[Path], out_dir: Path, options: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Process every input into the tables of ``out_dir``; returns what happened."""
    started = time.perf_counter()
    gazetteer = load_gazetteer(options.gazetteer)
    # A missing model fails here, before any output is touched.
    if not model_available(options.model):
        raise ModelNotFound(f"spaCy model {options.model!r} is not installed: {INSTALL_HINT}")
    summary = RunSummary(out_dir=Path(out_dir))
    categories = {e.id: e.category for e in gazetteer.entries}
    writer = TableWriter(out_dir, categories)
    try:
        records = iter_records(inputs, max_chars=options.max_chars)
        for result in process_records(records, options, gazetteer):
            writer.write(result)
            document = result["documents"][0]
            summary.documents += 1
            if document["status"] != "ok":
                summary.failed += 1
                summary.errors.append((document["doc_id"], document["error"]))
            if progress is not None:
                progress(result)
        summary.seconds = time.perf_counter() - started
        writer.close(manifest(options, gazetteer, inputs, summary))
    except BaseException:
        writer.abort()
        raise
    summary.counts = dict(writer.counts)
    return summary


def model_meta(model: str) -> dict[str, str]:
    try:
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(model)) if not Path(model).exists() else spacy.util.get_model_meta(Path(model))
    except Exception:  # noqa: BLE001 - the manifest records what it can
        return {"name": model, "version": ""}
    return {"name": model, "version": str(meta.get("version", "")), "spacy_version": str(meta.get("spacy_version", ""))}


def engine_manifest(options: RunOptions) -> dict:
    """Which engine ran, and on how much: worker processes, or Ray actors and cluster size."""
    if options.engine == "ray":
        from extract.ray_engine import cluster_info

        return {"name": "ray", **cluster_info()}
    return {"name": "local", "workers": options.workers}


def manifest(options: RunOptions, gazetteer: Gazetteer, inputs: list[Path], summary: RunSummary) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "news-extract",
        "tool_version": __version__,
        "spacy_version": spacy.__version__,
        "model": model_meta(options.model),
        "gazetteer": {"path": gazetteer.path, "sha256": gazetteer.digest, "entries": len(gazetteer.entries)},
        "engine": engine_manifest(options),
        "inputs": [str(p) for p in inputs],
        "options": {"max_chars": options.max_chars, "batch_size": options.batch_size, "force": options.force},
        "documents": {"total": summary.documents, "ok": summary.documents - summary.failed, "error": summary.failed},
        "timings": {"seconds": round(summary.seconds, 3), "cpu_count": os.cpu_count()},
    }
