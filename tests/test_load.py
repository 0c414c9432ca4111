"""extract.load: typed frames, a short repr, the names view, dates, and summary()."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import extract
from extract.store.tables import TableWriter, make_row


def document(doc_id: str, date: str, speakers: list[tuple[str, str]], extra: list[tuple[str, str, str]] = ()) -> dict:
    """A document whose entities are its speakers (PERSON) plus ``extra`` (text, id, label)."""
    mentions = [(name, entity_id, "PERSON") for name, entity_id in speakers if entity_id] + list(extra)
    entities = [
        make_row("entities", doc_id=doc_id, mention_id=f"m{i}", sent_id=0, start_char=0, end_char=len(text), text=text,
                 label=label, entity_id=entity_id, entity_name=text, source="model", doc_entity_id=entity_id)
        for i, (text, entity_id, label) in enumerate(mentions)
    ]
    quotes = [
        make_row("quotes", doc_id=doc_id, quote_id=f"q{i}", kind="direct", start_char=0, end_char=1, text="x", cue="say",
                 cue_start_char=None, cue_end_char=None, speaker_text=name, speaker_start_char=None, speaker_end_char=None,
                 speaker_entity_id=entity_id, speaker_name=name, speaker_label="PERSON", sent_id=0, method="direct:cue-after",
                 speaker_mention_id="")
        for i, (name, entity_id) in enumerate(speakers)
    ]
    row = make_row("documents", doc_id=doc_id, source="s", title="", n_chars=1, n_sentences=0, n_entities=len(entities),
                   n_quotes=len(quotes), n_relations=0, sha256="x", status="ok", error="", date=date, url="", encoding="utf-8",
                   language="en")
    return {"documents": [row], "entities": entities, "quotes": quotes}


def write(folder: Path) -> Path:
    writer = TableWriter(folder)
    writer.write(document("a", "2019-09-12", [("Bill Nelson", "bill-nelson"), ("Bill Nelson", "bill-nelson")], [("Wednesday", "wednesday", "DATE")]))
    writer.write(document("b", "", [("Bill Nelson", "bill-nelson"), ("Kathy Lueders", "kathy-lueders")], [("first", "first", "ORDINAL")]))
    writer.write(document("c", "not a date", [("", "")]))
    writer.close({})
    return folder


def test_repr_is_short_with_row_counts(tmp_path: Path) -> None:
    tables = extract.load(write(tmp_path))
    assert repr(tables) == "Tables(documents=3, sentences=0, entities=6, catalog=4, quotes=5, relations=0)"


def test_names_view_leaves_out_dates_and_numbers(tmp_path: Path) -> None:
    tables = extract.load(write(tmp_path))
    assert set(tables.catalog["entity_id"]) == {"bill-nelson", "kathy-lueders", "wednesday", "first"}
    assert sorted(tables.names["entity_id"]) == ["bill-nelson", "kathy-lueders"]
    assert tables.catalog.set_index("entity_id").loc["wednesday", "kind"] == "value"


def test_dates_are_parsed_and_bad_or_missing_ones_are_nat(tmp_path: Path) -> None:
    dates = extract.load(write(tmp_path)).documents["date"]
    assert pd.api.types.is_datetime64_any_dtype(dates)
    assert dates[0] == pd.Timestamp("2019-09-12", tz="UTC")
    assert pd.isna(dates[1]) and pd.isna(dates[2])


def test_summary_ranks_speakers_by_quotes(tmp_path: Path) -> None:
    summary = extract.load(write(tmp_path)).summary()
    speakers = summary["top_speakers"]
    assert speakers[["speaker_entity_id", "quotes", "documents"]].values.tolist() == [["bill-nelson", 3, 2], ["kathy-lueders", 1, 1]]
    assert summary["unattributed_quotes"]["quotes"][0] == 1
    assert summary["top_entities"]["entity_id"].tolist()[0] == "bill-nelson"
    assert "wednesday" not in summary["top_entities"]["entity_id"].tolist()


def test_parquet_without_pyarrow_names_the_extra(tmp_path: Path, monkeypatch) -> None:
    import sys

    import pytest

    from extract.store.tables import ParquetUnavailable

    writer = TableWriter(tmp_path, table_format="parquet")
    writer.write(document("a", "2019-09-12", [("Bill Nelson", "bill-nelson")]))
    writer.close({})
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(ParquetUnavailable, match=r"news-extract\[parquet\]"):
        extract.load(tmp_path)
    with pytest.raises(ParquetUnavailable, match=r"news-extract\[parquet\]"):
        TableWriter(tmp_path / "again", table_format="parquet")
