"""Partnerships stated by a noun: 'its joint ExoMars mission with Roscosmos', 'in partnership
with DLR', 'collaboration between NASA and JAXA' (verbs of partnering are in ``interactions.py``)."""

from __future__ import annotations

from typing import Iterator

from spacy.tokens import Span, Token

from extract.stages.entities import Mention
from extract.stages.lemmas import lemma
from extract.stages.relations.lexicon import Lexicon
from extract.stages.relations.parties import Entities, named_conjuncts, verb_subjects
from extract.stages.relations.records import Edge


def is_partner_noun(noun: Token, lex: Lexicon) -> bool:
    if lemma(noun) in lex.partner_nouns or noun.lower_ in lex.partner_nouns:
        return True
    return any(c.dep_ == "amod" and c.lower_ in lex.partner_adjectives for c in noun.children)


def partnership_nouns(sent: Span, entities: Entities, lex: Lexicon) -> Iterator[Edge]:
    """'its joint ExoMars mission with Roscosmos', 'in partnership with DLR',
    'collaboration between NASA and JAXA'."""
    for noun in sent:
        if noun.pos_ not in {"NOUN", "PROPN"} or not is_partner_noun(noun, lex):
            continue
        adjective = next((c.lower_ for c in noun.children if c.dep_ == "amod" and c.lower_ in lex.partner_adjectives), "")
        head_word = lemma(noun)
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"with", "between"}:
                continue
            others = [m for p in prep.children if p.dep_ == "pobj" for m in named_conjuncts(p, entities)]
            if prep.lower_ == "with":
                # 'a partnership with DLR and the French space agency CNES': the small model
                # often hangs the second partner on the partnership noun instead of on DLR.
                others += [
                    m for c in noun.children
                    if c.dep_ == "conj" and not is_partner_noun(c, lex)
                    for m in named_conjuncts(c, entities)
                ]
            if prep.lower_ == "between":
                pairs = [(a, b) for k, a in enumerate(others) for b in others[k + 1 :]]
            else:
                pairs = [(a, b) for a in _partnership_holders(noun, entities, lex) for b in others]
            predicate = " ".join(w for w in (adjective, head_word, prep.lower_) if w)
            for a, b in pairs:
                if a.label in lex.subject_labels and b.label in lex.object_labels:
                    yield Edge(noun.i, "partnership", a, predicate, b, False, "partnership:noun")


def _partnership_holders(noun: Token, entities: Entities, lex: Lexicon) -> list[Mention]:
    """Who has the partnership: the noun's possessor, else the subject of the verb it hangs on
    ('NASA has a partnership with', 'in partnership with X, NASA will ...')."""
    for child in noun.children:
        if child.dep_ == "poss":
            mention = entities.of(child)
            return [mention] if mention is not None else []
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif noun.dep_ not in {"dobj", "attr"}:
        return []
    if head.pos_ not in {"VERB", "AUX"}:
        return []
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in head.children)
    return verb_subjects(head, entities, passive)


