"""What the quote rules produce: ``Quote`` records (``doc._.quotes``) and their speakers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extract.stages.entities import Mention
from extract.stages.extensions import register_records


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


register_records("quotes", Quote)


@dataclass(frozen=True)
class Speaker:
    """Who a rule found speaking: the characters of the words, and the entity when known."""

    start_char: int
    end_char: int
    mention: Mention | None


def with_speaker(
    quote: Quote, speaker: Speaker | None, method: str, cue: str = "", cue_start: int | None = None, cue_end: int | None = None
) -> Quote:
    """``quote`` attributed by the rule ``method``, with its cue and speaker."""
    fields: dict[str, Any] = {
        "kind": quote.kind, "start_char": quote.start_char, "end_char": quote.end_char, "method": method,
        "cue": cue, "cue_start_char": cue_start, "cue_end_char": cue_end,
    }
    if speaker is not None:
        fields.update(speaker_start_char=speaker.start_char, speaker_end_char=speaker.end_char)
        if speaker.mention is not None:
            m = speaker.mention
            fields.update(speaker_entity_id=m.entity_id, speaker_name=m.entity_name, speaker_label=m.label)
    return Quote(**fields)


def inherit(quote: Quote, source: Quote) -> Quote:
    """``quote`` continuing the speaker of ``source`` (a split or multi-paragraph quote)."""
    return Quote(
        kind=quote.kind, start_char=quote.start_char, end_char=quote.end_char,
        speaker_start_char=source.speaker_start_char, speaker_end_char=source.speaker_end_char,
        speaker_entity_id=source.speaker_entity_id, speaker_name=source.speaker_name,
        speaker_label=source.speaker_label, method="direct:continuation",
    )


