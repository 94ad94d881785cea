"""Per-script text measures: what a character counts for on screen.

One module that check, fix and translate all use (docs/profile.md, "Counting characters"):

* Thai: combining marks (General Category Mn: tone marks, above and below vowels) do not count;
  SARA AM (U+0E33) does, being a spacing letter. ที่นี่เป็นบ้านของฉัน is 20 code points, 13 counted.
* Chinese (CJK): full-width and wide characters count 1, half-width letters, digits, spaces and
  punctuation 0.5; the East-Asian-ambiguous “ ” ‘ ’ … — · count 1, as CJK fonts draw them.
* Latin scripts (id, ms, vi, en): every code point counts, after NFC (Vietnamese from older input
  methods arrives decomposed: "Tiếng Việt" is 14 code points in NFD and 10 in NFC).

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

_TAG = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def strip_markup(text: str) -> str:
    """Visible text: tags and ASS override blocks removed, character references decoded."""
    if "<" in text or "{" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def tags_of(text: str) -> list[str]:
    """The markup tags of a text, in order, as written."""
    return _TAG.findall(text)


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
