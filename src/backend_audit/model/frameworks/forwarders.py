"""Project helpers that register routes for their callers, and the calls that use them.

Some projects wrap the framework's route registration in a function of their own:

    def register_view(bp, routes, view_func, **kwargs):
        for route in routes:
            bp.add_url_rule(route, view_func=view_func, **kwargs)

    register_view(user, routes=["/settings"], view_func=UserSettings.as_view("settings"))

The registration inside the helper has no literal path, so it lists nothing; each call of the helper
registers the literal routes and view it passes. Per file, two plain-data facts: a *forwarder* (a function
whose parameters reach `add_url_rule` / `add_api_route` / `add_route` as the owner, the path (or a list of
paths it loops over) and the view), and *route calls* (calls with a path-like literal argument, whose callee
only the project pass can resolve). The project pass (`ForwardedRoutes`) joins them through the semantic
model: what makes a helper is what its body does with its parameters, never its name.
"""

from __future__ import annotations

from typing import Any

import ast

from ...checks.base import FileContext, dotted
from .common import join_paths, keyword, literal, positional, string_value

MAX_ROUTE_CALLS = 500  # per file: a hostile file may hold millions of calls
MAX_FORWARDERS = 50  # per file; each one walks its function once for the loop it sits in
MAX_PAIRS = 2000  # (path, view) tuples kept per module-level route list
# the framework's own registration and request calls: a test client's `client.post("/x", data)` is no helper
_NOT_HELPERS = frozenset({"route", "get", "post", "put", "patch", "delete", "head", "options", "api_route",
                          "websocket", "add_url_rule", "add_api_route", "add_route", "add_resource", "mount",
                          "include_router", "register_blueprint", "register", "path", "re_path", "url", "Route",
                          "Mount", "redirect", "url_for", "reverse", "startswith", "endswith", "replace", "join",
                          "format", "request", "open", "fetch"})
_REGISTRATIONS = {"add_url_rule": "flask", "add_resource": "flask", "add_api_route": "fastapi", "add_route": "fastapi",
                  "add_api_websocket_route": "fastapi", "Route": "starlette", "WebSocketRoute": "starlette"}


def _params(fn: ast.AST) -> tuple[list[str], str | None]:
    args = fn.args  # type: ignore[attr-defined]
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return names, args.kwarg.arg if args.kwarg else None


def _loop_source(fn: ast.AST, name: str, call: ast.Call, params: list[str]) -> tuple[str, list[str]] | None:
    """The parameter a `for <name> in <param>:` loop around `call` iterates over, with the names its
    elements unpack to (`for path, resource in routes:` -> ("routes", ["path", "resource"]); [] for one)."""
    for node in ast.walk(fn):
        if not (isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.iter, ast.Name) and
                node.iter.id in params and node.lineno <= call.lineno <= (node.end_lineno or node.lineno)):
            continue
        if isinstance(node.target, ast.Name) and node.target.id == name:
            return node.iter.id, []
        if isinstance(node.target, ast.Tuple) and all(isinstance(e, ast.Name) for e in node.target.elts):
            names = [e.id for e in node.target.elts]  # type: ignore[attr-defined]
            if name in names:
                return node.iter.id, names
    return None


def _class_of_view(fn: ast.AST, view: ast.AST, names: list[str]) -> tuple[int, bool] | None:
    """Which unpacked loop element the registered view is made from: the element itself, its `.as_view()`
    call, or a local assigned such a call (`view_func = resource.as_view(resource.__name__)`, maybe decorated
    afterwards): the registration serves that element's class."""
    def made(node: ast.AST) -> tuple[int, bool] | None:
        if isinstance(node, ast.Name) and node.id in names:
            return names.index(node.id), False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("as_view", "as_asgi") and isinstance(node.func.value, ast.Name) and \
                node.func.value.id in names:
            return names.index(node.func.value.id), True
        return None

    found = made(view)
    if found is not None or not isinstance(view, ast.Name):
        return found
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == view.id for t in node.targets):
            found = made(node.value)
            if found is not None:
                return found
    return None


def _wrapping_param(fn: ast.AST, view: ast.AST, params: list[str]) -> str | None:
    """The parameter whose callables wrap the view before it is registered: `for decorator in decorators
    or []: view_func = decorator(view_func)`; each decorator the caller passes guards every route."""
    if not isinstance(view, ast.Name):
        return None
    for node in ast.walk(fn):
        if not isinstance(node, (ast.For, ast.AsyncFor)) or not isinstance(node.target, ast.Name):
            continue
        source = node.iter.values[0] if isinstance(node.iter, ast.BoolOp) else node.iter
        if not isinstance(source, ast.Name) or source.id not in params:
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == view.id
                                                    for t in stmt.targets) and \
                    isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name) and \
                    stmt.value.func.id == node.target.id:
                return source.id
    return None


def forwarder(ctx: FileContext, call: ast.Call, owner: str | None, method: str) -> dict[str, Any] | None:
    """A registration inside a function whose owner, path and view are that function's parameters (a
    Starlette `Route(path, endpoint)` has no owner: the list or Mount around the helper's call places it)."""
    if method not in _REGISTRATIONS or not ctx.function_stack:
        return None
    fn = ctx.function_stack[-1]
    params, kwarg = _params(fn)
    if method == "add_resource":  # flask-restful: api.add_resource(Resource, "/path", ...)
        path_node, view = positional(call, 1), positional(call, 0)
    else:
        path_node = positional(call, 0) or keyword(call, "rule") or keyword(call, "path")
        view = keyword(call, "view_func") or keyword(call, "endpoint")
    if view is None and method in ("Route", "WebSocketRoute"):
        view = positional(call, 1)
    if view is None:
        view = positional(call, 2) if method == "add_url_rule" else positional(call, 1)
    if (owner is not None and owner not in params) or not isinstance(path_node, ast.Name) or view is None:
        return None
    entry: dict[str, Any] = {"function": ctx.symbol, "method": method, "kind": _REGISTRATIONS[method],
                             "owner": owner, "line": ctx.span(call)[0]}
    if method == "add_resource":
        entry["class_view"] = True
    if path_node.id in params and isinstance(view, ast.Name) and view.id in params:
        entry["path"], entry["view"] = path_node.id, view.id
    else:
        source = _loop_source(fn, path_node.id, call, params)
        if source is None:
            return None
        entry["path"], entry["iter"] = source[0], True
        if source[1]:
            # `for path, resource in routes:` each element of the list the caller passes is a (path, view)
            # pair: the helper registers every pair's view at its path
            made = _class_of_view(fn, view, source[1])
            if made is None:
                return None
            entry["pairs"] = [source[1].index(path_node.id), made[0]]
            if made[1]:
                entry["class_view"] = True
            wrapping = _wrapping_param(fn, view, params)
            if wrapping:
                entry["wrappers_param"] = wrapping
        elif isinstance(view, ast.Name) and view.id in params:
            entry["view"] = view.id
        else:
            return None
    methods = keyword(call, "methods")
    if isinstance(methods, ast.Name) and methods.id in params:
        entry["methods_param"] = methods.id
    elif methods is not None and isinstance(literal(methods), list):
        entry["methods"] = literal(methods)
    if kwarg and any(kw.arg is None and isinstance(kw.value, ast.Name) and kw.value.id == kwarg
                     for kw in call.keywords):
        entry["kwargs"] = True  # `**kwargs` passed on: a caller's `methods=[...]` reaches the registration
    return entry


def _path_like(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value.get("pairs"))
    if isinstance(value, str):
        return value.startswith("/")
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.startswith("/") for v in value)


def view_argument(node: ast.AST) -> dict[str, Any] | None:
    """A view argument: `X.as_view("name")`, `login_required(X.as_view("name"))`, `handler`."""
    wrappers: list[str] = []
    while isinstance(node, ast.Call) and not (isinstance(node.func, ast.Attribute) and
                                              node.func.attr in ("as_view", "as_asgi")):
        if not dotted(node.func) or positional(node, 0) is None or len(wrappers) > 8:
            return None
        wrappers.append(dotted(node.func).rsplit(".", 1)[-1])
        node = positional(node, 0)
    out: dict[str, Any] = {}
    if isinstance(node, ast.Call):
        out["as_view"] = True
        name = string_value(positional(node, 0))
        if name:
            out["name"] = name
        node = node.func.value  # type: ignore[attr-defined]
    ref = dotted(node)
    if not ref:
        return None
    out["ref"] = ref
    if wrappers:
        out["wrappers"] = wrappers
    return out


def route_pairs(node: ast.AST) -> list[list[Any]] | None:
    """A literal list of (path, view, ...) tuples, as a route helper loops over: `routes = [("/x", XResource),
    ...]`. Each tuple is kept as its paths and views (None for anything else), in order."""
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts or len(node.elts) > MAX_PAIRS:
        return None
    out = []
    for el in node.elts:
        if not isinstance(el, ast.Tuple) or len(el.elts) < 2 or len(el.elts) > 4:
            return None
        items: list[Any] = []
        for part in el.elts:
            text = string_value(part)
            view = view_argument(part) if text is None else None
            items.append(text if text is not None else {"view": view} if view else None)
        if not any(isinstance(i, str) and i.startswith("/") for i in items):
            return None
        out.append(items)
    return out


def route_call(ctx: FileContext, call: ast.Call,
               lists: dict[str, list[list[Any]]] | None = None) -> dict[str, Any] | None:
    """A call that passes a path-like literal (`"/x"` or a list of them, or a module-level list of (path,
    view) pairs named in `lists`): maybe a project route helper."""
    callee = dotted(call.func)
    # a bare `route("/x", h)` may be the project's own helper; `bp.route("/x", ...)` is the framework's
    skip = _NOT_HELPERS if isinstance(call.func, ast.Attribute) else _NOT_HELPERS - {"route", "get", "post", "put",
                                                                                     "patch", "delete", "websocket"}
    if not callee or callee.rsplit(".", 1)[-1] in skip or len(call.args) + len(call.keywords) < 2 or \
            any(isinstance(a, ast.Starred) for a in call.args):
        return None
    values = [_argument(a, lists) for a in call.args]
    keywords = {kw.arg: _argument(kw.value, lists) for kw in call.keywords if kw.arg is not None}
    if not any(_path_like(v) for v in [*values, *keywords.values()]):
        return None
    return {"callee": callee, "caller": ctx.symbol, "line": ctx.span(call)[0], "args": values, "kwargs": keywords}


def _argument(node: ast.AST, lists: dict[str, list[list[Any]]] | None = None) -> Any:
    if isinstance(node, ast.Name) and lists and node.id in lists:
        return {"pairs": lists[node.id]}
    pairs = route_pairs(node) if isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Tuple) \
        else None
    if pairs:
        return {"pairs": pairs}
    if isinstance(node, ast.List) and node.elts and len(node.elts) <= 8 and \
            all(dotted(e.func if isinstance(e, ast.Call) else e) for e in node.elts):
        # decorators=[permissions.require_person, jwt_required()]: what a helper may wrap each view in
        return {"callables": [dotted(e.func if isinstance(e, ast.Call) else e).rsplit(".", 1)[-1] for e in node.elts]}
    value = literal(node) if isinstance(node, (ast.Constant, ast.List, ast.Tuple)) else None
    if isinstance(value, str) or isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value  # a path, a list of paths, methods=["GET", "POST"]
    view = view_argument(node)
    return {"view": view} if view else None


# --- project pass -----------------------------------------------------------------------------------------

class ForwardedRoutes:
    """Mixed into the inventory builder: the routes each call of a project route helper registers."""

    facts: dict[str, dict[str, Any]]
    semantic: Any

    def _forwarded_routes(self, parents: dict) -> None:
        sm = self.semantic
        helpers: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(self.facts) if sm is not None else ():
            module = sm.module_of(path)
            for entry in self.facts[path].get("web", {}).get("route_forwarders", []) if module else ():
                helpers.setdefault(f"{module}.{entry['function']}", []).append(entry)
        if not helpers:
            return
        for path in sorted(self.facts):
            module = sm.module_of(path)
            for call in self.facts[path].get("web", {}).get("route_calls", []) if module else ():
                target = sm.call_target(f"{module}.{call['caller']}" if call["caller"] else module, call["callee"])
                if target is None:
                    found = sm.resolve(module, call["callee"])
                    target = found.qualname if found is not None and found.kind == "function" else None
                info = sm.function(target) if target in helpers else None
                for helper in helpers.get(target, ()) if info is not None else ():
                    for rule in _bind(helper, info, call):
                        self._url_rule(path, rule, parents)  # type: ignore[attr-defined]


def _bind(helper: dict[str, Any], info: Any, call: dict[str, Any]) -> list[dict[str, Any]]:
    """The URL rules one call of a helper registers: its arguments bound to the helper's parameters."""
    params = list(info.params)
    if info.is_method and params and "." in call["callee"]:
        params = params[1:]  # obj.helper(...): `self` is the receiver
    bound: dict[str, Any] = dict(zip(params, call["args"]))
    for name, value in call["kwargs"].items():
        if name in params or name in info.kwonly:
            bound[name] = value
    owner, paths = bound.get(helper["owner"] or ""), bound.get(helper["path"])
    view = bound.get(helper.get("view") or "")
    owner_ref = owner["view"]["ref"] if isinstance(owner, dict) and set(owner.get("view") or ()) == {"ref"} else None
    if helper["owner"] is None:  # a Starlette Route: placed by the list or Mount the call sits in
        owner_ref = ""
    if helper.get("pairs"):  # each (path, view) pair of the list passed registers its own view
        at, made = helper["pairs"]
        listed = paths.get("pairs") if isinstance(paths, dict) else None
        served = [(p[at], p[made]) for p in listed or () if len(p) > max(at, made) and isinstance(p[at], str)
                  and isinstance(p[made], dict)]
    elif isinstance(view, dict) and "view" in view:
        routes = (paths if isinstance(paths, list) else []) if helper.get("iter") else \
            ([paths] if isinstance(paths, str) else [])
        served = [(route, view) for route in routes if isinstance(route, str)]
    else:
        served = []
    if owner_ref is None or (helper["owner"] and not owner_ref) or not served:
        return []
    methods = helper.get("methods") or bound.get(helper.get("methods_param", ""))
    if methods is None and helper.get("kwargs") and "methods" not in params:
        methods = call["kwargs"].get("methods")
    rules = []
    for route, passed in served:
        view = passed["view"]
        rule: dict[str, Any] = {"owner": owner_ref or None, "path": route, "view": view["ref"], "line": call["line"],
                                "kind": helper["kind"], "methods": methods if isinstance(methods, list) else None}
        if helper["owner"] is None:
            if call.get("mounted"):
                rule["path"], rule["mounted"] = join_paths(call["mounted"], route), call["mounted"]
            if call.get("in_list"):
                rule["in_list"] = call["in_list"]
            if helper["method"] == "WebSocketRoute" and rule["methods"] is None:
                rule["methods"] = ["WEBSOCKET"]
        if view.get("as_view") or helper.get("class_view"):
            rule["class_view"] = True
        for key in ("wrappers", "name"):
            if view.get(key):
                rule[key] = view[key]
        wrapping = bound.get(helper.get("wrappers_param") or "")
        if isinstance(wrapping, dict) and wrapping.get("callables"):
            rule["wrappers"] = [*rule.get("wrappers", ()), *wrapping["callables"]]
        rules.append(rule)
    return rules
