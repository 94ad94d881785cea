"""X: what a line says about its speaker: Thai polite particles, Vietnamese pronoun pairs (series.toml)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ...patterns import lazy
from ...scripts import strip_markup
from ..context import CheckContext
from ..model import Finding, Rule, register

_VOICE = lazy(r"<v(?:\.[\w.-]+)?\s+([^<>]+?)\s*>")
_DASH = lazy(r"^\s*[-–—]\s*")
_TRAILING = lazy(r"[\s.,!?…~\"'”’)）!?。！？]+$")
_FEMALE_ENDINGS = ("ค่ะ", "คะ", "ขา")
_MALE_ENDINGS = ("ครับ", "ครับผม")
_VI_PRONOUNS = ("tôi", "anh", "em", "chị", "cô", "chú", "bác", "ông", "bà", "mày", "tao", "mình", "cậu", "tớ",
                "con", "cháu", "ngài")
_VI_WORD = lazy(r"(?<![\w])(" + "|".join(_VI_PRONOUNS) + r")(?![\w])", re.IGNORECASE)

_SERIES = """
[series]
title = "The CEO's Stand-in Bride"
[[characters]]
key = "su-wan"
name = "苏晚"
gender = "female"
[characters.names]
th = "ซูหว่าน"
vi = "Tô Vãn"
[[characters.addresses]]
to = "gu-tingshen"
zh = "顾总|老公"
note = "formal 顾总 at first; 老公 from episode 4"
[[characters]]
key = "gu-tingshen"
name = "顾霆深"
gender = "male"
[characters.names]
th = "กู้ถิงเซิน"
vi = "Cố Đình Thâm"
"""


def _character(series: Any, name: str) -> Any:
    for c in series.characters:
        if name == c.name or name in c.names.values():
            return c
    return None


def speaker_lines(ctx: CheckContext) -> list[tuple[int, str, Any]]:
    """(cue index, visible line, character) for every line whose speaker series.toml knows: from a voice
    span (``<v 苏晚>``) or a ``Name: `` prefix in the target or source name."""
    out = []
    if ctx.series is None:
        return out
    for i, cue in enumerate(ctx.cues):
        current = None
        for raw in cue.text.split("\n"):
            voice = _VOICE.search(raw)
            line = _DASH.sub("", strip_markup(raw)).strip()
            who = _character(ctx.series, voice.group(1).strip()) if voice else None
            if who is None and ": " in line:
                named = _character(ctx.series, line.split(": ", 1)[0])
                if named is not None:
                    who, line = named, line.split(": ", 1)[1]
            if who is None and not _DASH.match(strip_markup(raw)):
                who = current  # a wrapped line goes on with the same speaker
            current = who
            if who is not None and line:
                out.append((i, line, who))
    return out


@register
class ParticleGender(Rule):
    """A Thai line ends with the polite particle of the other gender.

    What it does: with speakers known (WebVTT voice spans such as ``<v 苏晚>`` or ``Name: `` prefixes,
    and the character's gender in series.toml), flags a line of a female character that ends in ครับ
    (or ครับผม), and a line of a male character that ends in ค่ะ, คะ or ขา.
    Why it matters: Thai speakers mark their own gender at the end of polite sentences; a heroine who
    says ครับ reads as a translation error (the model guessed the speaker, or one translation of a line
    was reused for a character of the other gender).
    """

    code, name, severity = "X107", "particle-gender", "error"
    summary = "a Thai polite particle of the other gender than the speaker's"
    example_lang = "th"
    example_series = _SERIES
    fail_example = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 苏晚>ฉันเซ็นสัญญาแล้วครับ\n\n"
                    "00:00:03.500 --> 00:00:05.000\n<v 顾霆深>ดีมากค่ะ\n")
    pass_example = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 苏晚>ฉันเซ็นสัญญาแล้วค่ะ\n\n"
                    "00:00:03.500 --> 00:00:05.000\n<v 顾霆深>ดีมากครับ\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.language != "th":
            return
        for i, line, who in speaker_lines(ctx):
            end = _TRAILING.sub("", line)
            if who.gender == "female" and end.endswith(_MALE_ENDINGS):
                yield ctx.finding(self, i, f"{who.name} is female but the line ends in ครับ: {line!r}; use ค่ะ/คะ")
            elif who.gender == "male" and end.endswith(_FEMALE_ENDINGS):
                yield ctx.finding(self, i, f"{who.name} is male but the line ends in {end[-3:]!r}: {line!r}; use ครับ")


def _episode_number(path: str) -> str:
    match = re.search(r"(?:ep|e|第)\s*0*(\d+)", path.rsplit("/", 1)[-1], re.IGNORECASE)
    return match.group(1) if match else ""


@register
class PronounPairChanged(Rule):
    """A Vietnamese character changes the pronouns they use with another within an episode.

    What it does: with speakers known (voice spans or ``Name: `` prefixes and series.toml), takes the
    addressee of each line to be the other speaker of the line before or after it, and the pronouns of
    the line (tôi, anh, em, chị, cô, mày, tao…). When a character's lines to the same addressee switch to
    pronouns that share none with the ones used before in the episode (anh/em, then tôi/cô), the line is
    reported, unless the series.toml address from that character to the other gives a reason: a note
    naming one of the new pronouns or this episode ("ep 4", "episode 4").
    Why it matters: the pronoun pair says how close two people are; a switch the story does not explain
    (a line reused from another scene, or a model that lost track) jars Vietnamese viewers.
    """

    code, name, severity = "X108", "pronoun-pair-changed", "warning"
    summary = "a character's Vietnamese pronouns towards another change within the episode"
    example_lang = "vi"
    example_series = _SERIES
    fail_example = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 苏晚>Anh đừng đi, em xin anh\n\n"
                    "00:00:03.100 --> 00:00:05.000\n<v 顾霆深>Em ngủ đi\n\n"
                    "00:00:05.100 --> 00:00:07.000\n<v 苏晚>Tôi không cần ông lo\n")
    pass_example = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 苏晚>Anh đừng đi, em xin anh\n\n"
                    "00:00:03.100 --> 00:00:05.000\n<v 顾霆深>Em ngủ đi\n\n"
                    "00:00:05.100 --> 00:00:07.000\n<v 苏晚>Em không cần anh lo\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.language != "vi":
            return
        lines = speaker_lines(ctx)
        episode = _episode_number(ctx.path)
        used: dict[tuple[str, str], set[str]] = {}
        for n, (i, line, who) in enumerate(lines):
            other = None
            for m in (n - 1, n + 1):
                if 0 <= m < len(lines) and lines[m][2].key != who.key and \
                        abs(ctx.cues[lines[m][0]].start - ctx.cues[i].start) < 15000:
                    other = lines[m][2]
                    break
            pronouns = {p.lower() for p in _VI_WORD.findall(line)}
            if other is None or not pronouns:
                continue
            pair = (who.key, other.key)
            before = used.setdefault(pair, set())
            if before and not (before & pronouns) and not self._reason(who, other, pronouns, episode):
                yield ctx.finding(self, i, f"{who.name} used {'/'.join(sorted(before))} with {other.name} earlier in "
                                           f"this episode and now {'/'.join(sorted(pronouns))}: {line!r}; keep the "
                                           "pair, or give the reason in series.toml (characters.addresses note)")
            before |= pronouns

    @staticmethod
    def _reason(who: Any, other: Any, pronouns: set[str], episode: str) -> bool:
        for address in who.addresses:
            if address.to != other.key:
                continue
            note = address.note.lower()
            if any(re.search(rf"(?<!\w){p}(?!\w)", note) for p in pronouns):
                return True
            if episode and re.search(rf"(?:ep|episode)\s*0*{episode}(?!\d)", note):
                return True
        return False
