"""Where the NLP batches run: threads in this process (the default) or a Dask cluster.

Only the NLP task is submitted to the task runner; the other steps are cheap and run in the flow.
On Dask, each worker process parses its batch itself (one process per worker), and as many
batches are kept in flight as there are workers, twice over, so none of them waits.
"""

from __future__ import annotations

from typing import Any

RUNNERS = ("thread", "dask")


def flow_with_runner(flow: Any, kind: str, address: str | None, workers: int) -> Any:
    """The flow as given, or a copy of it whose tasks run on a Dask cluster."""
    if kind == "thread":
        return flow
    if kind != "dask":
        raise ValueError(f"unknown task runner {kind!r}; use one of {', '.join(RUNNERS)}")
    from prefect_dask import DaskTaskRunner

    if address:
        runner = DaskTaskRunner(address=address)
    else:
        runner = DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers,
                "threads_per_worker": 1,  # spaCy holds the GIL: parallelism comes from processes
                "processes": True,
                "dashboard_address": None,
            }
        )
    return flow.with_options(task_runner=runner)
