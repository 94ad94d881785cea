"""The embedded store: one SQLite file (``.subloc/tm.sqlite`` by default), for one user or the
processes of one machine.

A file is first opened read-only and checked; only a subloc TM (or a new, empty file) is then opened
for writing, so a foreign database or random bytes are refused without a byte changed (no WAL switch,
no new table). A file this process may not write is served read-only (stats, export, ``--backend tm``).
Every entry commits at once in WAL mode, so ``kill -9`` loses nothing; several entries go in one
``BEGIN IMMEDIATE`` transaction, and a claim is one statement: SQLite serializes both across processes.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import quote

from ..errors import TranslationMemoryError
from .schema import check_version
from .store import _CHUNK, SQLStore


def _hint(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return "the file is damaged or not a TM: restore it from a copy (sqlite3 FILE .recover salvages what is left)"
    if "full" in text:
        return "the disk is full: free space and run again (what was committed is kept)"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "check the permissions of the file and its folder"
    if "locked" in text or "busy" in text:
        return "another process holds the TM too long; try again"
    return "is it a subloc TM? pass another file with --tm"


class SQLiteTM(SQLStore):
    """A SQLite translation memory, safe to use from several threads and processes."""

    dialect = "sqlite"
    _now_sql = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        self.location = str(path)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise TranslationMemoryError("no translation memory here", path=self.location,
                                         hint="pass --tm FILE, or create one with subloc tm import or translate")
        writable = not readonly and (not self.path.exists() or os.access(self.path, os.W_OK)) and \
            os.access(self.path.parent if self.path.parent.exists() else Path("."), os.W_OK)
        if exists:
            self._db = self._connect_readonly()
            try:
                check_version(self._schema_version() or 0, self.location)  # refused before anything can write
            except TranslationMemoryError:
                self.close()
                raise
        if exists and not writable:
            self.readonly = True
            self._require_current(self.schema_version())
            return
        if self._db is not None:
            self._db.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
                self._db.execute("PRAGMA busy_timeout = 30000")
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes, fast commits
                break
            except sqlite3.OperationalError as exc:
                # Switching to WAL takes an exclusive lock without waiting on the busy handler: runs that
                # start together (one CI job per series) may meet here; try again for a while.
                if time.monotonic() < deadline and ("locked" in str(exc) or "busy" in str(exc)):
                    self.close()
                    time.sleep(0.05)
                    continue
                raise TranslationMemoryError(f"cannot open the translation memory: {exc}", path=self.location,
                                             hint=_hint(exc)) from None
            except (sqlite3.Error, OSError) as exc:
                raise TranslationMemoryError(f"cannot open the translation memory: {exc}", path=self.location,
                                             hint=_hint(exc) if isinstance(exc, sqlite3.Error) else None) from None
        self._migrate("")

    def _connect_readonly(self) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path.resolve()))}"
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            if "unable to open" not in str(exc) and "readonly" not in str(exc):
                raise TranslationMemoryError(f"not a subloc translation memory ({exc}); left untouched",
                                             path=self.location, hint=_hint(exc)) from None
        try:  # a WAL file in a folder we cannot write (no -shm to create): read it as immutable
            db = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False, isolation_level=None)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            raise TranslationMemoryError(f"cannot read the translation memory: {exc}", path=self.location,
                                         hint=_hint(exc)) from None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # --- the primitives SQLStore builds on ----------------------------------------------------

    def _error(self, exc: sqlite3.Error) -> TranslationMemoryError:
        return TranslationMemoryError(f"translation memory error: {exc}", path=self.location, hint=_hint(exc))

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        assert self._db is not None, "the translation memory is closed"
        with self._lock:
            try:
                return self._db.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert self._db is not None
        try:
            self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    @contextmanager
    def _transaction(self) -> Iterator[SQLiteTM]:
        """BEGIN IMMEDIATE: takes the write lock at once, so two processes never interleave a transaction."""
        assert self._db is not None
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                yield self
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc) from None
                raise

    def _tables(self) -> set[str]:
        return {r[0] for r in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _size(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    # --- claims -------------------------------------------------------------------------------

    def claim(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> list[str]:
        """Claim the sources no other live worker holds; those claimed, in the order given.

        One statement per chunk: SQLite runs it under its write lock, so two processes never both take a
        key, and the lock is held only while the statement runs."""
        if self.readonly:
            return list(sources)
        keys = self._keys(sources, source_lang, target_lang)
        items = list(keys)
        mine: set[str] = set()
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            values = ",".join(f"(?, ?, {self._now_sql} + ?)" for _ in chunk)
            params = [p for k in chunk for p in (k, self.owner, float(lease_s))]
            mine.update(r[0] for r in self._query(
                f"INSERT INTO claims (key, owner, expires_at) VALUES {values} ON CONFLICT (key) DO UPDATE SET "
                "owner = excluded.owner, expires_at = excluded.expires_at "
                f"WHERE claims.owner = excluded.owner OR claims.expires_at < {self._now_sql} RETURNING key", params))
        return [keys[k] for k in items if k in mine]


TranslationMemory = SQLiteTM  # the name the first release exported
