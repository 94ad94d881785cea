"""What a fix run works on and reports: cues being repaired, changes, the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Cue, Track
from ..placement import region_of
from ..qa import all_rules


@dataclass(frozen=True)
class Change:
    cue: int  # 1-based position in the input
    line: int  # source line of the cue (0 if unknown)
    code: str  # the rule the change answers (T106, L101…) or "-" for hygiene without a rule
    message: str
    fixed: bool = True  # False: reported, not changed

    def __str__(self) -> str:
        status = "fixed" if self.fixed else "not fixed"
        return f"cue {self.cue}: {self.code} {status}: {self.message}"


@dataclass
class WorkCue:
    cue: Cue
    origin: int  # index in the input (for reports)
    orig_start: int
    orig_end: int
    merged: tuple[int, ...] = ()  # inputs merged into this cue


@dataclass
class FixResult:
    track: Track
    changes: list[Change] = field(default_factory=list)
    origins: list[tuple[int, ...]] = field(default_factory=list)  # input cue indices behind each output cue

    @property
    def changed(self) -> bool:
        return any(c.fixed for c in self.changes)

    @property
    def unfixed(self) -> list[Change]:
        return [c for c in self.changes if not c.fixed]


def region(cue: Cue) -> str:
    return region_of(cue.text, cue.settings)


# Rules whose findings fix promises to leave behind, except for cues it reports as not fixed: the rules
# that declare themselves ``fixable`` (the one place that says so is the rule class).
FIXES = tuple(code for code, rule in all_rules().items() if rule.fixable)
