"""FastAPI / Starlette / Flask wiring facts: app and router objects, how they are included, URL rules
registered by call, middleware and rate limiters.

Route *decorators* are function facts (functions.py); the inventory reads them together with these.
"""

from __future__ import annotations

import re
from typing import Any

import ast

from ...checks.base import FileContext, dotted
from ..semantic.values import fold
from .common import (FASTAPI_SECURITY, dep_refs, join_paths, keyword, last_name, literal, may_call_deps,
                     positional, string_value)
from .dev_switch import is_dev_switch
from .factories import annotated_calls
from .forwarders import MAX_FORWARDERS, MAX_ROUTE_CALLS, forwarder, route_call, route_pairs
from .pyramid_config import PYRAMID_CONFIG, config_call
from .include_helpers import MAX_INCLUDE_CALLS, include_call, include_forward, includes_routers

# Constructor name -> router kind. Resolved through imports; the names are distinctive enough that an
# unresolved `APIRouter(...)` (star import, re-export) still counts.
ROUTER_KINDS = {
    "FastAPI": "fastapi_app", "APIRouter": "fastapi_router", "Starlette": "starlette_app",
    "Flask": "flask_app", "Quart": "flask_app", "APIFlask": "flask_app", "Blueprint": "flask_blueprint",
    "APIBlueprint": "flask_blueprint", "DefaultRouter": "drf_router", "SimpleRouter": "drf_router",
    "ExtendedSimpleRouter": "drf_router", "ExtendedDefaultRouter": "drf_router", "NestedSimpleRouter": "drf_router",
    "NestedDefaultRouter": "drf_router", "NinjaAPI": "ninja_api", "Router": "ninja_router",
    "Application": "aiohttp_app", "RouteTableDef": "aiohttp_routes", "Sanic": "sanic_app",
    "GraphQLRouter": "graphql_router",  # strawberry's FastAPI router: one GraphQL endpoint (GET and POST)
    # flask-restx / flask-restplus; flask-restful's Api too: `Api(blueprint)` serves its add_resource routes
    # under the blueprint's url_prefix
    "Namespace": "flask_blueprint", "Api": "restx_api",
    "FalconApp": "falcon_app",  # falcon.App / falcon.asgi.App / the older falcon.API
}
ROUTER_PACKAGES = ("fastapi", "starlette", "flask", "quart", "apiflask", "rest_framework", "rest_framework_nested",
                   "ninja", "flask_smorest", "aiohttp", "sanic", "strawberry", "flask_restx", "flask_restplus",
                   "flask_restful", "litestar", "falcon")
_AIOHTTP_VERBS = {"add_get": "GET", "add_post": "POST", "add_put": "PUT", "add_patch": "PATCH",
                  "add_delete": "DELETE", "add_head": "HEAD", "add_view": None}
# a project subclass of a router or API class (`UserAPIRouter`, `NinjaAPIWithIOCapture`): the project pass
# keeps it only when its MRO reaches one
_PROJECT_ROUTER = re.compile(r"^[A-Z]\w*(Router|Blueprint)$|^[A-Z]\w*(API|Api)")
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"})
_LIMITERS = {"Limiter": "Limiter", "FastAPILimiter": "fastapi-limiter", "RateLimiter": "fastapi-limiter",
             "SlowAPIMiddleware": "slowapi middleware"}
_LIMITER_PACKAGES = ("slowapi", "flask_limiter", "fastapi_limiter", "limits", "ratelimit", "django_ratelimit")


def _elements(node: ast.AST | None) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else []


def _no_lookup(name: str) -> None:
    return None  # names stay refs: the project pass resolves them in this module's scope


def _source_args(call: ast.Call) -> list[tuple[str | None, ast.AST]]:
    """(keyword or None, value) for every argument in source order, `*x` / `**x` unwrapped: ast keeps
    positional and keyword arguments apart, but `f(a=1, *b)` interleaves them."""
    args = [(None, a.value if isinstance(a, ast.Starred) else a, a) for a in call.args]
    args += [(kw.arg, kw.value, kw) for kw in call.keywords]
    args.sort(key=lambda a: (a[2].lineno, a[2].col_offset))
    return [(name, value) for name, value, _ in args]


class RouteWiring:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        web = self.web = ctx.facts.setdefault("web", {})
        self.routers: dict[str, dict[str, Any]] = web.setdefault("routers", {})
        self.includes: list[dict[str, Any]] = web.setdefault("includes", [])
        self.url_rules: list[dict[str, Any]] = web.setdefault("url_rules", [])
        self.middleware: list[dict[str, Any]] = web.setdefault("middleware", [])
        self.limiters: list[dict[str, Any]] = web.setdefault("rate_limiters", [])
        self.register: list[dict[str, Any]] = web.setdefault("drf_register", [])
        self.hooks: list[dict[str, Any]] = web.setdefault("hooks", [])
        self.mounts: list[dict[str, Any]] = web.setdefault("mounts", [])  # Starlette Mount(routes=<list name>)
        self.mount_prefix: dict[int, str] = {}  # id(Route call) -> the prefix of the Mount(s) around it
        self.listed: dict[int, str] = {}  # id(list element) -> the module-level name the list is bound to
        self.assigned_to: dict[int, str] = {}  # id(call) -> the name it is assigned to (Litestar routers)
        # (enclosing symbol, local) -> the project call that made it: `api_bp = api.make_blueprint()`
        self.made_by: dict[tuple[str, str], str] = {}
        # (enclosing symbol, loop variable) -> what a loop walks: `for module in [main, info, api]:`
        self.loop_items: dict[tuple[str, str], list[str]] = {}
        self.route_lists: dict[str, list[list[Any]]] = {}  # module-level name -> its (path, view) tuples
        self.include_helper_calls = includes_routers(ctx.text)  # only such files call an include helper
        # the (first, last) lines of the body of each `if app.debug:` being walked, and its test
        self.dev_blocks: list[tuple[int, int, str]] = []

    def _line(self, node: ast.AST) -> int:
        return self.ctx.span(node)[0]

    def _ctor(self, call: ast.Call) -> str | None:
        name = dotted(call.func)
        if not name:
            return None
        qn = self.ctx.qualname(call.func) or ""
        # `from fastapi import APIRouter as R`: the imported name decides, not the local alias
        tail = last_name(qn) if qn and not qn.startswith(".") else last_name(name)
        if qn and qn.split(".")[0] not in ROUTER_PACKAGES and not qn.startswith("."):
            return None  # e.g. a project's own class that happens to be called Router
        if tail == "Router" and qn.startswith("litestar"):
            return "LitestarRouter"
        if tail == "Router" and not qn.startswith(("ninja", "starlette")):
            return None
        if tail == "Application" and not qn.startswith("aiohttp"):
            return None
        if tail in ("App", "API"):
            return "FalconApp" if qn.startswith("falcon") else None
        if tail == "Namespace" and not qn.startswith(("flask_restx", "flask_restplus")):
            return None
        if tail == "Api" and not qn.startswith(("flask_restx", "flask_restplus", "flask_restful")):
            return None
        return tail

    def _limiter(self, call: ast.Call) -> str | None:
        name = dotted(call.func) or ""
        if name.endswith("FastAPILimiter.init"):
            return "fastapi-limiter"
        tail = last_name(name)
        if tail not in _LIMITERS:
            return None
        qn = self.ctx.qualname(call.func)
        if qn and qn.split(".")[0] not in _LIMITER_PACKAGES and not qn.startswith("."):
            return None
        return _LIMITERS[tail]

    def visit_If(self, node: ast.If) -> None:
        if node.body and is_dev_switch(node.test):
            self.dev_blocks.append((self._line(node.body[0]), self.ctx.span(node.body[-1])[2],
                                    " ".join(self.ctx.segment(node.test).split())[:60]))

    def leave_If(self, node: ast.If) -> None:
        if self.dev_blocks and node.body and self.dev_blocks[-1][0] == self._line(node.body[0]):
            self.dev_blocks.pop()

    def visit_For(self, node: ast.For) -> None:
        if isinstance(node.target, ast.Name) and isinstance(node.iter, (ast.List, ast.Tuple)) and \
                0 < len(node.iter.elts) <= 32 and all(dotted(e) for e in node.iter.elts):
            self.loop_items[(self.ctx.symbol, node.target.id)] = [dotted(e) for e in node.iter.elts]

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) != 1:
            return
        target = dotted(node.targets[0])
        if target and "." not in target and isinstance(node.value, (ast.List, ast.Tuple)) and not \
                self.ctx.function_stack:
            for el in node.value.elts:
                if isinstance(el, ast.Call):  # only calls can be Routes: a data list costs nothing
                    self.listed[id(el)] = target
            pairs = route_pairs(node.value) if node.value.elts and isinstance(node.value.elts[0], ast.Tuple) \
                else None
            if pairs:  # routes = [("/x", XResource), ...], handed to a project helper that registers each
                self.route_lists[target] = pairs
        if target and "." not in target and may_call_deps(self.ctx.text):
            deps = dep_refs(node.value)
            if deps:  # CurrentUser = Annotated[User, Depends(get_current_user)]
                self.web.setdefault("dep_aliases", {})[target] = deps
        if target and "." not in target and not self.ctx.function_stack and "Annotated" in self.ctx.text:
            made = annotated_calls(node.value)
            if made:  # OrgUserRole = Annotated[Role, RoleACL(...)]: a dependency if RoleACL returns one
                self.web.setdefault("alias_calls", {})[target] = made
        if target and target != "urlpatterns" and "." not in target and not self.ctx.function_stack and \
                isinstance(node.value, ast.Attribute) and node.value.attr == "urls" and dotted(node.value.value):
            # `urls = api.urls`: a URLconf may mount the name (`path("v1/", v1_api_urls)`) instead of `api.urls`
            self.web.setdefault("urls_aliases", {})[target] = dotted(node.value.value)
        if not isinstance(node.value, ast.Call):
            return
        if target and "." not in target:
            self.assigned_to[id(node.value)] = target
            if dotted(node.value.func) and len(self.made_by) < MAX_ROUTE_CALLS:
                self.made_by[(self.ctx.symbol, target)] = dotted(node.value.func)
        ctor = last_name(dotted(node.value.func))
        if target and ctor in FASTAPI_SECURITY:
            self.web.setdefault("schemes", []).append(target)
        if target and ctor in ("declarative_base", "generate_base"):
            self.web.setdefault("orm_bases", []).append(target)
        tail = self._ctor(node.value)
        if target and tail not in ROUTER_KINDS and _PROJECT_ROUTER.match(ctor or ""):
            # `router = UserAPIRouter(prefix="/groups")`: a project subclass; the project pass checks its MRO
            entry = {"kind": "project_router", "cls": dotted(node.value.func), "line": self._line(node)}
            self._prefix(entry, keyword(node.value, "prefix") or keyword(node.value, "url_prefix"))
            self._ninja_auth(entry, node.value)
            self.routers[target] = entry
            return
        if not target or not tail:
            return
        call = node.value
        if tail in ROUTER_KINDS:
            prefix = keyword(call, "prefix") or keyword(call, "url_prefix")
            if tail == "Blueprint":
                prefix = keyword(call, "url_prefix")
            elif tail in ("GraphQLRouter", "Namespace"):
                prefix = keyword(call, "path")
            if tail == "Api" and positional(call, 0) is not None and dotted(positional(call, 0)):
                # Api(blueprint, prefix=...): the API lives under the blueprint (or app) it is given
                self.includes.append({"owner": dotted(positional(call, 0)), "target": target,
                                      "line": self._line(node)})
            entry: dict[str, Any] = {"kind": ROUTER_KINDS[tail], "line": self._line(node)}
            package = (self.ctx.qualname(call.func) or "").split(".")[0]
            if package == "sanic":  # Sanic's Blueprint works like Flask's; the report names the framework
                entry["framework"] = "sanic"
            if tail == "Blueprint" and string_value(positional(call, 0)):
                entry["name"] = string_value(positional(call, 0))  # the stem of its endpoints' names
            self._prefix(entry, prefix)
            deps = dep_refs(keyword(call, "dependencies"))
            if deps:
                entry["deps"] = deps
            if tail in ("NinjaAPI", "Router"):
                self._ninja_auth(entry, call)
            # aiohttp `middlewares=[auth]`, Falcon `middleware=[AuthMiddleware()]` (a list or one instance)
            given = keyword(call, "middlewares") or keyword(call, "middleware")
            middlewares = [dotted(m.func if isinstance(m, ast.Call) else m)
                           for m in (_elements(given) or ([given] if given is not None else []))]
            middlewares = [m for m in middlewares if m]
            if middlewares:  # wraps every handler of this app (and of an aiohttp app's sub-apps)
                entry["middlewares"] = middlewares
            self.routers[target] = entry

    def _ninja_auth(self, entry: dict[str, Any], call: ast.Call) -> None:
        guard = keyword(call, "auth")
        if guard is not None and not (isinstance(guard, ast.Constant) and guard.value is None):
            entry["auth"] = " ".join(self.ctx.segment(guard).split())[:100]  # NinjaAPI(auth=django_auth)

    def _config_file(self, node: ast.Call, method: str) -> None:
        """Flask config read from a file or the environment (`from_pyfile("/etc/app.conf")`,
        `from_envvar("APP_SETTINGS")`): values the repository may not hold (flask-cors' CORS_ORIGINS)."""
        arg = string_value(node.args[0]) if node.args else None
        self.web.setdefault("config_files", []).append({"how": method, "arg": arg, "line": self._line(node)})

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        tail = self._ctor(node)
        passed = include_call(self.ctx, node) if self.include_helper_calls and \
            len(self.web.get("include_calls", ())) < MAX_INCLUDE_CALLS else None
        if passed:  # _include_scoped(app, cases_router): the project pass resolves the callee
            self.web.setdefault("include_calls", []).append(passed)
        limiter = self._limiter(node)
        if limiter:
            self.limiters.append({"what": limiter, "line": self._line(node),
                                  "default": keyword(node, "default_limits") is not None or
                                  keyword(node, "application_limits") is not None})
        if tail in ("Route", "WebSocketRoute"):
            path = string_value(positional(node, 0))
            endpoint = positional(node, 1) or keyword(node, "endpoint")
            if path is not None and endpoint is not None and dotted(endpoint):
                methods = literal(keyword(node, "methods"))
                rule = {"owner": None, "path": path, "view": dotted(endpoint), "line": self._line(node),
                        "methods": methods if isinstance(methods, list) else
                        (["WEBSOCKET"] if tail == "WebSocketRoute" else None), "kind": "starlette"}
                self._starlette_place(node, rule)
                self.url_rules.append(rule)
            elif path is None and len(self.web.get("route_forwarders", ())) < MAX_FORWARDERS:
                helper = forwarder(self.ctx, node, None, tail)  # def route(p, e): return Route(p, e)
                if helper:
                    self.web.setdefault("route_forwarders", []).append(helper)
        elif tail in ("Mount", "Host"):
            self._mount(node)
        elif tail in ("Litestar", "LitestarRouter"):
            self._litestar(node, tail)
        elif tail in ("Starlette", "Router") and isinstance(keyword(node, "routes"), ast.Name):
            self.mounts.append({"prefix": "", "routes": keyword(node, "routes").id, "line": self._line(node)})
        elif tail is None:
            calls = self.web.setdefault("route_calls", [])
            found = route_call(self.ctx, node, self.route_lists) if len(calls) < MAX_ROUTE_CALLS else None
            if found:  # register_view(bp, routes=["/x"], view_func=...): the project pass resolves the callee
                if self.mount_prefix.get(id(node)):
                    found["mounted"] = self.mount_prefix[id(node)]  # a Starlette helper's Route inside a Mount
                if self.listed.get(id(node)):
                    found["in_list"] = self.listed[id(node)]
                calls.append(found)
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr in (
                "limit", "shared_limit") and last_name(dotted(func.func.value)).lower().endswith("limiter") and \
                node.args and dotted(node.args[0]):
            # Flask-Limiter: `limiter.limit("5/minute")(auth_blueprint)` limits every route of the blueprint
            self.web.setdefault("limited", []).append({"target": dotted(node.args[0]), "line": self._line(node),
                                                       "by": dotted(func.func.value) + "." + func.func.attr})
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "__init__" and isinstance(func.value, ast.Call) and dotted(func.value.func) == "super" \
                and self.ctx.symbol.endswith(".__init__"):
            deps = dep_refs(keyword(node, "dependencies"))
            if deps:  # class UserAPIRouter(APIRouter): super().__init__(dependencies=[Depends(get_user)])
                self.web.setdefault("class_deps", {})[self.ctx.symbol.rsplit(".", 1)[0]] = deps
        owner = dotted(func.value)
        method = func.attr
        if not owner:
            return
        if owner.endswith(".router") and method in (*_AIOHTTP_VERBS, "add_route"):
            owner = owner[: -len(".router")]  # aiohttp: app.router.add_get(...) registers on the app
        pyramid_view = method == "add_view" and keyword(node, "route_name") is not None  # not aiohttp's add_view
        if method in _AIOHTTP_VERBS and not pyramid_view or method == "add_route" and self._aiohttp_route(node):
            self._aiohttp_rule(node, owner, method)
            return
        if method == "add_routes" and node.args:
            self._aiohttp_routes(node, owner)
            return
        pyramid = config_call(node, method) if method in PYRAMID_CONFIG else None
        if pyramid is not None:
            self.web.setdefault("pyramid_config", []).append({**pyramid, "line": self._line(node)})
            return
        sub = node.args[1] if method == "add_subapp" and len(node.args) >= 2 else None
        if isinstance(sub, ast.Call) and dotted(sub.func):
            sub = sub.func  # add_subapp("/admin/", admin.make_admin()): the factory's app (project pass)
        if sub is not None and dotted(sub):
            entry: dict[str, Any] = {"owner": owner, "target": dotted(sub), "line": self._line(node)}
            if sub is not node.args[1]:
                entry["factory"] = True
            self._prefix(entry, node.args[0])
            self.includes.append(entry)
            return
        router = positional(node, 1) or keyword(node, "router") if method == "add_router" else None
        if router is not None and (dotted(router) or string_value(router)):
            # django-ninja: api.add_router("/events/", events_router), or the router's import path as a string
            entry = {"owner": owner, "target": dotted(router) or string_value(router), "line": self._line(node)}
            if not dotted(router):
                entry["import_path"] = True
            guard = keyword(node, "auth")
            if guard is not None:  # add_router(..., auth=...) replaces the API's auth for that router's routes
                entry["auth"] = None if isinstance(guard, ast.Constant) and guard.value is None else \
                    " ".join(self.ctx.segment(guard).split())[:100]
            self._prefix(entry, positional(node, 0) or keyword(node, "prefix"))
            self.includes.append(entry)
            return
        if method == "add_namespace" and node.args and dotted(node.args[0]):
            entry = {"owner": owner, "target": dotted(node.args[0]), "line": self._line(node)}
            self._prefix(entry, positional(node, 1) or keyword(node, "path"))
            self.includes.append(entry)
            return
        if method in ("include_router", "register_blueprint", "include", "blueprint"):
            target = positional(node, 0) or keyword(node, "router") or keyword(node, "blueprint")
            ref = dotted(target) if target is not None else None
            # `register_blueprint(account.make_blueprint())`, or its result bound to a local first: the
            # blueprint the factory builds (resolved in the project pass, like add_subapp's)
            made = dotted(target.func) if isinstance(target, ast.Call) else \
                self.made_by.get((self.ctx.symbol, ref)) if ref and "." not in ref else None
            if made and (isinstance(target, ast.Call) or ref not in self.routers):
                ref = made
            factory = bool(made) and ref == made
            head, _, rest = (ref or "").partition(".")
            # `for module in [main, info, api]: app.register_blueprint(module.make_blueprint())`: one per module
            items = self.loop_items.get((self.ctx.symbol, head)) if rest else None
            for each in [f"{item}.{rest}" for item in items] if items else [ref] if ref else []:
                prefix = keyword(node, "prefix") if method not in ("register_blueprint", "blueprint") else \
                    keyword(node, "url_prefix")
                entry: dict[str, Any] = {"owner": owner, "target": each, "line": self._line(node)}
                if factory:
                    entry["factory"] = True
                dev = [test for first, last, test in self.dev_blocks if first <= entry["line"] <= last]
                if dev and method in ("register_blueprint", "blueprint"):
                    entry["dev_only"] = dev[-1]  # registered only on a developer's machine (not its else)
                self._prefix(entry, prefix)
                deps = dep_refs(keyword(node, "dependencies"))
                if deps:
                    entry["deps"] = deps
                forward = include_forward(self.ctx, owner, each)
                if forward:  # `def _include(app, router): app.include_router(router)`: joined per call
                    entry["forward"] = forward
                self.includes.append(entry)
        elif method == "mount" and len(node.args) + len(node.keywords) >= 2:
            # app.mount("/admin/api", api_app): a sub-application under a prefix
            prefix = string_value(positional(node, 0))
            target = positional(node, 1) or keyword(node, "app")
            if prefix is not None and target is not None and dotted(target):
                self.includes.append({"owner": owner, "target": dotted(target), "prefix": prefix,
                                      "line": self._line(node)})
        elif method in ("add_url_rule", "add_api_route", "add_route", "add_api_websocket_route", "add_resource"):
            self._url_rule(node, owner, method)
        elif method == "from_object" and last_name(owner) == "config" and node.args:
            # app.config.from_object("pkg.configs.Default"): where `app.config["X"]` prefixes are read from
            source = string_value(node.args[0]) or dotted(node.args[0])
            if source:
                self.web.setdefault("config_objects", []).append(
                    {"object": source, "literal": string_value(node.args[0]) is not None, "line": self._line(node)})
            else:  # from_object(os.environ["APP_SETTINGS"]): chosen at run time
                self._config_file(node, method)
        elif method in ("from_pyfile", "from_envvar", "from_file", "from_prefixed_env", "from_json", "from_toml") \
                and last_name(owner) == "config":
            self._config_file(node, method)
        elif method == "add_middleware":
            mw = positional(node, 0)
            if mw is not None and dotted(mw):
                self.middleware.append({"owner": owner, "name": dotted(mw), "line": self._line(node)})
                switch = next((p.test for p in reversed(self.ctx.parents) if isinstance(p, ast.If)), None)
                if switch is not None:  # `if os.getenv("SECURE") == "true": app.add_middleware(...)`: only then
                    self.middleware[-1]["when"] = self.ctx.segment(switch)[:200]
        elif method == "register" and (node.args or node.keywords):
            prefix = string_value(positional(node, 0))
            viewset = positional(node, 1) or keyword(node, "viewset")
            if prefix is not None and viewset is not None and dotted(viewset):
                entry = {"router": owner, "prefix": prefix, "viewset": dotted(viewset), "line": self._line(node)}
                # the route names' stem: `basename=` (DRF 3.9+), `base_name=` (older DRF and its vendored copies)
                basename = string_value(keyword(node, "basename") or keyword(node, "base_name")
                                        or positional(node, 2))
                if basename:
                    entry["basename"] = basename
                self.register.append(entry)
        elif method in ("before_request", "before_app_request") and (node.args or node.keywords):
            fn = dotted(_source_args(node)[0][1])
            if fn:
                self.hooks.append({"owner": owner, "function": fn, "line": self._line(node)})
        elif method == "init_app" and last_name(owner).lower().endswith("limiter"):
            self.limiters.append({"what": "Limiter.init_app", "line": self._line(node), "default": False})

    # --- Starlette: Route / Mount lists ------------------------------------------------------------
    def _starlette_place(self, node: ast.Call, rule: dict[str, Any]) -> None:
        """A Route inside `Mount("/api", routes=[...])` takes the mount's prefix; one in a module-level list
        (`routes = [...]`) remembers the list, which a Mount or `Starlette(routes=...)` may name."""
        prefix = self.mount_prefix.get(id(node))
        if prefix:
            rule["path"] = join_paths(prefix, rule["path"])
            rule["mounted"] = prefix
        listed = self.listed.get(id(node))
        if listed:
            rule["in_list"] = listed

    def _mount(self, node: ast.Call) -> None:
        path = string_value(positional(node, 0)) or ""
        full = join_paths(self.mount_prefix.get(id(node), ""), path) if path else self.mount_prefix.get(id(node), "")
        routes = keyword(node, "routes")
        if isinstance(routes, (ast.List, ast.Tuple)):
            for el in routes.elts:
                if isinstance(el, ast.Call):
                    self.mount_prefix[id(el)] = full
        elif isinstance(routes, ast.Name):
            self.mounts.append({"prefix": full, "routes": routes.id, "line": self._line(node)})

    # --- Litestar -----------------------------------------------------------------------------------
    def _litestar(self, node: ast.Call, tail: str) -> None:
        """`Litestar(route_handlers=[...], guards=[...])`, `Router(path="/api", route_handlers=[...])`: the
        handlers, controllers and routers mounted, with the prefix and guards they get."""
        handlers = keyword(node, "route_handlers") or (positional(node, 0) if tail == "Litestar" else None)
        refs = [dotted(h) for h in _elements(handlers) if dotted(h)]
        if not refs:
            return
        entry: dict[str, Any] = {"app": tail == "Litestar", "handlers": refs, "line": self._line(node),
                                 "guards": [dotted(g) for g in _elements(keyword(node, "guards")) if dotted(g)]}
        self._prefix(entry, keyword(node, "path"))
        target = self.assigned_to.get(id(node))
        if target:
            entry["name"] = target
        self.web.setdefault("litestar", []).append(entry)

    # --- aiohttp ------------------------------------------------------------------------------------
    @staticmethod
    def _aiohttp_route(node: ast.Call) -> bool:
        """`router.add_route("GET", "/x", handler)`: aiohttp puts the method first."""
        first = string_value(positional(node, 0))
        return first is not None and first.upper() in _HTTP_METHODS and positional(node, 2) is not None

    def _aiohttp_rule(self, node: ast.Call, owner: str, method: str, verb: str | None = None) -> None:
        if method == "add_route":
            verb, path_node, view = string_value(positional(node, 0)).upper(), positional(node, 1), positional(node, 2)
        else:
            verb = verb if verb is not None else _AIOHTTP_VERBS.get(method)
            path_node, view = positional(node, 0) or keyword(node, "path"), positional(node, 1) or keyword(
                node, "handler")
        path = string_value(path_node)
        if path is None or view is None or not dotted(view):
            return
        rule: dict[str, Any] = {"owner": owner, "path": path, "view": dotted(view), "line": self._line(node),
                                "kind": "aiohttp", "methods": None if verb in (None, "*") else [verb]}
        if method in ("add_view", "view"):
            rule["class_view"] = True
        self.url_rules.append(rule)

    def _aiohttp_routes(self, node: ast.Call, owner: str) -> None:
        """`app.add_routes([web.get("/", index), web.view("/x", View)])` or `app.add_routes(routes)` (a
        RouteTableDef whose decorators carry the routes)."""
        arg = node.args[0]
        if isinstance(arg, (ast.List, ast.Tuple)):
            for el in arg.elts:
                if isinstance(el, ast.Call) and isinstance(el.func, ast.Attribute) and \
                        (self.ctx.qualname(el.func) or "").startswith("aiohttp"):
                    verb = el.func.attr
                    if verb in ("get", "post", "put", "patch", "delete", "head", "view"):
                        self._aiohttp_rule(el, owner, verb, None if verb == "view" else verb.upper())
                    elif verb == "route" and string_value(positional(el, 0)):
                        rest = ast.Call(func=el.func, args=el.args[1:], keywords=el.keywords)
                        ast.copy_location(rest, el)
                        self._aiohttp_rule(rest, owner, verb, string_value(positional(el, 0)).upper())
        elif dotted(arg):
            self.includes.append({"owner": owner, "target": dotted(arg), "line": self._line(node)})

    def _prefix(self, entry: dict[str, Any], node: ast.AST | None) -> None:
        """A literal prefix as such; `prefix=settings.API_V1_STR` / f-strings encoded for the project pass,
        which folds them through the semantic model."""
        text = string_value(node)
        if text is not None:
            entry["prefix"] = text
        elif node is not None:
            enc = fold(node, _no_lookup)
            if enc is not None:
                entry["prefix_enc"] = enc
                entry["prefix_text"] = " ".join(self.ctx.segment(node).split())[:200]

    def _url_rule(self, node: ast.Call, owner: str, method: str) -> None:
        helpers = self.web.get("route_forwarders", ())
        helper = forwarder(self.ctx, node, owner, method) if len(helpers) < MAX_FORWARDERS else None
        if helper:  # the path is the caller's: each call of this function registers what it is given
            self.web.setdefault("route_forwarders", []).append(helper)
            return
        if method == "add_route" and self._falcon(owner):
            self._falcon_rule(node, owner)
            return
        if method == "add_resource":
            view = positional(node, 0)
            paths = [string_value(value) for name, value in _source_args(node)[1:] if name is None]
        else:
            path_node = positional(node, 0) or keyword(node, "rule") or keyword(node, "path")
            view = keyword(node, "view_func") or keyword(node, "endpoint")
            if view is None:
                view = positional(node, 2) if method == "add_url_rule" else positional(node, 1)
            paths = [string_value(path_node)]
        if view is None:
            return
        wrappers: list[str] = []  # view_func=login_required(NoteAPI.as_view("note"))
        while isinstance(view, ast.Call) and not (isinstance(view.func, ast.Attribute) and
                                                   view.func.attr in ("as_view", "as_asgi")):
            if not dotted(view.func) or positional(view, 0) is None or len(wrappers) > 8:
                return
            wrappers.append(last_name(dotted(view.func)))
            view = positional(view, 0)
        as_view = isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and \
            view.func.attr in ("as_view", "as_asgi")
        ref = dotted(view.func.value) if as_view else dotted(view)
        if not ref:
            return
        methods = literal(keyword(node, "methods"))
        kind = "flask" if method in ("add_url_rule", "add_resource") else "fastapi"
        for path in paths:
            if path is None:
                continue
            entry: dict[str, Any] = {"owner": owner, "path": path, "view": ref, "line": self._line(node),
                                     "kind": kind, "methods": methods if isinstance(methods, list) else None}
            if as_view or method == "add_resource":
                entry["class_view"] = True
            if as_view and string_value(positional(view, 0)):
                entry["name"] = string_value(positional(view, 0))  # the endpoint name url_for() knows
            elif method == "add_resource":
                entry["names"] = _resource_endpoints(node, ref)
            if wrappers:
                entry["wrappers"] = wrappers
            deps = dep_refs(keyword(node, "dependencies"))
            if deps:
                entry["deps"] = deps
            rm = keyword(node, "response_model")
            if rm is not None:
                entry["response_model"] = dotted(rm) or "<expr>"
            self.url_rules.append(entry)

    # --- Falcon -------------------------------------------------------------------------------------
    def _falcon(self, owner: str) -> bool:
        if self.routers.get(owner, {}).get("kind") == "falcon_app":
            return True
        return any(str(v) == "falcon" or str(v).startswith("falcon.") for v in self.ctx.imports.values())

    def _falcon_rule(self, node: ast.Call, owner: str) -> None:
        """`app.add_route("/items/{id:int}", ItemResource(), suffix="collection")`: a resource instance whose
        `on_get`/`on_post` (or `on_get_collection`) responders serve the path."""
        path = string_value(positional(node, 0) or keyword(node, "uri_template"))
        resource = positional(node, 1) or keyword(node, "resource")
        if path is None or resource is None:
            return
        if isinstance(resource, ast.Call):
            ref = dotted(resource.func)
        else:  # `items = ItemResource(db)` first, then `app.add_route("/items", items)`
            ref = dotted(resource)
            ref = self.made_by.get((self.ctx.symbol, ref), ref) if ref and "." not in ref else ref
        if not ref:
            return
        rule: dict[str, Any] = {"owner": owner, "path": path, "view": ref, "line": self._line(node),
                                "kind": "falcon", "methods": None, "class_view": True}
        suffix = string_value(keyword(node, "suffix"))
        if suffix:
            rule["suffix"] = suffix
        self.url_rules.append(rule)

    def leave_Module(self, node: ast.Module) -> None:
        for key in [k for k, v in self.web.items() if not v]:
            del self.web[key]  # facts are cached per file: keep them small
        if not self.web:
            del self.ctx.facts["web"]


def _resource_endpoints(node: ast.Call, ref: str) -> list[str]:
    """The endpoint names url_for() knows an `api.add_resource(Tag, "/tag")` by: its `endpoint=`, or else the one
    the library derives from the class name: flask-restful's `tag` (lower-cased), flask-restx's `watch_history`
    (snake-cased)."""
    given = string_value(keyword(node, "endpoint"))
    if given:
        return [given]
    cls = last_name(ref)
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", cls)).lower()
    return list(dict.fromkeys([cls.lower(), snake]))

