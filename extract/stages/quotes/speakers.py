"""Who speaks: the subject of a reporting verb, widened to the entity it names or stands for.

Subjects come from the parse, with repairs for parses the small model often gets wrong
(inverted cues, 'according to' sources taken for subjects, conjoined objects); a subject is
widened to its mention, an apposition, a pronoun's or description's antecedent
(``doc._.coref``) or the organisation a spokesperson speaks for.
"""

from __future__ import annotations

from spacy.tokens import Token

from extract.stages.entities import Mention
from extract.stages.grammar import (
    ACTIVE_SUBJECT_DEPS,
    DASHES,
    NAME_LABELS,
    PERSON_ROLE_NOUNS,
    SELF_REFERENCE_PRONOUNS,
    SPOKESPERSON_NOUNS,
    STATEMENT_NOUNS,
    SUBJECT_RELATIVE_PRONOUNS,
    has_definite_determiner,
)
from extract.stages.lemmas import lemma
from extract.stages.quote_marks import MarkedSpan, mark_closes
from extract.stages.quotes.index import DocIndex
from extract.stages.quotes.records import Speaker


def _subject_of(cue: Token) -> Token | None:
    """The subject of a reporting verb: its own, a coordinated or governing verb's, or the
    agent of a passive; ``who`` in a relative clause stands for the noun it modifies."""
    verb, steps = cue, 0
    while steps < 4:
        subject = _subject_child(verb)
        if subject is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is not None:
                subject = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if subject is not None:
            if subject.lower_ in SUBJECT_RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return _repair_according_subject(_repair_conjoined_subject(subject))
        if verb.head.i != verb.i and (
            verb.dep_ in {"conj", "xcomp"} or verb.dep_ in {"advcl", "acl"} and verb.tag_ in {"VBG", "VBN"}
            or verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        ):
            # 'criticized ... and said', 'went on to say', 'Dittmar went on to add', '..., noting
            # on Twitter "..."'
            verb, steps = verb.head, steps + 1
            if cue.dep_ == "advcl" and cue.tag_ == "VBG" and verb.dep_ == "ccomp" and verb.head.pos_ == "VERB":
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


def _subject_child(verb: Token) -> Token | None:
    """The verb's subject. The small model sometimes gives a verb two ('The judge presiding
    over the case, Bernard Schwartz, said': judge and Schwartz); then a named one, else the
    one nearest the verb."""
    subjects = [c for c in verb.children if c.dep_ in ACTIVE_SUBJECT_DEPS]
    if len(subjects) < 2:
        return subjects[0] if subjects else None
    named = [c for c in subjects if c.ent_type_ in {"PERSON", "ORG"}]
    return min(named or subjects, key=lambda c: abs(verb.i - c.i))


def _is_close_mark_before(verb: Token) -> bool:
    """The verb follows a closing quote mark (with at most a comma between): '...,” said X'."""
    doc = verb.doc
    for k in (verb.i - 1, verb.i - 2):
        if k >= 0 and mark_closes(doc[k]):
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


def speaker_of(index: DocIndex, cue: Token) -> Speaker | None:
    """The speaker of a reporting verb, as a mention where one can be found."""
    quoted = _quoted_as_saying(cue)
    subject = quoted if quoted is not None else _subject_of(cue)
    if subject is not None and index.owner[subject.i] != index.owner[cue.i]:
        return None  # a word inside the quote is never its speaker
    speaker = None if subject is None else speaker_from_token(index, subject)
    if speaker is None or speaker.mention is None:
        # 'Caloundra coach Geoff Ingram said', 'writer and performer Rob Bartlett tweeted': the
        # parse loses the subject, but a name ends right before the verb.
        named = _name_before(index, cue)
        if named is not None and (speaker is None or doc_token_is_name(index, subject)):
            return _mention_speaker(named)
    return speaker


def doc_token_is_name(index: DocIndex, token: Token | None) -> bool:
    """A subject that is a bare noun or proper noun, not a pronoun or an 'I'."""
    return token is not None and token.pos_ in {"NOUN", "PROPN"} and index.antecedents.get(token.idx) is None


def _name_before(index: DocIndex, cue: Token) -> Mention | None:
    """A PERSON or ORG mention ending right before the verb (an adverb may stand between)."""
    doc = index.doc
    k = cue.i - 1
    while k >= 0 and doc[k].pos_ in {"ADV", "AUX", "PART"} and doc[k].lower_ != "not" and cue.i - k < 3:
        k -= 1
    if k > 0 and doc[k].text == "," and index.mention_of.get(k - 1) is not None and index.mention_of[k - 1].label == "PERSON":
        # 'the president of the Tunisian League ..., Jamel Msallem, said': the name in commas
        named = index.mention_of[k - 1]
        if named.start > 0 and doc[named.start - 1].text == ",":
            k -= 1
    if k < 0 or index.owner[k] != index.owner[cue.i]:
        return None
    m = index.mention_of.get(k)
    if m is None or m.label not in {"PERSON", "ORG"} or m.end != k + 1:
        return None
    return m


def _quoted_as_saying(cue: Token) -> Token | None:
    """'Politico quoted Tim Manning as saying "..."': the one quoted speaks, not the quoter."""
    doc = cue.doc
    if cue.i < 1 or doc[cue.i - 1].lower_ != "as" or cue.tag_ != "VBG":
        return None
    for verb in cue.ancestors:
        if verb.pos_ == "VERB" and lemma(verb) in {"quote", "cite"}:
            return next((c for c in verb.children if c.dep_ in {"dobj", "obj"}), None)
    return None


def speaker_from_token(index: DocIndex, token: Token) -> Speaker | None:
    """Widen a subject token to its entity: the mention holding it, an apposition, a pronoun's
    or description's antecedent, or the organisation a spokesperson speaks for."""
    doc = index.doc
    own = index.mention_of.get(token.i)
    appositions = [m for m in (index.mention_of.get(c.i) for c in _appositions(token)) if m is not None and m.label in NAME_LABELS]
    if own is not None:
        people = [m for m in appositions if m.label == "PERSON" and m.entity_id != own.entity_id]
        if own.label != "PERSON" and people:
            # 'A Republican Assemblywoman, Jill Tolles, commented': the person in apposition.
            return _mention_speaker(people[0])
        return _mention_speaker(own)
    if appositions:
        people = [m for m in appositions if m.label == "PERSON"]
        return _mention_speaker((people or appositions)[0])
    named = _named_in_subject(index, token)
    if named is not None:
        return _mention_speaker(named)
    issuer = _issuer_of_statement(token)
    if issuer is not None:
        return speaker_from_token(index, issuer)
    if token.lower_ in SELF_REFERENCE_PRONOUNS:
        return Speaker(token.idx, token.idx + len(token.text), None)
    if token.pos_ == "PRON" or _definite(token):
        resolved = index.antecedents.get(token.idx)
        if resolved is not None and resolved.label in NAME_LABELS:
            return Speaker(token.idx, token.idx + len(token.text), resolved)
        if token.pos_ == "PRON":
            return Speaker(token.idx, token.idx + len(token.text), None)
    # 'an Interpol spokesperson', 'a spokesman for NASA', 'NASA's statement', 'a statement by
    # X', 'a survey published by X', 'representatives from Iran', 'the hotel's website'.
    speaks_for = _issuer(index, token)
    if speaks_for is not None:
        return Speaker(token.idx, token.idx + len(token.text), speaks_for)
    owner = _document_owner(index, token)
    if owner is not None:
        return Speaker(token.idx, token.idx + len(token.text), owner)
    if token.lower_ == "police" and not _definite(token):
        # 'Police said' where the article names one police force ('Thames Valley Police').
        forces = {m.entity_id: m for m in index.mentions if m.label == "ORG" and "police" in m.entity_name.lower() and m.end <= token.i}
        if len(forces) == 1:
            return Speaker(token.idx, token.idx + len(token.text), next(iter(forces.values())))
    start = token.i
    while start > 0 and doc[start - 1].dep_ in {"compound", "amod"} and doc[start - 1].head.i == token.i:
        start -= 1
    # A surname the model left untagged ('Trump characterized ...' after 'Donald Trump').
    person = index.person_by_surname(token.text) if token.text[:1].isupper() else None
    return Speaker(doc[start].idx, token.idx + len(token.text), person)


def _issuer(index: DocIndex, token: Token) -> Mention | None:
    """The organisation (or, for a spokesperson or a document, the country or person) a
    spokesperson speaks for or a statement comes from."""
    noun = lemma(token)
    if noun in PERSON_ROLE_NOUNS:
        return None
    document = noun in STATEMENT_NOUNS
    labels = {"ORG"} | ({"GPE", "PERSON"} if document else {"GPE"} if noun in SPOKESPERSON_NOUNS else set())
    if noun in {"campaign", "spokesperson", "spokesman", "spokeswoman"}:
        labels.add("PERSON")  # 'The Trump campaign', 'a spokesman for West': they speak for the person
    for child in token.children:
        targets = [child]
        if child.dep_ == "prep" and child.lower_ in {"for", "of", "from", "at", "with", "by"}:
            targets = [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "acl" and document:
            # 'a survey published in 2017 by the Royal Pharmaceutical Society'
            targets = [c for a in child.children if a.dep_ == "agent" for c in a.children if c.dep_ == "pobj"]
        elif child.dep_ not in {"compound", "poss", "nmod", "amod"}:
            continue
        for target in targets:
            m = index.mention_of.get(target.i)
            if m is None and target.dep_ == "pobj":
                # 'a statement by the Presidential Spokesperson Harry Roque': the name in apposition
                m = next((index.mention_of[c.i] for c in target.subtree if c.i in index.mention_of and index.mention_of[c.i].label == "PERSON"), None)
            if m is not None and m.label in labels:
                return m
    return None


def _document_owner(index: DocIndex, token: Token) -> Mention | None:
    """'Their statement', "the court's summary", 'The opinion of the Court': a document speaks
    for whom its owner (a pronoun or a description too) refers to."""
    if token.pos_ != "NOUN" or lemma(token) not in STATEMENT_NOUNS:
        return None
    owners = [c for c in token.children if c.dep_ == "poss"]
    owners += [o for p in token.children if p.dep_ == "prep" and p.lower_ in {"of", "from"} for o in p.children if o.dep_ == "pobj"]
    # 'A tweet sent from Biden's Twitter account', 'a statement issued by the ministry'
    owners += [
        o for a in token.children if a.dep_ == "acl" for p in a.children
        if p.dep_ in {"prep", "agent"} and p.lower_ in {"from", "by"} for o in p.children if o.dep_ == "pobj"
    ]
    for owner in owners:
        found = speaker_from_token(index, owner)
        if found is not None and found.mention is not None and found.mention.label in NAME_LABELS:
            return found.mention
    return None


def _issuer_of_statement(token: Token) -> Token | None:
    """The subject of the verb a statement is the object of: 'Facebook released a statement
    which read', 'NASA issued a statement saying'."""
    if token.pos_ != "NOUN" or lemma(token) not in STATEMENT_NOUNS or token.dep_ not in {"dobj", "obj"}:
        return None
    return _subject_child(token.head)


def _named_in_subject(index: DocIndex, token: Token) -> Mention | None:
    """A person named in apposition somewhere in the subject phrase, nearest the verb: 'The
    judge presiding over the case, Bernard Schwartz, said', 'the president of the Tunisian
    League for Human Rights, Jamel Msallem, said', 'Early opponent MP Tanya Davies said'.

    Not inside a clause of its own ('the lawyer who represented X said'): that name is not
    the speaker.
    """
    if token.pos_ not in {"NOUN", "PROPN"}:
        return None
    found = None
    for t in token.subtree:
        m = index.mention_of.get(t.i)
        if m is None or m.label != "PERSON" or t.i == token.i or t.i != index.doc[m.start : m.end].root.i:
            continue
        if t.dep_ not in {"appos", "compound", "npadvmod"} or _in_clause(t, token):
            continue
        if t.dep_ == "compound" and m.end - m.start == 1 and has_definite_determiner(token):
            continue  # 'The Wooster professor': a one-word modifier of 'the ...' names no one
        found = m
    return found


def _in_clause(t: Token, top: Token) -> bool:
    """A clause (relative, adverbial, complement) stands between ``t`` and ``top``."""
    while t.i != top.i and t.head.i != t.i:
        if t.dep_ in {"relcl", "ccomp", "advcl", "xcomp", "csubj"}:
            return True
        t = t.head
    return False


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
    return token.pos_ in {"NOUN", "PROPN"} and has_definite_determiner(token)


def _mention_speaker(m: Mention) -> Speaker | None:
    if m.label not in NAME_LABELS:
        return Speaker(m.start_char, m.end_char, None)
    return Speaker(m.start_char, m.end_char, m)


def according_speaker(index: DocIndex, according: Token) -> Speaker | None:
    """X in 'according to X': a mention in the object phrase (its owner first: 'its website')."""
    doc = index.doc
    to = doc[according.i + 1]
    person = _person_after_according(index, to)
    if person is not None:
        return _mention_speaker(person)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if obj is None:
        obj = next((c for c in according.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    own = index.mention_of.get(obj.i)
    if own is not None and own.label != "PERSON":
        # 'according to Connecticut Senator Richard Blumenthal', "Windsor Locks' first
        # selectman, Chris Kervick": the person named in the phrase is the source.
        named = _named_in_subject(index, obj) or _person_in_phrase(index, obj)
        if named is not None:
            return _mention_speaker(named)
    if own is not None:
        return _mention_speaker(own)
    named = _named_in_subject(index, obj) or _person_in_phrase(index, obj)
    if named is not None:
        return _mention_speaker(named)
    for child in obj.children:
        if child.dep_ == "poss":
            return speaker_from_token(index, child)
    return speaker_from_token(index, obj)


def _person_after_according(index: DocIndex, to: Token) -> Mention | None:
    """The last person named in the 'according to' phrase, read on the surface (the parse
    of such phrases is often broken): up to its comma, and a name in apposition after it
    ("according to Windsor Locks' first selectman, Chris Kervick, ...")."""
    doc = index.doc
    k, found = to.i + 1, None
    while k < len(doc) and k - to.i < 12 and doc[k].text not in {",", ".", ";", ":"} and index.owner[k] == index.owner[to.i]:
        m = index.mention_of.get(k)
        if m is not None and m.label == "PERSON":
            found = m
        k += 1
    if found is None and k + 1 < len(doc) and doc[k].text == ",":
        m = index.mention_of.get(k + 1)
        if m is not None and m.label == "PERSON" and m.end < len(doc) and doc[m.end].text == ",":
            found = m
    return found


def _person_in_phrase(index: DocIndex, token: Token) -> Mention | None:
    """A PERSON mention among the words the phrase of ``token`` joins by apposition or compound."""
    for child in token.children:
        if child.dep_ in {"appos", "compound"}:
            m = index.mention_of.get(child.i)
            if m is not None and m.label == "PERSON":
                return m
    return None


def colon_speaker(index: DocIndex, span: MarkedSpan, cues: frozenset[str]) -> tuple[Speaker, Token | None] | None:
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
        speaker = speaker_of(index, verb)
        if speaker is not None:
            return speaker, verb
    names = [index.mention_of[t.i] for t in narration if t.i in index.mention_of]
    names = [m for m in names if m.label in {"PERSON", "ORG"}]
    if not names:
        return None
    # 'a statement from X on the passing of Y:': the source or the subject, not the topic.
    sources = [m for m in names if _is_source(doc[m.start : m.end].root)]
    people = [m for m in (sources or names) if m.label == "PERSON"]
    chosen = (people or sources or names)[0]
    return Speaker(chosen.start_char, chosen.end_char, chosen), None


def _is_source(root: Token) -> bool:
    """A subject, or the object of 'from'/'by' ('a statement from X')."""
    return root.dep_ in ACTIVE_SUBJECT_DEPS or root.dep_ == "pobj" and root.head.lower_ in {"from", "by"}


def dash_speaker(index: DocIndex, span: MarkedSpan) -> Speaker | None:
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
        if i < m.start_char < stop and m.label in {"PERSON", "ORG"}:
            return Speaker(m.start_char, m.end_char, m)
    return None


