"""How many records the inputs hold, counted cheaply before a run (the progress bar's total).

Nothing is parsed: text files count one each, JSONL files their non-blank lines, CSV files
their line ends outside quoted fields (a field may span lines). The folders are walked as
``extract.readers.iter_records`` walks them, output folders skipped alike. The figure can be
off for malformed files (an unclosed quote, old Mac line ends): it is a total for a progress
bar, not a count to rely on.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from extract.readers import TEXT_SUFFIXES, Record, walk, wide_encoding

CHUNK = 1 << 20


def count_records(inputs: list[Path]) -> int:
    """About how many records ``iter_records(inputs)`` will yield."""
    total = 0
    for path in map(Path, inputs):
        if path.is_dir():
            entries = walk(path)
            total += sum(1 if isinstance(entry, Record) else count_file(entry) for _, entry in entries) or 1
        else:
            total += count_file(path)
    return total


def count_file(path: Path) -> int:
    """About how many records one file holds: at least one (an unreadable file is an error row)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix not in (".jsonl", ".csv"):
        return 1
    try:
        with open(path, "rb") as handle:
            chunks = _chunks(handle)
            count = _jsonl_lines(chunks) if suffix == ".jsonl" else _csv_records(chunks) - 1  # the header
    except OSError:
        return 1
    return max(count, 1)


def _chunks(handle: BinaryIO) -> Iterator[str]:
    """The file in chunks of text: a UTF-16/32 file (by its byte-order mark) decoded, any
    other read byte for byte as Latin-1 (quotes and line ends are ASCII in UTF-8 and cp1252)."""
    first = handle.read(CHUNK)
    wide = wide_encoding(first)
    decoder = codecs.getincrementaldecoder(wide or "latin-1")(errors="replace")
    chunk = first
    while chunk:
        yield decoder.decode(chunk)
        chunk = handle.read(CHUNK)


def _jsonl_lines(chunks: Iterable[str]) -> int:
    """Lines holding anything but white space."""
    count = 0
    tail = ""
    for chunk in chunks:
        lines = (tail + chunk).split("\n")
        tail = lines.pop()
        count += sum(1 for line in lines if line.strip())
    return count + (1 if tail.strip() else 0)


def _csv_records(chunks: Iterable[str]) -> int:
    """Rows, header included: line ends outside quotes (an escaped quote ``""`` toggles twice)."""
    count = 0
    quoted = False
    last = ""
    for chunk in chunks:
        for i, part in enumerate(chunk.split('"')):
            if i:
                quoted = not quoted
            if not quoted:
                count += part.count("\n")
        last = chunk[-1] if chunk else last
    return count + (1 if last and last != "\n" else 0)
