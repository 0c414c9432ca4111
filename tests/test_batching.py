"""The per-document bound in batching: text the tokenizer would take quadratic time on is not parsed."""

from __future__ import annotations

from extract.engines.batching import AFFIX_BUDGET, Batcher, affix_overload
from extract.readers import Record


def test_runs_of_punctuation_are_caught_with_the_tokenizers_own_rules(extractor) -> None:
    tokenizer = extractor.nlp.tokenizer
    for run in ('"' * 20_000, "'s" * 10_000, "😀" * 20_000, "»" * 8_000):
        reason = affix_overload(tokenizer, "NASA said " + run + " hi.")
        assert reason.startswith(f"not parsed: {len(run):,} characters without a space at character 10"), run[:4]
    # Long stretches the tokenizer does not peel piece by piece pass.
    for text in ("x" * 100_000, "https://example.org/" + "a/b?c=d&" * 2_000, "word " * 50_000, '"quoted" ' * 5_000):
        assert affix_overload(tokenizer, text) == "", text[:20]


def test_the_bound_is_what_the_tokenizer_would_spend(extractor) -> None:
    tokenizer = extractor.nlp.tokenizer
    # About 2,000 quote marks cost 2,000²/2 characters scanned: under the budget, parsed.
    under = int((2 * AFFIX_BUDGET) ** 0.5) - 200
    assert affix_overload(tokenizer, '"' * under) == ""
    assert affix_overload(tokenizer, '"' * (under + 400))
    # The budget is per document: many shorter runs add up.
    assert affix_overload(tokenizer, " ".join(['"' * 600] * 40))


def test_a_document_over_the_bound_is_an_error_row_and_its_batch_goes_on(extractor) -> None:
    records = [
        Record("before", "t", text="NASA said on Tuesday that the crew is well."),
        Record("quotes", "t", text="Roscosmos said " + '"' * 20_000 + " hi."),
        Record("after", "t", text="ESA said the launch went well."),
    ]
    results = list(Batcher(extractor).process(records))
    statuses = [(r["documents"][0]["doc_id"], r["documents"][0]["status"]) for r in results]
    assert statuses == [("before", "ok"), ("quotes", "error"), ("after", "ok")]
    assert "20,000 characters without a space" in results[1]["documents"][0]["error"]
