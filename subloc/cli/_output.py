"""Rendering for people and for machines. rich is imported only when drawing for a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence

import click

from ..report import plural  # noqa: F401 - the commands' one way of writing counts


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]],
          right: Sequence[int] = ()) -> None:
    """A rich table on a terminal; tab-separated plain lines otherwise (easy to grep and cut)."""
    if is_terminal():
        from rich.cells import cell_len
        from rich.console import Console
        from rich.table import Table

        console = Console()
        cells = [[str(v) for v in row] for row in rows]
        natural = sum(max(cell_len(h), *(cell_len(r[i]) for r in cells)) + 3 for i, h in enumerate(headers)) + 1
        if natural > console.width:
            # Too wide for the terminal: one record per row, so no path is cut or folded into ambiguity.
            from rich.markup import escape

            if title:
                console.print(escape(title))
            for row in cells:
                console.print(f"[bold]{escape(row[0])}[/]", soft_wrap=True)
                console.print("  " + "  ".join(f"[dim]{escape(h)}:[/] {escape(v)}" for h, v in zip(headers[1:], row[1:])),
                              soft_wrap=True)
            return
        grid = Table(title=title, title_justify="left")
        for i, header in enumerate(headers):
            grid.add_column(header, justify="right" if i in right else "left", overflow="fold")
        for row in cells:
            grid.add_row(*row)
        console.print(grid)
        return
    if title:
        click.echo(f"# {title}")
    click.echo("\t".join(headers))
    for row in rows:
        click.echo("\t".join(str(v) for v in row))


def note(message: str) -> None:
    """A remark for people on stderr (what was repaired, mapped or dropped)."""
    click.echo(message, err=True)


def write_or_echo(text: str, output: str | None, summary: str) -> None:
    """Write ``text`` atomically to ``output`` (and say so on stderr), or print it."""
    if output:
        from pathlib import Path

        from ..formats import atomic_write
        atomic_write(Path(output), text.encode("utf-8"))
        click.echo(summary, err=True)
    else:
        click.echo(text, nl=False)
