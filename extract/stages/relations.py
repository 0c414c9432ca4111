"""Relations between entities: roles, interactions and partnerships, read off the parse.

Rules over spaCy's dependency parse in the spirit of textacy's subject-verb-object
triples (``textacy.extract.triples``), but every edge joins two *named* entities of the
document (their canonical ids), and sentences that name no pair are never looked at.

- ``role``: a person's title at an organisation, from a compound title between the two
  names ("NASA Administrator Bill Nelson", "Roscosmos cosmonauts A, B and C") or from an
  appositive or copula around a title noun ("the director of Roscosmos, Dmitry Rogozin",
  "Rogozin, ESA's director", "X is the head of Y").
- ``interaction``: subject and object of a verb (direct object, its possessor or compound
  name, prepositional objects), passives turned active, conjuncts expanded, negation kept;
  hedged statements ("might", "could") are skipped.
- ``partnership``: verbs and nouns of working together ("collaborate with", "a partnership
  with", "signed an agreement with", "joint mission with", "collaboration between X and Y").

The word lists live in ``extract/data/relations.toml``.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from spacy.tokens import Doc, Span, Token

from extract.stages import coref
from extract.stages.entities import Mention
from extract.stages.lemmas import lemma
from extract.stages.quotes import Quote


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


@lru_cache(maxsize=None)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Read the relation word lists (the bundled file by default)."""
    raw = open(path, "rb").read() if path else (resources.files("extract") / "data" / "relations.toml").read_bytes()
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


# Labels that can hold a position held by a person (an organisation or the place governed).
ORG_LABELS = {"ORG", "GPE", "FAC"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
THING_PRONOUNS = {"it", "its"}
THING_LABELS = {"ORG", "GPE", "FAC", "PRODUCT"}
# Labels of a name that can head a common noun and still be what the noun is ('ExoMars mission').
NAMED_THING_LABELS = {"PRODUCT", "FAC", "EVENT"}
PLACE_LABELS = {"GPE", "LOC"}
# Prepositions of motion: with a place they give a destination, not a party ('relocated to Cleveland').
MOTION_PREPS = {"to", "into", "toward", "towards", "onto"}
RELATIVE_PRONOUNS = {"which", "that", "who", "whom"}
# Clause types whose verb can state an interaction; others (amod "ESA-led", acl) describe.
CLAUSE_DEPS = {"ROOT", "ccomp", "conj", "advcl", "relcl", "parataxis", "xcomp", "pcomp"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
POSSESSIVE_MARKS = {"'s", "’s", "'", "’"}


class _Entities:
    """Mentions by token, and the resolution of pronouns to mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention]) -> None:
        self.doc = doc
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.span.start, m.span.end):
                self.by_token[i] = m
        self.mentions = mentions

    def named(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def of(self, token: Token) -> Mention | None:
        """The mention a token names: its own, or for a pronoun the one it refers to."""
        mention = self.by_token.get(token.i)
        if mention is None and token.pos_ == "PRON":
            return resolve_pronoun(token, self)
        return mention


def resolve_pronoun(token: Token, entities: _Entities) -> Mention | None:
    """The named entity a third-person pronoun refers to, or None when unsure.

    First the subject of the clause that governs the pronoun ("Roscosmos said *it* would
    not carry ...", "ESA is suspending *its* mission"); then, for a subject pronoun only,
    the coreference stage's answer (``extract.stages.coref.resolve``: nearest earlier mention of a
    compatible kind, subjects preferred).
    """
    lower = token.lower_
    if lower in PERSON_PRONOUNS:
        labels = {"PERSON"}
    elif lower in THING_PRONOUNS:
        labels = THING_LABELS
    else:
        return None
    head = token.head
    hops = 0
    while hops < 6:
        hops += 1
        if head.pos_ in {"VERB", "AUX"}:
            for child in head.children:
                if child.dep_ in {"nsubj", "nsubjpass"} and child.i != token.i and child.i < token.i:
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
    mention = coref.resolve(token, entities.mentions)
    return mention if mention is not None and mention.label in labels else None


def _appositive_mention(token: Token, entities: _Entities) -> Mention | None:
    """'the space agency Roscosmos', 'the director of Roscosmos, Dmitry Rogozin': the named appositive."""
    for child in token.children:
        if child.dep_ == "appos" and child.i in entities.by_token:
            return entities.by_token[child.i]
    return None


def _sentence_bounds(sent: Span, text: str) -> tuple[int, int]:
    """Character bounds of the sentence without surrounding whitespace (as in sentences.csv)."""
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class _Edge:
    position: int  # token index the edge is anchored on, for document order
    relation_type: str
    subject: Mention
    predicate: str
    obj: Mention
    negated: bool
    method: str


def extract_relations(
    doc: Doc,
    mentions: list[Mention],
    quotes: list[Quote],
    *,
    lexicon: Lexicon | None = None,
    sents: list[Span] | None = None,
) -> list[Relation]:
    """All relations of ``doc``, in document order (one row per distinct edge and sentence).

    ``sents``, when given, is ``list(doc.sents)`` computed once by the caller.
    """
    lex = lexicon or load_lexicon()
    entities = _Entities(doc, mentions)
    sents = list(doc.sents) if sents is None else sents
    sent_starts = [sent.start for sent in sents]
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        # The sentence that holds the mention's first token (as Span.sent, without a scan).
        by_sentence.setdefault(sent_starts[bisect_right(sent_starts, m.span.start) - 1], []).append(m)
    relations: list[Relation] = []
    text = doc.text  # built anew on every access: read it once
    for sent in sents:
        named = by_sentence.get(sent.start, [])
        # An edge needs two entities; a pronoun can stand for one of them.
        if len({m.entity_id for m in named}) < 2 and not (
            named and any(t.lower_ in PERSON_PRONOUNS | THING_PRONOUNS for t in sent)
        ):
            continue
        edges = [
            *_compound_roles(sent, named, entities, lex),
            *_appositive_roles(sent, entities, lex),
            *_interactions(sent, entities, lex),
            *_partnership_nouns(sent, entities, lex),
        ]
        start, end = _sentence_bounds(sent, text)
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


# --- roles -----------------------------------------------------------------------------


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


def _org_before(doc: Doc, k: int, entities: _Entities, floor: int) -> Mention | None:
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
    if mention is None or mention.label not in ORG_LABELS or mention.span.end != k + 1:
        return None
    return mention


def _compound_roles(sent: Span, named: list[Mention], entities: _Entities, lex: Lexicon) -> Iterator[_Edge]:
    """'NASA Administrator Bill Nelson', 'ESA (European Space Agency) astronaut Andreas
    Mogensen', 'Roscosmos cosmonauts Konstantin Borisov, Oleg Kononenko, and Nikolai Chub'."""
    doc = sent.doc
    people = sorted({m.span.start: m for m in named if m.label == "PERSON"}.values(), key=lambda m: m.span.start)
    for person in people:
        j = person.span.start - 1
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
                yield _Edge(holder.span.start, "role", holder, title, org, False, "role:compound")


def _listed_people(first: Mention, people: list[Mention], doc: Doc) -> list[Mention]:
    """People listed right after ``first``, separated only by commas and 'and'."""
    listed = []
    end = first.span.end
    for person in people:
        if person.span.start < end:
            continue
        between = [t.lower_ for t in doc[end : person.span.start]]
        if not between or any(w not in {",", "and"} for w in between):
            break
        listed.append(person)
        end = person.span.end
    return listed


def _appositive_roles(sent: Span, entities: _Entities, lex: Lexicon) -> Iterator[_Edge]:
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
                yield _Edge(title.i, "role", person, predicate, org, False, "role:appositive")


def _title_holder(title: Token, entities: _Entities) -> Mention | None:
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
    if title.dep_ == "compound" and person_at(title.head) and title.i + 1 == entities.by_token[title.head.i].span.start:
        return person_at(title.head)
    return None


def _title_orgs(title: Token, entities: _Entities, lex: Lexicon) -> list[Mention]:
    found: list[Mention] = []
    for child in title.children:
        if child.dep_ == "prep" and child.lower_ in lex.org_preps:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found += [m for m in _named_conjuncts(pobj, entities) if m.label in ORG_LABELS]
        elif child.dep_ in {"poss", "compound"}:
            mention = entities.of(child) if child.dep_ == "poss" else entities.named(child)
            if mention is not None and mention.label in ORG_LABELS:
                found.append(mention)
    return found[:1] if found and found[0].label != "GPE" else found[:1]


# --- interactions ----------------------------------------------------------------------


def _named_conjuncts(token: Token, entities: _Entities, *, appositive: bool = True) -> list[Mention]:
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


def _modifier_entities(noun: Token, entities: _Entities) -> list[Mention]:
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


def _through_of(noun: Token, entities: _Entities) -> tuple[list[Mention], str]:
    """'worked on the development of Webb': the named object one 'of' further, and the noun."""
    if noun.pos_ != "NOUN" or entities.of(noun) is not None:
        return [], ""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    found = _named_conjuncts(pobj, entities) or _named_things(pobj, entities)
                    if found:
                        return found, f"{noun.lower_} of"
    return [], ""


def _named_things(noun: Token, entities: _Entities) -> list[Mention]:
    """'A SpaceX Falcon 9 rocket': a common noun headed by the name of the thing it is."""
    if noun.pos_ != "NOUN":
        return []
    found = [entities.named(c) for c in noun.lefts if c.dep_ in {"compound", "nmod"}]
    return [m for m in found if m is not None and m.label in NAMED_THING_LABELS][-1:]


def _verb_chain(verb: Token, entities: _Entities) -> list[Token]:
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


def _subjects(verb: Token, entities: _Entities, passive: bool) -> list[Mention]:
    """Who does it: the subject (or the passive's agent), inherited along conjoined verbs."""
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                return [m for p in child.children if p.dep_ == "pobj" for m in _named_conjuncts(p, entities)]
        return []
    current = verb
    for _ in range(3):
        for child in current.children:
            if child.dep_ in {"nsubj", "csubj"}:
                if child.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                    return _named_conjuncts(current.head, entities)
                return _named_conjuncts(child, entities) or _named_things(child, entities)
        # 'X criticized ... and said ...': a conjoined verb shares its head's subject.
        if current.dep_ in {"conj", "xcomp"} and current.head.pos_ in {"VERB", "AUX"}:
            current = current.head
            continue
        break
    return []


def _stolen_object(verb: Token, entities: _Entities) -> list[Mention]:
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


def _interactions(sent: Span, entities: _Entities, lex: Lexicon) -> Iterator[_Edge]:
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
        subjects = [m for m in _subjects(verb, entities, passive) if m.label in lex.subject_labels]
        if not subjects:
            continue
        phrase = _verb_phrase(chain)
        partner_verb = len(chain) == 1 and lemma(verb) in lex.partner_verbs
        objects: list[tuple[Mention, str, bool]] = []  # (object, predicate, partnership?)
        if passive:
            for child in verb.children:
                if child.dep_ == "nsubjpass":
                    objects += [(m, phrase, False) for m in _named_conjuncts(child, entities)]
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
                    named, via = _named_conjuncts(pobj, entities), ""
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
                yield _Edge(verb.i, kind, subject, predicate, obj, negated, f"{kind}:verb")


def _object_phrase(noun: Token, phrase: str, entities: _Entities, lex: Lexicon) -> list[tuple[Mention, str, bool]]:
    """Objects reached through a direct object: the name itself, a name inside it, or the
    object of its preposition ('impose sanctions on Russia', 'sign an agreement with ESA')."""
    named = _named_conjuncts(noun, entities)
    if named:
        return [(m, phrase, False) for m in named]
    inside = _modifier_entities(noun, entities)
    if inside:
        return [(m, phrase, False) for m in inside]
    found = []
    is_partnership = _is_partner_noun(noun, lex)
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in lex.noun_preps:
            continue
        for pobj in prep.children:
            if pobj.dep_ == "pobj":
                predicate = f"{phrase} {noun.lower_} {prep.lower_}"
                partner = is_partnership and prep.lower_ == "with"
                found += [(m, predicate, partner) for m in _named_conjuncts(pobj, entities)]
    return found


def _is_partner_noun(noun: Token, lex: Lexicon) -> bool:
    if lemma(noun) in lex.partner_nouns or noun.lower_ in lex.partner_nouns:
        return True
    return any(c.dep_ == "amod" and c.lower_ in lex.partner_adjectives for c in noun.children)


# --- partnerships stated by a noun ----------------------------------------------------


def _partnership_nouns(sent: Span, entities: _Entities, lex: Lexicon) -> Iterator[_Edge]:
    """'its joint ExoMars mission with Roscosmos', 'in partnership with DLR',
    'collaboration between NASA and JAXA'."""
    for noun in sent:
        if noun.pos_ not in {"NOUN", "PROPN"} or not _is_partner_noun(noun, lex):
            continue
        adjective = next((c.lower_ for c in noun.children if c.dep_ == "amod" and c.lower_ in lex.partner_adjectives), "")
        head_word = lemma(noun)
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"with", "between"}:
                continue
            others = [m for p in prep.children if p.dep_ == "pobj" for m in _named_conjuncts(p, entities)]
            if prep.lower_ == "with":
                # 'a partnership with DLR and the French space agency CNES': the small model
                # often hangs the second partner on the partnership noun instead of on DLR.
                others += [
                    m for c in noun.children
                    if c.dep_ == "conj" and not _is_partner_noun(c, lex)
                    for m in _named_conjuncts(c, entities)
                ]
            if prep.lower_ == "between":
                pairs = [(a, b) for k, a in enumerate(others) for b in others[k + 1 :]]
            else:
                pairs = [(a, b) for a in _partnership_holders(noun, entities, lex) for b in others]
            predicate = " ".join(w for w in (adjective, head_word, prep.lower_) if w)
            for a, b in pairs:
                if a.label in lex.subject_labels and b.label in lex.object_labels:
                    yield _Edge(noun.i, "partnership", a, predicate, b, False, "partnership:noun")


def _partnership_holders(noun: Token, entities: _Entities, lex: Lexicon) -> list[Mention]:
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
    return _subjects(head, entities, passive)
