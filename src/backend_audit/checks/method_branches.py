"""Which statements of a view that accepts GET and unsafe methods (`@require_http_methods(["GET", "POST"])`,
DRF's `@action(methods=["get", "post"])`) a GET request can reach.

Such a view decides what to do by `request.method`; a write under `if request.method == "POST":` (or after
`if request.method != "POST": return ...`) is the POST's, not the GET's. The tests are read in three values
under the assumption "this request is a GET": a method comparison is known, `request.POST`/`FILES` is empty, an
form or serializer built from the body (`Form(request.POST)`, `Serializer(data=request.data)`) does not
validate, and anything else is unknown, so a branch is left out only when its test is
known to be false for a GET (or true, for an `else`)."""

from __future__ import annotations

import ast

from .base import dotted

_BODY = frozenset({"POST", "FILES", "data", "body"})


def _method_read(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "method" and (dotted(node.value) or "").endswith("request")


def _literal_methods(node: ast.AST) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value.upper()}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return {e.value.upper() for e in node.elts}
    return None


def _body_read(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in _BODY and (dotted(node.value) or "").endswith("request")


def on_get(test: ast.AST, posted: frozenset[str] = frozenset()) -> bool | None:
    """The test's truth for a GET request: True, False, or None when it does not follow from the method.
    `posted`: the locals holding a form or serializer built from the request body."""
    if isinstance(test, ast.BoolOp):
        values = [on_get(v, posted) for v in test.values]
        stop = isinstance(test.op, ast.Or)  # `or` is decided by a True, `and` by a False
        if stop in values:
            return stop
        return None if None in values else not stop
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        value = on_get(test.operand, posted)
        return None if value is None else not value
    if isinstance(test, ast.NamedExpr):
        return on_get(test.value, posted)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _method_read(test.left):
        methods = _literal_methods(test.comparators[0])
        if methods is None:
            return None
        op = test.ops[0]
        if isinstance(op, (ast.Eq, ast.In)):
            return "GET" in methods
        if isinstance(op, (ast.NotEq, ast.NotIn)):
            return "GET" not in methods
        return None
    if isinstance(test, ast.Attribute) and test.attr in ("POST", "FILES") and \
            (dotted(test.value) or "").endswith("request"):
        return False  # a GET carries no form body
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "is_valid" and \
            isinstance(test.func.value, ast.Name) and test.func.value.id in posted:
        return False  # a form bound to a GET's empty body does not validate
    return None


def _posted(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Locals bound to a call handed the request body: `form = Form(request.POST or None)`."""
    out = set()
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and any(
                _body_read(a) for a in ast.walk(n.value)):
            out.update(t.id for t in n.targets if isinstance(t, ast.Name))
    return frozenset(out)


def _ends(block: list[ast.stmt]) -> bool:
    return bool(block) and isinstance(block[-1], (ast.Return, ast.Raise))


def unreached_on_get(fn: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST] | None = None) -> set[int]:
    """The ids of the nodes of `fn`'s body a GET request cannot reach (`nodes`: the function's own nodes, when
    the caller has them)."""
    out: set[int] = set()
    if any(_method_read(n) or _body_read(n) for n in (ast.walk(fn) if nodes is None else nodes)):
        _block(fn.body, out, _posted(fn))
    return out


def _drop(stmts: list[ast.stmt], out: set[int]) -> None:
    for stmt in stmts:
        out.update(id(n) for n in ast.walk(stmt))


def _block(stmts: list[ast.stmt], out: set[int], posted: frozenset[str]) -> bool:
    """Marks what a GET cannot reach in `stmts`; True when no GET gets past them."""
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.If):
            value = on_get(stmt.test, posted)
            body_ends = _drop(stmt.body, out) if value is False else _block(stmt.body, out, posted)
            else_ends = _drop(stmt.orelse, out) if value is True else _block(stmt.orelse, out, posted)
            if value is True and (body_ends or _ends(stmt.body)) or \
                    value is False and (else_ends or _ends(stmt.orelse)) or \
                    value is None and (body_ends or _ends(stmt.body)) and (else_ends or _ends(stmt.orelse)):
                _drop(stmts[i + 1:], out)
                return True
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Try)):
            # branches inside are judged; whether the block lets a GET past is not (a loop may not run)
            for block in (stmt.body, getattr(stmt, "orelse", []), getattr(stmt, "finalbody", []),
                          *[h.body for h in getattr(stmt, "handlers", [])]):
                _block(block, out, posted)
    return False
