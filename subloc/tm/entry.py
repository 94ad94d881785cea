"""What the translation memory stores: entries, the normalized form of a source, timestamps."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone


def normalize(text: str) -> str:
    """The form segments are stored and looked up in: NFC, single spaces, no outer whitespace."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(part for part in text.replace("\t", " ").split(" ") if part).strip()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def claim_key(source: str, source_lang: str, target_lang: str) -> str:
    """The fixed-size key a claim on one segment of one language pair is held under."""
    return hashlib.sha1(f"{source_lang}\x1f{target_lang}\x1f{normalize(source)}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TMEntry:
    """One translation of one segment.

    ``approved_by``/``approved_at`` say which person approved it and when (empty for machine output);
    ``context_key`` is for in-context reuse (the same source in a given scene); None means any context.
    """

    source: str
    source_lang: str
    target_lang: str
    target: str
    backend: str
    created: str
    approved: bool = False
    note: str = ""
    approved_by: str = ""
    approved_at: str = ""
    context_key: str | None = None
