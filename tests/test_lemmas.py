"""Lemmas on demand give what the model's lemmatizer would have given."""

from __future__ import annotations

from pathlib import Path

import spacy

from extract.pipeline import DEFAULT_MODEL
from extract.process import Extractor
from extract.stages.lemmas import defer_lemmatizer, lemma

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

TEXT = (
    "NASA astronauts said the agencies were working together. Roscosmos's director, who "
    "had criticised the sanctions, told reporters it would leave the ISS after 2024."
)


def test_the_lemmatizer_is_deferred(extractor: Extractor) -> None:
    nlp = extractor.nlp
    assert "lemmatizer" not in nlp.pipe_names and "on_demand_lemmas" in nlp.pipe_names

    # Without the stages that read lemmas (the quote stage would ask for 'said').
    with nlp.select_pipes(disable=["extract_coref", "extract_quotes", "extract_relations"]):
        doc = nlp("The astronauts said they were ready.")
    said = doc[2]
    assert said.lemma_ == ""  # nothing lemmatized until asked
    assert lemma(said) == "say"
    assert said.lemma_ == "say"  # kept on the token for later reads
    assert doc[1].lemma_ == ""  # and only the token asked for


def test_same_lemmas_as_the_lemmatizer(extractor: Extractor) -> None:
    shipped = spacy.load(DEFAULT_MODEL)  # the model as it comes, its lemmatizer untouched
    texts = [TEXT, *(path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.md")))]
    for text in texts:
        expected = [t.lemma_.lower() for t in shipped(text)]
        assert [lemma(t) for t in extractor.nlp(text)] == expected

    on_demand = extractor.nlp(TEXT)
    assert lemma(on_demand[4]) == "agency" and lemma(on_demand[6]) == "work"


def test_pipelines_without_a_rule_lemmatizer_are_left_alone() -> None:
    blank = spacy.blank("en")
    assert not defer_lemmatizer(blank)
    assert lemma(blank("said")[0]) == ""  # no lemmatizer, no lemma: the stages fall back on words

    overwriting = spacy.blank("en")
    overwriting.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True})
    assert not defer_lemmatizer(overwriting)
    assert overwriting.pipe_names == ["lemmatizer"]
