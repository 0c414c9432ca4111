"""`extract run --engine ray --address` on a real two-node Ray cluster with token authentication.

A head and a second node are started with `ray start`, one CPU each, with Ray's token
authentication on. The run must join them and write the local engine's bytes; a missing or
wrong token must be a one-line error. The cluster is stopped whatever happens, and no
process of it may be left.

Ray replaces 127.0.0.1 by the machine's outward address (even with `--node-ip-address
127.0.0.1`), so the cluster and its driver run in a network namespace of their own whose
only interface is loopback: there Ray's own choice is 127.0.0.1, and nothing leaves the
machine. That takes `unshare` and `nsenter` (util-linux), `ip` (iproute2) and root, as in CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from extract.pipeline import DEFAULT_MODEL
from extract.runner import RunOptions, run
from extract.store.tables import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
RAY = Path(sys.executable).with_name("ray")
# The namespace is new and holds nothing but this cluster: a fixed port cannot collide.
PORT = 6390
ADDRESS = f"127.0.0.1:{PORT}"
BROKEN = {"empty", "binary"}

# CI installs the [ray] extra and sets this: there the test must run, not skip.
ray_required = os.environ.get("EXTRACT_REQUIRE_RAY") == "1"
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None and not ray_required,
    reason='the [ray] extra is not installed (pip install ".[ray]")',
)


def _namespace_tools_missing() -> str | None:
    missing = [tool for tool in ("unshare", "nsenter", "ip") if shutil.which(tool) is None]
    if missing:
        return f"needs {', '.join(missing)} to run the cluster on loopback only"
    if os.geteuid() != 0:
        return "needs root to make a network namespace for the cluster"
    return None


@dataclass
class Cluster:
    namespace: list[str]  # the nsenter prefix that runs a command in the cluster's namespace
    token: str
    home: Path  # an empty home: no ~/.ray/auth_token of the user's is found

    def extract_run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """`extract run ARGS` as a user would run it, inside the cluster's namespace."""
        command = [*self.namespace, sys.executable, "-m", "extract.cli", "run", *args]
        return subprocess.run(command, cwd=ROOT, env=_clean_env(self.home, **(env or {})), capture_output=True, text=True, timeout=180)


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment without any Ray setting, with ``home`` as HOME and this checkout's
    ``extract`` first on the path (the cluster's workers import it too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(HOME=str(home), PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **extra)
    return env


def _session_members(sessions: set[int]) -> list[int]:
    """Live processes in any of ``sessions`` (each `ray start` runs in a session of its own,
    and every process Ray starts stays in it)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, session = fields[0], int(fields[3])
        if session in sessions and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def _wait_for(log: Path, process: subprocess.Popen[bytes], text: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.3)
    raise AssertionError(f"`ray start` did not print {text!r}:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(processes: list[subprocess.Popen[bytes]], holder: subprocess.Popen[bytes] | None) -> list[int]:
    """Stop the nodes (SIGTERM, then SIGKILL for whatever is left of their sessions) and the
    namespace holder; return what is still alive afterwards."""
    sessions = {p.pid for p in processes}
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.monotonic() + 15
    while (left := _session_members(sessions)) and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    if holder is not None:
        holder.kill()
        holder.wait(timeout=10)
    return _session_members(sessions)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A head and one more node, one CPU each, token authentication on, in a namespace of their own."""
    reason = _namespace_tools_missing()
    if reason is not None:
        if ray_required:
            pytest.fail(f"the two-node Ray test cannot run: {reason}")
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("cluster")
    home = base / "home"
    home.mkdir()
    token = secrets.token_hex(32)
    token_file = base / "cluster.token"
    token_file.write_text(token)
    # Ray's unix sockets live under --temp-dir, and their paths must stay short (108 bytes).
    temp_dir = Path(tempfile.mkdtemp(prefix="xray-", dir="/tmp"))
    env = _clean_env(
        base,
        RAY_AUTH_MODE="token",
        RAY_AUTH_TOKEN_PATH=str(token_file),
        # Stop at once on SIGTERM rather than draining for 30 s.
        RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S="0",
    )
    common = ["--block", "--num-cpus", "1", "--object-store-memory", str(128 * 2**20), "--disable-usage-stats"]
    holder: subprocess.Popen[bytes] | None = None
    nodes: list[subprocess.Popen[bytes]] = []
    try:
        holder = subprocess.Popen(["unshare", "--net", "sleep", "infinity"], start_new_session=True)
        namespace = ["nsenter", f"--net=/proc/{holder.pid}/ns/net"]
        ours = os.readlink("/proc/self/ns/net")
        deadline = time.monotonic() + 10
        while holder.poll() is None and os.readlink(f"/proc/{holder.pid}/ns/net") == ours and time.monotonic() < deadline:
            time.sleep(0.05)
        if holder.poll() is not None or os.readlink(f"/proc/{holder.pid}/ns/net") == ours:
            (pytest.fail if ray_required else pytest.skip)("cannot make a network namespace (unshare --net) for the cluster")
        subprocess.run([*namespace, "ip", "link", "set", "lo", "up"], check=True, timeout=30)

        head_log, node_log = base / "head.log", base / "node.log"
        with head_log.open("wb") as log:
            nodes.append(subprocess.Popen(
                [*namespace, str(RAY), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(PORT),
                 "--include-dashboard", "false", "--temp-dir", str(temp_dir), *common],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ))
        _wait_for(head_log, nodes[0], "Ray runtime started")
        with node_log.open("wb") as log:
            nodes.append(subprocess.Popen(
                [*namespace, str(RAY), "start", "--address", ADDRESS, *common],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ))
        _wait_for(node_log, nodes[1], "Ray runtime started")
        yield Cluster(namespace=namespace, token=token, home=home)
    finally:
        left = _stop(nodes, holder)
        shutil.rmtree(temp_dir, ignore_errors=True)
        assert not left, f"Ray processes left after stopping the cluster: {left}"


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """Nine NASA releases, the seed article, five Wikinews articles (one CSV) and two files
    that cannot be read."""
    folder = tmp_path_factory.mktemp("articles")
    sources = sorted((ROOT / "data" / "raw").glob("nasa_article_*.md")) + sorted(data_dir.glob("nasa_article_*.md"))
    sources += [data_dir / "roscosmos-iss-sanctions.txt", ROOT / "data" / "raw" / "wikinews_2020_sample.csv"]
    for source in sources:
        shutil.copy(source, folder / source.name)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return folder


@pytest.fixture(scope="module")
def local_tables(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    summary = run([articles], out, RunOptions(model=DEFAULT_MODEL, workers=1))
    assert summary.documents == 17 and {doc_id for doc_id, _ in summary.errors} == BROKEN
    return out


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@needs_ray
def test_without_a_token_the_refusal_is_one_line_saying_what_to_set(cluster: Cluster, articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    line = _one_line(cluster.extract_run(str(articles), "--out", str(out), "--engine", "ray", "--address", ADDRESS))
    assert f"the Ray cluster at {ADDRESS} requires token authentication" in line
    assert "RAY_AUTH_MODE=token" in line and "--ray-token-file" in line
    assert not list(out.glob("*.csv"))


@needs_ray
def test_a_wrong_token_file_is_refused_in_one_line_even_with_the_right_token_in_the_environment(
    cluster: Cluster, articles: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.token"
    wrong.write_text(secrets.token_hex(32))
    out = tmp_path / "out"
    result = cluster.extract_run(
        str(articles), "--out", str(out), "--engine", "ray", "--address", ADDRESS, "--ray-token-file", str(wrong),
        env={"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": cluster.token},
    )
    line = _one_line(result)
    assert f"the Ray cluster at {ADDRESS} refused the token from {wrong}" in line
    assert not list(out.glob("*.csv"))


@needs_ray
def test_token_mode_without_any_token_is_one_line(cluster: Cluster, articles: Path, tmp_path: Path) -> None:
    result = cluster.extract_run(str(articles), "--out", str(tmp_path / "out"), "--engine", "ray", "--address", ADDRESS, env={"RAY_AUTH_MODE": "token"})
    assert "no Ray token was found" in _one_line(result)


@needs_ray
def test_two_nodes_write_the_local_engines_bytes(cluster: Cluster, articles: Path, local_tables: Path, tmp_path: Path) -> None:
    token_file = tmp_path / "cluster.token"
    token_file.write_text(cluster.token + "\n")
    out = tmp_path / "ray"
    result = cluster.extract_run(str(articles), "--out", str(out), "--engine", "ray", "--address", ADDRESS, "--ray-token-file", str(token_file))
    # Exit code 1: the two broken files are failed documents, as with the local engine.
    assert result.returncode == 1, result.stderr
    for table in COLUMNS:
        name = f"{table}.csv"
        assert (out / name).read_bytes() == (local_tables / name).read_bytes(), name
    engine = json.loads((out / "manifest.json").read_text())["engine"]
    assert engine["name"] == "ray" and engine["address"] == ADDRESS
    assert (engine["cluster_nodes"], engine["cluster_cpus"], engine["actors"]) == (2, 2, 2)


@needs_ray
def test_the_token_from_the_environment_is_passed_through(cluster: Cluster, articles: Path, tmp_path: Path) -> None:
    # Ray's own variables, as `ray get-auth-token` users set them; one article is enough.
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(articles.glob("*.md")), folder)
    out = tmp_path / "out"
    result = cluster.extract_run(
        str(folder), "--out", str(out), "--engine", "ray", "--address", ADDRESS,
        env={"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": cluster.token},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "manifest.json").read_text())["documents"] == {"total": 1, "ok": 1, "error": 0}
