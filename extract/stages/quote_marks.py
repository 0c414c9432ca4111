"""Quote marks paired on characters, and what makes a quoted stretch a quotation."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from extract.stages.grammar import (
    CLOSING_MARKS,
    OPENING_MARKS,
    STRAIGHT_MARKS,
    strip_whitespace,
)

MIN_WORDS = 4
OPEN_CONTEXT = set("([{—–-/") | set(OPENING_MARKS)  # characters after which a mark opens


@dataclass(frozen=True)
class MarkedSpan:
    """Text between a pair of quote marks (``start``/``end`` exclude the marks and outer spaces)."""

    start: int
    end: int
    open_char: int
    close_char: int | None  # None: closed by a paragraph break
    parent: int | None  # index of the enclosing span in the list, for nested quotes


_KEY = "extract.marked_spans"


def marked_spans(doc: Doc, text: str | None = None) -> list[MarkedSpan]:
    """:func:`find_marked_spans` of the doc's text, found once per doc (coreference and the
    quote stage both read them) and kept in ``doc.user_data`` as plain tuples."""
    stored = doc.user_data.get(_KEY)
    if stored is None:
        spans = find_marked_spans(doc.text if text is None else text)
        doc.user_data[_KEY] = [astuple(span) for span in spans]
        return spans
    return [MarkedSpan(*values) for values in stored]


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """All quoted stretches of ``text``, paired on characters, in order of their opening mark.

    A line break closes every quote still open (the multi-paragraph convention: each
    paragraph of a long quote opens a mark, only the last closes). Single curly marks count
    only when they are not apostrophes (``OneWeb’s``, ``agencies’``).
    """
    spans: list[tuple[int, int, int | None, int | None]] = []  # open, end, close, parent-open
    stack: list[tuple[str, int]] = []  # (family, index of the opening mark)
    n = len(text)

    def emit(open_i: int, end: int, close_i: int | None, depth: int) -> None:
        parent = stack[depth - 1][1] if depth > 0 else None
        spans.append((open_i, end, close_i, parent))

    def close_all(end: int) -> None:
        while stack:
            family, open_i = stack.pop()
            if family in {"double", "straight", "angle"}:  # an open single mark is an apostrophe
                emit(open_i, end, None, len(stack))

    for i, ch in enumerate(text):
        if ch == "\n":
            close_all(i)
            continue
        if ch not in OPENING_MARKS and ch not in CLOSING_MARKS and ch not in "\"'":
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        opens_here = (prev.isspace() or prev in OPEN_CONTEXT) and not nxt.isspace()
        closes_here = not prev.isspace() or nxt.isspace()
        if ch in ("’", "'") and prev.isalnum() and nxt.isalnum():
            continue  # apostrophe inside a word
        family = _family(ch)
        top = _find_open(stack, family)
        straight = ch in "\"'"
        if ch in CLOSING_MARKS or straight and top is not None and closes_here and not opens_here:
            if top is None:
                # A stray closing mark: a closing-shaped double mark at a paragraph start opens.
                if ch == "”" and opens_here and (i == 0 or text[i - 1] == "\n"):
                    stack.append(("double", i))
                continue
            _, open_i = stack[top]
            del stack[top:]
            emit(open_i, i, i, top)
        elif ch in OPENING_MARKS or straight and opens_here:
            if ch in ("‘", "'") and not (opens_here and (nxt.isalnum() or nxt in "\"“[")):
                continue
            stack.append((family, i))
    close_all(n)
    order = sorted(range(len(spans)), key=lambda k: spans[k][0])
    index_of_open = {spans[k][0]: pos for pos, k in enumerate(order)}
    result = []
    for k in order:
        open_i, end, close_i, parent_open = spans[k]
        start, end = strip_whitespace(text, open_i + 1, end)
        parent = index_of_open.get(parent_open) if parent_open is not None else None
        result.append(MarkedSpan(start, end, open_i, close_i, parent))
    return result


def _family(ch: str) -> str:
    if ch == '"':
        return "double"
    if ch == "'":
        return "single"
    return OPENING_MARKS.get(ch) or CLOSING_MARKS[ch]


def _find_open(stack: list[tuple[str, int]], family: str) -> int | None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k][0] == family:
            return k
    return None


def is_quotation(text: str) -> bool:
    """Enough words to be a quote, and not a title of a work ('Women in STEAM Powering the
    Metaverse': every word but the function words capitalised)."""
    words = text.split()
    if len(words) < MIN_WORDS:
        return False
    content = [w for w in (w.strip(".,;:!?()[]") for w in words) if w[:1].isalpha() and w.lower() not in STOP_WORDS]
    return not (len(words) <= 12 and content and all(w[:1].isupper() for w in content))


def mark_opens(token: Token) -> bool:
    """A quote-mark token that can open a quote (a straight mark only when attached to what follows)."""
    return token.text in OPENING_MARKS or token.text in STRAIGHT_MARKS and token.whitespace_ == ""


def mark_closes(token: Token) -> bool:
    """A quote-mark token that can close a quote."""
    return token.text in CLOSING_MARKS or token.text in STRAIGHT_MARKS


