"""Project exceptions that answer 401/403: `raise NotPermitted()` refuses the caller as `raise Forbidden()` does.

Per-function facts, read by dep_guards.py: the project exception classes a function raises (by reference),
and, for an exception's `__init__`, whether its status defaults to 401/403
(`def __init__(self, message="Not permitted", status_code: int = 403)`). A class attribute (`status_code =
403`, werkzeug's `code = 403`) is read from the semantic model's class attributes.
"""

from __future__ import annotations

import ast

from ...checks.base import dotted

_REFUSALS = (401, 403)
_STATUS_WORDS = ("status", "code")


def refusal_facts(node: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST]) -> dict[str, object]:
    """`own`: the function's own nodes (`checks.base.own_nodes`): a raise in a nested def is not its own."""
    out: dict[str, object] = {}
    raised = set()
    for n in own:
        if isinstance(n, ast.Raise) and n.exc is not None:
            exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
            name = dotted(exc) or ""
            if name.rsplit(".", 1)[-1][:1].isupper():
                raised.add(name)
    if raised:
        out["raises"] = sorted(raised)
    if node.name == "__init__":
        args = [*node.args.posonlyargs, *node.args.args]
        pairs = list(zip(args[len(args) - len(node.args.defaults):], node.args.defaults))
        pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None]
        if any(any(w in a.arg.lower() for w in _STATUS_WORDS) and isinstance(d, ast.Constant) and
               d.value in _REFUSALS and not isinstance(d.value, bool) for a, d in pairs):
            out["refusal_status"] = True
    return out
