"""Peak memory of `pack verify` on a small zip holding a huge member (a zip bomb), streamed vs read whole.

    python benchmarks/bench_pack_verify.py [--size-gb 2] [--before GIT_REV]

Builds the sample series' Thai pack, replaces ep01.th.srt by SIZE GB of newlines written in a stream
(the zip stays about 2 MB), and runs in a fresh process each:

* subloc's verify (members read in a stream, stopping at the size the manifest gives);
* the alternative it replaced: each listed member read whole with ``ZipFile.read`` and hashed;
* with ``--before REV``, the verify of that git revision (run from an export of its ``subloc/``).

Each process reports its peak resident memory (``ru_maxrss``); results go to results/bench_pack_verify.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from subloc.packs import Packer, PackOptions  # noqa: E402

PROBE = """
import resource, sys, time
sys.path.insert(0, {path!r})
start = time.perf_counter()
{body}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - start, repr(outcome)[:200])
"""
SUBLOC = """
from pathlib import Path
from subloc.packs import verify
problems, _ = verify(Path({zip!r}))
outcome = problems
"""
WHOLE = """
import hashlib, zipfile
with zipfile.ZipFile({zip!r}) as archive:
    outcome = [hashlib.sha256(archive.read(info)).hexdigest()[:8] for info in archive.infolist()]
"""


def build(work: Path, size_gb: float) -> Path:
    [result] = Packer(ROOT / "samples" / "stand-in-bride", PackOptions(languages=("th",), output_dir=work)).build()
    assert result.path is not None
    bomb = work / "bomb.zip"
    block = b"\n" * (1 << 20)
    with zipfile.ZipFile(result.path) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for info in old.infolist():
            if not info.filename.endswith("/ep01.th.srt"):
                new.writestr(info.filename, old.read(info))
                continue
            with new.open(info.filename, "w", force_zip64=True) as stream:
                for _ in range(int(size_gb * 1024)):
                    stream.write(block)
    return bomb


def probe(body: str, path: str) -> tuple[int, float, str]:
    code = PROBE.format(path=path, body=body)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if out.returncode:
        return -1, 0.0, out.stderr.strip().splitlines()[-1]
    rss, seconds, outcome = out.stdout.strip().split(" ", 2)
    print(f"{int(rss) / 1024:,.0f} MiB in {float(seconds):.2f} s: {outcome[:100]}", file=sys.stderr)
    return int(rss) * 1024, float(seconds), outcome


def export(rev: str, target: Path) -> str:
    archive = target / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "subloc"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target / "old", filter="data")
    return str(target / "old")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--before", help="a git revision whose verify to measure too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        bomb = build(work, args.size_gb)
        zip_mb = bomb.stat().st_size / 1e6
        print(f"built {zip_mb:.1f} MB zip holding a {args.size_gb:g} GB member "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rows = [("subloc verify (streamed, limit from the manifest)", *probe(SUBLOC.format(zip=str(bomb)), str(ROOT))),
                ("each member read whole (ZipFile.read)", *probe(WHOLE.format(zip=str(bomb)), str(ROOT)))]
        if args.before:
            rows.append((f"subloc verify at {args.before}", *probe(SUBLOC.format(zip=str(bomb)), export(args.before, work))))
    base = rows[0][1]
    lines = [f"# pack verify on a {zip_mb:.1f} MB zip holding a {args.size_gb:g} GB member",
             "", f"python {sys.version.split()[0]}, {os.cpu_count()} cores", "",
             "| verify | peak RSS | time | × subloc's memory | outcome |", "|---|---|---|---|---|"]
    for label, rss, seconds, outcome in rows:
        shown = f"{rss / 2**20:,.0f} MiB" if rss > 0 else "failed"
        ratio = f"{rss / base:.1f}" if rss > 0 and base > 0 else ""
        lines.append(f"| {label} | {shown} | {seconds:.2f} s | {ratio} | {outcome.replace('|', '/')[:90]} |")
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_pack_verify.md").write_text(text, "utf-8")


if __name__ == "__main__":
    main()
