"""Where newsflow keeps its data, the Prefect settings it needs, and reading NEWSFLOW_* values.

Prefect reads its settings once, at import, so `configure()` runs before the first
`import prefect`, at an entry point: the `newsflow` commands call it first thing, and Python code
that runs the flows calls `flows.configure(home)` (docs/running.md, "From Python"). No module
calls it as it is imported: importing a flow changes no setting of the importer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warehouse.store import Store

DEFAULT_HOME = "./data"
HOME_ENV = "NEWSFLOW_HOME"


class HomeUnusable(OSError):
    """The home (or Prefect's folder in it) cannot be created: a path that cannot exist, or no
    permission to write there."""


class SettingError(ValueError):
    """A NEWSFLOW_* variable newsflow cannot use; the message names it and says what to do."""


def home_dir(
    home: str | os.PathLike[str] | None = None, env: Mapping[str, str] = os.environ
) -> Path:
    """`--home`, else $NEWSFLOW_HOME, else ./data (a path, or later an fsspec URL)."""
    return Path(home or env.get(HOME_ENV) or DEFAULT_HOME).expanduser().resolve()


def prefect_home(home: Path) -> Path:
    """Where Prefect keeps its database for `home`: with the data unless PREFECT_HOME says."""
    return Path(os.environ.get("PREFECT_HOME") or home / "prefect")


def configure(home: str | os.PathLike[str] | None = None, quiet: bool = False) -> Path:
    """Point newsflow and Prefect at one home; keep Prefect offline and quiet. Call it before
    Prefect is imported (Prefect reads these at import); it returns the home."""
    path = home_dir(home)
    os.environ[HOME_ENV] = str(path)
    # Prefect's own database and logs live with the data unless the user chose otherwise.
    os.environ.setdefault("PREFECT_HOME", str(path / "prefect"))
    folder = prefect_home(path)
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


def whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """$name as a whole number, `default` when unset or empty; SettingError otherwise."""
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number; unset it or fix it") from None


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """A count: a whole number of at least 1."""
    value = whole_number(env, name, default)
    if value < 1:
        raise SettingError(f"{name} must be at least 1; unset it or fix it")
    return value


def store_for(
    home: str | os.PathLike[str] | None = None,
    catalog: str | None = None,
    data_path: str | None = None,
    env: Mapping[str, str] = os.environ,
) -> Store:
    """The home's warehouse where it lives: --catalog / --data-path, else $NEWSFLOW_CATALOG /
    $NEWSFLOW_DATA_PATH, else in the home. Raises warehouse.lake.LocationError."""
    from warehouse.lake import CATALOG_ENV, DATA_PATH_ENV, Location
    from warehouse.store import Store

    path = home_dir(home, env)
    where = Location.resolve(
        path, catalog or env.get(CATALOG_ENV), data_path or env.get(DATA_PATH_ENV)
    )
    return Store(path, where)
