"""Run every enabled AstCheck and fact collector over one file's `ast` tree in ONE walk.

The dispatch table (node type -> bound visit_/leave_ methods of every visitor) is built once per file
from a per-class method list computed once per process, so each node costs one dict lookup plus the
calls of the visitors that care about it. The async nodes share their sync twin's methods.
"""

from __future__ import annotations

import ast
import functools
from typing import Any, Callable

from ..checks.base import CHILD_FIELDS, ContextEnter, ContextLeave, FileContext, child_fields

# visit_FunctionDef sees AsyncFunctionDef too, and so on: one method per concept, as libcst had it.
_TWINS = {"AsyncFunctionDef": "FunctionDef", "AsyncFor": "For", "AsyncWith": "With", "TryStar": "Try"}


@functools.lru_cache(maxsize=None)
def _methods(cls: type) -> tuple[tuple[str, str, str], ...]:
    """(kind, node type name, method name) for every visit_/leave_ method a visitor class defines."""
    out = []
    for name in dir(cls):
        if name.startswith("visit_") or name.startswith("leave_"):
            if callable(getattr(cls, name)):
                out.append((name[:5], name[6:], name))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _plan(classes: tuple[type, ...]) -> tuple[tuple[tuple[type, tuple[tuple[int, str], ...]], ...], ...]:
    """Per node type, (visitor index, method name) of the visit_ and of the leave_ methods, in dispatch
    order: made once per set of visitor classes (every file of a scan has one or two), bound per file."""
    by_name: dict[str, tuple[list[tuple[int, str]], list[tuple[int, str]]]] = {}
    for i, cls in enumerate(classes):
        for kind, node_name, method in _methods(cls):
            enter, leave = by_name.setdefault(node_name, ([], []))
            (enter if kind == "visit" else leave).append((i, method))
    enter_plan: dict[type, list[tuple[int, str]]] = {}
    leave_plan: dict[type, list[tuple[int, str]]] = {}
    for node_name, (enter, leave) in by_name.items():
        types = [getattr(ast, node_name, None)] + [getattr(ast, twin, None) for twin, base in _TWINS.items()
                                                    if base == node_name]
        for t in types:
            if isinstance(t, type):
                if enter:
                    enter_plan.setdefault(t, []).extend(enter)
                if leave:
                    leave_plan.setdefault(t, []).extend(leave)
    return (tuple((t, tuple(items)) for t, items in enter_plan.items()),
            tuple((t, tuple(items)) for t, items in leave_plan.items()))


def _tables(visitors: list[Any]) -> tuple[dict[type, list[Callable]], dict[type, list[Callable]]]:
    enter_plan, leave_plan = _plan(tuple(type(v) for v in visitors))
    return ({t: [getattr(visitors[i], m) for i, m in items] for t, items in enter_plan},
            {t: [getattr(visitors[i], m) for i, m in items] for t, items in leave_plan})


class TooDeep(Exception):
    """The tree is deeper than max_depth: refused before any recursive visitor (ours, radon's, bandit's)
    can hit the recursion limit on it."""


def run_checks(tree: ast.Module, ctx: FileContext, checks: list[type], collectors: list[type] = (),
               max_depth: int = 500) -> None:
    """Run checks (findings go to ctx.findings) and fact collectors (facts go to ctx.facts).

    Order within a node: the context tracker first, then collectors (checks may read their facts),
    then checks; on leave, the context tracker last.
    """
    ctx.tree = tree
    visitors = [ContextEnter(ctx)]
    visitors += [cls(ctx) for cls in collectors]
    visitors += [cls(ctx) for cls in checks]
    visitors.append(ContextLeave(ctx))
    enter_table, leave_table = _tables(visitors)
    parents = ctx.parents
    enter_get, leave_get = enter_table.get, leave_table.get
    fields = CHILD_FIELDS.get  # the context and operator singletons are skipped (checks.base.SKIP_FIELDS)
    AST = ast.AST

    def walk(node: ast.AST) -> None:
        kind = type(node)
        fns = enter_get(kind)
        if fns:
            for fn in fns:
                fn(node)
        parents.append(node)
        if len(parents) > max_depth:
            raise TooDeep(max_depth)
        for name in fields(kind) or child_fields(kind):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        walk(item)
            elif isinstance(value, AST):
                walk(value)
        parents.pop()
        fns = leave_get(kind)
        if fns:
            for fn in fns:
                fn(node)

    walk(tree)
