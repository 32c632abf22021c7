"""Middleware that guards a whole server by a shared credential: a class whose request hook (`dispatch`,
`__call__`) compares a request header (a bearer token, a password, an API key) with a value it holds and
answers 401/403 otherwise, letting a few probe paths through (`CheckPasswordMiddleware`). Unlike
login_guard.py it tests no user: the credential itself is the login, for every path.
"""

from __future__ import annotations

import ast
from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from ...checks.base import dotted
from .functions import keyed_read
from .login_guard import refusal_call

_HOOKS = ("__call__", "dispatch")
_CREDENTIAL = re.compile(r"(?i)^(authorization|x[-_][\w-]*(key|token|password|secret|auth)[\w-]*|"
                         r"[\w-]*(api[-_]?key|token|password|secret)[\w-]*)$")


def credential_guard(node: ast.ClassDef) -> dict[str, Any] | None:
    """{"line": n, "header": name} when a request hook compares a credential header and refuses otherwise."""
    for f in node.body:
        if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) or f.name not in _HOOKS:
            continue
        header = _compared_header(f)
        if header and any(isinstance(n, (ast.Return, ast.Raise)) and
                          refusal_call(getattr(n, "value", None) or getattr(n, "exc", None)) for n in ast.walk(f)):
            return {"line": node.lineno, "header": header}
    return None


def _compared_header(fn: ast.AST) -> str | None:
    """The credential header a comparison in `fn` reads: `request.headers.get("Authorization") == ...`,
    `compare_digest(headers["x-api-key"], ...)`."""
    for n in ast.walk(fn):
        if isinstance(n, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in n.ops):
            sides = [n.left, *n.comparators]
        elif isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] == "compare_digest":
            sides = list(n.args)
        else:
            continue
        for side in sides:
            name = _header_read(side)
            if name:
                return name
    return None


def _header_read(node: ast.AST) -> str | None:
    read = keyed_read(node)
    if read is None:
        return None
    owner, key = read
    if (dotted(owner) or "").rsplit(".", 1)[-1] != "headers":
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and _CREDENTIAL.match(key.value):
        return key.value
    return None
