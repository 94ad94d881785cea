"""Summaries of a track for people and JSON (``subloc info``)."""

from __future__ import annotations

from typing import Any

from .model import Track
from .scripts import line_lengths, reading_speed


def describe(track: Track) -> dict[str, Any]:
    """Format, encoding, counts, duration, longest line and highest reading speed of a track."""
    lang = track.language
    if not lang:  # count the way the text's script is read, even without a declared language
        from .langid import detect_track
        found = detect_track(track)
        lang = found.language or (found.candidates[0] if found.candidates else None)
    longest = {"chars": 0.0, "cue": 0, "line": 0, "text": ""}
    fastest = {"cps": 0.0, "cue": 0, "line": 0}
    for number, cue in enumerate(track.cues, 1):
        for text, length in zip(cue.text.split("\n"), line_lengths(cue.text, lang)):
            if length > longest["chars"]:
                longest = {"chars": length, "cue": number, "line": cue.line, "text": text}
        cps = reading_speed(cue.text, cue.duration, lang)
        if cps > fastest["cps"]:
            fastest = {"cps": round(cps, 2), "cue": number, "line": cue.line}
    return {
        "path": track.path,
        "format": track.format,
        "encoding": track.encoding,
        "bom": track.bom,
        "newline": {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}[track.newline],
        "language": track.language,
        "detected_language": lang if lang != track.language else None,
        "cues": len(track.cues),
        "duration_ms": track.duration_ms,
        "first_start_ms": track.cues[0].start if track.cues else 0,
        "longest_line": longest,
        "max_cps": fastest,
        "blocks": len(track.blocks),
        "notices": [{"line": n.line, "message": n.message} for n in track.notices],
    }
