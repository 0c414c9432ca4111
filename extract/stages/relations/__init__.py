"""Relations between entities: roles, interactions and partnerships, read off the parse.

Rules over spaCy's dependency parse in the spirit of textacy's subject-verb-object
triples (``textacy.extract.triples``), but every edge joins two *named* entities of the
document (their canonical ids), and sentences that name no pair are never looked at.

- ``role`` (``roles.py``): a person's title at an organisation, from a compound title between the two
  names ("NASA Administrator Bill Nelson", "Roscosmos cosmonauts A, B and C") or from an
  appositive or copula around a title noun ("the director of Roscosmos, Dmitry Rogozin",
  "Rogozin, ESA's director", "X is the head of Y").
- ``interaction`` (``interactions.py``): subject and object of a verb (direct object, its possessor or compound
  name, prepositional objects), passives turned active, conjuncts expanded, negation kept;
  hedged statements ("might", "could") are skipped.
- ``partnership`` (``partnerships.py``; verbs in ``interactions.py``): verbs and nouns of working together ("collaborate with", "a partnership
  with", "signed an agreement with", "joint mission with", "collaboration between X and Y").

Which entities a phrase names, pronouns included (``doc._.coref``), is ``parties.py``. The
word lists live in ``extract/data/relations.toml`` (``lexicon.py``).

The component ``extract_relations`` (after ``canonical_entities`` and ``extract_coref``) sets
``doc._.relations``, a list of :class:`Relation` records in document order.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.stages.coref import antecedents as coref_antecedents
from extract.stages.data import DataComponent
from extract.stages.entities import Mention
from extract.stages.grammar import PERSON_PRONOUNS, THING_PRONOUNS, strip_whitespace
from extract.stages.relations.interactions import interactions
from extract.stages.relations.lexicon import (
    LEXICON_FILE,
    Lexicon,
    load_lexicon,
    parse_lexicon,
)
from extract.stages.relations.parties import Entities
from extract.stages.relations.partnerships import partnership_nouns
from extract.stages.relations.records import Relation
from extract.stages.relations.roles import appositive_roles, compound_roles

__all__ = ["Lexicon", "Relation", "RelationExtractor", "extract_relations", "load_lexicon"]

# A pronoun can stand for one party of an edge.
PARTY_PRONOUNS = PERSON_PRONOUNS | THING_PRONOUNS


@Language.factory(
    "extract_relations",
    default_config={"lexicon_path": None},
    assigns=["doc._.relations"],
    requires=["doc._.mentions", "doc._.coref", "doc.sents", "token.pos", "token.tag", "token.dep"],
)
def make_relations(nlp: Language, name: str, *, lexicon_path: str | None) -> RelationExtractor:
    """Find roles, interactions and partnerships between named entities into ``doc._.relations``.

    lexicon_path: the relation word lists (TOML); None for the bundled ``relations.toml``.
    """
    return RelationExtractor(lexicon_path=lexicon_path)


class RelationExtractor(DataComponent):
    """Set ``doc._.relations`` from the doc's mentions and coreference."""

    def __init__(self, *, lexicon_path: str | None = None) -> None:
        super().__init__({LEXICON_FILE: lexicon_path})

    def __call__(self, doc: Doc) -> Doc:
        lexicon = parse_lexicon(self.data(LEXICON_FILE))
        doc._.relations = extract_relations(doc, doc._.mentions, coref_antecedents(doc), lexicon=lexicon)
        return doc


def extract_relations(
    doc: Doc,
    mentions: Sequence[Mention],
    antecedents: Mapping[int, Mention] | None = None,
    *,
    lexicon: Lexicon | None = None,
    sents: list[Span] | None = None,
) -> list[Relation]:
    """All relations of ``doc``, in document order (one row per distinct edge and sentence).

    ``antecedents`` maps a pronoun's first character to the mention it refers to
    (:func:`extract.stages.coref.antecedents`; none resolved when omitted); ``sents``, when
    given, is ``list(doc.sents)`` computed once by the caller.
    """
    lex = lexicon or load_lexicon()
    entities = Entities(doc, mentions, antecedents or {})
    sents = list(doc.sents) if sents is None else sents
    sent_starts = [sent.start for sent in sents]
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        # The sentence that holds the mention's first token (as Span.sent, without a scan).
        by_sentence.setdefault(sent_starts[bisect_right(sent_starts, m.start) - 1], []).append(m)
    relations: list[Relation] = []
    text = doc.text  # built anew on every access: read it once
    for sent in sents:
        named = by_sentence.get(sent.start, [])
        # An edge needs two entities; a pronoun can stand for one of them.
        if len({m.entity_id for m in named}) < 2 and not (named and any(t.lower_ in PARTY_PRONOUNS for t in sent)):
            continue
        edges = [
            *compound_roles(sent, named, entities, lex),
            *appositive_roles(sent, entities, lex),
            *interactions(sent, entities, lex),
            *partnership_nouns(sent, entities, lex),
        ]
        # Bounds without surrounding whitespace, as in sentences.csv.
        start, end = strip_whitespace(text, sent.start_char, sent.end_char)
        seen: set[tuple] = set()
        for edge in sorted(edges, key=lambda e: e.position):
            if edge.subject.entity_id == edge.obj.entity_id:
                continue
            key = (edge.relation_type, edge.subject.entity_id, edge.obj.entity_id, edge.predicate, edge.negated)
            if key in seen:
                continue
            seen.add(key)
            relations.append(
                Relation(
                    relation_type=edge.relation_type,
                    subject_entity_id=edge.subject.entity_id,
                    subject_name=edge.subject.entity_name,
                    predicate=edge.predicate,
                    object_entity_id=edge.obj.entity_id,
                    object_name=edge.obj.entity_name,
                    negated=edge.negated,
                    sent_start_char=start,
                    sent_end_char=end,
                    method=edge.method,
                )
            )
    return relations
