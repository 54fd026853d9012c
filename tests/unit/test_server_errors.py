"""A Prefect server that fails a write (its disk full) is explained, not shown as an HTTP 500."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import httpx
import pytest
from prefect.exceptions import PrefectHTTPStatusError

from flows.engine import _cause
from flows.options import RunOptions

Usage = namedtuple("Usage", "total used free")


def _server_error(status: int) -> BaseException:
    """What a flow run raises when the API answers `status` to a write: Prefect's error, as the
    cause of whatever the flow's machinery raised on top of it."""
    request = httpx.Request("POST", "http://127.0.0.1:4200/api/task_runs/")
    response = httpx.Response(status, request=request, text="Internal Server Error")
    try:
        try:
            raise PrefectHTTPStatusError.from_httpx_error(
                httpx.HTTPStatusError("failed", request=request, response=response)
            )
        except PrefectHTTPStatusError as api_error:
            raise RuntimeError("the task run could not be recorded") from api_error
    except RuntimeError as error:
        return error


@pytest.fixture
def options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunOptions:
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    return RunOptions.resolve(tmp_path / "home", None, None, None, None, None)


def test_a_full_disk_under_the_prefect_database_is_named_with_what_to_do(
    options: RunOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: Usage(10 * 2**30, 10 * 2**30, 2**20))
    reason = _cause(_server_error(500), options)
    assert "PrefectHTTPStatusError" not in reason
    assert "is full" in reason and "1 MiB free" in reason
    assert str(options.home / "prefect") in reason
    assert "free some space" in reason


def test_another_server_failure_says_how_to_restart_the_server(
    options: RunOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: Usage(10 * 2**30, 2**30, 9 * 2**30))
    reason = _cause(_server_error(503), options)
    assert "Prefect server failed (HTTP 503)" in reason
    assert "newsflow server stop" in reason


def test_a_client_error_is_left_as_it_is(options: RunOptions) -> None:
    reason = _cause(_server_error(404), options)
    assert reason.startswith("RuntimeError: the task run could not be recorded")
