"""Which entities a word or noun phrase names: mentions by token, pronouns, conjuncts, subjects."""

from __future__ import annotations

from typing import Mapping, Sequence

from spacy.tokens import Doc, Token

from extract.stages.entities import Mention
from extract.stages.grammar import (
    ACTIVE_SUBJECT_DEPS,
    NAMED_THING_LABELS,
    NOMINAL_SUBJECT_DEPS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    THING_PARTY_LABELS,
    THING_PRONOUNS,
)


class Entities:
    """Mentions by token, and the resolution of pronouns to mentions."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], antecedents: Mapping[int, Mention]) -> None:
        self.doc = doc
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self.by_token[i] = m
        self.mentions = mentions
        # What a pronoun refers to, by its first character (doc._.coref).
        self.antecedents = antecedents

    def named(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def of(self, token: Token) -> Mention | None:
        """The mention a token names: its own, or for a pronoun the one it refers to."""
        mention = self.by_token.get(token.i)
        if mention is None and token.pos_ == "PRON":
            return resolve_pronoun(token, self)
        return mention


def resolve_pronoun(token: Token, entities: Entities) -> Mention | None:
    """The named entity a third-person pronoun refers to, or None when unsure.

    First the subject of the clause that governs the pronoun ("Roscosmos said *it* would
    not carry ...", "ESA is suspending *its* mission"); then, for a subject pronoun only,
    the coreference stage's answer (``doc._.coref``, see :mod:`extract.stages.coref`: nearest
    earlier mention of a compatible kind, subjects preferred).
    """
    lower = token.lower_
    labels: frozenset[str]
    if lower in PERSON_PRONOUNS:
        labels = frozenset({"PERSON"})
    elif lower in THING_PRONOUNS:
        labels = THING_PARTY_LABELS
    else:
        return None
    head = token.head
    hops = 0
    while hops < 6:
        hops += 1
        if head.pos_ in {"VERB", "AUX"}:
            for child in head.children:
                if child.dep_ in NOMINAL_SUBJECT_DEPS and child.i != token.i and child.i < token.i:
                    mention = entities.by_token.get(child.i) or _appositive_mention(child, entities)
                    if mention is not None and mention.label in labels:
                        return mention
            if head.dep_ not in {"ccomp", "xcomp", "conj", "advcl", "acl", "relcl"}:
                break
        if head.head.i == head.i:
            break
        head = head.head
    if token.dep_ not in SUBJECT_DEPS:
        return None  # a possessive outside its own clause is too often someone else's
    mention = entities.antecedents.get(token.idx)
    return mention if mention is not None and mention.label in labels else None


def _appositive_mention(token: Token, entities: Entities) -> Mention | None:
    """'the space agency Roscosmos', 'the director of Roscosmos, Dmitry Rogozin': the named appositive."""
    for child in token.children:
        if child.dep_ == "appos" and child.i in entities.by_token:
            return entities.by_token[child.i]
    return None


def named_conjuncts(token: Token, entities: Entities, *, appositive: bool = True) -> list[Mention]:
    """Entities named by a noun phrase and its conjuncts ('the United States and Russia')."""
    found: list[Mention] = []
    for t in (token, *token.conjuncts):
        mention = entities.of(t)
        if mention is not None:
            found.append(mention)
        elif appositive:
            # 'two astronauts, Doug Hurley and Bob Behnken': the appositive and its conjuncts
            for child in t.children:
                if child.dep_ == "appos":
                    found += [m for m in map(entities.named, (child, *child.conjuncts)) if m is not None]
    return list(dict.fromkeys(found))


def named_things(noun: Token, entities: Entities) -> list[Mention]:
    """'A SpaceX Falcon 9 rocket': a common noun headed by the name of the thing it is."""
    if noun.pos_ != "NOUN":
        return []
    found = [entities.named(c) for c in noun.lefts if c.dep_ in {"compound", "nmod"}]
    return [m for m in found if m is not None and m.label in NAMED_THING_LABELS][-1:]


def verb_subjects(verb: Token, entities: Entities, passive: bool) -> list[Mention]:
    """Who does it: the subject (or the passive's agent), inherited along conjoined verbs."""
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                return [m for p in child.children if p.dep_ == "pobj" for m in named_conjuncts(p, entities)]
        return []
    current = verb
    for _ in range(3):
        for child in current.children:
            if child.dep_ in ACTIVE_SUBJECT_DEPS:
                if child.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                    return named_conjuncts(current.head, entities)
                return named_conjuncts(child, entities) or named_things(child, entities)
        # 'X criticized ... and said ...': a conjoined verb shares its head's subject.
        if current.dep_ in {"conj", "xcomp"} and current.head.pos_ in {"VERB", "AUX"}:
            current = current.head
            continue
        break
    return []


