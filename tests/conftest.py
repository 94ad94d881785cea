from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def run_cli(runner, *args: str, input: str | None = None):
    from subloc.cli import cli

    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
