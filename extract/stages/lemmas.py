"""Lemmas on demand.

The stages read the lemmas of few tokens (reporting verbs, title nouns, a verb's head), but
spaCy's lemmatizer works through every token, about a twentieth of the model's time.
:func:`defer_lemmatizer` disables it and adds a component that only records it on each doc;
:func:`lemma` then lemmatizes a token the first time it is asked, exactly as the lemmatizer
would have (the same rules, tables and cache, and lemmas set earlier, such as the attribute
ruler's, are kept). Read lemmas through :func:`lemma`, never ``token.lemma_``, which stays
empty until then.
"""

from __future__ import annotations

from typing import Callable

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

_USER_DATA_KEY = "extract.lemmatize"


def lemma(token: Token) -> str:
    """The token's lemma, lower-cased; lemmatized now if the pipeline deferred it."""
    if not token.lemma:
        lemmatize = token.doc.user_data.get(_USER_DATA_KEY)
        if lemmatize is not None:
            token.lemma_ = lemmatize(token)[0]
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


@Language.factory("on_demand_lemmas", default_config={"lemmatizer": "lemmatizer"})
def make_on_demand_lemmas(nlp: Language, name: str, *, lemmatizer: str) -> "OnDemandLemmas":
    component = nlp.get_pipe(lemmatizer)
    component(nlp.make_doc(""))  # checks its lookup tables now rather than at the first lemma
    _index_as_sets(component)
    return OnDemandLemmas(component.lemmatize)


def _index_as_sets(component: Lemmatizer) -> None:
    """Hold each part of speech's known lemmas as a set rather than a list.

    The rule lemmatizer asks ``form in index`` for every candidate form of a word it has not
    seen; on a list of 57,000 nouns that scan was most of the cost of a lemma. A set gives the
    same answers. The disabled lemmatizer only ever runs through :func:`lemma`.
    """
    if not component.lookups.has_table("lemma_index"):
        return
    index = component.lookups.get_table("lemma_index")
    for pos, words in list(index.items()):
        if isinstance(words, list):
            index[pos] = frozenset(words)


class OnDemandLemmas:
    """Record the (disabled) lemmatizer on each doc for :func:`lemma`."""

    def __init__(self, lemmatize: Callable[[Token], list[str]]) -> None:
        self.lemmatize = lemmatize

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[_USER_DATA_KEY] = self.lemmatize
        return doc
