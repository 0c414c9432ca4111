"""The gazetteer: a user-editable CSV of known entities (matched by ``extract.stages.gazetteer_ruler``)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from extract.stages.data import bundled_path

COLUMNS = ["id", "name", "label", "category", "aliases", "cased_aliases", "overrides_model", "ignore"]
NO = {"no", "false", "0"}
YES = {"yes", "true", "1"}


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    label: str
    category: str
    aliases: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()
    # False for names the model usually tags well and that often start longer names
    # ("United States" in "United States Department of Justice"): the model's span wins.
    overrides_model: bool = True
    # True for markers of a corpus that are no entity ("((WN))", Wikinews' interviewer): their
    # matches claim the words, so the model cannot tag them, and are then dropped.
    ignore: bool = False


@dataclass
class Gazetteer:
    entries: list[GazetteerEntry]
    path: str
    digest: str
    by_id: dict[str, GazetteerEntry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}

    def surfaces(self, entry: GazetteerEntry) -> list[tuple[str, str]]:
        """(surface, attr) pairs: the name as written and cased aliases match exactly (ORTH),
        aliases match in any case (LOWER)."""
        surfaces = [(a, "LOWER") for a in entry.aliases]
        surfaces += [(a, "ORTH") for a in (entry.name, *entry.cased_aliases)]
        return surfaces

    def alias_index(self) -> dict[tuple[str, bool], str]:
        """Lookup of a surface to its id: key (lower-cased surface, False) or (surface, True) for cased."""
        index: dict[tuple[str, bool], str] = {}
        for entry in self.entries:
            for alias, attr in self.surfaces(entry):
                key = (alias, True) if attr == "ORTH" else (alias.lower(), False)
                index.setdefault(key, entry.id)
        return index


def default_gazetteer_path() -> Path:
    return bundled_path("gazetteer.csv")


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read and check a gazetteer CSV (the bundled one when ``path`` is None)."""
    path = Path(path) if path is not None else default_gazetteer_path()
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise GazetteerError(f"{path}: cannot read gazetteer ({err.strerror})") from None
    return parse_gazetteer(raw, str(path))


def parse_gazetteer(raw: bytes, path: str) -> Gazetteer:
    """Check and read the bytes of a gazetteer CSV; ``path`` names it in errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise GazetteerError(f"{path}: not UTF-8 ({err.reason} at byte {err.start})") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("id", "name", "label") if c not in (reader.fieldnames or [])]
    if missing:
        raise GazetteerError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    entries: list[GazetteerEntry] = []
    seen: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        entry_id = (row.get("id") or "").strip()
        name = (row.get("name") or "").strip()
        label = (row.get("label") or "").strip()
        if not entry_id or not name or not label:
            raise GazetteerError(f"{path}, line {line_no}: id, name and label are required")
        if entry_id in seen:
            raise GazetteerError(f"{path}, line {line_no}: duplicate id {entry_id!r}")
        if label != label.upper():
            raise GazetteerError(f"{path}, line {line_no}: label {label!r} must be an upper-case spaCy label")
        seen.add(entry_id)
        entries.append(
            GazetteerEntry(
                id=entry_id,
                name=name,
                label=label,
                category=(row.get("category") or "").strip(),
                aliases=_split(row.get("aliases")),
                cased_aliases=_split(row.get("cased_aliases")),
                overrides_model=(row.get("overrides_model") or "yes").strip().lower() not in NO,
                ignore=(row.get("ignore") or "").strip().lower() in YES,
            )
        )
    return Gazetteer(entries=entries, path=path, digest=hashlib.sha256(raw).hexdigest())


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split("|") if a.strip())
