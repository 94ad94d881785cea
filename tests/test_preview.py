"""The HTML preview, rendered in a real headless Chromium with a Thai font.

Chromium comes from Debian's chromium package and the font from fonts-noto-core (.ci/run installs
both). Without them the browser test is skipped, unless SUBLOC_REQUIRE_CHROMIUM=1 (as in CI), when
their absence is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from subloc.cli import cli
from subloc.formats import loads
from subloc.profiles import get_profile
from subloc.qa import check_track
from subloc.preview import render_preview

from .conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FITS = "ที่นี่เป็นบ้านของฉัน ที่นี่เป็นบ้านของ"  # 25 counted characters: the Thai hard limit
TOO_LONG = "ที่นี่เป็นบ้านของฉัน ที่นี่เป็นบ้านของฉัน ที่นี่เป็น"  # 31 counted characters


def _chromium_dom(page: Path, tmp_path: Path) -> str:
    if CHROMIUM is None:
        if os.environ.get("SUBLOC_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (SUBLOC_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert 'data-measured="true"' in result.stdout, result.stderr[-2000:]
    return result.stdout


def _lines(dom: str, cue: int) -> list[tuple[bool, int, int]]:
    article = re.search(rf'<article class="[^"]*" id="cue-{cue}".*?</article>', dom, re.DOTALL)
    assert article is not None
    return [(m.group(3) == "true", int(m.group(1)), int(m.group(2))) for m in re.finditer(
        r'<span class="line[^"]*" data-line="\d+" data-width="(\d+)" data-limit="(\d+)" data-overflow="(\w+)"',
        article.group(0))]


@pytest.mark.parametrize("placement", ["social-burnin", "app"])
def test_checker_limits_hold_against_real_pixels(tmp_path: Path, placement: str) -> None:
    srt = tmp_path / "ep01.th.srt"
    srt.write_text(f"1\n00:00:01,000 --> 00:00:04,000\n{FITS}\n\n2\n00:00:04,500 --> 00:00:08,000\n{TOO_LONG}\n",
                   "utf-8")
    findings = check_track(loads(srt.read_text("utf-8"), str(srt)), get_profile("th"))
    errors = {(f.cue, f.code) for f in findings if f.severity == "error"}
    assert (1, "L101") not in errors and (2, "L101") in errors  # what the checker says…
    page = tmp_path / "preview.html"
    page.write_text(render_preview(srt, placement=placement), "utf-8")
    dom = _chromium_dom(page, tmp_path)
    [(over1, width1, limit)] = _lines(dom, 1)
    [(over2, width2, _)] = _lines(dom, 2)
    assert not over1 and width1 <= limit  # …a line it accepts fits the safe width…
    assert over2 and width2 > limit  # …and a line it calls too long overflows it
    assert width1 > 0.6 * limit  # the Thai font really rendered (not a narrow fallback)


def test_preview_page_is_self_contained_with_zones_findings_and_timeline(runner, tmp_path: Path) -> None:
    series = SAMPLES / "stand-in-bride"
    out = tmp_path / "p.html"
    result = runner.invoke(cli, ["preview", str(series / "reference" / "ep01.th.srt"), "--source",
                                 str(series / "srt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "http://" not in page and "https://" not in page and "<link" not in page  # nothing fetched
    assert page.count('class="zone z-tiktok"') == 57 * 3 and "z-reels" in page and "z-shorts" in page
    assert page.count("<article") == 57 and '<svg class="timeline"' in page
    assert "顾霆深" in page  # the source beside the target
    bad = tmp_path / "bad.th.srt"
    bad.write_text(f"1\n00:00:01,000 --> 00:00:01,500\n{TOO_LONG}\n", "utf-8")
    runner.invoke(cli, ["preview", str(bad), "-o", str(out)])
    page = out.read_text("utf-8")
    assert 'class="cue error"' in page and "<b>L101</b>" in page and "<b>T107</b>" in page
