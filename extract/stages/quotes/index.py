"""The per-document look-ups every quote rule shares: sentences, mentions, quote owners."""

from __future__ import annotations

from bisect import bisect_right
from typing import Mapping, Sequence

from spacy.attrs import IDX
from spacy.tokens import Doc, Span

from extract.stages.entities import Mention
from extract.stages.quote_marks import MarkedSpan


class DocIndex:
    """Per-document look-ups shared by the rules: sentences, mentions, quote owners."""

    def __init__(
        self,
        doc: Doc,
        mentions: Sequence[Mention],
        marked: list[MarkedSpan],
        *,
        text: str,
        antecedents: Mapping[int, Mention],
        cues: frozenset[str],
        sents: list[Span] | None = None,
    ) -> None:
        self.doc = doc
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_of: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.start, m.end):
                self.mention_of[i] = m
        # What a pronoun or description refers to, by its first character (doc._.coref).
        self.antecedents = antecedents
        self.sents = list(doc.sents) if sents is None else sents
        self.sent_starts = [s.start for s in self.sents]
        self.token_starts: list[int] = doc.to_array(IDX).tolist()
        self.marked = marked
        self.cues = cues  # every reporting verb, direct or indirect
        self._surnames: dict[str, dict[str, Mention]] | None = None  # built on first use
        # owner[i]: the innermost marked span holding token i (-1: narration).
        self.owner = [-1] * len(doc)
        for k, span in enumerate(marked):
            for i in range(self.token_at(span.start), self.token_at(max(span.end - 1, span.start)) + 1):
                if doc[i].idx >= span.start and doc[i].idx < span.end:
                    self.owner[i] = k

    def person_by_surname(self, word: str) -> Mention | None:
        """The one person of the doc whose full name ends with ``word`` ('Trump' for Donald
        Trump), for a speaker the model did not tag; None when no one or several do."""
        if self._surnames is None:
            found: dict[str, dict[str, Mention]] = {}
            for m in self.mentions:
                if m.label == "PERSON" and m.end - m.start > 1:
                    found.setdefault(self.doc[m.end - 1].text, {}).setdefault(m.entity_id, m)
            self._surnames = found
        people = self._surnames.get(word, {})
        return next(iter(people.values())) if len(people) == 1 else None

    def token_at(self, char: int) -> int:
        """Index of the token that contains (or follows) character ``char``."""
        return max(bisect_right(self.token_starts, char) - 1, 0)

    def sent_of(self, token_i: int) -> int:
        return bisect_right(self.sent_starts, token_i) - 1

    def same_line(self, a: int, b: int) -> bool:
        lo, hi = min(a, b), max(a, b)
        return "\n" not in self.text[lo:hi]


