"""Translating to fit: a character budget per segment, timing repairs into free time, and the numbers.

A cue's budget is the smaller of what it can show (``max_lines × cpl_soft`` of the target profile)
and what can be read in the time it can have at the profile's hard reading speed (``cps_error``),
counted the target's way (:mod:`subloc.scripts`: Thai tone and vowel marks do not count). The time it
can have is its own plus its share of the free time around it: half of each gap to a neighbour (less
the minimum gap), at most ``tolerance`` ms later and half of it earlier, as ``fix`` moves times. The
windows of neighbouring cues never overlap, so every cue can take all of its window at once.

After translation :func:`retime` stretches each cue that is too fast or too short into its window (to
the comfortable reading speed when there is room); what still does not fit is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from ..model import Track
from ..profiles import Profile
from ..scripts import count, cue_length, strip_markup

TOLERANCE = 1000  # ms a start or end may move, as `subloc fix` by default
SHARE = 0.25  # of the segments sent, at most this share is asked again to shorten


@dataclass(frozen=True)
class Window:
    earliest: int
    latest: int

    @property
    def length(self) -> int:
        return self.latest - self.earliest


def windows(track: Track, profile: Profile, tolerance: int = TOLERANCE) -> list[Window]:
    """For each cue, the earliest start and the latest end it may have (free time shared with neighbours)."""
    cues = track.cues
    gap = profile.min_gap_ms
    out = []
    for i, cue in enumerate(cues):
        latest = cue.end + tolerance
        if i + 1 < len(cues):
            free = cues[i + 1].start - cue.end - gap
            latest = cue.end + max(0, min(tolerance, free // 2))
        earliest = max(0, cue.start - tolerance // 2)
        if i:
            free = cue.start - cues[i - 1].end - gap
            earliest = cue.start - max(0, min(tolerance // 2, free - free // 2))
        out.append(Window(min(earliest, cue.start), max(latest, cue.end)))
    return out


def budget(window: Window, profile: Profile) -> int:
    """Characters a cue may hold: the lines it can show and what can be read in its window."""
    seconds = min(window.length, profile.max_duration_ms) / 1000
    return max(1, min(int(profile.max_lines * profile.cpl_soft), math.floor(profile.cps_error * seconds + 1e-9)))


def length(text: str, language: str) -> float:
    return count(strip_markup(text), language)


def over(text: str, limit: int | None, language: str) -> bool:
    return limit is not None and length(text, language) > limit


def better(first: str, second: str, limit: int, language: str) -> tuple[str, bool]:
    """The shortened reply when it fits, else the shorter of the two; and whether the result fits."""
    if not over(second, limit, language):
        return second, True
    return (second if length(second, language) < length(first, language) else first), False


def retime(track: Track, spans: list[Window], profile: Profile) -> tuple[Track, int]:
    """Cues too fast or too short stretched into their windows; returns the track and how many moved."""
    cues = list(track.cues)
    moved = 0
    for i, (cue, window) in enumerate(zip(cues, spans)):
        duration = cue.end - cue.start
        chars = cue_length(cue.text, profile.language)
        too_fast = duration > 0 and chars * 1000 / duration > profile.cps_error
        if not (too_fast or 0 < duration < profile.min_duration_ms):
            continue
        want = max(profile.min_duration_warn_ms, math.ceil(chars * 1000 / profile.cps_warn))
        target = min(want, window.length, max(profile.max_duration_ms, duration))
        if target <= duration:
            continue
        end = min(window.latest, cue.start + target)
        start = min(cue.start, max(window.earliest, end - target))
        cues[i] = replace(cue, start=start, end=end)
        moved += 1
    return track.with_cues(cues), moved


def misses(track: Track, spans: list[Window], profile: Profile, episode: str) -> list[dict[str, object]]:
    """Cues still over the hard reading speed after :func:`retime`, with the budget they would need."""
    out: list[dict[str, object]] = []
    for i, (cue, window) in enumerate(zip(track.cues, spans)):
        duration = cue.end - cue.start
        chars = cue_length(cue.text, profile.language)
        if duration > 0 and chars * 1000 / duration > profile.cps_error:
            out.append({"episode": episode, "cue": i + 1, "max_chars": budget(window, profile), "chars": chars})
    return out


def speeds(track: Track, language: str) -> list[float]:
    """Reading speed (counted characters a second) of every cue with text."""
    out = []
    for cue in track.cues:
        duration = cue.end - cue.start
        if duration > 0 and cue.text.strip():
            out.append(cue_length(cue.text, language) * 1000 / duration)
    return out


def distribution(values: list[float], limit: float) -> dict[str, float]:
    """Median, 90th percentile and the share over ``limit`` (JSON-ready, rounded)."""
    if not values:
        return {"median": 0.0, "p90": 0.0, "over": 0.0, "cues": 0}
    ordered = sorted(values)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
    return {"median": round(median, 1), "p90": round(p90, 1), "over": round(sum(v > limit for v in values) / n, 3),
            "cues": n}


def draft_speeds(episode: Any, texts: dict[tuple[int, int], Any], profile: Any, language: str) -> list[float]:
    """Reading speed of each cue as first translated, on the source's times."""
    out = []
    for c, (cue, p) in enumerate(zip(episode.source.cues, episode.plans)):
        duration = cue.end - cue.start
        if not p.units or duration <= 0:
            continue
        chars = sum(count(strip_markup(texts.get((c, u)) or ""), language) for u in range(len(p.units)))
        if p.dialogue:
            chars += len(p.units) * count(profile.dialogue_dash, language)
        out.append(chars * 1000 / duration)
    return out
