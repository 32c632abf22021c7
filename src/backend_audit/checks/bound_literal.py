"""The literal a plain name stands for where it is read, when its scope binds it exactly once, to a literal.

`verify = False` then `requests.get(url, verify=verify)` turns verification off as surely as the literal
does; a second binding anywhere in the scope (`if settings.CA: verify = settings.CA`), a parameter, an
import or a `global` declaration make the value something the code chooses at run time: not folded.
"""
from __future__ import annotations

import ast
from typing import Any

from .base import FileContext, iter_nodes
from .recognise import UNKNOWN, literal_value


def bound_literal(ctx: FileContext, node: ast.AST, memo: dict[str, list[ast.AST]]) -> tuple[Any, int]:
    """(value, line of the binding) for a Name bound once to a literal in its function (or, when the
    function does not bind it, at module level); (UNKNOWN, 0) otherwise. `memo` is the caller's, one per
    file: it keeps the module's own nodes, listed at most once."""
    if not isinstance(node, ast.Name) or ctx.imported(node.id):
        return UNKNOWN, 0
    name = node.id
    func = ctx.function_stack[-1] if ctx.function_stack else None
    if func is not None:
        if name in ctx.local_scopes[-1] and not _stores(ctx.own_nodes(func), name):
            return UNKNOWN, 0  # a parameter: the caller's value
        found = _single_literal(ctx.own_nodes(func), name)
        if found is not None:
            return found
        if _stores(ctx.own_nodes(func), name) or any(isinstance(n, (ast.Global, ast.Nonlocal)) and
                                                     name in n.names for n in ctx.own_nodes(func)):
            return UNKNOWN, 0
        if len(ctx.function_stack) > 1:
            return UNKNOWN, 0  # a closure's variable: the enclosing function's binding is not looked up
    if ctx.tree is None:
        return UNKNOWN, 0
    # module level: the module's own statements (functions and classes bind their own names)
    if "module" not in memo:
        memo["module"] = list(iter_nodes(ctx.tree.body))
    found = _single_literal(memo["module"], name)
    return found if found is not None else (UNKNOWN, 0)


def _stores(nodes: list[ast.AST], name: str) -> list[ast.Name]:
    return [n for n in nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]


def _single_literal(nodes: list[ast.AST], name: str) -> tuple[Any, int] | None:
    stores = _stores(nodes, name)
    if len(stores) != 1:
        return None
    for n in nodes:
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if any(t is stores[0] for t in targets):
                value = literal_value(n.value)
                return (value, n.lineno) if value is not UNKNOWN else None
    return None
