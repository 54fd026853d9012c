"""Retries for the tasks that touch the disk: transient I/O only, with backoff.

Which errors are transient is decided once, in tasks/transient.py, for the steps and for this
retry condition alike. Bad input never gets here: the steps turn it into rejects.
"""

from __future__ import annotations

from typing import Any

from prefect import Task
from prefect.client.schemas.objects import State, TaskRun

from tasks.transient import is_transient


def retry_if_transient(_task: Task[..., Any], _task_run: TaskRun, state: State[Any]) -> bool:
    """Retry I/O trouble (a locked or briefly missing file); anything else fails at once."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, BaseException) and is_transient(error)


# Backoff: a lock or a share usually comes back within seconds, rarely after a quarter minute.
RETRY: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [1, 4, 15],
    "retry_condition_fn": retry_if_transient,
}
