"""How a load runs: every setting of a `process-drop` run, resolved once and passed down.

Arguments come first, then the NEWSFLOW_* variables (docs/cli.md lists them), then the defaults.
The environment is read here and nowhere below: the steps (tasks/), the warehouse and the spaCy
workers get these values as arguments, so a run, a served run and a test given the same options
do the same thing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.runtime.server import DEFAULT_IDLE_MINUTES
from flows.settings import SettingError, positive_int, store_for, whole_number
from tasks.clean import CleanOptions
from tasks.ingest import Limits
from tasks.syndication import Rules
from warehouse.lake import Location
from warehouse.store import Store

DEFAULT_BATCH_SIZE = 200
DEFAULT_BATCHES_IN_FLIGHT = 2
DEFAULT_CLEAN_SECONDS = 10
MODEL_ENV = "NEWSFLOW_MODEL"

__all__ = ["RunOptions", "SettingError"]


@dataclass(frozen=True)
class RunOptions:
    """A run's home and lake, its batching and processes, its model and its per-document limits.

    `model` None is the first default pipeline installed (tasks.nlp.default_model)."""

    home: Path
    location: Location
    batch_size: int = DEFAULT_BATCH_SIZE
    n_process: int = 1
    batches_in_flight: int = DEFAULT_BATCHES_IN_FLIGHT
    model: str | None = None
    limits: Limits = field(default_factory=Limits)
    clean: CleanOptions = field(default_factory=CleanOptions)
    # Days around a story's time within which its syndicated copies are looked for.
    window_days: int = Rules.window_days
    # Minutes the home's background Prefect server waits unused before it stops (0: none).
    server_idle_minutes: int = DEFAULT_IDLE_MINUTES

    @property
    def store(self) -> Store:
        return Store(self.home, self.location)

    @classmethod
    def resolve(
        cls,
        home: str | os.PathLike[str] | None = None,
        catalog: str | None = None,
        data_path: str | None = None,
        batch_size: int | None = None,
        n_process: int | None = None,
        model: str | None = None,
        batches_in_flight: int | None = None,
        env: Mapping[str, str] = os.environ,
    ) -> RunOptions:
        """The arguments, else the environment, else the defaults. Raises SettingError for a
        variable that is not a whole number (or not at least 1 where a count is meant) and
        warehouse.lake.LocationError for a catalog or data path newsflow cannot use."""
        store = store_for(home, catalog, data_path, env)

        def number(name: str, default: int) -> int:
            return whole_number(env, f"NEWSFLOW_{name}", default)

        return cls(
            home=store.home,
            location=store.location,
            batch_size=batch_size or positive_int(env, "NEWSFLOW_BATCH_SIZE", DEFAULT_BATCH_SIZE),
            n_process=n_process or positive_int(env, "NEWSFLOW_N_PROCESS", os.cpu_count() or 1),
            batches_in_flight=batches_in_flight
            or positive_int(env, "NEWSFLOW_BATCHES_IN_FLIGHT", DEFAULT_BATCHES_IN_FLIGHT),
            model=model or env.get(MODEL_ENV) or None,
            limits=Limits(
                max_file_bytes=number("MAX_FILE_BYTES", Limits.max_file_bytes),
                max_unpacked_bytes=number("MAX_UNPACKED_BYTES", Limits.max_unpacked_bytes),
                max_archive_members=number("MAX_ARCHIVE_MEMBERS", Limits.max_archive_members),
                max_records=number("MAX_RECORDS", Limits.max_records),
                max_record_chars=number("MAX_RECORD_CHARS", Limits.max_record_chars),
            ),
            clean=CleanOptions(
                max_article_chars=number("MAX_ARTICLE_CHARS", CleanOptions.max_article_chars),
                max_seconds=number("MAX_CLEAN_SECONDS", DEFAULT_CLEAN_SECONDS),
            ),
            window_days=number("SYNDICATION_WINDOW_DAYS", Rules.window_days),
            server_idle_minutes=number("SERVER_IDLE_MINUTES", DEFAULT_IDLE_MINUTES),
        )
