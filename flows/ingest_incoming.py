"""The `ingest-incoming` flow: every ready drop of the incoming folder not loaded yet, oldest first.

Each drop is one `process-drop` subflow run, one after the other: the warehouse has one writer,
and oldest first keeps the versions of a story in the order they were written. A drop that fails
does not hold up the others; the run fails at the end, so the failure shows in the UI and the
drop is tried again by the next run. What counts as ready and as loaded is in flows/drops.py.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import drops
from flows.options import RunOptions
from flows.process_drop import process_drop
from flows.retries import RETRY
from flows.settings import whole_number
from warehouse.store import Store, WarehouseBusy

FLOW_NAME = "ingest-incoming"
INCOMING = "incoming"
DEFAULT_QUIET_SECONDS = 60


def quiet_period(env: Mapping[str, str]) -> int:
    """$NEWSFLOW_QUIET_SECONDS, else 60."""
    return whole_number(env, "NEWSFLOW_QUIET_SECONDS", DEFAULT_QUIET_SECONDS)


def incoming_folder(home: Path, incoming: str | None) -> Path:
    """The folder to watch: `incoming` if given (it must exist), else `<home>/incoming` (made)."""
    if incoming:
        folder = Path(incoming).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"incoming folder {incoming!r} does not exist; create it or pass another one"
            )
        return folder
    folder = home / INCOMING
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@task(name="find drops", cache_policy=NO_CACHE, **RETRY)
def find_drops(incoming: str, store: Store, quiet_seconds: float) -> list[tuple[str, str]]:
    """Every drop with its state (see DropState), oldest first."""
    store.init()
    now = time.time()
    return [
        (str(drop.path), drops.state_of(drop, store, quiet_seconds, now).value)
        for drop in drops.list_drops(Path(incoming))
    ]


@flow(name=FLOW_NAME, log_prints=True)
def ingest_incoming(
    incoming: str | None = None,
    home: str | None = None,
    quiet_seconds: float | None = None,
    lock_wait_seconds: float = 3600,
) -> dict[str, str]:
    """Load every new drop of `incoming` (default `<home>/incoming`); return each drop's outcome.

    `quiet_seconds` (default $NEWSFLOW_QUIET_SECONDS, else 60) is how long a drop without a
    `_SUCCESS` marker must stay unchanged before it counts as complete.
    """
    options = RunOptions.resolve(home)
    folder = incoming_folder(options.home, incoming)
    quiet = quiet_seconds if quiet_seconds is not None else quiet_period(os.environ)
    found = find_drops(str(folder), options.store, quiet)
    outcome = dict(found)
    ready = [path for path, state in found if state == drops.DropState.READY]
    print(f"{len(ready)} drop(s) to load of {len(found)} in {folder}")
    failed: list[str] = []
    for path in ready:
        try:
            summary = process_drop(
                path, options=options, prepared=True, lock_wait_seconds=lock_wait_seconds
            )
        except WarehouseBusy as error:
            # Another load held the warehouse all this time; the next run picks these up.
            print(f"not loading {path} now: {error}")
            outcome.update({p: "waiting for the warehouse" for p in ready[ready.index(path) :]})
            break
        except Exception as error:
            outcome[path] = f"failed: {type(error).__name__}: {error}"
            failed.append(path)
            continue
        outcome[path] = (
            f"loaded: {summary.counts['articles']} articles, {summary.counts['rejects']} rejects"
        )
    create_table_artifact(
        [{"drop": Path(path).name, "outcome": state} for path, state in outcome.items()],
        key="ingest-incoming",
        description=f"drops in {folder}",
    )
    if failed:
        names = ", ".join(Path(p).name for p in failed)
        raise RuntimeError(
            f"{len(failed)} of {len(ready)} drop(s) failed to load ({names}); each has a failed "
            "process-drop run with its error, and the next run tries them again"
        )
    return outcome
