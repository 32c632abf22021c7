"""Autofixes: libcst codemods bound to rules (`fix: safe|unsafe` in the rule's YAML), rewriting only the
flagged node so every other byte of the file stays as it was (Fixit's approach, ruff's safe/unsafe split).

Fixes are computed per finding in the worker (cached with the file's results) as line edits
(`edits.py`), which the CLI applies with `--fix`, prints with `--diff`, and reporters show (SARIF
`fixes`, the HTML report, `[*]` in text). libcst is imported only for files that have a fixable finding.

May import: the top-level modules and `checks.base`; never the pipeline (the CLI passes `apply` the
function that re-analyses a file).
"""

from .compute import annotate
from .registry import FIXERS, fixer_for

__all__ = ["FIXERS", "annotate", "fixer_for"]
