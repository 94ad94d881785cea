"""Property: read -> write -> read gives the same cues, for any text the formats can carry."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subloc import dumps, loads
from subloc.model import Block, Cue, Track

# Letters of every script we handle, markup, entities, ASS tags, digits and punctuation.
ATOMS = st.sampled_from([
    "你", "好", "总裁", "，", "！", "…", "“", "”", "ที่", "นี่", "ๆ", "Việt", "ế", "a", "Z", "0", "7", "500万",
    " ", "  ", "-", "->", "<i>", "</i>", "<b>", "</b>", "<u>", "</u>", '<font color="red">', "</font>",
    "<c.yellow>", "</c>", "<v 苏晚>", "</v>", "&amp;", "&lt;", "{\\an8}", "\t", "\u200b", "NOTE", "STYLE",
])


def _line(atoms: list[str]) -> str:
    return "".join(atoms)


line_text = st.lists(ATOMS, min_size=1, max_size=8).map(_line).filter(lambda s: s.strip(" \t") != "")
cue_text = st.lists(line_text, min_size=0, max_size=3).map("\n".join)


@st.composite
def cues(draw, vtt: bool = False):  # type: ignore[no-untyped-def]
    count = draw(st.integers(min_value=1, max_value=12))
    out, t = [], 0
    for i in range(count):
        t += draw(st.integers(min_value=0, max_value=50_000))
        length = draw(st.integers(min_value=0, max_value=7000))
        text = draw(cue_text if not vtt else cue_text.filter(lambda s: "-->" not in s))
        ident = draw(st.sampled_from(["", f"c{i}", f"e01-{i:03d}", "场景 一"])) if vtt else ""
        setting = draw(st.sampled_from(["", "line:65%,end position:50%,center size:72% align:center",
                                        "align:start", "line:0 vertical:rl", "region:top"])) if vtt else ""
        out.append(Cue(start=t, end=t + length, text=text, ident=ident, settings=setting))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cues())
def test_srt_round_trip(cue_list: list[Cue]) -> None:
    text = dumps(Track(cues=tuple(cue_list), format="srt"))
    again = loads(text, "x.srt")
    assert [(c.start, c.end, c.text) for c in again.cues] == [(c.start, c.end, c.text) for c in cue_list]
    assert dumps(again) == text  # a clean SRT written back is byte-identical
    assert not again.notices


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cues(vtt=True), st.lists(st.sampled_from(["a note", "two\nlines", "NOTE-ish text"]), max_size=3),
       st.sampled_from(["", "- header text"]))
def test_vtt_round_trip(cue_list: list[Cue], notes: list[str], header: str) -> None:
    blocks = tuple(Block("NOTE", note, before_cue=min(i * 2, len(cue_list))) for i, note in enumerate(notes))
    track = Track(cues=tuple(cue_list), format="vtt", header=header, metadata=("Language: th",),
                  blocks=(Block("STYLE", "::cue { color: white; }", 0), *blocks))
    text = dumps(track)
    again = loads(text, "x.vtt")
    assert [(c.start, c.end, c.text, c.ident, c.settings) for c in again.cues] == [
        (c.start, c.end, c.text, c.ident, c.settings) for c in cue_list]
    assert (again.header, again.metadata) == (header, ("Language: th",))
    assert [(b.kind, b.text, b.before_cue) for b in again.blocks] == [
        (b.kind, b.text, b.before_cue) for b in track.blocks]
    assert dumps(again) == text
