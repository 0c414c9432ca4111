"""Doc extensions for the stages' results: typed records kept as plain rows in ``user_data``.

``doc.to_bytes()`` serialises ``doc.user_data`` with msgpack, which takes plain values only.
Each extension stores its records as tuples under ``user_data["extract.<name>"]``; its getter
builds the records again, so ``doc._.quotes`` gives ``Quote`` records before and after a
round trip through bytes (msgpack turns the tuples into lists; the records compare equal).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from spacy.tokens import Doc


def user_data_key(name: str) -> str:
    return f"extract.{name}"


def register_records(name: str, record: type) -> None:
    """Register ``doc._.<name>``: a list of ``record`` dataclasses, stored as tuples of its fields.

    Called once, when the stage's module is imported (``force`` makes a re-import harmless).
    A Doc that the stage has not seen gives an empty list.
    """
    key = user_data_key(name)
    fields = [f.name for f in dataclasses.fields(record)]

    def getter(doc: Doc) -> list[Any]:
        return [record(*row) for row in doc.user_data.get(key, ())]

    def setter(doc: Doc, records: Iterable[Any]) -> None:
        doc.user_data[key] = [tuple(getattr(r, f) for f in fields) for r in records]

    Doc.set_extension(name, getter=getter, setter=setter, force=True)

