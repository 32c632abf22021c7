"""BA-QUAL-005: a model field read on a Django QuerySet (`Member.objects.filter(...).role`).

`filter()` returns a QuerySet, not a row: reading a field off it raises AttributeError, a 500 on every
request that gets there. Only the chain's own shape is judged: a manager (`.objects`) call chain ending in
a method that always returns a QuerySet, then an attribute that is not called and that no QuerySet has.
A custom QuerySet method (`.filter(...).active()`) is called, so it is never judged.
"""

from __future__ import annotations

import ast

from .base import AstCheck

# manager/QuerySet methods that return a QuerySet (not a row, a count or a bool)
_QS_METHODS = frozenset({"filter", "exclude", "all", "order_by", "select_related", "prefetch_related", "annotate",
                         "distinct", "only", "defer", "using", "select_for_update", "alias", "none", "reverse"})
# what a QuerySet has besides its methods: reading these off it is fine
_QS_ATTRS = frozenset({"query", "model", "db", "ordered", "exists", "count", "first", "last", "get", "update",
                       "delete", "values", "values_list", "iterator", "aggregate", "in_bulk", "explain", "create",
                       "bulk_create", "bulk_update", "get_or_create", "update_or_create", "latest", "earliest",
                       "union", "intersection", "difference", "as_manager", "dates", "datetimes", "raw",
                       "contains", "acount", "aget", "afirst", "alast", "aexists", "aupdate", "adelete",
                       "aiterator", "aaggregate", "acreate", "acontains", "ain_bulk", "alatest", "aearliest",
                       "aget_or_create", "aupdate_or_create", "abulk_create", "abulk_update", "aexplain"}
                      | _QS_METHODS)


class FieldReadOnQuerySet(AstCheck):
    RULE_ID = "BA-QUAL-005"
    PREFILTER = (".objects.",)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _QS_ATTRS or node.attr.startswith("_") or not isinstance(node.ctx, ast.Load):
            return
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in _QS_METHODS and _from_manager(call.func.value)):
            return
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if isinstance(parent, ast.Call) and parent.func is node:
            return  # a custom QuerySet method, called
        self.report(node, f"`.{node.attr}` is read off the QuerySet `.{call.func.attr}()` returns, not off a "
                          f"row: AttributeError at run time. Take one row first (`.first()`, `.get()`) or "
                          f"`.values_list(\"{node.attr}\", flat=True)`.")


def _from_manager(node: ast.AST) -> bool:
    """`X.objects` itself, or a QuerySet-returning call chain that starts at it."""
    for _ in range(20):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _QS_METHODS:
            node = node.func.value
            continue
        return False
    return False
