"""The output tables of SCHEMA.md: columns, dtypes, and atomic, deterministic CSV writing."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from pathlib import Path
from typing import IO, Any, Iterable, TypedDict

from extract.identity import EntityIndex, top

SCHEMA_VERSION = 1

COLUMNS: dict[str, list[str]] = {
    "documents": [
        "doc_id", "source", "title", "n_chars", "n_sentences", "n_entities", "n_quotes",
        "n_relations", "sha256", "status", "error", "date", "url", "encoding", "language",
    ],
    "sentences": ["doc_id", "sent_id", "start_char", "end_char", "text"],
    "entities": [
        "doc_id", "mention_id", "sent_id", "start_char", "end_char", "text", "label",
        "entity_id", "entity_name", "source", "doc_entity_id",
    ],
    "catalog": ["entity_id", "entity_name", "label", "category", "n_mentions", "n_docs", "aliases", "kind"],
    "quotes": [
        "doc_id", "quote_id", "kind", "start_char", "end_char", "text", "cue", "cue_start_char",
        "cue_end_char", "speaker_text", "speaker_start_char", "speaker_end_char",
        "speaker_entity_id", "speaker_name", "speaker_label", "sent_id", "method",
        "speaker_mention_id",
    ],
    "relations": [
        "doc_id", "relation_id", "sent_id", "relation_type", "subject_entity_id", "subject_name",
        "predicate", "object_entity_id", "object_name", "negated", "evidence_start_char",
        "evidence_end_char", "evidence", "subject_label", "object_label",
    ],
}
Row = dict[str, Any]


class DocResult(TypedDict, total=False):
    """One document's rows, by table: the result every engine hands back and the cache stores.

    ``documents`` always holds exactly one row; a failed document has no other tables.
    """

    documents: list[Row]
    sentences: list[Row]
    entities: list[Row]
    quotes: list[Row]
    relations: list[Row]


def make_row(table: str, **values: Any) -> Row:
    """A row of ``table`` with exactly its columns, in order; a missing or unknown column raises."""
    columns = COLUMNS[table]
    if values.keys() != set(columns):
        missing = [c for c in columns if c not in values]
        unknown = sorted(set(values) - set(columns))
        raise KeyError(f"{table} row: missing {missing}, unknown {unknown}")
    return {c: values[c] for c in columns}


def table_rows(result: DocResult, table: str) -> list[Row]:
    """The rows ``result`` holds for ``table`` (none when the document failed)."""
    rows: list[Row] = result.get(table, [])  # type: ignore[assignment]  # a TypedDict read by a computed key
    return rows


# Columns holding a batch-level entity id, its name and (for relations) its catalog label:
# filled in when the run is complete.
ENTITY_ID_COLUMNS: dict[str, list[tuple[str, str, str | None]]] = {
    "entities": [("entity_id", "entity_name", None)],
    "quotes": [("speaker_entity_id", "speaker_name", None)],
    "relations": [("subject_entity_id", "subject_name", "subject_label"), ("object_entity_id", "object_name", "object_label")],
}
# Labels of values rather than names: a catalog row with one of them has kind "value"
# ("wednesday", "first", "3 days"), so "top entities" can keep to names (kind "name").
VALUE_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
# Tables written row by row while documents stream through; the catalog is aggregated.
STREAMED = ("documents", "sentences", "entities", "quotes", "relations")

INT_COLUMNS = {
    "n_chars", "n_sentences", "n_entities", "n_quotes", "n_relations", "sent_id", "start_char",
    "end_char", "n_mentions", "n_docs", "evidence_start_char", "evidence_end_char",
}
# Offsets that may be empty (a quote with no cue or no speaker): nullable integers.
NULLABLE_INT_COLUMNS = {"cue_start_char", "cue_end_char", "speaker_start_char", "speaker_end_char"}
BOOL_COLUMNS = {"negated"}
DATE_COLUMNS = {"date"}

# Table file formats (`extract run --format`). Parquet is the same tables, typed as
# ``extract.load`` types the CSVs, converted from them at the end of a run (pyarrow, optional).
FORMATS = ("csv", "parquet")
PARQUET_HINT = "Parquet needs pyarrow: pip install 'news-extract[parquet]' (or pip install pyarrow)"


class ParquetUnavailable(ImportError):
    """``--format parquet`` (or loading Parquet tables) without pyarrow installed."""


def require_parquet() -> None:
    """Raise ``ParquetUnavailable`` unless pyarrow can be imported."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ParquetUnavailable(PARQUET_HINT) from None


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# A spreadsheet runs a cell starting with one of these as a formula (tab and carriage return
# can hide one); a cell already starting with the mark is marked too, so that it comes off exactly.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SAFE_MARK = "'"


def spreadsheet_safe(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet could read it as a formula (the opt-in
    ``--spreadsheet-safe``). Exactly reversible: drop one ``'`` from every cell starting with one."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, SAFE_MARK)):
        return SAFE_MARK + value
    return value


def unmark(value: str) -> str:
    """The cell as it was before ``spreadsheet_safe``."""
    return value[1:] if value.startswith(SAFE_MARK) else value


class CsvWriter:
    """``csv.writer`` with ``\n`` line ends that also quotes a cell holding a bare ``\r``.

    Python's writer quotes a cell only for the characters of its own line terminator, so a
    lone carriage return (old Mac line ends) went out unquoted and split the row for every
    reader. Such a row is written with every cell quoted; all other rows are as before.
    With ``safe``, text cells that a spreadsheet would run as formulas are marked (see
    ``spreadsheet_safe``).
    """

    def __init__(self, handle: Any, safe: bool = False) -> None:
        self.plain = csv.writer(handle, lineterminator="\n")
        self.quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self.safe = safe

    def writerow(self, cells: list[Any]) -> None:
        if self.safe:
            cells = [spreadsheet_safe(c) for c in cells]
        carriage_return = any(isinstance(c, str) and "\r" in c for c in cells)
        (self.quoted if carriage_return else self.plain).writerow(cells)


def render_rows(table: str, rows: Iterable[dict], safe: bool = False) -> str:
    """CSV text (no header) for rows of ``table``, with the schema's column order."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer, safe)
    columns = COLUMNS[table]
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in columns])
    return buffer.getvalue()


def header(table: str) -> str:
    return ",".join(COLUMNS[table]) + "\n"


def catalog(index: EntityIndex, resolved: dict[str, tuple[str, str]], categories: dict[str, str]) -> list[Row]:
    """One ``catalog.csv`` row per batch-level entity, sorted by id."""
    rows = []
    for batch_id, group in sorted(index.merged(resolved).items()):
        label = top(sum((e.labels for e in group), Counter()))
        rows.append(
            make_row(
                "catalog",
                entity_id=batch_id,
                entity_name=resolved[group[0].entity_id][1],
                label=label,
                kind="value" if label in VALUE_LABELS else "name",
                category=categories.get(batch_id, ""),
                n_mentions=sum(e.mentions for e in group),
                n_docs=len(set().union(*(e.docs for e in group))),
                aliases="|".join(sorted(set().union(*(e.surfaces for e in group)))),
            )
        )
    return rows


class TableWriter:
    """Write every table to temporary files and move them into place only when all are done.

    A crash leaves the previous tables (or none) in place, never a half-written one or a mix
    of two runs: every file, the manifest included, is complete and synced before the first
    is moved. ``abort`` (a failed run, a full disk) removes every temporary file.

    Tables are written as CSV; with ``table_format="parquet"`` the finished CSVs are converted to
    Parquet before the moves, and the folder ends up with Parquet tables only.
    """

    def __init__(
        self, out_dir: Path, categories: dict[str, str] | None = None, *, spreadsheet_safe: bool = False, table_format: str = "csv"
    ) -> None:
        if table_format not in FORMATS:
            raise ValueError(f"unknown table format {table_format!r}: use {' or '.join(FORMATS)}")
        if table_format == "parquet":
            require_parquet()
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.categories = categories or {}
        self.safe = spreadsheet_safe
        self.format = table_format
        self.entities = EntityIndex()
        self.counts: Counter = Counter()
        self._files: dict[str, IO[str]] = {}
        try:
            for table in STREAMED:
                handle = open(self._tmp(table), "w", encoding="utf-8", newline="")
                self._files[table] = handle
                handle.write(header(table))
        except BaseException:
            self.abort()
            raise

    def _tmp(self, table: str, suffix: str = "csv") -> Path:
        return self.out_dir / f".{table}.{suffix}.tmp"

    def write(self, result: DocResult) -> None:
        """Append one document's rows (a mapping of table name to rows)."""
        for table in STREAMED:
            rows = table_rows(result, table)
            if rows:
                self._files[table].write(render_rows(table, rows, self.safe))
                self.counts[table] += len(rows)
        self.entities.add(table_rows(result, "entities"))

    def close(self, manifest: dict) -> None:
        for handle in self._files.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        # Ids become batch-level only now that every document's entities are known.
        resolved = self.entities.resolve()
        catalog_rows = catalog(self.entities, resolved, self.categories)
        labels = {row["entity_id"]: row["label"] for row in catalog_rows}
        for table, columns in ENTITY_ID_COLUMNS.items():
            _rewrite_ids(self._tmp(table), columns, resolved, labels, self.safe)
        self.counts["catalog"] = len(catalog_rows)
        _write_synced(self._tmp("catalog"), header("catalog") + render_rows("catalog", catalog_rows, self.safe))
        if self.format == "parquet":
            for table in COLUMNS:
                _write_parquet(self._tmp(table), self._tmp(table, "parquet"))
        manifest = {**manifest, "format": self.format, "counts": {t: self.counts[t] for t in COLUMNS}}
        _write_synced(self._manifest_tmp(), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        # All is on disk: only renames are left, which take no space.
        for table in COLUMNS:
            os.replace(self._tmp(table, self.format), self.out_dir / f"{table}.{self.format}")
        os.replace(self._manifest_tmp(), self.out_dir / "manifest.json")
        # Tables of the other format are an earlier run's: never leave a mix of two runs.
        for table in COLUMNS:
            for suffix in FORMATS:
                if suffix != self.format:
                    (self.out_dir / f"{table}.{suffix}").unlink(missing_ok=True)
                    self._tmp(table, suffix).unlink(missing_ok=True)

    def _manifest_tmp(self) -> Path:
        return self.out_dir / ".manifest.json.tmp"

    def abort(self) -> None:
        """Close and remove every temporary file; the tables in place are left as they were."""
        for handle in self._files.values():
            try:
                handle.close()
            except OSError:  # a full disk fails the last flush; the file is closed and goes anyway
                pass
        for table in COLUMNS:
            for path in (self._tmp(table), _ids_tmp(self._tmp(table)), self._tmp(table, "parquet")):
                path.unlink(missing_ok=True)
        self._manifest_tmp().unlink(missing_ok=True)


def _ids_tmp(path: Path) -> Path:
    return path.with_name(path.name + ".ids")


def _rewrite_ids(
    path: Path,
    columns: list[tuple[str, str, str | None]],
    resolved: dict[str, tuple[str, str]],
    labels: dict[str, str],
    safe: bool = False,
) -> None:
    """Replace document-level ids (and their names) in a written table by batch-level ones; a
    label column takes the batch-level entity's label, as the catalog has it."""
    tmp = _ids_tmp(path)
    with open(path, encoding="utf-8", newline="") as source, open(tmp, "w", encoding="utf-8", newline="") as target:
        reader = csv.reader(source)
        writer = CsvWriter(target, safe)
        head = next(reader)
        writer.writerow(head)
        positions = [(head.index(i), head.index(n), None if lab is None else head.index(lab)) for i, n, lab in columns]
        for row in reader:
            if safe:  # back to the values as they were, to be marked again when written
                row = [unmark(cell) for cell in row]
            for id_at, name_at, label_at in positions:
                if row[id_at] in resolved:
                    row[id_at], row[name_at] = resolved[row[id_at]]
                    if label_at is not None:
                        row[label_at] = labels.get(row[id_at], row[label_at])
            writer.writerow(row)
        target.flush()
        os.fsync(target.fileno())
    os.replace(tmp, path)


def _write_parquet(csv_path: Path, parquet_path: Path) -> None:
    """A finished CSV table as Parquet, with the dtypes ``extract.load`` gives the CSV."""
    from extract.store.load import read_table  # load imports this module

    read_table(csv_path).to_parquet(parquet_path, engine="pyarrow", index=False)
    with open(parquet_path, "rb") as handle:
        os.fsync(handle.fileno())


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
