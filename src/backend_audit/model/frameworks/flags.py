"""Recognises a function's flag parameters (BA-INP-001): parameters whose value is only ever tested for truth
(`if force_new:`, `not p`, `bool(p)`). A request value handed to one decides a branch; its text goes nowhere,
so there is nothing for a schema to check."""

from __future__ import annotations

import ast


def flag_params(func: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST]) -> list[int]:
    """Positions (after `self`/`cls`) of the positional parameters only tested for truth in the body.
    `own`: the function's own nodes, a node before its children (`checks.base.own_nodes`)."""
    params = [*func.args.posonlyargs, *func.args.args]
    offset = 1 if params and params[0].arg in ("self", "cls") else 0
    names = {p.arg: i - offset for i, p in enumerate(params) if i >= offset}
    if not names:
        return []
    tested: dict[str, int] = {}
    other: set[str] = set()
    truth: set[int] = set()  # ids of the nodes evaluated only for their truth (parents come first in `own`)
    for node in own:
        if isinstance(node, ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                if id(node) in truth:
                    tested[node.id] = tested.get(node.id, 0) + 1
                else:
                    other.add(node.id)
        elif isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            truth.add(id(node.test))
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                truth.add(id(node.operand))
        elif isinstance(node, ast.BoolOp):
            if id(node) in truth:  # `a and b` inside a test is tested; as a value it is the operand itself
                truth.update(id(v) for v in node.values)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "bool" and \
                len(node.args) == 1:
            truth.add(id(node.args[0]))
    return sorted(names[n] for n in tested if n not in other)
