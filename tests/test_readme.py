"""The README runs: every `subloc` command of its Quick start and tour, in order, in a fresh folder.

Rule: each line that starts with `subloc ` inside a ```bash block between "## Quick start" and
"## Exit codes" is run, unless the block is preceded by a `<!-- readme-test: skip (reason) -->` line
(commands that need the network). The folder holds a copy of samples/ and glossaries/, as a checkout
does. Commands run in this process (click's runner: no interpreter start per command); `#` comments,
quoting, globs and a `< FILE` redirect are handled as a shell would. A command must exit 0; `check`,
`fix` and `glossary check` may exit 1 (that is how they report findings). Output that names a missing
path, a traceback or an internal error fails the test.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from pathlib import Path

import pytest

from subloc.cli import cli

from .conftest import ROOT

README = ROOT / "README.md"
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\b.*?-->")
FINDINGS_MAY_FAIL = (("check",), ("fix",), ("glossary", "check"))


def readme_commands(text: str) -> list[str]:
    """The runnable `subloc` command lines of the Quick start and the tour, in order."""
    start, end = text.index("\n## Quick start"), text.index("\n## Exit codes")
    section = text[start:end]
    commands = []
    for match in re.finditer(r"(?P<before>[^\n]*)\n```bash\n(?P<body>.*?)\n```", section, re.S):
        if SKIP.search(match.group("before")):
            continue
        commands += [line for line in match.group("body").splitlines() if line.startswith("subloc ")]
    return commands


def skipped_blocks(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"<!--\s*readme-test:\s*skip[^\n]*-->\n```bash\n.*?\n```", text, re.S)]


def test_the_rule_finds_the_tour_and_the_skipped_blocks_give_a_reason() -> None:
    text = README.read_text("utf-8")
    commands = readme_commands(text)
    assert len(commands) >= 30
    assert commands[0].startswith("subloc tm import samples/stand-in-bride/reference.tmx")  # the Quick start first
    assert any(c.startswith("subloc check out/ --baseline") for c in commands)
    for block in skipped_blocks(text):
        assert re.search(r"skip \(\w[^)]*\)", block), block  # a reason in parentheses
        assert "--dry-run" not in block and "subloc check" not in block  # offline commands are never skipped


def _argv(line: str, cwd: Path) -> tuple[list[str], bytes | None]:
    words = shlex.split(line, comments=True)[1:]
    stdin = None
    if "<" in words:
        at = words.index("<")
        stdin = (cwd / words[at + 1]).read_bytes()
        words = words[:at] + words[at + 2:]
    argv = []
    for word in words:
        matches = sorted(glob.glob(word, root_dir=cwd)) if any(c in word for c in "*?[") else []
        argv += matches or [word]
    return argv, stdin


def test_every_readme_command_runs_in_a_fresh_folder(runner, tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    monkeypatch.chdir(tmp_path)
    for env in ("GITHUB_ACTIONS", "SUBLOC_DEBUG"):
        monkeypatch.delenv(env, raising=False)
    for line in readme_commands(README.read_text("utf-8")):
        argv, stdin = _argv(line, tmp_path)
        result = runner.invoke(cli, argv, input=stdin)
        allowed = {0, 1} if tuple(argv[:2]) in FINDINGS_MAY_FAIL or (argv[0],) in FINDINGS_MAY_FAIL else {0}
        assert result.exit_code in allowed, f"{line}\n-> exit {result.exit_code}\n{result.output[-2000:]}"
        for bad in ("no such file or folder", "Traceback", "internal error", "[not checked]", "No such command"):
            assert bad not in result.output, f"{line}\n{result.output[-2000:]}"
    # What the tour promised is there.
    assert sorted(p.name for p in (tmp_path / "out").glob("ep01.*.srt")) == [
        "ep01.id.srt", "ep01.ms.srt", "ep01.th.srt", "ep01.vi.srt"]
    assert (tmp_path / "dist" / "stand-in-bride.th.zip").is_file() and (tmp_path / "previews" / "ep06.vi.html").is_file()
    assert (tmp_path / ".subloc-baseline.json").is_file() and (tmp_path / "my-series" / "glossary.th.tsv").is_file()
    assert not (tmp_path / "samples" / "stand-in-bride" / ".subloc").exists()  # the dry run wrote nothing


def test_ci_snippets_install_the_tagged_release_the_same_way() -> None:
    text = README.read_text("utf-8")
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"), re.M).group(1)
    install = f'pip install "subloc @ git+https://github.com/OWNER/subloc@v{version}"'
    assert f"\n{install}\n" in text  # the install line the README gives…
    assert f"      - run: {install}\n" in text  # …is what the GitHub Actions job runs
    assert f"rev: v{version}\n" in text and "repo: https://github.com/OWNER/subloc\n" in text
    assert "pip install subloc " not in text and "@v0.1" not in text  # nothing installs from a registry it is not on
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert "id: subloc-check" in hook and "entry: subloc check" in hook


def test_no_reference_outside_the_repository() -> None:
    for path in [README, *ROOT.joinpath("subloc").rglob("*.py")]:
        assert "shared/spec" not in path.read_text("utf-8"), path
    for doc in re.findall(r"\]\((docs/[^)]+)\)", README.read_text("utf-8")):
        assert (ROOT / doc).is_file(), doc
    for path in ROOT.joinpath("subloc").rglob("*.py"):
        for doc in re.findall(r"docs/[\w-]+\.md", path.read_text("utf-8")):
            assert (ROOT / doc).is_file(), (path, doc)


@pytest.mark.parametrize("line, argv, stdin", [
    ("subloc check out/ --statistics   # a comment", ["check", "out/", "--statistics"], None),
    ('subloc glossary show --lang id "Tuan Muda"', ["glossary", "show", "--lang", "id", "Tuan Muda"], None),
    ("subloc check - --stdin-filename x.srt < x.srt", ["check", "-", "--stdin-filename", "x.srt"], b"1"),
])
def test_command_lines_are_read_as_a_shell_reads_them(tmp_path: Path, line: str, argv: list[str], stdin) -> None:
    (tmp_path / "x.srt").write_bytes(b"1")
    assert _argv(line, tmp_path) == (argv, stdin)
