"""Numbers in subtitle text, as values: so 500万 in Chinese matches 5 ล้าน, 5 juta and 5 triệu.

Chinese counts in 万 (10⁴) and 亿 (10⁸); Thai, Malay, Indonesian and Vietnamese count in thousands
and millions, and their subtitle styles write small numbers as words (Netflix Thai: 1–10 as words).
A check compares values, not digit strings.
"""

from __future__ import annotations

import re
import unicodedata

from .patterns import lazy

# A number: digits with optional thousands separators (',' '.' or a space in id/ms/vi style) and decimals.
_NUMBER = lazy(r"(?<![0-9])([0-9]{1,3}(?:[,.][0-9]{3})+|[0-9]+)(?:([.,])([0-9]+))?(?![0-9])")

_ZH_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000, "千": 1000, "百": 100}
_UNITS = {
    "zh": _ZH_UNITS,
    "th": {"พันล้าน": 1e9, "ล้าน": 1e6, "แสน": 1e5, "หมื่น": 1e4, "พัน": 1e3, "ร้อย": 100},
    "id": {"miliar": 1e9, "milyar": 1e9, "juta": 1e6, "ribu": 1e3, "rb": 1e3, "jt": 1e6, "ratus": 100},
    "ms": {"bilion": 1e9, "billion": 1e9, "juta": 1e6, "ribu": 1e3, "ratus": 100},
    "vi": {"tỷ": 1e9, "tỉ": 1e9, "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3, "trăm": 100},
    "en": {"billion": 1e9, "million": 1e6, "thousand": 1e3, "hundred": 100, "k": 1e3, "m": 1e6},
}
_WORDS = {
    "th": ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ"],
    "id": ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"],
    "ms": ["kosong", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "lapan", "sembilan", "sepuluh"],
    "vi": ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
}
_EXTRA_WORDS = {"id": {1: ["se"], 2: ["kedua", "berdua"], 3: ["ketiga", "bertiga"]},
                "ms": {1: ["se"], 2: ["kedua", "berdua"], 3: ["ketiga", "bertiga"]},
                "en": {1: ["once", "a", "an"], 2: ["twice", "both", "couple"]},
                "vi": {4: ["tư"], 5: ["lăm"], 1: ["mốt"]}}


def _value(integer: str, sep: str | None, frac: str | None) -> float:
    if re.fullmatch(r"[0-9]{1,3}(?:[,.][0-9]{3})+", integer):
        integer = re.sub(r"[,.]", "", integer)
    value = float(integer)
    if sep and frac:
        value += float("0." + frac)
    return value


def _numbers(text: str, language: str | None) -> list[tuple[float, float]]:
    """(value as written, value with the language's unit applied) for each number written in digits.

    Chinese units follow the digits directly (500万); the others after an optional space (5 juta).
    """
    lang = (language or "zh").split("-")[0]
    units = _UNITS.get(lang, _UNITS["en"])
    lowered = text.lower()
    out = []
    for match in _NUMBER.finditer(lowered):
        value = _value(*match.groups())
        tail = lowered[match.end():match.end() + 12].lstrip(" \u00a0")
        factor = next((f for word, f in units.items() if tail.startswith(word)), 1)
        out.append((value, value * factor))
    return out


def source_numbers(text: str, language: str | None = None) -> list[float]:
    """Values of the numbers written in digits in a text, with its language's units applied (default Chinese:
    万/亿), so a Chinese, Thai or Malay text can each be the source of the comparison."""
    return [scaled for _, scaled in _numbers(text, language)]


def target_values(text: str, language: str) -> set[float]:
    """Every value a target text expresses with digits, with unit words applied and without."""
    values: set[float] = _thai_clock(text) if language.split("-")[0] == "th" else set()
    for plain, scaled in _numbers(text, language):
        values.update((plain, scaled))
    return values


_TH_WORDS_1_6 = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6}
_TH_EVENING = lazy(r"(?:([0-9]+)|(หนึ่ง|สอง|สาม|สี่|ห้า|หก))\s*ทุ่ม")


def _thai_clock(text: str) -> set[float]:
    """Thai evening hours: N ทุ่ม is N+6 o'clock (N+18 on the 24-hour clock); 2 ทุ่ม = 8 p.m."""
    values: set[float] = set()
    for digits, word in _TH_EVENING.findall(text):
        n = int(digits) if digits else _TH_WORDS_1_6[word]
        values.update({float(n + 6), float(n + 18)})
    return values


def has_number_word(text: str, value: float, language: str) -> bool:
    """Whether a small number (0–10) is written out as a word in the text."""
    lang = language.split("-")[0]
    if value != int(value) or not 0 <= value <= 10 or lang not in _WORDS:
        return False
    words = [_WORDS[lang][int(value)], *_EXTRA_WORDS.get(lang, {}).get(int(value), [])]
    lowered = text.lower()
    if lang == "th":
        return any(word in lowered for word in words)  # no spaces between Thai words
    tokens = set(re.findall(r"\w+", lowered))
    return any(word in tokens or any(t.startswith(word) and word == "se" for t in tokens) for word in words)


def missing_numbers(source: str, target: str, language: str, source_language: str | None = None) -> list[float]:
    """Source values the target does not express (as digits, with units, or as a small-number word).

    Both texts are read with their own language's units, so any pair compares (zh to zh, th to zh…),
    and in NFC: a decomposed "triệu" is the unit triệu.
    """
    source, target = unicodedata.normalize("NFC", source), unicodedata.normalize("NFC", target)
    found = target_values(target, language)
    missing = []
    for value in source_numbers(source, source_language):
        if any(abs(value - v) < 1e-6 * max(1.0, value) for v in found):
            continue
        if has_number_word(target, value, language):
            continue
        missing.append(value)
    return missing


def show(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"
