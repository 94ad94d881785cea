"""Who speaks each line, and to whom: from WebVTT voice spans, ``名字：`` prefixes, or a speaker column.

Three sources, first found wins for a line:

* a WebVTT voice span, ``<v 苏晚>你说什么？`` (the closing ``</v>`` is optional): the span is taken out
  of the text sent for translation and put back, as written, in the output;
* a name prefix in a Chinese line, ``苏晚：你说什么？``: taken out of the text and put back the target's
  way (``ซูหว่าน: …`` with the character's name in that language from series.toml). A prefix counts
  as a name when it is a series.toml character or the same prefix starts two or more lines of the
  episode (so ``注意：`` once in a message card is left alone);
* a per-episode speaker column: ``ep01.speakers.tsv`` next to ``ep01.zh-Hans.srt``, one
  ``cue number<TAB>name`` a line (``#`` comments), for series whose script gives the speaker of
  each cue.

Names are mapped to series.toml characters (gender, address forms). The addressee of a line is the
character whose address form (series.toml ``addresses``) the line uses, else the other speaker of
the neighbouring line in the same scene.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .errors import UsageError
from .model import Track
from .patterns import lazy
from .scripts import count
from .segments import DASH, split_markup

_VOICE = lazy(r"^(\s*(?:[-–—]\s*)?)(<v(?:\.[\w.-]+)?\s+([^<>]+?)\s*>)(.*?)(?:</v>)?\s*$", re.DOTALL)
_PREFIX = lazy(r"^(\s*(?:[-–—]\s*)?)([\u3400-\u9fff·]{1,6})[：:]\s*(\S.*)$", re.DOTALL)


@dataclass(frozen=True)
class Voice:
    """The speaker of one line and how it was written in the source."""

    name: str  # as the source writes it (苏晚)
    kind: str  # "voice" (a <v> span), "prefix" (名字：), "column" (speaker file)
    tag: str = ""  # the voice span as written, put back in the output ("<v 苏晚>")


def _names(series: Any) -> set[str]:
    return {c.name for c in series.characters} if series is not None else set()


def take_line(line: str, known: set[str], repeated: set[str]) -> tuple[str, Voice | None]:
    """The line without its speaker markup, and the speaker it names."""
    match = _VOICE.match(line)
    if match:
        return match.group(1) + match.group(4), Voice(match.group(3).strip(), "voice", match.group(2))
    match = _PREFIX.match(line)
    if match and (match.group(2) in known or match.group(2) in repeated):
        return match.group(1) + match.group(3), Voice(match.group(2), "prefix")
    return line, None


def read_column(path: Path) -> dict[int, str]:
    """A speaker column file: ``cue number<TAB>name`` per line."""
    out: dict[int, str] = {}
    for number, raw in enumerate(path.read_text("utf-8-sig").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cue, _, name = line.partition("\t")
        if not cue.strip().isdigit() or not name.strip():
            raise UsageError(f"{path}:{number}: expected 'cue number<TAB>speaker name', got {raw!r}",
                             hint="one cue a line, e.g. '12\t苏晚'")
        out[int(cue)] = name.strip()
    return out


def column_for(source_path: str | None, episode: str) -> dict[int, str]:
    if not source_path:
        return {}
    path = Path(source_path).with_name(f"{episode}.speakers.tsv")
    return read_column(path) if path.is_file() else {}


def split_speakers(track: Track, series: Any, column: dict[int, str] | None = None
                   ) -> tuple[list[str], list[list[Voice | None]]]:
    """Each cue's text without speaker markup, and the speaker of each of its lines."""
    known = _names(series)
    counts = Counter(m.group(2) for cue in track.cues for line in cue.text.split("\n")
                     if (m := _PREFIX.match(line)))
    repeated = {name for name, n in counts.items() if n >= 2}
    texts: list[str] = []
    voices: list[list[Voice | None]] = []
    for number, cue in enumerate(track.cues, 1):
        lines, found = [], []
        for line in cue.text.split("\n"):
            clean, voice = take_line(line, known, repeated)
            lines.append(clean)
            if clean.strip():
                found.append(voice)
        if column and number in column and not any(found):
            found = [Voice(column[number], "column")] + [None] * (len(lines) - 1)
        texts.append("\n".join(lines))
        voices.append(found)
    return texts, voices


def unit_voices(plan_units: int, dialogue: bool, line_voices: list[Voice | None]) -> tuple[Voice | None, ...]:
    """The speaker of each translation unit of a cue: per line for a two-speaker cue, else the first named."""
    if dialogue:
        return tuple(line_voices[i] if i < len(line_voices) else None for i in range(plan_units))
    present = [v for v in line_voices if v is not None]
    return tuple([present[0] if present else None] * plan_units)


def character(series: Any, name: str) -> Any:
    if series is None:
        return None
    for c in series.characters:
        if c.name == name or name in c.names.values():
            return c
    return None


def speaker_field(series: Any, voice: Voice | None) -> dict[str, str] | None:
    """The ``speaker`` a backend is sent: ``{"name", "gender"}`` (gender when series.toml knows it)."""
    if voice is None:
        return None
    found = character(series, voice.name)
    out = {"name": voice.name}
    if found is not None and found.gender:
        out["gender"] = found.gender
    return out


def addressees(series: Any, texts: Sequence[str], speakers: Sequence[Voice | None], starts: Sequence[int],
               ends: Sequence[int], scene_gap_ms: int) -> list[str]:
    """For each line, the name of the character it is spoken to ("" when not known)."""
    out = []
    for i, (text, voice) in enumerate(zip(texts, speakers)):
        if voice is None:
            out.append("")
            continue
        me = character(series, voice.name)
        found = ""
        if me is not None:
            keyed = {c.key: c for c in series.characters}
            for address in me.addresses:
                if any(form and form in text for form in address.forms) and address.to in keyed:
                    found = keyed[address.to].name
                    break
        if not found:
            for j in (i - 1, i + 1):
                if 0 <= j < len(texts) and speakers[j] is not None and speakers[j].name != voice.name:
                    gap = starts[i] - ends[j] if j < i else starts[j] - ends[i]
                    if gap < scene_gap_ms:
                        found = speakers[j].name
                        break
        out.append(found)
    return out


def target_name(voice: Voice, series: Any, language: str) -> str:
    found = character(series, voice.name)
    return found.names.get(language, voice.name) if found is not None else voice.name


def spoken(translation: str, voice: Voice | None, series: Any, language: str) -> str:
    """A unit's translation with its name prefix put back the target's way (``ซูหว่าน: …``), before layout
    so that line breaking counts it."""
    if voice is None or voice.kind != "prefix":
        return translation
    return f"{target_name(voice, series, language)}: {translation}"


def put_back(text: str, voices: Sequence[Voice | None], dialogue: bool) -> str:
    """A laid-out target cue with its voice spans written back as they were in the source."""
    if not any(v is not None and v.kind == "voice" for v in voices):
        return text

    prefix, body, wrapper = split_markup(text)

    def mark(voice: Voice | None) -> str:
        return voice.tag if voice is not None and voice.kind == "voice" else ""

    lines = body.split("\n")
    if dialogue:
        for i, voice in enumerate(voices[:len(lines)]):
            dash = DASH.match(lines[i])
            cut = dash.end() if dash else 0
            lines[i] = lines[i][:cut] + mark(voice) + lines[i][cut:]
    else:
        lines[0] = mark(voices[0]) + lines[0]
    body = "\n".join(lines)
    if wrapper:
        body = f"<{wrapper}>{body}</{wrapper}>"
    return prefix + body


def prefix_length(voice: Voice | None, series: Any, language: str) -> float:
    """What a put-back name prefix costs on screen, counted the target's way (voice spans cost nothing)."""
    if voice is None or voice.kind != "prefix":
        return 0.0

    return count(f"{target_name(voice, series, language)}: ", language)
