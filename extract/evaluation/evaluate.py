"""Score the pipeline against the gold set, stage by stage, and gate regressions.

The scoring functions are pure: they take a ``GoldDocument`` and the rows ``Extractor``
produced for it (the same rows ``extract run`` writes) and return counts plus the items
that were missed or extra. ``evaluate`` runs the pipeline once over every gold article;
``compare`` checks a report against ``--fail-under`` and a baseline.

Metrics (micro-averaged: counts are summed over documents before dividing):
- sentences: boundaries, i.e. the start offsets of every sentence but a document's first;
- entities: mentions matching a gold mention exactly (start, end, label), predictions
  restricted to the gold label set;
- entity_ids: the set of entity ids of each document (same label restriction);
- quotes: one-to-one matching of predicted to gold quotes by the share of the gold span's
  characters they cover (>= 30% for ``precision``/``recall``/``f1``, >= 80% for the ``_80``
  ones, as in the Gender Gap Tracker's evaluation); on the quotes matched at 30%:
  speaker by entity id, speaker by mention text, cue and kind accuracy;
- relations: (subject, type, object) triples per document; ``partnership`` is symmetric.

Each gold article belongs to a split: ``dev`` (tuned on) or ``test`` (annotated before any
tuning and never tuned on). A stage is scored only on the articles that annotate its layer
(the test split annotates quotes only). The report's top-level figures are the dev split's;
``splits`` holds both.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from extract.evaluation.gold import (
    LABELS,
    RELATION_TYPES,
    REPORT_FORMAT,
    SPLITS,
    GoldDocument,
    load_gold,
)
from extract.store.tables import DocResult, table_rows

if TYPE_CHECKING:
    from extract.engines.base import ExtractorFactory, RecordProcessor

STAGES = ("sentences", "entities", "entity_ids", "quotes", "relations")
# The gold layer each stage is scored on.
LAYER = {"sentences": "sentences", "entities": "entities", "entity_ids": "entities", "quotes": "quotes", "relations": "relations"}
QUOTE_THRESHOLDS = (0.3, 0.8)
QUOTE_ACCURACIES = ("speaker_accuracy", "speaker_text_accuracy", "cue_accuracy", "kind_accuracy")
# Metrics compared with the baseline; every stage's f1 is also checked against --fail-under.
GATED: dict[str, tuple[str, ...]] = {
    "sentences": ("precision", "recall", "f1"),
    "entities": ("precision", "recall", "f1"),
    "entity_ids": ("precision", "recall", "f1"),
    "quotes": ("precision", "recall", "f1", "precision_80", "recall_80", "f1_80", *QUOTE_ACCURACIES),
    "relations": ("precision", "recall", "f1"),
}
SYMMETRIC_RELATIONS = {"partnership"}
LEADING_WORDS = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@dataclass
class Tally:
    """Counts of one stage (for one document or summed), with what went wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    # quotes only: right answers and the number of quotes they are counted over
    correct: dict[str, int] = field(default_factory=dict)
    matched: int = 0
    tp_80: int = 0
    no_speaker: int = 0  # matched quotes left without a speaker where gold names one
    wrong: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.matched += other.matched
        self.tp_80 += other.tp_80
        self.no_speaker += other.no_speaker
        for key, value in other.correct.items():
            self.correct[key] = self.correct.get(key, 0) + value


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1; nothing to find and nothing found counts as perfect."""
    if tp + fp + fn == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _set_tally(gold: set, predicted: set, show=repr) -> Tally:
    return Tally(
        tp=len(gold & predicted),
        fp=len(predicted - gold),
        fn=len(gold - predicted),
        missed=[show(x) for x in sorted(gold - predicted)],
        extra=[show(x) for x in sorted(predicted - gold)],
    )


def _snippet(text: str, start: int, end: int, width: int = 80) -> str:
    piece = text[start:end].replace("\n", " ")
    return piece if len(piece) <= width else piece[: width - 1] + "…"


def score_sentences(gold: GoldDocument, rows: list[dict]) -> Tally:
    """Sentence boundaries: start offsets of every sentence except the document's first."""
    gold_starts = {start for start, _ in gold.sentences[1:]}
    starts = sorted(int(r["start_char"]) for r in rows)
    predicted = set(starts[1:])
    text = gold.text
    return _set_tally(gold_starts, predicted, show=lambda s: f"{s}: …{_snippet(text, max(s - 30, 0), s)}|{_snippet(text, s, s + 30)}…")


def _entity_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["label"] in LABELS]


def score_entities(gold: GoldDocument, rows: list[dict]) -> Tally:
    """Entity mentions: exact (start, end, label) matches, predictions restricted to the gold labels."""
    gold_set = {(e.start_char, e.end_char, e.label) for e in gold.entities}
    predicted = {(int(r["start_char"]), int(r["end_char"]), r["label"]) for r in _entity_rows(rows)}
    text = gold.text
    return _set_tally(gold_set, predicted, show=lambda m: f"{m[0]}-{m[1]} {m[2]} {text[m[0]:m[1]]!r}")


def score_entity_ids(gold: GoldDocument, rows: list[dict]) -> Tally:
    """Entity ids: the set of ids the document mentions (same label restriction)."""
    gold_ids = {e.entity_id for e in gold.entities}
    predicted = {r["entity_id"] for r in _entity_rows(rows) if r["entity_id"]}
    return _set_tally(gold_ids, predicted, show=str)


def normalise_speaker(text: str) -> str:
    """Speaker text compared without case, a leading article or a trailing possessive."""
    text = " ".join(text.split()).strip(" ,.:;")
    return POSSESSIVE.sub("", LEADING_WORDS.sub("", text)).casefold()


def match_quotes(gold: list[tuple[int, int]], predicted: list[tuple[int, int]], threshold: float) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs where the prediction covers at least
    ``threshold`` of the gold span's characters; the largest coverage is paired first, so a
    long prediction cannot be credited for several gold quotes."""
    candidates = []
    for i, (g_start, g_end) in enumerate(gold):
        length = max(g_end - g_start, 1)
        for j, (p_start, p_end) in enumerate(predicted):
            overlap = min(g_end, p_end) - max(g_start, p_start)
            if overlap > 0 and overlap / length >= threshold:
                candidates.append((-overlap / length, -overlap, i, j))
    pairs, used_gold, used_pred = [], set(), set()
    for _, _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            pairs.append((i, j))
            used_gold.add(i)
            used_pred.add(j)
    return sorted(pairs)


def score_quotes(gold: GoldDocument, rows: list[dict]) -> Tally:
    """Quotes matched at 30% and 80% coverage of the gold span; attribution on the 30% matches."""
    gold_spans = [(q.start_char, q.end_char) for q in gold.quotes]
    pred_spans = [(int(r["start_char"]), int(r["end_char"])) for r in rows]
    loose = match_quotes(gold_spans, pred_spans, QUOTE_THRESHOLDS[0])
    strict = match_quotes(gold_spans, pred_spans, QUOTE_THRESHOLDS[1])
    text = gold.text
    tally = Tally(tp=len(loose), fp=len(rows) - len(loose), fn=len(gold.quotes) - len(loose), tp_80=len(strict))
    matched_gold = {i for i, _ in loose}
    matched_pred = {j for _, j in loose}
    tally.missed = [
        f"{q.start_char}-{q.end_char} {q.kind} ({q.speaker or '-'}): {_snippet(text, q.start_char, q.end_char)!r}"
        for i, q in enumerate(gold.quotes)
        if i not in matched_gold
    ]
    tally.extra = [
        f"{s}-{e} {rows[j].get('kind', '')} ({rows[j].get('speaker_text') or '-'}): {_snippet(text, s, e)!r}"
        for j, (s, e) in enumerate(pred_spans)
        if j not in matched_pred
    ]
    tally.matched = len(loose)
    tally.correct = {key: 0 for key in QUOTE_ACCURACIES}
    for i, j in loose:
        want, got = gold.quotes[i], rows[j]
        tally.no_speaker += bool(want.speaker_id) and not got.get("speaker_entity_id")
        checks = {
            "speaker_accuracy": (want.speaker_id, got.get("speaker_entity_id") or ""),
            "speaker_text_accuracy": (normalise_speaker(want.speaker), normalise_speaker(got.get("speaker_text") or "")),
            "cue_accuracy": (want.cue, got.get("cue") or ""),
            "kind_accuracy": (want.kind, got.get("kind") or ""),
        }
        wrong = []
        for key, (expected, found) in checks.items():
            if expected == found:
                tally.correct[key] += 1
            else:
                wrong.append(f"{key.removesuffix('_accuracy')} {found or '-'!s} (gold {expected or '-'})")
        if wrong:
            tally.wrong.append(f"{want.start_char}-{want.end_char} {_snippet(text, want.start_char, want.end_char, 50)!r}: " + "; ".join(wrong))
    return tally


def _relation_key(relation_type: str, subject: str, obj: str) -> tuple[str, str, str]:
    if relation_type in SYMMETRIC_RELATIONS and obj < subject:
        subject, obj = obj, subject
    return (subject, relation_type, obj)


def score_relations(gold: GoldDocument, rows: list[dict]) -> Tally:
    """Relations: (subject, type, object) triples, predictions restricted to the gold types."""
    gold_set = {_relation_key(r.relation_type, r.subject, r.object) for r in gold.relations}
    predicted = {
        _relation_key(r["relation_type"], r["subject_entity_id"], r["object_entity_id"])
        for r in rows
        if r["relation_type"] in RELATION_TYPES
    }
    return _set_tally(gold_set, predicted, show=lambda t: " ".join(t))


SCORERS = {
    "sentences": score_sentences,
    "entities": score_entities,
    "entity_ids": score_entity_ids,
    "quotes": score_quotes,
    "relations": score_relations,
}


def score_document(gold: GoldDocument, result: DocResult) -> dict[str, Tally]:
    """The tally of every stage whose layer the article annotates; a failed document scores nothing."""
    return {
        stage: SCORERS[stage](gold, table_rows(result, "entities" if stage == "entity_ids" else stage))
        for stage in STAGES
        if LAYER[stage] in gold.annotated
    }


def stage_metrics(stage: str, tally: Tally) -> dict:
    """The numbers the report shows for one stage."""
    metrics: dict = prf(tally.tp, tally.fp, tally.fn)
    if stage == "quotes":
        strict = prf(tally.tp_80, tally.fp + tally.tp - tally.tp_80, tally.fn + tally.tp - tally.tp_80)
        metrics.update({f"{k}_80": v for k, v in strict.items()})
        # Accuracies are over matched quotes; with none matched there is nothing to measure.
        for key in QUOTE_ACCURACIES:
            metrics[key] = round(tally.correct.get(key, 0) / tally.matched, 4) if tally.matched else None
        metrics["matched"] = tally.matched
        # Wrong is worse than empty: how often a speaker gold names was left empty.
        metrics["speaker_empty_rate"] = round(tally.no_speaker / tally.matched, 4) if tally.matched else None
    metrics.update(tp=tally.tp, fp=tally.fp, fn=tally.fn)
    return metrics


def build_report(golds: list[GoldDocument], results: Iterable[DocResult], *, model: str = "", seconds: float = 0.0) -> dict:
    """The JSON report: summed metrics per split and stage, and every document's errors."""
    totals = {split: {stage: Tally() for stage in STAGES} for split in SPLITS}
    scored = {split: dict.fromkeys(STAGES, 0) for split in SPLITS}
    per_document: dict[str, dict] = {}
    for gold, result in zip(golds, results):
        document = (result.get("documents") or [{}])[0]
        entry: dict = {"split": gold.split}
        if document.get("status", "ok") != "ok":
            entry["error"] = document.get("error", "")
        for stage, tally in score_document(gold, result).items():
            totals[gold.split][stage].add(tally)
            scored[gold.split][stage] += 1
            errors = {"missed": tally.missed, "extra": tally.extra}
            if stage == "quotes":
                errors["wrong_attribution"] = tally.wrong
            entry[stage] = {**prf(tally.tp, tally.fp, tally.fn), **{k: v for k, v in errors.items() if v}}
        per_document[gold.doc_id] = entry
    splits = {
        split: {
            "documents": sum(1 for entry in per_document.values() if entry["split"] == split),
            # A stage no article of the split annotates has no figures (None), not perfect ones.
            **{stage: stage_metrics(stage, totals[split][stage]) if scored[split][stage] else None for stage in STAGES},
        }
        for split in SPLITS
    }
    report: dict = {
        "format": f"{REPORT_FORMAT}/2",
        "documents": len(per_document),
        "doc_ids": sorted(per_document),
        "model": model,
    }
    report.update({stage: splits["dev"][stage] for stage in STAGES})
    report["splits"] = splits
    report["seconds"] = round(seconds, 2)
    report["per_document"] = per_document
    return report


def baseline_of(report: dict) -> dict:
    """The part of a report worth committing as a baseline: no timings, no per-document detail."""
    return {
        "format": report["format"],
        "documents": report["documents"],
        "doc_ids": report["doc_ids"],
        "model": report.get("model", ""),
        **{stage: report[stage] for stage in STAGES},
        "splits": report["splits"],
    }


def evaluate(
    gold_dir: Path,
    model: str,
    gazetteer: str | None = None,
    *,
    only: list[str] | None = None,
    extractor_factory: ExtractorFactory | None = None,
) -> dict:
    """Load the gold set, run the pipeline over it once, score it. Raises GoldError on bad gold.

    ``extractor_factory`` builds the core to score (default: the spaCy pipeline of ``model``).
    """
    from extract.readers import Record

    golds = load_gold(gold_dir, only)
    started = time.perf_counter()
    if extractor_factory is None:
        from extract.process import (
            Extractor,  # spaCy loads only once the gold set is known good
        )

        extractor: RecordProcessor = Extractor(model, gazetteer)
    else:
        extractor = extractor_factory()
    records = [Record(g.doc_id, str(g.path.with_suffix(".txt")), text=g.text) for g in golds]
    results = list(extractor.process(records))
    return build_report(golds, results, model=model, seconds=time.perf_counter() - started)


class BaselineError(ValueError):
    """The baseline file cannot be read or is not a report."""


def load_baseline(path: Path) -> dict:
    """A baseline (or a full report) written by ``extract eval``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise BaselineError(f"{path}: cannot read the baseline: {err.strerror or err}") from None
    except json.JSONDecodeError as err:
        raise BaselineError(f"{path}:{err.lineno}: invalid JSON: {err.msg} (column {err.colno})") from None
    if not isinstance(data, dict) or not any(isinstance(data.get(stage), dict) for stage in STAGES):
        raise BaselineError(f"{path}: not an eval report or baseline (no {', '.join(STAGES)} sections)")
    return data


def compare(report: dict, *, baseline: dict | None = None, tolerance: float = 0.01, fail_under: float | None = None) -> tuple[list[str], list[str]]:
    """(failures, warnings): F1 under ``fail_under`` and metrics more than ``tolerance`` below the baseline.

    A metric above its baseline never fails, so a stage that improves passes; a metric the
    baseline has no number for (a stage not built yet, no quote matched) is not compared.
    """
    failures: list[str] = []
    warnings: list[str] = []
    if fail_under is not None:
        for name, section in _sections(report).items():
            for stage in STAGES:
                if section.get(stage) and section[stage]["f1"] < fail_under:
                    failures.append(f"{name}{stage} f1 {section[stage]['f1']:.4f} is under --fail-under {fail_under:.4f}")
    if baseline is None:
        return failures, warnings
    if baseline.get("doc_ids") and baseline["doc_ids"] != report["doc_ids"]:
        added = sorted(set(report["doc_ids"]) - set(baseline["doc_ids"]))
        removed = sorted(set(baseline["doc_ids"]) - set(report["doc_ids"]))
        warnings.append(
            "the baseline was computed on other gold articles"
            + (f" ({len(added)} new: {_some(added)})" if added else "")
            + (f" ({len(removed)} gone: {_some(removed)})" if removed else "")
            + "; refresh it with --write-baseline"
        )
    if baseline.get("model") and report.get("model") and baseline["model"] != report["model"]:
        warnings.append(f"the baseline was computed with model {baseline['model']!r}, this run used {report['model']!r}")
    sections = _sections(report)
    for name, before_section in _sections(baseline).items():
        section = sections.get(name, {})
        for stage in STAGES:
            before = before_section.get(stage)
            if not isinstance(before, dict):
                continue
            for metric in GATED[stage]:
                old, new = before.get(metric), (section.get(stage) or {}).get(metric)
                if not isinstance(old, (int, float)) or isinstance(old, bool):
                    continue
                if new is None:
                    failures.append(f"{name}{stage} {metric}: no longer measurable (baseline {old:.4f})")
                elif new < old - tolerance - 1e-9:
                    failures.append(f"{name}{stage} {metric} {new:.4f} is {old - new:.4f} below the baseline {old:.4f} (tolerance {tolerance})")
    return failures, warnings


def _some(doc_ids: list[str], shown: int = 5) -> str:
    """The first few ids, and how many more ('a, b, c and 87 more')."""
    head = ", ".join(doc_ids[:shown])
    return head if len(doc_ids) <= shown else f"{head} and {len(doc_ids) - shown} more"


def _sections(report: dict) -> dict[str, dict]:
    """The parts of a report that are judged, by the prefix their messages carry: the dev split
    (the top level; also all an older report has) and the test split."""
    sections = {"": report}
    test = report.get("splits", {}).get("test")
    if test and test.get("documents"):
        sections["test "] = test
    return sections


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(report: dict, failures: list[str], warnings: list[str], baseline: dict | None = None, *, gated: bool = True) -> str:
    """A summary a CI job can post: verdict, one table per split, the quote accuracies, failures."""
    verdict = ("❌ quality gate failed" if failures else "✅ quality gate passed") if gated else "no quality gate set"
    lines = [f"## extract eval: {verdict}", "", f"{report['documents']} gold documents, model `{report.get('model', '')}`."]
    base_sections = _sections(baseline) if baseline else {}
    for name, section in _sections(report).items():
        split = name.strip() or "dev"
        lines += ["", f"### {split} split ({_split_documents(report, split)} articles)", ""]
        lines += ["| stage | precision | recall | F1 | baseline F1 | tp | fp | fn |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for stage in STAGES:
            m = section.get(stage)
            if not m:
                continue
            base = (base_sections.get(name, {}).get(stage) or {}).get("f1")
            lines.append(f"| {stage} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} | {_fmt(base)} | {m['tp']} | {m['fp']} | {m['fn']} |")
        if section.get("quotes"):
            lines += ["", _quote_summary(section["quotes"])]
    if failures:
        lines += ["", "### Failures", ""] + [f"- {f}" for f in failures]
    if warnings:
        lines += ["", "### Warnings", ""] + [f"- {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _split_documents(report: dict, split: str) -> int:
    return report.get("splits", {}).get(split, {}).get("documents", report["documents"])


def _quote_summary(q: dict) -> str:
    return (
        f"Quotes at 80% overlap: P {_fmt(q['precision_80'])}, R {_fmt(q['recall_80'])}, F1 {_fmt(q['f1_80'])}. "
        f"On the {q['matched']} quotes matched at 30%: speaker (entity id) {_fmt(q['speaker_accuracy'])}, "
        f"speaker (text) {_fmt(q['speaker_text_accuracy'])}, cue {_fmt(q['cue_accuracy'])}, kind {_fmt(q['kind_accuracy'])}; "
        f"speaker left empty {_fmt(q.get('speaker_empty_rate'))}."
    )


def write_json(path: Path, data: dict) -> None:
    """Write JSON with stable key order and a final newline (diff-friendly)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


@dataclass
class Outcome:
    """What one ``extract eval`` found: the report, the baseline it was held to, the verdict."""

    report: dict
    baseline: dict | None
    failures: list[str]
    warnings: list[str]
    gated: bool = True  # False when neither a baseline nor --fail-under was given

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def run_eval(
    gold_dir: Path,
    *,
    model: str,
    gazetteer: str | None = None,
    baseline: Path | None = None,
    tolerance: float = 0.01,
    fail_under: float | None = None,
    only: list[str] | None = None,
    extractor_factory: ExtractorFactory | None = None,
) -> Outcome:
    """Score the pipeline on ``gold_dir`` and judge it. Raises GoldError/BaselineError on bad input
    (the baseline is read first, so a typo fails before the pipeline loads). ``extractor_factory``:
    as for ``evaluate``."""
    previous = load_baseline(baseline) if baseline is not None else None
    report = evaluate(gold_dir, model, gazetteer, only=only, extractor_factory=extractor_factory)
    failures, warnings = compare(report, baseline=previous, tolerance=tolerance, fail_under=fail_under)
    # A gold article the pipeline cannot process is a regression whatever the scores say.
    failures += [f"{doc_id} failed to process: {entry['error']}" for doc_id, entry in report["per_document"].items() if "error" in entry]
    return Outcome(report, previous, failures, warnings, gated=baseline is not None or fail_under is not None)


def render(outcome: Outcome, console, *, details: bool = False) -> None:
    """Print the rich table (and, with ``details``, every document's misses and extras)."""
    from rich.markup import escape
    from rich.table import Table

    report = outcome.report
    base_sections = _sections(outcome.baseline) if outcome.baseline else {}
    for name, section in _sections(report).items():
        split = name.strip() or "dev"
        table = Table(title=f"extract eval: {split} split, {_split_documents(report, split)} gold articles ({report['seconds']:.1f} s in all)")
        for column in ("stage", "precision", "recall", "F1", "baseline F1", "tp", "fp", "fn"):
            table.add_column(column, justify="left" if column == "stage" else "right")
        before = base_sections.get(name, {})
        for stage in STAGES:
            m = section.get(stage)
            if not m:
                continue
            base = (before.get(stage) or {}).get("f1")
            table.add_row(stage, _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"]), _fmt(base), str(m["tp"]), str(m["fp"]), str(m["fn"]))
        q = section.get("quotes")
        if q:
            base_80 = (before.get("quotes") or {}).get("f1_80")
            table.add_row("quotes @80%", _fmt(q["precision_80"]), _fmt(q["recall_80"]), _fmt(q["f1_80"]), _fmt(base_80), "", "", "")
        console.print(table)
        if q:
            console.print(_quote_summary(q), highlight=False)
    if details:
        for doc_id, entry in report["per_document"].items():
            lines = []
            for stage in STAGES:
                for key, label in (("missed", "missed"), ("extra", "extra"), ("wrong_attribution", "wrong")):
                    lines += [f"  {stage:10s} [{'red' if label != 'extra' else 'yellow'}]{label:6s}[/] {escape(item)}" for item in entry.get(stage, {}).get(key, [])]
            if lines or "error" in entry:
                console.print(f"[bold]{escape(doc_id)}[/]" + (f" [red]failed: {escape(entry['error'])}[/]" if "error" in entry else ""))
                for line in lines:
                    console.print(line, highlight=False, soft_wrap=True)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    for failure in outcome.failures:
        console.print(f"[bold red]FAIL[/] {escape(failure)}", highlight=False, soft_wrap=True)
    if outcome.gated:
        console.print("[bold red]quality gate failed[/]" if outcome.failures else "[green]quality gate passed[/]")
    else:
        console.print("no quality gate set (--baseline or --fail-under): scores only")
