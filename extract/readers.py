"""Read articles from files and folders: .txt/.md as plain text, .jsonl and .csv records.

Readers never raise on bad input: a file or record that cannot be read becomes a
``Record`` with ``error`` set, so a batch always gets one row per input.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".csv"}
DEFAULT_MAX_CHARS = 1_000_000
FALLBACK_ENCODING = "cp1252"
TITLE_MAX_CHARS = 200


@dataclass
class Record:
    """One document to process (or the reason it cannot be)."""

    doc_id: str
    source: str
    text: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    encoding: str = "utf-8"
    error: str = ""
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256 and self.text:
            self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def ok(self) -> bool:
        return not self.error


def iter_records(inputs: list[Path], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Record]:
    """Every record of the inputs, in a stable order: inputs as given, folders sorted and walked."""
    seen: set[str] = set()
    for path in inputs:
        for record in _records_of_input(Path(path), max_chars):
            if record.doc_id in seen:
                record = Record(record.doc_id, record.source, error=f"duplicate doc_id {record.doc_id!r} (already read from another input)")
                record.doc_id = _unique(record.doc_id, seen)
            seen.add(record.doc_id)
            yield record


def _unique(doc_id: str, seen: set[str]) -> str:
    n = 2
    while f"{doc_id}~{n}" in seen:
        n += 1
    return f"{doc_id}~{n}"


def _records_of_input(path: Path, max_chars: int) -> Iterator[Record]:
    if path.is_dir():
        # Anything named like an article is an input, also when it cannot be read as one (a
        # folder called x.txt, a dangling link): it gets an error row instead of vanishing.
        files = sorted(
            (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and not _hidden(p, path)),
            key=lambda p: p.relative_to(path).as_posix(),
        )
        for file in files:
            doc_id = file.relative_to(path).with_suffix("").as_posix()
            yield from read_file(file, doc_id, max_chars=max_chars)
        if not files:
            yield Record(path.name or str(path), str(path), error=f"no articles in folder (expected files ending in {', '.join(sorted(SUFFIXES))})")
    elif path.exists() or path.is_symlink():
        yield from read_file(path, path.with_suffix("").name, max_chars=max_chars)
    else:
        yield Record(path.with_suffix("").name, str(path), error="no such file or folder")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_file(path: Path, doc_id: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Record]:
    """The records of one file, chosen by its suffix.

    Text files are read whole (up to the size limit); JSONL and CSV files are streamed
    record by record, so a large batch file does not have to fit in memory.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Record(doc_id, source, error=f"unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(sorted(SUFFIXES))}")
        return
    try:
        if path.is_dir():
            yield Record(doc_id, source, error="cannot read file: it is a folder")
            return
        if not path.exists():
            yield Record(doc_id, source, error="cannot read file: broken link (its target does not exist)")
            return
        if not path.is_file():
            yield Record(doc_id, source, error="cannot read file: not a regular file")
            return
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(BINARY_SNIFF_BYTES)
        if looks_binary(head):
            yield Record(doc_id, source, error="binary file (NUL or control bytes), not text")
            return
        if suffix in TEXT_SUFFIXES:
            # A character is at least one byte; a file far beyond the limit is not read at all.
            if size > 4 * max_chars:
                yield Record(doc_id, source, error=f"file too large ({size:,} bytes; the limit is {max_chars:,} characters per document, see --max-chars)")
                return
            text, encoding = decode(path.read_bytes())
            yield _text_record(doc_id, source, text, encoding, max_chars)
            return
        encoding = "utf-8" if is_utf8(path) else FALLBACK_ENCODING
    except OSError as err:
        yield Record(doc_id, source, error=f"cannot read file: {err.strerror or err}")
        return
    label = "utf-8" if encoding == "utf-8" else f"{FALLBACK_ENCODING} (not valid UTF-8)"
    read = 0
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline="") as handle:
            batch = _jsonl_records(doc_id, source, handle, label, max_chars) if suffix == ".jsonl" else _csv_records(doc_id, source, handle, label, max_chars)
            for record in batch:
                read += 1
                yield record
    except OSError as err:
        yield Record(f"{doc_id}/read-error", source, error=f"cannot read file after {read} records: {err.strerror or err}")


BINARY_SNIFF_BYTES = 8192
# Bytes that do not occur in text (everything below 0x20 except tab, newlines, form feed, escape).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(head: bytes) -> bool:
    """A NUL byte, or more than 5% control bytes, in the first bytes of a file."""
    if b"\x00" in head:
        return True
    return bool(head) and sum(head.count(bytes([b])) for b in _CONTROL) > 0.05 * len(head)


def is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8, checked in chunks (the file is not held in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (a BOM is dropped); otherwise the declared fallback, recorded in ``encoding``."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode(FALLBACK_ENCODING, errors="replace"), f"{FALLBACK_ENCODING} (not valid UTF-8)"


def _check_text(record: Record, max_chars: int) -> Record:
    if not record.ok:
        return record
    if not record.text.strip():
        record.error = "empty document (no text)"
    elif len(record.text) > max_chars:
        record.error = f"document too large ({len(record.text):,} characters; the limit is {max_chars:,} characters, see --max-chars)"
    return record


def _text_record(doc_id: str, source: str, text: str, encoding: str, max_chars: int) -> Record:
    return _check_text(Record(doc_id, source, text=text, title=guess_title(text), encoding=encoding), max_chars)


_SENTENCE_END = re.compile(r"[.!?;,:]$")


def guess_title(text: str) -> str:
    """The first line, when it looks like a headline (short, no sentence-final punctuation)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    line = first.strip().lstrip("#").strip()
    if not line or len(line) > TITLE_MAX_CHARS or "\n" not in text or _SENTENCE_END.search(line):
        return ""
    return line


def _record_from_fields(doc_id: str, source: str, fields: dict, encoding: str, max_chars: int, where: str) -> Record:
    text = fields.get("text")
    if not isinstance(text, str):
        return Record(doc_id, source, error=f"{where}: no 'text' field" if text is None else f"{where}: 'text' is not a string")
    record = Record(
        doc_id,
        source,
        text=text,
        title=_str(fields.get("title")),
        date=_str(fields.get("date")),
        url=_str(fields.get("url")),
        encoding=encoding,
    )
    return _check_text(record, max_chars)


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _record_id(file_doc_id: str, fields: dict, number: int) -> str:
    given = _str(fields.get("id")).strip()
    return given or f"{file_doc_id}/{number}"


def _jsonl_records(file_doc_id: str, source: str, lines: Iterable[str], encoding: str, max_chars: int) -> Iterator[Record]:
    count = 0
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        count += 1
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as err:
            yield Record(f"{file_doc_id}/{line_no}", f"{source}:{line_no}", error=f"line {line_no}: invalid JSON ({err.msg} at column {err.colno})")
            continue
        if not isinstance(fields, dict):
            yield Record(f"{file_doc_id}/{line_no}", f"{source}:{line_no}", error=f"line {line_no}: expected a JSON object")
            continue
        yield _record_from_fields(_record_id(file_doc_id, fields, line_no), f"{source}:{line_no}", fields, encoding, max_chars, f"line {line_no}")
    if count == 0:
        yield Record(file_doc_id, source, error="empty JSONL file (no records)")


def _csv_records(file_doc_id: str, source: str, lines: Iterable[str], encoding: str, max_chars: int) -> Iterator[Record]:
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as err:
        yield Record(file_doc_id, source, error=f"unreadable CSV header ({err})")
        return
    if not fieldnames:
        yield Record(file_doc_id, source, error="empty CSV file (no header, no rows)")
        return
    if "text" not in fieldnames:
        yield Record(file_doc_id, source, error="CSV has no 'text' column")
        return
    number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            yield Record(f"{file_doc_id}/{number + 1}", source, error=f"row {number + 1}: malformed CSV ({err})")
            return
        number += 1
        where = f"row {number} (line {reader.line_num})"
        yield _record_from_fields(_record_id(file_doc_id, fields, number), f"{source}:{number}", fields, encoding, max_chars, where)
    if number == 0:
        yield Record(file_doc_id, source, error="CSV has no rows")
