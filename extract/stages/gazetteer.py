"""The gazetteer: a user-editable CSV of known entities (matched by ``extract.stages.gazetteer_ruler``)."""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection

from extract.stages.data import bundled_path

COLUMNS = ["id", "name", "label", "category", "aliases", "cased_aliases", "overrides_model", "ignore"]
# overrides_model values; empty means yes.
YES = {"yes", "true", "1", ""}
NO = {"no", "false", "0"}
# An entity label as spaCy writes them: PERSON, ORG, WORK_OF_ART.
LABEL = re.compile(r"[A-Z][A-Z0-9_]*")


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
    line: int = field(default=0, compare=False)  # the row's line in the file, for errors
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
    fieldnames = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in ("id", "name", "label") if c not in fieldnames]
    if missing:
        raise GazetteerError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    unknown = [c for c in fieldnames if c not in COLUMNS]
    if unknown:
        raise GazetteerError(f"{path}: unknown column(s) {', '.join(map(repr, unknown))}; expected {', '.join(COLUMNS)}")
    reader.fieldnames = fieldnames
    entries: list[GazetteerEntry] = []
    seen: set[str] = set()
    for row in reader:
        line_no = reader.line_num  # where the row ends: its line, unless a quoted field spans lines
        entry_id = (row.get("id") or "").strip()
        name = (row.get("name") or "").strip()
        label = (row.get("label") or "").strip()
        overrides = (row.get("overrides_model") or "").strip().lower()
        ignore = (row.get("ignore") or "").strip().lower()
        if not entry_id or not name or not label:
            raise GazetteerError(f"{path}, line {line_no}: id, name and label are required")
        if entry_id in seen:
            raise GazetteerError(f"{path}, line {line_no}: duplicate id {entry_id!r}")
        if not LABEL.fullmatch(label):
            raise GazetteerError(f"{path}, line {line_no}: label {label!r} must be an upper-case spaCy label (letters, digits, _)")
        if overrides not in YES | NO:
            raise GazetteerError(f"{path}, line {line_no}: overrides_model {row.get('overrides_model')!r} must be yes or no (empty means yes)")
        if ignore not in YES | NO:
            raise GazetteerError(f"{path}, line {line_no}: ignore {row.get('ignore')!r} must be yes or no (empty means no)")
        seen.add(entry_id)
        entries.append(
            GazetteerEntry(
                id=entry_id,
                name=name,
                label=label,
                category=(row.get("category") or "").strip(),
                aliases=_split(row.get("aliases")),
                cased_aliases=_split(row.get("cased_aliases")),
                overrides_model=overrides in YES,
                line=line_no,
                ignore=ignore in YES - {""},
            )
        )
    return Gazetteer(entries=entries, path=path, digest=hashlib.sha256(raw).hexdigest())


def check_labels(gazetteer: Gazetteer, known: Collection[str], declared: Collection[str] = (), *, model: str = "the model") -> None:
    """Raise ``GazetteerError`` (file and line) for an entry whose label is neither one of the
    model's entity labels (``known``) nor one the user declared as new (``--label``)."""
    for label in declared:
        if not LABEL.fullmatch(label):
            raise GazetteerError(f"--label {label!r}: an entity label is upper-case letters, digits and _ (like ORG or SPACECRAFT)")
    allowed = set(known) | set(declared)
    bad = [e for e in gazetteer.entries if e.label not in allowed]
    if not bad:
        return
    first = bad[0]
    close = difflib.get_close_matches(first.label, sorted(allowed), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    more = f" ({len(bad) - 1} more row{'s' if len(bad) > 2 else ''} with unknown labels)" if len(bad) > 1 else ""
    raise GazetteerError(
        f"{gazetteer.path}, line {first.line}: label {first.label!r} is not an entity label of {model}; "
        f"{hint}to add it as a new label, pass --label {first.label}{more}"
    )


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split("|") if a.strip())
