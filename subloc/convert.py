"""Format conversion and time shifting, reporting whatever the target format cannot carry."""

from __future__ import annotations

import re
from dataclasses import replace

from .errors import UsageError
from .model import Cue, Track
from .placement import DEFAULT_PRESET, Preset, an_for_settings, get_preset, leading_an, settings_for_an
from .visible import plural


def shift(track: Track, offset_ms: int) -> Track:
    """Move every cue by ``offset_ms``; refuses to move a cue before zero rather than clip it."""
    if not offset_ms:
        return track
    first = min(track.cues, key=lambda c: c.start, default=None)
    if first is not None and first.start + offset_ms < 0:
        where = f" (line {first.line})" if first.line else ""
        raise UsageError(f"shifting by {offset_ms} ms moves the cue at {first.start} ms{where} before zero",
                         path=track.path, hint=f"shift by at least {-first.start} ms")
    return track.shifted(offset_ms)


def convert(track: Track, to: str, *, offset_ms: int = 0, placement: str | None = None) -> tuple[Track, list[str]]:
    """Return the track in format ``to`` and notes on what was dropped or mapped.

    SRT to WebVTT maps a leading ``{\\anN}`` tag to cue settings (under ``placement``, default
    social-burnin); WebVTT to SRT maps top-of-frame settings back to ``{\\an8}``. A ``placement``
    also sets the settings of every cue in a WebVTT output.
    """
    track = shift(track, offset_ms)
    preset = get_preset(placement) if placement else None
    notes: list[str] = []
    if to == "vtt":
        cues = [_to_vtt_cue(c, preset or get_preset(DEFAULT_PRESET), preset is not None) for c in track.cues]
        dropped = sum(1 for c in track.cues if c.position)
        if dropped:
            notes.append(f"dropped SRT display coordinates (X1/Y1…) of {plural(dropped, 'cue')}: WebVTT has no equivalent")
        if track.format != "vtt":
            cues = [replace(c, ident="") for c in cues]
        return replace(track.with_cues(cues), format="vtt"), notes
    if to == "srt":
        if preset is not None:
            raise UsageError("--placement applies to WebVTT output only", hint="use --to vtt")
        cues = [_to_srt_cue(c) for c in track.cues]
        cues, markup_notes = _vtt_markup_to_srt(cues)
        notes.extend(markup_notes)
        if track.format == "vtt":
            ids = sum(1 for c in track.cues if c.ident)
            kept = sum(1 for c in track.cues if c.settings and an_for_settings(c.settings) and leading_an(c.text) is None)
            other = sum(1 for c in track.cues if c.settings) - kept
            if ids:
                notes.append(f"dropped {plural(ids, 'cue identifier')}: SRT numbers cues 1..n")
            if kept:
                notes.append(f"mapped the top position of {plural(kept, 'cue')} to {{\\an8}}")
            if other > 0:
                notes.append(f"dropped the WebVTT cue settings of {plural(other, 'cue')}: SRT has no equivalent")
            if track.blocks:
                kinds = sorted({b.kind for b in track.blocks})
                notes.append(f"dropped {plural(len(track.blocks), '/'.join(kinds) + ' block')}: SRT has no equivalent")
            if track.header or track.metadata:
                notes.append("dropped the WebVTT header text and metadata: SRT has no header")
        track = replace(track, header="", metadata=(), blocks=())
        return replace(track.with_cues(cues), format="srt"), notes
    raise UsageError(f"unknown target format {to!r}", hint="use srt or vtt")


def _to_vtt_cue(cue: Cue, preset: Preset, apply_preset: bool) -> Cue:
    an = leading_an(cue.text)
    text = cue.text[len("{\\anN}"):] if an else cue.text
    if an and text.startswith("\n"):
        text = text[1:]  # the tag alone on the first line: that line goes with it
    if an:
        settings = settings_for_an(an, preset)
    elif apply_preset:
        top = an_for_settings(cue.settings) == 8
        settings = preset.top() if top else preset.bottom()
    else:
        settings = cue.settings
    return replace(cue, text=text, settings=settings, position="")


def _to_srt_cue(cue: Cue) -> Cue:
    an = an_for_settings(cue.settings) if cue.settings else None
    text = cue.text
    if an and leading_an(text) is None:
        text = f"{{\\an{an}}}{text}"
    return replace(cue, text=text, settings="")


# WebVTT markup SRT players do not know (they show it as text): inline timestamps (karaoke), ruby,
# voice and class/language spans. <i>, <b>, <u> are common to both and stay.
_TIMESTAMP_TAG = re.compile(r"<(?:[0-9]+:)?[0-9]{2}:[0-9]{2}\.[0-9]{3}>")
_RUBY = re.compile(r"<ruby(?:\.[^<>]*)?>(.*?)</ruby>", re.DOTALL)
_RT = re.compile(r"<rt(?:\.[^<>]*)?>(.*?)(?:</rt>|(?=<rt)|$)", re.DOTALL)
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>]*))?>")
_VOICE_END = re.compile(r"</v>")
_SPAN = re.compile(r"</?(?:c|lang)(?:[.\s][^<>]*)?>")


def _vtt_markup_to_srt(cues: list[Cue]) -> tuple[list[Cue], list[str]]:
    """WebVTT-only markup mapped for SRT, with a note for each kind: ruby becomes base(reading), the
    others are dropped keeping their text (voice names are listed in the note)."""
    counts = {"timestamps": 0, "ruby": 0, "voice": 0, "span": 0}
    names: list[str] = []
    out = []
    for cue in cues:
        text = cue.text
        if "<" not in text:
            out.append(cue)
            continue
        new = _TIMESTAMP_TAG.sub("", text)
        counts["timestamps"] += new != text
        step = _RUBY.sub(lambda m: _RT.sub(r"(\1)", m.group(1)), new)
        counts["ruby"] += step != new
        new = step
        for match in _VOICE.finditer(new):
            name = (match.group(1) or "").strip()
            if name and name not in names:
                names.append(name)
        step = _VOICE_END.sub("", _VOICE.sub("", new))
        counts["voice"] += step != new
        new = step
        step = _SPAN.sub("", new)
        counts["span"] += step != new
        out.append(replace(cue, text=step))
    notes = []
    if counts["timestamps"]:
        notes.append(f"dropped the inline timestamps (karaoke timing) of {counts['timestamps']} cue(s): SRT has none")
    if counts["ruby"]:
        notes.append(f"wrote the ruby of {counts['ruby']} cue(s) as base(reading): SRT has no ruby")
    if counts["voice"]:
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        notes.append(f"dropped the voice tags of {counts['voice']} cue(s), keeping their text"
                     + (f" (speakers: {shown})" if shown else "") + ": SRT has no speakers")
    if counts["span"]:
        notes.append(f"dropped the class and language spans (<c>, <lang>) of {counts['span']} cue(s), keeping "
                     "their text: SRT has no classes")
    return out, notes
