"""Known findings recorded in a baseline file, hidden from later checks (SRT has no comment syntax for noqa).

A finding is matched by its file (relative to the baseline's folder), its code and the text of its cue
(whitespace collapsed, NFC), never by line or cue number, so the baseline survives renumbering, inserted
cues and retiming. Each entry hides as many findings as it counts, so a new problem of the same kind in
another cue with the same text still shows.

    {"version": 1, "findings": [{"file": "out/ep01.th.srt", "code": "T107", "text": "…", "count": 1}]}
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Sequence

from ..errors import ConfigError
from .findings import FileResult

Key = tuple[str, str, str]


def _file_key(path: str, folder: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()


def _text_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _keys(result: FileResult, folder: Path) -> list[Key]:
    name = _file_key(result.path, folder)
    texts = result.cue_texts or [""] * len(result.findings)
    return [(name, f.code, _text_key(text)) for f, text in zip(result.findings, texts)]


def write_baseline(path: str | Path, results: Sequence[FileResult]) -> int:
    """Record every finding of ``results``; returns how many."""
    from ..formats import atomic_write

    target = Path(path)
    counts: Counter[Key] = Counter(k for r in results for k in _keys(r, target.parent))
    entries = [{"file": f, "code": c, "text": t, "count": n} for (f, c, t), n in sorted(counts.items())]
    data = json.dumps({"version": 1, "findings": entries}, ensure_ascii=False, indent=2) + "\n"
    atomic_write(target, data.encode("utf-8"))
    return sum(counts.values())


def load_baseline(path: str | Path) -> Counter[Key]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        return Counter({(e["file"], e["code"], e["text"]): int(e.get("count", 1)) for e in data["findings"]})
    except FileNotFoundError:
        raise ConfigError("no such baseline file", path=str(path),
                          hint="write one with `subloc check PATHS --baseline FILE --write-baseline`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a subloc baseline: {exc}", path=str(path),
                          hint="write it again with --write-baseline") from None


def apply_baseline(path: str | Path, results: Sequence[FileResult]) -> int:
    """Drop the findings the baseline at ``path`` knows, in place; returns how many were hidden."""
    known = load_baseline(path)
    folder = Path(path).parent
    hidden = 0
    for result in results:
        kept, texts = [], []
        for finding, text, key in zip(result.findings, result.cue_texts or [""] * len(result.findings),
                                      _keys(result, folder)):
            if known[key] > 0:
                known[key] -= 1
                hidden += 1
            else:
                kept.append(finding)
                texts.append(text)
        result.findings, result.cue_texts = kept, texts
    return hidden
