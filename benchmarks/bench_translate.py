"""Translating a 90-episode series through an OpenAI-compatible server with 200 ms of latency.

    python benchmarks/bench_translate.py

The server (tests/servers.py, a real HTTP server on 127.0.0.1) answers every request after 200 ms.
The series: 90 episodes × 60 cues of distinct Chinese lines (seed 11), with 10% of lines repeated
across episodes as in real series. Reported: requests sent versus one request per cue, wall time versus
the floor (unique segments ÷ (batch × concurrency) × latency), and the re-run after a finished run.
Goals: at most 1/20 of the one-per-cue requests, within 1.3× of the floor, 0 requests on re-run.
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
import subprocess  # noqa: E402

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


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="subloc-bench-"))
    try:
        src = work / "series"
        src.mkdir()
        make_series(src)
        files = sorted(src.glob("*.srt"))
        # The server runs in its own process, as a real one would (no shared interpreter lock).
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
             "from tests.servers import OpenAIServer; s = OpenAIServer(latency=float(sys.argv[2])); "
             "print(s.url, flush=True); time.sleep(3600)", str(ROOT), str(LATENCY)],
            stdout=subprocess.PIPE, text=True)
        url = server.stdout.readline().strip()
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
        server.kill()
        print(f"| series | {len(files)} episodes, {cues:,} cues, {lang.unique:,} unique segments |")
        print("|---|---|")
        print(f"| requests sent | {lang.requests} (one per cue: {cues:,}; ratio 1/{cues / lang.requests:.0f}) |")
        print(f"| wall time | {wall:.2f} s; floor {floor:.2f} s ({lang.unique} ÷ ({BATCH} × {CONCURRENCY}) × "
              f"{LATENCY:.1f} s); ×{wall / floor:.2f} |")
        print(f"| failures, incomplete episodes | {lang.failures}, {report.incomplete} |")
        print(f"| re-run after the finished run | {again.languages[0].requests} requests, "
              f"{again.languages[0].tm_hits:,} TM hits, {rerun:.2f} s |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
