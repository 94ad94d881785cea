"""Where a TM lives: a file path or a ``postgresql://`` URL; opening and copying either kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from .store import TMStore

_URL = re.compile(r"^(postgresql|postgres)://", re.IGNORECASE)


def is_url(spec: str | Path) -> bool:
    """A PostgreSQL URL (``postgresql://`` or ``postgres://``), not a file path."""
    return isinstance(spec, str) and bool(_URL.match(spec))


def redact_url(url: str) -> str:
    """The URL without its password (``user:secret@host`` → ``user@host``), fit to print or store; a
    ``password=`` query parameter goes as well."""
    if not is_url(url):
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, host = netloc.rpartition("@")
            netloc = f"{userinfo.split(':', 1)[0]}@{host}"
        query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("password="))
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)


def display(spec: str | Path) -> str:
    return redact_url(spec) if is_url(spec) else str(spec)


def open_tm(spec: str | Path, *, readonly: bool = False, create: bool = True) -> TMStore:
    """The store ``spec`` names: PostgreSQL for a ``postgresql://`` URL, else a SQLite file.

    ``readonly`` opens for reading only (stats, export: a file without write permission works);
    ``create=False`` refuses a TM that does not exist yet instead of creating it."""
    if is_url(spec):
        from .postgres import PostgresTM
        return PostgresTM(str(spec), readonly=readonly, create=create)
    from .sqlite import SQLiteTM
    return SQLiteTM(Path(spec), readonly=readonly, create=create)


def copy_tm(source: TMStore, destination: TMStore) -> int:
    """Every entry of ``source`` into ``destination`` (approvals and who gave them kept; the same
    approval rules as any add); how many entries were copied."""
    count = 0
    batch = []
    for entry in source.entries():
        batch.append(entry)
        if len(batch) >= 5000:
            count += destination.add_many(batch)
            batch = []
    return count + (destination.add_many(batch) if batch else 0)
