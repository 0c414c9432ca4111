"""The `extract` command line: thin commands over plain, testable functions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from extract.pipeline import DEFAULT_MODEL, ModelNotFound
from extract.store.tables import DocResult, table_rows
from extract.stages.gazetteer import GazetteerError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Extract sentences, entities, quotes and relations from news articles.")
err_console = Console(stderr=True)

MODEL_OPTION = typer.Option(DEFAULT_MODEL, "--model", help="Any installed spaCy pipeline (package name or path).")
GAZETTEER_OPTION = typer.Option(None, "--gazetteer", exists=True, dir_okay=False, help="Gazetteer CSV (default: the bundled space-sector one).")


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Article files (.txt, .md, .jsonl, .csv) or folders (walked recursively)."),
    out: Path = typer.Option(Path("data/out"), "--out", "-o", help="Output folder for the tables."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", min=1, help="Worker processes (default: the number of cores)."),
    force: bool = typer.Option(False, "--force", help="Reprocess every document instead of reusing results an earlier run stored in OUT/.cache."),
    max_chars: int = typer.Option(1_000_000, "--max-chars", min=1, help="Largest document accepted, in characters."),
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or ray (a Ray cluster; needs the [ray] extra)."),
    address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: the cluster to join (default: start a local Ray runtime)."),
    ray_token_file: Optional[Path] = typer.Option(
        None, "--ray-token-file", exists=True, dir_okay=False,
        help="With --address: the cluster's token, for token authentication (default: RAY_AUTH_MODE and RAY_AUTH_TOKEN from the environment).",
    ),
) -> None:
    """Process articles into the CSV tables of SCHEMA.md."""
    from extract.engines.base import ENGINES, EngineError  # imports neither Ray nor spaCy
    from extract.runner import RunOptions
    from extract.runner import run as run_batch

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}")
    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}: use {' or '.join(ENGINES)}")
    if ray_token_file is not None and (engine != "ray" or address is None):
        _fail("--ray-token-file is for joining a cluster: use it with --engine ray --address ADDR")
    options = RunOptions(
        model=model,
        gazetteer=str(gazetteer) if gazetteer else None,
        workers=workers,
        force=force,
        max_chars=max_chars,
        engine=engine,
        address=address,
        ray_token_file=str(ray_token_file) if ray_token_file else None,
    )
    words = 0
    with Progress(
        TextColumn("[bold]extract[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("docs"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("extract", total=None, rate="")

        def advance(result: DocResult) -> None:
            nonlocal words
            words += sum(len(s["text"].split()) for s in table_rows(result, "sentences"))
            elapsed = bar.tasks[task].elapsed or 0.0
            bar.update(task, advance=1, rate=f"{words / elapsed:,.0f} words/s" if elapsed > 0 else "")

        try:
            summary = run_batch(inputs, out, options, progress=advance)
        except (ModelNotFound, GazetteerError, EngineError) as err:
            _fail(str(err))
    summary.words = words
    _print_summary(summary)
    if summary.failed:
        raise typer.Exit(1)


def _print_summary(summary) -> None:
    table = Table(title=f"extract run → {summary.out_dir}", show_header=True)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name in ("documents", "sentences", "entities", "catalog", "quotes", "relations"):
        table.add_row(name, f"{summary.counts.get(name, 0):,}")
    err_console.print(table)
    rate = summary.words / summary.seconds if summary.seconds else 0.0
    err_console.print(
        f"{summary.documents:,} documents ({summary.documents - summary.failed:,} ok, {summary.failed:,} failed), "
        f"{summary.words:,} words in {summary.seconds:.1f} s ({rate:,.0f} words/s)",
        highlight=False,
    )
    if getattr(summary, "reused", 0):
        err_console.print(
            f"{summary.reused:,} reused unchanged from an earlier run ({escape(str(summary.out_dir / '.cache'))}; --force reprocesses them)",
            highlight=False,
        )
    for doc_id, error in summary.errors[:20]:
        err_console.print(f"  [red]failed[/] {escape(doc_id)}: {escape(error)}", highlight=False)
    if len(summary.errors) > 20:
        err_console.print(f"  … and {len(summary.errors) - 20} more (see documents.csv, status=error)")


@app.command()
def show(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="One article (.txt/.md), or a .jsonl/.csv file."),
    doc: Optional[str] = typer.Option(None, "--doc", help="For a .jsonl/.csv file: the doc_id to show (default: the first)."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
) -> None:
    """Render one article in the terminal with its entities, quotes and speakers."""
    from extract.process import Extractor
    from extract.readers import iter_records
    from extract.show import show as show_result

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


@app.command("eval")
def eval_command(
    gold_dir: Path = typer.Argument(..., help="Gold folder: <doc_id>.txt + <doc_id>.json per article (see data/gold/README.md)."),
    report: Optional[Path] = typer.Option(None, "--report", dir_okay=False, help="Write the JSON report: metrics per stage and every document's misses and extras."),
    markdown_file: Optional[Path] = typer.Option(None, "--markdown", dir_okay=False, help="Write a Markdown summary for a CI job to post."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", dir_okay=False, help="Fail (exit 1) when a metric falls more than --tolerance below this baseline."),
    tolerance: float = typer.Option(0.01, "--tolerance", min=0.0, help="How far below the baseline a metric may fall."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0.0, max=1.0, help="Fail (exit 1) when any stage's F1 is under this."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", dir_okay=False, help="Save this run's metrics as the new baseline (after comparing with --baseline, if given)."),
    details: bool = typer.Option(False, "--details", "--verbose", "-v", help="Also print every document's missed and extra items."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Score only this doc_id (repeatable)."),
    model: str = MODEL_OPTION,
    gazetteer: Optional[Path] = GAZETTEER_OPTION,
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
