"""Provenance: which source a written translation came from, as it was then.

``OUT/.subloc/provenance.json`` maps each translation's file name to its source (path and SHA-256),
language, backend and TM; packs use it to find stale episodes and pseudo-localizations.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .backends import BackendOptions
from .backends._http import safe_url
from .formats import atomic_write
from .model import Track

PROVENANCE = Path(".subloc") / "provenance.json"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    return sha256_hex(Path(path).read_bytes())


class ProvenanceLog:
    """The provenance of one run: records are collected as episodes are written and written once per
    output folder at the end (:meth:`flush`), merged under a lock with what is there, so two runs writing
    into one folder keep each other's records."""

    def __init__(self) -> None:
        self._records: dict[Path, dict[str, dict[str, Any]]] = {}

    def note(self, target: Path, source: Track, language: str, backend: str, tm_path: str,
             options: BackendOptions | None = None) -> None:
        """Remember that ``target`` was translated from ``source`` as it is now."""
        assert source.path is not None
        self._records.setdefault(target.parent, {})[target.name] = {
            "source": str(Path(source.path).resolve()), "source_sha256": file_sha256(source.path), "language": language,
            "backend": backend, "tm": tm_path, "subloc": __version__,
            # how to reach the backend again (never the key: that stays in the environment)
            "base_url": safe_url(options.base_url) if options else None, "model": options.model if options else None,
            "written": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def flush(self) -> None:
        """Write every folder's records: read, merge and replace under an exclusive lock on the folder's
        ``.subloc/provenance.lock`` (another run's records written meanwhile are kept)."""
        import fcntl

        for folder, records in self._records.items():
            path = folder / PROVENANCE
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path.parent / "provenance.lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                data = _read(path)
                data.setdefault("files", {}).update(records)
                atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
        self._records.clear()


def _read(path: Path) -> dict[str, Any]:
    if path.exists():
        try:
            data = json.loads(path.read_text("utf-8"))
            if isinstance(data, dict) and isinstance(data.get("files", {}), dict):
                return data
        except (ValueError, UnicodeDecodeError):
            pass  # a damaged record is rewritten; the translations themselves are untouched
    return {"version": 1, "files": {}}


def record_provenance(target: Path, source: Track, language: str, backend: str, tm_path: str,
                      options: BackendOptions | None = None) -> None:
    """Note in OUT/.subloc/provenance.json that ``target`` was translated from ``source`` as it is now
    (one record at once; a run collects its records in a :class:`ProvenanceLog`)."""
    log = ProvenanceLog()
    log.note(target, source, language, backend, tm_path, options)
    log.flush()


def read_provenance(folder: Path) -> dict[str, dict[str, Any]]:
    """The records of ``folder``'s translations by file name ({} when there are none or they are damaged)."""
    return dict(_read(folder / PROVENANCE)["files"])
