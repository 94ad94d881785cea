"""Text for people: text from files shown safely (control and format characters escaped, so that a name
or a glossary term can never move the cursor, recolour or clear a terminal (ESC, CSI…) or hide itself
(RTL override)), and counts written with their plural (:func:`plural`)."""

from __future__ import annotations

import unicodedata
from typing import Any

_HIDDEN = ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs")


def is_hidden(ch: str) -> bool:
    """A character that a terminal acts on or does not show: controls, format characters, separators."""
    return unicodedata.category(ch) in _HIDDEN and ch != "\u200d"  # ZWJ is part of emoji and Indic text


def visible(text: str) -> str:
    """``text`` with every hidden character written as a Python escape (``\\x1b``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii") if is_hidden(ch) else ch for ch in text)


def shown_value(value: Any) -> str:
    """A value as the message shows it: short, and a table or array by its kind, not its contents."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return visible(repr(value) if not isinstance(value, bool) else str(value).lower())[:60]


def plural(count: int, word: str) -> str:
    """'1 warning', '2 warnings', '0 files': every count subloc prints goes through here."""
    return f"{count} {word}{'' if count == 1 else 's'}"
