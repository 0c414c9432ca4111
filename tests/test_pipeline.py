"""The pipeline as spaCy sees it: saved and loaded, Docs through bytes, components in a user's pipeline.

The articles are the samples in data/raw/ (NASA releases, public domain in the US, and the
seed article); the snippet of the component-use test is a NASA release quoted in
tests/data/quotes/cases.json (see tests/data/PROVENANCE).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

import extract
from extract.pipeline import DEFAULT_MODEL
from extract.readers import iter_records
from extract.rows import document_rows

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
CASES = Path(__file__).parent / "data" / "quotes" / "cases.json"


@pytest.fixture(scope="module")
def records() -> list:
    found = list(iter_records(sorted([*RAW.glob("*.md"), *RAW.glob("*.txt")])))
    assert len(found) >= 4 and all(r.ok for r in found)
    return found


@pytest.fixture(scope="module")
def saved(extractor, tmp_path_factory) -> Path:
    """The session's pipeline saved to disk."""
    path = tmp_path_factory.mktemp("pipeline") / "nlp"
    extractor.nlp.to_disk(path)
    return path


def rows_of(nlp, records: list, n_process: int = 1) -> list:
    docs = nlp.pipe([r.text for r in records], n_process=n_process)
    return [document_rows(record, doc) for record, doc in zip(records, docs)]


@pytest.mark.parametrize("n_process", [1, 2])
def test_a_saved_pipeline_gives_the_same_rows(extractor, saved: Path, records: list, n_process: int) -> None:
    loaded = spacy.load(saved)
    assert loaded.pipe_names == extractor.nlp.pipe_names
    assert loaded.config.to_str() == extractor.nlp.config.to_str()
    expected = rows_of(extractor.nlp, records)
    assert sum(len(r["quotes"]) for r in expected) > 10 and sum(len(r["relations"]) for r in expected) > 10
    # Two processes: the docs come back through Doc.to_bytes, with the stages' results.
    assert rows_of(loaded, records, n_process) == expected


def test_a_saved_pipeline_holds_its_data_and_names_no_local_path(saved: Path) -> None:
    config = (saved / "config.cfg").read_text(encoding="utf-8")
    assert "gazetteer_path = null" in config and str(Path.home()) not in config and "/work/" not in config
    for folder, filename in [
        ("gazetteer", "gazetteer.csv"),
        ("canonical_entities", "forenames.txt"),
        ("extract_coref", "coref_nouns.txt"),
        ("extract_quotes", "reporting_verbs.txt"),
        ("extract_relations", "relations.toml"),
    ]:
        assert (saved / folder / filename).is_file(), (folder, filename)


def test_a_saved_pipeline_loads_in_a_fresh_process(extractor, saved: Path, records: list) -> None:
    """Registering the components is the only import a new process needs (or the entry points)."""
    script = (
        "import json, sys, spacy\n"
        "import extract.stages.components\n"
        "from extract.readers import iter_records\n"
        "from extract.rows import document_rows\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "record = next(iter_records([sys.argv[2]]))\n"
        "print(json.dumps(document_rows(record, nlp(record.text))))\n"
    )
    record = next(r for r in records if r.source.endswith(".txt"))
    done = subprocess.run([sys.executable, "-c", script, str(saved), record.source], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == json.loads(json.dumps(document_rows(record, extractor.nlp(record.text))))


def test_doc_results_survive_bytes(extractor, records: list) -> None:
    nlp = extractor.nlp
    doc = nlp(records[0].text)
    assert doc._.quotes and doc._.relations and doc._.mentions and doc._.coref
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert restored._.mentions == doc._.mentions
    assert restored._.coref == doc._.coref
    assert restored._.quotes == doc._.quotes
    assert restored._.relations == doc._.relations
    assert document_rows(records[0], restored) == document_rows(records[0], doc)


def test_a_spacy_user_adds_the_components_to_their_own_pipeline() -> None:
    import extract.stages.components  # noqa: F401  (or the package's spacy_factories entry points)

    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("quote_sentence_hints", before="parser")
    nlp.add_pipe("canonical_entities")
    nlp.add_pipe("extract_coref")
    nlp.add_pipe("extract_quotes")
    nlp.add_pipe("extract_relations")
    text = json.loads(CASES.read_text(encoding="utf-8"))["cue_after_title_split"]["text"]
    doc = nlp(text)

    first, second = doc._.quotes
    assert text[first.start_char : first.end_char] == (
        "Once again, NASA has shown that with the world’s finest workforce, we can reach the stars,"
    )
    assert text[first.speaker_start_char : first.speaker_end_char] == "Bill Nelson"
    assert (first.kind, first.cue, first.speaker_name) == ("direct", "say", "Bill Nelson")
    # The second quote has no cue of its own: it continues Bill Nelson's.
    assert text[second.start_char : second.end_char].startswith("Through space exploration")
    assert (second.speaker_name, second.method) == ("Bill Nelson", "direct:continuation")


def test_import_extract_does_not_import_spacy() -> None:
    script = "import sys, extract; assert 'spacy' not in sys.modules; extract.build_pipeline; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", script], check=True)
    assert callable(extract.build_pipeline)


def test_a_bundled_gazetteer_read_at_another_path_is_found_in_this_install() -> None:
    """A Ray node gets the driver's Gazetteer, whose path to the bundled file may not exist there."""
    import dataclasses

    from extract.pipeline import _checked_gazetteer
    from extract.stages.gazetteer import GazetteerError, load_gazetteer

    elsewhere = dataclasses.replace(load_gazetteer(None), path="/nowhere/site-packages/extract/data/gazetteer.csv")
    assert _checked_gazetteer(elsewhere).digest == elsewhere.digest
    with pytest.raises(GazetteerError, match="no such gazetteer on this machine"):
        _checked_gazetteer(dataclasses.replace(elsewhere, digest="0" * 64))
