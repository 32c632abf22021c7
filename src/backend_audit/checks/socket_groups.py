"""BA-AUTH-012: a websocket consumer that joins the channel group of whatever id its URL names, after checking
only who the caller is.

A Django Channels consumer reads an id from its route (`self.scope["url_route"]["kwargs"]["pk"]`) and
subscribes the socket to that object's group (`group_add(f"device-{pk}", ...)`): every message sent to the
group (a device's command output, a document's edits) reaches the socket. When the consumer reads who is
asking (`self.scope["user"]`) but the id reaches no lookup and no call beside the user (`can_access(pk, user)`,
`Device.objects.get(pk=pk, organization__in=...)`), nothing ties the object to the caller: any user the
model-wide check admits (staff, a permission on the model) subscribes to another tenant's object by its id.
"""

from __future__ import annotations

import ast

from .base import AstCheck

_CONSUMERS = ("WebsocketConsumer", "AsyncWebsocketConsumer", "JsonWebsocketConsumer", "AsyncJsonWebsocketConsumer")
_GROUP_CALLS = frozenset({"group_add", "group_discard", "group_send"})
_PLAIN = frozenset({"str", "int", "format", "join", "UUID", "async_to_sync"})  # reshape the id, check nothing


def _scope_key(node: ast.AST, key: str) -> bool:
    """`self.scope["<key>"]` (also the first step of `self.scope["url_route"]["kwargs"][...]`)."""
    while isinstance(node, ast.Subscript):
        inner = node.value
        if isinstance(inner, ast.Attribute) and inner.attr == "scope" and isinstance(node.slice, ast.Constant):
            return node.slice.value == key
        node = inner
    return False


def _ref(node: ast.AST) -> str | None:
    """`x` or `self.x` as a key."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return f"self.{node.attr}"
    return None


def _carries(node: ast.AST, ids: set[str]) -> bool:
    return any(_scope_key(n, "url_route") or _ref(n) in ids for n in ast.walk(node))


def _call_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Call) and f.args and _call_name(f) in ("async_to_sync", "sync_to_async",
                                                              "database_sync_to_async"):
        f = f.args[0]  # async_to_sync(self.channel_layer.group_add)(group, channel): the wrapped call
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


class SocketGroupByUrlId(AstCheck):
    RULE_ID = "BA-AUTH-012"
    PREFILTER = ("url_route",)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [b.attr if isinstance(b, ast.Attribute) else b.id if isinstance(b, ast.Name) else "" for b in node.bases]
        if not any(b in _CONSUMERS for b in bases):
            return
        nodes = list(ast.walk(node))
        ids: set[str] = set()  # names and self attributes holding the route's id (or a group name made of it)
        for _ in range(3):  # `pk = scope[...]`, `self.group = f"x-{pk}"`: a few hops, in any order of methods
            for n in nodes:
                if isinstance(n, ast.Assign) and _carries(n.value, ids):
                    ids.update(r for r in map(_ref, n.targets) if r)
        if not ids:
            return
        reads_user = any(_scope_key(n, "user") for n in nodes)
        joins, tied = [], False
        for n in nodes:
            if not isinstance(n, ast.Call):
                continue
            name = _call_name(n)
            args = list(n.args) + [k.value for k in n.keywords]
            if name in _GROUP_CALLS:
                if name == "group_add" and args and _carries(args[0], ids):
                    joins.append(n)
            elif name not in _PLAIN and any(_carries(a, ids) for a in args):
                tied = True  # the id reaches a lookup or a check (`can_access(pk, user)`): not traced further
        if joins and reads_user and not tied:
            self.report(joins[0], f"{node.name} subscribes the socket to the group of the id its URL names, and that "
                                  "id reaches no lookup and no check beside the user: any caller its user check "
                                  "admits (staff, a model-wide permission) receives another owner's or "
                                  "organization's messages by naming their id; load the object and check it belongs "
                                  "to the caller before group_add", level="warning")
