"""Entity ids and canonical names: slugs, trimmed spans, short names resolved to full names."""

from __future__ import annotations

import pytest
import spacy
from conftest import bare_canonical_entities
from spacy.tokens import Doc, Span

from extract.stages.entities import CanonicalEntities, load_name_heads, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Dmitry Rogozin", "dmitry-rogozin"),
        ("the United States", "the-united-states"),
        ("Gdańsk", "gdansk"),
        ("Jean-Loup Chrétien", "jean-loup-chretien"),
        ("  O'Brien & Sons, Inc. ", "o-brien-sons-inc"),
        ("ExoMars 2022", "exomars-2022"),
        ("Loral O’Hara", "loral-o-hara"),
        ("Łódź", "lodz"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def entity_rows(process, text: str) -> list[dict]:
    return process(text)["entities"]


def test_determiners_and_possessives_are_stripped(process) -> None:
    rows = entity_rows(process, "The United States and the United Kingdom signed. NASA’s budget grew.")
    found = {(r["text"], r["entity_id"]) for r in rows}
    assert ("United States", "united-states") in found
    assert ("United Kingdom", "united-kingdom") in found
    assert ("NASA", "nasa") in found


def test_descriptor_before_a_person_is_not_part_of_the_name(process) -> None:
    text = "The change of heart is strange after Russia brought to Earth the American Mark Vande Hei and the own POT noted that."
    rows = entity_rows(process, text)
    person = [r for r in rows if r["entity_id"] == "mark-vande-hei"]
    assert [(r["text"], r["label"]) for r in person] == [("Mark Vande Hei", "PERSON")]


def test_surname_takes_the_full_names_id(process) -> None:
    text = (
        "NASA astronaut Jessica Watkins arrived at the station on Monday. "
        "Watkins said the flight was smooth, and Watkins thanked the ground team."
    )
    rows = [r for r in entity_rows(process, text) if r["label"] == "PERSON"]
    assert [(r["text"], r["entity_id"], r["entity_name"]) for r in rows] == [
        ("Jessica Watkins", "jessica-watkins", "Jessica Watkins"),
        ("Watkins", "jessica-watkins", "Jessica Watkins"),
        ("Watkins", "jessica-watkins", "Jessica Watkins"),
    ]


def test_a_one_word_short_form_of_a_place_is_not_a_person(process) -> None:
    text = (
        "Engineers at NASA's Goddard Space Flight Center in Greenbelt, Maryland, built the camera. "
        "In 2017, I came to Goddard to work on satellite servicing."
    )
    rows = [r for r in entity_rows(process, text) if r["text"] == "Goddard"]
    assert [(r["label"], r["entity_id"], r["entity_name"], r["source"]) for r in rows] == [
        ("FAC", "goddard-space-flight-center", "Goddard Space Flight Center", "model"),
    ]


def test_a_short_form_that_is_also_a_surname_stays_a_person(process) -> None:
    text = (
        "Les Johnson works at NASA's Johnson Space Center in Houston. "
        "Before that, Johnson led a team in Alabama."
    )
    rows = [r for r in entity_rows(process, text) if r["text"] == "Johnson"]
    assert [(r["label"], r["entity_id"]) for r in rows] == [("PERSON", "les-johnson")]


def test_name_heads_are_read_from_the_data_file() -> None:
    heads = load_name_heads()
    assert heads["Telescope"] == "PRODUCT" and heads["University"] == "ORG" and heads["Stand"] == "FAC"
    assert not any(word.startswith("#") for word in heads)


@pytest.fixture
def canonical(tmp_path) -> CanonicalEntities:
    """The component with the bundled name heads and titles only: no forenames, no space names,
    an empty gazetteer."""
    return bare_canonical_entities(tmp_path)


def test_a_person_whose_name_ends_like_a_place_takes_the_places_label(canonical) -> None:
    words = ["Engines", "fire", "at", "the", "Fred", "Haise", "Test", "Stand", ",", "said", "Fred", "Haise", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 4, 8, label="PERSON"), Span(doc, 10, 12, label="PERSON")]
    doc = canonical(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Fred Haise Test Stand", "FAC"), ("Fred Haise", "PERSON")]


@pytest.mark.parametrize(
    ("words", "full", "short", "expected"),
    [
        # A name ending in a word of name_heads.csv: its first word alone is a short form.
        ("Michoud Assembly Facility builds tanks ; Michoud is in New Orleans .", (0, 3, "ORG"), 6, ("ORG", "michoud-assembly-facility")),
        # Not a name known to be a place's (the model tags people ORG too).
        ("Lola Fatoyinbo Research runs tests ; Lola leads it .", (0, 3, "ORG"), 6, ("PERSON", "lola")),
        # One of a series: "Apollo" is not the command module.
        ("The Apollo 8 Command Module flew ; Apollo was a programme .", (1, 5, "PRODUCT"), 7, ("PERSON", "apollo")),
    ],
)
def test_a_one_word_person_takes_a_known_place_name_only(canonical, words: str, full: tuple, short: int, expected: tuple) -> None:
    doc = Doc(spacy.blank("en").vocab, words=words.split())
    doc.ents = [Span(doc, full[0], full[1], label=full[2]), Span(doc, short, short + 1, label="PERSON")]
    doc = canonical(doc)
    assert [(e.label_, e.kb_id_) for e in doc.ents if e.start == short] == [expected]


def test_acronym_in_brackets_takes_the_full_names_id(process) -> None:
    text = "The Federal Security Service (FSB) said on Monday it had arrested two men. The FSB gave no names."
    rows = entity_rows(process, text)
    fsb = [r for r in rows if r["text"] == "FSB"]
    assert fsb and all(r["entity_id"] == "federal-security-service" for r in fsb)


def test_conjoined_proper_noun_shares_the_entity_label(process) -> None:
    text = (
        "Among other effects, those sanctions have caused average Russians to lose access to many "
        "Western-made services, including services from Apple and Google."
    )
    found = {(r["text"], r["label"]) for r in entity_rows(process, text)}
    assert ("Apple", "ORG") in found and ("Google", "ORG") in found


def test_mentions_are_on_the_doc(canonical) -> None:
    words = ["Engines", "fire", "at", "the", "Fred", "Haise", "Test", "Stand", ",", "said", "Fred", "Haise", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 4, 8, label="PERSON"), Span(doc, 10, 12, label="PERSON")]
    mentions = canonical(doc)._.mentions
    assert [(doc.text[m.start_char : m.end_char], m.label, m.entity_id, m.source) for m in mentions] == [
        ("Fred Haise Test Stand", "FAC", "fred-haise-test-stand", "model"),
        ("Fred Haise", "PERSON", "fred-haise", "model"),
    ]
    assert [doc[m.start : m.end].text for m in mentions] == ["Fred Haise Test Stand", "Fred Haise"]


def test_forename_mentions_never_overlap(canonical_with_forenames) -> None:
    # "Grace Roman" and "Roman Coronagraph" both fit "forename + a word tagged alone".
    words = "Nancy Grace Roman Coronagraph flew . Roman and Coronagraph ."
    doc = Doc(spacy.blank("en").vocab, words=words.split(), pos=["PROPN"] * 4 + ["VERB", "PUNCT", "PROPN", "CCONJ", "PROPN", "PUNCT"])
    doc.ents = [Span(doc, 6, 7, label="PERSON"), Span(doc, 8, 9, label="ORG")]
    spans = [(e.start, e.end) for e in canonical_with_forenames(doc).ents]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert (1, 3) in spans


@pytest.fixture
def canonical_with_forenames(tmp_path) -> CanonicalEntities:
    return bare_canonical_entities(tmp_path, "Nancy\nGrace\nRoman\n")
