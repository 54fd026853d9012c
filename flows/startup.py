"""What `newsflow run` starts before Prefect loads, so that nothing waits that need not.

A run's fixed costs are the Prefect API (a server start: 10-20 s on two cores, unless the home's
server is running already, see flows/runtime/server.py), importing Prefect and the flow (about 2 s),
and each spaCy worker loading the model (about 2 s). Started here, the server and the workers load
at the same time as the imports; the flow then waits for the server only, and its first batch finds
the workers ready.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from flows.runtime.server import Lease, lease
from tasks.analyze import MIN_POOL_BATCH, start_workers
from tasks.clean import load_language_model
from tasks.nlp import is_loaded
from tasks.records import FileEntry

if TYPE_CHECKING:
    from flows.options import RunOptions
    from warehouse.store import Store

# Compressed files hold about this many times their size in text.
PACKED_RATIO = 5
PACKED = (".gz", ".zip", ".tgz", ".bz2", ".xz")
BYTES_PER_ARTICLE = 5_000


def begin(
    options: RunOptions,
    entries: list[FileEntry],
    runner: str,
    warm_env: Mapping[str, str] | None = None,
) -> Lease:
    """Lease the home's Prefect server (starting it if needed) and start the spaCy workers.
    Call it before Prefect is imported: the server's address goes into PREFECT_API_URL.

    A process that has the model loaded already (a run forked by the warm runner) starts no
    worker for a drop that one worker would parse: it parses it itself, at once."""
    server = lease(options.home, warm_env, 60 * options.server_idle_minutes)
    if server.api_url:
        os.environ["PREFECT_API_URL"] = server.api_url  # Prefect reads it once, at import
    workers = options.n_process
    if runner == "thread" and workers > 1:
        needed = workers_needed(entries, workers)
        if needed > 1 or not is_loaded(options.model):
            start_workers(needed, options.model)
    threading.Thread(target=load_language_model, name="language-model", daemon=True).start()
    return server


def prepare_lake(store: Store, loaded: Callable[[], bool]) -> Future[bool]:
    """Open the lake in a thread and make it ready for a load: True when `loaded()` says the
    drop is in already, else False once the schema is current (created or upgraded under the
    write lock). Opening costs half a second of loading DuckDB's extensions and creating a lake
    a second or two, in DuckDB, which leaves the interpreter to the caller meanwhile."""

    def prepare() -> bool:
        if store.exists() and loaded():
            return True
        with store.write_lock(wait=0):
            store.init()
        return False

    pool = ThreadPoolExecutor(1, thread_name_prefix="prepare-lake")
    try:
        return pool.submit(prepare)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def new_local_lake(store: Store) -> bool:
    """A home whose SQLite catalog does not exist yet: nothing can be loaded in it already."""
    catalog = store.location.sqlite_file
    return catalog is not None and not catalog.exists()


def workers_needed(entries: list[FileEntry], workers: int) -> int:
    """One worker for a drop of a few articles (the others would load the model for nothing,
    on cores the run needs for its start-up), else all of them. Estimated from file sizes."""
    size = sum(e.bytes * (PACKED_RATIO if e.path.endswith(PACKED) else 1) for e in entries)
    return 1 if max(len(entries), size // BYTES_PER_ARTICLE) < MIN_POOL_BATCH else workers


HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def without_heartbeats() -> contextlib.AbstractContextManager[object]:
    """Prefect settings for a run a person started and watches: no flow-run heartbeats.

    A heartbeat lets an automation mark a run crashed when its process vanished; a foreground
    run says so itself (Ctrl-C, SIGTERM and errors end its flow run), and Prefect's heartbeat
    thread, which sleeps in one-second steps, holds the end of every flow run up to a second
    (half a second of a one-article run on average). Setting either variable keeps them.
    Call it after Prefect is imported.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if any(name in os.environ for name in HEARTBEAT_SETTINGS):
        return contextlib.nullcontext()
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
