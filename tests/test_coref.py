"""Light coreference on the seed article (project reference text, tests/data)."""

from __future__ import annotations

import pytest

from extract.stages.coref import antecedents, load_nouns, resolve


@pytest.fixture(scope="module")
def seed_doc(extractor, seed_text):
    doc = extractor.nlp(seed_text)
    return doc, doc._.mentions


def _token(doc, text: str, after: str):
    """The first token ``text`` after the first occurrence of ``after``."""
    start = doc.text.index(after) + len(after)
    return next(t for t in doc if t.idx >= start and t.text == text)


def test_it_resolves_to_the_organisation_subject(seed_doc):
    doc, found = seed_doc
    assert resolve(_token(doc, "it", "In March, Roscosmos said"), found).entity_id == "roscosmos"
    assert resolve(_token(doc, "it", "European Space Agency announced that"), found).entity_id == "esa"


def test_he_resolves_to_the_nearest_person(seed_doc):
    doc, found = seed_doc
    # '... brought to Earth the American Mark Vande Hei and the own POT noted that he was ...'
    assert resolve(_token(doc, "he", "noted that"), found).entity_id == "mark-vande-hei"


def test_definite_description_resolves_to_an_organisation(seed_doc):
    doc, found = seed_doc
    # 'the director of Roscosmos, Dmitry Rogozin, ... cooperation between the space agency and ...'
    agency = _token(doc, "agency", "cooperation between the space")
    assert resolve(agency, found).entity_id == "roscosmos"


def test_names_resolve_to_themselves_and_nothing_is_guessed(seed_doc):
    doc, found = seed_doc
    rogozin = _token(doc, "Rogozin", "tweet. “That is why I believe")
    assert resolve(rogozin, found).entity_id == "dmitry-rogozin"
    # The first word of the article has no earlier mention to point to.
    assert resolve(doc[0:3], found) is None
    # 'they' (the sanctions) may find no antecedent, but never a person.
    they = _token(doc, "they", "It is clear that")
    resolved = resolve(they, found)
    assert resolved is None or resolved.label != "PERSON"


def test_the_doc_lists_what_each_pronoun_and_description_refers_to(seed_doc):
    doc, found = seed_doc
    links = antecedents(doc)
    it = _token(doc, "it", "In March, Roscosmos said")
    agency = _token(doc, "agency", "cooperation between the space")
    assert links[it.idx].entity_id == "roscosmos" and links[agency.idx].entity_id == "roscosmos"
    # Each link is what resolve() answers for its token, and the antecedent is one of doc._.mentions.
    for link in doc._.coref:
        token = next(t for t in doc if t.idx == link.start_char)
        assert resolve(token, found) == link.antecedent and link.antecedent in found
        assert doc.text[link.start_char : link.end_char] == token.text
    # Names are not links: a token inside a mention is that mention.
    assert not any(m.start_char <= link.start_char < m.end_char for link in doc._.coref for m in found)


def test_nouns_come_from_the_data_file(tmp_path):
    path = tmp_path / "nouns.txt"
    path.write_text("# comment\nagency ORG\nrover PRODUCT\n", encoding="utf-8")
    assert load_nouns(str(path)) == {"agency": frozenset({"ORG"}), "rover": frozenset({"PRODUCT"})}
    assert "ORG" in load_nouns()["company"]
