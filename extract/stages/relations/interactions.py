"""Interactions: subject and object of a verb, both named ('Roscosmos will not carry OneWeb's
satellites'), passives turned active, conjuncts expanded, negation kept, hedges skipped."""

from __future__ import annotations

from typing import Iterator

from spacy.tokens import Span, Token

from extract.stages.entities import Mention
from extract.stages.grammar import NAMED_THING_LABELS, PLACE_LABELS, SUBJECT_DEPS
from extract.stages.lemmas import lemma
from extract.stages.relations.lexicon import Lexicon
from extract.stages.relations.parties import (
    Entities,
    named_conjuncts,
    named_things,
    verb_subjects,
)
from extract.stages.relations.partnerships import is_partner_noun
from extract.stages.relations.records import Edge

# Prepositions of motion: with a place they give a destination, not a party ('relocated to Cleveland').
MOTION_PREPS = {"to", "into", "toward", "towards", "onto"}
# Clause types whose verb can state an interaction; others (amod "ESA-led", acl) describe.
CLAUSE_DEPS = {"ROOT", "ccomp", "conj", "advcl", "relcl", "parataxis", "xcomp", "pcomp"}


def _modifier_entities(noun: Token, entities: Entities) -> list[Mention]:
    """Names inside an object noun phrase: possessor or compound ('OneWeb's satellites',
    'its joint ExoMars mission')."""
    found = []
    for child in noun.lefts:
        if child.dep_ == "poss":
            # 'carry OneWeb's satellites'; but a country's possession only describes it
            # ("flew America's second orbital flight").
            mention = entities.of(child)
            if mention is not None and mention.label in PLACE_LABELS:
                mention = None
        elif child.dep_ in {"compound", "nmod"}:
            # A named thing heading its noun ('the ExoMars mission', 'the Orion spacecraft');
            # an organisation or country before a noun only describes it ('his NASA career',
            # 'a U.S. flag').
            mention = entities.named(child)
            if mention is not None and mention.label not in NAMED_THING_LABELS:
                mention = None
        else:
            continue
        if mention is not None and mention not in found:
            found.append(mention)
    return found


def _through_of(noun: Token, entities: Entities) -> tuple[list[Mention], str]:
    """'worked on the development of Webb': the named object one 'of' further, and the noun."""
    if noun.pos_ != "NOUN" or entities.of(noun) is not None:
        return [], ""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    found = named_conjuncts(pobj, entities) or named_things(pobj, entities)
                    if found:
                        return found, f"{noun.lower_} of"
    return [], ""


def _verb_chain(verb: Token, entities: Entities) -> list[Token]:
    """The verb and its open complements: 'stop working', 'plan to launch'."""
    chain = [verb]
    while len(chain) < 3:
        if any(c.dep_ == "dobj" and entities.of(c) is not None for c in chain[-1].children):
            break  # 'directed NASA to choose': the named object is the head verb's
        nxt = next((c for c in chain[-1].children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if nxt is None or any(c.dep_ in SUBJECT_DEPS for c in nxt.children):
            break
        chain.append(nxt)
    return chain


def _verb_phrase(chain: list[Token]) -> str:
    """Lemmas of the chain, complements as written: 'stop working', 'decide to transfer'."""
    words: list[str] = []
    chain = chain[-2:]  # 'spent two years helping to develop' -> 'helping to develop'
    for k, verb in enumerate(chain):
        if k and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            words.append("to")
        words.append(verb.lower_ if k and verb.tag_ == "VBG" else lemma(verb))
        words += [c.lower_ for c in verb.children if c.dep_ == "prt"]
    return " ".join(words)


def _stolen_object(verb: Token, entities: Entities) -> list[Mention]:
    """A fronted clause without a comma ('after Russia brought to Earth the American Mark
    Vande Hei and NASA noted ...'): the small model often makes the clause's object the
    main subject. Take that subject back as the object when it starts right after the clause."""
    if verb.dep_ != "advcl" or not any(c.dep_ == "mark" for c in verb.children):
        return []
    if any(c.dep_ in {"dobj", "ccomp", "xcomp", "attr", "acomp"} for c in verb.children):
        return []
    for child in verb.head.children:
        if child.dep_ == "nsubj" and child.left_edge.i == verb.right_edge.i + 1 and child.i > verb.i:
            mention = entities.named(child)
            return [mention] if mention is not None else []
    return []


def interactions(sent: Span, entities: Entities, lex: Lexicon) -> Iterator[Edge]:
    """Subject-verb-object edges between named entities."""
    for verb in sent:
        # The tag must agree: the small model sometimes calls a plural noun ('astronauts') a VERB.
        if verb.pos_ != "VERB" or not verb.tag_.startswith("VB") or verb.dep_ not in CLAUSE_DEPS:
            continue
        if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB":
            continue  # read as part of its head's chain
        if verb.lower_ in lex.titles or lemma(verb) in lex.titles:
            continue  # 'NASA astronauts Stephen Bowen': a title the model tagged as a verb
        chain = _verb_chain(verb, entities)
        last = chain[-1]
        if lemma(verb) in lex.skip_verbs or lemma(last) in lex.skip_verbs:
            continue
        auxes = [c for v in chain for c in v.children if c.dep_ in {"aux", "auxpass"}]
        if any(a.lower_ in lex.hedges for a in auxes):
            continue
        negated = any(c.dep_ == "neg" for v in chain for c in v.children)
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
        subjects = [m for m in verb_subjects(verb, entities, passive) if m.label in lex.subject_labels]
        if not subjects:
            continue
        phrase = _verb_phrase(chain)
        partner_verb = len(chain) == 1 and lemma(verb) in lex.partner_verbs
        objects: list[tuple[Mention, str, bool]] = []  # (object, predicate, partnership?)
        if passive:
            for child in verb.children:
                if child.dep_ == "nsubjpass":
                    objects += [(m, phrase, False) for m in named_conjuncts(child, entities)]
        for child in last.children:
            if child.dep_ in {"dobj", "dative"} and not passive:
                # An object past a comma is usually a misattached appositive ('..., a goal of X').
                if not any(t.is_punct for t in child.doc[last.i + 1 : child.left_edge.i]):
                    objects += _object_phrase(child, phrase, entities, lex)
            elif child.dep_ == "prep" and child.lower_ in lex.object_preps and child.i > last.i:
                # a fronted phrase ('With the Artemis campaign, NASA will land ...') is a circumstance
                partner = partner_verb and child.lower_ == "with"
                for pobj in child.children:
                    if pobj.dep_ != "pobj":
                        continue
                    named, via = named_conjuncts(pobj, entities), ""
                    if not named:
                        named, via = _through_of(pobj, entities)
                    objects += [
                        (m, " ".join(w for w in (phrase, child.lower_, via) if w), partner)
                        for m in named
                        if not (child.lower_ in MOTION_PREPS and m.label in PLACE_LABELS)
                    ]
        objects = [o for o in objects if o[0].label in lex.object_labels]
        if not objects:
            objects = [(m, phrase, False) for m in _stolen_object(last, entities) if m.label in lex.object_labels]
        for subject in subjects:
            for obj, predicate, partner in objects:
                kind = "partnership" if partner else "interaction"
                yield Edge(verb.i, kind, subject, predicate, obj, negated, f"{kind}:verb")


def _object_phrase(noun: Token, phrase: str, entities: Entities, lex: Lexicon) -> list[tuple[Mention, str, bool]]:
    """Objects reached through a direct object: the name itself, a name inside it, or the
    object of its preposition ('impose sanctions on Russia', 'sign an agreement with ESA')."""
    named = named_conjuncts(noun, entities)
    if named:
        return [(m, phrase, False) for m in named]
    inside = _modifier_entities(noun, entities)
    if inside:
        return [(m, phrase, False) for m in inside]
    found = []
    is_partnership = is_partner_noun(noun, lex)
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in lex.noun_preps:
            continue
        for pobj in prep.children:
            if pobj.dep_ == "pobj":
                predicate = f"{phrase} {noun.lower_} {prep.lower_}"
                partner = is_partnership and prep.lower_ == "with"
                found += [(m, predicate, partner) for m in named_conjuncts(pobj, entities)]
    return found


