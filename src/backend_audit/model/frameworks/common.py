"""Vocabulary shared by the framework fact collectors and the inventory: names, patterns, literal values.

Everything here works on `ast` nodes or on plain strings; nothing imports the scanned code.
"""

from __future__ import annotations

import functools
from ...checks.lazy_re import re  # compiled on first use
import unicodedata
from typing import Any

import ast

from ...checks.base import FileContext, dotted, iter_nodes
from ...checks.util import is_literal_string, literal_text

WEB_PACKAGES = ("fastapi", "starlette", "flask", "quart", "django", "rest_framework", "ninja")

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE", "ANY"})

# Catalog §4 BA-AUTH-001: the default auth-dependency name pattern.
AUTH_DEPENDENCY = re.compile(
    r"(?i)(current_?(active_?)?(super)?user|get_?user|auth|(verify|validate|check)_?\w*(token|jwt|api_?key)"
    r"|require_\w+|permission"
    r"|login_required|admin)")
# Decorators that guard a handler (Flask, Django, flask-login, flask-jwt-extended, flask-security, and
# django-guardian's `permission_required_or_403` / `_or_404`, which answer the refusal themselves).
AUTH_DECORATOR = re.compile(
    r"(?i)^(login_required|jwt_required|fresh_jwt_required|auth_required|roles_required|roles_accepted"
    r"|permission_required|permissions_required|token_required|user_passes_test|staff_member_required"
    r"|superuser_required|admin_required|requires_auth|requires|http_auth_required|auth\.login_required"
    r"|login_required_\w+|\w+_required|\w+_required_or_40[34])$")
PUBLIC_DECORATOR = re.compile(r"(?i)^(public|allow_anonymous|login_not_required|csrf_exempt_public)$")
AUTH_MIXINS = frozenset({"LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin",
                         "AccessMixin", "StaffuserRequiredMixin", "SuperuserRequiredMixin",
                         "GroupRequiredMixin"})
FASTAPI_SECURITY = frozenset({"OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "OAuth2", "HTTPBearer",
                              "HTTPBasic", "HTTPDigest", "APIKeyHeader", "APIKeyCookie", "APIKeyQuery",
                              "OpenIdConnect", "SecurityScopes"})
RATE_LIMIT_DECORATOR = re.compile(r"(?i)(^|\.)(limit|ratelimit|rate_limit|throttle|limits|shared_limit)$")
# `n` / `k` / `top_k`: a search's result count (`n: int = 5` returns the top n) bounds the list like a limit
PAGINATION_PARAM = re.compile(r"(?i)^(limit|offset|page|page_?size|size|per_?page|cursor|skip|take|first|after"
                              r"|before|start|count|max_results|page_number|pagination|params|n|k|top_?[kn]?"
                              r"|num_results)$")

# Default public allow-list (catalog BA-AUTH-001 "Not flagged").
PUBLIC_PATHS = ("health", "healthz", "health-check", "healthcheck", "health_check", "livez", "readyz", "ping",
                "status", "metrics", "docs", "redoc", "openapi.json", "login", "logout", "token", "register",
                "signup", "password-reset*", "reset-password*", "forgot-password*", ".well-known/*", "robots.txt",
                "favicon.ico", "static", "schema", "swagger", "swagger-ui",
                # mail-client autoconfiguration (Outlook Autodiscover, Thunderbird autoconfig): the client asks
                # before it has credentials, anonymous by protocol, and is answered the server's public settings
                "autodiscover/autodiscover.xml", "Autodiscover/Autodiscover.xml", "autodiscover/autodiscover.json",
                "mail/config-v1.1.xml")
HEALTH_PATH = re.compile(r"(?i)^/?(api/)?(v\d+/)?(health|healthz|healthcheck|health-check|health_check|livez"
                         r"|readyz|ready|readiness|liveness|ping|status)/?$")


def pos(ctx: FileContext, node: ast.AST) -> dict[str, Any]:
    """A node's location and normalised snippet as plain data (for findings raised in the project pass)."""
    line, col, end_line, end_col = ctx.span(node)
    return {"line": line, "col": col, "end_line": end_line, "end_col": end_col,
            "snippet": " ".join(ctx.segment(node).split())[:300]}


def string_value(node: ast.AST | None) -> str | None:
    if node is not None and is_literal_string(node):
        return literal_text(node)
    return None


def literal(node: ast.AST | None) -> Any:
    """A JSON-able value for literal settings: strings, numbers, bools, None, lists/tuples/dicts of them.

    Dotted names become their dotted text (class references in settings); anything else is "<expr>".
    """
    if node is None:
        return None
    if is_literal_string(node):
        return literal_text(node)
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int, float))):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [literal(el) for el in node.elts if not isinstance(el, ast.Starred)]
    if isinstance(node, ast.Dict):
        out = {}
        for key, value in zip(node.keys, node.values):
            if key is not None:
                k = literal(key)
                if isinstance(k, str):
                    out[k] = literal(value)
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal(node.left), literal(node.right)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
    name = dotted(node)
    return name if name else "<expr>"


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def positional(call: ast.Call, index: int) -> ast.AST | None:
    pos_args = [a for a in call.args if not isinstance(a, ast.Starred)]
    return pos_args[index] if len(pos_args) > index else None


def last_name(ref: str | None) -> str:
    return (ref or "").rsplit(".", 1)[-1]


DEP_CALLS = ("Depends", "Security", "Provide", "Inject")
# one of them as a whole identifier in UTF-8 bytes ("Providence" is not one; a byte >= 0x80 may belong to
# an identifier)
_DEP_WORD = re.compile(rb"(?<![\w\x80-\xff])(?:Depends|Security|Provide|Inject)(?![\w\x80-\xff])")


@functools.lru_cache(maxsize=2)
def may_call_deps(text: str) -> bool:
    """Whether a dependency marker (DEP_CALLS) can be named anywhere in this source. False spares `dep_refs`
    the walk of every assignment's value (a module-level table of thousands of tuples). Searched in UTF-8
    bytes (CPython's search in a wide string is slow); the parser NFKC-normalises identifiers, so a text
    that NFKC changes is searched normalised too."""
    for candidate in (text, None):
        if candidate is None:
            if text.isascii() or unicodedata.is_normalized("NFKC", text):
                return False
            candidate = unicodedata.normalize("NFKC", text)
        data = candidate.encode("utf-8", "surrogatepass")
        if any(word.encode() in data for word in DEP_CALLS) and _DEP_WORD.search(data):
            return True
    return False


def may_name(text: str, word: str) -> bool:
    """Whether the ASCII identifier `word` can be named anywhere in this source: False spares a walk of
    every module-level statement (a data module's table of ten thousand tuples) looking for it. The parser
    NFKC-normalises identifiers and an identifier is bounded by ASCII (anything else outside a string or a
    comment does not parse), so a text NFKC changes holds the word normalised; searched in UTF-8 bytes
    (CPython's search in a wide string is slow)."""
    if text.isascii():
        return word in text
    if word.encode() in text.encode("utf-8", "surrogatepass"):
        return True
    return not unicodedata.is_normalized("NFKC", text) and word in unicodedata.normalize("NFKC", text)


def dep_refs(node: ast.AST | None) -> list[str]:
    """Callables named in `Depends(f)` / `Security(f)` inside an expression (lists, Annotated[...] too)."""
    out: list[str] = []
    if node is None:
        return out
    for call in iter_nodes(node, skip=()):
        if isinstance(call, ast.Call) and last_name(dotted(call.func)) in DEP_CALLS:
            target = positional(call, 0) or keyword(call, "dependency")
            if target is not None:
                name = dotted(target.func if isinstance(target, ast.Call) else target)
                if name:
                    out.append(name)
    return out


def annotation_text(ctx: FileContext, node: ast.AST | None) -> str | None:
    if node is None:
        return None
    return " ".join(ctx.segment(node).split())


def join_paths(*parts: str | None) -> str:
    """URL prefixes joined the way routers do: no doubled or missing slashes."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out.endswith("/") and part.startswith("/"):
            out += part[1:]
        elif out and not out.endswith("/") and not part.startswith("/"):
            out += "/" + part
        else:
            out += part
    if not out.startswith("/"):
        out = "/" + out
    return out


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()\\]|\\.|\([^()]*\))*\)")
_PLAIN_GROUP = re.compile(r"\((?!\?)(?:[^()\\]|\\.)*\)")
_CHAR_CLASS = re.compile(r"\[(?:[^\]\\]|\\.)+\](?:[+*?]|\{\d+(?:,\d*)?\})?|\\[dwsDWS][+*]?|\.[+*]")
_OPTIONAL_GROUP = re.compile(r"\(\?:((?:[^()\\]|\\.)*)\)\??")


def readable_regex(regex: str) -> str:
    """A `re_path` / `url()` pattern as the path people write: `^\\.well-known/jwks\\.json$` ->
    `.well-known/jwks.json`, `(?P<pk>\\d+)` -> `{pk}`; public-path matching and reports read this form."""
    text = regex.strip()
    if text.startswith("^"):
        text = text[1:]
    if text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1]
    text = _NAMED_GROUP.sub(lambda m: "{" + m.group(1) + "}", text)
    text = _PLAIN_GROUP.sub("{arg}", text)
    text = _CHAR_CLASS.sub("{arg}", text)  # `[^/]+`, `[a-z]{2}`: a variable part without a name
    text = _OPTIONAL_GROUP.sub(lambda m: m.group(1), text)
    text = text.replace("/?", "/").replace("\\Z", "")
    text = re.sub(r"\\(.)", r"\1", text)  # \. \- \/ -> the character
    return re.sub(r"/{2,}", "/", text)
