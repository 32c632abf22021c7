"""The request paths a Flask `before_request` guard lets through before it checks anyone:
`if request.path.startswith(("/public/", "/login")): return` or `if request.path in OPEN_PATHS: return None`.
The hook guards every route of its app or blueprint except those: a route under one of them is as open as
without the hook."""

from __future__ import annotations

import ast

from ...checks.base import dotted


def _request_path(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("path", "full_path") and dotted(node.value) == "request"


def literal_names(node: ast.AST) -> list[str]:
    """Literal strings (a hook's endpoint names or paths), or `=NAME` for a constant the project pass resolves."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    ref = dotted(node)
    return [f"={ref}"] if ref else []


def _open_test(test: ast.AST) -> list[str]:
    """`prefix*` entries for startswith, exact paths for `in`/`==`."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return [p for v in test.values for p in _open_test(v)]
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith" \
            and _request_path(test.func.value) and test.args:
        return [s if s.startswith("=") else f"{s}*" for s in literal_names(test.args[0])] if not \
            isinstance(test.args[0], ast.Name) else [f"={test.args[0].id}*"]
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _request_path(test.left) and \
            isinstance(test.ops[0], (ast.In, ast.Eq)):
        return literal_names(test.comparators[0])
    return []


def open_paths(node: ast.If) -> list[str]:
    """The paths an `if` lets through: its test is an allow-list of request paths and its body starts by
    returning nothing (the request goes on to its view unchecked)."""
    first = node.body[0] if node.body else None
    if not isinstance(first, ast.Return) or not (first.value is None or isinstance(first.value, ast.Constant)
                                                 and first.value.value is None):
        return []
    return _open_test(node.test)


def path_open(patterns: list[str] | set[str], path: str) -> bool:
    """Whether a route's path is one the hook lets through (`prefix*` by prefix, else exactly)."""
    return any(path.startswith(p[:-1]) if p.endswith("*") else path == p for p in patterns)
