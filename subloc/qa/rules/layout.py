"""L: layout rules: line length, line count, empty cues, line breaks, whitespace and Unicode."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

from ...languages import script_family
from ...linebreak import break_problem
from ...patterns import compiled, lazy
from ...scripts import CONTROL, HAN, INVISIBLE, ZERO_WIDTH, is_composed
from ..context import CheckContext
from ..model import Finding, Rule, register


@register
class LineTooLong(Rule):
    """A line has more characters than fit the screen.

    What it does: counts each line the way its script is read (Thai without tone marks and
    above/below vowels; Chinese with half-width characters as ½; Vietnamese after NFC; markup
    excluded) against the profile: a warning over the soft limit, an error over the hard limit.
    Vertical 9:16 defaults: 12/15 for Chinese, 21/25 for Thai, 25/29 for Indonesian, Malay,
    Vietnamese and English.
    Why it matters: on a 9:16 phone frame a long line is either shrunk or wrapped by the player,
    breaking where it likes and running into the app's buttons.
    """

    code, name, severity = "L101", "line-too-long", "error"
    fixable = True
    manual_hint = "shorten the text"
    options = ("cpl_soft", "cpl_hard")
    summary = "a line is longer than the profile allows"
    example_lang = "vi"
    fail_example = "1\n00:00:01,000 --> 00:00:04,000\nTôi đã ký đơn ly hôn rồi, anh hài lòng chưa?\n"
    pass_example = "1\n00:00:01,000 --> 00:00:04,000\nTôi đã ký đơn ly hôn rồi,\nanh hài lòng chưa?\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        soft, hard = ctx.profile.cpl_soft, ctx.profile.cpl_hard
        over_hard = f"over the limit of {hard:g}: break it or shorten it"  # (formatted once a track)
        over_soft = f"over {soft:g}: break it or shorten it if you can"
        for i, lengths in enumerate(ctx.line_lengths):
            for n, length in enumerate(lengths, 1):
                if length > hard:
                    yield ctx.finding(self, i, f"line {n} has {length:g} characters, {over_hard}")
                elif length > soft:
                    yield ctx.finding(self, i, f"line {n} has {length:g} characters, {over_soft}", "warning")


@register
class TooManyLines(Rule):
    """A cue has more lines than the profile allows (2).

    What it does: flags cues of three or more lines.
    Why it matters: in vertical video faces fill the frame; a third line covers them, and platforms
    cut it.
    """

    code, name, severity = "L102", "too-many-lines", "error"
    fixable = True
    manual_hint = "shorten the text"
    options = ("max_lines",)
    summary = "the cue has more lines than allowed"
    fail_example = "1\n00:00:01,000 --> 00:00:04,000\n你拿外婆\n威胁我？\n你敢！\n"
    pass_example = "1\n00:00:01,000 --> 00:00:04,000\n你拿外婆威胁我？\n你敢！\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        limit = ctx.profile.max_lines
        for i, cue in enumerate(ctx.cues):
            lines = cue.text.count("\n") + 1
            if lines > limit:
                yield ctx.finding(self, i, f"has {lines} lines, over the limit of {limit}: rebalance the text "
                                           "or split the cue")


@register
class EmptyCue(Rule):
    """A cue has no visible text.

    What it does: flags cues whose text is empty or only markup and whitespace.
    Why it matters: an empty cue blanks the screen for nothing, and after machine translation it
    usually means a line was lost.
    """

    code, name, severity = "L103", "empty-cue", "error"
    summary = "the cue has no visible text"
    fail_example = "1\n00:00:01,000 --> 00:00:02,000\n<i> </i>\n"
    pass_example = "1\n00:00:01,000 --> 00:00:02,000\n<i>好</i>\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for i, lines in enumerate(ctx.visible_lines):
            if not any(line.strip() for line in lines):
                yield ctx.finding(self, i, "has no visible text: write the line or delete the cue")


@register
class BadLineBreak(Rule):
    """A line break in the wrong place.

    What it does:
    - Thai: a break inside a word (dictionary segmentation: newmm on PyThaiNLP's words), a line that starts
      with ๆ, ฯ, ะ, า, ำ or a combining mark, or ends with a leading vowel (เ แ โ ใ ไ): errors. A
      line that ends with a preposition, the possessive or an auxiliary (อยู่ที่, ของ, ต้อง, กำลัง,
      ไม่เคย…), or a break inside an amount (สองล้านห้า / แสนบาท; a time after an amount, 300 ล้าน /
      เดือนหน้า "next month", is not its unit): warnings.
    - Chinese: a line that starts with closing punctuation (。，、；：？！）》」』”’…) or ends with
      opening punctuation (（《「『“‘): errors; a break inside a word (明 / 天, jieba's dictionary and
      algorithm; not after a digit amount's unit, 3万 / 让我, which jieba's HMM joins to the next
      character), between a number and its unit or measure word (300 / 块钱, 25 / 岁, 3 / 点), or
      before a particle (孩子 / 的抚养权, 签 / 了这份合同; not 了解, 的确, which are words): a warning.
    - Vietnamese: a break between the syllables of one word (phẫu / thuật, bà / nội; underthesea's
      word segmenter), a line that starts with a demonstrative (chuyện / này, cô / ấy) or ends with an
      auxiliary before its verb (sẽ, đang, đã, hãy, đừng, chớ, bị): warnings.
    - Latin scripts: a line that ends with an article, preposition or conjunction (the/yang/di/ke/
      dari/của…) or a split reduplication (anak-/anak), an amount cut from what it counts (duit tiga /
      bilion, uang 300 / juta, ba / trăm triệu), and an orphan (one short word alone on a line under a
      long one): warnings.
    Why it matters: a broken word or a stranded mark cannot be read at a glance; the Netflix rule is to
    break after punctuation or before a conjunction, never inside a unit of meaning.
    """

    code, name, severity = "L104", "bad-line-break", "error"
    fixable = True
    manual_hint = "break the lines by hand"
    summary = "a line break splits a word or strands punctuation"
    example_lang = "th"
    fail_example = "1\n00:00:01,000 --> 00:00:04,000\nฉันคือลูกสาวแท้\nๆ ของตระกูลซู\n"
    pass_example = "1\n00:00:01,000 --> 00:00:04,000\nฉันคือลูกสาวแท้ๆ\nของตระกูลซู\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for i, lines in enumerate(ctx.visible_lines):
            for n in range(1, len(lines)):
                problem = break_problem(lines[n - 1], lines[n], ctx.language)
                if problem:
                    text, severity = problem
                    yield ctx.finding(self, i, f"line {n + 1}: {text}", severity)  # type: ignore[arg-type]


_DOUBLE_SPACE = lazy(r"  ")
_MARKUP = "<{&"  # characters without which a cue's visible text is its raw text
_UNCLEAN = f"{''.join(sorted(ZERO_WIDTH))}\\x00-\\x09\\x0b-\\x1f\\x7f\\u0e4d{_MARKUP}"
_UNCLEAN_CHARACTER = lazy(f"[{_UNCLEAN}]")
# the spaces _MAY_BE_UNCLEAN looks for: without any of these in a track, _UNCLEAN_CHARACTER finds the same cues
_LINE_EDGE_SPACES = (" ", "\u3000", "\t")
_SPACE_NEEDLES = ("  ", "\n ", " \n", "\u3000", "\t")
_MAY_BE_UNCLEAN = lazy(rf"[{_UNCLEAN}]|  |^[ \u3000\t]|[ \u3000\t]$", re.MULTILINE)


@register
class WhitespaceOrUnicode(Rule):
    """Stray whitespace or Unicode that should not be in delivered subtitles.

    What it does: flags leading or trailing spaces on a line, double spaces, zero-width characters
    (U+200B and friends, which machine translation leaves in Thai), a byte-order mark inside the
    text, control characters, text that is not in Unicode NFC (decomposed Vietnamese doubles the
    character count and breaks glossary matching), and Thai SARA AM typed as ํ + า instead of ำ
    (NFC does not join them; they look alike and match nothing). A single space between Chinese
    clauses (你给我站住 我有话要说) is how drama subtitles separate them, and is not flagged.
    Why it matters: invisible characters change line lengths, line breaking and matching, and some
    players draw them as boxes.
    """

    code, name, severity = "L105", "whitespace-or-unicode", "warning"
    fixable = True
    summary = "stray whitespace, zero-width characters or text not in NFC"
    example_lang = "vi"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nTie\u0302\u0301ng Vie\u0323\u0302t  có dấu \n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nTiếng Việt có dấu\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        whole = ctx.joined[0]
        # A track in NFC has every cue in NFC (a newline composes with nothing): then only the cues with one
        # of the characters below can have a problem (markup: the visible line differs from the raw one).
        if whole.isascii() or unicodedata.is_normalized("NFC", whole):
            spaces = whole[:1] in _LINE_EDGE_SPACES or whole[-1:] in _LINE_EDGE_SPACES or \
                any(needle in whole for needle in _SPACE_NEEDLES)
            indices: Iterable[int] = ctx.cues_matching(_MAY_BE_UNCLEAN if spaces else _UNCLEAN_CHARACTER)
        else:
            indices = range(len(ctx.cues))
        for i in indices:
            cue = ctx.cues[i]
            problems = []
            text = cue.text
            if not text.isascii() and not unicodedata.is_normalized("NFC", text):
                problems.append("is not in Unicode NFC (normalize it)")
            elif not is_composed(text):
                problems.append("writes SARA AM as ํ + า (U+0E4D U+0E32): write ำ (U+0E33)")
            if INVISIBLE.search(text):
                problems.append("has zero-width characters (remove them)")
            if CONTROL.search(text):
                problems.append("has control characters (remove them)")
            for n, line in enumerate(ctx.visible_lines[i], 1):
                if line != line.strip(" \u3000\t") and line.strip():
                    problems.append(f"line {n} has leading or trailing spaces")
                if _DOUBLE_SPACE.search(line.strip()):
                    problems.append(f"line {n} has double spaces")
            if problems:
                yield ctx.finding(self, i, "; ".join(problems))


@register
class MalformedBlock(Rule):
    """The file needed a repair to be read: text after a blank line inside a cue, or a missing blank line.

    What it does: reports what the reader repaired without losing text (the text stayed in its cue).
    Why it matters: other players and tools read such a file differently; pysrt and browsers drop
    the text after the blank line.
    """

    code, name, severity = "L106", "malformed-block", "warning"
    summary = "the file needed a repair to be read"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\n第一行\n\n空行之后\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\n第一行\n空行之后\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for notice in ctx.track.notices:
            index = max((k for k, c in enumerate(ctx.cues) if c.line and c.line <= notice.line), default=0)
            if ctx.cues:
                finding = ctx.finding(self, index, notice.message)
                yield Finding(**{**finding.to_dict(), "line": notice.line})  # type: ignore[arg-type]


@register
class ItalicsNotUsed(Rule):
    """Italics in a language whose subtitles do not use them (Chinese, Thai).

    What it does: flags ``<i>`` in files whose profile forbids italics.
    Why it matters: Chinese and Thai fonts have no true italics; the slanted fallback is hard to read,
    and the Netflix Chinese and Thai guides do not use italics.
    """

    code, name, severity = "L107", "italics-not-used", "warning"
    options = ("italics",)
    summary = "italics in a language that does not use them"
    example_lang = "th"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\n<i>คืนนี้สองทุ่ม ที่เดิม</i>\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nคืนนี้สองทุ่ม ที่เดิม\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.profile.italics:
            return
        for i, cue in enumerate(ctx.cues):
            if "<i>" in cue.text or "{\\i1}" in cue.text:
                yield ctx.finding(self, i, f"uses italics, which {ctx.language} subtitles do not: remove the <i> tags")


_DASH = lazy(r"^\s*([-–—])(\s?)")
_MAY_HAVE_DASH = lazy(rf"^[^\S\n]*[-–—]|[{_MARKUP}]", re.MULTILINE)  # a line starting like _DASH, or markup


@register
class DialogueDashStyle(Rule):
    """A two-speaker cue does not mark its speakers the way the language does.

    What it does: in a cue whose lines start with dashes, checks the dash and the space after it
    against the profile: Chinese "–" (U+2013) with no space, Thai/Indonesian/Malay/Vietnamese "- "
    (hyphen and space), English "-" with no space.
    Why it matters: a consistent speaker mark is how viewers see that two people speak.
    """

    code, name, severity = "L108", "dialogue-dash-style", "warning"
    fixable = True
    options = ("dialogue_dash",)
    summary = "speaker dashes in the wrong style for the language"
    example_lang = "id"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\n-Kamu datang?\n-Iya.\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\n- Kamu datang?\n- Iya.\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        want = ctx.profile.dialogue_dash
        for i in ctx.cues_matching(_MAY_HAVE_DASH, needles=("-", "–", "—", *_MARKUP)):
            lines = ctx.visible_lines[i]
            marks = [_DASH.match(line) for line in lines]
            if len(lines) < 2 or sum(1 for m in marks if m) < 2:
                continue
            for n, match in enumerate(marks, 1):
                if match and match.group(1) + match.group(2) != want:
                    yield ctx.finding(self, i, f"line {n} starts with {match.group(0)!r}; {ctx.language} marks a "
                                               f"speaker with {want!r}")
                    break


_HALF_PUNCT = "[,.?!:;]"
# Half-width punctuation next to a Han character (compiled when a cue has half-width punctuation).
_HALF_PUNCT_NEAR_HAN = rf"[{HAN}]{_HALF_PUNCT}|{_HALF_PUNCT}(?=[{HAN}])"


# The cues where PunctuationStyle can object, per script family: three dots, the family's own marks, markup.
_MAY_BE_MISPUNCTUATED = {"latin": re.compile(rf"\.\.\.|[{_MARKUP}]"),
                         "cjk": re.compile(rf"\.\.\.|[{_MARKUP}]|{_HALF_PUNCT}"),
                         "thai": re.compile(rf"[.?{_MARKUP}]")}
_PUNCTUATION_NEEDLES = {"latin": ("...", *_MARKUP), "cjk": ("...", *_MARKUP, *",.?!:;"), "thai": (".", "?", *_MARKUP)}


@register
class PunctuationStyle(Rule):
    """Punctuation that does not follow the language's subtitle style.

    What it does: three dots instead of the ellipsis character …; in Chinese, half-width , . ? ! next
    to Hanzi; in Thai, a full stop at the end of a line or a question mark (Thai subtitles end
    sentences with a space and carry questions with particles).
    Why it matters: consistent punctuation is part of delivery specs, and half-width marks in Chinese
    look broken.
    """

    code, name, severity = "L109", "punctuation-style", "warning"
    summary = "punctuation that does not follow the language's subtitle style"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\n你敢?不要...\n"
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\n你敢？不要……\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        family = script_family(ctx.language)
        family = family if family in _MAY_BE_MISPUNCTUATED else "latin"
        for i in ctx.cues_matching(_MAY_BE_MISPUNCTUATED[family], needles=_PUNCTUATION_NEEDLES[family]):
            lines = ctx.visible_lines[i]
            text = "\n".join(lines)
            problems = []
            if "..." in text:
                problems.append("use the ellipsis character … instead of three dots")
            if family == "cjk" and compiled(_HALF_PUNCT_NEAR_HAN).search(text):
                problems.append("use full-width punctuation （，。？！） next to Chinese characters")
            if family == "thai":
                if any(line.rstrip().endswith(".") and not line.rstrip().endswith("..") for line in lines):
                    problems.append("Thai subtitles end a sentence without a full stop")
                if "?" in text:
                    problems.append("Thai subtitles carry a question with a particle, not a question mark")
            if problems:
                yield ctx.finding(self, i, "; ".join(problems))
