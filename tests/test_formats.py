"""Reading and writing SRT and WebVTT: every input case of the core issue, on real files."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from subloc import SubtitleParseError, SubtitleWriteError, dumps, load, loads, save
from subloc.model import Cue, Track

from .conftest import DATA

ZH_FIRST = "顾总，少奶奶她……"


@pytest.mark.parametrize("name, encoding, bom", [
    ("clean.srt", "utf-8", False),
    ("utf8_bom.srt", "utf-8", True),
    ("utf16le_bom.srt", "utf-16-le", True),
    ("utf16be_bom.srt", "utf-16-be", True),
    ("gb18030.srt", "gb18030", False),
])
def test_chinese_encodings_are_detected(name: str, encoding: str, bom: bool) -> None:
    track = load(DATA / name)
    assert (track.encoding, track.bom) == (encoding, bom)
    assert len(track.cues) == 10
    assert track.cues[0].text == ZH_FIRST
    assert track.cues[4].text == "三天之内，我要500万"
    assert track.cues[0].ident == "1"


def test_big5_traditional_chinese() -> None:
    track = load(DATA / "big5.srt")
    assert track.encoding == "big5"
    assert track.cues[0].text == "顧總，少奶奶她……"


def test_cp874_thai() -> None:
    track = load(DATA / "cp874.srt")
    assert track.encoding == "cp874"
    assert track.cues[0].text == "ที่นี่เป็นบ้านของฉัน"


def test_cp1258_vietnamese_is_composed_to_nfc() -> None:
    raw = (DATA / "cp1258.srt").read_bytes()
    assert b"\xec" in raw  # the combining acute accent of cp1258 is really in the file
    track = load(DATA / "cp1258.srt")
    assert track.encoding == "cp1258"
    assert track.cues[0].text == "Tiếng Việt có dấu"
    assert all(unicodedata.is_normalized("NFC", c.text) for c in track.cues)


def test_forced_encoding_wins_and_bad_bytes_name_the_line() -> None:
    assert load(DATA / "gb18030.srt", encoding="gbk").cues[0].text == ZH_FIRST
    with pytest.raises(SubtitleParseError) as info:
        load(DATA / "gb18030.srt", encoding="utf-8")
    assert info.value.line == 3 and "not valid utf-8" in str(info.value)
    with pytest.raises(SubtitleParseError, match="unknown encoding"):
        load(DATA / "clean.srt", encoding="klingon")


@pytest.mark.parametrize("name, newline", [("crlf.srt", "\r\n"), ("cr_only.srt", "\r"), ("mixed_newlines.srt", "\r\n"),
                                           ("no_final_newline.srt", "\n")])
def test_line_endings(name: str, newline: str) -> None:
    track = load(DATA / name)
    clean = load(DATA / "clean.srt")
    assert track.newline == newline
    assert [(c.start, c.end, c.text) for c in track.cues] == [(c.start, c.end, c.text) for c in clean.cues]


def test_missing_and_nonsequential_indices() -> None:
    track = load(DATA / "missing_index.srt")
    assert [c.text for c in track.cues] == ["第一句", "没有编号的一句", "第三句"]
    assert [c.ident for c in track.cues] == ["1", "", "3"]
    assert [c.line for c in track.cues] == [1, 5, 8]
    track = load(DATA / "nonsequential.srt")
    assert [c.ident for c in track.cues] == ["7", "3", "3"]
    assert "1\n" in dumps(track) and "3\n00:00:05,000" in dumps(track)  # renumbered on write


def test_dot_separator_and_hours() -> None:
    assert [(c.start, c.end) for c in load(DATA / "dot_ms.srt").cues] == [(1000, 2500), (3250, 4000)]
    assert load(DATA / "one_digit_hours.srt").cues[1].start == 3_723_004
    track = load(DATA / "hours_over_99.srt")
    assert track.cues[0].end == 100 * 3_600_000 + 1500
    assert "100:00:01,500" in dumps(track)
    assert load(DATA / "no_hours.vtt").cues[1].start == 63_000


def test_text_lines_with_arrows_or_only_numbers_stay_text() -> None:
    assert [c.text for c in load(DATA / "arrow_in_text.srt").cues] == ["A --> B 是箭头", "--> 开头也是"]
    assert [c.text for c in load(DATA / "number_only_line.srt").cues] == ["倒计时\n3", "2", "倒计时\n1"]


def test_text_after_blank_line_is_kept_with_a_notice() -> None:
    track = load(DATA / "blank_line_in_cue.srt")
    assert [c.text for c in track.cues] == ["第一行\n空行之后的文字", "第二句"]
    assert track.notices[0].line == 5 and "blank line" in track.notices[0].message
    vtt = load(DATA / "vtt_blank_line_in_cue.vtt")
    assert vtt.cues[0].text == "Hello\nworld" and vtt.notices


def test_empty_cue_is_kept_and_glued_cues_are_split() -> None:
    track = load(DATA / "empty_cue.srt")
    assert [c.text for c in track.cues] == ["", "有字的一句"]
    assert loads(dumps(track)).cues[0].text == ""
    glued = load(DATA / "glued_cues.srt")
    assert [c.text for c in glued.cues] == ["少了空行", "第二句"] and glued.cues[1].line == 4
    assert glued.notices


def test_markup_and_trailing_spaces_are_kept_exactly() -> None:
    track = load(DATA / "markup.srt")
    assert track.cues[0].text == "<i>斜体</i> <b>粗体</b> <u>下划线</u>"
    assert track.cues[1].text == '<font color="#ffff00">黄色</font> &amp; 更多'
    assert track.cues[2].text == "{\\an8}（顾氏集团 总裁办公室）"
    assert track.cues[2].position == "X1:100 X2:600 Y1:20 Y2:80"
    assert track.cues[3].text == "  前后有空格  "
    assert dumps(track) == (DATA / "markup.srt").read_text("utf-8")


@pytest.mark.parametrize("name, line, message", [
    ("not_subtitles.srt", 1, "where a cue number or timing line was expected"),
    ("binary.srt", None, "not a text file"),
    ("broken_timestamp.srt", 6, "bad timing line '00:00:0x,000"),
    ("negative_timestamp.srt", 2, "negative timestamp"),
    ("two_digit_ms.srt", 2, "2 fraction digits"),
    ("empty.srt", 1, "empty file"),
    ("bad_signature.vtt", 1, "bad WebVTT signature"),
    ("vtt_bad_timing.vtt", 6, "bad cue timing line '00:00:60.000"),
])
def test_bad_input_names_file_line_and_problem(name: str, line: int | None, message: str) -> None:
    with pytest.raises(SubtitleParseError) as info:
        load(DATA / name)
    error = info.value
    assert error.path == str(DATA / name)
    assert message in str(error)
    if line is not None:
        assert error.line == line
    assert "\n" not in str(error)


def test_clean_srt_round_trip_is_byte_identical(tmp_path: Path) -> None:
    source = DATA / "clean.srt"
    out = save(load(source), tmp_path / "clean.srt")
    assert out.read_bytes() == source.read_bytes()


def test_full_webvtt_round_trip_keeps_everything(tmp_path: Path) -> None:
    track = load(DATA / "full.vtt")
    assert track.header == "- 闪婚总裁的替身新娘 第1集"
    assert track.metadata == ("X-TIMESTAMP-MAP=LOCAL:00:00:00.000,MPEGTS:900000", "Language: zh-Hans")
    assert track.language == "zh-Hans"
    assert [c.ident for c in track.cues] == ["e01-001", "e01-002", "", "e01 last"]
    assert track.cues[0].settings == "line:65%,end position:50%,center size:72% align:center"
    assert track.cues[2].text == "<c.yellow>黄色</c> &amp; <b>粗</b> <i>斜</i> <u>下</u>\n<ruby>总裁<rt>zǒngcái</rt></ruby>"
    assert [(b.kind, b.before_cue) for b in track.blocks] == [
        ("NOTE", 0), ("STYLE", 0), ("REGION", 0), ("NOTE", 0), ("NOTE", 2), ("NOTE", 4)]
    assert track.blocks[3].text == "A comment\nof two lines"
    again = load(save(track, tmp_path / "full.vtt"))
    assert again.cues == tuple(c for c in again.cues) and [
        (c.start, c.end, c.text, c.ident, c.settings) for c in again.cues] == [
        (c.start, c.end, c.text, c.ident, c.settings) for c in track.cues]
    assert (again.header, again.metadata) == (track.header, track.metadata)
    for kind in ("NOTE", "STYLE", "REGION"):
        assert [(b.text, b.before_cue) for b in again.blocks if b.kind == kind] == [
            (b.text, b.before_cue) for b in track.blocks if b.kind == kind]


def test_writes_are_atomic_and_sources_protected(tmp_path: Path) -> None:
    source = tmp_path / "ep01.srt"
    source.write_bytes((DATA / "clean.srt").read_bytes())
    track = load(source)
    with pytest.raises(SubtitleWriteError, match="refusing to overwrite the source"):
        save(track, source)
    save(track.shifted(100), source, overwrite_source=True)
    assert load(source).cues[0].start == 1100
    assert [p.name for p in tmp_path.iterdir()] == ["ep01.srt"]  # no temp file left behind


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.srt"
    target.write_text("old", "utf-8")
    bad = Track(cues=(Cue(0, 1000, "a\n\nb"),))
    with pytest.raises(SubtitleWriteError, match="empty line"):
        save(bad, target)
    assert target.read_text("utf-8") == "old"


def test_unwritable_text_is_refused_not_mangled() -> None:
    with pytest.raises(SubtitleWriteError, match="reads as a timing line"):
        dumps(Track(cues=(Cue(0, 1000, "00:00:01,000 --> 00:00:02,000"),)))
    vtt = dumps(Track(cues=(Cue(0, 1000, "A --> B"),), format="vtt"))
    assert "A --&gt; B" in vtt


# --- the one-pass reader of regular files agrees with the block reader ------------------------------

_MUTATIONS = ["", "  ", "\u3000", "12", "00:00:01,000 --> 00:00:02,000", "a --> b", " x ", "\t", "\f", "0"]


def _srt_texts() -> list[tuple[str, str]]:
    from subloc.formats import normalize_newlines
    from subloc.formats.encoding import decode

    root = Path(__file__).parent.parent
    out = []
    for path in sorted([*root.glob("samples/**/*.srt"), *DATA.glob("**/*.srt")]):
        try:
            out.append((str(path), normalize_newlines(decode(path.read_bytes(), str(path))[0])))
        except SubtitleParseError:
            continue  # files the decoder refuses are the encoding tests' business
    return out


def test_regular_reader_gives_the_block_readers_cues_on_real_and_damaged_files() -> None:
    """Every sample and test file, and 30 damaged copies of each (a line deleted, a blank, a number, a
    timing line or an arrow inserted, a timing line broken, spaces added): whenever the one-pass reader
    takes a file, its cues are exactly the block reader's, and the block reader had nothing to repair."""
    import random

    from subloc.formats import srt

    rng = random.Random(7)
    taken = declined = 0
    for name, text in _srt_texts():
        variants = [text]
        lines = text.split("\n")
        for _ in range(30):
            changed, i = list(lines), rng.randrange(len(lines))
            op = rng.randrange(5)
            if op == 0:
                del changed[i]
            elif op == 1:
                changed.insert(i, rng.choice(_MUTATIONS))
            elif op == 2:
                changed[i] += rng.choice([" ", "  X1:1 X2:2", "0", ",5", " -->"])
            elif op == 3:
                changed[i] = rng.choice([" ", "\f", "\t"]) + changed[i]
            else:
                changed[i] = changed[i].replace(":", ";", 1)
            variants.append("\n".join(changed))
        for variant in variants:
            regular = srt._regular(variant)
            if regular is None:
                declined += 1
                continue
            taken += 1
            assert (regular, [], []) == srt._parse_blocks(variant, name), name
    assert taken > 500 and declined > 500  # both readers were exercised


def test_regular_reader_takes_exported_files_and_declines_what_needs_repair() -> None:
    from subloc.formats import srt

    regular = ("\n\n1\n00:00:01,000 --> 00:00:02,500  X1:10 X2:20  \n<i>顾总</i>  \n第二行\n\n"
               "0002\n00:00:03.000 --> 00:00:04,000\n\n\n3\n1:2:3,004 --> 00:00:05,000\nเธอ\n")
    cues = srt._regular(regular)
    assert cues is not None
    assert [(c.start, c.end, c.text, c.ident, c.position, c.line) for c in cues] == [
        (1000, 2500, "<i>顾总</i>  \n第二行", "1", "X1:10 X2:20", 3),
        (3000, 4000, "", "0002", "", 8),
        (3_723_004, 5000, "เธอ", "3", "", 12)]
    for damaged in ("1\n00:00:01,000 --> 00:00:02,000\na\n2\n00:00:03,000 --> 00:00:04,000\nb\n",  # glued
                    "1\n00:00:01,000 --> 00:00:02,000\na\n\nb\n",  # a blank line inside the cue
                    "1\n00:00:01,00 --> 00:00:02,000\na\n",  # two fraction digits
                    "1\n00:00:01,000 --> 00:00:02,000\nx --> y\n",  # an arrow in the text
                    "00:00:01,000 --> 00:00:02,000\na\n"):  # no number
        assert srt._regular(damaged) is None, damaged


def test_a_files_extension_is_read_as_pathlib_reads_it() -> None:
    """formats._suffix (no Path made for each file read) is ``Path(name).suffix.lower()``."""
    from pathlib import Path

    from subloc.formats import _suffix

    for name in ["a.srt", "A.SRT", "a.", ".srt", "dir.x/ep", "x/.hidden.vtt", "a..srt", "a.b.", "", "ep01.th.srt",
                 "a/b.c/d", "x.tar.gz", "a/..", "a/.", "/abs/ep 01.zh-Hans.VTT", "a.s rt", "ep01.th.srt/"]:
        assert _suffix(name) == Path(name).suffix.lower(), name


def test_a_cue_made_directly_is_the_dataclasss_cue() -> None:
    """Cue.of (the reader's way, slots set directly) takes every field in order and makes the cue
    ``Cue(...)`` makes: equal, hashed alike, still frozen."""
    import dataclasses
    import inspect

    from subloc.model import Cue

    names = [field.name for field in dataclasses.fields(Cue)]
    assert list(inspect.signature(Cue.of).parameters) == names  # a new field must reach Cue.of too
    for values in [(0, 1, "", "", "", "", 0), (1500, 3200, "Xin chào\nanh", "7", "line:10%", "X1:1 X2:2", 42)]:
        made, direct = Cue(*values), Cue.of(*values)
        assert made == direct and hash(made) == hash(direct) and repr(made) == repr(direct)
        with pytest.raises(dataclasses.FrozenInstanceError):
            direct.start = 5  # type: ignore[misc]
