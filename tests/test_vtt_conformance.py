"""WebVTT conformance: the web-platform-tests file-parsing suite (shared/wpt-webvtt).

Every cue-level assertion (count, id, text, start and end time) and every cue-settings assertion is
checked; every must-reject file must be rejected. Region assertions are not checked: subloc keeps
REGION blocks and ``region:`` settings verbatim but does not interpret them (cue layout in a region
is a renderer's job), and the test says so rather than skipping silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from subloc import SubtitleParseError, load
from subloc.vttsettings import parse_settings

from .conftest import DATA

# Vendored from shared/wpt-webvtt (web-platform-tests via w3c/webvtt.js; licence files alongside).
WPT = DATA / "wpt-webvtt"
EXPECTED = json.loads((WPT / "expected.json").read_text("utf-8"))
CUE_FIELD = re.compile(r"cues\[(\d+)\]\.(\w+)$")
NOT_CHECKED = re.compile(r"cues\[\d+\]\.region")


def _value(track, path):  # type: ignore[no-untyped-def]
    if path in ("cues.length", 0):  # the data writes a length assertion in a loop as path 0
        return len(track.cues)
    match = CUE_FIELD.match(path)
    index, field = int(match.group(1)), match.group(2)
    cue = track.cues[index]
    if field == "id":
        return cue.ident
    if field == "text":
        return cue.text
    if field in ("startTime", "endTime"):
        return (cue.start if field == "startTime" else cue.end) / 1000
    return getattr(parse_settings(cue.settings), field)


def _results() -> dict[str, tuple[int, int, list[str]]]:
    out = {}
    for name, assertions in EXPECTED.items():
        track = load(WPT / "file-parsing" / f"{name}.vtt", conformance=True)
        passed, failed = 0, []
        for a in assertions:
            if isinstance(a["path"], str) and NOT_CHECKED.match(a["path"]):
                continue
            try:
                got = _value(track, a["path"])
            except IndexError:
                got = "<missing cue>"
            want = a["expected"]
            same = got == (float(want) if isinstance(got, float) and isinstance(want, int) else want)
            ok = same != (a.get("kind") == "not_equals")
            if ok:
                passed += 1
            else:
                failed.append(f"{a['path']}: got {got!r}, want {a['expected']!r}")
        out[name] = (passed, len(failed), failed)
    return out


def test_every_cue_and_settings_assertion_passes() -> None:
    results = _results()
    assert len(results) == 36
    failures = {name: r[2] for name, r in results.items() if r[1]}
    assert failures == {}
    checked = sum(1 for assertions in EXPECTED.values() for a in assertions
                  if not (isinstance(a["path"], str) and NOT_CHECKED.match(a["path"])))
    assert sum(r[0] for r in results.values()) == checked > 300  # all of them, and there are many


@pytest.mark.parametrize("path", sorted((WPT / "invalid").glob("*.vtt")),
                         ids=lambda p: p.stem)
def test_must_reject_files_are_rejected(path: Path) -> None:
    with pytest.raises(SubtitleParseError) as info:
        load(path)
    assert info.value.line == 1


def test_conformance_mode_records_every_drop() -> None:
    path = WPT / "file-parsing" / "timings-garbage.vtt"
    track = load(path, conformance=True)
    text = path.read_text("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in text.split("\n\n") if b.strip()][1:]  # every block after the header is bad
    assert len(track.cues) == 0 and len(blocks) > 50
    assert len(track.notices) == len(blocks) and all("dropped" in n.message for n in track.notices)
    with pytest.raises(SubtitleParseError, match="bad cue timing"):
        load(WPT / "file-parsing" / "timings-garbage.vtt")
