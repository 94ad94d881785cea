"""Translating to fit: budgets sent, shortening re-asks, timing into free time, what is reported.

The series is the sample series at micro-drama pace (every time × 0.6) and the model writes four
times the Chinese length unless it keeps the budget it is given (tests/servers.py: Wordy).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from subloc import load, save
from subloc.backends import BackendOptions
from subloc.profiles import get_profile
from subloc.qa import check_track
from subloc.qa.model import all_rules
from subloc.translate import TranslateOptions, Translator
from subloc.translate import fit

from .conftest import SAMPLES
from .servers import GoogleServer, OpenAIServer, Wordy

SERIES = SAMPLES / "stand-in-bride"


def fast_series(tmp_path: Path, episodes: tuple[str, ...] = ("ep01", "ep02", "ep03", "ep04", "ep05", "ep06"),
                pace: float = 0.6) -> Path:
    folder = tmp_path / "series"
    (folder / "srt").mkdir(parents=True)
    for name in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / name, folder / name)
    for ep in episodes:
        track = load(SERIES / "srt" / f"{ep}.zh-Hans.srt")
        fast = track.with_cues([replace(c, start=round(c.start * pace), end=round(c.end * pace)) for c in track.cues])
        save(fast, folder / "srt" / f"{ep}.zh-Hans.srt", "srt")
    return folder


def translate(series: Path, tmp_path: Path, server: OpenAIServer | None, backend: str = "openai", **kw):  # type: ignore[no-untyped-def]
    options = TranslateOptions(targets=("th",), output_dir=tmp_path / "out", backend=backend,
                               tm_path=tmp_path / "tm.sqlite", backoff=0.01,
                               backend_options=BackendOptions(base_url=server.url + ("/v1" if backend == "openai"
                                                                                      else "")) if server else
                               BackendOptions(), **kw)
    return Translator(sorted((series / "srt").glob("*.srt")), options).run()


def fit_errors(series: Path, tmp_path: Path) -> list:  # type: ignore[type-arg]
    rules = [all_rules()[code] for code in ("T107", "L101", "L102")]
    out = []
    profile = get_profile("th")
    for path in sorted((series / "srt").glob("*.srt")):
        target = tmp_path / "out" / path.name.replace("zh-Hans", "th")
        out += [f for f in check_track(load(target), profile, rules=rules, source=load(path)) if f.severity == "error"]
    return out


@pytest.fixture
def server():
    s = OpenAIServer()
    yield s
    s.close()


def test_budgets_from_lines_and_reading_time_counted_the_thai_way() -> None:
    from subloc import loads
    track = loads("1\n00:00:01,000 --> 00:00:02,000\n你好\n\n2\n00:00:02,500 --> 00:00:04,000\n走吧\n\n"
                  "3\n00:00:10,000 --> 00:00:16,000\n我一直都在等你回来\n", "x.zh-Hans.srt")
    profile = get_profile("th")
    spans = fit.windows(track, profile)
    gap = profile.min_gap_ms
    # Cue 1 gets half the free 500 ms after it (less the minimum gap), 500 ms before it (tolerance / 2).
    assert spans[0] == fit.Window(500, 2000 + (500 - gap) // 2)
    assert spans[1].earliest == 2500 - ((500 - gap) - (500 - gap) // 2)  # the other half; never overlapping
    assert spans[0].latest + gap <= spans[1].earliest
    assert fit.budget(spans[0], profile) == int(20 * spans[0].length / 1000)  # reading time decides
    assert fit.budget(spans[2], profile) == 2 * 21  # two lines of the soft Thai line length decide
    assert fit.length("ที่นี่เป็นบ้านของฉัน", "th") == 13  # tone and vowel marks are not counted


def test_a_model_that_keeps_budgets_leaves_no_reading_speed_or_layout_error(tmp_path: Path, server: OpenAIServer
                                                                            ) -> None:
    series = fast_series(tmp_path)
    server.writer = Wordy("always")
    report = translate(series, tmp_path, server)
    th = report.languages[0]
    assert th.failures == 0 and all(e.path for e in th.episodes)
    assert all("max_chars" in s for r in server.log.requests for s in r["user"]["segments"])  # glossary re-asks too
    assert "max_chars" in server.log.requests[0]["body"]["messages"][0]["content"]  # the model is told to keep it
    assert fit_errors(series, tmp_path) == []
    assert th.fit_asked == 0 and th.fit_misses == []
    assert th.speed_after["over"] == 0.0 and th.speed_after["cues"] > 250


def test_a_model_that_shortens_only_when_asked_costs_at_most_two_and_a_half_times(tmp_path: Path,
                                                                                  server: OpenAIServer) -> None:
    series = fast_series(tmp_path, ("ep01", "ep02", "ep03"))
    server.writer = Wordy("always")
    honest = translate(series, tmp_path / "a", server).languages[0]
    server.writer = Wordy("when asked")
    report = translate(series, tmp_path / "b", server, fit_share=1.0)
    th = report.languages[0]
    assert fit_errors(series, tmp_path / "b") == []
    assert th.fit_asked > 50 and th.shortened == th.fit_asked and th.fit_misses == []
    assert th.requests <= 2.5 * honest.requests
    asked = [s for r in server.log.requests for s in r["user"]["segments"] if "too_long" in s]
    assert asked and all(s["max_chars"] < fit.length(s["too_long"], "th") for s in asked)
    assert th.speed_before["over"] > 0.5 and th.speed_after["over"] == 0.0  # the summary's before and after


def test_a_model_that_never_keeps_budgets_still_gets_every_episode_written_and_the_misses_reported(
        tmp_path: Path, server: OpenAIServer) -> None:
    series = fast_series(tmp_path, ("ep04", "ep05", "ep06"))
    server.writer = Wordy("never")
    report = translate(series, tmp_path, server)
    th = report.languages[0]
    assert all(e.path for e in th.episodes) and th.failures == 0
    sent = th.sent
    assert th.fit_asked == max(1, int(sent * 0.25))  # bounded: the default share of the segments sent
    assert th.shortened == 0 and len(th.fit_misses) > 50
    miss = th.fit_misses[0]
    assert miss["chars"] > miss["max_chars"] and miss["episode"] == "ep04"
    assert th.qa_errors > 0 and th.speed_after["over"] > 0.3


def test_services_that_cannot_shorten_get_timing_repairs_and_a_report(tmp_path: Path) -> None:
    series = fast_series(tmp_path, ("ep01",), pace=0.35)  # faster still: some lines cannot fit
    google = GoogleServer()
    try:
        report = translate(series, tmp_path, google, backend="google", rpm=6000)
    finally:
        google.close()
    th = report.languages[0]
    assert all(e.path for e in th.episodes)
    source = load(series / "srt" / "ep01.zh-Hans.srt")
    out = load(tmp_path / "out" / "ep01.th.srt")
    moved = [i for i, (a, b) in enumerate(zip(source.cues, out.cues)) if (a.start, a.end) != (b.start, b.end)]
    assert th.retimed == len(moved) > 0
    for i in moved:  # stretched into free time, never into a neighbour
        assert out.cues[i].end - out.cues[i].start > source.cues[i].end - source.cues[i].start
        if i + 1 < len(out.cues):
            assert out.cues[i].end < out.cues[i + 1].start
    assert th.speed_after["median"] <= th.speed_before["median"]
    assert th.speed_after["over"] < th.speed_before["over"]
    assert th.fit_misses and len(th.fit_misses) == round(th.speed_after["over"] * th.speed_after["cues"])
    assert all(m["chars"] > m["max_chars"] for m in th.fit_misses)  # reported: what it would take
