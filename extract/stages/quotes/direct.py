"""Direct quotes: a quoted stretch attributed by a cue, a colon, a dash or the quote before it."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Token

from extract.stages.lemmas import lemma
from extract.stages.quote_marks import MarkedSpan, is_quotation
from extract.stages.quotes.index import DocIndex
from extract.stages.quotes.records import Quote, inherit, with_speaker
from extract.stages.quotes.speakers import (
    according_speaker,
    colon_speaker,
    dash_speaker,
    speaker_of,
)


PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def direct_quotes(index: DocIndex, cues: frozenset[str], absorbed: set[int]) -> list[tuple[int, Quote]]:
    """Direct quotes with their attribution, as (marked span index, quote)."""
    result: list[tuple[int, Quote]] = []
    for k, span in enumerate(index.marked):
        if k in absorbed or not is_quotation(index.text[span.start : span.end]):
            continue
        quote = _attribute_direct(index, k, span, cues)
        if span.parent is not None and not quote.method.startswith("direct:cue"):
            continue  # a nested quote needs its own cue inside the outer quote
        result.append((k, quote))
    return result


def _attribute_direct(index: DocIndex, k: int, span: MarkedSpan, cues: frozenset[str]) -> Quote:
    doc = index.doc
    base = Quote("direct", span.start, span.end, method="direct:none")
    level = -1 if span.parent is None else span.parent
    first = index.token_at(span.open_char)
    last = index.token_at(span.close_char if span.close_char is not None else max(span.end - 1, span.start))
    s0, s1 = index.sent_of(first), index.sent_of(last)
    lo, hi = index.sents[s0].start, index.sents[s1].end
    close = span.close_char if span.close_char is not None else span.end
    candidates = []
    for tok in doc[lo:hi]:
        if index.owner[tok.i] != level or span.open_char <= tok.idx <= close:
            continue
        is_according = tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to"
        if not is_according and not (tok.pos_ == "VERB" and lemma(tok) in cues):
            continue
        if not index.same_line(tok.idx, span.open_char):
            continue
        between = (close, tok.idx) if tok.idx > close else (tok.idx, span.open_char)
        if any(between[0] < other.open_char < between[1] for other in index.marked if other.parent == span.parent):
            continue  # another quote sits between this cue and the quote
        distance = between[1] - between[0]
        candidates.append((not _governs(index, tok, span), distance, tok))
    if not candidates and span.parent is None:
        cue_after = _cue_in_next_sentence(index, span, s1, cues)
        if cue_after is not None:
            candidates.append((False, 0, cue_after))
    if candidates:
        _, _, cue = min(candidates, key=lambda c: (c[0], c[1]))
        after = cue.idx > close
        if cue.lower_ == "according":
            speaker = according_speaker(index, cue)
            method, cue_word, cue_end = "direct:according-to", "according to", doc[cue.i + 1].idx + 2
        else:
            speaker = speaker_of(index, cue)
            method = "direct:cue-after" if after else "direct:cue-before"
            cue_word, cue_end = lemma(cue), cue.idx + len(cue.text)
        return with_speaker(base, speaker, method, cue_word, cue.idx, cue_end)
    if span.parent is not None:
        return base
    colon = colon_speaker(index, span, cues)
    if colon is not None:
        speaker, verb = colon
        if verb is not None:
            return with_speaker(base, speaker, "direct:colon", lemma(verb), verb.idx, verb.idx + len(verb.text))
        return with_speaker(base, speaker, "direct:colon")
    dash = dash_speaker(index, span)
    if dash is not None:
        return with_speaker(base, dash, "direct:dash")
    return base


def _cue_in_next_sentence(index: DocIndex, span: MarkedSpan, s1: int, cues: frozenset[str]) -> Token | None:
    """'“... in two days!” Macron told the world on Thursday via Twitter.': the quote ends its
    own sentences and the attribution is the next sentence, on the same line, right after the
    closing mark, with no clause of its own reported."""
    close = span.close_char
    if close is None or s1 + 1 >= len(index.sents):
        return None
    nxt = index.sents[s1 + 1]
    between = index.text[close + 1 : nxt.start_char]
    if between.strip(" ,") or "\n" in between:
        return None
    for tok in nxt:
        if index.owner[tok.i] != -1:
            return None  # another quote in that sentence: its cue is that quote's
        if tok.pos_ == "VERB" and lemma(tok) in cues and not any(c.dep_ == "ccomp" for c in tok.children):
            return tok
    return None


def _governs(index: DocIndex, cue: Token, span: MarkedSpan) -> bool:
    """The quote's words hang off ``cue`` in the parse (cue is an ancestor of a quote root)."""
    doc = index.doc
    lo, hi = index.token_at(span.start), index.token_at(max(span.end - 1, span.start)) + 1
    for tok in doc[lo:hi]:
        if lo <= tok.head.i < hi:
            continue
        head, steps = tok.head, 0
        while steps < 12:
            if head.i == cue.i:
                return True
            if head.head.i == head.i:
                break
            head, steps = head.head, steps + 1
    return False


def continuations(index: DocIndex, direct: list[tuple[int, Quote]], indirect: list[Quote]) -> list[Quote]:
    """Give unattributed direct quotes the speaker of the quote they continue.

    Forward: a sentence wholly in quote marks right after an attributed quote (split quotes,
    ``She said ... “As a child, ...”``). Backward: a paragraph of a multi-paragraph quote
    that the next paragraph's attribution covers (``“A ¶ “B.” – Dr. X``).
    """
    items: list[tuple[int | None, Quote]] = [(k, q) for k, q in direct] + [(None, q) for q in indirect]
    items.sort(key=lambda item: item[1].start_char)
    quotes = [q for _, q in items]
    keys = [k for k, _ in items]

    def sentences(pos: int) -> tuple[int, int]:
        q = quotes[pos]
        return index.sent_of(index.token_at(q.start_char)), index.sent_of(index.token_at(max(q.end_char - 1, q.start_char)))

    for pos, (k, q) in enumerate(zip(keys, quotes)):
        if k is None or q.method != "direct:none" or not _wholly_quoted(index, index.marked[k]):
            continue
        # The quote continued is a top-level one: a quote nested in it ('She told me, ‘...’')
        # does not speak for the paragraphs after it.
        prev = next(
            (p for p in range(pos - 1, -1, -1) if quotes[p].speaker_start_char is not None and _top_level(index, keys[p])), None
        )
        if prev is None or quotes[prev].end_char > q.start_char:
            continue
        if sentences(pos)[0] - sentences(prev)[1] <= 1:
            quotes[pos] = inherit(q, quotes[prev])
    _carry_speaker_on(index, quotes, keys)
    for pos in range(len(quotes) - 2, -1, -1):
        k, q = keys[pos], quotes[pos]
        if k is None or q.method != "direct:none" or index.marked[k].close_char is not None:
            continue
        following = next((p for p in range(pos + 1, len(quotes)) if _top_level(index, keys[p])), None)
        if following is None:
            continue
        nxt = quotes[following]
        if keys[following] is not None and nxt.speaker_start_char is not None and sentences(following)[0] - sentences(pos)[1] <= 1:
            quotes[pos] = inherit(q, nxt)
    return quotes


def _carry_speaker_on(index: DocIndex, quotes: list[Quote], keys: list[int | None]) -> None:
    """A direct quote with no cue of its own goes to the speaker of the nearest attributed
    quote before it, in its paragraph or the one before, unless someone else is named in the
    narration between the two (news convention; see /work/shared/notes/quotes.md)."""
    breaks = [m.end() for m in PARAGRAPH_BREAK.finditer(index.text)]
    for pos, (k, q) in enumerate(zip(keys, quotes)):
        if k is None or q.method != "direct:none" or index.marked[k].parent is not None:
            continue
        prev = next((p for p in range(pos - 1, -1, -1) if _top_level(index, keys[p]) and quotes[p].speaker_start_char is not None), None)
        if prev is None or quotes[prev].end_char > q.start_char:
            continue
        earlier = quotes[prev]
        if bisect_right(breaks, q.start_char) - bisect_right(breaks, earlier.end_char) > 1:
            continue
        speaker = earlier.speaker_entity_id
        between = [
            m for m in index.mentions
            if earlier.end_char <= m.start_char < q.start_char and m.label == "PERSON" and index.owner[m.start] == -1
        ]
        if any(m.entity_id != speaker for m in between):
            continue
        quotes[pos] = inherit(q, earlier)


def _top_level(index: DocIndex, key: int | None) -> bool:
    """An indirect quote, or a direct quote not nested in another."""
    return key is None or index.marked[key].parent is None


def _wholly_quoted(index: DocIndex, span: MarkedSpan) -> bool:
    """No narration words in the sentences the quote spans."""
    first = index.token_at(span.open_char)
    last = index.token_at(max(span.end - 1, span.start))
    s0, s1 = index.sent_of(first), index.sent_of(last)
    for tok in index.doc[index.sents[s0].start : index.sents[s1].end]:
        if index.owner[tok.i] == -1 and not (tok.is_punct or tok.is_space) and not (span.open_char <= tok.idx <= (span.close_char or span.end)):
            return False
    return True


