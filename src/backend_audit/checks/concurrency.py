"""Process-local state in request handlers (BA-REL-003) and fire-and-forget asyncio tasks (BA-REL-005)."""

from __future__ import annotations

import ast

from .base import AstCheck, FileContext, dotted
from .util import decorator_names, is_endpoint_function, logger_method

_MUTABLE_CALLS = frozenset({"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque",
                            "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
                            "collections.deque"})
_MUTATORS = frozenset({"append", "extend", "update", "setdefault", "pop", "popitem", "add", "insert", "remove",
                       "clear", "discard", "appendleft", "extendleft", "__setitem__", "__delitem__"})
_TASK_DECORATORS = frozenset({"shared_task", "task", "periodic_task", "actor", "job"})
_PROCESS_LOCAL = "backend-audit: process-local"


def _mutable_value(node: ast.AST | None) -> bool:
    if isinstance(node, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and (dotted(node.func) or "") in _MUTABLE_CALLS


def _per_process_resource(fn: ast.FunctionDef, name: str) -> bool:
    """Every value the function binds to the global is a loaded resource (`model = SemanticSearch()`), its
    unloading (`= None`) or a clock reading: a lazily loaded model or an idle timer, per process by design.
    A value computed from the request, the parameters or the global itself (a counter) is shared state."""
    params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)} | {"request"}
    values = [n.value for n in ast.walk(fn) if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None
              and any(isinstance(t, ast.Name) and t.id == name
                      for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    if not values or any(isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name
                         for n in ast.walk(fn)):
        return False
    for value in values:
        if isinstance(value, ast.Constant) and value.value is None:
            continue
        if not isinstance(value, ast.Call) or _mutable_value(value):
            return False
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        if used & (params | {name}):
            return False
    return True


def _is_task(func: ast.FunctionDef) -> bool:
    return any(name.rsplit(".", 1)[-1] in _TASK_DECORATORS for name in decorator_names(func))


class HandlerMutatesModuleState(AstCheck):
    RULE_ID = "BA-REL-003"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.state: dict[str, bool] = {}  # module-level mutable name -> documented as process-local
        self.dependencies: set[str] = set()
        self.handler_depth = 0
        self.class_depth = 0
        self.locks: list[bool] = []
        self.task_refs: set[str] = set()  # module sets that only hold running asyncio tasks

    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
                if isinstance(stmt, ast.AnnAssign) else []
            if targets and _mutable_value(stmt.value):
                line = self.ctx.lines[stmt.lineno - 1] if stmt.lineno <= len(self.ctx.lines) else ""
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.state[t.id] = _PROCESS_LOCAL in line
        if "add_done_callback" in self.ctx.text:
            # `_tasks.add(task)` + `task.add_done_callback(_tasks.discard)`: the asyncio idiom that keeps a
            # strong reference to a running task until it ends; per process by nature, nothing is shared
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                        sub.func.attr == "add_done_callback" and sub.args and \
                        isinstance(sub.args[0], ast.Attribute) and sub.args[0].attr in ("discard", "remove") and \
                        isinstance(sub.args[0].value, ast.Name):
                    self.task_refs.add(sub.args[0].value.id)
        if "Depends(" in self.ctx.text:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and (dotted(sub.func) or "").endswith("Depends") and sub.args:
                    self.dependencies.add(dotted(sub.args[0]) or "")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth += 1

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth -= 1

    def _is_handler(self, node: ast.FunctionDef) -> bool:
        in_class = self.class_depth > 0 and len(self.ctx.function_stack) == 1
        return is_endpoint_function(node, in_class) or _is_task(node) or node.name in self.dependencies

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.handler_depth or self._is_handler(node):
            self.handler_depth += 1

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.handler_depth:
            self.handler_depth -= 1

    def visit_With(self, node: ast.With) -> None:
        self.locks.append(any("lock" in (dotted(i.context_expr) or "").lower() for i in node.items))

    def leave_With(self, node: ast.With) -> None:
        self.locks.pop()

    def _shared(self, name: str | None) -> bool:
        """A module-level mutable the current function does not shadow, not an accepted process-local cache."""
        if not name or name not in self.state or self.ctx.is_local(name) or name in self.task_refs:
            return False
        return not (self.state[name] and any(self.locks))

    def _emit(self, node: ast.AST, what: str) -> None:
        fn = self.ctx.function_stack[-1].name if self.ctx.function_stack else "?"
        self.report(node, f"{fn} {what}: module state lives in one process (lost on restart, different in every "
                          "worker, racy under threads); keep it in Redis or the database (that it must be shared "
                          "across processes is not established)")

    def visit_Global(self, node: ast.Global) -> None:
        if not self.handler_depth:
            return
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        names = [n for n in node.names if fn is None or not _per_process_resource(fn, n)]
        if names:
            self._emit(node, f"rebinds module-level {', '.join(names)} (global)")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if self.handler_depth and isinstance(func, ast.Attribute) and func.attr in _MUTATORS and \
                isinstance(func.value, ast.Name) and self._shared(func.value.id):
            self._emit(node, f"mutates module-level {func.value.id} ({func.attr})")

    def _target(self, target: ast.AST, node: ast.AST, verb: str) -> None:
        base = target.value if isinstance(target, ast.Subscript) else target
        if isinstance(base, ast.Name) and (isinstance(target, ast.Subscript) or verb == "+=") and \
                self._shared(base.id):
            self._emit(node, f"mutates module-level {base.id} ({verb})")

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.handler_depth:
            for t in node.targets:
                self._target(t, node, "item assignment")

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if self.handler_depth and isinstance(node.target, (ast.Name, ast.Subscript)):
            name = node.target.value if isinstance(node.target, ast.Subscript) else node.target
            # `X += [...]` on a global needs `global X` (reported there) unless X is only subscripted
            if isinstance(node.target, ast.Subscript) or not self.ctx.is_local(getattr(name, "id", "")):
                self._target(node.target, node, "+=")

    def visit_Delete(self, node: ast.Delete) -> None:
        if self.handler_depth:
            for t in node.targets:
                if isinstance(t, ast.Subscript):
                    self._target(t, node, "del")


# ---------------------------------------------------------------------------------------------- BA-REL-005


def _awaits_receive(st: ast.stmt) -> bool:
    """`await ws.receive()` as a statement, its result dropped: a read that only waits for the close."""
    return isinstance(st, ast.Expr) and isinstance(st.value, ast.Await) and isinstance(st.value.value, ast.Call) \
        and isinstance(st.value.value.func, ast.Attribute) and st.value.value.func.attr.startswith("receive")

_LOOP_FACTORIES = ("asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop")


class FireAndForgetTask(AstCheck):
    RULE_ID = "BA-REL-005"
    PREFILTER = ("create_task", "ensure_future")

    def _spawn(self, call: ast.AST) -> str | None:
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            return None
        qn = self.ctx.qualname(call.func) or ""
        if qn in ("asyncio.create_task", "asyncio.ensure_future"):
            return qn
        if call.func.attr != "create_task":
            return None
        receiver = call.func.value
        if isinstance(receiver, ast.Call) and (self.ctx.qualname(receiver.func) or "") in _LOOP_FACTORIES:
            return f"{self.ctx.qualname(receiver.func)}().create_task"
        name = dotted(receiver) or ""
        tail = name.rsplit(".", 1)[-1].lstrip("_")
        if tail == "loop" or tail.endswith("_loop"):
            return f"{name}.create_task"
        return None  # TaskGroup / nursery handles keep their tasks

    def _coroutine(self, call: ast.Call) -> ast.AsyncFunctionDef | None:
        """The coroutine function defined in this module that the spawned call runs (`process_websocket(ws)`,
        `self.start_shell()`), or None."""
        inner = call.args[0] if call.args else None
        if not isinstance(inner, ast.Call) or self.ctx.tree is None:
            return None
        name = dotted(inner.func) or ""
        if name.startswith("self.") and name.count(".") == 1:
            cls = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
            scope = cls.body if cls is not None else []
            name = name[5:]
        else:
            scope = self.ctx.tree.body
        return next((n for n in scope if isinstance(n, ast.AsyncFunctionDef) and n.name == name), None)

    def _nothing_to_lose(self, func: ast.AsyncFunctionDef | None) -> bool:
        """The task holds nothing whose loss matters: it only logs and returns (a feature switched off), or it
        awaits one `receive()` of a connection to notice the peer's close and swallows what that raises (the
        connection keeps the pending receive; the loop that sends checks `closed` itself)."""
        if func is None:
            return False
        body = [st for st in func.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
        before = body[:next((i for i, st in enumerate(body) if isinstance(st, ast.Return)), len(body))]
        if len(before) < len(body) and all(self._logs(st) for st in before):
            return True
        if len(body) == 1 and isinstance(body[0], ast.Try) and not body[0].orelse and not body[0].finalbody:
            tried, handlers = body[0].body, body[0].handlers
            return len(tried) == 1 and _awaits_receive(tried[0]) and all(
                all(isinstance(st, ast.Pass) or self._logs(st) for st in h.body) for h in handlers)
        return len(body) == 1 and _awaits_receive(body[0])

    def _logs(self, st: ast.stmt) -> bool:
        return isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and logger_method(st.value, self.ctx) is not None

    def visit_Expr(self, node: ast.Expr) -> None:
        what = self._spawn(node.value)
        if what and self._nothing_to_lose(self._coroutine(node.value)):
            return
        if what:
            self.report(node, f"result of {what}() is dropped: the event loop keeps only a weak reference, so the "
                              "task can be garbage-collected mid-flight and its exception is never seen; keep a "
                              "reference (a set plus add_done_callback(set.discard)) or use a TaskGroup")

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "_":
            what = self._spawn(node.value)
            if what:
                self.report(node, f"result of {what}() is assigned to _ and dropped: the task can be "
                                  "garbage-collected mid-flight; keep a reference or use a TaskGroup")
