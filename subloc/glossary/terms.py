"""Glossary entries and the text rules they match by: NFC, word boundaries of spaced scripts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_word_char(ch: str) -> bool:
    """A letter or digit of a spaced script: next to one, a Latin term is part of a longer word.
    (Chinese or Thai next to a Latin term, as in 他是CEO, is a boundary.)"""
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return (ch.isalnum() and ("\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff")) or \
        unicodedata.category(ch) == "Mn"


def spaced(text: str) -> bool:
    """Whether a term is written in a script that separates words with spaces (Latin, Vietnamese…)."""
    return any(ch.isalpha() for ch in text) and all(
        not ch.isalpha() or ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" for ch in text)


@dataclass(frozen=True)
class Entry:
    source: str
    targets: tuple[str, ...]
    note: str = ""
    case: bool = False
    dnt: bool = False
    forbidden: tuple[str, ...] = ()
    origin: str = ""  # file the entry comes from
    line: int = 0

    @property
    def preferred(self) -> str:
        return self.source if self.dnt and not self.targets else self.targets[0]

    @property
    def renderings(self) -> tuple[str, ...]:
        """What counts as a correct rendering in a translation."""
        return (self.source,) if self.dnt else self.targets

    def key(self) -> str:
        source = nfc(self.source)
        return source if self.case else source.casefold()

    def flags_text(self) -> str:
        flags = [name for name, on in (("case", self.case), ("dnt", self.dnt)) if on]
        if self.forbidden:
            flags.append("forbidden=" + "|".join(self.forbidden))
        return ",".join(flags)

    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.origin else "(built in)"


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"
