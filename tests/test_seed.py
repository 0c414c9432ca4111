"""The seed article against its hand annotation: sentences, entity ids, labels and counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def gold(data_dir: Path) -> dict:
    return json.loads((data_dir / "roscosmos-iss-sanctions.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(process, seed_text: str) -> dict:
    return process(seed_text, doc_id="roscosmos-iss-sanctions")


def test_seed_has_all_sentences(seed: dict, gold: dict) -> None:
    assert len(seed["sentences"]) == gold["sentences"] == 18
    # A quote's attribution stays in the sentence that closes the quote.
    assert any(s["text"].endswith("Rogozin said in a tweet.") for s in seed["sentences"])
    assert "The end of cooperation?" in [s["text"] for s in seed["sentences"]]


def test_seed_entities_have_gold_ids_labels_and_counts(seed: dict, gold: dict) -> None:
    counts = Counter(e["entity_id"] for e in seed["entities"])
    labels = {e["entity_id"]: e["label"] for e in seed["entities"]}
    for entity in gold["entities"]:
        eid = entity["entity_id"]
        assert eid in counts, f"missing {eid}"
        assert labels[eid] == entity["label"], eid
        if "mentions" in entity:
            assert counts[eid] == entity["mentions"], eid


def test_seed_has_no_forbidden_labels(seed: dict, gold: dict) -> None:
    for forbidden in gold["entities_forbidden"]:
        bad = [e for e in seed["entities"] if e["text"] == forbidden["text"] and e["label"] == forbidden["label"]]
        assert not bad, forbidden["why"]
    assert {e["label"] for e in seed["entities"] if e["text"] == "Roscosmos"} == {"ORG"}


def test_seed_names_are_canonical(seed: dict) -> None:
    names = {(e["text"], e["entity_name"]) for e in seed["entities"]}
    assert ("POT", "NASA") in names
    assert ("ISS", "International Space Station") in names
    assert ("Rogozin", "Dmitry Rogozin") in names
