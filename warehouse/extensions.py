"""DuckDB extensions from their PyPI wheels: nothing is ever downloaded at run time.

DuckDB would fetch an extension from its repository the first time a query needs one, which a
closed network refuses and a pinned install should never need. Each extension newsflow uses is
a pinned wheel (`duckdb-extension-<name>`) that carries the binary built for this DuckDB
version; connections load it from there by path, with auto-install and auto-load switched off.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import duckdb

# Extension name → the package that ships it (the `-scanner` wheels carry the names DuckDB's
# loader expects for the SQLite and PostgreSQL catalogs).
_WHEELS = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}


@cache
def extension_path(name: str) -> Path:
    """The extension binary inside its installed wheel."""
    spec = importlib.util.find_spec(_WHEELS[name])
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the DuckDB extension {name!r} is not installed; reinstall newsflow "
            f"(pip install -c constraints.txt -e .) to get {_WHEELS[name].replace('_', '-')}"
        )
    folder = Path(spec.submodule_search_locations[0]) / "extensions" / f"v{duckdb.__version__}"
    found = folder / f"{name}.duckdb_extension"
    if not found.exists():
        raise RuntimeError(
            f"{_WHEELS[name]} has no build for DuckDB {duckdb.__version__} (looked for {found}); "
            "install the versions pinned in constraints.txt"
        )
    return found


def connect(*extensions: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with these extensions loaded from their wheels, and no others."""
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    for name in extensions:
        con.execute(f"LOAD '{extension_path(name)}'")
    return con
