"""Malay vs Indonesian per file (X101) and cues in another language (X106), on files written for these
tests (tests/data/lang/msid_files.txt): formal Indonesian with tak/boleh, Malay elder speech with
kamu/kenapa/saja, files without strong markers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from subloc.formats import loads
from subloc.langid import detect_text
from subloc.profiles import get_profile
from subloc.qa import all_rules, check_track

DATA = Path(__file__).parent / "data" / "lang" / "msid_files.txt"
RULES = all_rules()


def _files() -> list[tuple[str, str, list[str]]]:
    out: list[tuple[str, str, list[str]]] = []
    for line in DATA.read_text("utf-8").splitlines():
        if line.startswith("=== "):
            lang, name = line[4:].split(" ", 1)
            out.append((lang, name, []))
        elif line.strip() and not line.startswith("#"):
            out[-1][2].append(line)
    return out


def _srt(lines: list[str]) -> str:
    return "".join(f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},900\n{text}\n\n" for n, text in enumerate(lines, 1))


def _check(lines: list[str], lang: str, code: str):  # type: ignore[no-untyped-def]
    track = replace(loads(_srt(lines), f"ep01.{lang}.srt"), language=lang)
    return check_track(track, get_profile(lang), rules=[RULES[code]], path=f"ep01.{lang}.srt")


FILES = _files()


def test_the_corpus_is_what_it_claims() -> None:
    kinds = Counter(lang for lang, _, _ in FILES)
    assert kinds == {"id": 8, "ms": 8}
    assert all(len(lines) >= 5 for _, _, lines in FILES)


@pytest.mark.parametrize("lang, name, lines", FILES, ids=[f"{lang}-{name}" for lang, name, _ in FILES])
def test_no_file_gets_a_false_x101_error_in_its_own_language(lang: str, name: str, lines: list[str]) -> None:
    assert [f for f in _check(lines, lang, "X101") if f.severity == "error"] == []


@pytest.mark.parametrize("lang, name, lines", FILES, ids=[f"{lang}-{name}" for lang, name, _ in FILES])
def test_a_file_declared_as_the_other_language_is_caught(lang: str, name: str, lines: list[str]) -> None:
    other = "ms" if lang == "id" else "id"
    found = _check(lines, other, "X101")
    detection = detect_text("\n".join(lines))
    if detection.language == lang:  # strong evidence: an error
        assert [f.severity for f in found] == ["error"]
    elif detection.lean == lang:  # weak evidence leaning the right way: a warning naming the markers
        assert [f.severity for f in found] == ["warning"] and "markers" in found[0].message
    else:
        assert found == [] and "neutral" in name


def test_confusion_matrix_on_the_corpus() -> None:
    """Quoted in the README: no file is decided as the wrong language; most are decided; the rest lean."""
    matrix: Counter[tuple[str, str]] = Counter()
    for lang, _, lines in FILES:
        found = detect_text("\n".join(lines))
        matrix[(lang, found.language or f"lean-{found.lean}")] += 1
    assert matrix[("id", "ms")] == matrix[("ms", "id")] == 0
    assert matrix[("id", "id")] >= 6 and matrix[("ms", "ms")] >= 5
    assert matrix[("id", "lean-ms")] == matrix[("ms", "lean-id")] == 0


def test_formal_indonesian_with_tak_and_boleh_is_indonesian() -> None:
    lines = dict(((lang, name), lines) for lang, name, lines in FILES)[("id", "formal-tak-boleh")]
    found = detect_text("\n".join(lines))
    assert found.language == "id" and "tak" in found.evidence and "boleh" in found.evidence


def test_malay_elder_speech_with_kamu_kenapa_saja_is_malay() -> None:
    lines = dict(((lang, name), lines) for lang, name, lines in FILES)[("ms", "elder-kamu-kenapa-saja")]
    found = detect_text("\n".join(lines))
    assert found.language == "ms"
    assert _check(lines, "ms", "X101") == []


def test_weak_evidence_gives_a_warning_that_names_the_markers() -> None:
    weak = ["Kenapa kamu diam saja?", "Jangan pergi dulu.", "Dia sudah pulang ke rumah.", "Kamu tunggu di sini."]
    found = _check(weak, "ms", "X101")
    assert [f.severity for f in found] == ["warning"]
    assert "kamu" in found[0].message and "saja" in found[0].message and "weak" in found[0].message


# --- X106: a cue in another language -----------------------------------------------------------------

@pytest.mark.parametrize("lang, lines, flagged", [
    ("th", ["คุณกล้าดียังไง", "I don't care what you think of me", "ไปให้พ้นหน้าฉัน"], [2]),
    ("vi", ["Anh đi đi", "Aku nggak mau pulang sama dia, Ma", "Em không biết anh ấy là ai"], [2]),
    ("ms", ["Awak nak ke mana?", "사랑해요 오빠", "Jangan tinggalkan saya"], [2]),
    ("id", ["Tolong lepaskan dia!", "Anh có thể giúp tôi không?", "ประธานกู้ครับ"], [2, 3]),
    ("id", ["Please, I am begging you, let her go", "Tolong lepaskan dia!"], [1]),
    ("ms", ["Sorry, saya tak sengaja", "OK, jom kita pergi", "CEO dah sampai"], []),  # code-switching is Malay
    ("th", ["OK ไปกันเถอะ", "ประธานกู้ครับ CEO มาแล้ว"], []),
    ("vi", ["CEO Gu đã đến", "OK, đi thôi"], []),
])
def test_a_cue_in_another_language_or_script_is_flagged(lang: str, lines: list[str], flagged: list[int]) -> None:
    found = _check(lines, lang, "X106")
    assert [f.cue for f in found] == flagged
    assert all(f.severity == "warning" and "reads as" in f.message for f in found)


def test_x106_quick_exits_change_no_verdict() -> None:
    """foreign_cue skips most cues with one search; on every line of the language corpora and the samples,
    in every file language, its verdict is the full test's, and the corpora do hold flagged lines."""
    import unicodedata

    from subloc.languages import script_family
    from subloc.langid import _foreign, foreign_cue, other_scripts_in

    root = Path(__file__).parent
    texts = [line for path in sorted((root / "data" / "lang").glob("*.txt"))
             for line in path.read_text("utf-8").splitlines() if line and not line.startswith(("#", "==="))]
    texts += [cue.text.replace("\n", " ") for path in sorted((root.parent / "samples").glob("**/*.srt"))
              for cue in loads(path.read_text("utf-8"), str(path)).cues]
    texts += ["I don't care what you think of me", "사랑해요 오빠 정말", "Aku nggak mau pulang sama dia, Ma",
              "Anh có thể giúp tôi không?", "Привет, как дела у тебя", "Tie\u0302\u0301ng Vie\u0323\u0302t nhé bạn ơi"]
    flagged = spared = 0
    for lang in ("zh-Hans", "th", "vi", "id", "ms", "en"):
        for text in texts:
            full = _foreign(unicodedata.normalize("NFC", text), script_family(lang), lang.split("-")[0])
            assert foreign_cue(text, lang) == full, (lang, text)
            # a track without other scripts' characters spares the search for them, with the same verdicts
            others = other_scripts_in(text, lang)
            assert foreign_cue(text, lang, others) == full, (lang, text)
            flagged += full is not None
            spared += not others
    assert flagged > 50 and spared > 1000


def test_a_track_with_another_scripts_character_is_known_to_have_one() -> None:
    """other_scripts_in agrees with _any_other's search (Hangul, kana, Cyrillic, Arabic, Thai outside a
    Thai file), character by character over every range's edges, in a Thai and a Latin-script file."""
    import random

    from subloc.langid import _any_other, other_scripts_in

    edges = [0x40, 0x41, 0xBF, 0xC0, 0x24F, 0x250, 0x3FF, 0x400, 0x4FF, 0x500, 0x5FF, 0x600, 0x6FF, 0x700, 0xE00,
             0xE01, 0xE5B, 0xE5C, 0x10FF, 0x1100, 0x11FF, 0x1200, 0x1E00, 0x303F, 0x3040, 0x30FF, 0x3100, 0x4E00,
             0xABFF, 0xAC00, 0xD7AF, 0xD7B0, 0x1F600]
    rng = random.Random(9)
    for _ in range(3000):
        text = "Tôi đi " + "".join(chr(rng.choice(edges) + rng.choice((0, 1, -1))) for _ in range(rng.randint(0, 3)))
        for lang, thai_file in (("vi", False), ("th", True), ("ms", False)):
            assert other_scripts_in(text, lang) == bool(_any_other(thai_file).search(text)), (lang, text)


def test_script_counts_are_the_script_classes_counts() -> None:
    """detect_text counts each script by encoding the text (UTF-16 blocks, Latin-1 and cp874 letters; no
    Han or Hangul regex to compile, no Counter): on random text over every range's and block's edges
    (unassigned Thai code points, Lao, ×, lone surrogates and characters beyond the BMP included), the
    counts are the classes' own."""
    import random
    import re

    from subloc.langid import _HAN, _HANGUL, _KANA, _LATIN, _THAI, _scripts

    edges = [0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0xBF, 0xC0, 0xD7, 0xF7, 0xFF, 0x100, 0x1FF, 0x200, 0x24F,
             0x250, 0x2FF, 0xE00, 0xE01, 0xE3A, 0xE3B, 0xE3E, 0xE3F, 0xE5B, 0xE5C, 0xE80, 0xEFF, 0x10FF, 0x1100, 0x11FF,
             0x1200, 0x1DFF, 0x1E00, 0x1EFF, 0x1F00, 0x3000, 0x303F, 0x3040, 0x30FF, 0x3100, 0x33FF, 0x3400, 0x4D00,
             0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xABFF, 0xAC00, 0xD700, 0xD7AF, 0xD7B0, 0xD7FF, 0xD800,
             0xDBFF, 0xDC00, 0xDFFF, 0xF8FF, 0xF900, 0xFAFF, 0xFB00, 0xFFFF, 0x1F600, 0x20000]
    rng = random.Random(5)
    classes = [re.compile(pattern) for pattern in (_HAN, _THAI.pattern, _HANGUL, _KANA.pattern, _LATIN.pattern)]
    for size in [0, 1, 2, *[rng.randint(0, 80) for _ in range(2000)]]:
        text = "".join(chr(max(0, rng.choice(edges) + rng.choice((0, 0, 1, -1)))) for _ in range(size))
        assert _scripts(text) == tuple(len(c.findall(text)) for c in classes), repr(text)
    corpora = Path(__file__).parent / "data" / "lang"
    texts = [(corpora / name).read_text("utf-8") for name in ("zh_dialogue.txt", "th_dialogue.txt", "th_lines.txt",
                                                               "vi_words.txt", "msid_files.txt")]
    for text in texts:
        assert _scripts(text) == tuple(len(c.findall(text)) for c in classes), repr(text)


def test_a_track_without_foreign_characters_is_passed_over_and_one_with_them_is_not() -> None:
    """X106 reads no cue of a Chinese or Thai track whose characters are all of its own script; the test
    agrees with foreign_cue's own quick test character by character, over every range's edges."""
    import random

    from subloc.langid import _may_be_foreign, may_hold_foreign_cue

    edges = [0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0xBF, 0xC0, 0x24F, 0x250, 0x3FF, 0x400, 0x4FF, 0x500,
             0x5FF, 0x600, 0x6FF, 0x700, 0xE00, 0xE01, 0xE5B, 0xE5C, 0x10FF, 0x1100, 0x11FF, 0x1200, 0x1DFF, 0x1E00,
             0x1EFF, 0x1F00, 0x303F, 0x3040, 0x30FF, 0x3100, 0x4E00, 0xABFF, 0xAC00, 0xD7AF, 0xD7B0]
    rng = random.Random(8)
    for _ in range(2000):
        ch = chr(rng.choice(edges))
        for lang, family, own in (("zh-Hans", "cjk", "你好"), ("th", "thai", "ที่นี่…"), ("th", "thai", "你好")):
            assert may_hold_foreign_cue(own + ch, lang) == bool(_may_be_foreign(family).search(ch)), (lang, hex(ord(ch)))
    assert not may_hold_foreign_cue("顾总，\n你今晚8点必须签了这份合同", "zh-Hans")
    assert may_hold_foreign_cue("顾总 OK", "zh-Hans") and may_hold_foreign_cue("anything", "vi")


def test_detection_counts_thai_latin_and_vietnamese_text_and_reads_it() -> None:
    """Thai, Latin and Vietnamese letters (ạ ế ộ: Latin Extended Additional) are counted as their classes
    count them, and the corpora's verdicts follow."""
    from subloc.langid import _LATIN, _THAI, _scripts

    for text in ("ที่นี่เป็นบ้านของฉัน… OK", "Awak tak boleh pergi — sekarang", "Cô dám sao?", "Привет ที่นี่",
                 "Anh ấy đã về rồi, mẹ ạ… ngay bây giờ"):
        assert _scripts(text)[1::3] == (len(_THAI.findall(text)), len(_LATIN.findall(text)))
    assert detect_text("ที่นี่เป็นบ้านของฉัน… คุณกล้าดียังไง").language == "th"
    assert detect_text("Awak tak boleh pergi sekarang, saya mahu wang itu esok kerana saya perlu").language == "ms"
    assert detect_text("你以为500万就能让我签了这份合同？").language == "zh-Hans"
    text = "Anh ấy đã về rồi, mẹ ạ… Tôi sẽ ký đơn ly hôn ngay bây giờ — đừng hòng ngăn cản!"
    han, thai, hangul, kana, latin = _scripts(text)
    assert (han, thai, hangul, kana) == (0, 0, 0, 0) and latin == sum(ch.isalpha() for ch in text)
    assert detect_text(text).language == "vi"


def test_letters_are_counted_by_runs_as_one_by_one() -> None:
    """The script counts read runs of a class (one match a run): the same numbers as a match per letter,
    on Thai, Vietnamese, Malay and mixed text with marks, digits and punctuation."""
    from subloc.langid import _LATIN, _LATIN_RUN, _LETTER_RUN, _LETTERS, _count

    for text in ("ฉันเซ็นใบหย่าแล้ว คุณพอใจหรือยัง 500 ล้าน!", "Anh ấy đã về rồi, mẹ ạ… 8 giờ", "Awak tak boleh pergi",
                 "顾总 OK ไม่ Tôi", "", "123 … —", "e\u0301 café x²"):
        assert _count(_LATIN_RUN, text) == len(_LATIN.findall(text))
        assert _count(_LETTER_RUN, text) == len(_LETTERS.findall(text))


def test_a_character_beyond_thai_and_latin_is_found_as_the_class_finds_it() -> None:
    """beyond_thai_and_latin reads UTF-16 blocks instead of compiling [^\\x00-\\u10ff\\u1e00-\\u1eff\\u2000-\\u206f]:
    on random text over every edge of those ranges (lone surrogates and characters beyond the BMP
    included) it answers as the class's search does."""
    import random
    import re

    from subloc.scripts import beyond_thai_and_latin

    beyond = re.compile("[^\x00-\u10ff\u1e00-\u1eff\u2000-\u206f]")
    edges = [0x41, 0xFF, 0x100, 0xE01, 0x10FF, 0x1100, 0x1DFF, 0x1E00, 0x1EFF, 0x1F00, 0x1FFF, 0x2000, 0x2026, 0x206F,
             0x2070, 0x20AC, 0x20FF, 0x2100, 0x3000, 0x4E00, 0xAC00, 0xD800, 0xDFFF, 0xFFFF, 0x1F600]
    rng = random.Random(11)
    found = 0
    for _ in range(3000):
        text = "".join(chr(rng.choice(edges) + rng.choice((0, 1, -1))) for _ in range(rng.randint(0, 4)))
        assert beyond_thai_and_latin(text) == bool(beyond.search(text)), repr(text)
        found += beyond_thai_and_latin(text)
    assert 500 < found < 2900


def test_vietnamese_letters_are_counted_as_the_class_counts_them() -> None:
    """_viet_letters counts _VIET's letters by encodings and str.count: on every character the class holds
    or borders, on random mixes of them and on the corpora, the count is findall's."""
    import random

    from subloc.langid import _VIET, _viet_letters

    corpora = Path(__file__).parent / "data" / "lang"
    texts = [(corpora / name).read_text("utf-8") for name in ("vi_words.txt", "msid_files.txt", "zh_dialogue.txt")]
    members = [ch for ch in map(chr, range(0x3000)) if _VIET.match(ch)]
    near = [chr(ord(ch) + d) for ch in members for d in (-1, 1)] + ["a", " ", "…", "\u1e00", "\u1eff", "\U0001f600"]
    rng = random.Random(13)
    texts += [ch for ch in members + near]
    texts += ["".join(rng.choice(members + near) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for text in texts:
        assert _viet_letters(text) == len(_VIET.findall(text)), repr(text)
    assert len(members) == 134


def test_a_vietnamese_tracks_cues_without_a_vietnamese_letter_are_found_in_one_scan() -> None:
    """foreign_cues finds a Vietnamese track's candidates (no Vietnamese letter) by one scan of the
    track: on random tracks of Vietnamese, English, Malay, empty and decomposed cues its verdicts are
    those of asking each cue."""
    import random
    import unicodedata

    from subloc.langid import _VIET, _foreign, foreign_cues

    corpora = Path(__file__).parent / "data" / "lang"
    vi = [line.replace("_", " ") for line in (corpora / "vi_words.txt").read_text("utf-8").splitlines()
          if line and not line.startswith("#")]
    other = ["I don't care what you think of me", "Aku nggak mau pulang sama dia, Ma", "", "OK", "Tie\u0302\u0301ng",
             "Where are you going tonight, my dear?", "Saya tak tahu apa yang awak cakap ni"]
    rng = random.Random(21)
    flagged = 0
    for _ in range(300):
        track = [rng.choice(vi if rng.random() < 0.8 else other) for _ in range(rng.randint(1, 40))]
        want = []
        for i, text in enumerate(track):
            text = unicodedata.normalize("NFC", text)
            if _VIET.search(text) is None:
                found = _foreign(text, "latin", "vi", False)
                if found:
                    want.append((i, found))
        assert list(foreign_cues(track, "vi", False)) == want, track
        flagged += len(want)
    assert flagged > 100
