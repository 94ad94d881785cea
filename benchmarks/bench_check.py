"""`subloc check` on a whole series against reading the same files with pysrt.

    pip install -e '.[bench]' && python benchmarks/bench_check.py

Series are generated into benchmarks/data/ (seed 7): 90 episodes × 60 cues (5,400 cues) in Chinese
(the source profile) and in Thai (the costliest target: dictionary word segmentation for line
breaks), and 1,000 episodes in Chinese for the parallel case. In-process timings are the median of
3 interleaved runs after one warm-up; CLI timings are whole processes (interpreter start included),
median of 5. Goal: checking costs at most 1.5× reading the files with pysrt.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _gen import DATA, ts  # noqa: E402

import pysrt  # noqa: E402

from subloc.formats import expand_paths  # noqa: E402
from subloc.check import CheckOptions, check_paths  # noqa: E402

ZH = ["顾总，少奶奶她……", "你敢！", "滚出去！", "这份合同，你签不签？", "三天之内，我要500万", "我才是苏家的真千金",
      "离婚协议我已经签好了", "少爷，老夫人请您回去", "今晚8点，老地方见", "你拿外婆威胁我？", "姐姐，你可真懂事"]
TH = ["ที่นี่เป็นบ้านของฉัน", "คุณกล้าเหรอ", "ออกไปเดี๋ยวนี้", "สัญญานี้คุณจะเซ็นไหม", "ภายในสามวัน\nฉันต้องการ 5 ล้าน",
      "ฉันคือลูกสาวแท้ๆ\nของตระกูลซู", "ฉันเซ็นใบหย่าแล้ว", "คืนนี้สองทุ่ม ที่เดิม", "พ่อ ในสายตาพ่อ\nหนูมีค่าแค่ 20 ล้านเหรอ"]


def make_series(name: str, episodes: int, lines: list[str], lang: str, seed: int = 7) -> Path:
    folder = DATA / name
    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for ep in range(1, episodes + 1):
        out, t = [], 600
        for i in range(1, 61):
            length = rng.randint(1400, 3200)
            out.append(f"{i}\n{ts(t, ',')} --> {ts(t + length, ',')}\n{rng.choice(lines)}\n")
            t += length + rng.choice([67, 83, 600, 1200])
        (folder / f"ep{ep:03d}.{lang}.srt").write_text("\n".join(out) + "\n", "utf-8")
    return folder


def median_time(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cli_time(args: list[str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    DATA.mkdir(exist_ok=True)
    cases = [("Chinese source, 90 episodes", make_series("check-zh-90", 90, ZH, "zh-Hans")),
             ("Thai target, 90 episodes", make_series("check-th-90", 90, TH, "th")),
             ("Chinese source, 1,000 episodes", make_series("check-zh-1000", 1000, ZH, "zh-Hans"))]
    print("| case | cues | pysrt read s | check, 1 process s | × | check, auto s (workers) | × |")
    print("|---|---|---|---|---|---|---|")
    for title, folder in cases:
        files = expand_paths([folder])
        read = median_time(lambda: [pysrt.open(str(f)) for f in files])
        one = median_time(lambda: check_paths(files, CheckOptions(), jobs=1))
        auto_jobs = 2 if len(files) >= 40 else 1
        auto = median_time(lambda: check_paths(files, CheckOptions()))
        findings = sum(len(r.findings) for r in check_paths(files, CheckOptions(), jobs=1))
        print(f"| {title} | {len(files) * 60:,} | {read:.3f} | {one:.3f} | {one / read:.2f} | {auto:.3f} ({auto_jobs}) "
              f"| {auto / read:.2f} |   ({findings} findings)")
    folder = cases[0][1]
    files = [str(f) for f in expand_paths([folder])]
    py_read = ("import pysrt, pathlib, sys; "
               f"[pysrt.open(str(p)) for p in sorted(pathlib.Path({str(folder)!r}).glob('*.srt'))]")
    read_cli = cli_time([sys.executable, "-c", py_read])
    check_cli = cli_time([sys.executable, "-m", "subloc", "check", str(folder), "--format", "json"])
    # Line breaks in the synthetic Thai series repeat, and subloc caches segmentation per break; a
    # real series repeats far less, so also measure with every break segmented afresh.
    from subloc.qa.rules import layout
    from subloc.scripts import thai_break_splits_word
    layout.thai_break_splits_word = thai_break_splits_word.__wrapped__
    files = expand_paths([cases[1][1]])
    read = median_time(lambda: [pysrt.open(str(f)) for f in files])
    one = median_time(lambda: check_paths(files, CheckOptions(), jobs=1))
    auto = median_time(lambda: check_paths(files, CheckOptions()))
    print(f"| Thai target, 90 episodes, every break segmented | 5,400 | {read:.3f} | {one:.3f} | {one / read:.2f} "
          f"| {auto:.3f} (2) | {auto / read:.2f} |")
    layout.thai_break_splits_word = thai_break_splits_word

    print(f"\nWhole processes on the 90-episode Chinese series: python+pysrt read {read_cli * 1000:.0f} ms, "
          f"`subloc check` {check_cli * 1000:.0f} ms ({check_cli / read_cli:.2f}×)")


if __name__ == "__main__":
    main()
