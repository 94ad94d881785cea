"""What a rule sees: the track, its profile, the source track and glossary, and cached measures."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property
from typing import Any

from ..model import Cue, Track
from ..profiles import Profile
from ..scripts import count_lines, strip_markup
from .findings import Finding, RuleInfo, Severity


class CheckContext:
    """One track under check. Measures are computed once and shared by all rules."""

    def __init__(self, track: Track, profile: Profile, *, path: str | None = None, source: Track | None = None,
                 glossary: Any = None, language_declared: bool = True, series: Any = None) -> None:
        self.track = track
        self.cues: tuple[Cue, ...] = track.cues
        self.profile = profile
        self.language = profile.language
        self.language_declared = language_declared
        self.path = path or track.path or "<string>"
        self.source = source
        self.glossary = glossary
        self.series = series  # series.toml: characters, genders, how they address each other

    # --- measures ------------------------------------------------------------------------------

    @cached_property
    def joined(self) -> tuple[str, list[int]]:
        """Every cue's text, joined by newlines, and where each cue starts in it: a rule looking for a rare
        problem searches the whole track once and reads only the cues :meth:`cues_matching` names."""
        starts, position = [], 0
        for cue in self.cues:
            starts.append(position)
            position += len(cue.text) + 1
        return "\n".join(cue.text for cue in self.cues), starts

    def cues_matching(self, pattern: re.Pattern[str], needles: str | tuple[str, ...] = ()) -> list[int]:
        """The indices of the cues where ``pattern`` (which must not match across a newline) matches.
        ``needles``: strings (or characters) of which every match holds one: a track without any is
        passed over by ``in`` tests, without a regex scan."""
        text, starts = self.joined
        if needles and not any(needle in text for needle in needles):
            return []
        out: list[int] = []
        for match in pattern.finditer(text):
            index = bisect_right(starts, match.start()) - 1
            if not out or out[-1] != index:
                out.append(index)
        return out

    @cached_property
    def visible_lines(self) -> list[list[str]]:
        """Each cue's lines without markup (what a viewer reads)."""
        # (a cue without "<", "{" or "&" has no markup: its lines are split, not stripped one by one)
        return [[strip_markup(line) for line in text.split("\n")] if "<" in text or "{" in text or "&" in text
                else text.split("\n") for text in [cue.text for cue in self.cues]]

    @cached_property
    def line_lengths(self) -> list[list[float]]:
        visible = self.visible_lines
        flat = count_lines([line for lines in visible for line in lines], self.language)
        out, at = [], 0
        for lines in visible:
            out.append(flat[at:at + len(lines)])
            at += len(lines)
        return out

    @cached_property
    def lengths(self) -> list[float]:
        return [sum(lengths) for lengths in self.line_lengths]

    @cached_property
    def pairs(self) -> list[tuple[int, int]]:
        """(target index, source index) pairs: by position when the counts agree, else by time overlap."""
        if self.source is None:
            return []
        src = self.source.cues
        if len(src) == len(self.cues):
            return [(i, i) for i in range(len(self.cues))]
        pairs, j = [], 0
        for i, cue in enumerate(self.cues):
            best, best_overlap = None, 0
            while j < len(src) and src[j].end <= cue.start:
                j += 1
            k = j
            while k < len(src) and src[k].start < cue.end:
                overlap = min(src[k].end, cue.end) - max(src[k].start, cue.start)
                if overlap > best_overlap:
                    best, best_overlap = k, overlap
                k += 1
            if best is not None:
                pairs.append((i, best))
        return pairs

    @cached_property
    def glossary_matches(self) -> list[tuple[int, int, Any]]:
        """(target index, source index, entry) for every glossary term of each paired source cue."""
        if self.glossary is None or self.source is None:
            return []
        out = []
        for i, j in self.pairs:
            for match in self.glossary.match(strip_markup(self.source.cues[j].text)):
                out.append((i, j, match.entry))
        return out

    @cached_property
    def detected(self):  # type: ignore[no-untyped-def]
        from ..langid import detect_track

        return detect_track(self.track)

    # --- findings ------------------------------------------------------------------------------

    def finding(self, rule: RuleInfo | type[RuleInfo], index: int, message: str, severity: Severity | None = None) -> Finding:
        cue = self.cues[index]
        return Finding.of(rule.code, rule.name, severity or rule.severity, self.path, cue.line or index + 1, index + 1,
                          cue.start, cue.end, message)

    def file_finding(self, rule: RuleInfo | type[RuleInfo], message: str, severity: Severity | None = None) -> Finding:
        first = self.cues[0] if self.cues else None
        return Finding(code=rule.code, name=rule.name, severity=severity or rule.severity, file=self.path,
                       line=first.line if first and first.line else 1, cue=1 if first else 0,
                       start_ms=first.start if first else 0, end_ms=first.end if first else 0, message=message)
