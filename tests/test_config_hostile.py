"""Hostile configuration and glossary text: every bad value is a one-line error with file:line and exit 2
(never an internal error, exit 3); glossary text is printed so it can neither inject rich markup nor
drive the terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from subloc.cli import cli

from .conftest import SAMPLES

SERIES = SAMPLES / "stand-in-bride"
EPISODE = "1\n00:00:01,000 --> 00:00:03,000\n顾总，您的咖啡。\n\n2\n00:00:03,500 --> 00:00:06,000\n放那儿吧。\n"
DEEP_ARRAY = "select = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "ep01.zh-Hans.srt").write_text(EPISODE, "utf-8")
    return tmp_path


def _no_internal_error(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1  # one line


@pytest.mark.parametrize("text, line, message", [
    ("[limits]\ncps_error = nan\n", 3, "limit cps_error must be between 1 and 1000, not nan"),
    ("[limits]\ncpl_hard = inf\n", 3, "limit cpl_hard must be between 1 and 1000, not inf"),
    ("[limits]\nmax_lines = 0\n", 3, "limit max_lines must be between 1 and 10, not 0"),
    ("[limits]\nmax_duration_ms = 99999999999999999\n", 3, "limit max_duration_ms must be between"),
    ("[limits.th]\nitalics = \"no\"\n", 3, "limit italics must be true or false, not 'no'"),
    ("[limits.thai]\ncpl_hard = 20\n", 2, "[limits.thai] must be a language tag"),
    ("strict = \"yes\"\n", 2, "strict must be true or false, not 'yes'"),
    ("fps = 1e9\n", 2, "out of range"),
    ("fps = nan\n", 2, "bad frame rate 'nan'"),
    ("fps = [30]\n", 2, "bad frame rate"),
    ("language = \"Thai language\"\n", 2, "language must be a language tag such as \"th\""),
    ("language = 66\n", 2, "language must be a language tag such as \"th\" or \"zh-Hans\", not 66"),
    ("screen = [\"vertical\"]\n", 2, "screen must be one of vertical, landscape, not an array"),
    ("[severity]\nT107 = [\"error\"]\n", 3, "severity of T107 must be \"error\" or \"warning\", not an array"),
    ("glossary = 5\n", 2, "glossary must be a path"),
    ("[translate]\ntimeout = nan\n", 3, "translate.timeout must be a number of at least 0, not nan"),
    ("[translate]\nretries = -3\n", 3, "translate.retries must be a number of at least 0"),
    ("[translate]\nbackend = true\n", 3, "translate.backend must be a string, not true"),
    ("[translate]\noptions = { region = { a = { b = 1 } } }\n", 3, "translate.options maps names to plain values"),
    (DEEP_ARRAY, 2, "nested more than 32 deep"),
    ("a = " + "{ b = " * 40 + "1" + " }" * 40 + "\n", 2, "nested more than 32 deep"),
])
def test_bad_subloc_toml_is_exit_2_with_file_and_line(runner, project: Path, text: str, line: int,
                                                      message: str) -> None:
    (project / "subloc.toml").write_text("# project settings\n" + text, "utf-8")
    result = runner.invoke(cli, ["check", str(project)])
    _no_internal_error(result)
    assert f"subloc.toml:{line}: " in result.stderr and message in result.stderr, result.stderr


def test_a_config_that_is_not_utf8(runner, project: Path) -> None:
    (project / "subloc.toml").write_bytes('# réglages du projet\nscreen = "vertical"\n'.encode("latin-1"))
    result = runner.invoke(cli, ["check", str(project)])
    _no_internal_error(result)
    assert "subloc.toml:1: byte b'\\xe9' is not valid UTF-8" in result.stderr


def test_valid_limits_still_load(runner, project: Path) -> None:
    (project / "subloc.toml").write_text("[limits.zh-Hans]\ncps_error = 50\ncps_warn = 45\nitalics = false\n"
                                         "[translate]\ntimeout = 2.5\nretries = 0\n", "utf-8")
    assert runner.invoke(cli, ["check", str(project)]).exit_code in (0, 1)


def _series(tmp_path: Path, toml: str | bytes) -> Path:
    series = tmp_path / "series"
    series.mkdir()
    target = series / "series.toml"
    target.write_bytes(toml if isinstance(toml, bytes) else toml.encode("utf-8"))
    shutil.copy(SERIES / "srt" / "ep01.zh-Hans.srt", series / "ep01.zh-Hans.srt")
    return series


GOOD_CHARACTER = '[[characters]]\nkey = "gu"\nname = "顾廷深"\nrole = "hero"\n[characters.names]\nth = "กู้ถิงเซิน"\n'


@pytest.mark.parametrize("toml, line, message", [
    ('series = "闪婚总裁"\n', 1, "series must be a table ([series]), not '闪婚总裁'"),
    ('characters = "顾廷深"\n', 1, "characters must be an array of tables"),
    ("characters = [1, 2]\n", 1, "each of characters must be a table"),
    ('[series]\ntitle = ["The CEO"]\n', 2, "series.title must be a string, not an array"),
    ('[series]\nfps = "fast"\n', 2, "series.fps: bad frame rate 'fast'"),
    ("[series]\nfps = 1e12\n", 2, "series.fps: frame rate '1000000000000.0' is out of range"),
    ("[series]\nfps = true\n", 2, "series.fps: bad frame rate: true"),
    ('[series]\nsource_lang = "chinese"\n', 2, "series.source_lang must be a language tag"),
    ("[series]\nepisodes = -4\n", 2, "series.episodes must be a whole number of episodes, not -4"),
    ('[[characters]]\nkey = "gu"\nname = 5\n', 2, "characters.name must be a string, not 5"),
    ('[[characters]]\nkey = "gu"\nname = "顾廷深"\n[characters.names]\nthai = "กู้"\n', 2,
     "characters.names.thai must be a language tag"),
    ('[[characters]]\nkey = "gu"\nname = "顾廷深"\naddresses = "顾总"\n', 2, "characters.addresses must be an array"),
    ('[[characters]]\nkey = "gu"\nname = "顾廷深"\n[[characters.addresses]]\nto = "su"\nzh = ["老公"]\n', 2,
     "an address needs 'to' and 'zh'"),
    ("[series]\nnotes = " + "[" * 3000 + "]" * 3000 + "\n", 2, "nested more than 32 deep"),
])
def test_bad_series_toml_is_exit_2_with_file_and_line(runner, tmp_path: Path, toml: str, line: int,
                                                      message: str) -> None:
    series = _series(tmp_path, GOOD_CHARACTER + toml if toml.startswith("[series]") else toml)
    offset = GOOD_CHARACTER.count("\n") if toml.startswith("[series]") else 0
    result = runner.invoke(cli, ["glossary", "show", "--lang", "th", "--series", str(series), "顾"])
    _no_internal_error(result)
    assert f"series.toml:{line + offset}: " in result.stderr and message in result.stderr, result.stderr


def test_series_toml_that_is_not_utf8(runner, tmp_path: Path) -> None:
    series = _series(tmp_path, '[series]\ntitle = "闪婚总裁的替身新娘"\n'.encode("gb18030"))
    result = runner.invoke(cli, ["glossary", "show", "--lang", "th", "--series", str(series), "顾"])
    _no_internal_error(result)
    assert "series.toml:2: byte" in result.stderr and "is not valid UTF-8" in result.stderr


HOSTILE = ("source\ttarget\tnote\tflags\n"
           "顾总\t[/b]ประธาน[bold red]กู้\tเรียก\x1b[2Jต่อหน้าพนักงาน\t\n"
           "[/i]顾\tกู้[/]\t\x1b]0;pwned\x07\t\n")


@pytest.mark.parametrize("terminal", [True, False])
def test_glossary_text_with_markup_and_escapes_is_shown_as_text(runner, tmp_path: Path, monkeypatch,
                                                                 terminal: bool) -> None:
    import subloc.cli._output as output

    monkeypatch.setattr(output, "is_terminal", lambda stream=None: terminal)
    (tmp_path / "[red]vendor[").mkdir()
    glossary = tmp_path / "[red]vendor[" / "b]th.tsv"  # the path reads [red]vendor[/b]th.tsv
    glossary.write_text(HOSTILE, "utf-8")
    result = runner.invoke(cli, ["glossary", "show", "--lang", "th", "--glossary", str(glossary), "顾"],
                           env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    shown = result.stdout
    assert "[/b]ประธาน[bold red]กู้" in shown and "กู้[/]" in shown and "[/i]顾" in shown
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[2J" in shown and "\\x1b]0;pwned\\x07" in shown
    if not terminal:  # (on a terminal the table wraps the long path; exit 0 shows rich took it as text)
        assert f"{glossary}:2" in shown


def test_glossary_check_shows_control_characters_escaped(runner, tmp_path: Path) -> None:
    glossary = tmp_path / "th.tsv"
    glossary.write_text(HOSTILE, "utf-8")
    result = runner.invoke(cli, ["glossary", "check", str(glossary)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert f"{glossary}:2: warning: control character in" in result.output and "\\x1b[2J" in result.output
