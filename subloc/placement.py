"""Where cues sit on a vertical 9:16 frame: WebVTT cue-setting presets and ASS ``{\\anN}`` tags.

Presets come from docs/profile.md ("Where cues sit on a 9:16 frame"). The bottom edge of the cue box sits at
``line`` percent of the frame height (``line:N%,end``); boxes are centred and ``size`` wide:

* ``app``: own-player sidecar, ``line:85%,end size:90%`` (288 px clear at the bottom of 1920)
* ``social-burnin``: clears TikTok, Reels and Shorts UI, ``line:65%,end size:72%`` (bottom at y=1248)
* ``tiktok``: TikTok only, ``line:75%,end size:72%`` (bottom at y=1440)

Top-positioned cues (on-screen text, ``{\\an8}`` in SRT) use ``line:12%`` (top edge at 12%).
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import UsageError
from .patterns import lazy


class Preset(NamedTuple):
    name: str
    bottom_line: int  # percent of frame height where the bottom edge of a bottom cue sits
    size: int  # percent of frame width
    top_line: int = 12
    description: str = ""
    font_px: int = 64  # font size on a 1080×1920 frame (BBC 9:16: 60–70 px; never under 48)

    def bottom(self) -> str:
        return f"line:{self.bottom_line}%,end position:50%,center size:{self.size}% align:center"

    def top(self) -> str:
        return f"line:{self.top_line}% position:50%,center size:{self.size}% align:center"

    def middle(self) -> str:
        return f"line:50%,center position:50%,center size:{self.size}% align:center"


PRESETS: dict[str, Preset] = {
    "app": Preset("app", 85, 90, description="own player or app sidecar", font_px=64),
    # A 72% box holds the profile's line lengths at 52 px (measured in Chromium with Noto Sans Thai).
    "social-burnin": Preset("social-burnin", 65, 72, description="clears TikTok, Reels and Shorts UI", font_px=52),
    "tiktok": Preset("tiktok", 75, 72, description="TikTok only", font_px=52),
}
DEFAULT_PRESET = "social-burnin"

_AN = lazy(r"^\{\\an([1-9])\}")


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown placement {name!r}", hint=f"use one of: {', '.join(PRESETS)}") from None


def leading_an(text: str) -> int | None:
    """The numpad position of a leading ``{\\anN}`` tag, if any."""
    match = _AN.match(text)
    return int(match.group(1)) if match else None


def settings_for_an(an: int, preset: Preset) -> str:
    """WebVTT settings equivalent to ``{\\anN}`` under a preset (rows only; columns via align)."""
    row = (an - 1) // 3  # 0 bottom, 1 middle, 2 top
    base = (preset.bottom, preset.middle, preset.top)[row]()
    column = (an - 1) % 3
    if column == 1:
        return base
    align = "left" if column == 0 else "right"
    return base.replace("align:center", f"align:{align}").replace("position:50%,center",
                                                                  "position:4%,line-left" if column == 0
                                                                  else "position:96%,line-right")


_LINE_PCT = lazy(r"(?:^|\s)line:(-?[0-9.]+)%")


def an_for_settings(settings: str) -> int | None:
    """An ``{\\anN}`` row tag for WebVTT settings that put a cue in the top or middle of the frame."""
    match = _LINE_PCT.search(settings)
    if not match:
        return None
    pct = float(match.group(1))
    if pct < 35:
        return 8
    if pct < 50 and "center" in settings.split("line:", 1)[1].split(" ", 1)[0]:
        return 5
    return None


def region_of(text: str, settings: str) -> str:
    """'top', 'middle' or 'bottom': where a cue sits (cues in different regions may overlap in time)."""
    if not settings and not text.startswith("{\\an"):
        return "bottom"  # (most cues: no tag, no settings, and no regex asked)
    an = leading_an(text) or an_for_settings(settings)
    if an and an >= 7:
        return "top"
    if an and an >= 4:
        return "middle"
    return "bottom"
