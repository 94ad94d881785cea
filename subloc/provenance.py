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


def record_provenance(target: Path, source: Track, language: str, backend: str, tm_path: str,
                      options: BackendOptions | None = None) -> None:
    """Note in OUT/.subloc/provenance.json that ``target`` was translated from ``source`` as it is now."""
    path = target.parent / PROVENANCE
    data: dict[str, Any] = {"version": 1, "files": {}}
    if path.exists():
        try:
            data = json.loads(path.read_text("utf-8"))
        except ValueError:
            pass  # a damaged record is rewritten; the translations themselves are untouched
    assert source.path is not None
    data.setdefault("files", {})[target.name] = {
        "source": str(Path(source.path).resolve()), "source_sha256": file_sha256(source.path), "language": language,
        "backend": backend, "tm": tm_path, "subloc": __version__,
        # how to reach the backend again (never the key: that stays in the environment)
        "base_url": safe_url(options.base_url) if options else None, "model": options.model if options else None,
        "written": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def read_provenance(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / PROVENANCE
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text("utf-8")).get("files", {}))
    except ValueError:
        return {}
