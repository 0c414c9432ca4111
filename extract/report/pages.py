"""What each page of the report shows, worked out from a run's tables (no page is written here)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime
from html import escape
from typing import Any

from extract.report.charts import Node, Point, relation_graph, timeline, top_by_label
from extract.report.text import (
    ENTITY_RANK,
    PART_RANK,
    QUOTE_RANK,
    Mark,
    document_text,
    markup,
)
from extract.store.load import Tables

Row = dict[str, Any]

# Named entities get a page of their own when it says more than their one article does:
# seen in two documents or more, quoted, or in a relation. The others link to their article.
PAGE_MIN_DOCS = 2
GRAPH_NODES = 24
TOP_SPEAKERS = 15


def records(frame: Any) -> list[Row]:
    """DataFrame rows as dicts, with None (not pandas' NA) where a value is missing."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def by_doc(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["doc_id"]].append(row)
    return grouped


class FileNames:
    """Safe, unique file names for ids (doc ids hold slashes, any character really)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, key: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", key).strip("._")[:80] or "_"
        name, n = base, 1
        while name.lower() in self._taken:  # case-insensitive file systems
            n += 1
            name = f"{base}-{n}"
        self._taken.add(name.lower())
        return name + ".html"


def show_date(value: datetime | None) -> str:
    if value is None:
        return ""
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M}"


def safe_url(url: str) -> str:
    """The url when it is a web address, else "": a `javascript:` url in the input is not linked."""
    return url if re.match(r"https?://", url, re.IGNORECASE) else ""


class Site:
    """Indexes over a run's tables, and the context of every page of its report."""

    def __init__(self, tables: Tables) -> None:
        self.manifest = tables.manifest
        self.documents = records(tables.documents)
        self.sentences = by_doc(records(tables.sentences[["doc_id", "start_char", "text"]]))
        self.entity_rows = records(tables.entities[["doc_id", "mention_id", "start_char", "end_char", "text", "label", "entity_id", "entity_name"]])
        self.entities = by_doc(self.entity_rows)
        self.quote_rows = records(tables.quotes)
        self.quotes = by_doc(self.quote_rows)
        self.relation_rows = records(tables.relations)
        self.relations = by_doc(self.relation_rows)
        self.catalog = {row["entity_id"]: row for row in records(tables.catalog)}
        self.counts = {name: len(getattr(tables, name)) for name in ("sentences", "entities", "quotes", "relations")}

        self.quotes_by_speaker: dict[str, list[Row]] = defaultdict(list)
        for quote in self.quote_rows:
            if quote["speaker_entity_id"]:
                self.quotes_by_speaker[quote["speaker_entity_id"]].append(quote)
        self.relations_of: dict[str, list[Row]] = defaultdict(list)
        for relation in self.relation_rows:
            self.relations_of[relation["subject_entity_id"]].append(relation)
            if relation["object_entity_id"] != relation["subject_entity_id"]:
                self.relations_of[relation["object_entity_id"]].append(relation)

        names = FileNames()
        self.doc_page = {d["doc_id"]: "doc/" + names(d["doc_id"]) for d in self.documents}
        self.title = {d["doc_id"]: d["title"] or d["doc_id"] for d in self.documents}
        self.named = {entity_id for entity_id, row in self.catalog.items() if row["kind"] == "name"}
        names = FileNames()
        self.entity_page = {
            entity_id: "entity/" + names(entity_id)
            for entity_id, row in self.catalog.items()
            if entity_id in self.named
            and (row["n_docs"] >= PAGE_MIN_DOCS or entity_id in self.quotes_by_speaker or entity_id in self.relations_of)
        }
        # Per entity with a page: mentions in each document, and the first one (to link to it).
        self.mentions_in: dict[str, Counter[str]] = defaultdict(Counter)
        self.first_mention: dict[tuple[str, str], str] = {}
        self.first_doc: dict[str, str] = {}
        for row in self.entity_rows:
            self.first_mention.setdefault((row["entity_id"], row["doc_id"]), row["mention_id"])
            self.first_doc.setdefault(row["entity_id"], row["doc_id"])
            if row["entity_id"] in self.entity_page:
                self.mentions_in[row["entity_id"]][row["doc_id"]] += 1

    # Links are written relative to the report's root; pages in a folder prefix "../".

    def entity_link(self, entity_id: str) -> str:
        """The entity's page, or for a name without one, its first mention in its article."""
        if entity_id not in self.named:
            return ""
        if entity_id in self.entity_page:
            return self.entity_page[entity_id]
        doc = self.first_doc.get(entity_id)
        return f"{self.doc_page[doc]}#{self.first_mention[(entity_id, doc)]}" if doc else ""

    # ---- article pages -------------------------------------------------------------

    def article(self, doc: Row, prev: Row | None, next_: Row | None) -> dict[str, Any]:
        doc_id = doc["doc_id"]
        context: dict[str, Any] = {
            "doc": doc,
            "title": self.title[doc_id],
            "date": show_date(doc["date"]),
            "url": safe_url(doc["url"]),
            "prev": prev and {"href": self.doc_page[prev["doc_id"]], "title": self.title[prev["doc_id"]]},
            "next": next_ and {"href": self.doc_page[next_["doc_id"]], "title": self.title[next_["doc_id"]]},
            "quotes": [self._quote_view(q) for q in self.quotes.get(doc_id, [])],
            "relations": [self._relation_view(r) for r in self.relations.get(doc_id, [])],
        }
        if doc["status"] != "ok":
            return context
        text, origin = document_text(doc, self.sentences.get(doc_id, []))
        entities = self.entities.get(doc_id, [])
        context["origin"] = origin
        context["labels"] = sorted({e["label"] for e in entities})
        context["body"] = markup(text, self._marks(doc_id, entities, len(text)))
        return context

    def _marks(self, doc_id: str, entities: list[Row], length: int) -> list[Mark]:
        marks: list[Mark] = []
        parts: dict[tuple[int, int, str], list[str]] = defaultdict(list)
        for quote in self.quotes.get(doc_id, []):
            qid = quote["quote_id"]
            marks.append(
                Mark(
                    quote["start_char"], quote["end_char"], QUOTE_RANK, "span",
                    attrs={"class": f"quote {quote['kind']}", "id": qid},
                    more_attrs={"class": f"quote-more {quote['kind']}", "data-quote": qid},
                    tail=self._who(quote),
                )
            )
            if quote["speaker_start_char"] is not None:
                parts[(quote["speaker_start_char"], quote["speaker_end_char"], "spk")].append(qid)
            if quote["cue_start_char"] is not None:
                parts[(quote["cue_start_char"], quote["cue_end_char"], "cue")].append(qid)
        for (start, end, kind), qids in parts.items():
            role = "speaker" if kind == "spk" else "cue"
            attrs = {"class": kind, "title": f"{role} of {', '.join(qids)}"}
            marks.append(Mark(start, end, PART_RANK, "span", attrs=attrs, more_attrs=attrs))
        for entity in entities:
            # Kept short: an article's marks are most of the report's size.
            attrs = {"data-l": entity["label"]}
            href = self.entity_page.get(entity["entity_id"])
            if href:
                attrs["href"] = "../" + href
            if entity["entity_name"] != entity["text"]:
                attrs["title"] = entity["entity_name"]
            first = {**attrs}
            if self.first_mention[(entity["entity_id"], doc_id)] == entity["mention_id"] and entity["entity_id"] in self.named:
                first["id"] = entity["mention_id"]  # the target of links from entity pages
            tag = "a" if href else "mark"
            marks.append(Mark(entity["start_char"], entity["end_char"], ENTITY_RANK, tag, attrs=first, more_attrs=attrs))
        return [m for m in marks if 0 <= m.start and m.end <= length]

    def _who(self, quote: Row) -> str:
        """The label closing a quote in the text: its speaker (a link) and cue."""
        cue = f" · {escape(quote['cue'])}" if quote["cue"] else ""
        speaker = quote["speaker_entity_id"]
        if speaker and speaker in self.entity_page:
            name = f'<a href="../{escape(self.entity_page[speaker])}">{escape(quote["speaker_name"])}</a>'
        elif quote["speaker_text"]:
            name = f"<i>{escape(quote['speaker_text'])}</i>"
        else:
            name = "<i>no speaker</i>"
        return f'<span class="who">{name}{cue}</span>'

    def _quote_view(self, quote: Row) -> dict[str, Any]:
        return {
            **quote,
            "speaker_href": self.entity_page.get(quote["speaker_entity_id"], ""),
            "doc_href": self.doc_page[quote["doc_id"]],
            "doc_title": self.title[quote["doc_id"]],
        }

    def _relation_view(self, relation: Row) -> dict[str, Any]:
        return {
            **relation,
            "subject_href": self.entity_link(relation["subject_entity_id"]),
            "object_href": self.entity_link(relation["object_entity_id"]),
            "doc_href": self.doc_page[relation["doc_id"]],
            "doc_title": self.title[relation["doc_id"]],
        }

    # ---- entity pages --------------------------------------------------------------

    def entity(self, entity_id: str) -> dict[str, Any]:
        row = self.catalog[entity_id]
        relations = [self._relation_view(r) for r in self.relations_of.get(entity_id, [])]
        documents = [
            {
                "href": f"{self.doc_page[doc]}#{self.first_mention[(entity_id, doc)]}",
                "title": self.title[doc],
                "mentions": n,
            }
            for doc, n in self.mentions_in[entity_id].most_common()
        ]
        return {
            "entity": row,
            "aliases": [a for a in row["aliases"].split("|") if a],
            "quotes": [self._quote_view(q) for q in self.quotes_by_speaker.get(entity_id, [])],
            "outgoing": [r for r in relations if r["subject_entity_id"] == entity_id],
            "incoming": [r for r in relations if r["object_entity_id"] == entity_id and r["subject_entity_id"] != entity_id],
            "documents": documents,
        }

    # ---- lists and overview --------------------------------------------------------

    def speakers(self) -> list[dict[str, Any]]:
        rows = []
        for entity_id, quotes in self.quotes_by_speaker.items():
            kinds = Counter(q["kind"] for q in quotes)
            rows.append(
                {
                    "entity_id": entity_id,
                    "name": quotes[0]["speaker_name"],
                    "label": quotes[0]["speaker_label"],
                    "href": self.entity_page.get(entity_id, ""),
                    "quotes": len(quotes),
                    "direct": kinds["direct"],
                    "indirect": kinds["indirect"],
                    "documents": len({q["doc_id"] for q in quotes}),
                }
            )
        return sorted(rows, key=lambda r: (-r["quotes"], r["entity_id"]))

    def named_entities(self) -> list[dict[str, Any]]:
        rows = [{**row, "href": self.entity_link(row["entity_id"])} for row in self.catalog.values() if row["kind"] == "name"]
        return sorted(rows, key=lambda r: (-r["n_mentions"], r["entity_id"]))

    def overview(self) -> dict[str, Any]:
        ok = sum(1 for d in self.documents if d["status"] == "ok")
        named = self.named_entities()
        speakers = self.speakers()
        graph_nodes = [
            Node(r["entity_id"], r["entity_name"], r["label"], r["n_mentions"], r["href"])
            for r in named
            if r["entity_id"] in self.relations_of
        ][: GRAPH_NODES * 2]
        triples = [(r["subject_entity_id"], r["predicate"], r["object_entity_id"]) for r in self.relation_rows]
        candidates = {n.entity_id for n in graph_nodes}
        linked = {i for s, _, o in triples if s != o and s in candidates and o in candidates for i in (s, o)}
        graph_nodes = [n for n in graph_nodes if n.entity_id in linked][:GRAPH_NODES]
        points = [
            Point(d["date"], d["n_quotes"], f"{self.title[d['doc_id']]} ({show_date(d['date'])}): {d['n_quotes']} quotes", self.doc_page[d["doc_id"]])
            for d in self.documents
            if d["status"] == "ok" and d["date"] is not None
        ]
        return {
            "counts": {
                "documents": len(self.documents),
                "ok": ok,
                "failed": len(self.documents) - ok,
                **self.counts,
                "names": len(named),
                "attributed": sum(len(q) for q in self.quotes_by_speaker.values()),
                "speakers": len(speakers),
            },
            "top_entities": top_by_label(named),
            "top_speakers": speakers[:TOP_SPEAKERS],
            "graph": relation_graph(graph_nodes, triples),
            "timeline": timeline(points),
            "documents": [
                {**d, "href": self.doc_page[d["doc_id"]], "title": self.title[d["doc_id"]], "date": show_date(d["date"])}
                for d in self.documents
            ],
        }
