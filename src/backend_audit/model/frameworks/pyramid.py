"""Pyramid resources registered by a class decorator: cornice's `@resource(collection_path="/users",
path="/users/{id}")` and the same shape under other names (`@register(plural_path=..., object_path=...)`, a
project's wrapper around cornice). `collection_get` / `plural_get` serve the collection path, `get` / `put` /
`delete` the object path. Pyramid guards by the view's permission and the route's ACL factory, which this
analysis does not model: the auth column says so."""

from __future__ import annotations

from typing import Any

from .common import HTTP_VERBS, last_name

_COLLECTION_KEYS = ("collection_path", "plural_path")
_OBJECT_KEYS = ("path", "object_path")
_PREFIXES = ("collection_", "plural_")
PYRAMID_AUTH = "unknown: pyramid view permission and ACL factory (not modelled)"


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
