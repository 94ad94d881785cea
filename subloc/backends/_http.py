"""HTTP for backends: deadlines, and turning every failure into a BackendError that says what to do."""

from __future__ import annotations

import email.utils
import time
from typing import Any

from ..errors import BackendError


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


def status_error(backend: str, status: int, headers: Any = None, body: str = "") -> BackendError:
    """The BackendError for an HTTP error status."""
    detail = f": {body.strip()[:200]}" if body and body.strip() else ""
    if status == 429:
        wait = retry_after(headers)
        return BackendError(f"{backend}: rate limited (HTTP 429){detail}", retryable=True, retry_after=wait,
                            hint="subloc waits and retries; lower --rpm or --concurrency if it keeps happening")
    if status in (401, 403):
        return BackendError(f"{backend}: not authorized (HTTP {status}){detail}", retryable=False, fatal=True,
                            hint="check the API key (its environment variable or configuration)")
    if status >= 500 or status in (408, 409, 425):
        return BackendError(f"{backend}: server error (HTTP {status}){detail}", retryable=True,
                            retry_after=retry_after(headers))
    return BackendError(f"{backend}: request refused (HTTP {status}){detail}", retryable=False,
                        hint="check --base-url, --model and the language codes")


def network_error(exc: Exception, where: str, timeout: float) -> BackendError:
    """The BackendError for a requests exception (a timeout, or no connection)."""
    import requests

    if isinstance(exc, requests.Timeout):
        return BackendError(f"{where}: no answer within {timeout:g} s", retryable=True,
                            hint="raise --timeout, or check the server")
    return BackendError(f"{where}: cannot connect: {type(exc).__name__}", retryable=True,
                        hint="check --base-url and the network")


def post_json(backend: str, url: str, payload: dict[str, Any], headers: dict[str, str], timeout: float,
              session: Any = None) -> Any:
    """POST JSON and return the decoded JSON reply; every failure is a BackendError."""
    import requests

    try:
        response = (session or requests).post(url, json=payload, headers=headers, timeout=(min(10.0, timeout), timeout))
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise network_error(exc, f"{backend} at {url}", timeout) from None
    if response.status_code >= 400:
        raise status_error(backend, response.status_code, response.headers, response.text)
    try:
        return response.json()
    except ValueError:
        from ..errors import BackendReplyError
        raise BackendReplyError(f"{backend}: the reply is not JSON: {response.text[:120]!r}", retryable=True) from None
