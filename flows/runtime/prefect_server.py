"""How this project starts a Prefect server for a home: the command and its environment, one
definition for the home's background server, the fresh database's build and the tests."""

from __future__ import annotations

import os
import sys

# Services a server that only records `newsflow run`s does not need: they schedule deployments,
# watch workers and automations, and each wakes up every few seconds. Runs, task runs, logs,
# events and artifacts are recorded as usual.
QUIET_SERVICES = (
    "SCHEDULER",
    "LATE_RUNS",
    "FOREMAN",
    "PAUSE_EXPIRATIONS",
    "CANCELLATION_CLEANUP",
    "REPOSSESSOR",
    "TRIGGERS",
)


def server_command(port: int) -> list[str]:
    """The server the supervisor runs (tests put a stand-in here): Prefect's, with its task
    queue polled calmly (quiet_server.py)."""
    return [
        *(sys.executable, "-m", "flows.runtime.quiet_server", "server", "start"),
        *("--host", "127.0.0.1", "--port", str(port)),
    ]


def server_env() -> dict[str, str]:
    """The environment a home's server runs in: this process's, less a configured API, with
    no telemetry and none of the services it does not need."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in QUIET_SERVICES}
    return env | {"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
