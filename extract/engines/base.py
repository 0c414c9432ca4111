"""The one seam between the driver (``extract.runner``) and the engines.

An engine takes records and gives back one ``DocResult`` per record, in input order
(``Engine.process``), and says what it ran on for the manifest (``Engine.describe``).
``make_engine`` picks one by name. The engines get the per-document core through an
``ExtractorFactory``, so tests can hand them a fake one.

Importing this module imports neither spaCy nor Ray: an engine's module is imported when
``make_engine`` builds it, and the pipeline only where documents are parsed.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Protocol

from extract.engines.batching import BATCH_SIZE
from extract.readers import Record
from extract.stages.gazetteer import Gazetteer
from extract.store.tables import DocResult

# Called once per finished result (see Engine.process).
Done = Callable[[DocResult], None]


class EngineError(RuntimeError):
    """An engine cannot run (missing extra, unreachable cluster, failed run); one line for the CLI."""


class RecordProcessor(Protocol):
    """The per-document core as the engines use it: ``extract.process.Extractor``, or a fake."""

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]: ...


# Builds the core where documents are processed (this process, a worker, a Ray actor). The
# worker pool and Ray pickle it: use a module-level function or a functools.partial of one.
ExtractorFactory = Callable[[], RecordProcessor]


@dataclass(frozen=True)
class EngineSettings:
    """What every engine is told: the pipeline to load and how much to run at once."""

    model: str
    gazetteer: Gazetteer
    workers: int = 1
    batch_size: int = BATCH_SIZE
    address: str | None = None  # the Ray cluster to join; None starts a local runtime
    ray_token_file: str | None = None  # that cluster's token (token authentication)


class Engine(Protocol):
    """Records in, one result per record out, in input order."""

    def process(self, records: Iterable[Record], on_done: Done | None = None) -> Iterator[DocResult]:
        """Results in input order.

        ``on_done``, when given, is called once per result as soon as it is finished,
        possibly before earlier results (a pool finishes batches out of order, and on Ctrl-C
        or an error it is still called for every finished batch): the driver stores results
        durably there. The driver also stores results as they are yielded.
        """
        ...

    def describe(self) -> dict[str, Any]:
        """The manifest's ``engine`` entry: ``name`` and what the engine ran on."""
        ...


def load_extractor(model: str, gazetteer: Gazetteer, batch_size: int = BATCH_SIZE) -> RecordProcessor:
    """The real core: loads the spaCy pipeline (so it is imported only where documents are parsed)."""
    from extract.process import Extractor

    return Extractor(model, gazetteer, batch_size=batch_size)


def default_factory(settings: EngineSettings) -> ExtractorFactory:
    """A picklable factory of the real core for ``settings``."""
    return functools.partial(load_extractor, settings.model, settings.gazetteer, settings.batch_size)


# Engine name -> "module:class"; the class takes (settings, extractor_factory). Add engines here.
ENGINES: dict[str, str] = {
    "local": "extract.engines.local:LocalEngine",
    "ray": "extract.engines.ray:RayEngine",
}


def make_engine(name: str, settings: EngineSettings, extractor_factory: ExtractorFactory | None = None) -> Engine:
    """The engine called ``name``; ``extractor_factory`` defaults to the real pipeline."""
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r}: use {' or '.join(ENGINES)}")
    module, _, cls = ENGINES[name].partition(":")
    engine: Engine = getattr(importlib.import_module(module), cls)(settings, extractor_factory or default_factory(settings))
    return engine
