"""The ``subloc`` command line: thin click commands over the library.

Each command builds the library objects, calls them, and renders the result; only this package
prints or exits. Exit codes: 0 success, 1 findings or failed work, 2 bad input, usage or
configuration, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import SublocError

EPILOG = """\b
Examples:
  subloc info samples/stand-in-bride/srt
  subloc convert samples/stand-in-bride/srt --to vtt -o out/vtt
  subloc --help COMMAND   (or: subloc COMMAND --help)
"""


# Which module registers each command: a run imports only its command's module (the CLI starts
# faster; tests/test_cli.py checks this table against what the modules register).
COMMANDS = {"info": "io_commands", "convert": "io_commands", "check": "qa_commands", "fix": "qa_commands",
            "rule": "qa_commands", "rules": "qa_commands", "glossary": "glossary_commands",
            "translate": "translate_commands", "backends": "translate_commands", "tm": "tm_commands",
            "pack": "pack_commands", "preview": "pack_commands"}


class SublocGroup(click.Group):
    """A group that turns subloc's errors and bad usage into one line on stderr and exit code 2, and
    imports a command's module when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            import importlib

            importlib.import_module(f"{__name__}.{COMMANDS[cmd_name]}").register(self)
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `subloc --help check` (or -h) shows check's help, as `subloc check --help` does.
        if len(args) >= 2 and args[0] in ctx.help_option_names and args[1] in self.list_commands(ctx):
            args = [args[1], args[0], *args[2:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except SublocError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx and exc.ctx is not ctx else ctx.command_path
            if where == ctx.command_path and ctx.invoked_subcommand:
                where += f" {ctx.invoked_subcommand}"
            click.echo(f"error: {where}: {exc.format_message()} (see `{where} --help`)".replace("\n", " "), err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `subloc info … | head`: the reader went away; exit quietly like other Unix tools.
            sys.stderr.close()
            ctx.exit(0)
        except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
            if os.environ.get("SUBLOC_DEBUG"):
                raise
            click.echo(f"error: internal error: {type(exc).__name__}: {exc} "
                       "(set SUBLOC_DEBUG=1 for the traceback, and please report it)", err=True)
            ctx.exit(3)


@click.group("subloc", cls=SublocGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="subloc")
def cli() -> None:
    """Localize Chinese micro-drama subtitles into Thai, Indonesian, Malay and Vietnamese.

    Reads and writes SRT and WebVTT losslessly; a folder argument means every .srt/.vtt file in
    it, recursively, in episode order (ep2 before ep10).
    """



def main() -> None:
    cli(prog_name="subloc")
