"""Real servers for tests: an S3-compatible object store (moto) and a PostgreSQL cluster.

Both listen on 127.0.0.1 only, on free ports, are started by the test session itself and are
stopped at its end, also when tests fail. Loaded as a pytest plugin from tests/conftest.py, so
any test can ask for the fixtures at the bottom. A fixture skips its tests, saying why, when the
server's program is not installed.

moto runs with authentication on: the first requests create one IAM user with full rights and
its access key, and every later request must be signed with that key and secret, so a wrong
secret is refused (SignatureDoesNotMatch) as on real S3.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then runs as the `postgres`
user (runuser), in a temporary folder that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
# Requests moto serves unauthenticated, then never again: create_user, put_user_policy,
# create_access_key (see _bootstrap_credentials).
_UNSIGNED_SETUP_REQUESTS = 3


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, timeout: float = STARTUP_SECONDS) -> None:
    """Poll `ready` until it is true; fail with `what` in the message after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")
        time.sleep(0.1)


# --- S3 (moto) ----------------------------------------------------------------------------------


@dataclass
class S3Server:
    """A moto S3 server and the one key pair it accepts."""

    process: subprocess.Popen[bytes]
    port: int
    key_id: str = ""
    secret: str = ""
    region: str = "us-east-1"
    log: Path = field(default_factory=Path)

    @property
    def endpoint(self) -> str:
        """host:port, the form DuckDB's ENDPOINT takes (no scheme)."""
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The endpoint URL, the form boto3 and AWS_ENDPOINT_URL take."""
        return f"http://{self.endpoint}"

    def env(self) -> dict[str, str]:
        """The standard AWS variables a client process needs to reach this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.url,
        }

    def client(self, secret: str | None = None) -> Any:
        """A boto3 S3 client signed with this server's key (or with another `secret`)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=self.key_id,
            aws_secret_access_key=self.secret if secret is None else secret,
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in `bucket` under `prefix` (what a test checks was or was not written)."""
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]

    def duckdb_secret(self, name: str = "s3", secret: str | None = None) -> str:
        """The CREATE SECRET statement that points DuckDB's httpfs at this server."""
        secret = self.secret if secret is None else secret
        return (
            f"CREATE OR REPLACE SECRET {name} (TYPE s3, KEY_ID '{self.key_id}', "
            f"SECRET '{secret}', REGION '{self.region}', ENDPOINT '{self.endpoint}', "
            "URL_STYLE 'path', USE_SSL false)"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def moto_server_program() -> str | None:
    """moto's server entry point: beside this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


def _answers(url: str) -> bool:
    try:
        # The moto-api dashboard data is served outside AWS auth and counts no request.
        with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def _exited(process: subprocess.Popen[bytes], log: Path) -> bool:
    """False while the server process runs; an error with its log once it has died."""
    if process.poll() is None:
        return False
    raise RuntimeError(f"moto_server exited with {process.returncode}: {log.read_text()[-2000:]}")


def _bootstrap_credentials(server: S3Server) -> None:
    """Create the one IAM user and key that moto will accept once its unsigned requests run out."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=server.url,
        region_name=server.region,
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
    )
    iam.create_user(UserName="newsflow-tests")
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    iam.put_user_policy(
        UserName="newsflow-tests", PolicyName="all", PolicyDocument=json.dumps(allow_all)
    )
    key = iam.create_access_key(UserName="newsflow-tests")["AccessKey"]
    server.key_id, server.secret = key["AccessKeyId"], key["SecretAccessKey"]


def start_s3(log_dir: Path) -> S3Server:
    """Start moto_server on a free loopback port and return once it answers signed requests."""
    program = moto_server_program()
    if program is None:
        raise FileNotFoundError("moto_server is not installed (pip install moto[server])")
    port = free_port()
    log = log_dir / "moto.log"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(_UNSIGNED_SETUP_REQUESTS)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "-H", HOST, "-p", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    server = S3Server(process=process, port=port, log=log)
    try:
        wait_until(lambda: _answers(server.url) or _exited(process, log), f"moto on {port}")
        _bootstrap_credentials(server)
    except BaseException:
        server.stop()
        raise
    return server


# --- PostgreSQL ---------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: $NEWSFLOW_PG_BIN, else Debian's newest, else PATH."""
    candidates = [os.environ.get("NEWSFLOW_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major, reverse=True)
    initdb = shutil.which("initdb")
    candidates.append(str(Path(initdb).parent) if initdb else "")
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "psql")):
            return Path(folder)
    return None


def _major(bin_dir: str) -> int:
    version = Path(bin_dir).parent.name
    return int(version) if version.isdigit() else 0


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1 with trust authentication for `user`."""

    bin_dir: Path
    root: Path  # the temporary folder: data/, the socket and the log
    port: int
    user: str = "postgres"
    run_as: tuple[str, ...] = ()  # the prefix that runs a command as the cluster's owner

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq keyword/value string, the form DuckDB's `ducklake:postgres:` takes."""
        return f"dbname={dbname} host={HOST} port={self.port} user={self.user}"

    def _run(self, tool: str, *args: str, timeout: float = STARTUP_SECONDS) -> str:
        command = [*self.run_as, str(self.bin_dir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through psql and return its unaligned output (for set-up and checks)."""
        return self._run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.dsn(dbname),
            "-c", sql,
        )  # fmt: skip

    def dump(self, dsn: str) -> str:
        """Every row of one database as pg_dump writes it (to check what was or was not stored)."""
        return self._run("pg_dump", "--data-only", "-d", dsn)

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return name

    def is_running(self) -> bool:
        done = subprocess.run(
            [*self.run_as, str(self.bin_dir / "pg_ctl"), "status", "-D", str(self.data_dir)],
            capture_output=True,
        )
        return done.returncode == 0

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.root} "
            # a test cluster: losing it in an OS crash costs nothing, syncing costs seconds
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            self._run(
                "pg_ctl", "start", "-w", "-t", str(int(STARTUP_SECONDS)), "-D", str(self.data_dir),
                "-l", str(self.log), "-o", options,
            )  # fmt: skip
        except RuntimeError as failed:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{failed}\n{log}") from failed

    def stop(self) -> None:
        if self.is_running():
            self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The server down for the duration of the block, then up again on the same port."""
        self.stop()
        try:
            yield
        finally:
            self.start()


def _owner_prefix() -> tuple[tuple[str, ...], int, int]:
    """How to run the cluster's programs: as `postgres` through runuser when we are root."""
    if os.geteuid() != 0:
        return (), os.getuid(), os.getgid()
    try:
        account = pwd.getpwnam("postgres")
    except KeyError as missing:
        raise FileNotFoundError("running as root and there is no `postgres` user") from missing
    runuser = shutil.which("runuser")
    if runuser is None:
        raise FileNotFoundError("running as root and runuser is not installed")
    return (runuser, "-u", "postgres", "--"), account.pw_uid, account.pw_gid


def start_postgres() -> PostgresServer:
    """initdb a new cluster in a temporary folder and start it on a free loopback port."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL's initdb/pg_ctl not found (/usr/lib/postgresql/*/bin)")
    run_as, uid, gid = _owner_prefix()
    # Not pytest's tmp_path: that sits in a folder only root may enter, and this one must be
    # the cluster owner's.
    root = Path(tempfile.mkdtemp(prefix="newsflow-pg-"))
    os.chown(root, uid, gid)
    server = PostgresServer(bin_dir=bin_dir, root=root, port=free_port(), run_as=run_as)
    try:
        server._run(
            "initdb", "-D", str(server.data_dir), "-U", server.user, "--auth=trust",
            "--no-locale", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        server.start()
    except BaseException:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server


def remove_postgres(server: PostgresServer) -> None:
    """Stop the cluster (whatever state a test left it in) and delete its folder."""
    try:
        server.stop()
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


# --- fixtures -----------------------------------------------------------------------------------


def unique_name(prefix: str) -> str:
    """A bucket or database name no other test of the session uses (lowercase, S3-legal)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One moto S3 server for the session; yields an S3Server (endpoint, key_id, secret, …)."""
    try:
        server = start_s3(tmp_path_factory.mktemp("moto"))
    except FileNotFoundError as missing:
        pytest.skip(f"no S3 test server: {missing}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """A new, empty bucket on the session's S3 server; yields its name."""
    return s3_server.create_bucket(unique_name("newsflow"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session; yields a PostgresServer (port, dsn(), psql(), …)."""
    try:
        server = start_postgres()
    except FileNotFoundError as missing:
        pytest.skip(f"no PostgreSQL test server: {missing}")
    try:
        yield server
    finally:
        remove_postgres(server)


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """A new, empty database on the session's cluster; yields its libpq DSN."""
    name = postgres_server.create_database(unique_name("newsflow").replace("-", "_"))
    return postgres_server.dsn(name)
