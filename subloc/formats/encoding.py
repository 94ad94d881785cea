"""Decoding subtitle bytes: BOMs, UTF-8, and the legacy code pages of our source and target markets.

Order: an explicit ``--encoding`` wins; then a byte-order mark (UTF-32 before UTF-16: their marks
share a prefix); then strict UTF-8; then UTF-16 without a mark (told by its NUL bytes); then the
legacy code pages. No library we wrap sniffs legacy encodings, and a statistical detector misreads
short files (a one-cue cp874 Thai file reads as plausible-looking GB18030 Hanzi, Czech cp1250 as
cp1252), so each candidate is decoded strictly and judged by how well its text fits the script and
letters of the languages that code page serves (``_plausibility``). The language of the file
(declared, or from its name: ep01.th.srt) puts its own code pages first. When two readings of
different text fit about equally well, the file is refused with both readings shown and the
``--encoding`` values to pass, rather than guessed.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import SubtitleParseError
from ..patterns import lazy

# What Chinese, Thai and Vietnamese subtitle files come in besides UTF-8, plus the two Windows Latin
# code pages (cp1252 so that a plain Western file is not forced into a Vietnamese code page, cp1250
# so that Central European files are not read as Western).
LEGACY_CANDIDATES = ("gb18030", "big5", "cp874", "cp1258", "cp1250", "cp1252")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Encodings whose text arrives decomposed and is composed to NFC right after decoding.
_COMPOSE = {"cp1258"}

_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "tis_620": "cp874", "tis-620": "cp874",
            "windows-874": "cp874", "windows-1258": "cp1258", "windows-1252": "cp1252",
            "windows-1250": "cp1250", "utf_8": "utf-8", "utf8": "utf-8", "big5hkscs": "big5"}

# The code pages a language's files come in, most likely first.
_BY_LANGUAGE = {
    "zh-Hans": ("gb18030", "big5"), "zh-Hant": ("big5", "gb18030"), "zh": ("gb18030", "big5"),
    "th": ("cp874",), "vi": ("cp1258", "cp1252"),
    **{lang: ("cp1250",) for lang in ("cs", "sk", "pl", "hu", "sl", "hr", "bs", "ro", "sq")},
}

# Non-ASCII letters of the languages each Latin code page serves (lower case).
_LATIN_ALPHABETS = {
    "cp1252": ("àâæçéèêëîïôœùûüÿ", "äöüß", "áéíñóúü", "àáâãçéêíóôõú", "àèéìíîòóù", "éëïèöü", "æøåé",
               "åäöé", "áðéíóúýþæö"),
    "cp1250": ("áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "ąćęłńóśźż", "áéíóöőúüű", "čšž", "čćđšž",
               "ăâîșțşţ", "çë"),
}
_VI_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")

_THAI_CONSONANT = lazy("[\u0e01-\u0e2e]")
_THAI_ABOVE_BELOW = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_THAI_LEADING = set("\u0e40\u0e41\u0e42\u0e43\u0e44")

# Two readings closer than this are a coin toss: refuse and ask for --encoding.
_UNSURE_MARGIN = 0.15


def canonical_encoding(name: str) -> str:
    """Normalize an encoding name to Python's codec name, or raise LookupError."""
    key = name.strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    return codecs.lookup(key).name


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_CONTROL = lazy(r"[\x01-\x08\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    """Control characters other than whitespace make up a noticeable share: not a text file."""
    sample = text[:4096]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    nuls = sample.count("\x00")
    return controls > len(sample) // 50 or nuls > len(sample) // 10


def decode(data: bytes, path: str, encoding: str | None = None, language: str | None = None) -> tuple[str, str, bool]:
    """Decode subtitle bytes. Returns (text, encoding name, had BOM).

    ``language`` (a canonical tag, from the file name or the caller) puts its code pages first.
    Raises SubtitleParseError for undecodable or binary data, naming the line of the first bad byte,
    and for bytes whose encoding cannot be told, naming the ``--encoding`` values to choose from.
    """
    if encoding:
        return _forced(data, path, encoding)
    for mark, family in _BOMS:
        if data.startswith(mark):
            try:
                return _finish(data[len(mark):].decode(family), family, True, path)
            except UnicodeDecodeError as exc:
                raise SubtitleParseError(
                    f"file starts with a {family} byte-order mark but byte {exc.start} is not valid {family}",
                    path=path, line=_line_of(data, exc.start), hint="re-save the file as UTF-8",
                ) from None
    try:
        return _finish(data.decode("utf-8"), "utf-8", False, path)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    wide = _utf16_without_bom(data)
    if wide:
        try:
            return _finish(data.decode(wide), wide, False, path)
        except UnicodeDecodeError:
            pass
    name, text = _legacy(data, path, language, first_bad)
    return _finish(text, name, False, path)


def _forced(data: bytes, path: str, encoding: str) -> tuple[str, str, bool]:
    try:
        name = canonical_encoding(encoding)
    except LookupError:
        raise SubtitleParseError(f"unknown encoding {encoding!r}", path=path,
                                 hint="use a Python codec name such as utf-8, gb18030, cp874, cp1258") from None
    bom = False
    for mark, family in _BOMS:
        if data.startswith(mark) and name in (family, "utf-8-sig", "utf-16", "utf-32"):
            data, bom = data[len(mark):], True
            name = family
            break
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise SubtitleParseError(
            f"bytes at offset {exc.start} are not valid {name}", path=path,
            line=_line_of(data, exc.start), hint="check --encoding, or omit it to detect the encoding",
        ) from None
    return _finish(text, name, bom, path)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a mark: subtitle text is mostly ASCII (timings), so every other byte is NUL."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _legacy(data: bytes, path: str, language: str | None, first_bad: int) -> tuple[str, str]:
    """The legacy code page whose reading fits best; refuses when two different readings fit alike."""
    preferred = _BY_LANGUAGE.get(language or "", ()) or _BY_LANGUAGE.get((language or "").split("-")[0], ())
    readings: list[tuple[float, int, str, str]] = []  # (score, preference, name, text)
    order = [*preferred, *(c for c in LEGACY_CANDIDATES if c not in preferred)]
    for rank, name in enumerate(order):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, name)
        if name in preferred and score >= 0.9:
            return name, text  # the file's own language fits: no need to weigh the others
        readings.append((score, -rank, name, text))
    readings.sort(reverse=True)
    if not readings or readings[0][0] < 0.5:
        raise SubtitleParseError(
            "not a text file, or an encoding subloc cannot identify "
            f"(byte {first_bad} is not UTF-8)", path=path, line=_line_of(data, first_bad),
            hint="pass --encoding (e.g. gb18030, big5, cp874, cp1258, cp1250) or re-save the file as UTF-8",
        )
    best = readings[0]
    rivals = [r for r in readings[1:] if r[3] != best[3] and best[0] - r[0] < _UNSURE_MARGIN]
    if rivals:
        rival = rivals[0]
        raise SubtitleParseError(
            f"cannot tell the encoding: it reads as {_sample(best[3], rival[3])!r} in {best[2]} "
            f"or as {_sample(rival[3], best[3])!r} in {rival[2]}", path=path, line=_line_of(data, first_bad),
            hint=f"pass --encoding {best[2]} or --encoding {rival[2]}, or put the language in the file name "
                 "(ep01.th.srt)",
        )
    return best[2], best[3]


def _sample(text: str, other: str) -> str:
    """The first line where two readings differ, shortened."""
    for mine, theirs in zip(text.split("\n"), other.split("\n")):
        if mine != theirs:
            return mine.strip()[:24]
    return text.strip()[:24]


def _plausibility(text: str, encoding: str) -> float:
    """How well the non-ASCII text of a reading fits the languages its code page serves (0..1)."""
    if encoding in _COMPOSE:
        text = unicodedata.normalize("NFC", text)
    chars = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not chars:
        return 1.0
    if encoding == "cp874":
        return _thai_fit(text, chars)
    if encoding in ("gb18030", "big5"):
        return sum(1 for c in chars if _common_cjk(c)) / len(chars)
    if encoding == "cp1258":
        return sum(1 for c in chars if c.isalpha() and _vietnamese_letter(c)) / len(chars)
    alphabets = _LATIN_ALPHABETS.get(encoding)
    if alphabets is None:
        return 0.0
    lowered = [c.lower() for c in chars]
    return max(sum(1 for c in lowered if c in alphabet) for alphabet in alphabets) / len(chars)


def _thai_fit(text: str, chars: list[str]) -> float:
    """Share of characters that are Thai in a well-formed position: marks after a consonant, leading
    vowels before one, no Latin letter or digit glued to a Thai letter, no obsolete letters (ฃ ฅ)."""
    good = 0
    for i, c in enumerate(text):
        if ord(c) <= 0x7F or c.isspace():
            continue
        if c in "\u0e03\u0e05" or (i and text[i - 1].isascii() and text[i - 1].isalpha()) or \
                (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha()):
            continue
        if "\u0e01" <= c <= "\u0e5b":
            if c in _THAI_ABOVE_BELOW:
                prev = text[i - 1] if i else ""
                good += bool(_THAI_CONSONANT.match(prev) or (prev in _THAI_ABOVE_BELOW and prev != c)
                             or prev == "\u0e0d" or prev == "\u0e30")
            elif c in _THAI_LEADING:
                nxt = text[i + 1] if i + 1 < len(text) else ""
                good += bool(_THAI_CONSONANT.match(nxt))
            else:
                good += 1
        elif c in "“”‘’…–—":
            good += 1
    return good / len(chars)


def _common_cjk(c: str) -> bool:
    """A frequent Hanzi (GB2312 level 1, Big5 frequent range) or CJK punctuation."""
    code = ord(c)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or c in "“”‘’…—·":
        return True
    if not 0x4E00 <= code <= 0x9FFF:
        return False
    try:
        if 0xB0 <= c.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        raw = c.encode("big5")
        return 0xA440 <= int.from_bytes(raw, "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def _vietnamese_letter(c: str) -> bool:
    base, *marks = unicodedata.normalize("NFD", c)
    return (base.isascii() or base in "đĐ") and all(m in _VI_MARKS for m in marks)


def _finish(text: str, name: str, bom: bool, path: str) -> tuple[str, str, bool]:
    if _looks_binary(text):
        raise SubtitleParseError("binary data, not a subtitle file", path=path, line=1,
                                 hint="pass an .srt or .vtt text file")
    if name in _COMPOSE:
        text = unicodedata.normalize("NFC", text)
    return text, name, bom
