"""Canonical entities: clean mention spans, give every mention an ``entity_id`` and a name.

Gazetteer matches keep the gazetteer's id (set by the entity ruler as ``ent_id``). Model
entities get the slug of their canonical name; within a document a short name ("Rogozin",
"FSB", "Goddard") takes the id of the full name it refers to. The id is stored as the span's
``kb_id``, and every mention is listed in ``doc._.mentions`` (:class:`Mention` records) with
its id, name, label and source. Component ``canonical_entities``: after the NER and the
gazetteer rulers, before coreference, quotes and relations.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy
from spacy.attrs import DEP, ORTH, POS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from extract.names import slugify
from extract.stages.data import DataComponent, data_lines, read_data
from extract.stages.extensions import register_records
from extract.stages.gazetteer import parse_gazetteer
from extract.stages.grammar import (
    CONJUNCT_LABELS,
    NAME_LABELS,
    SHORT_FORM_LABELS,
    trim_span,
)

GAZETTEER_FILE, FORENAMES_FILE, NAME_HEADS_FILE = "gazetteer.csv", "forenames.txt", "name_heads.csv"


@dataclass(frozen=True)
class Mention:
    """One entity mention with its resolved identity (``doc._.mentions``).

    ``start_char``/``end_char`` are character offsets into the text, ``start``/``end`` token
    offsets (``doc[m.start:m.end]`` is the mention's span).
    """

    start_char: int
    end_char: int
    label: str
    entity_id: str
    entity_name: str
    source: str  # "gazetteer" or "model"
    start: int
    end: int


register_records("mentions", Mention)


def load_forenames(path: str | None = None) -> frozenset[str]:
    """Given names from a data file (the bundled one by default), one per line."""
    return parse_forenames(read_data(FORENAMES_FILE, path))


def load_name_heads(path: str | None = None) -> dict[str, str]:
    """Last words of names that are not people's, with their label, from a CSV data file."""
    return parse_name_heads(read_data(NAME_HEADS_FILE, path))


@lru_cache(maxsize=None)
def parse_forenames(raw: bytes) -> frozenset[str]:
    return frozenset(line.strip() for line in data_lines(raw))


@lru_cache(maxsize=None)
def parse_name_heads(raw: bytes) -> dict[str, str]:
    return {row["word"].strip(): row["label"].strip() for row in csv.DictReader(data_lines(raw))}


@Language.factory(
    "canonical_entities",
    default_config={"gazetteer_path": None, "forenames_path": None, "name_heads_path": None},
    assigns=["doc.ents", "doc._.mentions"],
    requires=["doc.ents", "token.pos", "token.tag", "token.dep"],
)
def make_canonical_entities(
    nlp: Language, name: str, *, gazetteer_path: str | None, forenames_path: str | None, name_heads_path: str | None
) -> CanonicalEntities:
    """Trim entity spans, give each an id and a name, and list them in ``doc._.mentions``.

    Each ``*_path`` names a data file; None for the bundled one in ``extract/data/``.
    """
    return CanonicalEntities(gazetteer_path=gazetteer_path, forenames_path=forenames_path, name_heads_path=name_heads_path)


class CanonicalEntities(DataComponent):
    """Trim entity spans, resolve each to an id stored in ``span.kb_id_``, set ``doc._.mentions``."""

    def __init__(self, *, gazetteer_path: str | None = None, forenames_path: str | None = None, name_heads_path: str | None = None) -> None:
        super().__init__({GAZETTEER_FILE: gazetteer_path, FORENAMES_FILE: forenames_path, NAME_HEADS_FILE: name_heads_path})
        self._indexed: bytes | None = None  # the gazetteer bytes the look-ups below were made from
        # Gazetteer surfaces, so a model span that is exactly a gazetteer name gets its id.
        self.alias_index: dict[tuple[str, bool], str] = {}
        # Gazetteer id -> (name, label), for the names of mentions.
        self.names: dict[str, tuple[str, str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        self._index_gazetteer()
        forenames = parse_forenames(self.data(FORENAMES_FILE))
        name_heads = parse_name_heads(self.data(NAME_HEADS_FILE))
        spans = [part for e in doc.ents for part in split_span(e)]
        spans = [s for s in (trim_span(e) for e in spans) if s is not None]
        spans = [self._gazetteer_id(s) for s in spans]
        spans = [_person_by_forename(s, forenames) for s in spans]
        spans = [_label_by_head(s, name_heads) for s in spans]
        spans = _add_conjunct_mentions(doc, spans)
        spans = _add_surname_mentions(doc, spans)
        doc.ents = resolve_ids(spans, name_heads)
        doc._.mentions = mentions_of(doc, self.names)
        return doc

    def _index_gazetteer(self) -> None:
        raw = self.data(GAZETTEER_FILE)
        if raw is self._indexed:
            return
        gazetteer = parse_gazetteer(raw, self.paths[GAZETTEER_FILE] or GAZETTEER_FILE)
        self.alias_index = gazetteer.alias_index()
        self.names = {e.id: (e.name, e.label) for e in gazetteer.entries}
        self._indexed = raw

    def _gazetteer_id(self, span: Span) -> Span:
        if span.id_ or not self.alias_index:
            return span
        entry_id = self.alias_index.get((span.text, True)) or self.alias_index.get((span.text.lower(), False))
        return Span(span.doc, span.start, span.end, label=span.label_, span_id=entry_id) if entry_id else span


def split_span(span: Span) -> list[Span]:
    """Split a mention at slashes: 'Faith McKie / Cheryl Warner' is two names."""
    cuts = [t.i for t in span if t.text == "/"]
    if not cuts:
        return [span]
    bounds = [span.start, *cuts, span.end]
    parts = []
    for left, right in zip(bounds, bounds[1:]):
        left = left + 1 if span.doc[left].text == "/" else left
        if left < right:
            parts.append(Span(span.doc, left, right, label=span.label_, span_id=span.id_))
    return parts


def _person_by_forename(span: Span, forenames: frozenset[str]) -> Span:
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


def _label_by_head(span: Span, heads: dict[str, str]) -> Span:
    """A 'person' whose name ends like a place or thing ("... Space Telescope") takes that label."""
    if span.id_ or span.label_ != "PERSON" or len(span) < 2 or span[-1].text not in heads:
        return span
    return Span(span.doc, span.start, span.end, label=heads[span[-1].text])


def _add_conjunct_mentions(doc: Doc, spans: list[Span]) -> list[Span]:
    """'Apple and Google': an untagged proper noun conjoined with an entity shares its label."""
    label_of = {i: s.label_ for s in spans for i in range(s.start, s.end) if s.label_ in CONJUNCT_LABELS}
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra: list[Span] = []
    dep_pos = doc.to_array([DEP, POS])
    for i in numpy.flatnonzero((dep_pos[:, 0] == numpy.uint64(get_string_id("conj"))) & (dep_pos[:, 1] == numpy.uint64(PROPN))):
        token = doc[int(i)]
        if token.i in taken or token.head.i not in label_of:
            continue
        left = token.left_edge.i
        while left < token.i and (doc[left].pos_ != "PROPN" or left in taken):
            left += 1
        if any(i in taken for i in range(left, token.i + 1)) or not doc[left].is_title:
            continue
        extra.append(Span(doc, left, token.i + 1, label=label_of[token.head.i]))
        taken.update(range(left, token.i + 1))
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans


def _add_surname_mentions(doc: Doc, spans: list[Span]) -> list[Span]:
    """Tag untagged proper nouns that repeat the last word of a multi-word PERSON name."""
    surnames = _surnames(spans)
    if not surnames:
        return spans
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = [
        Span(doc, t.i, t.i + 1, label="PERSON")
        for t in _tokens_with_text(doc, surnames)
        if t.i not in taken and t.pos_ == "PROPN"
        and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN" and doc[t.i + 1].i not in taken)
    ]
    return sorted(spans + extra, key=lambda s: s.start)


def _surnames(spans: list[Span]) -> set[str]:
    """The last words of the document's multi-word PERSON names."""
    return {s[-1].text for s in spans if s.label_ == "PERSON" and len(s) > 1}


def _tokens_with_text(doc: Doc, texts: Iterable[str]) -> list[Token]:
    """The tokens whose text is one of ``texts``, found without making a Token of every word."""
    # uint64 on both sides: hashes compared as floats would collide.
    hits = numpy.isin(doc.to_array(ORTH), numpy.array([get_string_id(t) for t in texts], dtype=numpy.uint64))
    return [doc[int(i)] for i in numpy.flatnonzero(hits)]


def resolve_ids(spans: list[Span], name_heads: dict[str, str] | None = None) -> list[Span]:
    """Give each span its entity id (``kb_id``); short names take their full name's id and label."""
    acronyms = _acronym_links(spans)
    spans = _add_acronym_mentions(spans, acronyms)
    # Each full name with its words, computed once per document (matching was quadratic).
    full_people = [(s, tuple(t.text for t in s)) for s in spans if s.label_ == "PERSON" and len(s) > 1 and not s.id_]
    surnames = _surnames(spans)
    places = _names_by_first_word(spans, name_heads or {})
    resolved: list[Span] = []
    for span in spans:
        label = span.label_
        if span.id_:
            entity_id = span.id_
        elif span.text in acronyms:
            full = acronyms[span.text]
            entity_id, label = slugify(full.text), full.label_
        elif (place := _place_for(span, places, surnames)) is not None:
            entity_id, label = place.id_ or slugify(place.text), place.label_
        else:
            full_name = _full_name_for(span, full_people)
            if full_name is not None:
                entity_id, label = slugify(full_name.text), "PERSON"
            else:
                entity_id = slugify(span.text) or span.text
        resolved.append(Span(span.doc, span.start, span.end, label=label, kb_id=entity_id, span_id=span.id_))
    return resolved


def _names_by_first_word(spans: list[Span], heads: dict[str, str]) -> dict[str, list[Span]]:
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


def _place_for(span: Span, places: dict[str, list[Span]], surnames: set[str]) -> Span | None:
    """The full name a one-word 'person' shortens: 'Goddard' for 'Goddard Space Flight Center'.

    The small model tags a bare "Goddard", "Marshall" or "Kennedy" as a person. When the
    document names a place or organisation that starts with that word, and no person in it
    has that surname, the word is taken as the short form (the nearest full name before it).
    """
    if span.label_ != "PERSON" or len(span) != 1 or span.text in surnames:
        return None
    candidates = places.get(span.text)
    if not candidates:
        return None
    before = [p for p in candidates if p.start < span.start]
    return min(before or candidates, key=lambda p: abs(span.start - p.start))


def _full_name_for(span: Span, people: list[tuple[Span, tuple[str, ...]]]) -> Span | None:
    """The nearest longer PERSON name that ends with (or starts with) this short name.

    ``people`` pairs each multi-word PERSON span with the texts of its tokens.
    """
    if span.label_ not in NAME_LABELS or len(span) > 2:
        return None
    words = tuple(t.text for t in span)
    n = len(words)
    if span.label_ == "PERSON":
        candidates = [p for p, p_words in people if len(p_words) > n and (p_words[-n:] == words or p_words[:n] == words)]
    else:
        # Only a surname the model mislabelled: it must match the last word exactly.
        candidates = [p for p, p_words in people if len(p_words) > n and p_words[-n:] == words]
    if not candidates:
        return None
    before = [p for p in candidates if p.start < span.start]
    pool = before or candidates
    return min(pool, key=lambda p: abs(span.start - p.start))


def _acronym_links(spans: list[Span]) -> dict[str, Span]:
    """'Federal Security Service (FSB)': the acronym in brackets takes the full name's id."""
    links: dict[str, Span] = {}
    for span in spans:
        doc = span.doc
        if span.id_ or len(span) < 2 or span.end + 2 >= len(doc):
            continue
        if doc[span.end].text != "(" or doc[span.end + 2].text != ")":
            continue
        acronym = doc[span.end + 1].text
        initials = "".join(t.text[0] for t in span if t.text[:1].isupper())
        # Transliterated acronyms ("Federal Security Service (FSB)") keep only the first letter.
        if acronym.isupper() and acronym.isalpha() and len(acronym) > 1 and (acronym == initials or acronym[0] == initials[:1]):
            links.setdefault(acronym, span)
    return links


def _add_acronym_mentions(spans: list[Span], acronyms: dict[str, Span]) -> list[Span]:
    """Tag untagged occurrences of an acronym introduced in brackets after its full name."""
    if not acronyms:
        return spans
    doc = spans[0].doc
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = [
        Span(doc, t.i, t.i + 1, label=acronyms[t.text].label_)
        for t in _tokens_with_text(doc, acronyms)
        if t.i not in taken
    ]
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans


def mentions_of(doc: Doc, gazetteer_names: dict[str, tuple[str, str]] | None = None) -> list[Mention]:
    """All entity mentions of a doc whose entities have ids (``kb_id``), with names and sources.

    ``gazetteer_names`` maps a gazetteer id to its (name, label). A model entity's name is
    the longest mention text in the document that carries its id.
    """
    gazetteer_names = gazetteer_names or {}
    longest: dict[str, str] = {}
    for ent in doc.ents:
        if not ent.id_:
            best = longest.get(ent.kb_id_, "")
            if len(ent.text) > len(best):
                longest[ent.kb_id_] = " ".join(ent.text.split())
    result: list[Mention] = []
    for ent in doc.ents:
        if ent.id_:
            name, _ = gazetteer_names.get(ent.id_, (ent.text, ent.label_))
            result.append(Mention(ent.start_char, ent.end_char, ent.label_, ent.id_, name, "gazetteer", ent.start, ent.end))
        else:
            # A short form linked to a gazetteer entry ("Goddard") is named as the entry.
            name = gazetteer_names[ent.kb_id_][0] if ent.kb_id_ in gazetteer_names else longest[ent.kb_id_]
            result.append(Mention(ent.start_char, ent.end_char, ent.label_, ent.kb_id_, name, "model", ent.start, ent.end))
    return result
