"""The effective glossary of one language: entries by source, layering, matching.

Layers, most specific last: the shipped base glossary ``glossaries/<lang>.tsv``, a series'
characters from ``series.toml``, the series glossary ``<series>/glossary.<lang>.tsv``. The more
specific entry wins; differences are reported as conflicts.

Matching: Chinese (and other unspaced-script) sources match as substrings; Latin-script sources on
word boundaries; longest term first, no overlaps, and not inside a longer Chinese dictionary word
(老婆 is not in 老婆婆, 太太 not in 老太太, 妈 not in 他妈的); NFC on both sides; case-insensitive unless
``case``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import GlossaryError
from .terms import Entry, Match, is_word_char, nfc, spaced
from .tsv import read_text, read_tsv


class Glossary:
    """The effective glossary of one language: entries by source, and how they were layered."""

    def __init__(self, language: str, entries: Iterable[Entry] = (), sources: Iterable[str] = ()) -> None:
        self.language = language
        self.entries: dict[str, Entry] = {}
        self.conflicts: list[str] = []
        self.sources = list(sources)
        for entry in entries:
            self.entries[entry.key()] = entry
        self._index_cache: dict[str, list[Entry]] | None = None
        self._starts_cache: re.Pattern[str] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    @classmethod
    def from_text(cls, text: str, language: str, path: str = "<string>") -> Glossary:
        entries, problems = read_tsv(text, path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise GlossaryError(errors[0].message, path=errors[0].path, line=errors[0].line,
                                hint="run `subloc glossary check` for every problem")
        return cls(language, entries, [path])

    @classmethod
    def load(cls, path: str | Path, language: str) -> Glossary:
        return cls.from_text(read_text(path), language, str(path))

    def layer(self, other: Glossary) -> Glossary:
        """A new glossary with ``other``'s entries over this one's; differing overrides are conflicts."""
        merged = Glossary(self.language, self.entries.values(), [*self.sources, *other.sources])
        merged.conflicts = [*self.conflicts, *other.conflicts]
        for key, entry in other.entries.items():
            old = merged.entries.get(key)
            if old is not None and (old.targets, old.dnt) != (entry.targets, entry.dnt):
                merged.conflicts.append(f"{entry.where()}: {entry.source!r} → {'|'.join(entry.renderings)} overrides "
                                        f"{old.where()}: {'|'.join(old.renderings)}")
            merged.entries[key] = entry
        return merged

    # --- matching ----------------------------------------------------------------------------

    def _index(self) -> dict[str, list[Entry]]:
        if self._index_cache is None:
            index: dict[str, list[Entry]] = {}
            for entry in self.entries.values():
                first = entry.source[0] if entry.case else entry.source[0].casefold()
                index.setdefault(first, []).append(entry)
            for bucket in index.values():
                bucket.sort(key=lambda e: -len(e.source))
            self._index_cache = index
        return self._index_cache

    def _starts(self) -> re.Pattern[str]:
        """Any first character of an entry (the index's keys): one search finds where terms may start."""
        if self._starts_cache is None:
            keys = sorted(self._index())
            self._starts_cache = re.compile(f"[{''.join(re.escape(k) for k in keys)}]" if keys else "(?!)")
        return self._starts_cache

    def match(self, text: str) -> list[Match]:
        """Glossary terms in a source text: longest first, no overlaps, in text order."""
        text = nfc(text)
        folded = text.casefold() if len(text.casefold()) == len(text) else None
        index = self._index()
        candidates: list[Match] = []
        if folded is not None:  # where an entry may start: its first character, as written or folded
            starts = self._starts()
            positions: Iterable[int] = sorted({m.start() for m in starts.finditer(text)} |
                                              {m.start() for m in starts.finditer(folded)})
        else:
            positions = range(len(text))
        for i in positions:
            ch = text[i]
            folded_ch = folded[i] if folded is not None else ch.casefold()  # (one fold of the text)
            for key in (ch,) if folded_ch == ch else (ch, folded_ch):
                for entry in index.get(key, ()):
                    src = entry.source
                    end = i + len(src)
                    if entry.case:
                        hit = text.startswith(src, i)
                    else:
                        hit = folded is not None and folded.startswith(src.casefold(), i)
                    if not hit:
                        continue
                    if _spaced(src) and ((i > 0 and is_word_char(text[i - 1])) or
                                         (end < len(text) and is_word_char(text[end]))):
                        continue
                    candidates.append(Match(entry, i, end))
        candidates = _not_inside_longer_words(text, candidates)
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        for m in candidates:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)

    def lookup(self, term: str) -> list[Entry]:
        """Entries whose source or renderings contain ``term`` (case-insensitive)."""
        needle = nfc(term).casefold()
        return [e for e in self.entries.values()
                if needle in e.source.casefold() or any(needle in t.casefold() for t in e.targets)]


# --- longer Chinese words around a term ------------------------------------------------------------
#
# 老婆 is a term, and in 老婆婆 (an old woman) it is not the word: a longer dictionary word covering
# the match wins, as the longest glossary entry already does. The words come from jieba's dictionary
# (frequency >= 20, so rare compounds do not hide terms); a word that only repeats the term (妈妈)
# is the term.

_MIN_FREQ = 20
_LONGEST = 6


def _covered(text: str, start: int, end: int, term: str, entries: set[str]) -> bool:
    """Whether a longer dictionary word (not a glossary entry, not the term repeated) covers text[start:end]."""
    from ..lexicon import chinese

    words = chinese()  # jieba's dictionary (subloc.lexicon, cached); a word's value is its frequency
    for begin in range(max(0, start - _LONGEST + 1), start + 1):
        found = words.bucket_of(text[begin:begin + 2])  # (a covering word has two characters or more)
        for stop in range(max(end, begin + end - start + 1), min(len(text), begin + _LONGEST) + 1):
            word = text[begin:stop]
            freq = found.get(word)
            if freq is None:
                break  # no word starts with this text (the dictionary has every word's prefixes)
            if freq >= _MIN_FREQ and word not in entries and word != term * (len(word) // len(term)):
                return True
    return False


_spaced = lru_cache(maxsize=4096)(spaced)  # asked for every hit of every cue: once per term


@lru_cache(maxsize=4096)
def _han_term(source: str) -> bool:
    """A term written in Han characters (not in a spaced script): the longer-word test applies."""
    return not spaced(source) and any("\u3400" <= ch <= "\u9fff" for ch in source)


def _not_inside_longer_words(text: str, candidates: list[Match]) -> list[Match]:
    entries = {m.entry.source for m in candidates}
    return [m for m in candidates
            if not _han_term(m.entry.source) or not _covered(text, m.start, m.end, m.entry.source, entries)]
