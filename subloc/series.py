"""series.toml: what a series folder says about itself (title, synopsis, characters).

    [series]
    title = "The CEO's Stand-in Bride"
    original_title = "闪婚总裁的替身新娘"
    source_lang = "zh-Hans"
    fps = 30
    synopsis = "…"

    [[characters]]
    key = "su-wan"
    name = "苏晚"
    gender = "female"
    role = "heroine"
    [characters.names]
    th = "ซูหว่าน"
    [[characters.addresses]]
    to = "gu-tingshen"
    zh = "顾总|老公"
    note = "formal at first"

Backends that take context get the synopsis and characters; names become glossary entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .locate import locate, read_toml

_SERIES_KEYS = {"title", "original_title", "source_lang", "episodes", "fps", "synopsis", "genre", "notes"}
_CHARACTER_KEYS = {"key", "name", "gender", "role", "names", "addresses", "aliases"}
_ADDRESS_KEYS = {"to", "zh", "note", "en"}


@dataclass(frozen=True)
class Address:
    to: str
    forms: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Character:
    key: str
    name: str
    gender: str = ""
    role: str = ""
    names: dict[str, str] = field(default_factory=dict)
    addresses: tuple[Address, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Series:
    path: str
    title: str = ""
    original_title: str = ""
    source_lang: str | None = None
    fps: float | None = None
    synopsis: str = ""
    characters: tuple[Character, ...] = ()

    def context(self, language: str) -> dict[str, Any]:
        """What a translation backend is told about the series (JSON-ready)."""
        keyed = {c.key: c for c in self.characters}
        return {
            "title": self.title, "original_title": self.original_title, "synopsis": self.synopsis,
            "characters": [{
                "name": c.name, "name_in_target": c.names.get(language, ""), "gender": c.gender, "role": c.role,
                "addresses": [{"to": keyed[a.to].name if a.to in keyed else a.to, "forms": list(a.forms),
                               "note": a.note} for a in c.addresses],
            } for c in self.characters],
        }


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def load_series(path: str | Path) -> Series:
    """Read and validate a series.toml; unknown keys are errors naming the line."""
    path = Path(path)
    data, text = read_toml(path)
    return parse_series(data, text, path)


def series_from_text(text: str, path: str = "series.toml") -> Series:
    """A series.toml given as text (rule examples, tests)."""
    import tomllib

    return parse_series(tomllib.loads(text), text, Path(path))


def parse_series(data: dict[str, Any], text: str, path: Path) -> Series:
    """Validate the data of a series.toml (``text`` is its source, for line numbers)."""
    unknown = set(data) - {"series", "characters"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"unknown table {key!r}", path=str(path), line=_line_of(text, key),
                          hint="series.toml has [series] and [[characters]]")
    head = data.get("series", {})
    bad = set(head) - _SERIES_KEYS
    if bad:
        key = sorted(bad)[0]
        raise ConfigError(f"unknown key {key!r} in [series]", path=str(path), line=_line_of(text, key),
                          hint=f"known keys: {', '.join(sorted(_SERIES_KEYS))}")
    characters = []
    for raw in data.get("characters", []):
        bad = set(raw) - _CHARACTER_KEYS
        line = _line_of(text, f'key = "{raw.get("key", "")}"') or 0
        if bad:
            key = sorted(bad)[0]
            raise ConfigError(f"unknown key {key!r} in [[characters]]", path=str(path), line=line,
                              hint=f"known keys: {', '.join(sorted(_CHARACTER_KEYS))}")
        if not raw.get("name"):
            raise ConfigError("a character needs a name (as written in the source)", path=str(path), line=line)
        addresses = []
        for a in raw.get("addresses", []):
            if set(a) - _ADDRESS_KEYS or "to" not in a:
                raise ConfigError("an address needs 'to' and 'zh' (forms separated by |)", path=str(path), line=line)
            addresses.append(Address(a["to"], tuple(f for f in str(a.get("zh", "")).split("|") if f),
                                     str(a.get("note", ""))))
        names = raw.get("names", {})
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise ConfigError("[characters.names] maps language codes to names", path=str(path), line=line)
        characters.append(Character(key=str(raw.get("key", raw["name"])), name=str(raw["name"]),
                                    gender=str(raw.get("gender", "")), role=str(raw.get("role", "")),
                                    names=dict(names), addresses=tuple(addresses), line=line))
    return Series(path=str(path), title=str(head.get("title", "")), original_title=str(head.get("original_title", "")),
                  source_lang=head.get("source_lang"), fps=head.get("fps"), synopsis=str(head.get("synopsis", "")),
                  characters=tuple(characters))


def find_series(path: str | Path) -> Series | None:
    """The series.toml of the folder a file belongs to (see subloc.locate), if any."""
    toml = locate(path).series_toml
    return load_series(toml) if toml is not None else None
