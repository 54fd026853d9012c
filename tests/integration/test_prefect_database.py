"""The fresh Prefect database a new home's server starts from (flows/runtime/prefect_database.py).

A stand-in plays Prefect's server: it creates its SQLite database under PREFECT_HOME in WAL mode,
as a real server does, and then answers /api/health. What is tested is how the fresh copy is
built, kept and handed to new homes (a real server builds it in about 30 s here).
"""

from __future__ import annotations

import fcntl
import sqlite3
import sys
from pathlib import Path

import pytest

from flows.runtime import prefect_database, prefect_server
from tests.integration.test_server import STAND_IN as SERVER_STAND_IN

# test_server's stand-in, after creating its database as a server does.
STAND_IN = (
    "import os, sqlite3\n"
    "db = sqlite3.connect(os.path.join(os.environ['PREFECT_HOME'], 'prefect.db'))\n"
    "db.execute('PRAGMA journal_mode=WAL')\n"
    "db.execute('CREATE TABLE alembic_version (version_num TEXT)')\n"
    "db.execute('CREATE TABLE block_type (slug TEXT)')\n"
    "db.execute(\"INSERT INTO block_type VALUES ('s3-bucket'), ('secret')\")\n"
    "db.commit()\n" + SERVER_STAND_IN
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(
        prefect_server, "server_command", lambda port: [sys.executable, "-c", STAND_IN, str(port)]
    )
    return tmp_path / "cache" / "newsflow"


def _block_types(database: Path) -> list[str]:
    with sqlite3.connect(database) as con:
        return [slug for (slug,) in con.execute("SELECT slug FROM block_type ORDER BY slug")]


def test_build_keeps_one_consistent_file_of_what_the_server_created(cache: Path) -> None:
    prefect_database.build()
    template = prefect_database.template()
    assert template.parent == cache and template.name.startswith("prefect-")
    # The rows were in the server's write-ahead log; the copy holds them without one.
    assert sorted(p.name for p in cache.iterdir()) == [template.name, template.stem + ".lock"]
    assert _block_types(template) == ["s3-bucket", "secret"]


def test_build_leaves_when_another_process_is_building(cache: Path) -> None:
    cache.mkdir(parents=True)
    with open(prefect_database.template().with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        prefect_database.build()
    assert not prefect_database.template().exists()


def test_a_new_home_gets_a_copy_and_a_home_with_a_database_keeps_its_own(
    cache: Path, tmp_path: Path
) -> None:
    new_home, used_home = tmp_path / "new" / "prefect", tmp_path / "used" / "prefect"
    new_home.mkdir(parents=True)
    assert not prefect_database.seed(new_home)  # nothing to copy yet
    assert not (new_home / "prefect.db").exists()

    prefect_database.build()
    used_home.mkdir(parents=True)
    with sqlite3.connect(used_home / "prefect.db") as con:
        con.execute("CREATE TABLE block_type (slug TEXT)")
        con.execute("INSERT INTO block_type VALUES ('its-own')")
    assert prefect_database.seed(new_home)
    assert not prefect_database.seed(used_home)
    assert _block_types(new_home / "prefect.db") == ["s3-bucket", "secret"]
    assert _block_types(used_home / "prefect.db") == ["its-own"]
    assert not list(new_home.glob(".*tmp"))  # no partial copy left behind


def test_a_server_with_a_configured_database_is_left_alone(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefect_database.build()
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://db/prefect")
    home = tmp_path / "home" / "prefect"
    home.mkdir(parents=True)
    assert not prefect_database.seed(home)
    assert not (home / "prefect.db").exists()


def test_a_server_that_leaves_no_schema_leaves_no_fresh_database(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = SERVER_STAND_IN  # answers, but creates no database
    monkeypatch.setattr(
        prefect_server, "server_command", lambda port: [sys.executable, "-c", bare, str(port)]
    )
    with pytest.raises(SystemExit, match="no Prefect schema"):
        prefect_database.build()
    assert not prefect_database.template().exists()
