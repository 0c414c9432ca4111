"""Hostile input at scale: generate N hostile records, run `extract run`, count what went wrong.

    python bench/hostile.py [--records 10000] [--seed 18] [--workers 1] [--keep DIR]

Writes files of every kind the readers take (text in five encodings, JSONL, CSV), each record
made hostile: broken encodings, lone surrogates, control characters, bare carriage returns,
formula-like cells, malformed JSON and CSV (unclosed quotes, huge integers, deep nesting),
binary and empty files, undecodable file names, folder links and loops, duplicate ids, runs
of quote marks. Every record is one expected row of documents.csv with a known doc_id, a
known status (or either) and, for a readable one, its exact text. The run is the command
line in a child process; the script prints:

- crashes: an exit code other than 0 or 1, or a traceback;
- lost records: expected doc_ids missing from documents.csv (and rows nobody expected);
- status differences: a record meant to fail that did not, or the reverse; an error row
  without a reason;
- round-trip differences: table cells read back by pandas (dtype=str, keep_default_na=False)
  that differ from the csv module's reading or from the document text at the row's offsets,
  row counts that differ from the manifest, titles, lengths or hashes that differ from the input.

tests/test_hostile.py runs the same generator and checks on a few hundred records.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_CHARS = 20_000  # small, so that "too large" records stay cheap

PROSE = [
    "NASA said on Tuesday that the crew will return in March.",
    "“We will keep working with Roscosmos,” the agency's head Yuri Borisov said.",
    "The European Space Agency confirmed the launch date for ExoMars.",
    "OneWeb said the satellites reached orbit, according to a statement.",
    "Officials at the ISS told reporters the docking went smoothly.",
    "\"It was a long night,\" said Sunita Williams, an astronaut.",
    "The minister said the budget would grow by 3% in 2025.",
    "Critics argued that the plan, which costs $4 billion, is too slow.",
]
# Characters and strings that have broken CSV writers, readers, parsers or spreadsheets.
HOSTILE = [
    "\r", "\r\n", "\n\r", "\r\r", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9c", "\u2028", "\u2029",
    "\ufeff", "\u200b", "\u202e", "\ufffd", "e\u0301", "😀", "👩\u200d🚀", "中文", "עברית", '"', '""', "'",
    ",", ";", "\t", "=SUM(A1:A9)", "+1", "-2", "@cmd", "=HYPERLINK(\"x\")", "NA", "null", "N/A", "nan",
    "\\", "\\n", "%s", "{}", "<b>", "#", "“", "”", "…", "\u00a0",
]
SURROGATES = ["\ud800", "\udfff", "\udc80", "\udbff"]


@dataclass
class Expected:
    """One record: the row it must give in documents.csv."""

    doc_id: str
    status: str | None  # "ok", "error", or None when either is right (random bytes)
    text: str | None = None  # the document text as it must be read, when known
    title: str | None = None
    reason: str = ""  # a word the error must contain


@dataclass
class Corpus:
    folder: Path
    records: list[Expected] = field(default_factory=list)


def _clean(value: str) -> str:
    """A string as JSON gives it back (two adjacent surrogates escaped in JSON make one
    character), then what the readers make of a lone surrogate: U+FFFD, one for one."""
    return re.sub("[\ud800-\udfff]", "\ufffd", json.loads(json.dumps(value)))


class Generator:
    def __init__(self, folder: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        self.corpus = Corpus(folder)
        self.n = 0

    def name(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:05d}"

    def text(self, surrogates: bool = False, controls: bool = True) -> str:
        rng = self.rng
        parts = [rng.choice(PROSE) for _ in range(rng.randint(1, 5))]
        text = ""
        for part in parts:
            text += part + rng.choice([" ", "\n", "\r\n", "\r", "\n\n", "  "])
        # Control bytes past 5% of a file make it "binary": only texts of three sentences or more get them.
        if len(parts) < 3:
            controls = False
        pool = HOSTILE if controls else [h for h in HOSTILE if not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", h)]
        for _ in range(rng.randint(0, 4)):
            at = rng.randint(0, len(text))
            piece = rng.choice(pool + (SURROGATES if surrogates else []))
            text = text[:at] + piece + text[at:]
        if surrogates and rng.random() < 0.5:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(SURROGATES) + text[at:]
        return text

    def hostile_id(self, base: str) -> str:
        return base + self.rng.choice(["", "", ",x", '"q"', "=1", " NA", "\u2028", "/sub", "é", "\ud800"])

    def add(self, record: Expected) -> None:
        self.corpus.records.append(record)

    # ----- plain text files
    def text_file(self, folder: Path, relative: str) -> None:
        rng = self.rng
        kind = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252"])
        name = self.name("t")
        text = self.text()
        suffix = rng.choice([".txt", ".md"])
        if kind == "cp1252":
            # "é " is never UTF-8: the file is read with the fallback; what cp1252 lacks becomes "?".
            raw = (text + " café “open”.").encode("cp1252", errors="replace")
            text = raw.decode("cp1252")
        else:
            raw = text.encode(kind)
            if kind == "utf-8" and text.startswith("\ufeff"):
                text = text[1:]  # read as a UTF-8 byte-order mark, which is dropped
        (folder / f"{name}{suffix}").write_bytes(raw)
        self.add(Expected(f"{relative}{name}", "ok" if text.strip() else "error", text=text))

    def odd_file(self, folder: Path, relative: str) -> None:
        rng = self.rng
        name = self.name("o")
        kind = rng.choice(["empty", "blank", "nul", "random", "utf16-nobom", "quotes", "too-large", "huge-file", "folder", "dangling"])
        path = folder / f"{name}.txt"
        doc_id = f"{relative}{name}"
        if kind == "empty":
            path.write_bytes(b"")
            self.add(Expected(doc_id, "error", reason="empty"))
        elif kind == "blank":
            path.write_text(" \n\t\r\n", encoding="utf-8")
            self.add(Expected(doc_id, "error", reason="empty"))
        elif kind == "nul":
            path.write_bytes(b"NASA said\x00 hi." * 3)
            self.add(Expected(doc_id, "error", reason="binary"))
        elif kind == "random":
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))))
            self.add(Expected(doc_id, None))
        elif kind == "utf16-nobom":
            path.write_bytes("NASA said hi.".encode("utf-16-le"))
            self.add(Expected(doc_id, "error", reason="binary"))
        elif kind == "quotes":
            path.write_text("NASA said " + '"' * rng.randint(6_000, 19_000) + " hi.\n", encoding="utf-8")
            self.add(Expected(doc_id, "error", reason="without a space"))
        elif kind == "too-large":
            path.write_text("word " * (MAX_CHARS // 5 + 10), encoding="utf-8")
            self.add(Expected(doc_id, "error", reason="too large"))
        elif kind == "huge-file":
            path.write_bytes(b"x" * (4 * MAX_CHARS + 100))
            self.add(Expected(doc_id, "error", reason="too large"))
        elif kind == "folder":
            path.mkdir()
            self.add(Expected(doc_id, "error", reason="folder"))
        else:
            path.symlink_to(folder / "no-such-target.txt")
            self.add(Expected(doc_id, "error", reason="broken link"))

    # ----- JSONL
    def jsonl_file(self, folder: Path, relative: str, lines: int) -> None:
        rng = self.rng
        name = self.name("j")
        file_id = f"{relative}{name}"
        encoding = rng.choice(["utf-8", "utf-8", "utf-8", "utf-16", "cp1252"])
        # Non-ASCII characters written as such (not \u escapes) in a cp1252 file: what cp1252
        # lacks is written as "?", so the expected values are fitted the same way.
        raw_cp1252 = encoding == "cp1252" and rng.random() < 0.5

        def fit(value: str) -> str:
            return value.encode("cp1252", errors="replace").decode("cp1252") if raw_cp1252 else value

        out: list[str] = []
        expected: list[Expected] = []
        seen: list[str] = []
        for _ in range(lines):
            if rng.random() < 0.1:
                out.append(rng.choice(["", "   ", "\t"]))  # blank lines are skipped
            line_no = len(out) + 1
            kind = rng.choice(["good", "good", "good", "invalid", "array", "notext", "textnum", "bigint", "deep", "dictmeta", "dupid", "noid", "large"])
            rid = fit(self.hostile_id(self.name("r")))
            if kind == "dupid" and seen:
                rid = rng.choice(seen)
            if kind in ("good", "dupid", "noid", "bigint", "large"):
                text = fit(self.text(surrogates=not raw_cp1252)) if kind != "large" else "word " * (MAX_CHARS // 5 + 10)
                title = fit(self.hostile_id("Title "))
                fields: dict = {"id": rid, "title": title, "text": text}
                if kind == "bigint":
                    fields["n"] = 0
                if kind == "noid":
                    del fields["id"]
                line = json.dumps(fields, ensure_ascii=not raw_cp1252)
                if kind == "bigint":
                    line = line.replace('"n": 0', '"n": ' + "7" * 4301)
                doc_id = _clean(rid).strip() if kind != "noid" else f"{file_id}/{line_no}"
                taken = {e.doc_id for e in expected}
                if doc_id in taken:
                    doc_id = _dedupe(doc_id, taken)
                seen.append(rid)
                status = "error" if kind == "large" or not _clean(text).strip() else "ok"
                expected.append(Expected(doc_id, status, text=_clean(text) if status == "ok" else None, title=_clean(title), reason="too large" if kind == "large" else "empty"))
            else:
                doc_id = f"{file_id}/{line_no}"
                line, reason = {
                    "invalid": ('{"id": "x' + str(line_no) + '", "text": "unterminated', "invalid JSON"),
                    "array": ('["not", "an", "object"]', "JSON object"),
                    "notext": (json.dumps({"id": rid, "title": "t"}), "no 'text'"),
                    "textnum": (json.dumps({"id": rid, "text": 5}), "not a string"),
                    "deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
                    "dictmeta": (json.dumps({"id": rid, "title": {"a": 1}, "text": "NASA said hi."}), "not a string"),
                }[kind]
                if kind in ("notext", "textnum", "dictmeta"):
                    doc_id = _clean(rid).strip()
                    taken = {e.doc_id for e in expected}
                    if doc_id in taken:
                        doc_id = _dedupe(doc_id, taken)
                expected.append(Expected(doc_id, "error", reason=reason))
            out.append(line)
        body = "\n".join(out) + "\n"
        (folder / f"{name}.jsonl").write_bytes(body.encode(encoding, errors="replace"))
        for record in expected:
            self.add(record)

    # ----- CSV
    def csv_file(self, folder: Path, relative: str, rows: int) -> None:
        rng = self.rng
        name = self.name("c")
        file_id = f"{relative}{name}"
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            # Python's writer quotes a bare "\r" only when it is part of the line terminator.
            terminator = rng.choice(["\n", "\r\n"])
            writer = csv.writer(handle, lineterminator=terminator, quoting=csv.QUOTE_ALL if terminator == "\n" else csv.QUOTE_MINIMAL)
            writer.writerow(["id", "title", "text"])
            for number in range(1, rows + 1):
                kind = rng.choice(["good", "good", "good", "good", "unclosed", "short"])
                if kind == "good":
                    rid = self.hostile_id(self.name("r")).replace("\ud800", "")
                    text = self.text()
                    title = self.hostile_id("Title ").replace("\ud800", "")
                    writer.writerow([rid, title, text])
                    # The csv module reads a bare "\r" inside a quoted field as written.
                    ok = bool(text.strip())
                    self.add(Expected(rid.strip(), "ok" if ok else "error", text=text if ok else None, title=title))
                elif kind == "unclosed":
                    handle.write(f'{self.name("r")},T,"NASA said {number} and never closed the quote\n')
                    self.add(Expected(f"{file_id}/{number}", "error", reason="malformed CSV"))
                else:
                    rid = self.name("r")
                    handle.write(f"{rid}\n")  # a row with no text column
                    self.add(Expected(rid, "error", reason="no 'text'"))

    # ----- file names, links, duplicates
    def special(self, folder: Path, relative: str, outside: Path) -> None:
        rng = self.rng
        kind = rng.choice(["badname", "dup", "link", "loop"])
        if kind == "badname":
            name = self.name("n")
            raw = os.fsencode(str(folder)) + b"/" + name.encode() + b"\xff\xfe.txt"
            with open(raw, "wb") as handle:
                handle.write(b"NASA said hi from a file whose name is not UTF-8.\n")
            self.add(Expected(f"{relative}{name}\\xff\\xfe", "ok", text="NASA said hi from a file whose name is not UTF-8.\n"))
        elif kind == "dup":
            name = self.name("d")
            first, second = "ESA said hello.\n", "NASA said goodbye.\n"
            (folder / f"{name}.md").write_text(first, encoding="utf-8")
            (folder / f"{name}.txt").write_text(second, encoding="utf-8")
            self.add(Expected(f"{relative}{name}", "ok", text=first))
            self.add(Expected(f"{relative}{name}~2", "ok", text=second))
        elif kind == "link":
            name = self.name("l")
            target = outside / name
            target.mkdir()
            (target / "inner.txt").write_text("Roscosmos said the link was followed.\n", encoding="utf-8")
            (folder / name).symlink_to(target)
            self.add(Expected(f"{relative}{name}/inner", "ok", text="Roscosmos said the link was followed.\n"))
        else:
            name = self.name("loop")
            (folder / name).symlink_to(folder)
            self.add(Expected(f"{relative}{name}", "error", reason="already read"))


def _dedupe(doc_id: str, taken: set[str]) -> str:
    n = 2
    while f"{doc_id}~{n}" in taken:
        n += 1
    return f"{doc_id}~{n}"


def generate(folder: Path, records: int, seed: int) -> Corpus:
    """Hostile inputs in ``folder/in`` (and ``folder/outside`` for links): about ``records`` records."""
    gen = Generator(folder / "in", seed)
    inputs = folder / "in"
    outside = folder / "outside"
    inputs.mkdir(parents=True)
    outside.mkdir()
    sub = 0
    while len(gen.corpus.records) < records:
        sub += 1
        target, relative = (inputs, "") if sub % 3 else (inputs / f"sub{sub:04d}", f"sub{sub:04d}/")
        target.mkdir(exist_ok=True)
        roll = gen.rng.random()
        if roll < 0.30:
            gen.text_file(target, relative)
        elif roll < 0.40:
            gen.odd_file(target, relative)
        elif roll < 0.65:
            gen.jsonl_file(target, relative, gen.rng.randint(3, 40))
        elif roll < 0.90:
            gen.csv_file(target, relative, gen.rng.randint(3, 40))
        else:
            gen.special(target, relative, outside)
    return gen.corpus


@dataclass
class Figures:
    records: int = 0
    rows: int = 0
    crashes: int = 0
    lost: int = 0
    unexpected: int = 0
    status_differences: int = 0
    round_trip_differences: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 20:
            self.examples.append(f"{kind}: {message}")


TABLES = ("documents", "sentences", "entities", "catalog", "quotes", "relations")
OFFSET_COLUMNS = {"sentences": [("start_char", "end_char", "text")], "entities": [("start_char", "end_char", "text")],
                  "quotes": [("start_char", "end_char", "text"), ("speaker_start_char", "speaker_end_char", "speaker_text")],
                  "relations": [("evidence_start_char", "evidence_end_char", "evidence")]}


def check(corpus: Corpus, out: Path, figures: Figures) -> Figures:
    """Compare the tables in ``out`` with what the corpus must give."""
    import pandas as pd

    figures.records = len(corpus.records)
    frames = {}
    for table in TABLES:
        path = out / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if [list(frame.columns), *frame.values.tolist()] != rows:
            figures.note("round_trip_differences", f"{table}.csv: pandas and the csv module read different cells")
        frames[table] = frame
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for table in TABLES:
        if manifest["counts"][table] != len(frames[table]):
            figures.note("round_trip_differences", f"{table}.csv: {len(frames[table])} rows read, {manifest['counts'][table]} written")
    documents = frames["documents"]
    figures.rows = len(documents)
    found = {row["doc_id"]: row for row in documents.to_dict("records")}
    expected = {record.doc_id: record for record in corpus.records}
    for doc_id in found.keys() - expected.keys():
        figures.note("unexpected", f"row nobody expected: {doc_id!r}")
    texts: dict[str, str] = {}
    for doc_id, record in expected.items():
        row = found.get(doc_id)
        if row is None:
            figures.note("lost", f"no row for {doc_id!r}")
            continue
        if row["status"] == "error" and not row["error"]:
            figures.note("status_differences", f"{doc_id!r}: error row without a reason")
        if record.status is not None and row["status"] != record.status:
            figures.note("status_differences", f"{doc_id!r}: {row['status']} ({row['error']}), expected {record.status}")
            continue
        if record.status == "error" and record.reason and record.reason not in row["error"]:
            figures.note("status_differences", f"{doc_id!r}: error {row['error']!r} does not say {record.reason!r}")
        if row["status"] == "ok" and record.text is not None:
            texts[doc_id] = record.text
            if int(row["n_chars"]) != len(record.text) or row["sha256"] != hashlib.sha256(record.text.encode("utf-8")).hexdigest():
                figures.note("round_trip_differences", f"{doc_id!r}: text read differs from the input")
            if record.title is not None and row["title"] != record.title:
                figures.note("round_trip_differences", f"{doc_id!r}: title {row['title']!r} != {record.title!r}")
    for table, spans in OFFSET_COLUMNS.items():
        for row in frames[table].to_dict("records"):
            text = texts.get(row["doc_id"])
            if text is None:
                continue
            for start, end, cell in spans:
                if row[start] != "" and text[int(row[start]) : int(row[end])] != row[cell]:
                    figures.note("round_trip_differences", f"{table} {row['doc_id']!r}: {row[cell]!r} is not the text at {row[start]}:{row[end]}")
    return figures


def run_cli(inputs: list[Path], out: Path, workers: int) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "extract.cli", "run", *map(str, inputs), "--out", str(out), "--workers", str(workers), "--max-chars", str(MAX_CHARS)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    corpus = generate(folder, args.records, args.seed)
    started = time.perf_counter()
    child = run_cli([folder / "in"], folder / "out", args.workers)
    figures = Figures(seconds=time.perf_counter() - started)
    if child.returncode not in (0, 1) or "Traceback" in child.stderr:
        figures.note("crashes", f"exit {child.returncode}: {child.stderr.strip()[-500:]}")
    else:
        check(corpus, folder / "out", figures)
    print(f"records                  {figures.records:,}")
    print(f"rows in documents.csv    {figures.rows:,}")
    print(f"crashes                  {figures.crashes}")
    print(f"lost records             {figures.lost}")
    print(f"unexpected rows          {figures.unexpected}")
    print(f"status differences       {figures.status_differences}")
    print(f"round-trip differences   {figures.round_trip_differences}")
    print(f"time                     {figures.seconds:.1f} s (exit code {child.returncode}, --workers {args.workers})")
    for example in figures.examples:
        print("  " + example)
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
