"""Label and span repairs for the small model's entity mentions, before ids are given.

The small English model tags spacecraft, asteroids and NASA centres as people ("Juno",
"Bennu", "Marshall"), glues titles and headline words onto names ("Astronauts Satoshi
Furukawa", "Inside Marshall", "Juno Provides High-Definition"), ends names inside a bracket
("World Health Organization (WHO") and takes a hyphenated pair of people ("Trump-Biden") for
one person. Each function here takes the document's spans and returns them repaired; the
``canonical_entities`` component (``entities.py``) runs them in order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from extract.names import LATIN_END
from extract.stages.data import data_lines, read_data
from extract.stages.grammar import (
    ARTICLES,
    BODY_NOUNS,
    BRACKETS,
    NAME_ENDING_NOUNS,
    NAME_LABELS,
    NAME_PARTICLES,
    NOT_NAME_START_TAGS,
    POSTNOMINALS,
    PLACE_PREPOSITIONS,
    VEHICLE_NOUNS,
    VEHICLE_PREPOSITIONS,
    VERB_TAGS,
)


@dataclass(frozen=True)
class SpaceName:
    """A row of ``space_names.csv``: the label a mention with this exact text takes, and its id."""

    label: str
    entity_id: str  # empty: the slug of the mention


@lru_cache(maxsize=None)
def parse_space_names(raw: bytes) -> dict[str, SpaceName]:
    return {
        row["name"].strip(): SpaceName(row["label"].strip(), (row.get("id") or "").strip())
        for row in csv.DictReader(data_lines(raw))
    }


@lru_cache(maxsize=None)
def parse_words(raw: bytes) -> frozenset[str]:
    """A word list, one per line (name titles: lower case, no final full stop)."""
    return frozenset(line.strip() for line in data_lines(raw))


def _span(span: Span, start: int, end: int, label: str | None = None, kb_id: str = "") -> Span:
    return Span(span.doc, start, end, label=label or span.label_, kb_id=kb_id or span.kb_id_, span_id=span.id_)


def cut_unclosed_bracket(span: Span) -> Span | None:
    """'World Health Organization (WHO' -> 'World Health Organization'; 'WHO)' -> 'WHO'.

    A mention never ends inside a bracket it opened nor starts inside one it closes.
    """
    start, end = span.start, span.end
    opened: list[int] = []
    for token in span:
        if token.text in BRACKETS:
            opened.append(token.i)
        elif token.text in BRACKETS.values():
            if opened and BRACKETS[span.doc[opened[-1]].text] == token.text:
                opened.pop()
            elif not opened:
                start = token.i + 1
    if opened:
        end = opened[0]
    if (start, end) == (span.start, span.end):
        return span
    # The cut leaves "Organization ," or ") WHO": no space or punctuation at the new edges.
    while end > start and (span.doc[end - 1].is_space or span.doc[end - 1].is_punct):
        end -= 1
    while start < end and (span.doc[start].is_space or span.doc[start].is_punct):
        start += 1
    return _span(span, start, end) if start < end else None


def trim_person(span: Span, titles: frozenset[str]) -> Span | None:
    """A PERSON mention without titles and headline words: 'Astronauts Satoshi Furukawa' ->
    'Satoshi Furukawa', 'Inside Marshall' -> 'Marshall', 'Moon Amalthea' -> 'Amalthea',
    'Borman’s Apollo' -> 'Borman', 'Juno Provides High-Definition' -> 'Juno', 'Lucy
    Missions' -> 'Lucy', 'Bennu to' -> 'Bennu', 'Will Red Hat' -> 'Red Hat'. None for a
    title alone ('Administrator')."""
    if span.id_ or span.label_ != "PERSON":
        return span
    doc = span.doc
    start, end = span.start, span.end
    # A possessive inside: the possessor is the person, what follows is theirs.
    for token in span[1:]:
        if token.tag_ == "POS":
            end = token.i
            break
    while end - start > 1 and (
        doc[start].lower_.rstrip(".") in titles or doc[start].tag_ in NOT_NAME_START_TAGS or doc[start].lower_ in BODY_NOUNS
    ):
        start += 1
    # A capitalised verb, a lower-case word or a noun like 'Mission' ends a headline's 'name'.
    for token in doc[start + 1 : end]:
        if (
            token.tag_ in VERB_TAGS and token.is_title
            or token.is_lower and token.is_alpha and token.text not in NAME_PARTICLES and doc[token.i - 1].text != "-"
            or token.lower_ in NAME_ENDING_NOUNS
        ):
            end = token.i
            break
    while end - start > 1 and (doc[end - 1].is_punct or doc[end - 1].text.rstrip(".") in POSTNOMINALS):
        end -= 1  # "Blu-" of "Blu-ray", "Kama Melly QC"
    if start >= end or end - start == 1 and doc[start].lower_.rstrip(".") in titles:
        return None
    return span if (start, end) == (span.start, span.end) else _span(span, start, end)


def in_other_script(span: Span) -> bool:
    """A model mention with letters beyond the Latin scripts and none in them ('रहे है'):
    an English model's tag on such words is noise, not a name."""
    if span.id_:
        return False
    letters = [c for c in span.text if c.isalpha()]
    return bool(letters) and all(ord(c) > LATIN_END for c in letters)


def person_with_number(span: Span) -> Span | None:
    """A 'person' with a number is a mission or a vehicle ('Skylab 4', 'Lunar Node 1':
    PRODUCT) or, written in one word, no name at all ('COVID-19': dropped)."""
    if span.id_ or span.label_ != "PERSON" or not any(c.isdigit() for c in span.text):
        return span
    if span[0].is_title and any(t.like_num and t.text.isdigit() for t in span[1:]):
        return _span(span, span.start, span.end, label="PRODUCT")
    return None


def person_words(spans: list[Span]) -> set[str]:
    """First and last words of the document's multi-word PERSON names: the names people have."""
    words: set[str] = set()
    for span in spans:
        if span.label_ == "PERSON" and len(span) > 1 and not span.id_:
            words.update((span[0].text, span[-1].text))
    return words


def drop_hyphenated_pairs(spans: list[Span]) -> list[Span]:
    """'Trump-Biden' (debate) is two people named elsewhere in the document, not one person.

    A PERSON mention 'X-Y' is dropped when both X and Y are words of other PERSON mentions;
    a double-barrelled name ('Nancy Currie-Gregg') whose parts never stand alone stays.
    """
    named: set[str] = set()
    for span in spans:
        if span.label_ == "PERSON" and not any(t.text == "-" for t in span):
            named.update(t.text for t in span)
    kept = []
    for span in spans:
        parts = [t.text for t in span if t.text != "-"]
        if (
            span.label_ == "PERSON"
            and len(span) == 3
            and span[1].text == "-"
            and all(p[:1].isupper() and p in named for p in parts)
        ):
            continue
        kept.append(span)
    return kept


def label_space_names(spans: list[Span], names: dict[str, SpaceName]) -> list[Span]:
    """A model mention that is exactly a name of ``space_names.csv`` takes its label and id.

    Not when someone in the document has that name ("John Glenn" keeps "Glenn" a person).
    """
    if not names:
        return spans
    people = person_words(spans)
    result = []
    for span in spans:
        known = names.get(span.text)
        if known is not None and not span.id_ and span.label_ in NAME_LABELS and span.text not in people:
            span = _span(span, span.start, span.end, label=known.label, kb_id=known.entity_id)
        result.append(span)
    return result


def label_by_usage(spans: list[Span], titles: frozenset[str]) -> list[Span]:
    """A one-word 'person' used like a vehicle, body or place is not a person.

    'aboard X', 'the X spacecraft', 'asteroid X' -> PRODUCT or LOC; 'at X' -> FAC. Only for a
    word never given as a person's first or last name in the document nor preceded by a title
    ('Dr. X'); every mention of the word then takes that label.
    """
    candidates = {s.text for s in spans if s.label_ == "PERSON" and len(s) == 1 and not s.id_ and not s.kb_id_}
    if not candidates:
        return spans
    candidates -= person_words(spans)
    doc = spans[0].doc
    relabel: dict[str, str] = {}
    titled: set[str] = set()
    for token in doc:
        if token.text not in candidates:
            continue
        before = doc[token.i - 1].lower_ if token.i > 0 else ""
        after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if before.rstrip(".") in titles and before not in ARTICLES:
            titled.add(token.text)
        label = _usage_label(before, after)
        if label is not None:
            relabel.setdefault(token.text, label)
    return [
        _span(s, s.start, s.end, label=relabel[s.text])
        if s.label_ == "PERSON" and s.text in relabel and s.text not in titled and not s.id_
        else s
        for s in spans
    ]


def _usage_label(before: str, after: str) -> str | None:
    if before in VEHICLE_PREPOSITIONS or after in VEHICLE_NOUNS or before in VEHICLE_NOUNS:
        return "PRODUCT"
    if after in BODY_NOUNS or before in BODY_NOUNS:
        return "LOC"
    if before in PLACE_PREPOSITIONS:
        return "FAC"
    return None


def person_by_forename(span: Span, forenames: frozenset[str]) -> Span:
    """A model span like 'American Mark Vande Hei' (ORG) that is a name: PERSON from the forename on.

    The small model often folds a nationality into a person's name and mislabels the whole.
    """
    if span.id_ or span.label_ == "PERSON" or len(span) < 2:
        return span
    for k in (0, 1):
        if k + 1 >= len(span) or span[k].text not in forenames:
            continue
        rest = span[k:]
        if not all(t.is_title or t.text[:1].isupper() for t in rest if t.is_alpha):
            return span
        if k == 1 and not (span[0].is_title and span[0].pos_ in {"PROPN", "ADJ"}):
            return span
        return Span(span.doc, rest.start, rest.end, label="PERSON")
    return span


def label_by_head(span: Span, heads: dict[str, str]) -> Span:
    """A 'person' whose name ends like a place or thing ("... Space Telescope") takes that label."""
    if span.id_ or span.label_ != "PERSON" or len(span) < 2 or span[-1].text not in heads:
        return span
    return Span(span.doc, span.start, span.end, label=heads[span[-1].text])


def extend_people(spans: list[Span], titles: frozenset[str] = frozenset(), forenames: frozenset[str] = frozenset()) -> list[Span]:
    """A PERSON mention grown to the whole name the parse joins it to: 'Arnel dela Vega'
    tagged only as 'dela Vega', 'Superintendent Graciano' missing its 'Mijares'.

    A neighbouring untagged proper noun joins when the parse makes one a ``compound`` of the
    other; a title ('Director', 'Minister') never joins, and on the left only a forename or
    the word before a particle the name begins with ('dela', 'van') does.
    """
    if not spans:
        return spans
    doc = spans[0].doc
    taken = {i for s in spans for i in range(s.start, s.end)}
    # A one-word model mention of another label that is only a given name ('Arnel', ORG,
    # before 'dela Vega') may be absorbed.
    lone = {s.start: s for s in spans if len(s) == 1 and s.label_ != "PERSON" and not s.id_}
    absorbed: set[int] = set()
    result = []
    for span in spans:
        if span.label_ != "PERSON" or span.id_:
            result.append(span)
            continue
        start, end = span.start, span.end
        while end < len(doc) and end not in taken and doc[end - 1].whitespace_ and _joins(doc[end], doc[start:end], titles):
            end += 1
        # Leftwards only a forename, or anything before a particle the model began the name with.
        while (
            start > 0 and (start - 1 not in taken or start - 1 in lone) and doc[start - 1].whitespace_
            and (doc[start - 1].text in forenames or doc[start].lower_ in NAME_PARTICLES)
            and _joins(doc[start - 1], doc[start:end], titles)
        ):
            start -= 1
            if start in lone:
                absorbed.add(start)
                break
        if doc[start].is_lower:  # a particle never starts a name
            start = span.start
        if (start, end) != (span.start, span.end):
            taken.update(range(start, end))
            span = _span(span, start, end)
        result.append(span)
    return [s for s in result if not (s.start in absorbed and len(s) == 1 and s.label_ != "PERSON")]


def _joins(outside: Token, span_tokens: Span, titles: frozenset[str]) -> bool:
    """``outside`` (next to the span) is part of the same name in the parse."""
    if outside.lower_.rstrip(".") in titles:
        return False
    if outside.lower_ not in NAME_PARTICLES and not (outside.pos_ == "PROPN" and (outside.is_title or outside.is_upper and len(outside) > 1)):
        return False
    inside = range(span_tokens.start, span_tokens.end)
    if outside.dep_ in {"compound", "flat"} and outside.head.i in inside:
        return True
    return any(t.dep_ in {"compound", "flat"} and t.head.i == outside.i for t in span_tokens)


def person_by_role(span: Span, titles: frozenset[str], heads: dict[str, str]) -> Span:
    """A two- or three-word name the model tagged ORG, GPE or NORP that the text gives a
    person's role: 'Gáspár Maróth, the government commissioner', 'the commissioner, X',
    'commissioner X' -> PERSON.

    Not for names ending like an organisation or place (``name_heads.csv``), nor for a name
    with a word in capitals ('HDT Limited').
    """
    if span.id_ or span.label_ not in {"ORG", "GPE", "NORP", "LOC"} or not 2 <= len(span) <= 3:
        return span
    if not all(t.is_title and t.is_alpha and t.lower_ not in titles for t in span) or any(t.text in heads for t in span):
        return span
    root = span.root
    roles = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        roles.append(root.head)
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].pos_ == "NOUN" and doc[span.start - 1].dep_ == "compound":
        roles.append(doc[span.start - 1])
    if any(r.lower_ in titles for r in roles):
        return _span(span, span.start, span.end, label="PERSON")
    return span


def cut_place_before_person(spans: list[Span], titles: frozenset[str] = frozenset()) -> list[Span]:
    """'President of Ukraine Volodymyr Zelenskyy' tagged as one person 'Ukraine Volodymyr
    Zelenskyy': a first word the document names as a place, nation or organisation, or that
    follows 'title of', is cut."""
    others = {s.text for s in spans if s.label_ in {"GPE", "NORP", "ORG", "LOC"}}
    result = []
    for span in spans:
        doc = span.doc
        after_title_of = span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in titles
        if span.label_ == "PERSON" and not span.id_ and len(span) >= 3 and (span[0].text in others or after_title_of):
            span = _span(span, span.start + 1, span.end)
        elif after_title_of and not span.id_ and 3 <= len(span) <= 4 and span[1].text in given_names():
            # 'Prime Minister of India Narendra Modi' tagged as one ORG or place.
            span = _span(span, span.start + 1, span.end, label="PERSON")
        result.append(span)
    return result


@lru_cache(maxsize=None)
def given_names() -> frozenset[str]:
    """The forenames of ``forename_gender.csv`` (the SSA's baby names; see coref.py)."""
    return frozenset(line.split(",", 1)[0] for line in data_lines(read_data("forename_gender.csv", None))[1:])


def person_by_title(span: Span, titles: frozenset[str], heads: dict[str, str]) -> Span:
    """'Assemblywoman Selena Torres', 'Kama Melly QC' tagged ORG: a name after a title, or
    before letters such as QC, is a person (the title and letters left out) when it starts
    with a known given name."""
    if span.id_ or span.label_ == "PERSON" or len(span) < 2:
        return span
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and doc[start].is_title and doc[start].lower_.rstrip(".") in titles:
        start += 1
    titled = start > span.start
    while end - start > 1 and doc[end - 1].text.rstrip(".") in POSTNOMINALS:
        end -= 1
    if not titled and end == span.end:
        return span
    name = doc[start:end]
    if not 1 <= len(name) <= 4 or not all(t.is_title and t.pos_ == "PROPN" for t in name if t.is_alpha) or any(t.text in heads for t in name):
        return span
    if len(name) < 2 or name[0].text not in given_names():
        return span
    return Span(doc, start, end, label="PERSON")


def person_by_name_used_alone(spans: list[Span]) -> list[Span]:
    """'Wanda Vázquez Garced' tagged ORG while the text also says 'Vázquez' alone: a name
    of two or three capitalised words starting with a known given name, one of whose other
    words the text uses alone as a name, is a person."""
    # Words used alone as a person: tagged PERSON by themselves, or the subject of a verb.
    alone = {s[0].text for s in spans if len(s) == 1 and (s.label_ == "PERSON" or s.root.dep_ == "nsubj")}
    if not alone:
        return spans
    names = given_names()
    result = []
    for span in spans:
        if (
            not span.id_ and span.label_ != "PERSON" and 2 <= len(span) <= 3 and span[0].text in names
            and all(t.is_title and t.pos_ == "PROPN" for t in span) and any(t.text in alone for t in span[1:])
        ):
            span = _span(span, span.start, span.end, label="PERSON")
        result.append(span)
    return result


def extend_organisations(spans: list[Span]) -> list[Span]:
    """'American Civil Liberties Union' + 'of Montana', 'High Court of England' + 'and Wales':
    an organisation's name goes on through 'of' and the place or name the parse hangs on it
    (a longer proper name wins: 'Medical University of Gdańsk')."""
    if not spans:
        return spans
    doc = spans[0].doc
    owner = {i: s for s in spans for i in range(s.start, s.end)}
    dropped: set[int] = set()
    result = []
    for span in spans:
        if span.label_ != "ORG" or span.id_ or id(span) in dropped or len(span) < 2:
            result.append(span)  # 'the ABC of Australia': a one-word name takes no 'of' phrase
            continue
        end = span.end
        if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end].head.i in range(span.start, end):
            k = end + 1
            while k < len(doc) and (
                doc[k].pos_ == "PROPN" and doc[k].is_title
                or doc[k].lower_ == "and" and k + 1 < len(doc) and doc[k + 1].pos_ == "PROPN" and doc[k + 1].is_title
                and doc[k + 1].dep_ == "conj" and doc[k + 1].head.i in range(span.start, k)
                and doc[k + 1].ent_type_ in {"GPE", "LOC"} and doc[end + 1].ent_type_ in {"GPE", "LOC"}
            ):
                k += 1
            others = {id(owner[i]) for i in range(end + 1, k) if i in owner}
            inner = [owner[i] for i in range(end + 1, k) if i in owner]
            if k > end + 1 and all(s.label_ in {"GPE", "LOC", "ORG"} and s.start > end and s.end <= k and not s.id_ for s in inner):
                dropped |= others
                span = _span(span, span.start, k)
        elif (
            any(t.lower_ == "of" for t in span) and end + 1 < len(doc) and doc[end].lower_ == "and"
            and doc[end + 1].pos_ == "PROPN" and doc[end + 1].is_title and doc[end + 1].dep_ == "conj"
            and (end + 2 >= len(doc) or doc[end + 2].pos_ != "PROPN")
            and (end + 1 not in owner or len(owner[end + 1]) == 1 and owner[end + 1].label_ in {"GPE", "LOC", "ORG"})
        ):
            # 'High Court of England' + 'and Wales'
            if end + 1 in owner:
                dropped.add(id(owner[end + 1]))
            span = _span(span, span.start, end + 2)
        result.append(span)
    return [s for s in result if id(s) not in dropped]


def person_before_of(span: Span, titles: frozenset[str]) -> Span:
    """"Crystal C'Bearing of the Northern Arapaho" tagged as one work of art or organisation:
    a name starting with a known given name, then 'of', 'from' or 'at' and its organisation,
    is the person (up to that word)."""
    if span.id_ or span.label_ == "PERSON" or len(span) < 4 or span[0].text not in given_names():
        return span
    cut = next((t.i for t in span[1:] if t.lower_ in {"of", "from", "at"}), None)
    if cut is None or not 2 <= cut - span.start <= 3:
        return span
    name = span.doc[span.start : cut]
    if not all(t.is_title and t.lower_ not in titles for t in name):
        return span
    return Span(span.doc, span.start, cut, label="PERSON")
