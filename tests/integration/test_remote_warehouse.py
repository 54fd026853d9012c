"""The warehouse beyond one machine: catalog in a real PostgreSQL, data files on a real S3 (moto).

Every test runs the real pipeline against the servers tests/servers.py starts: flows in-process
under the session's Prefect API, commands through the CLI's typer app, and one run as a real
process killed with SIGKILL. The same drops are loaded into a local home first: whatever a
remote load goes through, it must end with exactly the local counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from flows.cli.app import app
from flows.settings import store_for
from tests.clirun import run as run_process
from tests.conftest import SEEDS, wait_for_file
from tests.servers import PostgresServer, S3Server, unique_name
from warehouse import extensions
from warehouse.lake import s3_secret_sql
from warehouse.ownership import MARKER
from warehouse.remote import explain
from warehouse.schemas import TABLES
from warehouse.store import WarehouseBusy, close_writers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("prefect_server")]

WIRE, REGIONAL = SEEDS / "2026-11-20-wire", SEEDS / "2026-11-21-regional"
LOCATION_VARIABLES = ("NEWSFLOW_CATALOG", "NEWSFLOW_DATA_PATH")
NOTHING_COMMITTED = "nothing of this run was committed; --verbose shows Prefect's logs"
AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL")


@dataclass
class Remote:
    """One shared warehouse: its own database on the PostgreSQL server and its own bucket."""

    s3: S3Server
    pg: PostgresServer
    bucket: str
    dsn: str

    @property
    def catalog(self) -> str:
        return f"postgres:{self.dsn}"

    @property
    def data_path(self) -> str:
        return f"s3://{self.bucket}/lake/"

    def env(self, **changes: str) -> dict[str, str]:
        return {
            **self.s3.env(),
            "NEWSFLOW_CATALOG": self.catalog,
            "NEWSFLOW_DATA_PATH": self.data_path,
            **changes,
        }


def new_remote(s3: S3Server, pg: PostgresServer) -> Remote:
    bucket = s3.create_bucket(unique_name("newsflow"))
    return Remote(s3, pg, bucket, pg.dsn(pg.create_database(f"nf_{uuid.uuid4().hex[:12]}")))


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """These variables set (the rest of the location and AWS ones unset) inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        for name in (*LOCATION_VARIABLES, *AWS_VARIABLES):
            patch.setenv(name, "")  # recorded, so the block's end restores it (or its absence)
        for name, value in values.items():
            patch.setenv(name, value)
        close_writers()  # a writer keeps the credentials it was opened with
        try:
            yield
        finally:
            close_writers()


def load(drop: Path, home: Path) -> Any:
    from flows.process_drop import process_drop

    return process_drop(str(drop), home=str(home), n_process=1)


def counts(home: Path) -> dict[str, int]:
    """Rows of every table and mart, except `runs` (a run that found nothing to do adds one)."""
    with store_for(home).connect() as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in TABLES
            if t != "runs"
        }


def snapshot_ids(home: Path) -> list[int]:
    with store_for(home).connect() as con:
        return [r[0] for r in con.execute("SELECT snapshot_id FROM snapshots()").fetchall()]


def cli(*args: str, env: dict[str, str]) -> Result:
    """The CLI in-process; a `run` uses the session's Prefect API, not a server of its home."""
    from prefect.settings import PREFECT_API_URL

    return CliRunner().invoke(
        app, list(args), env={"PREFECT_API_URL": PREFECT_API_URL.value(), **env}
    )


def failure(result: Result) -> str:
    """The one line that says why a command failed (a run adds one saying nothing committed)."""
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 or lines[1:] == [NOTHING_COMMITTED], result.output
    return lines[0]


@pytest.fixture(autouse=True)
def no_location_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--catalog` sets NEWSFLOW_CATALOG for the rest of the process; never past one test."""
    for name in LOCATION_VARIABLES:
        monkeypatch.setenv(name, "")


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same drops on the local default: counts after the first drop and after both."""
    home = tmp_path_factory.mktemp("local") / "home"
    with environment({}):
        assert load(WIRE, home).status == "completed"
        first = counts(home)
        assert load(REGIONAL, home).status == "completed"
        return {"home": home, "first": first, "both": counts(home)}


@pytest.fixture(scope="module")
def shared(
    s3_server: S3Server, postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Two homes (two machines) loading both drops into one remote warehouse at the same time,
    in opposite orders."""
    remote = new_remote(s3_server, postgres_server)
    root = tmp_path_factory.mktemp("shared")
    homes = [root / "a", root / "b"]
    orders = [(WIRE, REGIONAL), (REGIONAL, WIRE)]
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def machine(home: Path, drops: tuple[Path, ...]) -> None:
        start.wait()
        for drop in drops:
            try:
                outcomes.append(load(drop, home))
            except Exception as error:
                outcomes.append(error)

    with environment(remote.env()):
        threads = [
            threading.Thread(target=machine, args=pair) for pair in zip(homes, orders, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    return {"remote": remote, "homes": homes, "outcomes": outcomes}


def test_two_homes_loading_at_once_load_each_drop_once_with_the_local_counts(
    shared: dict[str, Any], local: dict[str, Any]
) -> None:
    remote, (home, other) = shared["remote"], shared["homes"]
    outcomes = shared["outcomes"]
    assert [getattr(o, "status", o) for o in outcomes] == ["completed"] * 4
    loads = sorted((o.drop_id.rsplit("-", 1)[0], o.counts["articles"] > 0) for o in outcomes)
    assert loads == [
        ("2026-11-20-wire", False),
        ("2026-11-20-wire", True),
        ("2026-11-21-regional", False),
        ("2026-11-21-regional", True),
    ]
    with environment(remote.env()):
        assert counts(home) == counts(other) == local["both"]
        with store_for(home).connect() as con:
            loaded_twice = con.execute(
                "SELECT sha256 FROM files WHERE status = 'loaded' GROUP BY sha256 "
                "HAVING count(*) > 1"
            ).fetchall()
    assert loaded_twice == []
    keys = remote.s3.keys(remote.bucket)
    assert f"lake/{MARKER}" in keys  # the shared data path is the shared catalog's
    assert all(k.startswith("lake/main/") for k in keys if k != f"lake/{MARKER}")
    for machine in (home, other):  # the homes hold local things only
        assert not (machine / "lake").exists() and not (machine / "catalog.sqlite").exists()


def test_the_write_lock_holds_across_homes_with_exit_code_3(shared: dict[str, Any]) -> None:
    remote, (home, other) = shared["remote"], shared["homes"]
    with environment(remote.env()):
        with store_for(home).write_lock():
            busy_here = rf"pid {os.getpid()} on \S+\) is loading"
            with pytest.raises(WarehouseBusy, match=busy_here), store_for(other).write_lock():
                pass
            busy = cli("forget", "--drop", "x", "--reason", "test", "--home", str(other), env={})
        assert busy.exit_code == 3, busy.output
        assert "another newsflow run (pid" in busy.output and "PostgreSQL dbname=" in busy.output
        with store_for(other).write_lock():  # free again once the holder is done
            pass


def test_sql_and_snapshots_read_the_shared_warehouse_from_options(
    shared: dict[str, Any], local: dict[str, Any]
) -> None:
    remote, home = shared["remote"], shared["homes"][0]
    where = ["--home", str(home), "--catalog", remote.catalog, "--data-path", remote.data_path]
    env = remote.s3.env()
    answer = cli("sql", "SELECT count(*) AS n FROM latest_quotes", "-f", "json", *where, env=env)
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.output) == {"n": local["both"]["quotes"]}
    listed = cli("snapshots", *where, env=env)
    assert listed.exit_code == 0, listed.output
    with environment(remote.env()):
        ids = snapshot_ids(home)
    shown = [line.split()[0] for line in listed.output.splitlines() if line[:1].isdigit()]
    assert sorted(int(i) for i in shown) == sorted(ids)
    doctor = cli("doctor", *where, env=env)
    assert doctor.exit_code == 0, doctor.output
    assert "catalog reachable: PostgreSQL" in doctor.output
    assert f"data path {remote.data_path} is writable and readable" in doctor.output
    for output in (answer.output, listed.output, doctor.output):
        assert remote.s3.secret not in output and remote.s3.key_id not in output


def test_a_wrong_secret_fails_in_one_line_and_writes_nothing(
    shared: dict[str, Any], tmp_path: Path
) -> None:
    remote, home = shared["remote"], shared["homes"][0]
    with environment(remote.env()):
        before = snapshot_ids(home)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "new.txt").write_text("A new story\n\n“It is new,” said Ana Ruiz, a spokeswoman.\n")
    bad_key = f"wrong-{uuid.uuid4().hex}"
    wrong = remote.env(AWS_SECRET_ACCESS_KEY=bad_key)
    with environment(wrong):
        # `run` gets into the flow: the CLI's look-up of the new drop needs no data file
        for args in (["run", str(drop)], ["sql", "SELECT max(text) FROM articles"]):
            said = failure(cli(*args, "--home", str(home), env={}))
            assert "the object store refused the credentials for s3://" in said
            assert "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in said
            assert bad_key not in said and remote.s3.key_id not in said
        doctor = cli("doctor", "--home", str(home), env={})
        assert doctor.exit_code == 1
        assert "problem  the object store refused the credentials" in doctor.output
    with environment(remote.env()):
        assert snapshot_ids(home) == before


def test_a_stopped_postgres_fails_in_one_line_and_a_commit_it_breaks_leaves_nothing(
    shared: dict[str, Any], local: dict[str, Any], tmp_path: Path
) -> None:
    remote, home = shared["remote"], shared["homes"][0]
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "late.txt").write_text("A late story\n\n“We are late,” said Ana Ruiz.\n")
    with environment(remote.env()):
        before = snapshot_ids(home)
        with remote.pg.stopped():
            for args in (["run", str(drop)], ["sql", "SELECT 1"]):
                said = failure(cli(*args, "--home", str(home), env={}))
                assert "cannot reach the PostgreSQL catalog (PostgreSQL dbname=" in said
                assert "Connection refused; is the server running?" in said
            doctor = cli("doctor", "--home", str(home), env={})
            assert doctor.exit_code == 1
            assert "problem  cannot reach the PostgreSQL catalog" in doctor.output

    # Down in the middle of the commit: the load's files are written, its COMMIT cannot be.
    reached = tmp_path / "reached"
    paused = {
        "NEWSFLOW_FAILPOINT": "commit:1:pause",
        "NEWSFLOW_FAILPOINT_SECONDS": "6",
        "NEWSFLOW_FAILPOINT_REACHED": str(reached),
    }
    with environment(remote.env(**paused)):
        objects = len(remote.s3.keys(remote.bucket))
        failed: list[BaseException] = []
        flow = threading.Thread(target=lambda: _expect_failure(drop, home, failed))
        flow.start()
        wait_for_file(reached, "the load's commit")
        assert len(remote.s3.keys(remote.bucket)) > objects  # its files are written
        with remote.pg.stopped():
            flow.join(timeout=120)
            assert failed, "the COMMIT succeeded with its catalog down"
            said = explain(failed[0], store_for(home).location)
        assert said and said.startswith("cannot reach the PostgreSQL catalog ("), failed
        assert said.endswith("Connection refused; is the server running?"), said
    with environment(remote.env()):
        assert snapshot_ids(home) == before
        assert counts(home) == local["both"]


def test_a_catalog_host_that_never_answers_fails_in_one_line_after_a_bounded_wait(
    tmp_path: Path,
) -> None:
    """A port that takes the connection and then says nothing (a proxy, the wrong service;
    a firewall that drops packets is the same wait to libpq) made libpq wait for as long as TCP
    would: here, for ever."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        catalog = f"postgres:host=127.0.0.1 port={silent.getsockname()[1]} dbname=nf user=nf"
        done = run_process(
            "sql", "SELECT 1", "--catalog", catalog, home=tmp_path, PGCONNECT_TIMEOUT=""
        )
    assert done.returncode == 1, done.output
    assert done.output.strip().splitlines() == [
        f"error: the PostgreSQL catalog (PostgreSQL {catalog.removeprefix('postgres:')}) did "
        "not answer in time: check its host and port, and that a firewall lets them through "
        "(the wait is connect_timeout in the catalog string, else PGCONNECT_TIMEOUT, 10 s by "
        "default)"
    ], done.output


def _expect_failure(drop: Path, home: Path, failed: list[BaseException]) -> None:
    try:
        load(drop, home)
    except Exception as error:
        failed.append(error)


def test_a_run_killed_mid_commit_then_rerun_ends_with_the_counts_of_a_clean_run(
    s3_server: S3Server,
    postgres_server: PostgresServer,
    local: dict[str, Any],
    tmp_path: Path,
) -> None:
    from prefect.settings import PREFECT_API_URL

    remote, home = new_remote(s3_server, postgres_server), tmp_path / "home"
    crashed = run_process(
        "run", str(WIRE), home=home, NEWSFLOW_FAILPOINT="commit",
        PREFECT_API_URL=str(PREFECT_API_URL.value()), **remote.env(),
    )  # fmt: skip
    assert crashed.returncode == -9, crashed.output[-2000:]
    with environment(remote.env()):
        assert counts(home) == dict.fromkeys(counts(home), 0)
        assert load(WIRE, home).status == "completed"  # the killed one's lock died with it
        assert counts(home) == local["first"]
        assert not list((home / "staging").rglob("*.parquet"))


def test_migrate_then_forget_and_purge_leave_no_copy_of_the_text_on_s3(
    s3_server: S3Server, postgres_server: PostgresServer, local: dict[str, Any]
) -> None:
    remote, home = new_remote(s3_server, postgres_server), local["home"]
    where = ["--home", str(home), "--catalog", remote.catalog, "--data-path", remote.data_path]
    env = remote.s3.env()
    moved = cli("migrate", *where, env=env)
    assert moved.exit_code == 0, moved.output
    with environment(remote.env()):
        assert counts(home) == local["both"]
        with store_for(home).connect() as con:
            (drop, phrase) = con.execute(
                "SELECT drop_id, substr(text, 1, 40) FROM articles ORDER BY word_count DESC LIMIT 1"
            ).fetchone()  # type: ignore[misc]
    assert cli("migrate", *where, env=env).exit_code == 1  # once only
    forgot = cli("forget", "--drop", drop, "--reason", "test", *where, env=env)
    assert forgot.exit_code == 0, forgot.output
    purged = cli("maintain", "--purge", *where, env=env)
    assert purged.exit_code == 0, purged.output

    keys = s3_server.keys(remote.bucket)
    assert [k for k in keys if not k.endswith(".parquet")] == [f"lake/{MARKER}"]  # no text
    files = [f"s3://{remote.bucket}/{k}" for k in keys if k.endswith(".parquet")]
    con = extensions.connect(extensions=("httpfs",))
    con.execute(s3_secret_sql(env))
    held = con.execute(
        "SELECT count(*) FROM read_parquet($f, union_by_name = true) "
        "WHERE columns(*)::VARCHAR LIKE '%' || $p || '%'",
        {"f": files, "p": phrase},
    ).fetchone()
    assert held == (0,)
    with environment({}):  # the local lakehouse the copy came from is as it was
        assert counts(home) == local["both"]


def test_credentials_are_never_stored_or_printed(
    shared: dict[str, Any], postgres_server: PostgresServer
) -> None:
    from prefect.settings import get_current_settings

    remote = shared["remote"]
    secret = remote.s3.secret.encode()
    places = [p for home in shared["homes"] for p in home.rglob("*") if p.is_file()]
    url = get_current_settings().server.database.connection_url
    database = url.get_secret_value() if hasattr(url, "get_secret_value") else str(url)
    prefect_db = Path(database.split(":///", 1)[1])  # logs, artifacts, flow run parameters
    places += [p for p in prefect_db.parent.glob(prefect_db.name + "*")]
    assert prefect_db.exists()
    for place in places:
        assert secret not in place.read_bytes(), place
    for key in remote.s3.keys(remote.bucket):
        body = remote.s3.client().get_object(Bucket=remote.bucket, Key=key)["Body"].read()
        assert secret not in body, key
    dump = postgres_server.dump(remote.dsn)
    assert "newsflow" in dump and remote.s3.secret not in dump and remote.s3.key_id not in dump


def test_doctor_names_a_missing_bucket_and_a_password_in_the_catalog_is_refused(
    s3_server: S3Server, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    dsn = postgres_server.dsn(postgres_server.create_database(f"nf_{uuid.uuid4().hex[:12]}"))
    where = ["--home", str(tmp_path / "home"), "--catalog", f"postgres:{dsn}"]
    missing = cli(
        "doctor", *where, "--data-path", "s3://no-such-bucket-nf/lake/", env=s3_server.env()
    )
    assert missing.exit_code == 1, missing.output
    assert (
        f"problem  bucket 'no-such-bucket-nf' does not exist on {s3_server.url}" in missing.output
    )
    assert "ok       catalog reachable: PostgreSQL" in missing.output

    with_password = cli("sql", "SELECT 1", *where[:3], f"postgres:{dsn} password=hunter2", env={})
    assert with_password.exit_code == 2
    assert "must not hold the password" in with_password.output
    assert "hunter2" not in with_password.output
