"""Check a run's entity ids and labels: people merged across documents, namesakes kept apart,
and how often names of spacecraft, bodies and centres come out as PERSON.

    python bench/identity_check.py OUT_DIR                    # e.g. a run on ../shared/corpus/nasa
    python bench/identity_check.py OUT_DIR --show 60          # list more of each

It reads ``entities.csv`` (``entity_id`` is the batch-level id, ``doc_entity_id`` the
document-level one) and prints:

- people written two or more ways across documents that share one id, with their forms (the
  texts of their multi-word mentions, title words left out);
- pairs of people who share a surname and have different ids (given names or initials differ);
- "possible splits": pairs sharing a surname whose given names look alike (same first letter)
  and that still have two ids, to read by eye;
- for each name of spacecraft, missions, bodies and centres (``extract/data/space_names.csv``
  plus the names the issue quoted), its mentions and the share labelled PERSON;
- person ids that still start with a title or headline word (``astronauts-satoshi-furukawa``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract.identity import load_titles, parse_person  # noqa: E402
from extract.names import fold  # noqa: E402

# The names issue 17 quoted: spacecraft, a lander, asteroids, a galaxy and a centre.
# People issue 17 quoted as written several ways.
ISSUE_SURNAMES = ("Williams", "Stafford", "Bolden", "Wilmore", "Bowersox", "Melroy")
QUOTED_SPACE_NAMES = ("Juno", "Dimorphos", "Andromeda", "Odysseus", "Bennu", "Didymos", "Marshall")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def space_names() -> list[str]:
    path = Path(__file__).resolve().parents[1] / "extract" / "data" / "space_names.csv"
    if not path.is_file():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [row["name"] for row in csv.DictReader(lines)]


def looks_like_a_person(name: str, parsed: object) -> bool:
    """Pairs worth counting: a surname and given names of letters ("Jane J. Lee", not
    "Gemini 2" or "Dawoon Kim et al")."""
    words = name.replace("’", "'").split()
    return (
        words[-1][:1].isupper()
        and all(g.isalpha() and len(g) > 1 for g in parsed.given)  # type: ignore[attr-defined]
        and parsed.surname.replace("'", "").replace("-", "").isalpha()  # type: ignore[attr-defined]
        and parsed.surname not in {"al"}  # type: ignore[attr-defined]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--show", type=int, default=40, help="how many of each list to print")
    args = parser.parse_args()
    rows = read(args.out_dir / "entities.csv")
    people = [r for r in rows if r["label"] == "PERSON"]

    # Batch id -> how it is written (multi-word mentions, titles left out) and in which documents.
    titles = load_titles()
    forms: dict[str, Counter] = defaultdict(Counter)
    docs: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for r in people:
        words = r["text"].split()
        while len(words) > 2 and fold(words[0].strip(".,")) in titles:
            words.pop(0)
        if len(words) > 1:
            forms[r["entity_id"]][" ".join(words)] += 1
        docs[r["entity_id"]].add(r["doc_id"])
        names[r["entity_id"]] = r["entity_name"]

    merged = sorted(
        (batch_id for batch_id, f in forms.items() if len(f) > 1 and len(docs[batch_id]) > 1),
        key=lambda b: (-len(forms[b]), -len(docs[b]), b),
    )
    print(f"People written two or more ways across documents, one id: {len(merged)}")
    for surname in ISSUE_SURNAMES:
        ids = sorted({b for b, n in names.items() if n.split()[-1:] == [surname] and len(docs[b]) > 1})
        print(f"  {surname}: " + "; ".join(f"{b} ({len(docs[b])} docs: {' | '.join(sorted(forms[b]))})" for b in ids))
    for batch_id in merged[: args.show]:
        print(f"  {batch_id:32} {len(docs[batch_id]):4} docs  {' | '.join(sorted(forms[batch_id]))}")

    # Multi-word person names by surname, one entry per batch id.
    by_surname: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for batch_id, name in sorted(names.items()):
        parsed = parse_person(name)
        if parsed is not None and looks_like_a_person(name, parsed):
            by_surname[parsed.surname].append((batch_id, parsed))
    apart: list[tuple[str, str]] = []
    alike: list[tuple[str, str]] = []
    for surname in sorted(by_surname):
        group = by_surname[surname]
        for i, (a, pa) in enumerate(group):
            for b, pb in group[i + 1 :]:
                if pa.agrees_with(pb):  # type: ignore[attr-defined]
                    alike.append((a, b))
                elif {g[0] for g in pa.given} & {g[0] for g in pb.given}:  # type: ignore[attr-defined]
                    alike.append((a, b))
                else:
                    apart.append((a, b))
    print(f"\nPeople sharing a surname kept apart (different given names): {len(apart)} pairs")
    for a, b in apart[: args.show]:
        print(f"  {names[a]!r:32} {names[b]!r}")
    print(f"\nPossible splits to read (same surname, given names alike, two ids): {len(alike)} pairs")
    for a, b in alike[: args.show]:
        print(f"  {names[a]!r:32} {names[b]!r}")

    print("\nNames of spacecraft, missions, bodies and centres: mentions, PERSON share")
    wanted = list(dict.fromkeys([*QUOTED_SPACE_NAMES, *space_names()]))
    by_text: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_text[r["text"]][r["label"]] += 1
    total = person = 0
    quoted_total = quoted_person = 0
    listed = []
    for name in wanted:
        labels = by_text.get(name, Counter())
        n = sum(labels.values())
        if not n:
            continue
        total += n
        person += labels["PERSON"]
        if name in QUOTED_SPACE_NAMES:
            quoted_total += n
            quoted_person += labels["PERSON"]
        listed.append((name, n, labels["PERSON"], labels.most_common(1)[0][0]))
    for name, n, p, top in sorted(listed, key=lambda x: (-x[2], -x[1], x[0]))[: args.show]:
        print(f"  {name:24} {n:5} mentions  PERSON {p:4} ({p / n:.0%})  mostly {top}")
    if total:
        print(f"  all {len(listed)} names found: {total} mentions, PERSON {person} ({person / total:.1%})")
    if quoted_total:
        print(f"  the issue's names ({', '.join(QUOTED_SPACE_NAMES)}): {quoted_total} mentions, PERSON {quoted_person} ({quoted_person / quoted_total:.1%})")

    glued = sorted({r["doc_entity_id"] for r in people if fold(r["doc_entity_id"].split("-")[0]) in titles})
    print(f"\nPerson ids (document level) that start with a title or headline word: {len(glued)}")
    for doc_entity_id in glued[: args.show]:
        print(f"  {doc_entity_id}")


if __name__ == "__main__":
    main()
