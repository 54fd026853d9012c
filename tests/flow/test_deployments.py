"""The served deployments are those of deployments/prefect.yaml, with the schedules one asks for."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest


def _by_name(deployments: list[Any]) -> dict[str, Any]:
    return {f"{d.flow_name}/{d.name}": d for d in deployments}


def test_served_deployments_follow_prefect_yaml() -> None:
    from flows.runtime.serve import Schedules, deployments

    served = _by_name(deployments(Schedules()))
    assert set(served) == {
        "ingest-incoming/scheduled",
        "process-drop/on-demand",
        "maintain/weekly",
    }

    scheduled = served["ingest-incoming/scheduled"]
    schedules = {s.slug: s.schedule for s in scheduled.schedules}
    assert schedules["nightly"].cron == "0 2 * * *"
    assert schedules["nightly"].timezone == "UTC"
    assert schedules["poll"].interval == timedelta(minutes=5)
    assert scheduled.concurrency_limit == 1
    assert scheduled.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert scheduled.entrypoint == "flows.ingest_incoming.ingest_incoming"

    on_demand = served["process-drop/on-demand"]
    assert on_demand.schedules == [] and on_demand.concurrency_limit == 1
    assert on_demand.entrypoint == "flows.process_drop.process_drop"

    weekly = served["maintain/weekly"]
    assert [s.schedule.cron for s in weekly.schedules] == ["30 3 * * 0"]
    assert weekly.concurrency_limit == 1


def test_schedules_from_options_then_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from flows.cli.app import app
    from flows.runtime import serve as serving
    from flows.runtime.serve import Schedules, deployments

    served: list[Schedules] = []
    monkeypatch.setattr(
        serving, "serve", lambda _home, schedules, *_a, **_k: served.append(schedules)
    )
    env = {
        "NEWSFLOW_HOME": str(tmp_path / "home"),  # restored after the command, as the rest
        "NEWSFLOW_POLL_SECONDS": "30",
        "NEWSFLOW_TIMEZONE": "Europe/Paris",
        "NEWSFLOW_NIGHTLY": "0 3 * * *",
    }
    assert CliRunner().invoke(app, ["serve"], env=env).exit_code == 0
    assert CliRunner().invoke(app, ["serve", "--poll-seconds", "7"], env=env).exit_code == 0
    assert served == [
        Schedules(30, "0 3 * * *", "Europe/Paris"),
        Schedules(7, "0 3 * * *", "Europe/Paris"),
    ]
    chosen = Schedules.resolve(7, "30 1 * * 1-5", "America/New_York")
    assert chosen == Schedules(7, "30 1 * * 1-5", "America/New_York")

    scheduled = _by_name(deployments(chosen))["ingest-incoming/scheduled"]
    schedules = {s.slug: s.schedule for s in scheduled.schedules}
    assert (schedules["nightly"].cron, schedules["nightly"].timezone) == (
        "30 1 * * 1-5",
        "America/New_York",
    )
    assert schedules["poll"].interval == timedelta(seconds=7)
    weekly = _by_name(deployments(chosen))["maintain/weekly"]
    assert weekly.schedules[0].schedule.cron == "30 3 * * 0"  # --nightly leaves it alone


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Invalid timezone"),
        ({"nightly": "at two"}, "bad schedule 'nightly'"),
    ],
)
def test_bad_schedules_say_what_is_wrong(schedules: dict[str, Any], message: str) -> None:
    from flows.runtime.serve import Schedules, deployments

    with pytest.raises(ValueError, match=message):
        deployments(Schedules(**schedules))


def test_poll_interval_must_be_positive() -> None:
    from flows.runtime.serve import Schedules

    with pytest.raises(ValueError, match="at least 1 second"):
        Schedules.resolve(-5, None, None)


def test_the_timezone_moves_every_cron_and_serve_help_says_so() -> None:
    """One clock for a serve: the weekly maintenance stays in the night the nightly run is in."""
    from typer.testing import CliRunner

    from flows.cli.app import app
    from flows.runtime.serve import Schedules, deployments

    served = _by_name(deployments(Schedules(timezone="Europe/Paris")))
    crons = [
        s.schedule
        for d in served.values()
        for s in d.schedules
        if getattr(s.schedule, "cron", None) is not None
    ]
    assert len(crons) == 2 and {c.timezone for c in crons} == {"Europe/Paris"}
    help_text = CliRunner().invoke(app, ["serve", "--help"]).output
    shown = " ".join(w for w in help_text.split() if w != "│")  # Rich's boxes, wrapped
    assert "the nightly run and the weekly maintenance" in shown
