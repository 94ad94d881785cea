"""Quality checks for subtitle files: rules in families (T timing, L layout, X consistency, G glossary).

``model`` (the rule base and registry), ``findings``, ``context`` (what a rule sees), ``engine`` (the
rules over one track), ``rules/`` (one module per family), ``report`` (output formats). Checking files
under their project's configuration is :mod:`subloc.check`.
"""

from .engine import check_track, selected_rules
from .findings import FileResult, Finding
from .model import Rule, all_rules

__all__ = ["FileResult", "Finding", "Rule", "all_rules", "check_track", "selected_rules"]
