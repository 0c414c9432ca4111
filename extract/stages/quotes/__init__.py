"""Quotes and their speakers: direct quotes in quote marks and indirect (reported) speech.

1. Quote marks are paired on characters, independently of the tokenizer
   (:func:`find_marked_spans`, ``marks.py``): curly, straight and angle marks, nested quotes, and the news
   convention of a quote running over several paragraphs, each opened but only the last one
   closed. An unbalanced mark degrades one quote, never the document.
2. Each marked span of at least four words is attributed (``direct.py``; speakers in
   ``speakers.py``) by the first rule that applies; ``Quote.method`` names it:

   - ``direct:cue-before`` / ``direct:cue-after``: a reporting verb (``reporting_verbs.txt``)
     in the quote's sentences, outside the quote; the speaker is its subject (``Nelson
     said``, ``said Nelson``), widened to the entity mention, its apposition (``the director
     of Roscosmos, Dmitry Rogozin,``) or the organisation it speaks for (``an Interpol
     spokesperson``); pronouns and ``the agency`` take their antecedent from ``doc._.coref``
     (:mod:`extract.stages.coref`);
   - ``direct:according-to``: ``“...,” according to X``;
   - ``direct:colon``: the quote follows a colon (``a statement from X: “...”``);
   - ``direct:dash``: a dash and a name follow the quote (``“...” – Dr. Jane Roe, ...``);
   - ``direct:continuation``: a sentence wholly in quote marks right after an attributed
     quote continues its speaker (split quotes, multi-paragraph quotes);
   - ``direct:none``: no speaker found; the speaker fields stay empty.

   Nested quotes are kept only when a cue inside the outer quote attributes them.
3. Indirect quotes (``indirect:ccomp``, ``indirect.py``) are clausal complements of a reporting verb with a
   subject (``Rogozin said that ...``); the text is the reported clause without ``that`` and
   without a journalist's continuation (``, but ...``, ``, which ...``). ``according to X``
   gives ``indirect:according-to``. A reported clause holding a quoted fragment is one
   indirect quote (a mixed quote) and the fragment is not reported again.

Heuristics follow textacy's ``direct_quotations`` and the Gender Gap Tracker (see
``/work/shared/notes/quotes.md``), fixed where those are known to break.

The component ``extract_quotes`` (after ``canonical_entities`` and ``extract_coref``) sets
``doc._.quotes``, a list of :class:`Quote` records in document order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.stages.coref import antecedents as coref_antecedents
from extract.stages.data import DataComponent, read_data
from extract.stages.entities import Mention
from extract.stages.quote_marks import (
    MarkedSpan,
    find_marked_spans,
    is_quotation,
    marked_spans,
)
from extract.stages.quotes.direct import continuations, direct_quotes
from extract.stages.quotes.index import DocIndex
from extract.stages.quotes.indirect import indirect_quotes
from extract.stages.quotes.records import Quote

__all__ = ["Quote", "MarkedSpan", "QuoteExtractor", "extract_quotes", "find_marked_spans", "is_quotation", "load_reporting_verbs"]

VERBS_FILE = "reporting_verbs.txt"


def load_reporting_verbs(path: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """(direct cues, indirect cues) from a data file of lemmas (the bundled one by default).

    A line is a lemma, optionally followed by ``direct`` or ``indirect`` to restrict it.
    """
    return parse_reporting_verbs(read_data(VERBS_FILE, path))


@lru_cache(maxsize=None)
def parse_reporting_verbs(raw: bytes) -> tuple[frozenset[str], frozenset[str]]:
    direct: set[str] = set()
    indirect: set[str] = set()
    for line in raw.decode("utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word, kinds = parts[0].lower(), set(parts[1:]) or {"direct", "indirect"}
        if "direct" in kinds:
            direct.add(word)
        if "indirect" in kinds:
            indirect.add(word)
    return frozenset(direct), frozenset(indirect)


@Language.factory(
    "extract_quotes",
    default_config={"verbs_path": None},
    assigns=["doc._.quotes"],
    requires=["doc._.mentions", "doc._.coref", "doc.sents", "token.pos", "token.dep"],
)
def make_quotes(nlp: Language, name: str, *, verbs_path: str | None) -> QuoteExtractor:
    """Find direct and indirect quotes and their speakers into ``doc._.quotes``.

    verbs_path: the reporting verbs (lemmas); None for the bundled ``reporting_verbs.txt``.
    """
    return QuoteExtractor(verbs_path=verbs_path)


class QuoteExtractor(DataComponent):
    """Set ``doc._.quotes`` from the doc's mentions and coreference."""

    def __init__(self, *, verbs_path: str | None = None) -> None:
        super().__init__({VERBS_FILE: verbs_path})

    def __call__(self, doc: Doc) -> Doc:
        cues = parse_reporting_verbs(self.data(VERBS_FILE))
        doc._.quotes = extract_quotes(doc, doc._.mentions, coref_antecedents(doc), cues=cues)
        return doc


def extract_quotes(
    doc: Doc,
    mentions: Sequence[Mention],
    antecedents: Mapping[int, Mention] | None = None,
    *,
    cues: tuple[frozenset[str], frozenset[str]] | None = None,
    sents: list[Span] | None = None,
) -> list[Quote]:
    """All quotes of ``doc``, direct and indirect, in document order.

    ``antecedents`` maps a pronoun's or description's first character to the mention it
    refers to (:func:`extract.stages.coref.antecedents`; none resolved when omitted);
    ``cues`` are (direct, indirect) reporting verbs, the bundled ones when omitted;
    ``sents``, when given, is ``list(doc.sents)`` computed once by the caller.
    """
    direct_cues, indirect_cues = cues if cues is not None else load_reporting_verbs()
    text = doc.text  # built anew on every access: read it once
    marked = marked_spans(doc, text)
    index = DocIndex(
        doc, mentions, marked, text=text, antecedents=antecedents or {}, cues=direct_cues | indirect_cues, sents=sents
    )
    indirect, absorbed = indirect_quotes(index, indirect_cues, direct_cues)
    direct = direct_quotes(index, direct_cues, absorbed)
    quotes = continuations(index, direct, indirect)
    # A lower-case fragment in marks with no attribution is a scare quote or a fragment whose
    # speaker cannot be told ('a "total of 1,723 cases"'): not reported.
    quotes = [q for q in quotes if not (q.method == "direct:none" and text[q.start_char].islower())]
    return sorted(quotes, key=lambda q: (q.start_char, q.end_char))
