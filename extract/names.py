"""Ids from names: ASCII folding and slugs, shared by the entity stage and the batch pass.

Light on purpose (no spaCy): the batch-level identity pass runs when tables are written,
also in a cached re-run that never loads the model.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into an ASCII letter plus an accent.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def slugify(name: str) -> str:
    """ASCII-fold, lower-case, runs of other characters to ``-``: 'Dmitry Rogozin' -> 'dmitry-rogozin'."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    # Accents are dropped ("ń" -> "n"); any other non-ASCII character ("’") separates words.
    folded = "".join(c if c.isascii() else "-" for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def fold(word: str) -> str:
    """Lower case without accents: 'Erdoğan' -> 'erdogan'."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
