"""`prefect server start` for a home's background server, with its task queue polled calmly.

Prefect's server runs its background work on docket, whose worker looks for due and new tasks
every 250 ms and listens for task cancellations every 100 ms, each listen a hop through a thread:
2.4% of a core while the server does nothing (1.4-1.6 CPU-s a minute), for the hour it idles
after every run and, during a run, taken from the spaCy workers on a machine they fill. The
background server only records runs; the services it keeps (events, task runs) are not on
docket, and what is (log and vacuum tasks, minutes or hours apart) can wait two seconds. Prefect
never cancels a docket task. So this worker checks every CHECK_EVERY and does not listen for
cancellations: 0.7% of a core idle. `newsflow serve`, which schedules deployments, runs the
server as Prefect ships it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from docket import Docket, Worker

CHECK_EVERY = timedelta(seconds=2)


class CalmWorker(Worker):
    """docket's worker with CHECK_EVERY for its polling and no cancellation listener."""

    def __init__(self, docket: Docket, **options: Any) -> None:
        options.setdefault("minimum_check_interval", CHECK_EVERY)
        options.setdefault("scheduling_resolution", CHECK_EVERY)
        super().__init__(docket, **options)

    async def _cancellation_listener(self) -> None:
        """Ready at once, then idle until the worker stops (the worker waits for its listener to
        be ready before it takes tasks)."""
        session = self._processing_session
        if session is None:
            return
        session.cancellation_ready.set()
        await session.stopping.wait()


def main() -> None:
    from prefect.cli import app
    from prefect.server.api import background_workers

    background_workers.Worker = CalmWorker  # type: ignore[misc]
    app()


if __name__ == "__main__":
    main()
