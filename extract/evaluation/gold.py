"""Load and validate the hand-annotated gold set (``data/gold/``; format in its README).

A gold article is ``<doc_id>.txt`` (the exact text) plus ``<doc_id>.json`` (sentences,
entity mentions, quotes and relations as text, without offsets). Offsets are recovered
here: sentences sequentially, entity mentions in order at word boundaries (each searched
from the previous mention's end), quotes as the first occurrence of their text.

Every problem is reported as ``file:line: item: what is wrong`` so an annotator can fix it
without reading code. This module needs no spaCy; ``data/gold/check_gold.py`` wraps it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from extract.readers import read_file

LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT")
KINDS = ("direct", "indirect")
RELATION_TYPES = ("role", "interaction", "partnership")
# Annotated layers of an article; a file may annotate only some ("annotated": ["quotes"]).
LAYERS = ("sentences", "entities", "quotes", "relations")
KEYS: dict[str, type] = {"doc_id": str, "source": str, "provenance": str, **{layer: list for layer in LAYERS}}
# The test split is annotated before any rule is tuned and never tuned on; dev is for tuning.
SPLITS = ("dev", "test")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_QUOTE_WORDS = 4
# JSON files in a gold folder that carry this "format" are eval reports or baselines, not articles.
REPORT_FORMAT = "extract-eval"


class GoldError(ValueError):
    """The gold set cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:30])
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        super().__init__(f"{len(problems)} problem(s) in the gold set:\n  {shown}{more}")


@dataclass(frozen=True)
class GoldEntity:
    start_char: int
    end_char: int
    text: str
    label: str
    entity_id: str


@dataclass(frozen=True)
class GoldQuote:
    start_char: int
    end_char: int
    text: str
    kind: str
    speaker: str
    speaker_id: str
    cue: str


@dataclass(frozen=True)
class GoldRelation:
    relation_type: str
    subject: str
    predicate: str
    object: str
    negated: bool


@dataclass
class GoldDocument:
    """One annotated article with character offsets into ``text``."""

    doc_id: str
    path: Path
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    entities: list[GoldEntity] = field(default_factory=list)
    quotes: list[GoldQuote] = field(default_factory=list)
    relations: list[GoldRelation] = field(default_factory=list)
    split: str = "dev"
    annotated: tuple[str, ...] = LAYERS


def find_word(text: str, needle: str, start: int) -> tuple[int, int] | None:
    """First occurrence of ``needle`` at or after ``start`` that is not inside a word."""
    match = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)").search(text, start)
    return (match.start(), match.end()) if match else None


def _skip_space(source: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not white space."""
    while pos < len(source) and source[pos].isspace():
        pos += 1
    return pos


def item_lines(source: str) -> dict[str, list[int]]:
    """Line number (1-based) of every item of every top-level list of a JSON object.

    ``json`` gives no positions, so the top level is walked with ``raw_decode``; whatever
    does not look like a plain object is left to ``json.loads`` to complain about.
    """
    decoder = json.JSONDecoder()
    lines: dict[str, list[int]] = {}
    pos = _skip_space(source, 0)
    if not source.startswith("{", pos):
        return lines
    pos = _skip_space(source, pos + 1)
    try:
        while pos < len(source) and source[pos] != "}":
            key, pos = decoder.raw_decode(source, pos)
            pos = _skip_space(source, pos) + 1  # the colon
            pos = _skip_space(source, pos)
            if source.startswith("[", pos):
                starts: list[int] = []
                pos = _skip_space(source, pos + 1)
                while source[pos] != "]":
                    starts.append(source.count("\n", 0, pos) + 1)
                    _, pos = decoder.raw_decode(source, pos)
                    pos = _skip_space(source, pos)
                    if source[pos] == ",":
                        pos = _skip_space(source, pos + 1)
                pos += 1
                lines[str(key)] = starts
            else:
                _, pos = decoder.raw_decode(source, pos)
            pos = _skip_space(source, pos)
            if pos < len(source) and source[pos] == ",":
                pos = _skip_space(source, pos + 1)
    except (ValueError, IndexError):
        pass
    return lines


def is_report(path: Path) -> bool:
    """True for an eval report or baseline saved in the gold folder (not an article)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("format", "")).startswith(REPORT_FORMAT)


def gold_files(gold_dir: Path) -> list[Path]:
    """The annotation files of a gold folder, sorted by name."""
    return sorted(p for p in Path(gold_dir).glob("*.json") if not is_report(p))


def check_document(json_path: Path) -> tuple[GoldDocument | None, list[str]]:
    """Parse and validate one annotation file; the document is None when it is unusable."""
    json_path = Path(json_path)
    name = json_path.name
    try:
        source = json_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [f"{name}: cannot read: {err}"]
    try:
        data = json.loads(source)
    except json.JSONDecodeError as err:
        return None, [f"{name}:{err.lineno}: invalid JSON: {err.msg} (column {err.colno})"]
    if not isinstance(data, dict):
        return None, [f"{name}:1: the file must hold one JSON object"]
    lines = item_lines(source)
    problems: list[str] = []

    def problem(section: str, index: int | None, message: str) -> None:
        line = ""
        if index is not None and index < len(lines.get(section, [])):
            line = f":{lines[section][index]}"
        item = f" {section}[{index}]" if index is not None else ""
        problems.append(f"{name}{line}:{item} {message}")

    annotated = data.get("annotated", list(LAYERS))
    if not isinstance(annotated, list) or not annotated or any(layer not in LAYERS for layer in annotated):
        problem("annotated", None, f"'annotated' must be a non-empty list of {', '.join(LAYERS)}")
        annotated = list(LAYERS)
    split = data.get("split", "dev")
    if split not in SPLITS:
        problem("split", None, f"split {split!r} is not one of {', '.join(SPLITS)}")
    for key, kind in KEYS.items():
        if key not in data:
            if key in LAYERS and key not in annotated:
                data[key] = []
                continue
            problem(key, None, f"missing key {key!r}")
        elif not isinstance(data[key], kind):
            problem(key, None, f"key {key!r} must be a {kind.__name__}, not {type(data[key]).__name__}")
        elif key in LAYERS and key not in annotated and data[key]:
            problem(key, None, f"{key!r} holds items but is not listed in 'annotated'")
    if problems:
        return None, problems
    if data["doc_id"] != json_path.stem:
        problem("doc_id", None, f"doc_id {data['doc_id']!r} differs from the file name {json_path.stem!r}")
    text_path = json_path.with_suffix(".txt")
    if not text_path.is_file():
        return None, problems + [f"{name}: missing text file {text_path.name}"]
    # Read the text exactly as `extract run` reads it, so offsets index the same string.
    record = next(read_file(text_path, json_path.stem))
    if not record.ok:
        return None, problems + [f"{text_path.name}: {record.error}"]
    text = record.text
    doc = GoldDocument(json_path.stem, json_path, text, split=split, annotated=tuple(layer for layer in LAYERS if layer in annotated))

    pos = 0
    for i, sentence in enumerate(data["sentences"]):
        if not isinstance(sentence, str) or not sentence.strip():
            problem("sentences", i, "is empty or not a string")
            continue
        if sentence != sentence.strip():
            problem("sentences", i, f"has leading or trailing whitespace: {sentence[:60]!r}")
        start = text.find(sentence, pos)
        if start < 0:
            problem("sentences", i, f"not found in the text after offset {pos}: {sentence[:80]!r}")
            continue
        gap = text[pos:start].strip()
        if gap:
            problem("sentences", i, f"text before it is not covered by any sentence (offset {pos}): {gap[:80]!r}")
        doc.sentences.append((start, start + len(sentence)))
        pos = start + len(sentence)
    if "sentences" in annotated and text[pos:].strip():
        problem("sentences", None, f"text after the last sentence is not covered: {text[pos:].strip()[:80]!r}")

    ids: set[str] = set()
    labels_by_id: dict[str, set[str]] = {}
    pos = 0
    for i, entity in enumerate(data["entities"]):
        if not isinstance(entity, dict) or not all(isinstance(entity.get(k), str) for k in ("text", "label", "entity_id")):
            problem("entities", i, f"must be an object with string text, label, entity_id: {entity!r}")
            continue
        mention, label, entity_id = entity["text"], entity["label"], entity["entity_id"]
        if label not in LABELS:
            problem("entities", i, f"{mention!r}: label {label!r} is not one of {', '.join(LABELS)}")
        if not ID_RE.match(entity_id):
            problem("entities", i, f"{mention!r}: entity_id {entity_id!r} is not a slug (lower case, digits, '-')")
        if not mention or mention != mention.strip():
            problem("entities", i, f"text {mention!r} is empty or has surrounding whitespace")
            continue
        ids.add(entity_id)
        labels_by_id.setdefault(entity_id, set()).add(label)
        hit = find_word(text, mention, pos)
        if hit is None:
            problem("entities", i, f"{mention!r} ({entity_id}) not found as a word after offset {pos} (out of order?)")
            continue
        doc.entities.append(GoldEntity(hit[0], hit[1], mention, label, entity_id))
        pos = hit[1]  # the next mention starts after this one: mentions never nest
    entities_annotated = "entities" in annotated
    for entity_id, labels in labels_by_id.items():
        if len(labels) > 1:
            problem("entities", None, f"entity_id {entity_id!r} has several labels: {', '.join(sorted(labels))}")

    quote_keys = ("kind", "text", "speaker", "speaker_id", "cue")
    for i, quote in enumerate(data["quotes"]):
        if not isinstance(quote, dict) or not all(isinstance(quote.get(k), str) for k in quote_keys):
            problem("quotes", i, f"must be an object with string {', '.join(quote_keys)}: {str(quote)[:80]}")
            continue
        if quote["kind"] not in KINDS:
            problem("quotes", i, f"kind {quote['kind']!r} is not one of {', '.join(KINDS)}")
        if quote["text"] != quote["text"].strip():
            problem("quotes", i, "text has leading or trailing whitespace")
        if len(quote["text"].split()) < MIN_QUOTE_WORDS:
            problem("quotes", i, f"has fewer than {MIN_QUOTE_WORDS} words: {quote['text']!r}")
        if quote["speaker"] and find_word(text, quote["speaker"], 0) is None:
            problem("quotes", i, f"speaker {quote['speaker']!r} not found in the text")
        if quote["speaker_id"] and entities_annotated and quote["speaker_id"] not in ids:
            problem("quotes", i, f"speaker_id {quote['speaker_id']!r} is not an entity_id of this article")
        if quote["speaker_id"] and not ID_RE.match(quote["speaker_id"]):
            problem("quotes", i, f"speaker_id {quote['speaker_id']!r} is not a slug (lower case, digits, '-')")
        if quote["speaker_id"] and not quote["speaker"]:
            problem("quotes", i, "speaker_id is set but speaker (the mention) is empty")
        start = text.find(quote["text"]) if quote["text"] else -1
        if start < 0:
            problem("quotes", i, f"text not found in the article: {quote['text'][:80]!r}")
            continue
        doc.quotes.append(
            GoldQuote(start, start + len(quote["text"]), quote["text"], quote["kind"], quote["speaker"], quote["speaker_id"], quote["cue"])
        )

    relation_keys = ("type", "subject", "predicate", "object")
    for i, relation in enumerate(data["relations"]):
        if not isinstance(relation, dict) or not all(isinstance(relation.get(k), str) for k in relation_keys):
            problem("relations", i, f"must be an object with string {', '.join(relation_keys)} and boolean negated: {relation!r}")
            continue
        if relation["type"] not in RELATION_TYPES:
            problem("relations", i, f"type {relation['type']!r} is not one of {', '.join(RELATION_TYPES)}")
        for side in ("subject", "object"):
            if relation[side] not in ids:
                problem("relations", i, f"{side} {relation[side]!r} is not an entity_id of this article")
        if not isinstance(relation.get("negated"), bool):
            problem("relations", i, "negated must be true or false")
        if not relation["predicate"] or relation["predicate"] != relation["predicate"].strip():
            problem("relations", i, f"bad predicate {relation['predicate']!r}")
        doc.relations.append(
            GoldRelation(relation["type"], relation["subject"], relation["predicate"], relation["object"], relation.get("negated") is True)
        )
    return (None if problems else doc), problems


def load_gold(gold_dir: Path, only: list[str] | None = None) -> list[GoldDocument]:
    """Every gold article of ``gold_dir`` (or only the named doc_ids); raises GoldError on any problem."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError([f"{gold_dir}: not a folder"])
    files = gold_files(gold_dir)
    problems: list[str] = []
    annotated = {p.stem for p in files}
    problems += [f"{p.name}: text without an annotation file {p.stem}.json" for p in sorted(gold_dir.glob("*.txt")) if p.stem not in annotated]
    if only:
        unknown = sorted(set(only) - annotated)
        problems += [f"{doc_id}: no such gold article in {gold_dir}" for doc_id in unknown]
        files = [p for p in files if p.stem in set(only)]
    if not files and not problems:
        problems.append(f"{gold_dir}: no gold articles (<doc_id>.json with <doc_id>.txt)")
    documents = []
    for path in files:
        doc, errs = check_document(path)
        problems += errs
        if doc is not None:
            documents.append(doc)
    if problems:
        raise GoldError(problems)
    return documents


def main(argv: list[str], gold_dir: Path) -> int:
    """``check_gold.py [-v] [doc_id ...]``: validate, print one line per article; 1 on any problem."""
    verbose = "-v" in argv
    wanted = set(a for a in argv if not a.startswith("-"))
    files = [p for p in gold_files(gold_dir) if not wanted or p.stem in wanted]
    if not files:
        print(f"no gold files found in {gold_dir}", file=sys.stderr)
        return 1
    problems: list[str] = []
    for path in files:
        doc, errs = check_document(path)
        problems += errs
        if doc is None:
            continue
        direct = sum(q.kind == "direct" for q in doc.quotes)
        print(
            f"ok  {doc.split:4s} {doc.doc_id:45s} sents={len(doc.sentences):3d} ents={len(doc.entities):3d} "
            f"quotes={len(doc.quotes):2d} (direct {direct}, indirect {len(doc.quotes) - direct}) rels={len(doc.relations):2d}"
        )
        if verbose:
            for i, (s, e) in enumerate(doc.sentences):
                print(f"  S{i:<3d} {s:6d}-{e:<6d} {doc.text[s:e][:70]!r}")
            for i, m in enumerate(doc.entities):
                print(f"  E{i:<3d} {m.start_char:6d}-{m.end_char:<6d} {m.label:8s} {m.entity_id:32s} {m.text!r}")
            for i, q in enumerate(doc.quotes):
                print(f"  Q{i:<3d} {q.start_char:6d}-{q.end_char:<6d} {q.kind:8s} {q.speaker_id:20s} {q.text[:50]!r}")
    for p in problems:
        print("ERROR", p, file=sys.stderr)
    print(f"{len(files)} files, {len(problems)} problems")
    return 1 if problems else 0
