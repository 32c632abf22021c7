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


@functools.lru_cache(maxsize=None)
def _class_plan(cls: type) -> tuple[tuple[type, bool, str], ...]:
    """(node type, is a visit_ method, method name) for every node type a visitor class handles, its async
    twins included: made once per class. Not once per set of classes: the checks a file's text does not
    mention are left out of its walk, so a small app's files come in dozens of different sets."""
    out = []
    for kind, node_name, method in _methods(cls):
        types = [getattr(ast, node_name, None)] + [getattr(ast, twin, None) for twin, base in _TWINS.items()
                                                    if base == node_name]
        out += [(t, kind == "visit", method) for t in types if isinstance(t, type)]
    return tuple(out)


def _tables(visitors: list[Any]) -> tuple[dict[type, list[Callable]], dict[type, list[Callable]]]:
    """Per node type, the bound visit_ and leave_ methods, in the order of `visitors`."""
    enter: dict[type, list[Callable]] = {}
    leave: dict[type, list[Callable]] = {}
    for visitor in visitors:
        for t, is_visit, method in _class_plan(type(visitor)):
            (enter if is_visit else leave).setdefault(t, []).append(getattr(visitor, method))
    return enter, leave


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

    try:
        walk(tree)
    finally:
        # `walk` refers to itself through its closure cell: a cycle holding the dispatch tables, so every
        # visitor, this file's context and tree, until the collector's next pass (thresholds are raised for
        # a scan). Emptying the cell lets reference counting free them as the file is done.
        walk = None  # noqa: F841
