"""Complexity from radon, computed from the one `ast` tree the runner already parsed."""

from __future__ import annotations

import ast
from typing import Any

from radon.complexity import cc_visit_ast

from ..checks.base import FileContext, RadonCheck
from ..findings import Finding


def run_checks(tree: ast.Module, ctx: FileContext, checks: list[type[RadonCheck]]) -> list[Finding]:
    if not checks:
        return []
    blocks: list[Any] = cc_visit_ast(tree)
    out: list[Finding] = []
    for cls in checks:
        out.extend(cls(ctx).run(tree, blocks))
    return out
