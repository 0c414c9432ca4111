"""Short forms within a document: which full name a surname, first name, acronym or short
company name stands for.

- A surname or first name ("Rogozin", "Hunter") takes the id of the person whose full name
  ends (or starts) with it. When two people of the document share it ("Joe Biden" and
  "Hunter Biden"), it goes to the one the text is about so far (the most mentioned, subjects
  counting double) if that one clearly leads, and is left unlinked otherwise: a wrong id is
  worse than none.
- An acronym takes the id of the name it abbreviates, introduced in brackets ("Federal
  Security Service (FSB)") or spelled out anywhere in the document ("World Health
  Organization" ... "WHO").
- A company's short name takes the id of its full name ("Intuitive Machines" ~ "Intuitive
  Machines Inc.").
- A one-word "person" that starts a place's name in the document ("Goddard") is that place.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable

import numpy
from spacy.attrs import ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from extract.identity import COMPANY_SUFFIXES, parse_person
from extract.names import fold
from extract.stages.grammar import NAME_LABELS, NAME_PARTICLES, NOMINAL_SUBJECT_DEPS, SHORT_FORM_LABELS

# Words an acronym skips: "Organisation of Islamic Cooperation" -> OIC.
ACRONYM_SKIPPED = frozenset({"of", "and", "for", "the", "on", "in", "de", "du", "des", "la", "le", "&"})
# A clear lead: the person a shared surname goes to has at least this many times the
# mentions of the next one.
LEAD = 2


class People:
    """The document's multi-word PERSON names, grouped into people, and who leads so far.

    Names of one person ("Joe Biden", "Joseph R. Biden") form one group: the same text, or
    names that agree by the batch pass's rules (``extract.identity.parse_person``).
    """

    def __init__(self, spans: list[Span], titles: frozenset[str] = frozenset()) -> None:
        self.titles = titles
        # A full name starts with a word: '-Biden' (of 'Trump-Biden') is no one's name.
        # A surname with its particle ('de Blasio', 'De Blasio') is a short name, not a full one.
        self.full = [
            (s, tuple(t.text for t in s)) for s in spans
            if s.label_ == "PERSON" and len(s) > 1 and not s.id_ and s[0].is_alpha and s[0].lower_ not in NAME_PARTICLES
        ]
        self.group_of: dict[int, int] = {}  # span start -> group
        groups: list[list[Span]] = []
        for span, _ in self.full:
            for number, members in enumerate(groups):
                if all(_same_person(span, m) for m in members):
                    members.append(span)
                    self.group_of[span.start] = number
                    break
            else:
                self.group_of[span.start] = len(groups)
                groups.append([span])
        self.mentions: Counter = Counter()  # group -> weighted mentions up to the current span
        # One name per person: the form written most often, then the fullest ("Thomas P.
        # Stafford", "Thomas Stafford" twice and "Tom Stafford" twice -> "Thomas Stafford").
        self.name_of: dict[int, str] = {}
        for number, members in enumerate(groups):
            written = Counter(m.text for m in members)
            self.name_of[number] = max(written, key=lambda text: (written[text], len(text.split()), len(text), text))

    def name_for(self, span: Span) -> str | None:
        """The name of the person a full-name mention belongs to; None for other mentions."""
        group = self.group_of.get(span.start)
        return None if group is None or span.label_ != "PERSON" else self.name_of[group]

    def count(self, span: Span, group: int) -> None:
        """A mention of ``group`` at ``span`` (in document order); a subject counts double."""
        self.mentions[group] += 2 if span.root.dep_ in NOMINAL_SUBJECT_DEPS else 1

    def seen(self, span: Span) -> None:
        """Count a full name as it is reached."""
        group = self.group_of.get(span.start)
        if group is not None and span.label_ == "PERSON":
            self.count(span, group)

    def full_name_for(self, span: Span) -> Span | None | bool:
        """The full name a short name stands for; None if it shortens no one's name, False if
        it shortens the names of two or more people and none of them clearly leads."""
        if span.label_ not in NAME_LABELS or len([t for t in span if t.text != "-"]) > 3 or len(span) > 2 and "-" not in {t.text for t in span}:
            return None  # one or two words; a hyphenated surname ('Gallego-Lazo') counts as one
        words = tuple(t.text for t in span)
        n = len(words)
        if span.label_ == "PERSON":
            candidates = [p for p, w in self.full if len(w) > n and (w[-n:] == words or w[:n] == words)]
        else:
            # Only a surname the model mislabelled: it must match the last word exactly.
            candidates = [p for p, w in self.full if len(w) > n and w[-n:] == words]
        if not candidates and n == 1:
            # Two family names ('Ricardo Rosselló Nevares' ... 'Rosselló', 'Wanda Vázquez
            # Garced' ... 'Vázquez'): the first of them alone.
            candidates = [p for p, w in self.full if len(w) >= 3 and words[0] in w[1:-1] and words[0][:1].isupper()]
        if not candidates and n == 1 and len(words[0]) >= 5 and words[0][:1].isupper():
            # 'Yahya Sarea' ... 'Saree': a transliterated surname spelt two ways in one article.
            candidates = [p for p, w in self.full if _one_letter_apart(w[-1], words[0])]
            if len({self.group_of[p.start] for p in candidates}) != 1:
                candidates = []
        if not candidates:
            return None
        before = [p for p in candidates if p.start < span.start]
        pool = before or candidates
        groups = {self.group_of[p.start] for p in pool}
        title = self.title_before(span)
        if len(groups) > 1 and title:
            # "President Biden" is the one introduced as "President Joe Biden".
            titled = {self.group_of[p.start] for p in pool if self.title_before(p) == title}
            if len(titled) == 1:
                groups = titled
                pool = [p for p in pool if self.group_of[p.start] in titled]
        if len(groups) > 1:
            ranked = sorted(((self.mentions[g], g) for g in groups), reverse=True)
            if ranked[0][0] < LEAD * ranked[1][0] or not ranked[0][0]:
                return False
            pool = [p for p in pool if self.group_of[p.start] == ranked[0][1]]
        chosen = min(pool, key=lambda p: abs(span.start - p.start))
        self.count(span, self.group_of[chosen.start])
        return chosen


    def title_before(self, span: Span) -> str:
        """The title word just before a mention ("President" Biden), lower case; else ""."""
        word = span.doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
        return word if word in self.titles else ""


def _one_letter_apart(a: str, b: str) -> bool:
    """Same length, same first three letters, exactly one letter different."""
    return len(a) == len(b) and a[:3] == b[:3] and sum(x != y for x, y in zip(a, b)) == 1


def _same_person(a: Span, b: Span) -> bool:
    if a.text == b.text:
        return True
    pa, pb = parse_person(a.text), parse_person(b.text)
    return pa is not None and pb is not None and pa.agrees_with(pb)


def surnames(spans: list[Span]) -> set[str]:
    """The last words of the document's multi-word PERSON names."""
    return {s[-1].text for s in spans if s.label_ == "PERSON" and len(s) > 1}


@lru_cache(maxsize=16)
def _hashes(texts: frozenset[str]) -> numpy.ndarray:
    """The string hashes of a word list, made once per list (the given names are 13,000)."""
    return numpy.array([get_string_id(t) for t in texts], dtype=numpy.uint64)


def tokens_with_text(doc: Doc, texts: Iterable[str]) -> list[Token]:
    """The tokens whose text is one of ``texts``, found without making a Token of every word."""
    # uint64 on both sides: hashes compared as floats would collide.
    wanted = _hashes(texts) if isinstance(texts, frozenset) else numpy.array([get_string_id(t) for t in texts], dtype=numpy.uint64)
    hits = numpy.isin(doc.to_array(ORTH), wanted)
    return [doc[int(i)] for i in numpy.flatnonzero(hits)]


def names_by_first_word(spans: list[Span], heads: dict[str, str]) -> dict[str, list[Span]]:
    """Multi-word names of places, organisations and things, by their first word.

    Only names known to be such: gazetteer entries, or names ending in a word of
    ``name_heads.csv`` ("Michoud Assembly Facility"). The model also tags people as ORG.
    """
    names: dict[str, list[Span]] = {}
    for span in spans:
        if span.label_ not in SHORT_FORM_LABELS or len(span) < 2 or not span[0].is_title:
            continue
        # "Apollo 8 Command Module", "Goddard's Building 29": the first word names something else.
        if span[1].like_num or any(t.tag_ == "POS" for t in span):
            continue
        if span.id_ or span[-1].text in heads:
            names.setdefault(span[0].text, []).append(span)
    return names


def place_for(span: Span, places: dict[str, list[Span]], people_surnames: set[str]) -> Span | None:
    """The full name a one-word 'person' shortens: 'Goddard' for 'Goddard Space Flight Center'.

    The small model tags a bare "Goddard", "Marshall" or "Kennedy" as a person. When the
    document names a place or organisation that starts with that word, and no person in it
    has that surname, the word is taken as the short form (the nearest full name before it).
    """
    if span.label_ != "PERSON" or len(span) != 1 or span.text in people_surnames:
        return None
    candidates = places.get(span.text)
    if not candidates:
        return None
    before = [p for p in candidates if p.start < span.start]
    return min(before or candidates, key=lambda p: abs(span.start - p.start))


def is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 8 and text.isalpha() and text.isupper()


def acronym_links(spans: list[Span]) -> dict[str, Span]:
    """Acronyms and the names they abbreviate.

    'Federal Security Service (FSB)': the acronym in brackets after a name (transliterated
    acronyms keep only the first letter). 'World Health Organization' ... 'WHO': a mention
    that is exactly the initials of one multi-word name of the document, wherever it is.
    """
    links: dict[str, Span] = {}
    for span in spans:
        doc = span.doc
        if span.id_ or len(span) < 2 or span.end + 2 >= len(doc):
            continue
        if doc[span.end].text != "(" or doc[span.end + 2].text != ")":
            continue
        acronym = doc[span.end + 1].text
        initials = "".join(t.text[0] for t in span if t.text[:1].isupper())
        if is_acronym(acronym) and (acronym == initials or acronym[0] == initials[:1]):
            links.setdefault(acronym, span)
        elif (
            span.label_ != "PERSON" and len(span) >= 3 and acronym.isalpha() and acronym[:1] == initials[:1]
            and acronym[:1].isupper() and len(acronym) <= 12 and acronym not in {t.text for t in span}
        ):
            # 'Philippine Institute of Volcanology and Seismology (Phivolcs)': a short name
            # introduced in brackets after the full one.
            links.setdefault(acronym, span)
    by_initials: dict[str, dict[str, Span]] = {}
    for span in spans:
        if span.id_ or len(span) < 2 or span.label_ == "PERSON" or span.label_ not in NAME_LABELS:
            continue
        words = [t.text for t in span if t.lower_ not in ACRONYM_SKIPPED and not t.is_punct]
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            by_initials.setdefault("".join(w[0] for w in words), {}).setdefault(span.text, span)
    # 'TfL' for 'Transport for London': a mixed-case short form spelling every word's initial.
    all_initials: dict[str, dict[str, Span]] = {}
    for span in spans:
        if not span.id_ and len(span) >= 2 and span.label_ in NAME_LABELS and span.label_ != "PERSON":
            words = [t.text for t in span if not t.is_punct]
            if len(words) >= 3 and words[0][:1].isupper():
                all_initials.setdefault("".join(w[0] for w in words), {}).setdefault(span.text, span)
    for span in spans:
        text = span.text
        if len(span) == 1 and not span.id_ and is_acronym(text) and text not in links and len(by_initials.get(text, {})) == 1:
            links[text] = next(iter(by_initials[text].values()))
        elif (
            len(span) == 1 and not span.id_ and text not in links and text.isalpha() and not text.isupper()
            and sum(c.isupper() for c in text) >= 2 and len(all_initials.get(text, {})) == 1
        ):
            links[text] = next(iter(all_initials[text].values()))
    return links


def company_names(spans: list[Span]) -> dict[str, Span]:
    """Short names of the document's companies: 'Intuitive Machines' for 'Intuitive Machines
    Inc.', 'Ford' for 'Ford Motor Company' (the name without its suffix, and its first word)."""
    short: dict[str, Span] = {}
    for span in spans:
        if span.id_ or span.label_ != "ORG" or len(span) < 2:
            continue
        words = [t.text for t in span]
        if fold(words[-1]).rstrip(".") not in COMPANY_SUFFIXES:
            continue
        while len(words) > 1 and (fold(words[-1]).rstrip(".") in COMPANY_SUFFIXES or words[-1] == ","):
            words.pop()
        if words and words[0].lower() == "the" and len(words) > 1:
            words.pop(0)
        for key in {" ".join(words), words[0]}:
            if key != span.text:
                short.setdefault(key, span)
    return short


def add_acronym_mentions(spans: list[Span], acronyms: dict[str, Span]) -> list[Span]:
    """Tag untagged occurrences of an acronym introduced after its full name."""
    if not acronyms:
        return spans
    doc = spans[0].doc
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = [
        Span(doc, t.i, t.i + 1, label=acronyms[t.text].label_)
        for t in tokens_with_text(doc, acronyms)
        if t.i not in taken
    ]
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans
