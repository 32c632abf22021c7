"""BA-PERF-007: a loop whose count the request sets, making an outbound HTTP call on each pass
(`pages = int(request.GET.get("pages", 1))` then `for p in range(1, pages + 1): requests.get(...)`).

One request then costs the server as many outbound calls as the client asks for: a request-controlled
amplification (CWE-770) that ties up a worker and hits the upstream (often the application's own API) once
per pass. The evidence is in one function: the `range()` bound is request data (through `int()`/`float()`
and local names), nothing in the function caps it (no `min()` of it, no comparison of it), and the loop's
own body calls an HTTP client. Calls reached through helpers are not followed.
"""

from __future__ import annotations

import ast

from .base import AstCheck
from .request_data import RequestData

_CLIENT_ROOTS = ("requests.", "httpx.", "urllib.request.urlopen", "urllib3.", "aiohttp.")
_NUMBERS = frozenset({"builtins.int", "builtins.float", "builtins.abs", "builtins.round"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class RequestSizedFanOut(AstCheck):
    RULE_ID = "BA-PERF-007"
    PREFILTER = ("range(",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.data: tuple[ast.AST, RequestData] | None = None

    def visit_For(self, node: ast.For) -> None:
        it = node.iter
        if not self.ctx.function_stack or not isinstance(it, ast.Call) or \
                self.ctx.qualname(it.func) != "builtins.range" or not it.args:
            return
        bound = it.args[1] if len(it.args) > 1 else it.args[0]
        names = {n.id for n in ast.walk(bound) if isinstance(n, ast.Name)}
        if not names:
            return
        call = self._outbound(node.body)
        if call is None:
            return
        fn = self.ctx.function_stack[-1]
        data = self._request_data(fn)
        held = sorted(n for n in names if data.holds(ast.Name(id=n, ctx=ast.Load())) or n in self._numbers(fn, data))
        if not held or self._capped(fn, set(held)):
            return
        name = held[0]
        self.report(bound, f"the loop runs `{name}` times, a number the request sets with no cap in this "
                           f"function, and line {call.lineno} makes an outbound HTTP call on each pass: one request "
                           "costs as many upstream calls as the client asks for; cap it (`min(value, LIMIT)`) or "
                           "reject larger values", level="warning")

    visit_AsyncFor = visit_For

    def _outbound(self, body: list[ast.stmt]) -> ast.Call | None:
        todo = list(body)
        while todo:
            node = todo.pop(0)
            if isinstance(node, _SCOPES):
                continue
            if isinstance(node, ast.Call) and (self.ctx.qualname(node.func) or "").startswith(_CLIENT_ROOTS):
                return node
            todo.extend(ast.iter_child_nodes(node))
        return None

    def _request_data(self, fn: ast.AST) -> RequestData:
        if self.data is None or self.data[0] is not fn:
            self.data = (fn, RequestData(self.ctx, fn))
        return self.data[1]

    def _numbers(self, fn: ast.AST, data: RequestData) -> set[str]:
        """Names bound from a number parsed out of request data (`pages = int(request.GET.get("pages"))`)."""
        out: set[str] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                    self.ctx.qualname(node.value.func) in _NUMBERS and node.value.args and \
                    data.holds(node.value.args[0]):
                out.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return out

    def _capped(self, fn: ast.AST, names: set[str]) -> bool:
        """A comparison of the value, or a min()/max() it goes through, anywhere in the function: a cap."""
        for node in ast.walk(fn):
            if isinstance(node, ast.Compare):
                if any(isinstance(n, ast.Name) and n.id in names for side in (node.left, *node.comparators)
                       for n in ast.walk(side)):
                    return True
            elif isinstance(node, ast.Call) and self.ctx.qualname(node.func) in ("builtins.min", "builtins.max") \
                    and any(isinstance(a, ast.Name) and a.id in names for a in node.args):
                return True
        return False
