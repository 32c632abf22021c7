"""The project pass of route registries (registries.py): which decorators register routes, and the endpoint
each `@Registry.get("/path")` makes.

A registry counts only when a registration loop hands its list to a framework; then each decorator
factory that appends to it (or hands on to one that does, `get` -> `_route("GET", path)`) is a route
decorator, its method and path read from the decorator call's literal arguments where the append takes
them. A path the registry rebuilds at run time (`"/v{version}{path}".format(...)`) is listed as written,
and `prefix_from` says the prefix was not traced.

Auth: what the registry's wrapper calls before the handler. A project function answering 401/403 is the
routes' guard; one that lets every request through while a configuration switch is off (`if not
config.getboolean("auth", False): return None`) leaves auth to configuration, "unknown" (a note, never
"no auth"); a path it lets through (`request.path.endswith("console/ws")`) is not guarded by it.
"""

from __future__ import annotations

import functools
from typing import Any

MAX_FORWARD_DEPTH = 3
# the auth of a route the registry's own guard lets through by its path (BA-AUTH-001 reads it as a warning)
EXEMPTED = "none (exempted by the registry's guard "


def _exempted(path: str, exempt: list[list[str]]) -> str | None:
    for how, text in exempt:
        if path.endswith(text) if how == "endswith" else path.startswith(text):
            return f"{'ending' if how == 'endswith' else 'starting'} in '{text}'"
    return None


class RegistryRoutes:
    facts: dict[str, dict[str, Any]]
    r: Any
    _via: list[str]

    @functools.cached_property
    def _registry_decorators(self) -> dict[tuple[str, str], dict[str, Any]]:
        """(file, decorator factory qualname) -> {method, path: item descriptors, framework, adder, guards}."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for path in sorted(self.facts):
            for loop in self.facts[path].get("route_registry", {}).get("loops", []):
                found = self.r.resolve(path, loop["iter"])
                if not found:
                    continue
                where, name = found
                reg = self.facts.get(where, {}).get("route_registry", {})
                store = reg.get("getters", {}).get(name, name)
                for qualname, adder in sorted(reg.get("adders", {}).items()):
                    if adder["store"] != store:
                        continue
                    roles, items = loop["roles"], adder["items"]
                    if max(roles.values()) >= len(items) or items[roles["handler"]] != {"fn": 1}:
                        continue
                    entry = {"method": items[roles["method"]] if "method" in roles else {"lit": "GET"},
                             "path": items[roles["path"]], "framework": loop["framework"], "file": where,
                             "adder": qualname, "adder_line": adder["line"], "loop": f"{path}:{loop['line']}",
                             "guards": {c: reg["guards"][c] for c in adder["calls"] if c in reg.get("guards", {})}}
                    out[(where, qualname)] = entry
                    self._forwarded_to(where, reg, qualname, entry, out, 0)
        return out

    def _forwarded_to(self, where: str, reg: dict[str, Any], target: str, entry: dict[str, Any],
                      out: dict[tuple[str, str], dict[str, Any]], depth: int) -> None:
        """`def get(cls, path): return cls._route("GET", path)`: `get` is a route decorator too, the method
        and path mapped through the call's arguments."""
        if depth >= MAX_FORWARD_DEPTH:
            return
        for qualname, fw in sorted(reg.get("forwards", {}).items()):
            if fw["to"] != target or (where, qualname) in out:
                continue
            mapped = dict(entry)
            for role in ("method", "path"):
                desc = entry[role]
                index = desc.get("p", desc.get("from_p"))
                if index is not None:
                    handed = fw["args"][index] if index < len(fw["args"]) else {"?": 1}
                    if "from_p" in desc and "p" in handed:
                        handed = {"from_p": handed["p"]}
                    mapped[role] = handed
            out[(where, qualname)] = mapped
            self._forwarded_to(where, reg, qualname, mapped, out, depth + 1)

    def registry_route(self, path: str, qualname: str, fn: dict[str, Any], d: dict[str, Any]) -> bool:
        """Add the endpoint a registry decorator on `qualname` makes; False when `d` is no such decorator."""
        if not self._registry_decorators:
            return False
        found = self.r.resolve(path, d["ref"])
        entry = self._registry_decorators.get(found) if found else None
        if entry is None:
            return False
        args = d.get("args", [])

        def value(desc: dict[str, Any]) -> Any:
            if "lit" in desc:
                return desc["lit"]
            index = desc.get("p", desc.get("from_p"))
            return args[index] if index is not None and index < len(args) else None

        method, route = value(entry["method"]), value(entry["path"])
        if not isinstance(method, str) or not isinstance(route, str):
            return True  # a registry route whose method or path is computed: seen, not listed
        adder = f"{entry['adder']} ({entry['file']}:{entry['adder_line']})"
        self._via = [f"registered by @{d['ref']} through {adder}, added to the app at {entry['loop']}"]
        if "from_p" in entry["path"]:
            self._via.append(f"path rebuilt at run time by {entry['adder']}: prefix not traced")
        auth = self._auth_decorated(path, fn, self._fn_deps(path, fn), [])  # type: ignore[attr-defined]
        if auth.startswith(("none", "unknown")):
            auth = self._registry_auth(entry, route) or auth
        self._add(entry["framework"], [method.upper()], route, qualname, path, fn, auth, None,  # type: ignore
                  d["line"])
        self._via = []
        return True

    @staticmethod
    def _registry_auth(entry: dict[str, Any], route: str) -> str | None:
        for name, guard in sorted(entry["guards"].items()):
            where = f"{name} ({entry['file']}:{guard['line']})"
            let_through = _exempted(route, guard.get("exempt", []))
            if let_through:
                return f"{EXEMPTED}{where}, which lets paths {let_through} through)"
            if guard.get("switch"):
                return (f"unknown: authentication depends on configuration: the registry's guard {where} answers "
                        f"401 only when the '{guard['switch']}' setting is on"
                        f"{' (off by default)' if guard.get('off_by_default') else ''}")
            return f"registry guard: {where}"
        return None
