"""Option types that refuse bad values before any work starts, each with a one-line message and its fix.

click calls ``convert`` while parsing; ``self.fail`` raises a click usage error, which the group prints
as one line (``error: …``) with exit code 2.
"""

from __future__ import annotations

from typing import Any

import click


class Language(click.ParamType):
    """One language code (th, zh-CN, in…), returned in canonical form (th, zh-Hans, id)."""

    name = "LANG"

    def __init__(self, role: str = "") -> None:
        self.role = role  # "target", "source": named in the message

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..languages import canonical, language_problem

        problem = language_problem(str(value).strip(), self.role)
        if problem:
            self.fail(problem, param, ctx)
        return canonical(str(value).strip())


class Languages(click.ParamType):
    """Comma-separated language codes, each checked, in canonical form, repeats dropped: 'th,th,id' -> 'th,id'."""

    name = "LANG,…"

    def __init__(self, role: str = "") -> None:
        self.role = role

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        codes = [Language(self.role).convert(part, param, ctx) for part in str(value).split(",") if part.strip()]
        if not codes:
            self.fail("give at least one language code, e.g. th,id,ms,vi", param, ctx)
        return ",".join(dict.fromkeys(codes))


class LanguagePair(click.ParamType):
    """SOURCE:TARGET, e.g. zh-Hans:th."""

    name = "SOURCE:TARGET"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        source, colon, target = str(value).partition(":")
        if not colon or not source.strip() or not target.strip():
            self.fail(f"{value!r} is not a pair: write SOURCE:TARGET, e.g. zh-Hans:{value or 'th'}", param, ctx)
        return f"{Language().convert(source, param, ctx)}:{Language().convert(target, param, ctx)}"


class FrameRate(click.ParamType):
    """A frame rate as given (30, 29.97, 30000/1001), checked."""

    name = "FPS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..timecode import TimecodeError, parse_fps

        try:
            parse_fps(value)
        except TimecodeError as exc:
            self.fail(str(exc), param, ctx)
        return str(value)


class AtLeast(click.ParamType):
    """A whole number (or with ``real``, any number) no smaller than ``low`` (above it when ``open``)."""

    def __init__(self, low: float, *, real: bool = False, open: bool = False, fix: str = "") -> None:
        self.low, self.real, self.open, self.fix = low, real, open, fix
        self.name = "SECONDS" if real else "N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float | int:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = float(value) if self.real else int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not {'a number' if self.real else 'a whole number'}", param, ctx)
        low = f"{self.low:g}"
        if number < self.low or (self.open and number == self.low):
            bound = f"more than {low}" if self.open else f"{low} or more"
            self.fail(f"must be {bound}, not {value}" + (f": {self.fix}" if self.fix else ""), param, ctx)
        return number


class BaseURL(click.ParamType):
    """An http(s) URL with a host: ``localhost:8080`` alone would be read as a scheme and fail only after
    the run has started."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from urllib.parse import urlsplit

        text = str(value).strip()
        try:
            parts = urlsplit(text)
            ok = parts.scheme in ("http", "https") and bool(parts.hostname)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            ok = False
        if not ok:
            fix = "write it as http(s)://HOST[:PORT][/PATH], e.g. http://localhost:11434/v1" if "://" in text else \
                f"write it with its scheme, e.g. http://{text}"
            self.fail(f"{value!r} is not an http(s) URL: {fix}", param, ctx)
        return text
