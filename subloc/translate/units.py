"""What is sent for a unit when a backend masks glossary terms, and how a reply is turned back."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from ..glossary import Masked, PlaceholderError, unmask
from ..languages import script_family
from ..tm import normalize

_TERM_RUN = re.compile(r"(?:⟦\d+⟧){2,}")


def merge_adjacent_terms(masked: Masked, language: str) -> Masked:
    """Glossary terms next to each other in the source (苏家别墅 = 苏家 + 别墅) travel as one placeholder whose
    rendering follows the target's word order: Chinese puts the modifier before its head; Indonesian, Malay
    and Vietnamese put the head first, words apart ("vila keluarga Su", not "keluarga Suvila"; "Nona Su Wan"
    for 苏晚小姐). Services pass glued placeholders through untouched, so they could not fix it themselves."""
    if script_family(language) != "latin" or len(masked.terms) < 2:
        return masked
    terms = dict(masked.terms)

    def merge(run: re.Match[str]) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", run.group(0))]
        if any(n not in terms for n in numbers):  # markup in the run: leave it as it is
            return run.group(0)
        entries = [terms.pop(n) for n in numbers]
        terms[numbers[0]] = replace(entries[0], source="".join(e.source for e in entries),
                                    targets=(" ".join(e.preferred for e in reversed(entries)),), dnt=False)
        return f"⟦{numbers[0]}⟧"

    text = _TERM_RUN.sub(merge, masked.text)
    return Masked(text, terms, dict(masked.tags)) if text != masked.text else masked


def verifier(masked: Masked) -> Callable[[str], str]:
    def verify(text: str) -> str:
        try:
            return normalize(unmask(text, masked))
        except PlaceholderError as exc:
            raise ValueError(str(exc)) from None
    return verify
