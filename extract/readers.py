"""Read articles from files and folders: .txt/.md as plain text, .jsonl and .csv records.

Readers never raise on bad input: a file or record that cannot be read becomes a
``Record`` with ``error`` set, so a batch always gets one row per input.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import IO, Iterator

from extract.output_folders import is_output_table, run_output_marker

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".csv"}
DEFAULT_MAX_CHARS = 1_000_000
FALLBACK_ENCODING = "cp1252"
TITLE_MAX_CHARS = 200
# Code points no UTF-8 file can hold. JSON escapes (``"\ud800"``) can still produce them, and
# the OS hands over file-name bytes that are not UTF-8 as surrogate escapes.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# Byte-order marks of the wide encodings; UTF-32 first: its little-endian mark starts like UTF-16's.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Record:
    """One document to process (or the reason it cannot be).

    ``source`` is the path as typed (it goes into the tables); ``origin`` is the same place as
    a resolved absolute path, so that the cache key does not depend on how the path was typed.
    """

    doc_id: str
    source: str
    text: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    encoding: str = "utf-8"
    error: str = ""
    sha256: str = ""
    origin: str = ""

    def __post_init__(self) -> None:
        # A lone surrogate cannot be written as UTF-8 (tables, cache): each one becomes U+FFFD,
        # one code point for one, so offsets into the text stay exact; the text notes it.
        if _SURROGATE.search(self.text):
            self.text, replaced = _SURROGATE.subn(REPLACEMENT, self.text)
            self.encoding += f"; {replaced:,} lone surrogate{'s' if replaced > 1 else ''} replaced by U+FFFD"
        for name in ("doc_id", "source", "title", "date", "url", "encoding", "error", "origin"):
            value = getattr(self, name)
            if _SURROGATE.search(value):
                setattr(self, name, _SURROGATE.sub(REPLACEMENT, value))
        if not self.sha256 and self.text:
            self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def ok(self) -> bool:
        return not self.error


def path_text(path: str | Path) -> str:
    """A path as text that UTF-8 can hold: file-name bytes that are not UTF-8 appear as ``\\xNN``."""
    text = str(path)
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return _SURROGATE.sub(REPLACEMENT, text)


def iter_records(inputs: list[Path], *, max_chars: int = DEFAULT_MAX_CHARS, skipped: list[str] | None = None) -> Iterator[Record]:
    """Every record of the inputs, in a stable order: inputs as given, folders sorted and walked.

    A ``doc_id`` already seen in the run (``a.txt`` beside ``a.md``, the same file name in two
    input folders, a repeated JSONL ``id``) gets the suffix ``~2``, ``~3``, ... and the record
    is read as any other: nothing is lost, and a record's own error is kept. Folders holding
    a run's output are not read (see ``walk``); each one is added to ``skipped`` as it is met.
    """
    seen: set[str] = set()
    for path in inputs:
        for record in _records_of_input(Path(path), max_chars, skipped):
            if record.doc_id in seen:
                record.doc_id = _unique(record.doc_id, seen)
            seen.add(record.doc_id)
            yield record


def _unique(doc_id: str, seen: set[str]) -> str:
    n = 2
    while f"{doc_id}~{n}" in seen:
        n += 1
    return f"{doc_id}~{n}"


def _records_of_input(path: Path, max_chars: int, skipped: list[str] | None = None) -> Iterator[Record]:
    if path.is_dir():
        passed_over: list[str] = []
        entries = walk(path, passed_over)
        if skipped is not None:
            skipped.extend(sorted(passed_over))
        for relative, entry in entries:
            if isinstance(entry, Record):
                yield entry
            else:
                yield from _read_guarded(entry, path_text(PurePosixPath(relative).with_suffix("").as_posix()), max_chars)
        if not entries and passed_over != [path_text(path)]:  # a run's output folder is only reported
            yield Record(path_text(path.name or path), path_text(path), error=f"no articles in folder (expected files ending in {', '.join(sorted(SUFFIXES))})")
    elif is_output_table(path):
        if skipped is not None:
            skipped.append(path_text(path))
    elif path.exists() or path.is_symlink():
        yield from _read_guarded(path, path_text(path.with_suffix("").name), max_chars)
    else:
        yield Record(path_text(path.with_suffix("").name), path_text(path), error="no such file or folder")


def walk(root: Path, skipped: list[str] | None = None) -> list[tuple[str, Path | Record]]:
    """Everything named like an article under ``root``, sorted by path relative to it.

    Anything named like an article is an input, also when it cannot be read as one (a folder
    called x.txt, a dangling link): it gets an error row instead of vanishing. Hidden files and
    folders are skipped. Folder links are followed once: a link to a folder already read (a
    loop, or a second way to the same folder) and a folder that cannot be listed are error rows.
    A folder holding a run's output (``run_output_marker``; ``--out`` inside the input folder)
    is never read, so a second run does not take the first one's tables for articles: its
    path goes into ``skipped``.
    """
    entries: list[tuple[str, Path | Record]] = []
    read: dict[tuple[int, int], str] = {}  # folder (device, inode) -> relative path it was read as
    links: list[tuple[str, Path]] = []

    def scan(relative: str, folder: Path) -> None:
        folders = [(relative, folder)]
        while folders:
            relative, folder = folders.pop()
            try:
                status = os.stat(folder)
                first = read.get((status.st_dev, status.st_ino))
                if first is not None:
                    where = f"{first!r}" if first else "the input folder"
                    entries.append((relative, _folder_error(relative, root, folder, f"folder not read again: it was already read as {where} (a link loop, or two links to one folder)")))
                    continue
                read[(status.st_dev, status.st_ino)] = relative
                if run_output_marker(folder) is not None:
                    if skipped is not None:
                        skipped.append(path_text(folder))
                    continue
                with os.scandir(folder) as listing:
                    items = list(listing)
            except OSError as err:
                entries.append((relative, _folder_error(relative, root, folder, f"cannot read folder: {err.strerror or err}")))
                continue
            for item in items:
                if item.name.startswith("."):
                    continue
                child = f"{relative}/{item.name}" if relative else item.name
                if PurePosixPath(item.name).suffix.lower() in SUFFIXES:
                    entries.append((child, Path(item.path)))
                try:
                    is_folder = item.is_dir()
                    is_link = item.is_symlink()
                except OSError:
                    continue
                if is_folder:
                    (links if is_link else folders).append((child, Path(item.path)))

    # Real folders first, then links in path order: a link never shadows the folder itself.
    scan("", root)
    while links:
        links.sort(reverse=True)
        scan(*links.pop())
    entries.sort(key=lambda entry: entry[0])
    return entries


def _folder_error(relative: str, root: Path, folder: Path, error: str) -> Record:
    return Record(path_text(relative or root.name or root), path_text(folder), error=error)


def _read_guarded(path: Path, doc_id: str, max_chars: int) -> Iterator[Record]:
    """``read_file``, but a bug in a reader costs the rest of that file, not the batch."""
    read = 0
    try:
        for record in read_file(path, doc_id, max_chars=max_chars):
            read += 1
            yield record
    except Exception as err:  # noqa: BLE001 - reported as the file's error row
        where = f"after {read} records" if read else "file"
        yield Record(f"{doc_id}/read-error" if read else doc_id, path_text(path), error=f"cannot read {where}: unexpected {type(err).__name__}: {err}")


def read_file(path: Path, doc_id: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Record]:
    """The records of one file, chosen by its suffix.

    Text files are read whole (up to the size limit); JSONL and CSV files are streamed
    record by record, so a large batch file does not have to fit in memory.
    """
    source = path_text(path)
    origin = path_text(os.path.realpath(path))
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
        wide = wide_encoding(head)
        if wide is None and looks_binary(head):
            yield Record(doc_id, source, error="binary file (NUL or control bytes), not text")
            return
        if suffix in TEXT_SUFFIXES:
            # A character is at most four bytes; a file far beyond the limit is not read at all.
            if size > 4 * max_chars + 4:
                yield Record(doc_id, source, error=f"file too large ({size:,} bytes; the limit is {max_chars:,} characters per document, see --max-chars)")
                return
            text, encoding = decode(path.read_bytes())
            if wide is not None and looks_binary(text[:BINARY_SNIFF_BYTES].encode("utf-8")):
                yield Record(doc_id, source, error=f"binary file (NUL or control characters after a {wide} byte-order mark), not text")
                return
            yield _check_text(Record(doc_id, source, text=text, title=guess_title(text), encoding=encoding, origin=origin), max_chars)
            return
        if wide is not None:
            opened = label = wide
        elif is_utf8(path):
            opened, label = "utf-8-sig", "utf-8"
        else:
            opened, label = FALLBACK_ENCODING, f"{FALLBACK_ENCODING} (not valid UTF-8)"
    except OSError as err:
        yield Record(doc_id, source, error=f"cannot read file: {err.strerror or err}")
        return
    batch = _BatchFile(path, doc_id, source, origin, opened, label, max_chars)
    yield from (batch.read_jsonl() if suffix == ".jsonl" else batch.read_csv())


BINARY_SNIFF_BYTES = 8192
# Bytes that do not occur in text (everything below 0x20 except tab, newlines, form feed, escape).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(head: bytes) -> bool:
    """A NUL byte, or more than 5% control bytes, in the first bytes of a file."""
    if b"\x00" in head:
        return True
    return bool(head) and sum(head.count(bytes([b])) for b in _CONTROL) > 0.05 * len(head)


def wide_encoding(head: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when the bytes start with that encoding's byte-order mark."""
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            return name
    return None


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
    """UTF-16/32 by their byte-order mark; UTF-8 (a BOM is dropped); otherwise the declared
    fallback, recorded in ``encoding``. The marks are dropped from the text."""
    wide = wide_encoding(raw)
    if wide is not None:
        try:
            return raw.decode(wide), wide
        except UnicodeDecodeError:
            return raw.decode(wide, errors="replace"), f"{wide} (invalid sequences replaced by U+FFFD)"
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


_SENTENCE_END = re.compile(r"[.!?;,:]$")


def guess_title(text: str) -> str:
    """The first line, when it looks like a headline (short, no sentence-final punctuation)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    line = first.strip().lstrip("#").strip()
    if not line or len(line) > TITLE_MAX_CHARS or "\n" not in text or _SENTENCE_END.search(line):
        return ""
    return line


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _parse_int(digits: str) -> int | str:
    # Python refuses to convert more than 4,300 digits (a guard against slow conversions); such
    # a number can only be metadata, which is written as text anyway, so it is kept as its digits.
    try:
        return int(digits)
    except ValueError:
        return digits


def _record_id(file_doc_id: str, fields: dict, number: int) -> str:
    given = fields.get("id")
    given = "" if isinstance(given, (dict, list)) else _str(given).strip()
    return given or f"{file_doc_id}/{number}"


def _swallowed(fields: dict, columns: int, lines: int) -> str:
    """Why a row read over several lines looks like rows swallowed by an unclosed quote: the
    wrong number of fields ("" when it looks right). One-line rows are taken as they are."""
    extra = fields.get(None) or []  # DictReader's key for extra fields
    found = sum(value is not None for key, value in fields.items() if key is not None) + len(extra)
    if lines <= 1 or found == columns:
        return ""
    return f"a row over {lines} lines with {found} fields where the header has {columns}; an unclosed quote?"


class _BatchFile:
    """The records of one JSONL or CSV file, streamed; a bad record never costs a later one."""

    def __init__(self, path: Path, doc_id: str, source: str, origin: str, opened: str, label: str, max_chars: int) -> None:
        self.path = path
        self.doc_id = doc_id
        self.source = source
        self.origin = origin
        self.opened = opened  # the codec the file is opened with
        self.label = label  # the ``encoding`` column
        self.max_chars = max_chars

    def _open(self) -> IO[str]:
        # newline="": line ends reach the parsers as they are (CSV fields keep theirs).
        return open(self.path, encoding=self.opened, errors="replace", newline="")

    def _record(self, number: int, fields: dict, where: str) -> Record:
        doc_id = _record_id(self.doc_id, fields, number)
        source, origin = f"{self.source}:{number}", f"{self.origin}:{number}"
        for name in ("id", "title", "date", "url"):
            if isinstance(fields.get(name), (dict, list)):
                return Record(doc_id, source, error=f"{where}: {name!r} is not a string or a number", origin=origin)
        text = fields.get("text")
        if not isinstance(text, str):
            return Record(doc_id, source, error=f"{where}: no 'text' field" if text is None else f"{where}: 'text' is not a string", origin=origin)
        record = Record(
            doc_id,
            source,
            text=text,
            title=_str(fields.get("title")),
            date=_str(fields.get("date")),
            url=_str(fields.get("url")),
            encoding=self.label,
            origin=origin,
        )
        return _check_text(record, self.max_chars)

    def _failed(self, read: int, err: OSError) -> Record:
        return Record(f"{self.doc_id}/read-error", self.source, error=f"cannot read file after {read} records: {err.strerror or err}")

    def read_jsonl(self) -> Iterator[Record]:
        count = 0
        try:
            with self._open() as handle:
                for line_no, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    count += 1
                    yield self._json_line(line_no, line)
        except OSError as err:
            yield self._failed(count, err)
            return
        if count == 0:
            yield Record(self.doc_id, self.source, error="empty JSONL file (no records)", origin=self.origin)

    def _json_line(self, line_no: int, line: str) -> Record:
        where = f"line {line_no}"
        try:
            fields = json.loads(line, parse_int=_parse_int)
        except json.JSONDecodeError as err:
            reason = f"invalid JSON ({err.msg} at column {err.colno})"
        except RecursionError:
            reason = "invalid JSON (nested too deeply)"
        except ValueError as err:
            reason = f"invalid JSON ({err})"
        else:
            if isinstance(fields, dict):
                return self._record(line_no, fields, where)
            reason = "expected a JSON object"
        return Record(f"{self.doc_id}/{line_no}", f"{self.source}:{line_no}", error=f"{where}: {reason}", origin=f"{self.origin}:{line_no}")

    def read_csv(self) -> Iterator[Record]:
        """Rows parsed strictly; a malformed row (an unclosed quote swallows the lines after it)
        is an error row, and reading starts again on the line after that row's first line."""
        # A field may hold a whole document, and more is an error anyway: the limit keeps an
        # unclosed quote from reading a large file into one field.
        csv.field_size_limit(4 * self.max_chars + 1024)
        number = read = 0
        try:
            handle = self._open()
            try:
                reader = csv.DictReader(handle, strict=True)
                try:
                    fieldnames = reader.fieldnames
                except csv.Error as err:
                    yield Record(self.doc_id, self.source, error=f"unreadable CSV header ({err})", origin=self.origin)
                    return
                if not fieldnames:
                    yield Record(self.doc_id, self.source, error="empty CSV file (no header, no rows)", origin=self.origin)
                    return
                if "text" not in fieldnames:
                    yield Record(self.doc_id, self.source, error="CSV has no 'text' column", origin=self.origin)
                    return
                skipped = 0  # lines before the current reader's first line
                done = reader.line_num  # lines consumed by the rows read so far
                while True:
                    try:
                        fields = next(reader)
                        reason = _swallowed(fields, len(fieldnames), skipped + reader.line_num - done)
                    except StopIteration:
                        break
                    except csv.Error as err:
                        reason = str(err)
                    number += 1
                    if reason:
                        first = done + 1
                        yield self._malformed(number, first, reason)
                        # Start again on the line after the bad row's first line (reopened: the
                        # reader cannot go back, and this is the rare path).
                        handle.close()
                        handle = self._open()
                        reader = csv.DictReader(islice(handle, first, None), fieldnames=fieldnames, strict=True)
                        skipped = done = first
                        continue
                    read += 1
                    done = skipped + reader.line_num
                    yield self._record(number, fields, f"row {number} (line {done})")
            finally:
                handle.close()
        except OSError as err:
            yield self._failed(read, err)
            return
        if number == 0:
            yield Record(self.doc_id, self.source, error="CSV has no rows", origin=self.origin)

    def _malformed(self, number: int, line: int, reason: str) -> Record:
        if "field larger than field limit" in reason:
            reason = f"a field longer than 4 x --max-chars characters; an unclosed quote? ({reason})"
        error = f"row {number} (line {line}): malformed CSV ({reason}); reading goes on from line {line + 1}"
        return Record(f"{self.doc_id}/{number}", f"{self.source}:{number}", error=error, origin=f"{self.origin}:{number}")
