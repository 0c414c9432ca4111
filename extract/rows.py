"""From a parsed ``Doc`` to table rows: the one per-document function every engine runs.

The stages have already written their results on the ``Doc`` (``doc._.mentions``,
``doc._.quotes``, ``doc._.relations``; see ``extract.stages.components``); this module only
turns them into rows of the tables in ``extract.store.tables``, built with ``make_row`` so
that a misspelled or missing column fails at once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from extract.identity import top
from extract.names import LATIN_END
from extract.readers import Record
from extract.stages.grammar import strip_whitespace
from extract.store.tables import DocResult, Row, make_row

if TYPE_CHECKING:
    from spacy.tokens import Doc


def document_rows(record: Record, doc: Doc) -> DocResult:
    """All rows of one document parsed by the pipeline of ``extract.pipeline.build_pipeline``."""
    import extract.stages.components  # noqa: F401  (registers the Doc extensions read below)

    doc_id = record.doc_id
    # Doc.text joins every token anew on each access: read it once (it was 40% of a run).
    text = doc.text
    sents = [b for b in (strip_whitespace(text, s.start_char, s.end_char) for s in doc.sents) if b[0] < b[1]]
    sent_starts = [start for start, _ in sents]

    def sent_of(char: int) -> int:
        return max(bisect_right(sent_starts, char) - 1, 0)

    sentences = [
        make_row("sentences", doc_id=doc_id, sent_id=i, start_char=start, end_char=end, text=text[start:end])
        for i, (start, end) in enumerate(sents)
    ]
    entities = [
        make_row(
            "entities",
            doc_id=doc_id,
            mention_id=f"m{i}",
            sent_id=sent_of(m.start_char),
            start_char=m.start_char,
            end_char=m.end_char,
            text=text[m.start_char : m.end_char],
            label=m.label,
            entity_id=m.entity_id,
            entity_name=m.entity_name,
            source=m.source,
            doc_entity_id=m.entity_id,
        )
        for i, m in enumerate(doc._.mentions)
    ]
    # A speaker that is an entity mention links to its row; a pronoun or description does not.
    mention_ids = {(m.start_char, m.end_char): f"m{i}" for i, m in enumerate(doc._.mentions)}
    quote_rows = [
        make_row(
            "quotes",
            doc_id=doc_id,
            quote_id=f"q{i}",
            kind=q.kind,
            start_char=q.start_char,
            end_char=q.end_char,
            text=text[q.start_char : q.end_char],
            cue=q.cue,
            cue_start_char=q.cue_start_char,
            cue_end_char=q.cue_end_char,
            speaker_text=_slice(text, q.speaker_start_char, q.speaker_end_char),
            speaker_start_char=q.speaker_start_char,
            speaker_end_char=q.speaker_end_char,
            speaker_entity_id=q.speaker_entity_id,
            speaker_name=q.speaker_name,
            speaker_label=q.speaker_label,
            speaker_mention_id=mention_ids.get((q.speaker_start_char, q.speaker_end_char), ""),
            sent_id=sent_of(q.start_char),
            method=q.method,
        )
        for i, q in enumerate(doc._.quotes)
    ]
    # An entity's label in this document: its mentions' commonest (the catalog's rule; the
    # table writer makes it the batch-level entity's label at the end of a run).
    mention_labels: defaultdict[str, Counter] = defaultdict(Counter)
    for m in doc._.mentions:
        mention_labels[m.entity_id][m.label] += 1
    labels = {entity_id: top(counts) for entity_id, counts in mention_labels.items()}
    relation_rows = [
        make_row(
            "relations",
            doc_id=doc_id,
            relation_id=f"r{i}",
            sent_id=sent_of(r.sent_start_char),
            relation_type=r.relation_type,
            subject_entity_id=r.subject_entity_id,
            subject_name=r.subject_name,
            predicate=r.predicate,
            object_entity_id=r.object_entity_id,
            object_name=r.object_name,
            negated=r.negated,
            evidence_start_char=r.sent_start_char,
            evidence_end_char=r.sent_end_char,
            evidence=text[r.sent_start_char : r.sent_end_char],
            subject_label=labels.get(r.subject_entity_id, ""),
            object_label=labels.get(r.object_entity_id, ""),
        )
        for i, r in enumerate(doc._.relations)
    ]
    document = document_row(record, status="ok")
    document.update(
        language=language_of(text),
        n_chars=len(text),
        n_sentences=len(sentences),
        n_entities=len(entities),
        n_quotes=len(quote_rows),
        n_relations=len(relation_rows),
    )
    return {
        "documents": [document],
        "sentences": sentences,
        "entities": entities,
        "quotes": quote_rows,
        "relations": relation_rows,
    }


def document_row(record: Record, *, status: str, error: str = "") -> Row:
    """The ``documents.csv`` row of a record (counts zero until the document is processed)."""
    return make_row(
        "documents",
        doc_id=record.doc_id,
        source=record.source,
        title=record.title,
        n_chars=len(record.text) if status == "ok" else 0,
        n_sentences=0,
        n_entities=0,
        n_quotes=0,
        n_relations=0,
        sha256=record.sha256,
        status=status,
        error=error,
        date=record.date,
        url=record.url,
        encoding=record.encoding,
        language="",
    )


# Letters needed to name a language: fewer and the detector guesses.
MIN_LETTERS_FOR_LANGUAGE = 20
LANGUAGE_SAMPLE_CHARS = 5000
# Letters beyond Latin (Devanagari, Cyrillic, CJK, ...) that make a document worth reading
# paragraph by paragraph, and the share of letters a second language needs to be named.
OTHER_SCRIPT_SHARE = 0.1
SECOND_LANGUAGE_SHARE = 0.2
PARAGRAPH = re.compile(r"\n\s*\n")


def language_of(text: str) -> str:
    """The text's language as an ISO 639-1 code by py3langid: 'en', or 'hi+en' for an
    article whose second language has at least a fifth of its letters; "" when it has too
    few letters to tell.

    One look at the first 5,000 characters; paragraph by paragraph only when a tenth of
    the letters are in a script beyond Latin (an English article quoting Hindi at length).
    """
    identifier = _language_identifier()
    letters = sum(c.isalpha() for c in text)
    if letters < MIN_LETTERS_FOR_LANGUAGE:
        return ""
    other_script = sum(c.isalpha() and ord(c) > LATIN_END for c in text)
    if other_script < OTHER_SCRIPT_SHARE * letters:
        # A few words in another script would outweigh pages of Latin letters: leave them out.
        sample = text[:LANGUAGE_SAMPLE_CHARS]
        if other_script:
            sample = "".join(c for c in sample if not (c.isalpha() and ord(c) > LATIN_END))
        return str(identifier.classify(sample)[0])
    shares: Counter = Counter()
    for paragraph in PARAGRAPH.split(text):
        weight = sum(c.isalpha() for c in paragraph)
        if weight >= MIN_LETTERS_FOR_LANGUAGE:
            shares[str(identifier.classify(paragraph)[0])] += weight
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return str(identifier.classify(text[:LANGUAGE_SAMPLE_CHARS])[0])
    named = [ranked[0][0]] + [lang for lang, weight in ranked[1:2] if weight >= SECOND_LANGUAGE_SHARE * sum(shares.values())]
    return "+".join(named)


# The languages told apart: those written widely in news. Among all 142 of the model, lists
# of names and short texts came out as Nigerian Pidgin, Aragonese or Latin.
LANGUAGES = (
    "af am ar az be bg bn bs ca cs cy da de el en es et eu fa fi fr ga gl gu ha he hi hr ht hu "
    "hy id ig is it ja jv ka kk km kn ko ku ky lb lo lt lv mg mk ml mn mr ms mt my ne nl nn no "
    "pa pl ps pt ro ru rw si sk sl so sq sr sv sw ta te tg th tk tl tr tt ug uk ur uz vi xh yo "
    "zh zu"
).split()


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    """py3langid's model, loaded once per process, restricted to ``LANGUAGES``."""
    # Here, not at the top: a cached run never detects a language.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    return identifier


def error_result(record: Record, error: str) -> DocResult:
    """The result of a document that could not be processed: its documents row only."""
    return {"documents": [document_row(record, status="error", error=error)]}


def _slice(text: str, start: int | None, end: int | None) -> str:
    return "" if start is None or end is None else text[start:end]
