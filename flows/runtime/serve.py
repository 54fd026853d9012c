"""`newsflow serve` and `newsflow trigger`: the deployments of deployments/prefect.yaml, served.

The served deployments are built from the same prefect.yaml that `prefect deploy` reads, so the
two ways to run newsflow cannot drift apart: same names, schedules and concurrency limits. Only
the poll interval, the nightly cron and the timezone of every cron (nightly and weekly: one
clock for a serve, so that maintenance stays in the night the nightly run starts) can be changed
when serving.

Import this module after `configure()`: it imports Prefect.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import yaml
from prefect import Flow
from prefect import serve as serve_deployments
from prefect.client.schemas.objects import ConcurrencyLimitConfig, FlowRun
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron, Interval, Schedule
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

from flows.runtime import server as background
from flows.runtime.local_server import LocalServer, Running, ServerError, running_api
from flows.runtime.prefect_server import healthy

DEPLOYMENTS_FILE = Path(__file__).resolve().parents[2] / "deployments" / "prefect.yaml"
INGEST_FLOW, PROCESS_FLOW = "ingest-incoming", "process-drop"
WAITING = "waiting for the newsflow run that uses the home's background Prefect server to end …"


@dataclass(frozen=True)
class Schedules:
    """Replacements for the schedules of prefect.yaml; None keeps the file's."""

    poll_seconds: int | None = None
    nightly: str | None = None  # a cron expression
    timezone: str | None = None  # IANA name, e.g. Europe/Paris

    @classmethod
    def resolve(
        cls, poll_seconds: int | None, nightly: str | None, timezone: str | None
    ) -> Schedules:
        """The values given (the CLI's options, over NEWSFLOW_POLL_SECONDS / NEWSFLOW_NIGHTLY /
        NEWSFLOW_TIMEZONE); empty ones keep the file's."""
        if poll_seconds is not None and poll_seconds < 1:
            raise ValueError(f"the poll interval must be at least 1 second, not {poll_seconds}")
        return cls(poll_seconds, nightly or None, timezone or None)

    def apply(self, entry: dict[str, Any]) -> Schedule:
        """A prefect.yaml schedule entry as a Prefect schedule, with these replacements."""
        slug = entry.get("slug")
        try:
            if "cron" in entry:
                timezone = self.timezone or entry.get("timezone")
                cron = (self.nightly if slug == "nightly" else None) or entry["cron"]
                return Cron(cron, timezone=timezone, slug=slug)
            return Interval(self.poll_seconds or entry["interval"], slug=slug)
        except (pydantic.ValidationError, ValueError) as error:
            raise ValueError(f"bad schedule {entry.get('slug', entry)!r}: {error}") from None


def specs(path: Path = DEPLOYMENTS_FILE) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["deployments"])


def flow_of(spec: dict[str, Any]) -> Flow[..., Any]:
    """The flow object of an entrypoint such as `flows/process_drop.py:process_drop`."""
    file, _, name = spec["entrypoint"].partition(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def deployment_name(flow_name: str) -> str:
    """`<flow>/<deployment>` of the deployment that runs this flow."""
    for spec in specs():
        if flow_of(spec).name == flow_name:
            return f"{flow_name}/{spec['name']}"
    raise LookupError(f"{DEPLOYMENTS_FILE} has no deployment of the flow {flow_name!r}")


def deployments(schedules: Schedules) -> list[RunnerDeployment]:
    """The deployments of prefect.yaml, ready to serve from this process."""
    built = []
    for spec in specs():
        limit = spec.get("concurrency_limit")
        try:
            deployment = flow_of(spec).to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                tags=spec.get("tags"),
                parameters=spec.get("parameters"),
                schedules=[schedules.apply(entry) for entry in spec.get("schedules", [])],
                concurrency_limit=ConcurrencyLimitConfig(**limit)
                if isinstance(limit, dict)
                else limit,
                # Runs import the flow by module, whatever directory serve was started in.
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        except pydantic.ValidationError as error:
            problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            raise ValueError(f"deployment {spec['name']!r}: {problems}") from None
        built.append(deployment)
    return built


@contextlib.contextmanager
def prefect_api(home: Path) -> Iterator[str]:
    """Point Prefect at the server that serves the deployments: the configured PREFECT_API_URL,
    else the one a `newsflow serve` on this home runs."""
    configured = get_current_settings().api.url
    if configured:
        yield configured
        return
    api = running_api(home)
    if api is None:
        raise ServerError(
            f"no Prefect server is running for {home}: start one with `newsflow serve` "
            "(in another terminal, same --home), or set PREFECT_API_URL to a server"
        )
    with temporary_settings({PREFECT_API_URL: api}):
        yield api


def serve(home: Path, schedules: Schedules, port: int, announce: Callable[[str], None]) -> None:
    """Serve both deployments until Ctrl-C, with a local server unless PREFECT_API_URL is set."""
    from flows.ingest_incoming import incoming_folder

    served = deployments(schedules)  # bad schedules fail here, before anything starts
    prefect_home = Path(os.environ["PREFECT_HOME"])
    incoming = incoming_folder(home, None)
    with contextlib.ExitStack() as stack:
        api = get_current_settings().api.url
        server_pid = None
        if api:
            if not healthy(api):
                raise ServerError(
                    f"PREFECT_API_URL={api} does not answer: start that server, or unset "
                    "PREFECT_API_URL and newsflow serve starts its own"
                )
            Running(api, server_pid).write(home)
        else:
            # The home's background server (flows/runtime/server.py) uses the same database: it
            # stops first, and none starts until serve.json tells runs to use this one.
            with background.excluded(prefect_home, on_wait=lambda: announce(WAITING)) as gone:
                if gone is not None:
                    announce(f"stopped the home's background Prefect server ({gone.ui_url})")
                announce(f"starting a Prefect server (SQLite in {prefect_home}) …")
                server = stack.enter_context(LocalServer(prefect_home, port))
                api, server_pid = server.api_url, server.pid
                stack.enter_context(temporary_settings({PREFECT_API_URL: api}))
                Running(api, server_pid).write(home)
        stack.callback(Running.clear, home)
        announce(_describe(served, api, home, incoming))
        serve_deployments(*served, print_starting_message=False)


def _describe(served: list[RunnerDeployment], api: str, home: Path, incoming: Path) -> str:
    ui = get_current_settings().ui_url  # derived from the API's address unless set
    lines = [f"Prefect UI: {ui}   (API {api})", f"home: {home}", "serving:"]
    for deployment in served:
        schedules = [s.schedule for s in deployment.schedules or []]
        described = ", ".join(_schedule_text(s) for s in schedules) or "on demand"
        lines.append(f"  {deployment.flow_name}/{deployment.name}: {described}")
    lines.append(f"new drops go in {incoming}; Ctrl-C stops serving")
    return "\n".join(lines)


def _schedule_text(schedule: Any) -> str:
    if getattr(schedule, "cron", None):
        return f"cron '{schedule.cron}' ({schedule.timezone or 'UTC'})"
    return f"every {schedule.interval.total_seconds():.0f}s"


def trigger(home: Path, drop: Path | None, wait: bool) -> tuple[FlowRun, str]:
    """Start a run of a served or deployed deployment: one drop, else the incoming folder.

    Returns the flow run (in its final state when `wait`) and the UI address of the server.
    """
    from prefect.deployments import run_deployment

    name = deployment_name(PROCESS_FLOW if drop else INGEST_FLOW)
    parameters = {"drop": str(drop.resolve())} if drop else {}
    with prefect_api(home) as api:
        try:
            run = run_deployment(name, parameters=parameters, timeout=None if wait else 0)
        except ObjectNotFound:
            raise ServerError(
                f"the server at {api} has no deployment {name!r}: is `newsflow serve` running "
                "on it, or were the deployments sent with `prefect deploy`?"
            ) from None
        return run, str(get_current_settings().ui_url)
