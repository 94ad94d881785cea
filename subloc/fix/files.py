"""Fixing a file as ``check`` sees it: its configuration, language and profile resolved from its path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..formats import dumps, load
from ..model import Track
from ..profiles import Profile
from ..project import Project, find_project
from .fixer import fix_track
from .model import FixResult


@dataclass
class FileFix:
    path: str
    before: Track
    result: FixResult

    def diff(self) -> str:
        """A unified diff of the file before and after the fixes ("" when nothing changed)."""
        old, new = dumps(self.before), dumps(self.result.track)
        return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{self.path}",
                                            f"{self.path} (fixed)"))


def profile_for(path: str, track: Track, language: str | None = None, screen: str | None = None,
                fps: str | None = None, project: Project | None = None) -> Profile:
    """The profile ``check`` uses for this file: language from the flag, the file name or detection;
    screen, fps and limits from the flags over the file's project."""
    project = project or find_project(path)
    resolved, _ = project.language_of(track, language)
    return project.profile(resolved, screen=screen, fps=fps)


def fix_file(path: str, language: str | None = None, screen: str | None = None, fps: str | None = None,
             tolerance: int = 1000, encoding: str | None = None, track: Track | None = None,
             project: Project | None = None) -> FileFix:
    """Fix a subtitle file under its project (``track``: the file as already read, e.g. salvaged);
    nothing is written."""
    if track is None:
        track = load(path, encoding=encoding, language=language)
    project = project or find_project(path)
    profile = profile_for(str(path), track, language, screen, fps, project)
    return FileFix(str(path), track, fix_track(track, profile, tolerance, project=project, path=str(path)))
