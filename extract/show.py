"""Render one article in the terminal: entities coloured by label, quotes with their speakers."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from extract.store.tables import DocResult

LABEL_STYLES = {
    "PERSON": "bold magenta",
    "ORG": "bold cyan",
    "GPE": "bold green",
    "LOC": "green",
    "FAC": "bold yellow",
    "PRODUCT": "bold blue",
    "NORP": "dark_orange",
    "EVENT": "bold red",
}
OTHER_STYLE = "dim underline"
QUOTE_STYLE = "italic"


def render(text: str, result: DocResult) -> Group:
    """A rich renderable of the article with its entities and quotes."""
    body = Text(text)
    for quote in result.get("quotes", []):
        body.stylize(QUOTE_STYLE, quote["start_char"], quote["end_char"])
    for entity in result.get("entities", []):
        body.stylize(LABEL_STYLES.get(entity["label"], OTHER_STYLE), entity["start_char"], entity["end_char"])
    document = result["documents"][0]
    legend = Text("  ").join(Text(label, style=style) for label, style in LABEL_STYLES.items())
    parts: list = [Panel(body, title=document.get("title") or document["doc_id"], subtitle=legend)]
    quotes = result.get("quotes", [])
    if quotes:
        table = Table(title="Quotes", show_lines=True, expand=True)
        table.add_column("#", justify="right")
        table.add_column("kind")
        table.add_column("speaker")
        table.add_column("cue")
        table.add_column("quote", ratio=1)
        for n, quote in enumerate(quotes, start=1):
            speaker = quote["speaker_name"] or quote["speaker_text"] or "(unknown)"
            if quote["speaker_text"] and quote["speaker_text"] != speaker:
                speaker = f"{speaker} ({quote['speaker_text']})"
            table.add_row(str(n), quote["kind"], speaker, quote["cue"], quote["text"])
        parts.append(table)
    relations = result.get("relations", [])
    if relations:
        table = Table(title="Relations", expand=True)
        for column in ("type", "subject", "predicate", "object", "negated"):
            table.add_column(column)
        for rel in relations:
            table.add_row(
                rel["relation_type"], rel["subject_name"], rel["predicate"], rel["object_name"], "not" if rel["negated"] else ""
            )
        parts.append(table)
    return Group(*parts)


def show(text: str, result: DocResult, console: Console | None = None) -> None:
    (console or Console()).print(render(text, result))
