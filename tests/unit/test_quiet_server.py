"""The background server's docket worker: it polls every CHECK_EVERY and still runs its tasks.

Its cancellation listener is replaced by one that only says it is ready; docket's worker waits
for that before it takes any task, so a replacement that never said so would leave the server's
background tasks undone (no error, just nothing). Run against docket's in-memory backend, as
Prefect's server uses it.
"""

from __future__ import annotations

import asyncio
import uuid

from docket import Docket

from flows.runtime.quiet_server import CHECK_EVERY, CalmWorker


def test_the_calm_worker_runs_what_is_queued_and_polls_every_two_seconds() -> None:
    done: list[str] = []

    async def record(name: str) -> None:
        done.append(name)

    async def scenario() -> CalmWorker:
        async with Docket(name=f"test-{uuid.uuid4().hex}", url="memory://") as docket:
            docket.register(record)
            await docket.add(record)("vacuum")
            await docket.add(record)("mark ready")
            async with CalmWorker(docket) as worker:
                await asyncio.wait_for(worker.run_until_finished(), timeout=30)
            return worker

    worker = asyncio.run(scenario())
    assert sorted(done) == ["mark ready", "vacuum"]
    assert worker.minimum_check_interval == CHECK_EVERY == worker.scheduling_resolution
