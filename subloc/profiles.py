"""Language × screen profiles: the limits every check, fix and rewrap works to.

The vertical (9:16) defaults are the derived profile of docs/profile.md: Netflix's
per-language reading density held to the BBC/Limecraft 9:16 line width. The landscape profile is
Netflix's numbers (docs/profile.md). A soft limit gives a warning, a hard one an error; reading speed warns at
the Netflix adult limit and fails at the Netflix SDH limit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fractions import Fraction

from .errors import ConfigError
from .languages import canonical, script_family
from .timecode import frames_to_ms

SCREENS = ("vertical", "landscape")


@dataclass(frozen=True)
class Profile:
    language: str
    screen: str = "vertical"
    max_lines: int = 2
    cpl_soft: float = 25  # characters per line, counted per script (see scripts.py)
    cpl_hard: float = 29
    cps_warn: float = 17  # characters per second
    cps_error: float = 20
    min_duration_ms: int = 833  # 5/6 s: below is an error
    min_duration_warn_ms: int = 1000  # below is a warning
    max_duration_ms: int = 7000
    min_gap_frames: int = 2
    close_gap_ms: int = 500  # gaps from 3 frames up to this are flagged: close them to 2 frames or open them
    fps: Fraction | int = 30  # a whole rate stays an int: fractions is imported only for 29.97 and the like
    italics: bool = True
    dialogue_dash: str = "- "  # what starts each speaker's line in a two-speaker cue

    @cached_property  # Fraction arithmetic: once per profile, not once per cue
    def min_gap_ms(self) -> int:
        return frames_to_ms(self.min_gap_frames, self.fps)

    @cached_property
    def close_gap_from_ms(self) -> int:
        """The smallest gap worth closing: one frame more than the minimum gap."""
        return frames_to_ms(self.min_gap_frames + 1, self.fps)

    def describe(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["fps"] = float(self.fps)
        out["min_gap_ms"] = self.min_gap_ms
        return out


_VERTICAL = {
    "zh-Hans": dict(cpl_soft=12, cpl_hard=15, cps_warn=9, cps_error=11, italics=False, dialogue_dash="–"),
    "zh-Hant": dict(cpl_soft=12, cpl_hard=15, cps_warn=9, cps_error=11, italics=False, dialogue_dash="–"),
    "th": dict(cpl_soft=21, cpl_hard=25, italics=False),
    "id": dict(),
    "ms": dict(),
    "vi": dict(),
    "en": dict(dialogue_dash="-"),
}
_LANDSCAPE = {
    "zh-Hans": dict(cpl_soft=16, cpl_hard=16, cps_warn=9, cps_error=11, italics=False, dialogue_dash="–"),
    "zh-Hant": dict(cpl_soft=16, cpl_hard=16, cps_warn=9, cps_error=11, italics=False, dialogue_dash="–"),
    "th": dict(cpl_soft=35, cpl_hard=35, italics=False),
    "id": dict(cpl_soft=42, cpl_hard=42),
    "ms": dict(cpl_soft=42, cpl_hard=42),
    "vi": dict(cpl_soft=42, cpl_hard=42),
    "en": dict(cpl_soft=42, cpl_hard=42, dialogue_dash="-"),
}
LANGUAGES = tuple(_VERTICAL)
OVERRIDABLE = {f.name for f in fields(Profile)} - {"language", "screen"}


def get_profile(language: str | None, screen: str = "vertical", fps: str | float | Fraction | None = None,
                overrides: dict[str, Any] | None = None) -> Profile:
    """The profile for a language and screen; unknown languages get the Latin-script defaults.

    ``overrides`` are profile fields from the configuration (already validated by config.py).
    """
    if screen not in SCREENS:
        raise ConfigError(f"unknown screen {screen!r}", hint=f"use one of: {', '.join(SCREENS)}")
    lang = canonical(language) if language else "und"
    table = _VERTICAL if screen == "vertical" else _LANDSCAPE
    base = table.get(lang)
    if base is None:
        base = table["zh-Hans"] if script_family(lang) == "cjk" else table["th"] if script_family(lang) == "thai" \
            else table["id"]
    profile = Profile(language=lang, screen=screen, **base)
    if fps is not None:
        from .timecode import parse_fps
        profile = replace(profile, fps=parse_fps(fps))
    if overrides:
        profile = replace(profile, **overrides)
    return profile
