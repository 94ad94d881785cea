"""subloc: localize Chinese micro-drama subtitles into Thai, Indonesian, Malay and Vietnamese.

The public API::

    from subloc import load, save, loads, dumps, Track, Cue
    track = load("ep01.zh-Hans.srt")
    save(track.shifted(-500), "out/ep01.zh-Hans.vtt")
"""

from __future__ import annotations

__version__ = "0.2.0"

from .errors import (
    BackendError,
    ConfigError,
    SublocError,
    SubtitleParseError,
    SubtitleWriteError,
)
from .formats import dumps, expand_paths, load, loads, save
from .model import Block, Cue, Notice, Track

__all__ = [
    "__version__", "load", "loads", "save", "dumps", "expand_paths", "Track", "Cue", "Block", "Notice",
    "SublocError", "SubtitleParseError", "SubtitleWriteError", "ConfigError", "BackendError",
]
