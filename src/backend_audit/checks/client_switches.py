"""BA-DEP-005: a profiler or debug panel that the client switches on: the settings hand django-silk
(`SILKY_INTERCEPT_FUNC`, `SILKY_PYTHON_PROFILER_FUNC`) or django-debug-toolbar (`SHOW_TOOLBAR_CALLBACK`) a
function that decides from what the client sends (a cookie, a query parameter, a header) and never asks who
the user is. Any anonymous client then turns on recording or profiling (database writes and cProfile on
demand) or the toolbar's panels for its own requests by setting that value.

The evidence is the callable itself: a lambda or a function of the same module whose body reads the
request's COOKIES, GET/POST or client-set headers and no `request.user` (a staff check is the usual guard).
"""

from __future__ import annotations

import ast

from .base import AstCheck
from .recognise import is_dev_settings

_SWITCHES = {
    "SILKY_INTERCEPT_FUNC": "django-silk records every request it selects (database writes per request)",
    "SILKY_PYTHON_PROFILER_FUNC": "django-silk runs cProfile on every request it selects",
    "SHOW_TOOLBAR_CALLBACK": "django-debug-toolbar shows its panels (SQL, settings, headers, session) to every "
                             "request it selects",
}
_CLIENT_SET = frozenset({"COOKIES", "GET", "POST", "headers", "cookies", "args", "query_params"})


class ClientSwitchedProfiler(AstCheck):
    RULE_ID = "BA-DEP-005"
    PREFILTER = ("SILKY_INTERCEPT_FUNC", "SILKY_PYTHON_PROFILER_FUNC", "SHOW_TOOLBAR_CALLBACK")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.functions: dict[str, ast.FunctionDef] = {}
        self.pending: list[tuple[str, ast.expr]] = []

    def visit_Module(self, node: ast.Module) -> None:
        self.functions = {s.name: s for s in node.body if isinstance(s, ast.FunctionDef)}

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.ctx.function_stack or is_dev_settings(self.ctx.path):
            return
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in _SWITCHES:
                self._judge(target.id, node.value)
            elif isinstance(target, ast.Name) and isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values):
                    if isinstance(key, ast.Constant) and key.value in _SWITCHES and value is not None:
                        self._judge(key.value, value)

    def _judge(self, setting: str, value: ast.expr) -> None:
        if isinstance(value, ast.Lambda):
            args, body = value.args, [value.body]
        elif isinstance(value, ast.Name) and value.id in self.functions:
            fn = self.functions[value.id]
            args, body = fn.args, fn.body
        else:
            return  # a dotted path or an imported function: not followed
        params = [a.arg for a in (*args.posonlyargs, *args.args)]
        if not params:
            return
        request = params[0]
        read = None
        for n in ast.walk(ast.Module(body=list(body), type_ignores=[])):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == request:
                if n.attr in ("user", "auth"):
                    return  # the function asks who the user is: a staff check decides
                if n.attr in _CLIENT_SET:
                    read = read or n.attr
            elif _client_header(n, request):
                read = read or "META"
        if read is None:
            return
        self.report(value, f"{setting} decides from request.{read}, which any client sets, and never looks at "
                           f"request.user: {_SWITCHES[setting]}, so an anonymous client switches it on for its "
                           "own requests; check `request.user.is_staff` (or a secret only staff hold) in the "
                           "function", level="warning")


def _client_header(node: ast.AST, request: str) -> bool:
    """`request.META["HTTP_X_PROFILE"]` / `.get("HTTP_...")`: a header the client writes (REMOTE_ADDR is the
    peer's address, not the client's choice)."""
    if isinstance(node, ast.Subscript):
        holder, key = node.value, node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        holder, key = node.func.value, node.args[0]
    else:
        return False
    return isinstance(holder, ast.Attribute) and holder.attr == "META" and isinstance(holder.value, ast.Name) and \
        holder.value.id == request and isinstance(key, ast.Constant) and str(key.value).startswith("HTTP_")
