"""Several translate runs on one TM (SQLite and PostgreSQL): each unique segment is sent once, a dead
worker's claims expire, and a --tm URL is a URL."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from subloc import load
from subloc.backends import BackendOptions
from subloc.cli import cli
from subloc.scripts import count
from subloc.segments import plan_track
from subloc.tm import open_tm
from subloc.translate import TranslateOptions, Translator

from .conftest import SAMPLES
from .servers import OpenAIServer

SERIES = SAMPLES / "stand-in-bride"
# Three series that share most of their lines: each holds two of the sample's three first episodes.
SPLITS = {"a": ("ep01", "ep02"), "b": ("ep02", "ep03"), "c": ("ep03", "ep01")}


@pytest.fixture(autouse=True)
def fast_polling(monkeypatch) -> None:
    import subloc.translate.shared as shared
    monkeypatch.setattr(shared, "POLL_S", 0.02)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    s = OpenAIServer(latency=0.03)  # slow enough that the runs overlap
    yield s
    s.close()


def make_series(root: Path, name: str) -> Path:
    folder = root / name
    (folder / "srt").mkdir(parents=True)
    for extra in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / extra, folder / extra)
    for episode in SPLITS[name]:
        shutil.copy(SERIES / "srt" / f"{episode}.zh-Hans.srt", folder / "srt" / f"{episode}.zh-Hans.srt")
    return folder


def units_of(folder: Path) -> set[str]:
    return {u for p in (folder / "srt").glob("*.srt") for plan in plan_track(load(p), "zh-Hans") for u in plan.units}


def translate(folder: Path, tm: str, server: OpenAIServer, story: bool = True):  # type: ignore[no-untyped-def]
    options = TranslateOptions(targets=("th",), output_dir=folder / "out", backend="openai", tm_path=tm,
                               backend_options=BackendOptions(base_url=server.url), batch_size=6, concurrency=2,
                               backoff=0.01, check=False, story=story)
    return Translator(sorted((folder / "srt").glob("*.srt")), options).run()


def sent(server: OpenAIServer, since: int = 0) -> Counter[str]:
    """How often each segment text was sent: first asks only (glossary re-asks name required terms, fit
    re-asks carry ``too_long``; both ask again for what this run sent, they are not resends)."""
    return Counter(s["text"] for e in server.log.requests[since:] if "required_terms" not in e["user"]
                   for s in e["user"]["segments"] if "too_long" not in s)


def floor(tmp_path: Path, story: bool) -> Counter[str]:
    """What one run over every episode of the three series sends on an empty TM: each unique segment once
    (in story mode a short line once per context it appears in)."""
    folder = tmp_path / "floor"
    (folder / "srt").mkdir(parents=True)
    for extra in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / extra, folder / extra)
    for episode in sorted({e for pair in SPLITS.values() for e in pair}):
        shutil.copy(SERIES / "srt" / f"{episode}.zh-Hans.srt", folder / "srt" / f"{episode}.zh-Hans.srt")
    alone = OpenAIServer()
    try:
        assert translate(folder, str(tmp_path / "floor.sqlite"), alone, story).incomplete == 0
        return sent(alone)
    finally:
        alone.close()


@pytest.mark.parametrize("story", [True, False], ids=["story", "dedupe"])
def test_three_runs_on_one_tm_send_each_segment_once(tm_spec: str, tmp_path: Path, server: OpenAIServer,
                                                     story: bool) -> None:
    folders = [make_series(tmp_path, name) for name in SPLITS]
    union = set().union(*(units_of(f) for f in folders))
    assert sum(len(units_of(f)) for f in folders) >= 1.8 * len(union)  # the series do share most lines
    once = floor(tmp_path, story)
    assert set(once) == union
    if story:  # short lines recur in other scenes (你说什么？), each scene its own work
        assert sum(once.values()) > len(union)
    reports: dict[str, object] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(folders))

    def worker(folder: Path) -> None:
        try:
            barrier.wait()
            reports[folder.name] = translate(folder, tm_spec, server, story)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for folder in folders:  # every episode written
        assert reports[folder.name].incomplete == 0
        assert sorted(p.name for p in (folder / "out").glob("*.th.srt")) == \
            sorted(f"{e}.th.srt" for e in SPLITS[folder.name])
    counts = sent(server)
    assert set(counts) == union
    assert sum(counts.values()) <= 1.2 * sum(once.values()), counts.most_common(5)
    assert counts == once, counts - once  # not one segment (or short line in one scene) sent twice
    # Each run's own report adds up: what it sent plus what it found or waited for covers its segments.
    assert sum(r.languages[0].sent for r in reports.values()) == sum(once.values())
    # A fourth run over all three series sends nothing.
    before = len(server.log.requests)
    for folder in folders:
        assert translate(folder, tm_spec, server, story).incomplete == 0
    assert len(server.log.requests) == before


def test_a_dead_workers_claims_expire(tm_spec: str, tmp_path: Path, server: OpenAIServer) -> None:
    folder = make_series(tmp_path, "a")
    units = sorted(units_of(folder))
    # Long lines (story mode claims them by source; a short line is claimed in its scene)
    held = [u for u in units if count(u, "zh-Hans") > TranslateOptions(("th",), Path(".")).short_chars][:7]
    with open_tm(tm_spec) as dead:  # a worker that claimed seven lines and was killed (-9) before sending
        assert dead.claim(held, "zh-Hans", "th", 0.6) == held
        start = time.monotonic()  # (the server logs time.monotonic() too)
        report = translate(folder, tm_spec, server)
        waited = time.monotonic() - start
    assert report.incomplete == 0
    counts = sent(server)
    assert set(counts) == set(units) and all(counts[u] == 1 for u in held)
    held_at = min(i for i, e in enumerate(server.log.requests) if any(s["text"] in held for s in e["user"]["segments"]))
    assert server.log.times[held_at] - start >= 0.55  # the held lines went only once the lease ran out
    assert waited < 20


def test_tm_url_from_the_flag_and_the_config(pg_url: str, tmp_path: Path, runner, server: OpenAIServer,
                                             monkeypatch) -> None:
    folder = make_series(tmp_path, "b")
    monkeypatch.chdir(tmp_path)
    secret_url = pg_url.replace("postgresql://postgres@", "postgresql://postgres:Hunter2@")
    result = runner.invoke(cli, ["translate", str(folder / "srt"), "--to", "th", "--backend", "openai", "--base-url",
                                 server.url, "--tm", secret_url, "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tm_path"] == pg_url and "Hunter2" not in result.output
    assert "Hunter2" not in (tmp_path / "out" / ".subloc" / "provenance.json").read_text("utf-8")
    # [translate] tm in subloc.toml: the same database, not a path relative to the config.
    (folder / "subloc.toml").write_text(f'[translate]\nbackend = "tm"\ntm = "{pg_url}"\n', "utf-8")
    result = runner.invoke(cli, ["translate", str(folder / "srt"), "--to", "th", "-o", str(tmp_path / "again"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["languages"][0]["tm_hits"] == len(units_of(folder))
    stats = json.loads(runner.invoke(cli, ["tm", "stats", "--tm", pg_url, "--json"]).stdout)
    # One entry per line (short lines also have in-context entries, story mode: subloc/translate/story.py).
    assert stats["pairs"][0]["sources"] == len(units_of(folder))
    assert not list(tmp_path.rglob("postgres*"))  # no folder named after the URL, anywhere
