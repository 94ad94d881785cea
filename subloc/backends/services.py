"""DeepL, Microsoft Translator and LibreTranslate through their documented JSON APIs.

All three take an array of texts natively, so a batch is an array (no newline join and split), sent
with subloc's own HTTP session and the key in a header or the JSON body — never in the URL.

* DeepL v2: ``POST /v2/translate`` ``{"text": [...], "source_lang", "target_lang"}``, header
  ``Authorization: DeepL-Auth-Key KEY`` (keys ending ``:fx`` use api-free.deepl.com).
* Microsoft Translator v3: ``POST /translate?api-version=3.0&from=..&to=..`` ``[{"Text": ...}, ...]``,
  headers ``Ocp-Apim-Subscription-Key`` and ``Ocp-Apim-Subscription-Region``.
* LibreTranslate: ``POST /translate`` ``{"q": [...], "source", "target", "format": "text", "api_key"}``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import BackendReplyError
from . import BackendInfo, BackendOptions, Request
from ._http import new_session, request_json


class _JSONService:
    info: ClassVar[BackendInfo]
    default_url: ClassVar[str]

    def __init__(self, options: BackendOptions) -> None:
        self.options = options
        self.key = options.key(self.info)
        self.session = new_session()
        self.base = (options.base_url or self.default_url).rstrip("/")

    def close(self) -> None:
        self.session.close()

    def code(self, lang: str) -> str:
        return self.info.codes.get(lang, lang)

    def _texts(self, request: Request, reply: Any, texts: list[str]) -> dict[str, str]:
        name = self.info.name
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise BackendReplyError(f"{name}: the reply has no list of texts", retryable=True)
        if len(texts) != len(request.segments):
            raise BackendReplyError(f"{name}: {len(request.segments)} texts sent, {len(texts)} came back",
                                    retryable=True)
        if any(not t.strip() for t, s in zip(texts, request.segments) if s.text.strip()):
            raise BackendReplyError(f"{name}: an empty text came back", retryable=True)
        return {s.id: t.strip() for s, t in zip(request.segments, texts)}

    def post(self, url: str, *, headers: dict[str, str], body: Any, params: dict[str, str] | None = None) -> Any:
        return request_json(self.info.name, "POST", url, session=self.session, timeout=self.options.timeout,
                            headers={"Content-Type": "application/json", **headers}, params=params, json_body=body)


class DeeplBackend(_JSONService):
    info = BackendInfo(name="deepl", description="DeepL API v2 (DEEPL_API_KEY; zh, id, en; arrays of texts)",
                       max_segments=50, max_chars=30000, concurrency=2, rpm=60,
                       languages=frozenset({"zh-Hans", "zh-Hant", "id", "en"}), key_env="DEEPL_API_KEY",
                       key_required=True, codes={"zh-Hans": "ZH", "zh-Hant": "ZH", "id": "ID", "en": "EN"})
    default_url = "https://api.deepl.com"

    def __init__(self, options: BackendOptions) -> None:
        super().__init__(options)
        if not options.base_url and self.key and self.key.endswith(":fx"):
            self.base = "https://api-free.deepl.com"

    def translate(self, request: Request) -> dict[str, str]:
        target = {"en": "EN-US", "zh-Hans": "ZH-HANS", "zh-Hant": "ZH-HANT"}.get(request.target_lang,
                                                                                  self.code(request.target_lang))
        body = {"text": [s.text for s in request.segments], "source_lang": self.code(request.source_lang),
                "target_lang": target}
        reply = self.post(f"{self.base}/v2/translate", headers={"Authorization": f"DeepL-Auth-Key {self.key}"},
                          body=body)
        items = reply.get("translations") if isinstance(reply, dict) else None
        texts = [t.get("text") for t in items if isinstance(t, dict)] if isinstance(items, list) else None
        return self._texts(request, reply, texts)  # type: ignore[arg-type]


class MicrosoftBackend(_JSONService):
    info = BackendInfo(name="microsoft", description="Microsoft Translator v3 (MICROSOFT_API_KEY, region via "
                                                     "--option region=…; arrays of texts)",
                       max_segments=100, max_chars=45000, concurrency=2, rpm=60,
                       languages=frozenset({"zh-Hans", "zh-Hant", "th", "id", "ms", "vi", "en"}),
                       key_env="MICROSOFT_API_KEY", key_required=True)
    default_url = "https://api.cognitive.microsofttranslator.com"

    def translate(self, request: Request) -> dict[str, str]:
        headers = {"Ocp-Apim-Subscription-Key": self.key or ""}
        if self.options.extra.get("region"):
            headers["Ocp-Apim-Subscription-Region"] = str(self.options.extra["region"])
        params = {"api-version": "3.0", "from": self.code(request.source_lang), "to": self.code(request.target_lang),
                  "textType": "plain"}
        reply = self.post(f"{self.base}/translate", headers=headers, params=params,
                          body=[{"Text": s.text} for s in request.segments])
        texts: Any = None
        if isinstance(reply, list):
            try:
                texts = [item["translations"][0]["text"] for item in reply]
            except (KeyError, IndexError, TypeError):
                texts = None
        return self._texts(request, reply, texts)


class LibreBackend(_JSONService):
    info = BackendInfo(name="libre", description="LibreTranslate, public or self-hosted --base-url (LIBRE_API_KEY "
                                                 "if the server wants one; arrays of texts)",
                       max_segments=50, max_chars=4500, concurrency=2, rpm=None,
                       languages=frozenset({"zh-Hans", "zh-Hant", "id", "vi", "ms", "th", "en"}),
                       key_env="LIBRE_API_KEY", codes={"zh-Hans": "zh", "zh-Hant": "zt"})
    default_url = "https://libretranslate.com"

    def translate(self, request: Request) -> dict[str, str]:
        body: dict[str, Any] = {"q": [s.text for s in request.segments], "source": self.code(request.source_lang),
                                "target": self.code(request.target_lang), "format": "text"}
        if self.key:
            body["api_key"] = self.key
        reply = self.post(f"{self.base}/translate", headers={}, body=body)
        texts = reply.get("translatedText") if isinstance(reply, dict) else None
        return self._texts(request, reply, texts)  # type: ignore[arg-type]
