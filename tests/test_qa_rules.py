"""Every rule on failing and passing input, in the languages where the script matters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import pytest

from subloc.formats import loads
from subloc.profiles import get_profile
from subloc.qa import all_rules, check_track
from subloc.qa.examples import run_example

RULES = all_rules()


@pytest.mark.parametrize("code", list(RULES))
def test_documented_examples(code: str) -> None:
    cls = RULES[code]
    failing = [f for f in run_example(cls, cls.fail_example, cls.fail_source) if f.code == code]
    passing = [f for f in run_example(cls, cls.pass_example, cls.pass_source) if f.code == code]
    assert failing, f"{code}: the failing example raises nothing"
    assert not passing, f"{code}: the passing example raises {passing}"
    assert all(f.message and f.name == cls.name for f in failing)
    assert cls.doc().count("What it does") == 1 and "Why it matters" in cls.doc()


def _check(srt: str, lang: str, source: str | None = None, code: str | None = None, **profile):  # type: ignore[no-untyped-def]
    track = replace(loads(srt, f"t.{lang}.srt"), language=lang)
    src = replace(loads(source, "s.zh-Hans.srt"), language="zh-Hans") if source else None
    rules = [RULES[code]] if code else None
    return check_track(track, get_profile(lang, **profile), rules=rules, source=src, path=f"t.{lang}.srt")


def cue(text: str, start: str = "00:00:01,000", end: str = "00:00:04,000", n: int = 1) -> str:
    return f"{n}\n{start} --> {end}\n{text}\n\n"


# --- L101: counting per script --------------------------------------------------------------------

def test_thai_combining_marks_do_not_count() -> None:
    line = "ที่นี่เป็นบ้านของฉัน ที่นี่เป็นบ้านของ"  # 38 code points, 25 counted: at the hard limit
    assert len(line) == 38
    found = _check(cue(line), "th", code="L101")
    assert [(f.severity, "25 characters" in f.message) for f in found] == [("warning", True)]  # soft 21, hard 25
    assert _check(cue("ที่นี่เป็นบ้านของฉัน" + "ที่นี่เป็นบ้าน"), "th", code="L101") == []  # 34 code points, 21 counted
    hard = _check(cue("ที่นี่เป็นบ้านของฉัน ที่นี่เป็นบ้านของฉัน"), "th", code="L101")
    assert [f.severity for f in hard] == ["error"]


def test_chinese_half_width_counts_half_and_curly_quotes_count_one() -> None:
    assert _check(cue("三天之内我要500万，OK"), "zh-Hans", code="L101") == []  # 8 + 2 + 1 + 1 = 12
    found = _check(cue("“你拿外婆威胁我？”她说完就走了"), "zh-Hans", code="L101")  # 16 full-width units
    assert [f.severity for f in found] == ["error"] and "16 characters" in found[0].message


def test_vietnamese_is_counted_after_nfc() -> None:
    nfd = "Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 da\u0302\u0301u ra\u0302\u0301t hay"  # 25 in NFC, 34 in NFD
    assert len(nfd) == 34
    assert _check(cue(nfd), "vi", code="L101") == []
    assert [f.code for f in _check(cue(nfd), "vi", code="L105")] == ["L105"]


def test_counting_by_class_agrees_with_counting_each_character() -> None:
    """Thai and Latin-script lines in the blocks subtitles use are counted by character class (one regex
    count); every code point of those blocks, alone and in lines with other characters, counts as the
    per-character rule says; a line with a character outside them (Han, Hangul, emoji) is counted per
    character."""
    import random

    from subloc import scripts

    def slow(text: str) -> float:
        return float(len(text) - sum(map(scripts._uncounted, text)))

    codes = [c for low, high in scripts._SCANNED for c in range(low, high + 1)]
    rng = random.Random(3)
    lines = [chr(c) for c in codes] + ["".join(chr(rng.choice(codes)) for _ in range(rng.randint(2, 30)))
                                       for _ in range(3000)]
    lines += [rng.choice(["사랑해 ", "你好", "\U0001F600"]) + chr(rng.choice(codes)) + "ё" for _ in range(300)]
    for line in lines:
        if not line.isascii():
            assert scripts._count_plain(line) == slow(unicodedata.normalize("NFC", line)), repr(line)
    assert not scripts._outside_scanned("ที่นี่เป็นบ้าน Tiếng Việt，“OK”…")
    # outside the blocks, read by UTF-16 blocks, as the class of the blocks would find it
    inside = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in scripts._SCANNED)
    outside = re.compile(f"[^{inside}]")
    edges = [edge + d for low, high in scripts._SCANNED for edge in (low, high) for d in (-1, 0, 1) if edge + d >= 0]
    edges += [0xD800, 0xDFFF, 0xFFFF, 0x1F600, 0x4E00]
    for _ in range(3000):
        text = "".join(chr(rng.choice(edges)) for _ in range(rng.randint(0, 4)))
        assert scripts._outside_scanned(text) == bool(outside.search(text)), repr(text)
    assert scripts._count_plain("ti\u1ebfng\nvi\u1ec7t\u200b") == 9  # the newline and the zero width do not count
    # a whole track at once gives each line's count, whatever the track holds
    clean = [line for line in lines if not scripts.CONTROL.search(line) and "\n" not in line]
    extra = ["plain ascii", "tab\there", "bell\x07", "Tie\u0302\u0301ng", "ที่นี่", "你好", ""]
    for k in range(600):
        pool = clean if k % 2 else clean + extra  # half the tracks take the three-call path whole
        track = [rng.choice(pool) for _ in range(rng.randint(1, 12))]
        for lang in ("th", "vi", "id", "zh-Hans"):
            assert scripts.count_lines(track, lang) == [scripts.count(line, lang) for line in track], (lang, track)


def test_indonesian_and_malay_latin_limits() -> None:
    line = "Dalam tiga hari, aku mau lima juta"  # 34
    assert [f.severity for f in _check(cue(line), "id", code="L101")] == ["error"]
    assert [f.severity for f in _check(cue("Dalam tiga hari, saya mahu"), "ms", code="L101")] == ["warning"]  # 26


# --- T family: timing and reading speed ----------------------------------------------------------

def test_reading_speed_thresholds_depend_on_the_language() -> None:
    zh = cue("你拿外婆威胁我？", end="00:00:01,900")  # 8 chars in 0.9 s = 8.9 cps
    assert _check(zh, "zh-Hans", code="T107") == []
    fast = cue("你拿外婆的手术费威胁我？", end="00:00:02,000")  # 12 chars in 1 s
    assert [f.severity for f in _check(fast, "zh-Hans", code="T107")] == ["error"]
    th = cue("ภายในสามวัน ฉันต้องการ 5 ล้าน", end="00:00:02,500")  # 22 counted in 1.5 s = 14.7
    assert _check(th, "th", code="T107") == []
    vi = cue("Trong ba ngày, tôi cần năm triệu", end="00:00:02,500")  # 32 in 1.5 s = 21.3
    assert [f.severity for f in _check(vi, "vi", code="T107")] == ["error"]


def test_too_short_is_an_error_under_five_sixths_and_a_warning_under_a_second() -> None:
    assert [f.severity for f in _check(cue("好", end="00:00:01,800"), "zh-Hans", code="T104")] == ["error"]
    assert [f.severity for f in _check(cue("好", end="00:00:01,900"), "zh-Hans", code="T104")] == ["warning"]
    assert _check(cue("好", end="00:00:02,000"), "zh-Hans", code="T104") == []


def test_overlap_is_allowed_between_top_and_bottom_regions_only() -> None:
    two = cue("你来了？", "00:00:01,000", "00:00:03,000") + cue("嗯", "00:00:02,000", "00:00:04,000", 2)
    assert [f.cue for f in _check(two, "zh-Hans", code="T102")] == [2]
    top = cue("你来了？", "00:00:01,000", "00:00:03,000") + cue("{\\an8}（三年后）", "00:00:02,000", "00:00:04,000", 2)
    assert _check(top, "zh-Hans", code="T102") == []


def test_gap_in_frames_follows_the_frame_rate() -> None:
    pair = cue("你来了？", end="00:00:02,000") + cue("嗯", "00:00:02,070", "00:00:03,500", 2)
    assert _check(pair, "zh-Hans", code="T106") == []  # 70 ms >= 2 frames at 30 fps (67 ms)
    assert [f.severity for f in _check(pair, "zh-Hans", code="T106", fps="24")] == ["error"]  # < 83 ms at 24 fps
    flicker = cue("你来了？", end="00:00:02,000") + cue("嗯", "00:00:02,300", "00:00:03,500", 2)
    assert [f.severity for f in _check(flicker, "zh-Hans", code="T106")] == ["warning"]


def test_out_of_order_and_invalid_timing() -> None:
    srt = cue("第二句", "00:00:05,000", "00:00:06,000") + cue("第一句", "00:00:01,000", "00:00:02,000", 2)
    assert [f.cue for f in _check(srt, "zh-Hans", code="T103")] == [2]
    assert [f.code for f in _check(cue("反了", "00:00:03,000", "00:00:03,000"), "zh-Hans", code="T101")] == ["T101"]


# --- L family: breaks, whitespace, dashes ----------------------------------------------------------

def test_thai_break_inside_a_word_and_around_marks() -> None:
    assert [f.severity for f in _check(cue("ฉันคือลูกสาวแท้ๆ ของตระ\nกูลซู"), "th", code="L104")] == ["error"]
    assert _check(cue("ฉันคือลูกสาวแท้ๆ\nของตระกูลซู"), "th", code="L104") == []
    assert _check(cue("พ่อ ในสายตาพ่อ\nหนูมีค่าแค่ 20 ล้านเหรอ"), "th", code="L104") == []  # two words, not one
    assert "leading vowel" in _check(cue("คืนนี้สองทุ่มเ\nที่เดิม"), "th", code="L104")[0].message


def test_chinese_line_start_and_end_prohibitions() -> None:
    assert "starts with '，'" in _check(cue("你外婆的手术费\n，还等着苏家出呢"), "zh-Hans", code="L104")[0].message
    assert "ends with '《'" in _check(cue("我看过《\n婚姻协议》"), "zh-Hans", code="L104")[0].message
    assert _check(cue("你外婆的手术费，\n还等着苏家出呢"), "zh-Hans", code="L104") == []


def test_latin_dangling_words_and_split_reduplication() -> None:
    found = _check(cue("Ayah, dia yang\nmenamparku duluan."), "id", code="L104")
    assert [f.severity for f in found] == ["warning"] and "'yang'" in found[0].message
    assert _check(cue("Tamparan ini\nbalasan untukmu."), "id", code="L104") == []  # ini follows its noun
    assert "hyphenated" in _check(cue("Mereka masih anak-\nanak"), "ms", code="L104")[0].message


def test_zero_width_and_spaces_in_thai() -> None:
    found = _check(cue("คุณกล้า\u200bเหรอ "), "th", code="L105")
    assert "zero-width" in found[0].message and "trailing" in found[0].message


def test_dialogue_dash_per_language() -> None:
    assert _check(cue("–你来了？\n–嗯"), "zh-Hans", code="L108") == []
    assert [f.code for f in _check(cue("- 你来了？\n- 嗯"), "zh-Hans", code="L108")] == ["L108"]
    assert _check(cue("- Cô đến rồi?\n- Ừ."), "vi", code="L108") == []
    assert [f.code for f in _check(cue("–มาแล้วเหรอ\n–อืม"), "th", code="L108")] == ["L108"]


def test_thai_punctuation_style() -> None:
    found = _check(cue("คุณกล้าเหรอ?"), "th", code="L109")
    assert "particle" in found[0].message
    assert _check(cue("คุณกล้าเหรอ"), "th", code="L109") == []


# --- X family: language and consistency --------------------------------------------------------------

MS_TEXT = cue("Awak tak boleh pergi sekarang") + cue("Saya mahu wang itu esok, kerana saya perlu", n=2)
ID_TEXT = cue("Kamu nggak bisa pergi sekarang") + cue("Aku mau uang itu besok, karena aku butuh", n=2)


def test_malay_and_indonesian_are_told_apart_per_file() -> None:
    assert _check(MS_TEXT, "ms", code="X101") == []
    assert _check(ID_TEXT, "id", code="X101") == []
    wrong = _check(ID_TEXT, "ms", code="X101")
    assert len(wrong) == 1 and "reads as Indonesian" in wrong[0].message and "bisa" in wrong[0].message
    assert "reads as Malay" in _check(MS_TEXT, "id", code="X101")[0].message


def test_wrong_language_across_scripts() -> None:
    english = cue("Don't you dare! Sign this contract.") + cue("What are you doing here?", n=2)
    assert "reads as English" in _check(english, "th", code="X101")[0].message
    traditional = cue("這份合同，你簽不簽？") + cue("我們說好了", n=2)
    assert "Chinese (Traditional)" in _check(traditional, "zh-Hans", code="X101")[0].message
    assert _check(cue("ที่นี่เป็นบ้านของฉัน"), "th", code="X101") == []
    assert _check(cue("Cô dám sao? Cút ra ngoài!"), "vi", code="X101") == []


def test_untranslated_cues() -> None:
    source = cue("你敢！") + cue("滚出去！", n=2)
    target = cue("你敢！") + cue("Cút ra ngoài!", n=2)
    found = _check(target, "vi", source, code="X102")
    assert [f.cue for f in found] == [1] and "identical to source cue 1" in found[0].message
    leak = _check(cue("Cố tổng, 少奶奶 cô ấy…"), "vi", code="X102")  # no --source needed for a script leak
    assert "少奶奶" in leak[0].message


def test_tags_balanced_and_kept() -> None:
    assert "never closed" in _check(cue("<i>Kamu berani?"), "id", code="X103")[0].message
    assert "not open" in _check(cue("Kamu berani?</b>"), "id", code="X103")[0].message
    assert _check(cue("<v Su Wan>Kamu berani?"), "id", code="X103") == []  # <v> may stay open
    lost = _check(cue("Kamu berani?"), "id", cue("<i>你敢？</i>"), code="X103")
    assert "lost <i>" in lost[0].message


def test_numbers_match_by_value_across_units_and_words() -> None:
    source = cue("500万手术费") + cue("退过3次婚！", n=2) + cue("你18岁才回苏家", n=3)
    assert _check(cue("Biaya operasi 5 juta") + cue("Sudah 3 kali batal nikah!", n=2) +
                  cue("Umur 18 baru pulang", n=3), "id", source, code="X104") == []
    assert _check(cue("ค่าผ่าตัด 5 ล้าน") + cue("ถอนหมั้นมาสามครั้ง", n=2) + cue("อายุ 18 ถึงกลับบ้าน", n=3),
                  "th", source, code="X104") == []
    wrong = _check(cue("Tiền phẫu thuật 500 nghìn") + cue("Hủy hôn ba lần!", n=2) + cue("Về nhà năm 17 tuổi", n=3),
                   "vi", source, code="X104")
    assert [f.cue for f in wrong] == [1, 3] and "5,000,000" in wrong[0].message


def test_cue_count_mismatch() -> None:
    source = cue("你来了？") + cue("嗯", n=2)
    assert "has 1 cues, the source has 2" in _check(cue("Kamu datang? Iya."), "id", source, code="X105")[0].message
    assert _check(cue("Kamu datang?") + cue("Iya.", n=2), "id", source, code="X105") == []


def test_a_finding_made_fast_is_the_same_finding() -> None:
    from subloc.qa.findings import Finding

    fields = dict(code="L101", name="line-too-long", severity="error", file="ep01.th.srt", line=5, cue=2,
                  start_ms=1000, end_ms=2500, message="line 1 has 30 characters")
    fast, slow = Finding.of(**fields), Finding(**fields)  # type: ignore[arg-type]
    assert fast == slow and hash(fast) == hash(slow) and fast.to_dict() == slow.to_dict() and repr(fast) == repr(slow)
    assert list(fast.to_dict()) == list(slow.to_dict())  # the JSON report's field order
    with pytest.raises(AttributeError):
        fast.code = "L102"  # type: ignore[misc]


def test_rules_that_search_the_whole_track_find_what_reading_every_cue_finds(monkeypatch) -> None:
    """L105, L108 and L109 search the track once and read only the cues a search points at; on 400
    generated tracks of messy text (markup, entities, dashes, stray spaces, zero-width and control
    characters, decomposed Vietnamese, split SARA AM, half-width punctuation) in every script family,
    they report exactly what reading every cue reports."""
    import random

    from subloc.model import Cue, Track
    from subloc.qa.context import CheckContext

    pieces = ["顾总", "你敢", "，", ",", "...", "…", "？", "?", ".", "ที่นี่", "บ้าน", "ฉัน", "\u0e4d\u0e32", "Tiếng",
              "Tie\u0302\u0301ng", "Việt", "kamu", "<i>", "</i>", "<b>", "{\\an8}", "&amp;", "&", " ", "  ", "\u3000",
              "\t", "\u200b", "\x07", "- ", "-", "–", "— ", "\n", "\n", "\n- ", "\n-", "\n ", " \n", "A", "9"]
    rng = random.Random(11)
    rules = [all_rules()[code] for code in ("L105", "L108", "L109", "X103")]
    total = 0
    for round_ in range(400):
        lang = ("zh-Hans", "th", "vi", "id")[round_ % 4]
        cues = tuple(Cue(k * 2000, k * 2000 + 1500, "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))),
                         line=k * 4 + 1) for k in range(rng.randint(1, 12)))
        track = Track(cues=cues, format="srt", path="t.srt")
        fast = check_track(track, get_profile(lang), rules=rules)
        with monkeypatch.context() as patched:
            patched.setattr(CheckContext, "cues_matching", lambda self, pattern, **_: list(range(len(self.cues))))
            patched.setattr(CheckContext, "joined", property(lambda self: ("\u00e9\u0301", [0])))  # not NFC: all cues
            every = check_track(track, get_profile(lang), rules=rules)
        assert fast == every, (lang, [c.text for c in cues])
        total += len(fast)
    assert total > 500
    # clean tracks with one problem each, alone in its track: the searches must find each kind by itself
    words = ["顾总", "你敢", "ที่นี่", "บ้าน", "Tiếng", "Việt", "kamu", "datang"]
    problems = ["  ", "\u200b", "\x07", "<i>x</i>", "&amp;", "...", ",", "?", ".", "\u0e4d\u0e32", "\u3000", "\t",
                "Tie\u0302\u0301ng"]
    for problem in problems:
        for lang in ("zh-Hans", "th", "vi", "id"):
            lines = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(6)]
            lines[3] = f"{rng.choice(words)}{problem}{rng.choice(words)}"
            dashed = [*lines[:4], "- " + lines[4], "-" + lines[5]]  # and one two-speaker cue
            cues = tuple(Cue(k * 2000, k * 2000 + 1500, text, line=k * 4 + 1)
                         for k, text in enumerate([*lines[:4], "\n".join(dashed[4:])]))
            track = Track(cues=cues, format="srt", path="t.srt")
            fast = check_track(track, get_profile(lang), rules=rules)
            with monkeypatch.context() as patched:
                patched.setattr(CheckContext, "cues_matching", lambda self, pattern, **_: list(range(len(self.cues))))
                patched.setattr(CheckContext, "joined", property(lambda self: ("\u00e9\u0301", [0])))
                assert fast == check_track(track, get_profile(lang), rules=rules), (lang, problem)


def test_a_cues_region_is_read_from_its_tag_or_settings() -> None:
    """region_of answers a cue without a leading tag or settings ("bottom") without its regexes; every
    other cue as the tag and the settings say."""
    from subloc.placement import an_for_settings, leading_an, region_of

    def slow(text: str, settings: str) -> str:
        an = leading_an(text) or an_for_settings(settings)
        return "top" if an and an >= 7 else "middle" if an and an >= 4 else "bottom"

    texts = ["你来了？", "{\\an8}（三年后）", "{\\an5}x", "{\\an2}x", "{\\an}x", " {\\an8}x", "{\\i1}x", "", "{\\an9"]
    settings = ["", "line:10%", "line:40% align:center", "line:45%,center", "position:10%", "line:90%", "  "]
    for text in texts:
        for setting in settings:
            assert region_of(text, setting) == slow(text, setting), (text, setting)
    assert region_of("{\\an8}（三年后）", "") == "top" and region_of("x", "line:10%") == "top"
