"""Falcon resources: `app.add_route(path, Resource())` serves the resource's `on_<verb>` responders (with
`suffix="x"`, its `on_<verb>_x` ones). Each responder is listed as its own endpoint: Falcon has no class-wide
guard but hooks and middleware, and the idiom is a check per responder (`auth = parse_auth(req)`)."""

from __future__ import annotations

import re
from typing import Any

from .common import AUTH_DEPENDENCY, HTTP_VERBS, last_name

# a helper named for a credential (`parse_auth`, `parse_valid_token`, `require_login`) whose body refuses
_GUARD_NAME = re.compile(r"(?i)token|credential|login")
_RESPONDER = re.compile(r"^on_(%s)(?:_(\w+))?$" % "|".join(HTTP_VERBS))


class FalconRoutes:
    def falcon_resource(self, vpath: str, vname: str, rule: dict[str, Any], full: str, framework: str,
                        mount: dict[str, Any], deps: list[tuple[str, str]]) -> None:
        info = self._class_info(vpath, vname)
        class_auth = self._class_auth(vpath, vname, deps, mount["hooks"], (), info)
        for name in sorted(info["methods"]):
            found = _RESPONDER.match(name)
            if not found or found.group(2) != rule.get("suffix"):
                continue
            where = self._responder(vpath, vname, name)
            if where is None:
                continue
            fpath, qualname, fn = where
            auth = class_auth
            if auth.startswith(("none", "unknown")):
                auth = self._auth_decorated(fpath, fn, deps + self._fn_deps(fpath, fn),
                                            self._hook_guards(mount["hooks"], full))
            if auth == "none":
                helper = self.auth_helper(fpath, qualname)
                auth = f"check in helper: {helper}()" if helper else auth
            self._add(framework, [found.group(1).upper()], full, qualname, fpath, fn, auth, None, rule["line"])

    def _responder(self, vpath: str, vname: str, method: str) -> tuple[str, str, dict[str, Any]] | None:
        """The class along the MRO that defines the responder: (file, qualname, function facts)."""
        for kind, where, what in self._mro_chain(vpath, vname):
            fn = self.function(where, f"{what}.{method}") if kind == "project" else None
            if fn is not None:
                return where, f"{what}.{method}", fn
        return None

    def auth_helper(self, path: str, qualname: str) -> str | None:
        """A project function the handler calls that authenticates by its name and refuses by its body
        (`parse_valid_token(req, ...)` raising HTTPUnauthorized): Falcon's usual per-responder guard."""
        sm = self.semantic
        module = sm.module_of(path) if sm is not None else None
        if module is None:
            return None
        for callee in sorted(sm.callees(f"{module}.{qualname}")):
            info = sm.function(callee)
            if info is None or not info.path or not (
                    AUTH_DEPENDENCY.search(last_name(callee)) or _GUARD_NAME.search(last_name(callee))):
                continue
            fn = self.function(info.path, callee[len(info.module) + 1:])
            if fn is not None and (fn.get("auth_check") or self.raises_refusal(info.path, fn)):
                return last_name(callee)
        return None
