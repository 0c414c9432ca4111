"""Batch-level identity: document-level ids of one real-world entity merged into one id.

Names are real forms from the NASA releases (``../shared/corpus/nasa``), where the same
astronaut is written differently from release to release.
"""

from __future__ import annotations

import pytest

from extract.identity import EntityIndex, parse_person


def rows(doc_id: str, *mentions: tuple[str, str, str], source: str = "model") -> list[dict]:
    """Entity rows of one document: (text, entity_id, label); the name is the text."""
    return [
        {"doc_id": doc_id, "text": text, "entity_id": entity_id, "entity_name": text, "label": label, "source": source}
        for text, entity_id, label in mentions
    ]


def resolve(*documents: list[dict]) -> dict[str, str]:
    index = EntityIndex()
    for document in documents:
        index.add(document)
    return {doc_id: batch_id for doc_id, (batch_id, _) in index.resolve().items()}


@pytest.mark.parametrize(
    "forms",
    [
        ["Sunita L. Williams", "Suni Williams", "Sunita Williams"],
        ["Thomas P. Stafford", "Thomas Stafford", "Tom Stafford"],
        ["Charles F. Bolden", "Charles Bolden", "Charlie Bolden", "Astronaut Charles F. Bolden"],
        ["Barry “Butch” E. Wilmore", "Barry “Butch” Wilmore", "Butch Wilmore"],
        ["Ken Bowersox", "Kenneth Bowersox"],
        ["Pam Melroy", "Pamela A. Melroy", "Deputy Administrator Pam Melroy"],
        ["C. William “Bill” Nelson", "Bill Nelson"],
        ["Alan B. Shepard Jr.", "Alan Shepard"],
        ["Randolph J. Bresnik", "Randy Bresnik"],
        ["Jeanette J. Epps", "Jeannette J. Epps", "Jeanette Epps"],  # two spellings of one name
        ["Mohammad AlMulla", "Mohammed AlMulla"],
    ],
)
def test_forms_of_one_person_in_different_releases_get_one_id(forms: list[str]) -> None:
    from extract.stages.entities import slugify

    documents = [rows(f"release-{i}", (form, slugify(form), "PERSON")) for i, form in enumerate(forms)]
    assert len(set(resolve(*documents).values())) == 1


@pytest.mark.parametrize(
    "first, second",
    [
        ("Gregory C. Johnson", "Gregory H. Johnson"),  # two astronauts: middle initials conflict
        ("Bill Nelson", "George D. “Pinky” Nelson"),
        ("Karen Fox", "Nicola Fox"),
        ("Christine Smith", "Christopher Smith"),  # a shared short form ("Chris") is not enough
        ("John Smith Jr.", "John Smith Sr."),
        ("Les Johnson", "Katherine Johnson"),
        ("Natalie Batalha", "Natasha Batalha"),  # mother and daughter, both astronomers
        ("Christina Koch", "Christine Koch"),  # a different last letter makes another name
    ],
)
def test_people_sharing_a_surname_stay_apart(first: str, second: str) -> None:
    from extract.stages.entities import slugify

    ids = resolve(rows("a", (first, slugify(first), "PERSON")), rows("b", (second, slugify(second), "PERSON")))
    assert ids[slugify(first)] != ids[slugify(second)]


def test_a_short_name_that_fits_two_people_joins_neither() -> None:
    ids = resolve(
        rows("a", ("Gregory C. Johnson", "gregory-c-johnson", "PERSON")),
        rows("b", ("Gregory H. Johnson", "gregory-h-johnson", "PERSON")),
        rows("c", ("Gregory Johnson", "gregory-johnson", "PERSON")),
    )
    assert len(set(ids.values())) == 3


def test_a_one_word_name_is_never_merged_across_documents() -> None:
    ids = resolve(rows("a", ("Les Johnson", "les-johnson", "PERSON")), rows("b", ("Johnson", "johnson", "PERSON")))
    assert ids["johnson"] == "johnson"


def test_the_id_is_the_form_most_documents_use_and_the_name_the_fullest() -> None:
    index = EntityIndex()
    for i in range(3):
        index.add(rows(f"r{i}", ("Bill Nelson", "bill-nelson", "PERSON")))
    index.add(rows("r9", ("C. William “Bill” Nelson", "c-william-bill-nelson", "PERSON")))
    assert index.resolve()["c-william-bill-nelson"] == ("bill-nelson", "C. William “Bill” Nelson")


def test_an_acronym_defined_in_one_document_joins_its_full_name_in_another() -> None:
    ids = resolve(
        rows("a", ("Federal Aviation Administration", "federal-aviation-administration", "ORG"), ("FAA", "federal-aviation-administration", "ORG")),
        rows("b", ("FAA", "faa", "ORG")),
    )
    assert ids["faa"] == "federal-aviation-administration"


def test_a_company_with_and_without_its_suffix_is_one_organisation() -> None:
    ids = resolve(rows("a", ("The Boeing Company", "the-boeing-company", "ORG")), rows("b", ("Boeing", "boeing", "ORG", ), source="gazetteer"))
    assert ids["the-boeing-company"] == "boeing"


def test_the_result_does_not_depend_on_the_order_documents_arrive_in() -> None:
    documents = [
        rows("a", ("Suni Williams", "suni-williams", "PERSON")),
        rows("b", ("Sunita L. Williams", "sunita-l-williams", "PERSON")),
        rows("c", ("Gregory Johnson", "gregory-johnson", "PERSON"), ("Gregory C. Johnson", "gregory-c-johnson", "PERSON")),
    ]
    assert resolve(*documents) == resolve(*reversed(documents))


def test_title_words_and_suffixes_are_not_name_parts() -> None:
    parsed = parse_person("Astronaut Alan B. Shepard Jr.")
    assert parsed is not None
    assert (parsed.given, parsed.initials, parsed.surname, parsed.suffix) == (frozenset({"alan"}), "b", "shepard", "jr")
    assert parse_person("Johnson") is None
