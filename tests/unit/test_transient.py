"""What is worth a retry: I/O that can pass on its own, never bad bytes or a refused file."""

from __future__ import annotations

import errno
import gzip
import json

import pytest

from tasks.transient import is_transient


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EIO, "Input/output error"),
        BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        OSError(errno.ESTALE, "Stale file handle"),
        TimeoutError("timed out"),
    ],
)
def test_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        PermissionError(errno.EACCES, "Permission denied"),
        IsADirectoryError(errno.EISDIR, "Is a directory"),
        OSError(errno.ENOSPC, "No space left on device"),
        gzip.BadGzipFile("Not a gzipped file"),
        json.JSONDecodeError("Expecting value", "x", 0),
        ValueError("bad input"),
    ],
)
def test_not_transient(error: BaseException) -> None:
    assert not is_transient(error)
