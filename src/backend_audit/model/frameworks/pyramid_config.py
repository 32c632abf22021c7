"""Per-file facts of Pyramid's imperative configuration: `config.add_route(name, pattern)`, `config.add_view(view,
route_name=...)` and `config.include(".admin", route_prefix="/admin")`. A route is only a name and a pattern here;
the views that answer it are bound by name (`@view_config(route_name=...)`, possibly in another module), so the
project pass (pyramid.py) joins the two."""

from __future__ import annotations

from typing import Any

import ast

from ...checks.base import dotted
from .common import keyword, literal, positional, string_value

_VIEW_KEYS = ("route_name", "permission", "request_method", "attr")
PYRAMID_CONFIG = frozenset({"add_route", "add_view", "include", "set_default_permission"})


def config_call(node: ast.Call, method: str) -> dict[str, Any] | None:
    """The fact of one configurator call, or None for any other call of the same name (aiohttp's
    `add_route("GET", ...)` is told apart before this is asked; flask-admin's `add_view(ModelView(...))` names no
    route)."""
    if method == "add_route":
        name = string_value(positional(node, 0) or keyword(node, "name"))
        pattern = string_value(positional(node, 1) or keyword(node, "pattern") or keyword(node, "path"))
        if name is None or pattern is None:
            return None
        factory = keyword(node, "factory")
        return {"kind": "route", "name": name, "pattern": pattern,
                **({"factory": dotted(factory) or "<expr>"} if factory is not None else {})}
    if method == "add_view":
        view = positional(node, 0) or keyword(node, "view")
        route = string_value(keyword(node, "route_name"))
        if route is None or view is None or not dotted(view):
            return None
        kwargs = {k: literal(keyword(node, k)) for k in _VIEW_KEYS if keyword(node, k) is not None}
        return {"kind": "view", "view": dotted(view), "kwargs": kwargs}
    if method == "include":
        module = string_value(positional(node, 0))
        prefix = string_value(keyword(node, "route_prefix"))
        if module is None or prefix is None:
            return None
        return {"kind": "include", "module": module, "prefix": prefix}
    if method == "set_default_permission":
        permission = literal(positional(node, 0) or keyword(node, "permission"))
        return {"kind": "default_permission", "permission": str(permission)} if permission is not None else None
    return None
