"""Language tags: recognizing them in paths and normalizing them to the profiles' names."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# ISO 639-1 codes: a folder named 'srt' or 'out' must not pass for a language.
ISO639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu fil yue
""".split())

_CANONICAL = {
    "zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hans-cn": "zh-Hans",
    "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-hant-tw": "zh-Hant",
    "in": "id", "id-id": "id", "ms-my": "ms", "may": "ms", "msa": "ms", "zsm": "ms", "ind": "id",
    "th-th": "th", "tha": "th", "vi-vn": "vi", "vie": "vi", "en-us": "en", "en-gb": "en", "eng": "en",
    "zho": "zh-Hans", "chi": "zh-Hans",
}

NAMES = {"zh-Hans": "Chinese (Simplified)", "zh-Hant": "Chinese (Traditional)", "th": "Thai",
         "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "en": "English"}

TARGETS = ("th", "id", "ms", "vi")


def is_language_tag(text: str) -> bool:
    """True for tags like th, zh-Hans, pt-BR whose primary subtag is a real language."""
    parts = text.split("-")
    if not parts[0].isascii() or parts[0].lower() != parts[0] or parts[0] not in ISO639_1:
        return False
    rest = parts[1:]
    if len(rest) > 2:
        return False
    return all(p.isascii() and p.isalnum() and 2 <= len(p) <= 4 for p in rest)


def language_problem(tag: str, role: str = "") -> str | None:
    """Why ``tag`` is not a language code subloc can use (one line, with the fix), or None when it is one."""
    code = canonical(tag)
    if code in NAMES or is_language_tag(code):
        return None
    return f"unknown {role + ' ' if role else ''}language {tag!r}: use a code such as th, id, ms, vi or zh-Hans"


@lru_cache(maxsize=512)  # called for every counted line
def canonical(tag: str) -> str:
    """Normalize a language tag: zh/zh-CN -> zh-Hans, in -> id, th-TH -> th; others lower-cased primary."""
    key = tag.strip().replace("_", "-").lower()
    if key in _CANONICAL:
        return _CANONICAL[key]
    primary = key.split("-")[0]
    return _CANONICAL.get(primary, primary) if primary in ISO639_1 or primary in _CANONICAL else tag.strip()


@lru_cache(maxsize=512)
def script_family(tag: str) -> str:
    """The counting family a language uses: 'cjk', 'thai' or 'latin'."""
    lang = canonical(tag)
    if lang.startswith("zh") or lang in ("ja", "ko", "yue"):
        return "cjk"
    if lang in ("th", "lo"):
        return "thai"
    return "latin"


def language_tag(value: Any) -> str | None:
    """``value`` as a canonical language tag (th, zh-Hans), or None when it is not one."""
    return canonical(value) if isinstance(value, str) and is_language_tag(canonical(value)) else None
