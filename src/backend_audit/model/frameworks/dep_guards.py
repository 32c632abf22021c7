"""FastAPI dependencies that are *products* of project code, judged by what runs per request.

`Depends(OrgPolicyGuard(policy))`, `_write = Authenticator(scopes=...)` ... `Depends(_write)`,
`Annotated[Subject, Depends(RoleCheck({"owner"}))]`: FastAPI calls what the factory returned, an inner
function or an instance whose `__call__` runs. That callable guards the route when it refuses the caller
(401/403, `Unauthorized()`), or when its own dependencies authenticate, as a function dependency does.
A product of third-party code cannot be read: the route's auth is unknown (a note), never "missing".
"""

from __future__ import annotations

from typing import Any

from .common import FASTAPI_SECURITY, last_name

# Packages whose dependency products are known not to authenticate (rate limiters, pagination): a route
# using one is judged by its other evidence, not called unknown.
_NOT_GUARD_PACKAGES = ("fastapi_limiter", "slowapi", "ratelimit", "limits", "fastapi_pagination", "fastapi",
                       "starlette", "pydantic", "sqlalchemy", "sqlmodel", "redis", "typing")
_MAX_DEPTH = 6
_REFUSALS = (401, 403)


class DependencyGuards:
    """Mixed into the inventory builder next to AuthEvidence: needs `facts`, `semantic`, `function()`,
    `_module()`, `_fn_deps()` and `is_auth_dep()`."""

    def product_guards(self, path: str, ref: str, depth: int) -> bool:
        """Whether the dependency `ref` (written in `path`) is a factory's product that guards the route."""
        sm = self.semantic
        module = self._module(path)
        if sm is None or module is None or depth > _MAX_DEPTH:
            return False
        sym = sm.resolve(module, ref)
        if sym is None:
            return False
        value = sym.value if sym.kind == "constant" else None
        if isinstance(value, dict) and isinstance(value.get("call"), str) and sym.module:
            return self._made_by(sym.module, value["call"], depth, (path, ref))  # `_write = Gatekeeper(...)`
        if ref in self.facts.get(path, {}).get("web", {}).get("dep_calls", ()):
            return self._made_by(module, ref, depth, (path, ref))
        if sym.kind == "class":  # `Depends(CurrentUser)`: FastAPI builds one per request, its __init__ runs
            return self._init_guards(sym.qualname, depth)
        if self.makes_dependency(path, ref):  # `Annotated[Role, RoleACL(...)]`, RoleACL returning Depends(inner)
            return self._made_by(module, ref, depth, (path, ref))
        return False  # `Depends(f)`: f itself is the dependency (is_auth_dep judged it)

    def makes_dependency(self, path: str, ref: str) -> bool:
        """Whether `ref` is a project function that returns `Depends(...)`: calling it declares a dependency."""
        memo = self.__dict__.setdefault("_makes_dep_memo", {})  # asked per parameter of every judged function
        if (path, ref) not in memo:
            found = self.r.resolve(path, ref)
            fn = self.function(*found) if found and found[1] else None
            memo[(path, ref)] = bool(fn and fn.get("returns_dependency"))
        return memo[(path, ref)]

    def _init_guards(self, qualname: str, depth: int) -> bool:
        sm = self.semantic
        for cls in sm.mro(qualname):
            info = sm.classes.get(cls)
            if info is None:
                return False
            if "__init__" in info.methods:
                fn = self.function(info.path, f"{cls[len(info.module) + 1:]}.__init__")
                return fn is not None and self._guards(info.path, fn, depth + 1)
        return False

    def untraced_dependency(self, deps: list[tuple[str, str]]) -> str | None:
        """The first dependency of these that is a product of code the scan cannot read, said as such."""
        cache = self.__dict__.get("_untraced_deps", {})
        return next((cache[d] for d in deps if d in cache), None)

    def factory_class(self, path: str, ref: str) -> tuple[str, str] | None:
        """(file, local qualname) of the class a name is bound to through a factory
        (`APIRouter = get_api_router_class(APIRoute)`, whose body defines and returns a subclass)."""
        sm = self.semantic
        module = self._module(path)
        sym = sm.resolve(module, ref) if sm is not None and module is not None else None
        value = sym.value if sym is not None and sym.kind == "constant" else None
        if not isinstance(value, dict) or not isinstance(value.get("call"), str) or not sym.module:
            return None
        factory = sm.resolve(sym.module, value["call"])
        if factory is None or factory.kind != "function" or not factory.path or not factory.module:
            return None
        local = factory.qualname[len(factory.module) + 1:]
        for made in (self.function(factory.path, local) or {}).get("returns_callables", []):
            if f"{factory.qualname}.{made}" in sm.classes:
                return factory.path, f"{local}.{made}"
        return None

    # --- what a factory makes -----------------------------------------------------------------------
    def _made_by(self, module: str, ref: str, depth: int, origin: tuple[str, str]) -> bool:
        sm = self.semantic
        sym = sm.resolve(module, ref)
        if sym is None or depth > _MAX_DEPTH:
            return False
        if sym.kind == "class":
            return self._call_guards(sym.qualname, depth)
        if sym.kind == "external":
            self._external_product(origin, sym.qualname)
            return last_name(sym.qualname) in FASTAPI_SECURITY  # `Depends(HTTPBearer())`
        if sym.kind != "function" or not sym.path or not sym.module:
            return False
        local = sym.qualname[len(sym.module) + 1:]
        fn = self.function(sym.path, local) or {}
        for made in fn.get("returns_callables", []):
            nested = f"{sym.qualname}.{made}"
            if nested in sm.classes:
                if self._call_guards(nested, depth + 1):
                    return True
            elif nested in sm.functions:
                inner = self.function(sym.path, f"{local}.{made}")
                if inner is not None and self._guards(sym.path, inner, depth + 1):
                    return True
                # `_gate = Authenticator(...)` in the factory, `Depends(_gate)` in the inner function
                products = fn.get("local_products", {})
                if inner is not None and any(self._made_by(sym.module, products[d], depth + 1, origin)
                                             for _, d in self._fn_deps(sym.path, inner) if d in products):
                    return True
            elif self._made_by(sym.module, made, depth + 1, origin):
                return True
        return False

    def _call_guards(self, qualname: str, depth: int) -> bool:
        """An instance used as a dependency runs its class's `__call__`: the nearest one in the MRO, and
        the ones above it that it hands over to with `super().__call__(...)`."""
        sm = self.semantic
        for cls in sm.mro(qualname):
            info = sm.classes.get(cls)
            if info is None:  # an external base's __call__: a fastapi.security scheme, or not read
                return last_name(cls) in FASTAPI_SECURITY
            if "__call__" not in info.methods:
                continue
            local = f"{cls[len(info.module) + 1:]}.__call__"
            fn = self.function(info.path, local)
            if fn is not None and self._guards(info.path, fn, depth + 1):
                return True
            call = sm.function(f"{cls}.__call__")
            if call is None or not any(c[1] == "super" for c in call.calls):
                return False
        return False

    def _guards(self, path: str, fn: dict[str, Any], depth: int) -> bool:
        """A callable run per request guards when it refuses the caller itself or its dependencies do."""
        if fn.get("auth_check") or self.raises_refusal(path, fn):
            return True
        return any(self.is_auth_dep(p, d, depth + 1) for p, d in self._fn_deps(path, fn)) or \
            self._refusing_helper(path, fn)

    def _refusing_helper(self, path: str, fn: dict[str, Any]) -> bool:
        """`return await _role_dependency(request=request, ...)`: the inner function hands the request to a
        project helper that refuses the caller (401/403) itself; one call down, as a check in its own body."""
        sm = self.semantic
        module = self._module(path)
        qual = next((q for q, f in self.facts.get(path, {}).get("functions", {}).items() if f is fn), None)
        if sm is None or module is None or qual is None:
            return False
        for callee in sorted(sm.callees(f"{module}.{qual}")):
            info = sm.function(callee)
            if info is None or not info.path or not info.module:
                continue
            facts = self.function(info.path, callee[len(info.module) + 1:]) or {}
            if facts.get("auth_check") or self.raises_refusal(info.path, facts):
                return True
        return False

    def raises_refusal(self, path: str, fn: dict[str, Any]) -> bool:
        """`raise NotPermitted()` where the project's NotPermitted answers 403: a class attribute
        `status_code` / `code` of 401/403 along its MRO, or an `__init__` whose status defaults to one."""
        sm = self.semantic
        module = self._module(path)
        if sm is None or module is None:
            return False
        for ref in fn.get("raises", []):
            sym = sm.resolve(module, ref)
            if sym is None or sym.kind != "class":
                continue
            for cls in sm.mro(sym.qualname):
                info = sm.classes.get(cls)
                if info is None:
                    break
                for attr in ("status_code", "code", "status"):
                    found = sm.class_attr(cls, attr)
                    if found is not None and isinstance(found[1], dict) and found[1].get("v") in _REFUSALS:
                        return True
                init = self.function(info.path, f"{cls[len(info.module) + 1:]}.__init__")
                if init is not None:
                    if init.get("refusal_status"):
                        return True
                    break  # its own __init__ decides the status it passes up
        return False

    def _external_product(self, origin: tuple[str, str], qualname: str) -> None:
        if qualname.split(".")[0].lstrip("?") in _NOT_GUARD_PACKAGES:
            return
        cache = self.__dict__.setdefault("_untraced_deps", {})
        cache.setdefault(origin, f"the dependency {origin[1]} is made by {qualname.lstrip('?')}(...), whose code "
                                 "is not scanned (origin not traced)")
