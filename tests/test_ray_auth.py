"""Token settings for joining a Ray cluster: what is passed to Ray, and the one-line refusals.

The same paths against a real token-authenticated cluster: tests/test_ray_cluster.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.engines import ray_auth

ADDRESS = "10.0.0.5:6379"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home and no Ray variables: nothing to find unless a test puts it there."""
    for name in (ray_auth.MODE_ENV, ray_auth.TOKEN_ENV, ray_auth.TOKEN_PATH_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_without_token_mode_the_refusal_says_what_to_set(home: Path) -> None:
    (home / ".ray").mkdir()
    (home / ".ray" / "auth_token").write_text("t" * 64)  # there, but not used without token mode
    message = ray_auth.refusal_message(ADDRESS, {})
    assert message.startswith(f"the Ray cluster at {ADDRESS} requires token authentication")
    assert "RAY_AUTH_MODE=token" in message and "--ray-token-file" in message and "\n" not in message


def test_in_token_mode_the_refusal_names_the_token_that_was_sent(home: Path) -> None:
    assert "refused the token from RAY_AUTH_TOKEN" in ray_auth.refusal_message(ADDRESS, {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": "x"})
    assert "refused the token from /etc/t" in ray_auth.refusal_message(ADDRESS, {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": "/etc/t"})
    assert "no Ray token was found" in ray_auth.refusal_message(ADDRESS, {"RAY_AUTH_MODE": "token"})
    (home / ".ray").mkdir()
    (home / ".ray" / "auth_token").write_text("t" * 64)
    assert f"refused the token from {home / '.ray' / 'auth_token'}" in ray_auth.refusal_message(ADDRESS, {"RAY_AUTH_MODE": "TOKEN"})


def test_token_sources_in_rays_order(home: Path) -> None:
    (home / ".ray").mkdir()
    (home / ".ray" / "auth_token").write_text("t" * 64)
    assert ray_auth.token_source({"RAY_AUTH_TOKEN": "x", "RAY_AUTH_TOKEN_PATH": "/p"}) == "RAY_AUTH_TOKEN"
    assert ray_auth.token_source({"RAY_AUTH_TOKEN": "", "RAY_AUTH_TOKEN_PATH": "/p"}) == "/p"
    assert ray_auth.token_source({}) == str(home / ".ray" / "auth_token")


def test_a_token_file_turns_token_mode_on_and_wins_over_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = home / "cluster.token"
    token.write_text("secret-token\n")
    monkeypatch.setenv("RAY_AUTH_TOKEN", "from-the-environment")
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    reloads: list[bool] = []
    # Ray's cached view of the variables would outlive this test in the session's process.
    monkeypatch.setattr(ray_auth, "_reload_ray_auth", lambda: reloads.append(True))
    ray_auth.use_token_file(str(token))
    assert reloads == [True]
    assert os.environ["RAY_AUTH_MODE"] == "token"
    assert os.environ["RAY_AUTH_TOKEN_PATH"] == str(token.resolve())
    assert "RAY_AUTH_TOKEN" not in os.environ


@pytest.mark.parametrize("content", ["", "  \n"])
def test_an_empty_token_file_is_a_one_line_error(home: Path, content: str) -> None:
    token = home / "empty.token"
    token.write_text(content)
    with pytest.raises(ray_auth.RayAuthenticationError, match="is empty"):
        ray_auth.use_token_file(str(token))
    assert "RAY_AUTH_MODE" not in os.environ  # nothing changed


def test_token_mode_needs_a_token_at_hand(home: Path) -> None:
    with pytest.raises(ray_auth.RayAuthenticationError, match="no Ray token was found"):
        ray_auth.check_token_env({"RAY_AUTH_MODE": "token"})
    with pytest.raises(ray_auth.RayAuthenticationError, match="not a readable, non-empty token file"):
        ray_auth.check_token_env({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(home / "missing")})
    ray_auth.check_token_env({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": "x"})
    ray_auth.check_token_env({})  # no token mode: nothing needed


def test_a_token_file_needs_a_cluster_address(tmp_path: Path) -> None:
    token = tmp_path / "cluster.token"
    token.write_text("secret-token")
    article = tmp_path / "a.txt"
    article.write_text("NASA said so.")
    result = CliRunner().invoke(app, ["run", str(article), "--out", str(tmp_path / "out"), "--engine", "ray", "--ray-token-file", str(token)])
    assert result.exit_code == 2, result.output
    assert "--ray-token-file is for joining a cluster" in result.output
