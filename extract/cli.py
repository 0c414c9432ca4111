"""The `extract` command line: thin commands over plain, testable functions."""

from __future__ import annotations

import errno
import os
import sqlite3
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from extract import __version__
from extract.pipeline import DEFAULT_MODEL, ModelNotFound
from extract.stages.gazetteer import GazetteerError
from extract.store.tables import DocResult, table_rows

if TYPE_CHECKING:
    from extract.runner import RunSummary

# Help as plain text, as spaCy's CLI prints it: option help is never read as rich markup
# (which swallowed "[ray]"), and flags show no value type.
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Extract sentences, entities, quotes and relations from news articles.",
)
err_console = Console(stderr=True)

MODEL_OPTION = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Any installed spaCy pipeline: package name or folder.")
GAZETTEER_OPTION = typer.Option(
    None, "--gazetteer", "-g", exists=True, dir_okay=False, show_default="the bundled space-sector one", help="Gazetteer CSV."
)
LABEL_OPTION = typer.Option(
    None, "--label", metavar="LABEL", help="An entity label your gazetteer uses that the model lacks, such as MISSION (repeatable)."
)


class TableFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"news-extract {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    pass


# Exit codes of `extract run` (README, "Usage"): a script can tell them apart.
EXIT_FAILED_DOCUMENTS = 1  # the run finished; some documents are error rows
EXIT_USAGE = 2  # bad usage: missing input, model or gazetteer, --out naming a file, ...
EXIT_RUN_FAILED = 3  # the run itself could not finish: disk full, read-only output, locked, a bug
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
DEBUG_VARIABLE = "EXTRACT_DEBUG"  # set to 1 for the traceback of an unexpected error


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _not_a_folder(out: Path) -> Path | None:
    """The first existing path of ``out`` and its parents, when it is not a folder."""
    for path in (out, *out.parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def _run_failure(err: Exception, out: Path) -> str:
    """One line for an error that stopped a run (the traceback only with EXTRACT_DEBUG=1)."""
    if isinstance(err, sqlite3.Error):
        return f"the run could not finish: the result cache in {out / '.cache'} failed: {err}"
    if isinstance(err, OSError):
        if err.filename:
            where = f": {err.filename}"
        elif err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            where = f" (writing to {out})"
        else:
            where = ""
        return f"the run could not finish: {err.strerror or err}{where}"
    return f"the run could not finish: {type(err).__name__}: {err} (set {DEBUG_VARIABLE}=1 for the traceback)"


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., metavar="INPUT", help="Article files (.txt, .md, .jsonl, .csv) or folders (walked recursively)."),
    out: Path = typer.Option(Path("data/out"), "--out", "--output", "-o", help="Output folder for the tables."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
    labels: Optional[list[str]] = LABEL_OPTION,
    table_format: TableFormat = typer.Option(TableFormat.csv, "--format", help="Table files: csv, or parquet (needs the [parquet] extra)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, show_default="the number of cores", help="Worker processes."),
    force: bool = typer.Option(False, "--force", "-F", help="Reprocess every document instead of reusing results an earlier run stored in OUT/.cache."),
    max_chars: int = typer.Option(1_000_000, "--max-chars", min=1, help="Largest document accepted, in characters."),
    engine: str = typer.Option("local", "--engine", metavar="local|ray", help="local: processes on this machine; ray: a Ray cluster (needs the [ray] extra)."),
    address: Optional[str] = typer.Option(None, "--address", show_default="start a local Ray runtime", help="With --engine ray: the cluster to join."),
    spreadsheet_safe: bool = typer.Option(False, "--spreadsheet-safe", help="Mark CSV cells starting with = + - @ with a leading ' so spreadsheets do not run them as formulas."),
    ray_token_file: Optional[Path] = typer.Option(
        None, "--ray-token-file", exists=True, dir_okay=False,
        help="With --address: the cluster's token, for token authentication (default: RAY_AUTH_MODE and RAY_AUTH_TOKEN from the environment).",
    ),
) -> None:
    """Process articles into the tables of docs/schema.md.

    Exit codes: 0 every document was processed, 1 some failed (error rows), 2 bad usage,
    3 the run could not finish (nothing written over the previous tables), 130 interrupted.
    """
    from extract.counting import count_records
    from extract.engines.base import (  # imports neither Ray nor spaCy
        ENGINES,
        EngineError,
    )
    from extract.output_folders import InputError
    from extract.runner import RunOptions
    from extract.runner import run as run_batch
    from extract.store.lock import OutputLocked
    from extract.store.tables import ParquetUnavailable

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}")
    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}: use {' or '.join(ENGINES)}")
    blocking = _not_a_folder(out)
    if blocking is not None:
        _fail(f"--out must be a folder, but {blocking} is a file")
    if spreadsheet_safe and table_format is TableFormat.parquet:
        _fail("--spreadsheet-safe is for CSV files opened in a spreadsheet; Parquet cells are never run as formulas")
    if ray_token_file is not None and (engine != "ray" or address is None):
        _fail("--ray-token-file is for joining a cluster: use it with --engine ray --address ADDR")
    options = RunOptions(
        model=model,
        gazetteer=str(gazetteer) if gazetteer else None,
        workers=workers or os.cpu_count() or 1,
        force=force,
        max_chars=max_chars,
        engine=engine,
        address=address,
        spreadsheet_safe=spreadsheet_safe,
        table_format=table_format.value,
        labels=tuple(labels or ()),
        ray_token_file=str(ray_token_file) if ray_token_file else None,
    )
    other_languages: list[tuple[str, str]] = []  # (doc_id, language) of articles not in English
    with RunBar(err_console) as bar:

        def advance(result: DocResult, how: str) -> None:
            bar.advance(result, how)
            documents = table_rows(result, "documents")
            other_languages.extend((d["doc_id"], d.get("language", "")) for d in documents if d.get("language", "") not in ("", "en"))

        try:
            bar.set_total(count_records(inputs))
            summary = run_batch(inputs, out, options, progress=advance)
        except (ModelNotFound, GazetteerError, EngineError, InputError, ParquetUnavailable) as err:
            _fail(str(err))
        except OutputLocked as err:
            _fail(str(err), EXIT_RUN_FAILED)
        except KeyboardInterrupt:
            _fail(f"interrupted; finished documents are kept in {out / '.cache'}: run the same command again to resume", EXIT_INTERRUPTED)
        except Exception as err:
            # Every input fault is an error row by now: what is left is the environment (a
            # full disk, a read-only folder) or a bug. One line, a distinct exit code.
            if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
                raise
            _fail(_run_failure(err, out), EXIT_RUN_FAILED)
    _print_summary(summary)
    _print_other_languages(other_languages)
    if summary.failed:
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


class RunBar:
    """The progress bar of ``extract run`` on stderr: documents done of the total counted before
    the run, words per second of the documents parsed (not reused), elapsed time and time left."""

    def __init__(self, console: Console, total: int | None = None) -> None:
        self.bar = Progress(
            TextColumn("[bold]extract[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("docs"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("extract", total=total, rate="")
        self.words = 0

    def set_total(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def __enter__(self) -> RunBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def advance(self, result: DocResult, how: str) -> None:
        """One document written to the tables; ``how``: processed, reused or unreadable."""
        from extract.runner import PROCESSED, words_of

        task = self.bar.tasks[self.task]
        if how == PROCESSED:
            self.words += words_of(result)
        elapsed = task.elapsed or 0.0
        rate = f"{self.words / elapsed:,.0f} words/s" if self.words and elapsed > 0 else ""
        # The total is counted cheaply (CSV rows are estimated): never let the bar run past it.
        total = max(task.total or 0, task.completed + 1)
        self.bar.update(self.task, advance=1, total=total, rate=rate)


def summary_line(summary: RunSummary) -> str:
    """What a run did, in figures that hold for a cached run too: no words/s without parsing."""
    done = f"{summary.documents:,} documents ({summary.documents - summary.failed:,} ok, {summary.failed:,} failed) in {summary.seconds:.1f} s"
    processed = f"{summary.processed:,} processed"
    if summary.processed and summary.seconds > 0:
        processed += f" ({summary.words:,} words, {summary.words / summary.seconds:,.0f} words/s)"
    reused = f"{summary.reused:,} reused"
    if summary.reused:
        reused += f" from {summary.out_dir / '.cache'} (--force reprocesses them)"
    # Inputs that could not be read are error rows without parsing; a re-run reuses those too.
    unreadable = summary.documents - summary.processed - summary.reused
    return f"{done}: {processed}, {reused}" + (f", {unreadable:,} unreadable" if unreadable else "")


def _print_summary(summary: RunSummary) -> None:
    # The folder on a line of its own: as the table's title it wrapped to the table's width.
    err_console.print(f"extract run → {escape(str(summary.out_dir))}", highlight=False, soft_wrap=True)
    table = Table(show_header=True)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name in ("documents", "sentences", "entities", "catalog", "quotes", "relations"):
        table.add_row(name, f"{summary.counts.get(name, 0):,}")
    err_console.print(table)
    err_console.print(escape(summary_line(summary)), highlight=False, soft_wrap=True)
    for folder in summary.skipped[:10]:
        err_console.print(f"skipped {escape(folder)}: the output of an extract run, never read as input", highlight=False, soft_wrap=True)
    if len(summary.skipped) > 10:
        err_console.print(f"  … and {len(summary.skipped) - 10} more (listed in manifest.json, \"skipped\")")
    for doc_id, error in summary.errors[:20]:
        err_console.print(f"  [red]failed[/] {escape(doc_id)}: {escape(error)}", highlight=False)
    if len(summary.errors) > 20:
        err_console.print(f"  … and {len(summary.errors) - 20} more (see documents.csv, status=error)")


def _print_other_languages(documents: list[tuple[str, str]]) -> None:
    """Articles the English model processed but that are not in English: their rows are unreliable."""
    if not documents:
        return
    listed = ", ".join(f"{doc_id} ({language})" for doc_id, language in documents[:10])
    more = f" and {len(documents) - 10} more" if len(documents) > 10 else ""
    err_console.print(
        f"[yellow]not (only) in English[/]: {len(documents):,} document(s), processed with an English model "
        f"(column language of documents.csv): {escape(listed)}{more}",
        highlight=False,
    )


def _check_model_and_gazetteer(model: str, gazetteer: Path | None, labels: list[str] | None) -> None:
    """Bad usage (exit 2) for a model that is not there or a gazetteer label it does not know."""
    from extract.pipeline import check_gazetteer_labels, check_model
    from extract.stages.gazetteer import load_gazetteer

    try:
        check_model(model)
        check_gazetteer_labels(model, load_gazetteer(gazetteer), labels or ())
    except (ModelNotFound, GazetteerError) as err:
        _fail(str(err))


@app.command(short_help="Show one article's entities, quotes and speakers in the terminal.")
def show(
    file: Path = typer.Argument(..., metavar="ARTICLE", exists=True, dir_okay=False, help="One article (.txt/.md), or a .jsonl/.csv file."),
    doc: Optional[str] = typer.Option(None, "--doc", metavar="DOC_ID", show_default="the first", help="For a .jsonl/.csv file: the doc_id to show."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
    labels: Optional[list[str]] = LABEL_OPTION,
) -> None:
    """Render one article in the terminal with its entities, quotes and speakers."""
    from extract.process import Extractor
    from extract.readers import iter_records
    from extract.show import show as show_result

    _check_model_and_gazetteer(model, gazetteer, labels)
    records = list(iter_records([file]))
    chosen = [r for r in records if doc is None or r.doc_id == doc]
    if not chosen:
        _fail(f"no document {doc!r} in {file}; it has: {', '.join(r.doc_id for r in records[:10])}")
    record = chosen[0]
    if not record.ok:
        _fail(f"{record.doc_id}: {record.error}", code=1)
    try:
        extractor = Extractor(model, str(gazetteer) if gazetteer else None)
    except (ModelNotFound, GazetteerError) as err:
        _fail(str(err))
    result = next(extractor.process([record]))
    show_result(record.text, result, Console())


@app.command("eval", short_help="Score every stage on a gold set; the quality gate.")
def eval_command(
    gold_dir: Path = typer.Argument(..., metavar="GOLD_DIR", help="Gold folder: <doc_id>.txt + <doc_id>.json per article (see data/gold/README.md)."),
    report: Optional[Path] = typer.Option(None, "--report", dir_okay=False, help="Write the JSON report: metrics per stage and every document's misses and extras."),
    markdown_file: Optional[Path] = typer.Option(None, "--markdown", dir_okay=False, help="Write a Markdown summary for a CI job to post."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", dir_okay=False, help="Fail (exit 1) when a metric falls more than --tolerance below this baseline."),
    tolerance: float = typer.Option(0.01, "--tolerance", min=0.0, help="How far below the baseline a metric may fall."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0.0, max=1.0, help="Fail (exit 1) when any stage's F1 is under this."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", dir_okay=False, help="Save this run's metrics as the new baseline (after comparing with --baseline, if given)."),
    details: bool = typer.Option(False, "--details", "--verbose", "-v", help="Also print every document's missed and extra items."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", metavar="DOC_ID", help="Score only this doc_id (repeatable)."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
    labels: Optional[list[str]] = LABEL_OPTION,
) -> None:
    """Score every stage on a gold set; exit 1 on a quality regression, 2 on bad input."""
    from extract.evaluation.evaluate import (
        BaselineError,
        baseline_of,
        markdown,
        render,
        run_eval,
        write_json,
    )
    from extract.evaluation.gold import GoldError

    if not gold_dir.is_dir():
        _fail(f"gold folder not found: {gold_dir}")
    _check_model_and_gazetteer(model, gazetteer, labels)
    try:
        with err_console.status(f"scoring {gold_dir} …"):
            outcome = run_eval(
                gold_dir,
                model=model,
                gazetteer=str(gazetteer) if gazetteer else None,
                baseline=baseline,
                tolerance=tolerance,
                fail_under=fail_under,
                only=doc,
            )
    except (GoldError, BaselineError, ModelNotFound, GazetteerError) as err:
        _fail(str(err))
    render(outcome, Console(), details=details)
    if outcome.failures and baseline:
        err_console.print(
            f"If the change in scores is intended, refresh and commit the baseline: "
            f"extract eval {escape(str(gold_dir))} --write-baseline {escape(str(baseline))}",
            highlight=False,
            soft_wrap=True,
        )
    if report:
        write_json(report, outcome.report)
    if markdown_file:
        markdown_file.parent.mkdir(parents=True, exist_ok=True)
        markdown_file.write_text(markdown(outcome.report, outcome.failures, outcome.warnings, outcome.baseline, gated=outcome.gated), encoding="utf-8")
    if write_baseline:
        write_json(write_baseline, baseline_of(outcome.report))
        err_console.print(f"baseline written to {escape(str(write_baseline))}", highlight=False)
    raise typer.Exit(outcome.exit_code)


@app.command(short_help="Write a static site of a run's tables to read in a browser.")
def report(
    out_dir: Path = typer.Argument(..., metavar="OUT_DIR", help="A run's output folder (the tables `extract run` wrote)."),
    to: Optional[Path] = typer.Option(None, "--to", show_default="OUT_DIR/report", help="Folder for the report; an earlier report there is replaced."),
    open_: bool = typer.Option(False, "--open", help="Open the overview in the default web browser."),
) -> None:
    """Write a static site of the run's tables: overview, articles, speakers and entities."""
    from extract.report import ReportError, build_report

    try:
        summary = build_report(out_dir, to)
    except ReportError as err:
        _fail(str(err))
    err_console.print(
        f"report: {summary.pages:,} pages, {summary.bytes / 1e6:.1f} MB in {summary.seconds:.1f} s → {escape(str(summary.index))}",
        highlight=False,
        soft_wrap=True,
    )
    if open_:
        import webbrowser

        webbrowser.open(summary.index.resolve().as_uri())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
