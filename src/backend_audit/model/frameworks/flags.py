"""Recognises a function's flag parameters (BA-INP-001): parameters whose value is only ever tested for truth
(`if force_new:`, `not p`, `bool(p)`). A request value handed to one decides a branch; its text goes nowhere,
so there is nothing for a schema to check."""

from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def flag_params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[int]:
    """Positions (after `self`/`cls`) of the positional parameters only tested for truth in the body."""
    params = [*func.args.posonlyargs, *func.args.args]
    offset = 1 if params and params[0].arg in ("self", "cls") else 0
    names = {p.arg: i - offset for i, p in enumerate(params) if i >= offset}
    if not names:
        return []
    tested: dict[str, int] = {}
    other: set[str] = set()
    todo: list[tuple[ast.AST, bool]] = [(st, False) for st in func.body]
    while todo:
        node, truth = todo.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                if truth:
                    tested[node.id] = tested.get(node.id, 0) + 1
                else:
                    other.add(node.id)
            continue
        for field, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for child in children:
                if isinstance(child, ast.AST):
                    todo.append((child, _truth_context(node, field, truth)))
    return sorted(names[n] for n in tested if n not in other)


def _truth_context(parent: ast.AST, field: str, truth: bool) -> bool:
    """Whether a child in `field` of `parent` is evaluated only for its truth."""
    if field == "test" and isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return True
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        return truth  # `a and b` inside a test is tested; as a value it is the operand itself
    if isinstance(parent, ast.Call) and field == "args" and isinstance(parent.func, ast.Name) and \
            parent.func.id == "bool" and len(parent.args) == 1:
        return True
    return False
