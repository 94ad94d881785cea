"""Reports of a check: text, concise, json, github, junit, sarif. Plain functions returning strings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from ..visible import plural
from .findings import FileResult
from .model import Finding, all_rules

FORMATS = ("text", "concise", "json", "github", "junit", "sarif")
INFO_URI = "https://github.com/subloc/subloc#rules"


def _findings(results: Sequence[FileResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    return {"files": len(results), "unreadable": sum(1 for r in results if r.error),
            "errors": sum(r.errors for r in results), "warnings": sum(r.warnings for r in results),
            "partly_checked": sum(1 for r in results if r.notes)}


def summary_line(results: Sequence[FileResult]) -> str:
    s = summary(results)
    text = f"{plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')} in {plural(s['files'], 'file')}"
    if s["unreadable"]:
        text += f"; {s['unreadable']} could not be checked"
    if s["partly_checked"]:
        text += f"; {s['partly_checked']} checked without {'its' if s['partly_checked'] == 1 else 'their'} source"
    return text


def statistics(results: Sequence[FileResult]) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count) per code, most frequent first, then by code."""
    from collections import Counter

    counts = Counter((f.code, f.name, f.severity) for f in _findings(results))
    return sorted(((c, n, s, k) for (c, n, s), k in counts.items()), key=lambda row: (-row[3], row[0], row[2]))


def render_statistics(results: Sequence[FileResult], fmt: str = "text") -> str:
    rows = statistics(results)
    if fmt == "json":
        return json.dumps([{"code": c, "name": n, "severity": s, "count": k} for c, n, s, k in rows],
                          ensure_ascii=False, indent=2) + "\n"
    width = max((len(str(k)) for *_, k in rows), default=1)
    lines = [f"{k:>{width}}  {c}  [{s}] {n}" for c, n, s, k in rows]
    return "\n".join([*lines, summary_line(results)]) + "\n"


def render_text(results: Sequence[FileResult]) -> str:
    lines = []
    for r in results:
        if r.error:
            lines.append(f"{r.error}  [not checked]")
        lines.extend(f"warning: {note}" for note in r.notes)
        for f in r.findings:
            lines.append(f"{f.file}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.name}: cue {f.cue}: {f.message}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


def render_concise(results: Sequence[FileResult]) -> str:
    lines = [f"{f.file}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}" for f in _findings(results)]
    lines += [f"{r.path}:1:1: E000 {r.error}" for r in results if r.error]
    lines += [f"warning: {note}" for r in results for note in r.notes]
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(results: Sequence[FileResult]) -> str:
    data = {
        "version": 1,
        "tool": {"name": "subloc", "version": __version__},
        "findings": _finding_rows(_findings(results)),
        "files": [{"path": r.path, "language": r.language, "cues": r.cues, "errors": r.errors,
                   "warnings": r.warnings, "error": r.error, "notes": r.notes} for r in results],
        "summary": summary(results),
    }
    return json_rows(data)


class _Rows(list):  # type: ignore[type-arg]
    """List items already written as JSON (json_rows puts them in as they are)."""


def _finding_rows(findings: Sequence[Finding]) -> _Rows:
    """``json.dumps(f.to_dict(), ensure_ascii=False)`` of each finding, written by one f-string (a test
    holds the two equal on awkward messages): json's encoder costs ~9 µs a finding, this ~2, and a report
    of a badly fitted series has thousands. Codes, names, severities and paths repeat: each is escaped
    once. (The numbers are ints, written by str() as json writes them.)"""
    q = json.encoder.encode_basestring
    known: dict[str, str] = {}
    for f in findings:
        for text in (f.code, f.name, f.severity, f.file):
            if text not in known:
                known[text] = q(text)
    return _Rows(f'{{"code": {known[f.code]}, "name": {known[f.name]}, "severity": {known[f.severity]}, '
                 f'"file": {known[f.file]}, "line": {f.line}, "cue": {f.cue}, "start_ms": {f.start_ms}, '
                 f'"end_ms": {f.end_ms}, "message": {q(f.message)}, "column": {f.column}}}'
                 for f in findings)


def json_rows(data: dict[str, Any]) -> str:
    """``data`` (a dict) as JSON with one key per line and one item per line in its lists: as readable as
    ``indent=2`` and greppable (a finding is one line), and written by json's C encoder (``indent`` makes
    json use its pure-Python encoder: 40 ms of a 90-episode check's report)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            rows = ",\n    ".join(value if isinstance(value, _Rows) else map(dumps, value))
            parts.append(f"  {dumps(key)}: [\n    {rows}\n  ]")
        else:
            parts.append(f"  {dumps(key)}: {dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(results: Sequence[FileResult]) -> str:
    lines = []
    for f in _findings(results):
        title = _gh_escape(f"{f.code} {f.name}", prop=True)
        lines.append(f"::{f.severity} file={_gh_escape(f.file, True)},line={f.line},col={f.column},title={title}::"
                     f"{_gh_escape(f'cue {f.cue}: {f.message}')}")
    for r in results:
        if r.error:
            lines.append(f"::error file={_gh_escape(r.path, True)},title=subloc::{_gh_escape(r.error)}")
        for note in r.notes:
            lines.append(f"::warning file={_gh_escape(r.path, True)},title=subloc::{_gh_escape(note)}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


def render_junit(results: Sequence[FileResult]) -> str:
    """One test suite; one test case per file, failing with its error-level findings."""
    from xml.sax.saxutils import escape, quoteattr  # lazily: it pulls in urllib
    s = summary(results)
    failures = sum(1 for r in results if r.errors)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="subloc" tests="{len(results)}" failures="{failures}" errors="{s["unreadable"]}">',
           f'  <testsuite name="subloc check" tests="{len(results)}" failures="{failures}" errors="{s["unreadable"]}">']
    for r in results:
        out.append(f"    <testcase classname={quoteattr('subloc.check')} name={quoteattr(r.path)}>")
        if r.error:
            out.append(f"      <error message={quoteattr(r.error)}/>")
        errors = [f for f in r.findings if f.severity == "error"]
        if errors:
            body = "\n".join(f"{f.file}:{f.line}: {f.code} [error] {f.message}" for f in errors)
            out.append(f"      <failure message={quoteattr(plural(len(errors), 'error'))} type=\"subloc\">{escape(body)}"
                       "</failure>")
        warnings = [f for f in r.findings if f.severity == "warning"]
        if warnings:
            body = "\n".join(f"{f.file}:{f.line}: {f.code} [warning] {f.message}" for f in warnings)
            out.append(f"      <system-out>{escape(body)}</system-out>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def render_sarif(results: Sequence[FileResult]) -> str:
    rules = list(all_rules().values())
    index = {cls.code: i for i, cls in enumerate(rules)}
    sarif_rules = [{
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary},
        "fullDescription": {"text": cls.doc()},
        "help": {"text": cls.doc()},
        "helpUri": f"{INFO_URI}-{cls.code.lower()}",
        "defaultConfiguration": {"level": cls.severity},
    } for cls in rules]
    sarif_results = []
    for f in _findings(results):
        sarif_results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": f.severity,
            "message": {"text": f"cue {f.cue}: {f.message}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": Path(f.file).as_posix()},
                "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
            }}],
            "properties": {"cue": f.cue, "start_ms": f.start_ms, "end_ms": f.end_ms},
        })
    notifications = [{"level": level, "message": {"text": text},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": Path(r.path).as_posix()}}}]}
                     for r in results for level, text in ([("error", r.error)] if r.error else []) +
                     [("warning", note) for note in r.notes]]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "subloc", "version": __version__, "informationUri": INFO_URI,
                                "rules": sarif_rules}},
            "invocations": [{"executionSuccessful": not any(r.error for r in results),
                             "toolExecutionNotifications": notifications}],
            "results": sarif_results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "concise": render_concise, "json": render_json, "github": render_github,
             "junit": render_junit, "sarif": render_sarif}


def render(results: Sequence[FileResult], fmt: str) -> str:
    return RENDERERS[fmt](results)
