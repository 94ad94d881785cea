"""X: language and consistency with the source track (``--source``)."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from ...languages import NAMES, script_family
from ...numbers import missing_numbers, show
from ...patterns import compiled, lazy
from ...scripts import HAN, THAI, beyond_thai_and_latin, is_thai, strip_markup
from ..context import CheckContext
from ..model import Finding, Rule, register


_LETTER = lazy(r"[^\W\d_]")


@register
class WrongLanguage(Rule):
    """The file is not in the language it declares.

    What it does: decides the language of the whole file once (scripts, then Malaysian against
    Indonesian marker words, then langdetect; see subloc/langid.py) and compares it with the declared
    language (``--lang``, the file name such as ``ep01.ms.srt``, or a WebVTT ``Language:`` header).
    Malay and Indonesian are told apart by scored markers: strong ones (mahu/mau, kerana/karena,
    awak, pejabat/kantor, nggak, udah, dah, nak…) decide, and an error needs at least two of them and
    three times as many as the other language's. Weak ones (tak, boleh, kamu, kenapa, saja: ordinary
    in both) only lean: a file whose evidence is weak or mixed and leans to the other language gets a
    warning naming the markers seen. Formal Indonesian with "tak" and "boleh", or Malay elder speech
    with "kamu" and "saja", is therefore never an error.
    Why it matters: a Malay pack with Indonesian subtitles, or an untranslated file under a Thai
    name, reaches viewers who cannot read it.
    """

    code, name, severity = "X101", "wrong-language", "error"
    summary = "the text is not in the declared language"
    example_lang = "ms"
    fail_example = ("1\n00:00:01,000 --> 00:00:03,000\nKamu nggak bisa pergi sekarang\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nAku mau uang itu besok, karena aku butuh\n")
    pass_example = ("1\n00:00:01,000 --> 00:00:03,000\nAwak tak boleh pergi sekarang\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nSaya mahu wang itu esok, kerana saya perlu\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not ctx.language_declared or not ctx.cues:
            return
        detection = ctx.detected
        declared = f"{ctx.language} ({NAMES.get(ctx.language, ctx.language)})"
        if detection.language is None and detection.lean and detection.lean != ctx.language and \
                ctx.language in detection.candidates:
            yield ctx.file_finding(self, f"declared {declared} but the text {detection.evidence}: check that the "
                                         "file is in the declared language", "warning")
            return
        verdict = detection.matches(ctx.language)
        if verdict is False:
            found = detection.language or " or ".join(detection.candidates)
            name = NAMES.get(found, found)
            yield ctx.file_finding(self, f"declared {declared} but the text reads as {name}: {detection.evidence}; fix "
                                         "the file name or --lang, or translate the file")


@register
class ForeignLanguageCue(Rule):
    """A cue is clearly in another language or script than the file.

    What it does: reads each cue on its own and flags one that is written in another script (Hangul,
    kana, Cyrillic, Arabic, or Thai in a Latin-script file and Latin letters of English in a Thai
    one), or in English, or in Malay/Indonesian inside a Vietnamese file: three or more function words
    of that language and none of the file's own. Examples: "I don't care what you think" in a Thai
    file; "Aku nggak mau pulang sama dia" in a Vietnamese one; "사랑해요 오빠" in a Malay one. Chinese
    left in a target file is X102's. Short cues, names, brands and English words inside a Malay or
    Indonesian sentence ("Sorry, saya tak sengaja") are not flagged.
    Why it matters: a line the machine translation skipped, or a line pasted from another language's
    file, is invisible in a file that otherwise passes the language check.
    """

    code, name, severity = "X106", "foreign-language-cue", "warning"
    summary = "a cue is in another language or script than the file"
    example_lang = "th"
    fail_example = ("1\n00:00:01,000 --> 00:00:03,000\nคุณกล้าดียังไง\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nI don't care what you think of me\n")
    pass_example = ("1\n00:00:01,000 --> 00:00:03,000\nคุณกล้าดียังไง\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nฉันไม่สนว่าคุณจะคิดยังไงกับฉัน\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        from ...langid import foreign_cues, may_hold_foreign_cue, other_scripts_in

        whole = ctx.joined[0]
        if not may_hold_foreign_cue(whole, ctx.language):
            return
        texts = [" ".join(lines) for lines in ctx.visible_lines]
        for i, found in foreign_cues(texts, ctx.language, other_scripts_in(whole, ctx.language)):
            yield ctx.finding(self, i, f"reads as {found}, not {NAMES.get(ctx.language, ctx.language)}: "
                                       "translate it, or check that it belongs in this file")


@register
class Untranslated(Rule):
    """A cue was left in the source language.

    What it does: flags a target cue identical to its source cue (with ``--source``), and a cue that
    still holds characters of the source script: Chinese characters in a Thai, Indonesian, Malay or
    Vietnamese file (checked with or without ``--source``).
    Why it matters: machine translation skips lines silently (refusals, timeouts, lines it thinks are
    names); viewers see Chinese where they expected their language.
    """

    code, name, severity = "X102", "untranslated", "error"
    summary = "the cue is still in the source language"
    example_lang = "th"
    needs_source = True
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n顾总，少奶奶她……\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nประธานกู้ 少奶奶……\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nประธานกู้ คุณนายน้อย…\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        family = script_family(ctx.language)
        source_family = script_family(ctx.source.language) if ctx.source is not None and ctx.source.language else "cjk"
        # (a run of Han or Thai characters, compiled when a track may hold one: a Han class costs ~2-4 ms)
        leak = f"[{HAN}]+" if source_family == "cjk" and family != "cjk" else \
            f"[{THAI}]+" if source_family == "thai" and family != "thai" else None
        flagged = set()
        if ctx.source is not None and ctx.source.language != ctx.language:
            for i, j in ctx.pairs:
                target = " ".join(ctx.visible_lines[i]).strip()
                source = strip_markup(ctx.source.cues[j].text).replace("\n", " ").strip()
                if target and target == source and _LETTER.search(target):
                    flagged.add(i)
                    yield ctx.finding(self, i, f"is identical to source cue {j + 1}: translate it")
        if leak is None:
            return
        # (a track none of whose characters is of the source script, nor "&" that may write one, is done)
        whole = ctx.joined[0]
        if "&" not in whole and (not beyond_thai_and_latin(whole) if source_family == "cjk"
                                 else not any(map(is_thai, set(whole)))):
            return
        leaked = compiled(leak).findall
        for i, lines in enumerate(ctx.visible_lines):
            if i in flagged:
                continue
            found = leaked("".join(lines))
            if found:
                yield ctx.finding(self, i, f"still holds source-script text {''.join(found)[:20]!r}: translate it")


_TAG = lazy(r"<(/?)([a-zA-Z]+)(?:[.\s][^>]*)?>|\{\\(an[1-9]|[ibu][01])\}")
_AUTO_CLOSED = {"v", "lang", "rt"}  # WebVTT closes these at the end of the cue


def _tags(text: str) -> tuple[Counter[str], list[str]]:
    """The kinds of markup in a text, and the problems of balance in it."""
    kinds: Counter[str] = Counter()
    open_stack: list[str] = []
    problems = []
    for match in _TAG.finditer(text):
        closing, name, ass = match.groups()
        if ass:
            kinds["{\\" + ass + "}"] += 1
            continue
        name = name.lower()
        if name == "br":
            continue
        kinds[f"<{name}>"] += 0 if closing else 1
        if not closing:
            open_stack.append(name)
        elif name in open_stack:
            while open_stack and open_stack[-1] != name:
                unclosed = open_stack.pop()
                if unclosed not in _AUTO_CLOSED:
                    problems.append(f"<{unclosed}> is not closed before </{name}>")
            open_stack.pop()
        else:
            problems.append(f"</{name}> closes a tag that is not open")
    problems.extend(f"<{name}> is never closed" for name in open_stack if name not in _AUTO_CLOSED)
    return kinds, problems


@register
class TagMismatch(Rule):
    """Markup is unbalanced, or the markup of the source was lost.

    What it does: flags tags opened and never closed or closed without being opened (``<i>``, ``<b>``,
    ``<u>``, ``<c>``, ``<font>``…; WebVTT's ``<v>`` may stay open), and, with ``--source``, a target
    cue that lacks tags its source cue has (``<i>``, ``{\\an8}``…).
    Why it matters: an unclosed ``<i>`` italicizes the rest of the file in some players; a lost
    ``{\\an8}`` drops on-screen text over the dialogue at the bottom of the frame.
    """

    code, name, severity = "X103", "tag-mismatch", "error"
    summary = "unbalanced tags, or tags of the source lost"
    example_lang = "id"
    needs_source = True
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n{\\an8}（三年后）\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\n(Tiga tahun kemudian)\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\n{\\an8}(Tiga tahun kemudian)\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        kinds: dict[int, Counter[str]] = {}  # the tags of each cue with markup
        for i, cue in enumerate(ctx.cues):
            if "<" not in cue.text and "{" not in cue.text:
                continue
            kinds[i], problems = _tags(cue.text)
            if problems:
                yield ctx.finding(self, i, "; ".join(problems) + ": balance the tags")
        if ctx.source is None:
            return
        for i, j in ctx.pairs:
            src_text = ctx.source.cues[j].text
            if "<" not in src_text and "{" not in src_text:
                continue
            want, _ = _tags(src_text)
            have = kinds.get(i, Counter())
            lost = [tag for tag, n in want.items() if n > have[tag]]
            if lost:
                yield ctx.finding(self, i, f"lost {', '.join(lost)} of source cue {j + 1}: put the markup back")


@register
class NumberMismatch(Rule):
    """A number of the source is missing from the translation.

    What it does: with ``--source``, every number written in digits in the source cue must be in the
    target cue with the same value: as digits, with the language's units (500万 = 5,000,000 =
    "5 ล้าน", "5 juta", "5 triệu"), or for 0–10 as a word (Thai subtitles write 1–10 in words).
    Why it matters: amounts, ages, times and room numbers drive the plot; machine translation drops
    or mis-scales them (万 is ten thousand, not a thousand).
    """

    code, name, severity = "X104", "number-mismatch", "error"
    summary = "a number of the source cue is missing from the target"
    example_lang = "vi"
    needs_source = True
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n500万手术费\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nTiền phẫu thuật 500 vạn\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nTiền phẫu thuật 5 triệu\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.source is None:
            return
        for i, j in ctx.pairs:
            source = strip_markup(ctx.source.cues[j].text)
            if not any(ch.isdigit() for ch in source):
                continue
            missing = missing_numbers(source, " ".join(ctx.visible_lines[i]), ctx.language, ctx.source.language)
            if missing:
                shown = ", ".join(show(v) for v in missing)
                yield ctx.finding(self, i, f"source cue {j + 1} has {shown}, missing here: write the same value "
                                           "(digits with units such as juta/ล้าน/triệu, or a word for 0–10)")


@register
class CueCountMismatch(Rule):
    """The translation has a different number of cues than the source.

    What it does: with ``--source``, compares the cue counts.
    Why it matters: a merged or dropped line shifts every later cue against the picture; this is the
    most common failure of LLM subtitle translators.
    """

    code, name, severity = "X105", "cue-count-mismatch", "error"
    summary = "the target has a different number of cues than the source"
    example_lang = "id"
    needs_source = True
    fail_source = ("1\n00:00:01,000 --> 00:00:02,000\n你来了？\n\n"
                   "2\n00:00:02,100 --> 00:00:03,000\n嗯\n")
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nKamu datang? Iya.\n"
    pass_source = fail_source
    pass_example = ("1\n00:00:01,000 --> 00:00:02,000\nKamu datang?\n\n"
                    "2\n00:00:02,100 --> 00:00:03,000\nIya.\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.source is None or len(ctx.source.cues) == len(ctx.cues):
            return
        yield ctx.file_finding(self, f"has {len(ctx.cues)} cues, the source has {len(ctx.source.cues)}: translate cue "
                                     "by cue (a merged or dropped line shifts every later cue)")
