"""Aligning existing translations with their source, cue by cue, into translation-memory segments."""

from __future__ import annotations

from .errors import UsageError
from .formats import episode_name, expand_paths, load
from .languages import canonical
from .segments import DASH, plan_cue, split_markup
from .tm import TMEntry, TMStore, _now, normalize


def target_units(text: str, dialogue: bool, count: int) -> list[str] | None:
    """The target side of a cue in the same units as its source plan (human line breaks kept)."""
    _, text, _ = split_markup(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if dialogue:
        units = [normalize(DASH.sub("", line, count=1)) for line in lines]
        return units if len(units) == count else None
    return ["\n".join(normalize(line) for line in lines)] if lines and count == 1 else None


def align_files(source: str, target: str, memory: TMStore, *, language: str | None = None,
                source_lang: str | None = None, approved: bool = False, approved_by: str = "") -> tuple[int, list[str]]:
    sources = {episode_name(p): p for p in expand_paths([source])}
    targets = [p for p in expand_paths([target])]
    notes: list[str] = []
    entries: list[TMEntry] = []
    when = _now()
    for path in targets:
        src_path = sources.get(episode_name(path))
        if src_path is None:
            notes.append(f"{path}: no source episode {episode_name(path)!r}; skipped")
            continue
        tgt = load(path)
        if language and tgt.language != canonical(language):
            continue
        if not tgt.language:
            raise UsageError(f"cannot tell the language of {path}", hint="name it like ep01.th.srt or pass --lang")
        src = load(src_path)
        src_lang = canonical(source_lang or src.language or "zh-Hans")
        if len(src.cues) != len(tgt.cues):
            notes.append(f"{path}: {len(tgt.cues)} cues, the source has {len(src.cues)}; skipped (align cue by cue)")
            continue
        for s, t in zip(src.cues, tgt.cues):
            plan = plan_cue(s.text, src_lang)
            units = target_units(t.text, plan.dialogue, len(plan.units))
            if not plan.units:
                continue
            if units is None:
                notes.append(f"{path}:{t.line}: the translation does not split like its source cue; skipped")
                continue
            for unit, translated in zip(plan.units, units):
                entries.append(TMEntry(unit, src_lang, canonical(tgt.language), translated, "human", when, approved,
                                       approved_by=approved_by if approved else "",
                                       approved_at=when if approved else ""))
    return memory.add_many(entries), notes
