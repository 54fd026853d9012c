"""Where newsflow keeps its data, and the Prefect settings it needs, set before Prefect loads.

Prefect reads its settings once, at import. Everything here therefore runs before the first
`import prefect`: the CLI calls `configure()` first thing, and the flows module calls it on import
for people who use the flows from Python.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = "./data"


class HomeUnusable(OSError):
    """The home (or Prefect's folder in it) cannot be created: a path that cannot exist, or no
    permission to write there."""


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """`--home`, else $NEWSFLOW_HOME, else ./data (a path, or later an fsspec URL)."""
    return Path(home or os.environ.get("NEWSFLOW_HOME") or DEFAULT_HOME).expanduser().resolve()


def configure(home: str | os.PathLike[str] | None = None, quiet: bool = False) -> Path:
    """Point newsflow and Prefect at one home; keep Prefect offline and quiet."""
    path = home_dir(home)
    os.environ["NEWSFLOW_HOME"] = str(path)
    # Prefect's own database and logs live with the data unless the user chose otherwise.
    os.environ.setdefault("PREFECT_HOME", str(path / "prefect"))
    folder = Path(os.environ["PREFECT_HOME"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HomeUnusable(
            f"cannot create {folder} ({error.strerror or error}); give --home or NEWSFLOW_HOME "
            "(PREFECT_HOME, if you set it) a folder you can write"
        ) from None
    # No telemetry: this runs on closed networks, and failed calls only add noise.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    return path


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number; unset it or fix it") from None


def locate(
    home: str | os.PathLike[str] | None = None,
    catalog: str | None = None,
    data_path: str | None = None,
) -> None:
    """Settle where the warehouse lives (--catalog / --data-path over the environment) and check
    it before anything opens it; raises warehouse.lake.LocationError.

    The choice goes into $NEWSFLOW_CATALOG / $NEWSFLOW_DATA_PATH, so every part of the run (the
    flow's tasks, the spaCy workers, a Prefect subflow) resolves the same Location.
    """
    from warehouse.lake import CATALOG_ENV, DATA_PATH_ENV, Location

    Location.resolve(home_dir(home), catalog, data_path)
    for name, value in ((CATALOG_ENV, catalog), (DATA_PATH_ENV, data_path)):
        if value:
            os.environ[name] = value
