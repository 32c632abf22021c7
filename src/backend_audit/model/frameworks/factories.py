"""Facts about dependency factories: `Depends(Guard(...))` hands FastAPI what `Guard(...)` returns, not `Guard`.

Two per-file facts, gathered in the shared walk, read by dep_guards.py in the project pass:
- the references called inside `Depends(...)` / `Security(...)` (`Depends(OrgPolicyGuard(policy))`: the
  dependency is the factory's result, an inner function or an instance whose `__call__` runs per request);
- per function, the callables it returns (`return dependency`, `return _Signed(scopes=...)`), so a factory's
  result can be judged by what that inner function or class does, and the instances it binds to locals
  for that inner function to depend on (`_gate = Authenticator(...)` ... `Depends(_gate)`), and whether it
  returns `Depends(inner)` itself (`RoleACL(...)`), so that a call of it in `Annotated` metadata or as a
  parameter default declares a dependency (`made_deps` on parameters, `alias_calls` on module aliases).
"""

from __future__ import annotations

import ast

from ...checks.base import FileContext, dotted
from .common import keyword, last_name, positional

DEPENDENCY_MARKERS = ("Depends", "Security")
_NOT_FACTORIES = frozenset({*DEPENDENCY_MARKERS, "Query", "Path", "Body", "Header", "Cookie", "Form", "File", "Field"})


def factory_call(call: ast.Call) -> str | None:
    """`Depends(Guard(...))` -> "Guard": the reference whose call result is the dependency."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name not in DEPENDENCY_MARKERS:
        return None
    target = positional(call, 0) or keyword(call, "dependency")
    if isinstance(target, ast.Call):
        return dotted(target.func)
    return None


class DependencyFactories:
    """Collector: `web.dep_calls`, the references called inside `Depends(...)` / `Security(...)` anywhere in the
    file (module-level `Annotated` aliases, parameters, `dependencies=[...]`)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.active = any(m in ctx.text for m in DEPENDENCY_MARKERS) if ctx.text else True

    def visit_Call(self, node: ast.Call) -> None:
        made = factory_call(node) if self.active else None
        if made:
            calls = self.ctx.facts.setdefault("web", {}).setdefault("dep_calls", [])
            if made not in calls:
                calls.append(made)  # Depends(Guard(...)): Guard's product runs per request


def annotated_calls(node: ast.AST | None) -> list[str]:
    """`Annotated[Role, RoleACL(...)]` -> ["RoleACL"]: calls in `Annotated` metadata other than the markers.
    FastAPI reads a `Depends(...)` there, so a call whose result is one (a project factory returning
    `Depends(inner)`) declares a dependency; whether it is one is decided in the project pass, from the
    factory's `returns_dependency` fact (`Field(gt=0)`, `Query()` are not project functions)."""
    out: list[str] = []
    for sub in ast.walk(node) if node is not None else ():
        if not isinstance(sub, ast.Subscript) or last_name(dotted(sub.value)) != "Annotated" or \
                not isinstance(sub.slice, ast.Tuple):
            continue
        for meta in sub.slice.elts[1:]:
            name = dotted(meta.func) if isinstance(meta, ast.Call) else None
            if name and last_name(name) not in DEPENDENCY_MARKERS and name not in out:
                out.append(name)
    return out


def default_call(node: ast.AST | None) -> list[str]:
    """`role: Role = RoleACL(...)` -> ["RoleACL"]: a parameter default FastAPI reads as a dependency when the
    call returns `Depends(...)` (FastAPI's own parameter markers are left out: they never are one)."""
    name = dotted(node.func) if isinstance(node, ast.Call) else None
    return [name] if name and last_name(name) not in _NOT_FACTORIES else []


def factory_facts(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, object]:
    """{"returns_callables": [...], "local_products": {local: called ref}} for a function that returns a
    callable; {} for every other function (most of them: the facts stay small)."""
    made = returned_callables(node)
    if not made:
        return {}
    out: dict[str, object] = {"returns_callables": made}
    if _returns_marker(node):
        out["returns_dependency"] = True  # `return Depends(inner)`: a call of it declares a dependency
    products = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Call) and dotted(stmt.value.func):
            products[stmt.targets[0].id] = dotted(stmt.value.func)
    if products:
        out["local_products"] = products
    return out


# the fields of compound statements (and of except handlers and match cases) that hold statements
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def returned_callables(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """What a function returns that can serve as a dependency: a def or class nested in it (`return
    dependency`, `return Depends(dependency)`), or an instance of a class-like name (`return _Signed(...)`,
    `return Checker(roles)`). Returns of nested functions are theirs, not this one's."""
    nested, returns = _own_returns(node)
    out: list[str] = []
    for ret in returns:
        value = _unwrap_marker(ret.value)
        if isinstance(value, ast.Name) and value.id in nested:
            out.append(value.id)
        elif isinstance(value, ast.Call) and dotted(value.func):
            name = dotted(value.func)
            if name in nested or last_name(name).lstrip("_")[:1].isupper():
                out.append(name)
    return sorted(set(out))


def _own_returns(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[set[str], list[ast.Return]]:
    """(names of the defs and classes nested in the function, its own `return <value>` statements)."""
    nested: set[str] = set()
    returns: list[ast.Return] = []
    # statements only: a return and a nested def are statements, so expressions (most of a body's nodes,
    # lambdas included) need no visit; this runs for every function of every file
    todo: list[ast.AST] = list(node.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            nested.add(stmt.name)
            continue
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            returns.append(stmt)
            continue
        for field in _BLOCKS:
            block = getattr(stmt, field, None)
            if block:
                todo.extend(block)
    return nested, returns


def _unwrap_marker(value: ast.expr) -> ast.expr:
    """`Depends(inner)` -> `inner`: FastAPI runs what the marker wraps."""
    if isinstance(value, ast.Call) and last_name(dotted(value.func)) in DEPENDENCY_MARKERS:
        return positional(value, 0) or keyword(value, "dependency") or value
    return value


def _returns_marker(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(r.value, ast.Call) and last_name(dotted(r.value.func)) in DEPENDENCY_MARKERS
               for r in _own_returns(node)[1])
