"""Relations between entities (filled in by the relation stage; see issue 4)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from extract.entities import Mention
from extract.quotes import Quote


@dataclass(frozen=True)
class Relation:
    """A typed edge between two entities, with the sentence that states it."""

    relation_type: str
    subject_entity_id: str
    subject_name: str
    predicate: str
    object_entity_id: str
    object_name: str
    negated: bool
    sent_start_char: int
    sent_end_char: int


def extract_relations(doc: Doc, mentions: list[Mention], quotes: list[Quote]) -> list[Relation]:
    """All relations of ``doc``, in document order."""
    return []
