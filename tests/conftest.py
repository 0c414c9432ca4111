"""Shared fixtures: one loaded pipeline for the whole test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.pipeline import DEFAULT_MODEL
from extract.process import Extractor
from extract.readers import Record
from extract.stages.entities import CanonicalEntities
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


class SharedPipeline:
    """An extractor factory that hands out the session's pipeline and counts the loads it saves."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        self.loads = 0

    def __call__(self) -> Extractor:
        self.loads += 1
        return self.extractor


@pytest.fixture
def shared_pipeline(extractor: Extractor) -> SharedPipeline:
    """Pass as ``run(..., extractor_factory=shared_pipeline)``: runs in this process reuse the
    session's pipeline, and ``shared_pipeline.loads`` says how often an engine asked for one.
    (Not picklable: for in-process runs only, not a pool of worker processes.)"""
    return SharedPipeline(extractor)


def bare_canonical_entities(folder: Path, forenames: str = "") -> CanonicalEntities:
    """The canonical-entities component with the bundled name heads and titles only: the given
    forenames (none by default), no space names and an empty gazetteer, as files in ``folder``."""
    (folder / "forenames.txt").write_text(forenames, encoding="utf-8")
    (folder / "space_names.csv").write_text("name,label,id\n", encoding="utf-8")
    (folder / "gazetteer.csv").write_text("id,name,label\n", encoding="utf-8")
    return CanonicalEntities(
        forenames_path=str(folder / "forenames.txt"),
        gazetteer_path=str(folder / "gazetteer.csv"),
        space_names_path=str(folder / "space_names.csv"),
    )
