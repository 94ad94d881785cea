"""Text repairs: hygiene, line breaking to the profile, splitting a cue at a sentence or phrase boundary."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..languages import script_family
from ..linebreak import break_problem, fits, join_lines, wrap
from ..model import Cue
from ..profiles import Profile
from ..scripts import CONTROL, HAN, INVISIBLE, TAG, count, cue_length, strip_markup
from ..segments import split_markup

DASH_LINE = re.compile(r"^\s*[-–—]\s*")
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_HAN = f"[{HAN}]"
_WORDY = re.compile(r"[^\W\d_]|\d")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*")
_PHRASE_END = re.compile(r"(?<=[,;:，、；：])\s*")


def clean_text(text: str, profile: Profile) -> str:
    """Hygiene: NFC, invisible characters out, spaces trimmed and single, ellipses, punctuation, dashes."""
    family = script_family(profile.language)
    # A tab is a space to a reader: it becomes one, then every control character the checker flags goes.
    text = unicodedata.normalize("NFC", CONTROL.sub("", INVISIBLE.sub("", text.replace("\t", " "))))
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
    if len(dialogue) >= 2 and sum(1 for line in dialogue if DASH_LINE.match(strip_markup(line))) >= 2:
        dash = profile.dialogue_dash
        text = "\n".join(DASH_LINE.sub(dash, line, count=1) if DASH_LINE.match(line) else line
                         for line in dialogue)
    return text


def plain_markup(text: str) -> tuple[str, str, str] | None:
    """(prefix, body, wrapper) when the body has no inline markup; None when it does."""
    prefix, body, wrapper = split_markup(text)
    return None if TAG.search(body) else (prefix, body, wrapper)


def join_markup(prefix: str, lines: list[str], wrapper: str) -> str:
    body = "\n".join(lines)
    return prefix + (f"<{wrapper}>{body}</{wrapper}>" if wrapper else body)


def rewrap(text: str, profile: Profile) -> tuple[str, str | None]:
    """The text laid out to the profile, and why it could not be (None when fine)."""
    parts = plain_markup(text)
    if parts is None:
        return text, "inline markup inside the text: break the lines by hand"
    prefix, body, wrapper = parts
    lines = body.split("\n")
    if len(lines) >= 2 and all(DASH_LINE.match(line) for line in lines):
        return text, None if fits(lines, profile) else "a speaker line is too long for one line: shorten it"
    flat = join_lines(lines, profile.language)
    new = wrap(flat, profile)
    return join_markup(prefix, new, wrapper), None


def needs_rewrap(text: str, profile: Profile) -> bool:
    """Over the hard limit, one line over the soft limit, or a line break the checker calls an error."""
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
    parts = plain_markup(cue.text)
    if parts is None:
        return None
    prefix, body, wrapper = parts
    lines = body.split("\n")
    if len(lines) >= 2 and all(DASH_LINE.match(line) for line in lines):
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
    one = replace(cue, end=cut, text=join_markup(prefix, wrap(first_text, profile) if "\n" not in first_text
                                           else first_text.split("\n"), wrapper))
    two = replace(cue, start=cut + gap, text=join_markup(prefix, wrap(second_text, profile) if "\n" not in second_text
                                                   else second_text.split("\n"), wrapper),
                  ident=(cue.ident + "b") if cue.ident else "")
    return [one, two]

