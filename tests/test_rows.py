"""rows.py: a parsed document's rows: relations name the labels of their two entities; documents carry their language."""

from __future__ import annotations

from collections import Counter

from extract.rows import language_of


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


def test_language_of_an_english_and_a_hindi_article() -> None:
    english = "The crew of four arrived at the International Space Station on Monday after a day in orbit."
    hindi = "नई दिल्ली में सोमवार को एक कार्यक्रम में लगभग दो सौ लोगों ने भाग लिया और उन्होंने कहा कि यह सुरक्षित है।"
    assert language_of(english) == "en"
    assert language_of(hindi) == "hi"


def test_too_few_letters_to_tell_give_no_language() -> None:
    assert language_of("2024-03-01 12:00") == ""
    assert language_of("") == ""


def test_every_processed_document_has_its_language(process) -> None:
    row = process("NASA astronaut Jessica Watkins arrived at the station on Monday, the agency said.")["documents"][0]
    assert row["language"] == "en"


def test_an_english_article_quoting_another_language_at_length_names_both() -> None:
    english = "The workers said the programme had helped them through the lockdown and that they hoped it would go on.\n\n"
    hindi = "उन्होंने कहा कि लॉकडाउन के दौरान कार्यक्रम ने उनकी बहुत मदद की और वे चाहते हैं कि यह आगे भी जारी रहे।\n\n"
    assert language_of(english * 3 + hindi * 3) in {"en+hi", "hi+en"}
    assert language_of(english * 10 + hindi) == "en"  # a short quote is no second language
