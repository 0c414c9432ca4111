"""Rows of one document: the language column of documents.csv."""

from __future__ import annotations

from extract.rows import language_of


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
