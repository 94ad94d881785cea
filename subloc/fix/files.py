"""Fixing a file as ``check`` sees it: its configuration, language and profile resolved from its path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..config import find_config
from ..formats import dumps, load
from ..model import Track
from ..profiles import Profile, get_profile
from ..qa.engine import CheckOptions, resolve_language
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
                fps: str | None = None) -> Profile:
    """The profile ``check`` uses for this file: language from the flag, the file name or detection;
    screen, fps and limits from the flags over the project configuration."""
    config = find_config(path)
    resolved, _ = resolve_language(CheckOptions(language=language), config, track)
    return get_profile(resolved, screen=screen or config.screen, fps=fps or config.fps,
                       overrides=config.limits_for(resolved or "und"))


def fix_file(path: str, language: str | None = None, screen: str | None = None, fps: str | None = None,
             tolerance: int = 1000, encoding: str | None = None) -> FileFix:
    """Load a subtitle file and fix it for its profile; nothing is written."""
    track = load(path, encoding=encoding)
    return FileFix(path, track, fix_track(track, profile_for(path, track, language, screen, fps), tolerance))
