"""Translating a 90-episode series through an OpenAI-compatible server with 200 ms of latency.

    python benchmarks/bench_translate.py

The server (tests/servers.py, a real HTTP server on 127.0.0.1) answers every request after 200 ms.
The series: 90 episodes × 60 cues of distinct Chinese lines (seed 11), with 10% of lines repeated
across episodes as in real series. Reported: requests sent versus one request per cue, wall time versus
the floor (unique segments ÷ (batch × concurrency) × latency), and the re-run after a finished run.
Goals: at most 1/20 of the one-per-cue requests, within 1.3× of the floor, 0 requests on re-run.

Side by side, on the same series and server, a run in LLM-Subtrans' style: batches of 30 cues in
episode order (no dedupe, no TM), each request carrying the same instructions and series context plus
the previous batch's last 5 lines, one batch at a time (each needs the one before).

Prompt size, on the sample series (samples/stand-in-bride: series.toml with characters, glossaries):
prompt characters per segment sent, all of them and beyond the static prefix (rules, series,
characters — byte-identical across a language's requests, so prefix caches bill it once), for
subloc and for the LLM-Subtrans-style batches.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _gen import ts  # noqa: E402

from subloc.backends import BackendOptions  # noqa: E402
from subloc.translate import TranslateOptions, Translator  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402

from subloc import load  # noqa: E402
from subloc.backends import openai as openai_backend  # noqa: E402
from subloc.segments import plan_track  # noqa: E402

LATENCY = 0.2
BATCH, CONCURRENCY = 40, 4
SUBJECTS = "顾总 少奶奶 苏晚 陆少 老夫人 周管家 陈助理 二小姐 董事长 林阿姨 姐姐 妹妹".split()
ACTIONS = "签了合同 退了婚 来了 走了 打了她 知道真相 拿走股份 在医院 不见了 生气了 要离婚 回公司".split()


def make_series(folder: Path, episodes: int = 90, cues: int = 60, seed: int = 11) -> None:
    rng = random.Random(seed)
    pool: list[str] = []
    for ep in range(1, episodes + 1):
        out, t = [], 500
        for i in range(1, cues + 1):
            if pool and rng.random() < 0.10:
                text = rng.choice(pool)
            else:
                text = f"{rng.choice(SUBJECTS)}第{ep}集{i}次{rng.choice(ACTIONS)}"
                pool.append(text)
            out.append(f"{i}\n{ts(t, ',')} --> {ts(t + 2000, ',')}\n{text}\n")
            t += 2600
        (folder / f"ep{ep:03d}.zh-Hans.srt").write_text("\n".join(out) + "\n", "utf-8")


SUBTRANS_BATCH, SUBTRANS_CONTEXT = 30, 5
SAMPLE = ROOT / "samples" / "stand-in-bride"


def record_prompts() -> list[tuple[int, int, int]]:
    """(system characters, user characters, segments) of every chat request subloc sends from now on."""
    sizes: list[tuple[int, int, int]] = []
    original = openai_backend.OpenAIBackend._post

    def post(self, messages, headers, json_mode):  # type: ignore[no-untyped-def]
        user = json.loads(messages[-1]["content"])
        sizes.append((len(messages[0]["content"]), len(messages[-1]["content"]), len(user["segments"])))
        return original(self, messages, headers, json_mode)

    openai_backend.OpenAIBackend._post = post  # type: ignore[method-assign]
    return sizes


def subtrans_style(files: list[Path], url: str, language: str = "th") -> tuple[int, int, list[tuple[int, int, int]]]:
    """LLM-Subtrans' way: every cue of every episode in batches of 30, in order, one batch at a time, each
    with the instructions, the series and the previous batch's last lines. (requests, cues, prompt sizes)."""
    from subloc.backends import BackendOptions, Request, Segment, create
    from subloc.series import find_series

    series = find_series(files[0])
    context_series = series.context(language) if series else None
    backend = create("openai", BackendOptions(base_url=url))
    sizes: list[tuple[int, int, int]] = []
    requests = cues = 0
    try:
        for path in files:
            lines = [u for plan in plan_track(load(path), "zh-Hans") for u in plan.units]
            previous: list[str] = []
            for start in range(0, len(lines), SUBTRANS_BATCH):
                batch = lines[start:start + SUBTRANS_BATCH]
                context: dict[str, object] = {"previous_lines": previous[-SUBTRANS_CONTEXT:]}
                if context_series:
                    context["series"] = context_series
                request = Request("zh-Hans", language, tuple(Segment(f"s{i}", t) for i, t in enumerate(batch, 1)),
                                  context)
                messages = backend.messages(request)
                # LLM-Subtrans repeats its instructions and context in every request: no stable prefix.
                sizes.append((0, sum(len(m["content"]) for m in messages), len(batch)))
                reply = backend.translate(request)
                requests += 1
                cues += len(batch)
                previous = [reply[f"s{i}"] for i in range(1, len(batch) + 1)]
    finally:
        backend.close()
    return requests, cues, sizes


def per_segment(sizes: list[tuple[int, int, int]]) -> tuple[float, float]:
    """Prompt characters per segment: all of them, and beyond the static prefix (billed once when cached)."""
    segments = sum(n for _, _, n in sizes) or 1
    total = sum(a + b for a, b, _ in sizes)
    static = max((a for a, _, _ in sizes), default=0)
    return total / segments, (total - static * max(0, len(sizes) - 1)) / segments


def start_server(latency: float) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    # The server runs in its own process, as a real one would (no shared interpreter lock).
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
         "from tests.servers import OpenAIServer; s = OpenAIServer(latency=float(sys.argv[2])); "
         "print(s.url, flush=True); time.sleep(3600)", str(ROOT), str(latency)],
        stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def prompt_sizes(work: Path) -> None:
    """Prompt characters per segment on the sample series: subloc versus LLM-Subtrans' style."""
    server, url = start_server(0.0)
    try:
        files = sorted((SAMPLE / "srt").glob("*.srt"))
        sizes = record_prompts()
        options = TranslateOptions(targets=("th",), output_dir=work / "sample-out", backend="openai",
                                   backend_options=BackendOptions(base_url=url), tm_path=work / "sample-tm.sqlite",
                                   check=False)
        report = Translator(files, options).run()
        ours, ours_uncached = per_segment(sizes)
        requests, cues, theirs_sizes = subtrans_style(files, url)
        theirs, _ = per_segment(theirs_sizes)
    finally:
        server.kill()
    lang = report.languages[0]
    print(f"| sample series (th) | {len(files)} episodes, {lang.segments} cues, {lang.unique} unique segments |")
    print("|---|---|")
    print(f"| subloc | {lang.requests} requests; {ours:.0f} prompt characters per segment, "
          f"{ours_uncached:.0f} beyond the cached prefix |")
    print(f"| LLM-Subtrans style (batches of {SUBTRANS_BATCH}, no dedupe) | {requests} requests for {cues} cues; "
          f"{theirs:.0f} prompt characters per segment, no stable prefix |")
    print()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="subloc-bench-"))
    try:
        src = work / "series"
        src.mkdir()
        make_series(src)
        files = sorted(src.glob("*.srt"))
        prompt_sizes(work)
        server, url = start_server(LATENCY)
        options = TranslateOptions(targets=("th",), output_dir=work / "out", backend="openai",
                                   backend_options=BackendOptions(base_url=url), tm_path=work / "tm.sqlite",
                                   batch_size=BATCH, concurrency=CONCURRENCY)
        start = time.perf_counter()
        report = Translator(files, options).run()
        wall = time.perf_counter() - start
        lang = report.languages[0]
        cues = lang.segments
        floor = lang.unique / (BATCH * CONCURRENCY) * LATENCY
        start = time.perf_counter()
        again = Translator(files, options).run()
        rerun = time.perf_counter() - start
        start = time.perf_counter()
        their_requests, their_cues, _ = subtrans_style(files, url)
        their_wall = time.perf_counter() - start
        server.kill()
        print(f"| series | {len(files)} episodes, {cues:,} cues, {lang.unique:,} unique segments |")
        print("|---|---|")
        print(f"| requests sent | {lang.requests} (one per cue: {cues:,}; ratio 1/{cues / lang.requests:.0f}) |")
        print(f"| wall time | {wall:.2f} s; floor {floor:.2f} s ({lang.unique} ÷ ({BATCH} × {CONCURRENCY}) × "
              f"{LATENCY:.1f} s); ×{wall / floor:.2f} |")
        print(f"| failures, incomplete episodes | {lang.failures}, {report.incomplete} |")
        print(f"| re-run after the finished run | {again.languages[0].requests} requests, "
              f"{again.languages[0].tm_hits:,} TM hits, {rerun:.2f} s |")
        print(f"| LLM-Subtrans style (batches of {SUBTRANS_BATCH}, no dedupe, one at a time) | {their_requests} "
              f"requests for {their_cues:,} cues; {their_wall:.2f} s (×{their_wall / floor:.1f} the floor; "
              f"subloc ×{their_wall / wall:.1f} faster) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
