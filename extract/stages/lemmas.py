"""Lemmas on demand.

The stages read the lemmas of few tokens (reporting verbs, title nouns, a verb's head), but
spaCy's lemmatizer works through every token, about a twentieth of the model's time.
:func:`defer_lemmatizer` disables it and adds the ``on_demand_lemmas`` component, which marks
each doc with the key of the (disabled) lemmatizer; :func:`lemma` then lemmatizes a token the
first time it is asked, exactly as the lemmatizer would have (the same rules, tables and
cache, and lemmas set earlier, such as the attribute ruler's, are kept). Read lemmas through
:func:`lemma`, never ``token.lemma_``, which stays empty until then.

The doc carries a string key, not the lemmatizer, so it can still be serialised; the key
finds the lemmatizer in a module-level registry that the component fills (again after
unpickling, as in a ``nlp.pipe(n_process=2)`` worker). A doc read back in a process without
that pipeline keeps the lemmas set before it was saved and gives "" for the others.
"""

from __future__ import annotations

import uuid
import weakref
from typing import Any, Iterable

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

_USER_DATA_KEY = "extract.lemmatizer"
# Registry key -> deferred lemmatizer; weak, so a pipeline that is dropped is freed.
_LEMMATIZERS: weakref.WeakValueDictionary[str, Lemmatizer] = weakref.WeakValueDictionary()


def lemma(token: Token) -> str:
    """The token's lemma, lower-cased; lemmatized now if the pipeline deferred it."""
    if not token.lemma:
        key = token.doc.user_data.get(_USER_DATA_KEY)
        lemmatizer = _LEMMATIZERS.get(key) if key is not None else None
        if lemmatizer is not None:
            token.lemma_ = lemmatizer.lemmatize(token)[0]
    return token.lemma_.lower()


def defer_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Replace the pipeline's lemmatizer by lemmatizing on demand; False if it cannot be deferred.

    Only spaCy's own rule or lookup :class:`~spacy.pipeline.Lemmatizer` that keeps existing
    lemmas can be deferred: it lemmatizes one token at a time from the token alone. A trained
    lemmatizer, or one that overwrites lemmas, stays in the pipeline.
    """
    if name not in nlp.pipe_names:
        return False
    component = nlp.get_pipe(name)
    if not isinstance(component, Lemmatizer) or component.overwrite:
        return False
    nlp.disable_pipe(name)
    nlp.add_pipe("on_demand_lemmas", config={"lemmatizer": name}, last=True)
    return True


@Language.factory(
    "on_demand_lemmas",
    default_config={"lemmatizer": "lemmatizer"},
    requires=["token.pos"],
)
def make_on_demand_lemmas(nlp: Language, name: str, *, lemmatizer: str) -> OnDemandLemmas:
    """Lemmatize on demand with the pipeline's (disabled) component named ``lemmatizer``."""
    component = nlp.get_pipe(lemmatizer)
    if not isinstance(component, Lemmatizer):
        raise ValueError(f"on_demand_lemmas: {lemmatizer!r} is not a spaCy Lemmatizer")
    return OnDemandLemmas(component)


class OnDemandLemmas:
    """Mark each doc with the key of the deferred lemmatizer, for :func:`lemma`."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.key = uuid.uuid4().hex
        # The lemmatizer's tables are loaded after this component is made when a pipeline is
        # loaded from disk, so they are checked and indexed on the first doc instead.
        self._ready = False

    def __call__(self, doc: Doc) -> Doc:
        if not self._ready:
            self._prepare()
        doc.user_data[_USER_DATA_KEY] = self.key
        return doc

    def _prepare(self) -> None:
        self.lemmatizer(Doc(self.lemmatizer.vocab))  # checks its lookup tables now, not at the first lemma
        _index_as_sets(self.lemmatizer)
        _LEMMATIZERS[self.key] = self.lemmatizer
        self._ready = True

    def __getstate__(self) -> dict[str, Any]:
        # In another process the registry is empty: register again on the first doc there.
        return {**self.__dict__, "_ready": False}

    # The lemmatizer saves and loads its own tables; after they are loaded, index them again.
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> OnDemandLemmas:
        self._ready = False
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        return None

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> OnDemandLemmas:
        self._ready = False
        return self


class _Index(list):
    """A list of known lemmas that answers ``in`` from a set.

    The rule lemmatizer asks ``form in index`` for every candidate form of a word it has not
    seen; on a list of 57,000 nouns that scan was most of the cost of a lemma. The set gives
    the same answers, and as a list the table still saves with the pipeline (msgpack).
    """

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__(words)
        self._words = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self._words


def _index_as_sets(component: Lemmatizer) -> None:
    """Answer the lemmatizer's ``form in index`` questions from sets (see :class:`_Index`)."""
    if not component.lookups.has_table("lemma_index"):
        return
    index = component.lookups.get_table("lemma_index")
    for pos, words in list(index.items()):
        if isinstance(words, list) and not isinstance(words, _Index):
            index[pos] = _Index(words)

