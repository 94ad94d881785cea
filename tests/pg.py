"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a unix socket in a temporary folder.

Like the HTTP servers of tests/servers.py, the cluster is real and local (no TCP port, trust
authentication on the socket only) and goes away after the session. initdb refuses to run as root, so
as root (CI containers) the cluster belongs to the ``postgres`` user Debian's packages create.
Where no PostgreSQL binaries exist the tests that need them are skipped with the reason, unless
``SUBLOC_REQUIRE_POSTGRES=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin with initdb, else the folder of an initdb on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Cluster:
    """A running cluster; ``url(db)`` is a postgresql:// URL reaching it through its socket."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="subloc-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "sock"
        self.socket.mkdir()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:  # initdb will not run as root: the cluster is the postgres user's
            shutil.chown(self.root, self.user)
            shutil.chown(self.socket, self.user)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync",
                  "--locale", "C")
        options = (f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "-t", "30",
                  "start")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode:
            log = self.root / "log"
            raise RuntimeError(f"{tool} failed: {done.stderr.strip()} {log.read_text() if log.exists() else ''}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
