"""Timestamps: the one module that parses and formats them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subloc.timecode import (TimecodeError, format_srt, format_vtt, frames_to_ms, is_vtt_timing, parse_fps,
                             parse_srt_timing, parse_vtt_timing)


@pytest.mark.parametrize("line, expected", [
    ("00:00:01,000 --> 00:00:02,500", (1000, 2500, "")),
    ("0:00:01.000-->0:00:02.500", (1000, 2500, "")),
    ("100:00:00,000 --> 100:00:01,000 X1:1 X2:2", (360_000_000, 360_001_000, "X1:1 X2:2")),
    ("  00:00:01,000\t-->\t00:00:02,000  ", (1000, 2000, "")),
])
def test_srt_timing(line: str, expected: tuple[int, int, str]) -> None:
    assert parse_srt_timing(line) == expected


@pytest.mark.parametrize("line, reason", [
    ("00:00:01,00 --> 00:00:02,000", "2 fraction digits"),
    ("-00:00:01,000 --> 00:00:02,000", "negative"),
    ("00:61:01,000 --> 00:00:02,000", "above 59"),
    ("00:00:01,000 -> 00:00:02,000", "bad timing line"),
    ("00:00:0١,000 --> 00:00:02,000", "bad timing line"),  # an Arabic-Indic digit is not a digit here
])
def test_srt_timing_errors(line: str, reason: str) -> None:
    with pytest.raises(TimecodeError, match=reason):
        parse_srt_timing(line)


def test_vtt_timing_follows_the_spec() -> None:
    assert parse_vtt_timing("00:01.000 --> 00:02.000 align:start") == (1000, 2000, "align:start")
    assert parse_vtt_timing("1:00:00.000 --> 1:00:01.000") == (3_600_000, 3_601_000, "")
    for bad in ("1:00.000 --> 1:01.000", "60:00.000 --> 61:00.000", "00:00:60.000 --> 00:01:00.000",
                "00:00.0000 --> 00:01.000", "00:00.000x --> 00:01.000", "00:00.000 --> 00:01.0000",
                "\v00:00.000 --> 00:01.000"):
        assert parse_vtt_timing(bad) is None, bad
        assert not is_vtt_timing(bad), bad


_PART = st.sampled_from(["0", "00", "1", "59", "60", "000", "9", "12", "99", "123"])


@given(st.lists(_PART, min_size=2, max_size=3), _PART.filter(lambda p: len(p) <= 4), st.sampled_from(["", " ", "\t"]),
       st.sampled_from(["", "x", " align:end", "0"]))
def test_validating_pattern_agrees_with_the_parser(fields: list[str], frac: str, gap: str, tail: str) -> None:
    stamp = ":".join(fields) + "." + frac
    line = f"{stamp}{gap}-->{gap}00:00:01.000{tail}"
    assert is_vtt_timing(line) == (parse_vtt_timing(line) is not None)
    line = f"00:00:00.000 --> {stamp}{tail}"
    assert is_vtt_timing(line) == (parse_vtt_timing(line) is not None)


def test_formatting_and_frames() -> None:
    assert format_srt(3_723_004) == "01:02:03,004"
    assert format_vtt(360_000_000) == "100:00:00.000"
    with pytest.raises(TimecodeError):
        format_srt(-1)
    assert frames_to_ms(2, parse_fps("30")) == 67
    assert frames_to_ms(2, parse_fps("24")) == 83
    assert frames_to_ms(2, parse_fps("29.97")) == 67
    with pytest.raises(TimecodeError):
        parse_fps("fast")


@given(st.lists(_PART, min_size=3, max_size=3), st.sampled_from(["0", "00", "000", "0000", "5"]),
       st.sampled_from([",", "."]), st.sampled_from(["", "-"]), st.sampled_from(["", " X1:1", "x", "\t"]))
def test_srt_validating_pattern_agrees_with_the_parser(fields: list[str], frac: str, sep: str, sign: str,
                                                       tail: str) -> None:
    from subloc.timecode import SRT_TIMING_VALID

    stamp = sign + ":".join(fields) + sep + frac
    for line in (f"{stamp} --> 00:00:01,000{tail}", f"00:00:00,000 --> {stamp}{tail}"):
        try:
            parse_srt_timing(line)
            valid = True
        except TimecodeError:
            valid = False
        assert (SRT_TIMING_VALID.match(line) is not None) == valid, line


def test_srt_timing_reads_as_pysrt_reads_it() -> None:
    """The SRT reader takes a valid timing line's milliseconds and coordinates from the strict parser
    instead of pysrt's SubRipItem: both give the same reading of every form the reader accepts."""
    import pysrt

    from subloc.timecode import SRT_TIMING_VALID, parse_srt_timing

    lines = ["00:00:01,000 --> 00:00:02,500", "0:00:01,000 --> 0:00:02,040", "00:00:01.250 --> 00:00:03.999",
             "123:59:59,999 --> 124:00:00,000", "00:01:02,003-->00:01:04,005", " 00:00:05,000\t-->  00:00:06,000 ",
             "00:00:07,000 --> 00:00:08,000 X1:40 X2:600 Y1:20 Y2:50", "01:02:03,456 --> 01:02:04,000  X1:1 Y1:2"]
    for line in lines:
        assert SRT_TIMING_VALID.match(line), line
        item = pysrt.SubRipItem.from_lines(["1", line, "ข้อความ"])
        assert parse_srt_timing(line) == (item.start.ordinal, item.end.ordinal, item.position), line


def test_whole_frame_rates_convert_exactly_without_fractions() -> None:
    """A whole frame rate (the default 30) is converted in integers, rounded half to even exactly as the
    Fraction arithmetic of fractional rates rounds (1 frame at 16 fps: 62.5 ms → 62)."""
    from fractions import Fraction

    from subloc.timecode import frames_to_ms

    for fps in range(1, 241):
        for frames in range(0, 121):
            assert frames_to_ms(frames, fps) == round(Fraction(frames) * 1000 / fps), (frames, fps)
    assert frames_to_ms(1, 16) == 62 and frames_to_ms(3, 16) == 188 and frames_to_ms(2, 30) == 67
    assert frames_to_ms(2, Fraction(30000, 1001)) == 67
