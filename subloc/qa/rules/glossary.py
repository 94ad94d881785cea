"""G: glossary compliance against the source track (``--source``; ``--glossary`` or the language's own)."""

from __future__ import annotations

from typing import Iterator

from ..context import CheckContext
from ..model import Finding, Rule, register

_EXAMPLE = ("source\ttarget\tnote\tflags\n"
            "少奶奶\tคุณนายน้อย|คุณผู้หญิง\tstaff address\tforbidden=คุณย่าน้อย\n"
            "顾总\tประธานกู้\t\t\n"
            "CEO\tCEO\t\tdnt,case\n")


def _matches(ctx: CheckContext):  # type: ignore[no-untyped-def]
    """(target index, source index, entry) for every glossary term in each paired source cue."""
    return ctx.glossary_matches


def _target(ctx: CheckContext, i: int) -> str:
    return " ".join(ctx.visible_lines[i])


@register
class GlossaryTermMissing(Rule):
    """A glossary term of the source cue has none of its approved renderings in the translation.

    What it does: finds the glossary's source terms in each source cue (Chinese by substring, longest
    first, no overlaps; Latin terms on word boundaries) and requires one of the entry's allowed
    renderings (``A|B``) in the paired target cue: on word boundaries (Thai ones found by word
    segmentation), Indonesian and Malay inflected forms included (menampar for tampar), Vietnamese
    old and new tone placement alike (thoả = thỏa). Entries flagged ``generic`` (renderings as
    common as the pronouns anh/em/chị) are context only and never raise it.
    Why it matters: 90 episodes stay consistent only if 总裁, 少奶奶 and every name come out the same
    way each time; no translation engine guarantees it, and DeepL has no Thai or Malay glossaries.
    """

    code, name, severity = "G101", "glossary-term-missing", "error"
    summary = "a glossary term of the source has no approved rendering in the target"
    example_lang = "th"
    needs_source = needs_glossary = True
    example_glossary = _EXAMPLE
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n顾总，少奶奶她……\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nท่านประธาน ภรรยาของคุณ…\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nประธานกู้ คุณนายน้อย…\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.source is None or ctx.glossary is None:
            return
        from ...glossary.compliance import has_rendering  # only when the rule runs (with --source)

        for i, j, entry in _matches(ctx):
            if entry.dnt or entry.generic or has_rendering(entry, _target(ctx, i), ctx.language):
                continue
            yield ctx.finding(self, i, f"source cue {j + 1} has {entry.source!r}: write "
                                       f"{' or '.join(repr(t) for t in entry.targets)} (glossary {entry.where()})")


@register
class ForbiddenRendering(Rule):
    """The translation uses a rendering the glossary forbids for a term of the source cue.

    What it does: for each glossary term found in the source cue, flags any of its ``forbidden=``
    renderings in the paired target cue (a misspelt name, a literal mistranslation such as
    "seribu emas" for 千金).
    Why it matters: known machine-translation mistakes come back in every episode unless caught.
    """

    code, name, severity = "G102", "forbidden-rendering", "error"
    summary = "the target uses a rendering the glossary forbids"
    example_lang = "th"
    needs_source = needs_glossary = True
    example_glossary = _EXAMPLE
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n少奶奶她……\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nคุณย่าน้อย คุณนายน้อย…\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nคุณนายน้อย…\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.source is None or ctx.glossary is None:
            return
        from ...glossary.compliance import forbidden_found  # only when the rule runs (with --source)

        for i, j, entry in _matches(ctx):
            bad = forbidden_found(entry, _target(ctx, i), ctx.language)
            if bad:
                yield ctx.finding(self, i, f"{bad[0]!r} is a forbidden rendering of {entry.source!r} (source cue "
                                           f"{j + 1}): write {' or '.join(repr(t) for t in entry.renderings)}")


@register
class DoNotTranslateAltered(Rule):
    """A do-not-translate term of the source does not survive in the translation.

    What it does: for glossary entries flagged ``dnt`` (brand names, acronyms such as CEO or VIP), the
    source form must appear unchanged in the paired target cue (case-sensitively when flagged ``case``).
    Why it matters: translated or respelt brand names and acronyms break legal and marketing
    requirements, and viewers search for the original form.
    """

    code, name, severity = "G103", "do-not-translate-altered", "error"
    summary = "a do-not-translate term was translated or altered"
    example_lang = "th"
    needs_source = needs_glossary = True
    example_glossary = _EXAMPLE
    fail_source = "1\n00:00:01,000 --> 00:00:03,000\n他是CEO又怎样？\n"
    fail_example = "1\n00:00:01,000 --> 00:00:03,000\nเป็นซีอีโอแล้วยังไง\n"
    pass_source = fail_source
    pass_example = "1\n00:00:01,000 --> 00:00:03,000\nเป็น CEO แล้วยังไง\n"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.source is None or ctx.glossary is None:
            return
        from ...glossary.compliance import has_rendering  # only when the rule runs (with --source)

        for i, j, entry in _matches(ctx):
            if entry.dnt and not has_rendering(entry, _target(ctx, i), ctx.language):
                yield ctx.finding(self, i, f"{entry.source!r} of source cue {j + 1} must stay as it is "
                                           f"(do not translate; glossary {entry.where()})")
