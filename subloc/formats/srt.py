"""SubRip (.srt) adapter over pysrt.

pysrt writes every cue; cue blocks are split and their timing lines read here (strictly, with the same
result as pysrt's ``SubRipItem.from_lines`` on every valid line, at half the cost). This adapter guards
the cases where
pysrt loses or invents data without a word (docs/libraries.md, measured and found by reading
pysrt 1.1.2):

* its block splitter ends a cue at the first blank line and silently drops the text after it, and
  treats lines of Unicode whitespace (U+3000) as blank: this adapter splits blocks itself, keeps
  such text in the cue and records a Notice;
* ``SubRipTime.from_string`` turns garbage digits into 0 (``00:0x:01,000`` is read as 1 s) and
  stores negative times: every timing line is validated strictly here first;
* ``SubRipItem.from_lines`` strips trailing spaces from text lines: the cue text is taken from the
  raw lines (so QA can see trailing spaces);
* a cue without a number and a line of text that is only a number are both handled here, with the
  cue's starting line recorded for every cue (pysrt keeps no positions).
"""

from __future__ import annotations

from typing import Iterable

from ..errors import SubtitleParseError, SubtitleWriteError
from ..model import Cue, DamagedBlock, Notice, Track
from ..patterns import lazy
from ..timecode import SRT_TIMING, SRT_TIMING_VALID, SRT_VALID_STAMP, TimecodeError, hms_ms, parse_srt_timing

_BLANK = " \t\f\v"  # a line of only these is blank (players agree)


def _is_blank(line: str) -> bool:
    return not line.strip(_BLANK)


def _is_timing(line: str) -> bool:
    return "-->" in line and SRT_TIMING.match(line) is not None


# Two timestamps around a mistyped arrow ("->", "=>", "→"): a damaged timing line, not cue text.
_MISTYPED_TIMING = lazy(r"[ \t]*[0-9]{1,5}:[0-9]{1,2}[:,.0-9]{0,12}[ \t]*(?:-{1,2}>|=>|[→⟶–—]>?)[ \t]*[0-9]{1,5}:[0-9]")


def _has_arrow(line: str) -> bool:
    return "-->" in line or _MISTYPED_TIMING.match(line) is not None


def _is_number(line: str) -> bool:
    stripped = line.strip(_BLANK)
    return stripped.isascii() and stripped.isdigit()


def _blocks(lines: list[str]) -> Iterable[tuple[int, list[str]]]:
    """Yield (1-based first line, lines) for each run of non-blank lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(lines, 1):
        if _is_blank(line):
            if block:
                yield first, block
                block = []
        else:
            if not block:
                first = number
            block.append(line)
    if block:
        yield first, block


def _split_glued(first: int, block: list[str]) -> Iterable[tuple[int, list[str], bool]]:
    """Split a block where a valid timing line follows cue text with no blank line before it.

    Yields (first line number, lines, glued), glued meaning the part had no blank line before it.
    A text line that merely contains ``-->`` stays text; a number just above the timing line is
    taken as that cue's number.
    """
    start = 0
    own = 0 if _is_timing(block[0]) else 1
    for i in range(own + 1, len(block)):
        if not _is_timing(block[i]):
            continue
        cut = i - 1 if i - 1 > own and _is_number(block[i - 1]) else i
        yield first + start, block[start:cut], start > 0
        start, own = cut, i
    yield first + start, block[start:], start > 0


# A whole cue block as well-formed files write it: a number line, a valid timing line (the same
# verdict as SRT_TIMING_VALID: minutes and seconds 0-59, three millisecond digits, at most five hour
# digits), its text lines (none blank) and the blank lines after it; each match starts at a line start.
# A file made only of such blocks, with no "-->" in any text line, is read by one findall (see _regular);
# anything else goes through the block reader below, which gives the same cues for such a file (a test
# compares them).
_REGULAR_BLOCK = lazy(
    rf"(?<![^\n])[ \t\f\v]*([0-9]+)[ \t\f\v]*\n[ \t]*{SRT_VALID_STAMP}[ \t]*-->[ \t]*{SRT_VALID_STAMP}(?:[ \t]+([^\n]*))?\n"
    r"((?:[ \t\f\v]*[^ \t\f\v\n][^\n]*\n)*)((?:[ \t\f\v]*\n)*)")
_LEADING_BLANK_LINES = lazy(r"(?:[ \t\f\v]*\n)*")


def _regular(text: str) -> list[Cue] | None:
    """The cues of a file made only of regular blocks (the files real tools export), or None.

    Several times faster than the block reader: one findall for the file and one Cue per cue, no line
    lists. The matches cover the file when the lines they take add up to its lines (each match takes
    whole lines from a line start). None sends the file to the block reader, which repairs and reports."""
    if not text.endswith("\n"):
        text += "\n"
    pos = _LEADING_BLANK_LINES.match(text).end()  # type: ignore[union-attr]
    line = 1 + text.count("\n", 0, pos)
    cues: list[Cue] = []
    append = cues.append
    for ident, start, start_ms, end, end_ms, position, body, blanks in _REGULAR_BLOCK.findall(text, pos):
        append(Cue.of(hms_ms(start) + int(start_ms), hms_ms(end) + int(end_ms),
                      body[:-1], ident, "", position.rstrip(" \t") if position else "", line))
        line += 2 + body.count("\n") + blanks.count("\n")
    # Every line taken, and no text line holding "-->" (it may be a glued cue's timing line: the block
    # reader decides).
    return cues if cues and line - 1 == text.count("\n") and text.count("-->") == len(cues) else None


def parse(text: str, path: str = "<string>") -> tuple[list[Cue], list[Notice], list[DamagedBlock]]:
    """Parse SRT text (newlines already normalized to ``\\n``) into cues, reader notices and the blocks
    that could not be read (each with its first line, raw text and what is wrong).

    A damaged block costs only itself: its text, and any text after a blank line that would
    continue it, stay with the damaged block; every other cue is read.
    """
    regular = _regular(text)
    if regular is not None:
        return regular, [], []
    return _parse_blocks(text, path)


def _parse_blocks(text: str, path: str) -> tuple[list[Cue], list[Notice], list[DamagedBlock]]:
    """:func:`parse` for any file: block by block, repairing what it can and keeping damaged blocks."""
    cues: list[Cue] = []
    notices: list[Notice] = []
    damaged: list[DamagedBlock] = []
    last_damaged = False  # the block before was damaged: text after a blank line belongs to it
    for first, whole in _blocks(text.split("\n")):
        for line_no, block, glued in _split_glued(first, whole):
            try:
                cue = _cue(block, line_no, path)
            except SubtitleParseError as exc:
                damaged.append(DamagedBlock(exc.line or line_no, "\n".join(block), exc.message))
                last_damaged = True
                continue
            if cue is None:
                if last_damaged:
                    last = damaged[-1]
                    damaged[-1] = DamagedBlock(last.line, last.text + "\n\n" + "\n".join(block), last.message)
                elif cues:
                    _continuation(cues, notices, block, line_no)
                else:
                    damaged.append(DamagedBlock(line_no, "\n".join(block),
                                                f"text {block[0].strip()[:40]!r} where a cue number or timing "
                                                "line was expected"))
                    last_damaged = True
                continue
            last_damaged = False
            if glued:
                notices.append(Notice(line_no, "no blank line before this cue; read it as a new cue"))
            cues.append(cue)
    return cues, notices, damaged


def _cue(block: list[str], line_no: int, path: str) -> Cue | None:
    """One cue block read, or None for a block without a timing line (text that continues a cue).

    Raises SubtitleParseError (with the line) for a block that has a timing line but cannot be read.
    """
    head = block[0]
    if _is_timing(head):
        index_line, timing_at = None, 0
    elif len(block) >= 2 and _has_arrow(block[1]):
        index_line, timing_at = head, 1
        if not _is_number(head):
            raise SubtitleParseError(
                f"{head.strip()[:40]!r} before the timing line is not a cue number",
                path=path, line=line_no,
                hint="SRT cue numbers are digits; if this is WebVTT, rename the file to .vtt",
            )
    elif _has_arrow(head):
        timing_at, index_line = 0, None
    else:
        return None
    timing = block[timing_at]
    if SRT_TIMING_VALID.match(timing) is None:
        try:  # only to say what is wrong
            parse_srt_timing(timing)
            problem = f"bad timing line {timing.strip()[:60]!r}"
        except TimecodeError as exc:
            problem = str(exc)
        raise SubtitleParseError(problem, path=path, line=line_no + timing_at, hint="fix the timing line")
    text_lines = block[timing_at + 1:]
    # The timing line passed the strict pattern, so the strict parser's reading is pysrt's (the same
    # milliseconds and coordinates on every timing line of the tests, samples and benchmark series, and
    # a test compares them), without building a SubRipItem per cue (half the cost of a read). The text
    # is the raw lines: pysrt's drops trailing spaces.
    try:
        start, end, position = parse_srt_timing(timing)
    except TimecodeError as exc:
        raise SubtitleParseError(str(exc), path=path, line=line_no + timing_at, hint="fix the timing line") from None
    return Cue(start=start, end=end, text="\n".join(text_lines), ident=(index_line or "").strip(),
               position=position, line=line_no)


def _continuation(cues: list[Cue], notices: list[Notice], block: list[str], line_no: int) -> None:
    """Text after a blank line inside a cue: keep it in that cue (pysrt would drop it)."""
    last = cues[-1]
    cues[-1] = Cue(start=last.start, end=last.end, text="\n".join([last.text, *block]) if last.text else "\n".join(block),
                   ident=last.ident, position=last.position, line=last.line)
    notices.append(Notice(line_no, f"blank line inside cue {len(cues)}: the text after it was kept in that cue "
                                   "(remove the blank line)"))


def read(text: str, path: str = "<string>") -> Track:
    """Every readable cue; blocks that cannot be read are in ``Track.damaged`` (the caller decides)."""
    cues, notices, damaged = parse(text, path)
    if not cues:
        if damaged:
            raise SubtitleParseError(damaged[0].message, path=path, line=damaged[0].line,
                                     hint="no cue of this file can be read: fix the timing lines")
        raise SubtitleParseError("no cues found: not an SRT file", path=path, line=1,
                                 hint="an SRT cue is a number, a line 'HH:MM:SS,mmm --> HH:MM:SS,mmm' and its text")
    return Track(cues=tuple(cues), format="srt", path=path, notices=tuple(notices), damaged=tuple(damaged))


def dumps(track: Track) -> str:
    """Serialize with pysrt, numbering cues 1..n. Raises SubtitleWriteError for unwritable text.

    A track without cues is refused: an empty .srt file is not a subtitle file any reader (subloc's
    included) accepts.
    """
    if not track.cues:
        raise SubtitleWriteError("the track has no cues, and an SRT file without cues is empty",
                                 hint="write WebVTT (--to vtt), which can carry a file without cues")
    import pysrt  # only to write: reading is this module's

    items = []
    time = pysrt.SubRipTime
    for number, cue in enumerate(track.cues, 1):
        _check_writable(cue, number)
        items.append(pysrt.SubRipItem(number, time(milliseconds=cue.start), time(milliseconds=cue.end),
                                      cue.text, cue.position))
    out: list[str] = []
    pysrt.SubRipFile(items, eol="\n").write_into(_Collector(out), eol="\n")
    return "".join(out)


class _Collector:
    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


def _check_writable(cue: Cue, number: int) -> None:
    """Refuse text that would read back differently: SRT has no escaping."""
    text = cue.text
    if cue.start < 0 or cue.end < 0:
        raise SubtitleWriteError(f"{_where(cue, number)} has a negative time", hint="shift less, or drop cues before zero")
    if "\n" not in text and "-->" not in text and (not text or text.strip(_BLANK)):
        return  # the common case: one non-blank line without an arrow
    if text and not text.strip(_BLANK + "\n"):
        raise SubtitleWriteError(f"{_where(cue, number)} has only whitespace as text", hint="empty the cue or add text")
    for line in text.split("\n"):
        if text and _is_blank(line):
            raise SubtitleWriteError(f"{_where(cue, number)} has an empty line inside its text, which would end the "
                                     "cue in SRT", hint="remove the empty line")
        if _is_timing(line):
            raise SubtitleWriteError(f"{_where(cue, number)} has a text line that reads as a timing line: {line!r}",
                                     hint="edit that line")


def _where(cue: Cue, number: int) -> str:
    return f"cue {number}" + (f" (source line {cue.line})" if cue.line else "")
