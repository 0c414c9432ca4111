"""The gold loader's splits and partly annotated articles (the test split annotates quotes only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.evaluation.gold import GoldError, load_gold

TEXT = "Storm Hits Town\n\nThe mayor spoke on Monday. “We will rebuild every house,” she said.\n"
QUOTES_ONLY = {
    "doc_id": "storm",
    "split": "test",
    "annotated": ["quotes"],
    "source": "test",
    "provenance": "written for the tests",
    "quotes": [{"kind": "direct", "text": "We will rebuild every house,", "speaker": "she", "speaker_id": "jane-doe", "cue": "say"}],
}


def write(folder: Path, annotation: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{annotation['doc_id']}.txt").write_text(TEXT, encoding="utf-8", newline="")
    (folder / f"{annotation['doc_id']}.json").write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_quotes_only_test_article_loads_with_its_split_and_layers(tmp_path: Path) -> None:
    (doc,) = load_gold(write(tmp_path, QUOTES_ONLY))
    assert doc.split == "test"
    assert doc.annotated == ("quotes",)
    assert doc.sentences == [] and doc.entities == [] and doc.relations == []
    (quote,) = doc.quotes
    assert TEXT[quote.start_char : quote.end_char] == "We will rebuild every house,"
    # Without annotated entities the speaker id cannot be checked against them, only its form.
    assert quote.speaker_id == "jane-doe"


def test_an_article_without_split_or_layers_is_a_fully_annotated_dev_article(tmp_path: Path) -> None:
    annotation = {k: v for k, v in QUOTES_ONLY.items() if k not in ("split", "annotated")}
    with pytest.raises(GoldError, match="missing key 'sentences'"):
        load_gold(write(tmp_path, annotation))


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"split": "train"}, "split 'train' is not one of dev, test"),
        ({"annotated": ["quotes", "speakers"]}, "'annotated' must be a non-empty list of"),
        ({"relations": [{"type": "role"}]}, "'relations' holds items but is not listed in 'annotated'"),
    ],
)
def test_bad_split_or_layers_are_named(tmp_path: Path, change: dict, expected: str) -> None:
    with pytest.raises(GoldError, match=expected):
        load_gold(write(tmp_path, {**QUOTES_ONLY, **change}))


def test_a_speaker_id_must_be_a_slug_even_without_entities(tmp_path: Path) -> None:
    quote = {**QUOTES_ONLY["quotes"][0], "speaker_id": "Jane Doe"}
    with pytest.raises(GoldError, match="speaker_id 'Jane Doe' is not a slug"):
        load_gold(write(tmp_path, {**QUOTES_ONLY, "quotes": [quote]}))
