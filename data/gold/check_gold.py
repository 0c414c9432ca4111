#!/usr/bin/env python3
"""Validate the hand-annotated gold set in this folder (stdlib only).

Usage: python data/gold/check_gold.py [-v] [doc_id ...]

For every <doc_id>.json (with its <doc_id>.txt) it checks: required keys and value
types; allowed labels, quote kinds and relation types; that every sentence is found
sequentially and that the sentences cover all non-whitespace text; that every entity
mention is found in order (each searched from the previous mention's start, at word
boundaries); that quote texts and speakers are substrings; that relation subject/object
ids (and quote speaker ids) are entity ids of the article. Exits 1 on any problem.
With -v it prints the offsets of every sentence, mention and quote.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT"}
KINDS = {"direct", "indirect"}
REL_TYPES = {"role", "interaction", "partnership"}
KEYS = {"doc_id": str, "source": str, "provenance": str, "sentences": list,
        "entities": list, "quotes": list, "relations": list}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def find_word(text, needle, start):
    """First occurrence of needle at or after start that is not inside a word."""
    pat = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    m = pat.search(text, start)
    return (m.start(), m.end()) if m else None


def check_doc(jpath, verbose=False):
    errs = []
    name = jpath.name

    def err(msg):
        errs.append(f"{name}: {msg}")

    try:
        g = json.loads(jpath.read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        return [f"{name}: cannot read JSON: {e}"]
    for k, t in KEYS.items():
        if k not in g:
            err(f"missing key {k!r}")
        elif not isinstance(g[k], t):
            err(f"key {k!r} must be {t.__name__}")
    if errs:
        return errs
    if g["doc_id"] != jpath.stem:
        err(f"doc_id {g['doc_id']!r} differs from file name {jpath.stem!r}")
    tpath = jpath.with_suffix(".txt")
    if not tpath.exists():
        return errs + [f"{name}: missing text file {tpath.name}"]
    text = tpath.read_bytes().decode("utf-8")

    # sentences: sequential, exact, covering all non-whitespace text
    pos = 0
    for i, s in enumerate(g["sentences"]):
        if not isinstance(s, str) or not s.strip():
            err(f"sentence {i} is empty or not a string")
            continue
        if s != s.strip():
            err(f"sentence {i} has leading/trailing whitespace: {s[:60]!r}")
        k = text.find(s, pos)
        if k < 0:
            err(f"sentence {i} not found after offset {pos}: {s[:80]!r}")
            continue
        gap = text[pos:k]
        if gap.strip():
            err(f"text not covered by any sentence before sentence {i} at {pos}: {gap.strip()[:80]!r}")
        if verbose:
            print(f"  S{i:<3d} {k:6d}-{k + len(s):<6d} {s[:70]!r}")
        pos = k + len(s)
    if text[pos:].strip():
        err(f"text after the last sentence not covered: {text[pos:].strip()[:80]!r}")

    # entities: every mention, in document order
    ids = set()
    pos = 0
    for i, e in enumerate(g["entities"]):
        if not isinstance(e, dict) or not {"text", "label", "entity_id"} <= set(e):
            err(f"entity {i} must have text, label, entity_id: {e!r}")
            continue
        if e["label"] not in LABELS:
            err(f"entity {i} {e['text']!r}: label {e['label']!r} not allowed")
        if not ID_RE.match(e["entity_id"]):
            err(f"entity {i} {e['text']!r}: bad entity_id {e['entity_id']!r}")
        if e["text"] != e["text"].strip() or not e["text"]:
            err(f"entity {i}: bad text {e['text']!r}")
        ids.add(e["entity_id"])
        hit = find_word(text, e["text"], pos)
        if hit is None:
            err(f"entity {i} {e['text']!r} ({e['entity_id']}) not found after offset {pos} (order?)")
            continue
        if verbose:
            print(f"  E{i:<3d} {hit[0]:6d}-{hit[1]:<6d} {e['label']:8s} {e['entity_id']:32s} {e['text']!r}")
        pos = hit[0]
    labels_by_id = {}
    for e in g["entities"]:
        if isinstance(e, dict) and "entity_id" in e:
            labels_by_id.setdefault(e["entity_id"], set()).add(e.get("label"))
    for eid, labs in labels_by_id.items():
        if len(labs) > 1:
            err(f"entity_id {eid!r} has several labels {sorted(labs)}")

    # quotes
    for i, q in enumerate(g["quotes"]):
        need = {"kind", "text", "speaker", "speaker_id", "cue"}
        if not isinstance(q, dict) or not need <= set(q):
            err(f"quote {i} must have {sorted(need)}: {q!r}")
            continue
        if q["kind"] not in KINDS:
            err(f"quote {i}: kind {q['kind']!r} not in {sorted(KINDS)}")
        k = text.find(q["text"]) if q["text"] else -1
        if k < 0:
            err(f"quote {i} text not a substring: {q['text'][:80]!r}")
        elif q["text"] != q["text"].strip():
            err(f"quote {i} text has leading/trailing whitespace")
        if len(q["text"].split()) < 4:
            err(f"quote {i} has fewer than 4 words: {q['text']!r}")
        if q["speaker"] and find_word(text, q["speaker"], 0) is None:
            err(f"quote {i} speaker {q['speaker']!r} not found in text")
        if q["speaker_id"] and q["speaker_id"] not in ids:
            err(f"quote {i} speaker_id {q['speaker_id']!r} is not an entity id of this article")
        if q["speaker_id"] and not q["speaker"]:
            err(f"quote {i}: speaker_id set but no speaker mention")
        if verbose and k >= 0:
            print(f"  Q{i:<3d} {k:6d}-{k + len(q['text']):<6d} {q['kind']:8s} {q['speaker_id']:20s} {q['text'][:50]!r}")

    # relations
    for i, r in enumerate(g["relations"]):
        need = {"type", "subject", "predicate", "object", "negated"}
        if not isinstance(r, dict) or not need <= set(r):
            err(f"relation {i} must have {sorted(need)}: {r!r}")
            continue
        if r["type"] not in REL_TYPES:
            err(f"relation {i}: type {r['type']!r} not in {sorted(REL_TYPES)}")
        for side in ("subject", "object"):
            if r[side] not in ids:
                err(f"relation {i}: {side} {r[side]!r} is not an entity id of this article")
        if not isinstance(r["negated"], bool):
            err(f"relation {i}: negated must be true or false")
        if not r["predicate"] or r["predicate"] != r["predicate"].strip():
            err(f"relation {i}: bad predicate {r['predicate']!r}")
    return errs


def main(argv):
    verbose = "-v" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    files = sorted(HERE.glob("*.json"))
    if wanted:
        files = [f for f in files if f.stem in wanted]
    if not files:
        print("no gold files found", file=sys.stderr)
        return 1
    problems = []
    for f in files:
        if verbose:
            print(f.name)
        errs = check_doc(f, verbose)
        problems += errs
        g = json.loads(f.read_text(encoding="utf-8")) if not errs else None
        if g:
            nd = sum(q["kind"] == "direct" for q in g["quotes"])
            print(f"ok  {f.stem:45s} sents={len(g['sentences']):3d} ents={len(g['entities']):3d} "
                  f"quotes={len(g['quotes']):2d} (direct {nd}, indirect {len(g['quotes']) - nd}) rels={len(g['relations']):2d}")
    for p in problems:
        print("ERROR", p, file=sys.stderr)
    print(f"{len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
