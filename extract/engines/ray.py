"""The Ray engine: the same per-document core (``Extractor.process``) on a Ray cluster.

Documents flow through Ray Data: ``from_items`` -> ``map_batches`` with a pool of actors,
each of which builds the core once (from the engine's extractor factory). The engine
restores input order; the driver hands the results to the same table writer as the local
engine, so both engines write the same bytes. Ray is an optional extra: this module
imports it only when it runs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from extract.engines import ray_auth
from extract.engines.base import Done, EngineError, EngineSettings, ExtractorFactory, RecordProcessor
from extract.readers import Record
from extract.store.tables import DocResult

if TYPE_CHECKING:  # pragma: no cover - for type hints only
    import pyarrow

INSTALL_HINT = 'pip install ".[ray]"'
# One Ray Dataset per chunk keeps the driver's memory flat however many articles there are;
# each chunk starts a fresh actor pool (a few seconds of pipeline loading), so chunks are big.
CHUNK_DOCS = 5_000
CHUNK_CHARS = 50_000_000
CALL_DOCS = 8


class RayEngineError(EngineError):
    """Ray is missing, the cluster cannot be reached, or the run failed on it."""


class RayUnavailable(RayEngineError):
    """The [ray] extra is not installed."""


class RayEngine:
    """A pool of Ray actors that each build the core once; joins ``settings.address`` or starts
    a local runtime of ``settings.workers`` CPUs."""

    def __init__(self, settings: EngineSettings, extractor_factory: ExtractorFactory) -> None:
        self.settings = settings
        self.extractor_factory = extractor_factory
        # What the last run ran on (address, actors, cluster CPUs and nodes), for the manifest.
        self._cluster: dict[str, Any] = {}

    def describe(self) -> dict[str, Any]:
        return {"name": "ray", **self._cluster}

    def process(self, records: Iterable[Record], on_done: Done | None = None) -> Iterator[DocResult]:
        """Results in input order (see ``extract.engines.base.Engine.process``); ``on_done`` is
        called as the actors finish, before the results are put back in order."""
        ray = _import_ray()
        started = _connect(ray, self.settings)
        try:
            cpus = int(ray.cluster_resources().get("CPU", 0))
            # A runtime we started has exactly --workers CPUs; on a cluster, one actor per CPU.
            actors = max(1, min(self.settings.workers, cpus) if started else cpus)
            self._cluster = dict(
                address=self.settings.address or "local",
                actors=actors,
                cluster_cpus=cpus,
                cluster_nodes=sum(1 for node in ray.nodes() if node.get("Alive")),
                ray_version=ray.__version__,
            )
            for chunk in _chunks(records):
                yield from self._run_chunk(ray, chunk, actors, on_done)
        finally:
            if started:
                ray.shutdown()

    def _run_chunk(self, ray: Any, chunk: list[tuple[int, Record]], actors: int, on_done: Done | None) -> Iterator[DocResult]:
        # Records travel as JSON text: one plain string column, whatever the record holds.
        items = [{"index": index, "record": json.dumps(dataclasses.asdict(record))} for index, record in chunk]
        # Small calls (at most CALL_DOCS documents) with few queued per actor keep every actor busy
        # to the end of a chunk; whole 32-document batches left one actor idle while another
        # finished its queue (200 NASA releases, 2 actors: 56 s -> 40 s).
        per_call = min(self.settings.batch_size, CALL_DOCS)
        blocks = max(1, -(-len(items) // per_call))
        dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            ExtractActor,
            fn_constructor_kwargs={"extractor_factory": self.extractor_factory},
            compute=ray.data.ActorPoolStrategy(size=min(actors, blocks), max_tasks_in_flight_per_actor=2),
            batch_size=per_call,
            batch_format="pyarrow",
        )
        yield from in_order(_reported(_results(dataset), on_done), start=chunk[0][0], count=len(chunk))


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the [data] part of the extra
    except ImportError as err:
        # Short enough to stay on one line of the CLI's error output.
        raise RayUnavailable(f"--engine ray needs Ray Data: {INSTALL_HINT}") from err
    return ray


def _connect(ray: Any, settings: EngineSettings) -> bool:
    """Join the cluster at ``settings.address`` or start a local runtime; True if we must shut it down."""
    if ray.is_initialized() and settings.address is None:
        return False  # already inside a Ray program (a test fixture, a notebook): use its runtime
    quiet = dict(include_dashboard=False, log_to_driver=False, configure_logging=True, logging_level=logging.ERROR)
    address = settings.address
    if address is not None:
        if settings.ray_token_file:
            ray_auth.use_token_file(settings.ray_token_file)
        ray_auth.check_token_env()
        host_port = _host_port(address)
        if host_port is not None:
            _check_reachable(address, host_port)
            if not address.startswith("ray://"):
                ray_auth.check_accepted(f"{host_port[0]}:{host_port[1]}")
    try:
        if address is None:
            ray.init(num_cpus=settings.workers, **quiet)
        else:
            ray.init(address=address, **quiet)
    except ray_auth.authentication_error() as err:
        raise ray_auth.RayAuthenticationError(ray_auth.refusal_message(address or "a local runtime")) from err
    except (ConnectionError, ValueError, RuntimeError) as err:
        where = address or "a local runtime"
        raise RayEngineError(f"cannot start Ray ({where}): {_first_line(err)}") from err
    _quiet_ray_data(ray)
    return True


def _host_port(address: str) -> tuple[str, int] | None:
    """``HOST:PORT`` (or ``ray://HOST:PORT``) split in two; None for ``auto`` and other forms."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    return (host, int(port)) if host and port.isdigit() else None


def _check_reachable(address: str, host_port: tuple[str, int], timeout: float = 5.0) -> None:
    """Fail fast on a HOST:PORT nobody answers at: ray.init would retry for minutes."""
    try:
        socket.create_connection(host_port, timeout=timeout).close()
    except OSError as err:
        raise RayEngineError(f"cannot reach the Ray cluster at {address}: {err.strerror or err}") from err


def _quiet_ray_data(ray: Any) -> None:
    """No progress bars or INFO lines on the console (they would fight the CLI's own); the
    session's ray-data.log still gets everything."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    for handler in logging.getLogger("ray.data").handlers:
        if type(handler).__name__ != "SessionFileHandler":
            handler.setLevel(logging.ERROR)


def _chunks(records: Iterable[Record]) -> Iterator[list[tuple[int, Record]]]:
    chunk: list[tuple[int, Record]] = []
    chars = 0
    for index, record in enumerate(records):
        chunk.append((index, record))
        chars += len(record.text)
        if len(chunk) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _results(dataset: Any) -> Iterator[tuple[int, DocResult]]:
    """(input index, result) pairs as the actors finish them."""
    try:
        for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
            for index, result in zip(batch.column("index").to_pylist(), batch.column("result").to_pylist()):
                yield index, json.loads(result)
    except Exception as err:  # noqa: BLE001 - Ray wraps worker failures; the CLI shows one line
        raise RayEngineError(f"Ray run failed: {_first_line(err)}") from err


def _reported(results: Iterable[tuple[int, DocResult]], on_done: Done | None) -> Iterator[tuple[int, DocResult]]:
    """The same pairs, each handed to ``on_done`` as it arrives (out of order)."""
    for index, result in results:
        # Called here, not in _results: a failure to store is not a failure of the Ray run.
        if on_done is not None:
            on_done(result)
        yield index, result


def in_order(results: Iterable[tuple[int, DocResult]], *, start: int, count: int) -> Iterator[DocResult]:
    """Results of indices ``start .. start+count-1``, arriving in any order, handed on in input
    order as soon as the next one is in (actors finish out of order)."""
    pending: dict[int, DocResult] = {}
    following = start
    for index, result in results:
        pending[index] = result
        while following in pending:
            yield pending.pop(following)
            following += 1
    if following != start + count or pending:
        raise RayEngineError(f"Ray run lost documents: {following - start} of {count} came back")


class ExtractActor:
    """One Ray actor: builds the core once, then turns batches of records into results."""

    def __init__(self, extractor_factory: ExtractorFactory) -> None:
        # The default factory imports spaCy here, only where documents are parsed.
        self.extractor: RecordProcessor = extractor_factory()

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        records = [Record(**json.loads(text)) for text in batch.column("record").to_pylist()]
        # Plain JSON strings out: Arrow cannot infer a schema for empty or uneven row lists.
        results = [json.dumps(result) for result in self.extractor.process(records)]
        return pa.table({"index": batch.column("index"), "result": pa.array(results, pa.string())})


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[-1] if "Traceback" in text else text.splitlines()[0]
