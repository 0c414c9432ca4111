"""What the relation rules produce: ``Relation`` records (``doc._.relations``) and the rules' edges."""

from __future__ import annotations

from dataclasses import dataclass

from extract.stages.entities import Mention
from extract.stages.extensions import register_records


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
    method: str = ""  # the rule that produced the edge (for debugging and evaluation)


register_records("relations", Relation)


@dataclass(frozen=True)
class Edge:
    """An edge a rule found, before it becomes a :class:`Relation` of its sentence."""

    position: int  # token index the edge is anchored on, for document order
    relation_type: str
    subject: Mention
    predicate: str
    obj: Mention
    negated: bool
    method: str


