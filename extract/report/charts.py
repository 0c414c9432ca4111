"""Charts drawn here as inline SVG: no script, no library, the same bytes for the same tables.

The relation graph puts its nodes on a circle (ordered by label, then mentions) and draws
each pair's relations as one curved edge. A circle needs no layout library and never
overlaps labels for the couple of dozen nodes shown; a force layout would read better for
hundreds of nodes but is not worth a script or a dependency at this size.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

# displaCy's entity colours (spaCy, MIT licence), so highlights look as analysts know them.
LABEL_COLORS = {
    "ORG": "#7aecec",
    "PRODUCT": "#bfeeb7",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "PERSON": "#aa9cfc",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "EVENT": "#ffeb80",
    "LAW": "#ff8197",
    "LANGUAGE": "#ff8197",
    "WORK_OF_ART": "#f0d0ff",
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
    "MONEY": "#e4e7d2",
    "QUANTITY": "#e4e7d2",
    "ORDINAL": "#e4e7d2",
    "CARDINAL": "#e4e7d2",
    "PERCENT": "#e4e7d2",
}
OTHER_COLOR = "#ddd"


def label_css() -> str:
    """CSS giving each label its colour, for highlights, legends and chart bars."""
    rules = [f'[data-l="{label}"]{{--c:{color}}}' for label, color in LABEL_COLORS.items()]
    return "\n".join(rules) + "\n"


def color(label: str) -> str:
    return LABEL_COLORS.get(label, OTHER_COLOR)


@dataclass
class Node:
    entity_id: str
    name: str
    label: str
    mentions: int
    href: str


@dataclass
class Edge:
    a: str
    b: str
    count: int = 0
    predicates: Counter = field(default_factory=Counter)


def relation_graph(nodes: list[Node], relations: list[tuple[str, str, str]], width: int = 700, height: int = 480) -> str:
    """SVG of the relations (subject id, predicate, object id) between ``nodes``; "" when none."""
    ids = {n.entity_id for n in nodes}
    edges: dict[tuple[str, str], Edge] = {}
    for subject, predicate, obj in relations:
        if subject == obj or subject not in ids or obj not in ids:
            continue
        a, b = sorted((subject, obj))
        edge = edges.setdefault((a, b), Edge(a, b))
        edge.count += 1
        edge.predicates[predicate] += 1
    linked = {i for pair in edges for i in pair}
    shown = sorted((n for n in nodes if n.entity_id in linked), key=lambda n: (n.label, -n.mentions, n.entity_id))
    if not shown:
        return ""
    cx0, cy0 = width / 2, height / 2
    radius = min(height / 2 - 20, width / 2 - 140)  # labels go sideways: leave them room
    where: dict[str, tuple[float, float, float]] = {}
    for i, node in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        where[node.entity_id] = (cx0 + radius * math.cos(angle), cy0 + radius * math.sin(angle), angle)
    most = max(n.mentions for n in shown)
    names = {n.entity_id: n.name for n in shown}
    out = [f'<svg class="graph" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="relations between the most-mentioned entities">']
    for edge in sorted(edges.values(), key=lambda e: (e.count, e.a, e.b)):
        x1, y1, _ = where[edge.a]
        x2, y2, _ = where[edge.b]
        # Curve towards the centre, like a chord diagram: crossings stay readable.
        cx, cy = (x1 + x2) / 4 + cx0 / 2, (y1 + y2) / 4 + cy0 / 2
        stroke = 1 + math.log2(edge.count)
        what = ", ".join(f"{p} ({n})" if n > 1 else p for p, n in edge.predicates.most_common(4))
        title = f"{names[edge.a]} – {names[edge.b]}: {edge.count} relation{'s' * (edge.count != 1)}: {what}"
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" stroke-width="{stroke:.1f}">'
            f"<title>{escape(title)}</title></path>"
        )
    for node in shown:
        x, y, angle = where[node.entity_id]
        r = 4 + 10 * math.sqrt(node.mentions / most)
        right = math.cos(angle) >= -1e-9
        lx = x + (r + 4) * (1 if right else -1)
        out.append(
            f'<a href="{escape(node.href)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color(node.label)}">'
            f"<title>{escape(node.name)} ({escape(node.label)}, {node.mentions:,} mentions)</title></circle>"
            f'<text x="{lx:.1f}" y="{y + 4:.1f}" text-anchor="{"start" if right else "end"}">{escape(_short(node.name))}</text></a>'
        )
    out.append("</svg>")
    return "".join(out)


def _short(name: str, width: int = 22) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


@dataclass
class Point:
    when: datetime
    value: int
    title: str
    href: str


def timeline(points: list[Point], width: int = 760, height: int = 220) -> str:
    """SVG scatter of quotes per document against the document's date; "" with no dated document."""
    if not points:
        return ""
    left, right, top, bottom = 40, 20, 12, 30
    first = min(p.when for p in points)
    last = max(p.when for p in points)
    span = (last - first).total_seconds() or 1.0
    most = max(1, max(p.value for p in points))

    def x(when: datetime) -> float:
        if last == first:
            return left + (width - left - right) / 2
        return left + (width - left - right) * (when - first).total_seconds() / span

    def y(value: float) -> float:
        return height - bottom - (height - top - bottom) * value / most

    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="quotes per document over time">']
    out.append(f'<line class="axis" x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}"/>')
    for tick in sorted({0, most // 2, most}):
        out.append(f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    stamps = [first] if last == first else [first, first + (last - first) / 2, last]
    for n, stamp in enumerate(stamps):
        anchor = "start" if n == 0 and len(stamps) > 1 else "end" if n == len(stamps) - 1 and len(stamps) > 1 else "middle"
        out.append(f'<text class="tick" x="{x(stamp):.1f}" y="{height - 8}" text-anchor="{anchor}">{stamp:%Y-%m-%d}</text>')
    for point in sorted(points, key=lambda p: (p.when, p.href)):
        out.append(
            f'<a href="{escape(point.href)}"><circle cx="{x(point.when):.1f}" cy="{y(point.value):.1f}" r="4">'
            f"<title>{escape(point.title)}</title></circle></a>"
        )
    out.append("</svg>")
    return "".join(out)


def top_by_label(rows: list[dict], per_label: int = 8, labels: int = 6) -> dict[str, list[dict]]:
    """The ``per_label`` most-mentioned rows of each of the ``labels`` commonest labels."""
    by_label: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_label[row["label"]].append(row)
    commonest = sorted(by_label, key=lambda label: (-sum(r["n_mentions"] for r in by_label[label]), label))[:labels]
    return {
        label: sorted(by_label[label], key=lambda r: (-r["n_mentions"], r["entity_id"]))[:per_label]
        for label in commonest
    }
