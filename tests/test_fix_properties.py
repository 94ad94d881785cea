"""fix keeps its promises on generated tracks in six languages: idempotent to the byte, text preserved,
no finding created of a rule it repairs, "not fixed" only for what was there before."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subloc import dumps
from subloc.fix import FIXES, clean_text, fix_track
from subloc.model import Cue, Track
from subloc.profiles import get_profile
from subloc.qa import check_track

PHRASES = {
    "zh-Hans": ["顾总，", "少奶奶她……", "你敢！", "滚出去！", "这份合同，你签不签？", "三天之内，我要500万", "明天",
                "广场", "姐姐，你怎么来了？", "我才是苏家的真千金。", "离婚协议我已经签好了", "今晚8点，老地方见"],
    "th": ["ที่นี่เป็นบ้านของฉัน", "คุณกล้าเหรอ", "ออกไปเดี๋ยวนี้!", "สัญญานี้คุณจะเซ็นหรือไม่", "ภายในสามวัน",
           "ฉันต้องการห้าล้าน", "พี่สาว มาทำอะไรที่นี่", "ฉันคือลูกสาวแท้ๆ", "ของตระกูลซู", "คืนนี้สองทุ่ม ที่เดิม"],
    "vi": ["Cô dám sao?", "Cút ra ngoài!", "Hợp đồng này, cô ký hay không?", "Trong ba ngày,", "tôi cần năm triệu.",
           "Chị ơi, sao chị lại đến đây?", "Tôi mới là thiên kim thật", "của nhà họ Tô.", "Tối nay tám giờ, chỗ cũ nhé."],
    "id": ["Kamu berani mengancamku?", "Keluar!", "Kontrak ini, kamu tanda tangan atau tidak?", "Dalam tiga hari,",
           "aku butuh lima juta.", "Kak, kenapa kamu datang?", "Akulah putri kandung", "keluarga Su.", "anak-anak"],
    "ms": ["Awak berani ugut saya?", "Keluar!", "Kontrak ini, awak nak tandatangan atau tak?", "Dalam tiga hari,",
           "saya perlukan lima juta.", "Kakak, kenapa awak datang?", "Sayalah anak kandung", "keluarga Su.", "boleh"],
    "en": ["You dare threaten me?", "Get out!", "Will you sign this contract or not?", "Within three days,",
           "I want five million.", "Sister, why are you here?", "I am the real daughter", "of the Su family.", "--Ow!"],
}
LANGS = list(PHRASES)


@st.composite
def tracks(draw):  # type: ignore[no-untyped-def]
    lang = draw(st.sampled_from(LANGS))
    phrases = PHRASES[lang]
    sep = "" if lang == "zh-Hans" else " "
    cues, t = [], draw(st.integers(0, 3000))
    for i in range(draw(st.integers(1, 10))):
        t += draw(st.integers(-300, 2500))
        t = max(t, cues[-1].start if cues else 0)
        duration = draw(st.integers(300, 10_000))
        text = sep.join(draw(st.lists(st.sampled_from(phrases), min_size=1, max_size=5)))
        style = draw(st.sampled_from(["plain", "plain", "dots", "dialogue", "dash", "break", "an8", "spaces"]))
        if style == "dots":
            text += "..."
        elif style == "dialogue":
            other = draw(st.sampled_from(phrases))
            dash = draw(st.sampled_from(["-", "- ", "–", "—", "-- "]))
            text = f"{dash}{text}\n{dash}{other}"
        elif style == "dash":
            text = draw(st.sampled_from(["-", "--", "–"])) + text
        elif style == "break" and len(text) > 6:
            cut = draw(st.integers(1, len(text) - 1))
            text = text[:cut] + "\n" + text[cut:]
        elif style == "an8":
            text = "{\\an8}" + text
        elif style == "spaces":
            text = " " + text.replace(" ", "  ", 1) + " "
        cues.append(Cue(t, t + duration, text.strip("\n") or "…", line=i * 4 + 1))
    return lang, Track(cues=tuple(cues), format="srt", language=lang)


def _essence(text: str, lang: str) -> str:
    """What fix must preserve: the words, whatever the whitespace, line breaks, dashes and hygiene."""
    cleaned = clean_text(text, get_profile(lang))
    return re.sub(r"[\s\-–—]|\{\\an\d\}", "", cleaned)


def _by_cue(findings) -> dict[int, set[str]]:  # type: ignore[no-untyped-def]
    out: dict[int, set[str]] = {}
    for f in findings:
        if f.code in FIXES:
            out.setdefault(f.cue - 1, set()).add(f.code)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tracks())
def test_fix_twice_is_byte_identical_keeps_text_and_creates_no_finding(case) -> None:  # type: ignore[no-untyped-def]
    lang, track = case
    profile = get_profile(lang)
    first = fix_track(track, profile)
    # 1. text preserved, in order
    assert _essence("".join(c.text for c in track.cues), lang) == _essence("".join(c.text for c in first.track.cues),
                                                                         lang)
    # 2. idempotent to the byte
    second = fix_track(first.track, profile)
    assert dumps(second.track) == dumps(first.track)
    assert not second.changed, [str(c) for c in second.changes if c.fixed]
    # 3. no finding of a rule fix repairs that the input cue(s) behind it did not already have (counted
    # after the text hygiene: in Chinese '...' counts 1.5 characters and the '……' it becomes counts 2)
    hygienic = track.with_cues([replace(c, text=clean_text(c.text, profile)) for c in track.cues])
    before = _by_cue(check_track(hygienic, profile))
    after = _by_cue(check_track(first.track, profile))
    for index, codes in after.items():
        had = set().union(*(before.get(origin, set()) for origin in first.origins[index]))
        assert codes <= had, (codes - had, first.track.cues[index], [track.cues[o] for o in first.origins[index]])
    # 4. "not fixed" only for what the input had
    for change in first.unfixed:
        assert change.code in before.get(change.cue - 1, set()), str(change)


def _fix(lang: str, *cues: tuple[int, int, str]):  # type: ignore[no-untyped-def]
    track = Track(cues=tuple(Cue(a, b, text, line=4 * i + 1) for i, (a, b, text) in enumerate(cues)), language=lang)
    return track, fix_track(track, get_profile(lang))


def test_closing_a_gap_moves_the_next_start_when_trimming_would_make_the_cue_too_fast() -> None:
    # Cue 1 reads at 19.3 chars/s; ending it 67 ms before cue 2 would push it over 20: cue 2 starts later.
    track, result = _fix("id", (1000, 2550, "Aku sudah tanda tangan suratnya"), (2560, 5000, "Bagus."))
    first, second = result.track.cues
    assert first.end == 2550 and second.start == 2617
    assert any(c.code == "T106" and "start moved" in c.message for c in result.changes)
    assert not [f for f in check_track(result.track, get_profile("id"))
                if f.code == "T106" or (f.code == "T107" and f.severity == "error")]


def test_a_one_phrase_cue_of_9_s_is_trimmed_to_reading_time_plus_a_margin() -> None:
    track, result = _fix("th", (1000, 10_000, "ฉันไม่ไปหรอก"), (12_000, 14_000, "ทำไมล่ะ"))
    cue = result.track.cues[0]
    assert cue.start == 1000 and 1000 + 1000 < cue.end <= 1000 + 7000 and cue.text == "ฉันไม่ไปหรอก"
    assert [c.code for c in result.changes if c.fixed] == ["T105"] and not result.unfixed
    assert not fix_track(result.track, get_profile("th")).changed


def test_double_hyphen_speaker_dashes_are_one_dash_in_every_pass() -> None:
    for lang, text, want in (("vi", "-Chị ơi!\n--Ow!", "- Chị ơi!\n- Ow!"), ("en", "-Sister!\n--Ow!", "-Sister!\n-Ow!"),
                             ("zh-Hans", "-姐姐！\n- -疼！", "–姐姐！\n–疼！"), ("th", "–พี่สาว\n—โอ๊ย!", "- พี่สาว\n- โอ๊ย!")):
        _, result = _fix(lang, (1000, 3500, text))
        assert result.track.cues[0].text == want, lang
        assert not fix_track(result.track, get_profile(lang)).changed


def test_a_split_that_would_leave_a_short_piece_is_not_made() -> None:
    # Two sentences in 2.4 s: the first half would last under the comfortable 1 s (a T104 warning).
    track, result = _fix("id", (0, 2357, "Kamu berani mengancamku? Kontrak ini, kamu tanda tangan atau tidak?"))
    before = {f.code for f in check_track(track, get_profile("id"))}
    after = {f.code for f in check_track(result.track, get_profile("id"))}
    assert after <= before
