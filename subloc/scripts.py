"""Per-script text measures: what a character counts for on screen.

One module that check, fix and translate all use (docs/profile.md, "Counting characters"):

* Thai: combining marks (General Category Mn: tone marks, above and below vowels) do not count;
  SARA AM (U+0E33) does, being a spacing letter. ที่นี่เป็นบ้านของฉัน is 20 code points, 13 counted.
* Chinese (CJK): full-width and wide characters count 1, half-width letters, digits, spaces and
  punctuation 0.5; the East-Asian-ambiguous “ ” ‘ ’ … — · count 1, as CJK fonts draw them.
* Latin scripts (id, ms, vi, en): every code point counts, after NFC (Vietnamese from older input
  methods arrives decomposed: "Tiếng Việt" is 14 code points in NFD and 10 in NFC).

It also holds the word segmenters line breaking needs, each imported on first use: PyThaiNLP newmm
(Thai), underthesea's CRF word segmenter (Vietnamese, whose spaces separate syllables, not words) and
jieba (Chinese).

Markup never counts: ``<i>``, ``<c.yellow>``, ``<v Name>``, ``{\\an8}`` are removed and HTML
character references (``&amp;``) count as the one character they stand for. Zero-width characters
and the BOM never count.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from .languages import script_family

# The one definition of markup: HTML-like tags (<i>, <c.yellow>, <v Name>) and ASS override blocks ({\an8}).
TAG = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
INVISIBLE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
# Control characters a subtitle line must not hold: C0 but the line feed (a tab included: players draw it
# as a box or as nothing), and DEL. `check` flags them (L105) and `fix` removes them: one definition.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# Han ideographs: CJK Unified Ideographs, Extension A and the Compatibility block (a regex class body).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Thai letters, vowels, tone marks and digits (the assigned part of the Thai block).
THAI = "\u0e01-\u0e5b"


_SARA_AM_SPLIT = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def compose(text: str) -> str:
    """NFC, and Thai SARA AM typed as NIKHAHIT + SARA AA (ํ + า, which NFC leaves alone) as ำ."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    return _SARA_AM_SPLIT.sub("\\1\u0e33", text) if "\u0e4d" in text else text


def is_composed(text: str) -> bool:
    """Whether :func:`compose` leaves the text as it is."""
    return text.isascii() or (unicodedata.is_normalized("NFC", text) and not _SARA_AM_SPLIT.search(text))


def strip_markup(text: str) -> str:
    """Visible text: tags and ASS override blocks removed, character references decoded."""
    if "<" in text or "{" in text:
        text = TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def tags_of(text: str) -> list[str]:
    """The markup tags of a text, in order, as written."""
    return TAG.findall(text)


@lru_cache(maxsize=4096)
def _char_weight_cjk(ch: str) -> float:
    if ch in ZERO_WIDTH:
        return 0.0
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf", "Cc"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else 0.5


def _count_cjk(text: str) -> float:
    if text.isascii():
        return len(text) * 0.5
    return sum(map(_char_weight_cjk, text))


@lru_cache(maxsize=4096)
def _uncounted(ch: str) -> bool:
    return ch in ZERO_WIDTH or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc")


def _count_plain(text: str) -> float:
    if text.isascii():
        return float(len(text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return float(len(text) - sum(map(_uncounted, text)))


def count(text: str, language: str | None = None) -> float:
    """Counted characters of visible text (markup already stripped), per the language's script."""
    family = script_family(language) if language else "latin"
    if family == "cjk":
        return _count_cjk(text)
    return _count_plain(text)  # Thai and Latin differ only in which marks exist; Mn never counts


def line_lengths(cue_text: str, language: str | None = None) -> list[float]:
    """Counted length of each line of a cue's text (markup excluded)."""
    return [count(strip_markup(line), language) for line in cue_text.split("\n")]


def cue_length(cue_text: str, language: str | None = None) -> float:
    """Counted characters of a whole cue for reading speed: all lines, line breaks excluded."""
    return sum(line_lengths(cue_text, language))


def reading_speed(cue_text: str, duration_ms: int, language: str | None = None) -> float:
    """Characters per second; an empty or zero-length cue reads at 0 (timing rules catch it)."""
    if duration_ms <= 0:
        return 0.0
    return cue_length(cue_text, language) * 1000.0 / duration_ms


# --- Thai word boundaries -----------------------------------------------------------------------

THAI_NO_LINE_START = frozenset("\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f")  # ะ า ำ ๅ ๆ ฯ attach to what precedes
THAI_NO_LINE_END = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")  # เ แ โ ใ ไ are written before their consonant
CJK_NO_LINE_START = frozenset("。，、；：？！）》」』”’…⋯·〉】〕—")
CJK_NO_LINE_END = frozenset("（《「『“‘〈【〔")


def is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def thai_words(text: str) -> list[str]:
    """Dictionary word segmentation of Thai (PyThaiNLP newmm), imported and loaded on first use."""
    return _thai_tokenizer()(text)


@lru_cache(maxsize=1)
def _thai_tokenizer():  # type: ignore[no-untyped-def]
    import os
    import tempfile

    # PyThaiNLP creates ~/pythainlp-data even offline; keep it out of a read-only home.
    home = os.path.expanduser("~")
    if "PYTHAINLP_DATA" not in os.environ and not os.access(home, os.W_OK):
        os.environ["PYTHAINLP_DATA"] = os.path.join(tempfile.gettempdir(), "pythainlp-data")
    from pythainlp.tokenize import word_tokenize

    return lambda text: word_tokenize(text, engine="newmm", keep_whitespace=False)


# Characters of context on each side of a line break given to the segmenter: enough for the words
# around the break, and it keeps the cost per break constant.
_BREAK_WINDOW = 12


@lru_cache(maxsize=8192)
def thai_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Thai word, return that word."""
    a = left.rsplit(" ", 1)[-1][-_BREAK_WINDOW:]
    b = right.split(" ", 1)[0][:_BREAK_WINDOW]
    if not a or not b or not (is_thai(a[-1]) and is_thai(b[0])):
        return None
    words = _thai_dictionary()
    text, position = a + b, len(a)
    # When no dictionary word crosses the break, no segmentation can put one there: skip the segmenter
    # (four breaks in five in real subtitles, at a fraction of the cost).
    if not any(text[start:end] in words for start in range(position) for end in range(position + 1, len(text) + 1)):
        return None
    offset = 0
    for token in thai_words(text):
        if offset < position < offset + len(token):
            cut = position - offset
            # Two dictionary words the segmenter joined (พ่อ|หนู) are a word boundary, not a broken word.
            return None if token[:cut] in words and token[cut:] in words else token
        offset += len(token)
    return None


@lru_cache(maxsize=1)
def _thai_dictionary() -> frozenset[str]:
    _thai_tokenizer()  # sets up PyThaiNLP's data folder first
    from pythainlp.corpus import thai_words as words

    return frozenset(words())


# --- Vietnamese words -----------------------------------------------------------------------------
#
# Spaces separate syllables: "phẫu thuật" (surgery) is one word of two syllables, and a line break
# between them reads as a broken word. underthesea's CRF segmenter (trained on VLSP 2013, model in the
# wheel) decides; it misses some kinship and address words micro-dramas are full of (bà nội, cậu chủ,
# thiếu phu nhân), listed below after review. Its Viet74K dictionary is the fast pre-filter: a break
# no dictionary word crosses is not inside a word, and the segmenter is not asked.

VI_COMPOUNDS = frozenset("""
bà nội|bà ngoại|ông nội|ông ngoại|bố mẹ|cha mẹ|con trai|con gái|anh trai|chị gái|em trai|em gái|
mẹ kế|cha dượng|bố dượng|mẹ chồng|bố chồng|mẹ vợ|bố vợ|con dâu|con rể|vợ chồng|cậu chủ|cô chủ|mợ chủ|
ông chủ|bà chủ|thiếu gia|thiếu phu nhân|lão phu nhân|phu nhân|tiểu thư|đại tiểu thư|nhị tiểu thư|
tổng tài|chủ tịch|tổng giám đốc|giám đốc|thư ký|trợ lý|quản gia|bảo vệ|vệ sĩ|trước khi|sau khi|
quay lại|quay về|trở lại|trở về|tỉnh lại|mua lại|sau lưng|chống lưng|mà thôi|mang thai|có thai|
buổi sáng|buổi trưa|buổi chiều|buổi tối|tối nay|sáng nay|chiều nay|đêm nay|người ta|bây giờ|
ngay lập tức|hôm nay|ngày mai|hôm qua|ly hôn|ly dị|kết hôn|hôn ước|thỏa thuận|thoả thuận
""".replace("\n", "").split("|"))


def _package_dir(name: str) -> str | None:
    """A package's folder without importing it (importing underthesea costs 0.6 s)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    return spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None


@lru_cache(maxsize=1)
def _vi_dictionary() -> frozenset[str]:
    """Vietnamese words of two to four syllables, lower-case NFC: Viet74K (shipped with underthesea)
    and the reviewed compounds above."""
    import os

    words = set(VI_COMPOUNDS)
    folder = _package_dir("underthesea")
    if folder:
        path = os.path.join(folder, "corpus", "data", "Viet74K.txt")
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = unicodedata.normalize("NFC", line.strip().lower())
                if 2 <= line.count(" ") + 1 <= 4:
                    words.add(line)
    return frozenset(words)


@lru_cache(maxsize=1)
def _vi_segmenter():  # type: ignore[no-untyped-def]
    from underthesea.pipeline.word_tokenize import word_tokenize

    # No token normalisation: it rewrites tone placement (thoả → thỏa) and the tokens must be the text.
    return lambda text: word_tokenize(text, use_token_normalize=False)


_VI_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


def _syllables(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0).lower()) for m in _VI_SYLLABLE.finditer(text)]


def vi_word_spaces(text: str, protect: tuple[str, ...] = ()) -> frozenset[int]:
    """Offsets of the spaces of a Vietnamese text that lie inside a word: those the segmenter puts
    inside a token, those inside a reviewed compound, and those inside a ``protect`` term (glossary)."""
    text = unicodedata.normalize("NFC", text)
    inside: set[int] = set()
    position = 0
    for token in _vi_segmenter()(text):
        start = text.find(token, position)
        if start < 0:
            continue
        inside.update(start + k for k, ch in enumerate(token) if ch == " ")
        position = start + len(token)
    lowered = text.lower()
    syllables = _syllables(text)
    for size in (2, 3, 4):
        for k in range(len(syllables) - size + 1):
            first, last = syllables[k], syllables[k + size - 1]
            phrase = lowered[first[0]:last[1]]
            if phrase in VI_COMPOUNDS:
                inside.update(i for i in range(first[1], last[0]) if text[i] == " ")
    for term in protect:
        needle = unicodedata.normalize("NFC", term).lower()
        start = lowered.find(needle) if " " in needle else -1
        while start >= 0:
            inside.update(i for i in range(start, start + len(needle)) if text[i] == " ")
            start = lowered.find(needle, start + 1)
    return frozenset(inside)


def vi_dictionary_spaces(text: str) -> frozenset[int]:
    """Offsets of the spaces some dictionary word of two to four syllables crosses (a superset of the
    word-internal spaces: "cô ta" is in the dictionary, and in "Cô ta chỉ là" it is two words)."""
    words = _vi_dictionary()
    lowered = unicodedata.normalize("NFC", text).lower()
    syllables = _syllables(lowered)
    out: set[int] = set()
    for k in range(len(syllables)):
        for size in (2, 3, 4):
            if k + size > len(syllables):
                break
            first, last = syllables[k], syllables[k + size - 1]
            if lowered[first[0]:last[1]] in words:
                out.update(i for i in range(first[1], last[0]) if lowered[i] == " ")
    return frozenset(out)


_VI_WINDOW = 4  # syllables of context on each side of a break: the CRF's features reach two


@lru_cache(maxsize=8192)
def vi_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Vietnamese word, return the word."""
    a, b = left.rstrip().split(" ")[-_VI_WINDOW:], right.lstrip().split(" ")[:_VI_WINDOW]
    if not a or not b or not a[-1] or not b[0] or not a[-1][-1].isalpha() or not b[0][0].isalpha():
        return None  # a break after punctuation, or before a quote or a dash, is never inside a word
    text = unicodedata.normalize("NFC", " ".join(a) + " " + " ".join(b))
    position = len(unicodedata.normalize("NFC", " ".join(a)))
    if position not in vi_dictionary_spaces(text):
        return None
    if position not in vi_word_spaces(text):
        return None
    start = text.rfind(" ", 0, position)
    while start >= 0 and start in vi_word_spaces(text):
        start = text.rfind(" ", 0, start)
    end = text.find(" ", position + 1)
    while end >= 0 and end in vi_word_spaces(text):
        end = text.find(" ", end + 1)
    return text[start + 1:end if end >= 0 else len(text)].strip(",.!?…\"'“”")


# --- Chinese words --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _zh_segmenter():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at INFO
    return jieba.lcut


def zh_words(text: str) -> list[str]:
    """Chinese word segmentation (jieba, its dictionary loaded on first use)."""
    return _zh_segmenter()(text)


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


_ZH_WINDOW = 8


@lru_cache(maxsize=8192)
def zh_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Chinese word (明|天), the word."""
    a, b = left[-_ZH_WINDOW:], right[:_ZH_WINDOW]
    if not a or not b or not (is_han(a[-1]) and is_han(b[0])):
        return None
    offset, position = 0, len(a)
    for token in zh_words(a + b):
        if offset < position < offset + len(token):
            return token
        offset += len(token)
    return None
