"""Real HTTP servers on 127.0.0.1 for backend tests: OpenAI chat completions, LibreTranslate, Google web.

Each speaks the real service's JSON (or HTML), translates with the sample series' reference
translations (so outputs pass QA), records every request, and can be told to misbehave: stay silent,
answer 429 with Retry-After, 500, malformed JSON, wrong ids, merged lines.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

from subloc.tm import import_tmx

REFERENCE = Path(__file__).parent.parent / "samples" / "stand-in-bride" / "reference.tmx"


@lru_cache(maxsize=1)
def reference() -> dict[tuple[str, str], str]:
    entries = import_tmx(REFERENCE.read_text("utf-8"), str(REFERENCE))
    return {(e.source, e.target_lang): e.target.replace("\n", " ") for e in entries}


def fake_translate(text: str, target: str) -> str:
    """The reference translation when known, else a marked echo (placeholders kept)."""
    return reference().get((text, target), f"<{target}> {text}")


def follow_glossary(text: str, glossary: list[dict[str, str]]) -> str:
    """What a model that heeds the glossary it is given does with terms it left in the source language."""
    for entry in sorted(glossary, key=lambda e: -len(e["source"])):
        text = text.replace(entry["source"], entry["target"].split(" | ")[0])
    return text


@dataclass
class Log:
    requests: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    segments: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: dict[str, Any], segments: int) -> int:
        with self.lock:
            self.requests.append(entry)
            self.times.append(time.monotonic())
            self.segments += segments
            return len(self.requests)


class FakeServer:
    """Base: a ThreadingHTTPServer in a daemon thread; ``behave(n, payload)`` decides each answer."""

    def __init__(self, latency: float = 0.0) -> None:
        self.log = Log()
        self.latency = latency
        self.behave: Callable[[int, Any], Any] = lambda n, payload: None
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                # As production servers do: without it, Nagle and delayed ACKs add ~40 ms to each reply.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                server.handle(self)

            def do_GET(self) -> None:
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reply(self, handler: BaseHTTPRequestHandler, status: int, body: str | bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def fault(self, handler: BaseHTTPRequestHandler, action: Any) -> bool:
        """Common faults: ("silent", seconds), ("status", code, retry_after), ("raw", text)."""
        if action is None:
            return False
        kind = action[0]
        if kind == "silent":
            time.sleep(action[1])
            handler.close_connection = True
            return True
        if kind == "status":
            headers = {"Retry-After": str(action[2])} if len(action) > 2 and action[2] is not None else {}
            self.reply(handler, action[1], json.dumps({"error": {"message": f"fault {action[1]}", "type": "test"}}),
                       headers=headers)
            return True
        return False

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError


class OpenAIServer(FakeServer):
    """POST /v1/chat/completions, replying with {"segments": [...]} built from the reference."""

    writer: Callable[[dict[str, Any], dict[str, Any]], str] | None = None

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        body = json.loads(handler.rfile.read(length) or b"{}")
        user = json.loads(body["messages"][-1]["content"])
        segments = user["segments"]
        n = self.log.add({"path": handler.path, "body": body, "user": user,
                          "auth": handler.headers.get("Authorization")}, len(segments))
        if self.latency:
            time.sleep(self.latency)
        action = self.behave(n, user)
        if self.fault(handler, action):
            return
        target = user["target_language"]
        items = [{"id": s["id"], "text": follow_glossary(fake_translate(s["text"], target), user.get("glossary", []))}
                 for s in segments]
        if self.writer is not None:  # a model with its own way of writing (see Wordy)
            items = [{"id": s["id"], "text": self.writer(s, user)} for s in segments]
        content = json.dumps({"segments": items}, ensure_ascii=False)
        if action is not None:
            kind = action[0]
            if kind == "raw":
                content = action[1]
            elif kind == "drop":  # lose the last segment
                content = json.dumps({"segments": items[:-1]}, ensure_ascii=False)
            elif kind == "merge" and len(items) > 1:  # two lines merged into the first id
                merged = [{"id": items[0]["id"], "text": items[0]["text"] + " " + items[1]["text"]}, *items[2:]]
                content = json.dumps({"segments": merged}, ensure_ascii=False)
            elif kind == "invent":
                content = json.dumps({"segments": [*items, {"id": "s999", "text": "extra"}]}, ensure_ascii=False)
            elif kind == "map":  # a model that words some lines its own way
                items = [{"id": i["id"], "text": action[1](s["text"], i["text"])} for s, i in zip(segments, items)]
                content = json.dumps({"segments": items}, ensure_ascii=False)
        reply = {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()),
                 "model": body.get("model"), "choices": [{"index": 0, "finish_reason": "stop",
                                                          "message": {"role": "assistant", "content": content}}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}
        self.reply(handler, 200, json.dumps(reply, ensure_ascii=False))


class LibreServer(FakeServer):
    """LibreTranslate: POST /translate with q, source, target (query or form) -> {"translatedText": ...}."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        length = int(handler.headers.get("Content-Length", 0))
        if length:
            raw = handler.rfile.read(length).decode("utf-8")
            params.update({k: v[0] for k, v in parse_qs(raw).items()})
        text = params.get("q", "")
        n = self.log.add({"path": parsed.path, "params": params}, text.count("\n") + 1)
        if self.latency:
            time.sleep(self.latency)
        action = self.behave(n, params)
        if self.fault(handler, action):
            return
        target = {"zh": "zh-Hans"}.get(params.get("target", ""), params.get("target", ""))
        lines = [fake_translate(line, target) for line in text.split("\n")]
        if action is not None and action[0] == "merge":
            lines = [" ".join(lines)]
        if action is not None and action[0] == "mangle":
            lines = [line.replace("⟦", "(").replace("⟧", ")") for line in lines]
        self.reply(handler, 200, json.dumps({"translatedText": "\n".join(lines)}, ensure_ascii=False))


class GoogleServer(FakeServer):
    """The Google Translate mobile page: GET ?sl=..&tl=..&q=.. -> HTML with <div class="result-container">."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        params = {k: v[0] for k, v in parse_qs(urlparse(handler.path).query).items()}
        text = params.get("q", "")
        n = self.log.add({"params": params}, text.count("\n") + 1)
        action = self.behave(n, params)
        if self.fault(handler, action):
            return
        target = {"zh-CN": "zh-Hans"}.get(params.get("tl", ""), params.get("tl", ""))
        out = "\n".join(fake_translate(line, target) for line in text.split("\n"))
        html = f'<html><body><div class="result-container">{escape(out)}</div></body></html>'
        self.reply(handler, 200, html, content_type="text/html; charset=utf-8")


class MyMemoryServer(FakeServer):
    """MyMemory: GET /get?q=..&langpair=zh-CN|th-TH -> {"responseData": {"translatedText": ...}, ...}."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        params = {k: v[0] for k, v in parse_qs(urlparse(handler.path).query).items()}
        text = params.get("q", "")
        n = self.log.add({"path": urlparse(handler.path).path, "params": params}, text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        target = {"th-TH": "th", "id-ID": "id", "ms-MY": "ms", "vi-VN": "vi"}.get(params["langpair"].split("|")[1], "")
        out = "\n".join(fake_translate(line, target) for line in text.split("\n"))
        self.reply(handler, 200, json.dumps({"responseData": {"translatedText": out, "match": 0.85},
                                             "responseStatus": 200, "matches": []}, ensure_ascii=False))


class DeeplServer(FakeServer):
    """DeepL v2 as deep-translator calls it: GET /translate?auth_key=..&source_lang=..&target_lang=..&text=.."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        text = params.get("text", "")
        n = self.log.add({"path": parsed.path, "params": params}, text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        if params.get("auth_key") != "deepl-test-key":
            self.reply(handler, 403, json.dumps({"message": "Authorization failure"}))
            return
        target = {"ID": "id", "EN": "en", "id": "id"}.get(params.get("target_lang", ""), params.get("target_lang", ""))
        out = "\n".join(fake_translate(line, target) for line in text.split("\n"))
        self.reply(handler, 200, json.dumps({"translations": [{"detected_source_language": "ZH", "text": out}]},
                                            ensure_ascii=False))


class MicrosoftServer(FakeServer):
    """Microsoft Translator v3: GET /languages, POST /translate?from=..&to=.. with [{"Text": ...}]."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if parsed.path.startswith("/languages"):
            names = {"zh-Hans": "Chinese Simplified", "th": "Thai", "id": "Indonesian", "ms": "Malay",
                     "vi": "Vietnamese", "en": "English"}
            self.reply(handler, 200, json.dumps({"translation": {k: {"name": v} for k, v in names.items()}}))
            return
        length = int(handler.headers.get("Content-Length", 0))
        body = json.loads(handler.rfile.read(length) or b"[]")
        text = body[0]["text"] if body else ""
        n = self.log.add({"path": parsed.path, "params": params, "key": handler.headers.get("Ocp-Apim-Subscription-Key"),
                          "region": handler.headers.get("Ocp-Apim-Subscription-Region")}, text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        out = "\n".join(fake_translate(line, params.get("to", "")) for line in text.split("\n"))
        self.reply(handler, 200, json.dumps([{"translations": [{"text": out, "to": params.get("to")}]}],
                                            ensure_ascii=False))


# Said at the end of a line by a model that pads (natural spoken fillers, one per language).
_PADDING = {
    "th": "ซึ่ง บอกตามตรง เลยนะว่า เรื่องนี้ ฉันไม่เคย คิดมาก่อน เลยจริงๆ",
    "vi": "mà nói thật lòng thì chuyện này tôi chưa từng nghĩ tới bao giờ cả",
    "id": "dan jujur saja aku belum pernah memikirkan hal ini sebelumnya",
    "ms": "dan terus terang saya tak pernah terfikir tentang hal ini sebelum ini",
}


def _cut(text: str, limit: int, language: str) -> str:
    """The longest start of ``text`` within ``limit`` counted characters, at a space when there is one."""
    from subloc.scripts import count
    if count(text, language) <= limit:
        return text
    words = text.split(" ")
    out = ""
    for word in words:
        joined = f"{out} {word}" if out else word
        if count(joined, language) > limit:
            break
        out = joined
    if out:
        return out
    kept = ""
    for ch in text:  # no space: by characters, a combining mark stays with its letter
        if count(kept + ch, language) > limit:
            break
        kept += ch
    return kept or text[:1]


class Wordy:
    """A model whose translations run four times the Chinese length unless given a budget.

    ``honours``: "always" (keeps ``max_chars`` at once), "when asked" (only when a segment carries
    ``too_long``, i.e. asked again to shorten), "never".
    """

    def __init__(self, honours: str) -> None:
        self.honours = honours

    def __call__(self, segment: dict[str, Any], user: dict[str, Any]) -> str:
        from subloc.scripts import count
        target = user["target_language"]
        base = fake_translate(segment["text"], target)
        wanted = 4 * count(segment["text"], "zh-Hans")
        pad = _PADDING.get(target, _PADDING["id"])
        text = base
        while count(text, target) < wanted:
            text = f"{text} {pad}"
        text = _cut(text, int(wanted + 1), target)
        budget = segment.get("max_chars")
        asked = "too_long" in segment
        if budget is not None and (self.honours == "always" or (self.honours == "when asked" and asked)):
            text = _cut(text, budget, target)
        return text
