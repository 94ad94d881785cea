"""What WebVTT cue settings mean: the spec's "parse the WebVTT cue settings", as a VTTCue would show it.

Used to render cues on a 9:16 frame (preview) and to check that settings survive a round trip with
their meaning intact (web-platform-tests assert these values). Regions are not interpreted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .patterns import lazy

_PERCENT = lazy(r"[0-9]+(?:\.[0-9]+)?%\Z")
_SPLIT = lazy(r"[ \t\f]+")


@dataclass(frozen=True)
class CueLayout:
    vertical: str = ""
    line: float | str = "auto"
    snapToLines: bool = True  # noqa: N815 - the DOM's name
    lineAlign: str = "start"  # noqa: N815
    position: float | str = "auto"
    positionAlign: str = "auto"  # noqa: N815
    size: float = 100.0
    align: str = "center"
    region: str = ""


def _percentage(text: str) -> float | None:
    if not _PERCENT.match(text):
        return None
    number = float(text[:-1])
    return number if 0 <= number <= 100 else None


def _line_number(text: str) -> float | None:
    if not any(c.isascii() and c.isdigit() for c in text):
        return None
    if text.endswith("%"):
        return _percentage(text)
    if any(c not in "0123456789-." for c in text):
        return None
    if "-" in text[1:] or text.count(".") > 1:
        return None
    if "." in text:
        i = text.index(".")
        if not (i > 0 and text[i - 1].isdigit() and i + 1 < len(text) and text[i + 1].isdigit()):
            return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_settings(settings: str) -> CueLayout:
    values: dict[str, object] = {}
    for setting in _SPLIT.split(settings.strip(" \t\f")):
        name, colon, value = setting.partition(":")
        if not colon or not name or not value:
            continue
        if name == "vertical" and value in ("rl", "lr"):
            values["vertical"] = value
        elif name == "line":
            linepos, comma, linealign = value.partition(",")
            number = _line_number(linepos)
            if number is None or (comma and linealign not in ("start", "center", "end")):
                continue
            values["line"] = number
            values["snapToLines"] = not linepos.endswith("%")
            values["lineAlign"] = linealign if comma else "start"
        elif name == "position":
            colpos, comma, colalign = value.partition(",")
            number = _percentage(colpos)
            if number is None or (comma and colalign not in ("line-left", "center", "line-right")):
                continue
            values["position"] = number
            values["positionAlign"] = colalign if comma else "auto"
        elif name == "size":
            number = _percentage(value)
            if number is not None:
                values["size"] = number
        elif name == "align" and value in ("start", "center", "end", "left", "right"):
            values["align"] = value
        elif name == "region":
            values["region"] = value
    return CueLayout(**values)  # type: ignore[arg-type]
