"""TM locations that are URLs: telling a ``postgresql://`` URL from a file path, and showing it without its password."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
