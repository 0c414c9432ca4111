"""Engines: how records reach the per-document core (this machine, or a Ray cluster).

- ``base``: the interface every engine implements (``Engine``), ``EngineError``, the
  registry and ``make_engine``;
- ``batching``: groups, memory zones and parse batches, shared by every engine's core;
- ``local``: this process or a pool of worker processes; ``ray``: a Ray cluster.

Importing any of them imports neither spaCy nor Ray.
"""
