"""Script-aware line breaking to a profile: where a subtitle line may break, and the best break.

* Latin scripts (id, ms, vi, en): at spaces; never after a dangling article, preposition or
  conjunction when another break is as good; reduplications (anak-anak) contain no space and stay whole.
* Thai: at spaces, or between words found by dictionary segmentation (PyThaiNLP newmm); never
  before ๆ, ฯ, ะ, า, ำ or a combining mark, never after a leading vowel (เ แ โ ใ ไ).
* Chinese: between any two characters except before closing punctuation or after opening
  punctuation (kinsoku), not inside a run of Latin letters or digits; after punctuation preferred.

Lines are balanced: the longest line is as short as possible, a slightly longer bottom line preferred
(the eye starts lower on a vertical frame and the top line stays clear of faces).
"""

from __future__ import annotations

from dataclasses import dataclass

from .languages import script_family
from .profiles import Profile
from .scripts import (CJK_NO_LINE_END, CJK_NO_LINE_START, THAI_NO_LINE_END, THAI_NO_LINE_START, count, is_thai,
                      strip_markup)

# Words a line should not end with (the Netflix rule: break before a conjunction or preposition).
# ini/itu follow their noun in Malay and Indonesian (tamparan ini), so they may end a line.
_DANGLING = {
    "en": set("a an the of to in on at for with and or but my your his her their our its".split()),
    "id": set("yang di ke dari dan untuk si sang para dengan pada".split()),
    "ms": set("yang di ke dari dan untuk si sang para dengan pada".split()),
    "vi": set("của và những các một với".split()),
}
_PUNCT_AFTER = set("，。！？；：、…,.!?;:)]）」』”’")


@dataclass(frozen=True)
class Break:
    position: int  # break before text[position]
    drop: int  # characters removed at the break (a space)
    penalty: float


def _candidates(text: str, language: str) -> list[Break]:
    family = script_family(language)
    lang = language.split("-")[0]
    out: list[Break] = []
    if family == "latin":
        words = text.split(" ")
        pos = 0
        for word in words[:-1]:
            pos += len(word)
            penalty = 0.0
            bare = word.strip("\"'“”‘’(").lower()
            if bare in _DANGLING.get(lang, ()):
                penalty += 6
            if word and word[-1] in _PUNCT_AFTER:
                penalty -= 3
            out.append(Break(pos, 1, penalty))
            pos += 1
        return out
    if family == "thai":
        from .scripts import thai_words
        pos = 0
        tokens = []
        for chunk in text.split(" "):
            tokens.append((pos, chunk))
            pos += len(chunk) + 1
        for start, _chunk in tokens[1:]:
            out.append(Break(start - 1, 1, -2.0))  # a space: the natural Thai break
        for start, chunk in tokens:
            offset = start
            words = thai_words(chunk) if chunk else []
            for word in words[:-1]:
                offset += len(word)
                if offset < len(text) and (text[offset] in THAI_NO_LINE_START or not is_thai(text[offset - 1])
                                           or text[offset - 1] in THAI_NO_LINE_END):
                    continue
                out.append(Break(offset, 0, 10.0))  # between words without a space: a last resort
        return out
    # CJK
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if b in CJK_NO_LINE_START or a in CJK_NO_LINE_END:
            continue
        if a.isascii() and b.isascii() and (a.isalnum() and b.isalnum()):
            continue
        if b == " ":
            continue
        if a == " ":
            out.append(Break(i - 1, 1, 0.0))
            continue
        out.append(Break(i, 0, -3.0 if a in _PUNCT_AFTER else 2.0))
    return out


def break_problem(left: str, right: str, language: str) -> tuple[str, str] | None:
    """What is wrong with a line break between ``left`` and ``right`` (message, severity), or None.

    The one judgement the checker (L104) and the fixer share; see the module docstring for the rules.
    """
    import re
    import unicodedata

    from .scripts import thai_break_splits_word

    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return None
    family = script_family(language)
    if family == "thai":
        if right[0] in THAI_NO_LINE_START or unicodedata.category(right[0]) == "Mn":
            return f"starts with {right[0]!r}, which belongs to the end of the line above: move it up", "error"
        if left[-1] in THAI_NO_LINE_END:
            return f"the line above ends with the leading vowel {left[-1]!r}: move it down", "error"
        word = thai_break_splits_word(left, right)
        if word:
            return f"the break splits the word {word!r}: break at a space or a word boundary", "error"
        return None
    if family == "cjk":
        if right[0] in CJK_NO_LINE_START:
            return f"starts with {right[0]!r}, which must end the line above: move it up", "error"
        if left[-1] in CJK_NO_LINE_END:
            return f"the line above ends with {left[-1]!r}, which must start a line: move it down", "error"
        if len(right.strip()) == 1 and len(left) >= 6:
            return f"a single character {right.strip()!r} stands alone: rebalance the lines", "warning"
        return None
    if left.endswith("-") and right[:1].isalpha():
        return "a hyphenated word is split across lines: keep it on one line", "warning"
    last = re.findall(r"[\w']+", left.lower())
    if last and left[-1].isalnum() and last[-1] in _DANGLING.get(language.split("-")[0], set()):
        return f"the line above ends with {last[-1]!r}: move it to the start of this line", "warning"
    words = right.split()
    if len(words) == 1 and len(words[0]) <= 4 and _measure(left, language) >= 2.5 * max(1, len(words[0])) + 8:
        return f"the word {words[0]!r} stands alone: rebalance the lines", "warning"
    return None


def _measure(text: str, language: str) -> float:
    return count(strip_markup(text), language)


def wrap(text: str, profile: Profile, language: str | None = None, protect: tuple[str, ...] = ()) -> list[str]:
    """Break one line of text into at most ``profile.max_lines`` lines (two), balanced, at allowed points.

    Text that fits the soft limit stays on one line. When no allowed break exists the text is returned
    as one line (the checker reports it) rather than split in the middle of a word. Breaks inside the
    ``protect`` strings (glossary terms, names) are avoided.
    """
    lang = language or profile.language
    text = " ".join(text.split()) if script_family(lang) != "cjk" else text.strip()
    total = _measure(text, lang)
    if total <= profile.cpl_soft or profile.max_lines < 2:
        return [text]
    guarded = _spans(text, protect)
    best: tuple[float, list[str]] | None = None
    for brk in _candidates(text, lang):
        if any(start < brk.position < end for start, end in guarded):
            brk = Break(brk.position, brk.drop, brk.penalty + 30)
        top, bottom = text[:brk.position].rstrip(), text[brk.position + brk.drop:].lstrip()
        if not top or not bottom:
            continue
        a, b = _measure(top, lang), _measure(bottom, lang)
        longest = max(a, b)
        score = longest * 2 + brk.penalty + (0.5 if a > b else 0.0)  # prefer a bottom-heavy pair
        if longest > profile.cpl_hard:
            score += 100 + (longest - profile.cpl_hard) * 10
        if best is None or score < best[0]:
            best = (score, [top, bottom])
    if best is None:
        return [text]
    if best[0] >= 100 and total <= profile.cpl_hard:
        return [text]  # one line within the hard limit beats two lines over it
    return best[1]


def _spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    for term in terms:
        if len(term) < 2:
            continue
        start = text.find(term)
        while start >= 0:
            out.append((start, start + len(term)))
            start = text.find(term, start + 1)
    return out


def fits(lines: list[str], profile: Profile, language: str | None = None) -> bool:
    lang = language or profile.language
    return len(lines) <= profile.max_lines and all(_measure(line, lang) <= profile.cpl_hard for line in lines)


def join_lines(lines: list[str], language: str) -> str:
    """Running text from broken lines: the break becomes a space where the script writes one, nothing
    where it split a word (Thai ๆ or a word cut in two, a hyphenated reduplication, Chinese)."""
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return ""
    family = script_family(language)
    out = lines[0]
    for line in lines[1:]:
        glue = " "
        if family == "cjk":
            glue = " " if out[-1:].isascii() and out[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum() else ""
        elif family == "thai":
            from .scripts import thai_break_splits_word
            if line[0] in THAI_NO_LINE_START or out[-1] in THAI_NO_LINE_END or \
                    (is_thai(out[-1]) and is_thai(line[0]) and thai_break_splits_word(out, line)):
                glue = ""
        elif out.endswith("-") and line[:1].isalpha():
            glue = ""
        out += glue + line
    return out


def joiner(language: str) -> str:
    """What joins two lines of running text when the break is removed."""
    return "" if script_family(language) == "cjk" else " "
