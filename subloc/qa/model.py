"""Findings, rules and the rule registry.

A rule is one small class: a stable ``code`` (family letter + digits, never reused), a ``name`` that
states the problem, a default ``severity``, a failing and a passing example, a docstring that is its
documentation, and ``check(ctx)`` yielding findings. Rules register themselves with ``@register``;
every module in ``subloc/qa/rules/`` is imported, so adding a family is adding one module there.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, ClassVar, Iterator

from .findings import SEVERITIES, Finding, Severity

__all__ = ["SEVERITIES", "Finding", "Severity", "Rule", "register", "all_rules"]

if TYPE_CHECKING:
    from .context import CheckContext

class Rule:
    """Base of every rule. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    summary: ClassVar[str]  # one line: what is wrong
    # Examples, as SRT text in the example language; the tests run both through the real checker.
    fail_example: ClassVar[str]
    pass_example: ClassVar[str]
    example_lang: ClassVar[str] = "zh-Hans"
    # Rules that compare with the source track also give the source for each example.
    needs_source: ClassVar[bool] = False
    fail_source: ClassVar[str] = ""
    pass_source: ClassVar[str] = ""
    # Rules that need a glossary (the G family) get it from the context; examples give one as TSV.
    needs_glossary: ClassVar[bool] = False
    example_glossary: ClassVar[str] = ""
    # Rules about speakers read series.toml from the context; examples give one as TOML text.
    example_series: ClassVar[str] = ""
    # What `subloc fix` does about it: ``fixable`` rules are repaired (a finding left after fixing is
    # reported as "not fixed"), and ``manual_hint`` says what a person does when the fix cannot.
    fixable: ClassVar[bool] = False
    manual_hint: ClassVar[str] = "fix it by hand"
    # The rule's options (yamllint's CONF): the profile limits it reads, set per language and screen
    # by subloc.profiles and overridden by [limits] in subloc.toml.
    options: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def family(cls) -> str:
        return cls.code[0]

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.summary)


_REGISTRY: dict[str, type[Rule]] = {}
_LOADED = False


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to the registry; codes are unique."""
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise RuntimeError(f"rule code {cls.code} is used twice ({_REGISTRY[cls.code].__name__}, {cls.__name__})")
    _REGISTRY[cls.code] = cls
    _SORTED.clear()
    return cls


_SORTED: list[tuple[str, type[Rule]]] = []  # the registry in code order, until a rule is registered


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule by code, in code order (imports every module of subloc.qa.rules once)."""
    global _LOADED
    if not _LOADED:
        from . import rules

        for module in pkgutil.iter_modules(rules.__path__):
            importlib.import_module(f"{rules.__name__}.{module.name}")
        _LOADED = True
    if not _SORTED:
        _SORTED.extend(sorted(_REGISTRY.items()))
    return dict(_SORTED)
