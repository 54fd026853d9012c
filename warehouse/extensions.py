"""DuckDB extensions loaded from their pinned PyPI wheels, never fetched at run time.

DuckDB would otherwise download an extension the first time a query needs it (autoinstall) and
cache it under ~/.duckdb, which fails offline and lets the binary drift from the pinned version.
Each `duckdb-extension-NAME` wheel ships the file at
`duckdb_extension_NAME/extensions/v{duckdb version}/NAME.duckdb_extension`; `LOAD '<that path>'`
loads it straight from site-packages, writing nothing under the user's home.

The sqlite and postgres extensions come from the `-sqlite-scanner` / `-postgres-scanner` wheels:
the `-sqlite` / `-postgres` wheels hold the same binary under the file name `sqlite` /
`postgres`, which `LOAD` rejects because the entry point inside is named `sqlite_scanner_…`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

# Every extension the warehouse may need; the wheel's package is duckdb_extension_<name>.
EXTENSIONS = ("ducklake", "sqlite_scanner", "httpfs", "postgres_scanner")

# Connection settings that forbid any download or implicit load: a missing LOAD fails loudly.
OFFLINE = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def extension_path(name: str) -> Path:
    """Where the installed wheel keeps extension `name` for the running DuckDB version."""
    if name not in EXTENSIONS:
        raise ValueError(f"unknown DuckDB extension {name!r}; known: {', '.join(EXTENSIONS)}")
    package = f"duckdb_extension_{name}"
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package} wheel is not installed (make install)")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise RuntimeError(f"{package} has no build for DuckDB {duckdb.__version__}: {path}")
    return path


# The extensions whose signature DuckDB has checked in this process. A LOAD checks the file's
# signature by hashing it whole (70 MB for ducklake and sqlite_scanner: 0.35-0.5 s per connection
# on two busy cores, most of a dashboard page's first render); a connection whose extensions were
# all checked here already loads them without checking again (3 ms).
_CHECKED: set[str] = set()


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """LOAD each named extension into `con` from its wheel (a no-op for one already loaded)."""
    for name in names:
        path = str(extension_path(name)).replace("'", "''")
        con.execute(f"LOAD '{path}'")


def connect(
    database: str = ":memory:", *, read_only: bool = False, extensions: tuple[str, ...] = EXTENSIONS
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that downloads nothing, with the given extensions already loaded:
    signature-checked the first time this process loads each of them."""
    checked = _CHECKED.issuperset(extensions)
    config = dict(OFFLINE) | ({"allow_unsigned_extensions": "true"} if checked else {})
    con = duckdb.connect(database, read_only=read_only, config=config)
    load(con, *extensions)
    _CHECKED.update(extensions)
    return con
