"""Translation backends: one protocol, one registry fed by the ``subloc.backends`` entry-point group.

The built-in backends register through the same entry points as third-party ones (see
pyproject.toml), so a plugin is a package that declares::

    [project.entry-points."subloc.backends"]
    mymt = "mymt_subloc:MyBackend"

where ``MyBackend`` has a class attribute ``info`` (a BackendInfo) and is built as
``MyBackend(options: BackendOptions)``; its ``translate(request)`` returns ``{id: text}`` for every
segment id of the request or raises a ``BackendError``. The scheduler checks the ids (missing or
extra ids are a reply error, asked again in halves). A backend may return a ``Reply`` (a dict with
``usage``) to report the tokens a request cost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..errors import BackendError, BackendReplyError, BackendUnavailable

__all__ = ["Backend", "BackendInfo", "BackendOptions", "Request", "Segment", "Reply", "Usage", "available", "create",
           "preflight", "register", "unregister", "supporting", "BackendError", "BackendReplyError",
           "BackendUnavailable", "ContextTooLong", "Refusal"]


@dataclass(frozen=True)
class BackendInfo:
    name: str
    description: str
    max_segments: int = 1  # per request
    max_chars: int = 5000  # per request, all segments together
    concurrency: int = 2  # requests in flight by default
    rpm: int | None = None  # requests per minute by default (None: no limit)
    languages: frozenset[str] | None = None  # canonical codes it translates between; None: any
    takes_context: bool = False  # gets the series, glossary and neighbouring lines (LLMs)
    masks_glossary: bool = True  # glossary terms are replaced by placeholders before sending
    offline: bool = False  # sends nothing over the network
    key_env: str | None = None  # environment variable holding the API key
    key_required: bool = False
    pseudo: bool = False  # output is pseudo-localization, not a translation
    codes: dict[str, str] = field(default_factory=dict)  # subloc code -> the service's code

    def supports(self, source: str, target: str) -> bool:
        return self.languages is None or (source in self.languages and target in self.languages)


@dataclass(frozen=True)
class BackendOptions:
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a key
        return (f"BackendOptions(base_url={self.base_url!r}, model={self.model!r}, "
                f"api_key={'***' if self.api_key else None}, timeout={self.timeout})")

    def key(self, info: BackendInfo) -> str | None:
        """The API key: from options (configuration), else the backend's environment variable."""
        return self.secret(info.key_env, self.api_key)

    def secret(self, env: str | None, configured: str | None = None) -> str | None:
        """A key from configuration or ``env``: trimmed, checked, and registered for redaction.

        A trailing newline (``echo key > file``) is trimmed; a key with a line break or space inside is
        refused with a message that does not print it.
        """
        value = configured or (os.environ.get(env) if env else None) or None
        if value is None:
            return None
        value = value.strip()
        if not value:
            return None
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            from ._http import remember_secret
            remember_secret(value)
            raise BackendUnavailable(f"the key in {env or 'the configuration'} contains a space or a line break",
                                     hint="set it to the key alone, on one line")
        from ._http import remember_secret
        remember_secret(value)
        return value


@dataclass(frozen=True)
class Segment:
    id: str
    text: str  # what to translate (glossary terms and inline tags may be placeholders ⟦n⟧)
    # For backends that take context (see subloc.translate.fit and .story); others ignore them.
    max_chars: int | None = None  # the character budget, counted the target's way
    speaker: dict[str, str] | None = None  # {"name", "gender"} when known
    extra: dict[str, Any] = field(default_factory=dict)  # more per-segment fields (addressee, draft, hint…)


@dataclass(frozen=True)
class Request:
    source_lang: str
    target_lang: str
    segments: tuple[Segment, ...]
    context: dict[str, Any] = field(default_factory=dict)  # series, glossary, neighbouring lines (takes_context)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False  # the API reported none; counted from the characters


class Reply(dict):  # type: ignore[type-arg]
    """``{segment id: text}`` with the usage of the request that produced it."""

    def __init__(self, items: dict[str, str], usage: Usage | None = None, requests: int = 1) -> None:
        super().__init__(items)
        self.usage = usage
        self.requests = requests  # HTTP requests it took (a backend may ask again itself, e.g. without a setting)


class ContextTooLong(BackendReplyError):
    """The request does not fit the model's context; smaller batches may. ``fixed`` describes what every
    request carries (the series synopsis, characters, glossary), for the message when one line alone fails;
    ``limit`` and ``asked``, the context and the request's size in tokens when the server said them (the
    scheduler then cuts the batch to what fits rather than halving it again and again)."""

    def __init__(self, message: str, *, fixed: str = "", limit: int | None = None, asked: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(message, retryable=False, **kwargs)
        self.fixed = fixed
        self.limit, self.asked = limit, asked
        self.kind = "context"


class Refusal(BackendReplyError):
    """The model or the provider's content filter refused to translate."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, retryable=False, **kwargs)
        self.kind = "refusal"


class Backend(Protocol):
    info: BackendInfo

    def translate(self, request: Request) -> dict[str, str]:
        """Translate every segment; return ``{segment id: text}`` or raise BackendError."""

    def close(self) -> None:
        """Release connections."""


Factory = Callable[[BackendOptions], Backend]
_REGISTERED: dict[str, Any] = {}
_LOADED: dict[str, Any] | None = None

# Used only when subloc runs from a source tree without installed metadata (no entry points).
_SOURCE_TREE = {
    "google": "subloc.backends.deep:GoogleBackend", "deepl": "subloc.backends.services:DeeplBackend",
    "microsoft": "subloc.backends.services:MicrosoftBackend", "libre": "subloc.backends.services:LibreBackend",
    "mymemory": "subloc.backends.deep:MyMemoryBackend", "baidu": "subloc.backends.deep:BaiduBackend",
    "papago": "subloc.backends.deep:PapagoBackend", "openai": "subloc.backends.openai:OpenAIBackend",
    "tm": "subloc.backends.builtin:TMBackend", "pseudo": "subloc.backends.builtin:PseudoBackend",
}


def _load(target: str) -> Any:
    import importlib

    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _entry_points() -> dict[str, Any]:
    global _LOADED
    if _LOADED is None:
        from importlib.metadata import entry_points

        found = {ep.name: ep for ep in entry_points(group="subloc.backends")}
        _LOADED = found or {name: target for name, target in _SOURCE_TREE.items()}
    return _LOADED


def register(name: str, factory: Any) -> None:
    """Add a backend class (or factory with an ``info`` attribute) under ``name``; tests and plugins."""
    _REGISTERED[name] = factory


def unregister(name: str) -> None:
    _REGISTERED.pop(name, None)


def available() -> list[str]:
    return sorted({*_entry_points(), *_REGISTERED})


def get_class(name: str) -> Any:
    if name in _REGISTERED:
        return _REGISTERED[name]
    found = _entry_points().get(name)
    if found is None:
        raise BackendUnavailable(f"unknown backend {name!r}", hint=f"available: {', '.join(available())}")
    return found.load() if hasattr(found, "load") else _load(found)


def supporting(source: str, target: str) -> list[str]:
    """Names of the backends that translate this pair (pseudo and tm excluded)."""
    out = []
    for name in available():
        info = get_class(name).info
        if not info.pseudo and not info.offline and info.supports(source, target):
            out.append(name)
    return out


def preflight(name: str, options: BackendOptions, source: str | None = None, target: str | None = None) -> None:
    """Refuse before anything is sent: an unsupported language pair, a missing or malformed key.

    A backend class may add its own checks in a ``preflight(options)`` class method (the openai backend
    needs a key only when it talks to api.openai.com)."""
    cls = get_class(name)
    info: BackendInfo = cls.info
    for lang in (source, target):
        if lang and info.languages is not None and lang not in info.languages:
            others = [n for n in supporting(source or lang, target or lang) if n != name]
            raise BackendUnavailable(
                f"backend {name!r} does not translate {source} → {target}",
                hint=f"backends that do: {', '.join(others) or 'none'}")
    key = options.key(info)
    if info.key_required and not key:
        raise BackendUnavailable(f"backend {name!r} needs an API key",
                                 hint=f"set the {info.key_env} environment variable")
    check = getattr(cls, "preflight", None)
    if callable(check):
        check(options)


def create(name: str, options: BackendOptions, source: str | None = None, target: str | None = None) -> Backend:
    """Build a backend, refusing before anything is sent when it cannot do the job."""
    preflight(name, options, source, target)
    return get_class(name)(options)
