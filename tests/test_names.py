"""Ids from names: transliteration, slugs, folding."""

from __future__ import annotations

import pytest

from extract.names import fold, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Владимир Путин", "vladimir-putin"),
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Łódź", "lodz"),
        ("Ægir", "aegir"),
    ],
)
def test_names_in_any_script_get_an_ascii_slug(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_in_devanagari_gets_a_non_empty_id_of_its_own() -> None:
    first, second = slugify("नरेंद्र मोदी"), slugify("राहुल गांधी")
    assert first and second and first != second
    assert first.isascii() and first == slugify("नरेंद्र मोदी")


def test_a_name_without_letters_gets_a_stable_non_empty_id() -> None:
    assert slugify("★") == slugify("★") != ""
    assert slugify("★") != slugify("☆")
    assert slugify("   ") == ""


def test_fold_lowers_and_transliterates() -> None:
    assert fold("Erdoğan") == "erdogan"
    assert fold("Łukasz") == "lukasz"
