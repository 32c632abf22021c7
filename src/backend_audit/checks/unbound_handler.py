"""BA-ERR-004: an `except` handler that reads a name the `try` body binds, when what raises into the handler is
the binding itself (or something before it): `r = requests.post(...)` then `except Exception: log(r.content)`.
When the post fails, `r` was never bound and the handler dies with UnboundLocalError, replacing the error it was
written to handle (a crash in the error path, the original failure's context lost).

The evidence is all in the function, in source order: the name is not a parameter and nothing before the `try`
binds it (the walk's local scope says so), its first binding in the body comes at or after a call that can
raise, and the handler reads it before binding it. A broad handler (bare, Exception, BaseException) catches
whatever that call raises, and so does one naming the failure family of the client library the binding calls
(`requests.RequestException` around `requests.post`): a warning. A narrower one may only catch what a later
statement raises (`except HTTPError` after `r.raise_for_status()`): a warning only when nothing after the
binding can raise, else a note saying which statement raises that exception was not traced.
"""

from __future__ import annotations

import ast

from .base import AstCheck, dotted

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_RAISES = (ast.Call, ast.Await, ast.Raise, ast.Assert)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# Exceptions a client library's call raises itself, before any result exists (a connection refused, a timeout),
# by the module the call resolves to: a handler naming one catches the binding call's own failure
_CALL_FAMILIES = {
    "requests": frozenset({"RequestException", "ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout"}),
    "httpx": frozenset({"HTTPError", "RequestError", "TransportError", "TimeoutException", "ConnectError"}),
    "aiohttp": frozenset({"ClientError", "ClientConnectionError", "ServerTimeoutError"}),
    "urllib": frozenset({"URLError"}),
}
# a handler that asks whether the name exists knows it may not
_INTROSPECTION = frozenset({"locals", "vars", "dir", "globals"})


def _walk_scope(nodes: list[ast.AST]):
    """The nodes of these statements that run in the enclosing function's scope (nested scopes skipped)."""
    todo = list(reversed(nodes))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        todo.extend(reversed(list(ast.iter_child_nodes(node))))


def _stores(nodes: list[ast.AST]) -> list[ast.Name]:
    return [n for n in _walk_scope(nodes) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _can_raise(stmts: list[ast.stmt]) -> bool:
    return any(isinstance(n, _RAISES) for n in _walk_scope(list(stmts)))


def _broad(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted(k) or "") in _BROAD for k in kinds)


class UnboundInHandler(AstCheck):
    RULE_ID = "BA-ERR-004"
    PREFILTER = ("except",)

    def visit_Try(self, node: ast.Try) -> None:
        if not self.ctx.function_stack or not self.ctx.local_scopes or not node.handlers:
            return
        bound_before = self.ctx.local_scopes[-1]  # parameters and every name bound earlier in the function
        first: dict[str, int] = {}  # name -> index of the body statement that first binds it
        for index, stmt in enumerate(node.body):
            for name in _stores([stmt]):
                if name.id not in bound_before:
                    first.setdefault(name.id, index)
        if not first:
            return
        for handler in node.handlers:
            self._handler(node, handler, first)

    visit_TryStar = visit_Try

    def _handler(self, node: ast.Try, handler: ast.ExceptHandler, first: dict[str, int]) -> None:
        seen: set[str] = set()
        stored: set[str] = {handler.name} if handler.name else set()
        for n in _walk_scope(list(handler.body)):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _INTROSPECTION:
                return
            if not isinstance(n, ast.Name) or n.id not in first or n.id in seen:
                continue
            if isinstance(n.ctx, ast.Store):
                stored.add(n.id)
            elif isinstance(n.ctx, ast.Load) and n.id not in stored:
                seen.add(n.id)
                self._judge(node, handler, n, first[n.id])

    def _judge(self, node: ast.Try, handler: ast.ExceptHandler, read: ast.Name, index: int) -> None:
        if not _can_raise(node.body[:index + 1]) or self._rebound_in_loop(node, read.id):
            return
        binding = node.body[index]
        broad = _broad(handler) or self._own_failure(binding, handler)
        later = _can_raise(node.body[index + 1:])
        what = "the handler" if handler.type is None else f"`except {ast.unparse(handler.type)}`"
        message = (f"`{read.id}` is first bound in the try body at line {binding.lineno}, and a call at or before "
                   f"that line can raise into {what}: then `{read.id}` is unbound here and the handler dies with "
                   "UnboundLocalError, replacing the error it handles; bind a default before the try")
        if broad or not later:
            self.report(read, message, level="warning")
        else:
            self.report(read, message + f"; statements after line {binding.lineno} can raise too, which one raises "
                                        f"{ast.unparse(handler.type)} was not traced", level="note")

    def _own_failure(self, binding: ast.stmt, handler: ast.ExceptHandler) -> bool:
        """The handler names the exception family of a client library the binding statement calls
        (`r = requests.post(...)` with `except requests.RequestException`)."""
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        caught = {(q.partition(".")[0], q.rpartition(".")[2]) for q in
                  (self.ctx.qualname(k) or "" for k in kinds if k is not None) if "." in q}
        if not caught:
            return False
        for call in _walk_scope([binding]):
            if isinstance(call, ast.Call):
                root = (self.ctx.qualname(call.func) or "").partition(".")[0]
                if any(mod == root and name in _CALL_FAMILIES.get(root, ()) for mod, name in caught):
                    return True
        return False

    def _rebound_in_loop(self, node: ast.Try, name: str) -> bool:
        """In a loop, a binding elsewhere in its body may have run on an earlier pass."""
        for parent in reversed(self.ctx.parents):
            if parent is self.ctx.function_stack[-1]:
                return False
            if isinstance(parent, _LOOPS):
                others = [s for s in parent.body if s is not node and not _contains(s, node)]
                if any(n.id == name for n in _stores(others)):
                    return True
        return False


def _contains(stmt: ast.stmt, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(stmt))
