"""Batches on real-world files: salvage and E101, going on past bad files, folder layouts, no input
ever written over, symlinks written through."""

from __future__ import annotations

import json
import os
from pathlib import Path

from subloc import load
from subloc.cli import cli

from .conftest import run_cli
from .test_damaged_input import BARE_ARROW_VTT, NETFLIX_VTT, SLOPPY_SRT, THAI_TRUNCATED

GOOD_ID = ("1\n00:00:01,000 --> 00:00:03,000\nKamu berani mengancamku?\n\n"
           "2\n00:00:03,500 --> 00:00:06,000\nAku sudah tanda tangan surat cerai.\n")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# --- check: E101 ---------------------------------------------------------------------------------

def test_check_reports_a_damaged_block_as_e101_and_checks_every_other_cue(runner, tmp_path: Path) -> None:
    # Cue 3 reads too fast: it must still be checked although cue 2 cannot be read.
    text = THAI_TRUNCATED.replace("00:00:19,000 --> 00:00:21,300", "00:00:19,000 --> 00:00:19,900")
    path = _write(tmp_path / "ep01.th.srt", text)
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    e101 = [f for f in findings if f["code"] == "E101"]
    assert [(f["name"], f["severity"], f["line"], f["cue"]) for f in e101] == [("unreadable-block", "error", 6, 0)]
    assert e101[0]["message"].startswith("block after cue 1: bad timing line '00:00:17,600 --> 00:00:18,'")
    assert "00:00:18," in e101[0]["message"] and "บอกเขาว่าฉันไม่ลงไป" in e101[0]["message"]
    assert any(f["code"] in ("T104", "T107") and f["line"] == 9 and f["cue"] == 2 for f in findings)
    text_report = runner.invoke(cli, ["check", str(path)])
    assert f"{path}:6:1: E101 [error] unreadable-block: cue 0: block after cue 1:" in text_report.stdout


def test_rule_e101_is_documented_with_examples(runner) -> None:
    result = run_cli(runner, "rule", "E101")
    assert "unreadable-block" in result.output and "-> E101 [error] cue 0: block after cue 1" in result.output
    assert "E101" in run_cli(runner, "rules").output


def test_netflix_vtt_with_whitespace_line_between_notes_is_checked(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ep01.id.vtt", NETFLIX_VTT)
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1) and json.loads(result.stdout)["files"][0]["error"] is None


# --- convert and fix: refuse, or salvage --------------------------------------------------------

def test_convert_refuses_a_damaged_file_naming_each_block(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ep03.ms.srt", SLOPPY_SRT + "\n4\n00:01:45,000 -> 00:01:46,000\nSalah anak panah.\n")
    result = runner.invoke(cli, ["convert", str(path), "--to", "vtt", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0].startswith(f"error: {path}:6: bad timing line '00:01:39 --> 00:01:41,04'")
    assert "Kenapa? Terkejut?" in errors[0]
    assert errors[1].startswith(f"error: {path}:14: ") and "Salah anak panah." in errors[1]
    assert "2 damaged block(s): nothing written" in errors[2] and "--salvage" in errors[2]
    assert not (tmp_path / "out").exists()


def test_convert_and_fix_salvage_keep_every_readable_cue_and_report_each_drop(runner, tmp_path: Path) -> None:
    thai = _write(tmp_path / "in" / "ep01.th.srt", THAI_TRUNCATED)
    vtt = _write(tmp_path / "in" / "ep02.vi.vtt", BARE_ARROW_VTT)
    result = runner.invoke(cli, ["convert", str(thai), str(vtt), "--to", "vtt", "--salvage", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert f"dropped: {thai}:6: bad timing line '00:00:17,600 --> 00:00:18,'" in result.stderr
    assert f"dropped: {vtt}:9: bad cue timing line '-->'" in result.stderr and "Không, em không về đâu." in result.stderr
    assert [c.text for c in load(tmp_path / "o" / "ep01.th.vtt").cues] == [
        "คุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ", "แต่งงานครั้งนี้ ฉันไม่ยอมหรอก"]
    assert len(load(tmp_path / "o" / "ep02.vi.vtt").cues) == 3
    refused = runner.invoke(cli, ["fix", str(thai), "-o", str(tmp_path / "f")])
    assert refused.exit_code == 2 and f"error: {thai}:6: " in refused.stderr
    assert not (tmp_path / "f").exists()
    fixed = runner.invoke(cli, ["fix", str(thai), "-o", str(tmp_path / "f"), "--salvage"])
    assert fixed.exit_code == 1 and f"dropped: {thai}:6: " in fixed.stderr
    assert len(load(tmp_path / "f" / "ep01.th.srt").cues) == 2


# --- batches go on ------------------------------------------------------------------------------

def test_a_batch_goes_on_past_a_bad_file_and_exits_2(runner, tmp_path: Path) -> None:
    a = _write(tmp_path / "a.id.srt", GOOD_ID)
    bad = tmp_path / "bad.srt"
    bad.write_bytes(b"\x00\x01\x02\x03" * 200)
    b = _write(tmp_path / "b.id.srt", GOOD_ID.replace("Kamu", "Anda"))
    result = runner.invoke(cli, ["convert", str(a), str(bad), str(b), "--to", "vtt", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (tmp_path / "out" / "a.id.vtt").exists() and (tmp_path / "out" / "b.id.vtt").exists()
    assert f"error: {bad}:1: binary data" in result.stderr
    fixed = runner.invoke(cli, ["fix", str(a), str(bad), str(b), "-o", str(tmp_path / "fixed")])
    assert fixed.exit_code == 2 and f"error: {bad}:1: binary data" in fixed.stderr
    assert (tmp_path / "fixed" / "b.id.srt").exists()


def test_folders_keep_their_layout_under_out(runner, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "th" / "ep01.srt", THAI_TRUNCATED.replace("18,\n", "18,900\n"))
    _write(tmp_path / "in" / "id" / "ep01.srt", GOOD_ID)
    run_cli(runner, "fix", str(tmp_path / "in"), "-o", str(tmp_path / "fixed"))
    assert load(tmp_path / "fixed" / "th" / "ep01.srt").cues[0].text.startswith("คุณหนูคะ")
    assert load(tmp_path / "fixed" / "id" / "ep01.srt").cues[0].text == "Kamu berani mengancamku?"
    converted = run_cli(runner, "convert", str(tmp_path / "in"), "--to", "vtt", "-o", str(tmp_path / "vtt"))
    assert converted.exit_code == 0
    assert load(tmp_path / "vtt" / "th" / "ep01.vtt").cues[0].text.startswith("คุณหนูคะ")
    assert load(tmp_path / "vtt" / "id" / "ep01.vtt").cues[0].text == "Kamu berani mengancamku?"


# --- convert: markup and empty tracks ------------------------------------------------------------

def test_an8_alone_on_the_first_line_converts(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ep01.zh-Hans.srt", "1\n00:00:00,600 --> 00:00:02,800\n{\\an8}\n（苏家别墅）\n\n"
                                                  "2\n00:00:03,000 --> 00:00:05,000\n你怎么来了？\n")
    result = run_cli(runner, "convert", str(path), "--to", "vtt", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    track = load(tmp_path / "out" / "ep01.zh-Hans.vtt")
    assert track.cues[0].text == "（苏家别墅）" and track.cues[0].settings.startswith("line:12%")
    back = run_cli(runner, "convert", str(tmp_path / "out" / "ep01.zh-Hans.vtt"), "--to", "srt", "-o", str(tmp_path / "b"))
    assert back.exit_code == 0 and load(tmp_path / "b" / "ep01.zh-Hans.srt").cues[0].text == "{\\an8}（苏家别墅）"


def test_vtt_only_markup_into_srt_gets_a_note(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ep02.vtt", "WEBVTT\n\n00:01.000 --> 00:04.000\n<v 苏晚>你敢！</v>\n"
                                         "<00:02.000>我<00:02.500>不敢\n\n00:05.000 --> 00:07.000\n"
                                         "<ruby>总裁<rt>zǒngcái</rt></ruby>来了\n")
    result = run_cli(runner, "convert", str(path), "--to", "srt", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert [c.text for c in load(tmp_path / "out" / "ep02.srt").cues] == ["你敢！\n我不敢", "总裁(zǒngcái)来了"]
    assert "dropped the inline timestamps (karaoke timing) of 1 cue(s)" in result.stderr
    assert "dropped the voice tags of 1 cue(s), keeping their text (speakers: 苏晚)" in result.stderr
    assert "wrote the ruby of 1 cue(s) as base(reading)" in result.stderr


def test_a_track_without_cues_is_refused_for_srt_and_written_as_vtt_that_info_reads(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.vtt", "WEBVTT\n\nNOTE nothing here yet\n")
    refused = runner.invoke(cli, ["convert", str(path), "--to", "srt", "-o", str(tmp_path / "out")])
    assert refused.exit_code == 2 and f"error: {path}: the track has no cues" in refused.stderr
    assert not (tmp_path / "out" / "empty.srt").exists()
    run_cli(runner, "convert", str(path), "--to", "vtt", "-o", str(tmp_path / "out"))
    described = run_cli(runner, "info", str(tmp_path / "out" / "empty.vtt"), "--json")
    assert described.exit_code == 0 and json.loads(described.stdout)[0]["cues"] == 0


# --- no input is ever written over; symlinks --------------------------------------------------------

def test_no_output_may_replace_any_input(runner, tmp_path: Path) -> None:
    srt = _write(tmp_path / "ep01.srt", GOOD_ID)
    vtt = _write(tmp_path / "ep01.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhalo\n")
    before = {p: p.read_bytes() for p in (srt, vtt)}
    alias = tmp_path / "other" / "ep01.srt"  # an input that is a hard link to where ep01.vtt's output goes
    alias.parent.mkdir()
    os.link(srt, alias)
    result = runner.invoke(cli, ["convert", str(vtt), str(alias), "--to", "srt", "--in-place"])
    assert result.exit_code == 2 and f"error: {srt}: refusing to overwrite the input {alias}" in result.stderr
    assert {p: p.read_bytes() for p in (srt, vtt)} == before
    fixed = runner.invoke(cli, ["fix", str(tmp_path), "-o", str(tmp_path)])  # fixed copies onto their sources
    assert fixed.exit_code == 2 and "refusing to overwrite the source file" in fixed.stderr
    assert {p: p.read_bytes() for p in (srt, vtt)} == before
    out = tmp_path / "out"
    out.mkdir()
    (out / "ep01.vtt").symlink_to(srt)  # a link in the output folder pointing at an input
    linked = runner.invoke(cli, ["convert", str(srt), "--to", "vtt", "-o", str(out)])
    assert linked.exit_code == 2 and "refusing to overwrite" in linked.stderr and srt.read_bytes() == before[srt]


def test_in_place_on_a_symlink_writes_through_to_the_target(runner, tmp_path: Path) -> None:
    real = _write(tmp_path / "store" / "ep01.srt", GOOD_ID.replace("\n", "\r\n"))
    os.chmod(real, 0o640)
    link = tmp_path / "ep01.srt"
    link.symlink_to(real)
    run_cli(runner, "convert", str(link), "--to", "srt", "--in-place")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert b"\r\n" not in real.read_bytes() and load(real).cues[0].text == "Kamu berani mengancamku?"
    assert real.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in real.parent.iterdir()] == ["ep01.srt"]  # no temporary file left behind


def test_an_output_that_is_a_symlink_keeps_its_own_mode(runner, tmp_path: Path) -> None:
    source = _write(tmp_path / "ep01.srt", GOOD_ID)
    elsewhere = _write(tmp_path / "published" / "ep01.vtt", "WEBVTT\n")
    os.chmod(elsewhere, 0o600)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ep01.vtt").symlink_to(elsewhere)
    run_cli(runner, "convert", str(source), "--to", "vtt", "-o", str(tmp_path / "out"))
    assert (tmp_path / "out" / "ep01.vtt").is_symlink()
    assert elsewhere.stat().st_mode & 0o777 == 0o600
    assert load(elsewhere).cues[1].text == "Aku sudah tanda tangan surat cerai."


def test_translate_refuses_to_write_over_its_misnamed_source(runner, tmp_path: Path) -> None:
    # A Chinese source misnamed ep01.th.srt, translated into Thai with -o its own folder.
    source = _write(tmp_path / "ep01.th.srt", "1\n00:00:01,000 --> 00:00:03,000\n顾总，少奶奶她……\n")
    before = source.read_bytes()
    result = runner.invoke(cli, ["translate", str(source), "--from", "zh-Hans", "--to", "th", "--backend", "pseudo",
                                 "--tm", str(tmp_path / "tm.sqlite"), "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"error: {source}: refusing to overwrite the source file" in result.stderr
    assert source.read_bytes() == before


def test_reports_and_previews_never_replace_an_input(runner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ep01.id.srt", GOOD_ID)
    for command in (["check", str(path), "-o", str(path)], ["preview", str(path), "-o", str(path)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2 and "refusing to overwrite" in result.stderr, command
        assert path.read_text("utf-8") == GOOD_ID
