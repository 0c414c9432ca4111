"""Roles: a person's title at an organisation ("NASA Administrator Bill Nelson", "the director
of Roscosmos, Dmitry Rogozin", "X is the head of Y")."""

from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span, Token

from extract.stages.entities import Mention
from extract.stages.grammar import ROLE_ORG_LABELS
from extract.stages.lemmas import lemma
from extract.stages.relations.lexicon import Lexicon
from extract.stages.relations.parties import Entities, named_conjuncts
from extract.stages.relations.records import Edge

POSSESSIVE_MARKS = {"'s", "’s", "'", "’"}


def _is_title_word(token: Token, lex: Lexicon) -> bool:
    lower = token.lower_
    return lower in lex.titles or lemma(token) in lex.titles or lower in lex.modifiers or lower in {"and", "&"}


def _title_predicates(words: list[Token], lex: Lexicon) -> list[str]:
    """'Founder and CEO' -> ['founder', 'ceo']; 'Deputy Center Directors' -> ['deputy center director']."""
    groups: list[list[Token]] = [[]]
    for t in words:
        if t.lower_ in {"and", "&"}:
            groups.append([])
        else:
            groups[-1].append(t)
    titles = []
    for group in groups:
        group = [t for t in group if t.lower_ not in lex.drop_modifiers]
        if not group:
            continue
        head = group[-1]
        head_word = head.lower_ if head.lower_ in lex.titles else lemma(head)
        if head_word not in lex.titles:
            return []
        titles.append(" ".join([t.lower_ for t in group[:-1]] + [head_word]))
    return titles


def _org_before(doc: Doc, k: int, entities: Entities, floor: int) -> Mention | None:
    """The organisation mention ending at token ``k``, skipping a possessive and a bracketed gloss."""
    if k >= floor and doc[k].text in POSSESSIVE_MARKS:
        k -= 1
    if k >= floor and doc[k].text == ")":
        j = k - 1
        while j >= max(floor, k - 10) and doc[j].text != "(":
            j -= 1
        if j < floor or doc[j].text != "(":
            return None
        k = j - 1
    if k < floor:
        return None
    mention = entities.by_token.get(k)
    if mention is None or mention.label not in ROLE_ORG_LABELS or mention.end != k + 1:
        return None
    return mention


def compound_roles(sent: Span, named: list[Mention], entities: Entities, lex: Lexicon) -> Iterator[Edge]:
    """'NASA Administrator Bill Nelson', 'ESA (European Space Agency) astronaut Andreas
    Mogensen', 'Roscosmos cosmonauts Konstantin Borisov, Oleg Kononenko, and Nikolai Chub'."""
    doc = sent.doc
    people = sorted({m.start: m for m in named if m.label == "PERSON"}.values(), key=lambda m: m.start)
    for person in people:
        j = person.start - 1
        words: list[Token] = []
        while j >= sent.start and j not in entities.by_token and _is_title_word(doc[j], lex) and len(words) < 6:
            words.insert(0, doc[j])
            j -= 1
        while words and words[0].lower_ in {"and", "&"}:
            words.pop(0)
        if not words:
            continue
        titles = _title_predicates(words, lex)
        org = _org_before(doc, j, entities, sent.start) if titles else None
        if org is None:
            continue
        holders = [person]
        if words[-1].tag_ in {"NNS", "NNPS"} or words[-1].lower_ != lemma(words[-1]):
            holders += _listed_people(person, people, doc)
        for holder in holders:
            for title in titles:
                yield Edge(holder.start, "role", holder, title, org, False, "role:compound")


def _listed_people(first: Mention, people: list[Mention], doc: Doc) -> list[Mention]:
    """People listed right after ``first``, separated only by commas and 'and'."""
    listed = []
    end = first.end
    for person in people:
        if person.start < end:
            continue
        between = [t.lower_ for t in doc[end : person.start]]
        if not between or any(w not in {",", "and"} for w in between):
            break
        listed.append(person)
        end = person.end
    return listed


def appositive_roles(sent: Span, entities: Entities, lex: Lexicon) -> Iterator[Edge]:
    """A title noun tied to a person by apposition or a copula, and to an organisation by
    'of'/'at', a possessive or a compound: 'the director of Roscosmos, Dmitry Rogozin',
    'Rathmell, director of the National Cancer Institute', 'Roscosmos's director Rogozin'."""
    for title in sent:
        if title.pos_ not in {"NOUN", "PROPN"} or title.i in entities.by_token:
            continue
        if title.lower_ not in lex.titles and lemma(title) not in lex.titles:
            continue
        # 'the co-founder and CEO of Firebird': conjoined titles share holder and organisation.
        linked = [title, *(t for t in title.conjuncts if t.lower_ in lex.titles or lemma(t) in lex.titles)]
        person = next((p for p in (_title_holder(t, entities) for t in linked) if p is not None), None)
        if person is None:
            continue
        orgs = next((o for o in (_title_orgs(t, entities, lex) for t in linked) if o), [])
        words = [
            c for c in title.lefts
            if c.dep_ in {"compound", "amod"} and c.i not in entities.by_token and c.lower_ in lex.modifiers | lex.titles
        ]
        predicates = _title_predicates([*words, title], lex)
        doc = title.doc
        if predicates and title.i >= 2 and doc[title.i - 1].text == "-" and doc[title.i - 2].is_alpha:
            predicates[-1] = f"{doc[title.i - 2].lower_}-{predicates[-1]}"  # 'co-founder'
        for org in orgs:
            for predicate in predicates[-1:]:
                yield Edge(title.i, "role", person, predicate, org, False, "role:appositive")


def _title_holder(title: Token, entities: Entities) -> Mention | None:
    def person_at(token: Token) -> Mention | None:
        mention = entities.by_token.get(token.i)
        return mention if mention is not None and mention.label == "PERSON" else None

    if title.dep_ == "appos" and person_at(title.head):
        return person_at(title.head)
    for child in title.children:
        if child.dep_ == "appos" and person_at(child):
            return person_at(child)
    if title.dep_ == "attr" and lemma(title.head) == "be":
        # 'Rigby is an astrophysicist at ...', 'She is an astrophysicist at ...'
        for child in title.head.children:
            if child.dep_ == "nsubj":
                mention = entities.of(child)
                return mention if mention is not None and mention.label == "PERSON" else None
    if title.dep_ == "pobj" and title.head.lower_ == "as" and lemma(title.head.head) in {"serve", "work"}:
        # 'Rigby also serves as a trustee of the AAS'
        for child in title.head.head.children:
            if child.dep_ == "nsubj":
                mention = entities.of(child)
                return mention if mention is not None and mention.label == "PERSON" else None
    # 'Director Vanessa Wyche' parsed as a compound of the name
    if title.dep_ == "compound" and person_at(title.head) and title.i + 1 == entities.by_token[title.head.i].start:
        return person_at(title.head)
    return None


def _title_orgs(title: Token, entities: Entities, lex: Lexicon) -> list[Mention]:
    found: list[Mention] = []
    for child in title.children:
        if child.dep_ == "prep" and child.lower_ in lex.org_preps:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found += [m for m in named_conjuncts(pobj, entities) if m.label in ROLE_ORG_LABELS]
        elif child.dep_ in {"poss", "compound"}:
            mention = entities.of(child) if child.dep_ == "poss" else entities.named(child)
            if mention is not None and mention.label in ROLE_ORG_LABELS:
                found.append(mention)
    return found[:1] if found and found[0].label != "GPE" else found[:1]


