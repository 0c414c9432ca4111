"""`extract report`: pages built from a real run, checked as HTML and in a real headless browser."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import SharedPipeline
from typer.testing import CliRunner

from extract import load
from extract.cli import app
from extract.pipeline import DEFAULT_MODEL
from extract.report import ReportError, build_report
from extract.report.text import Mark, document_text, markup, read_source, rebuild_text
from extract.runner import RunOptions, run

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ARTICLE = (
    "Rocket lab shows odd markup\n\n"
    f"NASA engineer Jane Porter said the test page printed {SCRIPT} on every screen. "
    f"“We saw {SCRIPT} and laughed,” Porter said on Tuesday.\n"
)
# The browser flags this machine needs (no sandbox as root, nothing fetched in the background).
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


class Page(HTMLParser):
    """What a page holds: its text, its elements (tag, attributes), ids and links; checks nesting."""

    VOID = {"meta", "link", "br", "input", "img", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.codes: list[str] = []
        self.tables: list[str] = []  # ids of the tables open
        self.links_in: dict[str, list[str]] = {}  # table id -> the links in it
        self.stack: list[str] = []
        self.in_label: list[bool] = []  # per open element: inside a label drawn into the article
        self.article: list[str] = []  # the article's own text, without those labels
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
            if self.tables:
                self.links_in.setdefault(self.tables[-1], []).append(values["href"])
        if tag == "table":
            self.tables.append(values.get("id", ""))
        if tag not in self.VOID:
            self.stack.append(tag)
            self.in_label.append(self.labelled or "who" in values.get("class", "").split())

    @property
    def labelled(self) -> bool:
        """Inside a label (a quote's speaker and cue) drawn into the text, not the text itself."""
        return bool(self.in_label) and self.in_label[-1]

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()
            self.in_label.pop()

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        self.in_label.pop()
        if tag == "table":
            self.tables.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        if self.stack and self.stack[-1] == "code":
            self.codes.append(data)
        self.text.append(data)
        if "article" in self.stack and not self.labelled:
            self.article.append(data)

    def having(self, cls: str) -> list[dict[str, str]]:
        return [attrs for _, attrs in self.elements if cls in attrs.get("class", "").split()]


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


# ---- marking up text --------------------------------------------------------------------


def quote(start: int, end: int, qid: str) -> Mark:
    return Mark(start, end, 0, "span", {"class": "quote", "id": qid}, {"class": "quote-more"}, tail='<span class="who">x</span>')


def entity(start: int, end: int, label: str) -> Mark:
    return Mark(start, end, 1, "mark", {"data-l": label}, {"data-l": label})


def test_markup_keeps_crossing_spans_well_formed_with_one_element_per_quote():
    text = "He said the agency would keep working with NASA until 2028, she said."
    # q1 starts inside q0 and ends after it (the pipeline writes such pairs); NASA crosses q0's end.
    marks = [quote(8, 47, "q0"), quote(12, 58, "q1"), entity(43, 53, "ORG"), entity(54, 58, "DATE")]
    page = Page(f"<article>{markup(text, marks)}</article>")  # asserts that every element closes in order
    assert [a["id"] for a in page.having("quote")] == ["q0", "q1"]
    assert len(page.having("quote-more")) >= 1
    assert "".join(page.article) == text  # each character once, in order
    assert len(page.having("who")) == 2  # each quote's speaker label, once


def test_markup_escapes_markup_in_the_text():
    text = f'A {SCRIPT} & "quotes" <b>bold</b>'
    html = markup(text, [entity(2, 27, "ORG")])
    assert "<script" not in html and "<b>" not in html
    assert "".join(Page(html).text) == text


def test_rebuilt_text_puts_every_sentence_at_its_offsets():
    sentences = [{"start_char": 2, "text": "One."}, {"start_char": 7, "text": "Two."}, {"start_char": 14, "text": "Three."}]
    text = rebuild_text(22, sentences)
    assert len(text) == 22
    for sentence in sentences:
        assert text[sentence["start_char"] : sentence["start_char"] + len(sentence["text"])] == sentence["text"]
    assert text[11:14].startswith("\n\n") and text[6] == " "


# ---- a real run ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_run(tmp_path_factory, extractor):
    """The pipeline on the bundled articles plus one holding a script tag and one empty file,
    and its report written by `extract report`."""
    root = tmp_path_factory.mktemp("report")
    extra = root / "extra"
    extra.mkdir()
    (extra / "script-article.txt").write_text(SCRIPT_ARTICLE, encoding="utf-8")
    (extra / "empty.txt").write_text("  \n", encoding="utf-8")
    out = root / "out"
    run([RAW, extra], out, RunOptions(model=DEFAULT_MODEL, workers=1), extractor_factory=SharedPipeline(extractor))
    result = CliRunner().invoke(app, ["report", str(out), "--to", str(root / "site")])
    assert result.exit_code == 0, result.output
    return out, root / "site", load(out)


def doc_pages(site: Path, tables) -> dict[str, Path]:
    """doc_id -> its page, found from the overview's document table (not from the code's naming)."""
    links = parse(site / "index.html").links_in["documents-table"]
    assert len(links) == len(tables.documents)
    return dict(zip(tables.documents["doc_id"], (site / href for href in links)))


def test_every_link_of_every_page_resolves(report_run):
    _, site, _ = report_run
    pages = {path: parse(path) for path in site.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            if href.startswith(("http://", "https://")):
                continue
            target, _, fragment = href.partition("#")
            resolved = (path.parent / unquote(target)).resolve() if target else path
            assert resolved in pages, f"{path.relative_to(site)}: {href} leads nowhere"
            if fragment:
                assert fragment in pages[resolved].ids, f"{path.relative_to(site)}: {href} has no #{fragment}"
            checked += 1
    assert checked > 100


def test_article_pages_show_the_article_text_and_one_element_per_quote(report_run):
    _, site, tables = report_run
    pages = doc_pages(site, tables)
    quotes = tables.quotes.groupby("doc_id")["quote_id"].apply(list).to_dict()
    origins = Counter()
    for doc in tables.documents.to_dict("records"):
        page = parse(pages[doc["doc_id"]])
        if doc["status"] != "ok":
            assert page.having("error") and doc["error"] in "".join(page.text)
            continue
        text, origin = document_text(doc, tables.sentences[tables.sentences["doc_id"] == doc["doc_id"]].to_dict("records"))
        origins[origin] += 1
        assert [a["id"] for a in page.having("quote")] == quotes.get(doc["doc_id"], [])
        # The article shows every sentence, and every entity at its offsets in the text.
        body = "".join(page.article)
        assert " ".join(body.split()) == " ".join(text.split())
        for sentence in tables.sentences[tables.sentences["doc_id"] == doc["doc_id"]]["text"]:
            assert sentence in body
        for row in tables.entities[tables.entities["doc_id"] == doc["doc_id"]].itertuples():
            assert text[row.start_char : row.end_char] == row.text
    # The .txt/.md articles come from their files, the CSV records are rebuilt from sentences.
    assert origins["source"] >= 5 and origins["sentences"] >= 5


def test_a_changed_source_file_is_not_used(report_run, tmp_path):
    _, _, tables = report_run
    doc = tables.documents[tables.documents["source"].str.endswith("script-article.txt")].iloc[0].to_dict()
    assert read_source(doc) == SCRIPT_ARTICLE
    copy = tmp_path / "script-article.txt"
    copy.write_text(SCRIPT_ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")
    assert read_source({**doc, "source": str(copy)}) is None


def test_speaker_pages_list_every_quote_of_the_speaker(report_run):
    _, site, tables = report_run
    links = parse(site / "speakers.html").links_in["speakers-table"]
    spoken = tables.quotes[tables.quotes["speaker_entity_id"] != ""]
    assert len(links) == spoken["speaker_entity_id"].nunique() > 5
    for href in links:
        page = parse(site / href)
        entity_id = page.codes[0]
        assert len(page.having("qtext")) == int((spoken["speaker_entity_id"] == entity_id).sum()), entity_id


def test_report_replaces_an_earlier_report_but_no_other_folder(report_run, tmp_path):
    out, _, _ = report_run
    target = tmp_path / "site"
    build_report(out, target)
    (target / "stale.html").write_text("old", encoding="utf-8")
    build_report(out, target)
    assert not (target / "stale.html").exists() and (target / "index.html").is_file()
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ReportError):
        build_report(out, other)
    assert (other / "mine.txt").read_text(encoding="utf-8") == "keep"
    result = CliRunner().invoke(app, ["report", str(tmp_path / "no-run")])
    assert result.exit_code == 2


# ---- in a real browser ----------------------------------------------------------------------


def chromium_path() -> str | None:
    return os.environ.get("EXTRACT_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium (Debian's package, installed by .ci/run). Outside CI a missing browser
    skips the browser tests; in CI (CI set) it fails them."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        message = "Chromium or the playwright package is missing (apt-get install chromium; pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        yield context
        context.close()


def artifacts_dir() -> Path:
    path = Path(os.environ.get("EXTRACT_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "extract-test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_report_in_a_browser(report_run, browser):
    _, site, tables = report_run
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))

    def visit(path: Path) -> None:
        page.goto(path.as_uri())
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlparse(href)
            if url.scheme == "file":
                assert Path(unquote(url.path)).is_file(), f"{path.name}: {href} leads nowhere"

    visit(site / "index.html")
    page.screenshot(path=str(artifacts_dir() / "report-overview.png"), full_page=True)
    # The filter box hides the documents that do not match.
    rows = "#documents-table tbody tr"
    assert page.locator(rows).count() == len(tables.documents)
    page.fill("input[data-filter=documents-table]", "wikinews")
    wikinews = int(tables.documents["doc_id"].str.contains("wikinews").sum())
    assert page.locator(f"{rows}:not([hidden])").count() == wikinews < len(tables.documents)
    assert page.inner_text("#documents-table-count") == str(wikinews)

    quotes = tables.quotes.groupby("doc_id").size().to_dict()
    for doc_id, path in doc_pages(site, tables).items():
        visit(path)
        assert page.locator("article.text .quote").count() == quotes.get(doc_id, 0), doc_id
        if doc_id == "nasa_article_17":
            page.screenshot(path=str(artifacts_dir() / "report-article.png"), full_page=True)
        if doc_id == "script-article":
            body = page.inner_text("article.text")
            assert body.count(SCRIPT) == 2
            assert all("alert" not in s for s in page.eval_on_selector_all("script", "ss => ss.map(s => s.textContent)"))
    for name in ("speakers.html", "entities.html"):
        visit(site / name)
    speaker = page.locator("#entities-table a").first.get_attribute("href")
    visit(site / speaker)
    assert problems == []
    assert (artifacts_dir() / "report-overview.png").stat().st_size > 10_000
