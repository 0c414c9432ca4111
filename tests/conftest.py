"""Shared fixtures: one loaded pipeline for the whole test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import extract.process
from extract.pipeline import DEFAULT_MODEL
from extract.process import Extractor
from extract.readers import Record
from extract.store.tables import DocResult

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def process(extractor: Extractor):
    """Run the whole pipeline on one text: ``process(text) -> DocResult`` (rows per table)."""

    def _process(text: str, doc_id: str = "doc") -> DocResult:
        return next(extractor.process([Record(doc_id, "test", text=text)]))

    return _process


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (DATA / "roscosmos-iss-sanctions.txt").read_text(encoding="utf-8")


@pytest.fixture
def shared_pipeline(monkeypatch: pytest.MonkeyPatch, extractor) -> list[str]:
    """Runs in this process reuse the session's pipeline; returns the list of loads."""
    loads: list[str] = []

    def factory(model: str, gazetteer=None, *, batch_size: int = 32):
        loads.append(model)
        return extractor

    monkeypatch.setattr(extract.process, "Extractor", factory)
    return loads
