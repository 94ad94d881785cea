"""Malay vs Indonesian per file: subloc's marker scoring against py3langid (when installed), on the
hand-written files of tests/data/lang/msid_files.txt. Prints the confusion matrix and timings.

    python benchmarks/bench_langid.py
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "lang" / "msid_files.txt"


def files() -> list[tuple[str, str, str]]:
    out, lang, name, lines = [], "", "", []
    for line in DATA.read_text("utf-8").splitlines() + ["=== end end"]:
        if line.startswith("#"):
            continue
        if line.startswith("=== "):
            if lines:
                out.append((lang, name, "\n".join(lines)))
            lang, name = line[4:].split(" ", 1)
            lines = []
        elif line.strip():
            lines.append(line)
    return out


def matrix(title: str, predict) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    counts: Counter[tuple[str, str]] = Counter()
    wrong = []
    for lang, name, text in files():
        got = predict(text)
        counts[(lang, got)] += 1
        if got != lang:
            wrong.append(f"{lang} {name} -> {got}")
    took = time.perf_counter() - started
    columns = ["id", "ms", "undecided→id", "undecided→ms", "undecided", "other"]
    print(f"\n{title} ({took:.2f} s)")
    print("| true \\ read as | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for lang in ("id", "ms"):
        row = [counts[(lang, c)] for c in columns[:-1]]
        other = sum(n for (l, c), n in counts.items() if l == lang and c not in columns)
        print(f"| {lang} | " + " | ".join(map(str, row + [other])) + " |")
    for line in wrong:
        print("   ", line)


def subloc_predict(text: str) -> str:
    from subloc.langid import detect_text

    found = detect_text(text)
    if found.language:
        return found.language
    lean = getattr(found, "lean", None)  # older checkouts have no lean
    return f"undecided→{lean}" if lean else "undecided"


def main() -> None:
    matrix("subloc markers (a decision needs strong markers; undecided files lean by score)", subloc_predict)
    try:
        import py3langid
    except ImportError:
        print("\npy3langid not installed: pip install py3langid to compare")
        return
    from py3langid import langid

    started = time.perf_counter()
    langid.set_languages(["ms", "id"])
    langid.classify("muat")
    print(f"\npy3langid model load {time.perf_counter() - started:.2f} s")
    matrix("py3langid restricted to ms/id, whole file", lambda text: langid.classify(text)[0])


if __name__ == "__main__":
    main()
