"""The only place that parses and formats timestamps and converts frames.

Times are integer milliseconds. Parsing follows each format's rules:

* WebVTT: the timestamp algorithm of the W3C spec (hours optional and of any length, minutes and
  seconds exactly two digits and at most 59, exactly three fraction digits).
* SRT: the de-facto format, leniently: any number of hour digits, one or two minute and second
  digits, ``,`` or ``.`` before exactly three millisecond digits. Two-digit fractions are refused
  rather than guessed (``,5`` could mean 5 ms or 500 ms).

Both: an hour field of more than 5 digits (over eleven years) is refused, not read: it is damage, and
such times cannot be written back (webvtt-py refuses them; Python refuses to read 4,300 digits). A
timing line with a second ``-->`` is refused too. Every pattern here runs in time linear in the
line (no nested or adjacent unbounded repeats over the same characters), whatever follows it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .patterns import lazy

if TYPE_CHECKING:  # fractions imports decimal (~4 ms of every process); frame rates import it when used
    from fractions import Fraction

# [0-9], not \d: \d also matches Thai and other Unicode digits.
_SRT_TS = r"(-?)([0-9]+):([0-9]{1,2}):([0-9]{1,2})[,.]([0-9]+)"
SRT_TIMING = lazy(
    rf"^[ \t]*{_SRT_TS}[ \t]*-->[ \t]*{_SRT_TS}(?:[ \t]+(.*))?$"
)
# Valid timing lines only (minutes and seconds 0-59, exactly 3 millisecond digits, no sign): a match
# needs no further checks, so the reader validates each cue with one regex call.
_SRT_VALID_TS = r"(?<![0-9])[0-9]{1,5}:[0-5]?[0-9]:[0-5]?[0-9][,.][0-9]{3}(?![0-9])"
SRT_TIMING_VALID = lazy(rf"[ \t]*{_SRT_VALID_TS}[ \t]*-->[ \t]*{_SRT_VALID_TS}(?:[ \t](?!.*-->).*)?$")
# One valid SRT timestamp as two groups, "h:m:s" and the milliseconds (the same verdict as _SRT_VALID_TS
# when what follows is not a digit), for readers that take many timing lines in one pattern (hms_ms).
SRT_VALID_STAMP = r"([0-9]{1,5}:[0-5]?[0-9]:[0-5]?[0-9])[,.]([0-9]{3})"

# WebVTT whitespace inside a line: space, tab, form feed (not vertical tab).
_VTT_TS = r"([0-9]+):([0-9]{2})(?::([0-9]{2}))?\.([0-9]{3})(?![0-9])"
VTT_TIMING = lazy(rf"^[ \t\f]*{_VTT_TS}[ \t\f]*-->[ \t\f]*{_VTT_TS}(.*)$")
# The same rules as one pattern, for validating without computing: hours optional and of any
# length; minutes and seconds 00-59; a two-field stamp needs a two-digit first field (else the
# spec reads it as hours and wants a third field).
_VTT_VALID_TS = r"(?<![0-9])(?:[0-9]{1,5}:)?[0-5][0-9]:[0-5][0-9]\.[0-9]{3}(?![0-9])"
VTT_TIMING_VALID = lazy(rf"[ \t\f]*{_VTT_VALID_TS}[ \t\f]*-->[ \t\f]*{_VTT_VALID_TS}")

MS_PER_HOUR = 3_600_000
MAX_HOUR_DIGITS = 5


class TimecodeError(ValueError):
    """A timestamp that does not follow the format; the message says what is wrong."""


def _srt_ms(sign: str, h: str, m: str, s: str, frac: str, text: str) -> int:
    if sign:
        raise TimecodeError(f"negative timestamp {text!r}")
    if len(h) > MAX_HOUR_DIGITS:
        raise TimecodeError(f"timestamp {text[:20]!r}… has an hour field of {len(h)} digits (at most "
                            f"{MAX_HOUR_DIGITS})")
    if len(frac) != 3:
        raise TimecodeError(
            f"timestamp {text!r} has {len(frac)} fraction digits; SRT needs exactly 3 (milliseconds)"
        )
    minutes, seconds = int(m), int(s)
    if minutes > 59 or seconds > 59:
        raise TimecodeError(f"timestamp {text!r} has minutes or seconds above 59")
    return int(h) * MS_PER_HOUR + minutes * 60_000 + seconds * 1000 + int(frac)


@lru_cache(maxsize=100_000)
def hms_ms(hms: str) -> int:
    """Milliseconds of a valid "h:m:s" (SRT_VALID_STAMP's first group); a series repeats its seconds in
    every episode, so each is converted once."""
    hours, minutes, seconds = hms.split(":")
    return int(hours) * MS_PER_HOUR + int(minutes) * 60_000 + int(seconds) * 1000


def parse_srt_timing(line: str) -> tuple[int, int, str]:
    """Parse an SRT timing line into (start_ms, end_ms, display coordinates).

    Raises TimecodeError with the reason when the line is not a valid timing line.
    """
    match = SRT_TIMING.match(line)
    if match is None:
        raise TimecodeError(
            f"bad timing line {line.strip()!r} (expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm')"
        )
    g = match.groups()
    if line.count("-->") > 1:
        raise TimecodeError(f"timing line {line.strip()[:60]!r} has more than one '-->'")
    start_text, end_text = line.split("-->", 1)
    start = _srt_ms(*g[0:5], start_text.strip())
    end = _srt_ms(*g[5:10], end_text.strip().split(" ")[0])
    return start, end, (g[10] or "").rstrip(" \t")


def _vtt_ms(first: str, second: str, third: str | None, frac: str) -> int | None:
    if len(first) > MAX_HOUR_DIGITS:
        return None
    if third is None:
        # Two components: minutes:seconds. The spec makes a first component that is not exactly
        # two digits (or is above 59) an hours field, which then needs a third component.
        if len(first) != 2 or int(first) > 59:
            return None
        hours, minutes, seconds = 0, int(first), int(second)
    else:
        hours, minutes, seconds = int(first), int(second), int(third)
    if minutes > 59 or seconds > 59:
        return None
    return hours * MS_PER_HOUR + minutes * 60_000 + seconds * 1000 + int(frac)


def parse_vtt_timing(line: str) -> tuple[int, int, str] | None:
    """Parse a WebVTT cue timings line into (start_ms, end_ms, settings), or None if invalid.

    Follows the spec's "parse the WebVTT cue timings and settings" algorithm; the settings are the
    raw remainder of the line, stripped of surrounding whitespace.
    """
    match = VTT_TIMING.match(line)
    if match is None:
        return None
    g = match.groups()
    start = _vtt_ms(*g[0:4])
    end = _vtt_ms(*g[4:8])
    if start is None or end is None:
        return None
    return start, end, g[8].strip(" \t\f")


def is_vtt_timing(line: str) -> bool:
    """True when the line is a valid WebVTT cue timings line (the same verdict as parse_vtt_timing)."""
    return VTT_TIMING_VALID.match(line) is not None


def format_srt(ms: int) -> str:
    """``HH:MM:SS,mmm`` (more hour digits when needed)."""
    if ms < 0:
        raise TimecodeError(f"cannot write a negative time ({ms} ms)")
    hours, rest = divmod(ms, MS_PER_HOUR)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{millis:03d}"


def format_vtt(ms: int) -> str:
    """``HH:MM:SS.mmm`` (more hour digits when needed)."""
    return format_srt(ms).replace(",", ".")


def format_clock(ms: int) -> str:
    """A short human clock for reports: ``1:02.345`` or ``1:01:02.345``."""
    hours, rest = divmod(ms, MS_PER_HOUR)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{minutes}:{seconds:02d}.{millis:03d}"


def parse_fps(value: str | float | int) -> Fraction:
    """Frame rate from ``30``, ``29.97``, ``30000/1001``, ``23.976``; NTSC rates become exact."""
    from fractions import Fraction

    text = str(value).strip()
    try:
        rate = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise TimecodeError(f"bad frame rate {text!r} (use e.g. 24, 25, 29.97 or 30000/1001)") from None
    ntsc = {Fraction("23.976"): Fraction(24000, 1001), Fraction("29.97"): Fraction(30000, 1001),
            Fraction("59.94"): Fraction(60000, 1001)}
    rate = ntsc.get(rate, rate)
    if rate <= 0 or rate > 240:
        raise TimecodeError(f"frame rate {text!r} is out of range (0–240)")
    return rate


def frames_to_ms(frames: int | float, fps: Fraction | float) -> int:
    """Duration of ``frames`` frames in whole milliseconds, rounded to nearest."""
    if isinstance(frames, int) and isinstance(fps, int) and frames >= 0 and fps > 0:
        whole, rest = divmod(frames * 1000, fps)  # exact, and half to even as round(Fraction) rounds
        return whole + (2 * rest > fps or (2 * rest == fps and whole % 2 == 1))
    from fractions import Fraction

    return round(Fraction(frames) * 1000 / Fraction(fps))


def ms_to_frames(ms: int, fps: Fraction | float) -> float:
    from fractions import Fraction

    return float(Fraction(ms) * Fraction(fps) / 1000)
