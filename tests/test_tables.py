"""Tables: hostile text round-trips through pandas, writes are atomic, the catalog aggregates."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import extract
from extract.store.load import read_table
from extract.store.tables import COLUMNS, TableWriter, make_row

HOSTILE = [
    'He said "no", then left',
    "line one\nline two\r\nline three",
    "a, b, and c",
    "NA",
    "N/A",
    "null",
    "",
    "=SUM(A1:A9)",
    "“curly” and ‘single’ marks",
    "  leading and trailing spaces  ",
    "tab\there",
    "Headline\rNASA said the crew\rwill return.\r",  # bare carriage returns (old Mac line ends)
    "windows\r\nline ends",
]


def doc_result(doc_id: str, texts: list[str]) -> dict:
    return {
        "documents": [{"doc_id": doc_id, "source": "s", "title": texts[0], "n_chars": 1, "n_sentences": len(texts),
                       "n_entities": len(texts), "n_quotes": 0, "n_relations": 0, "sha256": "x", "status": "ok",
                       "error": "", "date": "", "url": "", "encoding": "utf-8", "language": "en"}],
        "sentences": [{"doc_id": doc_id, "sent_id": i, "start_char": i, "end_char": i + 1, "text": t} for i, t in enumerate(texts)],
        "entities": [{"doc_id": doc_id, "mention_id": f"m{i}", "sent_id": i, "start_char": 0, "end_char": 1, "text": t,
                      "label": "ORG", "entity_id": f"id-{i % 3}", "entity_name": f"Name {i % 3}", "source": "model",
                      "doc_entity_id": f"id-{i % 3}"}
                     for i, t in enumerate(texts)],
    }


def test_hostile_text_round_trips_exactly(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path, categories={"id-0": "space_agency"})
    writer.write(doc_result("NA", HOSTILE))
    writer.close({"schema_version": 1})
    sentences = read_table(tmp_path / "sentences.csv")
    assert sentences["text"].tolist() == HOSTILE
    assert sentences["doc_id"].tolist() == ["NA"] * len(HOSTILE)
    documents = pd.read_csv(tmp_path / "documents.csv", keep_default_na=False, dtype=str)
    assert documents.loc[0, "title"] == HOSTILE[0]


def test_catalog_aggregates_per_entity_id(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path, categories={"id-0": "space_agency"})
    writer.write(doc_result("a", ["x", "y", "z", "x"]))
    writer.write(doc_result("b", ["x"]))
    writer.close({})
    catalog = read_table(tmp_path / "catalog.csv").set_index("entity_id")
    assert catalog.loc["id-0", "n_mentions"] == 3  # a: m0, m3; b: m0
    assert catalog.loc["id-0", "n_docs"] == 2
    assert catalog.loc["id-0", "aliases"] == "x"
    assert catalog.loc["id-0", "category"] == "space_agency"
    assert catalog.loc["id-1", "category"] == ""
    assert list(catalog.columns) == COLUMNS["catalog"][1:]


def person(doc_id: str, name: str, entity_id: str, label: str = "PERSON") -> dict:
    """One document mentioning one person, who also speaks a quote and holds a role."""
    text = f"{name} said the rocket is ready to fly."
    entity = {"doc_id": doc_id, "mention_id": "m0", "sent_id": 0, "start_char": 0, "end_char": len(name), "text": name,
              "label": label, "entity_id": entity_id, "entity_name": name, "source": "model", "doc_entity_id": entity_id}
    quote = make_row("quotes", doc_id=doc_id, quote_id="q0", kind="indirect", start_char=len(name) + 6, end_char=len(text) - 1,
                     text=text[len(name) + 6 : -1], cue="say", cue_start_char=len(name) + 1, cue_end_char=len(name) + 5,
                     speaker_text=name, speaker_start_char=0, speaker_end_char=len(name), speaker_entity_id=entity_id,
                     speaker_name=name, speaker_label="PERSON", sent_id=0, method="indirect:ccomp",
                     speaker_mention_id="m0")
    relation = make_row("relations", doc_id=doc_id, relation_id="r0", sent_id=0, relation_type="role", subject_entity_id=entity_id,
                        subject_name=name, predicate="astronaut", object_entity_id="nasa", object_name="NASA", negated=False,
                        evidence_start_char=0, evidence_end_char=len(text), evidence=text, subject_label=label, object_label="ORG")
    return {"documents": doc_result(doc_id, [text])["documents"], "entities": [entity], "quotes": [quote], "relations": [relation]}


def test_ids_become_batch_level_in_every_table_and_the_catalog_lists_each_entity_once(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    writer.write(person("a", "Sunita L. Williams", "sunita-l-williams"))
    writer.write(person("b", "Suni Williams", "suni-williams"))
    writer.write(person("c", "Suni Williams", "suni-williams"))
    writer.close({})
    tables = extract.load(tmp_path)
    assert tables.entities["entity_id"].tolist() == ["suni-williams"] * 3
    assert tables.entities["doc_entity_id"].tolist() == ["sunita-l-williams", "suni-williams", "suni-williams"]
    assert tables.entities["entity_name"].tolist() == ["Sunita L. Williams"] * 3  # the fullest name
    assert tables.quotes["speaker_entity_id"].tolist() == ["suni-williams"] * 3
    assert tables.relations["subject_entity_id"].tolist() == ["suni-williams"] * 3
    assert tables.relations["object_entity_id"].tolist() == ["nasa"] * 3  # not a mention here: left as it was
    row = tables.catalog.set_index("entity_id").loc["suni-williams"]
    assert (row["entity_name"], row["n_mentions"], row["n_docs"]) == ("Sunita L. Williams", 3, 3)
    assert row["aliases"] == "Suni Williams|Sunita L. Williams"
    assert len(tables.catalog) == 1


def test_aborted_write_leaves_earlier_tables_untouched(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    writer.write(doc_result("first", ["one"]))
    writer.close({})
    before = (tmp_path / "sentences.csv").read_bytes()
    writer = TableWriter(tmp_path)
    writer.write(doc_result("second", ["two"]))
    writer.abort()
    assert (tmp_path / "sentences.csv").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_load_gives_typed_frames(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    writer.write(doc_result("001", ["NA", "text"]))
    writer.close({"schema_version": 1})
    tables = extract.load(tmp_path)
    assert tables.documents["doc_id"].tolist() == ["001"]  # not the number 1
    assert str(tables.sentences["start_char"].dtype) == "Int64"
    assert tables.sentences["text"].tolist() == ["NA", "text"]  # "NA" is not missing
    assert str(tables.quotes["speaker_start_char"].dtype) == "Int64"
    assert str(tables.relations["negated"].dtype) == "boolean"
    assert tables.manifest["counts"]["sentences"] == 2
    assert json.loads((tmp_path / "manifest.json").read_text())["schema_version"] == 1


def test_load_refuses_a_folder_without_output(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="extract run"):
        extract.load(tmp_path)


def test_relation_labels_are_the_catalog_labels_of_the_batch_level_entities(tmp_path: Path) -> None:
    # The model tagged the person ORG in one document; in the batch she is a PERSON, in the
    # catalog and in every relation row, that document's included.
    writer = TableWriter(tmp_path)
    writer.write(person("a", "Sunita L. Williams", "sunita-l-williams"))
    writer.write(person("b", "Suni Williams", "suni-williams", label="ORG"))
    writer.write(person("c", "Suni Williams", "suni-williams"))
    writer.write(person("d", "Suni Williams", "suni-williams"))
    writer.close({})
    tables = extract.load(tmp_path)
    labels = tables.catalog.set_index("entity_id")["label"]
    assert labels["suni-williams"] == "PERSON"
    assert tables.relations["subject_label"].tolist() == [labels[i] for i in tables.relations["subject_entity_id"]]
    assert tables.relations.set_index("doc_id").loc["b", "subject_label"] == "PERSON"
    assert tables.relations["object_label"].tolist() == ["ORG"] * 4  # "nasa" is no mention here: as the row had it
    assert tables.entities["label"].tolist() == ["PERSON", "ORG", "PERSON", "PERSON"]  # mentions keep their own


def test_parquet_tables_load_exactly_as_the_csv_ones(tmp_path: Path) -> None:
    loaded = {}
    for table_format in ("csv", "parquet"):
        writer = TableWriter(tmp_path / table_format, table_format=table_format)
        writer.write(doc_result("NA", HOSTILE))
        writer.write(person("b", "Suni Williams", "suni-williams"))
        writer.close({"schema_version": 1})
        loaded[table_format] = extract.load(tmp_path / table_format)
        names = sorted(p.name for p in (tmp_path / table_format).iterdir())
        assert names == sorted([f"{t}.{table_format}" for t in COLUMNS] + ["manifest.json"])
        assert loaded[table_format].manifest["format"] == table_format
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(loaded["csv"], table), getattr(loaded["parquet"], table), check_exact=True)
    assert loaded["parquet"].sentences["text"].tolist()[: len(HOSTILE)] == HOSTILE
    assert str(loaded["parquet"].relations["negated"].dtype) == "boolean"


def test_a_run_in_another_format_leaves_no_tables_of_the_first(tmp_path: Path) -> None:
    for table_format in ("csv", "parquet", "csv"):
        writer = TableWriter(tmp_path, table_format=table_format)
        writer.write(doc_result(table_format, ["text"]))
        writer.close({})
        assert sorted(p.suffix for p in tmp_path.iterdir() if p.name != "manifest.json") == [f".{table_format}"] * len(COLUMNS)
        assert extract.load(tmp_path).documents["doc_id"].tolist() == [table_format]
