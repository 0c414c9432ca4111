"""The batch driver and the local engine.

``run`` streams records from the readers through the result cache (``extract.store.cache``) and an
engine into the tables: documents already processed with the same model, gazetteer, options
and code are taken from ``OUT/.cache``; only the others reach an engine. ``process_records``
is the engine interface: records in, one ``DocResult`` per record out, in input order. The
local engine runs ``Extractor.process`` in this process (``workers=1``) or in a pool of worker
processes; ``--engine ray`` hands the same records to ``extract.engines.ray``.

spaCy is imported only when some document needs processing, so a fully cached re-run is quick.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from extract import __version__
from extract.engines.batching import BATCH_CHARS, BATCH_SIZE, batched
from extract.pipeline import INSTALL_HINT, ModelNotFound, model_available
from extract.readers import DEFAULT_MAX_CHARS, Record, iter_records
from extract.stages.gazetteer import Gazetteer, load_gazetteer
from extract.store.cache import ResultCache, record_key, run_key
from extract.store.cache import model_meta as cached_model_meta
from extract.store.tables import SCHEMA_VERSION, DocResult, TableWriter

if TYPE_CHECKING:
    from extract.process import Extractor


# Tasks in flight per worker: enough to keep every worker busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 2


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
    reused: int = 0
    processed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


Progress = Callable[[DocResult], None]
Done = Callable[[DocResult], None]

_worker: Extractor | None = None


def _init_worker(model: str, gazetteer: Gazetteer, batch_size: int, parent: int) -> None:
    global _worker
    # Ctrl-C is the parent's to handle: it saves finished work, then stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    from extract.process import Extractor

    _worker = Extractor(model, gazetteer, batch_size=batch_size)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (``kill -9``) would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _process_in_worker(records: list[Record]) -> list[DocResult]:
    assert _worker is not None
    return list(_worker.process(records))


def process_records(
    records: Iterable[Record], options: RunOptions, gazetteer: Gazetteer, on_done: Done | None = None
) -> Iterator[DocResult]:
    """Results in input order, from this process, a pool of worker processes, or Ray.

    ``on_done``, when given, is called once per result as soon as it is finished, possibly
    before earlier results (the pool finishes batches out of order, and on Ctrl-C or an error
    it is still called for every finished batch): the driver stores results durably there.
    An engine that does not call it is fine; the driver then stores results as they are yielded.
    """
    if options.engine == "ray":
        from extract.engines.ray import process_records_ray

        yield from process_records_ray(records, options, gazetteer)
        return
    if options.workers <= 1:
        from extract.process import Extractor

        for result in Extractor(options.model, gazetteer, batch_size=options.batch_size).process(records):
            if on_done is not None:
                on_done(result)
            yield result
        return
    yield from _process_in_pool(records, options, gazetteer, on_done)


def _process_in_pool(records: Iterable[Record], options: RunOptions, gazetteer: Gazetteer, on_done: Done | None) -> Iterator[DocResult]:
    # Each worker loads the pipeline once (spaCy objects do not pickle well); only records
    # and plain rows cross process boundaries. A bounded number of tasks in flight keeps
    # memory flat; results are handed on in input order.
    pool = ProcessPoolExecutor(
        max_workers=options.workers,
        initializer=_init_worker,
        initargs=(options.model, gazetteer, options.batch_size, os.getpid()),
    )
    pending: deque[Future] = deque()
    reported: set[Future] = set()

    def report(futures: Iterable[Future]) -> None:
        for future in futures:
            if future not in reported and future.done() and not future.cancelled() and future.exception() is None:
                reported.add(future)
                if on_done is not None:
                    for result in future.result():
                        on_done(result)

    def next_in_order() -> list[DocResult]:
        head = pending[0]
        while not head.done():
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            report(finished)
        report([head])
        reported.discard(head)
        return pending.popleft().result()

    clean = False
    try:
        # A task is one group as Extractor.process (batching.Batcher) makes them: the same bytes for any N.
        for batch in batched(records, options.batch_size, chars=None):
            pending.append(pool.submit(_process_in_worker, batch))
            report([f for f in pending if f.done()])
            if len(pending) >= IN_FLIGHT_PER_WORKER * options.workers:
                yield from next_in_order()
        while pending:
            yield from next_in_order()
        clean = True
    finally:
        if not clean:
            # Interrupted (Ctrl-C, an error, or the consumer stopped): keep what is finished.
            report(list(pending))
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=clean, cancel_futures=True)


def run(inputs: list[Path], out_dir: Path, options: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Process every input into the tables of ``out_dir``; returns what happened.

    Results found in ``out_dir/.cache`` for the same model, gazetteer, options and code are
    reused (all of them are reprocessed with ``options.force``); each new result is stored
    there as soon as it is finished, so an interrupted run loses nothing already done. The
    tables themselves are replaced only when the run completes.
    """
    started = time.perf_counter()
    gazetteer = load_gazetteer(options.gazetteer)
    # A missing model fails here, before any output is touched.
    if not model_available(options.model):
        raise ModelNotFound(f"spaCy model {options.model!r} is not installed: {INSTALL_HINT}")
    out_dir = Path(out_dir)
    summary = RunSummary(out_dir=out_dir)
    categories = {e.id: e.category for e in gazetteer.entries}
    key_of_run = run_key(cached_model_meta(options.model), gazetteer.digest, row_options(options))
    cache = ResultCache(out_dir, reset=options.force)
    writer = TableWriter(out_dir, categories)

    def emit(result: DocResult) -> None:
        writer.write(result)
        document = result["documents"][0]
        summary.documents += 1
        if document["status"] != "ok":
            summary.failed += 1
            summary.errors.append((document["doc_id"], document["error"]))
        if progress is not None:
            progress(result)

    # Input order is kept with a queue of every document not yet written: cached ones and
    # reader errors wait there (as keys, not rows, so memory stays flat) for the engine's
    # results of the documents before them.
    queue: deque[tuple[str, str, Record | None]] = deque()
    stored: set[str] = set()
    keys_in_flight: dict[str, str] = {}

    def to_process() -> Iterator[Record]:
        for record in iter_records(inputs, max_chars=options.max_chars):
            key = record_key(key_of_run, record)
            if not options.force and cache.has(key):
                queue.append(("cached", key, None))
            elif not record.ok:
                # Without its text: an oversized document must not wait in memory.
                queue.append(("unreadable", key, dataclasses.replace(record, text="")))
            else:
                queue.append(("new", key, None))
                keys_in_flight[record.doc_id] = key
                yield record

    def store(result: DocResult) -> None:
        document = result["documents"][0]
        key = keys_in_flight.get(document["doc_id"])
        # A processing failure may be passing (memory, a bug fixed later): it is retried.
        if key is not None and key not in stored and document["status"] == "ok":
            cache.put(key, result)
            stored.add(key)

    def flush_waiting() -> None:
        while queue and queue[0][0] != "new":
            kind, key, record = queue.popleft()
            if kind == "cached":
                result = cache.get(key)
                if result is None:  # unreadable entry: cannot happen unless the store is damaged
                    raise RuntimeError(f"cached result {key} vanished; run again with --force")
                summary.reused += 1
            else:
                from extract.rows import error_result

                result = error_result(record, record.error)
                cache.put(key, result)
            emit(result)

    try:
        new = to_process()
        first = next(new, None)
        if first is not None:
            engine_options = options
            lookahead = list(islice(new, options.batch_size))
            if options.engine == "local" and len(lookahead) < options.batch_size:
                # One batch of new documents: starting worker processes would cost more than it saves.
                engine_options = dataclasses.replace(options, workers=1)
            for result in process_records(chain([first], lookahead, new), engine_options, gazetteer, on_done=store):
                flush_waiting()
                kind, key, _ = queue.popleft()
                doc_id = result["documents"][0]["doc_id"]
                if kind != "new" or keys_in_flight.get(doc_id) != key:
                    raise RuntimeError(f"engine returned {doc_id!r} out of order")
                store(result)
                del keys_in_flight[doc_id]
                stored.discard(key)
                summary.processed += 1
                emit(result)
        flush_waiting()
        summary.seconds = time.perf_counter() - started
        writer.close(manifest(options, gazetteer, inputs, summary))
    except BaseException:
        writer.abort()
        cache.close()
        raise
    # Only a complete run may forget results it did not use: an interrupted one keeps all.
    cache.prune()
    cache.close()
    summary.counts = dict(writer.counts)
    return summary


def row_options(options: RunOptions) -> dict:
    """The options that can change a document's rows (part of every cache key).

    Workers, engine and batch size do not: every engine gives the same bytes.
    """
    return {"max_chars": options.max_chars}


def model_meta(model: str) -> dict[str, str]:
    """Name and version of the model, from its meta.json (without importing spaCy)."""
    return cached_model_meta(model)


def spacy_version() -> str:
    try:
        return importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        return ""


def engine_manifest(options: RunOptions) -> dict:
    """Which engine ran, and on how much: worker processes, or Ray actors and cluster size."""
    if options.engine == "ray":
        from extract.engines.ray import cluster_info

        return {"name": "ray", **cluster_info()}
    return {"name": "local", "workers": options.workers}


def manifest(options: RunOptions, gazetteer: Gazetteer, inputs: list[Path], summary: RunSummary) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "news-extract",
        "tool_version": __version__,
        "spacy_version": spacy_version(),
        "model": model_meta(options.model),
        "gazetteer": {"path": gazetteer.path, "sha256": gazetteer.digest, "entries": len(gazetteer.entries)},
        "engine": engine_manifest(options),
        "inputs": [str(p) for p in inputs],
        "options": {"max_chars": options.max_chars, "batch_size": options.batch_size, "batch_chars": BATCH_CHARS, "force": options.force},
        "documents": {"total": summary.documents, "ok": summary.documents - summary.failed, "error": summary.failed},
        "cache": {"reused": summary.reused, "processed": summary.processed},
        "timings": {"seconds": round(summary.seconds, 3), "cpu_count": os.cpu_count()},
    }
