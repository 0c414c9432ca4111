"""The gazetteer ruler: phrase matching on two attributes, longest match, overwrite rules.

Each test adds the component to a blank pipeline with its gazetteer file in the config, as
a spaCy user would; a saved pipeline keeps the entries.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import Span

import extract.stages.components  # noqa: F401  (registers the components)


def gazetteer(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "g.csv"
    path.write_text("id,name,label,category,aliases,cased_aliases,overrides_model\n" + rows, encoding="utf-8")
    return str(path)


def ruler(nlp, path: str, **config):
    return nlp.add_pipe("gazetteer_ruler", name=f"gazetteer{len(nlp.pipe_names)}", config={"gazetteer_path": path, **config})


def ents(doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.id_) for e in doc.ents]


def test_cased_and_any_case_surfaces(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ruler(nlp, gazetteer(tmp_path, "nasa,NASA,ORG,agency,National Aeronautics and Space Administration,POT,\n"))
    doc = nlp("POT and the national aeronautics and space administration, not the pot or Nasa.")
    assert ents(doc) == [
        ("POT", "ORG", "nasa"),
        ("national aeronautics and space administration", "ORG", "nasa"),
    ]


def test_longest_match_wins_across_attributes(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ruler(
        nlp,
        gazetteer(
            tmp_path,
            "esa,ESA,ORG,agency,,,\n"
            "esa-council,ESA Council,ORG,body,esa council,,\n",
        ),
    )
    doc = nlp("The ESA Council met; ESA staff waited.")
    assert ents(doc) == [("ESA Council", "ORG", "esa-council"), ("ESA", "ORG", "esa")]


def test_overwrite_replaces_model_entities_and_fill_does_not(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    g = gazetteer(tmp_path, "usa,United States,GPE,country,,,no\n")
    text = "The United States Department of Justice and the United States agreed."
    strong, weak = ruler(nlp, g), ruler(nlp, g, overwrite_ents=False)

    def with_model_entity():
        doc = nlp.make_doc(text)  # the rulers run one by one below
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
    overriding = ruler(nlp, g, overrides_model=True)
    assert ents(nlp("NASA and the United States")) == [("NASA", "ORG", "nasa")]
    assert [entry_id for _, entry_id, _ in overriding.entries.values()] == ["nasa"]


def test_a_saved_ruler_keeps_its_entries(tmp_path: Path) -> None:
    """The saved pipeline holds the gazetteer: loading it does not read the original file."""
    nlp = spacy.blank("en")
    path = Path(gazetteer(tmp_path, "nasa,NASA,ORG,agency,,POT,\n"))
    ruler(nlp, str(path))
    nlp.to_disk(tmp_path / "saved")
    path.unlink()
    loaded = spacy.load(tmp_path / "saved")
    assert ents(loaded("POT and NASA")) == [("POT", "ORG", "nasa"), ("NASA", "ORG", "nasa")]
