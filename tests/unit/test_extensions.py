"""The DuckDB extensions load from their pinned wheels, and nothing else loads them behind our back."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import extensions


@pytest.mark.parametrize("name", extensions.EXTENSIONS)
def test_every_pinned_extension_ships_a_build_for_this_duckdb(name: str) -> None:
    path = extensions.extension_path(name)
    assert path.name == f"{name}.duckdb_extension"
    assert f"v{duckdb.__version__}" in path.parts


def test_loaded_extensions_come_from_the_wheel_not_an_install() -> None:
    con = extensions.connect()
    rows = con.execute(
        "SELECT extension_name, install_mode FROM duckdb_extensions() WHERE loaded"
        " AND extension_name = ANY(?)",
        [list(extensions.EXTENSIONS)],
    ).fetchall()
    assert dict(rows) == dict.fromkeys(extensions.EXTENSIONS, "NOT_INSTALLED")


def test_a_ducklake_on_a_sqlite_catalog_round_trips_a_row(tmp_path: Path) -> None:
    con = extensions.connect(extensions=("ducklake", "sqlite_scanner"))
    con.execute(
        f"ATTACH 'ducklake:sqlite:{tmp_path / 'catalog.sqlite'}' AS lake"
        f" (DATA_PATH '{tmp_path / 'data'}/')"
    )
    con.execute("CREATE TABLE lake.articles AS SELECT 'Ana Ruiz' AS speaker")
    assert con.execute("SELECT speaker FROM lake.articles").fetchall() == [("Ana Ruiz",)]


def test_an_offline_connection_never_fetches_a_missing_extension(tmp_path: Path) -> None:
    # Without load(), DuckDB would download ducklake on first use; OFFLINE must make it fail.
    con = duckdb.connect(config={**extensions.OFFLINE, "extension_directory": str(tmp_path)})
    with pytest.raises(duckdb.IOException, match="ducklake"):
        con.execute(f"ATTACH 'ducklake:sqlite:{tmp_path / 'catalog.sqlite'}' AS lake")
    assert list(tmp_path.glob("**/*.duckdb_extension")) == []


def test_an_unknown_extension_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown DuckDB extension 'spatial'"):
        extensions.extension_path("spatial")


def test_a_process_checks_an_extensions_signature_the_first_time_it_loads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extensions, "_CHECKED", set())

    def checks(con: duckdb.DuckDBPyConnection) -> bool:
        (unsigned,) = con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()  # type: ignore[misc]
        return not unsigned

    first = extensions.connect(extensions=("ducklake", "sqlite_scanner"))
    again = extensions.connect(extensions=("ducklake", "sqlite_scanner"))
    one_more = extensions.connect(extensions=("ducklake", "httpfs"))  # httpfs not checked yet
    assert [checks(first), checks(again), checks(one_more)] == [True, False, True]
