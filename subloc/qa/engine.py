"""Running the rules: over one track, one file, or many files (on every core when that pays)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..config import Config, find_config
from ..errors import SublocError, UsageError
from ..model import Track
from ..profiles import Profile, get_profile
from .context import CheckContext
from .model import Finding, all_rules


@dataclass(frozen=True)
class CheckOptions:
    """What the caller (usually the CLI) asks for; None means: take it from the configuration."""

    language: str | None = None
    screen: str | None = None
    fps: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()  # added to the selection (the flag's, or the configuration's)
    extend_ignore: tuple[str, ...] = ()
    source: str | None = None  # a file, or a folder searched by episode name
    glossary: str | None = None
    encoding: str | None = None


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be read, or the configuration is bad
    language: str | None = None
    cues: int = 0
    profile: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # checked, but not fully (e.g. no source found: X rules skipped)
    cue_texts: list[str] = field(default_factory=list)  # the text of each finding's cue (for baselines)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def selected_rules(select: Sequence[str] | None, ignore: Sequence[str]) -> list[type]:
    rules = all_rules()
    chosen = [cls for code, cls in rules.items() if not select or any(code.startswith(p) for p in select)]
    return [cls for cls in chosen if not any(cls.code.startswith(p) for p in ignore)]


def check_track(track: Track, profile: Profile, *, rules: Iterable[type] | None = None, source: Track | None = None,
                glossary: Any = None, language_declared: bool = True, severity: dict[str, str] | None = None,
                path: str | None = None) -> list[Finding]:
    """All findings of the given rules (default: all) on one track, in file order."""
    ctx = CheckContext(track, profile, path=path, source=source, glossary=glossary,
                       language_declared=language_declared)
    findings: list[Finding] = []
    for cls in rules if rules is not None else all_rules().values():
        if cls.needs_glossary and glossary is None:
            continue
        findings.extend(cls().check(ctx))
    if severity:
        findings = [replace(f, severity=severity[f.code]) if f.code in severity else f for f in findings]  # type: ignore[arg-type]
    # One finding per problem: a term met twice in a cue (妈妈) is one missing rendering, not two.
    findings = list(dict.fromkeys(findings))
    ignored = ignored_in_notes(track)
    if ignored:
        findings = [f for f in findings if not any(f.code.startswith(c) for c in ignored.get(f.cue - 1, ()))]
    findings.sort(key=lambda f: (f.line, f.cue, f.code))
    return findings


_IGNORE_NOTE = re.compile(r"^\s*subloc:\s*ignore\s+([A-Za-z0-9,\s]+?)\s*$")


def ignored_in_notes(track: Track) -> dict[int, tuple[str, ...]]:
    """Codes (or prefixes) a WebVTT ``NOTE subloc: ignore CODE, CODE`` block suppresses for the cue after it."""
    out: dict[int, tuple[str, ...]] = {}
    for block in track.blocks:
        match = _IGNORE_NOTE.match(block.text) if block.kind == "NOTE" else None
        if match:
            codes = tuple(c.upper() for c in re.split(r"[\s,]+", match.group(1)) if c)
            out[block.before_cue] = (*out.get(block.before_cue, ()), *codes)
    return out


def resolve_language(options: CheckOptions, config: Config, track: Track) -> tuple[str | None, bool]:
    """The language to check against, and whether it was declared (rather than detected)."""
    declared = options.language or track.language or config.language
    if declared:
        from ..languages import canonical
        return canonical(declared), True
    from ..langid import detect_track
    detection = detect_track(track)
    return detection.language or (detection.candidates[0] if detection.candidates else None), False


class SourceFinder:
    """Finds the source track for a checked file: the one file given, or by episode name in a folder."""

    def __init__(self, source: str | None, encoding: str | None = None) -> None:
        self.source, self.encoding = source, encoding
        self.index: dict[str, Path] = {}
        if source and Path(source).is_dir():
            from ..formats import episode_name, expand_paths
            for path in expand_paths([source]):
                self.index.setdefault(episode_name(path), path)
        elif source and not Path(source).exists():
            raise UsageError(f"no such source file or folder: {source}", hint="check --source")

    def path_for(self, target: str) -> Path | None:
        if not self.source:
            return None
        if not self.index:
            return Path(self.source)
        from ..formats import episode_name
        return self.index.get(episode_name(target))

    def missing_note(self, target: str) -> str:
        """Why the rules that compare with the source did not run on ``target``."""
        from ..formats import episode_name
        skipped = ", ".join(sorted(code for code, cls in all_rules().items() if cls.needs_source))
        return (f"no source for {target} in {self.source} (looked for episode {episode_name(target)!r}): "
                f"{skipped} skipped; name the source files like the targets (ep01.zh-Hans.srt for ep01.th.srt)")


def check_file(path: str, options: CheckOptions, sources: SourceFinder | None = None,
               data: bytes | None = None) -> FileResult:
    """Load and check one file (or ``data`` read from stdin, named ``path``); unreadable input and bad
    configuration become ``FileResult.error``."""
    from ..formats import load

    result = FileResult(path=path)
    try:
        config = find_config(path)
        track = load(path, encoding=options.encoding, data=data)
        language, declared = resolve_language(options, config, track)
        lang = language or "und"
        profile = get_profile(language, screen=options.screen or config.screen, fps=options.fps or config.fps,
                              overrides=config.limits_for(lang))
        source = None
        finder = sources or SourceFinder(options.source, options.encoding)
        source_path = finder.path_for(path)
        if source_path is not None:
            source = load(source_path, encoding=options.encoding)
        elif finder.source:
            result.notes.append(finder.missing_note(path))
        select = options.select if options.select is not None else config.select
        if select and options.extend_select:
            select = (*select, *options.extend_select)
        file_ignores = (*config.ignore, *config.ignored_for(path))
        named = (*(options.select or ()), *options.extend_select)
        if named:
            # A code named on the command line wins over the file's broader or equal ignore.
            file_ignores = tuple(i for i in file_ignores if not any(s.startswith(i) for s in named))
        ignore = (*options.ignore, *options.extend_ignore, *file_ignores)
        rules = selected_rules(select, ignore)
        glossary = None
        if source is not None and any(cls.needs_glossary for cls in rules):
            # The series layer is the source's series: translations often live outside the series folder.
            glossary = _glossary_for(options, config, lang, str(source_path))
        result.findings = check_track(track, profile, rules=rules, source=source,
                                      glossary=glossary, language_declared=declared, severity=config.severity,
                                      path=path)
        result.language, result.cues, result.profile = language, len(track.cues), profile.describe()
        result.cue_texts = [track.cues[f.cue - 1].text if f.cue else "" for f in result.findings]
    except SublocError as exc:
        result.error = str(exc)
    return result


def _glossary_for(options: CheckOptions, config: Config, language: str, path: str) -> Any:
    """The glossary for the G rules (see subloc/glossary.py), or None when there is none."""
    if GLOSSARY_HOOK is None:
        return None
    return GLOSSARY_HOOK(options.glossary or config.glossary, language, path)


# Set by subloc.glossary when it is importable; the engine itself does not depend on glossaries.
GLOSSARY_HOOK: Any = None


_SOURCES: SourceFinder | None = None  # set before forking: workers inherit the index of the source folder


def _check_one(args: tuple[str, CheckOptions]) -> FileResult:
    return check_file(*args, _SOURCES)


def check_paths(paths: Sequence[str | Path], options: CheckOptions, jobs: int | None = None) -> list[FileResult]:
    """Check files in the given order. Large batches use a process per core; results keep input order."""
    from ..config import clear_cache

    clear_cache()
    files = [str(p) for p in paths]
    sources = SourceFinder(options.source, options.encoding)  # validates --source before any work
    workers = jobs if jobs is not None else _auto_jobs(len(files))
    if workers <= 1:
        return [check_file(f, options, sources) for f in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _SOURCES
    _SOURCES = sources
    _warm_up_for(files, options)

    # fork: workers inherit the loaded modules and rules, so they start in milliseconds.
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    chunk = max(1, len(files) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_check_one, [(f, options) for f in files], chunksize=chunk))


def _warm_up_for(files: Sequence[str], options: CheckOptions) -> None:
    """Load what workers would each load again (Thai dictionary: 0.3 s) once, before forking."""
    from ..formats import language_from_path

    if options.language == "th" or any(language_from_path(f) == "th" for f in files[:200]):
        from ..scripts import thai_words
        thai_words("ทดสอบ")


def _auto_jobs(count: int) -> int:
    """Parallel only when it pays: for 40 files or more (process start-up costs about as much as checking
    20 small files), and only on cores that are idle now: on a shared machine whose cores are busy, a
    second process waits for a core and costs its start-up and the results' transfer for nothing."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if count < 40 or cores < 2:
        return 1
    try:
        idle = cores - os.getloadavg()[0]
    except OSError:  # no load average on this platform
        idle = cores
    return max(1, min(cores, 8, int(idle + 0.5)))
