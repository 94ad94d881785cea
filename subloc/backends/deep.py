"""The deep-translator services: google, deepl, microsoft, libre, mymemory.

deep-translator has no timeouts (a silent server blocks it forever), raises exceptions without a
common base, drops the response (so a 429's Retry-After is lost) and catches the builtin
ConnectionError where requests raises its own (docs/libraries.md). This adapter guards it:
while a subloc call runs, ``requests.Session.request`` gets subloc's deadline when none is given and
remembers the last response, so every failure becomes a BackendError with the right status, a
Retry-After, and a hint. Each service declares its languages (refused before sending) and limits; a
batch of segments is sent as one text joined by newlines and split back, which the scheduler verifies.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from ..errors import BackendError, BackendReplyError
from . import BackendInfo, BackendOptions, Request
from ._http import network_error, status_error

_CALL = threading.local()
_GUARD_LOCK = threading.Lock()


class _Call:
    def __init__(self, timeout: float, rewrite: tuple[str, str] | None = None) -> None:
        self.timeout = timeout
        self.rewrite = rewrite  # (service prefix, --base-url): a proxy, a regional endpoint, a test server
        self.last: Any = None


def _install_guard() -> None:
    import requests

    with _GUARD_LOCK:
        if getattr(requests.Session.request, "_subloc_guard", False):
            return
        original = requests.Session.request

        def request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
            call = getattr(_CALL, "call", None)
            if call is None:
                return original(self, method, url, **kwargs)
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = (min(10.0, call.timeout), call.timeout)
            if call.rewrite and url.startswith(call.rewrite[0]):
                url = call.rewrite[1] + url[len(call.rewrite[0]):]
            try:
                response = original(self, method, url, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                raise network_error(exc, url.split("?")[0], call.timeout) from None
            call.last = response
            return response

        request._subloc_guard = True  # type: ignore[attr-defined]
        requests.Session.request = request  # type: ignore[method-assign]


class _DeepBackend:
    """Shared machinery; subclasses name the deep-translator class and the service's language codes."""

    info: ClassVar[BackendInfo]
    translator_class: ClassVar[str]
    # How --base-url reaches the service. Services whose URLs deep-translator hard-codes (even in the
    # constructor) are reached by rewriting ``service_prefix``; ``base_url_in_kwargs`` services take it in
    # their constructor (see kwargs); the others get it as the translator's base URL, with a trailing
    # slash when deep-translator appends an endpoint to it.
    service_prefix: ClassVar[str | None] = None
    base_url_in_kwargs: ClassVar[bool] = False
    base_url_slash: ClassVar[bool] = False

    def __init__(self, options: BackendOptions) -> None:
        _install_guard()
        self.options = options
        self.key = options.key(self.info)
        self._local = threading.local()  # deep-translator instances mutate themselves: one per thread

    def close(self) -> None:
        pass

    def kwargs(self) -> dict[str, Any]:
        return {}

    def _translator(self, source: str, target: str) -> Any:
        cache = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = {}
        key = (source, target)
        if key not in cache:
            import deep_translator

            cls = getattr(deep_translator, self.translator_class)
            codes = self.info.codes
            translator = cls(source=codes.get(source, source), target=codes.get(target, target), **self.kwargs())
            if self.options.base_url and self.service_prefix is None and not self.base_url_in_kwargs:
                base = self.options.base_url
                if self.base_url_slash and not base.endswith("/"):
                    base += "/"
                translator._base_url = base  # a mirror, a proxy or a test server
            cache[key] = translator
        return cache[key]

    def _call(self, fn: Any, *args: Any) -> Any:
        rewrite = (self.service_prefix, self.options.base_url.rstrip("/")) \
            if self.service_prefix and self.options.base_url else None
        call = _Call(self.options.timeout, rewrite)
        _CALL.call = call
        try:
            return fn(*args)
        except BackendError:
            raise
        except Exception as exc:  # deep-translator's exceptions share no base class
            response = call.last
            if response is not None and response.status_code >= 400:
                raise status_error(self.info.name, response.status_code, response.headers, response.text[:200]) \
                    from None
            name = type(exc).__name__
            if name in ("TooManyRequests",):
                raise BackendError(f"{self.info.name}: rate limited", retryable=True) from None
            if name in ("TranslationNotFound", "ElementNotFoundInGetRequest"):
                raise BackendReplyError(f"{self.info.name}: no translation in the reply ({name})",
                                        retryable=True) from None
            if name in ("ServerException", "RequestError"):
                raise BackendError(f"{self.info.name}: service error ({name}: {exc})", retryable=True) from None
            if name in ("ApiKeyException", "AuthorizationException"):
                raise BackendError(f"{self.info.name}: the API key was refused", retryable=False, fatal=True,
                                   hint=f"check {self.info.key_env}") from None
            raise BackendError(f"{self.info.name}: {name}: {exc}"[:300], retryable=False) from None
        finally:
            _CALL.call = None

    def translate(self, request: Request) -> dict[str, str]:
        texts = [s.text for s in request.segments]
        if any("\n" in t for t in texts):
            raise BackendReplyError(f"{self.info.name}: segments must be single lines", retryable=False)
        translator = self._call(self._translator, request.source_lang, request.target_lang)
        joined = "\n".join(texts)
        result = self._call(translator.translate, joined)
        if not isinstance(result, str):
            raise BackendReplyError(f"{self.info.name}: no text in the reply", retryable=True)
        parts = [p.strip() for p in result.strip().split("\n")]
        if len(parts) != len(texts):
            # The service merged or split lines: the scheduler sends smaller batches.
            raise BackendReplyError(f"{self.info.name}: {len(texts)} lines sent, {len(parts)} came back",
                                    retryable=True)
        if any(not p for p, t in zip(parts, texts) if t.strip()):
            raise BackendReplyError(f"{self.info.name}: an empty line came back", retryable=True)
        return {s.id: p for s, p in zip(request.segments, parts)}


_LANGS = frozenset({"zh-Hans", "zh-Hant", "th", "id", "ms", "vi", "en"})


class GoogleBackend(_DeepBackend):
    info = BackendInfo(name="google", description="Google Translate web (deep-translator; no key; the default "
                                                  "online backend)",
                       max_segments=50, max_chars=4500, concurrency=2, rpm=60, languages=_LANGS,
                       codes={"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"})
    translator_class = "GoogleTranslator"


class MyMemoryBackend(_DeepBackend):
    info = BackendInfo(name="mymemory", description="MyMemory (deep-translator; no key; 500 characters a request)",
                       max_segments=10, max_chars=480, concurrency=1, rpm=30, languages=_LANGS,
                       codes={"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "th": "th-TH", "id": "id-ID", "ms": "ms-MY",
                              "vi": "vi-VN", "en": "en-GB"})
    translator_class = "MyMemoryTranslator"


class DeeplBackend(_DeepBackend):
    # deep-translator's DeepL list has no Thai, Malay or Vietnamese.
    info = BackendInfo(name="deepl", description="DeepL API (deep-translator; DEEPL_API_KEY; zh, id, en only)",
                       max_segments=50, max_chars=4500, concurrency=2, rpm=60,
                       languages=frozenset({"zh-Hans", "id", "en"}), key_env="DEEPL_API_KEY", key_required=True,
                       codes={"zh-Hans": "zh"})
    translator_class = "DeeplTranslator"
    base_url_slash = True  # deep-translator appends "translate"

    def kwargs(self) -> dict[str, Any]:
        return {"api_key": self.key, "use_free_api": self.options.extra.get("free_api", True)}


class MicrosoftBackend(_DeepBackend):
    info = BackendInfo(name="microsoft", description="Microsoft Translator (deep-translator; MICROSOFT_API_KEY, "
                                                     "region via --option region=…)",
                       max_segments=50, max_chars=4500, concurrency=2, rpm=60, languages=_LANGS,
                       key_env="MICROSOFT_API_KEY", key_required=True,
                       codes={"zh-Hans": "zh-hans", "zh-Hant": "zh-hant"})  # deep-translator lower-cases them
    translator_class = "MicrosoftTranslator"
    service_prefix = "https://api.cognitive.microsofttranslator.com"

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"api_key": self.key}
        if self.options.extra.get("region"):
            out["region"] = self.options.extra["region"]
        return out


class LibreBackend(_DeepBackend):
    info = BackendInfo(name="libre", description="LibreTranslate, public or self-hosted --base-url (deep-translator; "
                                                 "LIBRE_API_KEY if the server wants one)",
                       max_segments=50, max_chars=4500, concurrency=2, rpm=None,
                       languages=frozenset({"zh-Hans", "id", "vi", "en"}), key_env="LIBRE_API_KEY",
                       codes={"zh-Hans": "zh"})
    translator_class = "LibreTranslator"
    base_url_in_kwargs = True

    def kwargs(self) -> dict[str, Any]:
        # deep-translator refuses to start without a key even for keyless servers; "-" is ignored by them.
        out: dict[str, Any] = {"api_key": self.key or "-", "use_free_api": not bool(self.key)}
        if self.options.base_url:
            out["custom_url"] = self.options.base_url.rstrip("/") + "/"
        return out
