"""Script-aware line breaking to a profile: where a subtitle line may break, and the best break.

* Indonesian, Malay, English: at spaces; never after a dangling article, preposition or conjunction
  (di, ke, dari, yang, dan…) when another break is as good, nor inside an amount (tiga / bilion, 300 /
  juta; Vietnamese too: ba / trăm triệu); reduplications (anak-anak) contain no space and stay whole;
  a name stays with the title or family word before it when another break balances nearly as well
  (Tuan Muda Lu, keluarga Su, giám đốc Lục).
* Vietnamese: at spaces, but spaces separate syllables, not words: never between the syllables of a
  word (phẫu|thuật, bà|nội) when another break fits: underthesea's word segmenter decides
  (scripts.vi_word_spaces), glossary terms stay whole; a demonstrative stays with its noun
  (chuyện này, cô ấy), an auxiliary with its verb (sẽ, đang, đã, đừng…).
* Thai: at spaces, or between words found by dictionary segmentation (newmm's maximal matching on
  PyThaiNLP's word list, scripts.thai_words); never before ๆ, ฯ, ะ, า, ำ or a combining mark, never
  after a leading vowel (เ แ โ ใ ไ); between phrases rather than after a preposition, possessive or
  auxiliary (อยู่ที่|, ของ|, ต้อง|, กำลัง|, ไม่เคย|) or inside an amount (สองล้านห้า|แสนบาท).
* Chinese: after punctuation first, then at a space that separates clauses (你给我站住 我有话要说),
  then between words (jieba's algorithm and dictionary, scripts.zh_words); never inside a word (明|天)
  when another break fits; never before closing or after opening punctuation (kinsoku), never inside
  a run of Latin letters or digits, nor between a number and its unit (300|块钱, 25|岁); a line starts
  with no particle (了, 的, 吗…) and, when another break is nearly as balanced, ends with no preposition,
  conjunction or demonstrative (在, 和, 因为, 这个…).

Lines are balanced: the longest line is as short as possible, a slightly longer bottom line preferred
(the eye starts lower on a vertical frame and the top line stays clear of faces).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Iterable, NamedTuple

from .languages import script_family
from .patterns import lazy
from .profiles import Profile
from .scripts import (CJK_NO_LINE_END, CJK_NO_LINE_START, THAI_NO_LINE_END, THAI_NO_LINE_START, count, is_han,
                      is_thai, strip_markup, thai_break_splits_word, thai_words, vi_break_splits_word,
                      vi_dictionary_spaces, vi_word_spaces, zh_break_splits_word, zh_words)

# Words a line should not end with (the Netflix rule: break before a conjunction or preposition).
# ini/itu follow their noun in Malay and Indonesian (tamparan ini), so they may end a line.
_DANGLING = {
    "en": set("a an the of to in on at for with and or but my your his her their our its".split()),
    "id": set("yang di ke dari dan atau tapi tetapi untuk si sang para dengan pada kepada oleh bagi tentang "
              "seperti karena bahwa agar supaya jika kalau ketika sebelum setelah sejak akan".split()),
    "ms": set("yang di ke dari dan atau tapi tetapi untuk si sang para dengan pada kepada oleh bagi tentang "
              "seperti kerana bahawa agar supaya jika kalau ketika sebelum selepas sejak akan".split()),
    # sẽ, đang, đã, hãy, đừng, chớ, bị come before their verb (Mẹ kế của cô ấy đã / đuổi cô ấy…)
    "vi": set("của và những các một với sẽ đang đã hãy đừng chớ bị".split()),
}
# Vietnamese demonstratives follow their noun: a line that starts with one (Nếu cậu chủ biết chuyện /
# này thì…) cuts "this matter" in two. (đó is left out: it is also "that" as a subject, đó là…)
_VI_FOLLOWERS = frozenset("này ấy kia nọ".split())

# An amount in words or digits and its magnitude or currency stay on one line (duit tiga / bilion, ba /
# trăm triệu, 300 / ribu): the numbers, and what may follow a number as part of it, per language.
_AMOUNT_NUMBERS = {
    "id": set("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu setengah "
              "puluh belas ratus ribu juta".split()),
    "ms": set("satu dua tiga empat lima enam tujuh lapan sembilan sepuluh sebelas seratus seribu setengah "
              "puluh belas ratus ribu juta".split()),
    "vi": set("một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn ngàn triệu".split()),
    "en": set("one two three four five six seven eight nine ten twenty thirty forty fifty hundred thousand "
              "million".split()),
}
_AMOUNT_UNITS = {
    "id": set("puluh belas ratus ribu juta miliar triliun rupiah dolar yuan ringgit persen".split()),
    "ms": set("puluh belas ratus ribu juta bilion trilion ringgit dolar yuan rupiah peratus".split()),
    "vi": set("mươi trăm nghìn ngàn triệu tỷ tỉ đồng tệ đô".split()),
    "en": set("hundred thousand million billion trillion dollars dollar yuan percent".split()),
}


# Words that come before a name and belong with it (keluarga Su, Tuan Muda Lu, anh Thẩm, giám đốc Lục): the
# fixer prefers not to break between one and the capitalised word after it. Names are rarely in a
# glossary; the capital shows them. (A preference, not an L104 finding: anh, em, cô are also "you".)
_BEFORE_NAMES = {
    "id": set("keluarga tuan nona nyonya muda besar pak bu ibu bapak kak kakak adik mas mbak bang abang dokter "
              "direktur presdir pengacara nenek kakek paman bibi om tante marga".split()),
    "ms": set("keluarga tuan cik encik puan muda besar pak mak abang kakak adik doktor peguam pengarah nenek "
              "datuk atuk".split()),
    "vi": set("anh chị em cô chú bác ông bà cậu dì mợ thím họ đốc tài tịch sư sĩ ký lý gia thư".split()),
}


def _amount_split(last: str, first: str, lang: str) -> bool:
    """Whether a break between the words ``last`` and ``first`` (lower case, marks stripped) falls inside
    an amount: a number in digits or words, then a magnitude or currency."""
    if first not in _AMOUNT_UNITS.get(lang, ()):
        return False
    return last in _AMOUNT_NUMBERS.get(lang, ()) or last.replace(".", "").replace(",", "").isdigit()

# Thai words a line must not end with: they lead into what follows (prepositions, the possessive ของ,
# auxiliaries and negation before their verb, conjunctions, nominalisers). Reviewed against dialogue:
# words that also close a clause (ได้, ไป, มา, แก่ "old", ต่อ "go on", ตาม "follow", หรือ as a
# question, ยัง) are left out, and the check is a warning.
THAI_LEADING_WORDS = frozenset("""
ของ ที่ อยู่ที่ ใน กับ แด่ จาก สำหรับ โดย เพื่อ เมื่อ ว่า และ แต่ ถ้า หาก เพราะ เพราะว่า ก็ จะ ต้อง กำลัง
กำลังจะ เคย ไม่เคย ไม่ ควร ควรจะ คง คงจะ อาจ อาจจะ ซึ่ง ผู้ การ ความ แห่ง บน ใต้ ระหว่าง ตั้งแต่ จนถึง
หลังจาก ก่อนที่ แม้ แม้ว่า ถึงแม้ เนื่องจาก นอกจาก ทั้งที่ ทุก บาง ยอม เป็น คือ
""".split())
# ของ is also "things" after these verbs (ซื้อของ, เก็บของ): there it ends a phrase.
_THAI_OF_AS_THINGS = frozenset("ซื้อ เก็บ ขน ส่ง ขาย หา ยก คืน".split())
_THAI_NUMBER_WORDS = frozenset("ศูนย์ หนึ่ง เอ็ด สอง ยี่ สาม สี่ ห้า หก เจ็ด แปด เก้า สิบ ยี่สิบ ร้อย พัน หมื่น แสน "
                               "ล้าน ครึ่ง".split())
_THAI_UNITS = frozenset("บาท ดอลลาร์ หยวน ล้าน แสน หมื่น พัน ร้อย ปี เดือน วัน คืน ชั่วโมง นาที วินาที โมง ทุ่ม "
                        "คน ครั้ง เท่า เปอร์เซ็นต์ กิโล เมตร ชั้น ห้อง หุ้น".split())


def _thai_number(word: str) -> bool:
    return word in _THAI_NUMBER_WORDS or word.replace(",", "").replace(".", "").isdigit() or \
        all("\u0e50" <= ch <= "\u0e59" for ch in word)


def thai_phrase_problem(before: list[str], after: list[str]) -> str | None:
    """Why a break between the Thai words ``before`` and ``after`` cuts a phrase, or None."""
    if not before or not after:
        return None
    last, first = before[-1], after[0]
    if last in THAI_LEADING_WORDS and not (last == "ของ" and len(before) > 1 and before[-2] in _THAI_OF_AS_THINGS):
        return f"the line above ends with {last!r}, which leads into the words below: break before it"
    if _thai_number(last) and (_thai_number(first) or first in _THAI_UNITS) and \
            not (len(after) > 1 and after[1] in _THAI_DEICTICS and first in _THAI_TIME_UNITS):
        return f"the break splits the amount {last + first!r}: keep a number and its unit together"
    return None


# A time unit with หน้า/นี้/นั้น after it is a time of its own (เดือน|หน้า "next month", the segmenter's
# two words), not the unit of the number before the break: "นี่ 300 ล้าน / เดือนหน้าต้อง…". With ที่แล้ว it
# may be either ("3 เดือนที่แล้ว", three months ago), and stays an amount.
_THAI_TIME_UNITS = frozenset("ปี เดือน วัน คืน ชั่วโมง นาที สัปดาห์ อาทิตย์".split())
_THAI_DEICTICS = frozenset("หน้า นี้ นั้น".split())
# What the last word before a break and the first word after it can be for thai_phrase_problem to object:
# the segmenter's last word of a line is a suffix of it and its first word a prefix of the next line, so a
# line ending with none of these words (and no digit) cannot end with one; the segmenter is not asked.
_THAI_DIGITS = frozenset("0123456789,.\u0e50\u0e51\u0e52\u0e53\u0e54\u0e55\u0e56\u0e57\u0e58\u0e59")


def _by_letter(words: Iterable[str], at: int) -> dict[str, tuple[str, ...]]:
    """The words filed by their last (``at`` -1) or first (0) letter: endswith/startswith with a tuple
    tries every word of it (~1 us for the 70 leading words), with a letter's words only a few."""
    out: dict[str, list[str]] = {}
    for word in sorted(words):
        out.setdefault(word[at], []).append(word)
    return {letter: tuple(group) for letter, group in out.items()}


_THAI_LEADING_ENDS = _by_letter(THAI_LEADING_WORDS, -1)
_THAI_NUMBER_ENDS = _by_letter(_THAI_NUMBER_WORDS, -1)
_THAI_AMOUNT_STARTS = _by_letter(_THAI_NUMBER_WORDS | _THAI_UNITS, 0)


@lru_cache(maxsize=8192)
def _thai_phrase_at_break(tail: str, head: str) -> str | None:
    """thai_phrase_problem of the words around a break (once per distinct pair, as the break judgement:
    segmenting the two sides costs ~0.3 ms)."""
    return thai_phrase_problem(thai_words(tail)[-2:], thai_words(head)[:2])


def _thai_phrase_possible(tail: str, head: str) -> bool:
    """False when no segmentation of ``tail|head`` can give thai_phrase_problem a reason to object
    (three breaks in four in dialogue: a line usually ends with a particle or a verb)."""
    last, first = tail[-1:], head[:1]
    if tail.endswith(_THAI_LEADING_ENDS.get(last, ())):
        return True
    number_before = last in _THAI_DIGITS or tail.endswith(_THAI_NUMBER_ENDS.get(last, ()))
    return number_before and (first in _THAI_DIGITS or head.startswith(_THAI_AMOUNT_STARTS.get(first, ())))


_PUNCT_AFTER = set("，。！？；：、…,.!?;:)]）」』”’")


_THAI_WINDOW = 12  # characters of context for the segmenter on each side of a break


class Break(NamedTuple):  # (a NamedTuple, as Location)
    position: int  # break before text[position]
    drop: int  # characters removed at the break (a space)
    penalty: float


def _vi_spaces(text: str, protect: tuple[str, ...]) -> tuple[frozenset[int], frozenset[int]]:

    return vi_word_spaces(text, protect), vi_dictionary_spaces(text)


def _candidates(text: str, language: str, protect: tuple[str, ...] = ()) -> list[Break]:
    family = script_family(language)
    lang = language.split("-")[0]
    out: list[Break] = []
    if family == "latin":
        words = text.split(" ")
        inside, loose = _vi_spaces(text, protect) if lang == "vi" else (frozenset(), frozenset())
        pos = 0
        for k, word in enumerate(words[:-1]):
            pos += len(word)
            penalty = 0.0
            if pos in inside:
                penalty += 25  # between the syllables of a word (phẫu|thuật)
            elif pos in loose:
                penalty += 3  # a dictionary word the segmenter did not join here: a weaker break
            bare = word.strip("\"'“”‘’(").lower()
            if bare in _DANGLING.get(lang, ()):
                penalty += 6
            following = words[k + 1].lower().rstrip(",.!?…;:")
            if lang == "vi" and word[-1:].isalpha() and following in _VI_FOLLOWERS:
                penalty += 25  # (as much as a split word: chuyện / này)
            if word[-1:].isalnum() and _amount_split(word.lower(), following, lang):
                penalty += 25  # (tiga / bilion)
            if word.lower() in _BEFORE_NAMES.get(lang, ()) and words[k + 1][:1].isupper():
                penalty += 12  # (keluarga / Su, anh / Thẩm)
            if word and word[-1] in _PUNCT_AFTER:
                penalty -= 3
            out.append(Break(pos, 1, penalty))
            pos += 1
        return out
    if family == "thai":
        tokens: list[tuple[int, str]] = []  # (offset, word) over the whole text; a space is its own token
        pos = 0
        for k, chunk in enumerate(text.split(" ")):
            if k:
                tokens.append((pos - 1, " "))
            for word in (thai_words(chunk) if chunk else []):
                tokens.append((pos, word))
                pos += len(word)
            pos += 1
        words = [w for _, w in tokens]
        for k in range(1, len(tokens)):
            offset, word = tokens[k]
            if word == " ":
                before = [w for w in words[:k] if w != " "][-2:]
                after = [w for w in words[k + 1:] if w != " "][:2]
                # a space: the natural Thai break, unless it sits inside an amount (5 ล้าน บาท)
                out.append(Break(offset, 1, -2.0 + (12 if thai_phrase_problem(before, after) else 0)))
                continue
            if words[k - 1] == " ":
                continue
            if offset < len(text) and (text[offset] in THAI_NO_LINE_START or not is_thai(text[offset - 1])
                                       or text[offset - 1] in THAI_NO_LINE_END):
                continue
            penalty = 10.0  # between words without a space: a last resort
            if thai_phrase_problem(words[max(0, k - 2):k], words[k:k + 2]):
                penalty += 15  # after ของ/ที่/ต้อง…, or inside an amount
            out.append(Break(offset, 0, penalty))
        return out
    # CJK: after punctuation, then at a clause-separating space, then between words (jieba), and
    # between the characters of a word only as a last resort
    inside: set[int] = set()
    leading: set[int] = set()  # (breaks right after a word that leads into what follows)
    if sum(map(is_han, text)) >= 2:
        offset = 0
        for token in zh_words(text):
            # (inside a word as L104 judges it: not between a digit amount's unit and what follows)
            inside.update(k for k in range(offset + 1, offset + len(token))
                          if not _zh_number_and_next(text[:k], text[k:], token))
            if token in _ZH_PARTICLES:
                inside.add(offset)  # (a particle belongs to the line above, as much as a word's end)
            offset += len(token)
            if token in _ZH_LEADING_WORDS:
                leading.add(offset)
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if b in CJK_NO_LINE_START or a in CJK_NO_LINE_END:
            continue
        if a.isascii() and b.isascii() and (a.isalnum() and b.isalnum()):
            continue
        if b == " ":
            continue
        if a == " ":
            latin_space = text[i - 2:i - 1].isascii() and b.isascii()  # a space between Latin words
            split = _zh_amount_split(text[:i - 1], text[i:]) is not None  # (300 块钱: one amount)
            out.append(Break(i - 1, 1, 22.0 if split else 0.0 if latin_space else -2.0))
            continue
        if a in _PUNCT_AFTER:
            out.append(Break(i, 0, -4.0))
        else:
            split = i in inside or _zh_amount_split(text[:i], text[i:]) is not None
            out.append(Break(i, 0, 22.0 if split else 8.0 if i in leading else 2.0))
    return out


_WORDS = lazy(r"[\w']+")


@lru_cache(maxsize=8192)
def break_problem(left: str, right: str, language: str) -> tuple[str, str] | None:
    """What is wrong with a line break between ``left`` and ``right`` (message, severity), or None.

    The one judgement the checker (L104) and the fixer share; see the module docstring for the rules.
    Kept per (lines, language): a series repeats its two-line cues (a Thai series of 5,400 cues: 4,445
    breaks, 3,053 distinct), and a judgement whose word tests are kept still costs ~5 us to reach.
    """
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
        if is_thai(left[-1]) and is_thai(right[0]):
            tail, head = left.rsplit(" ", 1)[-1][-_THAI_WINDOW:], right.split(" ", 1)[0][:_THAI_WINDOW]
            if _thai_phrase_possible(tail, head):
                phrase = _thai_phrase_at_break(tail, head)
                if phrase:
                    return phrase, "warning"
        return None
    if family == "cjk":
        if right[0] in CJK_NO_LINE_START:
            return f"starts with {right[0]!r}, which must end the line above: move it up", "error"
        if left[-1] in CJK_NO_LINE_END:
            return f"the line above ends with {left[-1]!r}, which must start a line: move it down", "error"
        amount = _zh_amount_split(left, right)
        if amount:
            return f"the break splits the amount {amount!r}: keep the number with its unit", "warning"
        if right[0] in _ZH_PARTICLES and zh_words(right[:8])[0] in _ZH_PARTICLES:  # (了解, 的确 are words)
            return f"starts with the particle {right[0]!r}, which belongs to the line above: move it up", "warning"
        if len(right.strip()) == 1 and len(left) >= 6:
            return f"a single character {right.strip()!r} stands alone: rebalance the lines", "warning"
        word = zh_break_splits_word(left, right)
        if word and not _zh_number_and_next(left, right, word):
            return f"the break splits the word {word!r}: break after punctuation, at a space or between words", \
                "warning"
        return None
    if left.endswith("-") and right[:1].isalpha():
        return "a hyphenated word is split across lines: keep it on one line", "warning"
    # (the words at the break from the last and first chunks between spaces: no regex over a whole line)
    tail = left.rsplit(None, 1)[-1] if left[-1].isalnum() else ""
    space = right.find(" ")
    head = (right if space < 0 else right[:space]).rstrip(",.!?…;:")
    lang, folded = language.split("-")[0], head.lower()
    if tail and folded in _AMOUNT_UNITS.get(lang, ()) and _amount_split(tail.lower(), folded, lang):
        return f"the break splits the amount {f'{tail} {head}'!r}: keep the number with what it counts", "warning"
    folded_tail = tail.lower()
    # (a word of letters is its own last [\w']+ run: the regex only for the others)
    last = folded_tail if folded_tail.isalpha() else (_WORDS.findall(folded_tail) or [""])[-1]
    if last and last in _DANGLING.get(lang, ()):
        return f"the line above ends with {last!r}: move it to the start of this line", "warning"
    if lang == "vi":
        if left[-1].isalpha() and folded in _VI_FOLLOWERS:
            return f"starts with {head!r}, which belongs with the word before it: move it up", "warning"
        word = vi_break_splits_word(left, right)
        if word:
            return f"the break splits the word {word!r}: break between words", "warning"
    words = right.split()
    if len(words) == 1 and len(words[0]) <= 4 and _measure(left, language) >= 2.5 * max(1, len(words[0])) + 8:
        return f"the word {words[0]!r} stands alone: rebalance the lines", "warning"
    return None


# Chinese words a line had better not end with, as the fixer balances lines: prepositions and the
# disposal and passive markers lead into their object (明天下午3点在 / 公司门口 reads as 3点在; 她昨天晚上和
# / 少爷), conjunctions into their clause. Only words that are these and nothing else in dialogue: 给, 对,
# 还是, 跟着 are also verbs, adjectives or adverbs that may end a clause. A preference of the fixer (a
# break after one costs as much as six characters of imbalance), not an L104 finding.
_ZH_LEADING_WORDS = frozenset("把 被 将 和 跟 与 及 在 从 向 往 于 因为 如果 虽然 但是 所以 而且 或者 要是 只要 除了 关于 对于 为了 "
                              "这个 那个 这些 那些 这位 那位 的".split())
# Particles that close what comes before them (aspect 了 着, structural 的 地 得, sentence-final 吗 呢 吧 啊…):
# a line that starts with one (失去 / 了所有的一切) reads as broken as a split word. jieba keeps them a
# token of their own only as particles (了解, 的确, 得到 are words); 过 is left out (我不想 / 过这样的日子).
_ZH_PARTICLES = frozenset("了 着 的 地 得 吗 呢 吧 啊 呀 嘛 啦".split())

# What follows a number written in digits as its unit or measure word (3万, 1000亿, 20块, 5岁, 3点, 2年,
# 3个): jieba's HMM joins such a unit to the character after it when neither is in its dictionary
# (3万让我 → 3 / 万让 / 我), a "word" no reader sees. A break after the unit is then between the amount
# and what follows; a break before another unit (3万|块钱) still splits the amount. jieba also leaves
# the digits a token of their own (300 / 块钱, 25 / 岁), so a break between a number and its unit is a
# break between words to it; a reader sees the amount cut in two (_zh_amount_split).
_ZH_UNITS = frozenset("十百千万亿块元角毛分岁个次倍斤两米克吨年月日号天点时秒周层楼集页张件条位名辆台套份杯瓶遍趟口碗只颗句部家间%％")
_ZH_UNIT_WORDS = ("小时", "分钟", "公斤", "公里", "公分", "美元", "欧元", "英镑", "港币", "人民币")


def _zh_amount_split(left: str, right: str) -> str | None:
    """The amount a break between ``left`` and ``right`` cuts in two (a number in digits, then its unit
    or measure word: 300 / 块钱, 25 / 岁, 3 / 点), or None."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right or not ("0" <= left[-1] <= "9" or "０" <= left[-1] <= "９"):
        return None
    if right[0] not in _ZH_UNITS and not right.startswith(_ZH_UNIT_WORDS):
        return None
    digits = len(left) - len(left.rstrip("0123456789０１２３４５６７８９.,，．"))
    return left[-digits:].lstrip(".,，．") + zh_words(right[:6])[0]


def _zh_number_and_next(left: str, right: str, word: str) -> bool:
    """Whether ``word``, which crosses the break, is only a digit amount's unit and the next character."""
    for k in range(1, len(word)):
        head, tail = word[:k], word[k:]
        if left.endswith(head) and right.startswith(tail):
            before = left[:-k][-1:]
            return before.isdigit() and all(ch in _ZH_UNITS for ch in head) and tail[0] not in _ZH_UNITS
    return False


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
    for brk in _candidates(text, lang, protect):
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
