"""The word lists of the relation rules (``extract/data/relations.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from extract.stages.data import read_data

LEXICON_FILE = "relations.toml"


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``relations.toml``."""

    titles: frozenset[str]
    modifiers: frozenset[str]
    drop_modifiers: frozenset[str]
    org_preps: frozenset[str]
    skip_verbs: frozenset[str]
    hedges: frozenset[str]
    object_preps: frozenset[str]
    noun_preps: frozenset[str]
    subject_labels: frozenset[str]
    object_labels: frozenset[str]
    partner_verbs: frozenset[str]
    partner_nouns: frozenset[str]
    partner_adjectives: frozenset[str]


def load_lexicon(path: str | None = None) -> Lexicon:
    """Read the relation word lists (the bundled file by default)."""
    return parse_lexicon(read_data(LEXICON_FILE, path))


@lru_cache(maxsize=None)
def parse_lexicon(raw: bytes) -> Lexicon:
    data = tomllib.loads(raw.decode("utf-8"))
    role, act, partner = data["role"], data["interaction"], data["partnership"]

    def words(values: Iterable[str]) -> frozenset[str]:
        return frozenset(v.strip().lower() for v in values)

    return Lexicon(
        titles=words(role["titles"]),
        modifiers=words(role["modifiers"]),
        drop_modifiers=words(role.get("drop_modifiers", [])),
        org_preps=words(role["org_preps"]),
        skip_verbs=words(act["skip_verbs"]),
        hedges=words(act["hedges"]),
        object_preps=words(act["object_preps"]),
        noun_preps=words(act["noun_preps"]),
        subject_labels=frozenset(act["subject_labels"]),
        object_labels=frozenset(act["object_labels"]),
        partner_verbs=words(partner["verbs"]),
        partner_nouns=words(partner["nouns"]),
        partner_adjectives=words(partner["adjectives"]),
    )


