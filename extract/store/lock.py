"""One run at a time per output folder: an advisory lock on ``OUT/.lock``.

Two runs writing one folder would splice their rows, rename each other's temporary files away
and prune each other's cached results. The lock is ``flock`` on a file in the folder: the
operating system drops it when the process ends, however it ends (``kill -9`` included), so a
stale lock never blocks a later run. Platforms without ``fcntl`` (Windows) run unlocked.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"


class OutputLocked(RuntimeError):
    """Another live run holds the output folder."""


class OutputLock:
    """Held from ``acquire`` (or ``with``) to ``release``; a second holder is refused at once."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise ``OutputLocked`` naming the run that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode("ascii", "replace").strip()
                os.close(fd)
                who = f" (process {holder})" if holder.isdigit() else ""
                raise OutputLocked(
                    f"another extract run{who} is writing to {self.path.parent}; wait for it to finish or use another --out"
                ) from None
        # The holder's process id, for the message a second run prints.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()
