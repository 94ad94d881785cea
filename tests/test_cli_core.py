"""The CLI skeleton: --version, --help, info, convert, folder expansion and error handling."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from subloc import __version__, load
from subloc.cli import cli
from subloc.formats import expand_paths

from .conftest import DATA, run_cli


def test_version_and_help_with_examples_for_every_command(runner) -> None:
    import click

    assert run_cli(runner, "--version").output.strip() == f"subloc, version {__version__}"
    ctx = click.Context(cli)
    everything = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    commands = [((name,), command) for name, command in everything.items()]
    for name, command in everything.items():
        if isinstance(command, click.Group):
            commands += [((name, sub), c) for sub, c in command.commands.items()]
    assert len(commands) >= 20
    for path, command in commands:
        result = run_cli(runner, *path, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.output, f"subloc {' '.join(path)} --help has no examples"
        assert command.help and len(command.help) > 40, f"subloc {' '.join(path)} has no real help text"


def test_each_command_imports_only_its_own_module() -> None:
    """The table of lazily imported commands is what the modules register, and a command imports only
    its own module (the CLI starts faster)."""
    import importlib

    import click

    from subloc.cli import COMMANDS
    registered = {}
    for module in set(COMMANDS.values()):
        group = click.Group("x")
        importlib.import_module(f"subloc.cli.{module}").register(group)
        registered.update({name: module for name in group.commands})
    assert registered == COMMANDS
    loaded = in_a_fresh_python("from subloc.cli import main; sys.argv = ['subloc', 'rules']\n"
                               "try:\n    main()\nexcept SystemExit:\n    pass")
    assert sorted(m for m in loaded if m.startswith("subloc.cli.") and m.endswith("_commands")) == \
        ["subloc.cli.qa_commands"]


def in_a_fresh_python(code: str) -> set[str]:
    """The modules loaded after running ``code`` (with sys imported) in a new interpreter."""
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules), file=sys.stderr)"],
                         capture_output=True, text=True, check=True)
    return set(out.stderr.split())


def test_help_does_not_import_heavy_libraries() -> None:
    heavy = {"pysrt", "webvtt", "rich", "charset_normalizer", "deep_translator", "langdetect", "pythainlp", "sqlite3",
             "httpx", "requests"}
    assert heavy & in_a_fresh_python("from subloc.cli import cli") == set()


def test_info_json(runner) -> None:
    result = run_cli(runner, "info", str(DATA / "gb18030.srt"), str(DATA / "full.vtt"), "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert [(i["format"], i["encoding"], i["cues"], i["duration_ms"]) for i in items] == [
        ("srt", "gb18030", 10, 25_500), ("vtt", "utf-8", 4, 7000)]
    assert items[0]["path"].endswith("gb18030.srt")
    assert items[1]["language"] == "zh-Hans"
    assert items[0]["longest_line"]["chars"] > 0 and items[0]["max_cps"]["cps"] > 0


def test_info_plain_text_and_notices(runner) -> None:
    result = run_cli(runner, "info", str(DATA / "blank_line_in_cue.srt"))
    assert result.exit_code == 0
    assert "blank_line_in_cue.srt\tsrt\tutf-8" in result.output
    assert "blank_line_in_cue.srt:5: note: blank line inside cue 1" in result.output


def test_bad_input_is_one_line_on_stderr_and_exit_2(runner) -> None:
    result = runner.invoke(cli, ["info", str(DATA / "broken_timestamp.srt")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and "broken_timestamp.srt:6: bad timing line" in lines[0]
    assert "Traceback" not in result.output
    missing = runner.invoke(cli, ["info", "no/such/file.srt"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_convert_srt_to_vtt_and_back(runner, tmp_path: Path) -> None:
    result = run_cli(runner, "convert", str(DATA / "markup.srt"), "--to", "vtt", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    vtt = load(tmp_path / "markup.vtt")
    assert vtt.cues[2].text == "（顾氏集团 总裁办公室）"  # {\an8} became a top-of-frame setting
    assert vtt.cues[2].settings.startswith("line:12%")
    assert "dropped SRT display coordinates" in result.stderr
    back = run_cli(runner, "convert", str(tmp_path / "markup.vtt"), "--to", "srt", "-o", str(tmp_path / "srt"))
    assert back.exit_code == 0
    srt = load(tmp_path / "srt" / "markup.srt")
    assert [c.text for c in srt.cues] == [c.text for c in load(DATA / "markup.srt").cues]


def test_convert_placement_and_shift(runner, tmp_path: Path) -> None:
    result = run_cli(runner, "convert", str(DATA / "clean.srt"), "--to", "vtt", "--placement", "tiktok",
                     "--shift", "-500", "-o", str(tmp_path))
    assert result.exit_code == 0
    track = load(tmp_path / "clean.vtt")
    assert track.cues[0].start == 500
    assert track.cues[0].settings == "line:75%,end position:50%,center size:72% align:center"
    too_far = runner.invoke(cli, ["convert", str(DATA / "clean.srt"), "--to", "srt", "--shift", "-2000",
                                  "-o", str(tmp_path)])
    assert too_far.exit_code == 2 and "before zero" in too_far.stderr


def test_convert_never_overwrites_the_source_unless_in_place(runner, tmp_path: Path) -> None:
    source = tmp_path / "ep01.srt"
    shutil.copy(DATA / "crlf.srt", source)
    before = source.read_bytes()
    refused = runner.invoke(cli, ["convert", str(source), "--to", "srt"])
    assert refused.exit_code == 2 and "refusing to overwrite the source" in refused.stderr
    assert source.read_bytes() == before
    done = run_cli(runner, "convert", str(source), "--to", "srt", "--in-place")
    assert done.exit_code == 0
    assert b"\r\n" not in source.read_bytes() and load(source).cues[0].text == load(DATA / "clean.srt").cues[0].text


def test_folders_expand_in_natural_episode_order(tmp_path: Path) -> None:
    for name in ["ep10.srt", "ep2.srt", "ep1.srt", "sub/ep3.vtt", ".subloc/cache.srt", "notes.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", "utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == [
        "ep1.srt", "ep2.srt", "ep10.srt", "sub/ep3.vtt"]


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "subloc", "--version"], capture_output=True, text=True, check=True)
    assert __version__ in out.stdout


def test_a_folder_without_subtitles_is_a_usage_error(runner, tmp_path: Path) -> None:
    for command in (["check"], ["info"], ["convert", "--to", "vtt"], ["fix", "--diff"]):
        result = runner.invoke(cli, [command[0], str(tmp_path), *command[1:]])
        assert result.exit_code == 2 and "no .srt or .vtt files" in result.stderr, command


def test_info_detects_the_script_when_no_language_is_declared(runner) -> None:
    result = run_cli(runner, "info", str(DATA / "clean.srt"), "--json")
    [item] = json.loads(result.output)
    assert item["language"] is None and item["detected_language"] == "zh-Hans"
    assert item["longest_line"]["text"] == "这份合同，你签不签？" and item["longest_line"]["chars"] == 10  # full-width: 1 each
