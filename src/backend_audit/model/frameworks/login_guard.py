"""Middleware that guards by what it does: a class whose request hook refuses anonymous callers.

Django's `LoginRequiredMiddleware` is known by name; a project middleware (pretalx's `EventMiddleware`) is
known by its body: `__call__` / `process_request` / `process_view` / `dispatch`, or a `self.` method they
call, tests the user (`request.user.is_anonymous`, `not request.user.is_authenticated`) and answers with a
login redirect, a 401/403 or `PermissionDenied`. The `request.path.startswith("/orga")` tests around that
answer say which paths it guards; none means every path.
"""

from __future__ import annotations

import ast
from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from ...checks.base import dotted

_HOOKS = ("__call__", "__acall__", "process_request", "process_view", "dispatch")
_USER_TEST = frozenset({"is_anonymous", "is_authenticated"})
_DENIAL_CALLS = frozenset({"HttpResponseForbidden", "PermissionDenied", "NotAuthenticated", "HTTPForbidden",
                           "HTTPUnauthorized", "redirect_to_login", "AuthenticationFailed"})
_DENIAL_STATUSES = frozenset({"HTTP_401_UNAUTHORIZED", "HTTP_403_FORBIDDEN", "UNAUTHORIZED", "FORBIDDEN"})
_LOGIN = re.compile(r"(?i)login")
_MAX_PATHS = 64
_PATH_ATTRS = frozenset({"path", "path_info", "full_path", "url_path"})


def login_guard(node: ast.ClassDef) -> dict[str, Any] | None:
    """{"prefixes": [...], "line": n} when the class refuses anonymous requests (an empty prefix list: on
    every path), else None."""
    methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    paths: list[list[tuple[ast.expr, bool]]] = []
    memo: dict[str, list] = {}
    for hook in _HOOKS:
        if hook in methods:
            paths += _denial_paths(methods[hook], methods, 0, memo)
    guarded = [conds for conds in paths if any(_tests_user(t) for t, _ in conds)]
    if not guarded:
        return None
    prefixes: set[str] = set()
    for conds in guarded:
        found = {p for t, positive in conds if positive for p in _prefixes(t)}
        if not found:
            return {"prefixes": [], "line": node.lineno}  # one unconditional guard covers every path
        prefixes |= found
    return {"prefixes": sorted(prefixes), "line": node.lineno}


def refuses_anonymous(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function that refuses an anonymous caller: a login redirect, a 401/403 or `PermissionDenied` under a
    test of the user (`if permissions.user.is_anonymous: raise PermissionDenied(...)`). Called at the top of a
    view, such a helper is its login check."""
    return any(any(_tests_user(t) for t, _ in conds) for conds in _denial_paths(fn, {}, 0, {}))


def _denial_paths(fn: ast.AST, methods: dict[str, ast.AST], depth: int,
                  memo: dict[str, list]) -> list[list[tuple[ast.expr, bool]]]:
    """Per refusal reachable from `fn`: the if-tests around it (test, taken-when-true). Bounded: a hostile
    class cannot make this walk more than _MAX_PATHS paths or follow `self.` calls more than 3 deep."""
    out: list[list[tuple[ast.expr, bool]]] = []
    to_login = _login_locals(fn)

    def calls(node: ast.AST, conds: list[tuple[ast.expr, bool]]) -> None:
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            name = dotted(call.func) or ""
            callee = name[5:] if name.startswith("self.") else ""
            if callee in methods and depth < 3 and len(out) < _MAX_PATHS:
                if callee not in memo:
                    memo[callee] = []  # a method calling itself sees no paths of its own
                    memo[callee] = _denial_paths(methods[callee], methods, depth + 1, memo)
                out.extend([*conds, *inner] for inner in memo[callee][:_MAX_PATHS])

    def walk(stmts: list[ast.stmt], conds: list[tuple[ast.expr, bool]]) -> None:
        for st in stmts:
            if isinstance(st, ast.If):
                calls(st.test, conds)
                walk(st.body, [*conds, (st.test, True)])
                walk(st.orelse, [*conds, (st.test, False)])
            elif isinstance(st, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Try)):
                inner = [*st.body, *getattr(st, "orelse", []), *getattr(st, "finalbody", [])]
                inner += [s for h in getattr(st, "handlers", []) for s in h.body]
                walk(inner, conds)
            elif not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if isinstance(st, (ast.Return, ast.Raise)) and refusal_call(getattr(st, "value", None) or
                                                                        getattr(st, "exc", None), to_login):
                    out.append(conds)
                calls(st, conds)

    walk(getattr(fn, "body", []), [])
    return out


def _login_locals(fn: ast.AST) -> frozenset[str]:
    """Local names the function binds to a login address (`url = f"{settings.LOGIN_URL}?next=..."`): a
    redirect to one of them is a login redirect."""
    return frozenset(t.id for st in ast.walk(fn) if isinstance(st, ast.Assign) and any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and _LOGIN.search(n.value) or
        isinstance(n, ast.Attribute) and _LOGIN.search(n.attr) for n in ast.walk(st.value))
        for t in st.targets if isinstance(t, ast.Name))


def refusal_call(node: ast.AST | None, to_login: frozenset[str] = frozenset()) -> bool:
    """A login redirect (also to a local bound to a login address: `to_login`), `PermissionDenied`, or a
    response built with status 401/403."""
    if not isinstance(node, ast.Call):
        return False
    tail = (dotted(node.func) or "").rsplit(".", 1)[-1]
    if tail in _DENIAL_CALLS or (_LOGIN.search(tail) and "redirect" in tail.lower()):
        return True
    if tail in ("redirect", "HttpResponseRedirect", "RedirectResponse") and any(
            isinstance(n, ast.Constant) and isinstance(n.value, str) and _LOGIN.search(n.value) or
            isinstance(n, (ast.Name, ast.Attribute)) and (_LOGIN.search(dotted(n) or "") or dotted(n) in to_login)
            for n in ast.walk(node)):
        return True
    statuses = [*node.args, *(k.value for k in node.keywords if k.arg in ("status", "status_code"))]
    return any(isinstance(a, ast.Constant) and a.value in (401, 403) and type(a.value) is int or
               isinstance(a, ast.Attribute) and a.attr in _DENIAL_STATUSES for a in statuses)


def _tests_user(test: ast.expr) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr in _USER_TEST or anonymous_test(n) for n in ast.walk(test))


def anonymous_test(node: ast.AST) -> bool:
    """`isinstance(request.user, AnonymousUser)`: the caller has not logged in."""
    return isinstance(node, ast.Call) and dotted(node.func) == "isinstance" and len(node.args) == 2 and \
        (dotted(node.args[1]) or "").rsplit(".", 1)[-1] == "AnonymousUser"


def _prefixes(test: ast.expr) -> set[str]:
    """`request.path.startswith("/orga")` -> {"/orga"}; tests under `not` exclude, they do not scope."""
    out: set[str] = set()
    negated = {id(n.operand) for n in ast.walk(test) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)}
    for n in ast.walk(test):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith" and \
                id(n) not in negated and (dotted(n.func.value) or "").rsplit(".", 1)[-1] in _PATH_ATTRS:
            for a in n.args:
                values = a.elts if isinstance(a, (ast.Tuple, ast.List)) else [a]
                out |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return out
