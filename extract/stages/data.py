"""Data files the stages read, and the base of components that carry them in a saved pipeline.

Word lists and the gazetteer are files a user may edit (``extract/data/``). A component names
its files in its config (``verbs_path = null`` means the bundled file); it reads them when it
first needs them, and ``nlp.to_disk`` writes their bytes into the component's folder, so a
saved pipeline holds the data it was saved with, as spaCy's ``span_ruler`` holds its patterns.
``spacy.load`` then restores that copy (``from_disk``) and never reads the original paths.
"""

from __future__ import annotations

from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable


def bundled_path(filename: str) -> Path:
    """The bundled data file ``extract/data/<filename>``."""
    return Path(str(resources.files("extract") / "data" / filename))


def read_data(filename: str, path: str | Path | None) -> bytes:
    """The bytes of a user's data file, or of the bundled ``extract/data/<filename>`` when None."""
    return Path(path).read_bytes() if path is not None else bundled_path(filename).read_bytes()


def data_lines(raw: bytes) -> list[str]:
    """The lines of a data file, minus blanks and ``#`` comments."""
    return [line for line in raw.decode("utf-8").splitlines() if line.strip() and not line.startswith("#")]


class DataComponent:
    """A pipeline component that reads data files and keeps their bytes for serialisation.

    ``files`` maps each bundled file name to the user's path (None: the bundled file). The
    bytes are read on first use (so ``spacy.load`` never reads a path that ``from_disk`` is
    about to replace), by ``initialize``, or restored by ``from_disk``/``from_bytes``.
    """

    def __init__(self, files: dict[str, str | None]) -> None:
        self.paths = dict(files)
        self._data: dict[str, bytes] = {}

    def data(self, filename: str) -> bytes:
        """The bytes of one of the component's files (read now if not yet read or restored)."""
        raw = self._data.get(filename)
        if raw is None:
            raw = self._data[filename] = read_data(filename, self.paths[filename])
        return raw

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Any = None) -> None:
        """Read the files named in the config now (discarding any restored copy)."""
        self._data = {}
        for filename in self.paths:
            self.data(filename)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        # spaCy here, not at the top: the command line reads the gazetteer through this module.
        from spacy import util

        return util.to_bytes({filename: partial(self.data, filename) for filename in self.paths}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> DataComponent:
        from spacy import util

        restored: dict[str, bytes] = {}
        util.from_bytes(bytes_data, {filename: partial(restored.__setitem__, filename) for filename in self.paths}, exclude)
        self._data = restored
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for filename in self.paths:
            (path / filename).write_bytes(self.data(filename))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DataComponent:
        path = Path(path)
        self._data = {filename: (path / filename).read_bytes() for filename in self.paths if (path / filename).is_file()}
        return self
