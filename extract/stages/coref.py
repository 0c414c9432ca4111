"""Light coreference: pronouns and definite descriptions resolved to earlier entity mentions.

Rules, not a model, in the spirit of the Gender Gap Tracker's speaker merging:

- a token inside an entity mention is that mention;
- ``he``/``she`` (and their other forms) -> the nearest earlier PERSON mention, where a
  non-subject counts as about a sentence further away (the person the text is about wins
  over an object mentioned in passing);
- ``it``/``its`` -> the nearest earlier organisation-like mention (ORG, then GPE/NORP/FAC),
  ``they``/``their`` likewise (a group or organisation), subjects preferred;
- ``the agency``, ``the company``, ... -> the nearest earlier mention with a label the head
  noun allows (``extract/data/coref_nouns.txt``), preferring a name that contains the noun
  (``the agency`` -> ``European Space Agency``).

Only earlier mentions within ``window`` tokens are candidates; with none, the answer is
``None`` (never a guess from thin air). Used by the quote stage for speakers and available
to other stages for relation endpoints::

    from extract.stages.coref import resolve
    mention = resolve(token_or_span, mentions)   # Mention | None
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from typing import Sequence

from spacy.tokens import Span, Token

from extract.stages.entities import Mention
from extract.stages.lemmas import lemma

PERSON_PRONOUNS = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
GROUP_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
THING_LABELS = ("ORG", "GPE", "NORP", "FAC")
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
DEFAULT_WINDOW = 250  # tokens: a few paragraphs of news
SUBJECT_PENALTY = 40  # tokens: about one sentence


@lru_cache(maxsize=None)
def load_nouns(path: str | None = None) -> dict[str, frozenset[str]]:
    """Head noun -> labels it may refer to, from a data file (the bundled one by default)."""
    text = (
        open(path, encoding="utf-8").read()
        if path
        else (resources.files("extract") / "data" / "coref_nouns.txt").read_text(encoding="utf-8")
    )
    nouns: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#") and len(parts) > 1:
            nouns[parts[0].lower()] = frozenset(parts[1:])
    return nouns


def mention_at(token: Token, mentions: Sequence[Mention]) -> Mention | None:
    """The mention whose span contains ``token``, if any."""
    for m in mentions:
        if m.span.start <= token.i < m.span.end:
            return m
    return None


def resolve(
    target: Token | Span,
    mentions: Sequence[Mention],
    *,
    window: int = DEFAULT_WINDOW,
    nouns: dict[str, frozenset[str]] | None = None,
) -> Mention | None:
    """The entity mention ``target`` refers to, or None.

    ``target`` is a token or span (its root is used); ``mentions`` are the document's
    mentions (any order). A name resolves to itself; a pronoun or a definite description
    to the best earlier mention as described in the module docstring.
    """
    token = target.root if isinstance(target, Span) else target
    own = mention_at(token, mentions)
    if own is not None:
        return own
    lower = token.lower_
    if lower in PERSON_PRONOUNS:
        return _nearest(token, mentions, ("PERSON",), window)
    if lower in THING_PRONOUNS or lower in GROUP_PRONOUNS:
        return _nearest(token, mentions, THING_LABELS, window)
    if token.pos_ in {"NOUN", "PROPN"} and _is_definite(token):
        noun = lemma(token)
        labels = (nouns if nouns is not None else load_nouns()).get(noun)
        if labels:
            return _nearest(token, mentions, tuple(sorted(labels)), window, noun=noun)
    return None


def _is_definite(token: Token) -> bool:
    """'the agency', 'this company': a determiner that points back, not 'an agency'."""
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in token.children)


def _nearest(
    token: Token, mentions: Sequence[Mention], labels: tuple[str, ...], window: int, *, noun: str = ""
) -> Mention | None:
    """Best earlier mention with one of ``labels``: earlier labels in the tuple win, then
    (for a noun) names containing the noun, then subjects, then proximity."""
    ordered = sorted(mentions, key=lambda m: m.span.start)
    end = bisect_left([m.span.start for m in ordered], token.i)
    candidates = [
        m for m in ordered[:end]
        if m.label in labels and m.span.end <= token.i and token.i - m.span.start <= window
    ]
    if not candidates:
        return None

    def cost(m: Mention) -> int:
        # Token distance plus penalties: a non-subject counts as SUBJECT_PENALTY tokens further.
        named = bool(noun) and noun in m.entity_name.lower()
        return (
            (token.i - m.span.start)
            + (0 if _is_subject(m.span) else SUBJECT_PENALTY)
            + (0 if named or not noun else window)
            + labels.index(m.label) * window
        )

    return min(candidates, key=cost)


def _is_subject(span: Span) -> bool:
    """The mention is (or is in apposition to, or conjoined with) a clause's subject."""
    root = span.root
    while root.dep_ in {"appos", "conj", "compound"} and root.head is not root:
        root = root.head
    return root.dep_ in SUBJECT_DEPS
