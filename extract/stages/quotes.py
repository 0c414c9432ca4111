"""Quotes and their speakers: direct quotes in quote marks and indirect (reported) speech.

1. Quote marks are paired on characters, independently of the tokenizer
   (:func:`find_marked_spans`): curly, straight and angle marks, nested quotes, and the news
   convention of a quote running over several paragraphs, each opened but only the last one
   closed. An unbalanced mark degrades one quote, never the document.
2. Each marked span of at least four words is attributed (:func:`extract_quotes`) by the first
   rule that applies; ``Quote.method`` names it:

   - ``direct:cue-before`` / ``direct:cue-after``: a reporting verb (``reporting_verbs.txt``)
     in the quote's sentences, outside the quote; the speaker is its subject (``Nelson
     said``, ``said Nelson``), widened to the entity mention, its apposition (``the director
     of Roscosmos, Dmitry Rogozin,``) or the organisation it speaks for (``an Interpol
     spokesperson``); pronouns and ``the agency`` are resolved by :mod:`extract.stages.coref`;
   - ``direct:according-to``: ``“...,” according to X``;
   - ``direct:colon``: the quote follows a colon (``a statement from X: “...”``);
   - ``direct:dash``: a dash and a name follow the quote (``“...” – Dr. Jane Roe, ...``);
   - ``direct:continuation``: a sentence wholly in quote marks right after an attributed
     quote continues its speaker (split quotes, multi-paragraph quotes);
   - ``direct:none``: no speaker found; the speaker fields stay empty.

   Nested quotes are kept only when a cue inside the outer quote attributes them.
3. Indirect quotes (``indirect:ccomp``) are clausal complements of a reporting verb with a
   subject (``Rogozin said that ...``); the text is the reported clause without ``that`` and
   without a journalist's continuation (``, but ...``, ``, which ...``). ``according to X``
   gives ``indirect:according-to``. A reported clause holding a quoted fragment is one
   indirect quote (a mixed quote) and the fragment is not reported again.

Heuristics follow textacy's ``direct_quotations`` and the Gender Gap Tracker (see
``/work/shared/notes/quotes.md``), fixed where those are known to break.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy
from spacy.attrs import IDX, LOWER, POS
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id
from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from extract.stages import coref
from extract.stages.entities import Mention
from extract.stages.lemmas import lemma

MIN_WORDS = 4
# Mark families: a closing mark closes the nearest open mark of its family.
OPENERS = {"“": "double", "„": "double", "«": "angle", "‹": "single_angle", "‘": "single"}
CLOSERS = {"”": "double", "»": "angle", "›": "single_angle", "’": "single"}
DASHES = {"-", "–", "—", "―"}
OPEN_CONTEXT = set("([{—–-/") | set(OPENERS)  # characters after which a mark opens
# A name that is the subject of a reporting verb speaks, whatever label the model gave it.
SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "LOC", "EVENT", "WORK_OF_ART", "LAW"}
SELF_REFERENCE = {"i", "we", "you", "me", "us"}
# Coordinations after which a reported clause gives way to the journalist's own words.
CONTRAST_CC = {"but", "yet", "while", "although", "though", "whereas"}
SUBJECT_DEPS = ("nsubj", "csubj")


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


@dataclass(frozen=True)
class MarkedSpan:
    """Text between a pair of quote marks (``start``/``end`` exclude the marks and outer spaces)."""

    start: int
    end: int
    open_char: int
    close_char: int | None  # None: closed by a paragraph break
    parent: int | None  # index of the enclosing span in the list, for nested quotes


@dataclass(frozen=True)
class Speaker:
    start_char: int
    end_char: int
    mention: Mention | None


# --------------------------------------------------------------------------- reporting verbs


@lru_cache(maxsize=None)
def load_reporting_verbs(path: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """(direct cues, indirect cues) from a data file of lemmas (the bundled one by default).

    A line is a lemma, optionally followed by ``direct`` or ``indirect`` to restrict it.
    """
    text = (
        open(path, encoding="utf-8").read()
        if path
        else (resources.files("extract") / "data" / "reporting_verbs.txt").read_text(encoding="utf-8")
    )
    direct: set[str] = set()
    indirect: set[str] = set()
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word, kinds = parts[0].lower(), set(parts[1:]) or {"direct", "indirect"}
        if "direct" in kinds:
            direct.add(word)
        if "indirect" in kinds:
            indirect.add(word)
    return frozenset(direct), frozenset(indirect)


# --------------------------------------------------------------------------- quote marks


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """All quoted stretches of ``text``, paired on characters, in order of their opening mark.

    A line break closes every quote still open (the multi-paragraph convention: each
    paragraph of a long quote opens a mark, only the last closes). Single curly marks count
    only when they are not apostrophes (``OneWeb’s``, ``agencies’``).
    """
    spans: list[tuple[int, int, int | None, int | None]] = []  # open, end, close, parent-open
    stack: list[tuple[str, int]] = []  # (family, index of the opening mark)
    n = len(text)

    def emit(open_i: int, end: int, close_i: int | None, depth: int) -> None:
        parent = stack[depth - 1][1] if depth > 0 else None
        spans.append((open_i, end, close_i, parent))

    def close_all(end: int) -> None:
        while stack:
            family, open_i = stack.pop()
            if family in {"double", "straight", "angle"}:  # an open single mark is an apostrophe
                emit(open_i, end, None, len(stack))

    for i, ch in enumerate(text):
        if ch == "\n":
            close_all(i)
            continue
        if ch not in OPENERS and ch not in CLOSERS and ch not in "\"'":
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        opens_here = (prev.isspace() or prev in OPEN_CONTEXT) and not nxt.isspace()
        closes_here = not prev.isspace() or nxt.isspace()
        if ch in ("’", "'") and prev.isalnum() and nxt.isalnum():
            continue  # apostrophe inside a word
        family = _family(ch)
        top = _find_open(stack, family)
        straight = ch in "\"'"
        if ch in CLOSERS or straight and top is not None and closes_here and not opens_here:
            if top is None:
                # A stray closing mark: a closing-shaped double mark at a paragraph start opens.
                if ch == "”" and opens_here and (i == 0 or text[i - 1] == "\n"):
                    stack.append(("double", i))
                continue
            _, open_i = stack[top]
            del stack[top:]
            emit(open_i, i, i, top)
        elif ch in OPENERS or straight and opens_here:
            if ch in ("‘", "'") and not (opens_here and (nxt.isalnum() or nxt in "\"“[")):
                continue
            stack.append((family, i))
    close_all(n)
    order = sorted(range(len(spans)), key=lambda k: spans[k][0])
    index_of_open = {spans[k][0]: pos for pos, k in enumerate(order)}
    result = []
    for k in order:
        open_i, end, close_i, parent_open = spans[k]
        start = open_i + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        result.append(MarkedSpan(start, end, open_i, close_i, index_of_open.get(parent_open)))
    return result


def _family(ch: str) -> str:
    if ch == '"':
        return "double"
    if ch == "'":
        return "single"
    return OPENERS.get(ch) or CLOSERS[ch]


def _find_open(stack: list[tuple[str, int]], family: str) -> int | None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k][0] == family:
            return k
    return None


def is_quotation(text: str) -> bool:
    """Enough words to be a quote, and not a title of a work ('Women in STEAM Powering the
    Metaverse': every word but the function words capitalised)."""
    words = text.split()
    if len(words) < MIN_WORDS:
        return False
    content = [w for w in (w.strip(".,;:!?()[]") for w in words) if w[:1].isalpha() and w.lower() not in STOP_WORDS]
    return not (len(words) <= 12 and content and all(w[:1].isupper() for w in content))


# --------------------------------------------------------------------------- extraction


class _DocIndex:
    """Per-document look-ups shared by the rules: sentences, mentions, quote owners."""

    def __init__(
        self, doc: Doc, mentions: Sequence[Mention], marked: list[MarkedSpan], *, text: str, sents: list[Span] | None = None
    ) -> None:
        self.doc = doc
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.span.start)
        self.mention_of: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.span.start, m.span.end):
                self.mention_of[i] = m
        self.sents = list(doc.sents) if sents is None else sents
        self.sent_starts = [s.start for s in self.sents]
        self.token_starts: list[int] = doc.to_array(IDX).tolist()
        self.marked = marked
        self.cues: frozenset[str] = frozenset()
        # owner[i]: the innermost marked span holding token i (-1: narration).
        self.owner = [-1] * len(doc)
        for k, span in enumerate(marked):
            for i in range(self.token_at(span.start), self.token_at(max(span.end - 1, span.start)) + 1):
                if doc[i].idx >= span.start and doc[i].idx < span.end:
                    self.owner[i] = k

    def token_at(self, char: int) -> int:
        """Index of the token that contains (or follows) character ``char``."""
        return max(bisect_right(self.token_starts, char) - 1, 0)

    def sent_of(self, token_i: int) -> int:
        return bisect_right(self.sent_starts, token_i) - 1

    def same_line(self, a: int, b: int) -> bool:
        lo, hi = min(a, b), max(a, b)
        return "\n" not in self.text[lo:hi]


def extract_quotes(
    doc: Doc, mentions: list[Mention], *, verbs_path: str | None = None, sents: list[Span] | None = None
) -> list[Quote]:
    """All quotes of ``doc``, direct and indirect, in document order.

    ``sents``, when given, is ``list(doc.sents)`` computed once by the caller.
    """
    direct_cues, indirect_cues = load_reporting_verbs(verbs_path)
    text = doc.text  # built anew on every access: read it once
    marked = find_marked_spans(text)
    index = _DocIndex(doc, mentions, marked, text=text, sents=sents)
    index.cues = direct_cues | indirect_cues
    indirect, absorbed = _indirect_quotes(index, indirect_cues, direct_cues)
    direct = _direct_quotes(index, direct_cues, absorbed)
    quotes = _continuations(index, direct, indirect)
    # A lower-case fragment in marks with no attribution is a scare quote or a fragment whose
    # speaker cannot be told ('a "total of 1,723 cases"'): not reported.
    quotes = [q for q in quotes if not (q.method == "direct:none" and text[q.start_char].islower())]
    return sorted(quotes, key=lambda q: (q.start_char, q.end_char))


def _direct_quotes(index: _DocIndex, cues: frozenset[str], absorbed: set[int]) -> list[tuple[int, Quote]]:
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


def _attribute_direct(index: _DocIndex, k: int, span: MarkedSpan, cues: frozenset[str]) -> Quote:
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
    if candidates:
        _, _, cue = min(candidates, key=lambda c: (c[0], c[1]))
        after = cue.idx > close
        if cue.lower_ == "according":
            speaker = _according_speaker(index, cue)
            method, cue_word, cue_end = "direct:according-to", "according to", doc[cue.i + 1].idx + 2
        else:
            speaker = _speaker_of(index, cue)
            method = "direct:cue-after" if after else "direct:cue-before"
            cue_word, cue_end = lemma(cue), cue.idx + len(cue.text)
        return _with_speaker(base, speaker, method, cue_word, cue.idx, cue_end)
    if span.parent is not None:
        return base
    colon = _colon_speaker(index, span, cues)
    if colon is not None:
        speaker, cue = colon
        if cue is not None:
            return _with_speaker(base, speaker, "direct:colon", lemma(cue), cue.idx, cue.idx + len(cue.text))
        return _with_speaker(base, speaker, "direct:colon")
    dash = _dash_speaker(index, span)
    if dash is not None:
        return _with_speaker(base, dash, "direct:dash")
    return base


def _governs(index: _DocIndex, cue: Token, span: MarkedSpan) -> bool:
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


def _with_speaker(
    quote: Quote, speaker: Speaker | None, method: str, cue: str = "", cue_start: int | None = None, cue_end: int | None = None
) -> Quote:
    fields = dict(
        kind=quote.kind, start_char=quote.start_char, end_char=quote.end_char, method=method,
        cue=cue, cue_start_char=cue_start, cue_end_char=cue_end,
    )
    if speaker is not None:
        fields.update(speaker_start_char=speaker.start_char, speaker_end_char=speaker.end_char)
        if speaker.mention is not None:
            m = speaker.mention
            fields.update(speaker_entity_id=m.entity_id, speaker_name=m.entity_name, speaker_label=m.label)
    return Quote(**fields)


# --------------------------------------------------------------------------- speakers


def _subject_of(cue: Token) -> Token | None:
    """The subject of a reporting verb: its own, a coordinated or governing verb's, or the
    agent of a passive; ``who`` in a relative clause stands for the noun it modifies."""
    verb, steps = cue, 0
    while steps < 4:
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is not None:
                subject = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if subject is not None:
            if subject.lower_ in {"who", "that", "which"} and verb.dep_ == "relcl":
                return verb.head
            return _repair_according_subject(_repair_conjoined_subject(subject))
        if verb.head.i != verb.i and (
            verb.dep_ in {"conj", "xcomp"} or verb.dep_ in {"advcl", "acl"} and verb.tag_ in {"VBG", "VBN"}
        ):
            # 'criticized ... and said', 'went on to say', '..., noting on Twitter "..."'
            verb, steps = verb.head, steps + 1
            if cue.dep_ == "advcl" and verb.dep_ == "ccomp" and verb.head.pos_ == "VERB":
                verb = verb.head  # 'said the 36 must face charges, adding ...': parsed inside the clause
            continue
        if verb.dep_ == "relcl" and verb.head.pos_ in {"NOUN", "PROPN"}:
            return verb.head
        # '“...,” said a protester': the parser often takes an inverted subject for an object.
        after = next((c for c in verb.children if c.i > verb.i and c.left_edge.i == verb.i + 1 and c.pos_ in {"NOUN", "PROPN"}), None)
        if after is not None and verb is cue and verb.i > 0 and _is_close_mark_before(verb):
            return after
        return None
    return None


def _is_close_mark_before(verb: Token) -> bool:
    """The verb follows a closing quote mark (with at most a comma between): '...,” said X'."""
    doc = verb.doc
    for k in (verb.i - 1, verb.i - 2):
        if k >= 0 and _is_close_mark(doc[k]):
            return True
        if k >= 0 and not doc[k].is_punct:
            return False
    return False


def _repair_according_subject(subject: Token) -> Token:
    """'According to agency ISNA, the prosecutor, Ali Mehr, said': the parser makes the
    source the subject and the speaker its apposition; the apposition is the speaker."""
    left = subject.left_edge.i
    doc = subject.doc
    if left > 0 and doc[left - 1].lower_ == "to" and doc[left - 1].head.lower_ == "according":
        appos = next((c for c in subject.children if c.dep_ == "appos"), None)
        if appos is not None:
            return appos
    return subject


def _repair_conjoined_subject(subject: Token) -> Token:
    """'brought the American X and the own NASA noted': a conjoined subject right after a
    verb that lacks an object is a parse error; its first part is that verb's object."""
    conjuncts = [c for c in subject.children if c.dep_ == "conj"]
    if not conjuncts:
        return subject
    left = subject.left_edge.i
    if left == 0:
        return subject
    before = subject.doc[left - 1]
    if before.is_punct:
        return subject
    for _ in range(3):  # 'brought to Earth the American X': climb from 'Earth' to 'brought'
        if before.pos_ == "VERB":
            break
        before = before.head
    if (
        before.pos_ == "VERB" and before.i < left and before.i != subject.head.i
        and not any(c.dep_ in {"dobj", "obj"} for c in before.children)
    ):
        return conjuncts[-1]
    return subject


def _speaker_of(index: _DocIndex, cue: Token) -> Speaker | None:
    """The speaker of a reporting verb, as a mention where one can be found."""
    subject = _subject_of(cue)
    if subject is not None and index.owner[subject.i] != index.owner[cue.i]:
        return None  # a word inside the quote is never its speaker
    return None if subject is None else _speaker_from_token(index, subject)


def _speaker_from_token(index: _DocIndex, token: Token) -> Speaker | None:
    """Widen a subject token to its entity: the mention holding it, an apposition, a pronoun's
    or description's antecedent, or the organisation a spokesperson speaks for."""
    doc = index.doc
    own = index.mention_of.get(token.i)
    if own is not None:
        return _mention_speaker(own)
    appositions = [index.mention_of.get(c.i) for c in _appositions(token)]
    appositions = [m for m in appositions if m is not None and m.label in SPEAKER_LABELS]
    if appositions:
        people = [m for m in appositions if m.label == "PERSON"]
        return _mention_speaker((people or appositions)[0])
    if token.lower_ in SELF_REFERENCE:
        return Speaker(token.idx, token.idx + len(token.text), None)
    if token.pos_ == "PRON" or _definite(token):
        resolved = coref.resolve(token, index.mentions)
        if resolved is not None and resolved.label in SPEAKER_LABELS:
            return Speaker(token.idx, token.idx + len(token.text), resolved)
        if token.pos_ == "PRON":
            return Speaker(token.idx, token.idx + len(token.text), None)
    # 'an Interpol spokesperson', 'a spokesman for NASA', 'NASA's statement'.
    for child in token.children:
        targets = [child]
        if child.dep_ == "prep" and child.lower_ in {"for", "of", "from", "at", "with"}:
            targets = [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ not in {"compound", "poss", "nmod", "amod"}:
            continue
        for target in targets:
            m = index.mention_of.get(target.i)
            if m is not None and m.label == "ORG":
                return Speaker(token.idx, token.idx + len(token.text), m)
    start = token.i
    while start > 0 and doc[start - 1].dep_ in {"compound", "amod"} and doc[start - 1].head.i == token.i:
        start -= 1
    return Speaker(doc[start].idx, token.idx + len(token.text), None)


def _appositions(token: Token) -> list[Token]:
    """Appositions of ``token`` and of the object of its 'of' phrase ('the director of
    Roscosmos, Dmitry Rogozin,' is often parsed with the name hanging off 'Roscosmos')."""
    found = [c for c in token.children if c.dep_ == "appos"]
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                found += [c for c in obj.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
    return found


def _definite(token: Token) -> bool:
    return token.pos_ in {"NOUN", "PROPN"} and any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in token.children)


def _mention_speaker(m: Mention) -> Speaker | None:
    if m.label not in SPEAKER_LABELS:
        return Speaker(m.span.start_char, m.span.end_char, None)
    return Speaker(m.span.start_char, m.span.end_char, m)


def _according_speaker(index: _DocIndex, according: Token) -> Speaker | None:
    """X in 'according to X': a mention in the object phrase (its owner first: 'its website')."""
    doc = index.doc
    to = doc[according.i + 1]
    obj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if obj is None:
        obj = next((c for c in according.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    own = index.mention_of.get(obj.i)
    if own is not None:
        return _mention_speaker(own)
    for child in obj.children:
        if child.dep_ == "poss":
            return _speaker_from_token(index, child)
    return _speaker_from_token(index, obj)


def _colon_speaker(index: _DocIndex, span: MarkedSpan, cues: frozenset[str]) -> tuple[Speaker, Token | None] | None:
    """'X said:' or 'a statement from X:' just before the quote (possibly on the line above)."""
    text, doc = index.text, index.doc
    i = span.open_char - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0 or text[i] != ":" or text[i + 1 : span.open_char].count("\n") > 2:
        return None
    colon = index.token_at(i)
    sent = index.sents[index.sent_of(colon)]
    narration = [t for t in doc[sent.start : colon] if index.owner[t.i] == -1]
    verbs = [t for t in narration if t.pos_ == "VERB" and lemma(t) in cues]
    for verb in reversed(verbs):
        speaker = _speaker_of(index, verb)
        if speaker is not None:
            return speaker, verb
    names = [index.mention_of[t.i] for t in narration if t.i in index.mention_of]
    names = [m for m in names if m.label in {"PERSON", "ORG"}]
    if not names:
        return None
    # 'a statement from X on the passing of Y:': the source or the subject, not the topic.
    sources = [m for m in names if m.span.root.dep_ in SUBJECT_DEPS or m.span.root.dep_ == "pobj" and m.span.root.head.lower_ in {"from", "by"}]
    people = [m for m in (sources or names) if m.label == "PERSON"]
    chosen = (people or sources or names)[0]
    return Speaker(chosen.span.start_char, chosen.span.end_char, chosen), None


def _dash_speaker(index: _DocIndex, span: MarkedSpan) -> Speaker | None:
    """'“...” – Dr. Jane Roe, chief scientist': a dash and a name right after the quote."""
    text = index.text
    i = (span.close_char + 1) if span.close_char is not None else span.end
    newlines = 0
    while i < len(text) and text[i].isspace():
        newlines += text[i] == "\n"
        i += 1
    if newlines > 2:
        return None
    if i >= len(text) or text[i] not in DASHES:
        return None
    line_end = text.find("\n", i)
    line_end = len(text) if line_end < 0 else line_end
    stop = min(line_end, i + 60)
    for m in index.mentions:
        if i < m.span.start_char < stop and m.label in {"PERSON", "ORG"}:
            return Speaker(m.span.start_char, m.span.end_char, m)
    return None


# --------------------------------------------------------------------------- indirect quotes


def _indirect_quotes(index: _DocIndex, cues: frozenset[str], direct_cues: frozenset[str]) -> tuple[list[Quote], set[int]]:
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
            quote = _ccomp_quote(index, tok, absorbed)
        else:
            continue
        if quote is not None:
            found.append(quote)
    # Nested reporting ('NPR reported Y recommended that ...') gives two quotes, one per
    # speaker; two cues of one clause give one.
    kept = list({(q.start_char, q.end_char): q for q in reversed(found)}.values())
    return sorted(kept, key=lambda q: q.start_char), absorbed


def _ccomp_quote(index: _DocIndex, cue: Token, absorbed: set[int]) -> Quote | None:
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
    speaker = _speaker_of(index, cue)
    if speaker is None or index.text[speaker.start_char : speaker.end_char].lower() in SELF_REFERENCE:
        return None
    bounds = _clause_bounds(index, clause, clause.left_edge.i if lo is None else lo, clause.right_edge.i + 1, absorbed)
    if bounds is None:
        return None
    start, end = bounds
    return _with_speaker(
        Quote("indirect", start, end), speaker, "indirect:ccomp", lemma(cue), cue.idx, cue.idx + len(cue.text)
    )


def _according_quote(index: _DocIndex, according: Token, absorbed: set[int], cues: frozenset[str]) -> Quote | None:
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
    if all(doc[i].is_punct or doc[i].is_space for i in range(lo, a_lo)):
        lo = a_hi
    elif all(doc[i].is_punct or doc[i].is_space for i in range(a_hi, hi)):
        hi = a_lo
    bounds = _clause_bounds(index, head, lo, hi, absorbed)
    if bounds is None:
        return None
    speaker = _according_speaker(index, according)
    to = doc[according.i + 1]
    start, end = bounds
    return _with_speaker(
        Quote("indirect", start, end), speaker, "indirect:according-to", "according to", according.idx, to.idx + len(to.text)
    )


def _has_subject(verb: Token) -> bool:
    """A clause of its own: a subject, and no adverbial conjunction ('as Turkey invades')."""
    if any(c.dep_ == "mark" and c.lower_ not in {"that", "whether", "if"} for c in verb.children):
        return False
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for c in verb.children)


def _clause_bounds(index: _DocIndex, head: Token, lo: int, hi: int, absorbed: set[int]) -> tuple[int, int] | None:
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
        if _is_open_mark(doc[lo]):
            break
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or doc[hi - 1].is_punct and not _is_close_mark(doc[hi - 1])):
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


def _is_open_mark(token: Token) -> bool:
    return token.text in OPENERS or token.text in {'"', "'"} and token.whitespace_ == ""


def _is_close_mark(token: Token) -> bool:
    return token.text in CLOSERS or token.text in {'"', "'"}


# --------------------------------------------------------------------------- continuations


def _continuations(index: _DocIndex, direct: list[tuple[int, Quote]], indirect: list[Quote]) -> list[Quote]:
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
        prev = next((p for p in range(pos - 1, -1, -1) if quotes[p].speaker_start_char is not None), None)
        if prev is None or quotes[prev].end_char > q.start_char:
            continue
        if sentences(pos)[0] - sentences(prev)[1] <= 1:
            quotes[pos] = _inherit(q, quotes[prev])
    for pos in range(len(quotes) - 2, -1, -1):
        k, q = keys[pos], quotes[pos]
        if k is None or q.method != "direct:none" or index.marked[k].close_char is not None:
            continue
        nxt = quotes[pos + 1]
        if keys[pos + 1] is not None and nxt.speaker_start_char is not None and sentences(pos + 1)[0] - sentences(pos)[1] <= 1:
            quotes[pos] = _inherit(q, nxt)
    return quotes


def _wholly_quoted(index: _DocIndex, span: MarkedSpan) -> bool:
    """No narration words in the sentences the quote spans."""
    first = index.token_at(span.open_char)
    last = index.token_at(max(span.end - 1, span.start))
    s0, s1 = index.sent_of(first), index.sent_of(last)
    for tok in index.doc[index.sents[s0].start : index.sents[s1].end]:
        if index.owner[tok.i] == -1 and not (tok.is_punct or tok.is_space) and not (span.open_char <= tok.idx <= (span.close_char or span.end)):
            return False
    return True


def _inherit(quote: Quote, source: Quote) -> Quote:
    return Quote(
        kind=quote.kind, start_char=quote.start_char, end_char=quote.end_char,
        speaker_start_char=source.speaker_start_char, speaker_end_char=source.speaker_end_char,
        speaker_entity_id=source.speaker_entity_id, speaker_name=source.speaker_name,
        speaker_label=source.speaker_label, method="direct:continuation",
    )
