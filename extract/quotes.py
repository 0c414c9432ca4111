"""Quotes and their speakers (filled in by the quote stage; see issue 3)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from extract.entities import Mention


@dataclass(frozen=True)
class Quote:
    """A direct or indirect quote; offsets are character offsets into the document text."""

    kind: str
    start_char: int
    end_char: int
    cue: str = ""
    cue_start_char: int | None = None
    cue_end_char: int | None = None
    speaker_start_char: int | None = None
    speaker_end_char: int | None = None
    speaker_entity_id: str = ""
    speaker_name: str = ""
    speaker_label: str = ""
    method: str = ""


def extract_quotes(doc: Doc, mentions: list[Mention]) -> list[Quote]:
    """All quotes of ``doc``, in document order."""
    return []
