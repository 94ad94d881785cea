"""Checking tracks and files under their project: the library behind ``subloc check``.

:func:`check_tracks` takes tracks and a :class:`~subloc.project.Project` and returns one
:class:`~subloc.qa.FileResult` per track: the project says which rules, limits, severities and glossary
apply (the same answer ``fix``, ``translate``, ``pack`` and ``preview`` get). :func:`check_paths` reads
files and checks them, on every core for large batches; a file that cannot be read becomes that file's
``error``, while a bad configuration stops the run once, before any work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple, Sequence

from .errors import SublocError, UsageError
from .formats import episode_name, expand_paths, load
from .model import Track
from .project import Project, Projects
from .qa import FileResult, all_rules

__all__ = ["CheckOptions", "FileResult", "SourceFinder", "check_tracks", "check_one", "check_file", "check_paths"]


class CheckOptions(NamedTuple):  # (immutable, never replaced: cheaper to create than a dataclass)
    """What the caller (usually the CLI) asks for; None means: take it from the project."""

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


class SourceFinder:
    """Finds the source track for a checked file: the one file given, or by episode name in a folder."""

    def __init__(self, source: str | None, encoding: str | None = None) -> None:
        self.source, self.encoding = source, encoding
        self.index: dict[str, Path] = {}
        if source and Path(source).is_dir():
            for path in expand_paths([source]):
                self.index.setdefault(episode_name(path), path)
        elif source and not Path(source).exists():
            raise UsageError(f"no such source file or folder: {source}", hint="check --source")

    def path_for(self, target: str) -> Path | None:
        if not self.source:
            return None
        if not self.index:
            return Path(self.source)
        return self.index.get(episode_name(target))

    def missing_note(self, target: str) -> str:
        """Why the rules that compare with the source did not run on ``target``."""
        skipped = ", ".join(sorted(code for code, cls in all_rules().items() if cls.needs_source))
        return (f"no source for {target} in {self.source} (looked for episode {episode_name(target)!r}): "
                f"{skipped} skipped; name the source files like the targets (ep01.zh-Hans.srt for ep01.th.srt)")


def check_one(track: Track, project: Project, options: CheckOptions = CheckOptions(), *, path: str | None = None,
              source: Track | None = None, source_project: Project | None = None) -> FileResult:
    """Check one track under its project. The glossary's series layer is the source's series (translations
    often live outside the series folder); limits, selection and severities are the track's project's."""
    path = path or track.path or "<string>"
    result = FileResult(path=path)
    language, declared = project.language_of(track, options.language)
    profile = project.profile(language, screen=options.screen, fps=options.fps)
    rules = project.rules(path, select=options.select, ignore=options.ignore, extend_select=options.extend_select,
                          extend_ignore=options.extend_ignore)
    glossary = None
    if source is not None and any(cls.needs_glossary for cls in rules):
        series_dir = (source_project or project).series_dir
        glossary = project.glossary(profile.language, options.glossary, series_dir=series_dir)
    result.findings = project.check(track, profile, path=path, source=source, glossary=glossary,
                                    language_declared=declared, rules=rules)
    result.language, result.cues, result.profile = language, len(track.cues), profile.describe()
    result.cue_texts = [track.cues[f.cue - 1].text if 0 < f.cue <= len(track.cues) else "" for f in result.findings]
    return result


def check_tracks(tracks: Sequence[Track], project: Project | Projects, options: CheckOptions = CheckOptions(),
                 sources: Sequence[Track | None] | None = None) -> list[FileResult]:
    """Check tracks (each with its ``path``) under one project, or each under its own (a :class:`Projects`)."""
    results = []
    for index, track in enumerate(tracks):
        source = sources[index] if sources is not None else None
        if isinstance(project, Projects):
            own = project.for_path(track.path or ".")
            source_project = project.for_path(source.path) if source is not None and source.path else None
        else:
            own, source_project = project, None
        results.append(check_one(track, own, options, source=source, source_project=source_project))
    return results


def check_file(path: str, options: CheckOptions, sources: SourceFinder | None = None,
               projects: Projects | None = None, data: bytes | None = None) -> FileResult:
    """Load and check one file (or ``data`` read from stdin, named ``path``); unreadable input becomes
    ``FileResult.error``. A bad configuration is an error of the run (raised), not of the file."""
    projects = projects or Projects()
    project = projects.for_path(path)
    finder = sources or SourceFinder(options.source, options.encoding)
    notes = []
    try:
        # A salvaging read: damaged blocks become E101 findings, every readable cue is checked.
        track = load(path, encoding=options.encoding, salvage=True, data=data)
        source_path = finder.path_for(path)
        source = load(source_path, encoding=options.encoding) if source_path is not None else None
        if source_path is None and finder.source:
            notes.append(finder.missing_note(path))
        source_project = projects.for_path(source_path) if source_path is not None else None
        result = check_one(track, project, options, path=path, source=source, source_project=source_project)
    except SublocError as exc:
        return FileResult(path=path, error=str(exc))
    result.notes.extend(notes)
    return result


# The run's resolved projects and --source index, inherited by forked workers (built once, before the
# fork: a worker that walked the source folder again per file took 25 s on 90 episodes).
_RUN: tuple[Projects, SourceFinder] | None = None


def _check_one(args: tuple[str, CheckOptions]) -> FileResult:
    projects, sources = _RUN or (None, None)
    return check_file(*args, sources=sources, projects=projects)


def check_paths(paths: Sequence[str | Path], options: CheckOptions, jobs: int | None = None,
                projects: Projects | None = None) -> list[FileResult]:
    """Check files in the given order. Large batches use a process per core; results keep input order.

    Every file's project is resolved first: a configuration error raises once for the run."""
    global _RUN
    files = [str(p) for p in paths]
    projects = projects or Projects()
    projects.for_paths(files)
    sources = SourceFinder(options.source, options.encoding)  # validates --source before any work
    workers = jobs if jobs is not None else _auto_jobs(files)
    if workers <= 1:
        return [check_file(f, options, sources, projects) for f in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the loaded modules, rules and resolved projects, so they start in milliseconds.
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    chunk = max(1, len(files) // (workers * 4))
    _RUN = (projects, sources)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_check_one, [(f, options) for f in files], chunksize=chunk))
    finally:
        _RUN = None


# From this many cues a second process saves time, as whole `subloc check` runs on two idle cores show
# (benchmarks/bench_jobs.py): below it, what the workers do twice (their start, the word-list buckets
# and judgements each loads again, the results sent back) and the cold caches of a fresh process cost
# more than the half of the work each saves. In instructions, the longest path of a two-process run
# against one process: 3,600 cues 0.85-0.90, 5,400 cues 0.79-0.85, 10,800 cues 0.73, 21,600 cues 0.68;
# each instruction of a two-process run costs ~1.07-1.15 times as much CPU time (the fork's copied pages,
# cold caches), so two processes only clearly win above ~6,000 cues (wall clock over 31 alternating
# rounds: 3,600 cues 0.93-1.05, 5,400 cues 0.93-1.00, 6,600 cues 0.95), and 8,000 leaves a margin for
# the machine the run lands on. Cues, not bytes, measure the work: 5,400 cues are 0.39 MB of Chinese and
# 0.76 MB of Thai, and cost alike (the 0.35 MB threshold this replaces forked a Thai series of 3,600
# cues, which two processes checked 5% slower). A series of 90 episodes is checked in one process;
# several series or languages in one run use the idle cores.
_PARALLEL_CUES = 8_000
_SMALLEST_CUE = 35  # bytes: "1\n00:00:00,000 --> 00:00:01,000\nA\n\n"


def _total_size(files: Sequence[str]) -> int:
    total = 0
    for name in files:
        try:
            total += os.path.getsize(name)
        except OSError:
            pass  # (reported when the file is read)
    return total


def _cue_count(files: Sequence[str], enough: int) -> int:
    """The cues of ``files`` (their timing lines' arrows), reading the files until ``enough`` are found."""
    total = 0
    for name in files:
        try:
            with open(name, "rb") as handle:
                total += handle.read().count(b"-->")
        except OSError:
            pass  # (reported when the file is read)
        if total >= enough:
            break
    return total


def _auto_jobs(files: Sequence[str]) -> int:
    """Parallel only when it pays: for 40 files or more and _PARALLEL_CUES cues or more, and only on
    cores that are idle now: on a shared machine whose cores are busy, a second process waits for a core
    and costs its start-up and the results' transfer for nothing."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(files) < 40 or cores < 2:
        return 1
    try:
        idle = cores - os.getloadavg()[0]
    except OSError:  # no load average on this platform
        idle = cores
    workers = max(1, min(cores, 8, int(idle + 0.5)))
    if workers < 2 or _total_size(files) < _PARALLEL_CUES * _SMALLEST_CUE:
        return 1
    return workers if _cue_count(files, _PARALLEL_CUES) >= _PARALLEL_CUES else 1
