"""The one exception tree of subloc.

Every error says where (file, line) and how to fix it, so the CLI can print it on one line::

    SublocError                      message, path, line, hint
     ├── SubtitleError
     │    ├── SubtitleParseError     a file that cannot be read without losing or inventing data
     │    └── SubtitleWriteError     a track that cannot be written in the asked format
     ├── ConfigError                 bad subloc.toml / [tool.subloc] / series.toml, unknown keys or codes
     ├── UsageError                  bad command-line arguments that click cannot catch by itself
     ├── GlossaryError               a glossary file that cannot be loaded
     ├── TranslationMemoryError      TM database or TMX problems
     └── BackendError                a translation backend failed (network, auth, quota, bad reply)
          ├── BackendUnavailable     refused before sending: unsupported language pair, missing key
          └── BackendReplyError      the service answered, but not with what was asked

The CLI maps ``SublocError`` to exit code 2 (bad input, usage, configuration) unless a command says otherwise.
"""

from __future__ import annotations

from os import PathLike


class SublocError(Exception):
    """Base of every error subloc raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        # One line, always: the CLI prints errors as a single line on stderr.
        return text.replace("\r", " ").replace("\n", " ")


class SubtitleError(SublocError):
    """A subtitle file or track problem."""


class SubtitleParseError(SubtitleError):
    """A subtitle file cannot be read without losing or inventing data."""


class SubtitleWriteError(SubtitleError):
    """A track cannot be written in the requested format without losing data."""


class ConfigError(SublocError):
    """Invalid configuration: unknown keys, unknown rule codes, bad values."""


class UsageError(SublocError):
    """Invalid command-line usage that click's own checks cannot see."""


class GlossaryError(SublocError):
    """A glossary file that cannot be loaded."""


class TranslationMemoryError(SublocError):
    """A translation memory or TMX problem."""


class BackendError(SublocError):
    """A translation backend failed.

    ``retryable``: trying the same request again may help. ``fatal``: every further request to this
    backend will fail the same way (a refused key), so a run stops sending.
    """

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None,
                 fatal: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retryable = retryable
        self.retry_after = retry_after
        self.fatal = fatal


class BackendUnavailable(BackendError):
    """Refused before anything was sent: unsupported language pair, missing key, unknown backend."""


class BackendReplyError(BackendError):
    """The service answered, but the reply is unusable (bad JSON, wrong ids, mangled placeholders)."""
