"""Timing repairs, cue order kept: overlaps, gaps, durations and reading speed, short fragments merged.

No start or end moves by more than ``tolerance`` ms; what cannot be repaired within the free time
around a cue is left as it is (the fixer reports it at the end).
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..linebreak import fits, join_lines, wrap
from ..placement import leading_an
from ..profiles import Profile
from ..scripts import cue_length, strip_markup
from ..timecode import format_clock
from .model import Change, WorkCue, region
from .text import plain_markup


class TimingRepairs:
    """The timing passes; each notes what it changed."""

    def __init__(self, profile: Profile, tolerance: int = 1000) -> None:
        self.profile = profile
        self.tolerance = tolerance
        self.changes: list[Change] = []

    def note(self, item: WorkCue, code: str, message: str, fixed: bool = True) -> None:
        self.changes.append(Change(item.origin + 1, item.cue.line, code, message, fixed))

    def _overlaps(self, items: list[WorkCue]) -> None:
        gap = self.profile.min_gap_ms
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            if region(a) != region(b) or b.start >= a.end or b.start < a.start:
                continue
            new_end = b.start - gap
            if new_end - a.start >= self.profile.min_duration_ms and prev.orig_end - new_end <= self.tolerance:
                prev.cue = replace(a, end=new_end)
                self.note(prev, "T102", f"end moved from {format_clock(a.end)} to {format_clock(new_end)} to stop "
                                        f"overlapping cue {item.origin + 1}")

    def _gaps(self, items: list[WorkCue]) -> None:
        gap = self.profile.min_gap_ms
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            space = b.start - a.end
            if 0 <= space < gap and b.start >= a.start and region(a) == region(b):
                new_end = b.start - gap
                if new_end - a.start >= min(self.profile.min_duration_ms, a.end - a.start) and \
                        abs(prev.orig_end - new_end) <= self.tolerance:
                    prev.cue = replace(a, end=new_end)
                    self.note(prev, "T106", f"end moved from {format_clock(a.end)} to {format_clock(new_end)} for "
                                            f"the {gap} ms minimum gap")

    def _room_after(self, items: list[WorkCue], index: int) -> int:
        """The latest this cue may end: before the next cue in its region, within the tolerance."""
        item = items[index]
        # Keep back enough of the tolerance to close a short gap after it later in the same run, so that
        # a second run finds nothing left to do.
        reserve = self.profile.close_gap_ms if self.tolerance > self.profile.close_gap_ms else self.tolerance // 2
        limit = item.orig_end + self.tolerance - reserve
        for later in items[index + 1:]:
            if region(later.cue) == region(item.cue):
                limit = min(limit, later.cue.start - self.profile.min_gap_ms)
                break
        return limit

    def _room_before(self, items: list[WorkCue], index: int) -> int:
        item = items[index]
        limit = item.orig_start - self.tolerance // 2
        if index:
            limit = max(limit, items[index - 1].cue.start)  # never before the cue above it: order is kept
        for earlier in reversed(items[:index]):
            if region(earlier.cue) == region(item.cue):
                limit = max(limit, earlier.cue.end + self.profile.min_gap_ms)
                break
        return max(0, limit)

    def _durations(self, items: list[WorkCue]) -> None:
        """Cues under the hard minimum or over the maximum reading speed get free time around them:
        enough for the comfortable limits if there is room. A cue that cannot reach even the hard limits
        is left as it is (and reported at the end): stretching it part way would only hide the problem."""
        p = self.profile
        for index, item in enumerate(items):
            cue = item.cue
            duration = cue.end - cue.start
            length = cue_length(cue.text, p.language)
            too_short = 0 < duration < p.min_duration_ms
            too_fast = duration > 0 and length * 1000 / duration > p.cps_error
            if not (too_short or too_fast):
                continue
            hard = max(p.min_duration_ms, math.ceil(length * 1000 / p.cps_error))  # ceil: 11.002 chars/s is over 11
            want = min(max(p.min_duration_warn_ms, math.ceil(length * 1000 / p.cps_warn)), p.max_duration_ms)
            latest, earliest = self._room_after(items, index), self._room_before(items, index)
            # Plan against every constraint at once (the next cue's start included, even if this cue
            # overlaps it now), so that no later step undoes part of the plan: all or nothing.
            end = min(max(cue.end, cue.start + want), latest)
            start = cue.start
            if end - start < want:
                start = min(cue.start, max(earliest, end - want))
            if end - start < hard or end - start > p.max_duration_ms or end < start or (start, end) == (cue.start, cue.end):
                continue  # not fixable within the free time and the tolerance: reported later
            item.cue = replace(cue, start=start, end=end)
            self.note(item, "T107" if too_fast else "T104",
                      f"times {format_clock(cue.start)}–{format_clock(cue.end)} → "
                      f"{format_clock(start)}–{format_clock(end)} (into free time)")

    def _close_gaps(self, items: list[WorkCue]) -> None:
        p = self.profile
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            space = b.start - a.end
            if p.close_gap_from_ms <= space < p.close_gap_ms and region(a) == region(b):
                new_end = b.start - p.min_gap_ms
                if new_end - prev.orig_end <= self.tolerance and new_end - a.start <= p.max_duration_ms:
                    prev.cue = replace(a, end=new_end)
                    self.note(prev, "T106", f"end moved from {format_clock(a.end)} to {format_clock(new_end)}, closing "
                                            f"a {space} ms gap to {p.min_gap_ms} ms")

    def _merge(self, items: list[WorkCue]) -> list[WorkCue]:
        """A fragment still under the hard minimum joins its neighbour when the result fits the profile."""
        p = self.profile
        out: list[WorkCue] = []
        for index, item in enumerate(items):
            cue = item.cue
            later = items[index + 1].cue.start if index + 1 < len(items) else None
            if out and cue.end - cue.start < p.min_duration_ms and plain_markup(cue.text) is not None and \
                    (later is None or later >= max(cue.end, out[-1].cue.end) + p.min_gap_ms):
                prev = out[-1]
                a = prev.cue
                if region(a) == region(cue) and 0 <= cue.start - a.end <= p.close_gap_ms and \
                        plain_markup(a.text) is not None and not leading_an(cue.text):
                    text = join_lines([*strip_markup(a.text).split("\n"), *strip_markup(cue.text).split("\n")],
                                      p.language)
                    merged = replace(a, end=cue.end, text="\n".join(wrap(text, p)))
                    lines = [strip_markup(line) for line in merged.text.split("\n")]
                    cps = cue_length(merged.text, p.language) * 1000 / max(1, merged.end - merged.start)
                    if fits(lines, p) and cps <= p.cps_error and merged.end - merged.start <= p.max_duration_ms \
                            and plain_markup(a.text) == ("", a.text, ""):
                        prev.cue = merged
                        prev.merged = (*prev.merged, item.origin, *item.merged)
                        prev.orig_end = max(prev.orig_end, item.orig_end)  # the tolerance counts from the fragment
                        self.note(item, "T104", f"merged into cue {prev.origin + 1} (a {cue.end - cue.start} ms fragment)")
                        continue
            out.append(item)
        return out
