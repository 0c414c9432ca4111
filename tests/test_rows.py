"""rows.py: a parsed document's rows; relations name the labels of their two entities."""

from __future__ import annotations

from collections import Counter


def test_relation_rows_carry_the_labels_of_their_entities_mentions(process, seed_text: str) -> None:
    result = process(seed_text)
    labels: dict[str, Counter] = {}
    for entity in result["entities"]:
        labels.setdefault(entity["entity_id"], Counter())[entity["label"]] += 1
    assert result["relations"], "the seed article states relations"
    for relation in result["relations"]:
        for side in ("subject", "object"):
            counts = labels.get(relation[f"{side}_entity_id"])
            expected = max(sorted(counts), key=lambda label: counts[label]) if counts else ""
            assert relation[f"{side}_label"] == expected, relation
    assert {r["subject_label"] for r in result["relations"]} & {"PERSON", "ORG"}
