"""Per-script text measures: what a character counts for on screen.

One module that check, fix and translate all use (docs/profile.md, "Counting characters"):

* Thai: combining marks (General Category Mn: tone marks, above and below vowels) do not count;
  SARA AM (U+0E33) does, being a spacing letter. ที่นี่เป็นบ้านของฉัน is 20 code points, 13 counted.
* Chinese (CJK): full-width and wide characters count 1, half-width letters, digits, spaces and
  punctuation 0.5; the East-Asian-ambiguous “ ” ‘ ’ … — · count 1, as CJK fonts draw them.
* Latin scripts (id, ms, vi, en): every code point counts, after NFC (Vietnamese from older input
  methods arrives decomposed: "Tiếng Việt" is 14 code points in NFD and 10 in NFC).

It also holds the word segmenters line breaking needs: Thai (newmm's maximal matching over Thai
character clusters) and Chinese (jieba's most probable route through its dictionary, and its HMM for
unknown words), both run by subloc on the dictionaries of the PyThaiNLP and jieba wheels
(subloc.lexicon: cached, ready in milliseconds; neither package is imported), and underthesea's CRF
word segmenter (Vietnamese, whose spaces separate syllables, not words), imported on first use.

Markup never counts: ``<i>``, ``<c.yellow>``, ``<v Name>``, ``{\\an8}`` are removed and HTML
character references (``&amp;``) count as the one character they stand for. Zero-width characters
and the BOM never count.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, NamedTuple

from .languages import script_family
from .lexicon import Lexicon, chinese, chinese_emissions, thai, vietnamese, vietnamese_crf, vietnamese_pairs
from .patterns import compiled, lazy

# The one definition of markup: HTML-like tags (<i>, <c.yellow>, <v Name>) and ASS override blocks ({\an8}).
TAG = lazy(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_ENTITY = lazy(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
INVISIBLE = lazy("[" + "".join(sorted(ZERO_WIDTH)) + "]")
# Control characters a subtitle line must not hold: C0 but the line feed (a tab included: players draw it
# as a box or as nothing), and DEL. `check` flags them (L105) and `fix` removes them: one definition.
CONTROL = lazy(r"[\x00-\x09\x0b-\x1f\x7f]")
# Han ideographs: CJK Unified Ideographs, Extension A and the Compatibility block (a regex class body).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Thai letters, vowels, tone marks and digits (the assigned part of the Thai block).
THAI = "\u0e01-\u0e5b"
def blocks(text: str) -> bytes:
    """The 256-character block of each UTF-16 code unit of ``text``: its high byte (a character beyond the
    BMP is two surrogates, D8-DF). Which scripts a text holds, and how many characters of each, are then
    read by ``in``, ``count`` and ``translate`` on bytes, in C: no regex with big ranges to compile (sre
    walks every code point of a range: ~1-5 ms a class) and no object per character."""
    return text.encode("utf-16-le", "surrogatepass")[1::2]


def members(data: bytes, among: bytes) -> int:
    """How many bytes of ``data`` are among ``among`` (what is left when they are deleted)."""
    return len(data) - len(data.translate(None, among))


# A character beyond Thai, the Latin blocks below U+1100, Latin Extended Additional (Vietnamese's ạ ế ộ…)
# and general punctuation (… —): text without one holds no Han, Hangul or kana. Read by the UTF-16
# blocks of the text, not by the class [^\x00-\u10ff\u1e00-\u1eff\u2000-\u206f], whose compiling costs
# ~1.2 ms in every process (a Han class: 4.5 ms).
_WITHIN_BLOCKS = bytes([*range(0x00, 0x11), 0x1E])  # U+0000-10FF and 1E00-1EFF: whole 256-character blocks
_BEYOND_GENERAL_PUNCTUATION = lazy("[\u2070-\u20ff]")  # the part of block U+20xx that is beyond


def beyond_thai_and_latin(text: str) -> bool:
    """Whether ``text`` has a character beyond Thai, Latin and general punctuation (Han, Hangul, kana…)."""
    if text.isascii():
        return False
    rest = blocks(text).translate(None, _WITHIN_BLOCKS)
    if not rest:
        return False
    return bool(rest.translate(None, b"\x20")) or _BEYOND_GENERAL_PUNCTUATION.search(text) is not None


_SARA_AM_SPLIT = lazy("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


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
        import html  # (its entity table: imported for text that has an entity)

        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def tags_of(text: str) -> list[str]:
    """The markup tags of a text, in order, as written."""
    return TAG.findall(text)


def _char_weight_cjk(ch: str) -> float:
    if ch in ZERO_WIDTH:
        return 0.0
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf", "Cc"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else 0.5


class PerCharacter(dict):  # type: ignore[type-arg]
    """Character → ``compute(character)``, worked out the first time a character is met: per-character
    look-ups in C (``map(table.__getitem__, text)``), where a Python call per character costs ~4 times more
    (the episodes of a series share most of their characters)."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, ch: str) -> Any:
        value = self[ch] = self._compute(ch)
        return value


_CJK_WEIGHTS = PerCharacter(_char_weight_cjk)


def _count_cjk(text: str) -> float:
    # (a look-up per character, in C: Chinese lines are short, and this is faster for them than
    # _count_plain's regex count, whose Han ranges would also cost 5 ms to compile in every process)
    if text.isascii():
        return len(text) * 0.5
    return sum(map(_CJK_WEIGHTS.__getitem__, text))


class _Blocks(NamedTuple):
    # a character of the blocks below that never counts (ZERO_WIDTH, Mn, Me, Cf, Cc) but the newline, at
    # which count_lines splits a track's lines (and which _count_plain counts apart)
    zero_in_lines: re.Pattern[str]


# The blocks Thai, Vietnamese, Malay and Indonesian subtitles are written in (Latin, its combining marks,
# Thai, Vietnamese, general punctuation, CJK punctuation and full-width forms: ~1,700 code points, read
# from unicodedata when first needed), whose characters _count_plain takes by class: one regex count per
# line instead of a look-up per character (twice as fast on Thai and Vietnamese lines).
_SCANNED = ((0x0000, 0x036F), (0x0E00, 0x0E7F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x3000, 0x303F),
            (0xFF00, 0xFFEF))


def _char_class(codes: list[int]) -> str:
    """A regex character class body for code points (sorted), as ranges."""
    parts, k = [], 0
    while k < len(codes):
        j = k
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(re.escape(chr(codes[k])) + ("-" + re.escape(chr(codes[j])) if j > k else ""))
        k = j + 1
    return "".join(parts) or "\\x00-\\x00"


@lru_cache(maxsize=1)
def _known_blocks() -> _Blocks:
    category = unicodedata.category
    zero = [code for low, high in _SCANNED for code in range(low, high + 1)
            if code != 10 and (chr(code) in ZERO_WIDTH or category(chr(code)) in _UNCOUNTED)]
    return _Blocks(re.compile(f"[{_char_class(zero)}]"))


_UNCOUNTED = ("Mn", "Me", "Cf", "Cc")


@lru_cache(maxsize=4096)
def _uncounted(ch: str) -> bool:
    return ch in ZERO_WIDTH or unicodedata.category(ch) in _UNCOUNTED


# Whether a text has a character outside _SCANNED, read by UTF-16 blocks (no class of _SCANNED's ~1,700
# code points to compile, ~1.3 ms in every process): the blocks wholly inside, those partly inside, and
# the parts of these outside (a small class, scanned only when the text has a character of one).
_SCANNED_WHOLE = bytes([0x00, 0x01, 0x02, 0x1E])
_SCANNED_PART = bytes([0x03, 0x0E, 0x20, 0x30, 0xFF])
_UNSCANNED_PART = lazy("[\u0370-\u03ff\u0e80-\u0eff\u2070-\u20ff\u3040-\u30ff\ufff0-\uffff]")


def _outside_scanned(text: str) -> bool:
    rest = blocks(text).translate(None, _SCANNED_WHOLE)
    if not rest:
        return False
    return bool(rest.translate(None, _SCANNED_PART)) or _UNSCANNED_PART.search(text) is not None


def _count_plain(text: str) -> float:
    if text.isascii():
        return float(len(text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not _outside_scanned(text):
        return float(len(text) - _known_blocks().zero_in_lines.subn("", text)[1] - text.count("\n"))
    return float(len(text) - sum(map(_uncounted, text)))


def count(text: str, language: str | None = None) -> float:
    """Counted characters of visible text (markup already stripped), per the language's script."""
    family = script_family(language) if language else "latin"
    if family == "cjk":
        return _count_cjk(text)
    return _count_plain(text)  # Thai and Latin differ only in which marks exist; Mn never counts


def count_lines(lines: list[str], language: str | None = None) -> list[float]:
    """:func:`count` of each line (markup already stripped), for a whole track at once: Thai and
    Latin-script lines in the common blocks are counted by three calls for all of them (join, delete
    what does not count, split) instead of a regex count per line."""
    family = script_family(language) if language else "latin"
    if family == "cjk":
        return [_count_cjk(line) for line in lines]
    whole = "\n".join(lines)
    if whole.isascii():
        return [float(len(line)) for line in lines]
    # (an ASCII line counts every character, control characters too: those send the track line by line)
    if unicodedata.is_normalized("NFC", whole) and not _outside_scanned(whole) and CONTROL.search(whole) is None:
        return [float(size) for size in map(len, _known_blocks().zero_in_lines.sub("", whole).split("\n"))]
    return [_count_plain(line) for line in lines]


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
    """Dictionary word segmentation of Thai: newmm's maximal matching (PyThaiNLP's algorithm and word
    list, subloc.lexicon) over Thai character clusters; whitespace is dropped."""
    return [token for token in (t.strip(" ") for t in _thai_segment(text)) if token]


# Where a Thai character cluster may not end: before a combining mark or a following vowel (ะ า ำ ๅ),
# after a leading vowel (เ แ โ ใ ไ), and before a consonant silenced by the thanthakhat (ศักดิ์, จันทร์).
_THAI_ATTACHED = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e45" + "".join(map(chr, range(0x0E34, 0x0E3B)))
                           + "".join(map(chr, range(0x0E47, 0x0E4F))))
_THANTHAKHAT = "\u0e4c"
# Patterns of the segmenters, compiled on first use (every compile at import delays every subloc command).
_THAI_NONTHAI = r"[-a-zA-Z]+|\d+(?:[,.]\d+)*|[ \t]+|\r?\n|[^\u0E00-\u0E7F \t\r\n]+"
_THAI_TWO_CONSONANTS = "[ก-ฮ]{,2}$"
_NEWMM_MAX_GRAPH = 50


def _thai_boundaries(text: str) -> bytearray:
    n = len(text)
    valid = bytearray(b"\x01") * (n + 1)
    for i in range(1, n):
        ch, before = text[i], text[i - 1]
        silenced = text[i + 1:i + 2] == _THANTHAKHAT or (  # ศักดิ์, จันทร์: the silent letters end the cluster
            text[i + 2:i + 3] == _THANTHAKHAT and ("\u0e01" <= text[i + 1] <= "\u0e2e" or text[i + 1] in "\u0e34\u0e38"))
        if ch in _THAI_ATTACHED or before in THAI_NO_LINE_END or silenced:
            valid[i] = 0
    return valid


def _thai_segment(text: str) -> list[str]:
    """newmm: grow a graph of dictionary words over cluster boundaries; whenever one end position is
    left, emit the path with the fewest words to it; a stretch no word starts in is one token up to
    where a word of more than two consonants (or non-Thai text) starts."""
    import heapq
    from collections import defaultdict

    words = thai()
    n = len(text)
    if not n:
        return []
    valid = _thai_boundaries(text)
    graph: defaultdict[int, list[int]] = defaultdict(list)
    size, pending, done, out = 0, [0], 0, []
    while pending[0] < n:
        begin = heapq.heappop(pending)
        for end in words.prefixes(text, begin):
            if valid[end]:
                graph[begin].append(end)
                size += 1
                if end not in pending:
                    heapq.heappush(pending, end)
                if size > _NEWMM_MAX_GRAPH:
                    break
        if len(pending) == 1:
            for pos in _fewest_words(graph, done, pending[0])[1:]:
                out.append(text[done:pos])
                done = pos
            size = 0
            graph.clear()
        elif not pending:
            done = _thai_unknown_end(text, begin, valid, words)
            size = 0
            graph.clear()
            out.append(text[begin:done])
            heapq.heappush(pending, done)
    return out


def _fewest_words(graph: dict[int, list[int]], start: int, goal: int) -> list[int]:
    """Breadth first: the first path found to ``goal`` has the fewest edges (words)."""
    seen, queue = {start}, [(start, [start])]
    while queue:
        vertex, path = queue.pop(0)
        for pos in graph.get(vertex, ()):
            if pos == goal:
                return [*path, pos]
            if pos not in seen:
                seen.add(pos)
                queue.append((pos, [*path, pos]))
    return [start, goal]


def _thai_unknown_end(text: str, begin: int, valid: bytearray, words) -> int:  # type: ignore[no-untyped-def]
    m = compiled(_THAI_NONTHAI).match(text, begin)
    if m:
        return m.end()
    for pos in range(begin + 1, len(text)):
        if valid[pos]:
            two_consonants = compiled(_THAI_TWO_CONSONANTS).match
            if any(valid[end] and not two_consonants(text[pos:end]) for end in words.prefixes(text, pos)):
                return pos
            if compiled(_THAI_NONTHAI).match(text, pos):
                return pos
    return len(text)


# Characters of context on each side of a line break given to the segmenter: enough for the words
# around the break, and it keeps the cost per break constant.
_BREAK_WINDOW = 12


def thai_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Thai word, return that word."""
    return _thai_window_splits(left.rsplit(" ", 1)[-1][-_BREAK_WINDOW:], right.split(" ", 1)[0][:_BREAK_WINDOW])


@lru_cache(maxsize=8192)
def _thai_window_splits(a: str, b: str) -> str | None:
    """thai_break_splits_word of the break's window, kept per window: the lines of a series differ more
    often than the words around their breaks do (a Thai series: 3,053 distinct pairs of lines, 1,477
    distinct windows)."""
    if not a or not b or not (is_thai(a[-1]) and is_thai(b[0])):
        return None
    words = _thai_dictionary()
    text, position = a + b, len(a)
    # When no dictionary word crosses the break, no segmentation can put one there: skip the segmenter
    # (four breaks in five in real subtitles, at a fraction of the cost).
    if not words.crosses(text, position):
        return None
    offset = 0
    for token in thai_words(text):
        if offset < position < offset + len(token):
            cut = position - offset
            # Two dictionary words the segmenter joined (พ่อ|หนู) are a word boundary, not a broken word.
            return None if token[:cut] in words and token[cut:] in words else token
        offset += len(token)
    return None


def _thai_dictionary():  # type: ignore[no-untyped-def]
    return thai()


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
ngay lập tức|hôm nay|ngày mai|hôm qua|ly hôn|ly dị|kết hôn|hôn ước|thỏa thuận|thoả thuận|chính là|nhà họ
""".replace("\n", "").split("|"))


class _ViWords:
    """Viet74K's words of two to four syllables (subloc.lexicon) and the reviewed compounds above. The
    answers are kept (a phrase is asked again and again across a series: the same names and turns of
    phrase; the word list files phrases by first syllable, which costs a little to work out)."""

    def __init__(self) -> None:
        self.known: dict[str, bool] = {}
        self.paired: dict[str, bool] = {}

    def __contains__(self, phrase: str) -> bool:
        got = self.known.get(phrase)
        if got is None:
            got = self.known[phrase] = phrase in VI_COMPOUNDS or phrase in vietnamese()
        return got

    def pairs(self, pair: str) -> bool:
        """Whether some word has the two syllables of ``pair`` ("x y") side by side."""
        got = self.paired.get(pair)
        if got is None:
            got = self.paired[pair] = pair in _VI_COMPOUND_PAIRS or pair in vietnamese_pairs()
        return got


_VI_COMPOUND_PAIRS = frozenset(f"{a} {b}" for word in VI_COMPOUNDS for a, b in zip(word.split(), word.split()[1:]))


def _vi_dictionary() -> _ViWords:
    return _VI_WORDS


_VI_WORDS = _ViWords()


@lru_cache(maxsize=1)
def _vi_segmenter():  # type: ignore[no-untyped-def]
    """underthesea's CRF word segmenter (VLSP 2013 model), run from the installed wheel's model file
    without importing the underthesea package (~0.7 s: requests, joblib, its other pipelines) or loading
    the model whole through underthesea_core (~0.3 s); a test holds the two to the same words on the
    dialogue corpora and salted windows. Falls back to underthesea's own function."""
    direct = _vi_crf_direct()
    if direct is not None:
        return direct
    from underthesea.pipeline.word_tokenize import word_tokenize

    # No token normalisation: it rewrites tone placement (thoả → thỏa) and the tokens must be the text.
    return lambda text: word_tokenize(text, use_token_normalize=False)


# The tokens underthesea's regex tokenizer gives dialogue, in its order of priority: "v.v." and an
# ellipsis of dots, abbreviations with dots (Mr., Tp., T.Ư, A.) or an apostrophe (H'Mông), emoticons,
# dates, times and numbers, a hyphenated word, a word, and any other character alone. (Its rarer cases,
# URLs, e-mail addresses, phone and plate numbers, are not dialogue; a test compares the two on dialogue
# and on windows salted with these tokens.)
_VI_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_VI_LETTER = _VI_UPPER + _VI_UPPER.lower()
_VI_TOKEN = (r"=>|==>|->|\.{2,}|-{2,}|>>|\d+x\d+|v\.v\.\.\.|v\.v\.|v\.v|°[CF]"
             rf"|[A-ZĐ]+&[A-ZĐ]+|T\.Ư|[{_VI_UPPER}]+(?:\.[{_VI_LETTER}]+)+\.?|[{_VI_LETTER}]+['’][{_VI_LETTER}]+"
             r"|[A-ZĐ]+\.(?!$)|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\.|Th\.S|Th\.s|e-mail|\d+[A-Z]+\d*-\d+|NĐ-CP"
             r"|\d{2,}-\d{3,}-\d{3,}"
             r"|\d{1,2}/\d{1,2}/\d+|\d{1,2}/\d{1,4}|\d{1,2}-\d{1,2}-\d+|\d{1,2}-\d{1,4}|\d{1,2}\.\d{1,2}\.\d+"
             r"|\d{4}/\d{1,2}/\d{1,2}|\d{2}:\d{2}:\d{2}|\d+[A-Z]+\d+|\d+[A-Z]+"
             r"|\d+(?:\.\d+)+,\d+|\d+(?:\.\d+)+|\d+(?:,\d+)+|\d+(?:[.,_]\d+)?"
             r"|:\)\)*|=\)\)+|♥‿♥|:D+(?=\s)|:D+(?=$)|<3"
             r"|(?<=\b)\w+-[\w+-]*\w+|\w+|[^\w\s]")


_VI_TRAILING = frozenset(",?!…;:")


def _vi_tokens(text: str) -> list[str]:
    """_VI_TOKEN's tokens of (NFC) ``text``. A window of dialogue is almost always words of letters or of
    ASCII digits, each with at most one of , ? ! … ; : after it: no alternative before ``\\w+`` matches
    a word of letters (they need a digit, dot, hyphen, apostrophe, & or an emoticon's first character),
    and none before ``\\d+(?:[.,_]\\d+)?`` matches more of a number than its digits without a letter,
    dot, hyphen, slash or a digit after its mark. So the words and their marks are the tokens, without
    the regex (~20 us a window, and ~4 ms to compile it in every process)."""
    out: list[str] = []
    for word in text.split(" "):
        if word.isalpha() or (word.isdigit() and word.isascii()):
            out.append(word)
        elif len(word) > 1 and word[-1] in _VI_TRAILING and \
                (word[:-1].isalpha() or (word[:-1].isdigit() and word.isascii())):
            out += (word[:-1], word[-1])
        elif word:
            return compiled(_VI_TOKEN).findall(text)
    return out


_VI_TEMPLATE = lazy(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")


def _vi_crf_direct():  # type: ignore[no-untyped-def]
    """The segmenter: subloc's tokenizer, then underthesea's CRF read from its model file
    (lexicon.vietnamese_crf) and run here: the weights of the features underthesea_core's featurizer
    would write (a token, a run of two or three, lower-cased, dictionary word, title, digits, BOS and
    EOS beyond the text), then Viterbi over B-W/I-W. None when the model is missing or has a template
    this does not know."""
    model = vietnamese_crf()
    if model is None:
        return None
    templates = []
    for number, name in enumerate(model.extra.get("templates", [])):
        match = _VI_TEMPLATE.fullmatch(name)
        if match is None:
            return None
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        templates.append((number, first, last, match[3]))
    (bb, bi), (ib, ii) = model.extra["transitions"]
    tokens_of = _vi_tokens
    # A string's weights by what sees it: (kind, run length) → ((shift, weight), …): the template with
    # first offset ``first`` sees the run starting at token j from token j - first, so the run adds its
    # weight there. Kept per string met (tokens recur from window to window).
    shape = {number: (kind, last - first + 1, -first) for number, first, last, kind in templates}

    def by_template(entry: dict[int, float]) -> dict[tuple[str | None, int], tuple[tuple[int, float], ...]]:
        out: dict[tuple[str | None, int], list[tuple[int, float]]] = {}
        for number, weight in entry.items():
            if number in shape:
                kind, size, shift = shape[number]
                out.setdefault((kind, size), []).append((shift, weight))
        return {key: tuple(pairs) for key, pairs in out.items()}

    known: dict[str, tuple[dict, bool]] = {}

    def lookup(value: str) -> tuple[dict, bool]:
        """(weights by what sees the string, whether it is a dictionary word)."""
        got = known.get(value)
        if got is None:
            entry = model.get(value)
            got = known[value] = ((by_template(entry), -1 in entry) if type(entry) is dict
                                  else ({}, bool(entry)))  # (1: a dictionary word no feature sees)
        return got

    (true, _), (false, _) = lookup("True"), lookup("False")
    edges: dict[int, list[float]] = {}

    def edge_scores(n: int) -> list[float]:
        """What BOS and EOS add at each token of an n-token text (a template that looks before the text
        sees BOS, after it EOS, BOS first)."""
        got = edges.get(n)
        if got is None:
            before, after = model.get("BOS") or {}, model.get("EOS") or {}
            got = edges[n] = [0.0] * n
            for number, first, last, _ in templates:
                for k in range(n):
                    side = before if k + first < 0 else after if k + last >= n else None
                    if side is not None:
                        got[k] += side.get(number, 0.0)
        return got

    weighed: dict[str, tuple[tuple[int, float], ...]] = {}

    def weigh(run: str, size: int) -> tuple[tuple[int, float], ...]:
        """What a run of ``size`` tokens adds wherever it stands, as (shift, weight): as written,
        lower-cased, as a dictionary word or not, as titles or not (every token's first character is
        its own upper case: "12" and "ĐÃ" are), as digits or not. All of it follows from the run's text,
        so it is worked out once per run met (tokens and their pairs recur from window to window)."""
        seen, is_word = lookup(run.lower())
        adds = lookup(run)[0].get((None, size), ()) + seen.get(("lower", size), ())
        adds += (true if is_word else false).get(("is_in_dict", size), ())
        titled = all(token[0].upper() == token[0] for token in run.split(" "))
        adds += (true if titled else false).get(("istitle", size), ())
        if size == 1:
            adds += (true if run.isascii() and run.isdigit() else false).get(("isdigit", 1), ())
        merged: dict[int, float] = {}  # one weight a shift (5.8 pairs a run, 3.6 shifts)
        for shift, weight in adds:
            merged[shift] = merged.get(shift, 0.0) + weight
        weighed[run] = adds = tuple(merged.items())
        return adds

    def segment(text: str) -> list[str]:
        tokens = tokens_of(unicodedata.normalize("NFC", text))
        n = len(tokens)
        if not n:
            return []
        # The score of each token (the weight of I-W less that of B-W): what BOS and EOS add, and what
        # each run of one to three tokens adds (weigh).
        score = edge_scores(n)[:]
        runs = tokens
        for size in (1, 2, 3):
            if size == 2:
                runs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
            elif size == 3:
                runs = [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])]
            for j, run in enumerate(runs):
                adds = weighed.get(run)
                if adds is None:
                    adds = weigh(run, size)
                for shift, weight in adds:
                    k = j + shift
                    if 0 <= k < n:
                        score[k] += weight
        # Viterbi over B-W / I-W
        best_b, best_i = 0.0, score[0]
        back: list[tuple[bool, bool]] = []
        for k in range(1, n):
            from_b = (best_b + bb, best_i + ib)
            from_i = (best_b + bi, best_i + ii)
            back.append((from_b[1] > from_b[0], from_i[1] > from_i[0]))
            best_b, best_i = max(from_b), max(from_i) + score[k]
        inside = best_i > best_b
        tags = [inside]
        for came_b, came_i in reversed(back):
            inside = came_i if inside else came_b
            tags.append(inside)
        tags.reverse()
        out: list[str] = []
        for token, inside in zip(tokens, tags):
            if inside and out:
                out[-1] = out[-1] + " " + token
            else:
                out.append(token)
        return out

    return segment


_VI_SYLLABLE = lazy(r"[^\W\d_]+", re.UNICODE)


def _syllable_spans(text: str) -> list[tuple[int, int]]:
    """Where the runs of letters of ``text`` are (_VI_SYLLABLE's matches): a word between spaces made of
    letters only is one run, taken whole; any other word goes to the regex. A regex match costs ~0.7 us,
    and a break judgement looks at eight syllables."""
    out: list[tuple[int, int]] = []
    offset = 0
    for word in text.split(" "):
        if word.isalpha():
            out.append((offset, offset + len(word)))
        elif word:
            out.extend((offset + m.start(), offset + m.end()) for m in _VI_SYLLABLE.finditer(word))
        offset += len(word) + 1
    return out


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
        if " " in token:
            inside.update(start + k for k, ch in enumerate(token) if ch == " ")
        position = start + len(token)
    lowered = text.lower()
    syllables = _syllable_spans(text)
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
    syllables = _syllable_spans(lowered)
    out: set[int] = set()
    for k in range(len(syllables)):
        for size in (2, 3, 4):
            if k + size > len(syllables):
                break
            first, last = syllables[k], syllables[k + size - 1]
            if lowered[first[0]:last[1]] in words:
                out.update(i for i in range(first[1], last[0]) if lowered[i] == " ")
    return frozenset(out)


def _one_syllable(word: str) -> bool:
    """A word that is one run of _VI_SYLLABLE's letters, with at most one character after it that is no
    letter, digit or underscore (a mark: tôi, sao? đi!)."""
    return word.isalpha() or (len(word) > 1 and word[:-1].isalpha() and not word[-1].isalnum() and word[-1] != "_")


def _syllable_of(word: str) -> str:
    return word if word.isalpha() else word[:-1]


def _vi_pair_possible(last: str, first: str) -> bool:
    """Whether some dictionary word may cross the space between the words ``last`` and ``first`` (NFC,
    lower case): False only when they are the syllables beside the space (letters; ``first`` may have
    one mark after it) and no word has the two side by side."""
    if last.isalpha() and (first.isalpha() or (_one_syllable(first) and (first := first[:-1]))):
        return _VI_WORDS.pairs(f"{last} {first}")
    return True


def _vi_dictionary_crosses(text: str, position: int) -> bool:
    """``position in vi_dictionary_spaces(text)``, asking the dictionary only about the phrases that cross
    ``position`` (six at most, not every phrase of the text)."""
    lowered = unicodedata.normalize("NFC", text).lower()
    if lowered[position:position + 1] != " ":
        return False
    words = _VI_WORDS  # (with VI_COMPOUNDS, answers kept per phrase)
    # Every phrase over the space holds the syllables beside it: when they are the words beside it (letters,
    # the second with at most one mark after it), a pair no word has settles it (four windows in five).
    end = lowered.find(" ", position + 1)
    last, first = lowered[lowered.rfind(" ", 0, position) + 1:position], lowered[position + 1:end if end >= 0 else None]
    if not _vi_pair_possible(last, first):
        return False
    before = lowered[:position].rsplit(" ", 3)[-3:]
    after = lowered[position + 1:].split(" ", 3)[:3]
    plain = "" not in before and "" not in after and "".join(before).isalpha() and "".join(after).isalpha()
    if plain or (before[-1].isalpha() and all(map(_one_syllable, before)) and all(map(_one_syllable, after))):
        # The common case: the three words on each side are one syllable each, letters with at most one
        # mark after them (tôi, sao? đi!), so the six phrases over the space are those words joined (no
        # regex, no offsets): the words just before (one, two, three) with the words just after (as many
        # as make four syllables at most). A phrase ends where its last syllable does, before its mark;
        # a mark inside a phrase stays in it, as the whole text's phrases keep it (bổ nhậm, bổ nhiệm).
        lefts = [before[-1]]
        if len(before) > 1:
            lefts.append(f"{before[-2]} {lefts[0]}")
            if len(before) > 2:
                lefts.append(f"{before[-3]} {lefts[1]}")
        if plain:  # (letters only: the words are the syllables)
            rights = [after[0]]
            if len(after) > 1:
                rights.append(f"{after[0]} {after[1]}")
                if len(after) > 2:
                    rights.append(f"{rights[1]} {after[2]}")
        else:
            rights = [_syllable_of(after[0])]
            if len(after) > 1:
                rights.append(f"{after[0]} {_syllable_of(after[1])}")
                if len(after) > 2:
                    rights.append(f"{after[0]} {after[1]} {_syllable_of(after[2])}")
        known = words.known  # (a kept answer read here, without a method call a phrase)
        for i, left in enumerate(lefts):
            for right in rights[:3 - i]:
                phrase = f"{left} {right}"
                got = known.get(phrase)
                if got or (got is None and phrase in words):
                    return True
        return False
    syllables = _syllable_spans(lowered)
    left = sum([end <= position for _, end in syllables])  # syllables before the space
    if left == 0 or left == len(syllables):
        return False
    for size in (2, 3, 4):
        for k in range(max(0, left - size + 1), min(left, len(syllables) - size + 1)):
            if lowered[syllables[k][0]:syllables[k + size - 1][1]] in words:
                return True
    return False


_VI_WINDOW = 4  # syllables of context on each side of a break: the CRF's features reach two


def vi_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Vietnamese word, return the word."""
    a, b = left.rstrip().split(" ")[-_VI_WINDOW:], right.lstrip().split(" ")[:_VI_WINDOW]
    if not a or not b or not a[-1] or not b[0] or not a[-1][-1].isalpha() or not b[0][0].isalpha():
        return None  # a break after punctuation, or before a quote or a dash, is never inside a word
    # Most breaks have two syllables beside them that no word holds side by side: settled by the pair,
    # before the window is built (answers kept per pair of words as written).
    possible = _VI_BESIDE.get((a[-1], b[0]))
    if possible is None:
        possible = _VI_BESIDE[a[-1], b[0]] = _vi_pair_possible(
            unicodedata.normalize("NFC", a[-1]).lower(), unicodedata.normalize("NFC", b[0]).lower())
    return _vi_window_splits(" ".join(a), " ".join(b)) if possible else None


_VI_BESIDE: dict[tuple[str, str], bool] = {}


@lru_cache(maxsize=8192)
def _vi_window_splits(before: str, after: str) -> str | None:
    """vi_break_splits_word of the break's window (its syllables on each side), kept per window (a
    Vietnamese series: 2,405 distinct pairs of lines, 1,959 distinct windows)."""
    text = unicodedata.normalize("NFC", before + " " + after)
    position = len(unicodedata.normalize("NFC", before))
    if not _vi_dictionary_crosses(text, position):
        return None
    inside = vi_word_spaces(text)  # (once: each call runs the segmenter)
    if position not in inside:
        return None
    start = text.rfind(" ", 0, position)
    while start >= 0 and start in inside:
        start = text.rfind(" ", 0, start)
    end = text.find(" ", position + 1)
    while end >= 0 and end in inside:
        end = text.find(" ", end + 1)
    return text[start + 1:end if end >= 0 else len(text)].strip(",.!?…\"'“”")


# --- Chinese words --------------------------------------------------------------------------------

# jieba's segmentation (its dictionary and HMM tables through subloc.lexicon, jieba itself not imported):
# blocks of Han, Latin letters and digits; in a block the most probable route through the dictionary
# words (log frequency − log total); a run of single characters that is not itself a word goes to the
# HMM (Viterbi over B/M/E/S), which joins unknown words (廣場, names).
_ZH_BLOCK = "([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)"
_ZH_SKIP = r"(\r\n|\s)"
_ZH_HMM_HAN = "([\u4E00-\u9FD5]+)"
_ZH_HMM_SKIP = r"([a-zA-Z0-9]+(?:\.\d+)?%?)"
_ZH_PREVIOUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_ZH_MIN = -3.14e100


def zh_words(text: str) -> list[str]:
    """Chinese word segmentation: jieba's algorithm on jieba's dictionary (subloc.lexicon)."""
    out: list[str] = []
    for block in compiled(_ZH_BLOCK).split(text):
        if not block:
            continue
        if compiled(_ZH_BLOCK).match(block):
            out.extend(_zh_block(block))
            continue
        for part in compiled(_ZH_SKIP).split(block):
            if compiled(_ZH_SKIP).match(part):
                out.append(part)
            else:
                out.extend(part)
    return out


_NO_ENTRY = object()


def _zh_tables(words: Lexicon) -> tuple[dict[str, float | None], dict[str, dict[str, float | None]], float]:
    """The route's tables, kept with the dictionary and filled as characters are met: each character's
    log-probability as a word of its own (None: not a word), and for each two-character beginning the
    log-probability of each entry that starts with it (None: a prefix of longer words only)."""
    tables = words.derived.get("zh-route")
    if tables is None:
        tables = words.derived["zh-route"] = ({}, {}, math.log(words.extra.get("total") or 1))
    return tables  # type: ignore[return-value]


def _zh_route(sentence: str) -> list[str]:
    """The dictionary words of the most probable route through a block (jieba's DAG and route), before
    the HMM: an unknown character is a word of its own."""
    words = chinese()
    singles, pairs, log_total = _zh_tables(words)
    log = math.log
    n = len(sentence)
    # route[x]: (log-probability of the best route from x, the last index of its first word), as jieba
    # keeps it; a tie goes to the longer word, as jieba's max over (probability, index) does. Each step
    # adds in jieba's order, (log(freq) - log(total)) + route, so that sums and ties come out as jieba's.
    prob = [0.0] * (n + 1)
    last = [0] * (n + 1)
    for start in range(n - 1, -1, -1):
        ch = sentence[start]
        below = prob[start + 1]
        score = singles.get(ch, _NO_ENTRY)
        if score is _NO_ENTRY:
            freq = words.get(ch)
            score = singles[ch] = log(freq) - log_total if freq else None
        if score is None:  # an unknown character is a word of its own
            best, best_end, known = below - log_total, start, False
        else:
            best, best_end, known = score + below, start, True  # type: ignore[operator]
        if start + 1 < n:
            pair = sentence[start:start + 2]
            found = pairs.get(pair)
            if found is None:
                found = pairs[pair] = {word: log(freq) - log_total if freq else None
                                       for word, freq in words.bucket_of(pair).items()}
            if not found:  # (three two-character beginnings in five start no word)
                prob[start], last[start] = best, best_end
                continue
            end = start + 2
            while end <= n:
                score = found.get(sentence[start:end], _NO_ENTRY)
                if score is _NO_ENTRY:
                    break  # no word starts with this fragment (the prefix dictionary's entries end here)
                if score is not None:
                    step = score + prob[end]  # type: ignore[operator]
                    if not known or step > best or (step == best and end - 1 > best_end):
                        best, best_end, known = step, end - 1, True
                end += 1
        prob[start], last[start] = best, best_end
    out = []
    x = 0
    while x < n:
        y = last[x] + 1
        out.append(sentence[x:y])
        x = y
    return out


def _zh_block(sentence: str) -> list[str]:
    words = chinese()
    out: list[str] = []
    single = ""
    for token in [*_zh_route(sentence), ""]:
        if len(token) == 1:
            single += token
            continue
        if len(single) == 1 or (single and words.get(single)):
            out.extend(single)
        elif single:
            out.extend(_zh_unknown(single))
        single = ""
        if token:
            out.append(token)
    return out


def _zh_unknown(text: str) -> list[str]:
    out: list[str] = []
    for block in compiled(_ZH_HMM_HAN).split(text):
        if compiled(_ZH_HMM_HAN).match(block):
            out.extend(_zh_viterbi(block))
        else:
            out.extend(part for part in compiled(_ZH_HMM_SKIP).split(block) if part)
    return out


@lru_cache(maxsize=1)
def _zh_hmm() -> tuple[list[float], list[tuple[int, int, float, int, float]]]:
    """jieba's start log-probabilities by state (B, M, E, S) and, for each state, its two possible
    previous states with their transition log-probabilities (in jieba's order: ties go as in jieba)."""
    extra = chinese().extra
    start_p, trans_p = extra["start"], extra["trans"]
    order = "BMES"
    moves = []
    for k, y in enumerate(order):
        first, second = _ZH_PREVIOUS[y]
        moves.append((k, order.index(first), trans_p[first].get(y, _ZH_MIN),
                      order.index(second), trans_p[second].get(y, _ZH_MIN)))
    return [start_p[y] for y in order], moves


def _zh_viterbi(text: str) -> list[str]:
    """jieba's finalseg: the most probable B(egin)/M(iddle)/E(nd)/S(ingle) tags of a run of characters.

    The same sums and choices as jieba's (B after E or S, M after M or B, S after S or E, E after B or
    M; on equal probabilities the later letter wins), kept as back-pointers, not as growing paths."""
    emit = chinese_emissions()
    start, moves = _zh_hmm()
    (_, b1, tb1, b2, tb2), (_, m1, tm1, m2, tm2), (_, s1, ts1, s2, ts2), (_, e1, te1, e2, te2) = \
        moves[0], moves[1], moves[3], moves[2]
    # on equal sums jieba keeps the later letter (max over (probability, letter)): fixed for each state
    kb, km, ke, ks = ("BMES"[b1] > "BMES"[b2], "BMES"[m1] > "BMES"[m2], "BMES"[e1] > "BMES"[e2],
                      "BMES"[s1] > "BMES"[s2])
    eb, em, ee, es = emit.get(text[0]) or _ZH_UNKNOWN
    pb, pm, pe, ps = start[0] + eb, start[1] + em, start[2] + ee, start[3] + es
    back = []
    for ch in text[1:]:
        eb, em, ee, es = emit.get(ch) or _ZH_UNKNOWN
        p = (pb, pm, pe, ps)
        x, y = p[b1] + tb1 + eb, p[b2] + tb2 + eb
        nb, fb = (x, b1) if x > y or (x == y and kb) else (y, b2)
        x, y = p[m1] + tm1 + em, p[m2] + tm2 + em
        nm, fm = (x, m1) if x > y or (x == y and km) else (y, m2)
        x, y = p[e1] + te1 + ee, p[e2] + te2 + ee
        ne, fe = (x, e1) if x > y or (x == y and ke) else (y, e2)
        x, y = p[s1] + ts1 + es, p[s2] + ts2 + es
        ns, fs = (x, s1) if x > y or (x == y and ks) else (y, s2)
        back.append((fb, fm, fe, fs))
        pb, pm, pe, ps = nb, nm, ne, ns
    state = 2 if (pe, "E") > (ps, "S") else 3
    tags = [state]
    for pointers in reversed(back):
        state = pointers[state]
        tags.append(state)
    tags.reverse()
    out: list[str] = []
    begin = done = 0
    for i, tag in enumerate(tags):
        if tag == 0:  # B
            begin = i
        elif tag == 2:  # E
            out.append(text[begin:i + 1])
            done = i + 1
        elif tag == 3:  # S
            out.append(text[i])
            done = i + 1
    if done < len(text):
        out.append(text[done:])
    return out


_ZH_UNKNOWN = (_ZH_MIN,) * 4


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


_ZH_WINDOW = 8


@lru_cache(maxsize=8192)
def zh_break_splits_word(left: str, right: str) -> str | None:
    """If a line break between ``left`` and ``right`` falls inside a Chinese word (明|天), the word."""
    a, b = left[-_ZH_WINDOW:], right[:_ZH_WINDOW]
    if not a or not b or not (is_han(a[-1]) and is_han(b[0])):
        return None
    # The token of zh_words(a + b) that holds the break, worked out for the break only: the block around
    # it, that block's route, and the HMM only for a run of single characters on both sides of it.
    text, position = a + b, len(a)
    for block in compiled(_ZH_BLOCK).finditer(text):
        if block.start() < position < block.end():
            start, end = block.span()
            break
    else:
        return None  # the break is at the edge of a block: a character outside every block is its own token
    tokens = _zh_route(text[start:end])
    offset, at = start, 0
    for at, token in enumerate(tokens):
        if offset < position < offset + len(token):
            return token
        if offset + len(token) == position:
            break
        offset += len(token)
    before, after = tokens[at], tokens[at + 1]
    if len(before) != 1 or len(after) != 1:
        return None
    first = last = at
    while first > 0 and len(tokens[first - 1]) == 1:
        first -= 1
    while last + 1 < len(tokens) and len(tokens[last + 1]) == 1:
        last += 1
    single = "".join(tokens[first:last + 1])  # the run _zh_block hands to the HMM, unless it is a word
    if chinese().get(single):
        return None
    offset = position - (at - first + 1)
    for token in _zh_unknown(single):
        if offset < position < offset + len(token):
            return token
        offset += len(token)
    return None
