"""The grammar the stages share: pronouns, label groups, subject dependencies, quote marks, trims.

One definition per set. Where two rules need sets that differ by a few members, each set has
its own name here (``PERSON_PRONOUNS`` and ``PERSON_PRONOUNS_WITH_REFLEXIVES``) so the
difference is visible and deliberate rather than two definitions drifting apart.
Labels are spaCy's OntoNotes entity labels; dependencies are ClearNLP labels, as in the
English pipelines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported where a span is made: rows.py reads this module without it
    from spacy.tokens import Span, Token

# --------------------------------------------------------------------------- pronouns

# Third-person pronouns of a person, without reflexives: the forms that can name a party of
# a relation ('he met ...', 'her agency') or a speaker.
PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
# The same with reflexives ('himself'): coreference resolves every form that points back.
PERSON_PRONOUNS_WITH_REFLEXIVES = PERSON_PRONOUNS | {"himself", "herself"}
THING_PRONOUNS = frozenset({"it", "its"})
THING_PRONOUNS_WITH_REFLEXIVE = THING_PRONOUNS | {"itself"}
GROUP_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
# The sex a person pronoun or an honorific implies ("Mrs. Lee" is a woman), for agreement.
PRONOUN_GENDER = {
    **dict.fromkeys(("he", "him", "his", "himself"), "male"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "female"),
}
HONORIFIC_GENDER = {
    **dict.fromkeys(("mr", "mr.", "mister", "sir", "lord", "king", "prince", "sheikh", "father"), "male"),
    **dict.fromkeys(("mrs", "mrs.", "ms", "ms.", "miss", "madam", "madame", "dame", "lady", "queen", "princess", "sister"), "female"),
}
# First and second person: a speaker referring to themselves or the listener, never resolved.
SELF_REFERENCE_PRONOUNS = frozenset({"i", "we", "you", "me", "us"})
# Relative pronouns that can be a relative clause's subject ('the agency, which said ...').
SUBJECT_RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
RELATIVE_PRONOUNS = SUBJECT_RELATIVE_PRONOUNS | {"whom"}
# Determiners that point back to something already named ('the agency', not 'an agency').
DEFINITE_DETERMINERS = frozenset({"the", "this", "that"})
# Things that speak for whoever issued them: 'Facebook released a statement which read, "..."'.
STATEMENT_NOUNS = frozenset({
    "statement", "release", "post", "tweet", "letter", "message", "filing", "announcement", "communique", "communiqué",
    "report", "website", "account", "survey", "study", "proclamation", "notice", "database", "blog", "poll", "order",
    "ruling", "judgment", "judgement", "document", "memo", "email", "e-mail", "filing", "complaint", "lawsuit", "press",
    "summary", "opinion", "description", "decision", "verdict", "motion", "petition", "proposal", "book", "memoir",
    "article", "column", "editorial", "paper", "interview", "excerpt",
})
# Letters after a name that are not part of it: 'Kama Melly QC', 'Jane Roe PhD'.
POSTNOMINALS = frozenset({"QC", "KC", "MP", "MSP", "MEP", "MBE", "OBE", "CBE", "KBE", "DBE", "PhD", "MD", "JP", "AO", "AM", "AC", "SC", "Esq"})
# People named by their role, who speak for themselves, not for the organisation before
# them ('the Wooster professor' is a person of the text, not the college).
PERSON_ROLE_NOUNS = frozenset({
    "professor", "minister", "coach", "president", "director", "chief", "secretary", "chairman", "chairwoman",
    "leader", "author", "co-author", "researcher", "scientist", "doctor", "lawyer", "attorney", "judge", "prosecutor",
    "senator", "governor", "mayor", "manager", "founder", "ceo", "head", "captain", "commander", "astronaut",
})
# Nouns for people the text does not name ('One of the victims ... She said', 'a witness ...
# he said'): as the subject nearest a 'he'/'she', they leave the pronoun unresolved.
UNNAMED_PERSON_NOUNS = frozenset({
    "one", "woman", "man", "girl", "boy", "child", "victim", "witness", "resident", "mother", "father", "son",
    "daughter", "wife", "husband", "brother", "sister", "friend", "neighbour", "neighbor", "student", "teacher",
    "nurse", "passenger", "survivor", "worker", "employee", "driver", "suspect", "defendant", "spokesman",
    "spokeswoman", "spokesperson", "relative", "parent", "fan", "customer", "patient", "colleague", "niece",
    "nephew", "teenager", "officer", "soldier", "user", "source", "eyewitness", "bystander", "protester",
})
# People who speak for an organisation or a country: 'a spokesman for X', 'representatives from Iran'.
SPOKESPERSON_NOUNS = frozenset({
    "spokesperson", "spokesman", "spokeswoman", "representative", "official", "officer", "source", "spokespeople",
    "spokesmen", "spokeswomen", "member", "embassy", "statement", "website", "account", "release", "post", "tweet",
    "government",
})
ARTICLES = frozenset({"the", "a", "an"})

# --------------------------------------------------------------------------- entity labels

# Labels of names: what can be referred to by a shorter name, and what can speak (a name
# that is the subject of a reporting verb speaks, whatever label the model gave it).
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT", "WORK_OF_ART", "LAW"})
# Labels of names whose first word alone can stand for the whole ("Goddard", "Kepler").
SHORT_FORM_LABELS = frozenset({"ORG", "FAC", "GPE", "LOC", "PRODUCT"})
# Labels an untagged proper noun takes from the entity it is conjoined with ('Apple and Google').
CONJUNCT_LABELS = frozenset({"ORG", "GPE", "PERSON"})
# What 'it'/'they' may point back to in coreference, in order of preference.
THING_ANTECEDENT_LABELS = ("ORG", "GPE", "NORP", "FAC")
# What an 'it' may be as a party of a relation ('it signed an agreement with ...').
THING_PARTY_LABELS = frozenset({"ORG", "GPE", "FAC", "PRODUCT"})
# What a person can hold a role at: an organisation or the place governed.
ROLE_ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})
# Labels of a name that can head a common noun and still be what the noun is ('ExoMars mission').
NAMED_THING_LABELS = frozenset({"PRODUCT", "FAC", "EVENT"})
PLACE_LABELS = frozenset({"GPE", "LOC"})

# --------------------------------------------------------------------------- names (entity stage)

# Opening brackets and their closing ones: a mention never ends inside one it opened.
BRACKETS = {"(": ")", "[": "]", "{": "}"}
# Tags of a first word that is no part of a person's name: 'Inside Marshall', 'Will Red Hat'.
NOT_NAME_START_TAGS = frozenset({"IN", "MD", "VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "RB", "CC", "UH", "WDT", "WP", "WRB", "TO"})
# A capitalised verb inside a 'person' is a headline's verb: 'Juno Provides High-Definition'.
VERB_TAGS = frozenset({"VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "MD"})
# How a one-word 'person' is used when it is a vehicle, a body or a place ('aboard Odysseus',
# 'the Juno spacecraft', 'asteroid Bennu', 'at Marshall').
VEHICLE_PREPOSITIONS = frozenset({"aboard", "onboard"})
PLACE_PREPOSITIONS = frozenset({"at"})
VEHICLE_NOUNS = frozenset({
    "spacecraft", "probe", "rover", "lander", "orbiter", "mission", "missions", "telescope",
    "observatory", "satellite", "satellites", "capsule", "rocket", "helicopter", "spaceship",
    "module", "flyby",
})
BODY_NOUNS = frozenset({"asteroid", "comet", "moon", "galaxy", "nebula", "crater", "planet"})
# Words that end a 'person' in a headline ('Lucy Missions', 'Roman Team Selects Survey').
NAME_ENDING_NOUNS = VEHICLE_NOUNS | BODY_NOUNS | {"team", "teams"}
# Lower-case words that may stand inside a person's name ('Ludwig van Beethoven').
NAME_PARTICLES = frozenset({
    "al", "bin", "bint", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos",
    "du", "el", "ibn", "la", "le", "ter", "van", "von", "y", "zu", "dela", "dei", "degli", "ten", "af",
})

# --------------------------------------------------------------------------- dependencies

# Nominal subjects, active or passive: the mention a clause is about (coreference salience).
NOMINAL_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Subjects of an active verb: who says or does it.
ACTIVE_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
# Every subject of a verb.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# What makes a clause one of its own (with an expletive: 'there is ...').
CLAUSE_SUBJECT_DEPS = SUBJECT_DEPS | {"expl"}

# --------------------------------------------------------------------------- quote marks

# Curly and angle marks by family: a closing mark closes the nearest open mark of its family.
OPENING_MARKS = {"“": "double", "„": "double", "«": "angle", "‹": "single_angle", "‘": "single"}
CLOSING_MARKS = {"”": "double", "»": "angle", "›": "single_angle", "’": "single"}
STRAIGHT_MARKS = frozenset({'"', "'"})
DASHES = frozenset({"-", "–", "—", "―"})
SENTENCE_END = frozenset({".", "!", "?", "…"})

# --------------------------------------------------------------------------- trims

# Tokens stripped from the edges of an entity mention.
LEADING_STRIP_TAGS = frozenset({"DT", "PRP$", "PDT", "POS"})
TRAILING_STRIP_TAGS = frozenset({"POS"})
TRAILING_STRIP_TEXT = frozenset({"'s", "’s", "'", "’", ",", ".", ":", ";", "-", "—", "–"})


def strip_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of ``text[start:end]`` without surrounding whitespace (empty if blank)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def trim_span(span: Span) -> Span | None:
    """Strip determiners, possessives and (for people) leading descriptors from a mention."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].tag_ in LEADING_STRIP_TAGS or doc[start].lower_ in ARTICLES):
        start += 1
    if span.label_ == "PERSON":
        # "American Mark Vande Hei": a descriptor before the name is not part of it.
        while end - start > 1 and (doc[start].tag_ in {"JJ", "NNPS"} or doc[start].ent_iob_ == "" and doc[start].is_lower):
            start += 1
    while end > start and (doc[end - 1].tag_ in TRAILING_STRIP_TAGS or doc[end - 1].text in TRAILING_STRIP_TEXT):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    from spacy.tokens import Span

    return Span(doc, start, end, label=span.label_, span_id=span.id_)


def has_definite_determiner(token: Token) -> bool:
    """'the agency', 'this company': a determiner that points back, not 'an agency'."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in token.children)
