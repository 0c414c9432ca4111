"""The Ray engine: the same per-document core (``Extractor.process``) on a Ray cluster.

A pool of Ray actors, one per CPU the run gets, each of which builds the core once (from the
engine's extractor factory) and keeps it for the whole run. The driver sends the actors small
groups of records, at most ``IN_FLIGHT_PER_ACTOR`` to each at a time, so every actor always
has the next group at hand and memory stays flat. Results come back as the plain rows the
local engine's workers return; the driver hands each to ``on_done`` as it arrives and yields
them in input order to the same table writer, so both engines write the same bytes. Ray is
an optional extra: this module imports it only when it runs.
"""

from __future__ import annotations

import logging
import socket
from typing import Any, Iterable, Iterator

from extract.engines import ray_auth
from extract.engines.base import (
    Done,
    EngineError,
    EngineSettings,
    ExtractorFactory,
    RecordProcessor,
)
from extract.engines.batching import batched
from extract.readers import Record
from extract.store.tables import DocResult

INSTALL_HINT = 'pip install ".[ray]"'
# Documents per call. Small calls keep every actor busy to the end of the run (a last big
# call leaves the other actors idle); each call costs a few milliseconds of Ray's own work.
CALL_DOCS = 8
# Calls queued per actor: one running and one ready, so no actor waits for the driver.
IN_FLIGHT_PER_ACTOR = 2
# Calls finished but not yet written (an earlier one is still running), per actor, at most.
WAITING_PER_ACTOR = 4


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
            if cpus == 0:  # actors would wait for a CPU forever
                raise RayEngineError(f"the Ray cluster at {self.settings.address or 'local'} has no CPUs")
            # A runtime we started has exactly --workers CPUs; on a cluster, one actor per CPU.
            actors = max(1, min(self.settings.workers, cpus) if started else cpus)
            self._cluster = dict(
                address=self.settings.address or "local",
                actors=actors,
                cluster_cpus=cpus,
                cluster_nodes=sum(1 for node in ray.nodes() if node.get("Alive")),
                ray_version=ray.__version__,
            )
            groups = batched(records, min(self.settings.batch_size, CALL_DOCS), chars=None)
            yield from ActorPool(ray, self.extractor_factory, actors).run(groups, on_done)
        finally:
            if started:
                _shutdown(ray)


class ActorPool:
    """``size`` actors of ``ExtractActor`` on the cluster, fed groups of records in turn."""

    def __init__(self, ray: Any, extractor_factory: ExtractorFactory, size: int) -> None:
        self.ray = ray
        remote = ray.remote(num_cpus=1)(ExtractActor)
        # SPREAD: one actor per CPU across the nodes, not packed onto the first node.
        self.actors = [remote.options(scheduling_strategy="SPREAD").remote(extractor_factory) for _ in range(size)]

    def run(self, groups: Iterable[list[Record]], on_done: Done | None = None) -> Iterator[DocResult]:
        """Results of every group, in input order; each passes through ``on_done`` as it arrives."""
        ray = self.ray
        groups = iter(groups)
        in_flight: dict[Any, tuple[int, int, int]] = {}  # result ref -> (group number, actor, documents)
        load = [0] * len(self.actors)  # calls in flight per actor
        arrived: dict[int, list[DocResult]] = {}  # finished groups waiting for an earlier one
        submitted = following = 0
        window = (IN_FLIGHT_PER_ACTOR + WAITING_PER_ACTOR) * len(self.actors)
        more = True
        clean = False
        try:
            while True:
                while more and min(load) < IN_FLIGHT_PER_ACTOR and submitted - following < window:
                    group = next(groups, None)
                    if group is None:
                        more = False
                        break
                    actor = load.index(min(load))
                    in_flight[self.actors[actor].process.remote(group)] = (submitted, actor, len(group))
                    load[actor] += 1
                    submitted += 1
                if not in_flight:
                    break
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                for ref in ready:
                    number, actor, documents = in_flight.pop(ref)
                    load[actor] -= 1
                    arrived[number] = self._report(ref, on_done)
                    if len(arrived[number]) != documents:
                        raise RayEngineError(f"Ray run lost documents: {len(arrived[number])} of {documents} came back")
                while following in arrived:
                    yield from arrived.pop(following)
                    following += 1
            clean = True
        finally:
            if not clean:
                # Interrupted (Ctrl-C, an error, the consumer stopped): keep what is finished.
                ready, _ = ray.wait(list(in_flight), num_returns=len(in_flight), timeout=0) if in_flight else ([], [])
                for ref in ready:
                    try:
                        self._report(ref, on_done)
                    except RayEngineError:
                        pass
            for actor in self.actors:
                ray.kill(actor)

    def _report(self, ref: Any, on_done: Done | None) -> list[DocResult]:
        try:
            results: list[DocResult] = self.ray.get(ref)
        except Exception as err:  # noqa: BLE001 - Ray wraps worker failures; the CLI shows one line
            raise RayEngineError(f"Ray run failed: {_first_line(err)}") from err
        # Outside the try: a failure to store a result is not a failure of the Ray run.
        if on_done is not None:
            for result in results:
                on_done(result)
        return results


class ExtractActor:
    """One Ray actor: builds the core once, then turns groups of records into results."""

    def __init__(self, extractor_factory: ExtractorFactory) -> None:
        # The default factory imports spaCy here, only where documents are parsed.
        self.extractor: RecordProcessor = extractor_factory()

    def process(self, records: list[Record]) -> list[DocResult]:
        return list(self.extractor.process(records))


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as err:
        # Short enough to stay on one line of the CLI's error output.
        raise RayUnavailable(f"--engine ray needs Ray: {INSTALL_HINT}") from err
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
    return True


def _shutdown(ray: Any) -> None:
    """Stop the local runtime this run started.

    ``ray.shutdown`` stops the GCS before the autoscaler's monitor, whose SIGTERM handler then
    reports to the stopped GCS until Ray kills it a second later (Ray 2.60: 1.35 s -> 0.3 s
    here). A local runtime does not autoscale, so the monitor is stopped first (a private
    API: skipped where it is missing).
    """
    node = getattr(getattr(getattr(ray, "_private", None), "worker", None), "_global_node", None)
    kill_monitor = getattr(node, "kill_monitor", None)
    if kill_monitor is not None:
        try:
            kill_monitor(check_alive=False)
        except Exception:  # noqa: BLE001 - an optimisation only; ray.shutdown stops it anyway
            pass
    ray.shutdown()


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


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[-1] if "Traceback" in text else text.splitlines()[0]
