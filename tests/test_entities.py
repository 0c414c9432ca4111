"""Entity ids and canonical names: slugs, trimmed spans, short names resolved to full names."""

from __future__ import annotations

import pytest

from extract.entities import slugify


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
