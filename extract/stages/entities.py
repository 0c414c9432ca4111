"""Canonical entities: clean mention spans, give every mention an ``entity_id`` and a name.

Gazetteer matches keep the gazetteer's id (set by the entity ruler as ``ent_id``); entries
marked ``ignore`` (corpus markers such as Wikinews' ``((WN))``) are dropped. Model entities
are repaired first (``entity_labels.py``: brackets, titles, names of spacecraft and places
tagged as people) and get the slug of their canonical name; within a document a short name
("Rogozin", "FSB", "Goddard") takes the id of the full name it refers to
(``short_forms.py``). The id is stored as the span's ``kb_id``, and every mention is listed
in ``doc._.mentions`` (:class:`Mention` records) with its id, name, label and source.
Component ``canonical_entities``: after the NER and the gazetteer rulers, before
coreference, quotes and relations.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import DEP, LOWER, POS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.names import slugify
from extract.stages.data import DataComponent, data_lines, read_data
from extract.stages.entity_labels import (
    cut_unclosed_bracket,
    drop_hyphenated_pairs,
    in_other_script,
    cut_place_before_person,
    extend_organisations,
    extend_people,
    given_names,
    label_by_head,
    label_by_usage,
    label_space_names,
    parse_space_names,
    parse_words,
    person_by_forename,
    person_by_name_used_alone,
    person_by_role,
    person_before_of,
    person_by_title,
    person_with_number,
    trim_person,
)
from extract.stages.extensions import register_records
from extract.stages.gazetteer import parse_gazetteer
from extract.stages.grammar import CONJUNCT_LABELS, trim_span
from extract.stages.short_forms import (
    People,
    acronym_links,
    add_acronym_mentions,
    company_names,
    names_by_first_word,
    place_for,
    surnames,
    tokens_with_text,
)

GAZETTEER_FILE, FORENAMES_FILE, NAME_HEADS_FILE = "gazetteer.csv", "forenames.txt", "name_heads.csv"
SPACE_NAMES_FILE, TITLES_FILE = "space_names.csv", "name_titles.txt"


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
    default_config={"gazetteer_path": None, "forenames_path": None, "name_heads_path": None, "space_names_path": None, "titles_path": None},
    assigns=["doc.ents", "doc._.mentions"],
    requires=["doc.ents", "token.pos", "token.tag", "token.dep"],
)
def make_canonical_entities(
    nlp: Language,
    name: str,
    *,
    gazetteer_path: str | None,
    forenames_path: str | None,
    name_heads_path: str | None,
    space_names_path: str | None,
    titles_path: str | None,
) -> CanonicalEntities:
    """Trim entity spans, give each an id and a name, and list them in ``doc._.mentions``.

    Each ``*_path`` names a data file; None for the bundled one in ``extract/data/``.
    """
    return CanonicalEntities(
        gazetteer_path=gazetteer_path,
        forenames_path=forenames_path,
        name_heads_path=name_heads_path,
        space_names_path=space_names_path,
        titles_path=titles_path,
    )


class CanonicalEntities(DataComponent):
    """Trim entity spans, resolve each to an id stored in ``span.kb_id_``, set ``doc._.mentions``."""

    def __init__(
        self,
        *,
        gazetteer_path: str | None = None,
        forenames_path: str | None = None,
        name_heads_path: str | None = None,
        space_names_path: str | None = None,
        titles_path: str | None = None,
    ) -> None:
        super().__init__(
            {
                GAZETTEER_FILE: gazetteer_path,
                FORENAMES_FILE: forenames_path,
                NAME_HEADS_FILE: name_heads_path,
                SPACE_NAMES_FILE: space_names_path,
                TITLES_FILE: titles_path,
            }
        )
        self._indexed: bytes | None = None  # the gazetteer bytes the look-ups below were made from
        # Gazetteer surfaces, so a model span that is exactly a gazetteer name gets its id.
        self.alias_index: dict[tuple[str, bool], str] = {}
        # Gazetteer id -> (name, label), for the names of mentions.
        self.names: dict[str, tuple[str, str]] = {}
        # Ids of gazetteer entries whose matches are dropped (column ``ignore``).
        self.ignored: frozenset[str] = frozenset()

    def __call__(self, doc: Doc) -> Doc:
        self._index_gazetteer()
        forenames = parse_forenames(self.data(FORENAMES_FILE))
        name_heads = parse_name_heads(self.data(NAME_HEADS_FILE))
        titles = parse_words(self.data(TITLES_FILE))
        spans = [part for e in doc.ents for part in split_span(e)]
        spans = [s for s in (trim_span(e) for e in spans) if s is not None]
        spans = [s for s in (cut_unclosed_bracket(e) for e in spans) if s is not None and not in_other_script(s)]
        spans = [s for s in (self._gazetteer_id(s) for s in spans) if s.id_ not in self.ignored]
        spans = extend_organisations(extend_people(spans, titles, forenames))
        spans = [person_by_forename(s, forenames) for s in spans]
        spans = [s for s in (trim_person(e, titles) for e in spans) if s is not None]
        spans = [s for s in (person_with_number(e) for e in spans) if s is not None]
        spans = [label_by_head(s, name_heads) for s in spans]
        spans = [person_by_title(person_by_role(s, titles, name_heads), titles, name_heads) for s in spans]
        spans = [person_before_of(s, titles) for s in spans]
        spans = drop_hyphenated_pairs(person_by_name_used_alone(cut_place_before_person(spans, titles)))
        spans = label_space_names(spans, parse_space_names(self.data(SPACE_NAMES_FILE)))
        spans = label_by_usage(spans, titles) if spans else spans
        # Names found by conjunction ("and Mission Specialists Marcus Wandt") are trimmed too.
        spans = [s for s in (trim_person(e, titles) for e in _add_conjunct_mentions(doc, spans)) if s is not None]
        spans = _add_forename_mentions(doc, spans, forenames, titles)
        spans = _add_surname_mentions(doc, spans)
        spans = _add_titled_mentions(doc, spans, titles, forenames, name_heads)
        spans = _add_speaking_names(doc, spans, titles, speech_verbs())
        # Each rule above keeps spans apart; should two ever overlap, the longer one stays
        # rather than the document failing (doc.ents takes no overlaps).
        # Spans made by the rules above are trimmed like the model's ('-Biden' of 'Trump-Biden').
        spans = [t for t in (trim_span(s) if not s.id_ else s for s in spans) if t is not None]
        spans = sorted(filter_spans(spans), key=lambda s: s.start)
        doc.ents = resolve_ids(spans, name_heads, titles)
        doc._.mentions = mentions_of(doc, self.names)
        return doc

    def _index_gazetteer(self) -> None:
        raw = self.data(GAZETTEER_FILE)
        if raw is self._indexed:
            return
        gazetteer = parse_gazetteer(raw, self.paths[GAZETTEER_FILE] or GAZETTEER_FILE)
        self.alias_index = gazetteer.alias_index()
        self.names = {e.id: (e.name, e.label) for e in gazetteer.entries}
        self.ignored = frozenset(e.id for e in gazetteer.entries if e.ignore)
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
    people_surnames = surnames(spans)
    if not people_surnames:
        return spans
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = [
        Span(doc, t.i, t.i + 1, label="PERSON")
        for t in tokens_with_text(doc, people_surnames)
        if t.i not in taken and t.pos_ == "PROPN"
        and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN" and doc[t.i + 1].i not in taken)
    ]
    return sorted(spans + extra, key=lambda s: s.start)


@lru_cache(maxsize=4)
def _all_given_names(forenames: frozenset[str]) -> frozenset[str]:
    return forenames | given_names()


def _add_forename_mentions(doc: Doc, spans: list[Span], forenames: frozenset[str], titles: frozenset[str] = frozenset()) -> list[Span]:
    """'Alexei Leonov' left untagged while 'Leonov' is tagged elsewhere: a forename followed
    by a proper noun that the document tags alone is a person's full name."""
    alone = {s.text for s in spans if len(s) == 1 and s.label_ in CONJUNCT_LABELS | {"NORP"} and not s.id_}
    things = {s.text for s in spans if len(s) == 1 and s.label_ != "PERSON"}
    if not alone:
        return spans
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = []
    for t in tokens_with_text(doc, _all_given_names(forenames)):
        if (
            t.i + 1 < len(doc) and t.i not in taken and t.i + 1 not in taken and t.lower_ not in titles
            and doc[t.i + 1].text in alone and doc[t.i + 1].pos_ == "PROPN" and t.pos_ == "PROPN"
        ):
            end = t.i + 2
            # 'Ricardo Rosselló Nevares': a second family name after the one used alone.
            if (
                end < len(doc) and end not in taken and doc[end].pos_ == "PROPN" and doc[end].is_title
                and doc[end - 1].whitespace_ and doc[end].text not in things
            ):
                end += 1
            extra.append(Span(doc, t.i, end, label="PERSON"))
            taken.update(range(t.i, end))  # "Grace Roman Coronagraph": "Roman" is a forename too
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans


# Title words that are headline verbs or words of other names, never a person's title alone.
NOT_PERSON_TITLES = frozenset({"the", "inside", "visit", "visits", "meet", "meets", "first", "flight", "mission", "nasa", "former", "acting"})


def _add_titled_mentions(
    doc: Doc, spans: list[Span], titles: frozenset[str], forenames: frozenset[str], heads: dict[str, str]
) -> list[Span]:
    """'Queen Elizabeth II announced', 'Superintendent Graciano Mijares said': proper nouns
    after a capitalised title that the model left untagged are a person, when the name starts
    with a known forename or is the subject of a verb."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra: list[Span] = []
    n = len(doc)
    # Title words, found on arrays (a Token for every word is the cost of a loop).
    wanted = [w for w in titles if w not in NOT_PERSON_TITLES]
    ids = numpy.array([get_string_id(w) for w in wanted] + [get_string_id(w + ".") for w in wanted], dtype=numpy.uint64)
    done = -1
    for found in numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), ids)):
        i = int(found)
        t = doc[i]
        if i <= done or not t.is_title or i in taken:
            continue
        k = i + 1
        while k < n and doc[k].is_title and doc[k].lower_.rstrip(".") in titles and k not in taken:
            k += 1
        start = end = k
        while end < n and end not in taken and doc[end].pos_ == "PROPN" and (doc[end].is_title or doc[end].is_upper):
            end += 1
        words = doc[start:end]
        if (
            end > start and (end >= n or end not in taken)
            and not any(w.text in heads or w.lower_.rstrip(".") in titles for w in words)
            and (
                doc[start].text in forenames or doc[end - 1].dep_ in {"nsubj", "nsubjpass"} and doc[end - 1].head.pos_ == "VERB"
            )
        ):
            extra.append(Span(doc, start, end, label="PERSON"))
            taken.update(range(start, end))
        done = end - 1
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans


# Past forms of reporting verbs that adding -ed does not make.
IRREGULAR_PAST = {"say": "said", "tell": "told", "write": "wrote", "speak": "spoke", "hold": "held", "find": "found"}


@lru_cache(maxsize=None)
def speech_verbs() -> frozenset[str]:
    """Forms of the bundled reporting verbs (``reporting_verbs.txt``, the quote stage's
    list): lemmas are not known yet at this stage of the pipeline."""
    forms: set[str] = set()
    for line in data_lines(read_data("reporting_verbs.txt", None)):
        verb = line.split()[0].lower()
        forms |= {verb, verb + "s", verb + "es", verb + "ed", verb + "d", IRREGULAR_PAST.get(verb, verb)}
        if verb.endswith("y"):
            forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    return frozenset(forms)


def _add_speaking_names(doc: Doc, spans: list[Span], titles: frozenset[str], verbs: frozenset[str]) -> list[Span]:
    """'Phivolcs said', 'Rappler reported', 'Hardeep said': a capitalised proper noun the model
    left untagged that is the subject of a reporting verb names someone. A PERSON when it
    starts with a known given name, else an ORG."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    first_names = {s[0].text for s in spans if s.label_ == "PERSON" and len(s) > 1}  # 'Hardeep' of 'Hardeep Singh Puri'
    lower_words: set[str] | None = None  # found on the first candidate: most documents have none
    extra: list[Span] = []
    # Proper-noun subjects, found on arrays (a Token for every word is the cost of a loop).
    dep_pos = doc.to_array([DEP, POS])
    subjects = numpy.flatnonzero((dep_pos[:, 0] == numpy.uint64(get_string_id("nsubj"))) & (dep_pos[:, 1] == numpy.uint64(PROPN)))
    for k in subjects:
        subject = doc[int(k)]
        verb = subject.head
        if verb.pos_ != "VERB" or verb.lower_ not in verbs:
            continue
        if subject.i in taken or subject.tag_ != "NNP":
            continue
        after = subject.i + 1 + (subject.i + 1 < len(doc) and doc[subject.i + 1].text == ".")
        if any(c.dep_ in {"prep", "nummod"} for c in subject.children) or after < len(doc) and doc[after].like_num:
            continue  # 'Member of Parliament ...', 'Part of the ruling', 'Act No. 3846': not a name
        start = subject.i
        while start > 0 and doc[start - 1].dep_ in {"compound", "flat"} and doc[start - 1].head.i == subject.i and doc[start - 1].pos_ == "PROPN":
            start -= 1
        words = doc[start : subject.i + 1]
        if (
            any(i in taken for i in range(start, subject.i + 1)) or len(words) > 4
            or not all((t.is_title or t.is_upper or t.text[:1].isupper()) and t.is_alpha for t in words)
            or any(t.lower_ in titles for t in words)
        ):
            continue
        if words[0].is_sent_start:
            if lower_words is None:
                lower_words = {t.text for t in doc if t.is_lower}
            if words[0].lower_ in lower_words:
                continue  # 'Reports said ...': a common word capitalised at the start of a sentence
        label = "PERSON" if words[0].text in given_names() or words[0].text in first_names else "ORG"
        extra.append(Span(doc, start, subject.i + 1, label=label))
        taken.update(range(start, subject.i + 1))
    return sorted(spans + extra, key=lambda s: s.start) if extra else spans


def resolve_ids(spans: list[Span], name_heads: dict[str, str] | None = None, titles: frozenset[str] = frozenset()) -> list[Span]:
    """Give each span its entity id (``kb_id``); short forms take their full name's id and label.

    A span that already has a ``kb_id`` (a name of ``space_names.csv``) keeps it.
    """
    acronyms = acronym_links(spans)
    spans = add_acronym_mentions(spans, acronyms)
    companies = company_names(spans)
    people = People(spans, titles)
    people_surnames = surnames(spans)
    places = names_by_first_word(spans, name_heads or {})
    resolved: list[Span] = []
    for span in spans:
        label = span.label_
        people.seen(span)
        if span.id_:
            entity_id = span.id_
        elif span.kb_id_:
            entity_id = span.kb_id_
        elif (person := people.name_for(span)) is not None:
            entity_id = slugify(person)
        elif span.text in acronyms:
            full = acronyms[span.text]
            entity_id, label = slugify(full.text), full.label_
        elif span.text in companies and label != "PERSON":
            entity_id, label = slugify(companies[span.text].text), "ORG"
        elif (place := place_for(span, places, people_surnames)) is not None:
            entity_id, label = place.id_ or slugify(place.text), place.label_
        else:
            full_name = people.full_name_for(span)
            if isinstance(full_name, Span):
                entity_id, label = slugify(people.name_for(full_name) or full_name.text), "PERSON"
            elif full_name is False:
                # Two people share this name and neither leads: its own id, nobody's.
                entity_id, label = slugify(span.text), "PERSON"
            else:
                entity_id = slugify(span.text)
        resolved.append(Span(span.doc, span.start, span.end, label=label, kb_id=entity_id, span_id=span.id_))
    return resolved


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
