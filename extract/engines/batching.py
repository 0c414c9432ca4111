"""How one loaded pipeline walks through records: groups, memory zones and parse batches.

Every engine ends up here (in its own process, a worker or a Ray actor), so all of them
group and parse documents the same way and write the same bytes. Nothing here imports spaCy:
the pipeline comes in through a ``Parser`` (``extract.process.Extractor``).
"""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Protocol

from extract.readers import Record
from extract.rows import error_result
from extract.store.tables import DocResult

if TYPE_CHECKING:  # pragma: no cover - for type hints only
    from spacy.language import Language
    from spacy.tokens import Doc

# Documents per group (one worker task) and characters per parsed batch: parsing memory
# follows the size of the batch, so a cap on characters keeps peak memory flat however many
# (or long) the articles are.
BATCH_SIZE = 32
BATCH_CHARS = 80_000
# Documents per memory zone (after the first group).
ZONE_DOCS = 128
# spaCy's tokenizer peels affixes (quote marks, brackets, symbols, emoji, 's) off a stretch of
# text without spaces one at a time, and scans the rest of the stretch at every step: 20,000
# quote marks took 74 s. Long stretches are checked before parsing, and a document whose
# stretches would cost more than AFFIX_BUDGET characters scanned (about 1 s) is not parsed.
LONG_STRETCH = re.compile(r"\S{32,}")
AFFIX_BUDGET = 4_000_000
AFFIX_WINDOW = 64  # affixes are short: each is looked for in this many characters


def batched(records: Iterable[Record], size: int = BATCH_SIZE, chars: int | None = BATCH_CHARS) -> Iterator[list[Record]]:
    """Consecutive batches of at most ``size`` records and ``chars`` characters of text
    (``None``: no limit). A longer document is a batch of its own."""
    batch: list[Record] = []
    total = 0
    for record in records:
        if batch and (len(batch) >= size or (chars is not None and total + len(record.text) > chars)):
            yield batch
            batch, total = [], 0
        batch.append(record)
        total += len(record.text)
    if batch:
        yield batch


def affix_overload(tokenizer: Any, text: str, budget: int = AFFIX_BUDGET) -> str:
    """Why tokenizing ``text`` would take too long ("" when it would not).

    Counts, with the tokenizer's own prefix and suffix rules, the characters it would scan
    peeling affixes off each long stretch without spaces, and stops counting at ``budget``.
    """
    prefix_search = getattr(tokenizer, "prefix_search", None)
    suffix_search = getattr(tokenizer, "suffix_search", None)
    if prefix_search is None and suffix_search is None:
        return ""
    cost = 0
    for match in LONG_STRETCH.finditer(text):
        stretch = match.group()
        start, end = 0, len(stretch)
        while prefix_search is not None and start < end:
            found = prefix_search(stretch[start : start + AFFIX_WINDOW])
            if found is None or found.end() == 0:
                break
            start += found.end()
            cost += end - start
            if cost > budget:
                return _overload(match)
        while suffix_search is not None and start < end:
            window = max(start, end - AFFIX_WINDOW)
            found = suffix_search(stretch[window:end])
            if found is None or found.start() == found.end():
                break
            end = window + found.start()
            cost += end - start
            if cost > budget:
                return _overload(match)
    return ""


def _overload(match: re.Match[str]) -> str:
    return (
        f"not parsed: {len(match.group()):,} characters without a space at character {match.start():,} "
        "would be split one piece at a time (runs of quote marks, brackets or symbols take the "
        "tokenizer quadratic time)"
    )


class Parser(Protocol):
    """What batching needs of a loaded pipeline: the spaCy ``Language`` and the Doc -> rows step."""

    nlp: Language

    def document_rows(self, record: Record, doc: Doc) -> DocResult: ...


class Batcher:
    """Turns records into results with one ``Parser``; remembers whether its first group ran.

    Records go in groups of ``batch_size`` (a worker's task is one group) and are parsed in
    batches of at most ``batch_chars`` characters. After the first group, every ``zone_docs``
    documents (or every call, if fewer) run in one ``memory_zone``, which then frees the
    strings they added to the vocabulary, so memory stays flat.
    """

    def __init__(self, parser: Parser, *, batch_size: int = BATCH_SIZE, batch_chars: int = BATCH_CHARS, zone_docs: int = ZONE_DOCS) -> None:
        self.parser = parser
        self.batch_size = batch_size
        self.batch_chars = batch_chars
        self.zone_docs = zone_docs
        self._warmed_up = False

    def process(self, records: Iterable[Record]) -> Iterator[DocResult]:
        """Rows for every record, in input order; a document that fails gets an error row."""
        records = iter(records)
        if not self._warmed_up:
            # Inside a memory_zone the tokenizer caches nothing and every new word's lexeme is
            # built anew in each zone. The first group runs outside one, so its words (the
            # commonest) stay cached for good; the vocabulary grows by that one group only.
            self._warmed_up = True
            yield from self._process_group(list(islice(records, self.batch_size)))
        for zone in batched(records, self.zone_docs, chars=None):
            # A zone costs the words it forgets (each is looked up anew in the next zone):
            # zones of a few groups cost less than one per group and stay just as flat.
            with self.parser.nlp.memory_zone():
                for group in batched(zone, self.batch_size, chars=None):
                    yield from self._process_group(group)

    def _process_group(self, group: list[Record]) -> Iterator[DocResult]:
        for batch in batched(group, self.batch_size, self.batch_chars):
            yield from self._process_batch(batch)

    def _process_batch(self, batch: list[Record]) -> Iterator[DocResult]:
        nlp = self.parser.nlp
        tokenizer = getattr(nlp, "tokenizer", None)
        results: dict[int, DocResult] = {}
        good = []
        for record in batch:
            overload = affix_overload(tokenizer, record.text) if record.ok else ""
            if overload:
                results[id(record)] = error_result(record, overload)
            elif record.ok:
                good.append(record)
        docs: list[Doc | Exception]
        try:
            docs = list(nlp.pipe(r.text for r in good))
        except Exception:  # one bad document must not sink its batch: retry one by one
            docs = [self._parse_one(r) for r in good]
        for record, doc in zip(good, docs):
            if isinstance(doc, Exception):
                results[id(record)] = error_result(record, f"processing failed: {doc}")
                continue
            try:
                results[id(record)] = self.parser.document_rows(record, doc)
            except Exception as err:  # noqa: BLE001 - reported as the document's error
                results[id(record)] = error_result(record, f"processing failed: {type(err).__name__}: {err}")
        for record in batch:
            yield results[id(record)] if record.ok else error_result(record, record.error)

    def _parse_one(self, record: Record) -> Doc | Exception:
        try:
            return self.parser.nlp(record.text)
        except Exception as err:  # noqa: BLE001
            return err
