"""Workers sharing one translation memory: N processes (1, 2, 4) over 8 series that share 60% of their lines.

    python benchmarks/bench_tm_workers.py            # SQLite, and PostgreSQL when its binaries exist
    python benchmarks/bench_tm_workers.py --size     # also: TM size per million segments (100k inserted)
    python benchmarks/bench_tm_workers.py story      # only story mode (the default of translate); or dedupe

Each series: 10 episodes × 40 cues; 60% of every series' lines come from one pool all series share
(240 lines), the rest are its own (160). Story mode (translate's default) and dedupe mode (--no-story)
each run; in story mode a short line is translated once per scene, so its floor is what one worker
sends. An OpenAI-compatible server (tests/servers.py, in its own
process) answers each request after 200 ms. Worker k translates series k, k+N, … one after another
(one process per worker, as one CI job or Kubernetes Job would), into Indonesian, batch 20, 2 requests
in flight per worker. Reported per store and N: segments sent (the floor is the unique segments),
requests, wall time, the workers' CPU time, and throughput (segment occurrences written per second)
against one worker. Results: benchmarks/results/bench_tm_workers.md.
"""

from __future__ import annotations

import json
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

LATENCY = 0.2
SERIES, EPISODES, CUES, SHARED = 8, 10, 40, 0.6
BATCH, CONCURRENCY = 20, 2
# Indonesian: Thai would add its dictionary load (about 2 s of CPU) to every worker process, which on a
# small shared machine hides what this measures: requests saved and waiting shared out.
TARGET = "id"
NAMES = "顾总 少奶奶 苏晚 陆少 老夫人 周管家 陈助理 二小姐 董事长 林阿姨 姐姐 妹妹".split()
DEEDS = "签了合同 退了婚 来了 走了 打了她 知道真相 拿走股份 在医院 不见了 生气了 要离婚 回公司".split()


def make_series(root: Path) -> list[Path]:
    rng = random.Random(17)
    per_series = EPISODES * CUES
    shared = [f"{rng.choice(NAMES)}说{i}次{rng.choice(DEEDS)}" for i in range(int(per_series * SHARED))]
    folders = []
    for s in range(SERIES):
        own = [f"{rng.choice(NAMES)}在第{s}部{i}次{rng.choice(DEEDS)}" for i in range(per_series - len(shared))]
        lines = shared + own
        rng.shuffle(lines)
        folder = root / f"series{s}"
        folder.mkdir()
        for ep in range(EPISODES):
            out, t = [], 500
            for i, text in enumerate(lines[ep * CUES:(ep + 1) * CUES], 1):
                out.append(f"{i}\n{ts(t, ',')} --> {ts(t + 2000, ',')}\n{text}\n")
                t += 2600
            (folder / f"ep{ep + 1:02d}.zh-Hans.srt").write_text("\n".join(out) + "\n", "utf-8")
        folders.append(folder)
    return folders


def worker(url: str, tm: str, story: bool, folders: list[str]) -> None:
    """One worker process: translate its series one after another; one JSON line per series."""
    from subloc.backends import BackendOptions
    from subloc.translate import TranslateOptions, Translator

    for folder in folders:
        options = TranslateOptions(targets=(TARGET,), output_dir=Path(folder) / "out", backend="openai", tm_path=tm,
                                   backend_options=BackendOptions(base_url=url), batch_size=BATCH,
                                   concurrency=CONCURRENCY, check=False, story=story)
        report = Translator(sorted(Path(folder).glob("*.srt")), options).run()
        lang = report.languages[0]
        print(json.dumps({"sent": lang.sent, "requests": lang.requests, "segments": lang.segments,
                          "incomplete": report.incomplete}), flush=True)


def run(url: str, tm: str, folders: list[Path], workers: int, story: bool) -> dict[str, float]:
    import resource
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, tm, "story" if story else "dedupe",
                               *[str(f) for f in folders[k::workers]]], stdout=subprocess.PIPE, text=True)
             for k in range(workers)]
    rows = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"a worker failed (exit {proc.returncode})")
        rows += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu": after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
            "sent": sum(r["sent"] for r in rows), "requests": sum(r["requests"] for r in rows),
            "segments": sum(r["segments"] for r in rows), "incomplete": sum(r["incomplete"] for r in rows),
            "wall": wall}


def size_per_million(spec: str, label: str) -> str:
    """Insert 100,000 realistic entries and extrapolate the store's size to a million."""
    from subloc.tm import TMEntry, open_tm

    rng = random.Random(5)
    thai = "คุณ ฉัน ไม่ ได้ ไป มา ที่ บ้าน สัญญา เซ็น ตระกูล ซู ออก เดี๋ยวนี้ กล้า เหรอ".split()
    with open_tm(spec) as tm:
        base = tm.stats()["size_bytes"]
        start = time.perf_counter()
        for chunk in range(20):
            tm.add_many(TMEntry(f"{rng.choice(NAMES)}第{chunk}批{i}次{rng.choice(DEEDS)}，你说什么？", "zh-Hans",
                                rng.choice(["th", "id", "ms", "vi"]), " ".join(rng.choices(thai, k=7)), "openai",
                                "2026-11-29T12:00:00Z") for i in range(5000))
        took = time.perf_counter() - start
        size = tm.stats()["size_bytes"] - base
    return (f"| {label} | 100,000 entries in {took:.1f} s ({100_000 / took:,.0f}/s) | {size / 2**20:.1f} MiB | "
            f"≈ {size * 10 / 2**30:.2f} GiB |")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="subloc-bench-tm-"))
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
         "from tests.servers import OpenAIServer; s = OpenAIServer(latency=float(sys.argv[2])); "
         "print(s.url, flush=True); time.sleep(3600)", str(ROOT), str(LATENCY)], stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    cluster = None
    try:
        from tests.pg import Cluster, find_bindir
        bindir = find_bindir()
        cluster = Cluster(bindir) if bindir else None
        stores = [("SQLite", lambda n: str(work / f"tm{n}.sqlite"))]
        if cluster:
            stores.append(("PostgreSQL", lambda n: cluster.new_database()))
        print(f"{SERIES} series × {EPISODES} episodes × {CUES} cues, {SHARED:.0%} of each series' lines shared; "
              f"server latency {LATENCY * 1000:.0f} ms; batch {BATCH}, {CONCURRENCY} in flight per worker\n")
        print("| store | mode | workers | segments sent (floor) | requests | wall | workers' CPU | segments/s "
              "| vs 1 worker |")
        print("|---|---|---|---|---|---|---|---|---|")
        modes = [m for m in ("story", "dedupe") if m in sys.argv] or ["story", "dedupe"]
        for (label, spec), mode in ((s, m) for s in stores for m in modes):
            base = None
            floor = 0
            for n in (1, 2, 4):
                root = work / f"{label}-{mode}-{n}"
                root.mkdir()
                folders = make_series(root)
                unique = len({line for f in folders for p in f.glob("*.srt")
                              for line in p.read_text("utf-8").splitlines() if line and line[0] not in "0123456789"})
                r = run(url, spec(f"{mode}-{n}"), folders, n, mode == "story")
                assert r["incomplete"] == 0
                # The floor: each unique line once; in story mode each short line once per scene (the
                # lines around it), which one worker alone sends.
                unique = unique if mode == "dedupe" else (floor := floor if n > 1 else r["sent"])
                rate = r["segments"] / r["wall"]
                base = base or rate
                print(f"| {label} | {mode} | {n} | {r['sent']:,} ({unique:,}) | {r['requests']} | {r['wall']:.1f} s | "
                      f"{r['cpu']:.1f} s | {rate:.0f} | ×{rate / base:.2f} |", flush=True)
        if "--size" in sys.argv:
            print("\n| store | insert | size of 100k | per million (×10) |\n|---|---|---|---|")
            print(size_per_million(str(work / "size.sqlite"), "SQLite"))
            if cluster:
                print(size_per_million(cluster.new_database(), "PostgreSQL"))
    finally:
        server.kill()
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4] == "story", sys.argv[5:])
    else:
        main()
