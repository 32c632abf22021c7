"""BA-ERR-004: an `except` handler that reads a name the `try` body binds, when what raises into the handler is
the binding itself (or something before it): `r = requests.post(...)` then `except Exception: log(r.content)`.
When the post fails, `r` was never bound and the handler dies with UnboundLocalError, replacing the error it was
written to handle (a crash in the error path, the original failure's context lost).

The evidence is all in the function, in source order: the name is not a parameter and nothing before the `try`
binds it (the walk's local scope says so), its first binding in the body comes at or after a call that can
raise, and the handler reads it before binding it. A warning needs evidence that the
binding's failure is the one the handler gets: nothing after the binding can raise, or the binding calls a
client library whose failures are routine (requests, httpx, aiohttp, urllib: a refused connection, a timeout)
and the handler is broad (bare, Exception, BaseException) or names that library's failure family. Otherwise
later statements may be what raises (`except ValueError` around a parse after the call, a parse after a call
that can fail): a note saying which one reaches the handler was not traced. A loop's target is bound before
its body runs, so only the iterable counts as failing first. A binding made only of key lookups that answer
with a default (`data.get("key") or ""`) is made before anything can fail, and a client's status error
(`except requests.HTTPError` around `r.raise_for_status()`) comes from the bound response: neither is flagged.
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
# The error a client raises only from `response.raise_for_status()`, by library (httpx.HTTPError is the base
# of its transport errors too, urllib's HTTPError comes from urlopen itself: neither is here)
_STATUS_ERRORS = {"requests": "HTTPError", "httpx": "HTTPStatusError"}
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


# Calls that answer with a default instead of raising: a mapping's `.get("key"[, default])`, `getattr(o, n, d)`,
# the text and truth of a value. A binding made of nothing else is made before anything in the try can fail.
_ANSWERING = frozenset({"str", "repr", "bool"})


def _answers(call: ast.Call) -> bool:
    """`data.get("query")`, `token.get("access", "")`: a key lookup (a constant key that is no URL or path, so not
    a client's `get("/api/x")`) on an object, not a module (`requests.get(...)` is resolved apart)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        key = call.args[0] if call.args else None
        return func.attr == "get" and len(call.args) <= 2 and not call.keywords and \
            isinstance(key, ast.Constant) and isinstance(key.value, str) and not any(c in key.value for c in "/:")
    return isinstance(func, ast.Name) and (func.id in _ANSWERING or func.id == "getattr" and len(call.args) == 3)


def _unguarded(body: list[ast.stmt]) -> list[ast.AST]:
    """The handler's statements, with the bodies of inner `try`s that catch a NameError left out
    (`try: ssh.close() except BaseException: pass` survives an unbound `ssh`)."""
    out: list[ast.AST] = []
    for stmt in body:
        if isinstance(stmt, ast.Try) and any(_broad(h) or _names_name_error(h) for h in stmt.handlers):
            out += [*stmt.handlers, *stmt.orelse, *stmt.finalbody]
        else:
            out.append(stmt)
    return out


def _names_name_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted(k) or "").rpartition(".")[2] in ("NameError", "UnboundLocalError") for k in kinds if k)


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
        # `global x` / `nonlocal x`: the binding is the module's or the enclosing function's, bound elsewhere
        declared = {n for s in self.ctx.function_stack[-1].body if isinstance(s, (ast.Global, ast.Nonlocal))
                    for n in s.names}
        first: dict[str, int] = {}  # name -> index of the body statement that first binds it
        for index, stmt in enumerate(node.body):
            for name in _stores([stmt]):
                if name.id not in bound_before and name.id not in declared:
                    first.setdefault(name.id, index)
        if not first:
            return
        for handler in node.handlers:
            self._handler(node, handler, first)

    visit_TryStar = visit_Try

    def _handler(self, node: ast.Try, handler: ast.ExceptHandler, first: dict[str, int]) -> None:
        seen: set[str] = set()
        stored: set[str] = {handler.name} if handler.name else set()
        for n in _walk_scope(_unguarded(handler.body)):
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
        binding = node.body[index]
        stop = _after_exit(handler.body, read)
        if stop is not None:  # the read never runs, so it cannot fail: the block it sits in is the bug
            self.report(read, f"`{read.id}` is read after the `{type(stop).__name__.lower()}` at line {stop.lineno} "
                              "in this handler: the code from there on is unreachable and never runs (mis-indented "
                              "under the `except`?); move it out of the handler", level="warning",
                        rule_id="BA-ERR-004/unreachable")
            return
        # a loop's target is bound before its body runs: only the iterable can fail first
        before = [binding.iter] if isinstance(binding, (ast.For, ast.AsyncFor)) and any(
            isinstance(n, ast.Name) and n.id == read.id for n in ast.walk(binding.target)) else [binding]
        if not self._fails_first([*node.body[:index], *before]) or self._rebound_in_loop(node, read.id) or \
                self._status_error_after(node, handler, read.id, index):
            return
        library = self._library_call(before)
        # a loop's or a with's own body runs after its target is bound: what it raises finds the name bound
        inner = binding.body if isinstance(binding, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)) and \
            before != [binding] or isinstance(binding, (ast.With, ast.AsyncWith)) else []
        later = _can_raise([*inner, *node.body[index + 1:]])
        what = "the handler" if handler.type is None else f"`except {ast.unparse(handler.type)}`"
        message = (f"`{read.id}` is first bound in the try body at line {binding.lineno}, and a call at or before "
                   f"that line can raise into {what}: then `{read.id}` is unbound here and the handler dies with "
                   "UnboundLocalError, replacing the error it handles; bind a default before the try")
        if not later or (library and (_broad(handler) or self._family(handler, library))):
            self.report(read, message, level="warning")
        else:
            self.report(read, message + f"; statements after line {binding.lineno} can raise too, which one "
                                        "reaches the handler was not traced", level="note")

    def _fails_first(self, stmts: list[ast.AST]) -> bool:
        """Something in these statements can raise: a call other than one that answers with a default
        (`info.data.get("q") or ""`, `{"Authorization": f"Bearer {token.get('access')}"}`), an await, a raise."""
        return any(isinstance(n, _RAISES) and not (isinstance(n, ast.Call) and _answers(n) and
                                                    not (self.ctx.qualname(n.func) or "builtins.").startswith(
                                                        tuple(_CALL_FAMILIES)))
                   for n in _walk_scope(list(stmts)))

    def _status_error_after(self, node: ast.Try, handler: ast.ExceptHandler, name: str, index: int) -> bool:
        """`r = requests.post(...)`, `r.raise_for_status()`, `except requests.HTTPError: log(r.text)`: the handler
        catches only the status error, which `raise_for_status()` raises on the bound response (the call itself
        raises ConnectionError, Timeout...): `r` is bound whenever this handler runs."""
        if handler.type is None:
            return False
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if not all(_STATUS_ERRORS.get((self.ctx.qualname(k) or "").partition(".")[0]) ==
                   (dotted(k) or "").rpartition(".")[2] for k in kinds):
            return False
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "raise_for_status"
                   and isinstance(n.func.value, ast.Name) and n.func.value.id == name
                   for n in _walk_scope(node.body[index:]))

    def _library_call(self, nodes: list[ast.AST]) -> str | None:
        """The client library (requests, httpx, ...) a call of these nodes goes to: its failures are routine."""
        for call in _walk_scope(nodes):
            if isinstance(call, ast.Call):
                root = (self.ctx.qualname(call.func) or "").partition(".")[0]
                if root in _CALL_FAMILIES:
                    return root
        return None

    def _family(self, handler: ast.ExceptHandler, library: str) -> bool:
        """The handler names the failure family of that library (`except requests.RequestException`)."""
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            qual = self.ctx.qualname(kind) or "" if kind is not None else ""
            if qual.partition(".")[0] == library and qual.rpartition(".")[2] in _CALL_FAMILIES[library]:
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


_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _after_exit(body: list[ast.stmt], node: ast.AST) -> ast.stmt | None:
    """The return/raise/continue/break that `node` follows in its own block of `body`, if any: after it the
    block's statements never run."""
    for i, stmt in enumerate(body):
        if not _contains(stmt, node):
            continue
        exit_ = next((s for s in body[:i] if isinstance(s, _EXITS)), None)
        if exit_ is not None:
            return exit_
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], (ast.stmt, ast.ExceptHandler)):
                for block in ([h.body for h in inner] if field == "handlers" else [inner]):
                    found = _after_exit(block, node)
                    if found is not None:
                        return found
        return None
    return None


def _contains(stmt: ast.stmt, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(stmt))
