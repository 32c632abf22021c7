"""Route registries a project builds itself: decorators that append the handler to a list, and the loop
that hands that list to the framework.

    class Route:
        _routes = []
        @classmethod
        def get(cls, path, **kw):
            return cls._route("GET", path, **kw)
        @classmethod
        def _route(cls, method, path, **kw):
            def register(func):
                async def wrapper(request):
                    response = cls.authenticate(request)
                    ...
                cls._routes.append((method, path, wrapper))
                return wrapper
            return register

    for method, route, handler in Route.get_routes():      # elsewhere
        app.router.add_route(method, route, handler)

No name says `@Route.get("/x")` registers a route; what the code does says it: the decorator's inner
function appends a tuple holding the decorated function (or a wrapper around it) to a list, and a loop
unpacks that list's tuples into aiohttp's `add_route(method, path, handler)`, Flask's `add_url_rule` or
Starlette's `Route`. The loop says which tuple item is the method, the path and the handler; the append
says where each comes from (a parameter of the decorator factory, a literal, or a value built from a
parameter at run time). A list no loop hands to a framework registers nothing.

Per file, one plain-data fact `route_registry` (only in files whose text has an append or a registration
call): `adders` (functions whose inner decorator appends), `forwards` (`return cls._route("GET", path)`),
`getters` (`return cls._routes`) and `loops` (the registration). The project pass (`registry_routes.py`)
joins them. Bounded: one walk per candidate function, at most MAX_FUNCTIONS functions per file.
"""

from __future__ import annotations

import re
from typing import Any

import ast

from ...checks.base import FileContext, dotted
from .common import keyword, string_value

MAX_FUNCTIONS = 400  # per file: a hostile file may define millions
_APPENDS = re.compile(r"\.append\(\(")  # a tuple appended: the only shape an adder has
_REGISTERS = re.compile(r"add_route\(|add_url_rule\(|\bRoute\(")
_STATUS_REFUSED = (401, 403)
_CONFIG_READS = frozenset({"get", "getboolean", "getbool", "getint", "get_bool", "get_setting"})


def _positional(fn: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[str]:
    names = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    static = any(dotted(d) == "staticmethod" for d in fn.decorator_list)
    return names[1:] if method and not static and names else names


def _empty_list(value: ast.AST | None) -> bool:
    return isinstance(value, ast.List) and not value.elts or \
        isinstance(value, ast.Call) and dotted(value.func) == "list" and not value.args


def _list_names(body: list[ast.stmt]) -> set[str]:
    """Names bound to an empty list in a module or class body: the registries' candidates."""
    out = set()
    for stmt in body:
        if isinstance(stmt, ast.Assign) and _empty_list(stmt.value):
            out.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and _empty_list(stmt.value):
            out.add(stmt.target.id)
    return out


class _Scope:
    """Where a function sits: its class (if any) and the lists a store may name."""

    def __init__(self, cls: str | None, class_lists: set[str], module_lists: set[str]) -> None:
        self.cls, self.class_lists, self.module_lists = cls, class_lists, module_lists

    def store(self, node: ast.AST) -> str | None:
        """`cls._routes` / `self._routes` / `Route._routes` -> "Route._routes"; a module list by its name."""
        if isinstance(node, ast.Name) and node.id in self.module_lists:
            return node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and self.cls and \
                node.value.id in ("cls", "self", self.cls) and node.attr in self.class_lists:
            return f"{self.cls}.{node.attr}"
        return None

    def own(self, ref: str) -> str:
        """`cls._route` -> "Route._route": a call on the class itself, by the qualname the facts use."""
        head, _, rest = ref.partition(".")
        return f"{self.cls}.{rest}" if self.cls and rest and head in ("cls", "self", self.cls) else ref


def _derived(fn: ast.AST, params: list[str]) -> dict[str, int]:
    """Locals assigned from an expression that reads a parameter (`route = "/v{v}{path}".format(path=path)`)."""
    out: dict[str, int] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            read = [n.id for n in ast.walk(node.value) if isinstance(n, ast.Name) and n.id in params]
            if read:
                out.setdefault(node.targets[0].id, params.index(read[0]))
    return out


def _describe(item: ast.expr, params: list[str], derived: dict[str, int], handlers: set[str]) -> dict[str, Any]:
    text = string_value(item)
    if text is not None:
        return {"lit": text}
    if isinstance(item, ast.Name):
        if item.id in handlers:
            return {"fn": 1}
        if item.id in params:
            return {"p": params.index(item.id)}
        if item.id in derived:
            return {"from_p": derived[item.id]}
    return {"?": 1}


def _wrappers(inner: ast.AST, decorated: str) -> list[ast.AST]:
    """Functions defined inside the decorator that call (or hand on) the decorated function, directly or
    through another such wrapper (`node_concurrency` awaiting `control_schema`, which calls `func`)."""
    defs = [n for n in ast.walk(inner) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not inner]
    reads = {id(n): {x.id for x in ast.walk(n) if isinstance(x, ast.Name)} for n in defs[:50]}
    names, found = {decorated}, []
    while True:
        more = [n for n in defs[:50] if n not in found and reads[id(n)] & names]
        if not more:
            return found
        found += more
        names |= {n.name for n in more}  # type: ignore[attr-defined]


def _adder(fn: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> dict[str, Any] | None:
    params = _positional(fn, scope.cls is not None)
    for inner in fn.body:
        if not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) or not inner.args.args:
            continue
        decorated = inner.args.args[0].arg
        wrappers = _wrappers(inner, decorated)
        handlers = {decorated, *(w.name for w in wrappers)}  # type: ignore[attr-defined]
        derived = {**_derived(fn, params), **_derived(inner, params)}
        for node in ast.walk(inner):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Tuple)):
                continue
            store = scope.store(node.func.value)
            items = [_describe(e, params, derived, handlers) for e in node.args[0].elts]
            if store is None or {"fn": 1} not in items:
                continue
            calls = sorted({scope.own(dotted(c.func)) for w in wrappers for c in ast.walk(w)
                            if isinstance(c, ast.Call) and dotted(c.func)})
            return {"store": store, "items": items, "line": node.lineno, "calls": calls}
    return None


def _forward(fn: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> dict[str, Any] | None:
    """`return cls._route("GET", path, *args, **kw)`: a decorator factory handing on to another."""
    params = _positional(fn, scope.cls is not None)
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    if not dotted(call.func):
        return None
    args = [_describe(a, params, {}, set()) for a in call.args if not isinstance(a, ast.Starred)]
    if not any("p" in a for a in args):
        return None
    return {"to": scope.own(dotted(call.func)), "args": args}


def _getter(fn: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> str | None:
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return scope.store(body[0].value)
    return None


def _guard(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any] | None:
    """What a function the wrapper calls does about the caller: answers 401/403 (a guard), maybe only when a
    configuration switch is on (`if not config.getboolean("auth", False): return None`), maybe letting some
    paths through (`or request.path.endswith("console/ws")`)."""
    refuses = any(isinstance(n, ast.Constant) and type(n.value) is int and n.value in _STATUS_REFUSED
                  for n in ast.walk(fn))
    if not refuses:
        return None
    out: dict[str, Any] = {"line": fn.lineno}
    for node in ast.walk(fn):
        if not (isinstance(node, ast.If) and node.body and isinstance(node.body[0], ast.Return)):
            continue
        value = node.body[0].value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            continue  # lets the request through: `return None` / `return`
        tests = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.Or) \
            else [node.test]
        for test in tests:
            inner = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
                key = string_value(inner.args[0]) if inner.args else None
                if inner.func.attr in _CONFIG_READS and key and isinstance(test, ast.UnaryOp):
                    out["switch"] = key  # off unless configured: `not config.getboolean("auth")`
                    default = inner.args[1] if len(inner.args) > 1 else keyword(inner, "fallback")
                    if default is None or isinstance(default, ast.Constant) and not default.value:
                        out["off_by_default"] = True  # `getboolean("auth", False)`: open until someone sets it
                elif inner.func.attr in ("endswith", "startswith") and key and \
                        "path" in (dotted(inner.func.value) or "").split("."):
                    out.setdefault("exempt", []).append([inner.func.attr, key])
    return out


def _registration(loop: ast.For | ast.AsyncFor) -> dict[str, Any] | None:
    """`for method, path, handler in X.get_routes(): app.router.add_route(method, path, handler)`: which
    tuple item is the method, the path and the handler, for which framework."""
    if not isinstance(loop.target, ast.Tuple) or not all(isinstance(e, ast.Name) for e in loop.target.elts):
        return None
    names = [e.id for e in loop.target.elts]  # type: ignore[attr-defined]
    source = loop.iter.func if isinstance(loop.iter, ast.Call) and not loop.iter.args else loop.iter
    ref = dotted(source)
    if not ref:
        return None

    def index(node: ast.AST | None) -> int | None:
        if isinstance(node, ast.List) and len(node.elts) == 1:
            node = node.elts[0]  # methods=[method]
        return names.index(node.id) if isinstance(node, ast.Name) and node.id in names else None

    for stmt in loop.body:
        for call in ast.walk(stmt):
            if not isinstance(call, ast.Call):
                continue
            tail = dotted(call.func).rpartition(".")[2] if dotted(call.func) else ""
            if tail == "add_route" and len(call.args) == 3:
                roles = {"method": index(call.args[0]), "path": index(call.args[1]), "handler": index(call.args[2])}
                framework = "aiohttp"
            elif tail == "add_url_rule" and call.args:
                view = keyword(call, "view_func") or (call.args[2] if len(call.args) > 2 else None)
                roles = {"method": index(keyword(call, "methods")), "path": index(call.args[0]),
                         "handler": index(view)}
                framework = "flask"
            elif tail == "Route" and len(call.args) >= 2:
                roles = {"method": index(keyword(call, "methods")), "path": index(call.args[0]),
                         "handler": index(call.args[1])}
                framework = "starlette"
            else:
                continue
            if roles["path"] is None or roles["handler"] is None:
                continue
            return {"iter": ref, "roles": {k: v for k, v in roles.items() if v is not None},
                    "framework": framework, "line": loop.lineno}
    return None


class RegistryFacts:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def leave_Module(self, node: ast.Module) -> None:
        text = self.ctx.text
        appends, registers = bool(_APPENDS.search(text)), bool(_REGISTERS.search(text))
        found = collect(node, appends, registers) if appends or registers else None
        if found:
            self.ctx.facts["route_registry"] = found


def _functions(tree: ast.Module) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, str | None, set[str]]]:
    """(def, qualname, class, class-level lists) for module functions and methods of top-level classes."""
    out = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((stmt, stmt.name, None, set()))
        elif isinstance(stmt, ast.ClassDef):
            lists = _list_names(stmt.body)
            out += [(f, f"{stmt.name}.{f.name}", stmt.name, lists) for f in stmt.body
                    if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return out[:MAX_FUNCTIONS]


def collect(tree: ast.Module, appends: bool = True, registers: bool = True) -> dict[str, Any]:
    module_lists = _list_names(tree.body)
    functions = _functions(tree) if appends else []
    adders: dict[str, Any] = {}
    for fn, qualname, cls, lists in functions:
        if lists or module_lists:
            found = _adder(fn, _Scope(cls, lists, module_lists))
            if found:
                adders[qualname] = found
    out: dict[str, Any] = {}
    if adders:
        forwards, getters, guards = {}, {}, {}
        defined = {qualname for _, qualname, _, _ in functions}
        for adder in adders.values():  # only the project's own functions can be judged as guards
            adder["calls"] = [c for c in adder["calls"] if c in defined]
        called = {c for a in adders.values() for c in a["calls"]}
        for fn, qualname, cls, lists in functions:
            scope = _Scope(cls, lists, module_lists)
            forward = _forward(fn, scope) if qualname not in adders else None
            if forward:
                forwards[qualname] = forward
            getter = _getter(fn, scope)
            if getter:
                getters[qualname] = getter
            guard = _guard(fn) if qualname in called else None
            if guard:
                guards[qualname] = guard
        out = {"adders": adders, "forwards": forwards, "getters": getters, "guards": guards}
    loops: list[dict[str, Any]] = []
    for node in ast.walk(tree) if registers else ():
        if isinstance(node, (ast.For, ast.AsyncFor)) and len(loops) < 20:
            found = _registration(node)
            if found:
                loops.append(found)
    if loops:
        out["loops"] = loops
    return out
