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

from .languages import language_tag
from .errors import ConfigError
from .locate import locate, read_toml
from .visible import shown_value
from .timecode import TimecodeError, parse_fps

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
    """Read and validate a series.toml; unknown keys, wrong types and bad values are errors naming the line."""
    path = Path(path)
    data, text = read_toml(path)

    def fail(message: str, needle: str | None = None, line: int | None = None, hint: str | None = None) -> ConfigError:
        return ConfigError(message, path=str(path), line=line or (_line_of(text, needle) if needle else None), hint=hint)

    unknown = set(data) - {"series", "characters"}
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown table {key!r}", key, hint="series.toml has [series] and [[characters]]")
    head = data.get("series", {})
    if not isinstance(head, dict):
        raise fail(f"series must be a table ([series]), not {shown_value(head)}", "series")
    bad = set(head) - _SERIES_KEYS
    if bad:
        key = sorted(bad)[0]
        raise fail(f"unknown key {key!r} in [series]", key, hint=f"known keys: {', '.join(sorted(_SERIES_KEYS))}")
    for key in ("title", "original_title", "synopsis", "genre", "notes"):
        if key in head and not isinstance(head[key], str):
            raise fail(f"series.{key} must be a string, not {shown_value(head[key])}", key)
    if "episodes" in head and (not isinstance(head["episodes"], int) or isinstance(head["episodes"], bool)
                               or not 0 <= head["episodes"] <= 100_000):
        raise fail(f"series.episodes must be a whole number of episodes, not {shown_value(head['episodes'])}",
                   "episodes")
    source_lang = _tag(head["source_lang"], "series.source_lang", fail) if "source_lang" in head else None
    fps = None
    if "fps" in head:
        try:
            if isinstance(head["fps"], (bool, dict, list)):
                raise TimecodeError(f"bad frame rate: {shown_value(head['fps'])}")
            fps = float(parse_fps(head["fps"]))
        except TimecodeError as exc:
            raise fail(f"series.fps: {exc}", "fps") from None
    raw_characters = data.get("characters", [])
    if not isinstance(raw_characters, list):
        raise fail(f"characters must be an array of tables ([[characters]]), not {shown_value(raw_characters)}",
                   "characters")
    characters = []
    for raw in raw_characters:
        if not isinstance(raw, dict):
            raise fail(f"each of characters must be a table ([[characters]]), not {shown_value(raw)}", "characters")
        key_value = raw.get("key", "")
        line = (_line_of(text, f'key = "{key_value}"') if isinstance(key_value, str) and key_value else None) or \
            (_line_of(text, str(raw.get("name"))) if isinstance(raw.get("name"), str) else None) or 0
        bad = set(raw) - _CHARACTER_KEYS
        if bad:
            key = sorted(bad)[0]
            raise fail(f"unknown key {key!r} in [[characters]]", line=line,
                       hint=f"known keys: {', '.join(sorted(_CHARACTER_KEYS))}")
        for key in ("key", "name", "gender", "role"):
            if key in raw and not isinstance(raw[key], str):
                raise fail(f"characters.{key} must be a string, not {shown_value(raw[key])}", line=line)
        if not raw.get("name"):
            raise fail("a character needs a name (as written in the source)", line=line)
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise fail("characters.aliases must be an array of strings", line=line)
        raw_addresses = raw.get("addresses", [])
        if not isinstance(raw_addresses, list):
            raise fail("characters.addresses must be an array of tables ([[characters.addresses]])", line=line)
        addresses = []
        for a in raw_addresses:
            if not isinstance(a, dict) or set(a) - _ADDRESS_KEYS or "to" not in a or \
                    not all(isinstance(v, str) for v in a.values()):
                raise fail("an address needs 'to' and 'zh' (forms separated by |), all strings", line=line)
            addresses.append(Address(a["to"], tuple(f for f in a.get("zh", "").split("|") if f), a.get("note", "")))
        names = raw.get("names", {})
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise fail("[characters.names] maps language codes to names", line=line)
        names = {_tag(lang, f"characters.names.{lang}", fail, line): name for lang, name in names.items()}
        characters.append(Character(key=str(raw.get("key", raw["name"])), name=raw["name"],
                                    gender=raw.get("gender", ""), role=raw.get("role", ""),
                                    names=names, addresses=tuple(addresses), line=line))
    return Series(path=str(path), title=head.get("title", ""), original_title=head.get("original_title", ""),
                  source_lang=source_lang, fps=fps, synopsis=head.get("synopsis", ""), characters=tuple(characters))


def _tag(value: Any, key: str, fail: Any, line: int | None = None) -> str:
    """A language tag such as th or zh-Hans, canonical; else the error ``fail`` builds."""
    tag = language_tag(value)
    if tag is None:
        raise fail(f"{key} must be a language tag such as \"th\" or \"zh-Hans\", not {shown_value(value)}",
                   key.rsplit(".", 1)[-1], line=line)
    return tag


def find_series(path: str | Path) -> Series | None:
    """The series.toml of the folder a file belongs to (see subloc.locate), if any."""
    toml = locate(path).series_toml
    return load_series(toml) if toml is not None else None
