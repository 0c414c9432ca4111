"""The batch driver: reading, the result cache, input order, the table writer and the manifest.

``run`` streams records from the readers through the result cache (``extract.store.cache``) and
an engine into the tables: documents already processed with the same model, gazetteer, options
and code are taken from ``OUT/.cache``; only the others reach the engine. Engines
(``extract.engines``) are picked by name and driven through one interface
(``extract.engines.base.Engine``): records in, one ``DocResult`` per record out, in input order.

spaCy is imported only when some document needs processing, so a fully cached re-run is quick.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

from extract import __version__
from extract.engines.base import Engine, EngineSettings, ExtractorFactory, make_engine
from extract.engines.batching import BATCH_CHARS, BATCH_SIZE
from extract.output_folders import check_out_dir
from extract.pipeline import check_gazetteer_labels, check_model
from extract.readers import DEFAULT_MAX_CHARS, Record, iter_records
from extract.stages.gazetteer import Gazetteer, load_gazetteer
from extract.store.cache import ResultCache, record_key, run_key
from extract.store.cache import model_meta as cached_model_meta
from extract.store.lock import OutputLock
from extract.store.tables import (
    SCHEMA_VERSION,
    DocResult,
    TableWriter,
    require_parquet,
    table_rows,
)


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
    spreadsheet_safe: bool = False  # see extract.store.tables.spreadsheet_safe
    table_format: str = "csv"  # or "parquet" (extract.store.tables.FORMATS)
    labels: tuple[str, ...] = ()  # entity labels the gazetteer may use besides the model's
    ray_token_file: str | None = None


@dataclass
class RunSummary:
    out_dir: Path
    documents: int = 0
    failed: int = 0
    words: int = 0  # in the sentences of the documents processed (not reused) by this run
    seconds: float = 0.0
    reused: int = 0  # taken from OUT/.cache
    processed: int = 0  # parsed by this run (the others are reused or unreadable)
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # input folders holding a run's output


# How a document reached the tables: parsed by this run, reused from the cache, or an input
# that could not be read (an error row; nothing to parse).
PROCESSED, REUSED, UNREADABLE = "processed", "reused", "unreadable"
# Called with every result written to the tables, in input order, and how it got there (the
# CLI's progress bar).
Progress = Callable[[DocResult, str], None]


def words_of(result: DocResult) -> int:
    """Words (white-space separated) in a result's sentences."""
    return sum(len(sentence["text"].split()) for sentence in table_rows(result, "sentences"))


def engine_settings(options: RunOptions, gazetteer: Gazetteer) -> EngineSettings:
    """What the engine needs of the run's options."""
    return EngineSettings(
        model=options.model,
        gazetteer=gazetteer,
        workers=options.workers,
        batch_size=options.batch_size,
        address=options.address,
        ray_token_file=options.ray_token_file,
    )


def run(
    inputs: list[Path],
    out_dir: Path,
    options: RunOptions,
    progress: Progress | None = None,
    *,
    extractor_factory: ExtractorFactory | None = None,
) -> RunSummary:
    """Process every input into the tables of ``out_dir``; returns what happened.

    Results found in ``out_dir/.cache`` for the same model, gazetteer, options and code are
    reused (all of them are reprocessed with ``options.force``); each new result is stored
    there as soon as it is finished, so an interrupted run loses nothing already done. The
    tables themselves are replaced only when the run completes. ``extractor_factory`` builds
    the per-document core in the engine (default: the spaCy pipeline of ``options.model``).
    One run at a time may write ``out_dir``; another raises ``OutputLocked`` at once.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    # Bad usage fails here, before any output is touched.
    check_out_dir(inputs, out_dir)
    gazetteer = load_gazetteer(options.gazetteer)
    check_model(options.model)
    check_gazetteer_labels(options.model, gazetteer, options.labels)
    if options.table_format == "parquet":
        require_parquet()
    engine = make_engine(options.engine, engine_settings(options, gazetteer), extractor_factory)
    summary = RunSummary(out_dir=out_dir)
    categories = {e.id: e.category for e in gazetteer.entries}
    key_of_run = run_key(cached_model_meta(options.model), gazetteer.digest, row_options(options))
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        # One run at a time per folder (OutputLocked otherwise); released however the run ends.
        stack.enter_context(OutputLock(out_dir))
        cache = ResultCache(out_dir, reset=options.force)
        stack.callback(cache.close)
        writer = TableWriter(out_dir, categories, spreadsheet_safe=options.spreadsheet_safe, table_format=options.table_format)
        try:
            _write_all(inputs, options, engine, cache, writer, key_of_run, summary, progress)
            summary.seconds = time.perf_counter() - started
            writer.close(manifest(options, gazetteer, inputs, summary, engine))
        except BaseException:
            writer.abort()
            raise
        # Only a complete run may forget results it did not use: an interrupted one keeps all.
        cache.prune()
    summary.counts = dict(writer.counts)
    return summary


def _write_all(
    inputs: list[Path],
    options: RunOptions,
    engine: Engine,
    cache: ResultCache,
    writer: TableWriter,
    key_of_run: str,
    summary: RunSummary,
    progress: Progress | None,
) -> None:
    """Every record's rows into ``writer``, in input order: from the cache, or from ``engine``."""

    def emit(result: DocResult, how: str) -> None:
        writer.write(result)
        document = result["documents"][0]
        summary.documents += 1
        if document["status"] != "ok":
            summary.failed += 1
            summary.errors.append((document["doc_id"], document["error"]))
        if progress is not None:
            progress(result, how)

    # Input order is kept with a queue of every document not yet written: cached ones and
    # reader errors wait there (as keys, sources and text-less records, so memory stays flat)
    # for the engine's results of the documents before them.
    queue: deque[tuple[str, str, Record | None, str]] = deque()
    stored: set[str] = set()
    keys_in_flight: dict[str, str] = {}

    def to_process() -> Iterator[Record]:
        for record in iter_records(inputs, max_chars=options.max_chars, skipped=summary.skipped):
            key = record_key(key_of_run, record)
            if not options.force and cache.has(key):
                queue.append(("cached", key, None, record.source))
            elif not record.ok:
                # Without its text: an oversized document must not wait in memory.
                queue.append(("unreadable", key, dataclasses.replace(record, text=""), record.source))
            else:
                queue.append(("new", key, None, record.source))
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
            kind, key, record, source = queue.popleft()
            if kind == "cached":
                result = cache.get(key)
                if result is None:  # unreadable entry: cannot happen unless the store is damaged
                    raise RuntimeError(f"cached result {key} vanished; run again with --force")
                # The key holds the resolved path: this run may have typed it differently.
                result["documents"][0]["source"] = source
                summary.reused += 1
                emit(result, REUSED)
            else:
                from extract.rows import error_result

                assert record is not None  # "unreadable" entries keep their record
                result = error_result(record, record.error)
                cache.put(key, result)
                emit(result, UNREADABLE)

    new = to_process()
    first = next(new, None)
    # The engine starts only when some document is new: a fully cached re-run loads no pipeline.
    if first is not None:
        for result in engine.process(chain([first], new), on_done=store):
            flush_waiting()
            kind, key, _, _ = queue.popleft()
            doc_id = result["documents"][0]["doc_id"]
            if kind != "new" or keys_in_flight.get(doc_id) != key:
                raise RuntimeError(f"engine returned {doc_id!r} out of order")
            store(result)
            del keys_in_flight[doc_id]
            stored.discard(key)
            summary.processed += 1
            summary.words += words_of(result)
            emit(result, PROCESSED)
    flush_waiting()


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


def manifest(options: RunOptions, gazetteer: Gazetteer, inputs: list[Path], summary: RunSummary, engine: Engine) -> dict:
    """The run's manifest.json: versions, model, gazetteer, engine, inputs, options, counts and timing."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "news-extract",
        "tool_version": __version__,
        "spacy_version": spacy_version(),
        "model": model_meta(options.model),
        "gazetteer": {"path": gazetteer.path, "sha256": gazetteer.digest, "entries": len(gazetteer.entries)},
        "engine": engine.describe(),
        "inputs": [str(p) for p in inputs],
        "options": {
            "max_chars": options.max_chars,
            "batch_size": options.batch_size,
            "batch_chars": BATCH_CHARS,
            "force": options.force,
            "spreadsheet_safe": options.spreadsheet_safe,
            "labels": list(options.labels),
        },
        "skipped": summary.skipped,
        "documents": {"total": summary.documents, "ok": summary.documents - summary.failed, "error": summary.failed},
        "cache": {"reused": summary.reused, "processed": summary.processed},
        "timings": {"seconds": round(summary.seconds, 3), "cpu_count": os.cpu_count()},
    }
