"""`extract eval`: metrics on tiny hand-made cases, the gold loader's errors, exit codes."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract.evaluation.evaluate as evaluate_module
from extract.cli import app
from extract.evaluation.evaluate import (
    baseline_of,
    build_report,
    compare,
    markdown,
    match_quotes,
    prf,
    score_entities,
    score_entity_ids,
    score_quotes,
    score_relations,
    score_sentences,
)
from extract.evaluation.gold import (
    GoldDocument,
    GoldEntity,
    GoldError,
    GoldQuote,
    GoldRelation,
    check_document,
    load_gold,
)

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()

# A tiny article and its annotation, in the gold folder's format.
TEXT = (
    "NASA Picks Crew\n\n"
    "NASA Administrator Bill Nelson announced the crew on Monday. "
    "“We are ready to fly again,” Nelson said. "
    "The agency will work with SpaceX on the mission.\n"
)
ANNOTATION = {
    "doc_id": "tiny",
    "source": "test",
    "provenance": "written for the tests",
    "sentences": [
        "NASA Picks Crew",
        "NASA Administrator Bill Nelson announced the crew on Monday.",
        "“We are ready to fly again,” Nelson said.",
        "The agency will work with SpaceX on the mission.",
    ],
    "entities": [
        {"text": "NASA", "label": "ORG", "entity_id": "nasa"},
        {"text": "NASA", "label": "ORG", "entity_id": "nasa"},
        {"text": "Bill Nelson", "label": "PERSON", "entity_id": "bill-nelson"},
        {"text": "Nelson", "label": "PERSON", "entity_id": "bill-nelson"},
        {"text": "SpaceX", "label": "ORG", "entity_id": "spacex"},
    ],
    "quotes": [{"kind": "direct", "text": "We are ready to fly again,", "speaker": "Nelson", "speaker_id": "bill-nelson", "cue": "say"}],
    "relations": [
        {"type": "role", "subject": "bill-nelson", "predicate": "administrator", "object": "nasa", "negated": False},
        {"type": "partnership", "subject": "nasa", "predicate": "work with", "object": "spacex", "negated": False},
    ],
}


def write_gold(folder: Path, annotation: dict = ANNOTATION, text: str = TEXT, raw: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc_id = annotation.get("doc_id", "tiny")
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
    (folder / f"{doc_id}.json").write_text(raw if raw is not None else json.dumps(annotation, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


# ---------------------------------------------------------------- metrics, by hand


def test_prf_known_values():
    assert prf(1, 1, 1) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert prf(3, 1, 0) == {"precision": 0.75, "recall": 1.0, "f1": round(2 * 0.75 / 1.75, 4)}
    assert prf(0, 0, 4)["f1"] == 0.0  # nothing found
    assert prf(0, 0, 0)["f1"] == 1.0  # nothing to find, nothing found


def test_sentence_boundaries():
    text = "One. Two. Three."
    gold = GoldDocument("d", Path("d.json"), text, sentences=[(0, 4), (5, 9), (10, 16)])
    merged = [{"start_char": 0, "end_char": 9}, {"start_char": 10, "end_char": 16}]
    tally = score_sentences(gold, merged)
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 1)  # the boundary before "Two" is missed
    split = [{"start_char": s, "end_char": e} for s, e in [(0, 4), (5, 9), (10, 13), (13, 16)]]
    tally = score_sentences(gold, split)
    assert (tally.tp, tally.fp, tally.fn) == (2, 1, 0)
    assert tally.extra and tally.extra[0].startswith("13:")


def test_entities_exact_span_and_label_in_gold_label_set():
    text = "Bill Nelson of NASA spoke on Monday."
    gold = GoldDocument(
        "d", Path("d.json"), text,
        entities=[GoldEntity(*span(text, "Bill Nelson"), "Bill Nelson", "PERSON", "bill-nelson"), GoldEntity(*span(text, "NASA"), "NASA", "ORG", "nasa")],
    )
    rows = [
        {"start_char": 5, "end_char": 11, "label": "PERSON", "entity_id": "bill-nelson"},  # partial span: wrong
        {"start_char": 15, "end_char": 19, "label": "ORG", "entity_id": "nasa"},  # exact
        {"start_char": 29, "end_char": 35, "label": "DATE", "entity_id": "monday"},  # not a gold label: ignored
    ]
    tally = score_entities(gold, rows)
    assert (tally.tp, tally.fp, tally.fn) == (1, 1, 1)
    assert tally.missed == ["0-11 PERSON 'Bill Nelson'"]
    wrong_label = [dict(rows[1], label="GPE")]
    assert (score_entities(gold, wrong_label).tp, score_entities(gold, wrong_label).fp) == (0, 1)
    ids = score_entity_ids(gold, rows)  # ids are per document: the partial span still names bill-nelson
    assert (ids.tp, ids.fp, ids.fn) == (2, 0, 0)


def quote_gold() -> GoldDocument:
    text = "“We are ready to fly again,” Nelson said. Roscosmos said it would leave the station soon."
    quotes = [
        GoldQuote(*span(text, "We are ready to fly again,"), "We are ready to fly again,", "direct", "Nelson", "bill-nelson", "say"),
        GoldQuote(*span(text, "it would leave the station soon"), "it would leave the station soon", "indirect", "Roscosmos", "roscosmos", "say"),
    ]
    return GoldDocument("d", Path("d.json"), text, quotes=quotes)


def quote_row(start: int, end: int, speaker: str = "Nelson", speaker_id: str = "bill-nelson", cue: str = "say", kind: str = "direct") -> dict:
    return {"start_char": start, "end_char": end, "kind": kind, "cue": cue, "speaker_text": speaker, "speaker_entity_id": speaker_id}


def test_quotes_exact_match():
    gold = quote_gold()
    rows = [quote_row(*span(gold.text, q.text), q.speaker, q.speaker_id, q.cue, q.kind) for q in gold.quotes]
    tally = score_quotes(gold, rows)
    assert (tally.tp, tally.fp, tally.fn, tally.tp_80) == (2, 0, 0, 2)
    assert tally.correct == {"speaker_accuracy": 2, "speaker_text_accuracy": 2, "cue_accuracy": 2, "kind_accuracy": 2}
    assert not tally.missed and not tally.extra and not tally.wrong


def test_quotes_partial_overlap_counts_at_30_not_80_percent():
    gold = quote_gold()
    start, end = span(gold.text, "it would leave the station soon")  # 31 characters
    half = [quote_row(start, start + 16, "Roscosmos", "roscosmos", kind="indirect")]  # covers 16/31 = 52%
    tally = score_quotes(gold, half)
    assert (tally.tp, tally.fp, tally.fn, tally.tp_80) == (1, 0, 1, 0)
    report = build_report([gold], [{"quotes": half}])
    assert report["quotes"]["recall"] == 0.5 and report["quotes"]["recall_80"] == 0.0
    assert report["quotes"]["precision"] == 1.0 and report["quotes"]["precision_80"] == 0.0
    short = [quote_row(start, start + 6, "Roscosmos", "roscosmos")]  # 6/31 = 19%: no match
    assert score_quotes(gold, short).tp == 0
    longer = [quote_row(start - 10, end + 1, "Roscosmos", "roscosmos", kind="indirect")]  # covers all of it
    assert score_quotes(gold, longer).tp_80 == 1


def test_quotes_wrong_speaker_is_matched_but_not_attributed():
    gold = quote_gold()
    rows = [quote_row(*span(gold.text, gold.quotes[0].text), speaker="Roscosmos", speaker_id="roscosmos")]
    tally = score_quotes(gold, rows)
    assert tally.tp == 1
    assert tally.correct["speaker_accuracy"] == 0 and tally.correct["speaker_text_accuracy"] == 0
    assert tally.correct["cue_accuracy"] == 1 and tally.correct["kind_accuracy"] == 1
    assert "speaker roscosmos (gold bill-nelson)" in tally.wrong[0]
    # the right entity through another mention: id right, text wrong
    rows = [quote_row(*span(gold.text, gold.quotes[0].text), speaker="he", speaker_id="bill-nelson")]
    tally = score_quotes(gold, rows)
    assert tally.correct["speaker_accuracy"] == 1 and tally.correct["speaker_text_accuracy"] == 0
    report = build_report([gold], [{"quotes": rows}])
    assert report["quotes"]["speaker_accuracy"] == 1.0 and report["quotes"]["speaker_text_accuracy"] == 0.0


def test_quotes_extra_quote_lowers_precision_only():
    gold = quote_gold()
    rows = [quote_row(*span(gold.text, q.text), q.speaker, q.speaker_id, q.cue, q.kind) for q in gold.quotes]
    rows.append(quote_row(*span(gold.text, "Nelson said")))
    tally = score_quotes(gold, rows)
    assert (tally.tp, tally.fp, tally.fn) == (2, 1, 0)
    metrics = build_report([gold], [{"quotes": rows}])["quotes"]
    assert metrics["precision"] == round(2 / 3, 4) and metrics["recall"] == 1.0
    assert tally.extra == [f"{span(gold.text, 'Nelson said')[0]}-{span(gold.text, 'Nelson said')[1]} direct (Nelson): 'Nelson said'"]


def test_one_long_prediction_matches_one_gold_quote():
    pairs = match_quotes([(0, 10), (20, 30)], [(0, 30)], 0.3)
    assert pairs == [(0, 0)]
    assert match_quotes([(0, 10), (20, 30)], [(0, 30), (18, 29)], 0.8) == [(0, 0), (1, 1)]


def test_no_matched_quote_leaves_accuracies_unmeasured():
    metrics = build_report([quote_gold()], [{"quotes": []}])["quotes"]
    assert metrics["f1"] == 0.0 and metrics["matched"] == 0 and metrics["speaker_accuracy"] is None


def test_relations_triples_symmetric_partnership_and_gold_types_only():
    gold = GoldDocument(
        "d", Path("d.json"), "",
        relations=[GoldRelation("role", "bill-nelson", "administrator", "nasa", False), GoldRelation("partnership", "nasa", "work with", "spacex", False)],
    )
    rows = [
        {"relation_type": "role", "subject_entity_id": "bill-nelson", "object_entity_id": "nasa"},
        {"relation_type": "partnership", "subject_entity_id": "spacex", "object_entity_id": "nasa"},  # other order: same edge
        {"relation_type": "quote", "subject_entity_id": "bill-nelson", "object_entity_id": "spacex"},  # not a gold type
        {"relation_type": "interaction", "subject_entity_id": "nasa", "object_entity_id": "bill-nelson"},
    ]
    tally = score_relations(gold, rows)
    assert (tally.tp, tally.fp, tally.fn) == (2, 1, 0)
    assert tally.extra == ["nasa interaction bill-nelson"]
    flipped_role = [{"relation_type": "role", "subject_entity_id": "nasa", "object_entity_id": "bill-nelson"}]
    assert score_relations(gold, flipped_role).tp == 0  # a role has a direction


# ---------------------------------------------------------------- the gate


def report_with(f1: float, **quotes) -> dict:
    stage = {"precision": f1, "recall": f1, "f1": f1}
    q = {**stage, "precision_80": f1, "recall_80": f1, "f1_80": f1, "speaker_accuracy": None, "speaker_text_accuracy": None, "cue_accuracy": None, "kind_accuracy": None}
    q.update(quotes)
    return {"doc_ids": ["a"], "model": "m", "sentences": stage, "entities": stage, "entity_ids": stage, "quotes": q, "relations": stage}


def test_compare_improvement_passes_drop_fails():
    baseline = report_with(0.5)
    assert compare(report_with(0.9), baseline=baseline) == ([], [])
    assert compare(report_with(0.495), baseline=baseline, tolerance=0.01)[0] == []  # within tolerance
    failures, _ = compare(report_with(0.48), baseline=baseline, tolerance=0.01)
    assert len(failures) == 5 * 3 + 3 and all("below the baseline" in f for f in failures)


def test_compare_skips_metrics_the_baseline_could_not_measure():
    baseline = report_with(0.0)  # quotes not built yet: accuracies are null
    now = report_with(0.6, speaker_accuracy=0.2, cue_accuracy=0.1)
    assert compare(now, baseline=baseline) == ([], [])
    regressed = compare(report_with(0.6), baseline=report_with(0.6, speaker_accuracy=0.8))[0]
    assert regressed == ["quotes speaker_accuracy: no longer measurable (baseline 0.8000)"]


def test_compare_fail_under_and_changed_gold_set():
    failures, warnings = compare(report_with(0.7), fail_under=0.75)
    assert len(failures) == 5 and "under --fail-under" in failures[0] and warnings == []
    other = dict(report_with(0.7), doc_ids=["a", "b"])
    failures, warnings = compare(other, baseline=report_with(0.7))
    assert failures == [] and "1 new: b" in warnings[0]
    many = dict(report_with(0.7), doc_ids=["a"] + [f"doc-{i:02d}" for i in range(40)])
    _, warnings = compare(many, baseline=report_with(0.7))
    assert "40 new: doc-00, doc-01, doc-02, doc-03, doc-04 and 35 more" in warnings[0] and "doc-39" not in warnings[0]


# ---------------------------------------------------------------- gold files


def test_loader_recovers_offsets(tmp_path):
    (doc,) = load_gold(write_gold(tmp_path / "gold"))
    assert [doc.text[s:e] for s, e in doc.sentences] == ANNOTATION["sentences"]
    assert [doc.text[e.start_char : e.end_char] for e in doc.entities] == [e["text"] for e in ANNOTATION["entities"]]
    # the second "NASA" is the one after the first, "Nelson" the one after "Bill Nelson"
    assert [e.start_char for e in doc.entities][:4] == [0, 17, 36, TEXT.index("Nelson said")]
    assert doc.text[doc.quotes[0].start_char : doc.quotes[0].end_char] == "We are ready to fly again,"


def test_the_committed_gold_set_is_valid():
    docs = load_gold(REPO / "data" / "gold")  # also skips baseline.json, an eval report
    assert len(docs) >= 25
    for doc in docs:
        assert all(doc.text[e.start_char : e.end_char] == e.text for e in doc.entities)
        assert len({(e.start_char, e.end_char) for e in doc.entities}) == len(doc.entities), doc.doc_id


def test_check_gold_script_wraps_the_loader():
    done = subprocess.run([sys.executable, str(REPO / "data" / "gold" / "check_gold.py"), "nasa-article-22"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 files, 0 problems" in done.stdout


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda a: a.pop("quotes"), "tiny.json: missing key 'quotes'"),
        (lambda a: a["entities"][2].update(label="PERSONA"), "tiny.json:22: entities[2] 'Bill Nelson': label 'PERSONA' is not one of"),
        (lambda a: a["entities"].insert(0, a["entities"].pop(4)), "tiny.json:17: entities[1] 'NASA' (nasa) not found as a word after offset"),
        (lambda a: a["sentences"].pop(2), "tiny.json:8: sentences[2] text before it is not covered by any sentence"),
        (lambda a: a["quotes"][0].update(text="We are ready"), "tiny.json:39: quotes[0] has fewer than 4 words"),
        (lambda a: a["relations"][1].update(object="space-x"), "tiny.json:55: relations[1] object 'space-x' is not an entity_id of this article"),
        (lambda a: a.update(doc_id="other"), "tiny.json: doc_id 'other' differs from the file name 'tiny'"),
    ],
)
def test_bad_gold_files_name_file_line_and_item(tmp_path, change, expected):
    annotation = json.loads(json.dumps(ANNOTATION))
    change(annotation)
    folder = write_gold(tmp_path / "gold", dict(annotation, doc_id="tiny"))
    if annotation.get("doc_id") != "tiny":
        (folder / "tiny.json").write_text(json.dumps(annotation, indent=2), encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold(folder)
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_invalid_json_and_missing_files(tmp_path):
    folder = write_gold(tmp_path / "gold", raw='{"doc_id": "tiny",\n  "sentences": [\n    "NASA",\n  ]\n}')
    doc, problems = check_document(folder / "tiny.json")
    assert doc is None and problems[0].startswith("tiny.json:4: invalid JSON")
    (folder / "tiny.txt").unlink()
    (folder / "orphan.txt").write_text("text", encoding="utf-8")
    write_gold(tmp_path / "other")  # a valid one, then its text goes missing
    (tmp_path / "other" / "tiny.txt").unlink()
    with pytest.raises(GoldError, match=r"tiny.json: missing text file tiny.txt"):
        load_gold(tmp_path / "other")
    with pytest.raises(GoldError, match=r"orphan.txt: text without an annotation file orphan.json"):
        load_gold(folder)


# ---------------------------------------------------------------- the command


class FakeExtractor:
    """Stands in for the pipeline: answers with the gold itself (perfect) or with nothing."""

    def __init__(self, perfect: bool) -> None:
        self.perfect = perfect

    def process(self, records):
        for record in records:
            gold = json.loads(json.dumps(ANNOTATION))
            text = record.text
            if not self.perfect:
                yield {"documents": [{"status": "ok"}], "sentences": [{"start_char": 0, "end_char": len(text)}]}
                continue
            sentences = [{"start_char": text.index(s), "end_char": text.index(s) + len(s)} for s in gold["sentences"]]
            entities, pos = [], 0
            for e in gold["entities"]:
                start = text.index(e["text"], pos)
                entities.append({"start_char": start, "end_char": start + len(e["text"]), "label": e["label"], "entity_id": e["entity_id"]})
                pos = start + len(e["text"])
            quotes = [
                {**quote_row(*span(text, q["text"]), q["speaker"], q["speaker_id"], q["cue"], q["kind"])} for q in gold["quotes"]
            ]
            relations = [{"relation_type": r["type"], "subject_entity_id": r["subject"], "object_entity_id": r["object"]} for r in gold["relations"]]
            yield {"documents": [{"status": "ok"}], "sentences": sentences, "entities": entities, "quotes": quotes, "relations": relations}


@pytest.fixture
def fake_pipeline(monkeypatch):
    """``fake_pipeline(perfect)``: `extract eval` scores a FakeExtractor instead of loading spaCy.

    The command has no parameter for it, so the ``run_eval`` it calls is bound to the fake
    through ``run_eval``'s own ``extractor_factory`` parameter."""
    real = evaluate_module.run_eval

    def use(perfect: bool) -> None:
        monkeypatch.setattr(evaluate_module, "run_eval", functools.partial(real, extractor_factory=lambda: FakeExtractor(perfect)))

    return use


def test_eval_exit_0_writes_report_markdown_and_baseline(tmp_path, fake_pipeline):
    fake_pipeline(perfect=True)
    gold = write_gold(tmp_path / "gold")
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", str(gold), "--report", str(out / "r.json"), "--markdown", str(out / "r.md"), "--write-baseline", str(gold / "baseline.json"), "--fail-under", "1.0"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert report["documents"] == 1
    for stage in ("sentences", "entities", "entity_ids", "quotes", "relations"):
        assert report[stage]["f1"] == 1.0 and {"precision", "recall"} <= set(report[stage])
    assert report["quotes"]["speaker_accuracy"] == 1.0
    assert "quality gate passed" in (out / "r.md").read_text(encoding="utf-8")
    baseline = json.loads((gold / "baseline.json").read_text(encoding="utf-8"))
    assert "per_document" not in baseline and baseline["entities"]["f1"] == 1.0
    # the baseline now sits in the gold folder: it is not read as an article, and it holds
    result = runner.invoke(app, ["eval", str(gold), "--baseline", str(gold / "baseline.json")])
    assert result.exit_code == 0, result.output


def test_eval_exit_1_on_regression_with_details(tmp_path, fake_pipeline):
    gold = write_gold(tmp_path / "gold")
    fake_pipeline(perfect=True)
    assert runner.invoke(app, ["eval", str(gold), "--write-baseline", str(tmp_path / "baseline.json")]).exit_code == 0
    fake_pipeline(perfect=False)
    result = runner.invoke(app, ["eval", str(gold), "--baseline", str(tmp_path / "baseline.json"), "--report", str(tmp_path / "r.json"), "--details"])
    assert result.exit_code == 1, result.output
    assert "entities f1 0.0000 is 1.0000 below the baseline" in result.output
    assert "missed" in result.output and "Bill Nelson" in result.output  # --details lists misses
    per_doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["per_document"]["tiny"]
    assert any("'Bill Nelson'" in m for m in per_doc["entities"]["missed"])
    assert per_doc["sentences"]["missed"] and per_doc["quotes"]["missed"]
    result = runner.invoke(app, ["eval", str(gold), "--fail-under", "0.5"])
    assert result.exit_code == 1 and "under --fail-under" in result.output


def test_eval_exit_2_on_bad_input(tmp_path, fake_pipeline):
    fake_pipeline(perfect=True)
    result = runner.invoke(app, ["eval", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "gold folder not found" in result.output
    gold = write_gold(tmp_path / "gold", raw='{"doc_id": "tiny",\n  "sentences": ]\n}')
    result = runner.invoke(app, ["eval", str(gold)])
    assert result.exit_code == 2 and "tiny.json:2: invalid JSON" in result.output
    good = write_gold(tmp_path / "good")
    (tmp_path / "baseline.json").write_text('{"documents": 1}', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(good), "--baseline", str(tmp_path / "baseline.json")])
    assert result.exit_code == 2 and "not an eval report or baseline" in result.output
    result = runner.invoke(app, ["eval", str(good), "--baseline", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "cannot read the baseline" in result.output


def test_eval_scores_what_the_extractor_produces(tmp_path, extractor):
    """Through the real pipeline (the session's): the report counts exactly the rows `extract run` writes."""
    from extract.evaluation.evaluate import evaluate
    from extract.readers import Record

    report = evaluate(write_gold(tmp_path / "gold"), "unused", extractor_factory=lambda: extractor)
    rows = next(extractor.process([Record("tiny", "test", text=TEXT)]))
    labelled = [r for r in rows["entities"] if r["label"] in {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT"}]
    assert report["entities"]["tp"] + report["entities"]["fp"] == len(labelled)
    assert report["sentences"]["tp"] + report["sentences"]["fp"] == len(rows["sentences"]) - 1
    assert report["quotes"]["tp"] + report["quotes"]["fp"] == len(rows["quotes"])
    assert report["entities"]["tp"] + report["entities"]["fn"] == len(ANNOTATION["entities"])


# ---------------------------------------------------------------- splits: dev and the held-out test


def two_splits(tmp_path: Path) -> list:
    """The tiny dev article, plus a test article that annotates quotes only."""
    folder = write_gold(tmp_path / "gold")
    test = {
        "doc_id": "held-out",
        "split": "test",
        "annotated": ["quotes"],
        "source": "test",
        "provenance": "written for the tests",
        "quotes": [{"kind": "direct", "text": "We are ready to fly again,", "speaker": "Nelson", "speaker_id": "bill-nelson", "cue": "say"}],
    }
    write_gold(folder, test)
    return load_gold(folder)


def test_report_scores_each_split_on_the_layers_it_annotates(tmp_path):
    dev, test = sorted(two_splits(tmp_path), key=lambda g: g.split)
    dev_rows = {"documents": [{"status": "ok"}], "quotes": [quote_row(*span(TEXT, "We are ready to fly again,"))]}
    # The test article's quote is found, but its speaker is left empty.
    test_rows = {"documents": [{"status": "ok"}], "quotes": [quote_row(*span(TEXT, "We are ready to fly again,"), "", "")]}
    report = build_report([dev, test], [dev_rows, test_rows])
    splits = report["splits"]
    assert (splits["dev"]["documents"], splits["test"]["documents"]) == (1, 1)
    assert splits["test"]["entities"] is None and splits["test"]["sentences"] is None  # not annotated: no figures
    assert splits["test"]["quotes"]["f1"] == 1.0
    assert splits["test"]["quotes"]["speaker_accuracy"] == 0.0
    assert splits["test"]["quotes"]["speaker_empty_rate"] == 1.0
    assert splits["dev"]["quotes"]["speaker_accuracy"] == 1.0
    assert report["quotes"] == splits["dev"]["quotes"]  # the top level is the dev split
    assert report["entities"]["fn"] == len(ANNOTATION["entities"])  # the dev article's entities all missed


def test_a_drop_on_the_test_split_fails_the_gate(tmp_path):
    golds = sorted(two_splits(tmp_path), key=lambda g: g.split)
    right = {"documents": [{"status": "ok"}], "quotes": [quote_row(*span(TEXT, "We are ready to fly again,"))]}
    wrong = {"documents": [{"status": "ok"}], "quotes": [quote_row(*span(TEXT, "We are ready to fly again,"), "he", "elon-musk")]}
    baseline = baseline_of(build_report(golds, [right, right]))
    failures, _ = compare(build_report(golds, [right, wrong]), baseline=baseline)
    assert failures == [
        "test quotes speaker_accuracy 0.0000 is 1.0000 below the baseline 1.0000 (tolerance 0.01)",
        "test quotes speaker_text_accuracy 0.0000 is 1.0000 below the baseline 1.0000 (tolerance 0.01)",
    ]


def test_without_a_baseline_or_fail_under_eval_says_no_gate_is_set(tmp_path):
    from rich.console import Console

    from extract.evaluation.evaluate import Outcome, render

    golds = two_splits(tmp_path)
    report = build_report(golds, [{"documents": [{"status": "ok"}]}] * 2)
    console = Console(record=True, width=200)
    render(Outcome(report, None, [], [], gated=False), console)
    text = console.export_text()
    assert "no quality gate set" in text and "quality gate passed" not in text
    assert "test split, 1 gold articles" in text
    assert "no quality gate set" in markdown(report, [], [], gated=False)
