"""Short forms within a document: shared surnames, acronyms spelled out, company short names,
one id per person."""

from __future__ import annotations


def ids_of(process, text: str, surface: str) -> list[str]:
    return [r["entity_id"] for r in process(text)["entities"] if r["text"] == surface]


def test_a_surname_shared_by_two_people_goes_to_the_one_the_text_is_about(process) -> None:
    text = (
        "Democratic nominee Joe Biden led in the polls. Biden spoke in Ohio on Monday, and Biden "
        "spoke in Iowa on Tuesday. Trump brought up Biden's son Hunter Biden and his dealings in "
        "Ukraine. Biden defended his son."
    )
    assert ids_of(process, text, "Biden")[-1] == "joe-biden"


def test_a_surname_shared_by_two_people_neither_leading_is_left_unlinked(process) -> None:
    text = "Sarah Miller met Tom Miller in Boston. Tom Miller thanked Sarah Miller. Miller said the meeting went well."
    ids = ids_of(process, text, "Miller")
    assert ids == ["miller"]  # neither Sarah's nor Tom's: wrong is worse than empty


def test_a_title_tells_which_of_two_namesakes_is_meant(process) -> None:
    text = (
        "The agencies met toward President Joe Biden and First Lady Jill Biden's goal. "
        "I am grateful for President Biden's leadership, said the administrator."
    )
    people = {(r["text"], r["entity_id"]) for r in process(text)["entities"] if r["label"] == "PERSON"}
    assert ("Biden", "joe-biden") in people
    assert ("Jill Biden", "jill-biden") in people  # "First Lady" is a title, not a name


def test_one_person_written_several_ways_in_a_document_has_one_id(process) -> None:
    text = (
        "Thomas P. Stafford commanded Apollo 10. Tom Stafford later led a task group. "
        "Thomas Stafford was born in Oklahoma, and Tom Stafford died in 2024. Thomas Stafford was 93."
    )
    ids = {r["entity_id"] for r in process(text)["entities"] if "Stafford" in r["text"]}
    assert ids == {"thomas-stafford"}  # the form written most often, then the fullest


def test_an_acronym_spelled_out_without_brackets_takes_the_full_names_id(process) -> None:
    text = "Officials at the World Health Organization said the virus had spread. The WHO said it was ready to help."
    assert ids_of(process, text, "WHO") == ["world-health-organization"]


def test_a_companys_short_name_takes_its_full_names_id(process) -> None:
    text = "Intuitive Machines Inc. built the lander in Houston. Intuitive Machines said the lander was healthy."
    assert set(ids_of(process, text, "Intuitive Machines")) == {"intuitive-machines-inc"}


def test_a_surname_spelt_two_ways_in_one_article_is_one_person(process) -> None:
    # Real snippet (dev split, Wikinews CC BY 2.5): 'Yahya Sarea' ... 'Saree said'.
    text = (
        "Speaking on al-Masirah TV in Yemen, Houthi military spokesperson Yahya Sarea said it had carried out the attack "
        "using ten drones.\n\n\n\"These attacks are our right, and we warn the Saudis that our targets will keep "
        "expanding\", Saree said."
    )
    quotes = process(text)["quotes"]
    assert [q["speaker_entity_id"] for q in quotes] == ["yahya-sarea", "yahya-sarea"]


def test_a_hyphenated_pair_never_makes_a_surname_ambiguous(process, data_dir) -> None:
    # Real article (dev split, Wikinews CC BY 2.5): 'Trump-Biden' gave a person '-Biden' that
    # tied with Joe Biden for every later 'Biden'.
    text = (data_dir / "campaign_trail_october_2020_part.txt").read_text(encoding="utf-8")
    ids = {r["entity_id"] for r in process(text)["entities"] if r["text"].endswith("Biden")}
    assert ids == {"joe-biden"}, ids
