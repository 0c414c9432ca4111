"""Load a run's output folder into pandas DataFrames with the right dtypes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extract.store.tables import (
    BOOL_COLUMNS,
    COLUMNS,
    INT_COLUMNS,
    NULLABLE_INT_COLUMNS,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Tables:
    """The tables of one run, as DataFrames, plus its manifest."""

    documents: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    catalog: pd.DataFrame
    quotes: pd.DataFrame
    relations: pd.DataFrame
    manifest: dict


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one output CSV: text as ``str`` (never NaN), counts and offsets as integers."""
    # pandas is imported on first use: `import extract` (and so the command line) stays quick.
    import pandas as pd

    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    for column in frame.columns:
        if column in INT_COLUMNS:
            frame[column] = frame[column].replace("", None).astype("Int64")
        elif column in NULLABLE_INT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
    return frame


def load(out_dir: str | Path = "data/out") -> Tables:
    """Load every table of an output folder written by ``extract run``."""
    out_dir = Path(out_dir)
    if not (out_dir / "documents.csv").is_file():
        raise FileNotFoundError(f"{out_dir} holds no extract output (no documents.csv); run `extract run` first")
    frames = {table: read_table(out_dir / f"{table}.csv") for table in COLUMNS}
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    return Tables(**frames, manifest=manifest)
