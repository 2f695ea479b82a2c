"""A throwaway PostgreSQL server with PostGIS for the store tests: ``initdb`` and ``pg_ctl``
from Debian's packages (``scripts/install-postgis.sh`` installs them; ``make test`` runs it)
into a temporary folder, on a free loopback port, with trust authentication on loopback only.

PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system user
(which Debian's package creates) through ``runuser``. ``BORDERMAP_PG_BIN`` names another
folder of PostgreSQL programs. No mocks: the tests talk to the real server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["PgServer", "PgUnavailable", "find_bin"]


class PgUnavailable(RuntimeError):
    """PostgreSQL (or PostGIS) is not installed, or the server would not start."""


def find_bin() -> Path:
    """The folder of PostgreSQL's server programs: ``$BORDERMAP_PG_BIN``, else the newest
    /usr/lib/postgresql/N/bin that has pg_ctl."""
    if os.environ.get("BORDERMAP_PG_BIN"):
        return Path(os.environ["BORDERMAP_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        on_path = shutil.which("pg_ctl")
        if on_path:
            return Path(on_path).parent
        raise PgUnavailable("PostgreSQL's server programs (pg_ctl, initdb) are not installed; "
                            "run scripts/install-postgis.sh (make test does)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One server: :meth:`start`, :meth:`stop` (``mode="immediate"`` is a crash), :meth:`url`."""

    def __init__(self) -> None:
        self.bin = find_bin()
        self.port = _free_port()
        # As root the server runs as postgres, which must reach the folder: not under $TMPDIR,
        # which may be in root's home, but under /tmp (or $BORDERMAP_PG_TMP).
        where = os.environ.get("BORDERMAP_PG_TMP", "/tmp") if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="bordermap-pg-", dir=where))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable("tests run as root and there is no 'postgres' system user to run the server "
                                    "as (Debian's postgresql package creates it)") from None
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
            self._as = "postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            # Loopback only, no Unix socket in a shared folder; fast and throwaway, not durable.
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = ''\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n")

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / program), *args]
        if self._as:
            cmd = ["runuser", "-u", self._as, "--", *cmd]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=self.folder)
        except FileNotFoundError:
            raise PgUnavailable(f"{program} failed: {cmd[0]}: No such file; run scripts/install-postgis.sh") from None
        if check and out.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgUnavailable(f"{program} failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}\n{log}")
        return out

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database with PostGIS (a copy of ``template`` when given, which is quick); its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            if template:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
                return self.url(name)
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                raise PgUnavailable(f"PostGIS is not installed for this server ({exc}); "
                                    "run scripts/install-postgis.sh") from None
        return self.url(name)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise PgUnavailable("the server did not come back")
            time.sleep(0.1)

    @contextmanager
    def crash_during(self, url: str, query_prefix: str, timeout: float = 120.0) -> Iterator[threading.Event]:
        """Stop the server at once (``-m immediate``: the postmaster and every backend killed,
        no shutdown) as soon as a session on ``url`` runs a query starting with
        ``query_prefix``; restart it when the block ends. The event yielded is set once the
        crash happened. What was committed before the block is made durable first: this server
        runs with ``synchronous_commit = off`` for speed, so a crash could lose a commit made
        just before it, which a real server (synchronous commits) never does."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
        killed = threading.Event()

        def watch() -> None:
            import psycopg

            deadline = time.monotonic() + timeout
            with psycopg.connect(url, autocommit=True) as conn:
                while time.monotonic() < deadline:
                    if conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s "
                                    "AND pid <> pg_backend_pid()", (query_prefix + "%",)).fetchone()[0]:
                        break
                    time.sleep(0.005)
            self.stop("immediate")
            killed.set()

        killer = threading.Thread(target=watch)
        killer.start()
        try:
            yield killed
        finally:
            killer.join()
            self.start()
            self.wait_ready()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
