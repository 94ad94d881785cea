"""The fixer: text repairs, splits, then the timing passes to a fixed point; what is left is reported.

What a localizer otherwise does by hand after machine translation:

* text hygiene: NFC, zero-width and control characters removed, spaces trimmed and collapsed, ``...``
  made an ellipsis (``……`` in Chinese), half-width punctuation next to Hanzi made full-width, speaker
  dashes in the language's style;
* line breaking to the profile, balanced, never inside a word (Thai by dictionary segmentation, Chinese
  by characters with the line-start/line-end prohibitions, Latin scripts at spaces);
* timing, cue order kept: overlaps and gaps under the minimum removed, gaps from 3 frames to ½ s closed
  to the minimum, short and fast cues extended into free time, cues that are too long or hold more text
  than two lines split at a sentence or phrase boundary with times in proportion to the text, tiny
  fragments merged into a neighbour.

No start or end moves by more than ``tolerance`` ms. What cannot be fixed safely (too fast even with
all the free time around it, no boundary to split at) is reported and left as it is. Running ``fix``
twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..linebreak import fits
from ..model import Track
from ..profiles import Profile
from ..project import Project
from ..qa import Rule, all_rules, check_track
from ..scripts import strip_markup
from ..timecode import format_clock
from .model import Change, FixResult, WorkCue
from .text import clean_text, needs_rewrap, rewrap, split_cue
from .timing import TimingRepairs


class Fixer(TimingRepairs):
    def __init__(self, profile: Profile, tolerance: int = 1000, *, rules: Sequence[type[Rule]] | None = None,
                 severity: dict[str, str] | None = None) -> None:
        super().__init__(profile, tolerance)
        # The checker's view of what is a problem: the project's rules and severities (default: all, as declared).
        self.rules = list(rules) if rules is not None else list(all_rules().values())
        self.severity = severity or {}

    def fix(self, track: Track) -> FixResult:
        items = [WorkCue(c, i, c.start, c.end) for i, c in enumerate(track.cues)]
        self._text(items)
        items = self._split(items)
        for _ in range(8):  # to a fixed point: one fix can make room for or need another
            before = [(i.cue.start, i.cue.end, i.cue.text) for i in items]
            self._overlaps(items)
            self._gaps(items)
            self._durations(items)
            self._close_gaps(items)
            items = self._merge(items)
            if before == [(i.cue.start, i.cue.end, i.cue.text) for i in items]:
                break
        self._report_unfixable(items)
        return FixResult(track.with_cues([i.cue for i in items]), self._dedupe(),
                         [(i.origin, *i.merged) for i in items])

    def _dedupe(self) -> list[Change]:
        seen, out = set(), []
        for change in self.changes:
            key = (change.cue, change.code, change.message, change.fixed)
            if key not in seen:
                seen.add(key)
                out.append(change)
        return out

    # text and layout
    def _text(self, items: list[WorkCue]) -> None:
        for item in items:
            text = item.cue.text
            cleaned = clean_text(text, self.profile)
            if cleaned != text:
                item.cue = replace(item.cue, text=cleaned)
                self.note(item, "L105", "cleaned whitespace, invisible characters, ellipses, punctuation or dashes")
            if needs_rewrap(item.cue.text, self.profile):
                new, problem = rewrap(item.cue.text, self.profile)
                if not problem and new != item.cue.text:
                    item.cue = replace(item.cue, text=new)
                    self.note(item, "L101", f"lines re-broken: {new.replace(chr(10), ' / ')!r}")

    def _split(self, items: list[WorkCue]) -> list[WorkCue]:
        """Split until every piece is short enough, or no safe split is left."""
        for _ in range(6):
            before = len(items)
            items = self._split_once(items)
            if len(items) == before:
                break
        return items

    def _split_once(self, items: list[WorkCue]) -> list[WorkCue]:
        out: list[WorkCue] = []
        for index, item in enumerate(items):
            cue = item.cue
            lines = [strip_markup(line) for line in cue.text.split("\n")]
            too_long = cue.end - cue.start > self.profile.max_duration_ms
            overfull = not fits(lines, self.profile)
            if not (too_long or overfull):
                out.append(item)
                continue
            parts = split_cue(cue, self.profile)
            later = items[index + 1].cue.start if index + 1 < len(items) else None
            if parts is None or any(p.end - p.start < self.profile.min_duration_ms for p in parts) or \
                    (later is not None and parts[1].start > later):
                out.append(item)  # no safe split: the final check reports what is left
                continue
            code = "T105" if too_long else "L102"
            self.note(item, code, f"split in two at {format_clock(parts[0].end)} at a sentence or phrase boundary")
            out.extend(WorkCue(p, item.origin, p.start, p.end) for p in parts)
        return out

    def _report_unfixable(self, items: list[WorkCue]) -> None:
        """Whatever the checker still calls an error, among the fixable rules, is reported as not fixed with
        the rule's own hint for a person."""
        rules = [cls for cls in self.rules if cls.fixable]
        track = Track(cues=tuple(i.cue for i in items), language=self.profile.language)
        for f in check_track(track, self.profile, rules=rules, severity=self.severity):
            if f.severity == "error":
                item = items[f.cue - 1]
                hint = all_rules()[f.code].manual_hint
                self.note(item, f.code, f"{f.message.split(': ', 1)[0]}: {hint}", fixed=False)


def fix_track(track: Track, profile: Profile | None = None, tolerance: int = 1000, *, project: Project | None = None,
              path: str | None = None, language: str | None = None) -> FixResult:
    """Fix a track for a profile, or for its project: the project's profile (limits applied) and its rule
    selection and severities decide what is still a problem afterwards, as ``check`` would."""
    if project is None:
        if profile is None:
            raise TypeError("fix_track needs a profile or a project")
        return Fixer(profile, tolerance).fix(track)
    if profile is None:
        profile = project.profile(project.language_of(track, language)[0])
    return Fixer(profile, tolerance, rules=project.rules(path or track.path),
                 severity=project.severity).fix(track)
