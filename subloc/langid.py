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
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .model import Track
from .scripts import HAN, THAI, strip_markup

_HAN = re.compile(f"[{HAN}]")
_THAI = re.compile(f"[{THAI}]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_VIET = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵÀÁẢÃẠÈÉẺẼẸÌÍỈĨỊÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ]")
_WORD = re.compile(r"[a-z\u00c0-\u024f]+(?:'[a-z]+)?")

# Characters that exist only in one of the two Chinese scripts (frequent ones).
_SIMPLIFIED_ONLY = set("们这说会为个来时后里开关国过还发对见学么样头点间问题长东车从让给没钱买卖爱")
_TRADITIONAL_ONLY = set("們這說會為個來時後裡開關國過還發對見學麼樣頭點間問題長東車從讓給沒錢買賣愛")

_EN = set("the you i to a and is it of that me my what this in your don't i'm are be not we he she have do for "
          "on with was can you're it's he's she's there they will just know why how".split())
_MALAY_FAMILY = set("yang dan di ini itu saya aku dia kita kami ada tidak apa dari untuk dengan akan sudah belum juga "
                    "lagi mana siapa kenapa bagaimana jangan sini sana harus hanya semua orang sekarang".split())
# Malaysian (ms) and Indonesian (id) marker words, strong (1.0) or weak (0.3: used on both sides).
# Single words only, and none that is also a common Chinese surname in pinyin (lu, lo).
_MS_MARKERS = {**dict.fromkeys("mahu nak sahaja je awak wang kereta percuma pejabat polis telefon bimbit kasut tandas "
                               "bilik esok kerana bahawa khabar cuba faham isnin khamis ahad jom peguam tayar encik "
                               "beritahu macam takkan tengok kot universiti".split(), 1.0),
               **dict.fromkeys("boleh tak duit hospital puan cik lah".split(), 0.3)}
_ID_MARKERS = {**dict.fromkeys("bisa mau nggak gak enggak ngga aja uang mobil gratis kantor polisi telepon sepatu kulkas "
                               "kamar kemarin besok karena bahwa kabar coba paham senin kamis ayo pengacara banget dong "
                               "sih deh kok gue gw bilang nih kayak gimana ngapain udah".split(), 1.0),
               **dict.fromkeys("saja kamu minggu ban kenapa".split(), 0.3)}


@dataclass(frozen=True)
class Detection:
    language: str | None  # canonical tag, or None when undecided
    confidence: float
    evidence: str
    candidates: tuple[str, ...] = ()

    def matches(self, declared: str) -> bool | None:
        """True/False when the detection can judge the declared language; None when it cannot."""
        if self.language is None:
            return True if declared in self.candidates else None if not self.candidates else False
        return self.language == declared


def detect_text(text: str) -> Detection:
    han, thai = len(_HAN.findall(text)), len(_THAI.findall(text))
    hangul, kana, latin = len(_HANGUL.findall(text)), len(_KANA.findall(text)), len(_LATIN.findall(text))
    total = han + thai + hangul + kana + latin
    if total < 4:
        return Detection(None, 0.0, "too little text to tell")
    shares = {"han": han / total, "thai": thai / total, "hangul": hangul / total, "kana": kana / total,
              "latin": latin / total}
    if kana / total > 0.1:
        return Detection("ja", shares["kana"] + shares["han"], f"{kana} kana")
    if shares["han"] >= 0.5:
        simp = sum(1 for ch in text if ch in _SIMPLIFIED_ONLY)
        trad = sum(1 for ch in text if ch in _TRADITIONAL_ONLY)
        lang = "zh-Hant" if trad > simp else "zh-Hans"
        return Detection(lang, shares["han"], f"{han} Han characters ({simp} simplified-only, {trad} traditional-only)")
    if shares["thai"] >= 0.5:
        return Detection("th", shares["thai"], f"{thai} Thai characters")
    if shares["hangul"] >= 0.5:
        return Detection("ko", shares["hangul"], f"{hangul} Hangul characters")
    if shares["latin"] < 0.5:
        return Detection(None, 0.0, f"mixed scripts ({', '.join(f'{k} {v:.0%}' for k, v in shares.items() if v)})")
    return _latin(text, latin)


def _latin(text: str, latin: int) -> Detection:
    viet = len(_VIET.findall(text))
    if viet / latin >= 0.04:
        return Detection("vi", min(1.0, viet / latin * 5), f"{viet} Vietnamese letters in {latin}")
    words = Counter(_WORD.findall(text.lower()))
    en = sum(n for w, n in words.items() if w in _EN)
    malay = sum(n for w, n in words.items() if w in _MALAY_FAMILY)
    ms = sum(n * _MS_MARKERS[w] for w, n in words.items() if w in _MS_MARKERS)
    id_ = sum(n * _ID_MARKERS[w] for w, n in words.items() if w in _ID_MARKERS)
    if en >= 3 and en > 1.5 * (malay + ms + id_):
        return Detection("en", min(1.0, en / max(1, sum(words.values())) * 3), f"{en} English function words")
    if malay + ms + id_ >= 2:
        top = lambda name, table: ", ".join(f"{w}×{n}" for w, n in words.most_common() if w in table)[:80]  # noqa: E731
        if ms >= 2 and ms >= 2 * id_:
            return Detection("ms", ms / (ms + id_ + 1), f"Malaysian markers {top('ms', _MS_MARKERS)}"
                             + (f" outweigh Indonesian {top('id', _ID_MARKERS)}" if id_ else ""))
        if id_ >= 2 and id_ >= 2 * ms:
            return Detection("id", id_ / (ms + id_ + 1), f"Indonesian markers {top('id', _ID_MARKERS)}"
                             + (f" outweigh Malaysian {top('ms', _MS_MARKERS)}" if ms else ""))
        return Detection(None, 0.5, f"Malay or Indonesian: markers do not decide (ms {ms:g}, id {id_:g})",
                         candidates=("id", "ms"))
    return _langdetect(text)


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
