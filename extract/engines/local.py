"""The local engine: the per-document core in this process, or in a pool of worker processes.

Each worker builds the core once (spaCy objects do not pickle well); only records and plain
rows cross process boundaries. A bounded number of tasks in flight keeps memory flat, and
results are handed on in input order.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import chain, islice
from typing import Any, Iterable, Iterator

from extract.engines.base import Done, EngineSettings, ExtractorFactory, RecordProcessor
from extract.engines.batching import batched
from extract.readers import Record
from extract.store.tables import DocResult

# Tasks in flight per worker: enough to keep every worker busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 2

_worker: RecordProcessor | None = None


def _init_worker(extractor_factory: ExtractorFactory, parent: int) -> None:
    global _worker
    # Ctrl-C is the parent's to handle: it saves finished work, then stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _worker = extractor_factory()


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (``kill -9``) would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _process_in_worker(records: list[Record]) -> list[DocResult]:
    assert _worker is not None
    return list(_worker.process(records))


class LocalEngine:
    """``workers`` processes on this machine; one worker (or one batch of records) runs in-process."""

    def __init__(self, settings: EngineSettings, extractor_factory: ExtractorFactory) -> None:
        self.workers = settings.workers
        self.batch_size = settings.batch_size
        self.extractor_factory = extractor_factory

    def describe(self) -> dict[str, Any]:
        return {"name": "local", "workers": self.workers}

    def process(self, records: Iterable[Record], on_done: Done | None = None) -> Iterator[DocResult]:
        """Results in input order (see ``extract.engines.base.Engine.process``)."""
        records = iter(records)
        if self.workers <= 1:
            yield from self._in_process(records, on_done)
            return
        head = list(islice(records, self.batch_size + 1))
        if len(head) <= self.batch_size:
            # One batch of records: starting worker processes would cost more than it saves.
            yield from self._in_process(head, on_done)
            return
        yield from self._in_pool(chain(head, records), on_done)

    def _in_process(self, records: Iterable[Record], on_done: Done | None) -> Iterator[DocResult]:
        for result in self.extractor_factory().process(records):
            if on_done is not None:
                on_done(result)
            yield result

    def _in_pool(self, records: Iterable[Record], on_done: Done | None) -> Iterator[DocResult]:
        pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker, initargs=(self.extractor_factory, os.getpid()))
        pending: deque[Future[list[DocResult]]] = deque()
        reported: set[Future[list[DocResult]]] = set()

        def report(futures: Iterable[Future[list[DocResult]]]) -> None:
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
            # A task is one group as the core makes them (batching.Batcher): the same bytes for any N.
            for batch in batched(records, self.batch_size, chars=None):
                pending.append(pool.submit(_process_in_worker, batch))
                report([f for f in pending if f.done()])
                if len(pending) >= IN_FLIGHT_PER_WORKER * self.workers:
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
