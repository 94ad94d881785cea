"""Running the rules over one track. Which rules, limits and glossary apply to a file is the project's
business (:mod:`subloc.project`); reading files and running many of them is :mod:`subloc.check`'s."""

from __future__ import annotations

import re
from dataclasses import replace
from operator import attrgetter
from typing import Any, Iterable, Sequence

from ..model import Track
from ..patterns import lazy
from ..profiles import Profile
from .context import CheckContext
from .model import Finding, all_rules


def selected_rules(select: Sequence[str] | None, ignore: Sequence[str]) -> list[type]:
    """The rules whose codes start with a ``select`` prefix (all when empty) and with no ``ignore`` prefix."""
    rules = all_rules()
    # (asked once a file, with the same answer: ~28 us a time. The registry only grows, a code never
    # changes its rule: its size tells whether a kept answer still holds.)
    key = (None if select is None else tuple(select), tuple(ignore), len(rules))
    chosen = _SELECTED.get(key)
    if chosen is None:
        chosen = _SELECTED[key] = [cls for code, cls in rules.items()
                                   if (not select or any(code.startswith(p) for p in select))
                                   and not any(code.startswith(p) for p in ignore)]
    return list(chosen)


_SELECTED: dict[tuple, list[type]] = {}


def check_track(track: Track, profile: Profile, *, rules: Iterable[type] | None = None, source: Track | None = None,
                glossary: Any = None, language_declared: bool = True, severity: dict[str, str] | None = None,
                path: str | None = None, series: Any = None) -> list[Finding]:
    """All findings of the given rules (default: all) on one track, in file order. ``series`` (series.toml)
    tells the speaker rules who the characters are."""
    ctx = CheckContext(track, profile, path=path, source=source, glossary=glossary,
                       language_declared=language_declared, series=series)
    findings: list[Finding] = []
    for cls in rules if rules is not None else all_rules().values():
        if cls.needs_glossary and glossary is None:
            continue
        found = list(cls().check(ctx))
        if severity and cls.code in severity:
            found = [replace(f, severity=severity[cls.code]) for f in found]  # type: ignore[arg-type]
        # One finding per problem: a term met twice in a cue (妈妈) is one missing rendering, not two. Equal
        # findings come from one rule about one cue with one message, so only a rule with two such findings
        # is deduplicated (two long lines of a cue are two findings, and hashing thousands of findings as
        # dataclasses cost more than the rule).
        if len(found) > 1 and len({(f.cue, f.message) for f in found}) < len(found):
            found = list(dict.fromkeys(found))
        findings.extend(found)
    ignored = ignored_in_notes(track)
    if ignored:
        findings = [f for f in findings if not any(f.code.startswith(c) for c in ignored.get(f.cue - 1, ()))]
    findings.sort(key=_FILE_ORDER)
    return findings


_FILE_ORDER = attrgetter("line", "cue", "code")
_IGNORE_NOTE = lazy(r"^\s*subloc:\s*ignore\s+([A-Za-z0-9,\s]+?)\s*$")


def ignored_in_notes(track: Track) -> dict[int, tuple[str, ...]]:
    """Codes (or prefixes) a WebVTT ``NOTE subloc: ignore CODE, CODE`` block suppresses for the cue after it."""
    out: dict[int, tuple[str, ...]] = {}
    for block in track.blocks:
        match = _IGNORE_NOTE.match(block.text) if block.kind == "NOTE" else None
        if match:
            codes = tuple(c.upper() for c in re.split(r"[\s,]+", match.group(1)) if c)
            out[block.before_cue] = (*out.get(block.before_cue, ()), *codes)
    return out
