"""The output tables of SCHEMA.md: columns, dtypes, and atomic, deterministic CSV writing."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, TypedDict

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
    ],
    "relations": [
        "doc_id", "relation_id", "sent_id", "relation_type", "subject_entity_id", "subject_name",
        "predicate", "object_entity_id", "object_name", "negated", "evidence_start_char",
        "evidence_end_char", "evidence",
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


# Columns holding a batch-level entity id and its name: filled in when the run is complete.
ENTITY_ID_COLUMNS = {
    "entities": [("entity_id", "entity_name")],
    "quotes": [("speaker_entity_id", "speaker_name")],
    "relations": [("subject_entity_id", "subject_name"), ("object_entity_id", "object_name")],
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


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CsvWriter:
    """``csv.writer`` with ``\n`` line ends that also quotes a cell holding a bare ``\r``.

    Python's writer quotes a cell only for the characters of its own line terminator, so a
    lone carriage return (old Mac line ends) went out unquoted and split the row for every
    reader. Such a row is written with every cell quoted; all other rows are as before.
    """

    def __init__(self, handle: Any) -> None:
        self.plain = csv.writer(handle, lineterminator="\n")
        self.quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: list[Any]) -> None:
        carriage_return = any(isinstance(c, str) and "\r" in c for c in cells)
        (self.quoted if carriage_return else self.plain).writerow(cells)


def render_rows(table: str, rows: Iterable[dict]) -> str:
    """CSV text (no header) for rows of ``table``, with the schema's column order."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
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

    A crash leaves the previous tables (or none) in place, never a half-written one.
    """

    def __init__(self, out_dir: Path, categories: dict[str, str] | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.categories = categories or {}
        self.entities = EntityIndex()
        self.counts: Counter = Counter()
        self._files = {}
        for table in STREAMED:
            handle = open(self._tmp(table), "w", encoding="utf-8", newline="")
            handle.write(header(table))
            self._files[table] = handle

    def _tmp(self, table: str) -> Path:
        return self.out_dir / f".{table}.csv.tmp"

    def write(self, result: DocResult) -> None:
        """Append one document's rows (a mapping of table name to rows)."""
        for table in STREAMED:
            rows = table_rows(result, table)
            if rows:
                self._files[table].write(render_rows(table, rows))
                self.counts[table] += len(rows)
        self.entities.add(table_rows(result, "entities"))

    def close(self, manifest: dict) -> None:
        for handle in self._files.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        # Ids become batch-level only now that every document's entities are known.
        resolved = self.entities.resolve()
        for table, columns in ENTITY_ID_COLUMNS.items():
            _rewrite_ids(self._tmp(table), columns, resolved)
        catalog_rows = catalog(self.entities, resolved, self.categories)
        self.counts["catalog"] = len(catalog_rows)
        _atomic_write(self.out_dir / "catalog.csv", header("catalog") + render_rows("catalog", catalog_rows))
        for table in STREAMED:
            os.replace(self._tmp(table), self.out_dir / f"{table}.csv")
        manifest = {**manifest, "counts": {t: self.counts[t] for t in COLUMNS}}
        _atomic_write(self.out_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def abort(self) -> None:
        for table, handle in self._files.items():
            handle.close()
            self._tmp(table).unlink(missing_ok=True)


def _rewrite_ids(path: Path, columns: list[tuple[str, str]], resolved: dict[str, tuple[str, str]]) -> None:
    """Replace document-level ids (and their names) in a written table by batch-level ones."""
    tmp = path.with_name(path.name + ".ids")
    with open(path, encoding="utf-8", newline="") as source, open(tmp, "w", encoding="utf-8", newline="") as target:
        reader = csv.reader(source)
        writer = CsvWriter(target)
        head = next(reader)
        writer.writerow(head)
        positions = [(head.index(id_column), head.index(name_column)) for id_column, name_column in columns]
        for row in reader:
            for id_at, name_at in positions:
                if row[id_at] in resolved:
                    row[id_at], row[name_at] = resolved[row[id_at]]
            writer.writerow(row)
        target.flush()
        os.fsync(target.fileno())
    os.replace(tmp, path)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
