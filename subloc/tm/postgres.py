"""The team store: one PostgreSQL database shared by localizers and workers on any number of machines.

psycopg 3 is imported only when a ``postgresql://`` TM is opened. The password comes from the URL,
``PGPASSWORD`` or ``~/.pgpass`` (libpq reads them) and is never printed: every message names the URL
without it. Each entry commits as it arrives (autocommit); a worker claims the segments it is about to
send with ``SELECT … FOR UPDATE SKIP LOCKED`` on the claims table, so two workers never claim the same
segment and neither waits on the other's transaction.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..errors import TranslationMemoryError
from .urls import redact_url
from .store import _CHUNK, SQLStore

# pg_advisory_xact_lock key serializing schema migrations of one database ("subloc" in ASCII).
_MIGRATION_LOCK = 0x7375626C6F63


class PostgresTM(SQLStore):
    dialect = "postgresql"
    _now_sql = "extract(epoch from clock_timestamp())"

    def __init__(self, url: str, *, readonly: bool = False, create: bool = True) -> None:
        try:
            import psycopg
        except ImportError:
            raise TranslationMemoryError("a PostgreSQL TM needs psycopg", path=redact_url(url),
                                         hint="pip install 'psycopg[binary]'") from None
        self._psycopg = psycopg
        self.url = url
        self.location = redact_url(url)
        self.readonly = readonly
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = threading.RLock()
        try:
            # No server-side prepared statements: no session state, so PgBouncer in transaction mode works.
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="subloc",
                                         prepare_threshold=None)
        except psycopg.Error as exc:
            raise TranslationMemoryError(f"cannot connect to the translation memory: {self._clean(exc)}",
                                         path=self.location,
                                         hint="check the URL, that the server runs, and PGPASSWORD or ~/.pgpass"
                                         ) from None
        version = self._schema_version()
        if version is None and (readonly or not create):
            self.close()
            raise TranslationMemoryError("this database holds no subloc translation memory", path=self.location,
                                         hint=f"create one with: subloc tm init {self.location}")
        if not readonly:
            self._migrate(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        else:
            self._require_current(version or 0)

    def _clean(self, exc: BaseException) -> str:
        text = " ".join(str(exc).split())
        password = self._password()
        return text.replace(password, "***") if password else text

    def _password(self) -> str:
        from urllib.parse import unquote, urlsplit
        try:
            return unquote(urlsplit(self.url).password or "")
        except ValueError:
            return ""

    def close(self) -> None:
        with self._lock:
            if not self._conn.closed:
                self._conn.close()

    # --- the primitives SQLStore builds on ----------------------------------------------------

    def _error(self, exc: BaseException) -> TranslationMemoryError:
        hint = None
        if isinstance(exc, self._psycopg.errors.DiskFull):
            hint = "the database server's disk is full: free space and run again (what was committed is kept)"
        elif isinstance(exc, self._psycopg.errors.ReadOnlySqlTransaction):
            hint = "the server is read-only (a standby?): point --tm at the primary"
        elif isinstance(exc, self._psycopg.OperationalError):
            hint = "the connection to the server was lost: run again (what was committed is kept)"
        return TranslationMemoryError(f"translation memory error: {self._clean(exc)}", path=self.location, hint=hint)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cursor = self._conn.execute(sql.replace("?", "%s"), tuple(params))
                return cursor.fetchall() if cursor.description else []
            except self._psycopg.Error as exc:
                raise self._error(exc) from None

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self._lock:
            try:
                with self._conn.cursor() as cursor:
                    cursor.executemany(sql.replace("?", "%s"), rows)
            except self._psycopg.Error as exc:
                raise self._error(exc) from None

    @contextmanager
    def _transaction(self) -> Iterator[PostgresTM]:
        with self._lock:
            try:
                with self._conn.transaction():
                    yield self
            except self._psycopg.Error as exc:
                raise self._error(exc) from None

    def _tables(self) -> set[str]:
        return {r[0] for r in self._query("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = current_schema()")}

    def _size(self) -> int:
        rows = self._query("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                           "AND c.relkind = 'r' AND c.relname IN ('meta', 'segments', 'claims')")
        return int(rows[0][0])

    # --- claims -------------------------------------------------------------------------------

    def claim(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> list[str]:
        """Claim the sources no other live worker holds; those claimed, in the order given.

        A claim row exists for every segment ever claimed; rows a worker is claiming right now are
        locked and skipped (SKIP LOCKED), rows with a live lease of another owner are left alone."""
        if self.readonly:
            return list(sources)
        keys = self._keys(sources, source_lang, target_lang)
        items = sorted(keys)  # one order for every worker: inserts of the same keys never deadlock
        mine: set[str] = set()
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            self._query("INSERT INTO claims (key, owner, expires_at) SELECT k, '', 0 FROM unnest(?::text[]) AS k "
                        "ORDER BY k ON CONFLICT (key) DO NOTHING", (chunk,))
            with self._transaction():
                rows = self._query(f"SELECT key FROM claims WHERE key = ANY(?) AND (owner = ? OR expires_at < "
                                   f"{self._now_sql}) ORDER BY key FOR UPDATE SKIP LOCKED", (chunk, self.owner))
                got = [r[0] for r in rows]
                if got:
                    self._query(f"UPDATE claims SET owner = ?, expires_at = {self._now_sql} + ? WHERE key = ANY(?)",
                                (self.owner, float(lease_s), got))
            mine.update(got)
        return [keys[k] for k in keys if k in mine]
