"""BA-DEP-002 Django production settings: the `check --deploy` warnings, read statically from the folded
production settings module. Each sub-check keeps the parent rule id (selection and suppression work on
BA-DEP-002) and names itself in `properties.sub` and in the message."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use
from typing import Any, Callable

from ..model.django_settings import SettingsIndex, Value
from ..findings import Finding
from .base import ProjectCheck
from .repo_text import texts

_SEC_MW = "django.middleware.security.SecurityMiddleware"
_CSRF_MW = "django.middleware.csrf.CsrfViewMiddleware"
_FRAME_MW = "django.middleware.clickjacking.XFrameOptionsMiddleware"
_SESSION_MW = "django.contrib.sessions.middleware.SessionMiddleware"
_AUTH_MW = "django.contrib.auth.middleware.AuthenticationMiddleware"
# the settings that keep the session from travelling over plain HTTP (levels set by _transport_level)
_TRANSPORT = frozenset({"SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"})
# a shipped nginx config: a server block on port 80 that answers every request with a redirect to https
_PROXY_CONF = re.compile(r"(^|/)([^/]*nginx[^/]*|[^/]*\.conf(\.template)?)$", re.I)
_SERVER = re.compile(r"\bserver\s*\{")
_LISTEN_80 = re.compile(r"^\s*listen\s+(?:\S*:)?80\s*;", re.M)
_TO_HTTPS = re.compile(r"^\s*(?:return\s+30[1278]\s+https://|rewrite\s+\S+\s+https://\S*\s+permanent\s*;)", re.M)


class DjangoProductionSettings(ProjectCheck):
    RULE_ID = "BA-DEP-002"

    def run(self, project: Any) -> list[Finding]:
        index = SettingsIndex(project.facts)
        out: dict[tuple, Finding] = {}
        modules = index.production_modules()
        evaluated = {m: _evaluate(m, index.fold(m), self.rule.id) for m in modules}
        proxy: dict[Callable, str | None] = {}
        for module in modules:
            settings = index.fold(module)
            silenced = _silenced(settings)
            overlay = index.overlay(module)
            local = index.local_overlay(module)
            # a setting missing from a module that extends another production module (a worker's settings
            # doing `from app.settings import *`) is missing there too: that module carries the finding
            inherited = {(f.properties["sub"], f.properties["setting"]) for base in index.star_bases(module)
                         if base in evaluated for f in evaluated[base] if (f.path, f.line) == (base, 1)}
            for finding in evaluated[module]:
                if (finding.path, finding.line) == (module, 1) and \
                        (finding.properties["sub"], finding.properties["setting"]) in inherited:
                    continue
                if finding.level == "warning" and overlay:
                    # blind set S: the module's values are shipped defaults the deployment's own configuration
                    # overrides wholesale (Dynaconf's files and environment): what a deployment runs with is there
                    finding.level = "note"
                    finding.message += (f"; the settings module hands every setting to the deployment's "
                                        f"configuration ({overlay}): this is the shipped default, and what "
                                        "deployments set was not traced")
                elif finding.level == "warning" and local and (finding.path, finding.line) != (module, 1):
                    # a value the module ships (not one it leaves unset), which the deployment's own settings
                    # file replaces when present: a default, what deployments set is not in the scan
                    finding.level = "note"
                    finding.message += (f"; overridden by local settings when present ({local[0]}, {local[1]}): "
                                        "this is the shipped default, and what deployments set was not traced")
                elif finding.level == "warning" and finding.properties["sub"] != "allowed-hosts" and \
                        not _ambient_authority(settings):
                    # CSRF, framing and cookie flags protect what a browser sends on its own (a session, a
                    # login); with neither, a forged or framed request carries no one's authority, and HTTPS is
                    # the deployment's concern, not a defect of the code (a forged Host header is another
                    # matter: ALLOWED_HOSTS keeps its level)
                    finding.level = "note"
                    finding.message += ("; the app keeps no session or login (no session or auth middleware, "
                                        "django.contrib.auth/sessions not installed, no DRF authentication "
                                        "classes): nothing ambient for a forged or framed request to carry; "
                                        "whether another credential travels in its requests is not traced")
                elif finding.properties["sub"] == "ssl-redirect" and finding.level == "warning" and \
                        _redirect_left_to_proxy(settings):
                    # the author turned Django's redirect off on purpose and declares a TLS-terminating proxy in
                    # front: redirecting plain HTTP is that proxy's job (Django's own would break internal callers)
                    finding.level = "note"
                    finding.message += ("; SECURE_SSL_REDIRECT is set to False on purpose beside a "
                                        "SECURE_PROXY_SSL_HEADER, so a TLS-terminating proxy sits in front and "
                                        "redirecting plain HTTP is its job: whether it does is not traced")
                elif finding.properties["setting"] in _TRANSPORT and finding.level == "warning":
                    _transport_level(finding, settings)
                done_by_proxy = _PROXY_DOES.get(finding.properties["setting"])
                if done_by_proxy and finding.level == "warning":
                    # the shipped proxy config does what the setting would (looked up once per scan)
                    lookup, what = done_by_proxy
                    if lookup not in proxy:
                        proxy[lookup] = lookup(project)
                    if proxy[lookup]:
                        finding.level = "note"
                        finding.message += f"; the repository's proxy config ({proxy[lookup]}) {what}: check " \
                                           "every deployment uses it"
                if finding.level == "warning" and finding.properties["sub"] in _AT_THE_PROXY and \
                        (finding.path, finding.line) == (module, 1):
                    # left unset, not set wrong: HSTS and the HTTPS redirect are what a TLS-terminating proxy
                    # usually does, and the blind sets R-U found none of 6 such warnings real (all "set at the
                    # proxy"); a value the settings do write keeps its warning, and a shipped proxy config that
                    # does it is named above
                    finding.level = "note"
                    finding.message += ("; left unset, which the TLS-terminating proxy in front usually covers: "
                                        "whether one does is not established")
                check = finding.properties["django_check"]
                if check in silenced:
                    # Django's own reviewed suppression of the same check: kept, counted as suppressed
                    finding.suppression = {"kind": "inSource",
                                           "justification": f"{check} in SILENCED_SYSTEM_CHECKS ({module})"}
                elif finding.properties["sub"] == "allowed-hosts" and "*" in (settings["ALLOWED_HOSTS"].value
                                                                              if "ALLOWED_HOSTS" in settings else ()):
                    guard = _host_validating_middleware(project, settings)
                    if guard:
                        # the project answers unknown hosts itself (custom domains): kept, counted as suppressed
                        finding.suppression = {"kind": "inSource", "justification": (
                            f"ALLOWED_HOSTS '*' with the project's own host check: {guard} raises DisallowedHost")}
                # base.py shared by several production modules: one finding per place
                out.setdefault((finding.path, finding.line, finding.properties["sub"], finding.message), finding)
        return sorted(out.values(), key=Finding.sort_key)


# sub-checks about what the HTTPS front of a deployment does, which a proxy usually does instead of Django
_AT_THE_PROXY = frozenset({"hsts", "ssl-redirect"})


def _evaluate(module: str, s: dict[str, Value], rule_id: str) -> list[Finding]:
    found: list[Finding] = []

    def add(sub: str, name: str, django_id: str, cwe: int, what: str, level: str = "warning") -> None:
        v = s.get(name)
        path, line = (v.path, v.line) if v is not None else (module, 1)
        found.append(Finding(
            rule_id=rule_id, path=path, line=line, column=1, end_line=line, end_column=2, level=level,
            message=f"[{sub}] {what} (Django {django_id}; production settings {module})",
            engine="project", snippet=f"{sub}:{name}", symbol="",
            properties={"sub": sub, "django_check": django_id, "cwe": cwe, "settings_module": module,
                        "setting": name}))

    def value(name: str, default: Any) -> tuple[bool, Any]:
        v = s.get(name)
        return (True, default) if v is None else (v.known, v.value)

    def not_true(name: str) -> bool:
        known, val = value(name, False)
        return known and val is not True

    hosts_known, hosts = value("ALLOWED_HOSTS", [])
    if hosts_known and isinstance(hosts, list) and not hosts:
        add("allowed-hosts", "ALLOWED_HOSTS", "security.W020", 20, "ALLOWED_HOSTS is empty")
    elif hosts_known and isinstance(hosts, list) and "*" in hosts:
        add("allowed-hosts", "ALLOWED_HOSTS", "security.W020", 20,
            "ALLOWED_HOSTS contains '*': any Host header is accepted (cache poisoning, password-reset links to "
            "the attacker's host)")
    # a cookie flag matters only when the middleware that sets the cookie runs (MIDDLEWARE known)
    sessions = _middleware_enabled(s, _SESSION_MW)
    csrf = _middleware_enabled(s, _CSRF_MW)
    if sessions and not_true("SESSION_COOKIE_SECURE"):
        add("session-cookie", "SESSION_COOKIE_SECURE", "security.W012", 614,
            "SESSION_COOKIE_SECURE is not True: the session cookie is also sent over plain HTTP")
    if sessions and value("SESSION_COOKIE_HTTPONLY", True) == (True, False):
        add("session-cookie", "SESSION_COOKIE_HTTPONLY", "security.W013", 1004,
            "SESSION_COOKIE_HTTPONLY is False: scripts (and any XSS) can read the session cookie")
    if csrf and not_true("CSRF_COOKIE_SECURE"):
        add("csrf-cookie", "CSRF_COOKIE_SECURE", "security.W016", 614,
            "CSRF_COOKIE_SECURE is not True: the CSRF cookie is also sent over plain HTTP")
    _hsts(s, value, add)
    if not_true("SECURE_SSL_REDIRECT"):
        add("ssl-redirect", "SECURE_SSL_REDIRECT", "security.W008", 319,
            "SECURE_SSL_REDIRECT is not True: plain-HTTP requests are served, not redirected (if a proxy terminates "
            "TLS and redirects, set SECURE_PROXY_SSL_HEADER and suppress this with a reason)")
    _middleware(s, add)
    if value("SECURE_CONTENT_TYPE_NOSNIFF", True) == (True, False):
        add("nosniff", "SECURE_CONTENT_TYPE_NOSNIFF", "security.W006", 693,
            "SECURE_CONTENT_TYPE_NOSNIFF is False: browsers may sniff uploads as HTML or script")
    known, frame = value("X_FRAME_OPTIONS", "DENY")
    if known and frame != "DENY":
        add("frame", "X_FRAME_OPTIONS", "security.W019", 1021,
            f"X_FRAME_OPTIONS is {frame!r}, not 'DENY': pages can be framed (clickjacking)", level="note")
    if value("SECURE_REFERRER_POLICY", "same-origin") == (True, None):
        add("referrer", "SECURE_REFERRER_POLICY", "security.W022", 200,
            "SECURE_REFERRER_POLICY is None: full URLs (with tokens in query strings) leak to other sites",
            level="note")
    return found


def _hsts(s: dict[str, Value], value: Callable, add: Callable) -> None:
    known, seconds = value("SECURE_HSTS_SECONDS", 0)
    if not known:
        return
    if not seconds:
        add("hsts", "SECURE_HSTS_SECONDS", "security.W004", 319,
            "SECURE_HSTS_SECONDS is unset or 0: browsers are not told to insist on HTTPS (SSL stripping)")
        return
    if value("SECURE_HSTS_INCLUDE_SUBDOMAINS", False) == (True, False):
        add("hsts", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "security.W005", 319,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True: subdomains can still be reached over HTTP", level="note")
    if value("SECURE_HSTS_PRELOAD", False) == (True, False):
        add("hsts", "SECURE_HSTS_PRELOAD", "security.W021", 319,
            "SECURE_HSTS_PRELOAD is not True: the first visit is not protected by the browsers' preload list",
            level="note")


def _transport_level(finding: Finding, s: dict[str, Value]) -> None:
    """HSTS, the HTTPS redirect and the cookies' Secure flag keep the session from plain HTTP. Blind, every
    reviewer made them notes where the settings themselves leave that to the deployment: no session cookie at
    all (no SessionMiddleware: an API of bearer tokens), cookies declared not Secure on purpose
    (`SESSION_COOKIE_SECURE = False`: installs over plain HTTP are supported; the flags' own findings too, when
    set False rather than left unset), and, for the redirect, TLS ended by a proxy the settings name
    (SECURE_PROXY_SSL_HEADER set): redirecting is that proxy's job."""
    sub = finding.properties["sub"]
    if sub in ("session-cookie", "csrf-cookie"):
        if finding.properties["setting"] not in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE") or \
                finding.line == 1:
            return  # unset: the cookie flag's own finding stands
    if not _middleware_enabled(s, _SESSION_MW):
        why = "no SessionMiddleware: there is no session cookie for SSL stripping to take"
    elif any((v := s.get(n)) is not None and v.known and v.value is False
             for n in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")):
        why = "the settings set the cookies' Secure flag False on purpose: plain-HTTP installs are supported"
    elif sub == "ssl-redirect" and (v := s.get("SECURE_PROXY_SSL_HEADER")) is not None and v.known and v.value:
        why = f"SECURE_PROXY_SSL_HEADER is set ({v.path}:{v.line}): TLS ends at a proxy, whose job the redirect is"
    else:
        return
    finding.level = "note"
    finding.message += f"; {why} (whether the deployment serves HTTPS, and its proxy adds the header or " \
                       "redirect, was not traced)"


def _proxy_redirects_http(project: Any) -> str | None:
    """`path:line` of a shipped nginx server block on port 80 that redirects to https (TLS ends at the proxy,
    and it sends plain HTTP on before Django sees it), or None."""
    for rel, text in texts(project, lambda r: bool(_PROXY_CONF.search(r)) and r.count("/") <= 4):
        starts = [m.start() for m in _SERVER.finditer(text)] + [len(text)]
        for begin, end in zip(starts, starts[1:]):
            block = text[begin:end]
            found = _TO_HTTPS.search(block) if _LISTEN_80.search(block) else None
            if found:
                return f"{rel}:{text.count(chr(10), 0, begin + found.start()) + 1}"
    return None


# a shipped proxy config (nginx, Apache, Caddy, an ansible/helm template of one, a compose file's Traefik labels)
_HSTS_CONF = re.compile(r"(^|/)([^/]*(nginx|caddy|apache|httpd|traefik|proxy)[^/]*|[^/]*\.conf(\.template)?|"
                        r"Caddyfile[^/]*|[^/]*\.(j2|jinja2?|tmpl|tpl)|(docker-)?compose[^/]*\.ya?ml)$", re.I)
# the header set with a lifetime: nginx `add_header`, Apache `Header always set`, Caddy `header`; Traefik's
# `headers.stsSeconds` label
_HSTS_HEADER = re.compile(r"^[ \t]*(?:-[ \t]*)?(?:(?:add_header|Header[ \t]+(?:always[ \t]+)?set|header)[ \t]+[\"']?"
                          r"Strict-Transport-Security[\"']?[ \t]+[\"']?max-age=[1-9]|\S*stsSeconds[\"']?[ \t]*[=:][ \t]*"
                          r"[\"']?[1-9])", re.M | re.I)
# the block passes requests on to an application server: the header reaches the app's responses
_FORWARDS = re.compile(r"^[ \t]*(?:proxy_pass|uwsgi_pass|fastcgi_pass|scgi_pass|grpc_pass|reverse_proxy|ProxyPass)\b|"
                       r"traefik\.http\.routers\.", re.M | re.I)


def _proxy_sets_hsts(project: Any) -> str | None:
    """`path:line` of a shipped proxy config that adds Strict-Transport-Security to what it forwards to an
    application server (in an nginx file, within one server block that also passes requests on), or None. A
    config serving only static files (a frontend container's nginx) says nothing of the app's responses."""
    for rel, text in texts(project, lambda r: bool(_HSTS_CONF.search(r)) and r.count("/") <= 6):
        if "Strict-Transport-Security" not in text and "stsSeconds" not in text:
            continue
        starts = [m.start() for m in _SERVER.finditer(text)]
        blocks = zip([0] if not starts else starts, [*starts[1:], len(text)] if starts else [len(text)])
        for begin, end in blocks:
            block = text[begin:end]
            found = _HSTS_HEADER.search(block)
            if found and _FORWARDS.search(block):
                return f"{rel}:{text.count(chr(10), 0, begin + found.start()) + 1}"
    return None


# settings a shipped proxy config can stand in for: the lookup finding the config, and what the config does
_PROXY_DOES: dict[str, tuple[Callable[[Any], str | None], str]] = {
    "SECURE_HSTS_SECONDS": (_proxy_sets_hsts, "adds Strict-Transport-Security to the responses it forwards "
                                              "from the app"),
    "SECURE_SSL_REDIRECT": (_proxy_redirects_http, "redirects plain HTTP to https"),
}


# What gives a browser's request authority of its own: a session, Django's users, an auth middleware
_AMBIENT_APPS = ("django.contrib.auth", "django.contrib.sessions")
_AMBIENT_MW = re.compile(r"(?i)session|auth|login|user")


def _ambient_authority(s: dict[str, Value]) -> bool:
    """False only when the settings show no session or login at all: the middleware list is known and holds
    nothing for sessions or authentication, INSTALLED_APPS is known without django.contrib.auth/sessions, and
    REST_FRAMEWORK names no authentication classes. Anything unknown counts as authority."""
    mw, apps, rf = _middleware_entries(s), s.get("INSTALLED_APPS"), s.get("REST_FRAMEWORK")
    if mw is None or any(not isinstance(m, str) or _AMBIENT_MW.search(m) for m in mw):
        return True
    if apps is None or not apps.known or not isinstance(apps.value, (list, tuple)) or \
            any(not isinstance(a, str) or a.startswith(_AMBIENT_APPS) for a in apps.value):
        return True
    return rf is not None and (not rf.known or not isinstance(rf.value, dict) or
                               bool(rf.value.get("DEFAULT_AUTHENTICATION_CLASSES")))


def _redirect_left_to_proxy(s: dict[str, Value]) -> bool:
    """`SECURE_SSL_REDIRECT = False` written out beside a literal `SECURE_PROXY_SSL_HEADER` tuple: a decision,
    not an omission (a header read from the environment, or none, says nothing about the deployment)."""
    redirect, header = s.get("SECURE_SSL_REDIRECT"), s.get("SECURE_PROXY_SSL_HEADER")
    return redirect is not None and redirect.known and redirect.value is False and header is not None and \
        header.known and isinstance(header.value, (tuple, list)) and len(header.value) == 2


def _silenced(s: dict[str, Value]) -> set[str]:
    v = s.get("SILENCED_SYSTEM_CHECKS")
    if v is None or not v.known or not isinstance(v.value, (list, tuple)):
        return set()
    return {c for c in v.value if isinstance(c, str)}


def _middleware_enabled(s: dict[str, Value], middleware: str) -> bool:
    """False only when the middleware list is known and lacks it, or is unknown only through literal
    additions none of which is it (unknown lists: assume it runs)."""
    entries = _middleware_entries(s)
    return entries is None or middleware in entries


def _middleware_entries(s: dict[str, Value]) -> tuple | None:
    """Every entry MIDDLEWARE may hold: the folded list, or the list with its conditional literal additions
    (`if X: MIDDLEWARE = ["extra"] + MIDDLEWARE`); None when that cannot be told."""
    name = "MIDDLEWARE" if "MIDDLEWARE" in s else "MIDDLEWARE_CLASSES"
    v = s.get(name)
    if v is not None and v.known and isinstance(v.value, list):
        return tuple(v.value)
    return v.possible if v is not None else None


def _host_validating_middleware(project: Any, s: dict[str, Value]) -> str | None:
    """A MIDDLEWARE entry of the project whose code raises Django's DisallowedHost: with `ALLOWED_HOSTS =
    ["*"]` Django lets every Host through and this middleware is what rejects the unknown ones (a service
    that serves customers' own domains)."""
    name = "MIDDLEWARE" if "MIDDLEWARE" in s else "MIDDLEWARE_CLASSES"
    v = s.get(name)
    sm = getattr(project, "semantic", None)
    entries = v.value if v is not None and v.known and isinstance(v.value, list) else v.present if v else ()
    if sm is None:
        return None
    for entry in entries:
        if not isinstance(entry, str) or entry.startswith("django.") or "." not in entry:
            continue
        owner, _, attr = entry.rpartition(".")
        module = sm.find_module(owner)
        symbol = sm.resolve(module, attr) if module else None
        if symbol is None or symbol.kind not in ("class", "function"):
            continue
        code = [f for q, f in sm.functions.items() if q == symbol.qualname or q.startswith(symbol.qualname + ".")]
        if any((found := sm.resolve(f.module, callee)) is not None and found.qualname.endswith(
                "django.core.exceptions.DisallowedHost") for f in code for _line, callee in f.calls):
            return entry
    return None


def _middleware(s: dict[str, Value], add: Callable) -> None:
    name = "MIDDLEWARE" if "MIDDLEWARE" in s else "MIDDLEWARE_CLASSES"
    # a list only extended by literals under a condition (`if DEBUG: MIDDLEWARE = ["debug_toolbar..."] +
    # MIDDLEWARE`) lacks what none of its possible entries names
    entries = _middleware_entries(s)
    if entries is None:
        return
    for mw, django_id, cwe, what in ((_SEC_MW, "security.W001", 693, "no security headers or SSL redirect"),
                                     (_CSRF_MW, "security.W003", 352, "no CSRF protection on forms"),
                                     (_FRAME_MW, "security.W002", 1021, "no X-Frame-Options header")):
        if mw not in entries:
            if mw in (_CSRF_MW, _FRAME_MW) and _SESSION_MW not in entries and _AUTH_MW not in entries:
                # Django's CSRF and framing checks guard the login cookie its session and auth middleware read;
                # with neither, a credential in a cookie is the project's own (or there is none: a token API)
                add("middleware", name, django_id, cwe, f"{mw.rpartition('.')[2]} missing from {name}: {what}, "
                    "but Django's session and authentication middleware are not enabled either: whether the "
                    "project's own cookie credentials (if any) are exposed to cross-site requests or framing is not "
                    "traced", level="note")
                continue
            add("middleware", name, django_id, cwe, f"{mw.rpartition('.')[2]} missing from {name}: {what}")
