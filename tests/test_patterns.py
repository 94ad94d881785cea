"""subloc.patterns: regular expressions compiled on first use, answering as re.compile's do."""

from __future__ import annotations

import re

import pytest

from subloc.patterns import lazy


def test_a_lazy_pattern_is_compiled_by_its_first_use_only() -> None:
    broken = lazy("(unclosed")  # nothing compiled yet: no error at import time
    assert broken.pattern == "(unclosed"
    with pytest.raises(re.error):
        broken.search("text")


@pytest.mark.parametrize("source, flags, text", [
    (r"(\d+)[.,](\d+)", 0, "5.000 và 3,5 triệu"),
    (r"^[ \t]+$", re.MULTILINE, "a\n  \n\t\nb"),
    (r"(?<![\w])(anh|em)(?![\w])", re.IGNORECASE, "Anh ơi, em đây. ANH!"),
])
def test_a_lazy_pattern_answers_as_the_compiled_one(source: str, flags: int, text: str) -> None:
    pattern, compiled = lazy(source, flags), re.compile(source, flags)
    assert pattern.findall(text) == compiled.findall(text)  # the first use compiles
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert pattern.sub("#", text) == compiled.sub("#", text) and pattern.split(text) == compiled.split(text)
    assert bool(pattern.match(text)) == bool(compiled.match(text))
    assert pattern.flags == compiled.flags and pattern.groups == compiled.groups  # other attributes pass through
