"""Indirect quotes: the clause a reporting verb reports, and 'according to X'."""

from __future__ import annotations

import numpy
from spacy.attrs import LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import VERB
from spacy.tokens import Token

from extract.stages.grammar import CLAUSE_SUBJECT_DEPS, SELF_REFERENCE_PRONOUNS
from extract.stages.lemmas import lemma
from extract.stages.quote_marks import MIN_WORDS, mark_closes, mark_opens
from extract.stages.quotes.index import DocIndex
from extract.stages.quotes.records import Quote, with_speaker
from extract.stages.quotes.speakers import according_speaker, speaker_of

# Coordinations after which a reported clause gives way to the journalist's own words.
CONTRAST_CC = {"but", "yet", "while", "although", "though", "whereas"}
# Verbs whose 'if' clause asks rather than reports ('determine if', 'ask if').
QUESTION_CUES = {"determine", "decide", "find", "ask", "establish", "wonder"}


def indirect_quotes(index: DocIndex, cues: frozenset[str], direct_cues: frozenset[str]) -> tuple[list[Quote], set[int]]:
    """Reported clauses of reporting verbs and 'according to X'; also the marked spans that a
    mixed quote absorbs (a quoted fragment inside a reported clause)."""
    doc = index.doc
    found: list[Quote] = []
    absorbed: set[int] = set()
    # Only verbs and 'according' can introduce reported speech: skip the other tokens cheaply.
    pos_lower = doc.to_array([POS, LOWER])
    maybe = (pos_lower[:, 0] == numpy.uint64(VERB)) | (pos_lower[:, 1] == numpy.uint64(get_string_id("according")))
    for i in numpy.flatnonzero(maybe):
        tok = doc[int(i)]
        if index.owner[tok.i] != -1:
            continue  # reported speech inside a direct quote belongs to that quote
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            quote = _according_quote(index, tok, absorbed, cues | direct_cues)
        elif tok.pos_ == "VERB" and lemma(tok) in cues:
            quote = _parenthetical_quote(index, tok, absorbed) or _ccomp_quote(index, tok, absorbed)
        else:
            continue
        if quote is not None:
            found.append(quote)
    # Nested reporting ('NPR reported Y recommended that ...') gives two quotes, one per
    # speaker; two cues of one clause give one.
    kept = list({(q.start_char, q.end_char): q for q in reversed(found)}.values())
    return sorted(kept, key=lambda q: q.start_char), absorbed


def _ccomp_quote(index: DocIndex, cue: Token, absorbed: set[int]) -> Quote | None:
    # The reported clause after the verb ('said that ...') wins over one before it.
    clauses = sorted((c for c in cue.children if c.dep_ == "ccomp" and _has_subject(c)), key=lambda c: c.i < cue.i)
    clause = clauses[0] if clauses else None
    lo = None
    if clause is None:
        # 'said this year’s contest, which ..., was one of the best': the parser takes the
        # clause's subject for the verb's object and leaves the clause without a subject.
        bare = next((c for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i), None)
        obj = next((c for c in cue.children if c.dep_ == "dobj" and c.left_edge.i == cue.i + 1), None)
        if bare is None or obj is None or not obj.i < bare.i:
            return None
        clause, lo = bare, obj.left_edge.i
    speaker = speaker_of(index, cue)
    if speaker is None or index.text[speaker.start_char : speaker.end_char].lower() in SELF_REFERENCE_PRONOUNS:
        return None
    bounds = _clause_bounds(index, clause, clause.left_edge.i if lo is None else lo, clause.right_edge.i + 1, absorbed)
    if bounds is None:
        return None
    start, end = bounds
    if lemma(cue) in QUESTION_CUES and index.text[start:end].split(" ", 1)[0].lower() == "if":
        return None  # 'to determine if it had performed as designed': a question, not a claim
    return with_speaker(
        Quote("indirect", start, end), speaker, "indirect:ccomp", lemma(cue), cue.idx, cue.idx + len(cue.text)
    )


def _parenthetical_quote(index: DocIndex, cue: Token, absorbed: set[int]) -> Quote | None:
    """'The guardrail would be examined, Roberts said, to determine ...', 'Because warmer
    water is more buoyant, says the study, it rises ...': an attribution set off by commas
    inside a sentence reports the whole sentence around it (read on the surface: the parse of
    such sentences varies)."""
    doc = index.doc
    speaker = speaker_of(index, cue)
    if speaker is None or index.text[speaker.start_char : speaker.end_char].lower() in SELF_REFERENCE_PRONOUNS:
        return None
    first = index.token_at(speaker.start_char)
    last = index.token_at(max(speaker.end_char - 1, speaker.start_char))
    while first > 0 and doc[first - 1].dep_ in {"det", "poss"} and doc[first - 1].head.i >= first:
        first -= 1
    if first < cue.i:  # ', Roberts said,'
        lo, hi = first, cue.i + 1
    else:  # ', says the study,'
        lo, hi = cue.i, last + 1
    sent = cue.sent
    # '..., officials said.' / '..., say scientists': the attribution closes the sentence.
    final = all(t.is_punct or t.is_space for t in doc[hi : sent.end]) and hi > sent.start
    if lo < 1 or doc[lo - 1].text != "," or not final and (hi >= len(doc) or doc[hi].text != ","):
        return None
    if any(doc[k].pos_ in {"VERB", "AUX"} and doc[k].dep_ not in {"amod", "compound"} and k != cue.i for k in range(lo, hi)):
        return None  # a clause of its own, not an attribution ('his surviving father says' is one)
    # The reported sentence runs between clause breaks: 'X said ...; his death, they
    # reported, was ...' reports only the part after the semicolon.
    first_tok = next((k + 1 for k in range(lo - 2, sent.start - 1, -1) if doc[k].text in {";", ":"}), sent.start)
    last_tok = next((k for k in range(hi + 1, sent.end) if doc[k].text in {";", ":"}), sent.end)
    before = [t for t in doc[first_tok : lo - 1] if not t.is_punct]
    rest = [t for t in doc[hi + 1 : last_tok] if not t.is_punct]
    if final:
        if len(before) < MIN_WORDS:
            return None
        last_tok = lo - 1  # the reported words end at the comma before the attribution
    elif len(before) < 2 or len(before) + len(rest) < MIN_WORDS or not rest:
        return None
    start, end = doc[first_tok].idx, doc[last_tok - 1].idx + len(doc[last_tok - 1].text)
    inside = [k for k, m in enumerate(index.marked) if start <= m.open_char < end or start < (m.close_char or m.end) <= end]
    if any(index.marked[k].open_char < doc[lo].idx or index.marked[k].open_char < start for k in inside):
        return None  # '“...,” he said, “...”': quote marks before the attribution make direct quotes
    if any(index.owner[t.i] != -1 for t in doc[lo:hi]):
        return None
    while end > start and not index.text[end - 1].isalnum() and index.text[end - 1] not in ")]":
        end -= 1
    if any((index.marked[k].close_char or index.marked[k].end) >= end for k in inside):
        return None  # a quoted stretch runs to the sentence's end: a direct quote's words
    absorbed.update(inside)  # a quoted fragment is part of this (mixed) quote
    return with_speaker(
        Quote("indirect", start, end), speaker, "indirect:parenthetical", lemma(cue), cue.idx, cue.idx + len(cue.text)
    )


def _according_quote(index: DocIndex, according: Token, absorbed: set[int], cues: frozenset[str]) -> Quote | None:
    doc = index.doc
    head = according.head
    while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
        head = head.head
    if head.pos_ not in {"VERB", "AUX"} or head.i == according.i:
        return None
    if lemma(head) in cues:
        return None  # 'According to ISNA, X said ...': X is the speaker, the verb's rule decides
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    a_lo, a_hi = according.left_edge.i, according.right_edge.i + 1
    to_obj = next((c for c in doc[according.i + 1].children if c.dep_ == "pobj"), None)
    if to_obj is not None and to_obj.right_edge.i + 1 < a_hi and doc[to_obj.right_edge.i + 1].text == ",":
        # 'One child was, according to the fire service, among the dead': the parse hangs the
        # rest of the sentence on 'according'; the phrase ends at its comma.
        a_hi = to_obj.right_edge.i + 1
    if all(doc[i].is_punct or doc[i].is_space for i in range(lo, a_lo)):
        lo = a_hi
    elif all(doc[i].is_punct or doc[i].is_space for i in range(a_hi, hi)):
        hi = a_lo
    bounds = _clause_bounds(index, head, lo, hi, absorbed)
    if bounds is None:
        return None
    speaker = according_speaker(index, according)
    to = doc[according.i + 1]
    start, end = bounds
    return with_speaker(
        Quote("indirect", start, end), speaker, "indirect:according-to", "according to", according.idx, to.idx + len(to.text)
    )


def _has_subject(verb: Token) -> bool:
    """A clause of its own: a subject, and no adverbial conjunction ('as Turkey invades')."""
    if any(c.dep_ == "mark" and c.lower_ not in {"that", "whether", "if"} for c in verb.children):
        return False
    return any(c.dep_ in CLAUSE_SUBJECT_DEPS for c in verb.children)


def _clause_bounds(index: DocIndex, head: Token, lo: int, hi: int, absorbed: set[int]) -> tuple[int, int] | None:
    """Character bounds of the reported clause ``doc[lo:hi]`` headed by ``head``, without a
    leading 'that', the journalist's continuation, or edge punctuation; None when it is
    not a quote of its own (too short, or it is the words of a direct quote)."""
    doc, text = index.doc, index.text
    # ', but it is not yet clear ...': a contrasting coordination is the journalist's.
    for child in head.children:
        if child.i > head.i and child.dep_ == "cc" and child.lower_ in CONTRAST_CC:
            hi = min(hi, child.i)
        if child.i > head.i and child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONTRAST_CC for m in child.children):
            hi = min(hi, child.left_edge.i)
    # '..., adding that ...': a second reporting verb starts an attribution of its own.
    for tok in doc[head.i + 1 : hi]:
        if tok.dep_ in {"advcl", "conj"} and tok.pos_ == "VERB" and lemma(tok) in index.cues and tok.left_edge.i > lo:
            hi = min(hi, tok.left_edge.i)
            break
    # ', which ran about US$1.5 billion apiece': a non-restrictive relative clause at the end.
    for tok in doc[lo:hi]:
        if tok.dep_ == "relcl" and tok.left_edge.i > lo and doc[tok.left_edge.i - 1].text == "," and tok.right_edge.i + 1 >= hi - 1:
            hi = min(hi, tok.left_edge.i - 1)
            break
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")):
        if mark_opens(doc[lo]):
            break
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or doc[hi - 1].is_punct and not mark_closes(doc[hi - 1])):
        hi -= 1
    sent = doc[head.i].sent  # a clause never runs past its sentence (parses across quotes do)
    lo, hi = max(lo, sent.start), min(hi, sent.end)
    if hi - lo < MIN_WORDS or doc[lo].tag_ in {"WRB", "WP"} or doc[lo].lower_ == "whether":
        # 'confirmed how the channel was carved': an embedded question is not a statement.
        return None
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
    for m in index.marked:
        if m.start == start and m.close_char is not None and m.close_char < end:
            start = m.open_char  # '“Beyond Imagination” emerged ...': the clause opens with a mark
            after = index.token_at(m.close_char) + 1
            while after < len(doc) and (doc[after].is_punct or doc[after].is_space):
                after += 1
            if after < len(doc) and doc[after].pos_ == "CCONJ":
                return None  # 'said "We couldn’t win," and the city flag ...': the quote, then narration
    if any(m.open_char < start < (m.close_char if m.close_char is not None else m.end) < end for m in index.marked):
        return None  # starts inside quote marks and ends outside: a parse across a quote's edge
    # A quoted fragment that runs to the clause's end keeps its closing mark.
    inside = [
        k for k, m in enumerate(index.marked)
        if m.parent is None and start <= m.open_char < end and (m.close_char is None or m.close_char <= end + 2)
    ]
    for k in inside:
        close = index.marked[k].close_char
        if close is not None and close >= end:
            end = close + 1
    outside = text[start:end]
    for k in inside:
        m = index.marked[k]
        outside = outside.replace(text[m.open_char : (m.close_char or m.end) + 1], " ")
    if len([w for w in outside.split() if any(ch.isalnum() for ch in w)]) < 2:
        return None  # the clause is the words of a direct quote
    # Inside a direct quote that started before the clause: the direct quote has it.
    if any(m.parent is None and m.open_char < start and (m.close_char or m.end) >= end for m in index.marked):
        return None
    absorbed.update(inside)
    return start, end


