"""An article's text for the report, and its HTML with entities, quotes, speakers and cues marked.

The tables hold each sentence's text with its offsets, not the article as one piece. The
report takes the original file when it is a readable ``.txt``/``.md`` whose SHA-256 still
matches ``documents.sha256`` (exact text, paragraphs as written); otherwise it rebuilds the
text from ``sentences.csv``: every sentence at its offsets, the white space between them
replaced by a space (one character) or a paragraph break (more). Offsets stay exact either
way, so every entity and quote lands on its own characters.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from extract.readers import TEXT_SUFFIXES, decode

SOURCE = "source"
SENTENCES = "sentences"


def read_source(doc: dict[str, Any]) -> str | None:
    """The document's own file, when it is a .txt/.md that still holds exactly the text processed."""
    path = Path(doc["source"])
    if path.suffix.lower() not in TEXT_SUFFIXES or not doc["sha256"]:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    text, _ = decode(raw)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc["sha256"]:
        return None
    return text


def rebuild_text(n_chars: int, sentences: list[dict[str, Any]]) -> str:
    """The text from its sentences at their offsets; the gaps (white space only) become a
    space, or a paragraph break when the gap is longer, padded to keep every offset."""
    pieces: list[str] = []
    pos = 0
    for sentence in sorted(sentences, key=lambda s: s["start_char"]):
        start = sentence["start_char"]
        if start > pos:
            pieces.append(_gap(start - pos, leading=pos == 0))
        elif start < pos:  # never written by the pipeline; keep the offsets of what follows
            continue
        pieces.append(sentence["text"])
        pos = start + len(sentence["text"])
    if n_chars > pos:
        pieces.append(_gap(n_chars - pos, leading=False))
    return "".join(pieces)


def _gap(width: int, *, leading: bool) -> str:
    if width == 1 or leading:
        return " " * width
    return "\n\n" + " " * (width - 2)


def document_text(doc: dict[str, Any], sentences: list[dict[str, Any]]) -> tuple[str, str]:
    """(text, where it came from: ``source`` or ``sentences``)."""
    text = read_source(doc)
    if text is not None:
        return text, SOURCE
    return rebuild_text(doc["n_chars"], sentences), SENTENCES


@dataclass
class Mark:
    """A span to wrap in the article's HTML. ``rank`` orders nesting: lower is outer."""

    start: int
    end: int
    rank: int
    tag: str  # element name
    attrs: dict[str, str]  # on the first fragment (ids go here)
    more_attrs: dict[str, str]  # on the fragments after the first, when the span had to be cut
    tail: str = ""  # HTML put at the end of the last fragment (a quote's speaker link)


@dataclass
class _Fragment:
    start: int
    end: int
    mark: Mark
    first: bool
    last: bool


QUOTE_RANK, ENTITY_RANK, PART_RANK = 0, 1, 2


def markup(text: str, marks: list[Mark]) -> str:
    """The escaped text with every mark as an element.

    Spans may cross (two quotes the pipeline let overlap, an entity running past a quote's
    end). Marks are placed outer first; a mark that crosses one placed before is cut at its
    boundaries into fragments that nest, so the HTML stays well formed. The first fragment
    carries the mark's id: each mark has exactly one element with its main class. Every
    fragment but the last has the class ``cut`` (the label is drawn after the last one).
    """
    cuts: list[int] = []
    fragments: list[_Fragment] = []
    for mark in sorted(marks, key=lambda m: (m.rank, m.start, -m.end)):
        if mark.end <= mark.start:
            continue
        inside = cuts[bisect_right(cuts, mark.start) : bisect_left(cuts, mark.end)]
        points = [mark.start, *inside, mark.end]
        pieces = list(zip(points, points[1:]))
        for n, (start, end) in enumerate(pieces):
            fragments.append(_Fragment(start, end, mark, first=n == 0, last=n == len(pieces) - 1))
        for point in (mark.start, mark.end):
            i = bisect_left(cuts, point)
            if i == len(cuts) or cuts[i] != point:
                insort(cuts, point)
    fragments.sort(key=lambda f: (f.start, -f.end, f.mark.rank))
    out: list[str] = []
    stack: list[_Fragment] = []
    pos = 0
    for fragment in fragments:
        while stack and stack[-1].end <= fragment.start:
            pos = _close(out, text, pos, stack.pop())
        out.append(escape(text[pos : fragment.start], quote=False))
        pos = fragment.start
        out.append(_open(fragment))
        stack.append(fragment)
    while stack:
        pos = _close(out, text, pos, stack.pop())
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def _open(fragment: _Fragment) -> str:
    mark = fragment.mark
    attrs = dict(mark.attrs if fragment.first else mark.more_attrs)
    if not fragment.last:
        attrs["class"] = f"{attrs['class']} cut" if "class" in attrs else "cut"
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{mark.tag}{rendered}>"


def _close(out: list[str], text: str, pos: int, fragment: _Fragment) -> int:
    out.append(escape(text[pos : fragment.end], quote=False))
    if fragment.last:
        out.append(fragment.mark.tail)
    out.append(f"</{fragment.mark.tag}>")
    return fragment.end
