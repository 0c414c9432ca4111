"""Write the report: every page of a run into a folder that opens from disk, no server, no network."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from extract.report.charts import LABEL_COLORS, label_css
from extract.report.pages import Site
from extract.store.load import load

PACKAGE = Path(__file__).parent
# Written in every report folder: a folder holding it may be replaced by the next report.
MARKER = ".extract-report"


class ReportError(Exception):
    """The report cannot be written (no run in the folder, a target that is not a report)."""


@dataclass
class ReportSummary:
    to: Path
    pages: int
    bytes: int
    seconds: float

    @property
    def index(self) -> Path:
        return self.to / "index.html"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE / "templates"),
        # Every value is escaped unless marked safe: article text can hold any markup.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    script = (PACKAGE / "assets" / "filter.js").read_text(encoding="utf-8")
    env.globals["filter_script"] = Markup(script)
    # The page's Content-Security-Policy lets this script run and no other.
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    env.globals["script_hash"] = f"sha256-{digest}"
    env.globals["label_colors"] = LABEL_COLORS
    env.filters["n"] = lambda value: f"{value:,}"
    return env


def build_report(out_dir: str | Path, to: str | Path | None = None) -> ReportSummary:
    """Write the report of the run in ``out_dir`` to ``to`` (default ``out_dir/report``).

    The pages are written to a new folder next to ``to`` and moved into place at the end, so
    a report is never half written; a folder already at ``to`` is replaced only when it is
    an earlier report.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    target = Path(to) if to is not None else out_dir / "report"
    if target.exists() and not (target / MARKER).is_file() and (not target.is_dir() or any(target.iterdir())):
        raise ReportError(f"{target} exists and is not an extract report; choose another --to")
    try:
        tables = load(out_dir)
    except FileNotFoundError as err:
        raise ReportError(str(err)) from err
    site = Site(tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        pages = write_pages(site, work)
        (work / MARKER).write_text(json.dumps({"out_dir": str(out_dir)}) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return ReportSummary(target, pages, size, time.perf_counter() - started)


def write_pages(site: Site, root: Path) -> int:
    """Every page of the report under ``root``; returns how many."""
    env = environment()
    (root / "assets").mkdir()
    css = (PACKAGE / "assets" / "report.css").read_text(encoding="utf-8") + label_css()
    (root / "assets" / "report.css").write_text(css, encoding="utf-8")
    (root / "doc").mkdir()
    (root / "entity").mkdir()
    common = {"manifest": site.manifest}
    pages = 0

    def write(name: str, template: jinja2.Template, **context: Any) -> None:
        nonlocal pages
        up = "../" if "/" in name else ""
        (root / name).write_text(template.render(root=up, **common, **context), encoding="utf-8")
        pages += 1

    write("index.html", env.get_template("overview.html"), page="overview", **site.overview())
    write("speakers.html", env.get_template("speakers.html"), page="speakers", speakers=site.speakers())
    write("entities.html", env.get_template("entities.html"), page="entities", entities=site.named_entities())
    article = env.get_template("article.html")
    docs = site.documents
    for i, doc in enumerate(docs):
        context = site.article(doc, docs[i - 1] if i else None, docs[i + 1] if i + 1 < len(docs) else None)
        write(site.doc_page[doc["doc_id"]], article, page="article", **context)
    entity = env.get_template("entity.html")
    for entity_id, name in site.entity_page.items():
        write(name, entity, page="entity", **site.entity(entity_id))
    return pages
