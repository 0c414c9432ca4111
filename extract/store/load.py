"""Load a run's output folder (CSV or Parquet tables) into pandas DataFrames with the right dtypes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extract.store.tables import (
    BOOL_COLUMNS,
    COLUMNS,
    DATE_COLUMNS,
    FORMATS,
    INT_COLUMNS,
    NULLABLE_INT_COLUMNS,
    PARQUET_HINT,
    ParquetUnavailable,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(repr=False)
class Tables:
    """The tables of one run, as DataFrames, plus its manifest."""

    documents: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    catalog: pd.DataFrame
    quotes: pd.DataFrame
    relations: pd.DataFrame
    manifest: dict

    def __repr__(self) -> str:
        counts = ", ".join(f"{table}={len(getattr(self, table)):,}" for table in COLUMNS)
        return f"Tables({counts})"

    @property
    def names(self) -> pd.DataFrame:
        """The catalog's named entities (people, organisations, places, ...), not dates or numbers."""
        return self.catalog[self.catalog["kind"] == "name"]

    def summary(self, top: int = 10) -> dict[str, pd.DataFrame]:
        """Top entities by label, top speakers, and quotes per speaker: the usual first look."""
        import pandas as pd

        names = self.names.sort_values(["n_mentions", "entity_id"], ascending=[False, True])
        top_entities = names.groupby("label", sort=True).head(top)[["label", "entity_id", "entity_name", "n_mentions", "n_docs"]]
        spoken = self.quotes[self.quotes["speaker_entity_id"] != ""]
        per_speaker = (
            spoken.groupby(["speaker_entity_id", "speaker_name"], sort=False)
            .agg(quotes=("quote_id", "size"), documents=("doc_id", "nunique"), direct=("kind", lambda k: int((k == "direct").sum())))
            .reset_index()
            .sort_values(["quotes", "speaker_entity_id"], ascending=[False, True], ignore_index=True)
        )
        return {
            "top_entities": top_entities.reset_index(drop=True),
            "top_speakers": per_speaker.head(top),
            "quotes_per_speaker": per_speaker,
            "unattributed_quotes": pd.DataFrame({"quotes": [len(self.quotes) - len(spoken)]}),
        }


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one output table: text as ``str`` (never NaN), counts and offsets as integers,
    dates as UTC timestamps. A ``.parquet`` file is read as it is (it was written typed so)."""
    # pandas is imported on first use: `import extract` (and so the command line) stays quick.
    import pandas as pd

    path = Path(path)
    if path.suffix == ".parquet":
        try:
            frame = pd.read_parquet(path, engine="pyarrow")
        except ImportError:
            raise ParquetUnavailable(f"{path}: {PARQUET_HINT}") from None
        return _dates_in_microseconds(frame)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    for column in frame.columns:
        if column in INT_COLUMNS:
            frame[column] = frame[column].replace("", None).astype("Int64")
        elif column in NULLABLE_INT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
        elif column in DATE_COLUMNS:
            # Dates as the input gave them; anything unparseable becomes NaT, the text is gone
            # only from this typed view (the CSV keeps it).
            frame[column] = pd.to_datetime(frame[column].replace("", None), errors="coerce", format="mixed", utc=True)
    return _dates_in_microseconds(frame)


def _dates_in_microseconds(frame: pd.DataFrame) -> pd.DataFrame:
    """One time unit whatever the dates (pandas picks one from the data, Parquet has no
    seconds): CSV and Parquet tables load with the same dtypes."""
    for column in DATE_COLUMNS & set(frame.columns):
        frame[column] = frame[column].dt.as_unit("us")
    return frame


def load(out_dir: str | Path = "data/out") -> Tables:
    """Load every table of an output folder written by ``extract run``, CSV or Parquet
    (the format the manifest names, else whichever the folder holds)."""
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    table_format = table_format_of(out_dir, manifest)
    if table_format is None:
        raise FileNotFoundError(f"{out_dir} holds no extract output (no documents.csv or documents.parquet); run `extract run` first")
    frames = {table: read_table(out_dir / f"{table}.{table_format}") for table in COLUMNS}
    return Tables(**frames, manifest=manifest)


def table_format_of(out_dir: Path, manifest: dict) -> str | None:
    """``csv`` or ``parquet``: the manifest's format when its tables are there, else the first
    format whose documents table the folder holds; None for a folder without tables."""
    named = manifest.get("format")
    candidates = ([named] if named in FORMATS else []) + list(FORMATS)
    return next((f for f in candidates if (out_dir / f"documents.{f}").is_file()), None)
