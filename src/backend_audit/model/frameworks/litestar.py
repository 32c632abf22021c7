"""Litestar routes for the endpoint inventory: `Litestar(route_handlers=[...])` and `Router(path=...,
route_handlers=[...])` walked down to handler functions (`@get("/x")`, `@post()`, `@route(http_method=...)`)
and `Controller` classes (`path = "/users"`), with the guards met on the way as auth evidence.

Mixed into the inventory builder, which supplies `facts`, `definition()`, `prefix_of()`, `_class_info()`,
`_auth_decorated()` and `_add()`.
"""

from __future__ import annotations

from typing import Any

from .common import join_paths, last_name

_VERBS = {"get": ["GET"], "post": ["POST"], "put": ["PUT"], "patch": ["PATCH"], "delete": ["DELETE"],
          "head": ["HEAD"], "websocket": ["WEBSOCKET"], "route": None}


_AUTH_BACKENDS = frozenset({"JWTAuth", "JWTCookieAuth", "OAuth2PasswordBearerAuth", "SessionAuth"})


class LitestarRoutes:
    def _litestar(self) -> None:
        self._litestar_seen: set[tuple[str, str]] = set()
        apps = [(p, e) for p in sorted(self.facts) for e in self.facts[p].get("web", {}).get("litestar", [])]
        roots = [(p, e) for p, e in apps if e.get("app")] or [(p, e) for p, e in apps if "name" not in e]
        for path, entry in roots:
            self._litestar_mount(path, entry, "", [], [], frozenset())
        # Controllers and handlers registered in ways we cannot follow (a plugin extending
        # app_config.route_handlers): listed under their own paths, so they are not lost
        for path in sorted(self.facts):
            if not any(str(v).startswith("litestar") for v in self.facts[path].get("import_table", {}).values()):
                continue
            for name in sorted(self.facts[path].get("classes", {})):
                chain = self._mro_chain(path, name)
                if (path, name) not in self._litestar_seen and any(
                        k == "external" and last_name(w) == "Controller" and w.startswith("litestar")
                        for k, _, w in chain):
                    self._litestar_controller(path, name, "", [], [])
            for qualname, fn in sorted(self.facts[path].get("functions", {}).items()):
                if "." not in qualname and (path, qualname) not in self._litestar_seen:
                    self._litestar_handler(path, qualname, fn, "", [], [])

    def _litestar_mount(self, path: str, entry: dict[str, Any], prefix: str, guards: list[str], via: list[str],
                        seen: frozenset) -> None:
        own, source = self.prefix_of(path, entry)
        full = join_paths(prefix, own) if own else prefix
        via = via + ([source or f"Router path {own!r} ({path}:{entry['line']})"] if own or source else [])
        guards = guards + entry.get("guards", [])
        for ref in entry["handlers"]:
            target = self.definition(path, ref)
            if not target or (target in seen):
                continue
            router = self._litestar_router(target)
            if router is not None:
                self._litestar_mount(target[0], router, full, guards, via, seen | {target})
            elif target[1] in self.facts.get(target[0], {}).get("classes", {}):
                self._litestar_controller(target[0], target[1], full, guards, via)
            else:
                fn = self.function(*target)
                if fn is not None:
                    self._litestar_handler(target[0], target[1], fn, full, guards, via)

    def _litestar_auth_backend(self) -> str | None:
        """A litestar.security backend (JWTAuth, OAuth2PasswordBearerAuth, SessionAuth...) imported by the
        project: its middleware authenticates every route but those marked exclude_from_auth."""
        if "_litestar_backend" not in self.__dict__:
            found = None
            for path in sorted(self.facts):
                for target in self.facts[path].get("import_table", {}).values():
                    name = str(target)
                    if name.startswith("litestar.security") and last_name(name) in _AUTH_BACKENDS:
                        found = last_name(name)
                        break
                if found:
                    break
            self._litestar_backend = found
        return self._litestar_backend

    def _litestar_router(self, target: tuple[str, str]) -> dict[str, Any] | None:
        for entry in self.facts.get(target[0], {}).get("web", {}).get("litestar", []):
            if entry.get("name") == target[1]:
                return entry
        return None

    def _litestar_controller(self, path: str, name: str, prefix: str, guards: list[str], via: list[str]) -> None:
        self._litestar_seen.add((path, name))
        info = self._class_info(path, name)
        own = info["attrs"].get("path")
        full = join_paths(prefix, own) if isinstance(own, str) and own else prefix
        if isinstance(own, str) and own:
            via = via + [f"Controller path {own!r} ({path}:{info['line']})"]
        class_guards = info["attrs"].get("guards")
        guards = guards + ([str(g) for g in class_guards] if isinstance(class_guards, list) else [])
        for method in sorted(info["methods"]):
            fn = self.function(path, f"{name}.{method}")
            if fn is not None:
                self._litestar_handler(path, f"{name}.{method}", fn, full, guards, via)

    def _litestar_handler(self, path: str, qualname: str, fn: dict[str, Any], prefix: str, guards: list[str],
                          via: list[str]) -> None:
        self._litestar_seen.add((path, qualname))
        for d in fn.get("decorators", []):
            verb = last_name(d["ref"])
            if verb not in _VERBS or not self.r.qualified(path, d["ref"]).startswith("litestar"):
                continue
            args, kwargs = d.get("args", []), d.get("kwargs", {})
            paths = args[0] if args and isinstance(args[0], list) else args[:1] or [kwargs.get("path", "")]
            methods = _VERBS[verb] or [str(m).upper() for m in (kwargs.get("http_method") if isinstance(
                kwargs.get("http_method"), list) else [kwargs.get("http_method") or "GET"])]
            handler_guards = kwargs.get("guards") if isinstance(kwargs.get("guards"), list) else []
            all_guards = guards + [str(g) for g in handler_guards]
            if kwargs.get("exclude_from_auth") is True:
                auth = "public (exclude_from_auth)"
            elif all_guards:
                auth = f"guard: {last_name(all_guards[0])}"
            else:
                auth = self._auth_decorated(path, fn, [], [])
                backend = self._litestar_auth_backend()
                if backend and auth.startswith(("none", "unknown")):
                    auth = f"middleware: {backend}"
            for route in paths:
                route = route if isinstance(route, str) else "<dynamic>"
                self._via = via
                self._add("litestar", methods, join_paths(prefix, route) if route else (prefix or "/"), qualname,
                          path, fn, auth, kwargs.get("response_model"), d["line"])
        self._via = []
