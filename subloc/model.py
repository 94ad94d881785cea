"""The subtitle domain model: a Track of Cues.

Times are integer milliseconds everywhere. Cue text keeps its inline markup exactly as written
(``<i>``, ``<c.yellow>``, ``<v Name>``, ``&amp;``, ``{\\an8}``); lines are joined with ``\\n``.
Values are frozen: operations return new objects (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

BlockKind = Literal["NOTE", "STYLE", "REGION"]


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle event.

    ``ident`` is the WebVTT cue identifier or the SRT cue number as written (SRT numbers are
    rewritten 1..n on output). ``settings`` holds WebVTT cue settings (``line:65%,end align:center``)
    and ``position`` the SRT display coordinates (``X1:100 X2:500 Y1:10 Y2:50``), both raw.
    ``line`` is the 1-based line of the source file where the cue block starts (0 if made in memory).
    """

    start: int
    end: int
    text: str
    ident: str = ""
    settings: str = ""
    position: str = ""
    line: int = 0

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def shifted(self, offset_ms: int) -> Cue:
        return replace(self, start=self.start + offset_ms, end=self.end + offset_ms)

    @classmethod
    def of(cls, start: int, end: int, text: str, ident: str, settings: str, position: str, line: int) -> Cue:
        """The same cue as ``Cue(...)`` with every field given, its slots set directly: the frozen
        dataclass's ``__init__`` goes through ``object.__setattr__`` once a field (1.8 µs a cue, this
        1.1: a reader makes one per cue of every file)."""
        self = _new(cls)
        _set_start(self, start), _set_end(self, end), _set_text(self, text), _set_ident(self, ident)
        _set_settings(self, settings), _set_position(self, position), _set_line(self, line)
        return self


_new = object.__new__
_set_start, _set_end, _set_text, _set_ident, _set_settings, _set_position, _set_line = (
    getattr(Cue, name).__set__ for name in ("start", "end", "text", "ident", "settings", "position", "line"))


class Block(NamedTuple):  # (an immutable record: a NamedTuple costs a process less to create than a dataclass)
    """A non-cue WebVTT block kept in its place: NOTE text, a STYLE sheet or REGION settings.

    ``before_cue`` is the index of the cue that follows the block (``len(cues)`` after the last one).
    """

    kind: BlockKind
    text: str
    before_cue: int
    line: int = 0


class Notice(NamedTuple):  # (an immutable record: a NamedTuple costs a process less to create than a dataclass)
    """Something the reader repaired without losing text, reported to the user (never silent)."""

    line: int
    message: str


class DamagedBlock(NamedTuple):  # (an immutable record: a NamedTuple costs a process less to create than a dataclass)
    """A block the reader could not read (bad timing line, text where a cue should start), kept as
    written so that a salvaging read can report it: its first line, its raw text and what is wrong."""

    line: int
    text: str
    message: str


@dataclass(frozen=True)
class Track:
    """One subtitle file: its cues plus everything format-level.

    ``header`` is the text after ``WEBVTT`` on the signature line; ``metadata`` the header lines
    that follow it (``X-TIMESTAMP-MAP=…``, ``Language: th``). ``language`` is the declared or
    inferred language tag, if known. ``encoding`` is what the source was decoded from.
    """

    cues: tuple[Cue, ...]
    format: str = "srt"
    path: str | None = None
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    language: str | None = None
    header: str = ""
    metadata: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    notices: tuple[Notice, ...] = field(default=(), compare=False)
    # Blocks a salvaging read skipped (see subloc.formats.load(salvage=True)); empty otherwise.
    damaged: tuple[DamagedBlock, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.cues)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.cues)

    @property
    def duration_ms(self) -> int:
        """Time from zero to the end of the last cue (what a viewer sits through)."""
        return max((c.end for c in self.cues), default=0)

    def with_cues(self, cues: list[Cue] | tuple[Cue, ...]) -> Track:
        return replace(self, cues=tuple(cues))

    def shifted(self, offset_ms: int) -> Track:
        """All cues moved by ``offset_ms``; a cue that would start before zero is an error upstream."""
        return self.with_cues([c.shifted(offset_ms) for c in self.cues])
