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


# --- PostgreSQL: a throwaway cluster for the session (tests/pg.py) --------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    import os

    from .pg import Cluster, find_bindir

    def missing(reason: str) -> None:
        if os.environ.get("SUBLOC_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"SUBLOC_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)

    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing("psycopg is not installed (pip install -e '.[dev]') - PostgreSQL TM tests skipped")
    bindir = find_bindir()
    if bindir is None:
        missing("no PostgreSQL binaries (initdb, pg_ctl) on this machine - PostgreSQL TM tests skipped "
                "(apt-get install postgresql)")
    if os.geteuid() == 0:
        import pwd
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root and no 'postgres' user to own the test cluster (initdb refuses root)")
    cluster = Cluster(bindir)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database in the session's cluster."""
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def tm_spec(request, tmp_path: Path) -> str:
    """A TM location of each kind: a file path, and a URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "tm.sqlite")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def series(tmp_path: Path) -> Path:
    """Two sample episodes in a series folder of their own (series.toml and series glossaries)."""
    import shutil

    sample = SAMPLES / "stand-in-bride"
    folder = tmp_path / "series"
    (folder / "srt").mkdir(parents=True)
    for name in ["series.toml", *[p.name for p in sample.glob("glossary.*.tsv")]]:
        shutil.copy(sample / name, folder / name)
    for ep in ("ep01", "ep02"):
        shutil.copy(sample / "srt" / f"{ep}.zh-Hans.srt", folder / "srt" / f"{ep}.zh-Hans.srt")
    return folder
