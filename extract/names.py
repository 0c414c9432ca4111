"""Ids from names: transliteration to ASCII and slugs, shared by the entity stage and the batch pass.

Light on purpose (no spaCy): the batch-level identity pass runs when tables are written,
also in a cached re-run that never loads the model. Names in any script are transliterated
with ``anyascii`` ("Владимир Путин" -> "vladimir-putin", "नरेंद्र मोदी" -> "nremdr-modi"), so
an id is never empty for a name written in letters.
"""

from __future__ import annotations

import hashlib
import re

from anyascii import anyascii

# The last code point of the Latin scripts (Latin Extended-B): letters above it are in
# other scripts (Greek, Cyrillic, Devanagari, CJK, ...).
LATIN_END = 0x24F


def slugify(name: str) -> str:
    """Transliterate, lower-case, runs of other characters to ``-``: 'Dmitry Rogozin' -> 'dmitry-rogozin'.

    A name with no letter or digit in any script ("…", "★") gets a stable id from its text
    (``name-`` and 8 hex digits), never an empty one.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
    if slug or not name.strip():
        return slug
    return "name-" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:8]


def fold(word: str) -> str:
    """Lower-case ASCII: 'Erdoğan' -> 'erdogan', 'Łódź' -> 'lodz'."""
    return anyascii(word).lower()
