"""Glossary matching that knows each language (issue 14): the longest Chinese word wins, Thai renderings
on Thai word boundaries, Indonesian and Malay inflection, Vietnamese tone placement, Thai SARA AM, and
decomposed (NFD) input."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from subloc.formats import loads
from subloc.glossary import Glossary, contains_rendering, has_rendering, mask, unmask
from subloc.glossary.compliance import malay_stems
from subloc.langid import detect_text
from subloc.profiles import get_profile
from subloc.qa import all_rules, check_track

HEAD = "source\ttarget\tnote\tflags\n"
RULES = all_rules()


def _g(glossary: Glossary, target: str, source: str, lang: str) -> list[str]:
    t = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\n{target}\n", f"t.{lang}.srt"), language=lang)
    s = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\n{source}\n", "s.zh-Hans.srt"), language="zh-Hans")
    return [f.code for f in check_track(t, get_profile(lang), rules=[RULES["G101"], RULES["G102"]], source=s,
                                        glossary=glossary)]


# --- Chinese: the longest word wins ------------------------------------------------------------------

def test_a_term_inside_a_longer_chinese_word_is_not_the_term() -> None:
    g = Glossary.from_text(HEAD + "老婆\tvợ\t\t\n太太\tvợ|phu nhân\t\t\n妈\tmẹ\t\t\n", "vi")
    assert [m.entry.source for m in g.match("老婆婆，您慢点走")] == []  # an old woman, not a wife
    assert [m.entry.source for m in g.match("我老婆呢？")] == ["老婆"]
    assert [m.entry.source for m in g.match("老太太今天不舒服")] == []
    assert [m.entry.source for m in g.match("我太太不在家")] == ["太太"]
    assert [m.entry.source for m in g.match("他妈的，给我滚！")] == []  # a curse, not "mother"
    assert [m.entry.source for m in g.match("妈，你别走")] == ["妈"]
    assert [m.entry.source for m in g.match("妈妈，我错了")] == ["妈", "妈"]  # the term repeated is the term
    # so no G101 asks for "vợ" where the source speaks of an old woman, nor "mẹ" in a curse
    assert _g(g, "Bà cụ ơi, bà đi chậm thôi", "老婆婆，您慢点走", "vi") == []
    assert _g(g, "Chết tiệt, cút đi!", "他妈的，给我滚！", "vi") == []
    assert _g(g, "Chồng tôi đâu?", "我老婆呢？", "vi") == ["G101"]
    # masking leaves the longer word to the translator
    assert mask(g, "老婆婆，您慢点走").terms == {}


def test_a_longer_glossary_entry_still_wins_over_a_shorter_one() -> None:
    g = Glossary.from_text(HEAD + "老太太\tbà cụ\t\t\n太太\tvợ\t\t\n", "vi")
    assert [m.entry.source for m in g.match("老太太和我太太")] == ["老太太", "太太"]


# --- Thai: on Thai word boundaries ---------------------------------------------------------------------

@pytest.mark.parametrize("text, rendering, found", [
    ("อย่าไปนะ", "ย่า", False),                 # ย่า (grandma) inside อย่า (don't)
    ("ย่าของหนูป่วยหนัก", "ย่า", True),
    ("เขาตายแล้ว", "ตา", False),                 # ตา (grandpa) inside ตาย (dead)
    ("คุณตาอยู่ที่สวน", "ตา", True),              # คุณ|ตา: the honorific and the word for grandpa
    ("ตาขวาของเขาบวม", "ตาขวา", True),
    ("พ่อ เธอตบหน้าหนูก่อน", "ตบ", True),         # ตบ|หน้า: two words the segmenter joined
    ("ยังมีเสียงที่อัดไว้อีก", "เสียงที่อัด", True),
    ("ประธานกู้ครับ", "ประธานกู้", True),
])
def test_thai_renderings_match_on_word_boundaries(text: str, rendering: str, found: bool) -> None:
    assert contains_rendering(text, rendering) is found


def test_thai_g101_is_not_satisfied_by_a_rendering_inside_another_word() -> None:
    g = Glossary.from_text(HEAD + "奶奶\tย่า|คุณย่า\t\t\n", "th")
    assert _g(g, "อย่าไปนะ", "奶奶别走", "th") == ["G101"]
    assert _g(g, "ย่าอย่าไปนะ", "奶奶别走", "th") == []


def test_thai_decomposed_sara_am_is_matched_and_flagged() -> None:
    decomposed = "น\u0e49\u0e4d\u0e32ตาลขม"  # น้ำตาล typed as น + ้ + ํ + า
    assert contains_rendering(decomposed, "น้ำตาล")
    g = Glossary.from_text(HEAD + "红糖\tน้ำตาลแดง\t\t\n", "th")
    assert _g(g, "น\u0e49\u0e4d\u0e32ตาลแดง", "红糖", "th") == []
    t = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\nท\u0e4d\u0e32ไมล่ะ\n", "t.th.srt"), language="th")
    found = check_track(t, get_profile("th"), rules=[RULES["L105"]])
    assert len(found) == 1 and "SARA AM" in found[0].message
    t = replace(loads("1\n00:00:01,000 --> 00:00:03,000\nทำไมล่ะ\n", "t.th.srt"), language="th")
    assert check_track(t, get_profile("th"), rules=[RULES["L105"]]) == []


# --- Indonesian and Malay: inflected forms ----------------------------------------------------------

INFLECTED = [
    ("tampar", "Dia menampar aku duluan!", "Dia menampar saya dahulu!"),
    ("culik", "Anakku diculik orang!", "Anak saya diculik orang!"),
    ("culik", "Mereka menculik adikmu.", "Mereka menculik adik awak."),
    ("cerai", "Kami sudah bercerai tiga tahun.", "Kami dah bercerai tiga tahun."),
    ("fitnah", "Aku difitnah, Pak!", "Saya difitnah, Tuan!"),
    ("fitnah", "Jangan memfitnah ibuku.", "Jangan memfitnah mak saya."),
    ("jebak", "Kita dijebak dari awal.", "Kita dijebak dari awal lagi."),
    ("jebak", "Dia sengaja menjebakku.", "Dia sengaja menjebak aku."),
    ("kejar", "Cepat kejar dia!", "Dia mengejarku sampai ke sini."),
    ("pukul", "Siapa yang memukulmu?", "Siapa yang memukul awak?"),
    ("sakit", "Jangan menyakiti dia lagi.", "Jangan sakitkan hati dia lagi."),
]


@pytest.mark.parametrize("stem, indonesian, malay", INFLECTED)
def test_indonesian_and_malay_renderings_match_inflected_forms(stem: str, indonesian: str, malay: str) -> None:
    assert contains_rendering(indonesian, stem, enclitics=True), indonesian
    assert contains_rendering(malay, stem, enclitics=True), malay


def test_inflection_does_not_invent_matches() -> None:
    assert not contains_rendering("Saya bosan di rumah.", "bos", enclitics=True)  # bosan is not bos + -an
    assert not contains_rendering("Panggil polisi sekarang!", "polis", enclitics=True)  # polisi ≠ polis + -i
    assert not contains_rendering("Dia menangis semalaman.", "tangis", enclitics=False)  # only for id/ms
    assert "tampar" in malay_stems("menamparnya") and "tampar" not in malay_stems("tamparan")


def test_g101_accepts_inflected_renderings_in_both_languages() -> None:
    for lang, line in (("id", "Kamu berani menamparku?"), ("ms", "Awak berani menampar saya?")):
        g = Glossary.from_text(HEAD + "打我\ttampar\t\t\n", lang)
        assert _g(g, line, "你敢打我？", lang) == []
        assert _g(g, "Kamu berani memukulku?", "你敢打我？", lang) == ["G101"]


# --- Vietnamese: tone placement, NFD -----------------------------------------------------------------

@pytest.mark.parametrize("written, rendering", [
    ("Đây là bản thoả thuận hôn nhân", "thỏa thuận"), ("Đây là bản thỏa thuận hôn nhân", "thoả thuận"),
    ("Chúng ta hoà nhé", "hòa"), ("Bà nội khoẻ lại rồi", "khỏe"), ("Thuỷ triều lên rồi", "thủy triều"),
])
def test_vietnamese_tone_placement_variants_are_equal(written: str, rendering: str) -> None:
    assert contains_rendering(written, rendering)


def test_vietnamese_tone_folding_keeps_words_apart() -> None:
    assert not contains_rendering("Anh ấy là người tốt", "toà")
    assert not contains_rendering("Cô ấy hoàn toàn đúng", "hòa")


def test_nfd_vietnamese_is_vietnamese_and_its_numbers_are_read() -> None:
    nfd = unicodedata.normalize("NFD", "Tiền phẫu thuật 5 triệu, bà nội cần gấp lắm. Anh có thể giúp tôi không?")
    assert detect_text(nfd).language == "vi"
    t = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\n{nfd}\n", "t.vi.srt"), language="vi")
    s = replace(loads("1\n00:00:01,000 --> 00:00:03,000\n500万手术费，奶奶急着用\n", "s.zh-Hans.srt"), language="zh-Hans")
    found = check_track(t, get_profile("vi"), rules=[RULES["X104"], RULES["X101"]], source=s)
    assert found == []


def test_masks_restore_after_normalisation() -> None:
    g = Glossary.from_text(HEAD + "协议\tthỏa thuận\t\t\n", "vi")
    masked = mask(g, "签了这份协议")
    assert unmask(masked.text.replace("签了这份", "Ký bản "), masked) == "Ký bản thỏa thuận"
    assert has_rendering(g.entries["协议"], "Ký bản thoả thuận", "vi")


# --- shipped glossary content (issue 14's review) ------------------------------------------------------

def _entry(lang: str, source: str):  # type: ignore[no-untyped-def]
    from subloc.glossary import glossary_for

    from .test_glossary import SERIES
    glossary = glossary_for(lang, near=SERIES)
    return glossary.entries[source]


@pytest.mark.parametrize("lang, source, renderings, not_allowed", [
    ("vi", "协议", ("thỏa thuận",), ()),
    ("vi", "离婚", ("ly hôn", "ly dị"), ()),
    ("th", "继妹", ("น้องเลี้ยง",), ()),
    ("th", "老夫人", ("คุณนายใหญ่", "คุณท่าน", "ฮูหยินผู้เฒ่า"), ()),
    ("th", "娘娘", ("เหนียงเหนียง",), ("พระสนม",)),
    ("ms", "王妃", ("puteri", "isteri putera"), ("permaisuri",)),
    ("ms", "皇上", ("Tuanku", "Baginda"), ()),
    ("id", "信托", ("dana trust", "wali amanat"), ("perwalian",)),
    ("id", "董事长", ("Presdir", "Komisaris Utama"), ("ketua",)),
])
def test_reviewed_entries(lang: str, source: str, renderings: tuple[str, ...], not_allowed: tuple[str, ...]) -> None:
    entry = _entry(lang, source)
    assert set(renderings) <= set(entry.targets) and entry.targets[0] == renderings[0]
    assert not set(not_allowed) & {t.casefold() for t in entry.targets}


def test_review_stopped_forbidding_valid_renderings() -> None:
    assert _entry("th", "助理").forbidden == ()  # เลขา is said for a personal assistant
    for source in ("协议", "离婚协议", "婚姻协议"):
        assert not any("thoả" in f for f in _entry("vi", source).forbidden), source
    from subloc.glossary import forbidden_found
    assert forbidden_found(_entry("vi", "协议"), "Bản thoả thuận này vô hiệu", "vi") == []
    assert "ibu" in _entry("ms", "妈").note and "mak" in _entry("ms", "妈").note


@pytest.mark.parametrize("lang, source, target", [
    ("vi", "哥哥，你听我解释", "Để em giải thích đã"),       # 哥哥 as "you": the pronoun carries it
    ("vi", "姐姐，你别生气", "Em xin lỗi mà, đừng giận"),
    ("id", "警察马上就到", "Mereka sebentar lagi sampai"),
    ("id", "她给我下药", "Dia membiusku"),
])
def test_generic_entries_are_context_not_requirements(lang: str, source: str, target: str) -> None:
    from subloc.glossary import glossary_for, glossary_misses

    from .test_glossary import SERIES
    glossary = glossary_for(lang, near=SERIES)
    matched = [m.entry for m in glossary.match(source)]
    assert any(e.generic and e.note.startswith("Generic") for e in matched)
    assert _g(glossary, target, source, lang) == []
    assert [e for e in glossary_misses(glossary, source, target, lang) if e.generic] == []


def test_generic_flag_reads_writes_and_survives_tbx() -> None:
    from subloc.glossary import export_tbx, import_tbx, read_tsv, write_tsv

    entries, problems = read_tsv(HEAD + "哥哥\tanh|anh trai\tGeneric: the pronoun\tgeneric\n", "t.tsv")
    assert problems == [] and entries[0].generic
    assert write_tsv(entries).splitlines()[1].endswith("\tgeneric")
    g = Glossary("vi", entries)
    assert import_tbx(export_tbx(g), "vi", "t.tbx")[0].generic
    problems = read_tsv(HEAD + "哥哥\tanh\t\tgenerik\n", "t.tsv")[1]  # a misspelt flag is reported
    assert [(p.line, p.severity, "generic" in p.message) for p in problems] == [(2, "error", True)]


def test_matching_from_the_first_characters_finds_what_trying_every_position_finds(monkeypatch) -> None:
    """Glossary.match looks only where an entry's first character is (one search); on every shipped
    glossary, over the sample series' lines and generated lines of terms, mixed case and Latin names, it
    finds exactly what trying every position finds."""
    import random
    import re
    from pathlib import Path

    root = Path(__file__).parent.parent
    lines = [cue.text for path in sorted((root / "samples").glob("**/*.srt"))
             for cue in loads(path.read_text("utf-8"), str(path)).cues]
    rng = random.Random(4)
    found = 0
    for path in sorted((root / "glossaries").glob("*.tsv")):
        glossary = Glossary.load(path, path.stem)
        sources = [entry.source for entry in glossary.entries.values()]
        texts = lines + ["".join(rng.choice([*sources, "的", "，", "CEO", "ceo", "Gu ", "老婆婆", "ẞ", "İ"])
                                 for _ in range(rng.randint(1, 8))) for _ in range(400)]
        fast = [glossary.match(text) for text in texts]
        with monkeypatch.context() as patched:
            patched.setattr(Glossary, "_starts", lambda self: re.compile("(?s)."))
            assert [glossary.match(text) for text in texts] == fast, path.name
        found += sum(map(len, fast))
    assert found > 1000
