"""Read/write throughput of subloc's adapters against the libraries they wrap, and the alternatives.

    pip install -e '.[bench]' && python benchmarks/bench_io.py

Inputs (generated once into benchmarks/data/, seed 42): a 100,000-cue SRT and the same cues as WebVTT
(40% Chinese, 30% Thai, 30% Latin text, 45% two-line cues, 8% italics), and a 100-episode series of
60-cue SRT files. Every case runs 3 times, interleaved, in this one process; the median is reported,
with the file read counted as part of the parse. Ratios are against the library each subloc adapter
wraps (pysrt for SRT, webvtt-py for WebVTT). The goal: subloc's guards add at most 30%.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).parent))
from _gen import generate  # noqa: E402

import pysrt  # noqa: E402
import webvtt  # noqa: E402

import subloc  # noqa: E402
import subloc.timecode  # noqa: E402

try:
    import pysubs2
    import srt
except ImportError:  # the alternatives are optional: pip install -e '.[bench]'
    pysubs2 = srt = None

RUNS = 3


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(cases: dict[str, Callable[[], object]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(RUNS):
        for name, fn in cases.items():
            times[name].append(timed(fn))
    return {name: statistics.median(values) for name, values in times.items()}


def report(title: str, results: dict[str, float], baseline: str, cues: int) -> None:
    print(f"\n## {title} ({cues:,} cues; median of {RUNS})")
    print(f"| case | seconds | cues/s | × {baseline} |")
    print("|---|---|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.3f} | {cues / seconds:,.0f} | {seconds / results[baseline]:.2f} |")


def main() -> None:
    paths = generate()
    big_srt, big_vtt, series = paths["big_srt"], paths["big_vtt"], paths["series"]
    out = Path(paths["big_srt"]).parent / "out"
    out.mkdir(exist_ok=True)

    track_srt = subloc.load(big_srt)
    track_vtt = subloc.load(big_vtt)
    n = len(track_srt.cues)

    read_srt = {"subloc.load": lambda: subloc.load(big_srt), "pysrt.open": lambda: pysrt.open(str(big_srt))}
    if srt:
        read_srt["srt.parse"] = lambda: list(srt.parse(big_srt.read_text("utf-8")))
        read_srt["pysubs2.load"] = lambda: pysubs2.load(str(big_srt))
    report("Read SRT", bench(read_srt), "pysrt.open", n)

    read_vtt = {"subloc.load": lambda: subloc.load(big_vtt), "webvtt.read": lambda: webvtt.read(str(big_vtt))}
    if pysubs2:
        read_vtt["pysubs2.load"] = lambda: pysubs2.load(str(big_vtt))
    report("Read WebVTT", bench(read_vtt), "webvtt.read", n)

    # Writing from data in memory: with either library that means building its objects first
    # (what a program holding subtitles pays), so the baseline is "build + save"; "save only" writes
    # objects the library parsed itself.
    plain = [(c.start, c.end, c.text) for c in track_srt.cues]
    plain_vtt = [(c.start, c.end, c.text, c.settings) for c in track_vtt.cues]

    def pysrt_build_save() -> None:
        items = [pysrt.SubRipItem(i, pysrt.SubRipTime.from_ordinal(a), pysrt.SubRipTime.from_ordinal(b), text)
                 for i, (a, b, text) in enumerate(plain, 1)]
        pysrt.SubRipFile(items).save(str(out / "p.srt"), encoding="utf-8")

    def webvtt_build_save() -> None:
        captions = [webvtt.Caption(subloc.timecode.format_vtt(a), subloc.timecode.format_vtt(b), text, settings=st)
                    for a, b, text, st in plain_vtt]
        webvtt.WebVTT(captions=captions).save(str(out / "w.vtt"))

    py_srt = pysrt.open(str(big_srt))
    web = webvtt.read(str(big_vtt))
    write_srt = {"subloc.save": lambda: subloc.save(track_srt, out / "s.srt"),
                 "pysrt build + save": pysrt_build_save,
                 "pysrt save only": lambda: py_srt.save(str(out / "p.srt"), encoding="utf-8")}
    if srt:
        parsed = list(srt.parse(big_srt.read_text("utf-8")))
        subs = pysubs2.load(str(big_srt))
        write_srt["srt.compose (save only)"] = lambda: (out / "c.srt").write_text(srt.compose(parsed, reindex=False),
                                                                                  "utf-8")
        write_srt["pysubs2.save (save only)"] = lambda: subs.save(str(out / "q.srt"))
    report("Write SRT", bench(write_srt), "pysrt build + save", n)

    write_vtt = {"subloc.save": lambda: subloc.save(track_vtt, out / "s.vtt"),
                 "webvtt-py build + save": webvtt_build_save,
                 "webvtt-py save only": lambda: web.save(str(out / "w.vtt"))}
    report("Write WebVTT", bench(write_vtt), "webvtt-py build + save", n)

    files = sorted(series.glob("*.srt"))
    read_series = {"subloc.load": lambda: [subloc.load(f) for f in files],
                   "pysrt.open": lambda: [pysrt.open(str(f)) for f in files]}
    report(f"Read a {len(files)}-episode series", bench(read_series), "pysrt.open", 60 * len(files))

    print("\n## CLI start (median of 7 fresh interpreters)")
    for args in (["--help"], ["--version"]):
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "subloc", *args], check=True, stdout=subprocess.DEVNULL)
            samples.append(time.perf_counter() - start)
        bare = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
        print(f"- `subloc {' '.join(args)}`: {statistics.median(samples) * 1000:.0f} ms "
              f"(bare python: {statistics.median(bare) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
