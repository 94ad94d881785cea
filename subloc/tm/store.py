"""The store interface, and the SQL both stores share: one statement per operation, one add path.

The SQL is written once with ``?`` placeholders; the PostgreSQL store turns them into ``%s``. What
differs per database (connecting, transactions, claims, size on disk) lives in sqlite.py and
postgres.py.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence, runtime_checkable

from ..errors import TranslationMemoryError
from .entry import TMEntry, _now, claim_key, normalize
from .schema import CONFLICT_KEY, MIGRATIONS, SCHEMA_VERSION, check_version


# Finds which of the given claim tokens are done: token -> its TM entry or translation.
Lookup = Callable[[list[str]], Mapping[str, Any]]


@runtime_checkable
class TMStore(Protocol):
    """What the pipeline and the CLI use; SQLite and PostgreSQL implement it with the same semantics."""

    location: str  # printable: a file path, or a URL without its password
    readonly: bool

    def close(self) -> None: ...
    def __enter__(self) -> TMStore: ...
    def __exit__(self, *exc: object) -> None: ...
    def schema_version(self) -> int: ...
    def lookup(self, source: str, source_lang: str, target_lang: str, *, pseudo: bool = False,
               context_key: str | None = None) -> TMEntry | None: ...
    def lookup_many(self, sources: Iterable[str], source_lang: str, target_lang: str, *, pseudo: bool = False,
                    context_key: str | None = None) -> dict[str, TMEntry]: ...
    def add(self, source: str, source_lang: str, target_lang: str, target: str, backend: str, *,
            approved: bool = False, note: str = "", created: str | None = None, approved_by: str = "",
            context_key: str | None = None) -> None: ...
    def add_many(self, rows: Iterable[TMEntry]) -> int: ...
    def entries(self) -> Iterator[TMEntry]: ...
    def example_pool(self, source_lang: str, target_lang: str, *, pseudo: bool = False,
                     limit: int = 20000) -> dict[str, str]: ...
    def stats(self) -> dict[str, object]: ...
    def claim(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> list[str]: ...
    def renew(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> None: ...
    def release(self, sources: Sequence[str], source_lang: str, target_lang: str) -> None: ...
    def claimed_by_others(self, sources: Sequence[str], source_lang: str, target_lang: str) -> set[str]: ...
    def wait_for(self, sources: Sequence[str], source_lang: str, target_lang: str, *, timeout: float | None = None,
                 poll_s: float = 0.25, lookup: Lookup | None = None) -> dict[str, Any]: ...


_COLUMNS = ("source, source_lang, target_lang, target, backend, created, approved, note, approved_by, approved_at, "
            "context_key")
# An entry replaces the one with the same key unless that one was approved and the new one is not (or is
# an older approval, say from an old TMX file): an approval is only ever of the target stored with it,
# machine output never overwrites a person's, and the latest approval wins.
_UPSERT = (f"INSERT INTO segments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
           f"ON CONFLICT {CONFLICT_KEY} DO UPDATE SET target = excluded.target, created = excluded.created, "
           "approved = excluded.approved, note = excluded.note, approved_by = excluded.approved_by, "
           "approved_at = excluded.approved_at "
           "WHERE segments.approved = 0 OR (excluded.approved = 1 AND excluded.approved_at >= segments.approved_at)")
_CHUNK = 500


def _entry(row: Sequence[Any]) -> TMEntry:
    return TMEntry(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8], row[9], row[10])


def _row(e: TMEntry) -> tuple[Any, ...]:
    approved_at = (e.approved_at or e.created) if e.approved else ""
    approved_by = (e.approved_by or "unknown") if e.approved else ""
    return (normalize(e.source), e.source_lang, e.target_lang, e.target, e.backend, e.created, int(e.approved),
            e.note, approved_by, approved_at, e.context_key)


class SQLStore:
    """The shared half of both stores. Subclasses give ``_query``, ``_execute_many``, ``_transaction``,
    ``_now_sql`` (the database's clock in epoch seconds), ``_size`` and the claim methods."""

    dialect = ""
    location = ""
    readonly = False
    owner = ""  # who holds claims taken through this store: host, process, instance

    # --- to implement --------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _size(self) -> int:
        raise NotImplementedError

    _now_sql = ""

    def close(self) -> None:
        raise NotImplementedError

    def claim(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> list[str]:
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------------

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refuse_write(self) -> None:
        if self.readonly:
            raise TranslationMemoryError("the translation memory is read-only", path=self.location,
                                         hint="make the file writable, or pass another --tm")

    def _schema_version(self) -> int | None:
        """The version in ``meta``; None when the store has no subloc tables at all (a new TM)."""
        tables = self._tables()
        if "meta" not in tables and "segments" not in tables:
            if tables and self.dialect == "sqlite":  # a file is one application's: tables of another one
                raise self._foreign()
            return None  # a PostgreSQL database (or schema) may hold other applications' tables beside ours
        if "meta" not in tables or "segments" not in tables:
            raise self._foreign()
        rows = self._query("SELECT value FROM meta WHERE key = 'schema'")
        if not rows or not str(rows[0][0]).isdigit():
            raise self._foreign()
        return int(rows[0][0])

    def _tables(self) -> set[str]:
        raise NotImplementedError

    def execute(self, sql: str) -> None:
        """Run one statement (the migrations' interface)."""
        self._query(sql)

    def _foreign(self) -> TranslationMemoryError:
        return TranslationMemoryError("not a subloc translation memory (other tables, no subloc schema); "
                                      "left untouched", path=self.location, hint="pass another --tm")

    def _migrate(self, lock: str) -> None:
        """Bring the schema up to SCHEMA_VERSION, one migration per transaction (``lock`` serializes
        stores opening the same TM at once)."""
        version = self._schema_version()
        check_version(version or 0, self.location)
        while (version or 0) < SCHEMA_VERSION:
            with self._transaction() as tx:
                if lock:
                    self._query(lock)
                version = self._schema_version() or 0  # another process may have migrated meanwhile
                if version >= SCHEMA_VERSION:
                    break
                MIGRATIONS[version](tx)
                self._query("DELETE FROM meta WHERE key = 'schema'")
                self._query("INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(version + 1),))
            version += 1

    def _require_current(self, version: int) -> None:
        """A store opened read-only cannot be migrated: it must already be at this version."""
        check_version(version, self.location)
        if version < SCHEMA_VERSION:
            raise TranslationMemoryError(
                f"the translation memory is at schema version {version} and needs upgrading to {SCHEMA_VERSION}, "
                "which a read-only store cannot take", path=self.location,
                hint="open it once with write access (any subloc tm command), then read it read-only")

    def schema_version(self) -> int:
        return self._schema_version() or 0

    def lookup(self, source: str, source_lang: str, target_lang: str, *, pseudo: bool = False,
               context_key: str | None = None) -> TMEntry | None:
        """The best entry: approved first (the latest approval), then the newest; pseudo entries only when
        ``pseudo``; an entry of the same ``context_key`` before one for any context."""
        return self.lookup_many([source], source_lang, target_lang, pseudo=pseudo, context_key=context_key).get(source)

    def lookup_many(self, sources: Iterable[str], source_lang: str, target_lang: str, *, pseudo: bool = False,
                    context_key: str | None = None) -> dict[str, TMEntry]:
        keys: dict[str, list[str]] = {}
        for s in sources:
            keys.setdefault(normalize(s), []).append(s)
        found: dict[str, TMEntry] = {}
        items = list(keys)
        kind = "backend = 'pseudo'" if pseudo else "backend <> 'pseudo'"
        context = "context_key IS NULL" if context_key is None else "(context_key IS NULL OR context_key = ?)"
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            params = [source_lang, target_lang, *([context_key] if context_key is not None else []), *chunk]
            rows = self._query(
                f"SELECT {_COLUMNS} FROM segments WHERE source_lang = ? AND target_lang = ? AND {kind} AND {context} "
                f"AND source IN ({marks}) ORDER BY approved ASC, context_key IS NOT NULL ASC, approved_at ASC, "
                "created ASC, id ASC", params)
            for row in rows:  # ascending order: the best entry is written last
                for original in keys[row[0]]:
                    found[original] = _entry(row)
        return found

    def add(self, source: str, source_lang: str, target_lang: str, target: str, backend: str, *,
            approved: bool = False, note: str = "", created: str | None = None, approved_by: str = "",
            context_key: str | None = None) -> None:
        """Store one segment, committed at once. A newer translation by the same backend replaces the old,
        unless the old one was approved and the new one is not."""
        when = created or _now()
        self.add_many([TMEntry(source, source_lang, target_lang, target, backend, when, approved, note,
                               approved_by, when if approved else "", context_key)])

    def add_many(self, rows: Iterable[TMEntry]) -> int:
        """Store entries in one transaction (the one write path of both stores); how many were given."""
        self._refuse_write()
        values = [_row(e) for e in rows]
        if len(values) == 1:  # one statement commits by itself, holding the write lock only while it runs
            self._query(_UPSERT, values[0])
            return 1
        for start in range(0, len(values), 5000):
            with self._transaction():
                self._execute_many(_UPSERT, values[start:start + 5000])
        return len(values)

    def entries(self) -> Iterator[TMEntry]:
        """Every entry in insertion order, read in pages (a memory of millions streams)."""
        last = -1
        while True:
            rows = self._query(f"SELECT id, {_COLUMNS} FROM segments WHERE id > ? ORDER BY id LIMIT 2000", (last,))
            if not rows:
                return
            for row in rows:
                yield _entry(row[1:])
            last = rows[-1][0]

    def example_pool(self, source_lang: str, target_lang: str, *, pseudo: bool = False,
                     limit: int = 20000) -> dict[str, str]:
        """Where similar entries are looked for (source -> target): one language pair's entries for any
        context, approved ones first, then the newest, at most ``limit`` (a team memory of millions is
        not read whole into every run)."""
        kind = "backend = 'pseudo'" if pseudo else "backend <> 'pseudo'"
        rows = self._query(f"SELECT source, target FROM segments WHERE source_lang = ? AND target_lang = ? AND {kind} "
                           "AND context_key IS NULL ORDER BY approved DESC, id DESC LIMIT ?",
                           (source_lang, target_lang, int(limit)))
        pool: dict[str, str] = {}
        for source, target in rows:
            pool.setdefault(source, target)  # approved first, then the newest
        return pool

    def stats(self) -> dict[str, object]:
        pairs: dict[tuple[str, str], dict[str, Any]] = {}
        for s, t, backend, n, approved in self._query(
                "SELECT source_lang, target_lang, backend, COUNT(*), SUM(approved) FROM segments "
                "GROUP BY source_lang, target_lang, backend"):
            pair = pairs.setdefault((s, t), {"source_lang": s, "target_lang": t, "segments": 0, "approved": 0,
                                             "sources": 0, "backends": []})
            pair["segments"] += int(n)
            pair["approved"] += int(approved or 0)
            pair["backends"].append(backend)
        for s, t, distinct in self._query("SELECT source_lang, target_lang, COUNT(DISTINCT source) FROM segments "
                                          "GROUP BY source_lang, target_lang"):
            pairs[(s, t)]["sources"] = int(distinct)
        rows = [dict(p, backends=sorted(p["backends"])) for _, p in sorted(pairs.items())]
        return {"path": self.location, "segments": sum(p["segments"] for p in rows), "size_bytes": self._size(),
                "schema": self.schema_version(), "pairs": rows}

    # --- claims: shared reads; taking them is per database ---------------------------------------

    def _keys(self, sources: Sequence[str], source_lang: str, target_lang: str) -> dict[str, str]:
        return {claim_key(s, source_lang, target_lang): s for s in sources}

    def claimed_by_others(self, sources: Sequence[str], source_lang: str, target_lang: str) -> set[str]:
        keys = self._keys(sources, source_lang, target_lang)
        held: set[str] = set()
        items = list(keys)
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            rows = self._query(f"SELECT key FROM claims WHERE owner <> ? AND expires_at >= {self._now_sql} "
                               f"AND key IN ({','.join('?' * len(chunk))})", (self.owner, *chunk))
            held.update(keys[r[0]] for r in rows)
        return held

    def renew(self, sources: Sequence[str], source_lang: str, target_lang: str, lease_s: float) -> None:
        """Extend the lease on claims this store holds (a worker still translating them)."""
        if self.readonly:
            return
        items = list(self._keys(sources, source_lang, target_lang))
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            self._query(f"UPDATE claims SET expires_at = {self._now_sql} + ? WHERE owner = ? "
                        f"AND key IN ({','.join('?' * len(chunk))})", (float(lease_s), self.owner, *chunk))

    def release(self, sources: Sequence[str], source_lang: str, target_lang: str) -> None:
        """Give claims up (after their entries were committed, or when translating them failed)."""
        if self.readonly:
            return
        items = list(self._keys(sources, source_lang, target_lang))
        for start in range(0, len(items), _CHUNK):
            chunk = items[start:start + _CHUNK]
            self._query(f"DELETE FROM claims WHERE owner = ? AND key IN ({','.join('?' * len(chunk))})",
                        (self.owner, *chunk))

    def wait_for(self, sources: Sequence[str], source_lang: str, target_lang: str, *, timeout: float | None = None,
                 poll_s: float = 0.25, lookup: Lookup | None = None) -> dict[str, Any]:
        """Wait until each source is in the TM or no other worker holds a live claim on it (it finished,
        gave up, or died and its lease ran out); the entries found. ``timeout`` bounds the wait.
        ``lookup`` finds what is done when claims are not on plain sources (story mode's in-context keys)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        pending = list(dict.fromkeys(sources))
        found: dict[str, Any] = {}
        while pending:
            found.update(lookup(pending) if lookup is not None else self.lookup_many(pending, source_lang, target_lang))
            pending = [s for s in pending if s not in found]
            if not pending:
                break
            held = self.claimed_by_others(pending, source_lang, target_lang)
            if not held or (deadline is not None and time.monotonic() >= deadline):
                break
            pending = [s for s in pending if s in held]
            time.sleep(poll_s)
        return found
