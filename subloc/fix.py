"""Safe automatic repairs for the target profile, each one reported.

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

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace

from .languages import script_family
from .linebreak import break_problem, fits, join_lines, wrap
from .model import Cue, Track
from .placement import leading_an, region_of
from .profiles import Profile
from .scripts import ZERO_WIDTH, cue_length, strip_markup
from .segments import split_markup
from .timecode import format_clock

_INVISIBLE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + r"\x00-\x08\x0b-\x1f\x7f]")
_TAG = re.compile(r"<[^<>\n]+>|\{\\[^{}\n]*\}")
_DASH_LINE = re.compile(r"^\s*[-–—]\s*")
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_HAN = r"[\u3400-\u9fff]"
_WORDY = re.compile(r"[^\W\d_]|\d")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*")
_PHRASE_END = re.compile(r"(?<=[,;:，、；：])\s*")


@dataclass(frozen=True)
class Change:
    cue: int  # 1-based position in the input
    line: int  # source line of the cue (0 if unknown)
    code: str  # the rule the change answers (T106, L101…) or "-" for hygiene without a rule
    message: str
    fixed: bool = True  # False: reported, not changed

    def __str__(self) -> str:
        status = "fixed" if self.fixed else "not fixed"
        return f"cue {self.cue}: {self.code} {status}: {self.message}"


@dataclass
class _Cue:
    cue: Cue
    origin: int  # index in the input (for reports)
    orig_start: int
    orig_end: int
    merged: tuple[int, ...] = ()  # inputs merged into this cue


@dataclass
class FixResult:
    track: Track
    changes: list[Change] = field(default_factory=list)
    origins: list[tuple[int, ...]] = field(default_factory=list)  # input cue indices behind each output cue

    @property
    def changed(self) -> bool:
        return any(c.fixed for c in self.changes)

    @property
    def unfixed(self) -> list[Change]:
        return [c for c in self.changes if not c.fixed]


def _region(cue: Cue) -> str:
    return region_of(cue.text, cue.settings)


# --- text ---------------------------------------------------------------------------------------

def clean_text(text: str, profile: Profile) -> str:
    """Hygiene: NFC, invisible characters out, spaces trimmed and single, ellipses, punctuation, dashes."""
    family = script_family(profile.language)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    lines = [" ".join(line.replace("\u3000", " ").split()) if family != "cjk" else line.strip(" \t")
             for line in text.split("\n")]
    if family == "cjk":
        lines = [re.sub(r"(?<=\S)  +(?=\S)", " ", line) for line in lines]
    text = "\n".join(line for line in lines if line.strip() or len(lines) == 1)
    if family == "cjk":
        text = re.sub(r"\.\.\.+|…(?!…)(?<!…)", "……", text)
        text = re.sub(rf"(?<={_HAN})[,?!:;]|[,?!:;](?={_HAN})", lambda m: _HALF_TO_FULL[m.group(0)], text)
    else:
        text = re.sub(r"\.\.\.+", "…", text)
    dialogue = text.split("\n")
    if len(dialogue) >= 2 and sum(1 for line in dialogue if _DASH_LINE.match(strip_markup(line))) >= 2:
        dash = profile.dialogue_dash
        text = "\n".join(_DASH_LINE.sub(dash, line, count=1) if _DASH_LINE.match(line) else line
                         for line in dialogue)
    return text


def _split_markup(text: str) -> tuple[str, str, str] | None:
    """(prefix, body, wrapper) when the body has no inline markup; None when it does."""
    prefix, body, wrapper = split_markup(text)
    return None if _TAG.search(body) else (prefix, body, wrapper)


def _join(prefix: str, lines: list[str], wrapper: str) -> str:
    body = "\n".join(lines)
    return prefix + (f"<{wrapper}>{body}</{wrapper}>" if wrapper else body)


def rewrap(text: str, profile: Profile) -> tuple[str, str | None]:
    """The text laid out to the profile, and why it could not be (None when fine)."""
    parts = _split_markup(text)
    if parts is None:
        return text, "inline markup inside the text: break the lines by hand"
    prefix, body, wrapper = parts
    lines = body.split("\n")
    if len(lines) >= 2 and all(_DASH_LINE.match(line) for line in lines):
        return text, None if fits(lines, profile) else "a speaker line is too long for one line: shorten it"
    flat = join_lines(lines, profile.language)
    new = wrap(flat, profile)
    return _join(prefix, new, wrapper), None


def _needs_rewrap(text: str, profile: Profile) -> bool:
    """Over the hard limit, one line over the soft limit, or a line break the checker calls an error."""
    from .scripts import count

    lines = [strip_markup(line) for line in text.split("\n")]
    if not fits(lines, profile):
        return True
    if len(lines) == 1 and count(lines[0], profile.language) > profile.cpl_soft:
        return True
    return any((problem := break_problem(lines[n - 1], lines[n], profile.language)) and problem[1] == "error"
               for n in range(1, len(lines)))


# --- splitting ------------------------------------------------------------------------------------

def _split_points(text: str) -> list[int]:
    """Candidate split offsets in flat text: sentence ends first, then phrase ends."""
    points = [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    if not points:
        points = [m.end() for m in _PHRASE_END.finditer(text) if 0 < m.end() < len(text)]
    return points


def split_cue(cue: Cue, profile: Profile) -> list[Cue] | None:
    """Two cues at the sentence or phrase boundary nearest the middle, times in proportion to the text."""
    parts = _split_markup(cue.text)
    if parts is None:
        return None
    prefix, body, wrapper = parts
    lines = body.split("\n")
    if len(lines) >= 2 and all(_DASH_LINE.match(line) for line in lines):
        first, second = lines[: len(lines) // 2], lines[len(lines) // 2:]
        first_text, second_text = "\n".join(first), "\n".join(second)
    else:
        flat = join_lines(lines, profile.language)
        points = _split_points(flat)
        if not points:
            return None
        middle = len(flat) / 2
        at = min(points, key=lambda p: abs(p - middle))
        first_text, second_text = flat[:at].strip(), flat[at:].strip()
        if not _WORDY.search(first_text) or not _WORDY.search(second_text):
            return None  # a piece with nothing to read (just punctuation) is not a cue
    a = cue_length(first_text, profile.language)
    b = cue_length(second_text, profile.language)
    gap = profile.min_gap_ms
    span = cue.end - cue.start - gap
    if span <= 0 or a + b <= 0:
        return None
    cut = cue.start + round(span * a / (a + b))
    one = replace(cue, end=cut, text=_join(prefix, wrap(first_text, profile) if "\n" not in first_text
                                           else first_text.split("\n"), wrapper))
    two = replace(cue, start=cut + gap, text=_join(prefix, wrap(second_text, profile) if "\n" not in second_text
                                                   else second_text.split("\n"), wrapper),
                  ident=(cue.ident + "b") if cue.ident else "")
    return [one, two]


# --- the fixer ------------------------------------------------------------------------------------

class Fixer:
    def __init__(self, profile: Profile, tolerance: int = 1000) -> None:
        self.profile = profile
        self.tolerance = tolerance
        self.changes: list[Change] = []

    def note(self, item: _Cue, code: str, message: str, fixed: bool = True) -> None:
        self.changes.append(Change(item.origin + 1, item.cue.line, code, message, fixed))

    def fix(self, track: Track) -> FixResult:
        items = [_Cue(c, i, c.start, c.end) for i, c in enumerate(track.cues)]
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
    def _text(self, items: list[_Cue]) -> None:
        for item in items:
            text = item.cue.text
            cleaned = clean_text(text, self.profile)
            if cleaned != text:
                item.cue = replace(item.cue, text=cleaned)
                self.note(item, "L105", "cleaned whitespace, invisible characters, ellipses, punctuation or dashes")
            if _needs_rewrap(item.cue.text, self.profile):
                new, problem = rewrap(item.cue.text, self.profile)
                if not problem and new != item.cue.text:
                    item.cue = replace(item.cue, text=new)
                    self.note(item, "L101", f"lines re-broken: {new.replace(chr(10), ' / ')!r}")

    def _split(self, items: list[_Cue]) -> list[_Cue]:
        """Split until every piece is short enough, or no safe split is left."""
        for _ in range(6):
            before = len(items)
            items = self._split_once(items)
            if len(items) == before:
                break
        return items

    def _split_once(self, items: list[_Cue]) -> list[_Cue]:
        out: list[_Cue] = []
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
            out.extend(_Cue(p, item.origin, p.start, p.end) for p in parts)
        return out

    # timing
    def _overlaps(self, items: list[_Cue]) -> None:
        gap = self.profile.min_gap_ms
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            if _region(a) != _region(b) or b.start >= a.end or b.start < a.start:
                continue
            new_end = b.start - gap
            if new_end - a.start >= self.profile.min_duration_ms and prev.orig_end - new_end <= self.tolerance:
                prev.cue = replace(a, end=new_end)
                self.note(prev, "T102", f"end moved from {format_clock(a.end)} to {format_clock(new_end)} to stop "
                                        f"overlapping cue {item.origin + 1}")

    def _gaps(self, items: list[_Cue]) -> None:
        gap = self.profile.min_gap_ms
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            space = b.start - a.end
            if 0 <= space < gap and b.start >= a.start and _region(a) == _region(b):
                new_end = b.start - gap
                if new_end - a.start >= min(self.profile.min_duration_ms, a.end - a.start) and \
                        abs(prev.orig_end - new_end) <= self.tolerance:
                    prev.cue = replace(a, end=new_end)
                    self.note(prev, "T106", f"end moved from {format_clock(a.end)} to {format_clock(new_end)} for "
                                            f"the {gap} ms minimum gap")

    def _room_after(self, items: list[_Cue], index: int) -> int:
        """The latest this cue may end: before the next cue in its region, within the tolerance."""
        item = items[index]
        # Keep back enough of the tolerance to close a short gap after it later in the same run, so that
        # a second run finds nothing left to do.
        reserve = self.profile.close_gap_ms if self.tolerance > self.profile.close_gap_ms else self.tolerance // 2
        limit = item.orig_end + self.tolerance - reserve
        for later in items[index + 1:]:
            if _region(later.cue) == _region(item.cue):
                limit = min(limit, later.cue.start - self.profile.min_gap_ms)
                break
        return limit

    def _room_before(self, items: list[_Cue], index: int) -> int:
        item = items[index]
        limit = item.orig_start - self.tolerance // 2
        if index:
            limit = max(limit, items[index - 1].cue.start)  # never before the cue above it: order is kept
        for earlier in reversed(items[:index]):
            if _region(earlier.cue) == _region(item.cue):
                limit = max(limit, earlier.cue.end + self.profile.min_gap_ms)
                break
        return max(0, limit)

    def _durations(self, items: list[_Cue]) -> None:
        """Cues under the hard minimum or over the maximum reading speed get free time around them:
        enough for the comfortable limits if there is room. A cue that cannot reach even the hard limits
        is left as it is (and reported at the end): stretching it part way would only hide the problem."""
        p = self.profile
        for index, item in enumerate(items):
            cue = item.cue
            duration = cue.end - cue.start
            length = cue_length(cue.text, p.language)
            too_short = 0 < duration < p.min_duration_ms
            too_fast = duration > 0 and length * 1000 / duration > p.cps_error
            if not (too_short or too_fast):
                continue
            hard = max(p.min_duration_ms, math.ceil(length * 1000 / p.cps_error))  # ceil: 11.002 chars/s is over 11
            want = min(max(p.min_duration_warn_ms, math.ceil(length * 1000 / p.cps_warn)), p.max_duration_ms)
            latest, earliest = self._room_after(items, index), self._room_before(items, index)
            # Plan against every constraint at once (the next cue's start included, even if this cue
            # overlaps it now), so that no later step undoes part of the plan: all or nothing.
            end = min(max(cue.end, cue.start + want), latest)
            start = cue.start
            if end - start < want:
                start = min(cue.start, max(earliest, end - want))
            if end - start < hard or end - start > p.max_duration_ms or end < start or (start, end) == (cue.start, cue.end):
                continue  # not fixable within the free time and the tolerance: reported later
            item.cue = replace(cue, start=start, end=end)
            self.note(item, "T107" if too_fast else "T104",
                      f"times {format_clock(cue.start)}–{format_clock(cue.end)} → "
                      f"{format_clock(start)}–{format_clock(end)} (into free time)")

    def _close_gaps(self, items: list[_Cue]) -> None:
        p = self.profile
        for prev, item in zip(items, items[1:]):
            a, b = prev.cue, item.cue
            space = b.start - a.end
            if p.close_gap_from_ms <= space < p.close_gap_ms and _region(a) == _region(b):
                new_end = b.start - p.min_gap_ms
                if new_end - prev.orig_end <= self.tolerance and new_end - a.start <= p.max_duration_ms:
                    prev.cue = replace(a, end=new_end)
                    self.note(prev, "T106", f"end moved from {format_clock(a.end)} to {format_clock(new_end)}, closing "
                                            f"a {space} ms gap to {p.min_gap_ms} ms")

    def _merge(self, items: list[_Cue]) -> list[_Cue]:
        """A fragment still under the hard minimum joins its neighbour when the result fits the profile."""
        p = self.profile
        out: list[_Cue] = []
        for index, item in enumerate(items):
            cue = item.cue
            later = items[index + 1].cue.start if index + 1 < len(items) else None
            if out and cue.end - cue.start < p.min_duration_ms and _split_markup(cue.text) is not None and \
                    (later is None or later >= max(cue.end, out[-1].cue.end) + p.min_gap_ms):
                prev = out[-1]
                a = prev.cue
                if _region(a) == _region(cue) and 0 <= cue.start - a.end <= p.close_gap_ms and \
                        _split_markup(a.text) is not None and not leading_an(cue.text):
                    text = join_lines([*strip_markup(a.text).split("\n"), *strip_markup(cue.text).split("\n")],
                                      p.language)
                    merged = replace(a, end=cue.end, text="\n".join(wrap(text, p)))
                    lines = [strip_markup(line) for line in merged.text.split("\n")]
                    cps = cue_length(merged.text, p.language) * 1000 / max(1, merged.end - merged.start)
                    if fits(lines, p) and cps <= p.cps_error and merged.end - merged.start <= p.max_duration_ms \
                            and _split_markup(a.text) == ("", a.text, ""):
                        prev.cue = merged
                        prev.merged = (*prev.merged, item.origin, *item.merged)
                        prev.orig_end = max(prev.orig_end, item.orig_end)  # the tolerance counts from the fragment
                        self.note(item, "T104", f"merged into cue {prev.origin + 1} (a {cue.end - cue.start} ms fragment)")
                        continue
            out.append(item)
        return out

    def _report_unfixable(self, items: list[_Cue]) -> None:
        """Whatever the checker still finds among the rules fix answers is reported as not fixed."""
        from .qa import all_rules, check_track

        rules = [cls for code, cls in all_rules().items() if code in FIXES]
        track = Track(cues=tuple(i.cue for i in items), language=self.profile.language)
        hints = {"T107": "shorten the text", "T104": "merge it or re-time it by hand",
                 "T105": "split it by hand", "L101": "shorten the text", "L102": "shorten the text",
                 "T102": "re-time it by hand", "T106": "re-time it by hand", "L104": "break the lines by hand"}
        for f in check_track(track, self.profile, rules=rules):
            if f.severity == "error":
                item = items[f.cue - 1]
                self.note(item, f.code, f"{f.message.split(': ', 1)[0]}: {hints.get(f.code, 'fix it by hand')}",
                          fixed=False)


def fix_track(track: Track, profile: Profile, tolerance: int = 1000) -> FixResult:
    return Fixer(profile, tolerance).fix(track)


# Rules whose findings fix promises to leave behind, except for cues it reports as not fixed.
FIXES = ("T102", "T104", "T105", "T106", "T107", "L101", "L102", "L104", "L105", "L108")
