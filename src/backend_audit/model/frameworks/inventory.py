"""The endpoint inventory: every file's framework facts joined into one list of endpoints.

FastAPI/Starlette/Flask: route decorators and URL rules on app/router/blueprint objects, with prefixes and
dependencies joined along `include_router` / `register_blueprint` chains across modules.
Django/DRF: `urlpatterns` walked from the root URLconf through `include()`, DRF router registrations,
function views, class views and viewsets, with the REST_FRAMEWORK defaults as evidence.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from .common import (AUTH_DECORATOR, AUTH_DEPENDENCY, AUTH_MIXINS, HTTP_VERBS, PAGINATION_PARAM,
                     PUBLIC_DECORATOR, PUBLIC_PATHS, RATE_LIMIT_DECORATOR, STATE_CHANGING, join_paths, last_name)
from .resolve import Resolver

_FRAMEWORK = {"fastapi_app": "fastapi", "fastapi_router": "fastapi", "starlette_app": "starlette",
              "flask_app": "flask", "flask_blueprint": "flask", "ninja_api": "django-ninja",
              "ninja_router": "django-ninja"}
_ROUTE_DECORATORS = frozenset({*HTTP_VERBS, "route", "api_route", "websocket", "websocket_route"})
_RECEIVER = re.compile(r"^(app|application|api|router|bp|blueprint|\w+_router|\w+_bp|\w+_blueprint|\w+_app)$")
_PRIMITIVES = frozenset({"int", "str", "float", "bool", "bytes", "UUID", "uuid.UUID", "date", "datetime", "Decimal",
                         "EmailStr", "HttpUrl", "AnyUrl", "None", "Path", "Query", "Header", "Cookie", "Optional",
                         "Literal", "Enum", "time", "timedelta", "constr", "conint", "confloat", "list", "List",
                         "set", "Set", "tuple", "Tuple", "Union", "UploadFile", "File", "Form", "Annotated", "SecretStr",
                         "Json", "StrictStr", "StrictInt", "PositiveInt", "NonNegativeInt"})
_UNTYPED = re.compile(r"^(dict|Dict(\[.*\])?|dict\[.*\]|Any|typing\.Any|list\[dict.*\]|List\[Dict.*\]|object|Json)$")
_NOT_INPUT = frozenset({"Request", "HttpRequest", "WebSocket", "Response", "BackgroundTasks", "Session", "AsyncSession",
                        "HTTPConnection", "SecurityScopes", "HTTPAuthorizationCredentials", "HTTPBasicCredentials"})
_IDENT = re.compile(r"[A-Za-z_][\w.]*")

# Django / DRF class views: HTTP methods a known base class serves.
_CLASS_METHODS = {
    "View": (), "TemplateView": ("GET",), "RedirectView": ("GET",), "ListView": ("GET",), "DetailView": ("GET",),
    "ArchiveIndexView": ("GET",), "FormView": ("GET", "POST"), "CreateView": ("GET", "POST"),
    "UpdateView": ("GET", "POST"), "DeleteView": ("GET", "POST"), "LoginView": ("GET", "POST"),
    "LogoutView": ("POST",), "APIView": (), "GenericAPIView": (), "ListAPIView": ("GET",), "CreateAPIView": ("POST",),
    "RetrieveAPIView": ("GET",), "DestroyAPIView": ("DELETE",), "UpdateAPIView": ("PUT", "PATCH"),
    "ListCreateAPIView": ("GET", "POST"), "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"), "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
    "MethodView": (), "Resource": (), "HTTPEndpoint": (),
}
_VIEWSET_ACTIONS = {
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"), "ListModelMixin": ("list",), "CreateModelMixin": ("create",),
    "RetrieveModelMixin": ("retrieve",), "UpdateModelMixin": ("update", "partial_update"),
    "DestroyModelMixin": ("destroy",),
}
_VIEWSETS = frozenset({"ViewSet", "GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet", "ViewSetMixin"})
_ACTION_ROUTES = {"list": ("list", "GET"), "create": ("list", "POST"), "retrieve": ("detail", "GET"),
                  "update": ("detail", "PUT"), "partial_update": ("detail", "PATCH"), "destroy": ("detail", "DELETE")}
_LIST_VIEWS = frozenset({"ListAPIView", "ListCreateAPIView", "ModelViewSet", "ReadOnlyModelViewSet", "ListModelMixin"})
_DRF_MARKERS = frozenset({"APIView", "GenericAPIView", *_VIEWSETS, *[k for k in _CLASS_METHODS if k.endswith("APIView")]})


@dataclass
class Endpoint:
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
    endpoints: list[Endpoint]
    settings: dict[str, dict[str, Any]]  # merged Django settings: name -> {"value", "line", "file"}
    roots: list[tuple[str, int]]  # app factory / root URLconf locations, for project-level findings
    rate_limit_evidence: list[str]
    global_rate_limit: bool

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
    return opts


def build(model: Any) -> Inventory:
    """The inventory of a ProjectModel (memoised on it: several rules and the report read it)."""
    cached = getattr(model, "_endpoint_inventory", None)
    if cached is None:
        facts = {p: f for p, f in model.facts.items() if not f.get("is_test")}
        cached = _Builder(facts, options_for_auth(model.settings), getattr(model, "semantic", None)).run()
        model._endpoint_inventory = cached
    return cached


def is_public_path(path: str, patterns: list[str] | tuple[str, ...]) -> bool:
    clean = path.strip("/")
    segments = [s for s in clean.split("/") if s and not s.startswith(("{", "<", "("))]
    for pat in patterns:
        pat = pat.strip("/")
        if "/" in pat:
            if fnmatch.fnmatch(clean, pat) or fnmatch.fnmatch(clean, "*/" + pat):
                return True
        elif any(fnmatch.fnmatch(seg, pat) for seg in segments):
            return True
    return False


class _Builder:
    def __init__(self, facts: dict[str, dict[str, Any]], options: dict[str, Any], semantic: Any = None) -> None:
        self.facts = facts
        self.r = Resolver(facts)
        self.options = options
        self.public_paths = list(options.get("public_paths") or PUBLIC_PATHS)
        extra = options.get("auth_pattern")
        self.auth_name = re.compile(f"{AUTH_DEPENDENCY.pattern}|{extra}") if extra else AUTH_DEPENDENCY
        self.auth_middleware = set(options.get("auth_middleware") or ())
        self.endpoints: list[Endpoint] = []
        self.settings = self._settings()
        self.roots: list[tuple[str, int]] = []
        self._auth_fn_cache: dict[tuple[str, str], bool] = {}
        self.semantic = semantic
        self._via: list[str] = []  # where the prefix of the endpoints being added came from, outermost first

    def constant(self, path: str, ref: str) -> Any:
        """The folded value of a reference written in `path` (`settings.API_V1_STR`), or None when the
        semantic model cannot tell."""
        if self.semantic is None:
            return None
        module = self.semantic.module_of(path)
        if module is None:
            return None
        value = self.semantic.constant(module, ref)
        return value if isinstance(value, (str, int, float, bool, list, tuple, dict)) else None

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

    def is_auth_dep(self, path: str, ref: str, depth: int = 0) -> bool:
        """A dependency that authenticates: a fastapi.security scheme, an auth-named callable, or a function
        whose own dependencies authenticate (followed across files)."""
        if self.auth_name.search(last_name(ref)):
            return True
        if depth > 4:
            return False
        key = (path, ref)
        if key in self._auth_fn_cache:
            return self._auth_fn_cache[key]
        self._auth_fn_cache[key] = False
        found = self.r.resolve(path, ref)
        result = False
        if found:
            fpath, name = found
            web = self.facts.get(fpath, {}).get("web", {})
            if name in web.get("schemes", []) or (name and self.auth_name.search(last_name(name))):
                result = True
            else:
                fn = self.function(fpath, name) or self.function(fpath, f"{name}.__call__")
                if fn:
                    result = any(self.is_auth_dep(p, d, depth + 1) for p, d in self._fn_deps(fpath, fn))
        self._auth_fn_cache[key] = result
        return result

    def _fn_deps(self, path: str, fn: dict[str, Any]) -> list[tuple[str, str]]:
        """(file, reference) of every dependency a function declares, `Annotated` aliases expanded."""
        deps: list[tuple[str, str]] = []
        for p in fn.get("params", []):
            deps += [(path, d) for d in p.get("deps", [])]
            for ident in _IDENT.findall(p.get("annotation", "")):
                deps += self._alias_deps(path, ident)
        for d in fn.get("decorators", []):
            deps += [(path, x) for x in d.get("deps", [])]
        return deps

    def _alias_deps(self, path: str, ident: str) -> list[tuple[str, str]]:
        found = self.r.resolve(path, ident)
        if not found:
            return []
        aliases = self.facts.get(found[0], {}).get("web", {}).get("dep_aliases", {})
        return [(found[0], d) for d in aliases.get(found[1], [])]

    # --- run ----------------------------------------------------------------------------------
    def run(self) -> Inventory:
        self._decorator_routes()
        self._django()
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
        return Inventory(unique, self.settings, sorted(set(self.roots)), evidence, bool(global_limit))

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
                parent = self._router(path, inc["owner"]) or self._assumed_router(path, inc["owner"])
                child = self._router(path, inc["target"])
                if parent and child and parent != child:
                    parents.setdefault(child, []).append((parent, inc))
        return parents

    def _assumed_router(self, path: str, owner: str) -> tuple[str, str] | None:
        """An include on a router we cannot see built (a parameter of a router factory): keep its prefix."""
        imports = self.facts[path].get("import_table", {}).values()
        if not _RECEIVER.match(last_name(owner)) or not any(v.split(".")[0] in ("fastapi", "flask") for v in imports):
            return None
        kind = "fastapi_router" if any(v.startswith("fastapi") for v in imports) else "flask_blueprint"
        self.facts[path].setdefault("web", {}).setdefault("routers", {}).setdefault(owner, {"kind": kind, "line": 1})
        return (path, owner)

    def _mounts(self, key: tuple[str, str], parents: dict, seen: frozenset = frozenset()) -> list[dict[str, Any]]:
        """Every way a router is reachable: full prefix, dependencies and before_request hooks on the way."""
        entry = self._router_entry(key)
        own = {"prefix": entry.get("prefix", ""), "deps": [(key[0], d) for d in entry.get("deps", [])],
               "hooks": self._hooks(key), "root": key}
        if key in seen or key not in parents:
            return [own]
        out = []
        for parent, inc in parents[key]:
            for pm in self._mounts(parent, parents, seen | {key}):
                if entry.get("kind") == "flask_blueprint" and "prefix" in inc:
                    prefix = join_paths(pm["prefix"], inc["prefix"])
                else:
                    prefix = join_paths(pm["prefix"], inc.get("prefix", ""), own["prefix"])
                out.append({"prefix": prefix, "deps": pm["deps"] + [(parent[0], d) for d in inc.get("deps", [])]
                            + own["deps"], "hooks": pm["hooks"] + own["hooks"], "root": pm["root"]})
        return out

    def _hooks(self, key: tuple[str, str]) -> list[str]:
        """before_request hooks on a Flask app/blueprint that check auth."""
        path, name = key
        out = []
        for fname, fn in self.facts[path].get("functions", {}).items():
            for d in fn.get("decorators", []):
                if d["ref"] in (f"{name}.before_request", f"{name}.before_app_request") and fn.get("auth_check"):
                    out.append(fname)
        for h in self.facts[path].get("web", {}).get("hooks", []):
            if h["owner"] == name:
                fn = self.function(path, h["function"])
                if fn and fn.get("auth_check"):
                    out.append(h["function"])
        return out

    def _decorator_routes(self) -> None:
        parents = self._includes()
        for path in sorted(self.facts):
            f = self.facts[path]
            web_file = any(v.split(".")[0] in ("fastapi", "flask", "starlette", "quart", "apiflask")
                           for v in f.get("import_table", {}).values())
            for qualname, fn in sorted(f.get("functions", {}).items()):
                for d in fn.get("decorators", []):
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
                    self._route(path, qualname, fn, d, key, parents)
            for rule in f.get("web", {}).get("url_rules", []):
                self._url_rule(path, rule, parents)
        for path in sorted(self.facts):
            for name, entry in sorted(self.facts[path].get("web", {}).get("routers", {}).items()):
                if entry["kind"] in ("fastapi_app", "flask_app", "starlette_app"):
                    self.roots.append((path, entry["line"]))

    def _route(self, path: str, qualname: str, fn: dict[str, Any], d: dict[str, Any], key: tuple[str, str],
               parents: dict) -> None:
        verb = d["ref"].rpartition(".")[2]
        kind = self._router_entry(key).get("kind", "fastapi_router")
        framework = _FRAMEWORK.get(kind, "fastapi")
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
        for mount in self._mounts(key, parents):
            full = join_paths(mount["prefix"], route_path) if route_path else (mount["prefix"] or "/")
            deps = mount["deps"] + self._fn_deps(path, fn)
            auth = self._auth_decorated(path, fn, deps, mount["hooks"])
            self._add(framework, methods, full, qualname, path, fn, auth, kwargs.get("response_model"), d["line"])

    def _url_rule(self, path: str, rule: dict[str, Any], parents: dict) -> None:
        found = self.r.resolve(path, rule["view"])
        if not found:
            return
        vpath, vname = found
        owner = rule.get("owner")
        key = self._router(path, owner) if owner else None
        mounts = self._mounts(key, parents) if key else [{"prefix": "", "deps": [], "hooks": [], "root": None}]
        framework = _FRAMEWORK.get(self._router_entry(key).get("kind", ""), rule["kind"]) if key else rule["kind"]
        cls = self.facts.get(vpath, {}).get("classes", {}).get(vname)
        for mount in mounts:
            full = join_paths(mount["prefix"], rule["path"])
            deps = mount["deps"] + [(path, x) for x in rule.get("deps", [])]
            if cls is not None:
                methods = rule.get("methods") or self._class_methods(vpath, vname)[0] or ["GET"]
                auth = self._class_auth(vpath, vname, deps, mount["hooks"])
                self._add(framework, [m.upper() for m in methods], full, vname, vpath, {"line": cls["line"]}, auth,
                          None, rule["line"], cls_key=(vpath, vname))
            else:
                fn = self.function(vpath, vname)
                if fn is None:
                    continue
                methods = [m.upper() for m in rule.get("methods") or ["GET"]]
                auth = self._auth_decorated(vpath, fn, deps + self._fn_deps(vpath, fn),
                                            mount["hooks"])
                self._add(framework, methods, full, vname, vpath, fn, auth, rule.get("response_model"), rule["line"])

    def _auth_decorated(self, path: str, fn: dict[str, Any], deps: list[tuple[str, str]], hooks: list[str]) -> str:
        if self._marked_public(fn):
            return "public (marked)"
        for d in fn.get("decorators", []):
            tail = last_name(d["ref"])
            if AUTH_DECORATOR.match(tail) or AUTH_DECORATOR.match(d["ref"]):
                return f"decorator: {d['ref']}"
            if tail == "permission_classes":
                return self._permission_text(d.get("names", []), "decorator")
        for dpath, dep in deps:
            if self.is_auth_dep(dpath, dep):
                return f"dependency: {dep}"
        if hooks:
            return f"before_request: {hooks[0]}"
        if fn.get("auth_check"):
            return "check in handler body"
        mw = self._auth_mw()
        return f"middleware: {mw}" if mw else "none"

    def _marked_public(self, fn: dict[str, Any]) -> bool:
        return fn.get("public_marker") or any(PUBLIC_DECORATOR.match(last_name(d["ref"]))
                                              for d in fn.get("decorators", []))

    def _auth_mw(self) -> str | None:
        for mw in self.middleware():
            tail = last_name(mw)
            if tail in self.auth_middleware or mw in self.auth_middleware or tail == "LoginRequiredMiddleware":
                return tail
        return None

    def _permission_text(self, names: list[Any], where: str) -> str:
        names = [last_name(str(n)) for n in names]
        if not names:
            return "none (empty permission_classes)"
        if all(n == "AllowAny" for n in names):
            return "public (AllowAny)"
        return f"{where}: permission_classes={','.join(names)}"

    def _add(self, framework: str, methods: list[str], full: str, handler: str, path: str, fn: dict[str, Any],
             auth: str, response_model: Any, route_line: int, cls_key: tuple[str, str] | None = None,
             list_view: bool = False, drf: bool = False, pagination: str | None = None,
             rate_limit: str | None = None, validation: str | None = None) -> None:
        public = auth.startswith("public") or is_public_path(full, self.public_paths)
        if response_model is None and fn.get("returns") and not re.search(r"Response\b", fn["returns"]):
            response_model = fn["returns"]
        self.endpoints.append(Endpoint(
            framework=framework, methods=sorted(set(methods)), path=full, handler=handler, file=path,
            line=fn.get("line", route_line), auth=auth, public=public,
            validation=validation or self._validation(fn, methods, framework),
            pagination=pagination or self._pagination(fn, response_model),
            rate_limit=rate_limit or self._fn_rate_limit(fn),
            response_model=str(response_model) if response_model is not None else None,
            fn=fn, route_line=route_line, list_view=list_view, drf=drf, prefix_from=list(self._via)))

    def _validation(self, fn: dict[str, Any], methods: list[str], framework: str) -> str:
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

    def _fn_rate_limit(self, fn: dict[str, Any]) -> str | None:
        for d in fn.get("decorators", []):
            if RATE_LIMIT_DECORATOR.search(d["ref"]) and "." in d["ref"] or last_name(d["ref"]) == "ratelimit":
                return f"decorator: {d['ref']}"
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

    # --- Django / DRF ---------------------------------------------------------------------------
    def _django(self) -> None:
        urlconfs = [p for p in sorted(self.facts) if self.facts[p].get("urlpatterns")]
        if not urlconfs and not any(self.facts[p].get("web", {}).get("drf_register") for p in self.facts):
            return
        reached: set[str] = set()
        root = self.settings.get("ROOT_URLCONF", {}).get("value")
        roots = []
        if isinstance(root, str) and self.r.find_module(root) in urlconfs:
            roots.append(self.r.find_module(root))
        included = self._included_urlconfs(urlconfs)
        roots += [p for p in urlconfs if p not in included and p not in roots]
        for path in roots:
            if path not in reached:
                self.roots.append((path, 1))
                self._walk(path, self.facts[path]["urlpatterns"], "", reached, frozenset({path}))
        for path in urlconfs:  # URLconfs reached from nowhere (an include we could not follow)
            if path not in reached:
                self._walk(path, self.facts[path]["urlpatterns"], "", reached, frozenset({path}))
        walked_routers = {k for k in getattr(self, "_walked_routers", set())}
        for path in sorted(self.facts):
            for reg in self.facts[path].get("web", {}).get("drf_register", []):
                key = self._router(path, reg["router"]) or (path, reg["router"])
                if key not in walked_routers:
                    self._register(path, reg, "")

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
            visit(p, self.facts[p]["urlpatterns"])
        return out

    def _include_target(self, path: str, inc: dict[str, Any]) -> str | None:
        if "module" in inc:
            return self.r.find_module(inc["module"])
        if "ref" in inc and self._pattern_list(path, inc["ref"]) is not None:
            return None
        if "ref" in inc:
            found = self.r.resolve(path, inc["ref"])
            if found and not found[1]:
                return found[0]
            if found:
                sub = self.r.find_module(self.r.qualified(path, inc["ref"]).lstrip("."))
                return sub
        return None

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
        value = self.constant(path, ref)
        if isinstance(value, str):
            return value, f"{ref} = {value!r}"
        return "", f"{ref} (value not known statically: taken as empty)"

    def _walk(self, path: str, entries: list[dict[str, Any]], prefix: str, reached: set[str],
              stack: frozenset) -> None:
        reached.add(path)
        for e in entries:
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
                elif "ref" in inc and (plist := self._pattern_list(path, inc["ref"])) is not None:
                    key = f"{plist[0]}:{inc['ref']}"
                    if key not in stack:
                        self._walk(plist[0], plist[1], route, reached, stack | {key})
                else:
                    target = self._include_target(path, inc)
                    if target and target not in stack and self.facts.get(target, {}).get("urlpatterns"):
                        self._walk(target, self.facts[target]["urlpatterns"], route, reached, stack | {target})
                if part or source:
                    self._via.pop()
                continue
            self._django_view(path, e, route)

    def _router_urls(self, path: str, router_ref: str, prefix: str) -> None:
        key = self._router(path, router_ref) or self.r.resolve(path, router_ref) or (path, router_ref)
        walked = self.__dict__.setdefault("_walked_routers", set())
        walked.add(key)
        for rpath in sorted(self.facts):
            for reg in self.facts[rpath].get("web", {}).get("drf_register", []):
                if (self._router(rpath, reg["router"]) or (rpath, reg["router"])) == key:
                    self._register(rpath, reg, prefix)

    def _register(self, path: str, reg: dict[str, Any], prefix: str) -> None:
        found = self.r.resolve(path, reg["viewset"])
        if not found or found[1] not in self.facts.get(found[0], {}).get("classes", {}):
            return
        vpath, vname = found
        base = join_paths(prefix, reg["prefix"])
        info = self._class_info(vpath, vname)
        actions = set(info["actions"])
        routes: dict[str, list[str]] = {}
        for action in sorted(actions):
            if action in _ACTION_ROUTES:
                kind, method = _ACTION_ROUTES[action]
                routes.setdefault(kind, []).append(method)
        for kind, methods in sorted(routes.items()):
            full = join_paths(base, "/") if kind == "list" else join_paths(base, "{pk}/")
            self._add_class(vpath, vname, methods, full, reg["line"], list_view=kind == "list" and "GET" in methods)
        for method_name, extra in sorted(info["extra_actions"].items()):
            url = extra.get("url_path") or method_name
            full = join_paths(base, "{pk}/" if extra.get("detail") else "/", f"{url}/")
            self._add_class(vpath, vname, extra["methods"], full, reg["line"], method=method_name)

    def _django_view(self, path: str, e: dict[str, Any], route: str) -> None:
        found = self.r.resolve(path, e["view"])
        if not found:
            return
        vpath, vname = found
        wrappers = e.get("wrappers", [])
        classes = self.facts.get(vpath, {}).get("classes", {})
        if e.get("class_view") or vname in classes:
            if vname not in classes:
                methods = list(_CLASS_METHODS.get(last_name(vname), ("GET",))) or ["GET"]
                self.endpoints.append(Endpoint("django", methods, route, vname, path, e["line"],
                                               "none" if not wrappers else f"urls wrapper: {wrappers[0]}", "none needed",
                                               None, None, None, fn={}, route_line=e["line"]))
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
        for ref in fn.get("delegates", []) if auth == "none" else []:
            target = self.r.resolve(vpath, ref)  # def view(request): return SomeView.as_view()(request)
            if target and target[1] in self.facts.get(target[0], {}).get("classes", {}):
                auth = self._class_auth(target[0], target[1], [], [])
        for w in wrappers:
            if AUTH_DECORATOR.match(w):
                auth = f"urls wrapper: {w}"
        if drf and auth in ("none", "check in handler body") and "permission_classes" not in decos:
            auth = self._drf_default_auth(auth)
        rate = None
        if drf and self.rest_framework("DEFAULT_THROTTLE_CLASSES"):
            rate = "settings: DEFAULT_THROTTLE_CLASSES"
        self._add("drf" if drf else "django", methods, route, vname, vpath, fn, auth, None, e["line"], drf=drf,
                  rate_limit=rate)

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

    # --- classes ----------------------------------------------------------------------------
    def _class_info(self, path: str, name: str, depth: int = 0) -> dict[str, Any]:
        """Attributes, handler methods, framework bases and viewset actions, merged along the bases."""
        cls = self.facts.get(path, {}).get("classes", {}).get(name, {})
        info: dict[str, Any] = {"attrs": {}, "methods": set(), "bases": set(), "actions": set(), "extra_actions": {},
                                "decorators": [], "auth_methods": [], "line": cls.get("line", 0)}
        info["attrs"].update(cls.get("attrs", {}))
        info["methods"].update(cls.get("methods", []))
        info["decorators"] = list(zip(cls.get("decorators", []), cls.get("decorator_args", []) or [[]] * 99))
        for m in cls.get("methods", []):
            fn = self.function(path, f"{name}.{m}") or {}
            if fn.get("auth_check") and m in HTTP_VERBS:
                info["auth_methods"].append(f"{m}: check in body")
            for d in fn.get("decorators", []):
                if last_name(d["ref"]) == "action":
                    kw = d.get("kwargs", {})
                    methods = kw.get("methods") if isinstance(kw.get("methods"), list) else ["get"]
                    info["extra_actions"][m] = {"methods": [str(x).upper() for x in methods],
                                                "detail": kw.get("detail") is True, "url_path": kw.get("url_path")}
                if AUTH_DECORATOR.match(last_name(d["ref"])) or last_name(d["ref"]) == "method_decorator" and any(
                        AUTH_DECORATOR.match(last_name(str(n))) for n in d.get("names", [])):
                    info["auth_methods"].append(f"{m}: {d['ref']}")
        for base in cls.get("bases", []):
            tail = last_name(base)
            info["bases"].add(tail)
            if depth < 6:
                found = self.r.resolve(path, self.r.local_ref(path, base))
                if found and found[1] in self.facts.get(found[0], {}).get("classes", {}) and \
                        (found[0], found[1]) != (path, name):
                    inherited = self._class_info(found[0], found[1], depth + 1)
                    for k, v in inherited["attrs"].items():
                        info["attrs"].setdefault(k, v)
                    info["methods"] |= inherited["methods"]
                    info["bases"] |= inherited["bases"]
                    info["actions"] |= inherited["actions"]
                    info["auth_methods"] += inherited["auth_methods"]
                    info["decorators"] += inherited["decorators"]
                    for k, v in inherited["extra_actions"].items():
                        info["extra_actions"].setdefault(k, v)
            info["actions"] |= set(_VIEWSET_ACTIONS.get(tail, ()))
        info["actions"] |= {m for m in info["methods"] if m in _ACTION_ROUTES}
        return info

    def _class_methods(self, path: str, name: str) -> tuple[list[str], dict[str, Any]]:
        info = self._class_info(path, name)
        methods = {m.upper() for m in info["methods"] if m in HTTP_VERBS}
        for b in info["bases"]:
            methods |= set(_CLASS_METHODS.get(b, ()))
        allowed = info["attrs"].get("http_method_names")
        if isinstance(allowed, list):
            methods &= {str(m).upper() for m in allowed}
        methods -= {"OPTIONS", "HEAD"} if len(methods) > 1 else set()
        return sorted(methods) or ["GET"], info

    def _is_drf(self, info: dict[str, Any]) -> bool:
        return bool(info["bases"] & _DRF_MARKERS) or "permission_classes" in info["attrs"]

    def _class_auth(self, path: str, name: str, deps: list[tuple[str, str]], hooks: list[str],
                    wrappers: list[str] = (), info: dict[str, Any] | None = None) -> str:
        info = info or self._class_info(path, name)
        for w in wrappers:
            if AUTH_DECORATOR.match(w):
                return f"urls wrapper: {w}"
        mixins = sorted(info["bases"] & AUTH_MIXINS)
        if mixins:
            return f"mixin: {mixins[0]}"
        for deco, args in info["decorators"]:
            if AUTH_DECORATOR.match(last_name(deco)) or last_name(deco) == "method_decorator" and any(
                    AUTH_DECORATOR.match(last_name(a)) for a in args if a):
                return f"decorator: {deco}"
        decorated = info["attrs"].get("decorators") or info["attrs"].get("method_decorators")
        if isinstance(decorated, list) and any(AUTH_DECORATOR.match(last_name(str(d))) for d in decorated):
            return f"decorators attribute: {decorated[0]}"
        if info["auth_methods"]:
            return f"method decorator: {info['auth_methods'][0]}"
        for dpath, dep in deps:
            if self.is_auth_dep(dpath, dep):
                return f"dependency: {dep}"
        if hooks:
            return f"before_request: {hooks[0]}"
        if self._is_drf(info):
            perms = info["attrs"].get("permission_classes")
            if isinstance(perms, list):
                return self._permission_text(perms, "view")
            if "get_permissions" in info["methods"]:
                return "view: get_permissions()"
            return self._drf_default_auth("none")
        mw = self._auth_mw()
        return f"middleware: {mw}" if mw else "none"

    def _add_class(self, path: str, name: str, methods: list[str], full: str, route_line: int,
                   wrappers: list[str] = (), list_view: bool = False, method: str | None = None) -> None:
        info = self._class_info(path, name)
        auth = self._class_auth(path, name, [], [], wrappers, info)
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
        raw = [r for m in sorted(info["methods"]) for r in (self.function(path, f"{name}.{m}") or {}).get("raw_reads", [])
               if m in HTTP_VERBS or m in _ACTION_ROUTES or m == method]
        if raw:
            fn["raw_reads"] = raw
        validation = "raw request data" if raw else (f"schema: {serializer}" if serializer else None)
        self._add("drf" if drf else "django", methods, full, handler, path, fn, auth, None, route_line,
                  list_view=list_view, drf=drf, pagination=pagination, rate_limit=rate, validation=validation)
        self.endpoints[-1].fn["_pagination_class"] = pclass



def untyped_body_params(fn: dict[str, Any]) -> list[str]:
    """FastAPI parameters that take the body as an unvalidated dict / Any (BA-INP-001 /untyped-body)."""
    out = []
    for p in fn.get("params", []):
        ann = p.get("annotation", "")
        inner = re.sub(r"^Annotated\[(.*?),.*\]$", r"\1", ann).strip()
        if p.get("deps") or p["name"] in ("self", "cls"):
            continue
        if _UNTYPED.match(inner) or (p.get("default") in ("Body", "fastapi.Body") and not inner):
            out.append(p["name"])
    return out
