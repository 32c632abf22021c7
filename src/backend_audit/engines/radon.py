"""Complexity from radon, computed from the one `ast` tree the runner already parsed."""

from __future__ import annotations

import ast
import tokenize
from typing import Any

from radon.complexity import cc_visit_ast

from ..checks.base import FileContext, RadonCheck
from ..findings import Finding


def run_checks(tree: ast.Module, ctx: FileContext, checks: list[type[RadonCheck]]) -> tuple[list[Finding], list[str]]:
    """(findings, errors): a check radon cannot evaluate on this file is named in errors, the others still run."""
    if not checks:
        return [], []
    blocks: list[Any] = cc_visit_ast(tree)
    out: list[Finding] = []
    errors: list[str] = []
    for cls in checks:
        try:
            out.extend(cls(ctx).run(tree, blocks))
        except (SyntaxError, tokenize.TokenError, StopIteration, ValueError) as exc:
            # radon.raw.analyze re-tokenizes line by line and trips on odd control characters
            errors.append(f"{cls.RULE_ID}: {type(exc).__name__}: {exc}")
    return out, errors
