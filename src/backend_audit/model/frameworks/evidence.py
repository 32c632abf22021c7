"""Auth evidence for the endpoint inventory: what protects a handler or a class view, and how we know.

Every answer is one string that starts with its kind, so the report and BA-AUTH-001 read the same thing:
`decorator: X`, `dependency: f`, `mixin: M`, `view: permission_classes=...`, `settings default: P`,
`middleware: M`, `before_request: hook`, `method decorator: post: X`, `check in handler body`,
`public ...`, `graphql: ...`, `webhook signature: ...`, `unknown: <module> was not analysed`, `none ...`.

Bases, aliases and decorators are followed through the project's semantic model when the scan has one;
a base class or dependency that lives in a skipped (unparseable) module makes the answer "unknown",
never "none".
"""

from __future__ import annotations

from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from .capability import body_capability, capability_param
from .common import AUTH_DECORATOR, AUTH_MIXINS, HTTP_VERBS, PUBLIC_DECORATOR, last_name
from .public_flows import account_flow, declared_public, first_run_setup, link_token
from .rpc_methods import RPC_ENTRY_POINTS, declared_anonymous, registered_methods

# What a DRF view answers a request with: its HTTP verbs and the viewset actions they dispatch to.
_HANDLERS = frozenset({*HTTP_VERBS, "list", "create", "retrieve", "update", "partial_update", "destroy"})
_IDENT = re.compile(r"[A-Za-z_][\w.]*")
_CREDENTIAL_VIEWS = frozenset({"ObtainAuthToken", "TokenObtainPairView", "TokenObtainSlidingView", "TokenObtainView"})
# Project mixins named for what they do (`TokenConditionalLoginRequiredMixin`, `ObjectPermissionRequiredMixin`,
# `StaffRequiredMixin`); Django's `PermissionsMixin` is a *model* mixin (the user's groups), not a guard.
_AUTH_MIXIN_NAME = re.compile(r"^\w*(LoginRequired|PermissionRequired|Permission|UserPassesTest|AuthRequired"
                              r"|Authenticated|StaffRequired|SuperuserRequired|StaffMember|GroupRequired|Access)\w*Mixin$")
_NOT_GUARDS = frozenset({"PermissionsMixin"})
GRAPHQL_VIEWS = frozenset({"GraphQLView", "AsyncGraphQLView", "GraphQLAPIView", "BaseGraphQLView", "GraphQLApp",
                           "GraphQL", "FileUploadGraphQLView"})
# A view that only answers with a redirect serves no data of its own: where it points decides.
REDIRECT_ONLY = "public (redirect only)"
# Methods every request of a class view passes through (Django, DRF, chunked-upload style hooks).
# a DRF view whose permissions its own `get_permissions()` computes per action
PER_ACTION = "view: get_permissions()"
GUARD_HOOKS = ("dispatch", "check_permissions", "has_permission", "initial")
# An endpoint named for an account flow that reads the logged-in user: its guard is missing, but what an
# anonymous caller reaches is that flow's own step (a verification mail), so BA-AUTH-001 says warning.
ACCOUNT_STEP = "an account-flow step for the logged-in user"
WEBHOOK = re.compile(r"(?i)web_?hooks?|/hooks?/|callback")
_WEBHOOK = WEBHOOK


_AUTH_SWITCH = re.compile(r"(?i)auth|login")


def _switched_off(decorator: dict[str, Any]) -> bool:
    """`@api(require_auth=False)`: the guard the decorator runs is turned off for this view."""
    return any(value is False and _AUTH_SWITCH.search(key) for key, value in (decorator.get("kwargs") or {}).items())


def _shared_cache(views: list[dict[str, Any]]) -> str | None:
    """`@cache_page(...)`, `@cache_control(public=True)`: the response is kept and served to every caller,
    so it cannot be per-user; the author made it public."""
    for v in views:
        for d in v.get("decorators", []):
            tail = last_name(d["ref"])
            if tail == "cache_page" or tail == "cache_control" and d.get("kwargs", {}).get("public") is True:
                return tail
    return None


class AuthEvidence:
    """Mixed into the inventory builder: needs `facts`, `r` (Resolver), `semantic`, `auth_name`,
    `auth_middleware`, `auth_decorators`, `auth_mixins`, `function()`, `middleware()`, `_drf_default_auth()`,
    `_is_drf()` and `_class_info()`."""

    # --- names ------------------------------------------------------------------------------------
    def _module(self, path: str) -> str | None:
        return self.semantic.module_of(path) if self.semantic is not None else None

    def _project_function(self, path: str, ref: str) -> tuple[str, str] | None:
        """(file, local qualname) of the project function a reference names, through imports and aliases."""
        module = self._module(path)
        if module is not None:
            sym = self.semantic.resolve(module, ref)
            if sym is not None and sym.kind == "function" and sym.path and sym.module:
                return sym.path, sym.qualname[len(sym.module) + 1:]
            if sym is not None:
                return None
        found = self.r.resolve(path, ref)
        if found and found[1] and self.function(found[0], found[1]) is not None:
            return found
        return None

    def _local_function(self, path: str, ref: str) -> tuple[str, str] | None:
        """A decorator defined inside the function that also defines the views (`def create_app(): def
        access_check(f): ...`): no import names it, so the one nested function of that name in the file."""
        if "." in ref:
            return None
        found = [q for q in self.facts.get(path, {}).get("functions", {}) if q.endswith("." + ref)]
        return (path, found[0]) if len(found) == 1 else None

    def definition(self, path: str, ref: str) -> tuple[str, str] | None:
        """(file, local qualname) of the class or function a reference names, following imports, star
        re-exports and aliases (semantic model first); (file, name) as the resolver sees it otherwise.
        Memoised per builder: a registration decorator is resolved for every view it marks, twice (the
        URL helpers' registry and the decorators that append to urlpatterns), 1,400 views on netbox."""
        memo = self.__dict__.setdefault("_definition_memo", {})
        key = (path, ref)
        if key not in memo:
            memo[key] = self._definition(path, ref)
        return memo[key]

    def _definition(self, path: str, ref: str) -> tuple[str, str] | None:
        module = self._module(path)
        if module is not None:
            sym = self.semantic.resolve(module, ref)
            if sym is not None and sym.kind in ("class", "function") and sym.path and sym.module:
                return sym.path, sym.qualname[len(sym.module) + 1:]
        return self.r.resolve(path, ref)

    def unknown_module(self, path: str, refs: list[str]) -> str | None:
        """The skipped module the first of `refs` comes from (`from .deps import CurrentUser` where deps.py
        does not parse), else None."""
        module = self._module(path)
        if module is None or not self.semantic.unknown_modules:
            return None
        for ref in refs:
            sym = self.semantic.resolve(module, ref)
            if sym is not None and sym.kind == "external" and sym.qualname.startswith("?"):
                return self.unknown_name(sym.qualname)
        return None

    def unknown_name(self, qualname: str) -> str:
        """"?app.api.deps.CurrentUser" -> "app.api.deps": the skipped module that name lives in."""
        text = qualname.lstrip("?")
        modules = [m for m in self.semantic.unknown_modules if text == m or text.startswith(m + ".")] \
            if self.semantic is not None else []
        return max(modules, key=len) if modules else text.rsplit(".", 1)[0]

    def _fn_refs(self, fn: dict[str, Any]) -> list[str]:
        refs = [d["ref"] for d in fn.get("decorators", [])]
        for p in fn.get("params", []):
            refs += p.get("deps", [])
            refs += _IDENT.findall(p.get("annotation", ""))
            if p.get("default") not in (None, "<expr>", "None", "True", "False"):
                refs.append(p["default"])  # `user=LegacyUser` (a Depends(...) bound to a name elsewhere)
        return refs

    # --- decorators -------------------------------------------------------------------------------
    def is_auth_decorator(self, path: str, ref: str) -> bool:
        """By name (`login_required`, `jwt_required`, configured `auth-decorators`), or by what a project
        decorator does: its body or its wrapper checks the user (`request.user.is_authenticated`, a
        redirect to login, `abort(401)`, `PermissionDenied`)."""
        tail = last_name(ref)
        if AUTH_DECORATOR.match(tail) or AUTH_DECORATOR.match(ref) or tail in self.auth_decorators or \
                ref in self.auth_decorators:
            return True
        key = ("deco", path, ref)
        if key not in self._auth_fn_cache:
            self._auth_fn_cache[key] = False
            target = self._project_function(path, ref) or self._local_function(path, ref)
            result = False
            if target is not None:
                fpath, local = target
                functions = self.facts.get(fpath, {}).get("functions", {})
                result = any(fn.get("auth_check") or self._identity_gate(fpath, fn) for q, fn in functions.items()
                             if q == local or q.startswith(local + "."))
            self._auth_fn_cache[key] = result
        return self._auth_fn_cache[key]

    def _marked_public(self, fn: dict[str, Any]) -> bool:
        return fn.get("public_marker") or any(PUBLIC_DECORATOR.match(last_name(d["ref"]))
                                              for d in fn.get("decorators", []))

    # --- dependencies (FastAPI) -------------------------------------------------------------------
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
                    # a dependency that refuses the caller itself (`raise HTTPException(status_code=401)`)
                    result = result or (bool(fn.get("auth_check")) or self.raises_refusal(fpath, fn)) and \
                        self.function(fpath, name) is fn
        # `Depends(Guard(...))`, `_write = Authenticator(...)`: what the factory made runs (dep_guards.py)
        result = result or self.product_guards(path, ref, depth)
        self._auth_fn_cache[key] = result
        return result

    def _fn_deps(self, path: str, fn: dict[str, Any]) -> list[tuple[str, str]]:
        """(file, reference) of every dependency a function declares, `Annotated` aliases expanded."""
        deps: list[tuple[str, str]] = []
        for p in fn.get("params", []):
            deps += [(path, d) for d in p.get("deps", [])]
            deps += [(path, d) for d in p.get("made_deps", []) if self.makes_dependency(path, d)]
            for ident in _IDENT.findall(p.get("annotation", "")):
                deps += self._alias_deps(path, ident)
        for d in fn.get("decorators", []):
            deps += [(path, x) for x in d.get("deps", [])]
        return deps

    def _alias_deps(self, path: str, ident: str) -> list[tuple[str, str]]:
        found = self.r.resolve(path, ident)
        if not found:
            return []
        web = self.facts.get(found[0], {}).get("web", {})
        made = [d for d in web.get("alias_calls", {}).get(found[1], []) if self.makes_dependency(found[0], d)]
        return [(found[0], d) for d in web.get("dep_aliases", {}).get(found[1], []) + made]

    # --- function handlers ------------------------------------------------------------------------
    def _auth_decorated(self, path: str, fn: dict[str, Any], deps: list[tuple[str, str]], hooks: list[str]) -> str:
        if self._marked_public(fn):
            return "public (marked)"
        for d in fn.get("decorators", []):
            if last_name(d["ref"]) == "permission_classes":
                return self._permission_text(d.get("names", []), "decorator")
            if self.is_auth_decorator(path, d["ref"]) and not _switched_off(d):
                return f"decorator: {d['ref']}"
        routed = self._routing_guard(deps, hooks)
        if routed:
            return routed
        if fn.get("auth_check"):
            return "check in handler body"
        handed = self._handed_over(path, fn)
        if handed:
            return handed
        mw = self._auth_mw()
        if mw:
            return f"middleware: {mw}"
        unknown = self.unknown_module(path, self._fn_refs(fn) + [d for p, d in deps if p == path])
        if unknown:
            return f"unknown: {unknown} was not analysed"
        untraced = self.untraced_dependency(deps)
        return f"unknown: {untraced}" if untraced else "none"

    def _handed_over(self, path: str, fn: dict[str, Any]) -> str | None:
        """A dispatcher view (`if request.method == "POST": return create_check(request)`) is as protected
        as the views it hands the request to, when every one of them is a project view with evidence."""
        refs = fn.get("handoffs") or []
        stack = self.__dict__.setdefault("_handoff_stack", set())
        if not refs or len(stack) > 3:
            return None
        guards = []
        for ref in refs:
            target = self._project_function(path, ref)
            callee = self.function(*target) if target else None
            if callee is None or target in stack:
                return None
            stack.add(target)
            try:
                auth = self._auth_decorated(target[0], callee, self._fn_deps(target[0], callee), [])
            finally:
                stack.discard(target)
            if auth.startswith(("none", "unknown", "public", "graphql")):
                return None
            guards.append(f"{ref} ({auth})")
        return f"hands over to: {'; '.join(guards)}"

    def _routing_guard(self, deps: list[tuple[str, str]], hooks: list[str]) -> str | None:
        """A guard the route inherits from where it is mounted: an auth dependency, a before_request hook."""
        for dpath, dep in deps:
            if self.is_auth_dep(dpath, dep):
                return f"dependency: {dep}"
        return hooks[0] if hooks else None

    def _auth_mw(self) -> str | None:
        if "_auth_mw_memo" not in self.__dict__:  # asked once per endpoint; the answer is per project
            self._auth_mw_memo = self._find_auth_mw()
        return self._auth_mw_memo

    def _find_auth_mw(self) -> str | None:
        for mw in self.middleware():
            tail = last_name(mw)
            if tail in self.auth_middleware or mw in self.auth_middleware or tail == "LoginRequiredMiddleware":
                return tail
        always = next((m["name"] for m in self.credential_middleware() if not m.get("when")), None)
        if always:
            return always
        return next((name for name, prefixes in self.guarding_middleware() if not prefixes), None)

    def credential_middleware(self) -> list[dict[str, Any]]:
        """The project middleware added to an app (`app.add_middleware(X)`) that refuses every request without
        the server's credential header (credential_guard.py): {name, file, line, when}, `when` the test of
        the `if` it is added under (a config switch), absent when it is always added."""
        if "_credential_mw_memo" in self.__dict__:
            return self._credential_mw_memo
        out: list[dict[str, Any]] = []
        sm = self.semantic
        for path in sorted(self.facts) if sm is not None else []:
            added = self.facts[path].get("web", {}).get("middleware", [])
            module = sm.module_of(path) if added else None
            for m in added if module else []:
                sym = sm.resolve(module, m["name"])
                if sym is None or sym.kind != "class" or not sym.path or not sym.module:
                    continue
                cls = self.facts.get(sym.path, {}).get("classes", {}).get(sym.qualname[len(sym.module) + 1:], {})
                if cls.get("credential_guard"):
                    out.append({"name": m["name"].rsplit(".", 1)[-1], "file": path, "line": m["line"],
                                **({"when": m["when"]} if m.get("when") else {})})
        self._credential_mw_memo = out
        return out

    def guarding_middleware(self) -> list[tuple[str, list[str]]]:
        """(name, path prefixes) of the project middleware in settings.MIDDLEWARE that refuses anonymous
        requests by what its code does (login_guard.py); no prefixes: every path."""
        if "_guard_mw_memo" in self.__dict__:
            return self._guard_mw_memo
        out: list[tuple[str, list[str]]] = []
        for name, path, local in self._project_middleware():
            cls = self.facts.get(path, {}).get("classes", {}).get(local, {})
            if cls.get("login_guard"):
                out.append((name, list(cls["login_guard"]["prefixes"])))
        self._guard_mw_memo = out
        return out

    def _project_middleware(self) -> list[tuple[str, str, str]]:
        """(name, file, local qualname) of each project class listed in settings.MIDDLEWARE, and of each
        middleware factory function (`def me(get_response): def middleware(request): ...`)."""
        out: list[tuple[str, str, str]] = []
        sm = self.semantic
        anchor = self.settings.get("MIDDLEWARE") or self.settings.get("MIDDLEWARE_CLASSES")
        values = anchor.get("value") if anchor else None
        importer = sm.module_of(anchor["file"]) or "" if sm is not None and anchor else ""
        for mw in values if sm is not None and isinstance(values, list) else []:
            if not isinstance(mw, str) or "." not in mw:
                continue
            dotted_module, _, name = mw.rpartition(".")
            module = sm.find_module(dotted_module, importer)
            sym = sm.resolve(module, name) if module else None
            if sym is not None and sym.kind in ("class", "function") and sym.path and sym.module:
                out.append((name, sym.path, sym.qualname[len(sym.module) + 1:]))
        return out

    def _request_gate(self, path: str, name: str) -> str | None:
        """A project base whose `dispatch` answers by itself unless the request carries an attribute
        (`if not request.current_team: return redirect(...)`) that a middleware in settings.MIDDLEWARE sets
        from the logged-in user: a membership guard by what the two do together."""
        setters = self._identity_setters()
        if not setters:
            return None
        for kind, where, what in self._mro_chain(path, name):
            fn = self.function(where, f"{what}.dispatch") if kind == "project" else None
            attr = next((a for a in (fn or {}).get("gate_attrs", ()) if a in setters), None)
            if attr:
                return (f"mixin: {last_name(what)} (refuses unless request.{attr}, which {setters[attr]} sets from "
                        "the logged-in user)")
        return None

    def _identity_gate(self, path: str, fn: dict[str, Any]) -> str | None:
        """A decorator's wrapper that ends the call unless the request carries what a middleware in
        settings.MIDDLEWARE sets from the logged-in user (`if not request.me: return redirect("login")`), itself
        or in the project helper it hands the request to first (`denied = check_user_permissions(request)`)."""
        setters = self._identity_setters()
        helper = self._project_function(path, fn["request_to"]) if setters and fn.get("request_to") else None
        for gates in (fn.get("gate_attrs", ()), (self.function(*helper) or {}).get("gate_attrs", ()) if helper else ()):
            attr = next((a for a in gates if a in setters), None)
            if attr:
                return attr
        return None

    def _identity_setters(self) -> dict[str, str]:
        """request attribute -> the project middleware (in settings.MIDDLEWARE) whose methods set it and read
        who is asking."""
        if "_setters_memo" in self.__dict__:
            return self._setters_memo
        out: dict[str, str] = {}
        for cname, path, local in self._project_middleware():
            methods = [fn for q, fn in self.facts.get(path, {}).get("functions", {}).items()
                       if q.startswith(local + ".")]
            for fn in methods:
                for attr in fn.get("sets_request", ()):  # set in a method that reads who is asking
                    out.setdefault(attr, cname)
        self._setters_memo = out
        return out

    def scoped_middleware(self, full: str) -> str | None:
        """The project middleware that guards this path prefix (`EventMiddleware` on /orga)."""
        for name, prefixes in self.guarding_middleware():
            hit = next((p for p in prefixes if full == p.rstrip("/") or full.startswith(p.rstrip("/") + "/")), None)
            if hit:
                return f"middleware: {name} (refuses anonymous requests under {hit})"
        return None

    def _permission_text(self, names: list[Any], where: str) -> str:
        names = [last_name(str(n)) for n in names]
        if not names:  # an explicit, deliberate opt-out: DRF checks no permission at all
            return "public (permission_classes = [])"
        if all(n == "AllowAny" for n in names):
            return "public (AllowAny)"
        return f"{where}: permission_classes={','.join(names)}"

    # --- class views ------------------------------------------------------------------------------
    def is_auth_mixin(self, tail: str) -> bool:
        return tail in AUTH_MIXINS or tail in self.auth_mixins or (
            tail not in _NOT_GUARDS and bool(_AUTH_MIXIN_NAME.match(tail)))

    def _class_auth(self, path: str, name: str, deps: list[tuple[str, str]], hooks: list[str],
                    wrappers: list[str] = (), info: dict[str, Any] | None = None) -> str:
        """What protects every method of a class view (a guard on one method only: `method_auth`)."""
        info = info or self._class_info(path, name)
        for w in wrappers:
            if self.is_auth_decorator(path, w):
                return f"urls wrapper: {w}"
        for deco, args in info["decorators"]:
            tail = last_name(deco)
            if tail == "method_decorator" and any(PUBLIC_DECORATOR.match(last_name(a)) for a in args if a) or \
                    PUBLIC_DECORATOR.match(tail):
                return "public (marked)"
        # nearest in the MRO first; Django's AccessMixin is only the base the real guards share
        mixins = [b for b in info.get("order", sorted(info["bases"])) if self.is_auth_mixin(b)]
        if mixins:
            return f"mixin: {next((m for m in mixins if m != 'AccessMixin'), mixins[0])}"
        gate = self._request_gate(path, name)
        if gate:
            return gate
        for deco, args in info["decorators"]:
            if self.is_auth_decorator(info.get("path", path), deco) or last_name(deco) == "method_decorator" and any(
                    self.is_auth_decorator(info.get("path", path), a) for a in args if a):
                return f"decorator: {deco}"
        for where, wrapper in info.get("dispatch_wrappers", ()):
            if self.is_auth_decorator(where, wrapper):  # a metaclass or class decorator wraps dispatch in a check
                return f"dispatch wrapped: {wrapper}"
        decorated = info["attrs"].get("decorators") or info["attrs"].get("method_decorators")
        if isinstance(decorated, list) and any(self.is_auth_decorator(path, str(d)) for d in decorated):
            return f"decorators attribute: {decorated[0]}"
        for hook in GUARD_HOOKS:
            if hook in info["auth_methods"]:
                return f"method decorator: {hook}: {info['auth_methods'][hook]}"
        routed = self._routing_guard(deps, hooks)
        if routed:
            return routed
        if self._is_drf(info):
            perms = info["attrs"].get("permission_classes")
            if isinstance(perms, list):
                text = self._permission_text(perms, "view")
                if text.startswith("public") and self._handlers_refuse_anonymous(path, name):
                    # `permission_classes = ()` then `if isinstance(request.user, AnonymousUser): return 403` in
                    # each handler: the login check moved into the body, not dropped
                    return "method check: every handler refuses anonymous callers"
                return text
            if "get_permissions" in info["methods"]:
                return PER_ACTION
            if info["unknown"]:
                return f"unknown: {info['unknown'][0]} was not analysed"
            return self._drf_default_auth("none")
        mw = self._auth_mw()
        if mw:
            return f"middleware: {mw}"
        if info["unknown"]:
            return f"unknown: {info['unknown'][0]} was not analysed"
        if info["bases"] & GRAPHQL_VIEWS:
            return "graphql: auth per resolver (not modelled)"
        if info["bases"] & RPC_ENTRY_POINTS:
            return self._rpc_auth()
        if "RedirectView" in info["bases"] and not info["methods"] & set(HTTP_VERBS):
            return REDIRECT_ONLY
        return "none"

    def rpc_methods(self) -> list[dict[str, Any]]:
        memo = self.__dict__.get("_rpc_memo")
        if memo is None:
            memo = self.__dict__["_rpc_memo"] = registered_methods(self.facts)
        return memo

    def _rpc_auth(self) -> str:
        """An RPC entry point guards nothing itself: each method it dispatches to declares its auth where it is
        registered (rpc_methods.py), and BA-AUTH-001 judges those declared anonymous."""
        methods = self.rpc_methods()
        anonymous = [m["name"] for m in methods if declared_anonymous(m)]
        return (f"rpc: each registered method declares its auth ({len(methods)} method(s)"
                + (f"; declared anonymous: {', '.join(anonymous[:3])}{' ...' if len(anonymous) > 3 else ''})"
                   if anonymous else ")"))

    def _handlers_refuse_anonymous(self, path: str, name: str) -> bool:
        own = [self.function(path, f"{name}.{m}") for m in
               self.facts.get(path, {}).get("classes", {}).get(name, {}).get("methods", []) if m in _HANDLERS]
        return bool(own) and all(fn and fn.get("refuses_anonymous") for fn in own)

    def method_auth(self, info: dict[str, Any], methods: list[str], class_auth: str) -> list[tuple[list[str], str]]:
        """Methods grouped by their evidence: a decorator or a check on `post` protects POST only."""
        if not class_auth.startswith(("none", "unknown", "graphql")):
            return [(methods, class_auth)]
        groups: dict[str, list[str]] = {}
        for m in methods:
            evidence = info["auth_methods"].get(m.lower())
            groups.setdefault(f"method decorator: {m.lower()}: {evidence}" if evidence else class_auth, []).append(m)
        return [(sorted(ms), auth) for auth, ms in sorted(groups.items())]

    def method_evidence(self, path: str, name: str, method: str, fn: dict[str, Any]) -> str | None:
        """What one method of a class view does to guard itself (a decorator, or a check in its body)."""
        for d in fn.get("decorators", []):
            if self.is_auth_decorator(path, d["ref"]):
                return d["ref"]
            if last_name(d["ref"]) == "method_decorator" and any(
                    self.is_auth_decorator(path, str(n)) for n in d.get("names", [])):
                return d["ref"]
        if fn.get("auth_check"):
            return "check in body"
        return None

    # --- their own cases --------------------------------------------------------------------------
    def special_case(self, auth: str, full: str, handler: str, fn: dict[str, Any], path: str = "") -> str:
        """GraphQL endpoints check auth per resolver; webhooks authenticate the sender by signature; a signed
        link carries its own credential; account flows (login, sign-up, password recovery, e-mail
        confirmation) and credential exchanges are public by design."""
        if not auth.startswith(("none", "unknown:")):
            return auth  # an unknown base or dependency does not change what a login or a static page is
        scoped = self.scoped_middleware(full)
        if scoped:
            return scoped
        # `check_notifications_permission(request.user_permissions)` first thing in the view: a project helper
        # that raises PermissionDenied (or answers 401/403, or sends to login) when the user is anonymous
        helper, _ = self.helper_with(path, handler, "refuses_anonymous")
        if helper:
            return f"helper: {helper}() refuses anonymous callers"
        # `check_access("group_update", context)` in the view or in the `_prepare` its get/post call: a project
        # function that raises a denial (`NotAuthorized`) for a caller its access test rejects
        helper, _ = self.helper_with(path, handler, "refuses")
        if helper:
            return f"helper: {helper}() raises a refusal for callers its access check rejects"
        action = self._dispatched_guard(path, handler, fn)
        if action:
            return f"helper: the {action[0]} action it looks up by name refuses through {action[1]}()"
        if "graphql" in full.lower() or "graphql" in handler.lower():
            return "graphql: auth per resolver (not modelled)"
        if fn.get("signature_check") and (fn.get("sender_checked") or _WEBHOOK.search(full) or
                                          _WEBHOOK.search(handler)):
            return f"webhook signature: {fn['signature_check']}"
        helper, facts = self.helper_with(path, handler, "sender_checked")
        if helper:
            return f"webhook signature: {helper}() checks it with {facts['signature_check']}"
        views = self._view_functions(path, handler, fn)
        signed = next((v["token_check"] for v in views if v.get("token_check")), None)
        if signed:
            return f"public (signed link: {signed} checks the token in the URL)"
        helper, facts = self.helper_with(path, handler, "token_check")
        if helper:  # `is_valid, error = validate_rss_token(datastore, request)`, answering its 403 otherwise
            return f"public (token link: {helper}() checks it, {facts['token_check']})"
        key = capability_param(full, views)
        if key:
            return f"public (capability link: looked up by the unguessable {{{key}}} in its path)"
        field = body_capability(views)
        if field:
            return (f"unknown: keyed by {field} from the request, handed to a lookup: a credential the caller "
                    "holds (an invitation or license key) or a value it stores; not traced")
        shared = _shared_cache(views)
        if shared:
            return f"public (one cached response for every caller: @{shared})"
        verbs = self._verb_functions(path, handler, fn)
        if verbs and all(v.get("static_response") for v in verbs):
            return "public (static page: answers from constants, settings and the URL; reads no stored data)"
        if declared_public(handler, path):
            return "public (named public by its author)"
        switch = next((v["public_switch"] for v in views if v.get("public_switch")), None)
        if switch:
            return f"public (behind the operator's switch {switch})"
        said = next((v["doc_public"] for v in views if v.get("doc_public")), None)
        if said and not (_WEBHOOK.search(full) or _WEBHOOK.search(handler)):
            # a webhook "does not require authentication" because its sender is another service, which
            # then has to be checked some other way (a signature, a shared secret): none was found above
            return f"public (its docstring says so: {said!r})"
        built = next((d["built_from"] for d in fn.get("decorators", ()) if d.get("built_from")), None)
        route = built if built and "<expr>" in full else full
        params = [p.get("name", "") for p in fn.get("params") or ()]
        flow = account_flow(route, handler, path, params)
        if flow and flow not in ("login", "logout", "login (OAuth)") and not link_token(route, params) and \
                any(v.get("reads_identity") for v in views):
            # `if not current_user.is_email_verified: send(...)`: serves a logged-in user, not a visitor
            return f"none ({ACCOUNT_STEP}: {flow})"
        if flow:
            return f"public (account flow: {flow})"
        if first_run_setup(handler) and any(v.get("first_run_gate") for v in views):
            return "public (first-run setup: sends visitors away once the site is set up)"
        exchange = next((v["checks_credentials"] for v in views if v.get("checks_credentials")), None)
        if exchange:
            return f"public (credential exchange: the password is checked by {exchange})"
        base = self._credential_view(path, handler)
        if base:
            return f"public (credential exchange: {base} checks the password it is posted)"
        helper, facts = self.helper_with(path, handler, "checks_credentials")
        if helper:  # `check()` -> `_handle_serial_auth(context)` -> `check_serial_pass(serial, password)`
            return f"public (credential exchange: {helper}() checks the password with {facts['checks_credentials']})"
        started = next((v["starts_session"] for v in views if v.get("starts_session")), None)
        helper, facts = (None, {}) if started else self.helper_with(path, handler, "starts_session")
        if started or helper:
            # it logs the caller in: the sign-in step (SSO callback, LTI launch, signed-link login), which
            # no login guard can precede; how it authenticates the caller is BA-AUTH-002's / the flow's matter
            what = started or facts["starts_session"]
            verb = "sets" if what.endswith("= ...") else "calls"  # a session key naming the user, or a login call
            how = f"{helper}() {verb} {what}" if helper else f"it {verb} {what}"
            return f"public (account flow: sign-in, {how} to start the caller's session)"
        ended = next((v["ends_session"] for v in views if v.get("ends_session")), None)
        if ended and not any(v.get("persists") for v in views):
            return f"public (account flow: logout, {ended} drops only the caller's own session)"
        proof = next((item for v in views for item in v.get("proof_checked", {}).items()), None)
        if proof:
            # `validate_state(state)` on an OAuth callback, `verify_signature(signature, body)`: the caller
            # brings a proof the handler checks; whether that check is sound is not read here
            return (f"unknown: its `{proof[0]}` parameter is checked by {proof[1]}(), a proof the caller brings "
                    "(a signed OAuth state, a signature, a token) whose check this analysis does not trace")
        return auth

    def _dispatched_guard(self, path: str, handler: str, fn: dict[str, Any]) -> tuple[str, str] | None:
        """(action, helper) when the view calls a function it looks up by a literal name (`get_action("x")(...)`)
        and a project function of that name refuses (`check_access(...)` raising `NotAuthorized`), itself or
        two calls down: an action layer that authorizes each action is the guard of the views calling it. Any
        one, not every one: a registry often has an authorization function of the same name beside the action
        (`auth.follow_dataset` returns a verdict, `action.follow_dataset` acts on it)."""
        names = sorted({n for v in self._view_functions(path, handler, fn) for n in v.get("dispatched", ())})
        by_name = self._functions_by_name() if names else {}
        for name in names:
            guard = next((g for p, q in by_name.get(name, []) if (g := self._refusal_of(p, q))), None)
            if guard:
                return name, guard
        return None

    def _refusal_of(self, path: str, qual: str) -> str | None:
        if (self.function(path, qual) or {}).get("refuses"):
            return qual.rsplit(".", 1)[-1]
        return self.helper_with(path, qual, "refuses")[0]

    def _functions_by_name(self) -> dict[str, list[tuple[str, str]]]:
        """Module-level project functions by name (non-test files), built once per scan."""
        if "_by_name_memo" not in self.__dict__:
            out: dict[str, list[tuple[str, str]]] = {}
            for p in sorted(self.facts):
                if self.facts[p].get("is_test"):
                    continue
                for q in self.facts[p].get("functions", {}):
                    if "." not in q:
                        out.setdefault(q, []).append((p, q))
            self._by_name_memo = out
        return self._by_name_memo

    def _credential_view(self, path: str, handler: str) -> str | None:
        """A class view built on a library's token-for-password view (DRF's `ObtainAuthToken`, simplejwt's
        `TokenObtainPairView`): its serializer authenticates the posted username and password."""
        cls = handler.split(".")[0]
        if cls not in self.facts.get(path, {}).get("classes", {}):
            return None
        return next((what.rpartition(".")[2] for kind, _, what in self._mro_chain(path, cls)
                     if kind == "external" and what.rpartition(".")[2] in _CREDENTIAL_VIEWS
                     and what.split(".")[0] in ("rest_framework", "rest_framework_simplejwt")), None)

    def helper_with(self, path: str, handler: str, fact: str) -> tuple[str | None, dict[str, Any]]:
        """(name, facts) of a project function the handler calls, two levels down, whose facts have `fact`: a
        helper that checks the request's signature (`get_request_handler()` -> `SignatureVerifier(...)
        .is_valid_request()`, answering 403 otherwise), or one that serves anonymous visitors by design."""
        sm = self.semantic
        module = sm.module_of(path) if sm is not None else None
        if module is None:
            return None, {}
        start = f"{module}.{handler}"
        cls = sm.class_(start)  # a class view: what its methods call
        todo, seen = [(f"{start}.{m}", 0) for m in cls.methods] if cls is not None else [(start, 0)], set()
        while todo:
            qual, depth = todo.pop(0)
            if qual in seen or depth > 2 or len(seen) > 40:
                continue
            seen.add(qual)
            for callee in sorted(sm.callees(qual)):
                info = sm.function(callee)
                if info is None or not info.path:
                    continue
                facts = self.function(info.path, callee[len(info.module) + 1:]) or {}
                if facts.get(fact):
                    return callee.rsplit(".", 1)[-1], facts
                todo.append((callee, depth + 1))
        return None, {}

    def _verb_functions(self, path: str, handler: str, fn: dict[str, Any]) -> list[dict[str, Any]]:
        """The functions that answer a request: a function view, or a class view's HTTP-verb methods (a
        class that sets `model` / `queryset` reads stored data whatever its methods do)."""
        if fn.get("params") is not None:
            return [fn]
        cls = handler.split(".")[0]
        if cls not in self.facts.get(path, {}).get("classes", {}):
            return []
        info = self._class_info(path, cls)
        if info["attrs"].get("model") or info["attrs"].get("queryset"):
            return []
        out = []
        for kind, where, what in self._mro_chain(path, cls):
            if kind == "project":
                out += [{**(self.function(where, f"{what}.{m}") or {}), "_verb": m} for m in
                        self.facts.get(where, {}).get("classes", {}).get(what, {}).get("methods", [])
                        if m in HTTP_VERBS]
        return out

    def _view_functions(self, path: str, handler: str, fn: dict[str, Any]) -> list[dict[str, Any]]:
        """The function facts behind a handler: itself, or every method of a class view along its MRO."""
        if fn.get("params") is not None:
            return [fn]
        cls = handler.split(".")[0]
        if cls not in self.facts.get(path, {}).get("classes", {}):
            return [fn]
        out = []
        for kind, where, what in self._mro_chain(path, cls):
            if kind == "project":
                out += [self.function(where, f"{what}.{m}") or {} for m in
                        self.facts.get(where, {}).get("classes", {}).get(what, {}).get("methods", [])]
        return out

