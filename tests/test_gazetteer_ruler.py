"""The gazetteer ruler: phrase matching on two attributes, longest match, overwrite rules."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import Span

from extract.stages.gazetteer import Gazetteer, load_gazetteer
from extract.stages.gazetteer_ruler import GazetteerRuler


def gazetteer(tmp_path: Path, rows: str) -> Gazetteer:
    path = tmp_path / "g.csv"
    path.write_text("id,name,label,category,aliases,cased_aliases,overrides_model\n" + rows, encoding="utf-8")
    return load_gazetteer(path)


def ents(doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.id_) for e in doc.ents]


def test_cased_and_any_case_surfaces(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ruler = GazetteerRuler(nlp)
    ruler.add_gazetteer(gazetteer(tmp_path, "nasa,NASA,ORG,agency,National Aeronautics and Space Administration,POT,\n"))
    doc = ruler(nlp("POT and the national aeronautics and space administration, not the pot or Nasa."))
    assert ents(doc) == [
        ("POT", "ORG", "nasa"),
        ("national aeronautics and space administration", "ORG", "nasa"),
    ]


def test_longest_match_wins_across_attributes(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ruler = GazetteerRuler(nlp)
    ruler.add_gazetteer(
        gazetteer(
            tmp_path,
            "esa,ESA,ORG,agency,,,\n"
            "esa-council,ESA Council,ORG,body,esa council,,\n",
        )
    )
    doc = ruler(nlp("The ESA Council met; ESA staff waited."))
    assert ents(doc) == [("ESA Council", "ORG", "esa-council"), ("ESA", "ORG", "esa")]


def test_overwrite_replaces_model_entities_and_fill_does_not(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    g = gazetteer(tmp_path, "usa,United States,GPE,country,,,no\n")
    text = "The United States Department of Justice and the United States agreed."
    strong, weak = GazetteerRuler(nlp), GazetteerRuler(nlp, overwrite_ents=False)
    strong.add_gazetteer(g)
    weak.add_gazetteer(g)

    def with_model_entity():
        doc = nlp(text)
        doc.ents = [Span(doc, 1, 6, label="ORG")]  # "United States Department of Justice"
        return doc

    assert ents(weak(with_model_entity())) == [
        ("United States Department of Justice", "ORG", ""),
        ("United States", "GPE", "usa"),
    ]
    assert ents(strong(with_model_entity())) == [("United States", "GPE", "usa"), ("United States", "GPE", "usa")]


def test_only_the_selected_entries_are_added(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    g = gazetteer(tmp_path, "nasa,NASA,ORG,agency,,,\nusa,United States,GPE,country,,,no\n")
    ruler = GazetteerRuler(nlp)
    assert ruler.add_gazetteer(g, overriding=True) == 1
    assert ents(ruler(nlp("NASA and the United States"))) == [("NASA", "ORG", "nasa")]
