"""Timing repairs, cue order kept: overlaps, gaps, durations and reading speed, short fragments merged.

No start or end moves by more than ``tolerance`` ms; what cannot be repaired within the free time
around a cue is left as it is (the fixer reports it at the end).
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..linebreak import break_problem, fits, join_lines
from ..placement import leading_an
from ..profiles import Profile
from ..scripts import count, cue_length, strip_markup
from ..timecode import format_clock
from ..model import Cue
from .model import Change, WorkCue, region
from .text import DASH_LINE, layout, plain_markup


class TimingRepairs:
    """The timing passes; each notes what it changed."""

    def __init__(self, profile: Profile, tolerance: int = 1000) -> None:
        self.profile = profile
        self.tolerance = tolerance
        self.changes: list[Change] = []
        self.original: tuple[Cue, ...] = ()  # the input cues, by WorkCue.origin

    def note(self, item: WorkCue, code: str, message: str, fixed: bool = True) -> None:
        self.changes.append(Change(item.origin + 1, item.cue.line, code, message, fixed))

    def _creates(self, cue: Cue, start: int, end: int, text: str | None = None) -> bool:
        """Would re-timing ``cue`` to start..end (with ``text``, for a piece of it) make it fail T104 or
        T107 worse than it does (a warning where it has none, an error where it has a warning)?"""
        language = self.profile.language
        length = cue_length(cue.text, language)
        new_length = length if text is None else cue_length(text, language)
        return self._worse(self._levels(start, end, new_length), self._levels(cue.start, cue.end, length))

    def _separate(self, items: list[WorkCue], index: int, code: str, why: str) -> None:
        """Put the minimum gap between cue ``index`` and the next: trim this cue's end, or, when that
        would make it too short or too fast, move the next cue's start instead; neither if both would."""
        gap = self.profile.min_gap_ms
        prev, item = items[index], items[index + 1]
        a, b = prev.cue, item.cue
        new_end = b.start - gap
        if new_end - a.start >= min(self.profile.min_duration_ms, a.end - a.start) and \
                abs(prev.orig_end - new_end) <= self.tolerance and not self._creates(a, a.start, new_end):
            prev.cue = replace(a, end=new_end)
            self.note(prev, code, f"end moved from {format_clock(a.end)} to {format_clock(new_end)} {why}")
            return
        new_start = a.end + gap
        later = items[index + 2].cue.start if index + 2 < len(items) else None
        if new_start - item.orig_start <= self.tolerance and b.end - new_start >= self.profile.min_duration_ms and \
                (later is None or new_start <= later) and not self._creates(b, new_start, b.end):
            item.cue = replace(b, start=new_start)
            self.note(item, code, f"start moved from {format_clock(b.start)} to {format_clock(new_start)} {why}")

    def _overlaps(self, items: list[WorkCue]) -> None:
        for index in range(len(items) - 1):
            a, b = items[index].cue, items[index + 1].cue
            if region(a) != region(b) or b.start >= a.end or b.start < a.start:
                continue
            self._separate(items, index, "T102", f"to stop overlapping cue {items[index + 1].origin + 1}")

    def _gaps(self, items: list[WorkCue]) -> None:
        gap = self.profile.min_gap_ms
        for index in range(len(items) - 1):
            a, b = items[index].cue, items[index + 1].cue
            if 0 <= b.start - a.end < gap and b.start >= a.start and region(a) == region(b):
                self._separate(items, index, "T106", f"for the {gap} ms minimum gap")

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

    def _room_before(self, items: list[WorkCue], index: int, ends: dict[str, int]) -> int:
        """The earliest this cue may start: after every earlier cue of its region (``ends``: the latest
        end among them), not before the cue above it, within the tolerance."""
        item = items[index]
        limit = item.orig_start - self.tolerance // 2
        if index:
            limit = max(limit, items[index - 1].cue.start)  # never before the cue above it: order is kept
        if region(item.cue) in ends:
            limit = max(limit, ends[region(item.cue)] + self.profile.min_gap_ms)
        return max(0, limit)

    def _durations(self, items: list[WorkCue]) -> None:
        """Cues under the hard minimum or over the maximum reading speed get free time around them:
        enough for the comfortable limits if there is room. A cue that cannot reach even the hard limits
        is left as it is (and reported at the end): stretching it part way would only hide the problem."""
        p = self.profile
        ends: dict[str, int] = {}  # per region, the latest end among the cues before this one
        for index, item in enumerate(items):
            if index:
                above = items[index - 1].cue
                ends[region(above)] = max(ends.get(region(above), 0), above.end)
            cue = item.cue
            duration = cue.end - cue.start
            length = cue_length(cue.text, p.language)
            too_short = 0 < duration < p.min_duration_ms
            too_fast = duration > 0 and length * 1000 / duration > p.cps_error
            # Over only the comfortable limits (a warning) that the input cue was within: fix's own text
            # or split made it so, and fix must not leave a finding it created. Extended only if the free
            # time reaches the comfortable limits (so a second run, seeing the warning in its input, agrees).
            soft = duration > 0 and self._worse(self._levels(cue.start, cue.end, length), self._input_levels(item))
            if not (too_short or too_fast or soft):
                continue
            want = min(max(p.min_duration_warn_ms, math.ceil(length * 1000 / p.cps_warn)), p.max_duration_ms)
            hard = max(p.min_duration_ms, math.ceil(length * 1000 / p.cps_error))  # ceil: 11.002 chars/s is over 11
            if not (too_short or too_fast):
                hard = want
                too_fast = length * 1000 / duration > p.cps_warn
            latest, earliest = self._room_after(items, index), self._room_before(items, index, ends)
            # Plan against every constraint at once (the next cue's start included, even if this cue
            # overlaps it now), so that no later step undoes part of the plan: all or nothing.
            end = min(max(cue.end, cue.start + want), latest)
            start = cue.start
            if end - start < want:
                start = min(cue.start, max(earliest, end - want))
            start, end = self._settle_gaps(items, index, start, end, earliest, latest)
            if end - start < hard or end - start > p.max_duration_ms or end < start or (start, end) == (cue.start, cue.end):
                continue  # not fixable within the free time and the tolerance: reported later
            item.cue = replace(cue, start=start, end=end)
            self.note(item, "T107" if too_fast else "T104",
                      f"times {format_clock(cue.start)}–{format_clock(cue.end)} → "
                      f"{format_clock(start)}–{format_clock(end)} (into free time)")

    def _bad_gap(self, gap: int) -> bool:
        p = self.profile
        return 0 <= gap < p.min_gap_ms or p.close_gap_from_ms <= gap < p.close_gap_ms

    def _settle_gaps(self, items: list[WorkCue], index: int, start: int, end: int, earliest: int,
                     latest: int) -> tuple[int, int]:
        """A re-timed cue must not leave a gap the checker flags (T106 looks at consecutive cues in any
        region) where there was none: a flagged gap to its neighbour is closed to the minimum when the
        limits allow, else opened to ½ s."""
        p = self.profile
        cue = items[index].cue
        if index and start != cue.start:
            prev = items[index - 1].cue
            if prev.end <= start and self._bad_gap(start - prev.end):
                closed = prev.end + p.min_gap_ms
                start = closed if closed >= max(earliest, prev.start) else prev.end + p.close_gap_ms
        if index + 1 < len(items) and end != cue.end:
            nxt = items[index + 1].cue
            if end <= nxt.start and self._bad_gap(nxt.start - end):
                closed = nxt.start - p.min_gap_ms
                end = closed if closed <= latest else nxt.start - p.close_gap_ms
        return start, end

    def _levels(self, start: int, end: int, length: float) -> dict[str, int]:
        """How badly a cue of this timing and length fails T104 (short) and T107 (fast): 0 not at
        all, 1 a warning, 2 an error."""
        p = self.profile
        duration, cps = end - start, length * 1000 / max(1, end - start)
        return {"T104": 2 if duration < p.min_duration_ms else 1 if duration < p.min_duration_warn_ms else 0,
                "T107": 2 if cps > p.cps_error else 1 if cps > p.cps_warn else 0}

    def _worse(self, new: dict[str, int], old: dict[str, int]) -> bool:
        return any(new[code] > old[code] for code in new)

    def _input_levels(self, item: WorkCue) -> dict[str, int]:
        if not self.original:
            return {"T104": 2, "T107": 2}
        cue = self.original[item.origin]
        return self._levels(cue.start, cue.end, cue_length(cue.text, self.profile.language))

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
                    merged = replace(a, end=cue.end, text="\n".join(layout(text, p)))
                    lines = [strip_markup(line) for line in merged.text.split("\n")]
                    cps = cue_length(merged.text, p.language) * 1000 / max(1, merged.end - merged.start)
                    # The merged cue must not be flagged where its parts were not: no line over the soft
                    # limit, no flagged break, no speaker lines run together.
                    if fits(lines, p) and all(count(line, p.language) <= p.cpl_soft for line in lines) \
                            and not any(DASH_LINE.match(line) for line in (*a.text.split("\n"), *cue.text.split("\n"))) \
                            and not any(break_problem(lines[n - 1], lines[n], p.language) for n in range(1, len(lines))) \
                            and cps <= p.cps_error and merged.end - merged.start <= p.max_duration_ms \
                            and plain_markup(a.text) == ("", a.text, ""):
                        prev.cue = merged
                        prev.merged = (*prev.merged, item.origin, *item.merged)
                        prev.orig_end = max(prev.orig_end, item.orig_end)  # the tolerance counts from the fragment
                        self.note(item, "T104", f"merged into cue {prev.origin + 1} (a {cue.end - cue.start} ms fragment)")
                        continue
            out.append(item)
        return out
