"""Code-quality checks (radon metrics)."""

from __future__ import annotations

import ast
from typing import Any

from radon.complexity import cc_rank

from ..findings import Finding
from .base import RadonCheck


class FunctionTooComplex(RadonCheck):
    RULE_ID = "BA-QUAL-001"

    def run(self, tree: ast.Module, blocks: list[Any]) -> list[Finding]:
        limit = int(self.option("max_complexity", 10))
        lines = self.ctx.text.splitlines()
        out: list[Finding] = []
        for block in _functions(blocks):
            if block.complexity <= limit:
                continue
            rank = cc_rank(block.complexity)
            level = "error" if rank in ("E", "F") else "warning"
            header = lines[block.lineno - 1] if 0 < block.lineno <= len(lines) else ""
            col = len(header) - len(header.lstrip())
            out.append(Finding(
                rule_id=self.RULE_ID, path=self.ctx.path, line=block.lineno, column=col + 1,
                end_line=block.lineno, end_column=len(header.rstrip()) + 1, level=level,
                message=f"{block.fullname} has cyclomatic complexity {block.complexity} (rank {rank}), above the "
                        f"limit of {limit}; split it into smaller functions",
                engine=self.ENGINE, snippet=f"def {block.fullname}", symbol=block.fullname,
                properties={"complexity": block.complexity, "rank": rank},
            ))
        return out


def _functions(blocks: list[Any]):
    """Functions and methods, never classes as a whole (radon lists methods inside class blocks)."""
    for b in blocks:
        if hasattr(b, "methods"):
            yield from b.methods
        else:
            yield b
