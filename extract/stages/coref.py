"""Light coreference: pronouns and definite descriptions resolved to earlier entity mentions.

Rules, not a model, in the spirit of the Gender Gap Tracker's speaker merging:

- a token inside an entity mention is that mention;
- ``he``/``she`` (and their other forms) -> the nearest earlier PERSON mention of the same
  sex where that is known (from the given name, ``extract/data/forename_gender.csv``, or an
  honorific: ``Mrs.``, ``Sir``), where a non-subject counts as about a sentence further away
  and a name inside a prepositional phrase another sentence further (the person the text
  is about wins over a name mentioned in passing: ``in an interview with Dawn, she said``);
- ``it``/``its`` -> the nearest earlier organisation-like mention (ORG, then GPE/NORP/FAC),
  ``they``/``their`` likewise (a group or organisation), subjects preferred;
- ``the agency``, ``the company``, ... -> the nearest earlier mention with a label the head
  noun allows (``extract/data/coref_nouns.txt``), preferring a name that contains the noun
  (``the agency`` -> ``European Space Agency``).

Only earlier mentions within ``window`` tokens are candidates, and for a pronoun in the
narration not the names inside quote marks (what a speaker talks about, or a nickname, is
not what the narration's ``he`` refers to); with none, the answer is ``None`` (never a guess
from thin air).

The component ``extract_coref`` (after ``canonical_entities``) resolves every pronoun and
definite description of a doc once and lists the answers in ``doc._.coref`` (:class:`CorefLink`
records); the quote and relation stages read them through :func:`antecedents`. For one
token, outside a pipeline::

    from extract.stages.coref import resolve
    mention = resolve(token_or_span, doc._.mentions)   # Mention | None
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy
from spacy.attrs import DEP, LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from extract.stages.data import DataComponent, data_lines, read_data
from extract.stages.entities import Mention
from extract.stages.extensions import user_data_key
from extract.stages.grammar import (
    DEFINITE_DETERMINERS,
    GROUP_PRONOUNS,
    HONORIFIC_GENDER,
    NAME_LABELS,
    NOMINAL_SUBJECT_DEPS,
    PERSON_PRONOUNS_WITH_REFLEXIVES,
    PERSON_ROLE_NOUNS,
    PRONOUN_GENDER,
    UNNAMED_PERSON_NOUNS,
    STATEMENT_NOUNS,
    THING_ANTECEDENT_LABELS,
    THING_PRONOUNS_WITH_REFLEXIVE,
    has_definite_determiner,
)
from extract.stages.lemmas import lemma
from extract.stages.quote_marks import marked_spans

NOUNS_FILE = "coref_nouns.txt"
GENDERS_FILE = "forename_gender.csv"
DEFAULT_WINDOW = 250  # tokens: a few paragraphs of news
SUBJECT_PENALTY = 40  # tokens: about one sentence
PREPOSITION_PENALTY = 40  # a name in a prepositional phrase: one more sentence
EMBEDDED_PENALTY = 40  # a name inside a reported clause ('He said Zelensky is ...'): one more
PRONOUNS = PERSON_PRONOUNS_WITH_REFLEXIVES | THING_PRONOUNS_WITH_REFLEXIVE | GROUP_PRONOUNS
# Hashes for finding candidate tokens on arrays (uint64 on both sides: floats would collide).
_PRONOUN_IDS = numpy.array([get_string_id(w) for w in sorted(PRONOUNS)], dtype=numpy.uint64)
_DEFINITE_IDS = numpy.array([get_string_id(w) for w in sorted(DEFINITE_DETERMINERS)], dtype=numpy.uint64)
_DET_ID = numpy.uint64(get_string_id("det"))


@dataclass(frozen=True)
class CorefLink:
    """A pronoun or the head noun of a definite description, and the mention it refers to."""

    start_char: int  # the referring token's characters
    end_char: int
    antecedent: Mention


_KEY = user_data_key("coref")


def _get_links(doc: Doc) -> list[CorefLink]:
    rows = doc.user_data.get(_KEY)
    if not rows:
        return []
    mentions = doc._.mentions
    return [CorefLink(start, end, mentions[k]) for start, end, k in rows]


def _set_links(doc: Doc, links: Sequence[CorefLink]) -> None:
    # Stored as (start, end, index of the antecedent in doc._.mentions): plain values for msgpack.
    index = {m: k for k, m in enumerate(doc._.mentions)}
    doc.user_data[_KEY] = [(link.start_char, link.end_char, index[link.antecedent]) for link in links]


Doc.set_extension("coref", getter=_get_links, setter=_set_links, force=True)


def antecedents(doc: Doc) -> dict[int, Mention]:
    """What each resolved token refers to, by the token's first character (``token.idx``)."""
    return {link.start_char: link.antecedent for link in doc._.coref}


def load_nouns(path: str | None = None) -> dict[str, frozenset[str]]:
    """Head noun -> labels it may refer to, from a data file (the bundled one by default)."""
    return parse_nouns(read_data(NOUNS_FILE, path))


def load_genders(path: str | None = None) -> dict[str, str]:
    """Given name -> "male" or "female", from a data file (the bundled one by default)."""
    return parse_genders(read_data(GENDERS_FILE, path))


@lru_cache(maxsize=None)
def parse_genders(raw: bytes) -> dict[str, str]:
    rows = (line.split(",") for line in data_lines(raw)[1:])  # after the header
    return {name.strip(): gender.strip() for name, gender in rows}


@lru_cache(maxsize=None)
def parse_nouns(raw: bytes) -> dict[str, frozenset[str]]:
    nouns: dict[str, frozenset[str]] = {}
    for line in data_lines(raw):
        parts = line.split()
        if len(parts) > 1:
            nouns[parts[0].lower()] = frozenset(parts[1:])
    return nouns


@Language.factory(
    "extract_coref",
    default_config={"nouns_path": None, "genders_path": None, "window": DEFAULT_WINDOW},
    assigns=["doc._.coref"],
    requires=["doc._.mentions", "token.pos", "token.dep"],
)
def make_coref(nlp: Language, name: str, *, nouns_path: str | None, genders_path: str | None, window: int) -> Coreference:
    """Resolve pronouns and definite descriptions to earlier mentions into ``doc._.coref``.

    nouns_path: head nouns and the labels they may refer to; None for the bundled file.
    genders_path: given names and the sex they imply; None for the bundled file.
    window: how many tokens back an antecedent may start.
    """
    return Coreference(nouns_path=nouns_path, genders_path=genders_path, window=window)


class Coreference(DataComponent):
    """Set ``doc._.coref``: every pronoun and definite description that resolves, once per doc."""

    def __init__(self, *, nouns_path: str | None = None, genders_path: str | None = None, window: int = DEFAULT_WINDOW) -> None:
        super().__init__({NOUNS_FILE: nouns_path, GENDERS_FILE: genders_path})
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.mentions
        resolver = Resolver(
            doc, mentions, window=self.window, nouns=parse_nouns(self.data(NOUNS_FILE)), genders=parse_genders(self.data(GENDERS_FILE))
        )
        links = []
        for i in _candidates(doc):
            token = doc[i]
            if resolver.mention_at(token) is not None:
                continue  # a name is itself, not a link
            antecedent = resolver.resolve(token)
            if antecedent is not None:
                links.append(CorefLink(token.idx, token.idx + len(token.text), antecedent))
        doc._.coref = links
        return doc


def person_roles(doc: Doc, mentions: Sequence[Mention]) -> dict[str, list[Mention]]:
    """Role nouns (lemmas) the text gives each named entity (mostly people), for descriptions that refer back:
    words before the name in its phrase ('transport secretary Grant Shapps', 'his daughter
    Nettie'), an apposition either way ('X, the minister of ...', 'the minister, X'), and a
    copula ('X is the minister')."""
    roles: dict[str, list[Mention]] = {}
    for m in mentions:
        # Any name, not only PERSON: the small model often labels people ORG ('Gáspár Maróth,
        # the government commissioner'), and 'the agency' introduced in apposition is an ORG.
        if m.label not in NAME_LABELS:
            continue
        root = doc[m.start : m.end].root
        words: list[Token] = []
        k = m.start - 1
        while k >= 0 and doc[k].dep_ in {"compound", "amod", "nmod"} and m.start <= doc[k].head.i < m.end or (
            k >= 0 and doc[k].dep_ in {"compound", "amod", "nmod"} and words and doc[k].head.i == words[-1].i
        ):
            words.append(doc[k])
            k -= 1
        words += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            words.append(root.head)
        if root.dep_ in NOMINAL_SUBJECT_DEPS and root.head.lemma_ == "be":
            words += [c for c in root.head.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
        # 'a report by the NTSB', 'the NTSB's report': the document the name issued.
        if root.dep_ == "pobj" and root.head.lower_ in {"by", "from"} and lemma(root.head.head) in STATEMENT_NOUNS:
            words.append(root.head.head)
        elif root.dep_ == "poss" and root.head.pos_ == "NOUN" and lemma(root.head) in STATEMENT_NOUNS:
            words.append(root.head)
        elif root.dep_ in NOMINAL_SUBJECT_DEPS:
            # 'The White House issued a proclamation' ... 'The proclamation said'
            words += [c for c in root.head.children if c.dep_ == "dobj" and c.pos_ == "NOUN" and lemma(c) in STATEMENT_NOUNS]
        for word in words:
            if word.pos_ in {"NOUN", "PROPN"} and not word.ent_type_:
                roles.setdefault(lemma(word), []).append(m)
    return roles


def entity_genders(doc: Doc, mentions: Sequence[Mention], genders: dict[str, str]) -> dict[str, str]:
    """The sex of each person entity of the doc, by ``entity_id``, where one mention tells it:
    a given name of one sex, or an honorific before the name. Entities whose mentions
    disagree are left out (unknown), so agreement never rules out the right person."""
    found: dict[str, set[str]] = {}
    for m in mentions:
        if m.label != "PERSON":
            continue
        first = doc[m.start]
        gender = HONORIFIC_GENDER.get(doc[m.start - 1].lower_, "") if m.start > 0 else ""
        # A two-letter first word is as often a family name written first ('Ma Ngok') as a given name.
        gender = gender or HONORIFIC_GENDER.get(first.lower_, "") or (genders.get(first.text, "") if len(first.text) > 2 else "")
        if gender:
            found.setdefault(m.entity_id, set()).add(gender)
    return {entity_id: next(iter(sexes)) for entity_id, sexes in found.items() if len(sexes) == 1}


def _candidates(doc: Doc) -> list[int]:
    """Tokens that may refer back: pronouns, and nouns with a definite determiner.

    Found on arrays: most tokens are neither, and making a Token of every word is the cost.
    """
    if not len(doc):
        return []
    lower_dep = doc.to_array([LOWER, DEP])
    found = set(numpy.flatnonzero(numpy.isin(lower_dep[:, 0], _PRONOUN_IDS)).tolist())
    determiners = (lower_dep[:, 1] == _DET_ID) & numpy.isin(lower_dep[:, 0], _DEFINITE_IDS)
    found.update(doc[int(i)].head.i for i in numpy.flatnonzero(determiners))
    return sorted(found)


def resolve(
    target: Token | Span,
    mentions: Sequence[Mention],
    *,
    window: int = DEFAULT_WINDOW,
    nouns: dict[str, frozenset[str]] | None = None,
    genders: dict[str, str] | None = None,
) -> Mention | None:
    """The entity mention ``target`` refers to, or None.

    ``target`` is a token or span (its root is used); ``mentions`` are the document's
    mentions (any order). A name resolves to itself; a pronoun or a definite description
    to the best earlier mention as described in the module docstring.
    """
    token = target.root if isinstance(target, Span) else target
    return Resolver(token.doc, mentions, window=window, nouns=nouns, genders=genders).resolve(token)


class Resolver:
    """The rules of the module docstring over one document's mentions, sorted once."""

    def __init__(
        self,
        doc: Doc,
        mentions: Sequence[Mention],
        *,
        window: int = DEFAULT_WINDOW,
        nouns: dict[str, frozenset[str]] | None = None,
        genders: dict[str, str] | None = None,
    ) -> None:
        self.doc = doc
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.window = window
        self.nouns = nouns if nouns is not None else load_nouns()
        self.genders = entity_genders(doc, self.mentions, genders if genders is not None else load_genders())
        # Character bounds of the top-level quoted stretches, to tell narration from quotes.
        quoted = [(s.open_char, s.close_char if s.close_char is not None else s.end) for s in marked_spans(doc) if s.parent is None]
        self.quote_starts = [start for start, _ in quoted]
        self.quote_ends = [end for _, end in quoted]
        self._subject: dict[int, bool] = {}  # by mention start
        self._in_phrase: dict[int, bool] = {}
        self._in_clause: dict[int, bool] = {}
        # Pronouns already resolved, in document order: (token index, antecedent, is a subject).
        # A later pronoun may take the same antecedent through them ("she said ... She also
        # said"), so the chain of the person being written about beats a name in between.
        self.chain: list[tuple[int, Mention, bool]] = []
        self._roles: dict[str, list[Mention]] | None = None  # found on the first description

    def mention_at(self, token: Token) -> Mention | None:
        """The mention whose span contains ``token``, if any (mentions do not overlap)."""
        k = bisect_right(self.starts, token.i) - 1
        return self.mentions[k] if k >= 0 and self.mentions[k].end > token.i else None

    def resolve(self, token: Token) -> Mention | None:
        own = self.mention_at(token)
        if own is not None:
            return own
        lower = token.lower_
        if lower in PERSON_PRONOUNS_WITH_REFLEXIVES:
            gender = PRONOUN_GENDER.get(lower, "")
            found = self._nearest(token, ("PERSON",), gender=gender)
            if found is not None and self._unnamed_subject_between(found, token):
                return None
            if found is not None and gender and found.entity_id not in self.genders:
                # 'she needs to answer ...' names Harris's sex for the 'He' that follows.
                self.genders[found.entity_id] = gender
            if found is not None:
                self.chain.append((token.i, found, token.dep_ in NOMINAL_SUBJECT_DEPS))
            return found
        if lower in GROUP_PRONOUNS and lower not in THING_PRONOUNS_WITH_REFLEXIVE:
            # 'they' is as often an unnamed group ('the researchers') as a named body: only an
            # organisation leading a recent clause.
            found = self._nearest(token, THING_ANTECEDENT_LABELS)
            if found is None or not self._is_subject(found) or token.i - found.start > 2 * SUBJECT_PENALTY:
                return None
            return found
        if lower in THING_PRONOUNS_WITH_REFLEXIVE or lower in GROUP_PRONOUNS:
            return self._nearest(token, THING_ANTECEDENT_LABELS)
        if token.pos_ in {"NOUN", "PROPN"} and has_definite_determiner(token):
            noun = lemma(token)
            introduced = self._introduced_as(token, noun)
            if introduced is not None:
                return introduced
            labels = self.nouns.get(noun)
            if labels and "NAMED" in labels:
                found = self._nearest(token, tuple(sorted(labels - {"NAMED"})), noun=noun)
                return found if found is not None and noun in found.entity_name.lower() else None
            if labels:
                return self._nearest(token, tuple(sorted(labels)), noun=noun)
            if noun in PERSON_ROLE_NOUNS:
                # 'said study co-author Karen Alley. The Wooster professor added': a role word
                # for the person who leads the sentence before, when nothing else was introduced.
                found = self._nearest(token, ("PERSON",))
                if found is not None and self._is_subject(found) and token.i - found.start <= SUBJECT_PENALTY:
                    return found
        return None

    def _nearest(self, token: Token, labels: tuple[str, ...], *, noun: str = "", gender: str = "") -> Mention | None:
        """Best earlier mention with one of ``labels`` (and of ``gender`` where both are known):
        earlier labels in the tuple win, then (for a noun) names containing the noun, then
        subjects, then names outside prepositional phrases, then proximity."""
        window = self.window
        lo, hi = bisect_left(self.starts, token.i - window), bisect_left(self.starts, token.i)
        narration = not self._quoted(token.idx)
        candidates = [
            m for m in self.mentions[lo:hi]
            if m.label in labels and m.end <= token.left_edge.i and (not gender or self.genders.get(m.entity_id, gender) == gender)
            and not (narration and self._quoted(m.start_char))
        ]

        def cost(m: Mention) -> int:
            # Token distance plus penalties: a non-subject counts as SUBJECT_PENALTY tokens further.
            named = bool(noun) and noun in m.entity_name.lower()
            return (
                (token.i - m.start)
                + (0 if self._is_subject(m) else SUBJECT_PENALTY)
                + (PREPOSITION_PENALTY if self._in_prepositional_phrase(m) else 0)
                + (EMBEDDED_PENALTY if self._embedded(m) else 0)
                + (0 if named or not noun else window)
                + labels.index(m.label) * window
            )

        scored = [(cost(m), m.start, m) for m in candidates]
        if gender:
            scored += [
                (token.i - i + (0 if subject else SUBJECT_PENALTY), i, m)
                for i, m, subject in self.chain
                if token.i - i <= window and self.genders.get(m.entity_id, gender) == gender
            ]
        if not scored:
            return None
        return min(scored, key=lambda item: (item[0], -item[1]))[2]

    def _introduced_as(self, token: Token, noun: str) -> Mention | None:
        """The nearest earlier person the text introduced with this role: 'government
        commissioner Gáspár Maróth' ... 'the commissioner'; 'Maróth, the commissioner, ...';
        'Maróth is the commissioner'."""
        if self._roles is None:
            self._roles = person_roles(self.doc, self.mentions)
        earlier = [m for m in self._roles.get(noun, ()) if m.end <= token.i and token.i - m.start <= self.window]
        return max(earlier, key=lambda m: m.start) if earlier else None

    def _quoted(self, char: int) -> bool:
        """The character lies inside quote marks."""
        k = bisect_right(self.quote_starts, char) - 1
        return k >= 0 and char < self.quote_ends[k]

    def _in_prepositional_phrase(self, mention: Mention) -> bool:
        """The mention is the object of a preposition ('an interview with Dawn'), not an agent ('by X')."""
        known = self._in_phrase.get(mention.start)
        if known is None:
            root = self.doc[mention.start : mention.end].root
            known = self._in_phrase[mention.start] = root.dep_ == "pobj" and root.head.dep_ != "agent"
        return known

    def _unnamed_subject_between(self, found: Mention, token: Token) -> bool:
        """A person the text does not name leads a clause after ``found``, in the pronoun's
        sentence or the one before ('One of the victims decided ... She said'): the pronoun is
        theirs, and wrong is worse than empty."""
        doc = self.doc
        sent_start = token.sent.start
        previous_start = doc[sent_start - 1].sent.start if sent_start > 0 else sent_start
        for k in range(max(found.end, previous_start), token.i):
            t = doc[k]
            if (
                t.dep_ in NOMINAL_SUBJECT_DEPS and t.pos_ in {"NOUN", "NUM", "PRON"} and self._unnamed_person(t)
                and not self._named(t) and not self._quoted(t.idx) and not has_definite_determiner(t)
            ):
                return True
        return False

    def _named(self, t: Token) -> bool:
        """``t`` is part of a name (a number such as 'One' is tagged too, and is no name)."""
        m = self.mention_at(t)
        return m is not None and m.label in NAME_LABELS

    def _unnamed_person(self, t: Token) -> bool:
        """'a witness', 'One of the victims' (not 'One antibody cocktail')."""
        if t.lower_ == "one":
            return any(
                p.dep_ == "prep" and p.lower_ == "of" and any(lemma(o) in UNNAMED_PERSON_NOUNS for o in p.children if o.dep_ == "pobj")
                for p in t.children
            )
        # 'he'/'she' is one person: 'their friends' never blocks it.
        return t.tag_ == "NN" and lemma(t) in UNNAMED_PERSON_NOUNS

    def _embedded(self, mention: Mention) -> bool:
        """The mention sits in a clausal complement ('He said [Zelensky is ...]'): what is
        reported, less salient than who reports it."""
        known = self._in_clause.get(mention.start)
        if known is None:
            root = self.doc[mention.start : mention.end].root
            # Not the subject of a verb that reports a clause of its own ('while X wrote he had
            # ordered ...' inside another report): that subject is a speaker, not reported.
            reporter = root.dep_ in NOMINAL_SUBJECT_DEPS and any(c.dep_ == "ccomp" for c in root.head.children)
            known = self._in_clause[mention.start] = not reporter and any(a.dep_ == "ccomp" for a in root.ancestors)
        return known

    def _is_subject(self, mention: Mention) -> bool:
        """The mention is (or is in apposition to, or conjoined with) a clause's subject."""
        known = self._subject.get(mention.start)
        if known is None:
            root = self.doc[mention.start : mention.end].root
            while root.dep_ in {"appos", "conj", "compound"} and root.head is not root:
                root = root.head
            known = self._subject[mention.start] = root.dep_ in NOMINAL_SUBJECT_DEPS
        return known
