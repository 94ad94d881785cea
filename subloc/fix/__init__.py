"""Safe automatic repairs for the target profile, each one reported.

``text`` (hygiene, line breaking, splitting), ``timing`` (overlaps, gaps, durations, merges),
``fixer`` (the passes to a fixed point, what is left reported), ``files`` (a file fixed as ``check``
sees it). See :mod:`subloc.fix.fixer` for what is repaired and the guarantees.
"""

from __future__ import annotations

from .files import FileFix, fix_file, profile_for
from .fixer import Fixer, fix_track
from .model import FIXES, Change, FixResult
from .text import clean_text, rewrap, split_cue

__all__ = ["Fixer", "fix_track", "FixResult", "Change", "FIXES", "clean_text", "rewrap", "split_cue", "FileFix",
           "fix_file", "profile_for"]
