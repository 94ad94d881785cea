"""What a run checks, and where its TM is, before anything is sent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Sequence

from ..backends import BackendOptions, preflight
from ..errors import UsageError
from ..glossary import series_dir_for


def default_tm_path(files: Sequence[Path]) -> Path:
    """``.subloc/tm.sqlite`` in the series folder (the one with series.toml), else next to the inputs."""
    series = series_dir_for(files[0])
    if series is None:
        series = Path(os.path.commonpath([str(f.resolve().parent) for f in files]))
    return series / ".subloc" / "tm.sqlite"


def create_check(name: str, options: BackendOptions, source: str, target: str) -> None:
    """Validate that a backend can take this language pair (and has its key) without sending anything."""
    preflight(name, options, source, target)


def check_writable(folder: Path) -> None:
    """Refuse before anything is sent when the output folder cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".subloc-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"cannot write to the output folder {folder}: {exc.strerror or exc}",
                         hint="choose another -o, or fix its permissions") from None
