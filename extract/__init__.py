"""News information extraction: sentences, entities, quotes and relations as CSV tables."""

from extract.store.load import load

__version__ = "0.1.0"
__all__ = ["load", "__version__"]
