"""E: the file itself: blocks the reader could not read.

A linter reports a syntax error as a finding and checks the rest (ruff's E999); so does subloc: the
reader keeps every readable cue (a salvaging read), every other rule checks those, and each damaged
block is one E101 finding at its line.
"""

from __future__ import annotations

from typing import Iterator

from ..context import CheckContext
from ..model import Finding, Rule, register


@register
class UnreadableBlock(Rule):
    """A block of the file cannot be read, so its text is in no cue.

    What it does: reports each block the reader had to skip (a broken or truncated timing line such
    as ``00:00:18,`` or ``00:01:39 --> 00:01:41,04``, a bare ``-->``, text where a cue should start)
    at its line, with what is wrong and the text that was not read. Every other cue of the file is
    still checked.
    Why it matters: a player skips such a block too: the line is never shown. ``convert`` and ``fix``
    refuse the file until it is fixed, or keep the readable cues with ``--salvage``.
    """

    code, name, severity = "E101", "unreadable-block", "error"
    summary = "a block of the file cannot be read (its text is in no cue)"
    example_lang = "th"
    fail_example = ("1\n00:00:15,200 --> 00:00:17,400\nคุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ\n\n"
                    "2\n00:00:17,600 --> 00:00:18,\nบอกเขาว่าฉันไม่ลงไป\n")
    pass_example = ("1\n00:00:15,200 --> 00:00:17,400\nคุณหนูคะ คุณท่านรออยู่ข้างล่างค่ะ\n\n"
                    "2\n00:00:17,600 --> 00:00:18,900\nบอกเขาว่าฉันไม่ลงไป\n")

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for block in ctx.track.damaged:
            # The block is in no cue, so it has no cue number (0); the message says where it sits.
            before = sum(1 for cue in ctx.cues if cue.line and cue.line < block.line)
            where = f"after cue {before}" if before else "before the first cue"
            text = block.text.replace("\n", " / ")
            if len(text) > 60:
                text = text[:59] + "…"
            yield Finding(code=self.code, name=self.name, severity=self.severity, file=ctx.path, line=block.line,
                          cue=0, start_ms=0, end_ms=0,
                          message=f"block {where}: {block.message}: {text!r} is in no cue: fix the block")
