"""One subloc.toml, one answer: check, fix, translate, pack and preview apply the same limits, rule
selection, severities and glossary (issue 10); the project is resolved once; caches follow edits."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from subloc import load, loads
from subloc.check import CheckOptions, check_paths, check_tracks
from subloc.cli import cli
from subloc.fix import FIXES, clean_text, fix_file
from subloc.formats import atomic_write
from subloc.packs import PackOptions, build_pack
from subloc.preview import render_preview
from subloc.profiles import get_profile
from subloc.project import Projects, find_project
from subloc.qa import all_rules, check_track
from subloc.visible import plural

SOURCE = """1
00:00:01,000 --> 00:00:03,200
顾总，您的咖啡。

2
00:00:03,400 --> 00:00:06,000
苏晚，你今天又迟到了。

3
00:00:06,100 --> 00:00:06,900
对不起，路上堵车，我下次一定早点出门！

4
00:00:07,000 --> 00:00:10,000
少奶奶，老夫人请您过去一趟。
"""

# What a Thai subtitler would write; cue 3 is far too fast for its 0.8 s, and cue 1 leaves out the
# glossary's rendering of 顾总 (ประธานกู้).
THAI = """1
00:00:01,000 --> 00:00:03,200
คุณกู้คะ กาแฟของคุณค่ะ

2
00:00:03,400 --> 00:00:06,000
ซูหว่าน วันนี้เธอมาสายอีกแล้วนะ

3
00:00:06,100 --> 00:00:06,900
ขอโทษค่ะ รถติดมาก
ครั้งหน้าจะรีบออกจากบ้านค่ะ

4
00:00:07,000 --> 00:00:10,000
คุณนายน้อยคะ
คุณนายใหญ่เชิญไปพบค่ะ
"""

TOML = """# drama/subloc.toml: a house style stricter than the defaults
ignore = ["L109"]
glossary = "terms"

[severity]
T107 = "warning"

[limits]
cpl_hard = 12
cpl_soft = 10
"""

TERMS = "source\ttarget\tnote\tflags\n顾总\tประธานกู้\tCEO Gu\t\n少奶奶\tคุณนายน้อย\t\t\n"


@pytest.fixture()
def drama(tmp_path: Path) -> Path:
    series = tmp_path / "drama"
    (series / "out").mkdir(parents=True)
    (series / "terms").mkdir()
    (series / "subloc.toml").write_text(TOML, "utf-8")
    (series / "terms" / "th.tsv").write_text(TERMS, "utf-8")
    (series / "ep01.zh-Hans.srt").write_text(SOURCE, "utf-8")
    (series / "out" / "ep01.th.srt").write_text(THAI, "utf-8")
    return series


def _check(series: Path, target: Path | None = None):  # type: ignore[no-untyped-def]
    [result] = check_paths([target or series / "out" / "ep01.th.srt"],
                           CheckOptions(source=str(series / "ep01.zh-Hans.srt")), jobs=1)
    assert result.error is None
    return result


def test_project_applies_limits_selection_severity_and_glossary(drama: Path) -> None:
    project = find_project(drama / "out" / "ep01.th.srt")
    assert project.config_file == drama / "subloc.toml" and project.series_dir is None
    profile = project.profile("th")
    assert (profile.cpl_soft, profile.cpl_hard) == (10, 12)
    assert "L109" not in {r.code for r in project.rules("x.srt")}
    glossary = project.glossary("th")
    assert glossary is not None and {e.source for e in glossary} == {"顾总", "少奶奶"}
    result = _check(drama)
    codes = {(f.code, f.severity) for f in result.findings}
    assert ("L101", "error") in codes  # 12 characters a line: the project's limit, not Thai's default 25
    assert ("T107", "warning") in codes and ("T107", "error") not in codes  # the project's severity
    assert ("G101", "error") in codes  # the project's glossary setting
    default = check_track(load(drama / "out" / "ep01.th.srt"), get_profile("th"))
    assert not any(f.code == "L101" and f.severity == "error" for f in default)


def test_check_cli_reports_the_project(drama: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(drama / "out"), "--source", str(drama), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    findings = report["findings"]
    assert {"L101", "G101"} <= {f["code"] for f in findings}
    assert all(f["severity"] == "warning" for f in findings if f["code"] == "T107")


def test_pack_refuses_and_summarizes_as_check_does(drama: Path, tmp_path: Path) -> None:
    expected = _check(drama)
    options = PackOptions(languages=("th",), output_dir=tmp_path / "dist", translations=(drama / "out",))
    [refused] = build_pack(drama, options)
    assert refused.path is None and f"{plural(expected.errors, 'QA error')}" in refused.refused[0]
    assert refused.qa["by_code"]["L101"] == sum(1 for f in expected.findings if f.code == "L101")
    [packed] = build_pack(drama, PackOptions(languages=("th",), output_dir=tmp_path / "dist",
                                             translations=(drama / "out",), allow_errors=True))
    assert packed.qa["errors"] == expected.errors > 0
    assert packed.qa["warnings"] == expected.warnings
    by_code: dict[str, int] = {}
    for f in expected.findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    assert packed.qa["by_code"] == dict(sorted(by_code.items()))
    import zipfile
    manifest = json.loads(zipfile.ZipFile(packed.path).read("drama.th/manifest.json"))
    assert manifest["qa"]["errors"] == expected.errors
    assert [f["name"] for f in manifest["glossary"]["files"]] == ["th.tsv"]  # the configured glossary


def test_preview_shows_the_project(drama: Path) -> None:
    expected = _check(drama)
    page = render_preview(drama / "out" / "ep01.th.srt", source=drama / "ep01.zh-Hans.srt")
    assert "limits 10/12 chars per line" in page
    assert f"{expected.errors} errors, {expected.warnings} warnings" in page
    assert "<b>G101</b>" in page and "<b>L109</b>" not in page


def test_translate_qa_summary_is_what_check_finds(drama: Path) -> None:
    result = CliRunner().invoke(cli, ["translate", str(drama / "ep01.zh-Hans.srt"), "--to", "th", "--backend",
                                      "pseudo", "-o", str(drama / "pseudo"), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    [language] = report["languages"]
    written = drama / "pseudo" / "ep01.th.srt"
    expected = _check(drama, written)
    # Checked to the project's limits (10 soft, 12 hard) and with the project's glossary setting (G101:
    # the pseudo text lacks ประธานกู้).
    assert any("over 10" in f.message for f in expected.findings if f.code == "L101")
    assert any(f.code == "G101" for f in expected.findings)
    assert (language["qa_errors"], language["qa_warnings"]) == (expected.errors, expected.warnings)
    assert not any(f.code == "L109" for f in expected.findings)


def test_fix_works_to_the_project_and_agrees_with_check(drama: Path) -> None:
    path = drama / "out" / "ep01.th.srt"
    fixed = fix_file(str(path))
    project = find_project(path)
    assert fixed.result.changed
    # What fix reports as left to do by hand is exactly what check still calls an error among the rules
    # fix repairs, under the same limits and severities.
    [after] = check_tracks([fixed.result.track], project, CheckOptions(language="th"))
    left = {f.code for f in after.findings if f.severity == "error" and f.code in FIXES}
    assert {c.code for c in fixed.result.unfixed} == left
    assert "T107" not in left  # too fast, but the project makes that a warning
    assert any(f.code == "T107" and f.severity == "warning" for f in after.findings)
    # Lines were broken to the project's 12 characters, which Thai's default 25 would have left alone.
    assert any(c.code == "L101" and c.fixed for c in fixed.result.changes)


def test_fix_removes_the_tab_check_flags() -> None:
    profile = get_profile("zh-Hans")
    text = "你今天\t又迟到了"
    track = loads(f"1\n00:00:01,000 --> 00:00:03,000\n{text}\n", "ep01.zh-Hans.srt")
    assert any(f.code == "L105" for f in check_track(track, profile))
    cleaned = clean_text(text, profile)
    assert "\t" not in cleaned
    track = loads(f"1\n00:00:01,000 --> 00:00:03,000\n{cleaned}\n", "ep01.zh-Hans.srt")
    assert not any(f.code == "L105" for f in check_track(track, profile))


def test_rules_declare_fixability_hints_and_options() -> None:
    rules = all_rules()
    assert set(FIXES) == {code for code, rule in rules.items() if rule.fixable}
    assert rules["T107"].fixable and rules["T107"].manual_hint == "shorten the text"
    assert rules["L101"].options == ("cpl_soft", "cpl_hard")
    profile_fields = set(get_profile("th").describe())
    assert all(set(rule.options) <= profile_fields for rule in rules.values())


def test_a_config_error_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "subloc.toml").write_text('[limits]\ncpl_hard = "twelve"\n', "utf-8")
    for n in (1, 2, 3):
        (tmp_path / f"ep0{n}.th.srt").write_text(THAI, "utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.count("cpl_hard") == 1 and "subloc.toml:2" in result.output


def test_projects_resolve_each_folder_once(drama: Path) -> None:
    projects = Projects()
    first = projects.for_path(drama / "out" / "ep01.th.srt")
    assert projects.for_path(drama / "out" / "ep01.th.srt") is first
    assert projects.for_path(drama / "out", is_folder=True).config == first.config


def test_an_edited_glossary_or_config_is_read_again_in_the_same_process(drama: Path) -> None:
    project = find_project(drama / "out" / "ep01.th.srt")
    assert {e.source for e in project.glossary("th")} == {"顾总", "少奶奶"}
    terms = drama / "terms" / "th.tsv"
    terms.write_text(TERMS + "老夫人\tคุณนายใหญ่\tthe matriarch\t\n", "utf-8")
    os.utime(terms, ns=(terms.stat().st_atime_ns, terms.stat().st_mtime_ns + 1_000_000))
    assert {e.source for e in project.glossary("th")} == {"顾总", "少奶奶", "老夫人"}
    toml = drama / "subloc.toml"
    toml.write_text(TOML.replace("cpl_hard = 12", "cpl_hard = 14"), "utf-8")
    assert find_project(drama / "out" / "ep01.th.srt").profile("th").cpl_hard == 14


def test_atomic_write_leaves_the_umask_alone_and_syncs_the_folder(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.umask(0o027)
    try:
        synced: list[bool] = []
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
            real_fsync(fd)

        def no_umask(mask: int) -> int:
            raise AssertionError("atomic_write must not flip the process umask")

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "umask", no_umask)
        target = tmp_path / "ep01.th.srt"
        atomic_write(target, THAI.encode("utf-8"))
        assert target.read_text("utf-8") == THAI
        assert stat.S_IMODE(target.stat().st_mode) == 0o640  # 0o666 under the umask 027
        assert synced == [False, True]  # the data, then the folder after the rename
        os.chmod(target, 0o600)
        atomic_write(target, b"1\n00:00:01,000 --> 00:00:02,000\nok\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600  # a replaced file keeps its mode
        assert not [p for p in tmp_path.iterdir() if re.match(r"\..*\.tmp$", p.name)]
    finally:
        monkeypatch.undo()
        os.umask(old)


def test_translate_tracks_takes_tracks_and_the_project(drama: Path) -> None:
    from subloc.translate import translate_options, translate_tracks

    project = find_project(drama / "ep01.zh-Hans.srt")
    options = translate_options(project, ["th"], backend="pseudo", output_dir=drama / "lib")
    assert options.glossary == str(drama / "terms")  # the project's glossary setting, no flag given
    report = translate_tracks([load(drama / "ep01.zh-Hans.srt")], project, options)
    [language] = report.languages
    expected = _check(drama, drama / "lib" / "ep01.th.srt")
    assert (language.qa_errors, language.qa_warnings) == (expected.errors, expected.warnings)
    assert language.qa_errors >= 1 and any(f.code == "G101" for f in expected.findings)


def test_rule_and_rules_show_what_the_rule_declares() -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["rule", "L101"])
    assert shown.exit_code == 0
    assert "Fixable: `subloc fix` repairs it" in shown.output and "(shorten the text)" in shown.output
    assert "cpl_soft = 25, cpl_hard = 29" in shown.output  # the example language's vertical defaults
    assert "Fixable" not in runner.invoke(cli, ["rule", "X101"]).output
    listed = {r["code"]: r for r in json.loads(runner.invoke(cli, ["rules", "--json"]).output)}
    assert listed["T107"]["options"] == ["cps_warn", "cps_error"] and listed["T107"]["fixable"] is True
    assert listed["X101"]["fixable"] is False and listed["X101"]["options"] == []


def test_one_walk_per_folder_for_a_run(drama: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subloc.project as project_module

    walks: list[Path] = []
    real = project_module.locate

    def counting(path, is_folder=None):  # type: ignore[no-untyped-def]
        walks.append(Path(path))
        return real(path, is_folder)

    monkeypatch.setattr(project_module, "locate", counting)
    for n in (2, 3):
        (drama / "out" / f"ep0{n}.th.srt").write_text(THAI, "utf-8")
    results = check_paths(sorted((drama / "out").glob("*.srt")), CheckOptions(source=str(drama)), jobs=1)
    assert len(results) == 3 and all(r.error is None for r in results)
    assert sorted({w.parent if w.suffix else w for w in walks}) == [drama, drama / "out"]
    assert len(walks) == 2  # the translations' folder once, the source's folder once


def test_exclude_patterns_match_as_fnmatch_does(tmp_path: Path) -> None:
    """Config.excludes compares plain names as strings and compiles globs once; both as fnmatch reads them:
    a pattern matches a name below the walked folder, the path below the configuration's folder, or a
    folder above the file."""
    import fnmatch

    from subloc.config import Config

    patterns = ("build", "th/old", "*.bak", "draft?", "[0-9]*", "a/*/c", "dist/")
    config = Config(root=str(tmp_path), exclude=patterns)
    rels = ["build/ep01.srt", "x/build/ep01.srt", "building/ep01.srt", "th/old/ep01.srt", "th/older/ep01.srt",
            "x.bak/ep01.srt", "drafts/ep01.srt", "draft1/ep01.srt", "9/ep01.srt", "a/b/c/ep01.srt", "a/b/d/ep01.srt",
            "dist/ep01.srt", "ep01.bak", "th/ep01.srt"]
    for rel in rels:
        path = tmp_path / rel
        parts = Path(rel).parts
        want = any(any(fnmatch.fnmatch(part, p) for part in parts) or fnmatch.fnmatch(rel, p)
                   or fnmatch.fnmatch(rel, p.rstrip("/") + "/*") for p in patterns)
        assert config.excludes(path, tmp_path) == want, rel
    assert config.excludes(tmp_path / "build/ep01.srt", tmp_path) and not config.excludes(tmp_path / "th/ep01.srt", tmp_path)


def test_a_pyproject_without_a_subloc_table_is_not_parsed_and_one_with_it_is_found(tmp_path: Path) -> None:
    """The [tool.subloc] table is found however TOML writes it; a pyproject.toml that only names subloc
    elsewhere (a dependency, a script) has none, and a broken one of those is not even read as TOML."""
    from subloc.locate import _has_subloc_table

    cases = {
        '[project]\nname = "x"\ndependencies = ["subloc>=0.2"]\n[tool.ruff]\nline-length = 100\n= broken': False,
        '[tool.subloc]\nscreen = "vertical"\n': True,
        '[tool.subloc.limits]\ncpl_hard = 20\n': True,
        '[ tool . "subloc" ]\nscreen = "vertical"\n': True,
        '[tool]\nsubloc.screen = "vertical"\n': True,
        'tool.subloc.screen = "vertical"\n': True,
        'tool = {subloc = {screen = "vertical"}}\n': True,
        '[[tool.subloc.layers]]\nname = "series"\n': True,
        '[tool]\nother = 1\n# subloc later, maybe\n': False,
        '# [tool.subloc] is documented elsewhere\n[project]\nname = "subloc-user"\n': False,
    }
    for text, want in cases.items():
        path = tmp_path / "pyproject.toml"
        path.write_text(text, "utf-8")
        assert _has_subloc_table(path) is want, text
    # a byte order mark before the table is looked past (and reported by the TOML reader, as before)
    path.write_text("\ufeff[tool.subloc]\nscreen = 'vertical'\n", "utf-8")
    from subloc.errors import ConfigError
    try:
        found = _has_subloc_table(path)
    except ConfigError:
        found = True
    assert found
