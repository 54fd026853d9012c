"""Shared fixtures: a private home per session, the spaCy model once, ../shared when present."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import prefect_api

# Real S3 (moto) and PostgreSQL servers as session fixtures: s3_server, s3_bucket, postgres_server,
# postgres_dsn (see tests/servers.py).
pytest_plugins = ["tests.servers"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("NEWSFLOW_SHARED", ROOT.parent / "shared"))
SEED_ARTICLE = SHARED / "seeds" / "000_f7baf2ad073ccccb.txt"

# Prefect reads its settings at import: point it at a throwaway home before anything imports it.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="newsflow-tests-"))
os.environ["NEWSFLOW_HOME"] = str(_SESSION_HOME)
os.environ["PREFECT_HOME"] = str(_SESSION_HOME / "prefect")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_HOME / "cache")  # no fresh Prefect database of ours
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="where tests/e2e/test_dashboard.py saves its screenshots (default: a temporary "
        "folder; `make screenshots` passes docs/img)",
    )


def pytest_configure() -> None:
    """A SIGTERM (a CI timeout, `kill`) ends the session as Ctrl-C does: the session's servers
    (Prefect, moto, PostgreSQL) are stopped by their finalizers instead of outliving it.

    A session started in the background (`make test &`: the shell ignores SIGINT for it) takes
    Ctrl-C back: the commands the tests start would inherit the ignored SIGINT, and a test that
    stops one with SIGINT would wait for nothing."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


UNIT_TESTS = ROOT / "tests" / "unit"


class StartedAProcess(AssertionError):
    """A unit test started a process: it belongs in tests/integration or tests/e2e."""


@pytest.fixture(autouse=True)
def _unit_tests_start_no_process(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unit tests run in this process only, so that the unit suite stays fast and never leaves
    a server or worker behind; anything that starts a process fails them here."""
    if UNIT_TESTS not in request.node.path.parents:
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StartedAProcess(
            f"{request.node.nodeid} started a process: move it to tests/integration or tests/e2e"
        )

    import multiprocessing.process

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    monkeypatch.setattr(os, "fork", refuse)


def newsflow(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, in a subprocess with its own home and no inherited settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env["NEWSFLOW_HOME"] = str(home)
    env["PREFECT_API_URL"] = prefect_api.api_url()  # one server for the session's CLI runs
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
        input=stdin,
    )


def wait_for_file(path: Path, what: str, timeout: float = 240) -> None:
    """Until `path` exists: a paused failpoint creates it (NEWSFLOW_FAILPOINT_REACHED)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened within {timeout:.0f} s")
        time.sleep(0.1)


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not available")


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect API for every flow test of the session (starting one costs ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"
