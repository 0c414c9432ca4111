"""Token authentication when the Ray engine joins a running cluster (Ray 2.52 and later).

A cluster started with ``RAY_AUTH_MODE=token`` refuses every client that does not send its
token. ``ray start --head`` also turns token mode on by itself when the machine already
has a token (``~/.ray/auth_token``, which any earlier local ``ray.init()`` writes, since Ray
2.59). A client reads the mode and the token from its environment: ``RAY_AUTH_MODE=token``,
then the token from ``RAY_AUTH_TOKEN``, else the file named by ``RAY_AUTH_TOKEN_PATH``,
else ``~/.ray/auth_token``. Given an explicit address, a client never turns token mode on
by itself, and ``ray.init`` then retries for about 20 seconds before failing with a bare
"Failed to connect to Ray cluster".

Here ``--ray-token-file`` is passed through as that environment, and the cluster is asked
once, before ``ray.init``, whether it accepts this client, so that a refusal is one line
that says what to set. Nothing here imports Ray at module level.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import Iterator, Mapping

from extract.engines.base import EngineError

MODE_ENV = "RAY_AUTH_MODE"
TOKEN_ENV = "RAY_AUTH_TOKEN"
TOKEN_PATH_ENV = "RAY_AUTH_TOKEN_PATH"


class RayAuthenticationError(EngineError):
    """The cluster refused this client's token, or the lack of one."""


def default_token_file() -> Path:
    """Where Ray keeps the user's token when no variable names one."""
    return Path.home() / ".ray" / "auth_token"


def use_token_file(path: str) -> None:
    """Token mode with the token in ``path``, for this process and Ray's view of it."""
    file = Path(path).expanduser()
    try:
        token = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise RayAuthenticationError(f"cannot read the Ray token file {path}: {getattr(err, 'strerror', None) or err}") from err
    if not token:
        raise RayAuthenticationError(f"the Ray token file {path} is empty")
    # RAY_AUTH_TOKEN would win over the file: the file given on the command line must count.
    os.environ.pop(TOKEN_ENV, None)
    os.environ[MODE_ENV] = "token"
    os.environ[TOKEN_PATH_ENV] = str(file.resolve())
    _reload_ray_auth()


def check_token_env(environ: Mapping[str, str] = os.environ) -> None:
    """In token mode, a token must be at hand before Ray looks for it: without one, or with a
    RAY_AUTH_TOKEN_PATH that cannot be read, Ray's client ends the process."""
    if environ.get(MODE_ENV, "").lower() != "token" or environ.get(TOKEN_ENV):
        return
    if environ.get(TOKEN_PATH_ENV):
        path = Path(environ[TOKEN_PATH_ENV])
        if not path.is_file() or not path.read_bytes().strip():
            raise RayAuthenticationError(f"{TOKEN_PATH_ENV}={path} is not a readable, non-empty token file")
    elif token_source(environ) is None:
        raise RayAuthenticationError(_no_token_message())


def token_source(environ: Mapping[str, str] = os.environ) -> str | None:
    """Where Ray takes the token from in token mode (for messages); None if there is none."""
    if environ.get(TOKEN_ENV):
        return TOKEN_ENV
    if environ.get(TOKEN_PATH_ENV):
        return environ[TOKEN_PATH_ENV]
    default = default_token_file()
    return str(default) if default.is_file() else None


def refusal_message(address: str, environ: Mapping[str, str] = os.environ) -> str:
    """One line: why the cluster at ``address`` refused this client, and what to set."""
    if environ.get(MODE_ENV, "").lower() != "token":
        return (
            f"the Ray cluster at {address} requires token authentication: set {MODE_ENV}=token with the "
            f"cluster's token in {TOKEN_ENV} or ~/.ray/auth_token, or pass --ray-token-file FILE"
        )
    source = token_source(environ)
    if source is None:
        return _no_token_message()
    return (
        f"the Ray cluster at {address} refused the token from {source}: use the cluster's token "
        "(`ray get-auth-token` on its head node prints it)"
    )


def _no_token_message() -> str:
    return (
        f"{MODE_ENV}=token but no Ray token was found: set {TOKEN_ENV} or pass --ray-token-file FILE "
        "(`ray get-auth-token` on the cluster's head node prints the token)"
    )


def check_accepted(address: str) -> None:
    """Ask the cluster's control service (GCS) at ``address`` once whether it accepts this
    client; a refusal is a one-line ``RayAuthenticationError``. Anything else is left to
    ``ray.init`` to report."""
    # Ray's own client of the GCS (ray._raylet has no type stubs for it): constructing one
    # fetches the cluster id, a single call.
    gcs_client = getattr(importlib.import_module("ray._raylet"), "GcsClient", None)
    if gcs_client is None:  # pragma: no cover - another Ray: ray.init reports a refusal
        return
    try:
        with _stderr_silenced():
            gcs_client(address=address)
    except authentication_error() as err:
        raise RayAuthenticationError(refusal_message(address)) from err
    except Exception:  # noqa: BLE001 - not about the token: ray.init says what it is
        return


def authentication_error() -> type[BaseException]:
    """Ray's exception for a refused token (an exception nothing raises, on a Ray without one)."""
    try:
        from ray.exceptions import AuthenticationError
    except ImportError:  # pragma: no cover
        return _NeverRaised
    return AuthenticationError


class _NeverRaised(Exception):
    pass


def _reload_ray_auth() -> None:
    """Ray reads the mode and caches the token when it is first used: read them again, as
    Ray does itself when it turns token mode on."""
    if "ray" not in sys.modules:
        return  # not imported yet: Ray will read the environment as it stands
    raylet = importlib.import_module("ray._raylet")
    config, loader = getattr(raylet, "Config", None), getattr(raylet, "AuthenticationTokenLoader", None)
    if config is None or loader is None:  # pragma: no cover - a Ray without token authentication
        return
    config.initialize("")
    loader.instance().reset_cache()


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Ray's C++ client logs every refused call straight to file descriptor 2; the one line
    we print says the same."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
