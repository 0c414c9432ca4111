"""Incremental results: a durable store of finished documents inside the output folder.

A run stores every finished document's rows in ``OUT/.cache/results.sqlite`` as soon as it
has them, keyed by everything that decides those rows: the record (text hash and metadata),
the model name and version, the gazetteer digest, the options, the tool version and a digest
of the tool's own code and data files. A later run into the same folder reuses what it finds,
so a re-run only loads the rows, new articles are the only ones processed, and an interrupted
run (Ctrl-C, ``kill -9``) resumes where it stopped. The store sits above the engines: the local
and the Ray engine only ever see the documents that are missing.

This module must stay light: a run that finds everything here never imports spaCy.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path

from extract import __version__
from extract.readers import Record
from extract.store.tables import DocResult

CACHE_DIR = ".cache"
DB_NAME = "results.sqlite"
# Raise when the stored form of a result changes: older stores are then ignored.
FORMAT = 1




@lru_cache(maxsize=None)
def code_digest() -> str:
    """SHA-256 of the tool's own files (code, word lists, gazetteer, settings).

    The rows depend on code that changes between releases (and during development without
    a version bump); hashing it means a changed rule never serves a stale result.
    """
    root = Path(__file__).parent.parent  # the whole extract package
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _model_folder(model: str) -> Path | None:
    """The folder of the installed package named ``model``, or of a pipeline given as a path
    (spaCy's order)."""
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(model) if Path(model).is_dir() else None


def is_pipeline(model: str) -> bool:
    """Whether ``model`` looks like a spaCy pipeline: a folder or package with spaCy's meta.json
    (or a saved pipeline's config.cfg). Checked without importing spaCy, so that a module that
    is not a pipeline (``--model pandas``) is a clear error before anything is written."""
    folder = _model_folder(model)
    return folder is not None and ((folder / "meta.json").is_file() or (folder / "config.cfg").is_file())


def model_meta(model: str) -> dict[str, str]:
    """Name and version of an installed spaCy pipeline, read from its meta.json (no spaCy import)."""
    folder = _model_folder(model)
    if folder is not None and (folder / "meta.json").is_file():
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            return {
                "name": model,
                "version": str(meta.get("version", "")),
                "spacy_version": str(meta.get("spacy_version", "")),
            }
        except (OSError, ValueError):
            pass
    return {"name": model, "version": ""}


def run_key(model: dict[str, str], gazetteer_digest: str, options: dict) -> str:
    """The part of every cache key shared by all documents of a run."""
    parts = {
        "format": FORMAT,
        "tool_version": __version__,
        "code": code_digest(),
        "model": model,
        "gazetteer": gazetteer_digest,
        "options": options,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def record_key(run: str, record: Record) -> str:
    """The key of one document: the run key plus everything the record carries into the rows.

    The record's place is its resolved ``origin``, not its ``source`` as typed: ``d/a.txt``,
    ``./d/a.txt`` and ``/abs/d/a.txt`` share one result (the runner fills in ``source``).
    """
    fields = [record.doc_id, record.origin or record.source, record.title, record.date, record.url, record.encoding, record.error, record.sha256]
    return hashlib.sha256(json.dumps([run, *fields]).encode()).hexdigest()


def encode(result: DocResult) -> bytes:
    return zlib.compress(json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 1)


def decode(blob: bytes) -> DocResult:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


class ResultCache:
    """Finished documents' rows in an SQLite file; every ``put`` is committed at once.

    The store uses SQLite's write-ahead log with ``synchronous=NORMAL``: a committed result
    survives the process being killed (it is in the log), though not a power cut in the
    moment after the commit. A store that cannot be read is discarded and rebuilt: the cache
    may cost time, never a run.
    """

    def __init__(self, out_dir: Path, *, reset: bool = False) -> None:
        self.folder = Path(out_dir) / CACHE_DIR
        self.path = self.folder / DB_NAME
        self.hits = 0
        self.stored = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(reset)
        except sqlite3.OperationalError:
            raise  # cannot open or write (disk full, read-only, locked): the store is not at fault
        except sqlite3.DatabaseError:
            self._db = self._open(reset=True, discard=True)
        # Results stored from here on (by this run, or by any other) are never pruned by this run.
        self._last_before = self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM results").fetchone()[0]

    def _open(self, reset: bool, discard: bool = False) -> sqlite3.Connection:
        if discard:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, doc_id TEXT NOT NULL, result BLOB NOT NULL)")
        if reset:
            db.execute("DELETE FROM results")
        # The keys this run asked for, kept by SQLite rather than in a growing Python set.
        db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
        return db

    def _use(self, key: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO temp.used (key) VALUES (?)", (key,))

    def has(self, key: str) -> bool:
        """Whether a result is stored for ``key`` (marks it as used by this run)."""
        self._use(key)
        return self._db.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone() is not None

    def get(self, key: str) -> DocResult | None:
        """The stored rows for ``key``, or None."""
        self._use(key)
        row = self._db.execute("SELECT result FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            result = decode(row[0])
        except (ValueError, zlib.error):
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: DocResult) -> None:
        """Store one document's rows, committed before this returns."""
        self._use(key)
        doc_id = result["documents"][0]["doc_id"]
        self._db.execute("INSERT OR REPLACE INTO results (key, doc_id, result) VALUES (?, ?, ?)", (key, doc_id, encode(result)))
        self.stored += 1

    def prune(self) -> int:
        """Drop results stored before this run that no document of it asked for (after a complete
        run); returns how many. The output folder's lock keeps other runs out; the rowid bound
        is a second guard, should one write here anyway."""
        query = "DELETE FROM results WHERE rowid <= ? AND key NOT IN (SELECT key FROM temp.used)"
        try:
            dropped: int = self._db.execute(query, (self._last_before,)).rowcount
        except sqlite3.OperationalError:  # a full disk: the tables are written, unused results wait
            return 0
        return dropped

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self._db.close()
