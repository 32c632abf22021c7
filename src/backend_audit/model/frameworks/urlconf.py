"""Django / DRF routes for the endpoint inventory: `urlpatterns` walked from the root URLconf through
`include()` (modules, lists, module-level pattern lists, URL helpers), DRF router registrations, views
registered by project decorators, and the methods and auth of function views.

Mixed into the inventory builder (inventory.py), which supplies the shared state and `_add` /
`_add_class` / `_class_methods`; this module never imports it.
"""

from __future__ import annotations

from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from .common import join_paths, last_name, readable_regex
from .evidence import GRAPHQL_VIEWS, REDIRECT_ONLY
from .protocol_views import protocol_public

# Django / DRF class views: HTTP methods a known base class serves.
CLASS_METHODS = {
    "View": (), "TemplateView": ("GET",), "RedirectView": ("GET",), "ListView": ("GET",), "DetailView": ("GET",),
    "ArchiveIndexView": ("GET",), "FormView": ("GET", "POST"), "CreateView": ("GET", "POST"),
    "UpdateView": ("GET", "POST"), "DeleteView": ("GET", "POST"), "LoginView": ("GET", "POST"),
    "LogoutView": ("POST",), "APIView": (), "GenericAPIView": (), "ListAPIView": ("GET",), "CreateAPIView": ("POST",),
    "RetrieveAPIView": ("GET",), "DestroyAPIView": ("DELETE",), "UpdateAPIView": ("PUT", "PATCH"),
    "ListCreateAPIView": ("GET", "POST"), "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"), "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
    "MethodView": (), "Resource": (), "HTTPEndpoint": (),
    **{graphql: ("GET", "POST") for graphql in GRAPHQL_VIEWS},  # queries by GET, mutations by POST
}
ACTION_ROUTES = {"list": ("list", "GET"), "create": ("list", "POST"), "retrieve": ("detail", "GET"),
                  "update": ("detail", "PUT"), "partial_update": ("detail", "PATCH"), "destroy": ("detail", "DELETE")}
LIBRARY_DRF_VIEW = re.compile(r"^(\w*APIView|\w*ViewSet|Spectacular\w*View)$")


class UrlconfRoutes:
    """Django / DRF half of the inventory builder."""

    def _django(self) -> None:
        self._extra_patterns = self._direct_registrations()
        urlconfs = [p for p in sorted(self.facts) if self._patterns_of(p)]
        if not urlconfs and not any(self.facts[p].get("web", {}).get("drf_register") for p in self.facts):
            return
        reached: set[str] = set()
        root = self.settings.get("ROOT_URLCONF", {}).get("value")
        roots = []
        if isinstance(root, str) and self.r.find_module(root) in urlconfs:
            roots.append(self.r.find_module(root))
        included = self._included_urlconfs(urlconfs)
        roots += [p for p in urlconfs if p not in included and p not in roots]
        main = roots[0] if isinstance(root, str) and roots and roots[0] == self.r.find_module(root) else None
        for path in roots:
            if path not in reached:
                self.roots.append((path, 1))
                start = len(self.endpoints)
                self._walk(path, self._patterns_of(path), "", reached, frozenset({path}))
                if main is not None and path != main and not self._named_elsewhere(path):
                    # blind set X: a URLconf beside ROOT_URLCONF that nothing includes, imports or names serves
                    # no request; its routes are kept (the inventory lists what is written) but say so
                    for ep in self.endpoints[start:]:
                        ep.unrouted = f"{path} is included by no URLconf (ROOT_URLCONF is {root}) and no module " \
                                      "imports or names it"
                        ep.unrouted_conf = path
        for path in urlconfs:  # URLconfs reached from nowhere (an include we could not follow)
            if path not in reached:
                self._walk(path, self._patterns_of(path), "", reached, frozenset({path}))
        walked_routers = {k for k in getattr(self, "_walked_routers", set())}
        for path, reg, key in self._drf_registrations():
            if key not in walked_routers:
                self._register(path, reg, "")

    def _named_elsewhere(self, path: str) -> bool:
        """Another module imports the URLconf or names it in a string (a per-host or per-request `urlconf`)."""
        from .resolve import module_name

        tail = module_name(path).rpartition(".")[2]
        for other, f in self.facts.items():
            if other == path or f.get("is_test"):
                continue
            # by the resolver, not the path's dotted name: a `src/` layout names `src/wiki/urls.py` `wiki.urls`
            if any(self.r.find_module(str(d), other) == path for d in f.get("dotted_names") or () if tail in str(d)) \
                    or any(self.r.find_module(name, other) == path for i in f.get("imports") or () if tail in str(i)
                           for name in (self.r.absolute(str(i), other), self.r.absolute(str(i), other).rpartition(".")[0])):
                return True
        return False

    def _drf_registrations(self) -> list[tuple[str, dict[str, Any], tuple[str, str]]]:
        """(file, `router.register(...)` entry, the router it registers on) in file order, resolved once:
        every URLconf that includes a router looks its registrations up (a dozen routers on a large
        DRF backend, each scanning every file and resolving every registration's router again)."""
        if "_drf_regs" not in self.__dict__:
            self._drf_regs = [(path, reg, self._router(path, reg["router"]) or (path, reg["router"]))
                              for path in sorted(self.facts)
                              for reg in self.facts[path].get("web", {}).get("drf_register", [])]
        return self._drf_regs

    def _included_urlconfs(self, urlconfs: list[str]) -> set[str]:
        out: set[str] = set()

        def visit(path: str, entries: list[dict[str, Any]]) -> None:
            for e in entries:
                inc = e.get("include") or {}
                target = self._include_target(path, inc)
                if target:
                    out.add(target)
                if "patterns" in inc:
                    visit(path, inc["patterns"])

        for p in urlconfs:
            visit(p, self._patterns_of(p))
        return out

    def _include_target(self, path: str, inc: dict[str, Any]) -> str | None:
        if "module" in inc:
            return self.r.find_module(inc["module"], path)
        if "ref" in inc and self._pattern_list(path, inc["ref"]) is not None:
            return None
        if "ref" in inc:
            found = self.r.resolve(path, inc["ref"])
            if found and not found[1]:
                return found[0]
            if found:
                sub = self.r.find_module(self.r.qualified(path, inc["ref"]).lstrip("."), path)
                return sub
        return None

    def _patterns_of(self, path: str) -> list[dict[str, Any]]:
        """A URLconf's urlpatterns plus the views a decorator defined there appends to them."""
        return self.facts.get(path, {}).get("urlpatterns", []) + self._extra_patterns.get(path, [])

    def _direct_registrations(self) -> dict[str, list[dict[str, Any]]]:
        """`@register("reports/")` whose body calls `urlpatterns.append(path(route, view))`: the decorated
        view is an entry of the decorator module's urlpatterns, at the decorator's first argument."""
        out: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(self.facts):
            f = self.facts[path]
            uses = [(q, d["ref"], d.get("args") or [], d["line"]) for q, fn in sorted(f.get("functions", {}).items())
                    if "." not in q for d in fn.get("decorators", []) if d.get("args")]
            uses += [(c, call["ref"], call.get("args") or [], call["line"])
                     for c, cls in sorted(f.get("classes", {}).items()) for call in cls.get("decorator_calls", [])]
            for view, ref, args, line in uses:
                if not args or not isinstance(args[0], str):
                    continue  # `@dataclass()`, `@register(Model)`: no route given
                target = self.definition(path, ref)
                if target and target[1] and all(self._family_flags(target)):
                    out.setdefault(target[0], []).append({
                        "route": args[0], "view": view, "view_at": [path, view], "line": line,
                        "class_view": view in f.get("classes", {})})
        return out

    def _pattern_list(self, path: str, ref: str) -> tuple[str, list[dict[str, Any]]] | None:
        """(file, entries) of a module-level list of path()s named by `ref` (`include(_patterns)`,
        `include(plugin_api_patterns)` imported from another module)."""
        found = self.r.resolve(path, ref)
        if found and found[1]:
            entries = self.facts.get(found[0], {}).get("pattern_lists", {}).get(found[1])
            if entries is not None:
                return found[0], entries
        return None

    def _route_part(self, path: str, e: dict[str, Any]) -> tuple[str, str | None]:
        """The route text of one urlpatterns entry and, when it was not a literal, where it came from."""
        ref = e.get("route_ref")
        if not ref:
            return e["route"], None
        value = self.constant(path, e.get("route_enc"))
        if isinstance(value, str):
            return (readable_regex(value) if e.get("regex") else value), f"{ref} = {value!r}"
        return "", f"{ref} (value not known statically: taken as empty)"

    def _walk(self, path: str, entries: list[dict[str, Any]], prefix: str, reached: set[str],
              stack: frozenset) -> None:
        reached.add(path)
        for e in entries:
            first = len(self.endpoints)
            self._walk_entry(path, e, prefix, reached, stack)
            if e.get("debug_only"):
                for endpoint in self.endpoints[first:]:
                    # added to the URLconf only under `if settings.DEBUG:`: a developer's route, never served
                    # in production (where DEBUG is off)
                    endpoint.auth = "public (development only: routed under if settings.DEBUG)"
                    endpoint.public = True

    def _walk_entry(self, path: str, e: dict[str, Any], prefix: str, reached: set[str], stack: frozenset) -> None:
        part, source = self._route_part(path, e)
        route = join_paths(prefix, part)
        inc = e.get("include")
        if inc is not None:
            if part or source:
                self._via.append(f"{source or part} ({path}:{e['line']})")
            if "patterns" in inc:
                self._walk(path, inc["patterns"], route, reached, stack)
            elif "router" in inc:
                self._router_urls(path, inc["router"], route)
            elif "helper" in inc and (entry := self._wrapped_path(path, inc, e["line"])) is not None:
                self._django_view(path, entry, join_paths(route, entry["route"]))
            elif "helper" in inc:
                self._helper_urls(path, inc, route)
            elif "ref" in inc and (plist := self._pattern_list(path, inc["ref"])) is not None:
                key = f"{plist[0]}:{inc['ref']}"
                if key not in stack:
                    self._walk(plist[0], plist[1], route, reached, stack | {key})
            else:
                target = self._include_target(path, inc)
                if target and target not in stack and self._patterns_of(target):
                    self._walk(target, self._patterns_of(target), route, reached, stack | {target})
            if part or source:
                self._via.pop()
            return
        alias = self._urls_alias(path, e["view"]) if e.get("view") else None
        if alias:  # path("v1/", v1_api_urls) with `v1_api_urls = api.urls`: the API's routes live under it
            self._router_urls(alias[0], alias[1], route)
            return
        start = len(self.endpoints)
        self._django_view(path, e, route)
        self._route_names(start, e.get("name"))

    def _urls_alias(self, path: str, ref: str) -> tuple[str, str] | None:
        """(file, router) when a URLconf's view names a module-level `urls = router.urls`."""
        found = self.r.resolve(path, ref)
        router = self.facts.get(found[0], {}).get("web", {}).get("urls_aliases", {}).get(found[1]) if found else None
        return (found[0], router) if router else None

    def _registrations(self) -> dict[str, list[dict[str, Any]]]:
        """Class views a registration decorator adds to a registry at import time (`@register_view(Widget,
        "edit")` whose wrapper appends the class somewhere), with the decorator's literal arguments; keyed by
        the lower-cased name of the model they register for (what URL helpers are called with)."""
        if "_registered" in self.__dict__:
            return self._registered
        out: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(self.facts):
            for cname, cls in sorted(self.facts[path].get("classes", {}).items()):
                for call in cls.get("decorator_calls", []):
                    if not call.get("args"):
                        continue
                    params = self._registering(self.definition(path, call["ref"]))
                    if params is not None:
                        out.setdefault(last_name(str(call["args"][0])).lower(), []).append(
                            {"path": path, "name": cname, "call": call, "params": params, "decorator": call["ref"]})
        self._registered = out
        return out

    def _registering(self, target: tuple[str, str] | None) -> dict[str, Any] | None:
        """The parameter defaults of a project function that registers what it is given (itself or a
        nested wrapper), or None when it does not."""
        if not target or not target[1]:
            return None
        fn = self.facts.get(target[0], {}).get("functions", {}).get(target[1])
        if fn is None or not self._family_flags(target)[1]:
            return None
        return {p["name"]: None if p.get("default") == "None" else p.get("default") for p in fn.get("params", [])}

    def _family_flags(self, target: tuple[str, str]) -> tuple[bool, bool]:
        """(builds path()s, registers what it is given) for a project function, itself or a function
        nested in it, memoised: every view a registration decorator marks asks about that decorator, and
        the answer scans every function of its module."""
        memo = self.__dict__.setdefault("_family_memo", {})
        if target not in memo:
            functions = self.facts.get(target[0], {}).get("functions", {})
            family = [fn for q, fn in functions.items() if q == target[1] or q.startswith(target[1] + ".")]
            memo[target] = (any(fn.get("builds_urls") for fn in family), any(fn.get("registers") for fn in family))
        return memo[target]

    def _helper_urls(self, path: str, inc: dict[str, Any], prefix: str) -> None:
        """`include(get_model_urls("widgets", "widget"))`: a helper that builds path()s from a registry
        serves the registered views whose model it names and whose shared keyword arguments agree."""
        helper = self._url_helper(path, inc["helper"])
        if helper is None:
            return
        helper_params = [p["name"] for p in helper.get("params", [])]
        helper_values = {**{p["name"]: p.get("default") for p in helper.get("params", [])},
                         **dict(zip(helper_params, inc.get("args", []))), **inc.get("kwargs", {})}
        names = sorted({str(a).lower() for a in inc.get("args", []) if isinstance(a, str)})
        for reg in [r for n in names for r in self._registrations().get(n, [])]:
            call, params = reg["call"], reg["params"]
            args = call.get("args", [])
            values = {**params, **dict(zip(list(params), args)), **call.get("kwargs", {})}
            shared = (set(values) & set(helper_values)) - {"path", "name"}
            if any(str(values[k]) != str(helper_values[k]) for k in shared):
                continue
            route = values.get("path")
            if not isinstance(route, str):
                route = values.get("name") if isinstance(values.get("name"), str) else ""
            self._via.append(f"registered by @{reg['decorator']} ({reg['path']}:{call.get('line', 0)})")
            methods = self._class_methods(reg["path"], reg["name"])[0]
            self._add_class(reg["path"], reg["name"], methods, join_paths(prefix, f"{route}/" if route else ""),
                            call.get("line", 0))
            self._via.pop()

    def _wrapped_path(self, path: str, inc: dict[str, Any], line: int) -> dict[str, Any] | None:
        """`api_path("users/", views.users)` with `def api_path(route, view): return path(f"api/{route}", view)`:
        the path() entry the call returns."""
        target = self.definition(path, inc["helper"])
        wrapper = self.facts.get(target[0], {}).get("url_wrappers", {}).get(target[1]) if target else None
        if wrapper is None:
            return None
        values = {**dict(zip(wrapper["params"], inc.get("args", []))), **inc.get("kwargs", {})}
        views = inc.get("views", {})
        view = views.get(wrapper["view"]) or views.get(str(wrapper["params"].index(wrapper["view"])))
        route = values.get(wrapper["route"])
        if not isinstance(route, str):
            return None
        entry: dict[str, Any] = {"route": wrapper["before"] + route + wrapper["after"], "line": line}
        if wrapper["func"] != "path":
            entry["route"] = readable_regex(entry["route"])
        if view is not None:
            entry.update(view=view["ref"], class_view=bool(view.get("as_view")), wrappers=view.get("wrappers", []))
        elif isinstance(values.get(wrapper["view"]), str) and values[wrapper["view"]] != "<expr>":
            entry["view"] = values[wrapper["view"]]
        else:
            return None
        return entry

    def _url_helper(self, path: str, ref: str) -> dict[str, Any] | None:
        """The facts of a project function that builds path()s (itself or a nested function), memoised:
        a URLconf calls the same helper once per model."""
        memo = self.__dict__.setdefault("_helper_memo", {})
        key = (path, ref)
        if key not in memo:
            target = self.definition(path, ref)
            functions = self.facts.get(target[0], {}).get("functions", {}) if target and target[1] else {}
            helper = functions.get(target[1]) if functions else None
            builds = helper is not None and any(f.get("builds_urls") for q, f in functions.items()
                                                if q == target[1] or q.startswith(target[1] + "."))
            memo[key] = helper if builds else None
        return memo[key]

    def _router_urls(self, path: str, router_ref: str, prefix: str) -> None:
        key = self._router(path, router_ref) or self.r.resolve(path, router_ref) or (path, router_ref)
        walked = self.__dict__.setdefault("_walked_routers", set())
        walked.add(key)
        if key[0] in self.facts and self._router_entry(key).get("kind") == "ninja_api":
            # path("api/", api.urls) with a NinjaAPI: its routes (added later) live under this prefix
            self.url_mounts.setdefault(key, []).append((prefix, list(self._via)))
            return
        earlier: list[Any] = []
        for rpath, reg, registered_on in self._drf_registrations():
            if registered_on == key:
                start = len(self.endpoints)
                self._register(rpath, reg, prefix)
                for ep in self.endpoints[start:]:
                    first = next((o for o in earlier if _shadows(o.path, ep.path)), None)
                    if first is not None and not ep.unrouted:
                        # Django tries a router's patterns in registration order, whatever the method
                        ep.unrouted = f"{first.path} ({first.handler}), registered before it on the same router, " \
                                      "matches every path it does"
                earlier.extend(self.endpoints[start:])

    def _register(self, path: str, reg: dict[str, Any], prefix: str) -> None:
        found = self.definition(path, reg["viewset"])
        if not found or found[1] not in self.facts.get(found[0], {}).get("classes", {}):
            return
        vpath, vname = found
        base = join_paths(prefix, reg["prefix"])
        info = self._class_info(vpath, vname)
        actions = set(info["actions"])
        routes: dict[str, list[str]] = {}
        for action in sorted(actions):
            if action in ACTION_ROUTES:
                kind, method = ACTION_ROUTES[action]
                routes.setdefault(kind, []).append(method)
        basename = reg.get("basename")
        for kind, methods in sorted(routes.items()):
            full = join_paths(base, "/") if kind == "list" else join_paths(base, "{pk}/")
            start = len(self.endpoints)
            self._add_class(vpath, vname, methods, full, reg["line"], list_view=kind == "list" and "GET" in methods)
            self._route_names(start, basename and f"{basename}-{kind}")
            if all(self._refuses(vpath, vname, a) for a in actions if ACTION_ROUTES.get(a, ("",))[0] == kind):
                for ep in self.endpoints[start:]:
                    ep.refuses = True
        for method_name, extra in sorted(info["extra_actions"].items()):
            url = extra.get("url_path") or method_name
            full = join_paths(base, "{pk}/" if extra.get("detail") else "/", f"{url}/")
            start = len(self.endpoints)
            self._add_class(vpath, vname, extra["methods"], full, reg["line"], method=method_name)
            name = extra.get("url_name") if isinstance(extra.get("url_name"), str) else method_name.replace("_", "-")
            self._route_names(start, basename and f"{basename}-{name}")

    def _refuses(self, path: str, name: str, action: str) -> bool:
        """The viewset's own `action` method (the nearest class defining it) only answers "not found"."""
        for kind, where, what in self._mro_chain(path, name):
            if kind != "project":
                return False
            if action in self.facts.get(where, {}).get("classes", {}).get(what, {}).get("methods", ()):
                return f"{what}.{action}" in self.facts[where].get("refusing", ())
        return False

    def _route_names(self, start: int, name: str | None) -> None:
        """The name the routes just added are known by, which tests pass to `reverse()`: the one DRF's router
        gives them (`<basename>-list`, `-detail`, `-<url_name>`) or a urlconf's `path(..., name="bugs-get")`."""
        if name:
            for ep in self.endpoints[start:]:
                ep.names = [name]

    def _django_view(self, path: str, e: dict[str, Any], route: str) -> None:
        found = tuple(e["view_at"]) if "view_at" in e else self._view_path(e["view_path"]) if "view_path" in e \
            else self.definition(path, e["view"])
        if not found and e.get("class_view"):
            found = (path, e["view"])  # a library's class view (GraphQLView.as_view()): listed by its name
        if not found:
            return
        vpath, vname = found
        wrappers = e.get("wrappers", [])
        classes = self.facts.get(vpath, {}).get("classes", {})
        if e.get("class_view") or vname in classes:
            if vname not in classes:
                methods = list(CLASS_METHODS.get(last_name(vname), ("GET",))) or ["GET"]
                auth = next((f"urls wrapper: {w}" for w in wrappers if self.is_auth_decorator(path, w)), None) or \
                    self._auth_mw() and f"middleware: {self._auth_mw()}" or "none"
                if auth == "none" and LIBRARY_DRF_VIEW.match(last_name(vname)):
                    auth = self._drf_default_auth(auth)  # drf-spectacular's schema views are APIViews
                elif auth == "none" and last_name(vname) == "RedirectView":
                    auth = REDIRECT_ONLY
                elif auth == "none":
                    auth = protocol_public(self.r.qualified(path, e["view"])) or auth
                if auth == "none":
                    unknown = self.unknown_module(path, [e["view"]])
                    auth = f"unknown: {unknown} was not analysed" if unknown else auth
                self._add("django", methods, route, vname, path, {"line": e["line"]}, auth, None, e["line"])
                return
            actions = e.get("actions")
            if isinstance(actions, dict) and actions:
                methods = [m.upper() for m in actions]
            else:
                methods = self._class_methods(vpath, vname)[0]
            self._add_class(vpath, vname, methods, route, e["line"], wrappers=wrappers,
                            list_view=isinstance(actions, dict) and actions.get("get") == "list")
            return
        fn = self.function(vpath, vname)
        if fn is None:
            return
        decos = [last_name(d["ref"]) for d in fn.get("decorators", [])]
        drf = "api_view" in decos
        methods = self._function_methods(fn)
        auth = self._auth_decorated(vpath, fn, [], [])
        for ref in fn.get("delegates", []) if auth.startswith(("none", "unknown")) else []:
            target = self.r.resolve(vpath, ref)  # def view(request): return SomeView.as_view()(request)
            if target and target[1] in self.facts.get(target[0], {}).get("classes", {}):
                auth = self._class_auth(target[0], target[1], [], [])
        for w in wrappers:
            if self.is_auth_decorator(path, w):
                auth = f"urls wrapper: {w}"
        if drf and auth in ("none", "check in handler body") and "permission_classes" not in decos:
            auth = self._drf_default_auth(auth)
        rate = None
        if drf and self.rest_framework("DEFAULT_THROTTLE_CLASSES"):
            rate = "settings: DEFAULT_THROTTLE_CLASSES"
        self._add("drf" if drf else "django", methods, route, vname, vpath, fn, auth, None, e["line"], drf=drf,
                  rate_limit=rate)

    def _view_path(self, dotted_path: str) -> tuple[str, str] | None:
        """"taskManager.views.index" -> (the file of taskManager.views, "index")."""
        module, _, name = dotted_path.rpartition(".")
        target = self.r.find_module(module) if module else None
        return (target, name) if target and name else None

    def _function_methods(self, fn: dict[str, Any]) -> list[str]:
        for d in fn.get("decorators", []):
            tail = last_name(d["ref"])
            declared = d.get("args", [None])[0] if d.get("args") else \
                d.get("kwargs", {}).get("http_method_names", d.get("kwargs", {}).get("request_method_list"))
            if tail in ("api_view", "require_http_methods") and isinstance(declared, list):
                return sorted({str(m).upper() for m in declared})
            if tail == "api_view":
                return ["GET"]
            if tail.startswith("require_") and tail[8:].upper() in ("GET", "POST", "SAFE"):
                return ["GET", "HEAD"] if tail.endswith("safe") else [tail[8:].upper()]
        seen = {m for m in fn.get("methods_seen", []) if m != "?"}
        methods = {"GET"} | seen
        if not seen and (fn.get("reads_body") or fn.get("methods_seen")):
            methods.add("POST")  # reads the body or branches on a method we cannot read: a form view
        return sorted(methods)

    def _drf_default_auth(self, fallback: str) -> str:
        default = self.rest_framework("DEFAULT_PERMISSION_CLASSES")
        if isinstance(default, list) and default:
            text = self._permission_text(default, "settings")
            return text.replace("settings: permission_classes=", "settings default: ") \
                if not text.startswith("public") else text
        if not self.has_django_settings:
            return "unknown (settings not scanned)" if fallback == "none" else fallback
        return fallback if fallback != "none" else "none (DRF default AllowAny)"


_LOOKUP = re.compile(r"\{\w+\}")  # a router's lookup segment: DRF's default `[^/.]+`


def _shadows(first: str, later: str) -> bool:
    """The earlier route's pattern matches every path the later one does: the same literal segments, and a
    lookup segment where the later one has a parameter or a literal without a dot."""
    a, b = first.strip("/").split("/"), later.strip("/").split("/")
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or _LOOKUP.fullmatch(x) and "." not in y and "/" not in y for x, y in zip(a, b))
