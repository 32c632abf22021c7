"""Whether a read of who is asking only scopes a query: `Project.objects.visible_for(request.user)`,
`Entry.objects.filter(owner=request.user)`, `search_data(request.user, text)`.

A read handler that hands the caller to the query or helper that picks its rows answers each caller what that
caller may see, an anonymous one included: the data is guarded by the filter, not by a missing login. Any other
use of the identity (a test of it, an attribute read, a value stored or rendered) is not this evidence."""

from __future__ import annotations

import ast

from ...checks.base import dotted
from .common import last_name

# Calls that only show, log or convert the value: handing the user to them scopes nothing
_NOT_A_SCOPE = frozenset({
    "render", "render_to_response", "render_to_string", "TemplateResponse", "HttpResponse", "JsonResponse",
    "Response", "redirect", "str", "repr", "print", "format", "getattr", "isinstance", "dict", "list", "log",
    "debug", "info", "warning", "error", "exception", "critical", "jsonify", "make_response", "dumps", "hasattr",
    "setattr", "len", "bool", "type", "id", "hash"})
# `request.user.pk`: the caller's key, handed on as the caller
_KEY_ATTRS = frozenset({"id", "pk", "user_id"})


def identity_scope(parents: list[ast.AST], node: ast.AST) -> str | None:
    """The call (its last name) that the identity expression `node` (`request.user`, `current_user`, or its
    `.id` / `.pk`) is handed to as an argument or keyword value, when that call may select rows by it; None for
    any other use."""
    chain = list(parents)
    child: ast.AST = node
    if chain and isinstance(chain[-1], ast.Attribute) and chain[-1].value is node and chain[-1].attr in _KEY_ATTRS:
        child = chain.pop()
    parent = chain[-1] if chain else None
    if isinstance(parent, ast.keyword) and parent.value is child and parent.arg and len(chain) > 1:
        call = chain[-2]
    elif isinstance(parent, ast.Call) and any(a is child for a in parent.args):
        call = parent
    else:
        return None
    if not isinstance(call, ast.Call):
        return None
    name = dotted(call.func) or (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    tail = last_name(name) if name else ""
    if not tail or tail in _NOT_A_SCOPE:
        return None
    return tail
