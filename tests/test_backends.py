"""Backends one by one: the services' JSON APIs, secrets, requests left alone, the scheduler's contract."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from subloc.backends import BackendInfo, BackendOptions, Request, Segment, create, register, unregister
from subloc.cli import cli
from subloc.tm import TranslationMemory
from subloc.translate import TranslateOptions, Translator

from .conftest import SAMPLES
from .servers import (BaiduServer, DeeplServer, GoogleServer, LibreServer, MicrosoftServer, OpenAIServer,
                      PapagoServer, fake_translate, serving)

SERIES = SAMPLES / "stand-in-bride"



def run(series: Path, tmp_path: Path, backend: str, targets=("th",), **kw):  # type: ignore[no-untyped-def]
    options = TranslateOptions(targets=tuple(targets), output_dir=tmp_path / "out", backend=backend,
                               tm_path=tmp_path / "tm.sqlite", backoff=0.01, check=False,
                               backend_options=kw.pop("backend_options", BackendOptions()), **kw)
    return Translator(sorted((series / "srt").glob("*.srt")), options).run()


# --- services -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend, server_class, language", [("baidu", BaiduServer, "th"),
                                                             ("baidu", BaiduServer, "vi"),
                                                             ("papago", PapagoServer, "id")])
def test_baidu_and_papago_through_deep_translator(series: Path, tmp_path: Path, monkeypatch, backend: str,
                                                  server_class, language: str) -> None:
    monkeypatch.setenv("BAIDU_APPID", BaiduServer.appid)
    monkeypatch.setenv("BAIDU_APPKEY", BaiduServer.appkey + "\n")  # a key file's trailing newline is trimmed
    monkeypatch.setenv("PAPAGO_CLIENT_ID", PapagoServer.client_id)
    monkeypatch.setenv("PAPAGO_CLIENT_SECRET", PapagoServer.secret)
    with serving(server_class) as server:
        url = server.url + ("/api/trans/vip/translate" if backend == "baidu" else "/v1/papago/n2mt")
        report = run(series, tmp_path, backend, targets=(language,), backend_options=BackendOptions(base_url=url),
                     rpm=6000)
    assert report.incomplete == 0 and report.languages[0].failures == 0
    first = server.log.requests[0]
    assert first["params"].get("target", first["params"].get("to")) == {"vi": "vie"}.get(language, language)
    assert first["params"].get("source", first["params"].get("from")) in ("zh", "zh-CN")
    assert len(server.log.requests) < report.languages[0].unique / 10  # batched lines, not one request each
    if backend == "baidu":
        assert BaiduServer.appkey not in first["url"]  # only its signature travels
    from subloc import load
    out = load(tmp_path / "out" / f"ep01.{language}.srt")
    assert len(out.cues) == len(load(series / "srt" / "ep01.zh-Hans.srt").cues)
    assert not any("\u4e00" <= ch <= "\u9fff" for c in out.cues for ch in c.text)  # every line translated


def test_baidu_and_papago_refuse_before_sending(runner, series: Path, monkeypatch) -> None:
    monkeypatch.setenv("BAIDU_APPKEY", "k" * 8)
    monkeypatch.delenv("BAIDU_APPID", raising=False)
    result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "th", "--backend", "baidu"])
    assert result.exit_code == 2 and "BAIDU_APPID" in result.stderr
    result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "ms", "--backend", "baidu"])
    assert result.exit_code == 2 and "does not translate zh-Hans → ms" in result.stderr
    result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "ms", "--backend", "papago"])
    assert result.exit_code == 2 and "does not translate zh-Hans → ms" in result.stderr


def test_microsoft_and_libre_send_arrays_with_keys_in_headers(series: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MICROSOFT_API_KEY", "ms-test-key")
    monkeypatch.setenv("LIBRE_API_KEY", "libre-test-key")
    with serving(MicrosoftServer) as ms, serving(LibreServer) as libre:
        assert run(series, tmp_path, "microsoft", targets=("ms",), rpm=6000,
                   backend_options=BackendOptions(base_url=ms.url, extra={"region": "southeastasia"})).incomplete == 0
        assert run(series, tmp_path / "libre", "libre", targets=("vi",),
                   backend_options=BackendOptions(base_url=libre.url)).incomplete == 0
    first = ms.log.requests[0]
    assert first["key"] == "ms-test-key" and first["region"] == "southeastasia" and len(first["texts"]) > 1
    assert first["params"] == {"api-version": "3.0", "from": "zh-Hans", "to": "ms", "textType": "plain"}
    entry = libre.log.requests[0]
    assert entry["json"] and isinstance(entry["texts"], list) and entry["params"]["api_key"] == "libre-test-key"
    assert not any("\n" in t for t in entry["texts"])  # one text per segment, no newline join


# --- secrets ---------------------------------------------------------------------------------------------

def test_a_key_echoed_by_the_server_is_never_printed_or_stored(runner, series: Path, tmp_path: Path,
                                                               monkeypatch) -> None:
    key = "sk-proj-SECRETsecret1234567890"
    monkeypatch.setenv("OPENAI_API_KEY", key + "\n")
    with serving(OpenAIServer, lambda n, p: ("echo_auth", 401)) as server:
        result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "th", "--backend", "openai",
                                     "--base-url", server.url, "--tm", str(tmp_path / "tm.sqlite"), "-o",
                                     str(tmp_path / "out"), "--json"])
    assert server.log.requests[0]["auth"] == f"Bearer {key}"  # trimmed, and sent
    assert result.exit_code == 1
    assert "not authorized (HTTP 401)" in result.stdout and "invalid credentials" in result.stdout
    for text in (result.stdout, result.stderr):
        assert key not in text and "SECRETsecret" not in text
    # DeepL: the key goes in a header, and comes back redacted when the server quotes it
    monkeypatch.setenv("DEEPL_API_KEY", "deepl-wrong-key-123:fx")
    with serving(DeeplServer, lambda n, p: ("echo_auth", 403)) as server:
        result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "id", "--backend", "deepl",
                                     "--base-url", server.url, "--tm", str(tmp_path / "tm.sqlite"), "-o",
                                     str(tmp_path / "out")])
    assert "deepl-wrong-key-123" not in server.log.requests[0]["url"]
    assert server.log.requests[0]["auth"] == "DeepL-Auth-Key deepl-wrong-key-123:fx"
    assert result.exit_code == 1 and "HTTP 403" in result.stderr and "deepl-wrong-key-123" not in result.output


def test_stored_urls_have_no_password_and_keys_with_line_breaks_are_refused(runner, series: Path, tmp_path: Path,
                                                                            monkeypatch) -> None:
    with serving(OpenAIServer) as server:
        url = server.url.replace("http://", "http://me:s3cretpass@") + "/v1?key=abcdef123"
        result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "th", "--backend", "openai",
                                     "--base-url", url, "--tm", str(tmp_path / "tm.sqlite"), "-o",
                                     str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    provenance = (tmp_path / "out" / ".subloc" / "provenance.json").read_text("utf-8")
    assert "s3cretpass" not in provenance and "abcdef123" not in provenance and server.url in provenance
    assert server.log.requests[0]["auth"].startswith("Basic ")  # the credentials were used, not stored
    monkeypatch.setenv("OPENAI_API_KEY", "sk-first-half\nsk-second-half")
    result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "th", "--backend", "openai"])
    assert result.exit_code == 2 and "the key in OPENAI_API_KEY contains a space or a line break" in result.stderr
    assert "sk-first-half" not in result.output and "sk-second-half" not in result.output


# --- requests is left alone ---------------------------------------------------------------------------

def test_requests_is_not_patched_during_or_after_a_subloc_call() -> None:
    original = requests.Session.request
    seen: dict[str, object] = {}
    with serving(GoogleServer) as service, serving(GoogleServer) as other:
        service.behave = lambda n, p: ("silent", 1.0)  # the subloc call waits on a silent service…
        backend = create("google", BackendOptions(base_url=service.url, timeout=0.5))

        def call() -> None:
            try:
                backend.translate(Request("zh-Hans", "th", (Segment("s1", "你敢！"),)))
            except Exception as exc:  # noqa: BLE001
                seen["subloc"] = exc

        thread = threading.Thread(target=call)
        thread.start()
        while not service.log.requests:
            time.sleep(0.01)
        # …while another thread uses requests with no timeout, against a slow server: no deadline is added
        # (it takes longer than subloc's 0.5 s and does not fail), and no URL is rewritten.
        slow = OpenAIServer(latency=0.8)
        try:
            start = time.monotonic()
            response = requests.post(slow.url + "/v1/chat/completions", json={"messages": [
                {"role": "user", "content": json.dumps({"segments": [], "target_language": "th"})}]})
            seen["elapsed"] = time.monotonic() - start
            assert response.status_code == 200
            assert requests.get(other.url, params={"sl": "zh-CN", "tl": "th", "q": "你敢！"}).status_code == 200
        finally:
            slow.close()
        thread.join()
        assert requests.Session.request is original
    assert seen["elapsed"] >= 0.75
    assert "no answer within 0.5 s" in str(seen["subloc"])  # subloc's own call had its deadline
    assert len(other.log.requests) == 1 and len(service.log.requests) == 1
    # deep-translator itself, called outside subloc, goes through plain requests (no subloc session)
    import deep_translator
    with serving(GoogleServer) as plain:
        translator = deep_translator.GoogleTranslator(source="zh-CN", target="th")
        translator._base_url = plain.url
        assert translator.translate("你敢！") == fake_translate("你敢！", "th")
    assert requests.Session.request is original


# --- the scheduler enforces the contract ----------------------------------------------------------------

class Dropper:
    """A plugin that loses the last line of every batch, and crashes on one text."""

    info = BackendInfo(name="dropper", description="test", max_segments=20, max_chars=100_000, concurrency=2)
    calls = 0

    def __init__(self, options: BackendOptions) -> None:
        pass

    def close(self) -> None:
        pass

    def translate(self, request):  # type: ignore[no-untyped-def]
        Dropper.calls += 1
        if any(s.text == "你敢！" for s in request.segments):
            raise KeyError("boom")
        out = {s.id: fake_translate(s.text, request.target_lang) for s in request.segments}
        if len(out) > 1:
            out.pop(request.segments[-1].id)
        return out


def test_a_plugin_that_drops_ids_is_asked_again_in_halves_never_a_crash(series: Path, tmp_path: Path) -> None:
    register("dropper", Dropper)
    try:
        report = run(series, tmp_path, "dropper", targets=("th",))
    finally:
        unregister("dropper")
    lang = report.languages[0]
    assert lang.failures == 1  # the line it crashes on, reported
    reasons = [r for e in lang.episodes for r in e.reasons]
    assert any("the backend failed: KeyError" in r for r in reasons)
    assert all(e.path is None and e.missing >= 1 for e in lang.episodes)  # "你敢！" is in both episodes
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        assert memory.stats()["segments"] == lang.unique - 1


# --- Ctrl-C --------------------------------------------------------------------------------------------

def test_ctrl_c_commits_what_arrived_and_a_second_exits_at_once(series: Path, tmp_path: Path) -> None:
    server = OpenAIServer(latency=0.3)
    tm_path = tmp_path / "tm.sqlite"
    cmd = [sys.executable, "-m", "subloc", "translate", str(series / "srt"), "--to", "th", "--backend", "openai",
           "--base-url", server.url, "--tm", str(tm_path), "-o", str(tmp_path / "out"), "--batch-size", "4",
           "--concurrency", "3", "--quiet"]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.log.replied < 6:
            time.sleep(0.02)
        replied = server.log.replied
        answered = sum(len(e["user"]["segments"]) for e in server.log.requests[:replied])
        time.sleep(0.5)  # let the client read what was written
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
        assert proc.returncode == 130 and "Traceback" not in stderr and "interrupted" in stderr
        with TranslationMemory(tm_path) as memory:
            saved = memory.stats()["segments"]
        assert saved >= 4 and answered >= 24  # replies were committed (exactly which: the test below)
        # Twice in a row, while requests are in flight: out at once, no traceback.
        server.latency = 5.0
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        before = len(server.log.requests)
        while time.monotonic() < deadline + 30 and len(server.log.requests) == before:
            time.sleep(0.02)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
        assert time.monotonic() - start < 3
        assert proc.returncode == 130 and "Traceback" not in stderr
    finally:
        server.close()


def test_ctrl_c_commits_every_reply_already_received() -> None:
    """Ctrl-C arrives while replies wait to be committed and others are in flight: every reply a worker
    handed back is committed before the interrupt goes on; nothing half-done is written."""
    import _thread

    from subloc.scheduler import Item, Scheduler

    returned: list[int] = []
    lock = threading.Lock()

    class Slow:
        info = BackendInfo(name="slow", description="test", max_segments=3, max_chars=10_000, concurrency=6)

        def translate(self, request):  # type: ignore[no-untyped-def]
            number = int(request.segments[0].text.split("-")[0])
            if number == 5:  # the last batch: Ctrl-C once the others have answered, then never answer
                deadline = time.monotonic() + 5
                while len(returned) < 5 and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(0.2)
                _thread.interrupt_main()
                time.sleep(2)
                return {}
            with lock:
                returned.append(number)
            return {s.id: "แปล " + s.text for s in request.segments}

        def close(self) -> None:
            pass

    committed: list[str] = []

    def done(item: Item, text: str) -> None:
        time.sleep(0.02)  # a slow disk: replies queue up behind the commits
        committed.append(item.key)

    items = [Item(f"{n}-{k}", f"{n}-{k}") for n in range(6) for k in range(3)]
    scheduler = Scheduler(Slow(), source_lang="zh-Hans", target_lang="th", on_done=done, check_language=False)
    with pytest.raises(KeyboardInterrupt):
        scheduler.run(items)
    assert sorted(returned) == [0, 1, 2, 3, 4]
    assert sorted(committed) == sorted(f"{n}-{k}" for n in returned for k in range(3))


# --- glossary placeholders ------------------------------------------------------------------------------

class GluedPlaceholders:
    """A service that passes placeholders through untouched, glued as they came (as real engines do), and
    drops them in batches of more than 2 lines when told to."""

    info = BackendInfo(name="glued", description="test", max_segments=50, max_chars=100_000)
    sent: list[list[str]] = []
    mangle = False

    def __init__(self, options: BackendOptions) -> None:
        pass

    def close(self) -> None:
        pass

    def translate(self, request):  # type: ignore[no-untyped-def]
        import re as _re
        GluedPlaceholders.sent.append([s.text for s in request.segments])
        out = {}
        for s in request.segments:
            kept = "".join(_re.findall(r"⟦\d+⟧", s.text))
            words = {"着火了": "terbakar", "你好": "halo", "来了": "datang"}
            rest = " ".join(w for k, w in words.items() if k in s.text) or "ya"
            text = f"{kept} {rest}" if kept else rest
            if GluedPlaceholders.mangle and len(request.segments) > 2:
                text = rest  # the placeholders lost
            out[s.id] = text
        return out


def test_adjacent_glossary_terms_come_back_in_target_order_and_mangled_ones_are_reasked_in_batches(
        tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    (folder / "glossary.id.tsv").write_text("source\ttarget\tnote\tflags\n苏家\tkeluarga Su\t\t\n别墅\tvila\t\t\n苏晚\tSu Wan\t\t\n"
                                               "小姐\tNona\t\t\n", "utf-8")
    (folder / "ep01.zh-Hans.srt").write_text(
        "1\n00:00:01,000 --> 00:00:03,000\n苏家别墅着火了\n\n"
        "2\n00:00:03,100 --> 00:00:05,000\n苏晚小姐来了\n\n"
        "3\n00:00:05,100 --> 00:00:07,000\n苏家来了\n\n"
        "4\n00:00:07,100 --> 00:00:09,000\n别墅着火了\n", "utf-8")
    register("glued", GluedPlaceholders)
    try:
        options = TranslateOptions(targets=("id",), output_dir=tmp_path / "out", backend="glued",
                                   tm_path=tmp_path / "tm.sqlite", check=False,
                                   glossary=str(folder / "glossary.id.tsv"))
        assert Translator([folder / "ep01.zh-Hans.srt"], options).run().incomplete == 0
        from subloc import load
        texts = [c.text for c in load(tmp_path / "out" / "ep01.id.srt").cues]
        assert texts[0] == "vila keluarga Su terbakar" and texts[1] == "Nona Su Wan datang"
        assert texts[2] == "keluarga Su datang" and texts[3] == "vila terbakar"
        assert GluedPlaceholders.sent[0][0] == "⟦1⟧着火了"  # one placeholder for the compound
        # Mangled placeholders: asked again unmasked, all of a reply's in one request (not one each).
        GluedPlaceholders.sent.clear()
        GluedPlaceholders.mangle = True
        options = TranslateOptions(targets=("id",), output_dir=tmp_path / "out2", backend="glued",
                                   tm_path=tmp_path / "tm2.sqlite", check=False,
                                   glossary=str(folder / "glossary.id.tsv"))
        Translator([folder / "ep01.zh-Hans.srt"], options).run()
        assert len(GluedPlaceholders.sent) == 2 and sorted(GluedPlaceholders.sent[1]) == sorted(
            ["苏家别墅着火了", "苏晚小姐来了", "苏家来了", "别墅着火了"])
    finally:
        GluedPlaceholders.mangle = False
        unregister("glued")


def test_an_unknown_host_is_unreachable_at_once_and_a_cut_reply_is_transient() -> None:
    import urllib3.exceptions as u3

    from subloc.backends._http import network_error

    dns = u3.NameResolutionError("api.example.invalid", None, OSError("Name or service not known"))  # type: ignore[arg-type]
    exc = requests.ConnectionError(u3.MaxRetryError(None, "/v1/chat/completions", reason=dns))  # type: ignore[arg-type]
    error = network_error(exc, "openai at https://key:pw@api.example.invalid/v1/chat/completions", 60)
    assert error.fatal and not error.retryable
    assert str(error).startswith("cannot reach api.example.invalid (openai at https://api.example.invalid/v1/")
    assert "are you offline? `--backend tm` or `pseudo` work offline" in str(error) and "pw" not in str(error)
    cut = network_error(requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"),
                        "openai at http://127.0.0.1:1/v1", 60)
    assert cut.retryable and not cut.fatal and "cut before the reply was complete" in str(cut)
