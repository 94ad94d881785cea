"""subloc fix: safe repairs, with their guarantees property-tested."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subloc import load, loads
from subloc.cli import cli
from subloc.fix import FIXES, clean_text, fix_track
from subloc.model import Cue, Track
from subloc.profiles import get_profile
from subloc.qa import check_track

WORDS = {
    "id": "aku kamu nggak bisa pergi sekarang karena uang itu besok Tuan Muda Nyonya anak-anak rumah sakit".split(),
    "vi": "tôi anh em không thể đi bây giờ vì tiền đó ngày mai thiếu gia phu nhân bệnh viện hợp đồng".split(),
    "th": "ฉัน คุณ ไม่ ไป ตอนนี้ เพราะ เงิน พรุ่งนี้ คุณชาย คุณนายน้อย โรงพยาบาล สัญญา ตระกูลซู".split(),
    "zh-Hans": list("顾总少奶奶她你敢滚出去这份合同签不签三天之内我要万姐姐怎么来了") + ["500", "，", "？", "！"],
}


@st.composite
def tracks(draw):  # type: ignore[no-untyped-def]
    lang = draw(st.sampled_from(list(WORDS)))
    words = WORDS[lang]
    sep = "" if lang == "zh-Hans" else " "
    cues, t = [], draw(st.integers(0, 3000))
    for i in range(draw(st.integers(1, 14))):
        t += draw(st.integers(-400, 1500))
        t = max(t, cues[-1].start if cues else 0)
        duration = draw(st.integers(150, 9000))
        text = sep.join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=22)))
        style = draw(st.sampled_from(["plain", "plain", "dots", "spaces", "zwsp", "dialogue", "break", "an8"]))
        if style == "dots":
            text += "..."
        elif style == "spaces":
            text = "  " + text.replace(sep or "你", (sep or "你") * 2, 1) + " "
        elif style == "zwsp":
            text = text[:3] + "\u200b" + text[3:]
        elif style == "dialogue":
            text = f"-{text[:12]}\n-{text[12:] or '好'}"
        elif style == "break" and len(text) > 6:
            text = text[:len(text) // 2] + "\n" + text[len(text) // 2:]
        elif style == "an8":
            text = "{\\an8}" + text
        cues.append(Cue(t, t + duration, text, line=i * 4 + 1))
    return lang, Track(cues=tuple(cues), format="srt", language=lang)


def _essence(text: str, lang: str) -> str:
    """What fix must preserve: the words, whatever the whitespace, line breaks and hygiene."""
    cleaned = clean_text(text, get_profile(lang))
    return re.sub(r"[\s\-–—]|\{\\an\d\}", "", cleaned)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks())
def test_fix_guarantees(case) -> None:  # type: ignore[no-untyped-def]
    lang, track = case
    profile = get_profile(lang)
    tolerance = 1000
    result = fix_track(track, profile, tolerance)
    out = result.track.cues
    # 1. the text is preserved, in order (apart from whitespace, line breaks and hygiene)
    assert _essence("".join(c.text for c in track.cues), lang) == _essence("".join(c.text for c in out), lang)
    # 2. order is kept
    assert [c.start for c in out] == sorted(c.start for c in out)
    # 3. no cue moves further than the tolerance
    for cue, origins in zip(out, result.origins):
        first, last = track.cues[min(origins)], track.cues[max(origins)]
        assert cue.start >= first.start - tolerance and cue.end <= last.end + tolerance
        assert cue.start >= min(c.start for c in track.cues) - tolerance
    # 4. what fix claims to fix passes the check, except cues it reports as not fixed
    unfixed = {c.cue - 1 for c in result.unfixed}
    for f in check_track(result.track, profile):
        if f.code in FIXES and f.severity == "error":
            assert set(result.origins[f.cue - 1]) & unfixed, (f.code, f.message, out[f.cue - 1])
    # 5. fixing twice changes nothing
    again = fix_track(result.track, profile, tolerance)
    assert [(c.start, c.end, c.text) for c in again.track.cues] == [(c.start, c.end, c.text) for c in out]


def _fix(srt: str, lang: str):  # type: ignore[no-untyped-def]
    track = replace(loads(srt, f"x.{lang}.srt"), language=lang)
    return fix_track(track, get_profile(lang))


def test_thai_line_breaking_never_splits_words_or_strands_mai_yamok() -> None:
    result = _fix("1\n00:00:01,000 --> 00:00:05,000\nฉันคือลูกสาวแท้\nๆ ของตระกูลซูที่เพิ่งกลับมาบ้าน\n", "th")
    lines = result.track.cues[0].text.split("\n")
    assert lines == ["ฉันคือลูกสาวแท้ๆ", "ของตระกูลซูที่เพิ่งกลับมาบ้าน"]
    assert [c.code for c in result.changes] == ["L101"]


def test_chinese_breaking_respects_punctuation_rules() -> None:
    result = _fix("1\n00:00:01,000 --> 00:00:05,000\n你外婆的手术费\n，还等着苏家出呢...\n", "zh-Hans")
    assert result.track.cues[0].text == "你外婆的手术费，\n还等着苏家出呢……"


def test_reduplication_and_dialogue_dashes() -> None:
    result = _fix("1\n00:00:01,000 --> 00:00:05,000\nAnak-anak sudah pergi bersama Tuan Muda ke rumah sakit\n\n"
                  "2\n00:00:05,500 --> 00:00:08,000\n–Kamu datang?\n–Iya.\n", "id")
    first, second = (c.text for c in result.track.cues)
    assert "Anak-anak" in first and all(len(line) <= 29 for line in first.split("\n"))
    assert second == "- Kamu datang?\n- Iya."


def test_timing_repairs_and_what_cannot_be_fixed() -> None:
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nKamu datang?\n\n"          # overlaps the next
           "2\n00:00:02,500 --> 00:00:04,000\nIya.\n\n"
           "3\n00:00:04,010 --> 00:00:05,500\nAyo pergi.\n\n"             # 10 ms gap
           "4\n00:00:05,800 --> 00:00:07,000\nSekarang juga.\n\n"        # 300 ms gap before it
           "5\n00:00:07,067 --> 00:00:07,500\nKamu nggak bisa pergi sekarang, aku butuh uang itu\n\n"  # too fast
           "6\n00:00:07,567 --> 00:00:08,300\nYa\n\n"
           "7\n00:00:20,000 --> 00:00:30,000\nIni kalimat pertama. Ini kalimat kedua.\n")  # too long
    result = _fix(srt, "id")
    cues = result.track.cues
    assert cues[0].end == 2433  # trimmed to the 67 ms minimum gap before cue 2
    assert cues[1].end == 3943  # likewise before cue 3
    assert cues[2].end == 5733  # the 300 ms gap closed to 67 ms
    codes = {(c.cue, c.code, c.fixed) for c in result.changes}
    assert (5, "T107", False) in codes  # no free time around it: reported, not mangled
    assert cues[4].text.replace("\n", " ") == "Kamu nggak bisa pergi sekarang, aku butuh uang itu"
    assert [c.text for c in cues[-2:]] == ["Ini kalimat pertama.", "Ini kalimat kedua."]
    assert cues[-2].start == 20000 and cues[-1].end == 30000


def test_tiny_fragment_is_merged() -> None:
    result = _fix("1\n00:00:01,000 --> 00:00:02,500\nKamu datang\n\n2\n00:00:02,567 --> 00:00:02,900\nlagi?\n\n"
                  "3\n00:00:02,967 --> 00:00:03,100\nYa\n", "id")
    texts = [c.text for c in result.track.cues]
    assert texts == ["Kamu datang lagi? Ya"] and any(c.code == "T104" and "merged" in c.message for c in result.changes)


def test_fix_cli_writes_reports_and_diffs(runner, tmp_path: Path) -> None:
    source = tmp_path / "ep01.id.srt"
    source.write_text("1\n00:00:01,000 --> 00:00:02,500\nKamu  datang...\n\n2\n00:00:02,510 --> 00:00:04,000\nIya\n",
                      "utf-8")
    before = source.read_bytes()
    diff = runner.invoke(cli, ["fix", str(source), "--diff"])
    assert diff.exit_code == 1 and "-Kamu  datang..." in diff.output and "+Kamu datang…" in diff.output
    assert source.read_bytes() == before
    refused = runner.invoke(cli, ["fix", str(source)])
    assert refused.exit_code == 2 and "-o DIR or --in-place" in refused.stderr
    done = runner.invoke(cli, ["fix", str(source), "-o", str(tmp_path / "fixed")])
    assert done.exit_code == 0, done.output
    assert "cue 1: L105 fixed" in done.output and "cue 1: T106 fixed" in done.output
    assert source.read_bytes() == before
    fixed = load(tmp_path / "fixed" / "ep01.id.srt")
    assert fixed.cues[0].text == "Kamu datang…" and fixed.cues[1].start - fixed.cues[0].end == 67
    again = runner.invoke(cli, ["fix", str(tmp_path / "fixed" / "ep01.id.srt"), "--diff"])
    assert again.exit_code == 0 and again.output.strip().endswith("nothing to fix")


def test_check_fix_applies_in_place_and_reports_the_rest(runner, tmp_path: Path) -> None:
    path = tmp_path / "ep01.id.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,500\nKamu  datang...\n\n2\n00:00:02,510 --> 00:00:04,000\nIya\n",
                    "utf-8")
    diff = runner.invoke(cli, ["check", str(path), "--diff"])
    assert diff.exit_code == 1 and "+Kamu datang…" in diff.output
    result = runner.invoke(cli, ["check", str(path), "--fix", "--format", "json"])
    assert result.exit_code == 0
    assert "Kamu datang…" in path.read_text("utf-8")
