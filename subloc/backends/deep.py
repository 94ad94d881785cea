"""The services deep-translator is for: google (web, no key), mymemory, baidu and papago.

deep-translator has no timeouts (a silent server blocks it forever), raises exceptions without a
common base, drops the response (so a 429's Retry-After is lost) and catches the builtin
ConnectionError where requests raises its own (docs/libraries.md). This adapter guards it
without touching ``requests``: the name ``requests`` inside deep-translator's service modules is bound
to a router that, only while a subloc call runs on that thread, sends through subloc's own session
with a deadline (and --base-url), and remembers the response so every failure becomes a BackendError
with the right status, Retry-After and hint. Any other code — another thread, another library, the
same thread outside a call — gets ``requests`` exactly as it is.

Each service declares its languages (refused before sending) and limits; a batch of segments is sent
as one text joined by newlines and split back, which the scheduler verifies.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar, NamedTuple

from ..errors import BackendError, BackendReplyError
from . import BackendInfo, BackendOptions, Request
from ._http import network_error, new_session, redact, status_error

_CALL = threading.local()
_ROUTE_LOCK = threading.Lock()
_ROUTED_MODULES = ("google", "mymemory", "baidu", "papago")


class _Call:
    def __init__(self, session: Any, timeout: float, rewrite: tuple[str, str] | None = None) -> None:
        self.session = session
        self.timeout = timeout
        self.rewrite = rewrite  # (service URL, --base-url): a proxy, a regional endpoint, a test server
        self.last: Any = None


class _Router:
    """Stands in for the ``requests`` module inside deep-translator's service modules."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        call = getattr(_CALL, "call", None)
        if call is None:  # not a subloc call: exactly what deep-translator would have done
            return self._real.request(method, url, **kwargs)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (min(10.0, call.timeout), call.timeout)
        if call.rewrite and url.startswith(call.rewrite[0]):
            url = call.rewrite[1] + url[len(call.rewrite[0]):]
        try:
            response = call.session.request(method, url, **kwargs)
        except self._real.RequestException as exc:
            raise network_error(exc, url.split("?")[0], call.timeout) from None
        call.last = response
        return response


def _route() -> None:
    import importlib

    import requests

    with _ROUTE_LOCK:
        for name in _ROUTED_MODULES:
            module = importlib.import_module(f"deep_translator.{name}")
            if not isinstance(getattr(module, "requests", None), _Router):
                module.requests = _Router(requests)  # type: ignore[attr-defined]


class CredentialId(NamedTuple):
    """An id a service takes beside its key: where it is read from, and the translator's keywords."""

    env: str  # environment variable
    option: str  # --option name
    id_kwarg: str  # the deep-translator class's keyword for the id
    key_kwarg: str  # and for the key
    needs: str  # the refusal's words: "backend 'baidu' needs …"


class _DeepBackend:
    """Shared machinery; subclasses name the deep-translator class and the service's language codes."""

    info: ClassVar[BackendInfo]
    translator_class: ClassVar[str]
    # How --base-url reaches the service: services whose URL deep-translator builds per request are
    # reached by rewriting ``service_url``; the others get it as the translator's base URL.
    service_url: ClassVar[str | None] = None
    # Services that take an id beside the key (Baidu's app id, Papago's client id).
    credential_id: ClassVar[CredentialId | None] = None

    @classmethod
    def preflight(cls, options: BackendOptions) -> None:
        if cls.credential_id is None:
            return
        c = cls.credential_id
        if not options.secret(c.env, options.extra.get(c.option)):
            from . import BackendUnavailable
            raise BackendUnavailable(f"backend '{cls.info.name}' needs {c.needs}",
                                     hint=f"set {c.env} (or --option {c.option}=…) with {cls.info.key_env}")

    def __init__(self, options: BackendOptions) -> None:
        _route()
        self.options = options
        self.key = options.key(self.info)
        self._local = threading.local()  # deep-translator instances mutate themselves: one per thread
        self.session = new_session()

    def close(self) -> None:
        self.session.close()

    def kwargs(self) -> dict[str, Any]:
        if self.credential_id is None:
            return {}
        c = self.credential_id
        return {c.id_kwarg: self.options.secret(c.env, self.options.extra.get(c.option)), c.key_kwarg: self.key}

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
            self.adjust(translator, codes.get(source, source), codes.get(target, target))
            if self.options.base_url and self.service_url is None:
                translator._base_url = self.options.base_url  # a mirror, a proxy or a test server
            cache[key] = translator
        return cache[key]

    def adjust(self, translator: Any, source: str, target: str) -> None:
        """Mend what deep-translator gets wrong for this service (after construction)."""

    def _call(self, fn: Any, *args: Any) -> Any:
        rewrite = (self.service_url, self.options.base_url.rstrip("/")) \
            if self.service_url and self.options.base_url else None
        call = _Call(self.session, self.options.timeout, rewrite)
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
                raise BackendError(f"{self.info.name}: service error ({name}: {redact(str(exc))[:120]})",
                                   retryable=True) from None
            if name in ("ApiKeyException", "AuthorizationException"):
                raise BackendError(f"{self.info.name}: the API key was refused", retryable=False, fatal=True,
                                   hint=f"check {self.info.key_env}") from None
            raise BackendError(f"{self.info.name}: {name}: {redact(str(exc))}"[:300], retryable=False) from None
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


class BaiduBackend(_DeepBackend):
    # deep-translator's Baidu list: zh, cht, th, vie, en (no Indonesian or Malay there).
    info = BackendInfo(name="baidu", description="Baidu Fanyi (deep-translator; BAIDU_APPKEY and BAIDU_APPID or "
                                                 "--option appid=…; strong on Chinese sources)",
                       max_segments=50, max_chars=5500, concurrency=1, rpm=60,
                       languages=frozenset({"zh-Hans", "zh-Hant", "th", "vi", "en"}), key_env="BAIDU_APPKEY",
                       key_required=True, codes={"zh-Hans": "zh", "zh-Hant": "cht", "vi": "vie"})
    translator_class = "BaiduTranslator"
    credential_id = CredentialId("BAIDU_APPID", "appid", "appid", "appkey", "an app id with its key")


class PapagoBackend(_DeepBackend):
    # deep-translator's Papago list: zh-CN, zh-TW, th, vi, id, en (no Malay).
    info = BackendInfo(name="papago", description="Naver Papago (deep-translator; PAPAGO_CLIENT_SECRET and "
                                                  "PAPAGO_CLIENT_ID or --option client_id=…)",
                       max_segments=50, max_chars=4500, concurrency=1, rpm=60,
                       languages=frozenset({"zh-Hans", "zh-Hant", "th", "vi", "id", "en"}),
                       key_env="PAPAGO_CLIENT_SECRET", key_required=True,
                       codes={"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"})
    translator_class = "PapagoTranslator"
    credential_id = CredentialId("PAPAGO_CLIENT_ID", "client_id", "client_id", "secret_key",
                                 "a client id with its secret")

    def adjust(self, translator: Any, source: str, target: str) -> None:
        # deep-translator maps Papago's codes to their names ("th" -> "Thai") before sending: send the codes.
        translator._source, translator._target = source, target
