"""Relation stage: one test per pattern, on sentences of the shared NASA and Wikinews articles.

The passages are exact substrings of the articles, copied with their source into
tests/data/relations/passages.json (see tests/data/relations/PROVENANCE). Expected edges are
what the sentence says, read by a person.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.stages.relations import load_lexicon

PASSAGES = json.loads((Path(__file__).parent / "data" / "relations" / "passages.json").read_text(encoding="utf-8"))


def edges(rows: dict) -> set[tuple[str, str, str, bool]]:
    return {(r["relation_type"], r["subject_entity_id"], r["object_entity_id"], r["negated"]) for r in rows["relations"]}


def predicates(rows: dict) -> dict[tuple[str, str, str], str]:
    return {(r["relation_type"], r["subject_entity_id"], r["object_entity_id"]): r["predicate"] for r in rows["relations"]}


@pytest.fixture(scope="module")
def passage_rows(process) -> dict[str, dict]:
    return {name: process(p["text"], doc_id=name) for name, p in PASSAGES.items()}


def test_seed_required_relations(process, seed_text, data_dir):
    gold = json.loads((data_dir / "roscosmos-iss-sanctions.gold.json").read_text(encoding="utf-8"))
    rows = process(seed_text)
    found = {
        (r["relation_type"], r["subject_entity_id"], r["object_entity_id"]): r for r in rows["relations"]
    }
    for rel in gold["relations"]:
        if not rel["required"]:
            continue
        key = (rel["type"], rel["subject"], rel["object"])
        assert key in found, f"missing {key}"
        assert found[key]["predicate"] == rel["predicate"]
        assert found[key]["negated"] is rel.get("negated", False)
    # the optional partnership: 'suspending its joint ExoMars mission with Roscosmos'
    assert ("partnership", "esa", "roscosmos") in found
    # 'the director of Roscosmos, Dmitry Rogozin, criticized international sanctions against
    # Russia': the sanctions are criticised, Russia is not.
    assert not any(r["object_entity_id"] == "russia" and r["subject_entity_id"] == "dmitry-rogozin" for r in rows["relations"])


def test_evidence_is_the_sentence_at_its_offsets(process, seed_text):
    rows = process(seed_text)
    sentences = {s["sent_id"]: s for s in rows["sentences"]}
    assert rows["relations"]
    for r in rows["relations"]:
        assert seed_text[r["evidence_start_char"] : r["evidence_end_char"]] == r["evidence"]
        assert sentences[r["sent_id"]]["text"] == r["evidence"]
        assert r["relation_id"].startswith("r")


def test_role_compound_titles_and_listed_people(passage_rows):
    # 'NASA astronauts Jasmin Moghbeli and ..., ESA (European Space Agency) astronaut Andreas
    # Mogensen, JAXA (...) astronaut Furukawa Satoshi, and Roscosmos cosmonauts Konstantin
    # Borisov, Oleg Kononenko, and Nikolai Chub'
    found = edges(passage_rows["compound_roles_list"])
    expected = {
        ("role", "jasmin-moghbeli", "nasa", False),
        ("role", "andreas-mogensen", "esa", False),
        ("role", "furukawa-satoshi", "jaxa", False),
        ("role", "konstantin-borisov", "roscosmos", False),
        ("role", "oleg-kononenko", "roscosmos", False),
        ("role", "nikolai-chub", "roscosmos", False),
    }
    assert expected <= found
    assert predicates(passage_rows["compound_roles_list"])[("role", "nikolai-chub", "roscosmos")] == "cosmonaut"
    # Andreas Mogensen is ESA's astronaut, never NASA's.
    assert ("role", "andreas-mogensen", "nasa", False) not in found


def test_role_after_possessive_organisation(passage_rows):
    # "NASA's Johnson Space Center Director Vanessa Wyche"
    rows = passage_rows["compound_role_possessive"]
    assert predicates(rows)[("role", "vanessa-wyche", "johnson-space-center")] == "director"


def test_role_appositive_of(passage_rows):
    # 'Dr. W. Kimryn Rathmell, director of the National Cancer Institute, as well as NASA
    # astronauts Stephen Bowen and Frank Rubio'
    found = edges(passage_rows["appositive_role"])
    assert ("role", "w-kimryn-rathmell", "national-cancer-institute", False) in found
    assert {("role", "stephen-bowen", "nasa", False), ("role", "frank-rubio", "nasa", False)} <= found
    # 'astronauts' tagged as a verb must not turn into an interaction
    assert not any(kind == "interaction" for kind, *_ in found)


def test_role_copula(passage_rows):
    # "Kate A. McGinnis is a systems engineer at NASA's Goddard Space Flight Center"
    assert ("role", "kate-a-mcginnis", "goddard-space-flight-center", False) in edges(passage_rows["copula_role"])


def test_interaction_passive_turned_active_with_conjuncts(passage_rows):
    # 'Sharp ... was assisted by Executive Engineers Carlton Kemper and Addison Rothrock.'
    rows = passage_rows["passive_conjuncts"]
    found = edges(rows)
    assert {("interaction", "carlton-kemper", "sharp", False), ("interaction", "addison-rothrock", "sharp", False)} <= found
    assert predicates(rows)[("interaction", "carlton-kemper", "sharp")] == "assist"


def test_interaction_prepositional_objects(passage_rows):
    # 'Ford voluntarily disclosed this matter to the U.S. Environmental Protection Agency ...,
    # and also to the California Air Resources Board'
    rows = passage_rows["prepositional_objects"]
    found = edges(rows)
    assert ("interaction", "ford", "u-s-environmental-protection-agency", False) in found
    assert predicates(rows)[("interaction", "ford", "u-s-environmental-protection-agency")].startswith("disclose")


def test_interaction_negated_with_possessor_object(passage_rows):
    # 'Trump did not attend Lewis's viewing or funeral.' (Lewis is John Lewis, named earlier)
    rows = passage_rows["negated_possessor"]
    assert ("interaction", "trump", "john-lewis", True) in edges(rows)
    assert predicates(rows)[("interaction", "trump", "john-lewis")] == "attend"


def test_interaction_appositive_conjuncts_and_hedge(passage_rows):
    # 'NASA has selected two astronauts, Doug Hurley and Bob Behnken, for Crew Dragon's first
    # manned mission, which NASA said might take place this summer.'
    found = edges(passage_rows["appositive_conjuncts_hedge"])
    assert {("interaction", "nasa", "doug-hurley", False), ("interaction", "nasa", "bob-behnken", False)} <= found
    assert not any(obj == "dragon" for _, _, obj, _ in found)  # the hedged clause says nothing


def test_interaction_object_control(passage_rows):
    # 'President Dwight D. Eisenhower directed NASA to choose its first astronauts': NASA is
    # directed; "its" is NASA's own and must not be resolved to anyone else.
    found = edges(passage_rows["object_control"])
    assert ("interaction", "dwight-d-eisenhower", "nasa", False) in found
    assert len(found) == 1


def test_pronoun_resolved_to_earlier_subject(passage_rows):
    # 'In that role, Koralla continued ... He was particularly inspired by NASA astronaut Jonny Kim'
    assert ("interaction", "jonny-kim", "koralla", False) in edges(passage_rows["pronoun_subject"])


def test_partnership_verb(passage_rows):
    # "NASA's CSLI (CubeSat Launch Initiative) is partnering with the U.S. Air Force and U.S. Space Force"
    rows = passage_rows["partnership_verb"]
    found = edges(rows)
    assert {("partnership", "csli", "u-s-air-force", False), ("partnership", "csli", "u-s-space-force", False)} <= found
    assert predicates(rows)[("partnership", "csli", "u-s-air-force")] == "partner with"


def test_partnership_between(passage_rows):
    # "Aquarius was a collaboration between NASA and Argentina's space agency, CONAE"
    assert ("partnership", "nasa", "conae", False) in edges(passage_rows["partnership_between"])


def test_partnership_contract_with(passage_rows):
    # "NASA's Johnson Space Center in Houston entered into a ... contract with the Triangle
    # Research and Development Corporation."
    found = edges(passage_rows["partnership_contract"])
    assert ("partnership", "johnson-space-center", "triangle-research-and-development-corporation", False) in found


def test_partnership_in_partnership_with(passage_rows):
    # 'Through an existing, separate partnership with the German Aerospace Center (DLR) and the
    # French space agency CNES (...), NASA is contributing key components ...'
    found = edges(passage_rows["partnership_noun_with"])
    assert {("partnership", "nasa", "dlr", False), ("partnership", "nasa", "cnes", False)} <= found


def test_lexicon_loads_user_lists(tmp_path):
    path = tmp_path / "relations.toml"
    text = (Path(__file__).parents[1] / "extract" / "data" / "relations.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('"administrator",', '"administrator", "quartermaster",'), encoding="utf-8")
    lex = load_lexicon(str(path))
    assert "quartermaster" in lex.titles and "quartermaster" not in load_lexicon().titles
