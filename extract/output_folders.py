"""Telling a run's output folder from input, so that a run never reads tables as articles.

``extract run articles --out articles/out``, run twice, must not take the first run's
``sentences.csv`` for 161 articles. A folder holding a run's ``manifest.json`` or result cache
is output: the readers skip it (and say so); ``--out`` naming an input folder, or an input
file that the run would overwrite, is refused before anything is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from extract.store.tables import COLUMNS

MANIFEST = "manifest.json"


class InputError(ValueError):
    """Inputs and ``--out`` that cannot go together (bad usage)."""


def run_output_marker(folder: Path) -> str | None:
    """What shows that ``folder`` holds the output of an extract run: its ``manifest.json`` or
    its result cache (``.cache``, there from the start of a first run); None otherwise."""
    # Imported here: the cache imports the readers, which import this module.
    from extract.store.cache import CACHE_DIR, DB_NAME

    manifest = folder / MANIFEST
    try:
        if manifest.is_file() and manifest.stat().st_size < 1 << 20:
            if json.loads(manifest.read_text(encoding="utf-8")).get("tool") == "news-extract":
                return MANIFEST
        if (folder / CACHE_DIR / DB_NAME).is_file():
            return CACHE_DIR
    except (OSError, ValueError, AttributeError):  # unreadable, or not our manifest: an input folder
        pass
    return None


def is_table_name(path: Path) -> bool:
    """Whether ``path`` is named like a table a run writes (``documents.csv``, ...)."""
    return path.suffix == ".csv" and path.stem in COLUMNS


def is_output_table(path: Path) -> bool:
    """Whether ``path`` is one of the tables in a run's output folder."""
    return is_table_name(path) and run_output_marker(path.parent) is not None


def check_out_dir(inputs: list[Path], out_dir: Path) -> None:
    """Raise ``InputError`` when the run would read its own output: ``--out`` naming an input
    folder (the next run would read the tables as articles), or an input file that is one of
    the tables the run writes. An output folder inside an input folder is fine: it is skipped."""
    out = os.path.realpath(out_dir)
    for path in map(Path, inputs):
        if path.is_dir() and os.path.realpath(path) == out:
            raise InputError(f"--out {out_dir} is the input folder {path}: its tables would be read as articles; choose another --out, such as {path / 'out'}")
        if is_table_name(path) and os.path.realpath(path.parent) == out:
            raise InputError(f"input {path} is a table this run writes to --out {out_dir}: it would be read as articles and overwritten; choose another --out")
