"""T: timing rules (docs/profile.md)."""

from __future__ import annotations

from typing import Iterator

from ...placement import region_of
from ...timecode import format_clock
from ..context import CheckContext
from ..model import Finding, Rule, register


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f} s"


@register
class InvalidTiming(Rule):
    """A cue ends at or before the moment it starts.

    What it does: flags a cue whose end time is not later than its start time.
    Why it matters: players skip such a cue or flash it for no time, so the line is never read.
    """

    code, name, severity = "T101", "invalid-timing", "error"
    summary = "the cue ends at or before its start"
    fail_example = "1\n00:00:05,000 --> 00:00:04,000\n你敢！\n"
    pass_example = "1\n00:00:04,000 --> 00:00:05,000\n你敢！\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for i, cue in enumerate(ctx.cues):
            if cue.end <= cue.start:
                yield ctx.finding(self, i, f"ends at {format_clock(cue.end)}, not after its start "
                                           f"{format_clock(cue.start)}: set the end after the start")


@register
class Overlap(Rule):
    """A cue starts before the previous one has ended, in the same place on screen.

    What it does: flags a cue whose start is earlier than the end of the cue before it. Cues placed in
    different regions (on-screen text at the top with ``{\\an8}`` or ``line:12%``, dialogue at the
    bottom) may overlap; cues in the same region may not.
    Why it matters: overlapping cues stack or replace each other unpredictably on phones.
    """

    code, name, severity = "T102", "overlap", "error"
    fixable = True
    manual_hint = "re-time it by hand"
    summary = "the cue overlaps the previous cue in the same screen region"
    fail_example = ("1\n00:00:01,000 --> 00:00:03,000\n你来了？\n\n"
                    "2\n00:00:02,500 --> 00:00:04,000\n嗯\n")
    pass_example = ("1\n00:00:01,000 --> 00:00:03,000\n你来了？\n\n"
                    "2\n00:00:02,500 --> 00:00:04,000\n{\\an8}（三年后）\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        last_by_region: dict[str, int] = {}
        for i, cue in enumerate(ctx.cues):
            region = region_of(cue.text, cue.settings)
            j = last_by_region.get(region)
            if j is not None:
                prev = ctx.cues[j]
                if prev.start <= cue.start < prev.end:
                    yield ctx.finding(self, i, f"starts {_seconds(prev.end - cue.start)} before cue {j + 1} ends "
                                               f"({format_clock(prev.end)}): end cue {j + 1} earlier or start this one later")
            if j is None or cue.end >= ctx.cues[j].end:
                last_by_region[region] = i


@register
class OutOfOrder(Rule):
    """A cue starts before the cue above it in the file.

    What it does: flags a cue whose start time is earlier than the previous cue's start.
    Why it matters: many players and platforms expect cues sorted by time and drop or misplace the rest.
    """

    code, name, severity = "T103", "out-of-order", "error"
    summary = "the cue starts before the previous cue in the file"
    fail_example = ("1\n00:00:05,000 --> 00:00:06,000\n第二句\n\n"
                    "2\n00:00:01,000 --> 00:00:02,000\n第一句\n")
    pass_example = ("1\n00:00:01,000 --> 00:00:02,000\n第一句\n\n"
                    "2\n00:00:05,000 --> 00:00:06,000\n第二句\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        latest = None
        for i, cue in enumerate(ctx.cues):
            if latest is not None and cue.start < ctx.cues[latest].start:
                yield ctx.finding(self, i, f"starts at {format_clock(cue.start)}, before cue {latest + 1} "
                                           f"({format_clock(ctx.cues[latest].start)}): sort the cues by start time")
            elif latest is None or cue.start >= ctx.cues[latest].start:
                latest = i


@register
class TooShort(Rule):
    """A cue is on screen too briefly to be read.

    What it does: an error below the profile's minimum duration (5/6 s = 833 ms, Netflix's 20
    frames at 24 fps), a warning below the comfortable minimum (1 s).
    Why it matters: fast micro-drama dialogue tempts short cues, but a line under a second is
    missed by most viewers, whatever its length.
    """

    code, name, severity = "T104", "too-short", "error"
    fixable = True
    manual_hint = "merge it or re-time it by hand"
    options = ("min_duration_ms", "min_duration_warn_ms")
    summary = "the cue is shorter than the minimum duration"
    fail_example = "1\n00:00:01,000 --> 00:00:01,500\n好\n"
    pass_example = "1\n00:00:01,000 --> 00:00:02,000\n好\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        hard, soft = ctx.profile.min_duration_ms, ctx.profile.min_duration_warn_ms
        for i, cue in enumerate(ctx.cues):
            duration = cue.end - cue.start
            if 0 < duration < hard:
                yield ctx.finding(self, i, f"lasts {_seconds(duration)}, under the minimum {_seconds(hard)}: "
                                           "extend it into the free time around it or merge it with a neighbour")
            elif 0 < duration < soft:
                yield ctx.finding(self, i, f"lasts {_seconds(duration)}, under {_seconds(soft)}: extend it if "
                                           "there is free time after it", "warning")


@register
class TooLong(Rule):
    """A cue stays on screen longer than the maximum duration.

    What it does: flags a cue longer than the profile's maximum (7 s).
    Why it matters: a line that lingers is re-read and falls out of sync with the picture; split it
    or end it with the speech.
    """

    code, name, severity = "T105", "too-long", "error"
    fixable = True
    manual_hint = "split it by hand"
    options = ("max_duration_ms",)
    summary = "the cue is longer than the maximum duration"
    fail_example = "1\n00:00:01,000 --> 00:00:09,000\n好\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\n好\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        limit = ctx.profile.max_duration_ms
        for i, cue in enumerate(ctx.cues):
            if cue.end - cue.start > limit:
                yield ctx.finding(self, i, f"lasts {_seconds(cue.end - cue.start)}, over the maximum "
                                           f"{_seconds(limit)}: split it or end it with the speech")


@register
class GapTooShort(Rule):
    """The gap between two consecutive cues is too short, or awkwardly short.

    What it does: an error when a cue starts less than the minimum gap (2 frames at the profile's
    frame rate: 67 ms at 30 fps) after the previous one ends; a warning when the gap is from 3
    frames up to half a second, which reads as a flicker: close it to 2 frames or open it to ½ s.
    Why it matters: without a visible gap the eye does not notice the text changed; a short gap
    makes the subtitles blink.
    """

    code, name, severity = "T106", "gap-too-short", "error"
    fixable = True
    manual_hint = "re-time it by hand"
    options = ("min_gap_frames", "close_gap_ms", "fps")
    summary = "the gap before the cue is under the minimum, or between 3 frames and ½ s"
    fail_example = ("1\n00:00:01,000 --> 00:00:02,000\n你来了？\n\n"
                    "2\n00:00:02,020 --> 00:00:03,500\n嗯\n")
    pass_example = ("1\n00:00:01,000 --> 00:00:02,000\n你来了？\n\n"
                    "2\n00:00:02,067 --> 00:00:03,500\n嗯\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        profile = ctx.profile
        minimum, close_from, close_to = profile.min_gap_ms, profile.close_gap_from_ms, profile.close_gap_ms
        cues = ctx.cues
        for i in range(1, len(cues)):
            prev, cue = cues[i - 1], cues[i]
            gap = cue.start - prev.end
            if gap < 0 or cue.start < prev.start:
                continue  # overlap and order have their own rules
            if gap < minimum:
                yield ctx.finding(self, i, f"starts {gap} ms after cue {i} ends, under the minimum gap of {minimum} ms "
                                           f"({profile.min_gap_frames} frames at {float(profile.fps):g} fps): "
                                           f"end cue {i} at {format_clock(cue.start - minimum)}")
            elif close_from <= gap < close_to:
                yield ctx.finding(self, i, f"gap of {gap} ms after cue {i}: close it to {minimum} ms (end cue {i} at "
                                           f"{format_clock(cue.start - minimum)}) or open it to {close_to} ms",
                                  "warning")


@register
class ReadingSpeed(Rule):
    """The text is too long for the time the cue is on screen.

    What it does: counts the cue's characters the way its script is read (Thai without combining
    marks, Chinese with half-width characters as ½, Vietnamese after NFC; markup never counts) and
    divides by the duration. A warning above the profile's comfortable speed (17 chars/s for
    th/id/ms/vi, 9 for Chinese), an error above its maximum (20, or 11 for Chinese).
    Why it matters: viewers who cannot finish the line before it disappears stop reading.
    """

    code, name, severity = "T107", "reading-speed-too-high", "error"
    fixable = True
    manual_hint = "shorten the text"
    options = ("cps_warn", "cps_error")
    summary = "the reading speed is above the limit"
    example_lang = "th"
    fail_example = "1\n00:00:01,000 --> 00:00:02,000\nฉันเซ็นใบหย่าแล้ว คุณพอใจหรือยัง\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,500\nฉันเซ็นใบหย่าแล้ว คุณพอใจหรือยัง\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        warn, error = ctx.profile.cps_warn, ctx.profile.cps_error
        over = {False: f"{warn:g}", True: f"{error:g}"}  # (formatted once, not once a finding)
        lengths = ctx.lengths
        for i, cue in enumerate(ctx.cues):
            duration = cue.end - cue.start
            if duration <= 0 or not lengths[i]:
                continue
            cps = lengths[i] * 1000 / duration
            if cps > warn:
                fails = cps > error
                needed = lengths[i] * 1000 / (error if fails else warn)
                yield ctx.finding(self, i, f"{cps:.1f} chars/s ({lengths[i]:g} chars in {duration / 1000:.3f} s), over "
                                           f"{over[fails]}: shorten the text or extend the cue "
                                           f"to {round(needed) / 1000:.3f} s", "error" if fails else "warning")
