"""The cost of context: story order (previous lines, short lines per context) against dedupe-everything.

    python benchmarks/bench_story.py

A 90-episode series (60 cues an episode, seed 7) as micro-dramas run: 6% of cues are stock short lines
(你说什么？ 好的 走吧…, at most 12 characters, met in many scenes), 4% longer lines repeated from earlier
episodes, the rest distinct lines. Both runs go to the same OpenAI-compatible server (tests/servers.py,
its own process, 50 ms latency), batch 40, concurrency 4, into Indonesian, with an empty TM each:

* dedupe (``story=False``): each unique line once for the series, with one neighbouring line;
* story (``story=True``): episode by episode with previous lines; short lines once per context.

Reported: segments sent, requests, wall time, and the re-run of each after it finished. ``fit`` is off
in both, so only the context is measured (budgets add shortening requests only where a model overruns).
"""

from __future__ import annotations

import random
import shutil
import subprocess
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

LATENCY = 0.05
BATCH, CONCURRENCY = 40, 4
STOCK = ("你说什么？", "好的", "走吧", "谢谢", "对不起", "为什么？", "你疯了吗？", "站住！", "是你？", "我不信",
         "闭嘴！", "然后呢？", "放开我！", "你敢！", "怎么了？", "没事", "真的吗？", "滚！", "等等", "我知道了")
SUBJECTS = "顾总 少奶奶 苏晚 陆少 老夫人 周管家 陈助理 二小姐 董事长 林阿姨 姐姐 妹妹".split()
ACTIONS = ("早就签了那份离婚协议", "把股份全部转到了她名下", "在医院门口等了一整夜", "根本不知道当年的真相",
           "当着所有记者的面退了婚", "今天一早就回公司开会了")


def make_series(folder: Path, episodes: int = 90, cues: int = 60, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool: list[str] = []
    for ep in range(1, episodes + 1):
        out, t = [], 500
        for i in range(1, cues + 1):
            roll = rng.random()
            if roll < 0.06:
                text = rng.choice(STOCK)
            elif roll < 0.10 and pool:
                text = rng.choice(pool)
            else:
                text = f"{rng.choice(SUBJECTS)}第{ep}集第{i}场{rng.choice(ACTIONS)}"
                pool.append(text)
            out.append(f"{i}\n{ts(t, ',')} --> {ts(t + 2000, ',')}\n{text}\n")
            t += 2600 if i % 12 else 5000  # a scene every 12 cues
        (folder / f"ep{ep:03d}.zh-Hans.srt").write_text("\n".join(out) + "\n", "utf-8")


def run(files: list[Path], work: Path, url: str, story: bool) -> tuple[object, float, object, float]:
    options = TranslateOptions(targets=("id",), output_dir=work / f"out-{story}", backend="openai",
                               backend_options=BackendOptions(base_url=url), tm_path=work / f"tm-{story}.sqlite",
                               batch_size=BATCH, concurrency=CONCURRENCY, story=story, fit=False, check=False)
    start = time.perf_counter()
    report = Translator(files, options).run()
    wall = time.perf_counter() - start
    start = time.perf_counter()
    again = Translator(files, options).run()
    return report.languages[0], wall, again.languages[0], time.perf_counter() - start


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="subloc-bench-story-"))
    try:
        src = work / "series"
        src.mkdir()
        make_series(src)
        files = sorted(src.glob("*.srt"))
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
             "from tests.servers import OpenAIServer; s = OpenAIServer(latency=float(sys.argv[2])); "
             "print(s.url, flush=True); time.sleep(3600)", str(ROOT), str(LATENCY)],
            stdout=subprocess.PIPE, text=True)
        url = server.stdout.readline().strip()
        try:
            dedupe, dedupe_wall, dedupe_again, _ = run(files, work, url, story=False)
            story, story_wall, story_again, _ = run(files, work, url, story=True)
        finally:
            server.kill()
        print(f"| {len(files)} episodes, {dedupe.segments:,} segments, {dedupe.unique:,} unique | dedupe | story | "
              "story ÷ dedupe |")
        print("|---|---|---|---|")
        print(f"| segments sent | {dedupe.sent:,} | {story.sent:,} | ×{story.sent / dedupe.sent:.3f} |")
        print(f"| requests | {dedupe.requests:,} | {story.requests:,} | ×{story.requests / dedupe.requests:.2f} |")
        print(f"| wall time | {dedupe_wall:.2f} s | {story_wall:.2f} s | ×{story_wall / dedupe_wall:.2f} |")
        print(f"| short lines sent again in a new context | – | {story.context_again:,} | |")
        print(f"| re-run: requests | {dedupe_again.requests} | {story_again.requests} | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
