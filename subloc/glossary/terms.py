"""Glossary entries and the text rules they match by: NFC, word boundaries of spaced scripts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..scripts import compose


def nfc(text: str) -> str:
    """NFC, and Thai SARA AM written as ํ + า read as ำ (scripts.compose)."""
    return compose(text)


# Vietnamese tone marks sit on the first or second vowel of oa, oe, uy with no final consonant: the
# older style writes hoà, thoả, khoẻ, thuỷ; the newer hòa, thỏa, khỏe, thủy. Both are correct; for
# comparison the mark is moved onto the second vowel.
_VI_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VI_OLD_NEW = re.compile("(?<![a-zđ])((?:[bcdđghklmnprstvx]|ch|gh|kh|ng|nh|ph|th|tr)?)([oòóỏõọuùúủũụ])([aeyáàảãạéèẻẽẹýỳỷỹỵ])(?![a-zà-ỹđ])",
                         re.IGNORECASE)


def tone_fold(text: str) -> str:
    """Vietnamese text with old- and new-style tone placement made equal (hòa → hoà), in NFC."""
    if text.isascii():
        return text

    def move(m: re.Match[str]) -> str:
        first = unicodedata.normalize("NFD", m.group(2))
        second = unicodedata.normalize("NFD", m.group(3))
        marks = "".join(ch for ch in first if ch in _VI_TONES)
        if not marks or any(ch in _VI_TONES for ch in second):
            return m.group(0)
        bare = "".join(ch for ch in first if ch not in _VI_TONES)
        return m.group(1) + unicodedata.normalize("NFC", bare) + unicodedata.normalize("NFC", second + marks)
    return _VI_OLD_NEW.sub(move, text)


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
    generic: bool = False  # renderings too common to require (anh/em/chị, polisi): context, no G101

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
        flags = [name for name, on in (("case", self.case), ("dnt", self.dnt), ("generic", self.generic)) if on]
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
