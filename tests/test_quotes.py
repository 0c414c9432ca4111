"""Quote stage: one test per quote shape of issue 3, on sentences copied from real articles.

The snippets live in ``tests/data/quotes/cases.json`` with their source and licence (see
``tests/data/PROVENANCE``); the expectations below were written by reading them.
"""

from __future__ import annotations

import json

import pytest

from extract.stages.quotes import find_marked_spans, is_quotation, load_reporting_verbs

CASES_FILE = "quotes/cases.json"


@pytest.fixture(scope="module")
def cases(data_dir) -> dict[str, dict]:
    return json.loads((data_dir / CASES_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def quotes_of(process, cases):
    """``quotes_of(case) -> (text, quote rows, entity rows)``, checking offsets on the way."""

    def _run(name: str):
        text = cases[name]["text"]
        result = process(text, doc_id=name)
        assert result["documents"][0]["status"] == "ok"
        for q in result["quotes"]:
            assert text[q["start_char"] : q["end_char"]] == q["text"]
            if q["speaker_start_char"] is not None:
                assert text[q["speaker_start_char"] : q["speaker_end_char"]] == q["speaker_text"]
        return text, result["quotes"], result["entities"]

    return _run


def _entity_id(entities: list[dict], surface: str) -> str:
    return next(e["entity_id"] for e in entities if e["text"] == surface)


# --------------------------------------------------------------------------- seed article


def test_seed_has_exactly_the_gold_quotes(process, seed_text, data_dir):
    gold = json.loads((data_dir / "roscosmos-iss-sanctions.gold.json").read_text(encoding="utf-8"))["quotes"]
    result = process(seed_text, doc_id="roscosmos-iss-sanctions")
    found = {(q["kind"], q["text"], q["speaker_entity_id"], q["cue"]) for q in result["quotes"]}
    expected = {(g["kind"], g["text"], g["speaker_id"], g["cue"]) for g in gold}
    assert found == expected
    assert len(result["quotes"]) == 7
    assert len(result["sentences"]) == 18


# --------------------------------------------------------------------------- direct shapes


def test_cue_after_with_title_and_split_quote(quotes_of):
    """'“...,” said NASA Administrator Bill Nelson. “...”': inverted cue, title, split quote."""
    _, quotes, _ = quotes_of("cue_after_title_split")
    assert [q["kind"] for q in quotes] == ["direct", "direct"]
    first, second = quotes
    assert first["text"] == "Once again, NASA has shown that with the world’s finest workforce, we can reach the stars,"
    assert (first["cue"], first["speaker_entity_id"], first["method"]) == ("say", "bill-nelson", "direct:cue-after")
    assert second["text"].startswith("Through space exploration") and second["text"].endswith("inspire the world.")
    # The second part continues the speaker; it has no cue of its own.
    assert (second["cue"], second["speaker_entity_id"], second["method"]) == ("", "bill-nelson", "direct:continuation")


def test_multi_paragraph_quote_with_dash_attribution(quotes_of):
    """Each paragraph opens a mark, only the last closes; '— Dana Weigel, ...' attributes all."""
    text, quotes, _ = quotes_of("multi_paragraph_dash")
    assert [q["text"][:20] for q in quotes] == ["When people begin th", "Then there’s an inte", "It’s really importan"]
    assert all(q["kind"] == "direct" and q["speaker_entity_id"] == "dana-weigel" for q in quotes)
    assert quotes[-1]["method"] == "direct:dash"
    assert quotes[0]["text"].endswith("as an individual.")  # a paragraph break ends an open quote
    assert all("\n" not in q["text"] for q in quotes)


def test_following_quoted_sentence_continues_a_pronoun_speaker(quotes_of):
    """'..., he said. “We build ...”': pronoun resolved to Mr. Wilson, then a cue-less quote."""
    _, quotes, entities = quotes_of("pronoun_indirect_continuation")
    wilson = _entity_id(entities, "Wilson")
    assert [q["kind"] for q in quotes] == ["indirect", "indirect", "direct"]
    said_that, he_said, continued = quotes
    assert said_that["text"] == "the NESC has found an equilibrium"
    assert he_said["text"].startswith("Independent yet parallel modeling") and he_said["text"].endswith("finding that balance")
    assert (he_said["speaker_text"], he_said["speaker_entity_id"]) == ("he", wilson)
    assert continued["text"].startswith("We build our own M&S tools")
    assert (continued["speaker_entity_id"], continued["method"]) == (wilson, "direct:continuation")
    assert said_that["speaker_entity_id"] == wilson


def test_told_reporters_with_straight_marks(quotes_of):
    _, quotes, _ = quotes_of("told_reporters")
    assert len(quotes) == 1
    q = quotes[0]
    assert q["text"] == "We made a machine three years ago... and now we've crossed the Channel, it's crazy."
    assert (q["kind"], q["cue"], q["speaker_text"]) == ("direct", "tell", "Zapata")


def test_colon_after_cue_in_a_tweet_with_appositive_speaker(quotes_of):
    """'The mayor of Paris, Anne Hidalgo, wrote on Twitter: "...' (snippet ends mid-quote)."""
    _, quotes, _ = quotes_of("colon_tweet_appositive")
    assert len(quotes) == 1
    q = quotes[0]
    assert q["text"].startswith("Paris is mourning its family") and q["text"].endswith("[Police Prefecture].")
    assert (q["cue"], q["speaker_entity_id"]) == ("write", "anne-hidalgo")


def test_cue_before_with_comma(quotes_of):
    _, quotes, _ = quotes_of("said_on_twitter_comma")
    assert len(quotes) == 1
    q = quotes[0]
    assert q["text"] == "Until the full House votes to authorize an inquiry, nobody is conducting a formal inquiry."
    assert (q["cue"], q["speaker_entity_id"], q["method"]) == ("say", "doug-collins", "direct:cue-before")


def test_unbalanced_mark_degrades_only_its_quote(process, cases):
    """An unclosed quote (closed by the paragraph break) leaves the next paragraph intact."""
    text = cases["colon_tweet_appositive"]["text"] + "\n\n\n" + cases["said_on_twitter_comma"]["text"]
    quotes = process(text)["quotes"]
    assert [q["speaker_entity_id"] for q in quotes] == ["anne-hidalgo", "doug-collins"]
    assert quotes[1]["text"].startswith("Until the full House")


# --------------------------------------------------------------------------- indirect shapes


def test_according_to(quotes_of):
    _, quotes, _ = quotes_of("according_to")
    assert len(quotes) == 1
    q = quotes[0]
    assert q["text"] == "Wildland fires are occurring more frequently and at a larger scale than in past decades"
    assert (q["kind"], q["cue"], q["method"]) == ("indirect", "according to", "indirect:according-to")
    assert "Forest Service" in q["speaker_text"]


def test_warned_that_with_a_conjoined_verb(quotes_of):
    """'Trump hailed the report ... and warned that ...': the subject is shared."""
    _, quotes, _ = quotes_of("warned_conjoined")
    assert len(quotes) == 1
    q = quotes[0]
    assert q["text"] == "Biden could destroy the growth with his proposed tax increases"
    assert (q["kind"], q["cue"], q["speaker_text"]) == ("indirect", "warn", "Trump")


def test_reported_clause_excludes_the_journalists_continuation(process, seed_text):
    quotes = process(seed_text)["quotes"]
    proposal = next(q for q in quotes if q["text"].startswith("Roscosmos would present proposals"))
    assert proposal["text"].endswith("to Russian authorities")
    assert "not yet clear" not in proposal["text"]


def test_no_speaker_stays_empty(process):
    """Real quote (seed article) with its attribution removed: nothing is guessed."""
    text = (
        "“That is why I believe that the restoration of normal relations between the partners in the "
        "International Space Station and other projects is only possible with the total and "
        "unconditional elimination of illegal sanctions.”"
    )
    quotes = process(text)["quotes"]
    assert len(quotes) == 1
    assert (quotes[0]["speaker_text"], quotes[0]["speaker_entity_id"], quotes[0]["method"]) == ("", "", "direct:none")


# --------------------------------------------------------------------------- quote marks


def test_apostrophes_are_not_quote_marks(seed_text):
    sentence = next(line for line in seed_text.splitlines() if "OneWeb’s" in line)
    assert find_marked_spans(sentence) == []
    assert find_marked_spans("the agencies’ plans and Rogozin’s tweet") == []


def test_nested_single_quotes_inside_double(cases):
    # NASA nasa_article_471.md (public domain): a paragraph of a multi-paragraph quote.
    text = (
        "“I believe in giving people their roses while they’re still here to collect them. "
        "And that was the point that I said, ‘I need to go to school and I need to do this for her, "
        "because I want her to see me walk across that stage.’"
    )
    outer, inner = find_marked_spans(text)
    assert outer.parent is None and outer.close_char is None  # the paragraph does not close it
    assert inner.parent == 0
    assert text[inner.start : inner.end].startswith("I need to go to school")
    assert text[inner.end] == "’"


def test_guillemets_and_a_stray_closing_mark(cases):
    # Wikinews sentence (Zapata, CC BY 2.5) with its marks set as « », after a stray ”.
    text = "Upon arrival” Zapata told reporters, «We made a machine three years ago... and now we've crossed the Channel.»"
    spans = find_marked_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["We made a machine three years ago... and now we've crossed the Channel."]


def test_titles_and_short_fragments_are_not_quotes():
    assert not is_quotation("Women in STEAM Powering the Metaverse.")
    assert not is_quotation("It was incredible")
    assert is_quotation("We made a machine three years ago")


def test_reporting_verbs_come_from_the_data_file(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("# comment\nsay\nsigh direct\nhold indirect\n", encoding="utf-8")
    direct, indirect = load_reporting_verbs(str(path))
    assert direct == {"say", "sigh"} and indirect == {"say", "hold"}
    bundled_direct, bundled_indirect = load_reporting_verbs()
    assert {"say", "tell", "write", "tweet", "announce", "note", "warn"} <= bundled_direct & bundled_indirect


@pytest.mark.parametrize(
    ("case", "starts", "speaker", "cue"),
    [
        # 'The guardrail would be examined, Roberts said, to determine ...': the whole sentence.
        ("parenthetical_attribution", "The guardrail would be examined, Roberts said,", "Roberts", "say"),
        # 'Because warmer water is more buoyant, says the study, it rises ...' (inverted, with a
        # quoted fragment that stays inside the reported sentence).
        ("parenthetical_inverted_attribution", "Because warmer water is more buoyant, says the study,", "study", "say"),
        # 'One child was, according to the fire service, among the dead.'
        ("according_to_mid_sentence", "One child was, according to the fire service, among the dead", "fire service", "according to"),
        # 'Wash your hands or else spread superbug E. coli, say scientists' (a headline): the
        # attribution closes the sentence; the words before its comma are reported.
        ("attribution_closes_the_sentence", "Wash your hands or else spread superbug E. coli", "scientists", "say"),
    ],
)
def test_an_attribution_inside_a_sentence_reports_the_sentence(quotes_of, case: str, starts: str, speaker: str, cue: str):
    _, quotes, _ = quotes_of(case)
    found = [q for q in quotes if q["text"].startswith(starts)]
    assert len(found) == 1, [q["text"] for q in quotes]
    assert found[0]["kind"] == "indirect"
    assert speaker in found[0]["speaker_text"] and found[0]["cue"] == cue
