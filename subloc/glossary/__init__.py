"""Per-language glossaries: loading, layering, matching, masking for translation, compliance.

The package is split by concern; every public name is importable from ``subloc.glossary``:

* ``terms`` — :class:`Entry`, :class:`Match`, :class:`Problem` and the matching text rules;
* ``tsv`` — the TSV file format (read, write, flags);
* ``model`` — :class:`Glossary`: entries by source, layering, matching in a source text;
* ``layering`` — where glossaries live (base, series) and :func:`glossary_for`;
* ``compliance`` — whether a translation uses the renderings (:func:`has_rendering`…);
* ``masking`` — placeholders for machine translation (:func:`mask`, :func:`unmask`);
* ``interchange`` — CSV and TBX import and export, :func:`merge`.
"""

from __future__ import annotations

from .compliance import contains_rendering, forbidden_found, glossary_misses, has_rendering
from .layering import base_dirs, base_path, glossary_for, load_stack, series_dir_for, series_glossary, stack_files
from .masking import PLACEHOLDER, Masked, PlaceholderError, mask, unmask
from .model import Glossary
from .terms import Entry, Match, Problem
from .tsv import HEADER, KNOWN_FLAGS, cell_problem, parse_flags, read_text, read_tsv, write_tsv

_INTERCHANGE = ("export_csv", "export_tbx", "import_file", "import_table", "import_tbx", "merge")


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """CSV/TBX import and export, loaded when first used: checking and translating never read XML."""
    if name in _INTERCHANGE:
        from . import interchange
        return getattr(interchange, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Entry", "Match", "Problem", "Glossary", "HEADER", "KNOWN_FLAGS", "cell_problem", "parse_flags", "read_text",
    "read_tsv", "write_tsv", "base_dirs", "base_path", "series_dir_for", "series_glossary", "glossary_for", "load_stack",
    "stack_files",
    "contains_rendering", "has_rendering", "forbidden_found", "glossary_misses",
    "PLACEHOLDER", "Masked", "PlaceholderError", "mask", "unmask",
    "export_csv", "export_tbx", "import_file", "import_table", "import_tbx", "merge",
]
