"""One id per real-world entity across the whole batch.

The stages give every mention an id within its document (``Dmitry Rogozin`` and a later
``Rogozin`` share ``dmitry-rogozin``). Across documents the same person is often written
differently (``Thomas P. Stafford``, ``Thomas Stafford``, ``Tom Stafford``), and the same
organisation by its short name or acronym. After all documents are processed, this pass
merges such document-level ids into one batch-level id:

- people with the same surname whose given names agree: equal, one a short form of the other
  (``extract/data/given_name_forms.csv``), two spellings of one long name (``Jeanette`` ~
  ``Jeannette``), or a quoted nickname (``Barry “Butch” E. Wilmore``
  ~ ``Butch Wilmore``); title and headline words before a name are ignored
  (``extract/data/name_titles.txt``). Middle initials and suffixes (Jr., III) must not
  conflict: ``Gregory C. Johnson`` and ``Gregory H. Johnson`` stay two people, and a bare
  ``Gregory Johnson`` that fits both joins neither;
- an organisation written with and without a company suffix (``The Boeing Company`` ~
  ``Boeing``), and an acronym that some document defines (``FSB`` after ``Federal Security
  Service (FSB)`` in another article).

One-word names are never merged across documents: a bare ``Johnson`` could be anyone.
The pass depends only on the set of document-level entities, never on the order documents
finished in, so the tables are the same whatever the engine, worker count or cache.
Adding articles to a batch can merge ids of earlier articles.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from extract.names import fold, slugify

# A nickname in double quotes: Barry “Butch” Wilmore. (Single marks are apostrophes: O’Hara.)
QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]")
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
COMPANY_SUFFIXES = {"company", "co", "inc", "incorporated", "corporation", "corp", "ltd", "limited", "llc", "plc"}
PEOPLE = {"PERSON"}
# Given names this long or longer may be two spellings of one name (spelling_variant).
MIN_VARIANT_LENGTH = 6
ORGANISATIONS = {"ORG"}


@dataclass
class Entity:
    """Everything the batch says about one document-level id."""

    entity_id: str
    names: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    surfaces: set[str] = field(default_factory=set)
    mentions: int = 0
    docs: set[str] = field(default_factory=set)
    gazetteer: bool = False

    @property
    def label(self) -> str:
        return top(self.labels)

    @property
    def name(self) -> str:
        return top(self.names)


@dataclass(frozen=True)
class PersonName:
    """A person's name taken apart for comparison (all parts folded to lower-case ASCII)."""

    given: frozenset[str]  # the given name and any quoted nickname
    initials: str  # first letters of middle names and initials, in order
    surname: str
    suffix: str
    parts: int  # how many name parts were written: the fuller name wins

    def agrees_with(self, other: PersonName) -> bool:
        if self.surname != other.surname or not _same_given(self.given, other.given):
            return False
        if self.initials and other.initials and not (self.initials.startswith(other.initials) or other.initials.startswith(self.initials)):
            return False
        return not (self.suffix and other.suffix and self.suffix != other.suffix)


class EntityIndex:
    """Collects the document-level entities of a batch, then maps them to batch-level ids."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Take in one document's ``entities`` rows."""
        for row in rows:
            entity = self.entities.get(row["entity_id"])
            if entity is None:
                entity = self.entities[row["entity_id"]] = Entity(row["entity_id"])
            entity.names[row["entity_name"]] += 1
            entity.labels[row["label"]] += 1
            entity.surfaces.add(" ".join(row["text"].split()))
            entity.mentions += 1
            entity.docs.add(row["doc_id"])
            entity.gazetteer = entity.gazetteer or row["source"] == "gazetteer"

    def merged(self, resolved: dict[str, tuple[str, str]]) -> dict[str, list[Entity]]:
        """Batch-level id -> the document-level entities merged into it."""
        groups: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.entities.values():
            groups[resolved[entity.entity_id][0]].append(entity)
        return groups

    def resolve(self) -> dict[str, tuple[str, str]]:
        """Document-level id -> (batch-level id, batch-level name), for every id seen."""
        groups = _merge_people(self.entities.values()) + _merge_organisations(self.entities.values())
        grouped = {e.entity_id for group in groups for e in group}
        groups += [[e] for e in self.entities.values() if e.entity_id not in grouped]
        result: dict[str, tuple[str, str]] = {}
        for group in groups:
            batch_id, name = _identity(group)
            for entity in group:
                result[entity.entity_id] = (batch_id, name)
        return result


def _identity(group: list[Entity]) -> tuple[str, str]:
    """The id and name of a merged entity.

    The id is a gazetteer id if the group has one, else the id of the form most documents use
    ("bill-nelson", not the "c-william-bill-nelson" of one release), so ids stay familiar and
    change little as a batch grows; the name is the fullest form ("C. William “Bill” Nelson").
    """
    if len(group) == 1:
        return group[0].entity_id, group[0].name
    fullest = max(group, key=lambda e: (_fullness(e), e.mentions, e.entity_id))
    name = clean_person_name(fullest.name) if fullest.label in PEOPLE else fullest.name
    gazetteer = sorted(e.entity_id for e in group if e.gazetteer)
    if gazetteer:
        chosen = next(e for e in group if e.entity_id == gazetteer[0])
        return chosen.entity_id, chosen.name
    usual = max(group, key=lambda e: (len(e.docs), e.mentions, _fullness(e), e.entity_id))
    return usual.entity_id, name


def _fullness(entity: Entity) -> int:
    if entity.label in PEOPLE:
        parsed = parse_person(entity.name)
        return parsed.parts if parsed else 0
    return len(entity.name.split())


def _merge_people(entities: Iterable[Entity]) -> list[list[Entity]]:
    """Groups of person ids that name the same person (only groups of two or more)."""
    by_surname: dict[str, list[tuple[Entity, PersonName]]] = defaultdict(list)
    for entity in entities:
        if entity.label in PEOPLE and not entity.gazetteer:
            parsed = parse_person(entity.name)
            if parsed is not None:
                by_surname[parsed.surname].append((entity, parsed))
    groups: list[list[Entity]] = []
    for surname in sorted(by_surname):
        # Fullest names first: a short name then joins the one full name it fits, or none.
        people = sorted(by_surname[surname], key=lambda p: (-p[1].parts, -p[0].mentions, p[0].entity_id))
        clusters: list[list[tuple[Entity, PersonName]]] = []
        for person in people:
            fits = [c for c in clusters if all(person[1].agrees_with(member[1]) for member in c)]
            if len(fits) == 1:
                fits[0].append(person)
            else:
                clusters.append([person])
        groups += [[e for e, _ in c] for c in clusters if len(c) > 1]
    return groups


def _merge_organisations(entities: Iterable[Entity]) -> list[list[Entity]]:
    """Groups of organisation ids: a company with and without its suffix, a defined acronym."""
    orgs = [e for e in entities if e.label in ORGANISATIONS]
    # An acronym is defined where a document gave it the id of a longer name.
    acronym_of: dict[str, set[str]] = defaultdict(set)
    for entity in orgs:
        for surface in entity.surfaces:
            if _is_acronym(surface) and slugify(surface) != entity.entity_id:
                acronym_of[surface].add(entity.entity_id)
    key_of: dict[str, str] = {}
    for entity in orgs:
        if entity.gazetteer:
            continue
        name = entity.name
        if _is_acronym(name) and len(acronym_of.get(name, ())) == 1:
            key_of[entity.entity_id] = next(iter(acronym_of[name]))
            continue
        words = name.split()
        while len(words) > 1 and fold(words[-1]).rstrip(".").strip(",") in COMPANY_SUFFIXES:
            words.pop()
        if words and fold(words[0]) == "the":
            words = words[1:]
        key = slugify(" ".join(words))
        if key and key != entity.entity_id:
            key_of[entity.entity_id] = key
    # Ids with the same key are one organisation: "boeing" and "The Boeing Company" -> boeing.
    members: dict[str, list[Entity]] = defaultdict(list)
    for entity in orgs:
        members[key_of.get(entity.entity_id, entity.entity_id)].append(entity)
    return [group for _, group in sorted(members.items()) if len(group) > 1]


def _is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 8 and text.isalpha() and text.isupper()


def parse_person(name: str) -> PersonName | None:
    """Take a person's name apart; None for a one-word name (never merged across documents)."""
    nicknames = {fold(n) for n in QUOTED.findall(name)}
    words = [w.strip(".,") for w in QUOTED.sub(" ", name).split()]
    words = [w for w in words if w]
    titles = load_titles()
    while words and fold(words[0]) in titles:
        words.pop(0)
    suffix = ""
    if len(words) > 2 and fold(words[-1]) in SUFFIXES:
        suffix = fold(words.pop())
    if len(words) < 2:
        return None
    surname = fold(words[-1])
    first = [w for w in words[:-1]]
    # "C. William Nelson": a leading initial is not the given name.
    initials = ""
    while len(first) > 1 and len(first[0]) == 1:
        initials += fold(first.pop(0))
    given = fold(first[0])
    if len(given) == 1 and not nicknames:
        return None  # "J. Smith": too little to tell people apart
    initials += "".join(fold(w)[0] for w in first[1:])
    return PersonName(frozenset({given, *nicknames}), initials, surname, suffix, parts=len(words) + len(nicknames) + bool(suffix))


def _same_given(ours: frozenset[str], theirs: frozenset[str]) -> bool:
    """Equal given names, one a short form of the other ("Tom" and "Thomas", not "Chris"
    and "Christine" through a shared short form), or two spellings of one name."""
    forms = load_given_name_forms()
    return any(a == b or b in forms.get(a, ()) or spelling_variant(a, b) for a in ours for b in theirs)


def spelling_variant(a: str, b: str) -> bool:
    """Two spellings of one long given name: one letter changed, added or dropped before the
    last ("Jeanette" ~ "Jeannette", "Mohammad" ~ "Mohammed"). A different last letter often
    makes another name ("Christina", "Christine"), and short names differ by one letter
    ("Dan", "Don")."""
    if min(len(a), len(b)) < MIN_VARIANT_LENGTH or abs(len(a) - len(b)) > 1 or a[-1] != b[-1] or a[0] != b[0]:
        return False
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return max(len(a), len(b)) - head - tail == 1 and min(len(a), len(b)) - head - tail <= 1


def clean_person_name(name: str) -> str:
    """The name without leading title words ("Astronaut Charles F. Bolden" -> "Charles F. Bolden")."""
    words = name.split()
    titles = load_titles()
    while len(words) > 2 and fold(words[0].strip(".,")) in titles:
        words.pop(0)
    return " ".join(words)


def top(counter: Counter) -> str:
    """The most frequent value, ties broken alphabetically (a stable choice)."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counter else ""


def _data_lines(filename: str) -> list[str]:
    text = (resources.files("extract") / "data" / filename).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def load_titles() -> frozenset[str]:
    """Words before a name that are not part of it (``extract/data/name_titles.txt``)."""
    return frozenset(_data_lines("name_titles.txt"))


@lru_cache(maxsize=None)
def load_given_name_forms() -> dict[str, frozenset[str]]:
    """Given name (short or full) -> the forms it may stand for (``given_name_forms.csv``)."""
    forms: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(_data_lines("given_name_forms.csv")):
        short, full = row["short"].strip().lower(), row["full"].strip().lower()
        forms[short].add(full)
        forms[full].add(short)
    return {name: frozenset(values) for name, values in forms.items()}
