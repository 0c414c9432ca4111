"""The pipeline stages: each a spaCy component (one module or package each) or the data it reads.

- ``sentences``: sentence hints around quotes (``quote_sentence_hints``)
- ``gazetteer``, ``gazetteer_ruler``: the user's known entities and their ruler (``gazetteer_ruler``)
- ``entities``: ids, names and ``doc._.mentions`` (``canonical_entities``)
- ``lemmas``: lemmas on demand (``on_demand_lemmas``)
- ``coref``: pronouns and descriptions, ``doc._.coref`` (``extract_coref``)
- ``quotes``: direct and indirect quotes, ``doc._.quotes`` (``extract_quotes``)
- ``relations``: roles, interactions, partnerships, ``doc._.relations`` (``extract_relations``)
- ``grammar``: the pronouns, labels, dependencies and quote marks they share
- ``data``, ``extensions``: data files in saved pipelines; records on the Doc

Importing this package does not import spaCy (the command line reads the gazetteer through
it); ``import extract.stages.components`` registers the components, in the order given there.
"""
