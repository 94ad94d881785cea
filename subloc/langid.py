"""Which language a subtitle file is in: per file, from scripts, markers and, last, langdetect.

Short subtitle lines defeat per-line detectors (langdetect reads 别碰我！ as Korean and has no
Malay at all; docs/malay-indonesian.md), so subloc decides once per file:

1. script shares: Han → Chinese (Simplified vs Traditional by telltale characters), Thai → th,
   Hangul → ko, kana → ja;
2. Latin text with Vietnamese letters (ơ ư đ ă and tone-marked vowels) → vi;
3. English stopwords against Malay-family stopwords, then Malaysian against Indonesian marker words
   (docs/malay-indonesian.md: boleh/bisa, mahu/mau, tak/nggak, kerana/karena, …);
4. only when that is inconclusive, langdetect (seeded, loaded once per process).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from .languages import script_family
from .model import Track
from .patterns import compiled, lazy
from .scripts import HAN, THAI, PerCharacter, beyond_thai_and_latin, blocks, members, strip_markup

# The Han and Hangul classes cost 4.5 and 1.8 ms to compile (sre walks every code point of a range):
# compiled on first use (patterns.compiled); detect_text counts scripts without them (_scripts).
_HAN = f"[{HAN}]"
_THAI = lazy(f"[{THAI}]")
_HANGUL = r"[\uac00-\ud7af\u1100-\u11ff]"
_KANA = lazy(r"[\u3040-\u30ff]")
_LATIN = lazy(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_VIET = lazy(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵÀÁẢÃẠÈÉẺẼẸÌÍỈĨỊÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ]")
_WORD = lazy(r"[a-z\u00c0-\u024f]+(?:'[a-z]+)?")
# A run of the class above, for counting (_count: len(text) minus what is left without them, one match a
# run, not one a letter).
_LATIN_RUN = lazy(_LATIN.pattern + "+")


def _count(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the character class of ``runs`` (a class followed by +) matches."""
    return len(text) - len(runs.sub("", text))

# Characters that exist only in one of the two Chinese scripts (frequent ones).
_SIMPLIFIED_ONLY = set("们这说会为个来时后里开关国过还发对见学么样头点间问题长东车从让给没钱买卖爱")
_TRADITIONAL_ONLY = set("們這說會為個來時後裡開關國過還發對見學麼樣頭點間問題長東車從讓給沒錢買賣愛")

_EN = set("the you i to a and is it of that me my what this in your don't i'm are be not we he she have do for "
          "on with was can you're it's he's she's there they will just know why how am her him let".split())
_MALAY_FAMILY = set("yang dan di ini itu saya aku dia kita kami ada tidak apa dari untuk dengan akan sudah belum juga "
                    "lagi mana siapa kenapa bagaimana jangan sini sana harus hanya semua orang sekarang".split())
# Malaysian (ms) and Indonesian (id) markers (docs/malay-indonesian.md). Strong markers are
# spelt or used one way only in one of the two (mahu/mau, kerana/karena, awak, nggak, pejabat/kantor).
# Weak ones lean one way but are ordinary in the other too: formal Indonesian writes "tak" and "boleh",
# Malay elders say "kamu", "kenapa" and "saja". Weak markers alone never make an error (see detect_text).
# Single words only, none that is also a pinyin syllable of a common name (lu, lo).
_STRONG = {
    "ms": set("mahu nak sahaja je awak wang pejabat polis telefon bimbit kasut tandas bilik kerana bahawa khabar "
              "cuba faham isnin khamis ahad jom peguam tayar encik beritahu takkan tengok kot universiti dah "
              "puan setiausaha syarikat pengarah bermesyuarat siasat fikir ringgit doktor sedar perlukan".split()),
    "id": set("bisa mau nggak gak enggak ngga aja uang mobil gratis kantor polisi telepon sepatu kulkas kamar "
              "kemarin besok karena bahwa kabar coba paham senin kamis ayo pengacara banget dong sih deh kok gue "
              "gw nih kayak gimana ngapain udah presdir sekretaris direktur rapat pikir rupiah dokter belain "
              "ketemu".split()),
}
_WEAK = {
    "ms": set("boleh tak duit hospital cik lah esok kereta percuma macam betul sebab ialah kenapa tu ni "
              "berlaku cakap kau risau bising dekat payah kawasan".split()),
    "id": set("saja kamu minggu ban mengerti bilang terjadi ingin usah nikah menyelidiki".split()),
}
_MARKERS = {lang: {**dict.fromkeys(_WEAK[lang], 0.3), **dict.fromkeys(_STRONG[lang], 1.0)} for lang in ("ms", "id")}
_MS_MARKERS, _ID_MARKERS = _MARKERS["ms"], _MARKERS["id"]


class Detection(NamedTuple):  # (a NamedTuple, as Location)
    language: str | None  # canonical tag, or None when undecided
    confidence: float
    evidence: str
    candidates: tuple[str, ...] = ()  # when undecided: the languages it may be, the likelier first
    lean: str | None = None  # when undecided: the language weak or outnumbered evidence points to

    def matches(self, declared: str) -> bool | None:
        """True/False when the detection can judge the declared language; None when it cannot."""
        if self.language is None:
            return True if declared in self.candidates else None if not self.candidates else False
        return self.language == declared


_LATIN_OR_OTHER_LOW = lazy("[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff\u0600-\u06ff]")


# By the high byte of a UTF-16 code unit, the 256-character blocks that lie wholly inside a script class
# of _script_of: Han (U+3400-4CFF, 4E00-9FFF, F900-FAFF), Hangul (U+1100-11FF, AC00-D6FF) and Latin
# (U+0100-01FF, 1E00-1EFF). The blocks a class covers in part are counted apart (_PARTS).
_HAN_BLOCKS = bytes([*range(0x34, 0x4D), *range(0x4E, 0xA0), 0xF9, 0xFA])
_HANGUL_BLOCKS = bytes([0x11, *range(0xAC, 0xD7)])
_LATIN_BLOCKS = bytes([0x01, 0x1E])
_LATIN1_LETTERS = bytes([*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x100)])
_CP874_THAI = bytes(range(0xA1, 0x100))  # cp874 writes U+0E01-0E3A and 0E3F-0E5B as A1-DA, DF-FB, and
_THAI_UNASSIGNED = "\u0e3b\u0e3c\u0e3d\u0e3e"  # cannot write these four (no character is assigned there)
# (block, the class's part of it, which count it adds to)
_PARTS = ((0x4D, lazy("[\u4d00-\u4dbf]+"), 0), (0xD7, lazy("[\ud700-\ud7af]+"), 2),
          (0x30, lazy("[\u3040-\u30ff]+"), 3), (0x02, lazy("[\u0200-\u024f]+"), 4))


def _scripts(text: str) -> tuple[int, int, int, int, int]:
    """Han, Thai, Hangul, kana and Latin letters in ``text``: exactly what the classes _HAN, _THAI, _HANGUL,
    _KANA and _LATIN match (_script_of's ranges), without a str object and a dict update per character
    (Counter(text): ~160 ns a Chinese character, 12 of a Chinese series' 18 ms of detection). The text
    is encoded three ways in C: UTF-16 (scripts.blocks), Latin-1 dropping the rest (the letters below
    U+0100) and cp874 dropping the rest (Thai); blocks a class covers in part are scanned by a regex
    only when the text has a character in them."""
    if text.isascii():
        return 0, 0, 0, 0, members(text.encode("ascii"), _LATIN1_LETTERS)
    high = blocks(text)
    counts = [members(high, _HAN_BLOCKS), 0, members(high, _HANGUL_BLOCKS), 0,
              members(high, _LATIN_BLOCKS) + members(text.encode("latin-1", "ignore"), _LATIN1_LETTERS)]
    if 0x0E in high:
        counts[1] = members(text.encode("cp874", "ignore"), _CP874_THAI) + \
            sum(text.count(ch) for ch in _THAI_UNASSIGNED if ch in text)
    for block, part, slot in _PARTS:
        if block in high:
            counts[slot] += _count(part, text)
    han, thai, hangul, kana, latin = counts
    return han, thai, hangul, kana, latin


def _script_of(ch: str) -> str | None:
    """The script class of a character, by the ranges of _LATIN, _THAI, _HAN, _HANGUL, _KANA and
    _OTHER_SCRIPTS' Cyrillic and Arabic, or None."""
    if ch < "\u00c0":
        return "latin" if "A" <= ch <= "Z" or "a" <= ch <= "z" else None
    if ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
        return "latin"
    if "\u0e01" <= ch <= "\u0e5b":
        return "thai"
    if "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
        return "han"
    if "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff":
        return "hangul"
    if "\u3040" <= ch <= "\u30ff":
        return "kana"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if "\u0600" <= ch <= "\u06ff":
        return "arabic"
    return None


_SCRIPTS = PerCharacter(_script_of)


def detect_text(text: str) -> Detection:
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # decomposed Vietnamese would read as English
    han, thai, hangul, kana, latin = _scripts(text)
    total = han + thai + hangul + kana + latin
    if total < 4:
        return Detection(None, 0.0, "too little text to tell")
    shares = {"han": han / total, "thai": thai / total, "hangul": hangul / total, "kana": kana / total,
              "latin": latin / total}
    if kana / total > 0.1:
        return Detection("ja", shares["kana"] + shares["han"], f"{kana} kana")
    if shares["han"] >= 0.5:
        simp = sum(text.count(ch) for ch in _SIMPLIFIED_ONLY if ch in text)
        trad = sum(text.count(ch) for ch in _TRADITIONAL_ONLY if ch in text)
        lang = "zh-Hant" if trad > simp else "zh-Hans"
        return Detection(lang, shares["han"], f"{han} Han characters ({simp} simplified-only, {trad} traditional-only)")
    if shares["thai"] >= 0.5:
        return Detection("th", shares["thai"], f"{thai} Thai characters")
    if shares["hangul"] >= 0.5:
        return Detection("ko", shares["hangul"], f"{hangul} Hangul characters")
    if shares["latin"] < 0.5:
        return Detection(None, 0.0, f"mixed scripts ({', '.join(f'{k} {v:.0%}' for k, v in shares.items() if v)})")
    return _latin(text, latin)


# _VIET's letters by where they are: below U+0100 (â ê ô and the vowels with an accent), in U+01xx (ă đ
# ơ ư ĩ ũ), and U+1EA0-1EF9 (the rest of the tone-marked vowels: ạ ả ấ… ỹ).
_VIET_LATIN1 = bytes(ord(ch) for ch in "âêôàáèéìíòóùúýãõÂÊÔÀÁÈÉÌÍÒÓÙÚÝÃÕ")
_VIET_01 = "ăđơưĩũĂĐƠƯĨŨ"
# U+1E80-1EBF and 1EC0-1EFF are E1 BA xx and E1 BB xx in UTF-8 (E1 only ever starts a character); of
# these, 1E80-1E9F and 1EFA-1EFF are no Vietnamese letters.
_NOT_VIET_1E = lazy(rb"\xe1(?:\xba[\x80-\x9f]|\xbb[\xba-\xbf])")  # type: ignore[arg-type]  # (over bytes)


def _viet_letters(text: str) -> int:
    """len(_VIET.findall(text)), counted by encodings and counts in C (a Vietnamese file has a Vietnamese
    letter in every few; findall made a str object for each, and a class scan costs ~25 ns a character)."""
    count = members(text.encode("latin-1", "ignore"), _VIET_LATIN1) + \
        sum(text.count(ch) for ch in _VIET_01 if ch in text)
    utf8 = text.encode("utf-8", "surrogatepass")
    return count + utf8.count(b"\xe1\xba") + utf8.count(b"\xe1\xbb") - len(_NOT_VIET_1E.findall(utf8))


def _latin(text: str, latin: int) -> Detection:
    viet = _viet_letters(text)
    if viet / latin >= 0.04:
        return Detection("vi", min(1.0, viet / latin * 5), f"{viet} Vietnamese letters in {latin}")
    words = Counter(_WORD.findall(text.lower()))
    en = sum(n for w, n in words.items() if w in _EN)
    malay = sum(n for w, n in words.items() if w in _MALAY_FAMILY)
    strong = {lang: sum(n for w, n in words.items() if w in _STRONG[lang]) for lang in ("ms", "id")}
    score = {lang: sum(n * _MARKERS[lang][w] for w, n in words.items() if w in _MARKERS[lang]) for lang in ("ms", "id")}
    if en >= 3 and en > 1.5 * (malay + score["ms"] + score["id"]):
        return Detection("en", min(1.0, en / max(1, sum(words.values())) * 3), f"{en} English function words")
    if malay + score["ms"] + score["id"] >= 2:
        return _malay_or_indonesian(words, strong, score)
    return _langdetect(text)


def _seen(words: Counter[str], lang: str, strength: str) -> str:
    table = _STRONG[lang] if strength == "strong" else _WEAK[lang]
    return ", ".join(f"{w}×{n}" if n > 1 else w for w, n in words.most_common() if w in table)[:90]


def _malay_or_indonesian(words: Counter[str], strong: dict[str, int], score: dict[str, float]) -> Detection:
    """Malaysian or Indonesian, decided once per file. A decision needs strong markers: at least two of
    one language, three times as many as the other's. Anything less is undecided, with a lean towards
    the language with the higher score and evidence that names the markers seen."""
    names = {"ms": "Malaysian", "id": "Indonesian"}

    def evidence(lang: str) -> str:
        parts = [f"strong {_seen(words, lang, 'strong')}" if strong[lang] else "",
                 f"weak {_seen(words, lang, 'weak')}" if score[lang] - strong[lang] > 0 else ""]
        return f"{names[lang]} markers " + "; ".join(p for p in parts if p) if any(parts) else f"no {names[lang]} markers"

    for lang, other in (("ms", "id"), ("id", "ms")):
        if strong[lang] >= 2 and strong[lang] >= 3 * strong[other] and score[lang] > score[other]:
            return Detection(lang, score[lang] / (score[lang] + score[other] + 1),
                             evidence(lang) + (f", outweighing {evidence(other)}" if score[other] else ""))
    if score["ms"] == score["id"]:
        return Detection(None, 0.5, f"Malay or Indonesian: the markers do not decide ({evidence('ms')}; "
                                    f"{evidence('id')})", candidates=("id", "ms"))
    lean, other = ("ms", "id") if score["ms"] > score["id"] else ("id", "ms")
    return Detection(None, 0.5, f"leans {names[lean]} on weak or mixed evidence ({evidence(lean)}; {evidence(other)})",
                     candidates=(lean, other), lean=lean)


@lru_cache(maxsize=1)
def _detector_factory():  # type: ignore[no-untyped-def]
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def _langdetect(text: str) -> Detection:
    try:
        factory = _detector_factory()
        detector = factory.create()
        detector.append(text[:5000])
        best = detector.get_probabilities()[0]
    except Exception as exc:  # langdetect raises LangDetectException on text without features
        return Detection(None, 0.0, f"langdetect could not tell ({exc})")
    from .languages import canonical

    lang = canonical(best.lang)
    if lang == "id":  # langdetect has no Malay: its 'id' means either
        return Detection(None, best.prob, "langdetect: Malay or Indonesian", candidates=("id", "ms"))
    return Detection(lang, best.prob, f"langdetect {best.lang} p={best.prob:.2f}")


_OTHER_SCRIPTS = {"Hangul": _HANGUL, "Japanese kana": _KANA.pattern, "Cyrillic": r"[\u0400-\u04ff]",
                  "Arabic": r"[\u0600-\u06ff]", "Thai": _THAI.pattern}



_LETTERS = lazy(r"[^\W\d_]")
_LETTER_RUN = lazy(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def _any_other(thai_file: bool) -> re.Pattern[str]:
    """Any character of another script, so that most cues skip the per-script counts (one scan, not
    five). Compiled on first use, as _may_be_foreign: a Hangul class costs ~2.5 ms to compile."""
    return compiled(_other_scripts(thai_file))


def _other_scripts(thai_file: bool) -> str:
    return "|".join(p for name, p in _OTHER_SCRIPTS.items() if not (thai_file and name == "Thai"))


def _may_be_foreign(family: str) -> re.Pattern[str]:
    """In a Chinese or Thai file a cue can only be flagged with a character of another script (the share
    test) or a Latin letter (English and Malay need a Latin cue); a Vietnamese cue with a Vietnamese
    letter and no other script is never flagged either (foreign_cue's own tests, in its order)."""
    return compiled(f"{_other_scripts(family == 'thai')}|{_LATIN.pattern}")


def may_hold_foreign_cue(text: str, language: str) -> bool:
    """False when no cue of a Chinese or Thai track (``text``: all its cues) can be flagged by foreign_cue:
    none of its distinct characters is a Latin letter or of another script (_may_be_foreign's classes).
    One set of the track's characters instead of a search per cue, and no Hangul class to compile."""
    family = script_family(language)
    if family not in ("cjk", "thai"):
        return True
    if family == "thai" and not beyond_thai_and_latin(text):
        return _LATIN_OR_OTHER_LOW.search(text) is not None  # (kana and Hangul are beyond)
    foreign = {"latin", "cyrillic", "arabic", "kana", "hangul", *(("thai",) if family == "cjk" else ())}
    return not foreign.isdisjoint(map(_SCRIPTS.__getitem__, set(text)))


def other_scripts_in(text: str, language: str) -> bool:
    """Whether ``text`` (a track's cues) has a character of a script foreign_cue looks for beyond the
    file's (_any_other's: Hangul, kana, Cyrillic, Arabic, and Thai outside a Thai file). From _scripts'
    counts and the UTF-16 blocks of Cyrillic (U+04xx) and Arabic (U+06xx): no regex with the Hangul
    class to compile (~2.7 ms a process), one scan a track instead of one a cue."""
    if text.isascii():
        return False
    _, thai, hangul, kana, _ = _scripts(text)
    high = blocks(text)
    return bool(hangul or kana or (thai and script_family(language) != "thai") or 0x04 in high or 0x06 in high)


def foreign_cue(text: str, language: str, others: bool = True) -> str | None:
    """What a single cue is clearly written in instead of ``language`` (a script, or English or
    Malay/Indonesian in a file of another language), or None. Short cues, names and code-switching
    inside a sentence are not flagged: a cue needs six letters, and a language needs three of its
    function words with none of the file's own. ``others``: False when the track has no character of
    another script (other_scripts_in), which spares a search a cue."""
    for _, found in foreign_cues([text], language, others):
        return found
    return None


def foreign_cues(texts: Iterable[str], language: str, others: bool = True) -> Iterator[tuple[int, str]]:
    """(index, what it reads as) of each of a track's cues that foreign_cue flags, with what depends on
    the track (its script family and language, the patterns) worked out once, not once a cue."""
    family = script_family(language)
    lang = language.split("-")[0]
    # Most cues of a file are in its language: one search tells (see _may_be_foreign); a Vietnamese cue
    # with a Vietnamese letter is passed over too, unless the track has another script's characters.
    own = _may_be_foreign(family).search if family in ("cjk", "thai") else None
    viet = _VIET.search if lang == "vi" else None
    other = _any_other(False).search if viet and others else None
    for i, text in enumerate(texts):
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if own and own(text) is None:
            continue
        if viet and viet(text) is not None and (other is None or other(text) is None):
            continue
        found = _foreign(text, family, lang, others)
        if found:
            yield i, found


def _foreign(text: str, family: str, lang: str, others: bool = True) -> str | None:
    """:func:`foreign_cue` without its quick exits (NFC text, the file's script family and language)."""
    letters = _count(_LETTER_RUN, text)
    if letters < 6:
        return None
    if others and _any_other(family == "thai").search(text):
        for name, pattern in _OTHER_SCRIPTS.items():
            if name == "Thai" and family == "thai":
                continue
            if len(compiled(pattern).findall(text)) / letters >= 0.5:
                return f"{name} script"
    malay_file = lang in ("id", "ms")
    if not malay_file and _VIET.search(text):
        return None  # English and Malay/Indonesian both need a cue without Vietnamese letters
    latin = _count(_LATIN_RUN, text) / letters
    if latin < 0.8 and not malay_file:
        return None  # English and Malay/Indonesian both need a Latin cue; Vietnamese is looked for in id/ms
    viet = len(_VIET.findall(text)) if malay_file else 0
    words = _WORD.findall(text.lower())
    english = sum(1 for w in words if w in _EN)
    malay = sum(1 for w in words if w in _MALAY_FAMILY or w in _MS_MARKERS or w in _ID_MARKERS)
    if latin >= 0.8 and english >= 3 and len(words) >= 4 and malay == 0 and viet == 0 and lang != "en":
        return "English"
    if lang == "vi" and latin >= 0.8 and viet == 0 and malay >= 3 and english == 0 and len(words) >= 4:
        return "Malay or Indonesian"
    if lang in ("id", "ms") and viet / letters >= 0.1 and len(words) >= 3:
        return "Vietnamese"
    return None


def visible_text(track: Track, limit: int = 20_000) -> str:
    parts, size = [], 0
    for cue in track.cues:
        text = strip_markup(cue.text)
        parts.append(text)
        size += len(text)
        if size > limit:
            break
    return "\n".join(parts)


def detect_track(track: Track) -> Detection:
    return detect_text(visible_text(track))
