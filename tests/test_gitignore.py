"""subloc.gitignore against git itself: the files git lists as ignored in a repository of awkward
patterns are exactly the files the walk leaves out."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from subloc.gitignore import Rules, parse
from subloc.locate import gitignores

ROOT_IGNORE = r"""# a comment, and a blank line

\#literal.srt
*.tmp.srt
/export/
old/
build/
!build/keep/
!build/keep/*.srt
**/cache/**
a/**/z.srt
logs/*
!logs/keep.srt
docs/*.srt
!docs/ep1?.srt
ep[0-2]5.srt
ep[!0-2]6.srt
ep[[:digit:]]7x.srt
trailing.srt   
escaped\ .srt\ 
x.tmp
\!bang.srt
*.bak/
/rooted.srt
deep/**/
what?.srt
[unclosed.srt
star/**
mid*dle.srt
[z-a]9.srt
[-x]8.srt
[]]7.srt
"""
NESTED = {
    "a/.gitignore": "!*.tmp.srt\nb/c/\n/local.srt\n",
    "docs/.gitignore": "ep10.srt\n!ep05.srt\n",
    "th/.gitignore": "!old/\n!ep03.tmp.srt\n",
}
FILES = """
ep01.srt #literal.srt ep01.tmp.srt export/ep01.srt a/export/ep01.srt old/ep01.srt th/old/ep01.srt th/ep03.tmp.srt
th/ep04.tmp.srt build/ep01.srt build/keep/ep01.srt build/keep/x/ep02.srt cache/ep01.srt a/cache/ep01.srt
a/cache/deep/ep01.srt z.srt a/z.srt a/q/z.srt a/q/r/z.srt logs/ep01.srt logs/keep.srt logs/sub/keep.srt
docs/ep01.srt docs/ep10.srt docs/ep11.srt docs/ep05.srt docs/sub/ep01.srt ep05.srt ep15.srt ep35.srt ep06.srt
ep16.srt ep36.srt ep57x.srt epa7x.srt trailing.srt x.tmp/ep01.srt y/x.tmp/ep01.srt !bang.srt bang.srt
keep.bak/ep01.srt other.bak rooted.srt a/rooted.srt deep/ep01.srt deep/er/ep01.srt what1.srt what/.srt
[unclosed.srt unclosed.srt star/ep01.srt star/s/ep02.srt a/star/ep01.srt middle.srt mid-x-dle.srt mid/dle.srt
a/ep01.tmp.srt a/b/c/ep01.srt a/b/ep01.srt a/local.srt local.srt a/b/local.srt
z9.srt a9.srt m9.srt -8.srt x8.srt y8.srt ]7.srt
""".split() + ["escaped .srt ", "escaped .srt"]


def _tree(root: Path) -> None:
    (root / ".gitignore").write_text(ROOT_IGNORE, "utf-8")
    for rel, text in NESTED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("1\n", "utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_walk_ignores_what_git_ignores(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    _tree(root)
    # (no system or user configuration: a global core.excludesFile or $XDG_CONFIG_HOME/git/ignore would add
    # patterns git reads and the walk does not)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard"],
                            check=True, env=env, capture_output=True).stdout.decode("utf-8").split("\0")
    kept_by_git = {p for p in listed if p and not p.endswith(".gitignore")}
    assert len(kept_by_git) > 20 and len(set(FILES) - kept_by_git) > 20  # both sides are well populated
    rules = gitignores(root)
    resolved = str(root.resolve())
    ours = {rel for rel in FILES if not rules.ignored(os.path.join(resolved, rel))}
    assert ours == kept_by_git, (sorted(ours - kept_by_git), sorted(kept_by_git - ours))


def test_patterns_as_gitignore_5_reads_them(tmp_path: Path) -> None:
    """The same rules without git: the cases the manual spells out."""
    root = str(tmp_path)
    rules = Rules([(root, parse(["build/", "!build/keep.srt", "*.tmp.srt", "!ep03.tmp.srt", "/top.srt",
                                 "a/**/b.srt", "logs/*", "!logs/keep.srt"])),
                   (os.path.join(root, "th"), parse(["ep04.tmp.srt", "!*.tmp.srt"]))])

    def ignored(rel: str) -> bool:
        return rules.ignored(os.path.join(root, *rel.split("/")))

    assert ignored("build/ep01.srt") and ignored("build/keep.srt")  # nothing inside an excluded folder comes back
    assert ignored("x.tmp.srt") and not ignored("ep03.tmp.srt") and not ignored("th/ep05.tmp.srt")
    assert not ignored("th/ep04.tmp.srt")  # the deeper file's later pattern wins
    assert ignored("top.srt") and not ignored("th/top.srt")
    assert ignored("a/b.srt") and ignored("a/x/y/b.srt") and not ignored("x/a/b.srt")
    assert ignored("logs/ep01.srt") and not ignored("logs/keep.srt") and ignored("logs/sub/keep.srt")
    assert rules.ignored(os.path.join(root, "build"), is_dir=True) and not rules.ignored(os.path.join(root, "th"), True)
    assert not Rules([(root, parse(["# only a comment", "", "   "]))])
    # patterns git cannot use match nothing, and never stop the walk
    broken = Rules([(root, parse(["[unclosed", "trailing\\", "ok.srt"]))])
    assert broken.ignored(os.path.join(root, "ok.srt")) and not broken.ignored(os.path.join(root, "unclosed"))
