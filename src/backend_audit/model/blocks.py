"""Shapes of `ast` statements and calls that facts and checks read the way they read them on libcst."""

from __future__ import annotations

import ast

from ..checks.base import FUNCTIONS, FileContext

# Statements that own blocks; every other statement is a "small" one (libcst's SimpleStatementLine items).
COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match,
            ast.ClassDef, *FUNCTIONS)


def call_args(call: ast.Call) -> list[ast.AST]:
    """Every argument expression of a call in source order, positional and keyword alike (`*x` and `**x`
    give x): the order libcst's `Call.args` had, which `args[0]` / `args[-1]` readings depend on."""
    if not call.keywords:
        return [a.value if isinstance(a, ast.Starred) else a for a in call.args]
    merged = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    return [a.value if isinstance(a, (ast.Starred, ast.keyword)) else a for a in merged]


def inline_suite(ctx: FileContext, block: list[ast.stmt]) -> bool:
    """A block written on its header's line (`if x: y = 1`), libcst's SimpleStatementSuite: the collectors
    count and read only indented blocks, as they did on libcst."""
    if not block or isinstance(block[0], COMPOUND):
        return False  # a compound statement always starts its own line
    first = block[0]
    line = ctx.lines[first.lineno - 1] if 0 < first.lineno <= len(ctx.lines) else ""
    return bool(line.encode("utf-8")[:first.col_offset].strip())


def blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement owns, in libcst's order (handlers after finally)."""
    out = [getattr(stmt, name) for name in ("body", "orelse", "finalbody") if getattr(stmt, name, None)]
    out += [h.body for h in getattr(stmt, "handlers", ())]
    out += [c.body for c in getattr(stmt, "cases", ())]
    return out
