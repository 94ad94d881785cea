"""What each way a model or server misbehaves costs a run: requests, tokens and wall time against a clean
run, in story mode (the default) and in dedupe mode (--no-story).

    python benchmarks/bench_faults.py

The series is the sample's first two episodes (tests/test_translate_faults.py uses the same), translated
into Thai and Indonesian against the OpenAI-compatible test server (tests/servers.py), which answers in
each fault mode the way today's servers and models do. Recoverable modes must stay within 3× a clean
run's requests; the tests assert it, this prints the figures. Results: benchmarks/results/bench_faults.md.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import OpenAIServer  # noqa: E402
from tests.test_translate_faults import RECOVERABLE, make_series, translate  # noqa: E402


def one(folder: Path, work: Path, language: str, story: bool, mode: str | None) -> tuple[int, int, int, float, int]:
    server = OpenAIServer()
    if mode is not None:
        RECOVERABLE[mode](server)
        if mode.startswith("context length"):
            server.context_limit = 2900
    out = Path(tempfile.mkdtemp(dir=work))
    start = time.perf_counter()
    try:
        report = translate(folder, out, server, language, story=story)
    finally:
        server.close()
    return (len(server.log.requests), server.log.prompt_tokens, server.log.completion_tokens,
            time.perf_counter() - start, report.incomplete)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="subloc-bench-faults-"))
    try:
        folder = make_series(work)
        print("| mode | language | story: requests (× clean) | prompt + completion tokens (× clean) | wall s "
              "| dedupe: requests (× clean) | tokens (× clean) | wall s |")
        print("|---|---|---|---|---|---|---|---|")
        for language in ("th", "id"):
            clean = {story: one(folder, work, language, story, None) for story in (True, False)}
            for mode in [None, *RECOVERABLE]:
                cells = []
                for story in (True, False):
                    req, pt, ct, wall, incomplete = one(folder, work, language, story, mode) if mode else clean[story]
                    base = clean[story]
                    cells += [f"{req} (×{req / base[0]:.2f})", f"{pt + ct:,} (×{(pt + ct) / (base[1] + base[2]):.2f})",
                              f"{wall:.2f}" + (f" ({incomplete} incomplete)" if incomplete else "")]
                print(f"| {mode or 'clean'} | {language} | " + " | ".join(cells) + " |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
