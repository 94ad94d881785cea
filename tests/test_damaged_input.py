"""Real-world damage: whitespace lines, UTF-32, hostile timing lines, legacy code pages, damaged blocks.

Each input is built here the way the files arrive from vendors, fansub groups and streaming exports.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from subloc import SubtitleParseError, dumps, load, loads
from subloc.convert import convert
from subloc.formats import DamagedFileError

# A Thai episode whose 2nd cue lost the milliseconds of its end time (a truncated vendor export).
THAI_TRUNCATED = (
    "1\n00:00:15,200 --> 00:00:17,400\nคุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ\n\n"
    "2\n00:00:17,600 --> 00:00:18,\nบอกเขาว่าฉันไม่ลงไป\n\n"
    "3\n00:00:19,000 --> 00:00:21,300\nแต่งงานครั้งนี้ ฉันไม่ยอมหรอก\n"
)
# A Netflix-style WebVTT: a line holding only spaces between two NOTE blocks.
NETFLIX_VTT = (
    "WEBVTT\n\nNOTE Netflix Timed Text export\n   \nNOTE Language: id-ID\n\n"
    "1\n00:00:01.000 --> 00:00:03.200 line:85%\nKamu berani mengancamku?\n\n"
    "2\n00:00:03.400 --> 00:00:05.000 line:85%\nAku sudah tanda tangan surat cerai.\n"
)
# A fansub WebVTT whose third block has a bare arrow as its timing line.
BARE_ARROW_VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nAnh ơi, đợi em với!\n\n"
    "00:00:02.700 --> 00:00:04.000\nEm về đi.\n\n-->\nKhông, em không về đâu.\n\n"
    "00:00:06.000 --> 00:00:08.000\nVậy thì đi cùng anh.\n"
)
# A sloppy hand-typed SRT: no milliseconds on the start, two digits on the end.
SLOPPY_SRT = (
    "1\n00:01:35,000 --> 00:01:38,500\nSaya tak sangka awak datang.\n\n"
    "2\n00:01:39 --> 00:01:41,04\nKenapa? Terkejut?\n\n"
    "3\n00:01:42,000 --> 00:01:44,000\nBoleh kita cakap sekejap?\n"
)


# --- whitespace, UTF-32 ---------------------------------------------------------------------------

def test_whitespace_only_line_between_note_blocks_is_blank() -> None:
    track = loads(NETFLIX_VTT, "ep01.id.vtt")
    assert [b.text for b in track.blocks] == ["Netflix Timed Text export", "Language: id-ID"]
    assert [c.text for c in track.cues] == ["Kamu berani mengancamku?", "Aku sudah tanda tangan surat cerai."]
    assert [c.line for c in track.cues] == [7, 11]


def test_whitespace_only_line_inside_a_cue_keeps_the_text_with_a_notice() -> None:
    track = loads("WEBVTT\n\n00:01.000 --> 00:03.000\nDòng một\n \t\nDòng hai\n", "x.vtt")
    assert track.cues[0].text == "Dòng một\nDòng hai"
    assert track.notices and track.notices[0].line == 6
    srt = loads("1\n00:00:01,000 --> 00:00:03,000\nบรรทัดแรก\n\f \nบรรทัดสอง\n", "x.srt")
    assert srt.cues[0].text == "บรรทัดแรก\nบรรทัดสอง" and srt.notices


@pytest.mark.parametrize("codec, bom", [("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf32_with_bom(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = tmp_path / "ep01.th.srt"
    path.write_bytes(bom + THAI_TRUNCATED.replace("18,\n", "18,900\n").encode(codec))
    track = load(path)
    assert (track.encoding, track.bom) == (codec, True)
    assert track.cues[1].text == "บอกเขาว่าฉันไม่ลงไป"


# --- hostile timing lines -------------------------------------------------------------------------

def test_timing_line_followed_by_50_kb_of_spaces_reads_in_linear_time() -> None:
    # The old pattern backtracked quadratically here (50 KB took 32 s); this test would not finish.
    line = "00:00:01,000 --> 00:00:02,000 X1:10" + " " * 50_000 + "Y"
    track = loads(f"1\n{line}\nhalo\n\n2\n00:00:03,000 --> 00:00:04,000\napa kabar\n", "x.srt", salvage=True)
    assert [c.text for c in track.cues] == ["halo", "apa kabar"]
    line = "00:00:01.000 --> 00:00:02.000" + " \t" * 25_000 + "align:start"
    assert loads(f"WEBVTT\n\n{line}\nhalo\n", "x.vtt").cues[0].settings == "align:start"


@pytest.mark.parametrize("timing, message", [
    ("00:00:01,000 --> 00:00:02,000 --> 00:00:03,000", "more than one '-->'"),
    ("1" * 5000 + ":00:01,000 --> 00:00:02,000", "hour field of 5000 digits"),
    ("1" * 20 + ":00:01,000 --> " + "1" * 20 + ":00:02,000", "hour field of 20 digits"),
])
def test_hostile_srt_timing_lines_are_parse_errors_with_lines(timing: str, message: str) -> None:
    text = f"1\n00:00:00,500 --> 00:00:00,900\nok\n\n2\n{timing}\nrusak\n"
    with pytest.raises(SubtitleParseError, match=message) as info:
        loads(text, "ep09.ms.srt")
    assert info.value.line == 6 and info.value.path == "ep09.ms.srt"
    salvaged = loads(text, "ep09.ms.srt", salvage=True)
    vtt, _ = convert(salvaged, "vtt")  # 20-digit hours used to crash here
    assert "00:00:00.500 --> 00:00:00.900" in dumps(vtt)


def test_hostile_vtt_hours_are_damaged_blocks_not_crashes() -> None:
    text = "WEBVTT\n\n" + "9" * 4400 + ":00:01.000 --> 00:00:02.000\nrusak\n\n00:03.000 --> 00:04.000\nbaik\n"
    with pytest.raises(SubtitleParseError, match="bad cue timing line") as info:
        loads(text, "x.vtt")
    assert info.value.line == 3
    assert [c.text for c in loads(text, "x.vtt", salvage=True).cues] == ["baik"]


# --- legacy encodings -----------------------------------------------------------------------------

def _one_cue(text: str) -> str:
    return f"1\n00:00:01,000 --> 00:00:03,000\n{text}\n"


def test_one_cue_cp874_thai_is_not_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "ep01.srt"  # no language in the name: the bytes alone decide
    path.write_bytes(_one_cue("คุณจะไปไหนคะ").encode("cp874"))
    track = load(path)
    assert (track.encoding, track.cues[0].text) == ("cp874", "คุณจะไปไหนคะ")


def test_cp1250_czech_is_not_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "ep01.srt"
    path.write_bytes(_one_cue("Děkuji, už jdu. To je ale překvapení!").encode("cp1250"))
    track = load(path)
    assert (track.encoding, track.cues[0].text) == ("cp1250", "Děkuji, už jdu. To je ale překvapení!")
    western = tmp_path / "fr.srt"
    western.write_bytes(_one_cue("À la fenêtre, très élégant, garçon.").encode("cp1252"))
    assert load(western).encoding == "cp1252"


def test_unsure_detection_says_so_and_names_the_encodings(tmp_path: Path) -> None:
    # ไม่ in cp874 is three bytes that spell a Slovak-looking 'äÁč' in cp1250: a coin toss without a language.
    (tmp_path / "a.srt").write_bytes(_one_cue("ไม่").encode("cp874"))
    with pytest.raises(SubtitleParseError, match="cannot tell the encoding") as info:
        load(tmp_path / "a.srt")
    assert info.value.line == 3 and "ไม่" in info.value.message
    assert "--encoding cp874" in (info.value.hint or "") and "--encoding cp1250" in (info.value.hint or "")
    assert load(tmp_path / "a.srt", encoding="cp874").cues[0].text == "ไม่"


def test_the_language_in_the_file_name_picks_its_code_pages(tmp_path: Path) -> None:
    data = _one_cue("ไม่").encode("cp874")  # three bytes that read as Big5 and GB18030 too
    for name in ("ep01.th.srt", "th/ep01.srt"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        assert load(path).cues[0].text == "ไม่"
    zh = tmp_path / "ep01.zh-Hant.srt"
    zh.write_bytes(_one_cue("顧總，少奶奶她……").encode("big5"))
    assert load(zh).cues[0].text == "顧總，少奶奶她……"


def test_bytes_no_code_page_reads_well_are_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "x.srt"
    path.write_bytes(_one_cue("").encode() + bytes(range(0x80, 0xA0)) * 3 + b"\n")
    with pytest.raises(SubtitleParseError, match="encoding") as info:
        load(path)
    assert "--encoding" in (info.value.hint or "")


# --- damaged blocks -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name, line, kept, lost", [
    (THAI_TRUNCATED, "ep01.th.srt", 6, ["คุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ", "แต่งงานครั้งนี้ ฉันไม่ยอมหรอก"],
     "บอกเขาว่าฉันไม่ลงไป"),
    (BARE_ARROW_VTT, "ep02.vi.vtt", 9, ["Anh ơi, đợi em với!", "Em về đi.", "Vậy thì đi cùng anh."],
     "Không, em không về đâu."),
    (SLOPPY_SRT, "ep03.ms.srt", 6, ["Saya tak sangka awak datang.", "Boleh kita cakap sekejap?"], "Kenapa? Terkejut?"),
])
def test_a_damaged_block_costs_only_itself(text: str, name: str, line: int, kept: list[str], lost: str) -> None:
    with pytest.raises(DamagedFileError) as info:
        loads(text, name)
    assert info.value.line == line and info.value.path == name
    assert [c.text for c in info.value.track.cues] == kept
    track = loads(text, name, salvage=True)
    assert [c.text for c in track.cues] == kept
    (block,) = track.damaged
    assert block.line == line and lost in block.text


def test_text_after_a_blank_line_stays_with_its_damaged_block() -> None:
    text = THAI_TRUNCATED.replace("บอกเขาว่าฉันไม่ลงไป\n", "บอกเขาว่า\n\nฉันไม่ลงไป\n")
    track = loads(text, "ep01.th.srt", salvage=True)
    assert track.cues[0].text == "คุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ"  # nothing glued onto cue 1
    assert track.damaged[0].text.endswith("บอกเขาว่า\n\nฉันไม่ลงไป")
    vtt = BARE_ARROW_VTT.replace("Không, em không về đâu.", "Không,\n\nem không về đâu.")
    track = loads(vtt, "x.vtt", salvage=True)
    assert track.cues[1].text == "Em về đi." and "em không về đâu." in track.damaged[0].text


def test_every_damaged_block_is_listed_and_a_file_of_only_damage_is_refused() -> None:
    text = SLOPPY_SRT + "\n4\n00:01:45,000 -> 00:01:46,000\nSalah anak panah.\n"
    with pytest.raises(DamagedFileError, match="and 1 more damaged block") as info:
        loads(text, "x.srt")
    assert [b.line for b in info.value.damaged] == [6, 14]
    with pytest.raises(SubtitleParseError, match="no cue of this file can be read"):
        loads("1\n00:00:01 --> 00:00:02\nhalo\n", "x.srt", salvage=True)
    with pytest.raises(SubtitleParseError, match="text 'Judul: Pengantin Pengganti'") as info:
        loads("Judul: Pengantin Pengganti\n\n1\n00:00:01,000 --> 00:00:02,000\nhalo\n", "x.srt")
    assert info.value.line == 1
