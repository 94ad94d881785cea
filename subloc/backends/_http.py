"""HTTP for backends: subloc's own session, deadlines, redaction, and every failure as a BackendError.

Nothing here patches ``requests``: backends that speak HTTP themselves use ``new_session()`` and
``request_json``; the deep-translator adapter (deep.py) routes only deep-translator's own calls.

Secrets: every key a backend reads goes through ``BackendOptions.key`` which registers it here, and
every message built from a server's answer passes ``redact`` — servers echo keys back in error bodies.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import BackendError, BackendReplyError

OFFLINE_HINT = "are you offline? `--backend tm` or `pseudo` work offline"

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
# Authorization-style values and key-like query/form parameters, whatever the key.
_AUTH_VALUE = re.compile(r"(?i)\b(Bearer|Basic|DeepL-Auth-Key|Token)(\s+)[A-Za-z0-9._~+/=:-]{4,}")
_KEY_PARAM = re.compile(r"(?i)\b(auth_key|api[_-]?key|apikey|appkey|key|token|access_token|secret|client_secret|"
                        r"subscription-key)(\"?\s*[=:]\s*\"?)([^&\s\"',;}]{4,})")


def remember_secret(value: str | None) -> None:
    """Register a key so that no message subloc prints or stores can contain it."""
    if value and len(value) >= 4:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` with every registered key, Authorization value and key-like parameter replaced by ***."""
    if not text:
        return text
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    text = _AUTH_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _KEY_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


def safe_url(url: str | None) -> str | None:
    """A URL fit to print or store: no ``user:password@``, no query (keys travel there on some services)."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return redact(urlunsplit((parts.scheme, host, parts.path, "", "")))


def host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the server"
    return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "the server"


def retry_after(headers: Any) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HTTPStatusError(BackendError):
    """An HTTP error status; ``status`` and the (redacted) ``body`` let a backend look closer."""

    def __init__(self, message: str, *, status: int, body: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status = status
        self.body = body


def status_error(backend: str, status: int, headers: Any = None, body: str = "") -> HTTPStatusError:
    """The BackendError for an HTTP error status (the body quoted, keys redacted)."""
    body = redact(body or "")
    detail = f": {body.strip()[:200]}" if body.strip() else ""
    if status == 429:
        wait = retry_after(headers)
        return HTTPStatusError(f"{backend}: rate limited (HTTP 429){detail}", status=status, body=body,
                               retryable=True, retry_after=wait,
                               hint="subloc waits and retries; lower --rpm or --concurrency if it keeps happening")
    if status in (401, 403):
        return HTTPStatusError(f"{backend}: not authorized (HTTP {status}){detail}", status=status, body=body,
                               retryable=False, fatal=True,
                               hint="check the API key (its environment variable or configuration)")
    if status == 456:  # DeepL: quota exceeded
        return HTTPStatusError(f"{backend}: quota exceeded (HTTP 456){detail}", status=status, body=body,
                               retryable=False, fatal=True, hint="raise the plan's character limit or wait")
    if status >= 500 or status in (408, 409, 425):
        return HTTPStatusError(f"{backend}: server error (HTTP {status}){detail}", status=status, body=body,
                               retryable=True, retry_after=retry_after(headers))
    return HTTPStatusError(f"{backend}: request refused (HTTP {status}){detail}", status=status, body=body,
                           retryable=False, hint="check --base-url, --model and the language codes")


def _refused(exc: Exception) -> bool:
    """A connection refused or a name that does not resolve: nothing is listening there at all."""
    import socket

    import urllib3.exceptions as u3

    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        cur = todo.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, (u3.NewConnectionError, ConnectionRefusedError, socket.gaierror)):
            return True
        if isinstance(cur, u3.ConnectTimeoutError):
            return False
        todo.extend([getattr(cur, "reason", None), cur.__cause__, cur.__context__,
                     *[a for a in getattr(cur, "args", ()) if isinstance(a, BaseException)]])
    return False


def network_error(exc: Exception, where: str, timeout: float) -> BackendError:
    """The BackendError for any ``requests`` exception."""
    import requests

    found = re.search(r"https?://\S+", where)
    url = safe_url(found.group(0)) or "" if found else ""
    where = where.replace(found.group(0), url) if found else where
    if isinstance(exc, requests.Timeout):
        return BackendError(f"{where}: no answer within {timeout:g} s", retryable=True,
                            hint="raise --timeout, or check the server")
    if isinstance(exc, requests.ConnectionError) and _refused(exc):
        error = BackendError(f"cannot reach {host_of(url) if url else 'the server'} ({where})", retryable=False,
                             fatal=True,
                             hint=OFFLINE_HINT)
        error.kind = "unreachable"  # type: ignore[attr-defined]
        return error
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return BackendError(f"{where}: the connection was cut before the reply was complete "
                            f"({type(exc).__name__})", retryable=True, hint="subloc retries; check the server")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return BackendError(f"{where}: not a usable URL ({type(exc).__name__})", retryable=False, fatal=True,
                            hint="check --base-url (e.g. http://localhost:11434/v1)")
    return BackendError(f"{where}: network error ({type(exc).__name__}: {redact(str(exc))[:160]})", retryable=True,
                        hint="check --base-url and the network")


def new_session() -> Any:
    """subloc's own HTTP session (connection reuse; nothing global changed)."""
    import requests

    from .. import __version__

    session = requests.Session()
    session.headers["User-Agent"] = f"subloc/{__version__}"
    return session


def request_json(backend: str, method: str, url: str, *, session: Any, timeout: float,
                 headers: dict[str, str] | None = None, params: dict[str, Any] | None = None,
                 json_body: Any = None, data: Any = None) -> Any:
    """One request; the decoded JSON reply, or a BackendError (status, network, not JSON)."""
    import requests

    try:
        response = session.request(method, url, headers=headers, params=params, json=json_body, data=data,
                                   timeout=(min(10.0, timeout), timeout))
    except requests.RequestException as exc:
        raise network_error(exc, f"{backend} at {url}", timeout) from None
    if response.status_code >= 400:
        raise status_error(backend, response.status_code, response.headers, response.text)
    try:
        return response.json()
    except ValueError:
        raise BackendReplyError(f"{backend}: the reply is not JSON: {redact(response.text[:120])!r}",
                                retryable=True) from None


def post_json(backend: str, url: str, payload: dict[str, Any], headers: dict[str, str], timeout: float,
              session: Any = None) -> Any:
    """POST JSON and return the decoded JSON reply; every failure is a BackendError."""
    return request_json(backend, "POST", url, session=session or new_session(), timeout=timeout, headers=headers,
                        json_body=payload)
