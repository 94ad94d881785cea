"""Running a rule's documented examples through the real checker (used by `subloc rule` and the tests)."""

from __future__ import annotations

from dataclasses import replace

from ..formats import loads
from ..profiles import get_profile
from .engine import check_track
from .model import Finding, Rule


def run_example(rule: type[Rule], example: str, source: str = "") -> list[Finding]:
    lang = rule.example_lang
    track = replace(loads(example, f"example.{lang}.srt", salvage=True), language=lang)
    source_track = None
    if rule.needs_source and source:
        source_track = replace(loads(source, "example.zh-Hans.srt"), language="zh-Hans")
    glossary = None
    if rule.needs_glossary and rule.example_glossary:
        from ..glossary import Glossary
        glossary = Glossary.from_text(rule.example_glossary, lang, path="example.tsv")
    return check_track(track, get_profile(lang), rules=[rule], source=source_track, glossary=glossary,
                       path=f"example.{lang}.srt")
