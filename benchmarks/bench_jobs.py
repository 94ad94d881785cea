"""The default `--jobs` of `subloc check` against one process and two, by the size of the series.

    pip install -e '.[bench]' && python benchmarks/bench_jobs.py [--rounds N] [--instructions]

`check` forks worker processes when a run is large enough to gain from them (subloc.check._auto_jobs:
40 files and 8,000 cues or more, onto idle cores only). Whether the gain is real at a size is
what this measures, on Chinese series of generated dialogue (bench_check's grammar, seed 7) of 60 to
360 episodes (60 cues each), and on Thai and Vietnamese series of 60 and 90:

* whole processes, as a user or a CI job runs them: `python -m subloc check DIR --format json` with the
  default `--jobs`, with `--jobs 1` and with `--jobs 2`, in rounds (the order turns each round, so that
  a busy moment of a shared machine falls on each alike); the median wall time of each, how many rounds
  the default (and two processes) beat one process, and the CPU time all the processes used;
* ``--instructions``: the instructions of the same runs under valgrind (callgrind, split at each fork),
  a measure the machine's load does not move: one process's total against the longest path of the
  parallel run (the parent up to the fork, the slower worker, the parent after), which is what the wall
  clock would show on two idle cores if instructions were all the cost (they leave out the kernel's
  fork and copy-on-write, so this path is a lower bound for the parallel run);
* in one process, warm (a program that calls ``check_paths`` again and again: its word lists and
  judgements are loaded, so a worker gains less): the default against one process.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import _ENV, interleaved, make_series, th_line, vi_line, zh_line  # noqa: E402

from subloc.check import _PARALLEL_CUES, CheckOptions, _cue_count, _total_size, check_paths  # noqa: E402
from subloc.formats import expand_paths  # noqa: E402

SIZES = (60, 90, 135, 180, 360)


def _series() -> list[tuple[str, Path]]:
    out = [(f"Chinese, {n} episodes", make_series(f"jobs-zh-{n}", n, zh_line, "zh-Hans")) for n in SIZES]
    out.append(("Thai, 60 episodes", make_series("jobs-th-60", 60, th_line, "th")))
    out.append(("Thai, 90 episodes", make_series("check-th-90-v2", 90, th_line, "th")))
    out.append(("Vietnamese, 60 episodes", make_series("jobs-vi-60", 60, vi_line, "vi")))
    out.append(("Vietnamese, 90 episodes", make_series("check-vi-90-v3", 90, vi_line, "vi")))
    return out


def _timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_ENV)
    if done.returncode not in (0, 1):  # (1: findings)
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def whole_runs(folder: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    check = [sys.executable, "-m", "subloc", "check", str(folder), "--format", "json"]
    variants = {"default": check, "1": [*check, "--jobs", "1"], "2": [*check, "--jobs", "2"]}
    for args in variants.values():  # warm-up: bytecode written, page cache filled
        _timed(args)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    names = list(variants)
    for k in range(rounds):
        for name in names[k % 3:] + names[:k % 3]:
            runs[name].append(_timed(variants[name]))
    return runs


def critical_path(folder: Path, jobs: int) -> tuple[float, float] | None:
    """(instructions of all the processes, of the longest path), in millions, or None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes", "--dump-before=*_Fork",
                        f"--callgrind-out-file={tmp}/out.%p", sys.executable, "-m", "subloc", "check", str(folder),
                        "--format", "json", "--jobs", str(jobs)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)
        parts: dict[str, dict[int, float]] = {}
        for name in glob.glob(f"{tmp}/out.*"):
            pid, _, part = Path(name).name[4:].partition(".")
            with open(name, encoding="utf-8", errors="replace") as handle:
                found = re.search(r"^(?:summary|totals): (\d+)", handle.read(), re.M)
            parts.setdefault(pid, {})[int(part or 0)] = int(found.group(1)) / 1e6 if found else 0.0
    if not parts:
        return None
    parent = min(parts, key=int)
    # The parent's dumps: .1 up to its first fork, .2… between forks, the file without a number at its end.
    before = sum(v for k, v in parts[parent].items() if k > 0)
    after = parts[parent].get(0, 0.0)
    workers = [sum(p.values()) for pid, p in parts.items() if pid != parent]
    total = before + after + sum(workers)
    return total, before + max(workers, default=0.0) + after


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 21
    counting = "--instructions" in sys.argv
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"(cores available: {cores}; load average at the start {os.getloadavg()[0]:.2f}; {rounds} rounds)\n")
    print("Whole processes, `subloc check DIR --format json` (median wall ms; rounds faster than `--jobs 1`; "
          "CPU ms of all processes):\n")
    print("| series | cues | MB | default forks (on idle cores) | default ms | wins | `--jobs 1` ms | `--jobs 2` ms | wins "
          "| jobs 2 / jobs 1 | CPU ms, 1 / 2 |" + (" instructions, 1 process | jobs 2: all / longest path | path / 1 |"
                                                    if counting else ""))
    print("|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|---|" if counting else ""))
    for title, folder in _series():
        files = [str(f) for f in expand_paths([folder])]
        size = _total_size(files)
        cues = _cue_count(files, 10**9)
        would = "yes" if len(files) >= 40 and cues >= _PARALLEL_CUES else "no"
        runs = whole_runs(folder, rounds)
        wall = {name: statistics.median(w for w, _ in r) for name, r in runs.items()}
        cpu = {name: statistics.median(c for _, c in r) for name, r in runs.items()}
        wins = {name: sum(a[0] < b[0] for a, b in zip(runs[name], runs["1"])) for name in ("default", "2")}
        row = (f"| {title} | {cues:,} | {size / 1e6:.2f} | {would} | {wall['default'] * 1000:.0f} | {wins['default']}/{rounds} "
               f"| {wall['1'] * 1000:.0f} | {wall['2'] * 1000:.0f} | {wins['2']}/{rounds} | {wall['2'] / wall['1']:.2f} "
               f"| {cpu['1'] * 1000:.0f} / {cpu['2'] * 1000:.0f} |")
        if counting:
            one, two = critical_path(folder, 1), critical_path(folder, 2)
            if one and two:
                row += f" {one[0]:,.0f} M | {two[0]:,.0f} / {two[1]:,.0f} M | {two[1] / one[0]:.2f} |"
        print(row, flush=True)
    print("\nIn one process, warm (`check_paths` called again; median ms of 7 rounds):\n")
    print("| series | default | `jobs=1` | `jobs=2` | default / 1 |")
    print("|---|---|---|---|---|")
    for title, folder in [row for row in _series() if row[0].endswith((" 90 episodes", "135 episodes", "360 episodes"))]:
        files = expand_paths([folder])
        options = CheckOptions()
        auto, one, two = interleaved([lambda: check_paths(files, options), lambda: check_paths(files, options, jobs=1),
                                      lambda: check_paths(files, options, jobs=2)], runs=7)
        print(f"| {title} | {auto * 1000:.0f} | {one * 1000:.0f} | {two * 1000:.0f} | {auto / one:.2f} |", flush=True)
    print(f"\n(load average at the end {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
