"""The endpoint inventory: every file's framework facts joined into one list of endpoints.

FastAPI/Starlette/Flask: route decorators and URL rules on app/router/blueprint objects, with prefixes and
dependencies joined along `include_router` / `register_blueprint` chains across modules.
Django/DRF (urlconf.py): `urlpatterns` walked from the root URLconf through `include()`, DRF router
registrations, function views, class views and viewsets, with the REST_FRAMEWORK defaults as evidence.
Auth evidence: evidence.py.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import field
from typing import Any

from ...records import dataclass
from .common import (AUTH_DEPENDENCY, HTTP_VERBS, PAGINATION_PARAM, PUBLIC_PATHS, RATE_LIMIT_DECORATOR,
                     STATE_CHANGING, join_paths, last_name)
from .dep_guards import DependencyGuards
from .falcon import FalconRoutes
from .evidence import GUARD_HOOKS, PER_ACTION, AuthEvidence
from .forwarders import ForwardedRoutes
from .hook_guards import HookGuards
from .hook_paths import path_open
from .include_helpers import IncludeHelpers
from .input_sinks import untyped
from .litestar import LitestarRoutes
from .prefixes import PrefixValues
from .pyramid import PyramidRoutes, resource_paths
from .registry_routes import RegistryRoutes
from .resolve import Resolver
from .untraced_guards import UntracedGuards
from .urlconf import ACTION_ROUTES, CLASS_METHODS, UrlconfRoutes

_FRAMEWORK = {"fastapi_app": "fastapi", "fastapi_router": "fastapi", "starlette_app": "starlette",
              "flask_app": "flask", "flask_blueprint": "flask", "ninja_api": "django-ninja",
              "ninja_router": "django-ninja", "aiohttp_app": "aiohttp", "aiohttp_routes": "aiohttp",
              "sanic_app": "sanic", "graphql_router": "fastapi", "restx_api": "flask",
              "falcon_app": "falcon"}
_ROUTE_DECORATORS = frozenset({*HTTP_VERBS, "route", "api_route", "websocket", "websocket_route"})
_RECEIVER = re.compile(r"^(app|application|api|router|bp|blueprint|\w+_router|\w+_bp|\w+_blueprint|\w+_app)$")
_PRIMITIVES = frozenset({"int", "str", "float", "bool", "bytes", "UUID", "uuid.UUID", "date", "datetime", "Decimal",
                         "EmailStr", "HttpUrl", "AnyUrl", "None", "Path", "Query", "Header", "Cookie", "Optional",
                         "Literal", "Enum", "time", "timedelta", "constr", "conint", "confloat", "list", "List",
                         "set", "Set", "tuple", "Tuple", "Union", "UploadFile", "File", "Form", "Annotated", "SecretStr",
                         "Json", "StrictStr", "StrictInt", "PositiveInt", "NonNegativeInt"})
_NOT_INPUT = frozenset({"Request", "HttpRequest", "WebSocket", "Response", "BackgroundTasks", "Session", "AsyncSession",
                        "HTTPConnection", "SecurityScopes", "HTTPAuthorizationCredentials", "HTTPBasicCredentials"})

_VIEWSET_ACTIONS = {
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"), "ListModelMixin": ("list",), "CreateModelMixin": ("create",),
    "RetrieveModelMixin": ("retrieve",), "UpdateModelMixin": ("update", "partial_update"),
    "DestroyModelMixin": ("destroy",),
}
_VIEWSETS = frozenset({"ViewSet", "GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet", "ViewSetMixin"})
_LIST_VIEWS = frozenset({"ListAPIView", "ListCreateAPIView", "ModelViewSet", "ReadOnlyModelViewSet", "ListModelMixin"})
_DRF_MARKERS = frozenset({"APIView", "GenericAPIView", *_VIEWSETS, *[k for k in CLASS_METHODS if k.endswith("APIView")]})


def drf_extension_base(qualname: str) -> str | None:
    """The DRF class a DRF extension's view base stands for (`rest_framework_bulk.generics.BulkModelViewSet` is a
    ModelViewSet): packages named `rest_framework_*` subclass DRF's own views, and their names keep DRF's suffixes,
    so a viewset built on one gets DRF's routes and its REST_FRAMEWORK default permission like any other."""
    top, _, rest = qualname.partition(".")
    if not top.startswith("rest_framework_") or not rest:
        return None
    tail = last_name(qualname)
    for suffix in ("ReadOnlyModelViewSet", "ModelViewSet", "GenericViewSet", "ViewSet", "GenericAPIView", "APIView"):
        if tail.endswith(suffix):
            return suffix
    return None


_HOOK_KEYS = re.compile(r"<(\w+)>")
_ROUTE_PARAM = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


_DOTTED_NAME = re.compile(r"^[A-Za-z_][\w.]*$")


def _class_list(value: Any) -> list[str] | None:
    """The class names of a `permission_classes=` argument, as the decorator facts keep it (a literal list of
    names, or its source text); None when absent or not a plain list."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        names = [n.strip() for n in inner.split(",") if n.strip()] if inner else []
        return names if all(_DOTTED_NAME.match(n) for n in names) else None
    return None


def hook_applies(hook: str, path: str) -> bool:
    """A hook scoped to URL parameters (`... (routes with <project_id>)`) guards the routes carrying them."""
    if not hook.startswith("url_value_preprocessor:") or "(routes with" not in hook:
        return True
    wanted = set(_HOOK_KEYS.findall(hook.rsplit("(routes with", 1)[1]))
    return bool(wanted & set(_ROUTE_PARAM.findall(path)))


@dataclass
class Endpoint:
    """One route of the endpoint inventory: framework, methods, path and handler, with what protects it."""
    framework: str
    methods: list[str]
    path: str
    handler: str
    file: str
    line: int
    auth: str
    validation: str
    pagination: str | None
    rate_limit: str | None
    response_model: str | None
    # evidence for the rules, not part of the public shape
    public: bool = False
    fn: dict[str, Any] = field(default_factory=dict)
    route_line: int = 0
    list_view: bool = False
    drf: bool = False
    prefix_from: list[str] = field(default_factory=list)
    root: tuple[str, str] | None = None  # the app/router object the route hangs from (decorator routes)
    names: list[str] = field(default_factory=list)  # route names `reverse()` knows it by (router basename, `name=`)
    refuses: bool = False  # every action behind it only answers "not found" (a route kept for the router)
    unrouted: str = ""  # why no request reaches it (a URLconf nothing includes), when the inventory knows
    unrouted_conf: str = ""  # the URLconf nothing includes that it is written in

    @property
    def state_changing(self) -> bool:
        return bool(STATE_CHANGING & set(self.methods))

    def to_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "methods": self.methods, "path": self.path, "handler": self.handler,
                "file": self.file, "line": self.line, "auth": self.auth, "validation": self.validation,
                "pagination": self.pagination, "rate_limit": self.rate_limit, "response_model": self.response_model,
                "prefix_from": self.prefix_from}


@dataclass
class Inventory:
    """Every endpoint of the project, with the settings and evidence the endpoint rules read."""
    endpoints: list[Endpoint]
    settings: dict[str, dict[str, Any]]  # merged Django settings: name -> {"value", "line", "file"}
    roots: list[tuple[str, int]]  # app factory / root URLconf locations, for project-level findings
    rate_limit_evidence: list[str]
    global_rate_limit: bool
    # framework -> {"files": modules importing it, "endpoints": how many were found, "modelled": bool}
    frameworks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the auth-evidence reader behind the list (is_auth_decorator, ...), for rules about non-endpoint code
    evidence: Any = None

    def as_dicts(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.endpoints]


def options_for_auth(settings: Any) -> dict[str, Any]:
    from ...catalog import rules_by_id

    rule = rules_by_id().get("BA-AUTH-001")
    opts = {k.replace("-", "_"): v for k, v in (rule.options if rule else {}).items()}
    opts.update(getattr(settings, "rule_options", {}).get("BA-AUTH-001", {}))
    extra = getattr(settings, "extra", {}).get("public_paths")
    if isinstance(extra, list):
        opts["public_paths"] = [*opts.get("public_paths", PUBLIC_PATHS), *extra]
    for key in ("auth_decorators", "auth_mixins"):  # top-level `auth-decorators = [...]` / `auth-mixins = [...]`
        declared = getattr(settings, "extra", {}).get(key)
        if isinstance(declared, list):
            opts[key] = [*opts.get(key, []), *declared]
    return opts


def build(model: Any) -> Inventory:
    """The inventory of a ProjectModel, built once per scan (ProjectModel.memo: several rules and the
    report read it, and --changed-since learns from the memo which file facts it depends on)."""
    def compute() -> Inventory:
        facts = {p: f for p, f in model.facts.items() if not f.get("is_test")}
        return _Builder(facts, options_for_auth(model.settings), getattr(model, "semantic", None)).run()
    return model.memo("endpoint_inventory", compute)


def _dev_only(auth: str, mount: dict[str, Any]) -> str:
    """A route with no guard of its own on a blueprint registered only under `if app.debug:` (or a testing or
    development switch) is served on a developer's machine or in the tests, never in production."""
    if mount.get("dev_only") and auth.startswith(("none", "unknown")):
        return f"public (development only: registered under if {mount['dev_only']})"
    return auth


def is_public_path(path: str, patterns: list[str] | tuple[str, ...]) -> bool:
    clean = path.strip("/")
    segments = [s for s in clean.split("/") if s and not s.startswith(("{", "<", "("))]
    whole, segment = _public_matchers(tuple(patterns))
    return bool(whole and whole.match(clean)) or bool(segment and any(segment.match(s) for s in segments))


@functools.lru_cache(maxsize=32)
def _public_matchers(patterns: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The public-path patterns as two regexes (whole path, one segment), made once per pattern list:
    fnmatch per pattern per endpoint was 128,000 calls on netbox's 1,500 endpoints."""
    whole: list[str] = []
    segment: list[str] = []
    for pat in patterns:
        pat = pat.strip("/")
        if "/" in pat:
            whole += [fnmatch.translate(pat), fnmatch.translate("*/" + pat)]
        else:
            segment.append(fnmatch.translate(pat))
    return (re.compile("|".join(whole)) if whole else None, re.compile("|".join(segment)) if segment else None)


class _Builder(AuthEvidence, DependencyGuards, HookGuards, UntracedGuards, IncludeHelpers, UrlconfRoutes, LitestarRoutes,
               FalconRoutes, PyramidRoutes,
               ForwardedRoutes, RegistryRoutes):
    def __init__(self, facts: dict[str, dict[str, Any]], options: dict[str, Any], semantic: Any = None) -> None:
        self.facts = facts
        self.r = Resolver(facts)
        self.options = options
        self.public_paths = list(options.get("public_paths") or PUBLIC_PATHS)
        extra = options.get("auth_pattern")
        self.auth_name = re.compile(f"{AUTH_DEPENDENCY.pattern}|{extra}") if extra else AUTH_DEPENDENCY
        self.auth_middleware = set(options.get("auth_middleware") or ())
        self.auth_decorators = {str(d) for d in options.get("auth_decorators") or ()}
        self.auth_mixins = {str(m) for m in options.get("auth_mixins") or ()}
        self.endpoints: list[Endpoint] = []
        self.settings = self._settings()
        self.roots: list[tuple[str, int]] = []
        self._auth_fn_cache: dict[tuple[str, str], bool] = {}
        self.semantic = semantic
        self.values = PrefixValues(semantic, self.settings, self._config_objects())
        self._via: list[str] = []  # where the prefix of the endpoints being added came from, outermost first
        # a router mounted by a Django URLconf (`path("api/", api.urls)`): (prefix, via) per mount
        self.url_mounts: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}

    def _config_objects(self) -> list[str]:
        """The classes `app.config.from_object("pkg.Config")` / `from_object(Config)` loads, in file order."""
        out: list[str] = []
        sm = self.semantic
        for path in sorted(self.facts) if sm is not None else ():
            module = sm.module_of(path)
            for entry in self.facts[path].get("web", {}).get("config_objects", []) if module else ():
                found = sm.resolve(module, entry["object"]) if not entry["literal"] else None
                qualname = found.qualname if found is not None and found.kind == "class" else \
                    entry["object"] if entry["literal"] and sm.class_(entry["object"]) else None
                if qualname and qualname not in out:
                    out.append(qualname)
        return out

    def constant(self, path: str, enc: dict[str, Any]) -> Any:
        """The folded value of an encoded expression written in `path` (prefixes.py), or None."""
        return self.values.value(path, enc)

    def prefix_of(self, path: str, entry: dict[str, Any]) -> tuple[str, str | None]:
        """(prefix, where it came from) of a router / include entry: a literal, or a folded expression."""
        if "prefix" in entry:
            return entry["prefix"], None
        if "prefix_enc" not in entry:
            return "", None
        value = self.constant(path, entry["prefix_enc"])
        where = f"{path}:{entry.get('line', 0)}"
        if isinstance(value, str):
            return value, f"{entry.get('prefix_text')} = {value!r} ({where})"
        return "", f"{entry.get('prefix_text')} (value not known statically: taken as empty) ({where})"

    # --- shared -----------------------------------------------------------------------------
    def _settings(self) -> dict[str, dict[str, Any]]:
        merged: dict[str, dict[str, Any]] = {}
        for path in sorted(self.facts):
            for name, entry in self.facts[path].get("settings", {}).items():
                if name == "REST_FRAMEWORK" and name in merged and isinstance(entry["value"], dict) and \
                        isinstance(merged[name]["value"], dict):
                    merged[name] = {**merged[name], "value": {**merged[name]["value"], **entry["value"]}}
                elif name not in merged:
                    merged[name] = {**entry, "file": path}
        return merged

    @property
    def has_django_settings(self) -> bool:
        return any(k in self.settings for k in ("INSTALLED_APPS", "REST_FRAMEWORK", "MIDDLEWARE"))

    def rest_framework(self, key: str) -> Any:
        rf = self.settings.get("REST_FRAMEWORK", {}).get("value")
        return rf.get(key) if isinstance(rf, dict) else None

    def middleware(self) -> list[str]:
        out = []
        for key in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
            value = self.settings.get(key, {}).get("value")
            if isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
        for path in sorted(self.facts):
            out += [m["name"] for m in self.facts[path].get("web", {}).get("middleware", [])]
        return out

    def function(self, path: str, name: str) -> dict[str, Any] | None:
        return self.facts.get(path, {}).get("functions", {}).get(name)

    # --- run ----------------------------------------------------------------------------------
    def run(self) -> Inventory:
        self._project_routers()  # a project subclass of NinjaAPI is one before the URLconfs look for it
        self._django()  # first: it records where URLconfs mount a NinjaAPI (url_mounts)
        self._decorator_routes()
        self._litestar()
        self.pyramid_routes()
        seen: set[tuple] = set()
        unique = []
        for e in sorted(self.endpoints, key=lambda e: (e.path, e.file, e.line, e.methods, e.handler)):
            key = (e.path, tuple(e.methods), e.file, e.line, e.handler)
            if key not in seen:
                seen.add(key)
                unique.append(e)
        evidence, global_limit = self._rate_limit_evidence()
        for e in unique:
            if e.rate_limit is None and global_limit:
                e.rate_limit = global_limit
        return Inventory(unique, self.settings, sorted(set(self.roots)), evidence, bool(global_limit),
                         frameworks_seen(self.facts, unique), self)

    # --- FastAPI / Starlette / Flask ------------------------------------------------------------
    def _router(self, path: str, owner: str) -> tuple[str, str] | None:
        if owner in self.facts[path].get("web", {}).get("routers", {}):
            return (path, owner)
        found = self.r.resolve(path, owner)
        if found and found[1] in self.facts.get(found[0], {}).get("web", {}).get("routers", {}):
            return found
        return None

    def _router_entry(self, key: tuple[str, str]) -> dict[str, Any]:
        return self.facts[key[0]].get("web", {}).get("routers", {}).get(key[1], {})

    def _includes(self) -> dict[tuple[str, str], list[tuple[tuple[str, str], dict[str, Any]]]]:
        parents: dict[tuple[str, str], list] = {}
        for path in sorted(self.facts):
            for inc in self.facts[path].get("web", {}).get("includes", []):
                forwarded = self.forwarded_includes(path, inc) if inc.get("forward") else []
                for parent, child, entry in forwarded:  # each call of a project include helper
                    parents.setdefault(child, []).append((parent, entry))
                if forwarded:
                    continue
                parent = self._router(path, inc["owner"]) or self._assumed_router(path, inc["owner"])
                child = self._factory_router(path, inc["target"]) if inc.get("factory") else \
                    self._import_path_router(path, inc["target"]) if inc.get("import_path") else \
                    self._router(path, inc["target"])
                if parent and child and parent != child:
                    parents.setdefault(child, []).append((parent, {**inc, "_file": path}))
        return parents

    def _import_path_router(self, path: str, target: str) -> tuple[str, str] | None:
        found = self.r.resolve_dotted(path, target)
        if found and found[1] in self.facts.get(found[0], {}).get("web", {}).get("routers", {}):
            return found
        return None

    def _factory_router(self, path: str, ref: str) -> tuple[str, str] | None:
        """The app or router a factory function builds (`def make_admin(): admin = web.Application()`)."""
        target = self.definition(path, ref)
        sm = self.semantic
        module = sm.module_of(target[0]) if target and sm is not None else None
        info = sm.function(f"{module}.{target[1]}") if module else None
        if info is None:
            return None
        routers = self.facts.get(target[0], {}).get("web", {}).get("routers", {})
        inside = [name for name, r in sorted(routers.items(), key=lambda kv: kv[1].get("line", 0))
                  if info.line <= r.get("line", 0) <= info.end_line]
        return (target[0], inside[0]) if inside else None

    def _assumed_router(self, path: str, owner: str) -> tuple[str, str] | None:
        """An include on a router we cannot see built (a parameter of a router factory): keep its prefix."""
        imports = self.facts[path].get("import_table", {}).values()
        # connexion's FlaskApp wraps a Flask app (`app = connexion_app.app`): blueprints and hooks go on that
        if not _RECEIVER.match(last_name(owner)) or \
                not any(v.split(".")[0] in ("fastapi", "flask", "connexion") for v in imports):
            return None
        kind = "fastapi_router" if any(v.startswith("fastapi") for v in imports) else "flask_blueprint"
        self.facts[path].setdefault("web", {}).setdefault("routers", {}).setdefault(owner, {"kind": kind, "line": 1})
        self._routers_changed()
        return (path, owner)

    def _routers_changed(self) -> None:
        """A router was assumed into a file's facts: name resolution that went through that file may now
        stop there (Resolver.defines), so answers memoised before it no longer hold."""
        for memo in ("_definition_memo", "_drf_regs"):
            self.__dict__.pop(memo, None)

    def _mounts(self, key: tuple[str, str], parents: dict, seen: frozenset = frozenset()) -> list[dict[str, Any]]:
        """Every way a router is reachable: full prefix (and where each part came from), dependencies and
        before_request hooks on the way."""
        entry = self._router_entry(key)
        own_prefix, own_src = self.prefix_of(key[0], entry)
        own_via = [own_src or f"{key[1]} prefix {own_prefix!r} ({key[0]}:{entry.get('line', 0)})"] if own_prefix \
            or own_src else []
        own = {"prefix": own_prefix, "deps": [(key[0], d) for d in entry.get("deps", [])] +
               [(p, d) for p, d in entry.get("class_deps", [])],
               "hooks": self._hooks(key), "open_hooks": self.open_hooks(key), "root": key, "via": own_via}
        if key in seen or key not in parents:
            return [{**own, "prefix": join_paths(prefix, own["prefix"]), "via": via + own["via"]}
                    for prefix, via in self.url_mounts.get(key, [])] or [own]
        out = []
        for parent, inc in parents[key]:
            inc_file = inc.get("_file", parent[0])
            inc_prefix, inc_src = self.prefix_of(inc_file, inc)
            inc_via = [inc_src or f"include prefix {inc_prefix!r} ({inc_file}:{inc.get('line', 0)})"] \
                if inc_prefix or inc_src else []
            overrides = entry.get("kind") == "flask_blueprint" and ("prefix" in inc or "prefix_enc" in inc)
            for pm in self._mounts(parent, parents, seen | {key}):
                if overrides:  # register_blueprint(url_prefix=...) replaces the blueprint's own
                    prefix, via = join_paths(pm["prefix"], inc_prefix), pm["via"] + inc_via
                else:
                    prefix = join_paths(pm["prefix"], inc_prefix, own["prefix"])
                    via = pm["via"] + inc_via + own["via"]
                hooks = pm["hooks"]
                if "auth" in inc:  # add_router(..., auth=X) replaces the API's auth, auth=None removes it
                    hooks = [h for h in hooks if not h.startswith("ninja auth: ")] + \
                        ([f"ninja auth: {inc['auth']}"] if inc["auth"] else [])
                dev_only = pm.get("dev_only") or (f"{inc['dev_only']} ({inc_file}:{inc.get('line', 0)})"
                                                  if inc.get("dev_only") else None)
                out.append({"prefix": prefix, "deps": pm["deps"] + [(inc_file, d) for d in inc.get("deps", [])]
                            + own["deps"], "hooks": hooks + own["hooks"],
                            "open_hooks": pm.get("open_hooks", []) + own["open_hooks"], "root": pm["root"], "via": via,
                            **({"dev_only": dev_only} if dev_only else {})})
        return out

    def _list_mounts(self, path: str, rule: dict[str, Any]) -> list[dict[str, Any]]:
        """Where a Starlette Route that sits in a module-level list is served: under each `Mount(prefix,
        routes=that_list)` (in any module), or at the root."""
        via = [f"Mount {rule['mounted']!r} ({path}:{rule['line']})"] if rule.get("mounted") else []
        out = []
        listed = rule.get("in_list")
        if "_mount_files" not in self.__dict__:  # asked per Route: list the few files with mounts once
            self._mount_files = [p for p in sorted(self.facts) if self.facts[p].get("web", {}).get("mounts")]
        for mpath in self._mount_files if listed else ():
            for mount in self.facts[mpath]["web"]["mounts"]:
                if self.r.resolve(mpath, mount["routes"]) == (path, listed):
                    out.append({"prefix": mount["prefix"], "deps": [], "hooks": [], "root": None,
                                "via": ([f"Mount {mount['prefix']!r} ({mpath}:{mount['line']})"]
                                        if mount["prefix"] else []) + via})
        return out or [{"prefix": "", "deps": [], "hooks": [], "root": None, "via": via}]

    def _hooks(self, key: tuple[str, str]) -> list[str]:
        """Guards on a Flask app/blueprint or an aiohttp app that every route under it passes: before_request
        hooks that check auth, auth-named `middlewares=[...]` (as evidence strings)."""
        path, name = key
        out = []
        for kind, fpath, fname, fn in self.blueprint_hooks(key):
            why = self.hook_guard(fpath, fname, fn)
            if not why:
                continue
            where = fname if fpath == path else f"{fname} ({fpath})"
            if kind != "url_value_preprocessor":
                out.append(f"before_request: {where}" + ("" if why == "checks the caller" else f" ({why})"))
                self._exempt(out[-1], fpath, fn)
            else:
                # it runs before every route of the blueprint; a check on `values.pop("project_id")`
                # holds for the routes whose URL carries <project_id> (the others reach it with nothing)
                keys = "".join(f"<{k}>" for k in fn.get("url_value_keys", []))
                out.append(f"url_value_preprocessor: {where}" + (f" (routes with {keys})" if keys else ""))
        for h in self.facts[path].get("web", {}).get("hooks", []):
            if h["owner"] == name:
                # `app.before_request(omni_auth)` in the app factory, the hook imported from the module that
                # holds the auth code: judge it where it is defined
                hpath, hname = path, h["function"]
                fn = self.function(hpath, hname)
                if fn is None:
                    hpath, hname = self.definition(path, h["function"]) or (path, h["function"])
                    fn = self.function(hpath, hname)
                why = self.hook_guard(hpath, hname, fn) if fn else None
                if why:
                    out.append(f"before_request: {h['function']}" + ("" if why == "checks the caller" else f" ({why})"))
                    self._exempt(out[-1], hpath, fn)
        if self._router_entry(key).get("auth"):
            out.append(f"ninja auth: {self._router_entry(key)['auth']}")
        for mw in self._router_entry(key).get("middlewares", []):
            if self.auth_name.search(last_name(mw)):
                out.append(f"middleware: {mw}")
        return out

    @property
    def _hook_exempt(self) -> dict[str, set[str]]:
        """Per guarding hook (its evidence string), the endpoint names it lets through unchecked."""
        return self.__dict__.setdefault("_hook_exempt_names", {})

    def _exempt(self, hook: str, path: str, fn: dict[str, Any]) -> None:
        """`if request.endpoint not in _insecure_views and not logged_in(): return redirect(...)` guards every
        route but the ones it names: a literal, or a constant of the hook's module (a list of names)."""
        names: set[str] = set()
        sm = self.semantic
        module = sm.module_of(path) if sm is not None else None
        for name in fn.get("exempt_endpoints", []):
            if not name.startswith("="):
                names.add(name)
                continue
            value = sm.constant(module, name[1:]) if module else None
            if isinstance(value, (list, tuple, set, frozenset)):
                names.update(v for v in value if isinstance(v, str))
            elif isinstance(value, str):
                names.add(value)
        if names:
            self._hook_exempt.setdefault(hook, set()).update(names)
        paths = set()
        for entry in fn.get("exempt_paths", []):  # `if request.path.startswith(OPEN): return`
            if not entry.startswith("="):
                paths.add(entry)
                continue
            star = "*" if entry.endswith("*") else ""
            value = sm.constant(module, entry[1:].rstrip("*")) if module else None
            values = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple, set, frozenset)) \
                else []
            paths.update(f"{v}{star}" for v in values if isinstance(v, str))
        if paths:
            self.__dict__.setdefault("_hook_open_paths", {}).setdefault(hook, set()).update(paths)

    def _hook_guards(self, hooks: list[str], full: str) -> list[str]:
        """The hooks that check a route at `full`: not the paths a hook lets through first."""
        open_paths = self.__dict__.get("_hook_open_paths", {})
        return [h for h in hooks if not (h in open_paths and path_open(open_paths[h], full))]

    def _project_routers(self) -> None:
        """`router = UserAPIRouter(prefix=...)`: a project class is a router when its MRO reaches one
        (APIRouter, Blueprint); the dependencies its `__init__` passes up guard every route on it."""
        from .routes import ROUTER_KINDS, ROUTER_PACKAGES

        for path in sorted(self.facts):
            routers = self.facts[path].get("web", {}).get("routers", {})
            for name, entry in sorted(routers.items()):
                if entry.get("kind") != "project_router":
                    continue
                # `APIRouter = get_api_router_class(APIRoute)`: the subclass the factory returns
                target = self.factory_class(path, entry["cls"]) or self.definition(path, entry["cls"])
                chain = self._mro_chain(*target) if target and target[1] else []
                # a web framework's class (`ninja.NinjaAPI`), not another library's `Api` of the same name
                kinds = [ROUTER_KINDS[last_name(w)] for k, _, w in chain if k == "external"
                         and last_name(w) in ROUTER_KINDS and last_name(w) not in ("Router", "Application")
                         and ("." not in w or w.split(".")[0] in ROUTER_PACKAGES)]
                if not kinds:
                    del routers[name]
                    continue
                entry["kind"] = kinds[0]
                if not kinds[0].startswith("ninja"):
                    entry.pop("auth", None)  # only django-ninja reads `auth=` as every route's guard
                entry["class_deps"] = [(where, d) for k, where, what in chain if k == "project"
                                       for d in self.facts.get(where, {}).get("web", {}).get("class_deps", {}).get(
                                           what, [])]

    def _decorator_routes(self) -> None:
        parents = self._includes()
        for path in sorted(self.facts):
            f = self.facts[path]
            web_file = any(v.split(".")[0] in ("fastapi", "flask", "starlette", "quart", "apiflask")
                           for v in f.get("import_table", {}).values())
            for qualname, fn in sorted(f.get("functions", {}).items()):
                for d in fn.get("decorators", []):
                    if self.registry_route(path, qualname, fn, d):
                        continue  # `@Route.get("/x")`: a project registry the app's routes are made from
                    owner, _, verb = d["ref"].rpartition(".")
                    if verb not in _ROUTE_DECORATORS or not owner:
                        continue
                    key = self._router(path, owner)
                    if key is None:
                        if not (web_file and _RECEIVER.match(last_name(owner))):
                            continue
                        key = (path, owner)
                        kind = "fastapi_router" if any(v.startswith("fastapi") for v in
                                                       f.get("import_table", {}).values()) else "flask_blueprint"
                        f.setdefault("web", {}).setdefault("routers", {})[owner] = {"kind": kind, "line": fn["line"]}
                        self._routers_changed()
                    self._route(path, qualname, fn, d, key, parents)
            for cname, cls in sorted(f.get("classes", {}).items()):
                for call in cls.get("decorator_calls", []):
                    paths = resource_paths(call)
                    if paths:
                        self.pyramid_resource(path, cname, call["line"], paths)
                        continue
                    owner, _, verb = call["ref"].rpartition(".")
                    key = self._router(path, owner) if verb in ("view", "route") and owner else None
                    if key is None or not call.get("args") or not isinstance(call["args"][0], str):
                        continue
                    # aiohttp `@routes.view("/items")` on a web.View; flask-restx `@ns.route("/x")` on a
                    # Resource; flask-smorest `@blp.route("/")` on a MethodView
                    kind = "aiohttp" if verb == "view" else "flask"
                    for route in [a for a in call["args"] if isinstance(a, str)]:
                        self._url_rule(path, {"owner": owner, "path": route, "view": cname, "line": call["line"],
                                              "kind": kind, "methods": None, "class_view": True}, parents)
            for rule in f.get("web", {}).get("url_rules", []):
                self._url_rule(path, rule, parents)
        self._forwarded_routes(parents)
        for path in sorted(self.facts):
            for name, entry in sorted(self.facts[path].get("web", {}).get("routers", {}).items()):
                if entry["kind"] in ("fastapi_app", "flask_app", "starlette_app"):
                    self.roots.append((path, entry["line"]))
                elif entry["kind"] == "graphql_router":
                    self._graphql_router(path, name, entry, parents)

    def _graphql_router(self, path: str, name: str, entry: dict[str, Any], parents: dict) -> None:
        """`graphql_app = GraphQLRouter(schema)` included under a prefix: one endpoint taking GET (queries)
        and POST (mutations); auth from the routing (dependencies) or per resolver."""
        for mount in self._mounts((path, name), parents):
            auth = self._routing_guard(mount["deps"], mount["hooks"]) or "graphql: auth per resolver (not modelled)"
            self._via, self._root = mount["via"], mount["root"]
            self._add("fastapi", ["GET", "POST"], mount["prefix"] or "/", name, path, {"line": entry["line"]}, auth,
                      None, entry["line"])
        self._via, self._root = [], None

    def _route(self, path: str, qualname: str, fn: dict[str, Any], d: dict[str, Any], key: tuple[str, str],
               parents: dict) -> None:
        verb = d["ref"].rpartition(".")[2]
        kind = self._router_entry(key).get("kind", "fastapi_router")
        framework = self._router_entry(key).get("framework") or _FRAMEWORK.get(kind, "fastapi")
        args, kwargs = d.get("args", []), d.get("kwargs", {})
        route_path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", kwargs.get("rule", ""))
        if not isinstance(route_path, str):
            route_path = "<dynamic>"
        if verb in HTTP_VERBS:
            methods = [verb.upper()]
        elif verb.startswith("websocket"):
            methods = ["WEBSOCKET"]
        else:
            m = kwargs.get("methods")
            methods = sorted({str(x).upper() for x in m}) if isinstance(m, list) and m else ["GET"]
        owner_class = qualname.rsplit(".", 1)[0] if "." in qualname else None
        class_deps = self._class_info(path, owner_class)["deps"] if owner_class in self.facts[path].get(
            "classes", {}) else []  # a method route of a class-based view: the class's Depends attributes
        self._router_limit = self._limited(key)
        # Flask's endpoint name, which a hook's `request.endpoint not in (...)` lets through
        endpoint = kwargs.get("endpoint") if isinstance(kwargs.get("endpoint"), str) else qualname.rsplit(".", 1)[-1]
        if self._router_entry(key).get("name"):
            endpoint = f"{self._router_entry(key)['name']}.{endpoint}"
        for mount in self._mounts(key, parents):
            full = join_paths(mount["prefix"], route_path) if route_path else (mount["prefix"] or "/")
            deps = mount["deps"] + class_deps + self._fn_deps(path, fn)
            self._mount = {**mount, "deps": mount["deps"] + class_deps}
            auth = self._auth_decorated(path, fn, deps, [h for h in self._hook_guards(mount["hooks"], full)
                                                         if hook_applies(h, full)
                                                         and endpoint not in self._hook_exempt.get(h, ())])
            if framework == "django-ninja" and "auth" in kwargs:  # @api.get(..., auth=...) overrides the API's
                auth = f"ninja auth: {kwargs['auth']}" if kwargs["auth"] not in (None, "None") else "public (auth=None)"
            auth = _dev_only(auth, mount)
            self._via, self._root = mount["via"], mount["root"]
            self._add(framework, methods, full, qualname, path, fn, auth, kwargs.get("response_model"), d["line"])
        self._via, self._root, self._router_limit, self._mount = [], None, None, None

    def _url_rule(self, path: str, rule: dict[str, Any], parents: dict) -> None:
        found = self.definition(path, rule["view"])
        if found and not (self.function(*found) or found[1] in self.facts.get(found[0], {}).get("classes", {})):
            found = None
        if not found and rule["kind"] == "aiohttp":
            # `router.add_get("/", h.timeline)` with `h` a handler object passed in: the route is certain,
            # its handler is not; list it at the registration, auth unknown
            methods = [m.upper() for m in rule.get("methods") or ["GET"]]
            self._add("aiohttp", methods, rule["path"], rule["view"], path, {"line": rule["line"]},
                      f"unknown: handler {rule['view']} not resolved statically", None, rule["line"])
            return
        if not found:
            return
        vpath, vname = found
        owner = rule.get("owner")
        key = self._router(path, owner) if owner else None
        mounts = self._mounts(key, parents) if key else [
            {**m, "root": m["root"] or ((path, owner) if owner else None)} for m in self._list_mounts(path, rule)]
        framework = (self._router_entry(key).get("framework") or _FRAMEWORK.get(self._router_entry(key).get(
            "kind", ""), rule["kind"])) if key else rule["kind"]
        cls = self.facts.get(vpath, {}).get("classes", {}).get(vname)
        first = len(self.endpoints)
        self._router_limit = self._limited(key) if key else None
        for mount in mounts:
            full = join_paths(mount["prefix"], rule["path"])
            self._via, self._root = mount["via"], mount["root"]
            deps = mount["deps"] + [(path, x) for x in rule.get("deps", [])]
            self._mount = {**mount, "deps": deps}
            if cls is not None and rule["kind"] == "falcon":
                self.falcon_resource(vpath, vname, rule, full, framework, mount, deps)
            elif cls is not None:
                methods, info = self._class_methods(vpath, vname)
                methods = [m.upper() for m in rule.get("methods") or methods or ["GET"]]
                auth = self._class_auth(vpath, vname, deps, mount["hooks"], rule.get("wrappers", ()), info)
                for group, group_auth in self.method_auth(info, methods, auth):
                    # `@limiter.limit("10/5minute")` on the class's own `post`: the group limited when each is
                    limits = [self._fn_rate_limit(self.function(vpath, f"{vname}.{m.lower()}") or {}, vpath)
                              for m in group]
                    self._add(framework, group, full, vname, vpath, {"line": cls["line"]}, group_auth,
                              None, rule["line"], cls_key=(vpath, vname),
                              rate_limit=limits[0] if limits and all(limits) else None)
            else:
                fn = self.function(vpath, vname)
                if fn is None:
                    continue
                methods = [m.upper() for m in rule.get("methods") or ["GET"]]
                auth = self._auth_decorated(vpath, fn, deps + self._fn_deps(vpath, fn),
                                            self._hook_guards(mount["hooks"], full))
                wrapped = [w for w in rule.get("wrappers", ()) if self.is_auth_decorator(path, w)]
                if wrapped and auth.startswith(("none", "unknown", "check")):
                    auth = f"urls wrapper: {wrapped[0]}"
                auth = _dev_only(auth, mount)
                self._add(framework, methods, full, vname, vpath, fn, auth, rule.get("response_model"), rule["line"])
        # `X.as_view("settings")`: url_for("settings") / url_for("user.settings"); add_resource's endpoint names
        names = rule.get("names") or ([rule["name"]] if rule.get("name") else None)
        if names:
            for endpoint in self.endpoints[first:]:
                endpoint.names = list(names)
        self._via, self._root, self._router_limit, self._mount = [], None, None, None

    def _add(self, framework: str, methods: list[str], full: str, handler: str, path: str, fn: dict[str, Any],
             auth: str, response_model: Any, route_line: int, cls_key: tuple[str, str] | None = None,
             list_view: bool = False, drf: bool = False, pagination: str | None = None,
             rate_limit: str | None = None, validation: str | None = None) -> None:
        if auth == "none":  # before calling it open: what runs around it that this analysis could not judge
            cls = cls_key or ((path, handler.split(".")[0]) if fn.get("params") is None else None)
            untraced = self.untraced_guard(path, fn, cls, self.__dict__.get("_mount"), methods)
            auth = f"unknown: guard not traced: {untraced}" if untraced else auth
        special = self.special_case(auth, full, handler, fn, path)
        # a page is what a GET shows; a write that answers with a literal is a stub, not a page
        auth = auth if special.startswith("public (static page") and STATE_CHANGING & set(methods) else special
        public = auth.startswith(("public", "webhook signature")) or is_public_path(full, self.public_paths)
        if response_model is None and fn.get("returns") and not re.search(r"Response\b", fn["returns"]):
            response_model = fn["returns"]
        self.endpoints.append(Endpoint(
            framework=framework, methods=sorted(set(methods)), path=full, handler=handler, file=path,
            line=fn.get("line", route_line), auth=auth, public=public,
            validation=validation or self._validation(fn, methods, framework, path),
            pagination=pagination or self._pagination(fn, response_model),
            rate_limit=rate_limit or self._fn_rate_limit(fn, path) or self.__dict__.get("_router_limit"),
            response_model=str(response_model) if response_model is not None else None,
            fn=fn, route_line=route_line, list_view=list_view, drf=drf, prefix_from=list(self._via),
            root=self.__dict__.get("_root")))

    def _validation(self, fn: dict[str, Any], methods: list[str], framework: str, path: str = "") -> str:
        if fn.get("raw_reads"):
            return "raw request data"
        if framework == "fastapi" and set(methods) & {"POST", "PUT", "PATCH"} and untyped_body_params(fn):
            return "untyped body"
        for d in fn.get("decorators", []):
            if last_name(d["ref"]) in ("use_args", "use_kwargs", "arguments", "validate", "input", "expect",
                                        "validate_json", "body"):
                return f"schema: @{d['ref']}"
        for p in fn.get("params", []):
            ann = p.get("annotation", "")
            if framework in ("fastapi", "starlette", "django-ninja") and ann and not p.get("deps"):
                base = ann.split("[")[0].strip()
                if base[:1].isupper() and (self._alias_deps(path, base) or self.unknown_module(path, [base])):
                    continue  # `session: SessionDep`: an Annotated dependency alias, not a request body
                if base not in _PRIMITIVES and last_name(base) not in _NOT_INPUT and base[:1].isupper():
                    return f"schema: {ann}"
        if fn.get("validates"):
            return "schema (validated in handler)"
        return "none needed"

    def _pagination(self, fn: dict[str, Any], response_model: Any) -> str | None:
        params = [p["name"] for p in fn.get("params", []) if PAGINATION_PARAM.match(p["name"]) and not p.get("deps")]
        if params:
            return f"parameters: {', '.join(params)}"
        if response_model is not None and re.search(r"\b(Page|LimitOffsetPage|CursorPage|Paginated\w*)\b",
                                                    str(response_model)):
            return f"response: {response_model}"
        if fn.get("paginates"):
            return "paginated in handler"
        return None

    def _limited(self, key: tuple[str, str]) -> str | None:
        """`limiter.limit("5/minute")(auth)` on the blueprint a route hangs from, in any module."""
        if "_limits" not in self.__dict__:
            self._limits: dict[tuple[str, str], str] = {}
            for path in sorted(self.facts):
                for entry in self.facts[path].get("web", {}).get("limited", []):
                    target = self._router(path, entry["target"])
                    if target is not None:
                        self._limits.setdefault(target, f"{entry['by']} on {entry['target']} ({path}:{entry['line']})")
        return self._limits.get(key)

    def _fn_rate_limit(self, fn: dict[str, Any], path: str | None = None) -> str | None:
        for d in fn.get("decorators", []):
            if RATE_LIMIT_DECORATOR.search(d["ref"]) and "." in d["ref"] or last_name(d["ref"]) == "ratelimit":
                return f"decorator: {d['ref']}"
            if path and RATE_LIMIT_DECORATOR.search(d["ref"]) and (found := self.definition(path, d["ref"])) and \
                    (self.function(*found) or {}).get("applies_limiter"):
                # `@limit("3/minute")` from a project module whose `limit` hands its arguments to the app's
                # Flask-Limiter (`return app.limiter.limit(*args, **kwargs)`)
                return f"decorator: {d['ref']} ({found[1]}() in {found[0]} applies {self.function(*found)['applies_limiter']})"
            if last_name(d["ref"]) == "throttle_classes":
                return f"throttle_classes={','.join(map(str, d.get('names', [])))}"
        for p in fn.get("params", []):
            if any("RateLimit" in dep for dep in p.get("deps", [])):
                return "dependency: RateLimiter"
        for d in fn.get("decorators", []):
            if any("RateLimit" in dep for dep in d.get("deps", [])):
                return "dependency: RateLimiter"
        return None

    def _rate_limit_evidence(self) -> tuple[list[str], str | None]:
        evidence: list[str] = []
        global_limit = None
        for path in sorted(self.facts):
            web = self.facts[path].get("web", {})
            for lim in web.get("rate_limiters", []):
                evidence.append(f"{lim['what']} ({path}:{lim['line']})")
                if lim.get("default"):
                    global_limit = f"global: {lim['what']} default limits"
        for mw in self.middleware():
            if re.search(r"(?i)(ratelimit|rate_limit|throttl|slowapi)", mw):
                evidence.append(f"middleware {mw}")
                global_limit = global_limit or f"middleware: {last_name(mw)}"
        throttles = self.rest_framework("DEFAULT_THROTTLE_CLASSES")
        if throttles:
            evidence.append("REST_FRAMEWORK DEFAULT_THROTTLE_CLASSES")
            global_limit = global_limit or "settings: DEFAULT_THROTTLE_CLASSES"
        apps = self.settings.get("INSTALLED_APPS", {}).get("value")
        if isinstance(apps, list) and any(isinstance(a, str) and a.split(".")[0] in ("django_ratelimit", "ratelimit",
                                                                                     "axes") for a in apps):
            evidence.append("INSTALLED_APPS rate-limit app")
        evidence += [f"{e.handler}: {e.rate_limit}" for e in self.endpoints if e.rate_limit]
        return evidence, global_limit

    # --- classes ----------------------------------------------------------------------------
    def _class_info(self, path: str, name: str) -> dict[str, Any]:
        """Attributes, handler methods, framework bases, viewset actions and per-method auth evidence, merged
        along the MRO (the semantic model's, across modules and re-exports; else the bases as resolved here).
        Bases from skipped modules are listed under "unknown"."""
        key = (path, name)
        memo = self.__dict__.setdefault("_class_memo", {})
        if key in memo:
            return memo[key]
        cls = self.facts.get(path, {}).get("classes", {}).get(name, {})
        info: dict[str, Any] = {"attrs": {}, "methods": set(), "bases": set(), "actions": set(), "extra_actions": {},
                                "decorators": [], "auth_methods": {}, "line": cls.get("line", 0), "unknown": [],
                                "path": path, "order": [], "deps": [], "dispatch_wrappers": []}
        memo[key] = info
        chain = self._mro_chain(path, name)
        for kind, where, what in chain:
            if kind == "external":
                info["bases"].add(last_name(what))
                info["order"].append(last_name(what))
                stands_for = drf_extension_base(what)
                if stands_for:
                    info["bases"].add(stands_for)
                continue
            if kind == "unknown":
                info["unknown"].append(what)
                continue
            c = self.facts.get(where, {}).get("classes", {}).get(what, {})
            for k, v in c.get("attrs", {}).items():
                info["attrs"].setdefault(k, v)
            info["deps"] += [(where, d) for d in c.get("deps", [])]
            info["methods"].update(c.get("methods", []))
            info["decorators"] += list(zip(c.get("decorators", []), c.get("decorator_args", []) or [[]] * 99))
            info["dispatch_wrappers"] += self._dispatch_wrappers(where, c)
            if (where, what) != key:
                info["bases"].add(last_name(what))
                info["order"].append(last_name(what))
            extra_actions, auth_methods = self._own_methods(where, what, c)
            for m, extra in extra_actions:
                if m not in info["extra_actions"]:
                    info["extra_actions"][m] = {**extra, "methods": list(extra["methods"])}
            for m, evidence in auth_methods:
                info["auth_methods"].setdefault(m, evidence)
        for tail in info["bases"]:
            info["actions"] |= set(_VIEWSET_ACTIONS.get(tail, ()))
        info["actions"] |= {m for m in info["methods"] if m in ACTION_ROUTES}
        return info

    def _dispatch_wrappers(self, where: str, c: dict[str, Any]) -> list[tuple[str, str]]:
        """(file, wrapper) for each call that replaces the class's `dispatch`: in the `__new__`/`__init__` of its
        project metaclass, or in a project class decorator (`setattr(cls, "dispatch", check(cls.dispatch))`)."""
        meta = self.definition(where, self.r.local_ref(where, c["metaclass"])) if c.get("metaclass") else None
        makers = [(meta[0], f"{meta[1]}.{m}") for m in ("__new__", "__init__")] if meta else []
        makers += [found for found in (self.definition(where, d) for d in c.get("decorators", [])) if found]
        return [(file, fn["wraps_dispatch"]) for file, fn in ((f, self.function(f, q)) for f, q in makers)
                if fn and fn.get("wraps_dispatch")]

    def _own_methods(self, where: str, what: str, c: dict[str, Any]) -> tuple[list, list]:
        """One class's own viewset actions and per-method auth evidence, in method order, memoised: a base
        class (a project's viewset base with dozens of methods) is in the MRO of hundreds of views."""
        memo = self.__dict__.setdefault("_own_methods_memo", {})
        key = (where, what)
        if key not in memo:
            extra_actions: list[tuple[str, dict[str, Any]]] = []
            auth_methods: list[tuple[str, str]] = []
            for m in c.get("methods", []):
                fn = self.function(where, f"{what}.{m}") or {}
                for d in fn.get("decorators", []):
                    if last_name(d["ref"]) == "action":
                        kw = d.get("kwargs", {})
                        methods = kw.get("methods") if isinstance(kw.get("methods"), list) else \
                            d["args"][0] if d.get("args") and isinstance(d["args"][0], list) else ["get"]  # @action(["post"])
                        extra_actions.append((m, {"methods": [str(x).upper() for x in methods],
                                                  "detail": kw.get("detail") is True,
                                                  "url_path": kw.get("url_path"), "url_name": kw.get("url_name"),
                                                  "permission_classes": _class_list(kw.get("permission_classes")),
                                                  "drf": self._drf_decorator(where, d["ref"])}))
                if m in HTTP_VERBS or m in GUARD_HOOKS:
                    evidence = self.method_evidence(where, what, m, fn)
                    if evidence:
                        auth_methods.append((m, evidence))
            memo[key] = (extra_actions, auth_methods)
        return memo[key]

    def _mro_chain(self, path: str, name: str) -> list[tuple[str, str, str]]:
        """The class and its ancestors, nearest first: ("project", file, local name), ("external", "",
        dotted name) or ("unknown", "", skipped module)."""
        sm = self.semantic
        module = sm.module_of(path) if sm is not None else None
        if module is not None and f"{module}.{name}" in sm.classes:
            out = []
            for q in sm.mro(f"{module}.{name}"):
                info = sm.classes.get(q)
                if info is not None:
                    out.append(("project", info.path, q[len(info.module) + 1:]))
                elif q.startswith("?"):
                    out.append(("unknown", "", self.unknown_name(q)))
                else:
                    out.append(("external", "", q))
            return out
        return self._bases_chain(path, name, 0, set())

    def _bases_chain(self, path: str, name: str, depth: int, seen: set) -> list[tuple[str, str, str]]:
        """Depth-first over the bases as the resolver sees them (no semantic model for this file)."""
        if (path, name) in seen or depth > 6:
            return []
        seen.add((path, name))
        out = [("project", path, name)]
        for base in self.facts.get(path, {}).get("classes", {}).get(name, {}).get("bases", []):
            found = self.r.resolve(path, self.r.local_ref(path, base))
            if found and found[1] in self.facts.get(found[0], {}).get("classes", {}):
                out += self._bases_chain(found[0], found[1], depth + 1, seen)
            else:
                out.append(("external", "", base))
        return out

    def _class_methods(self, path: str, name: str) -> tuple[list[str], dict[str, Any]]:
        info = self._class_info(path, name)
        methods = {m.upper() for m in info["methods"] if m in HTTP_VERBS}
        for b in info["bases"]:
            methods |= set(CLASS_METHODS.get(b, ()))
        allowed = info["attrs"].get("http_method_names")
        if isinstance(allowed, list):
            methods &= {str(m).upper() for m in allowed}
        methods -= {"OPTIONS", "HEAD"} if len(methods) > 1 else set()
        return sorted(methods) or ["GET"], info

    def _is_drf(self, info: dict[str, Any]) -> bool:
        # DRF's `@action` only routes on a DRF viewset: a class using it is one even when its base comes from a
        # package the scan does not hold (a vendor's `ReadAndDeleteOnlyViewSet`), so REST_FRAMEWORK's default
        # permission applies to it as to any other viewset
        return bool(info["bases"] & _DRF_MARKERS) or "permission_classes" in info["attrs"] or \
            any(a.get("drf") for a in info["extra_actions"].values())

    def _left_out(self, path: str, name: str, method: str, info: dict[str, Any]) -> str:
        """` (adds permissions for destroy, kill; not for retry)` where the viewset's `get_permissions` adds its
        own permissions for named actions that act on one record, and this detail action is not among them."""
        extra = info["extra_actions"].get(method, {})
        own = next((fn.get("per_action") for kind, where, what in self._mro_chain(path, name) if kind == "project"
                    for fn in [self.function(where, f"{what}.get_permissions")] if fn), None)
        detail = {"destroy", "update", "partial_update"} | {m for m, a in info["extra_actions"].items() if a["detail"]}
        if not own or not extra.get("detail") or method in own or not set(own) & detail:
            return ""
        return f" (adds permissions for {', '.join(own)}; not for {method})"

    def _drf_decorator(self, path: str, ref: str) -> bool:
        """Is the decorator `ref` (as written) imported from DRF (`from rest_framework.decorators import action`)?"""
        head, _, rest = ref.partition(".")
        target = str(self.facts.get(path, {}).get("import_table", {}).get(head, ""))
        return (f"{target}.{rest}" if rest else target).startswith("rest_framework.")

    def _add_class(self, path: str, name: str, methods: list[str], full: str, route_line: int,
                   wrappers: list[str] = (), list_view: bool = False, method: str | None = None) -> None:
        info = self._class_info(path, name)
        auth = self._class_auth(path, name, [], [], wrappers, info)
        perms = info["extra_actions"].get(method, {}).get("permission_classes") if method else None
        if perms is not None:  # `@action(permission_classes=[...])` replaces the viewset's for that action
            auth = self._permission_text(perms, "action")
        elif method and auth == PER_ACTION:
            auth += self._left_out(path, name, method, info)
        drf = self._is_drf(info)
        list_view = list_view or bool(info["bases"] & (_LIST_VIEWS - _VIEWSETS - {"ModelViewSet",
                                                                                 "ReadOnlyModelViewSet"}))
        pagination = None
        pclass = info["attrs"].get("pagination_class", "<unset>")
        if pclass not in ("<unset>", None):
            pagination = f"pagination_class={pclass}"
        elif pclass == "<unset>" and drf and self.rest_framework("DEFAULT_PAGINATION_CLASS"):
            pagination = f"settings: {self.rest_framework('DEFAULT_PAGINATION_CLASS')}"
        rate = None
        if info["attrs"].get("throttle_classes"):
            rate = f"throttle_classes={','.join(map(str, info['attrs']['throttle_classes']))}"
        elif drf and self.rest_framework("DEFAULT_THROTTLE_CLASSES") and info["attrs"].get("throttle_classes") != []:
            rate = "settings: DEFAULT_THROTTLE_CLASSES"
        serializer = info["attrs"].get("serializer_class") or info["attrs"].get("form_class")
        handler = f"{name}.{method}" if method else name
        fn = self.function(path, handler) if method else None
        fn = dict(fn or {"line": info["line"]})
        handlers = [self.function(path, f"{name}.{m}") or {} for m in sorted(info["methods"])
                    if m in HTTP_VERBS or m in ACTION_ROUTES or m == method]
        raw = [r for h in handlers for r in h.get("raw_reads", [])]
        if raw:
            fn["raw_reads"] = raw
        reads = [r for h in handlers for r in h.get("constructor_reads", [])]
        if reads:
            fn["constructor_reads"] = reads
        if not fn.get("returned"):  # what a GET returns (BA-API-001): the `get` / `list` methods'
            returned = [r for m in ("get", "list") for r in (self.function(path, f"{name}.{m}") or {}).get(
                "returned", []) if m in info["methods"]]
            if returned:
                fn["returned"] = returned
        validation = "raw request data" if raw else (f"schema: {serializer}" if serializer else None)
        for group, group_auth in self.method_auth(info, methods, auth):
            self._add("drf" if drf else "django", group, full, handler, path, fn, group_auth, None, route_line,
                      list_view=list_view, drf=drf, pagination=pagination, rate_limit=rate, validation=validation)
            self.endpoints[-1].fn["_pagination_class"] = pclass


# Import name -> framework, for "what did the scan see". The modelled ones have an inventory; the others are
# named as seen, so an empty inventory is never mistaken for "this application has no endpoints".
_FRAMEWORK_PACKAGES = {"fastapi": "fastapi", "starlette": "starlette", "flask": "flask", "quart": "flask",
                       "apiflask": "flask", "django": "django", "rest_framework": "drf", "ninja": "django-ninja",
                       "aiohttp": "aiohttp", "litestar": "litestar", "starlite": "litestar", "sanic": "sanic",
                       "tornado": "tornado", "pyramid": "pyramid", "falcon": "falcon", "bottle": "bottle",
                       "blacksheep": "blacksheep", "robyn": "robyn", "connexion": "connexion", "masonite": "masonite"}
MODELLED = frozenset({"fastapi", "starlette", "flask", "django", "drf", "django-ninja", "aiohttp", "sanic",
                      "litestar", "falcon", "pyramid"})


def frameworks_seen(facts: dict[str, dict[str, Any]], endpoints: list[Endpoint]) -> dict[str, dict[str, Any]]:
    files: dict[str, int] = {}
    for f in facts.values():
        used = {_FRAMEWORK_PACKAGES.get(str(target).lstrip(".").split(".")[0])
                for target in f.get("import_table", {}).values()}
        for name in used - {None}:
            files[name] = files.get(name, 0) + 1
    found: dict[str, int] = {}
    for e in endpoints:
        found[e.framework] = found.get(e.framework, 0) + 1
    return {name: {"files": files.get(name, 0), "endpoints": found.get(name, 0), "modelled": name in MODELLED}
            for name in sorted(set(files) | set(found))}


def untyped_body_params(fn: dict[str, Any]) -> list[str]:
    """FastAPI parameters that take the body as an unvalidated dict / Any (BA-INP-001 /untyped-body)."""
    out = []
    for p in fn.get("params", []):
        ann = p.get("annotation", "")
        if p.get("deps") or p["name"] in ("self", "cls"):
            continue
        if untyped(ann) or (p.get("default") in ("Body", "fastapi.Body") and not ann):
            out.append(p["name"])
    return out
