"""The project a file belongs to, resolved once: what applies to it, for every command.

ruff resolves one ``Settings`` per file and every rule reads it; subloc resolves one :class:`Project`
per folder and ``check``, ``fix``, ``translate``, ``pack`` and ``preview`` all take it, so they agree:

* the configuration (``subloc.toml`` or ``[tool.subloc]``, :mod:`subloc.config`) and the series folder
  with its ``series.toml`` (:mod:`subloc.series`), found by the one upward walk of :mod:`subloc.locate`;
* the profile per language, the configuration's ``[limits]`` applied (:meth:`Project.profile`);
* the rules: ``select``/``ignore``, per-file ignores and severities (:meth:`Project.rules`,
  :meth:`Project.check`);
* the glossary stack: the configured or shipped base glossary under the series' own layer
  (:meth:`Project.glossary`);
* the translation memory's location and the ``[translate]`` settings.

One precedence everywhere: a flag (passed in by the caller) > the project file > the defaults.
A :class:`Projects` resolver lives for one run: each folder is resolved once, so a bad configuration
is one error, not one per file, and checking a thousand files reads the configuration once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .config import Config, load_config, load_file
from .errors import ConfigError
from .languages import canonical
from .gitignore import Rules
from .locate import Location, gitignores, locate
from .model import Track
from .profiles import Profile, get_profile
from .qa import Finding, Rule, check_track, selected_rules

if TYPE_CHECKING:
    from .glossary import Glossary
    from .series import Series


@dataclass(frozen=True)
class Project:
    """Everything that applies to the files of one folder; build it with :func:`find_project` or :class:`Projects`."""

    location: Location
    config: Config = field(default_factory=Config)
    series: Series | None = None

    # --- where -------------------------------------------------------------------------------------

    @property
    def series_dir(self) -> Path | None:
        return self.location.series_dir

    @property
    def config_file(self) -> Path | None:
        return self.location.config_file

    @property
    def tm_path(self) -> Path | str | None:
        """The translation memory: ``[translate] tm`` of the configuration (a file, or a URL kept as a
        string), else ``.subloc/tm.sqlite`` in the series folder; None when neither says (translate then
        puts it next to its inputs)."""
        spec = self.config.translate.get("tm")
        if spec:
            return spec if "://" in spec else Path(spec)
        return self.series_dir / ".subloc" / "tm.sqlite" if self.series_dir else None

    @property
    def translate_settings(self) -> dict[str, Any]:
        return dict(self.config.translate)

    @property
    def strict(self) -> bool:
        return self.config.strict

    @property
    def severity(self) -> dict[str, str]:
        return dict(self.config.severity)

    # --- language and profile ----------------------------------------------------------------------

    def language_of(self, track: Track, flag: str | None = None) -> tuple[str | None, bool]:
        """The language of a track, and whether it was declared (the flag, the file name, the
        configuration) rather than detected."""
        declared = flag or track.language or self.config.language
        if declared:
            return canonical(declared), True
        from .langid import detect_track

        detection = detect_track(track)
        return detection.language or (detection.candidates[0] if detection.candidates else None), False

    def profile(self, language: str | None, *, screen: str | None = None, fps: str | float | None = None) -> Profile:
        """The profile of a language on this project's screen, its ``[limits]`` applied; flags win."""
        lang = canonical(language) if language else "und"
        return get_profile(lang, screen=screen or self.config.screen, fps=fps or self.config.fps,
                           overrides=self.config.limits_for(lang))

    # --- rules -------------------------------------------------------------------------------------

    def rules(self, path: str | Path | None = None, *, select: Sequence[str] | None = None,
              ignore: Sequence[str] = (), extend_select: Sequence[str] = (),
              extend_ignore: Sequence[str] = ()) -> list[type[Rule]]:
        """The rules that apply to a file: ``select``/``ignore`` flags over the configuration's, with its
        per-file ignores; ``extend_select``/``extend_ignore`` add to the selection (the flag's or the
        configuration's) and to the ignores. A code named by ``select`` or ``extend_select`` wins over a
        broader or equal ignore of the file."""
        chosen = select if select is not None else self.config.select
        if chosen and extend_select:
            chosen = (*chosen, *extend_select)
        file_ignores = (*self.config.ignore, *(self.config.ignored_for(str(path)) if path is not None else ()))
        named = (*(select or ()), *extend_select)
        if named:
            file_ignores = tuple(i for i in file_ignores if not any(s.startswith(i) for s in named))
        return selected_rules(chosen, (*ignore, *extend_ignore, *file_ignores))

    def glossary(self, language: str, spec: str | None = None, *, series_dir: Path | None = None) -> Glossary | None:
        """The effective glossary of a language: ``spec`` (a flag), else the configuration's ``glossary``,
        else the shipped one, under the series layer (of ``series_dir`` when given: a checked
        translation takes the series layer of its source)."""
        from .glossary import load_stack, stack_files

        lang = canonical(language)
        files = stack_files(lang, spec or self.config.glossary, series_dir or self.series_dir)
        return load_stack(tuple(files), lang)

    def glossary_files(self, language: str, spec: str | None = None, *, series_dir: Path | None = None) -> list[Path]:
        """The files :meth:`glossary` layers, least specific first (for versions in manifests)."""
        from .glossary import stack_files

        return stack_files(canonical(language), spec or self.config.glossary, series_dir or self.series_dir)

    def check(self, track: Track, profile: Profile, *, path: str | None = None, source: Track | None = None,
              glossary: Glossary | None = None, language_declared: bool = True,
              select: Sequence[str] | None = None, ignore: Sequence[str] = (), extend_select: Sequence[str] = (),
              extend_ignore: Sequence[str] = (), rules: Sequence[type[Rule]] | None = None,
              series: Any = None) -> list[Finding]:
        """The findings of this project's rules (selection, per-file ignores, severities) on one track;
        ``rules``: :meth:`rules` as already worked out for this file; the speaker rules know the characters
        of ``series`` (default: this project's series.toml)."""
        if rules is None:
            rules = self.rules(path or track.path, select=select, ignore=ignore, extend_select=extend_select,
                               extend_ignore=extend_ignore)
        return check_track(track, profile, rules=rules, source=source, glossary=glossary,
                           language_declared=language_declared, severity=self.config.severity,
                           path=path or track.path, series=series or self.series)


class Projects:
    """Resolves projects for one run: each folder once (the walk, the configuration, the series).

    ``config_file`` (``--config FILE``) is the configuration of every path instead of the one found
    walking up; the series folder is still found from each path."""

    def __init__(self, config_file: str | Path | None = None) -> None:
        self._by_folder: dict[str, Project] = {}
        self._folder_of: dict[tuple[str, bool | None], str] = {}
        self._config: Config | None = None
        self._config_file: Path | None = None
        if config_file is not None:
            file = Path(config_file)
            if not file.is_file():
                raise ConfigError("no such configuration file", path=str(config_file), hint="check --config")
            found = load_file(file)
            if found is None:
                raise ConfigError("has no [tool.subloc] table", path=str(config_file),
                                  hint="add one, or pass a subloc.toml")
            self._config, self._config_file = found, file.resolve()

    def for_path(self, path: str | Path, *, is_folder: bool | None = None) -> Project:
        """The project of a file or folder (``is_folder=True``: an output folder that may not exist yet).
        A bad configuration or series.toml raises :class:`subloc.errors.ConfigError` naming its line."""
        # Keyed on the folder as written (no symlink resolution: that costs a system call per component).
        folder = self._folder_of.get((path, is_folder)) if isinstance(path, str) else None
        if folder is None:
            folder = os.path.abspath(path)
            if not (os.path.isdir(folder) if is_folder is None else is_folder):
                folder = os.path.dirname(folder)
            if isinstance(path, str):
                self._folder_of[(path, is_folder)] = folder  # (a run asks for each file's project 3 times)
        key = folder  # a file's folder and that folder itself have one project
        found = self._by_folder.get(key)
        if found is None:
            location = locate(folder, True)
            if self._config is not None:
                location = Location(location.folder, self._config_file, location.series_dir)
            series = None
            if location.series_toml:  # (subloc.series is imported for a series folder only)
                from .series import load_series

                series = load_series(location.series_toml)
            config = self._config if self._config is not None else load_config(location.config_file)
            found = Project(location, config, series)
            self._by_folder[key] = found
        return found

    def for_paths(self, paths: Sequence[str | Path]) -> list[Project]:
        """The project of each path, all resolved before any work: a configuration error stops the run once."""
        return [self.for_path(p) for p in paths]

    def walk_filter(self) -> Callable[[Path, Path], bool]:
        """``skip(file, folder)`` for :func:`subloc.formats.expand_inputs`: True when a file found walking
        ``folder`` is left out by its project's ``exclude``/``extend-exclude`` or by a ``.gitignore``
        (in the folder, below it, or above it up to the repository root). A folder named on the command
        line is walked even when a ``.gitignore`` lists it."""
        walks: dict[Path, tuple[str, Rules | None]] = {}

        def skip(path: Path, folder: Path) -> bool:
            walk = walks.get(folder)
            if walk is None:
                # the folder is resolved once; a file's path is the resolved folder and its path below it
                root = str(folder.resolve())
                rules: Rules | None = gitignores(folder)
                if not rules or rules.ignored(root, is_dir=True):
                    rules = None
                walk = walks[folder] = (root, rules)
            root, rules = walk
            written, below = str(path), str(folder).rstrip(os.sep) + os.sep
            full = os.path.join(root, written[len(below):] if written.startswith(below) else os.path.relpath(path, folder))
            return (self.for_path(path, is_folder=False).config.excludes(path, folder, full)
                    or (rules is not None and rules.ignored(full)))

        return skip


def find_project(path: str | Path, *, is_folder: bool | None = None) -> Project:
    """The project of one file or folder (a fresh resolution; use :class:`Projects` for many files)."""
    return Projects().for_path(path, is_folder=is_folder)
