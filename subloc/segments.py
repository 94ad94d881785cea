"""From cues to translation units and back.

A cue becomes one unit (its lines joined: Chinese line breaks are layout, not meaning), or, for a
two-speaker cue (every line starts with a dash), one unit per speaker line. Markup is kept aside and
put back: a leading ``{\\anN}`` (on-screen text at the top), a tag pair wrapping the whole cue
(``<i>…</i>``); inline tags travel inside the unit as placeholders. After translation, each cue is
laid out for the target profile: human line breaks are kept when they fit, otherwise the text is
re-wrapped by the script-aware line breaker; speaker lines get the target's dash style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .linebreak import fits, join_lines, wrap
from .model import Cue, Track
from .profiles import Profile
from .tm import normalize

_LEADING_OVERRIDE = re.compile(r"^(\{\\[^{}]*\})+")
_WRAPPER = re.compile(r"^<(i|b|u)>(.*)</\1>$", re.DOTALL)
DASH = re.compile(r"^\s*[-–—]\s*")
_INLINE_TAG = re.compile(r"<[^<>\n]+>|\{\\[^{}\n]*\}")


@dataclass(frozen=True)
class CuePlan:
    """How a cue was taken apart: what goes to translation and what is put back around it."""

    prefix: str  # leading {\anN}
    wrapper: str  # "i" for a cue wrapped in <i>…</i>
    dialogue: bool  # one unit per speaker line
    units: tuple[str, ...]  # texts to translate (normalized; inline tags still in them)


def split_markup(text: str) -> tuple[str, str, str]:
    """(leading override such as {\\an8}, body, name of a tag pair wrapping the whole body or "")."""
    prefix = ""
    match = _LEADING_OVERRIDE.match(text)
    if match:
        prefix, text = match.group(0), text[match.end():]
    wrapper = ""
    match = _WRAPPER.match(text)
    if match and "<" not in match.group(2):
        wrapper, text = match.group(1), match.group(2)
    return prefix, text, wrapper


def is_dialogue(lines: list[str]) -> bool:
    """Two or more lines, each starting with a speaker dash."""
    return len(lines) >= 2 and all(DASH.match(line) for line in lines)


def plan_cue(text: str, source_language: str) -> CuePlan:
    prefix, text, wrapper = split_markup(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return CuePlan(prefix, wrapper, False, ())
    if is_dialogue(lines):
        return CuePlan(prefix, wrapper, True, tuple(normalize(DASH.sub("", line, count=1)) for line in lines))
    return CuePlan(prefix, wrapper, False, (normalize(join_lines(lines, source_language)),))


def plan_track(track: Track, source_language: str) -> list[CuePlan]:
    return [plan_cue(cue.text, source_language) for cue in track.cues]


def layout(translations: list[str], plan: CuePlan, profile: Profile, protect: tuple[str, ...] = ()) -> str:
    """The target cue text from the unit translations, laid out for the profile."""
    if not plan.units:
        return plan.prefix
    if plan.dialogue:
        dash = profile.dialogue_dash
        lines = [dash + " ".join(t.split()) for t in translations]
    else:
        text = translations[0].strip()
        human = [line.strip() for line in text.split("\n") if line.strip()]
        if len(human) > 1 and fits(human, profile):
            lines = human
        else:
            lines = wrap(join_lines(human, profile.language), profile, protect=protect)
    body = "\n".join(lines)
    if plan.wrapper:
        body = f"<{plan.wrapper}>{body}</{plan.wrapper}>"
    return plan.prefix + body


def build_track(source: Track, plans: list[CuePlan], translations: dict[str, str], profile: Profile,
                language: str, protect: tuple[str, ...] = (),
                per_unit: dict[tuple[int, int], str] | None = None) -> Track:
    """The translated track: the source's timing, ids and settings with laid-out target text.

    ``protect`` lists strings (glossary renderings) that line breaks should not split. ``per_unit``
    gives the translation of one occurrence, ``(cue index, unit index)``, ahead of ``translations``.
    """
    cues: list[Cue] = []
    per_unit = per_unit or {}
    for index, (cue, plan) in enumerate(zip(source.cues, plans)):
        texts = [per_unit[(index, u)] if (index, u) in per_unit else translations[unit]
                 for u, unit in enumerate(plan.units)]
        cues.append(replace(cue, text=layout(texts, plan, profile, protect), line=0))
    metadata = tuple(line for line in source.metadata if not line.lower().startswith("language:"))
    if source.format == "vtt":
        metadata = (*metadata, f"Language: {language}")
    return replace(source, cues=tuple(cues), language=language, metadata=metadata, notices=(), path=None,
                   encoding="utf-8", bom=False, newline="\n")


def inline_tags(text: str) -> list[str]:
    return _INLINE_TAG.findall(text)
