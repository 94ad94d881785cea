"""Where a TM lives: a file path or a ``postgresql://`` URL; opening and copying either kind."""

from __future__ import annotations

from pathlib import Path

from .postgres import PostgresTM
from .sqlite import SQLiteTM
from .store import TMStore
from .urls import display, is_url, redact_url

__all__ = ["open_tm", "copy_tm", "display", "is_url", "location", "redact_url"]


def location(spec: str | Path | None) -> str | Path | None:
    """A TM named on the command line, in a config or a provenance record: a URL stays a URL (never a
    path, which would make a folder named ``postgresql:``), anything else is a path."""
    return None if not spec else spec if is_url(spec) else Path(spec)


def open_tm(spec: str | Path, *, readonly: bool = False, create: bool = True) -> TMStore:
    """The store ``spec`` names: PostgreSQL for a ``postgresql://`` URL, else a SQLite file.

    ``readonly`` opens for reading only (stats, export: a file without write permission works);
    ``create=False`` refuses a TM that does not exist yet instead of creating it."""
    if is_url(spec):
        return PostgresTM(str(spec), readonly=readonly, create=create)
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
