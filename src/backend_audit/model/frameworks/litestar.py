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


class LitestarRoutes:
    def _litestar(self) -> None:
        apps = [(p, e) for p in sorted(self.facts) for e in self.facts[p].get("web", {}).get("litestar", [])]
        roots = [(p, e) for p, e in apps if e.get("app")] or [(p, e) for p, e in apps if "name" not in e]
        for path, entry in roots:
            self._litestar_mount(path, entry, "", [], [], frozenset())

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

    def _litestar_router(self, target: tuple[str, str]) -> dict[str, Any] | None:
        for entry in self.facts.get(target[0], {}).get("web", {}).get("litestar", []):
            if entry.get("name") == target[1]:
                return entry
        return None

    def _litestar_controller(self, path: str, name: str, prefix: str, guards: list[str], via: list[str]) -> None:
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
            for route in paths:
                route = route if isinstance(route, str) else "<dynamic>"
                self._via = via
                self._add("litestar", methods, join_paths(prefix, route) if route else (prefix or "/"), qualname,
                          path, fn, auth, kwargs.get("response_model"), d["line"])
        self._via = []
