"""Quality checks for subtitle files: rules in families (T timing, L layout, X consistency, G glossary)."""

from .engine import CheckOptions, FileResult, check_file, check_paths, check_track
from .model import Finding, Rule, all_rules

__all__ = ["CheckOptions", "FileResult", "Finding", "Rule", "all_rules", "check_file", "check_paths", "check_track"]
