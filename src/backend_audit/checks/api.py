"""API design checks: CORS, pagination, rate limiting, response models."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use
from typing import Any

import ast

from ..model.blocks import call_args
from ..model.frameworks.common import keyword, last_name, literal
from .base import AstCheck, FileContext, dotted
from .config_classes import defer, enclosing_config_class
from .debugger import _reads_env
from .endpoint_base import EndpointCheck
from .reusable_app import HOST_OWNS, reusable_app
from .util import literal_text

# fact keys: flask-cors findings with neither `origins=` nor CORS_ORIGINS in their file (decided by the project
# pass), and where each file sets CORS_ORIGINS
DEFAULT_ORIGINS = "cors_default_origins"
ORIGINS_SET = "cors_origins_set"

# settings of a project that only the test suite or a developer runs (`test_project/settings.py`,
# `test_settings.py`): its CORS answers no deployed browser
_TEST_SETTINGS = re.compile(r"(?i)(^|/)(tests?|testing)[_-]?(project|proj|site)/|(^|/)(tests?_settings|settings_tests?"
                            r"|testing_settings)\.py$")
_CATCH_ALL_REGEX = re.compile(r"^\^?(https?\??(:|\\:)//|\(https?\|https\)://)?(\.\*|\.\+|\(\.\*\)|\[\^/\]\+|\\S\+)\$?$")


def _wildcard_origins(value: Any) -> bool:
    if value == "*":
        return True
    return isinstance(value, list) and "*" in value


def _catch_all(regex: Any) -> bool:
    return isinstance(regex, str) and bool(_CATCH_ALL_REGEX.match(regex.strip()))


class PermissiveCors(AstCheck):
    """Wildcard or reflected CORS origins; an error when credentials are allowed too."""

    RULE_ID = "BA-API-002"
    PREFILTER = ("CORS", "cors", "Access-Control-Allow-Origin")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.settings: dict[str, tuple[ast.AST, Any]] = {}
        self.reflect: list[dict[str, Any]] = [{}]
        self.cors_objects: set[str] = set()  # names bound to flask_cors.CORS() (for `.init_app`)
        self.cors_default: list[tuple[ast.Call, str, bool]] = []  # CORS(...) without origins
        self.cors_config = False  # the file sets CORS_ORIGINS somewhere
        self.switched: dict[str, str] = {}  # CORS_* setting -> the environment variable whose `if` sets it
        self.config_class: dict[str, tuple[str, str] | None] = {}  # CORS_* setting -> (kind, dev/test class)
        self.samesite: tuple[ast.AST, Any] | None = None  # SESSION_COOKIE_SAMESITE, when a literal
        self.credentialed_middleware: list[ast.Call] = []  # CORSMiddleware allowing every origin with credentials
        self.cross_site_cookie = False  # a cookie set with SameSite=None here (set_cookie, SessionMiddleware)

    def _emit(self, node: ast.AST, what: str, credentials: bool, why_lower: str = "") -> None:
        """`why_lower`: why the setting is not in force by default (an operator's opt-in, a test project):
        one level lower, saying so."""
        if credentials:
            self.report(node, f"{what} with credentials allowed{why_lower}: any website can make authenticated "
                              "requests and read the answers; list the allowed origins explicitly",
                        level="warning" if why_lower else "error", rule_id="BA-API-002/wildcard-credentials")
        else:
            # without credentials browsers send no cookies to a wildcard origin: other sites read only what a
            # cookie-less request gets (token APIs, public widgets, by design); the blind reviews found that
            # exposure only where an instance answers private data with no login at all, which is not traced
            self.report(node, f"{what}{why_lower}: every website may read what a request without cookies gets; "
                              "browsers send no credentials to a wildcard origin, so whether any route answers "
                              "private data without them (no login at all, trust by network address) is not "
                              "traced; list the allowed origins", level="note", rule_id="BA-API-002/wildcard")

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func) or ""
        tail = last_name(name)
        args = call_args(node) if tail in ("add_middleware", "Middleware") else ()
        if args and last_name(dotted(args[0])) == "CORSMiddleware":
            origins = literal(keyword(node, "allow_origins"))
            regex = literal(keyword(node, "allow_origin_regex"))
            if _wildcard_origins(origins) or _catch_all(regex):
                creds = literal(keyword(node, "allow_credentials")) is True
                if creds:
                    self.credentialed_middleware.append(node)  # its level waits for the module's cookies
                else:
                    self._emit(node, "CORSMiddleware allows every origin", creds)
        elif any(kw.arg in ("samesite", "same_site") and isinstance(kw.value, ast.Constant) and
                 str(kw.value.value).lower() == "none" for kw in node.keywords):
            self.cross_site_cookie = True  # set_cookie(..., samesite="none"), SessionMiddleware(same_site="none")
        elif tail in ("CORS", "cross_origin") and (self.ctx.qualname(node.func) or "").startswith("flask_cors"):
            if tail == "CORS" and not node.args and not node.keywords:
                return  # `cors = CORS()`: configured later by `cors.init_app(app, ...)`
            self._flask_cors(node, f"flask-cors {tail}()")
        elif tail == "init_app" and isinstance(node.func, ast.Attribute) and \
                dotted(node.func.value) in self.cors_objects:
            self._flask_cors(node, "flask-cors init_app()")
        elif tail in ("update", "from_mapping") and any(kw.arg == "CORS_ORIGINS" for kw in node.keywords):
            self.cors_config = True  # app.config.update(CORS_ORIGINS=[...])
            self._origins_set(node, keyword(node, "CORS_ORIGINS"), "config")

    def _flask_cors(self, node: ast.Call, what: str) -> None:
        origins = literal(keyword(node, "origins"))
        resources = literal(keyword(node, "resources"))
        if isinstance(resources, dict):
            nested = [v.get("origins") for v in resources.values() if isinstance(v, dict)]
            if nested and all(o is not None for o in nested):
                origins = "*" if any(_wildcard_origins(o) for o in nested) else nested
        creds = literal(keyword(node, "supports_credentials")) is True
        if origins is None:
            # flask-cors falls back to app.config["CORS_ORIGINS"]: only "*" when the file never sets it
            self.cors_default.append((node, what, creds))
        elif _wildcard_origins(origins) or _catch_all(origins):
            self._emit(node, f"{what} allows every origin", creds)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.reflect.append({})

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._flush_reflect(self.reflect.pop())

    def leave_Module(self, node: ast.Module) -> None:
        self._flush_reflect(self.reflect[0])
        for call in self.credentialed_middleware:
            # Starlette's set_cookie and SessionMiddleware default to SameSite=Lax: browsers attach those cookies
            # only to same-site requests, so any website reads as the user only where a cookie is SameSite=None
            # (blind set S: an Authorization-header API whose only cookie is a Lax admin session)
            lower = "" if self.cross_site_cookie else (
                " (no cookie is set with SameSite=None here, and Starlette's cookies default to Lax: only same-site "
                "origins, such as sibling subdomains, send them; cookies set elsewhere were not traced)")
            self._emit(call, "CORSMiddleware allows every origin", True, lower)
        if not self.cors_config and "CORS_ORIGINS" not in self.settings:
            for call, what, creds in self.cors_default:
                # the app's config may set CORS_ORIGINS in another module: the project pass
                # (cors_config.CorsDefaultOrigins) keeps, lowers or drops these
                self._emit(call, f"{what} allows every origin (no origins, no CORS_ORIGINS)", creds)
                self.ctx.facts.setdefault(DEFAULT_ORIGINS, []).append(self.ctx.findings.pop().to_dict())
        allow_all = self.settings.get("CORS_ALLOW_ALL_ORIGINS") or self.settings.get("CORS_ORIGIN_ALLOW_ALL")
        creds = self.settings.get("CORS_ALLOW_CREDENTIALS")
        credentials = bool(creds and creds[1] is True)
        if allow_all and allow_all[1] is True:
            name = "CORS_ALLOW_ALL_ORIGINS" if "CORS_ALLOW_ALL_ORIGINS" in self.settings else "CORS_ORIGIN_ALLOW_ALL"
            switch = self.switched.get(name)
            lower = f" (only when the operator sets {switch}: an opt-in, not the default)" if switch else \
                " (in a test project's settings: whether they are ever deployed is not traced)" \
                if _TEST_SETTINGS.search(self.ctx.path) else ""
            if credentials and not lower and not self._cross_site_session():
                # blind sets O and P: Django's session cookie is SameSite=Lax unless the settings say otherwise,
                # so a browser attaches it only to requests from the same site (sibling subdomains), not from
                # any website: a real exposure, but not the one the error describes
                lower = (" (the session cookie keeps Django's SameSite=Lax default, so only same-site origins, "
                         "such as sibling subdomains, send it; SESSION_COOKIE_SAMESITE = 'None' would open it to "
                         "every site)")
            self._emit(allow_all[0], "django-cors-headers allows every origin", credentials, lower)
            found = self.config_class.get(name)
            if found:
                # django-configurations' `class Development(Base)`: a developer's local front end (blind set T)
                defer(self.ctx, found, "note", f" (on the {found[1]} configuration class, which no deployment "
                                               "file was seen selecting: a developer's or a test run's settings)")
        for key in ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"):
            entry = self.settings.get(key)
            if entry and isinstance(entry[1], list) and any(_catch_all(r) for r in entry[1]):
                self._emit(entry[0], f"{key} matches every origin", credentials)

    def _cross_site_session(self) -> bool:
        """The settings send the session cookie on cross-site requests: SameSite set to "None" (or switched off)."""
        entry = self.samesite
        if entry is None:
            return False
        value = entry[1]
        return value is None or value is False or (isinstance(value, str) and value.lower() == "none")

    def visit_Assign(self, node: ast.Assign) -> None:
        if (not self.ctx.function_stack and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "SESSION_COOKIE_SAMESITE"):
            # only a literal counts: a value read from the environment is not traced
            const = node.value
            self.samesite = (node, const.value) if isinstance(const, ast.Constant) and (
                const.value is None or isinstance(const.value, (str, bool))) else None
        if isinstance(node.value, ast.Call) and last_name(dotted(node.value.func)) == "CORS":
            self.cors_objects.update(t for t in (dotted(t) for t in node.targets) if t)
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "CORS_ORIGINS":
                self.cors_config = True  # a config class or module attribute
                if not self.ctx.function_stack:
                    self._origins_set(node, node.value, "module")
            if isinstance(target, ast.Name) and target.id.startswith("CORS_") and not self.ctx.function_stack:
                self.settings[target.id] = (node, literal(node.value))
                self.config_class[target.id] = enclosing_config_class(self.ctx)
                switch = self._env_switch(node)
                if switch:
                    self.switched[target.id] = switch
                else:
                    self.switched.pop(target.id, None)
            elif isinstance(target, ast.Subscript):
                key = target.slice
                header = literal_text(key).lower() if isinstance(key, ast.Constant) else ""
                if header == "access-control-allow-origin":
                    code = self.ctx.segment(node.value)
                    if "origin" in code.lower() and ("header" in code.lower() or "META" in code):
                        self.reflect[-1]["origin"] = node
                    elif literal(node.value) == "*":
                        self.reflect[-1]["star"] = node
                elif header == "access-control-allow-credentials" and str(literal(node.value)).lower() == "true":
                    self.reflect[-1]["credentials"] = True
                elif header == "cors_origins":
                    self.cors_config = True  # app.config["CORS_ORIGINS"] = [...]
                    self._origins_set(node, node.value, "config")

    def _env_switch(self, node: ast.AST) -> str | None:
        """The environment variable an `if os.environ.get("X"):` around this assignment tests, when the
        assignment is in its body (in force only when the operator sets X), else None."""
        parents = self.ctx.parents
        for i in range(len(parents) - 1, -1, -1):
            branch = parents[i]
            if isinstance(branch, ast.If):
                child = parents[i + 1] if i + 1 < len(parents) else node
                if not any(c is child for c in branch.body) or not _reads_env(branch.test, self.ctx):
                    return None
                name = next((n.value for n in ast.walk(branch.test) if isinstance(n, ast.Constant)
                             and isinstance(n.value, str)), None)
                return name or "an environment variable"
        return None

    def _origins_set(self, node: ast.AST, value: ast.AST | None, how: str) -> None:
        """Where this file gives Flask's CORS_ORIGINS a value, and what kind of value: a module or class
        attribute (`how="module"`, in effect once the app loads that module) or a write to the app's config."""
        if self.ctx.is_test or value is None:
            return
        origins = literal(value)
        kind = "wildcard" if _wildcard_origins(origins) or _catch_all(origins) else \
            "listed" if isinstance(origins, (str, list, tuple)) else "unknown"
        self.ctx.facts.setdefault(ORIGINS_SET, []).append(
            {"line": node.lineno, "how": how, "value": kind, "class": self.ctx.symbol or None})

    def _flush_reflect(self, found: dict[str, Any]) -> None:
        if "origin" in found:
            self._emit(found["origin"], "Access-Control-Allow-Origin reflects the request's Origin",
                       bool(found.get("credentials")))
        elif "star" in found and found.get("credentials"):
            # without credentials a hand-set `*` on one response is a choice for public or token-authenticated
            # data (a ping, a widget, an API-key API): browsers send no cookies to a wildcard origin
            self._emit(found["star"], "Access-Control-Allow-Origin is *", True)


_LIST_MODEL = re.compile(r"^(list|List|Sequence|typing\.List)\[")


class CollectionWithoutPagination(EndpointCheck):
    """GET endpoints that return an unbounded query or a declared list with no paging."""

    RULE_ID = "BA-API-001"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        small = set(self.options.get("small_tables") or ())
        out = []
        seen: set[tuple[str, int]] = set()
        drf_lists = []
        for e in inv.endpoints:
            if "GET" not in e.methods or e.pagination:
                if e.list_view and e.drf:
                    drf_lists.append(e)
                continue
            if e.list_view and e.drf:
                drf_lists.append(e)
                if e.fn.get("_pagination_class") is None:
                    key = (e.file, e.line)
                    if key not in seen:
                        seen.add(key)
                        out.append(self.finding(e.file, e.line, f"list view {e.handler} sets pagination_class = None: "
                                                "GET {e.path} returns every row".replace("{e.path}", e.path),
                                                symbol=e.handler))
                continue
            for ret in e.fn.get("returned", []):
                unbounded = ret.get("unbounded")
                if unbounded and last_name(unbounded["model"]) not in small and (e.file, ret["line"]) not in seen:
                    seen.add((e.file, ret["line"]))
                    out.append(self.finding(e.file, ret, f"GET {e.path} returns every {unbounded['model']} row: add "
                                            "limit/offset (or cursor) parameters that reach the query"))
            declared = e.response_model or ""
            returned = e.fn.get("returned", [])
            if returned and all(r.get("fixed") for r in returned):
                continue  # every return lists a module-level table: the code fixes how many items there are
            if _LIST_MODEL.match(declared) and not any(r.get("unbounded") for r in returned):
                key = (e.file, e.route_line)
                if key not in seen:
                    seen.add(key)
                    # the declaration alone: 0 TP of 8 at warning on the blind sets R-U, 9 of 20 on all reviewed
                    # sets (lists of configured models, servers, a user's own few rows): a note
                    out.append(self.finding(e.file, e.route_line, f"GET {e.path} declares {declared} but takes no "
                                            "limit/offset/page/cursor parameter (that the list grows with stored "
                                            "rows is not established: no unbounded query was traced)",
                                            symbol=e.handler, level="note", snippet=f"GET {e.path} {declared}"))
        unpaged = [e for e in drf_lists if e.pagination is None and e.fn.get("_pagination_class") == "<unset>"]
        rf = inv.settings.get("REST_FRAMEWORK") or inv.settings.get("INSTALLED_APPS")
        if unpaged and rf:
            # like a declared list: the views' querysets are not traced to rows that grow (its one reviewed
            # finding was a FP: a singleton configuration and a list of a few log names)
            out.append(self.finding(rf["file"], rf["line"], f"REST_FRAMEWORK sets no DEFAULT_PAGINATION_CLASS and "
                                    f"{len(unpaged)} list view(s) set no pagination_class (e.g. {unpaged[0].handler}); "
                                    "that their lists grow with stored rows is not established",
                                    rule_id="BA-API-001/drf-no-default", level="note",
                                    snippet="DEFAULT_PAGINATION_CLASS"))
        return out


class NoRateLimiting(EndpointCheck):
    """No limiter or throttle anywhere; or auth endpoints left unlimited."""

    RULE_ID = "BA-API-003"
    _AUTH_PATH = re.compile(r"(?i)(login|signin|sign-in|token|password|reset|otp|verify|register|signup)")
    _LOGIN_PATH = re.compile(r"(?i)(login|signin|sign-in)")

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        if not inv.endpoints:
            return []
        if not inv.rate_limit_evidence:
            path, line = anchor(inv)
            own = _own_limiter(project)
            if own is not None:
                return [self.finding(path, line, f"no limiter library, throttle class or rate-limit middleware for "
                                     f"{len(inv.endpoints)} endpoint(s); the project's own {own[0]} ({own[1]}) "
                                     "limits something, but which endpoints it guards is not traced",
                                     level="note", snippet="rate-limit")]
            if reusable_app(project, inv):
                return [self.finding(path, line, f"no rate limiting found for {len(inv.endpoints)} endpoint(s), but "
                                     f"this is {HOST_OWNS} (its login included)", level="note", snippet="rate-limit")]
            return [self.finding(path, line, f"no rate limiting found for {len(inv.endpoints)} endpoint(s): no "
                                 "limiter, throttle class or rate-limit middleware", snippet="rate-limit")]
        if inv.global_rate_limit:
            return []
        out = []
        lockout = _login_lockout(inv)
        for e in inv.endpoints:
            if e.rate_limit is None and self._AUTH_PATH.search(e.path) and set(e.methods) & {"POST", "PUT", "PATCH"}:
                if lockout and self._LOGIN_PATH.search(e.path):
                    continue  # django-axes counts the failed logins authenticate() sees and locks the guesser out
                if e.fn.get("oauth_redirect") and not e.fn.get("checks_credentials"):
                    continue  # it sends the caller to the OAuth provider's login page: nothing to guess here
                if (not self._LOGIN_PATH.search(e.path) or e.fn.get("oauth_exchange")) and self._nothing_typed(inv, e):
                    # a signed token, a provider's code, a payment id: nothing a volume of requests guesses (a login
                    # path only when it trades a provider's OAuth code: a login form may be read out of sight)
                    continue
                if _requires_login(e.auth):
                    # a token minted or a second factor managed for a user already logged in: guessing here
                    # needs a session first, so brute force is not what the path suggests
                    typed = e.fn.get("typed_secret")
                    said = (f"it checks a {typed!r} the caller types: a guessing oracle only for someone already "
                            "holding the user's session or token") if typed else \
                        "whether it checks a credential a session holder could guess is not traced"
                    out.append(self.finding(e.file, e.line, f"{'/'.join(e.methods)} {e.path} has no rate limit, "
                                            f"but only logged-in users reach it ({e.auth}); {said}", level="note",
                                            rule_id="BA-API-003/auth-endpoints", symbol=e.handler,
                                            snippet=f"{e.methods} {e.path}"))
                    continue
                # Named for authentication is the weak sign: the blind sets R-U had 1 TP of 12 such warnings (OTP
                # relays, a limiter at the proxy). A warning needs the code to show a secret a person types.
                typed = self._takes_typed_secret(inv, e)
                out.append(self.finding(e.file, e.line, f"{'/'.join(e.methods)} {e.path} is an authentication "
                                        "endpoint without a rate limit: brute force is unthrottled" + (
                                            "" if typed else " (that it checks a secret a person types, a password "
                                            "or a one-time code, is not established: named for it only)"),
                                        rule_id="BA-API-003/auth-endpoints", symbol=e.handler,
                                        level=None if typed else "note", snippet=f"{e.methods} {e.path}"))
        return out


    @staticmethod
    def _takes_typed_secret(inv: Any, e: Any) -> bool:
        """The handler, or a helper it calls, is read to take a password, PIN or one-time code."""
        if not e.fn:
            return False
        return any(e.fn.get(fact) for fact in _TYPED) or \
            any(inv.evidence.helper_with(e.file, e.handler, fact)[0] for fact in _TYPED)

    @staticmethod
    def _nothing_typed(inv: Any, e: Any) -> bool:
        """The handler's code is read and neither it nor a helper it calls takes a secret a person types
        (a password, a PIN, a one-time code): what it takes (a signed refresh JWT, an itsdangerous link, an
        OAuth code the provider exchanges, a payment id) is not guessed by volume. A refresh-token guard says
        the same."""
        if "refresh" in e.auth.lower() and e.auth.startswith("decorator"):
            return True
        if not e.fn or any(e.fn.get(fact) for fact in _TAKES_SECRET):
            return False
        sm = inv.evidence.semantic
        module = sm.module_of(e.file) if sm is not None else None
        if module is None or sm.class_(f"{module}.{e.handler}") is not None:
            return False  # a class view: its methods' facts are not the endpoint's here, so what it takes is unread
        return not any(inv.evidence.helper_with(e.file, e.handler, fact)[0] for fact in _TAKES_SECRET)


# facts saying an endpoint may take a secret a person types: one it reads, a password check, or a serializer /
# form whose fields are read out of sight
_TAKES_SECRET = ("typed_secret", "checks_credentials", "body_schema")
# what shows a person types the secret (a body schema alone may carry anything)
_TYPED = ("typed_secret", "checks_credentials")


def _login_lockout(inv: Any) -> bool:
    """django-axes installed (INSTALLED_APPS): its backend and middleware watch every `authenticate()` and
    lock an address or account out after repeated failures, the brute-force protection of the login form."""
    apps = (inv.settings.get("INSTALLED_APPS") or {}).get("value")
    return isinstance(apps, list) and any(isinstance(a, str) and a.split(".")[0] == "axes" for a in apps)


_OWN_LIMITER = re.compile(r"(?i)(rate_?limit|throttl|token_?bucket)")


def _own_limiter(project: Any) -> tuple[str, str] | None:
    """A limiter the project writes itself (`TokenBucket.authorize`, `_is_rate_limited`): a class named for it
    first, then a function (not one that only tells the user about a limit), first in path order."""
    found = [(str(qual), path, fn) for path in sorted(project.source_files)
             for qual, fn in sorted((project.facts[path].get("functions") or {}).items())]
    ranked = [f for f in found if _OWN_LIMITER.search(f[0].rpartition(".")[0])] + \
        [f for f in found if _OWN_LIMITER.search(f[0].rpartition(".")[2]) and not _TELLS.search(f[0])]
    for qual, path, fn in ranked[:1]:
        return qual, f"{path}:{fn.get('line', 1) if isinstance(fn, dict) else 1}"
    return None


_TELLS = re.compile(r"(?i)(notice|notify|message|email|send|exceeded|error)")


def _requires_login(auth: str) -> bool:
    """The inventory's auth evidence names a login requirement (not `none`, not a check it could not read)."""
    return bool(auth) and not auth.startswith(("none", "unknown", "check", "public")) and \
        bool(re.search(r"(?i)(IsAuthenticated|login_required|admins?_only|authed_only|require_verified|"
                       r"Permission|current_user|get_current_user|LoginRequired|jwt_required|token_required|"
                       r"decorator: requires$)", auth))


def anchor(inv) -> tuple[str, int]:
    """Where a project-level finding goes: the app factory, else the settings file, else the first endpoint."""
    if inv.roots:
        return inv.roots[0]
    for key in ("REST_FRAMEWORK", "INSTALLED_APPS"):
        if key in inv.settings:
            return inv.settings[key]["file"], inv.settings[key]["line"]
    first = inv.endpoints[0]
    return first.file, first.line


class OrmWithoutResponseModel(EndpointCheck):
    """FastAPI routes that hand ORM objects to the serializer with no response schema."""

    RULE_ID = "BA-API-004"

    def run(self, project: Any) -> list:
        from ..model.frameworks.orm import OrmIndex

        inv = self.inventory(project)
        orm = OrmIndex(project.facts)
        out = []
        seen: set[tuple[str, int]] = set()
        for e in inv.endpoints:
            if e.framework != "fastapi":
                continue
            rm = e.response_model
            if rm:
                model = re.sub(r"^(list|List|Sequence|Optional)\[(.*)\]$", r"\2", rm).strip()
                if orm.is_model(e.file, model) and (e.file, e.route_line) not in seen:
                    seen.add((e.file, e.route_line))
                    out.append(self.finding(e.file, e.route_line, f"response_model={rm} is an ORM table model: every "
                                            "column (hashes, internal flags) becomes public; declare a response schema",
                                            rule_id="BA-API-004/orm-as-schema", symbol=e.handler,
                                            snippet=f"response_model={rm}"))
                continue
            for ret in e.fn.get("returned", []):
                model = ret.get("orm_model")
                if model and orm.is_model(e.file, model) and (e.file, ret["line"]) not in seen:
                    seen.add((e.file, ret["line"]))
                    out.append(self.finding(e.file, ret, f"{'/'.join(e.methods)} {e.path} returns {model} ORM "
                                            "object(s) without response_model: every column is serialised"))
        return out

