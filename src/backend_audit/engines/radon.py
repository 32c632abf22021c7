"""Complexity from radon, computed from the one `ast` tree the runner already parsed."""

from __future__ import annotations

import ast
import tokenize
from typing import Any

from radon.visitors import ComplexityVisitor

from ..checks.base import FileContext, RadonCheck
from ..findings import Finding


def run_checks(tree: ast.Module, ctx: FileContext, checks: list[type[RadonCheck]]) -> tuple[list[Finding], list[str]]:
    """(findings, errors): a check radon cannot evaluate on this file is named in errors, the others still run."""
    if not checks:
        return [], []
    # one complexity pass serves both rules: the per-function blocks (what cc_visit_ast returns) and the
    # module total the maintainability index needs
    cc = ComplexityVisitor.from_ast(tree)
    out: list[Finding] = []
    errors: list[str] = []
    for cls in checks:
        try:
            out.extend(cls(ctx).run(tree, cc))
        except (SyntaxError, tokenize.TokenError, StopIteration, ValueError) as exc:
            # radon.raw.analyze re-tokenizes line by line and trips on odd control characters
            errors.append(f"{cls.RULE_ID}: {type(exc).__name__}: {exc}")
    return out, errors
