"""Guards the model sees but cannot judge: an endpoint carrying one is "guard not traced", never "none".

Every backend has its own guard idiom (an `Annotated` role alias built by a project factory, a blueprint's
`before_request` hook, a policy-guard class, a decorator from a package the scan does not read). The
inventory recognises the idioms it was taught; on a backend it was not taught, an unknown idiom must not read
as "nothing guards this". So before an endpoint is called unguarded, what runs per request *around* it is
listed: the hooks of its app/blueprint, its route/router/app dependencies and parameter metadata, its
decorators, its view class's bases and per-request methods. One of them whose code is out of reach, or that is
named for a guard and was not judged one, makes the endpoint's auth `unknown: guard not traced: <what>` (a
note in BA-AUTH-001). A resource the handler needs (a database session, settings, pagination) is no such
sign; neither is a hook that only logs.
"""

from __future__ import annotations

import re
from typing import Any

from .common import last_name

# Named for who is calling or for a check: a dependency, decorator or base class so named that was not
# judged a guard is one this analysis could not follow, not evidence of an open route.
_GUARDISH = re.compile(
    r"(?i)(auth|login|logged|user|role|principal|subject|identity|token|perm|privilege|scope|acl|polic|guard"
    r"|access|current|actor|member|owner|admin|staff|superuser|tenant|api_?key|credential|viewer|caller"
    r"|requester|account|verify|protect|secur|restrict|allowed|grant|claims|jwt|oauth|session_?user|signed"
    r"|require)")
# What a handler needs to do its work; named so, a dependency is a resource, not a guard.
_RESOURCE = re.compile(
    r"(?i)^_*(get_?)?(async_?)?(db|database|session|db_?session|conn|connection|engine|settings|config|cfg"
    r"|pagina\w*|page\w*|limit|offset|sort\w*|order\w*|filter\w*|search\w*|query\w*|params|cache|redis|client"
    r"|http\w*|logger|log|service|\w+_service|repo\w*|\w+_repo\w*|store|storage|uow|unit_of_work|background"
    r"|tasks|locale|lang\w*|i18n|translat\w*|templates?|mailer|queue|broker|producer|publisher|tracer|metrics"
    r"|request_?id|body|form|upload\w*|file|headers?|now|clock|executor|bus|emitter|\w*_?(db|session|client))$")
# Decorators that shape the route, its documentation, caching or transactions: not guards, whatever they say.
_NOT_GUARD_DECORATORS = re.compile(
    r"(?i)^(require_(GET|POST|safe|http_methods)|csrf_\w+|ensure_csrf_cookie|cache\w*|cached|never_cache"
    r"|vary_on_\w+|gzip_page|condition|etag|last_modified|xframe_options_\w+|sensitive_\w+|atomic"
    r"|transaction\w*|non_atomic_requests|method_decorator|staticmethod|classmethod|property|wraps|doc|response"
    r"|responses|marshal\w*|expect|arguments|use_args|use_kwargs|input|output|param|header|produces|consumes"
    r"|validate\w*|swagger\w*|extend_schema\w*|api_view|action|permission_classes|authentication_classes"
    r"|throttle_classes|renderer_classes|parser_classes|schema|limit|ratelimit|rate_limit|throttle|limits"
    r"|shared_limit|exempt|deprecated|retry|timed|traced?|instrument\w*|log\w*|asynccontextmanager"
    r"|contextmanager|lru_cache|overload|override|abstractmethod|dataclass|route|get|post|put|patch|delete"
    r"|head|options|api_route|view|websocket\w*|before_request|before_app_request|url_value_preprocessor"
    # Pyramid's registration: its `permission=` is read by the inventory itself (pyramid.py)
    r"|view_config|view_defaults)$")
# Packages whose dependencies and decorators are known not to authenticate (dep_guards.py keeps its own
# list for factory products); a name from anywhere else that the scan cannot read is untraced.
_PLAIN_PACKAGES = ("fastapi", "starlette", "pydantic", "sqlalchemy", "sqlmodel", "typing", "typing_extensions",
                   "functools", "contextlib", "redis", "fastapi_pagination", "fastapi_limiter", "slowapi",
                   "flask", "werkzeug", "django", "rest_framework", "drf_spectacular", "drf_yasg", "flasgger",
                   "flask_restx", "flask_restful", "flask_smorest", "apiflask", "marshmallow", "webargs",
                   "ninja", "celery", "asyncio", "logging", "abc", "dataclasses", "flask_cors", "corsheaders", "aiohttp",
                   "quart", "sanic", "litestar", "strawberry", "graphene", "flask_login", "flask_jwt_extended",
                   "flask_caching", "fastapi_cache", "cachetools", "aiocache", "flask_limiter", "django_ratelimit",
                   "ratelimit", "flask_compress", "flask_wtf", "sentry_sdk", "opentelemetry", "prometheus_client",
                   "ddtrace", "newrelic", "tenacity", "backoff", "csp", "silk", "debug_toolbar", "structlog")
# FastAPI's own parameter markers in `Annotated[...]` metadata or defaults: request parsing, not guards.
_FASTAPI_MARKERS = frozenset({"Query", "Path", "Body", "Header", "Cookie", "Form", "File", "Field", "Depends",
                              "Security", "Param", "BackgroundTasks"})
# Per-request methods a view class may carry beyond its verbs (a check there runs before every verb).
_PER_REQUEST = ("dispatch", "dispatch_request", "check_permissions", "has_permission", "initial",
                "get_permissions", "check_object_permissions", "before_request", "prepare")


class UntracedGuards:
    """Mixed into the inventory builder: needs `facts`, `semantic`, `r`, `function()`, `_module()`,
    `_fn_deps()`, `_mro_chain()`, `_class_info()`, `blueprint_hooks()`, `hook_guard()` and
    `makes_dependency()`."""

    def untraced_guard(self, path: str, fn: dict[str, Any], cls_key: tuple[str, str] | None,
                       mount: dict[str, Any] | None, methods: list[str]) -> str | None:
        """What runs around this endpoint (serving `methods`) per request that may guard it and was not
        traced, or None."""
        mount = mount or {}
        for hook in mount.get("open_hooks", ()):
            return f"before_request hook {hook}"
        for dpath, ref in mount.get("deps", ()):
            why = self._untraced_dep(dpath, ref)
            if why:
                return why
        if cls_key is not None and cls_key[1] in self.facts.get(cls_key[0], {}).get("classes", {}):
            return self._untraced_class(*cls_key, {m.lower() for m in methods})
        if fn.get("params") is None:
            return None
        return self._untraced_function(path, fn)

    # --- functions ----------------------------------------------------------------------------------
    def _untraced_function(self, path: str, fn: dict[str, Any]) -> str | None:
        for d in fn.get("decorators", ()):
            why = self._untraced_decorator(path, d["ref"])
            if why:
                return why
        for p in fn.get("params", ()):
            for ref in p.get("made_deps", ()):
                if last_name(ref) not in _FASTAPI_MARKERS and not self._plain(path, ref):
                    return f"parameter {p['name']} made by {ref}(...)"
            for ref in p.get("deps", ()):
                why = self._untraced_dep(path, ref, p["name"])
                if why:
                    return why
            alias = (p.get("annotation") or "").split("[")[0].strip()
            if last_name(alias)[:1].isupper() and not p.get("deps"):  # `MeterWrite`, `auth.MeterWrite`
                why = self._untraced_alias(path, alias, p["name"])
                if why:
                    return why
        for d in fn.get("decorators", ()):
            for ref in d.get("deps", ()):
                why = self._untraced_dep(path, ref)
                if why:
                    return why
        return None

    def _untraced_alias(self, path: str, alias: str, param: str) -> str | None:
        """`role: OrgUserRole` where `OrgUserRole = Annotated[Role, RoleACL(...)]`: FastAPI runs the
        metadata per request; a call there that is not FastAPI's own marker is a guard not traced."""
        found = self.r.resolve(path, alias)
        if not found:
            return None
        web = self.facts.get(found[0], {}).get("web", {})
        for ref in web.get("alias_calls", {}).get(found[1], ()):
            if last_name(ref) not in _FASTAPI_MARKERS and not self._plain(found[0], ref):
                return f"parameter {param}: {alias} runs {ref}(...)"
        for ref in web.get("dep_aliases", {}).get(found[1], ()):
            why = self._untraced_dep(found[0], ref, param)
            if why:
                return why
        return None

    def _untraced_decorator(self, path: str, ref: str) -> str | None:
        tail = last_name(ref)
        if _NOT_GUARD_DECORATORS.match(tail) or self._plain(path, ref):
            return None
        if _GUARDISH.search(tail) or self._external_unread(path, ref):
            return f"decorator @{ref}"
        return None

    # --- dependencies -------------------------------------------------------------------------------
    def _untraced_dep(self, path: str, ref: str, param: str = "") -> str | None:
        """A dependency that was not judged a guard, named for the caller or a check, or whose code the scan
        cannot read; a resource (a database session, settings) is neither."""
        tail = last_name(ref)
        if _RESOURCE.match(tail) and not _GUARDISH.search(tail) or self._plain(path, ref):
            return None
        where = f" (parameter {param})" if param else ""
        if _GUARDISH.search(tail) or param and _GUARDISH.search(param) and not _RESOURCE.match(tail):
            return f"dependency {ref}{where}"
        if self._external_unread(path, ref):
            return f"dependency {ref}{where}, whose code is not scanned"
        return None

    # --- classes ------------------------------------------------------------------------------------
    def _untraced_class(self, path: str, name: str, served: set[str]) -> str | None:
        """A base named for a guard (`PolicyProtectedView`), a per-request method of a project base
        (`dispatch`, `check_permissions`) that was not judged a check, a decorator named for one on the class
        or on a method serving these verbs (one on `delete` guards DELETE only)."""
        for kind, where, what in self._mro_chain(path, name):
            base = last_name(what)
            if kind == "external":
                if _GUARDISH.search(base) and not self._plain_module(what):
                    return f"base class {base}"
                continue
            if kind != "project":
                continue
            if (where, what) != (path, name) and _GUARDISH.search(base):
                return f"base class {base}"
            cls = self.facts.get(where, {}).get("classes", {}).get(what, {})
            own = [m for m in _PER_REQUEST if m in cls.get("methods", ())]
            if own:
                return f"{base}.{own[0]}() runs before every method"
            for deco in cls.get("decorators", ()):
                why = self._untraced_decorator(where, deco)
                if why:
                    return why
            for m in sorted(set(cls.get("methods", ())) & served):
                for d in (self.function(where, f"{what}.{m}") or {}).get("decorators", ()):
                    why = self._untraced_decorator(where, d["ref"])
                    if why:
                        return f"{why} on {m}()"
        return None

    # --- hooks --------------------------------------------------------------------------------------
    def open_hooks(self, key: tuple[str, str]) -> list[str]:
        """The before_request hooks of an app/blueprint that were not judged guards but may refuse: they
        raise, return a response, carry another decorator, or call project code (a hook that only logs or
        sets request globals is not one)."""
        path, name = key
        found = [(fpath, fname, fn) for kind, fpath, fname, fn in self.blueprint_hooks(key)
                 if kind != "url_value_preprocessor"]
        for h in self.facts.get(path, {}).get("web", {}).get("hooks", ()):
            if h["owner"] == name and self.function(path, h["function"]):
                found.append((path, h["function"], self.function(path, h["function"])))
        out = []
        for fpath, fname, fn in found:
            if self.hook_guard(fpath, fname, fn) or not self._may_refuse(fpath, fname, fn):
                continue
            out.append(fname if fpath == path else f"{fname} ({fpath})")
        return out

    def _may_refuse(self, path: str, fname: str, fn: dict[str, Any], depth: int = 0) -> bool:
        """A hook answers (a before_request returning a value ends the request), raises, carries another
        decorator, or calls project code that raises or checks, two calls down (`g.session =
        load(request)` reading a cookie into a dict refuses nobody)."""
        if fn.get("raises") or fn.get("auth_check") or depth == 0 and (
                fn.get("returned") or len(fn.get("decorators", ())) > 1):
            return True
        sm = self.semantic
        module = self._module(path)
        if sm is None or module is None or depth >= 2:
            return False
        for callee in sorted(sm.callees(f"{module}.{fname}")):
            info = sm.function(callee)
            facts = self.function(info.path, callee[len(info.module) + 1:]) if info and info.path else None
            if facts is not None and self._may_refuse(info.path, callee[len(info.module) + 1:], facts, depth + 1):
                return True
        return False

    # --- where a name comes from --------------------------------------------------------------------
    def _plain(self, path: str, ref: str) -> bool:
        """A name from a package known not to authenticate (FastAPI's markers, SQLAlchemy, pagination)."""
        sym = self._symbol(path, ref)
        return sym is not None and sym.kind == "external" and self._plain_module(sym.qualname)

    @staticmethod
    def _plain_module(qualname: str) -> bool:
        return qualname.lstrip("?").split(".")[0] in _PLAIN_PACKAGES

    def _external_unread(self, path: str, ref: str) -> bool:
        """A name imported from code the scan does not read (another package, a skipped module)."""
        sym = self._symbol(path, ref)
        return sym is not None and sym.kind == "external" and not self._plain_module(sym.qualname)

    def _symbol(self, path: str, ref: str):
        sm = self.semantic
        module = self._module(path)
        if sm is None or module is None:
            return None
        return sm.resolve(module, ref)
