"""What DuckDB 1.5.5's DuckLake does on the two backends the warehouse will use.

`local`: the embedded default, a SQLite catalog file and a local data folder. `remote`: the
catalog in a real PostgreSQL server and the data files on a real S3 server (moto), both started
by tests/servers.py. Each test states one behaviour the warehouse relies on, so an upgrade that
changes it fails here first; the failure cases record the exact messages a user would see.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.servers import PostgresServer, S3Server
from warehouse import extensions

pytestmark = pytest.mark.servers

ARTICLES = "CREATE TABLE lake.articles (id INTEGER, outlet VARCHAR, body VARCHAR)"


def insert_articles(con: duckdb.DuckDBPyConnection, first: int, count: int) -> None:
    con.execute(
        "INSERT INTO lake.articles SELECT i, 'Le Monde', 'Elle a déclaré « oui » ' || i"
        " FROM range(?, ?) r(i)",
        [first, first + count],
    )


@dataclass
class Lake:
    """One DuckLake on one backend: how to open it, and where its data files land."""

    name: str
    extensions: tuple[str, ...]
    attach_sql: str
    setup: tuple[str, ...]  # statements a connection runs before ATTACH (secrets)
    list_files: Callable[[], list[str]]
    add_stray_file: Callable[[], str]

    def open(self, attach_options: str = "") -> duckdb.DuckDBPyConnection:
        con = extensions.connect(extensions=self.extensions)
        for statement in self.setup:
            con.execute(statement)
        sql = self.attach_sql
        if attach_options:
            sql = sql[:-1] + f", {attach_options})"
        con.execute(sql)
        return con


def local_lake(root: Path) -> Lake:
    data = root / "data"

    def stray() -> str:
        path = data / "main" / "articles" / "left-by-a-killed-run.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.sql(f"COPY (SELECT 1 AS id) TO '{path}' (FORMAT parquet)")
        return str(path)

    return Lake(
        name="local",
        extensions=("ducklake", "sqlite_scanner"),
        attach_sql=f"ATTACH 'ducklake:sqlite:{root / 'catalog.sqlite'}' AS lake (DATA_PATH '{data}/')",
        setup=(),
        list_files=lambda: sorted(str(p) for p in data.rglob("*.parquet")),
        add_stray_file=stray,
    )


def remote_lake(s3: S3Server, bucket: str, dsn: str) -> Lake:
    def stray() -> str:
        key = "newsflow/main/articles/left-by-a-killed-run.parquet"
        s3.client().put_object(Bucket=bucket, Key=key, Body=b"PAR1")
        return f"s3://{bucket}/{key}"

    return Lake(
        name="remote",
        extensions=("ducklake", "postgres_scanner", "httpfs"),
        attach_sql=(
            f"ATTACH 'ducklake:postgres:{dsn}' AS lake (DATA_PATH 's3://{bucket}/newsflow/')"
        ),
        setup=(s3.duckdb_secret(),),
        list_files=lambda: sorted(f"s3://{bucket}/{k}" for k in s3.keys(bucket, "newsflow/")),
        add_stray_file=stray,
    )


@pytest.fixture(params=["local", "remote"])
def lake(request: pytest.FixtureRequest, tmp_path: Path) -> Lake:
    if request.param == "local":
        return local_lake(tmp_path)
    s3: S3Server = request.getfixturevalue("s3_server")
    return remote_lake(
        s3, request.getfixturevalue("s3_bucket"), request.getfixturevalue("postgres_dsn")
    )


@pytest.fixture
def remote(s3_server: S3Server, s3_bucket: str, postgres_dsn: str) -> Lake:
    return remote_lake(s3_server, s3_bucket, postgres_dsn)


def snapshot_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [row[0] for row in con.execute("SELECT snapshot_id FROM lake.snapshots()").fetchall()]


# --- transactions -------------------------------------------------------------------------------


def test_a_commit_is_invisible_until_done_then_seen_by_another_connection(lake: Lake) -> None:
    writer = lake.open()
    writer.execute(ARTICLES)
    reader = lake.open()

    writer.execute("BEGIN")
    insert_articles(writer, 0, 100)
    writer.execute("INSERT INTO lake.articles VALUES (100, 'El País', 'dijo')")
    assert reader.execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]
    writer.execute("COMMIT")

    assert reader.execute("SELECT count(*), max(id) FROM lake.articles").fetchall() == [(101, 100)]
    assert len(lake.list_files()) == 1  # the 100 rows; the single row went to the catalog


def test_a_rolled_back_transaction_leaves_no_rows_and_no_data_file(lake: Lake) -> None:
    con = lake.open()
    con.execute(ARTICLES)
    con.execute("BEGIN")
    insert_articles(con, 0, 500)
    assert len(lake.list_files()) == 1  # written during the transaction, before COMMIT
    con.execute("ROLLBACK")

    assert lake.list_files() == []  # DuckLake deletes what the transaction wrote
    assert lake.open().execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_an_open_read_blocks_a_commit_on_a_sqlite_catalog_unless_it_is_in_wal_mode(
    tmp_path: Path, journal_mode: str
) -> None:
    # SQLite's default journal lets no writer commit while a reader holds its shared lock; the
    # DuckLake commit gives up after its 5 s busy wait. WAL mode (persistent in the file) lets
    # readers and the one writer proceed together. A long query holds the lock just the same.
    lake = local_lake(tmp_path)
    with sqlite3.connect(tmp_path / "catalog.sqlite") as catalog:
        catalog.execute(f"PRAGMA journal_mode={journal_mode}")
    writer = lake.open()
    writer.execute(ARTICLES)
    reader = lake.open()
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]

    writer.execute("BEGIN")
    insert_articles(writer, 0, 100)
    if journal_mode == "wal":
        writer.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]
        assert lake.open().execute("SELECT count(*) FROM lake.articles").fetchall() == [(100,)]
    else:
        with pytest.raises(duckdb.TransactionException, match="database is locked"):
            writer.execute("COMMIT")
        reader.execute("COMMIT")
        # The failed SQLite COMMIT leaves the writer's catalog transaction open: the file stays
        # locked for every reader and writer until the writer detaches (close() is not enough).
        writer.execute("DETACH lake")
        assert lake.open().execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]


KILLED_WRITER = textwrap.dedent(
    """
    import json, sys, time
    from warehouse import extensions
    names, statements = json.loads(sys.argv[1])
    con = extensions.connect(extensions=tuple(names))
    for statement in statements:
        con.execute(statement)
    con.execute("BEGIN")
    con.execute("INSERT INTO lake.articles SELECT i, 'AFP', 'texte' FROM range(500) r(i)")
    print("written", flush=True)
    time.sleep(120)
    """
)


def test_a_writer_killed_mid_transaction_leaves_only_an_orphan_file(lake: Lake) -> None:
    con = lake.open()
    con.execute(ARTICLES)
    before = snapshot_ids(con)
    plan = json.dumps([lake.extensions, [*lake.setup, lake.attach_sql]])
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, plan], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "written"
    finally:
        writer.kill()  # SIGKILL before COMMIT: no rollback runs, the file it wrote stays
        writer.wait()
    [orphan] = lake.list_files()

    assert snapshot_ids(con) == before
    assert con.execute("SELECT count(*) FROM lake.articles").fetchall() == [(0,)]
    # without cleanup_all only files older than the default window go: a fresh one stays
    kept = con.execute("CALL ducklake_delete_orphaned_files('lake', dry_run => true)")
    assert kept.fetchall() == []
    removed = con.execute("CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)")
    assert removed.fetchall() == [(orphan,)]
    assert lake.list_files() == []


# --- snapshots ----------------------------------------------------------------------------------


def test_each_commit_is_a_snapshot_that_carries_its_message_and_time_travels(lake: Lake) -> None:
    con = lake.open()
    con.execute(ARTICLES)
    for run in (1, 2):
        con.execute("BEGIN")
        insert_articles(con, run * 1000, 50)
        con.execute(
            "CALL ducklake_set_commit_message('lake', 'newsflow', ?, extra_info => ?)",
            [f"load drop-{run}", f'{{"run_id": "run-{run}"}}'],
        )
        con.execute("COMMIT")

    rows = con.execute(
        "SELECT snapshot_id, author, commit_message, commit_extra_info FROM lake.snapshots()"
        " WHERE commit_message IS NOT NULL ORDER BY snapshot_id"
    ).fetchall()
    assert [row[1:] for row in rows] == [
        ("newsflow", "load drop-1", '{"run_id": "run-1"}'),
        ("newsflow", "load drop-2", '{"run_id": "run-2"}'),
    ]
    first, second = (row[0] for row in rows)
    at = "SELECT count(*) FROM lake.articles AT (VERSION => ?)"
    assert con.execute(at, [first]).fetchall() == [(50,)]
    assert con.execute(at, [second]).fetchall() == [(100,)]
    # the same function form the issue names, as a table function
    assert con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchall() == [
        (second,)
    ]


# --- data inlining ------------------------------------------------------------------------------


def test_inserts_of_up_to_ten_rows_are_inlined_in_the_catalog_by_default(lake: Lake) -> None:
    con = lake.open()
    assert con.execute(
        "SELECT value FROM duckdb_settings() WHERE name = 'ducklake_default_data_inlining_row_limit'"
    ).fetchall() == [("10",)]
    con.execute(ARTICLES)
    insert_articles(con, 0, 10)
    assert lake.list_files() == []
    insert_articles(con, 10, 11)
    assert len(lake.list_files()) == 1
    assert con.execute("SELECT count(*) FROM lake.articles").fetchall() == [(21,)]

    # flush_inlined_data moves the catalog rows into one Parquet file
    flushed = con.execute("CALL ducklake_flush_inlined_data('lake')").fetchall()
    assert flushed == [("main", "articles", 10)]
    assert len(lake.list_files()) == 2


def test_a_zero_inlining_limit_on_attach_writes_every_insert_to_a_file(lake: Lake) -> None:
    con = lake.open("DATA_INLINING_ROW_LIMIT 0")
    con.execute(ARTICLES)
    insert_articles(con, 0, 1)
    assert len(lake.list_files()) == 1


# --- maintenance --------------------------------------------------------------------------------


def test_merge_expire_cleanup_and_orphans_remove_every_unneeded_file(lake: Lake) -> None:
    con = lake.open()
    con.execute(ARTICLES)
    for batch in range(5):
        insert_articles(con, batch * 100, 100)
    assert len(lake.list_files()) == 5

    merged = con.execute("CALL ducklake_merge_adjacent_files('lake')").fetchall()
    assert merged == [("main", "articles", 5, 1)]  # schema, table, files merged, files created
    assert len(lake.list_files()) == 6  # the old files stay until their snapshots expire
    assert con.execute("SELECT count(*) FROM lake.articles AT (VERSION => 3)").fetchall() == [
        (200,)
    ]

    dry = con.execute(
        "CALL ducklake_expire_snapshots('lake', dry_run => true, older_than => now())"
    )
    assert len(dry.fetchall()) == len(snapshot_ids(con)) - 1  # the newest always stays
    con.execute("CALL ducklake_expire_snapshots('lake', older_than => now())")
    assert len(snapshot_ids(con)) == 1
    with pytest.raises(duckdb.InvalidInputException, match="No snapshot found at version 3"):
        con.execute("SELECT count(*) FROM lake.articles AT (VERSION => 3)")

    assert len(lake.list_files()) == 6  # expiring only schedules files for deletion
    deleted = con.execute("CALL ducklake_cleanup_old_files('lake', cleanup_all => true)").fetchall()
    assert len(deleted) == 5
    assert len(lake.list_files()) == 1

    stray = lake.add_stray_file()
    orphans = con.execute("CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)")
    assert orphans.fetchall() == [(stray,)]
    assert len(lake.list_files()) == 1
    assert con.execute("SELECT count(*) FROM lake.articles").fetchall() == [(500,)]


def test_a_deleted_row_stays_in_a_data_file_until_rewrite_and_cleanup(lake: Lake) -> None:
    con = lake.open()
    con.execute(ARTICLES)
    insert_articles(con, 0, 100)
    con.execute("DELETE FROM lake.articles WHERE id = 7")
    text = "SELECT count(*) FROM read_parquet(?) WHERE body = 'Elle a déclaré « oui » 7'"

    def copies_in_files() -> int:
        files = [f for f in lake.list_files() if not f.endswith("-delete.parquet")]
        return int(con.execute(text, [files]).fetchall()[0][0])

    assert copies_in_files() == 1  # a delete file hides it; the data file keeps it
    rewritten = con.execute("CALL ducklake_rewrite_data_files('lake', delete_threshold => 0)")
    assert rewritten.fetchall() == [("main", "articles", 1, 1)]
    con.execute("CALL ducklake_expire_snapshots('lake', older_than => now())")
    con.execute("CALL ducklake_cleanup_old_files('lake', cleanup_all => true)")
    assert copies_in_files() == 0
    assert con.execute("SELECT count(*) FROM lake.articles").fetchall() == [(99,)]


# --- failures on the remote backend -------------------------------------------------------------


def test_a_wrong_secret_key_fails_reads_and_writes_and_commits_nothing(
    remote: Lake, s3_server: S3Server
) -> None:
    good = remote.open()
    good.execute(ARTICLES)
    insert_articles(good, 0, 100)
    before = snapshot_ids(good)

    bad = extensions.connect(extensions=remote.extensions)
    bad.execute(s3_server.duckdb_secret(secret="not-the-secret"))
    bad.execute(remote.attach_sql)  # ATTACH reads only the catalog: it succeeds
    # count(*) is answered from catalog statistics, without reading a data file
    assert bad.execute("SELECT count(*) FROM lake.articles").fetchall() == [(100,)]
    with pytest.raises(duckdb.HTTPException) as read_error:
        bad.execute("SELECT max(body) FROM lake.articles").fetchall()
    assert "HTTP 403 Forbidden" in str(read_error.value)
    assert "SignatureDoesNotMatch" in str(read_error.value)
    with pytest.raises(duckdb.HTTPException) as write_error:
        insert_articles(bad, 100, 100)
    assert "Forbidden (HTTP code 403)" in str(write_error.value)
    assert "SignatureDoesNotMatch" in str(write_error.value)

    assert snapshot_ids(good) == before
    assert good.execute("SELECT count(*), max(id) FROM lake.articles").fetchall() == [(100, 99)]


def test_the_s3_secret_is_never_written_to_the_catalog_or_the_bucket(
    remote: Lake,
    s3_server: S3Server,
    s3_bucket: str,
    postgres_server: PostgresServer,
    postgres_dsn: str,
) -> None:
    con = remote.open()
    con.execute(ARTICLES)
    insert_articles(con, 0, 100)
    insert_articles(con, 100, 3)  # inlined: lands in the catalog
    dump = postgres_server.dump(postgres_dsn)
    assert "ducklake_snapshot" in dump and "Le Monde" in dump
    assert s3_server.secret not in dump and s3_server.key_id not in dump
    for key in s3_server.keys(s3_bucket):
        body = s3_server.client().get_object(Bucket=s3_bucket, Key=key)["Body"].read()
        assert s3_server.secret.encode() not in body


def test_a_missing_bucket_fails_the_first_write_not_the_attach(
    s3_server: S3Server, postgres_dsn: str
) -> None:
    con = remote_lake(s3_server, "no-such-bucket", postgres_dsn).open()
    con.execute(ARTICLES)
    with pytest.raises(duckdb.HTTPException, match="NoSuchBucket"):
        insert_articles(con, 0, 100)


def test_a_stopped_postgres_fails_attach_and_queries_then_recovers(
    remote: Lake, postgres_server: PostgresServer
) -> None:
    con = remote.open()
    con.execute(ARTICLES)
    with postgres_server.stopped():
        with pytest.raises(duckdb.IOException) as query_error:
            con.execute("SELECT count(*) FROM lake.articles")
        assert "Failed to query most recent snapshot for DuckLake" in str(query_error.value)
        assert "Connection refused" in str(query_error.value)
        with pytest.raises(duckdb.IOException) as attach_error:
            remote.open()
        assert "Failed to attach DuckLake MetaData" in str(attach_error.value)
        assert "Unable to connect to Postgres" in str(attach_error.value)
    # the same connection works again once the server is back
    insert_articles(con, 0, 3)
    assert con.execute("SELECT count(*) FROM lake.articles").fetchall() == [(3,)]


def test_a_catalog_database_that_does_not_exist_is_not_created(
    s3_server: S3Server, s3_bucket: str, postgres_server: PostgresServer
) -> None:
    lake = remote_lake(s3_server, s3_bucket, postgres_server.dsn("never_created"))
    with pytest.raises(duckdb.IOException, match='database "never_created" does not exist'):
        lake.open()


def test_reattaching_with_another_data_path_is_refused(remote: Lake) -> None:
    remote.open().execute(ARTICLES)
    moved = remote.attach_sql.replace("/newsflow/'", "/elsewhere/'")
    con = extensions.connect(extensions=remote.extensions)
    con.execute(remote.setup[0])
    with pytest.raises(duckdb.Error, match="does not match existing data path"):
        con.execute(moved)


# --- a write lock across machines ---------------------------------------------------------------


HOLDER = textwrap.dedent(
    """
    import sys, time
    from warehouse import extensions
    con = extensions.connect(extensions=("postgres_scanner",))
    con.execute(f"ATTACH '{sys.argv[1]}' AS pg (TYPE postgres)")
    con.execute("BEGIN")  # the lock lives as long as this transaction's PostgreSQL session
    got = con.execute("SELECT * FROM postgres_query('pg', 'SELECT pg_try_advisory_lock(4242)')")
    print(got.fetchall()[0][0], flush=True)
    time.sleep(120)
    """
)


def try_lock(dsn: str) -> bool:
    """Take and give back the advisory lock from a fresh DuckDB, as a second machine would."""
    con = extensions.connect(extensions=("postgres_scanner",))
    con.execute(f"ATTACH '{dsn}' AS pg (TYPE postgres)")
    con.execute("BEGIN")
    got = con.execute("SELECT * FROM postgres_query('pg', 'SELECT pg_try_advisory_lock(4242)')")
    held = bool(got.fetchall()[0][0])
    con.execute("ROLLBACK")
    con.close()
    return held


@pytest.fixture
def lock_holder(postgres_dsn: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, postgres_dsn], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def advisory_locks(server: PostgresServer) -> int:
    return int(server.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))


def test_an_advisory_lock_held_in_an_open_transaction_excludes_other_processes_until_killed(
    postgres_dsn: str, postgres_server: PostgresServer, lock_holder: subprocess.Popen[str]
) -> None:
    assert lock_holder.stdout is not None
    assert lock_holder.stdout.readline().strip() == "True"
    assert advisory_locks(postgres_server) == 1
    assert try_lock(postgres_dsn) is False

    lock_holder.kill()  # SIGKILL: PostgreSQL ends the session and frees its locks
    lock_holder.wait()
    deadline = time.monotonic() + 10
    while advisory_locks(postgres_server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert try_lock(postgres_dsn) is True


def test_an_advisory_lock_taken_outside_a_transaction_is_not_kept(
    postgres_dsn: str, postgres_server: PostgresServer
) -> None:
    # The postgres extension runs each autocommit statement in its own transaction on a pooled
    # connection and sends DISCARD ALL when it returns the connection to the pool, which drops
    # session-level advisory locks: a lock must be taken inside a BEGIN that stays open.
    con = extensions.connect(extensions=("postgres_scanner",))
    con.execute(f"ATTACH '{postgres_dsn}' AS pg (TYPE postgres)")
    got = con.execute("SELECT * FROM postgres_query('pg', 'SELECT pg_try_advisory_lock(4242)')")
    assert got.fetchall() == [(True,)]
    assert advisory_locks(postgres_server) == 0
    assert try_lock(postgres_dsn) is True
