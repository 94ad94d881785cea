"""A self-contained HTML preview of a subtitle file on a 9:16 phone frame.

Each cue is drawn on a 1080×1920 frame (scaled down on screen) at the placement's font size, where its
WebVTT settings or ``{\\an8}`` put it, with the unsafe areas of TikTok, Reels and Shorts
(docs/profile.md, "Where cues sit on a 9:16 frame") over it. Cues with findings are outlined and list them; the source
cue sits beside the target; a timeline shows the reading speed of every cue against the profile. When
the page is opened, a script measures every line in real pixels and marks the lines wider than the cue
box (``data-overflow="true"``): the character limits, held against the browser's fonts.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from .formats import episode_name, expand_paths, load
from .languages import NAMES, script_family
from .placement import DEFAULT_PRESET, get_preset, leading_an
from .project import Project, find_project
from .qa.context import CheckContext
from .scripts import reading_speed
from .timecode import format_clock
from .vttsettings import parse_settings

FRAME_W, FRAME_H = 1080, 1920
# Unsafe areas on a 1080×1920 frame: (left, top, width, height) in px.
ZONES = {
    "tiktok": [(0, 0, 1080, 150), (0, 1480, 1080, 440), (930, 0, 150, 1920)],
    "reels": [(0, 0, 1080, 269), (0, 1248, 1080, 672), (0, 0, 65, 1920), (1015, 0, 65, 1920)],
    "shorts": [(0, 1440, 1080, 480), (888, 0, 192, 1920)],
}
ZONE_COLORS = {"tiktok": "255,0,80", "reels": "255,170,0", "shorts": "0,170,255"}
FONTS = {"thai": '"Noto Sans Thai", "Noto Sans Thai UI", "TLWG Typist", sans-serif',
         "cjk": '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", sans-serif',
         "latin": '"Noto Sans", "DejaVu Sans", Arial, sans-serif'}
_SAFE_TAG = re.compile(r"&lt;(/?)(i|b|u)&gt;")


def _markup_html(text: str) -> str:
    """Visible text as HTML: entities decoded then escaped, <i>/<b>/<u> kept, other tags dropped."""
    text = re.sub(r"\{\\[^{}]*\}", "", text)
    text = re.sub(r"<(?!/?(?:i|b|u)>)[^<>]*>", "", text)
    return _SAFE_TAG.sub(r"<\1\2>", html.escape(html.unescape(text), quote=False))


def _box_style(cue_text: str, settings: str, preset_name: str) -> str:
    preset = get_preset(preset_name)
    layout = parse_settings(settings) if settings else None
    size = layout.size if layout and layout.size != 100 else preset.size
    left = (100 - size) / 2
    if layout and isinstance(layout.position, float):
        anchor = {"line-left": 0.0, "line-right": 1.0}.get(layout.positionAlign, 0.5)
        left = max(0.0, min(100 - size, layout.position - size * anchor))
    if layout and isinstance(layout.line, float) and not layout.snapToLines:
        if layout.lineAlign == "end":
            vertical = f"bottom:{100 - layout.line:.2f}%"
        elif layout.lineAlign == "center":
            vertical = f"top:{layout.line:.2f}%;transform:translateY(-50%)"
        else:
            vertical = f"top:{layout.line:.2f}%"
    elif (leading_an(cue_text) or 2) >= 7:
        vertical = f"top:{preset.top_line}%"
    else:
        vertical = f"bottom:{100 - preset.bottom_line}%"
    align = (layout.align if layout else "center").replace("start", "left").replace("end", "right")
    return f"left:{left:.2f}%;width:{size:.2f}%;{vertical};text-align:{align}"


def _source_for(path: Path, source: Path | None) -> Path | None:
    if source is None or source.is_file():
        return source
    matches = [p for p in expand_paths([source]) if episode_name(p) == episode_name(path)]
    return matches[0] if matches else None


def render_preview(path: Path, source: Path | None = None, language: str | None = None,
                   placement: str | None = None, project: Project | None = None) -> str:
    """The HTML page for a file, checked as ``check`` would: its project's limits, rules, severities and
    glossary (the series layer of the source's series)."""
    track = load(path)
    project = project or find_project(path)
    lang, _ = project.language_of(track, language)
    lang = lang or "und"
    track = replace(track, language=lang)
    profile = project.profile(lang)
    preset_name = placement or DEFAULT_PRESET
    preset = get_preset(preset_name)
    source_path = _source_for(path, source)
    source_track = load(source_path) if source_path else None
    glossary = None
    if source_track is not None and source_path is not None:
        glossary = project.glossary(lang, series_dir=find_project(source_path).series_dir)
    findings = project.check(track, profile, source=source_track, glossary=glossary, path=str(path))
    by_cue: dict[int, list] = {}
    for f in findings:
        by_cue.setdefault(f.cue, []).append(f)
    pairs = dict(CheckContext(track, profile, source=source_track).pairs) if source_track else {}
    family = script_family(lang)
    font = FONTS[family]
    line_height = {"thai": 1.5, "cjk": 1.2}.get(family, 1.35 if lang == "vi" else 1.2)

    cards = []
    total = max(1, track.duration_ms)
    bars = []
    for index, cue in enumerate(track.cues):
        number = index + 1
        cps = reading_speed(cue.text, cue.duration, lang)
        level = "error" if cps > profile.cps_error else "warning" if cps > profile.cps_warn else "ok"
        x = cue.start / total * 1000
        width = max(1.0, cue.duration / total * 1000)
        height = min(cps, profile.cps_error * 2) / (profile.cps_error * 2) * 100
        bars.append(f'<a href="#cue-{number}"><rect class="bar {level}" x="{x:.1f}" y="{110 - height:.1f}" '
                    f'width="{width:.1f}" height="{height:.1f}"><title>cue {number}: {cps:.1f} chars/s</title></rect></a>')
        cue_findings = by_cue.get(number, [])
        severity = "error" if any(f.severity == "error" for f in cue_findings) else \
            "warning" if cue_findings else ""
        lines = "".join(f'<div class="row"><span class="line" data-line="{n}">{_markup_html(line) or "&nbsp;"}</span></div>'
                        for n, line in enumerate(cue.text.split("\n"), 1))
        zones = "".join(f'<div class="zone z-{name}" style="left:{left}px;top:{top}px;width:{w}px;height:{h}px"></div>'
                        for name, rects in ZONES.items() for left, top, w, h in rects)
        source_html = ""
        if source_track is not None and index in pairs:
            source_cue = source_track.cues[pairs[index]]
            source_html = (f'<div class="source"><span class="label">source {pairs[index] + 1}</span>'
                           f'{_markup_html(source_cue.text).replace(chr(10), "<br>")}</div>')
        items = "".join(f'<li class="{f.severity}"><b>{f.code}</b> {html.escape(f.name)}: {html.escape(f.message)}</li>'
                        for f in cue_findings)
        cards.append(
            f'<article class="cue {severity}" id="cue-{number}" data-cue="{number}">'
            f'<div class="phone"><div class="frame">{zones}'
            f'<div class="box" style="{_box_style(cue.text, cue.settings, preset_name)}">{lines}</div></div></div>'
            f'<div class="meta"><h2>#{number} <small>{format_clock(cue.start)} → {format_clock(cue.end)} · '
            f'{cue.duration / 1000:.2f} s · <span class="cps {level}">{cps:.1f} chars/s</span></small></h2>'
            f'<div class="target">{_markup_html(cue.text).replace(chr(10), "<br>")}</div>{source_html}'
            f'<ul class="findings">{items}</ul></div></article>')

    errors = sum(1 for f in findings if f.severity == "error")
    warn_y = 110 - profile.cps_warn / (profile.cps_error * 2) * 100
    error_y = 110 - profile.cps_error / (profile.cps_error * 2) * 100
    toggles = "".join(f'<label><input type="checkbox" data-zone="{name}" checked> { {"tiktok": "TikTok", "reels": "Reels", "shorts": "Shorts"}[name] } unsafe area</label>'
                      for name in ZONES)
    zone_css = "".join(f".z-{name}{{background:rgba({rgb},.16);outline:3px dashed rgba({rgb},.8)}}"
                       f"body.hide-{name} .z-{name}{{display:none}}" for name, rgb in ZONE_COLORS.items())
    title = html.escape(path.name)
    return f"""<!doctype html>
<html lang="{html.escape(lang)}"><head><meta charset="utf-8">
<title>subloc preview: {title}</title>
<style>
:root{{--scale:.28}}
body{{font-family:system-ui,sans-serif;margin:24px;background:#121212;color:#e8e8e8}}
header h1{{font-size:20px;margin:0 0 4px}} header p{{margin:2px 0;color:#aaa}}
.controls label{{margin-right:16px}}
svg.timeline{{width:100%;height:130px;background:#1b1b1b;border-radius:6px}}
.bar.ok{{fill:#43a047}} .bar.warning{{fill:#fb8c00}} .bar.error{{fill:#e53935}}
.limit{{stroke-dasharray:6 4;stroke-width:1}} .limit.warn{{stroke:#fb8c00}} .limit.err{{stroke:#e53935}}
.cue{{display:flex;gap:24px;margin:18px 0;padding:14px;border-radius:8px;background:#1c1c1c}}
.cue.error{{outline:3px solid #e53935}} .cue.warning{{outline:2px solid #fb8c00}}
.phone{{width:calc({FRAME_W}px*var(--scale));height:calc({FRAME_H}px*var(--scale));position:relative;flex:none;
border-radius:10px;overflow:hidden}}
.frame{{position:absolute;left:0;top:0;width:{FRAME_W}px;height:{FRAME_H}px;transform:scale(var(--scale));
transform-origin:0 0;background:linear-gradient(160deg,#3a3f58,#1f2233 60%,#2d2233)}}
.zone{{position:absolute;pointer-events:none}}
{zone_css}
.box{{position:absolute}}
.row{{margin:0}}
.line{{display:inline-block;white-space:pre;font-family:{font};font-size:{preset.font_px}px;line-height:{line_height};
color:#fff;text-shadow:0 0 8px #000,0 0 3px #000,0 0 2px #000;padding:0 4px}}
.line.overflow{{background:rgba(229,57,53,.6);outline:4px solid #ff5252}}
.meta h2{{font-size:16px;margin:0 0 8px}} .meta small{{color:#aaa;font-weight:normal}}
.cps.warning{{color:#fb8c00}} .cps.error{{color:#ff5252}}
.target{{font-family:{font};font-size:20px;margin-bottom:8px}}
.source{{font-size:18px;color:#bbb;border-left:3px solid #555;padding-left:8px}}
.source .label{{display:block;font-size:12px;color:#888}}
.findings li.error{{color:#ff8a80}} .findings li.warning{{color:#ffcc80}}
.overflow-note{{color:#ff8a80;font-size:14px}}
</style></head>
<body>
<header><h1>{title}</h1>
<p>{html.escape(NAMES.get(lang, lang))} · {len(track.cues)} cues · {format_clock(track.duration_ms)} ·
placement {preset_name}: text box {preset.size}% wide, {preset.font_px} px on a {FRAME_W}×{FRAME_H} frame ·
limits {profile.cpl_soft:g}/{profile.cpl_hard:g} chars per line, {profile.cps_warn:g}/{profile.cps_error:g} chars/s</p>
<p>{errors} errors, {len(findings) - errors} warnings{' · source ' + html.escape(source_path.name) if source_path else ''}</p>
</header>
<div class="controls">{toggles}</div>
<svg class="timeline" viewBox="0 0 1000 120" preserveAspectRatio="none">
<line class="limit warn" x1="0" x2="1000" y1="{warn_y:.1f}" y2="{warn_y:.1f}"/>
<line class="limit err" x1="0" x2="1000" y1="{error_y:.1f}" y2="{error_y:.1f}"/>
{''.join(bars)}</svg>
<main>{''.join(cards)}</main>
<script>
function measure() {{
  document.querySelectorAll('.cue').forEach(function (cue) {{
    var box = cue.querySelector('.box');
    var limit = box.clientWidth;
    cue.querySelectorAll('.line').forEach(function (line) {{
      var width = line.offsetWidth;
      line.dataset.width = width; line.dataset.limit = limit;
      line.dataset.overflow = String(width > limit);
      if (width > limit) {{
        line.classList.add('overflow');
        if (!cue.querySelector('.overflow-note')) {{
          var note = document.createElement('p'); note.className = 'overflow-note';
          note.textContent = 'A line is wider than the safe text box (' + width + ' px > ' + limit + ' px).';
          cue.querySelector('.meta').appendChild(note);
        }}
      }}
    }});
  }});
  document.body.dataset.measured = 'true';
}}
document.querySelectorAll('input[data-zone]').forEach(function (box) {{
  box.addEventListener('change', function () {{ document.body.classList.toggle('hide-' + box.dataset.zone, !box.checked); }});
}});
measure();
</script>
</body></html>
"""
