"""News information extraction: sentences, entities, quotes and relations as CSV tables.

    import extract
    tables = extract.load("out/")                 # the tables of a run, as DataFrames
    nlp = extract.build_pipeline()                # the spaCy pipeline (imports spaCy)
    doc = nlp(text); doc._.quotes
"""

from __future__ import annotations

from typing import Any

from extract.store.load import load

__version__ = "0.1.0"
__all__ = ["build_pipeline", "load", "__version__"]


def __getattr__(name: str) -> Any:
    # build_pipeline on first use: `import extract` (and so the command line) never imports spaCy.
    if name == "build_pipeline":
        from extract.pipeline import build_pipeline

        return build_pipeline
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
