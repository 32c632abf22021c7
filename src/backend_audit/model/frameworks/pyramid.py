"""Pyramid resources registered by a class decorator: cornice's `@resource(collection_path="/users",
path="/users/{id}")` and the same shape under other names (`@register(plural_path=..., object_path=...)`, a
project's wrapper around cornice). `collection_get` / `plural_get` serve the collection path, `get` / `put` /
`delete` the object path. A cornice resource's guard (the service's permission and ACL factory) is not modelled:
the auth column says so.

And Pyramid's URL dispatch (`pyramid_routes`): `add_route` facts (pyramid_config.py) joined by route name with the
views bound to them, the view's `permission=` as the route's guard."""

from __future__ import annotations

from typing import Any

from .common import HTTP_VERBS, join_paths, last_name
from .resolve import module_name

_COLLECTION_KEYS = ("collection_path", "plural_path")
_OBJECT_KEYS = ("path", "object_path")
_PREFIXES = ("collection_", "plural_")
PYRAMID_AUTH = "unknown: pyramid view permission and ACL factory (not modelled)"
NO_PERMISSION = "NO_PERMISSION_REQUIRED"


def resource_paths(call: dict[str, Any]) -> dict[str, str]:
    """{"collection": path, "object": path} of a resource decorator call; empty for any other decorator."""
    if last_name(call.get("ref", "")) not in ("resource", "register"):
        return {}
    kwargs = call.get("kwargs") or {}
    out = {}
    for kind, keys in (("collection", _COLLECTION_KEYS), ("object", _OBJECT_KEYS)):
        value = next((kwargs[k] for k in keys if isinstance(kwargs.get(k), str)), None)
        if value and value.startswith("/"):
            out[kind] = unescape_braces(value)
    return out


def unescape_braces(path: str) -> str:
    """`/buckets/{{id}}`: a path later passed through str.format, so `{{id}}` is served as `{id}`."""
    return path.replace("{{", "{").replace("}}", "}")


def _view_methods(kwargs: dict[str, Any]) -> list[str]:
    """`request_method="POST"` / `("GET", "POST")`; without it, a project view deriver's option that lists HTTP
    verbs (`require_methods=["POST"]`: the deriver answers 405 to the others)."""
    method = kwargs.get("request_method")
    if isinstance(method, str):
        return [method.upper()]
    lists = [method] if isinstance(method, list) else [v for k, v in sorted(kwargs.items()) if isinstance(v, list)]
    for value in lists:
        verbs = [str(m).upper() for m in value]
        if verbs and all(v.lower() in HTTP_VERBS for v in verbs):
            return sorted(set(verbs))
    return []


class PyramidRoutes:
    def pyramid_resource(self, path: str, cname: str, line: int, paths: dict[str, str]) -> None:
        info = self._class_info(path, cname)
        groups: dict[str, list[str]] = {}
        for name in info["methods"]:
            prefix = next((p for p in _PREFIXES if name.startswith(p)), "")
            verb = name[len(prefix):]
            if verb in HTTP_VERBS and verb not in ("head", "options"):
                groups.setdefault("collection" if prefix else "object", []).append(verb.upper())
        for kind, methods in sorted(groups.items()):
            if kind in paths:
                self._add("pyramid", sorted(methods), paths[kind], cname, path, {"line": info["line"] or line},
                          PYRAMID_AUTH, None, line, cls_key=(path, cname))

    # --- URL dispatch: add_route + view_config / add_view, joined by route name ---------------------------
    def pyramid_routes(self) -> None:
        """Pyramid's URL dispatch: a route is declared by name and pattern (`config.add_route`, usually in an
        `includeme`), a view binds to it by that name (`@view_config(route_name=...)` found by `config.scan()`,
        or `config.add_view(view, route_name=...)`), in any module. A view's `permission=` is checked by the
        security policy against the route factory's ACL: the route is guarded."""
        if not any(str(v).split(".")[0] == "pyramid" for f in self.facts.values()
                   for v in f.get("import_table", {}).values()):
            return
        routes, views, default = self._pyramid_config()
        for vpath, handler, fn, kwargs in views:
            for rpath, route in routes.get(kwargs.get("route_name"), ()):
                methods = _view_methods(kwargs) or self._function_methods(fn)
                auth = self._pyramid_auth(vpath, fn, kwargs.get("permission"), route, default)
                self._via = [f"add_route {route['name']!r} ({rpath}:{route['line']})"]
                self._add("pyramid", methods, route["full"], handler, vpath, fn, auth, None, route["line"])
        self._via = []

    def _pyramid_auth(self, path: str, fn: dict[str, Any], permission: Any, route: dict[str, Any],
                      default: str | None) -> str:
        factory = f" (ACL of route factory {route['factory']})" if route.get("factory") else ""
        if permission is None and default:
            permission, factory = default, f"{factory} (default permission)"
        if permission is not None and last_name(str(permission)) != NO_PERMISSION:
            return f"pyramid permission: {permission}{factory}"
        auth = self._auth_decorated(path, fn, [], [])
        if permission is not None and auth.startswith(("none", "unknown")):
            return f"public (permission={NO_PERMISSION})"
        return auth

    def _pyramid_config(self) -> tuple[dict[str, list], list[tuple[str, str, dict[str, Any], dict[str, Any]]],
                                       str | None]:
        """(route name -> [(file, route)], views bound to a route name, the default permission)."""
        prefixes = self._route_prefixes()
        routes: dict[str, list] = {}
        views = []
        default = None
        for path in sorted(self.facts):
            f = self.facts[path]
            for entry in f.get("web", {}).get("pyramid_config", []):
                if entry["kind"] == "route":
                    full = join_paths(prefixes.get(path, ""), "/" + entry["pattern"].lstrip("/"))
                    routes.setdefault(entry["name"], []).append((path, {**entry, "full": full}))
                elif entry["kind"] == "view":
                    found = self.definition(path, entry["view"])
                    fn = self.function(*found) if found else None
                    if fn is not None:
                        views.append((found[0], found[1], fn, entry["kwargs"]))
                elif entry["kind"] == "default_permission":
                    default = default or entry["permission"]
            for qualname, fn in sorted(f.get("functions", {}).items()):
                defaults = self._view_defaults(path, qualname)
                for d in fn.get("decorators", []):
                    if last_name(d["ref"]) == "view_config":
                        kwargs = {**defaults, **(d.get("kwargs") or {})}
                        if isinstance(kwargs.get("route_name"), str):
                            views.append((path, qualname, fn, kwargs))
        return routes, views, default

    def _view_defaults(self, path: str, qualname: str) -> dict[str, Any]:
        """`@view_defaults(route_name=..., permission=...)` on the class of a view method: what each of its
        `@view_config` leaves unsaid."""
        if "." not in qualname:
            return {}
        cls = self.facts[path].get("classes", {}).get(qualname.rsplit(".", 1)[0], {})
        calls = [c for c in cls.get("decorator_calls", []) if last_name(c["ref"]) == "view_defaults"]
        return dict(calls[0].get("kwargs") or {}) if calls else {}

    def _route_prefixes(self) -> dict[str, str]:
        """file -> the route prefix its `add_route`s are served under: `config.include(".admin",
        route_prefix="/admin")` in the including module, followed through nested includes."""
        edges: list[tuple[str, str, str]] = []
        for path in sorted(self.facts):
            for entry in self.facts[path].get("web", {}).get("pyramid_config", []):
                if entry["kind"] == "include":
                    target = self._included_file(path, entry["module"])
                    if target:
                        edges.append((path, target, entry["prefix"]))
        out: dict[str, str] = {}
        for _ in range(4):  # nested includes: a few rounds settle them
            for parent, child, prefix in edges:
                out[child] = join_paths(out.get(parent, ""), prefix)
        return out

    def _included_file(self, path: str, module: str) -> str | None:
        """The file of `config.include(".admin")` / `config.include("pkg.admin")`: relative to the including
        module's package; an `includeme` in a package lives in its __init__."""
        if module.startswith("."):
            here = module_name(path).split(".")
            package = here if path.endswith("__init__.py") else here[:-1]
            dots = len(module) - len(module.lstrip("."))
            base = package[:len(package) - dots + 1] if dots > 1 else package
            module = ".".join([*base, module.lstrip(".")])
        return self.r.find_module(module, path)
