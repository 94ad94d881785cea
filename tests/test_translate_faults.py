"""Translating against servers that answer the way today's models and servers do.

Every recoverable mode writes every episode exactly as a clean run does, within 3x its requests; the
others stop early (non-zero exit, at most 60 requests, within seconds) with a clear message. The test
server counts requests and tokens per mode.
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest

from subloc.backends import BackendOptions
from subloc.cli import cli
from subloc.translate import TranslateOptions, Translator

from .conftest import SAMPLES
from .servers import OpenAIServer, count_tokens, fake_translate

SERIES = SAMPLES / "stand-in-bride"
EPISODES = ("ep01", "ep02")


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> Path:
    return make_series(tmp_path_factory.mktemp("faults"))


def make_series(root: Path) -> Path:
    """The sample series' first episodes, with its series.toml and glossaries (benchmarks/bench_faults.py
    translates the same)."""
    folder = root / "series"
    (folder / "srt").mkdir(parents=True)
    for name in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / name, folder / name)
    for ep in EPISODES:
        shutil.copy(SERIES / "srt" / f"{ep}.zh-Hans.srt", folder / "srt" / f"{ep}.zh-Hans.srt")
    return folder


def translate(series: Path, out: Path, server: OpenAIServer, language: str = "th", **kw):  # type: ignore[no-untyped-def]
    options = TranslateOptions(targets=(language,), output_dir=out / "out", backend="openai",
                               tm_path=out / "tm.sqlite", backoff=0.01, check=kw.pop("check", False),
                               story=kw.pop("story", False),
                               backend_options=kw.pop("backend_options", BackendOptions(base_url=server.url)), **kw)
    return Translator(sorted((series / "srt").glob("*.srt")), options).run()


@pytest.fixture(scope="module")
def clean(series: Path, tmp_path_factory) -> dict[object, object]:
    """A clean run per language (dedupe mode under the language's code; story mode, the default, under
    (code, "story")): its requests, tokens and the files it writes."""
    out: dict[object, object] = {}
    for language, story in (("th", False), ("id", False), ("th", True), ("id", True)):
        server = OpenAIServer()
        folder = tmp_path_factory.mktemp(f"clean-{language}")
        try:
            report = translate(series, folder, server, language, story=story)
        finally:
            server.close()
        assert report.incomplete == 0
        out[(language, "story") if story else language] = {"requests": len(server.log.requests), "sizes": {len(e["user"]["segments"])
                                                                        for e in server.log.requests},
                         "files": {ep: (folder / "out" / f"{ep}.{language}.srt").read_bytes() for ep in EPISODES},
                         "tokens": (server.log.prompt_tokens, server.log.completion_tokens),
                         "largest": max(sum(count_tokens(m["content"]) for m in e["body"]["messages"])
                                        for e in server.log.requests)}
    return out


def english_once(chosen: int = 5):  # type: ignore[no-untyped-def]
    """A model that answers a few lines in English (or echoes the Chinese) the first time it sees them."""
    seen: set[str] = set()
    picked: list[str] = []

    def wrong(source: str, text: str) -> str:
        if source in seen:
            return text
        seen.add(source)
        if len(picked) < chosen and len(source) > 3:
            picked.append(source)
            return ["I will never marry him, mother!", source, "You are not going to do that to me."][len(picked) % 3]
        return text
    return lambda n, payload: ("map", wrong)


RECOVERABLE = {
    "think": lambda server: setattr(server, "behave", lambda n, p: ("think",)),
    "fence with prose": lambda server: setattr(server, "behave", lambda n, p: ("fence",)),
    "prose around json": lambda server: setattr(server, "behave", lambda n, p: ("prose",)),
    "numeric ids": lambda server: setattr(server, "behave", lambda n, p: ("numeric_ids",)),
    "400 on response_format": lambda server: setattr(server, "no_response_format", True),
    "context length (openai)": lambda server: setattr(server, "context_style", "openai"),
    "context length (vllm)": lambda server: setattr(server, "context_style", "vllm"),
    "context length (llama.cpp)": lambda server: setattr(server, "context_style", "llamacpp"),
    "empty choices": lambda server: setattr(server, "behave", lambda n, p: ("empty_choices",) if n % 2 else None),
    "error in a 200": lambda server: setattr(server, "behave", lambda n, p: ("error_in_200",) if n % 2 else None),
    "cut body": lambda server: setattr(server, "behave", lambda n, p: ("cut",) if n % 2 else None),
    "5xx": lambda server: setattr(server, "behave", lambda n, p: ("status", 502) if n % 2 else None),
    "wrong-language lines": lambda server: setattr(server, "behave", english_once()),
}


@pytest.mark.parametrize("story", [True, False], ids=["story", "dedupe"])
@pytest.mark.parametrize("language", ["th", "id"])
@pytest.mark.parametrize("mode", list(RECOVERABLE))
def test_recoverable_modes_write_every_episode_as_a_clean_run(series: Path, tmp_path: Path, clean, mode: str,
                                                              language: str, story: bool) -> None:
    server = OpenAIServer()
    RECOVERABLE[mode](server)
    base = clean[(language, "story") if story else language]
    if mode.startswith("context length"):  # a little less than the default batches need, in both modes
        server.context_limit = 2900
        assert 2900 < base["largest"]
    try:
        report = translate(series, tmp_path, server, language, story=story)
    finally:
        server.close()
    lang = report.languages[0]
    assert report.incomplete == 0 and lang.failures == 0, lang.episodes[0].reasons
    for ep in EPISODES:
        assert (tmp_path / "out" / f"{ep}.{language}.srt").read_bytes() == base["files"][ep], (mode, ep)
    assert len(server.log.requests) <= 3 * base["requests"], (mode, len(server.log.requests), base["requests"])
    assert lang.requests == len(server.log.requests)
    if mode in ("empty choices", "error in a 200", "cut body", "5xx"):
        # transient: the same batch asked again, never split
        assert {len(e["user"]["segments"]) for e in server.log.requests} == base["sizes"]
    if mode == "400 on response_format":
        assert report.notes == [f"openai: {server.url}/chat/completions is asked without response_format for the "
                                "rest of the run (it refused response_format)"]
        # remembered: only the requests already in flight when the first 400 came back carried it
        assert sum(1 for e in server.log.requests if "response_format" in e["body"]) <= 4
    if mode == "wrong-language lines":
        assert lang.rejected_language == 5
    FIGURES[(mode, language + (" story" if story else ""))] = (len(server.log.requests), server.log.prompt_tokens, server.log.completion_tokens)


FIGURES: dict[tuple[str, str], tuple[int, int, int]] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_run(runner, series: Path, tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["translate", str(series / "srt"), "--tm", str(tmp_path / "tm.sqlite"), "-o",
                               str(tmp_path / "out"), "--quiet", *args])


@pytest.mark.parametrize("mode", ["refuse all", "content filter on all", "garbage always", "500 always",
                                  "one line exceeds the context", "unreachable", "unreachable google"])
def test_hopeless_modes_stop_early_with_a_clear_message(runner, series: Path, tmp_path: Path, mode: str) -> None:
    server = OpenAIServer()
    url = server.url
    expect = {"refuse all": "stopped after 8 failures in a row with the same error: openai: the model refused",
              "content filter on all": "stopped after 8 failures in a row with the same error: openai: the "
                                       "provider's content filter blocked the reply",
              "garbage always": "stopped after 8 failures in a row with the same error: openai: the reply is not JSON",
              "500 always": "stopped after 8 failures in a row with the same error: openai: server error (HTTP 500)",
              "one line exceeds the context": "even one line does not fit: every request carries",
              "unreachable": "cannot reach 127.0.0.1:", "unreachable google": "cannot reach 127.0.0.1:"}[mode]
    backend = ["--backend", "openai"]
    if mode == "refuse all":
        server.behave = lambda n, p: ("refuse",)
    elif mode == "content filter on all":
        server.behave = lambda n, p: ("content_filter",)
    elif mode == "garbage always":
        server.behave = lambda n, p: ("raw", "I cannot produce JSON today.")
    elif mode == "500 always":
        server.behave = lambda n, p: ("status", 500, 0)  # Retry-After: 0, no waiting in a test
    elif mode == "one line exceeds the context":
        server.context_limit = 300
    elif mode.startswith("unreachable"):
        url = f"http://127.0.0.1:{free_port()}"
        if mode == "unreachable google":
            backend = ["--backend", "google"]
    start = time.monotonic()
    try:
        result = cli_run(runner, series, tmp_path, *backend, "--base-url", url, "--to", "th,id", "--json")
    finally:
        server.close()
    elapsed = time.monotonic() - start
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    stopped = [lang["stopped"] for lang in report["languages"]]
    assert all(s and expect in s for s in stopped), stopped
    reasons = [r for e in report["languages"][0]["episodes"] for r in e["reasons"]]
    assert any(expect.split("same error: ")[-1] in r for r in reasons), reasons  # each episode says why
    assert len(server.log.requests) <= 60 and elapsed < 60
    if mode.startswith("unreachable"):
        assert "are you offline? `--backend tm` or `pseudo` work offline" in stopped[0] and elapsed < 10
    if mode == "refuse all":
        assert "--fallback" in stopped[0]  # the fix
    if mode == "garbage always":
        assert "try another model" in stopped[0]  # the fix
    if mode == "one line exceeds the context":
        assert "series synopsis" in stopped[0] and "shorten the synopsis" in stopped[0]
        assert not (tmp_path / "out" / "ep01.th.srt").exists()
    FIGURES[(mode, "th+id")] = (len(server.log.requests), round(elapsed, 2), 0)


def test_a_refused_line_goes_to_the_fallback_without_halving_more_than_needed(series: Path, tmp_path: Path,
                                                                              clean) -> None:
    line = "妈，我死也不嫁顾霆深！"
    server, fallback = OpenAIServer(), OpenAIServer()
    server.behave = lambda n, p: ("refuse",) if any(s["text"] == line for s in p["segments"]) else None
    try:
        report = translate(series, tmp_path, server, "th", fallback="openai",
                           fallback_options=BackendOptions(base_url=fallback.url))
    finally:
        server.close()
        fallback.close()
    lang = report.languages[0]
    assert report.incomplete == 0 and lang.fallback_used == 1
    assert [s["text"] for e in fallback.log.requests for s in e["user"]["segments"]] == [line]
    # one batch of at most 40 lines is halved down to the line: at most 2 requests per halving
    assert len(server.log.requests) <= clean["th"]["requests"] + 2 * 6
    # without a fallback the line is reported, with its text
    server = OpenAIServer()
    server.behave = lambda n, p: ("refuse",) if any(s["text"] == line for s in p["segments"]) else None
    try:
        alone = translate(series, tmp_path / "alone", server, "th")
    finally:
        server.close()
    reasons = [r for e in alone.languages[0].episodes for r in e.reasons]
    assert alone.incomplete == 1 and any(f"the line: «{line}»" in r and "--fallback" in r for r in reasons)


def test_what_still_comes_back_in_the_wrong_language_is_a_failure_never_written(series: Path,
                                                                                tmp_path: Path) -> None:
    line = "妈，我死也不嫁顾霆深！"
    server = OpenAIServer()
    server.behave = lambda n, p: ("map", lambda source, text: "I will never marry him!" if source == line else text)
    try:
        report = translate(series, tmp_path, server, "id")
    finally:
        server.close()
    episodes = {e.episode: e for e in report.languages[0].episodes}
    assert episodes["ep01"].path is None and episodes["ep02"].path is not None
    assert any("an English sentence in a Indonesian line" in r or "English sentence" in r
               for r in episodes["ep01"].reasons)
    assert not (tmp_path / "out" / "ep01.id.srt").exists()
    asked = sum(1 for e in server.log.requests for s in e["user"]["segments"] if s["text"] == line)
    assert asked == 2  # asked again once, then reported


def test_usage_tokens_and_cost_in_the_summary_and_json(runner, series: Path, tmp_path: Path) -> None:
    server = OpenAIServer()
    try:
        result = cli_run(runner, series, tmp_path, "--backend", "openai", "--base-url", server.url, "--to", "th",
                         "--json", "--option", "price_input=0.15", "--option", "price_output=0.60")
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    th = report["languages"][0]
    assert (th["prompt_tokens"], th["completion_tokens"]) == (server.log.prompt_tokens, server.log.completion_tokens)
    assert th["tokens_estimated"] is False and th["requests"] == len(server.log.requests)
    assert th["cost"] == pytest.approx((server.log.prompt_tokens * 0.15 + server.log.completion_tokens * 0.60) / 1e6,
                                       abs=1e-6)
    assert report["cost"] == th["cost"] and report["requests"] == th["requests"]
    # a server without usage: estimated from the characters, and said so
    server = OpenAIServer()
    server.usage = False
    try:
        result = cli_run(runner, series, tmp_path / "estimated", "--backend", "openai", "--base-url", server.url,
                         "--to", "th")
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    row = [line for line in result.stdout.splitlines() if line.startswith("th\t")][0].split("\t")
    prompt, completion = row[10].rstrip("~").split("/")
    assert row[10].endswith("~")
    assert 0.5 < int(prompt) / server.log.prompt_tokens < 2 and 0.5 < int(completion) / server.log.completion_tokens < 2


def test_request_and_token_ceilings(runner, series: Path, tmp_path: Path) -> None:
    server = OpenAIServer()
    try:
        result = cli_run(runner, series, tmp_path, "--backend", "openai", "--base-url", server.url, "--to", "th,id",
                         "--batch-size", "10", "--max-requests", "3", "--json")
        assert len(server.log.requests) == 3 and result.exit_code == 1
        report = json.loads(result.stdout)
        assert "the request ceiling is reached (3 requests; --max-requests 3)" in report["languages"][0]["stopped"]
        assert report["languages"][1]["requests"] == 0
        before = len(server.log.requests)
        result = cli_run(runner, series, tmp_path / "tokens", "--backend", "openai", "--base-url", server.url,
                         "--to", "th", "--batch-size", "10", "--max-tokens", "100", "--concurrency", "1", "--json")
        assert len(server.log.requests) - before == 1 and result.exit_code == 1
        assert "the token ceiling is reached" in json.loads(result.stdout)["languages"][0]["stopped"]
    finally:
        server.close()


def test_refused_before_sending(runner, series: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = cli_run(runner, series, tmp_path, "--backend", "openai", "--to", "th")
    assert result.exit_code == 2 and "needs an API key for api.openai.com" in result.stderr
    server = OpenAIServer()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    try:
        result = runner.invoke(cli, ["translate", str(series / "srt"), "--to", "th", "--backend", "openai",
                                     "--base-url", server.url, "--tm", str(tmp_path / "tm.sqlite"), "-o",
                                     str(blocker / "out")])
    finally:
        server.close()
    assert result.exit_code == 2 and "cannot write to the output folder" in result.stderr
    assert server.log.requests == []


def test_a_full_disk_is_a_clear_error(runner, series: Path, tmp_path: Path, monkeypatch) -> None:
    import errno

    import subloc.translate.pipeline as pipeline

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "ep01.th.srt"))
    monkeypatch.setattr(pipeline, "save", full)
    server = OpenAIServer()
    try:
        result = cli_run(runner, series, tmp_path, "--backend", "openai", "--base-url", server.url, "--to", "th")
    finally:
        server.close()
    assert result.exit_code == 2
    assert "the disk is full writing" in result.stderr and "Traceback" not in result.output


def test_fixtures_translate_known_lines(series: Path) -> None:
    # the fake servers' fallback for unknown lines is in the target script, never an echo of the Chinese
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in fake_translate("这句不在参考译文里", "th"))
