"""Real HTTP servers on 127.0.0.1 for backend tests: OpenAI chat completions, LibreTranslate, Google web,
MyMemory, DeepL, Microsoft Translator, Baidu Fanyi, Naver Papago.

Each speaks the real service's JSON (or HTML), translates with the sample series' reference
translations (so outputs pass QA), records every request, and can be told to misbehave: stay silent,
answer 429 with Retry-After, 500, malformed JSON, wrong ids, merged lines — and, for chat completions,
the shapes today's models and servers answer with (think blocks, fences with prose, numeric ids,
refusals, a cut body, an error inside HTTP 200, no response_format, a context limit).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
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
    """The reference translation when known, else a deterministic text in the target's script (placeholders
    and markup kept) — a server that echoed the Chinese would be rejected as a wrong-language reply."""
    known = reference().get((text, target))
    if known is not None:
        return known
    from subloc.backends.builtin import pseudo_text
    return pseudo_text(text, "zh-Hans", target).strip("[]")


def count_tokens(text: str) -> int:
    """What the fake servers bill: a CJK or Thai character ≈ 1 token, else 4 characters ≈ 1."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    return wide + (len(text) - wide + 3) // 4


# How servers word a prompt that does not fit (status, body).
CONTEXT_ERRORS = {
    "openai": (400, {"error": {"message": "This model's maximum context length is {limit} tokens. However, your "
                                          "messages resulted in {prompt} tokens.", "type": "invalid_request_error",
                               "param": "messages", "code": "context_length_exceeded"}}),
    "vllm": (400, {"object": "error", "message": "This model's maximum context length is {limit} tokens. However, you "
                                                 "requested {prompt} tokens ({prompt} in the messages, 0 in the "
                                                 "completion).",
                   "type": "BadRequestError", "param": None, "code": 400}),
    "llamacpp": (400, {"error": {"code": 400, "message": "the request exceeds the available context size, try "
                                                         "increasing it", "type": "exceed_context_size_error",
                                 "n_prompt_tokens": "{prompt}", "n_ctx": "{limit}"}}),
}


def follow_glossary(text: str, glossary: list[dict[str, str]]) -> str:
    """What a model that heeds the glossary it is given does with terms it left in the source language."""
    for entry in sorted(glossary, key=lambda e: -len(e["source"])):
        text = text.replace(entry["source"], entry["target"].split(" | ")[0])
    return text


def model_translate(text: str, target: str, glossary: list[dict[str, str]]) -> str:
    """What a model that heeds its glossary answers: the reference (terms it left in the source language
    rendered), or for an unknown line a text in the target script carrying the renderings of its terms."""
    if (text, target) in reference():
        return follow_glossary(fake_translate(text, target), glossary)
    terms = [e["target"].split(" | ")[0] for e in sorted(glossary, key=lambda e: -len(e["source"]))
             if e["source"] in text]
    return " ".join([fake_translate(text, target), *terms])


@contextmanager
def serving(server_class, behave=None):  # type: ignore[no-untyped-def]
    """A fake service for the length of a block."""
    server = server_class()
    if behave is not None:
        server.behave = behave
    try:
        yield server
    finally:
        server.close()


@dataclass
class Log:
    requests: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    segments: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    prompt_tokens: int = 0  # chat completions: what the server billed
    completion_tokens: int = 0
    replied: int = 0  # replies written in full

    def bill(self, prompt: int, completion: int) -> None:
        with self.lock:
            self.prompt_tokens += prompt
            self.completion_tokens += completion

    def add(self, entry: dict[str, Any], segments: int) -> int:
        with self.lock:
            self.requests.append(entry)
            self.times.append(time.monotonic())
            self.segments += segments
            return len(self.requests)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that hung up (a deadline, Ctrl-C in a test): not the server's problem
        super().handle_error(request, client_address)


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

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
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
        if kind == "echo_auth":  # ("echo_auth", status): a server that quotes the credentials it got
            said = {k: v for k, v in handler.headers.items()
                    if k.lower() in ("authorization", "ocp-apim-subscription-key", "x-naver-client-secret")}
            self.reply(handler, action[1], json.dumps({"error": {"message": f"invalid credentials {said} for "
                                                                            f"{handler.path}", "type": "auth"}}))
            return True
        return False

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError


class OpenAIServer(FakeServer):
    """POST /v1/chat/completions, replying with {"segments": [...]} built from the reference.

    Server-wide settings: ``no_response_format`` (HTTP 400 whenever it is sent, as several local servers
    do), ``context_limit`` (prompt tokens; larger prompts get ``context_style``'s error), ``usage``
    (report token usage). Per-request actions from ``behave`` are listed in ``handle``.
    """

    no_response_format = False
    context_limit: int | None = None
    context_style = "openai"
    usage = True

    writer: Callable[[dict[str, Any], dict[str, Any]], str] | None = None

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        body = json.loads(handler.rfile.read(length) or b"{}")
        user = json.loads(body["messages"][-1]["content"])
        segments = user["segments"]
        n = self.log.add({"path": handler.path, "body": body, "user": user,
                          "auth": handler.headers.get("Authorization")}, len(segments))
        prompt_tokens = sum(count_tokens(m["content"]) for m in body["messages"])
        if self.latency:
            time.sleep(self.latency)
        if self.no_response_format and "response_format" in body:
            self.log.bill(0, 0)
            self.reply(handler, 400, json.dumps({"error": {"message": "'response_format' of type 'json_object' is "
                                                                      "not supported", "type": "invalid_request_error",
                                                           "param": "response_format"}}))
            return
        if self.context_limit is not None and prompt_tokens > self.context_limit:
            status, error = CONTEXT_ERRORS[self.context_style]  # with this request's numbers
            text = json.dumps(error).replace("{limit}", str(self.context_limit)).replace("{prompt}", str(prompt_tokens))
            self.reply(handler, status, text.replace(f'"{prompt_tokens}"', str(prompt_tokens))
                       .replace(f'"{self.context_limit}"', str(self.context_limit)))
            return
        action = self.behave(n, user)
        if self.fault(handler, action):
            return
        if action is not None and action[0] in ("empty_choices", "error_in_200", "refuse", "content_filter", "cut"):
            self.chat_fault(handler, action, n, body, prompt_tokens)
            return
        target = user["target_language"]
        items = [{"id": s["id"], "text": model_translate(s["text"], target, user.get("glossary", []))}
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
            elif kind == "think":  # a reasoning model (DeepSeek-R1, Qwen3): its thoughts first
                content = ("<think>\nThe user wants subtitles. Let me keep {\"id\"} pairs… 好的。\n</think>\n\n"
                           + content)
            elif kind == "fence":  # fenced JSON in any case, with a sentence around it
                content = f"Here is the translation:\n```JSON\n{content}\n```\nLet me know if you need changes."
            elif kind == "prose":  # prose before and after the object, no fence
                content = f"Sure! {content} I kept every id."
            elif kind == "numeric_ids":  # ids written as numbers
                content = json.dumps({"segments": [{"id": int(i["id"].lstrip("s")), "text": i["text"]}
                                                   for i in items]}, ensure_ascii=False)
        self.send_chat(handler, n, body, prompt_tokens, {"role": "assistant", "content": content}, "stop")

    def send_chat(self, handler: BaseHTTPRequestHandler, n: int, body: dict[str, Any], prompt_tokens: int,
                  message: dict[str, Any], finish: str) -> None:
        completion = count_tokens(message.get("content") or message.get("refusal") or "")
        self.log.bill(prompt_tokens, completion)
        reply: dict[str, Any] = {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()),
                                 "model": body.get("model"),
                                 "choices": [{"index": 0, "finish_reason": finish, "message": message}]}
        if self.usage:
            reply["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": completion,
                              "total_tokens": prompt_tokens + completion}
        self.reply(handler, 200, json.dumps(reply, ensure_ascii=False))
        with self.log.lock:
            self.log.replied += 1

    def chat_fault(self, handler: BaseHTTPRequestHandler, action: Any, n: int, body: dict[str, Any],
                   prompt_tokens: int) -> None:
        kind = action[0]
        if kind == "empty_choices":
            self.reply(handler, 200, json.dumps({"id": f"chatcmpl-{n}", "object": "chat.completion", "choices": []}))
        elif kind == "error_in_200":
            self.reply(handler, 200, json.dumps({"error": {"message": "upstream model overloaded", "code": 503}}))
        elif kind == "refuse":
            self.send_chat(handler, n, body, prompt_tokens, {"role": "assistant", "content": None,
                                                             "refusal": "I'm sorry, I can't help with that."}, "stop")
        elif kind == "content_filter":
            self.send_chat(handler, n, body, prompt_tokens, {"role": "assistant", "content": ""}, "content_filter")
        elif kind == "cut":  # the connection drops mid-body
            data = json.dumps({"id": f"chatcmpl-{n}", "choices": [{"message": {"content": "{\"segments\": [" * 20}}]})
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data) * 2))
            handler.end_headers()
            handler.wfile.write(data.encode())
            handler.wfile.flush()
            handler.close_connection = True
            import socket as _socket
            handler.connection.shutdown(_socket.SHUT_RDWR)


class LibreServer(FakeServer):
    """LibreTranslate: POST /translate with JSON {"q": [...], source, target} -> {"translatedText": [...]}, or q,
    source, target as query or form (one newline-joined text) -> {"translatedText": "..."}."""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        length = int(handler.headers.get("Content-Length", 0))
        if length:
            raw = handler.rfile.read(length).decode("utf-8")
            params.update({k: v[0] for k, v in parse_qs(raw).items()})
        if length and "json" in handler.headers.get("Content-Type", ""):
            params = json.loads(raw)
        texts = params.get("q", "")
        text = "\n".join(texts) if isinstance(texts, list) else texts
        n = self.log.add({"path": parsed.path, "params": {**params, "q": text}, "texts": texts,
                          "json": isinstance(texts, list)}, len(texts) if isinstance(texts, list) else text.count("\n") + 1)
        if self.latency:
            time.sleep(self.latency)
        action = self.behave(n, params)
        if self.fault(handler, action):
            return
        target = {"zh": "zh-Hans"}.get(params.get("target", ""), params.get("target", ""))
        if isinstance(texts, list):
            out = [fake_translate(t, target) for t in texts]
            if action is not None and action[0] == "merge" and len(out) > 1:
                out = [out[0] + " " + out[1], *out[2:]]
            if action is not None and action[0] == "mangle":
                out = [t.replace("⟦", "(").replace("⟧", ")") for t in out]
            self.reply(handler, 200, json.dumps({"translatedText": out}, ensure_ascii=False))
            return
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
        length = int(handler.headers.get("Content-Length", 0))
        if length:  # v2 as documented: POST JSON {"text": [...]} with "Authorization: DeepL-Auth-Key KEY"
            body = json.loads(handler.rfile.read(length))
            auth = handler.headers.get("Authorization", "")
            n = self.log.add({"path": parsed.path, "params": params, "body": body, "auth": auth,
                              "url": handler.path}, len(body.get("text", [])))
            if self.fault(handler, self.behave(n, body)):
                return
            if auth != "DeepL-Auth-Key deepl-test-key":
                self.reply(handler, 403, json.dumps({"message": "Authorization failure, check auth_key"}))
                return
            target = body.get("target_lang", "").split("-")[0].lower()
            out = [{"detected_source_language": "ZH", "text": fake_translate(t, target)} for t in body["text"]]
            self.reply(handler, 200, json.dumps({"translations": out}, ensure_ascii=False))
            return
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
        texts = [item.get("Text", item.get("text", "")) for item in body]
        text = texts[0] if texts else ""
        n = self.log.add({"path": parsed.path, "params": params, "key": handler.headers.get("Ocp-Apim-Subscription-Key"),
                          "region": handler.headers.get("Ocp-Apim-Subscription-Region"), "texts": texts},
                         len(texts) if len(texts) > 1 else text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        if len(texts) != 1 or "Text" in (body[0] if body else {}):  # an array of texts, as documented
            out_items = [{"translations": [{"text": fake_translate(t, params.get("to", "")), "to": params.get("to")}]}
                         for t in texts]
            self.reply(handler, 200, json.dumps(out_items, ensure_ascii=False))
            return
        out = "\n".join(fake_translate(line, params.get("to", "")) for line in text.split("\n"))
        self.reply(handler, 200, json.dumps([{"translations": [{"text": out, "to": params.get("to")}]}],
                                            ensure_ascii=False))


class BaiduServer(FakeServer):
    """Baidu Fanyi general API: POST /api/trans/vip/translate?appid=..&q=..&from=..&to=..&salt=..&sign=..
    (sign = md5(appid + q + salt + appkey)) -> {"from", "to", "trans_result": [{"src", "dst"}, ...]} (one per line)."""

    appid = "baidu-test-appid"
    appkey = "baidu-test-appkey"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        import hashlib

        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        length = int(handler.headers.get("Content-Length", 0))
        if length:
            params.update({k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode("utf-8")).items()})
        text = params.get("q", "")
        n = self.log.add({"path": parsed.path, "params": params, "url": handler.path}, text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        sign = hashlib.md5((self.appid + text + params.get("salt", "") + self.appkey).encode("utf-8")).hexdigest()
        if params.get("appid") != self.appid or params.get("sign") != sign:
            self.reply(handler, 200, json.dumps({"error_code": "54001", "error_msg": "Invalid Sign"}))
            return
        target = {"vie": "vi", "zh": "zh-Hans", "cht": "zh-Hant"}.get(params.get("to", ""), params.get("to", ""))
        result = [{"src": line, "dst": fake_translate(line, target)} for line in text.split("\n")]
        self.reply(handler, 200, json.dumps({"from": params.get("from"), "to": params.get("to"),
                                             "trans_result": result}, ensure_ascii=False))


class PapagoServer(FakeServer):
    """Naver Papago NMT: POST /v1/papago/n2mt (form source, target, text; X-Naver-Client-Id/-Secret headers)
    -> {"message": {"result": {"srcLangType", "tarLangType", "translatedText"}}}."""

    client_id = "papago-test-id"
    secret = "papago-test-secret"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        params = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode("utf-8")).items()}
        text = params.get("text", "")
        n = self.log.add({"path": urlparse(handler.path).path, "params": params,
                          "id": handler.headers.get("X-Naver-Client-Id")}, text.count("\n") + 1)
        if self.fault(handler, self.behave(n, params)):
            return
        if handler.headers.get("X-Naver-Client-Id") != self.client_id or \
                handler.headers.get("X-Naver-Client-Secret") != self.secret:
            self.reply(handler, 401, json.dumps({"errorMessage": "Authentication failed", "errorCode": "024"}))
            return
        if params.get("target") not in ("ko", "en", "ja", "zh-CN", "zh-TW", "vi", "th", "id", "fr", "es", "ru", "de",
                                         "it"):
            self.reply(handler, 400, json.dumps({"errorMessage": f"Unsupported target language: {params.get('target')}",
                                                 "errorCode": "N2MT05"}))
            return
        out = "\n".join(fake_translate(line, params["target"]) for line in text.split("\n"))
        self.reply(handler, 200, json.dumps({"message": {"@type": "response", "result": {
            "srcLangType": params.get("source"), "tarLangType": params["target"], "translatedText": out}}},
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
