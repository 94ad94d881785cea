"""Rendering for people and for machines. rich is imported only when drawing for a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence

import click

from ..visible import plural  # noqa: F401 - the commands' one way of writing counts


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
        from rich.text import Text

        console = Console()
        cells = [[str(v) for v in row] for row in rows]
        natural = sum(max(cell_len(h), *(cell_len(r[i]) for r in cells)) + 3 for i, h in enumerate(headers)) + 1
        if natural > console.width:
            # Too wide for the terminal: one record per row, so no path is cut or folded into ambiguity.
            # Text, not markup: a cell holding "[/b]" (a glossary rendering, a file name) is shown as it is.
            if title:
                console.print(Text(title))
            for row in cells:
                console.print(Text(row[0], style="bold"), soft_wrap=True)
                line = Text("  ")
                for n, (h, v) in enumerate(zip(headers[1:], row[1:])):
                    line.append(("  " if n else "") + f"{h}:", style="dim")
                    line.append(f" {v}")
                console.print(line, soft_wrap=True)
            return
        grid = Table(title=Text(title) if title else None, title_justify="left")
        for i, header in enumerate(headers):
            grid.add_column(header, justify="right" if i in right else "left", overflow="fold")
        for row in cells:
            grid.add_row(*(Text(v) for v in row))
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
