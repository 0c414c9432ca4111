"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import spacy

README = Path(__file__).resolve().parents[1] / "README.md"


def python_block(heading: str) -> str:
    """The first ```python block after a README heading."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, f"no python block after {heading!r}"
    return match.group(1)


def test_the_spacy_example_runs_and_its_saved_pipeline_loads(tmp_path: Path) -> None:
    code = python_block("## Use it from your own spaCy code")
    printed = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the example saves "my-pipeline" where it runs
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    # The example's sentence: a direct quote said by Yuri Borisov.
    assert "direct We will keep working with NASA, -> Yuri Borisov say" in printed.getvalue()
    doc = spacy.load(tmp_path / "my-pipeline")("“We will keep working with NASA,” Roscosmos head Yuri Borisov said on Tuesday.")
    assert [q.speaker_name for q in doc._.quotes] == ["Yuri Borisov"]


def test_the_notebook_example_gives_top_speakers(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extract.cli import app

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    result = CliRunner().invoke(app, ["run", str(raw / "roscosmos-iss-sanctions.txt"), "--out", str(tmp_path / "data" / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    code = python_block("### In a notebook")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope: dict = {}
        exec(compile(code, "README.md", "exec"), scope)
    finally:
        os.chdir(cwd)
    speakers = scope["t"].summary()["top_speakers"]
    # The seed article quotes Dmitry Rogozin, the head of Roscosmos, more than anyone else.
    assert speakers["speaker_entity_id"].iloc[0] == "dmitry-rogozin"
