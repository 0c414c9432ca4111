"""Sentence boundary hints set before the parser, so quotes and their attributions stay whole.

The parser respects ``is_sent_start`` values that are already set, so this component only
marks tokens that must (not) start a sentence and leaves the rest to the parser.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from extract.stages.grammar import (
    CLOSING_MARKS,
    OPENING_MARKS,
    SENTENCE_END,
    STRAIGHT_MARKS,
)

# Tokens that join what is on both sides ("NASA / Esther Lee", "(1966) — Portrait of ...").
JOINERS = {"/", "—", "–"}
# Only a token next to one of these, or after a line break, can get a hint.
TRIGGER_IDS = numpy.array(
    [get_string_id(t) for t in set(OPENING_MARKS) | set(CLOSING_MARKS) | STRAIGHT_MARKS | JOINERS], dtype=numpy.uint64
)


def is_closing_mark(token: Token) -> bool:
    """A quote mark that closes a quotation (attached to what precedes it)."""
    text = token.text
    if text in CLOSING_MARKS:
        return text != "’" or not _inside_word(token)
    if text in STRAIGHT_MARKS:
        doc = token.doc
        before = token.i > 0 and not doc[token.i - 1].whitespace_
        after = token.i + 1 == len(doc) or bool(token.whitespace_) or doc[token.i + 1].is_punct or doc[token.i + 1].is_space
        return bool(before) and after
    return False


def is_opening_mark(token: Token) -> bool:
    """A quote mark that opens a quotation (attached to what follows it)."""
    text = token.text
    if text in OPENING_MARKS:
        return text not in ("‘",) or not _inside_word(token)
    if text in STRAIGHT_MARKS:
        doc = token.doc
        after = token.i + 1 < len(doc) and not token.whitespace_
        before_space = token.i == 0 or bool(doc[token.i - 1].whitespace_) or doc[token.i - 1].is_space
        return after and before_space
    return False


def _inside_word(token: Token) -> bool:
    doc = token.doc
    left = token.i > 0 and not doc[token.i - 1].whitespace_ and doc[token.i - 1].text[-1:].isalnum()
    right = not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isalnum()
    return bool(left and right)


@Language.factory("quote_sentence_hints", default_config={"split_on_newlines": True}, assigns=["token.is_sent_start"])
def make_quote_sentence_hints(nlp: Language, name: str, *, split_on_newlines: bool) -> QuoteSentenceHints:
    """Sentence starts at line breaks, none inside quote attributions; before the parser.

    split_on_newlines: a line break starts a sentence (unless the line is hard-wrapped).
    """
    return QuoteSentenceHints(split_on_newlines=split_on_newlines)


class QuoteSentenceHints:
    """Mark sentence starts at line breaks and forbid them inside quote attributions.

    - A line break (headline, credit line, paragraph) starts a sentence, unless the line
      is a hard-wrapped continuation (lower-case start after a line without end punctuation).
    - A closing quote mark never starts a sentence: it belongs to the quote before it.
    - After ``,”`` (or ``?”``/``!”`` followed by a lower-case word) the attribution continues
      the sentence: ``“We are ready,” Nelson said.`` is one sentence.
    - An opening mark after a sentence end starts a sentence (``... Katya. "The ...``).
    """

    def __init__(self, *, split_on_newlines: bool = True) -> None:
        self.split_on_newlines = split_on_newlines

    def __call__(self, doc: Doc) -> Doc:
        for i in _candidates(doc):
            token, prev = doc[i], doc[i - 1]
            if token.is_space:
                continue
            if self.split_on_newlines and _follows_line_break(token):
                token.is_sent_start = not _is_wrapped_line(token)
                # Without this the parser tends to split right after the line's first word.
                if token.is_sent_start and token.i + 1 < len(doc) and not doc[token.i + 1].is_space:
                    doc[token.i + 1].is_sent_start = False
                continue
            if is_closing_mark(token) and not prev.is_space:
                token.is_sent_start = False
            elif prev.i > 0 and is_closing_mark(prev):
                before_mark = doc[prev.i - 1].text
                if before_mark in {",", "—", "–", "-"}:
                    token.is_sent_start = False
                elif before_mark in {"?", "!"} and token.is_lower:
                    token.is_sent_start = False
            elif prev.text in {",", ";", ":"} and is_opening_mark(token):
                token.is_sent_start = False
            elif prev.text in SENTENCE_END and is_opening_mark(token) and _starts_capitalised(token):
                # 'said a protester. "The situation ...': a new quote opens a new sentence.
                token.is_sent_start = True
            elif token.text in JOINERS or prev.text in JOINERS:
                token.is_sent_start = False
        return doc


def _candidates(doc: Doc) -> list[int]:
    """Tokens that may need a hint: a quote mark or joiner, or right after one or a line break.

    Most tokens are none of these; finding them on arrays saves making a Token of every word.
    """
    marks = numpy.isin(doc.to_array(ORTH), TRIGGER_IDS)
    breaks = numpy.zeros(len(doc), dtype=bool)
    for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist():
        breaks[i] = "\n" in doc[i].text
    near = marks.copy()
    near[1:] |= marks[:-1] | breaks[:-1]
    near[:1] = False
    return numpy.flatnonzero(near).tolist()


def _starts_capitalised(token: Token) -> bool:
    doc = token.doc
    return token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper()


def _follows_line_break(token: Token) -> bool:
    doc = token.doc
    prev = doc[token.i - 1]
    return "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)


def _is_wrapped_line(token: Token) -> bool:
    """A single newline inside a running sentence: 'the\\nagency said'."""
    doc = token.doc
    prev = doc[token.i - 1]
    if prev.is_space:
        if prev.text.count("\n") > 1:
            return False
        if prev.i == 0:
            return False
        prev = doc[prev.i - 1]
    return token.is_lower and prev.text not in SENTENCE_END and not is_closing_mark(prev) and not prev.is_space
