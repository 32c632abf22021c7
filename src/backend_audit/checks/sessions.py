"""Session and request-forgery checks: secrets compared with `==` (BA-AUTH-005), CSRF protection turned off
(BA-AUTH-006), cookies without Secure/HttpOnly (BA-AUTH-007)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use
from typing import Any

import ast

from .base import AstCheck, FileContext, dotted, iter_nodes
from .checker_compares import credential_check
from .config_classes import class_kind
from .endpoint_base import EndpointCheck
from .recognise import (UNKNOWN, in_test_branch, is_credential_name, is_cursor_or_count, is_dev_settings,
                        literal_value, snake, target_name)
from .util import decorator_names, defines_cli, expr_name, is_script_file

# --- BA-AUTH-005 -------------------------------------------------------------------------------------

_DIGEST_METHODS = frozenset({"hexdigest", "digest"})
_SIGNATURE_WORDS = frozenset({"signature", "sig", "hmac", "mac", "digest", "otp", "nonce"})
_NOT_SECRET_WORDS = frozenset({"type", "kind", "name", "id", "length", "len", "count", "status", "scope", "scopes",
                               "user", "owner", "expires", "expiry", "created", "algorithm", "alg", "format"})


_DATA_HASH = re.compile(r"(?i)(hash|checksum|etag|fingerprint|version|cache|crc|md5|sha\d*)$|^(last|old|prev|previous)_")
_VERB_FIRST = frozenset({"remove", "delete", "reset", "change", "set", "get", "update", "validate", "check", "create",
                         "generate", "make", "send", "verify", "rotate", "revoke", "refresh", "clear", "encrypt",
                         "decrypt", "hash", "edit", "add"})
_ENUM_OWNER = re.compile(r"(Type|Types|Kind|Enum|Action|Actions|Choices|Status|Mode|Event|Events|Reason|Category"
                         r"|Code|Codes|Error|Errors|State|States)$")  # `TokenErrorCode.TOKEN_INVALID`


_CLASS_NAME = re.compile(r"^_?[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")  # CamelCase with two humps or more


def _not_a_secret_holder(node: ast.AST) -> bool:
    """`bulk_edit.remove_password` (a function), `ActionType.PASSWORD_REMOVAL` (an enum member),
    `self.last_hash` (a change-detection hash of data)."""
    name = expr_name(node)
    if not name:
        return False
    words = snake(name).split("_")
    if words[0] in _VERB_FIRST and len(words) > 1:
        return True
    if is_cursor_or_count(name):
        return True  # `next_token == current_token`: a pagination cursor compared with the last one
    if name in _NOT_SECRET_WORDS and not isinstance(node, ast.Name):
        return True  # `cookie.get("name") == TOKEN_COOKIE`: which cookie, by its name, not its value
    if isinstance(node, ast.Attribute) and name.isupper() and (
            _ENUM_OWNER.search((dotted(node.value) or "").rpartition(".")[2]) or dotted(node.value) in ("self", "cls")):
        return True  # an enum member or a class constant (`self.REQUEST_TOKEN = "request"`)
    if isinstance(node, ast.Attribute) and name.isupper() and not is_credential_name(name) and \
            _CLASS_NAME.match((dotted(node.value) or "").rpartition(".")[2]):
        return True  # `ServiceTokenPreset.OPLOG_RW`: a member of a class, named for no secret, is a value in the source
    credential = next((i for i, w in enumerate(words) if is_credential_name(w)), None)
    if credential is not None and any(w in _NOT_SECRET_WORDS for w in words[credential + 1:]):
        return True  # `SERVICE_TOKEN_SCOPE_ANY`, `api_key_type_header`: a qualifier of the secret, not the secret
    return bool(_DATA_HASH.search(name)) and not ({"signature", "sig", "mac", "hmac", "token"} & set(words))


def _secret_side(node: ast.AST) -> str | None:
    """What makes one side of a comparison a secret: its name or a digest computed right there."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _DIGEST_METHODS:
            return f".{func.attr}()"
        if (dotted(func) or "") in ("hmac.new", "hmac.digest"):
            return "hmac"
        return None
    name = expr_name(node)
    if not name:
        return None
    words = snake(name).split("_")
    if words[-1] in _NOT_SECRET_WORDS:
        return None
    if is_credential_name(name) or any(w in _SIGNATURE_WORDS for w in words):
        return name
    return None


def _comparable(node: ast.AST) -> bool:
    """A value that can hold a secret: not a literal, not a number or length, not a boolean test."""
    if isinstance(node, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Compare,
                         ast.BoolOp, ast.UnaryOp)):
        return False
    if isinstance(node, ast.Call):
        name = (dotted(node.func) or "").rpartition(".")[2]
        return name in _DIGEST_METHODS or name in ("get", "new", "getattr", "getenv", "str", "bytes", "encode",
                                                   "decode", "strip", "lower", "upper", "getheader", "get_header")
    return literal_value(node) is UNKNOWN


_CONFIRM_WORDS = frozenset({"again", "confirm", "confirmation", "confirmed", "repeat", "repeated", "retype", "verify",
                            "check", "2", "1", "new", "old", "current"})


def _words(name: str) -> set[str]:
    """`password2` -> {"password", "2"}: Django's forms number the confirmation field."""
    out: set[str] = set()
    for w in snake(name).split("_"):
        m = re.fullmatch(r"(\D+)(\d)", w)
        out.update(m.groups() if m else (w,))
    return out


def _same_family(a: str | None, b: str | None) -> bool:
    """`password` and `password_again`, `new_password` and `confirm_password`: two values the same user typed,
    compared for a typo, not a secret checked against a stored one."""
    if not a or not b or a == b:
        return False  # `account.api_key == api_key`: the stored one against the one sent
    wa, wb = _words(a), _words(b)
    return bool((wa | wb) & _CONFIRM_WORDS) and bool(wa - _CONFIRM_WORDS) and \
        (wa - _CONFIRM_WORDS) == (wb - _CONFIRM_WORDS)


# Constants that mark "no real value here" (`ENCRYPTED_PASSWORD_PLACEHOLDER`): comparing with them reveals nothing.
_SENTINEL = re.compile(r"^[A-Z0-9_]*(PLACEHOLDER|SENTINEL|UNSET|EMPTY|MASK|MASKED|REDACTED|DUMMY|NOT_SET|MISSING)"
                       r"[A-Z0-9_]*$")


# Test doubles (`FakeHasher.verify`) and "do the two fields match" validators (`passwords_match`).
_FAKE_OR_CONFIRM = re.compile(r"(^|\.)(Fake|Dummy|Mock|Stub|Plain|Null)\w*|(?i:(match|same|equal|again|confirm_?pass)\w*$)")


# `select(User).where(User.token == token)`: an ORM column expression builds SQL, Python compares nothing
_QUERY_CALLS = frozenset({"where", "filter", "filter_by", "having", "select", "join", "outerjoin", "and_", "or_",
                          "not_", "exclude", "query", "first_or_404", "one_or_none", "case"})


def _in_query(parents: list[ast.AST]) -> bool:
    for p in reversed(parents):
        if isinstance(p, (ast.BoolOp, ast.UnaryOp, ast.keyword, ast.Tuple, ast.List)):
            continue
        if not isinstance(p, ast.Call):
            return False
        func = p.func  # `select(User).where`: a method of a call's result has no dotted name
        return (func.attr if isinstance(func, ast.Attribute) else dotted(func) or "") in _QUERY_CALLS
    return False


# Key-derivation and password-hashing functions: what they return from a guess cannot be steered byte by byte.
_KDF_CALLS = frozenset({"pbkdf2_hmac", "scrypt", "hashpw", "pbkdf2", "derive", "argon2", "hash_secret_raw"})
_REQUEST_PARTS = frozenset({"cookies", "COOKIES", "form", "POST", "GET", "args", "headers", "json", "data",
                            "query_params", "values", "META", "authorization"})
# Parts of a request handed on by themselves (`def verify(headers): headers.get("X-Secret")`): a value read
# out of them is still one the caller sent
_HANDED_PARTS = frozenset({"headers", "META", "cookies", "COOKIES", "query_params"})


# Falcon's request accessors (`req.get_header("Authorization")`, `req.get_param("token")`)
_REQUEST_METHODS = frozenset({"get_header", "get_param", "get_cookie_values", "get_media"})


def _from_request(expr: ast.AST) -> str | None:
    """`request.cookies.get("g_csrf_token")`, `await request.form()`, `headers.get("X-Action-Secret")`,
    `req.get_header("Authorization")`: a value the caller sent."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Attribute) and (n.attr in _REQUEST_PARTS or n.attr in _REQUEST_METHODS) and \
                (dotted(n.value) or "").rpartition(".")[2] in ("request", "req"):
            return n.attr
        if isinstance(n, (ast.Call, ast.Subscript)):
            holder = n.func.value if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                n.func.attr in ("get", "getlist") else n.value if isinstance(n, ast.Subscript) else None
            part = (dotted(holder) or "").rpartition(".")[2] if holder is not None else ""
            if part in _HANDED_PARTS:
                return part
    return None


# Calls that only read, normalise or cut up what the request carries (`auth_header.split(" ")[1]`: the bearer
# token itself).
_ACCESSORS = frozenset({"get", "form", "json", "get_json", "getlist", "lower", "upper", "strip", "decode", "encode",
                        "str", "getheader", "get_header", "split", "rsplit", "partition", "removeprefix",
                        "get_param", "get_cookie_values"})
# Reads of the deployment's configuration: `settings.X`, `getattr(settings, "X")`, `os.environ["X"]`,
# `os.getenv(name)`, `app.config["X"]`: what a value compared there is checked against is a configured secret
_CONFIG_HOLDERS = frozenset({"settings", "config", "conf", "environ"})
_ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})


def _configured(expr: ast.AST) -> str | None:
    """The text of a configuration read (`settings.Y_PROVIDER_API_KEY`, `os.getenv(...)`), or None."""
    if isinstance(expr, ast.Call):
        name = dotted(expr.func) or ""
        if name in _ENV_CALLS or name.endswith(".config.get") or name == "config.get":
            return _code_of(expr)
        if name == "getattr" and len(expr.args) >= 2 and \
                (dotted(expr.args[0]) or "").rpartition(".")[2] in _CONFIG_HOLDERS:
            return _code_of(expr)
        return None
    holder = expr.value if isinstance(expr, (ast.Attribute, ast.Subscript)) else None
    if holder is not None and (dotted(holder) or "").rpartition(".")[2] in _CONFIG_HOLDERS:
        return _code_of(expr)
    return None


def _configured_secret(expr: ast.AST) -> str | None:
    """A configuration read whose key names a secret (`settings.Y_PROVIDER_API_KEY`,
    `getattr(settings, "Y_PROVIDER_API_KEY", None)`, `settings.SERVER_TO_SERVER_API_TOKENS`): the key."""
    if _configured(expr) is None:
        return None
    key = expr.attr if isinstance(expr, ast.Attribute) else \
        literal_value(expr.slice) if isinstance(expr, ast.Subscript) else \
        literal_value(expr.args[1] if (dotted(expr.func) or "") == "getattr" else expr.args[0]) \
        if isinstance(expr, ast.Call) and expr.args else None
    if not isinstance(key, str):
        return None
    words = snake(key).split("_")
    plural = {w[:-1] for w in words if w.endswith("s")}
    return key if is_credential_name(key) or {"key", "token", "secret"} & plural or \
        (len(words) > 1 and words[-1] == "key" and words[-2] in _KEY_KINDS) else None


# a function named for checking a presented credential
_CHECKER = re.compile(r"(?i)(valid|verif|check|auth|compare|match).*(token|key|secret|password|signature|credential)|"
                      r"(token|key|secret|password|signature|credential).*(valid|verif|check|match)")
_KEY_KINDS = frozenset({"api", "access", "auth", "secret", "private", "signing", "shared", "webhook", "master"})
# object equality: `__eq__` compares an instance's fields with another's, no caller's guess with a secret
_EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__"})
# fact keys: compares of a parameter with a configured secret, and calls that pass request data on
# (secret_callers.py joins them)
PARAM_SECRET_COMPARES = "param_secret_compares"
REQUEST_ARG_CALLS = "request_arg_calls"


# Every spelling `_configured` and `_from_request` recognise contains one of these (the file-text gates)
_CONFIG_WORDS = ("settings", "conf", "environ", "getenv")
_REQUEST_WORDS = ("req", "headers", "META", "cookies", "COOKIES", "query_params")


def _computed(expr: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and (dotted(n.func) or getattr(n.func, "attr", "")).rpartition(".")[2]
               not in _ACCESSORS for n in ast.walk(expr))


def _url_kwarg(node: ast.AST) -> bool:
    """`self.kwargs["environment_api_key"]`: a class view's URL path parameter."""
    return isinstance(node, ast.Subscript) and dotted(node.value) == "self.kwargs"


def _code_of(node: ast.AST) -> str:
    return ast.unparse(node)[:60]


def _derived_key(expr: ast.AST) -> str | None:
    for n in ast.walk(expr):
        if isinstance(n, ast.Call):
            name = (dotted(n.func) or "").rpartition(".")[2]
            if name in _KDF_CALLS:
                return name
    return None


# Text conversions that hand their one argument back as str or bytes (Django's encoding helpers): what is
# compared is that argument, under its own name
_TEXT_CONVERSIONS = frozenset({"smart_str", "force_str", "smart_bytes", "force_bytes", "smart_text", "force_text"})
# The methods that decide whether a caller is let in (a DRF/Django authentication class or backend, a
# permission class): a value compared there is a credential even when its name ends in `_id`
_AUTHENTICATORS = re.compile(r"^(authenticate\w*|has_(object_)?permission|check_(token|secret|credentials?))$")


def _unwrap(node: ast.expr) -> ast.expr:
    """`smart_str(msgrcpt.mail.secret_id)` -> `msgrcpt.mail.secret_id`."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and \
            (dotted(node.func) or "").rpartition(".")[2] in _TEXT_CONVERSIONS:
        return node.args[0]
    return node


def _credential_id(node: ast.AST) -> str | None:
    """`secret_id`, `token_id`: a credential word with `id` after it: an identifier of the secret in most code
    (a foreign key), the secret itself where an authenticator compares it with what the caller sent."""
    name = expr_name(node)
    words = snake(name).split("_") if name else []
    return name if len(words) >= 2 and words[-1] == "id" and is_credential_name(words[-2]) else None


class SecretComparedWithEquals(AstCheck):
    RULE_ID = "BA-AUTH-005"
    # a call handing request data to a credential check (visit_Call) needs no comparison in its own file
    PREFILTER = ("==", "!=", "token", "Token", "secret", "Secret", "key", "Key", "password", "Password", "signature",
                 "credential")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.cli: bool | None = None  # known once the module's imports have been walked
        self._bound: dict[int, dict[str, list[ast.expr]]] = {}  # per function: what each name was bound to
        # Gates on the file's text, as bandit's triggers: a configuration read or a request value is spelled
        # with one of these words, so a file without them cannot have one and every comparison in it skips the
        # search (a non-ASCII file may spell them by NFKC-equivalent letters: never gated)
        text = ctx.text
        plain = text.isascii()
        self.may_configure = not plain or any(w in text for w in _CONFIG_WORDS)
        self.may_request = not plain or any(w in text for w in _REQUEST_WORDS)

    def visit_Compare(self, node: ast.Compare) -> None:
        if self.cli is None:
            # a command-line tool (a Django management command included) has no remote caller to time it
            self.cli = defines_cli(self.ctx) or "management/commands/" in self.ctx.path or \
                is_script_file(self.ctx.path)
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if self.cli or len(node.ops) != 1 or _FAKE_OR_CONFIRM.search(self.ctx.symbol) or \
                fn is not None and fn.name in _EQUALITY_METHODS:
            return
        if isinstance(node.ops[0], (ast.In, ast.NotIn)):
            self._membership(node)
            return
        if not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = _unwrap(node.left), _unwrap(node.comparators[0])
        if not (_comparable(left) and _comparable(right)):
            return
        keyed = {id(s) for s in (left, right) if fn is not None and _AUTHENTICATORS.match(fn.name) and
                 _credential_id(s)}
        what = _secret_side(left) or _secret_side(right) or next(
            (expr_name(s) for s in (left, right) if id(s) in keyed), None) or \
            self._origin(left, _configured_secret) or self._origin(right, _configured_secret) or \
            credential_check(fn, self.ctx.parents, node)
        if what is None or id(left) not in keyed and _not_a_secret_holder(left) or \
                id(right) not in keyed and _not_a_secret_holder(right) or _same_family(expr_name(left), expr_name(right)) or self._loop_item(left, right) or \
                any(isinstance(x, ast.Name) and _SENTINEL.search(x.id) for x in (left, right)) or self._sync(node) or \
                _in_query(self.ctx.parents):
            return
        if self._origin(left, _from_request) and self._origin(right, _from_request):
            return  # a double-submit CSRF check: the caller sent both values, timing tells them nothing new
        if isinstance(node.ops[0], ast.Eq) and self._match_rejects(node):
            return
        op = '==' if isinstance(node.ops[0], ast.Eq) else '!='
        if {"test", "e2e", "testing"} & set(snake(what).split("_")):
            self.report(node, f"{what} compared with {op}: a secret named for tests (an end-to-end or test "
                              "deployment's token), so the timing leak is minor; whether it is ever set in production "
                              "is not traced (hmac.compare_digest(a, b) removes the leak)", level="note")
            return
        path_param = next((_code_of(s) for s in (left, right) if _url_kwarg(s)), None)
        if path_param:
            self.report(node, f"{what} compared with {op} against the URL path parameter {path_param}: a value the "
                              "URL carries sits in logs and browser history and is no strong secret, and a class "
                              "view's permission classes see it before the handler; whether this compare is the "
                              "only check of it is not traced (hmac.compare_digest(a, b) removes the leak)",
                        level="note")
            return
        kdf = self._origin(left, _derived_key) or self._origin(right, _derived_key)
        if kdf:
            self.report(node, f"{what} compared with {op}: one side is a key derived from the guess by {kdf}(), "
                              "whose bytes an attacker cannot steer one at a time, so the timing leak is of little "
                              "use; hmac.compare_digest(a, b) still removes it", level="note")
            return
        sent = self._origin(left, _from_request) or self._origin(right, _from_request)
        configured = self._origin(left, _configured) or self._origin(right, _configured)
        if not sent and configured and self._param_against_config(node, left, right, what, op, configured):
            return
        if not sent:
            # a secret only a caller who can probe it makes a timing leak: the blind reviews found the unprobed
            # ones (enum members, pagination cursors, values of a verified token, start-up checks) false far more
            # often than not, so without a value traced to the request this is a note
            self.report(node, f"{what} compared with {op}: the comparison stops at the first differing byte; "
                              "whether either side is a value a caller sends (a token, key or password from the "
                              "request against a stored secret) is not traced; hmac.compare_digest(a, b) removes "
                              "the leak", level="note")
            return
        literal = self._source_literal(left) or self._source_literal(right)
        if literal:
            # blind set O: a webhook's "token" that is a constant of the public source; timing reveals nothing a
            # reader of the code lacks (that such a value authenticates anything is the problem, not the compare)
            self.report(node, f"{what} compared with {op}: one side comes from the request ({sent}), the other is "
                              f"{literal}, a string the source itself holds, so the timing leaks nothing a reader "
                              "of the code lacks; whether a value shipped in the source should authenticate "
                              "callers at all is not traced (hmac.compare_digest(a, b) removes the leak)",
                        level="note")
            return
        against = f"; origin traced: request value against a configured secret ({configured})" if configured else ""
        self.report(node, f"{what} compared with {op}: one side comes from the request ({sent}){against}, and the "
                          "comparison stops at the first differing byte, so response times leak how much of a "
                          "guess is right; use hmac.compare_digest(a, b)")

    def _membership(self, node: ast.Compare) -> None:
        """`token not in settings.SERVER_TO_SERVER_API_TOKENS`: `in` compares the request's value with each
        configured secret by `==`, byte by byte (blind set T)."""
        left, right = _unwrap(node.left), _unwrap(node.comparators[0])
        key = self._origin(right, _configured_secret)
        sent = key and self._origin(left, _from_request)
        if not sent:
            return
        op = "not in" if isinstance(node.ops[0], ast.NotIn) else "in"
        self.report(node, f"a value from the request ({sent}) looked up with `{op}` among the configured secrets "
                          f"{key}: origin traced, request value against a configured secret; membership compares "
                          "with == entry by entry, stopping at the first differing byte; use "
                          "any(hmac.compare_digest(value, s) for s in secrets)")

    def _param_against_config(self, node: ast.Compare, left: ast.AST, right: ast.AST, what: str, op: str,
                              configured: str) -> bool:
        """A parameter compared with a configured secret (`def validate_token(token, name): return token ==
        os.getenv(name)`): whether a caller hands it request data is the project pass's question
        (secret_callers.py); the finding waits there as a note."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        params = [a.arg for a in fn.args.args + fn.args.kwonlyargs] if fn is not None else []
        side = next((s for s in (left, right) if isinstance(s, ast.Name) and s.id in params), None)
        if side is None:
            return False
        self.report(node, f"{what} compared with {op} against a configured secret ({configured}): the comparison "
                          "stops at the first differing byte; whether a caller hands the parameter "
                          f"{side.id} a value from the request is not traced; hmac.compare_digest(a, b) removes "
                          "the leak", level="note")
        index = fn.args.args.index(next(a for a in fn.args.args if a.arg == side.id)) \
            if any(a.arg == side.id for a in fn.args.args) else None
        method = bool(fn.args.args) and fn.args.args[0].arg in ("self", "cls") and \
            isinstance(self.ctx.parents[0] if self.ctx.parents else None, ast.ClassDef)
        self.ctx.facts.setdefault(PARAM_SECRET_COMPARES, []).append({
            "finding": self.ctx.findings.pop().to_dict(), "function": self.ctx.symbol,
            "param": side.id, "index": None if index is None else index - int(method)})
        return True

    def visit_Call(self, node: ast.Call) -> None:
        """Calls in a function that hand on a value traced to the request, for secret_callers.py: only calls
        whose callee is named for checking a credential (`validate_token`, `check_api_key`)."""
        if not self.may_request or not self.ctx.function_stack:
            return  # nothing here can be traced to the request
        callee = dotted(node.func)
        if not callee or not _CHECKER.search(callee.rpartition(".")[2]):
            return
        passed = [(i, a) for i, a in enumerate(node.args)] + [(k.arg, k.value) for k in node.keywords if k.arg]
        for where, value in passed:
            sent = self._origin(value, _from_request)
            if sent:
                self.ctx.facts.setdefault(REQUEST_ARG_CALLS, []).append(
                    {"caller": self.ctx.symbol, "callee": callee, "arg": where, "sent": sent, "line": node.lineno})

    def _source_literal(self, side: ast.AST) -> str | None:
        """The name of a module-level variable bound once, to a string literal, in this module's top-level
        statements (asked only for a compare about to be a warning)."""
        tree = self.ctx.tree
        if not isinstance(side, ast.Name) or tree is None:
            return None
        values = [st.value for st in tree.body if isinstance(st, (ast.Assign, ast.AnnAssign))
                  for t in (st.targets if isinstance(st, ast.Assign) else [st.target])
                  if isinstance(t, ast.Name) and t.id == side.id]
        # a placeholder a start-up function fills (`TOKEN = ""`, then `global TOKEN`) holds the real secret
        if len(values) == 1 and isinstance(values[0], ast.Constant) and isinstance(values[0].value, str) and \
                values[0].value.strip() and not re.search(rf"\bglobal\b[^\n]*\b{re.escape(side.id)}\b", self.ctx.text):
            return side.id
        return None

    def _bindings(self) -> dict[str, list[ast.expr]]:
        """The enclosing function's `name = value` bindings, made once per function (every comparison in it
        asks for them, several times)."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None:
            return {}
        bound = self._bound.get(id(fn))
        if bound is None:
            bound = self._bound[id(fn)] = {}
            for n in self.ctx.own_nodes(fn):
                if isinstance(n, ast.Assign) and len(n.targets) == 1:
                    # `scheme, token = header.split()`: each name holds a part of the value
                    for t in n.targets[0].elts if isinstance(n.targets[0], ast.Tuple) else n.targets:
                        if isinstance(t, ast.Name):
                            bound.setdefault(t.id, []).append(n.value)
        return bound

    def _origin(self, side: ast.AST, test: Any) -> str | None:
        """`test` of the side itself, or of what the function binds a name on it to (two steps back:
        `form = await request.form()`, `body = form.get("csrf")`)."""
        if test is _from_request and not self.may_request or \
                test in (_configured, _configured_secret) and not self.may_configure:
            return None
        bound = self._bindings()
        todo, followed = [side], set()
        while todo:
            if test is _from_request and _computed(todo[-1]):
                return None  # `hmac.new(key, request.data).hexdigest()`: the expected value, made from a secret
            found = test(todo[-1])
            if found:
                return found
            names = [n.id for n in ast.walk(todo.pop()) if isinstance(n, ast.Name) and n.id in bound]
            for name in names:
                if name not in followed and len(followed) < 8:
                    followed.add(name)
                    todo.extend(bound[name])
        return None

    def _match_rejects(self, node: ast.Compare) -> bool:
        """`if self.last_token == token: raise OtpTokenInvalid("already used")`, `if pepper_a == pepper_b: raise
        ValueError`: equality is the failure, so a guess that matches is refused; timing can only reveal a value
        that is no use to the caller (a spent code, a misconfiguration)."""
        parents = self.ctx.parents
        i = len(parents) - 1
        while i >= 0 and isinstance(parents[i], ast.BoolOp) and isinstance(parents[i].op, ast.And):
            i -= 1  # `if last is not None and last == token:` still rejects only on a match
        branch = parents[i] if i >= 0 else None
        return isinstance(branch, ast.If) and not branch.orelse and len(branch.body) == 1 and \
            isinstance(branch.body[0], ast.Raise) and (branch.test is node or i < len(parents) - 1 and
                                                       branch.test is parents[i + 1])

    def _sync(self, node: ast.Compare) -> bool:
        """`if stored != current: stored = current`: keeping a copy up to date, not deciding access."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if not (isinstance(parent, ast.If) and parent.test is node and len(parent.body) == 1 and
                isinstance(parent.body[0], ast.Assign) and not parent.orelse):
            return False
        assign = parent.body[0]
        sides = {ast.dump(node.left), ast.dump(node.comparators[0])}
        return ast.dump(assign.value) in sides

    def _loop_item(self, *sides: ast.AST) -> bool:
        """One side is the item of a loop over a collection (`for p in leaked: if password == p`): a search
        through known values, not a check against a secret."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None:
            return False
        targets = {n.id for loop in iter_nodes(fn.body) if isinstance(loop, (ast.For, ast.comprehension))
                   for n in iter_nodes(loop.target, skip=()) if isinstance(n, ast.Name)}
        return any(isinstance(s, ast.Name) and s.id in targets for s in sides)


# --- BA-AUTH-006 -------------------------------------------------------------------------------------

_CSRF_EXEMPT = frozenset({"csrf_exempt", "django.views.decorators.csrf.csrf_exempt"})
_SAFE_ONLY = frozenset({"require_GET", "require_safe", "require_http_methods"})
# A body that checks a signature or a bearer token authenticates the request itself: no cookie, no CSRF.
_VERIFIES = re.compile(r"compare_digest|hmac|signature|verify|construct_event|HTTP_AUTHORIZATION|Authorization|"
                       r"authenticate_credentials|bearer|api_key|validate_token|check_token|signing|unsign|"
                       r"SessionStore|PermissionDenied|"
                       # an OAuth callback: python-social-auth's do_complete and authlib check the `state` bound to
                       # the visitor's session, the CSRF defence of a provider's (form_post) answer
                       r"do_complete|authorize_access_token", re.I)
# What makes a forged cross-site request act for the visitor: the session or a cookie the view reads, or a
# login the view requires. A csrf_exempt view with none of these (an API-key endpoint, a public ping) gives a
# forged request nothing a direct one lacks, unless a helper it calls reads the session (not traced).
# (`request.user`, Flask's bare `session[...]`; not `profile.user` of a model, not SQLAlchemy's `db.session`)
_SESSION_USE = re.compile(r"request\.(user|session|COOKIES|auth)\b|(?<![\w.])session(\[|\.get\()|COOKIES|"
                          r"\blogin\(|\blogout\(|authenticate\(|current_user|get_user\(")
_LOGIN_GATES = re.compile(r"login_required|permission_required|user_passes_test|staff_member_required|"
                          r"LoginRequired|PermissionRequired|UserPassesTest|IsAuthenticated")
_WTF_KEYS = frozenset({"WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT", "CSRF_ENABLED"})
# An identity provider's answer: a SAML assertion consumer (python3-saml's process_response, pysaml2's
# parse_authn_request_response) or an OpenID Connect form_post callback is POSTed cross-site by design and cannot
# carry the site's CSRF token; the signed assertion, and the request id or state bound to the session, stand in
_PROTOCOL_ANSWER = re.compile(r"process_response\(|parse_authn_request_response|SAMLResponse|"
                              r"AssertionConsumerService|\bid_token\b|fetch_token\(", re.I)
# What a view body changes: a model or file written, the session written, a request sent on, a command run
_CHANGES = re.compile(r"\.(save|delete|create|update|insert|remove|add|set|mark|write|commit|execute|send|clear|"
                      r"flush|pop|bulk|upload|put|post|patch|destroy|revoke|grant|enable|disable|reset|move|rename|"
                      r"copy|approve|reject|publish|archive|restore|import|login|logout)\w*\(|session\[|"
                      r"(?<![\w.])(?!self\.)[a-z_]\w*\.\w+\s*=(?!=)|\bdel\s|\bsetattr\(|requests\.(?!get\b)|"
                      r"\b(os|shutil|subprocess)\.|call_command|super\(\)\.(post|put|patch|delete|dispatch)", re.I)
# Bases that answer no request themselves: a class built only on them does what its own methods do
_PLAIN_VIEW_BASES = frozenset({"View", "TemplateView", "LoginRequiredMixin", "PermissionRequiredMixin",
                               "UserPassesTestMixin", "AccessMixin", "object"})


class _ConfigAware(AstCheck):
    """Knows whether the code being visited is test or development configuration (a dev settings module,
    an `if TESTING:` branch, a `TestingConfig` class), where switching protections off is expected."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.dev_module = is_dev_settings(ctx.path)
        self.if_stack: list[ast.If] = []
        self.classes: list[str] = []

    def visit_If(self, node: ast.If) -> None:
        self.if_stack.append(node)

    def leave_If(self, node: ast.If) -> None:
        self.if_stack.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.pop()

    def _dev(self) -> bool:
        return self.dev_module or in_test_branch(self.if_stack, self.ctx) or \
            any(class_kind(c) for c in self.classes)


class CsrfProtectionDisabled(_ConfigAware):
    RULE_ID = "BA-AUTH-006"
    PREFILTER = ("csrf_exempt", "CSRF_")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        super().visit_ClassDef(node)
        self._exempt(node, node.name, node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._exempt(node, node.name, node.body)

    def _exempt(self, node: ast.AST, name: str, body: list[ast.stmt]) -> None:
        decorators = decorator_names(node)
        tails = {d.rpartition(".")[2] for d in decorators}
        exempt = "csrf_exempt" in tails or any(
            isinstance(d, ast.Call) and (dotted(d.func) or "").endswith("method_decorator") and d.args and
            (dotted(d.args[0]) or "").endswith("csrf_exempt") for d in node.decorator_list)
        if not exempt:
            return
        if "require_http_methods" in tails:
            methods = [literal_value(d.args[0]) for d in node.decorator_list if isinstance(d, ast.Call) and
                       (dotted(d.func) or "").endswith("require_http_methods") and d.args]
            if methods and all(isinstance(m, list) and set(m) <= {"GET", "HEAD", "OPTIONS"} for m in methods):
                return
        elif tails & _SAFE_ONLY:
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "dispatch" and self.classes:
            cls = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
            body = cls.body if cls is not None else body  # the exemption covers every method of the view
        code = "\n".join(self.ctx.segment(s) for s in body)
        if _VERIFIES.search(code):
            return  # a webhook verifying its signature, or a token-authenticated endpoint
        owner = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        gates = " ".join([*decorators, *(dotted(b) or "" for b in getattr(owner or node, "bases", ()))])
        if _PROTOCOL_ANSWER.search(code):
            self.report(node, f"@csrf_exempt on {name}, which takes an identity provider's answer (a SAML assertion, "
                              "an OpenID Connect callback): the provider posts it cross-site and cannot send the "
                              "CSRF token; the answer's signature, and the request id or state kept in the session, "
                              "are the check (not traced here)", level="note", key_node=_decorator(node, "csrf_exempt"))
            return
        if not _SESSION_USE.search(code) and not _LOGIN_GATES.search(gates):
            self.report(node, f"@csrf_exempt on {name}, which reads no session, cookie or logged-in user and "
                              "requires no login: a forged cross-site request can do no more than a direct one, "
                              "unless something it calls reads the session (not traced)", level="note",
                        key_node=_decorator(node, "csrf_exempt"))
            return
        if not _CHANGES.search(code) and _own_handlers(node, owner):
            # a forged request rides the cookie but cannot read the answer: only a change it causes harms
            self.report(node, f"@csrf_exempt on {name}, which changes nothing this code shows (no save, create, "
                              "update or delete, no session write, no request sent on): a forged cross-site request "
                              "cannot read its answer, unless something it calls changes state (not traced)",
                        level="note", key_node=_decorator(node, "csrf_exempt"))
            return
        self.report(node, f"@csrf_exempt on {name}: a page on any other site can submit this form with the "
                          "visitor's session cookie; remove it and send the CSRF token (or authenticate with a "
                          "token and verify it here)", key_node=_decorator(node, "csrf_exempt"))

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func) or ""
        if name.rpartition(".")[2] == "csrf_exempt" and node.args and (self.ctx.qualname(node.func) or name) in \
                _CSRF_EXEMPT and isinstance(node.args[0], (ast.Attribute, ast.Call)) and \
                not _VERIFIES.search(self.ctx.segment(node.args[0])):
            # path("hook/", csrf_exempt(views.Update.as_view())): the URLconf spelling
            self.report(node, "csrf_exempt(...) in the URLconf turns CSRF protection off for this view; remove it "
                              "and send the CSRF token")
            view = node.args[0]
            if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view" \
                    and dotted(view.func.value):
                # a class view: which methods it answers is in its class, perhaps another module (csrf_views.py)
                route = self.ctx.parents[-1] if self.ctx.parents else None
                pattern = literal_value(route.args[0]) if isinstance(route, ast.Call) and route.args else None
                self.ctx.findings[-1].properties = {"view": dotted(view.func.value),
                                                    "route": pattern if isinstance(pattern, str) else ""}
                self.ctx.facts.setdefault("csrf_exempt_views", []).append(self.ctx.findings.pop().to_dict())
            return
        for kw in node.keywords:
            if kw.arg in _WTF_KEYS and literal_value(kw.value) is False:
                self._wtf(kw, kw.arg)

    def visit_Assign(self, node: ast.Assign) -> None:
        if literal_value(node.value) is not False:
            return
        for target in node.targets:
            name = target_name(target)
            if name in _WTF_KEYS:
                self._wtf(node, name)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            k = literal_value(key) if key is not None else None
            if k in _WTF_KEYS and literal_value(value) is False:
                self._wtf(value, k)

    def _wtf(self, node: ast.AST, name: str) -> None:
        if self._dev():
            return  # test and development configuration may switch CSRF off
        self.report(node, f"{name} = False switches Flask-WTF's CSRF protection off: any site can submit this "
                          "app's forms with the visitor's session cookie")


def _own_handlers(node: ast.AST, owner: ast.ClassDef | None) -> bool:
    """The exempted code is all the view does: a function view, or a class whose bases answer nothing (a
    GraphQL or upload base class would do its work out of sight)."""
    cls = node if isinstance(node, ast.ClassDef) else owner if getattr(node, "name", "") == "dispatch" else None
    return cls is None or all((dotted(b) or "").rpartition(".")[2] in _PLAIN_VIEW_BASES for b in cls.bases)


def _decorator(node: ast.AST, tail: str) -> ast.AST:
    for d in node.decorator_list:
        if tail in (dotted(d.func if isinstance(d, ast.Call) else d) or "") or tail in ast.dump(d):
            return d
    return node


# --- BA-AUTH-007 -------------------------------------------------------------------------------------

_SENSITIVE_COOKIE = re.compile(r"(?i)(sess|auth|token|jwt|remember|login|sid\b|^sid|user_?id|access|refresh|"
                               r"csrf|xsrf|identity|credential|api_?key)")
_PLAIN_COOKIE = re.compile(r"(?i)(language|lang|locale|theme|consent|timezone|tz_|currency|country|banner|"
                           r"tracking|analytics|dismiss)")
_CSRF_COOKIE = re.compile(r"(?i)(csrf|xsrf)")
_FLASK_COOKIE_SETTINGS = frozenset({"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE",
                                    "REMEMBER_COOKIE_HTTPONLY"})


class InsecureCookie(_ConfigAware):
    RULE_ID = "BA-AUTH-007"
    PREFILTER = ("set_cookie", "set_signed_cookie", "dump_cookie", "COOKIE_SECURE", "COOKIE_HTTPONLY",
                 "SessionMiddleware")

    @property
    def flask(self) -> bool:
        """A Flask module (asked when an assignment is seen: the imports above it have been walked)."""
        return any(v.split(".")[0] in ("flask", "quart", "flask_login") for v in self.ctx.imports.values())

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        # werkzeug's dump_cookie builds the same Set-Cookie header, with the same defaults (no flags)
        if isinstance(func, ast.Attribute) and func.attr in ("set_cookie", "set_signed_cookie") or \
                self.ctx.qualname(func) == "werkzeug.http.dump_cookie":
            self._set_cookie(node)
            return
        name = dotted(func) or ""
        if name.rpartition(".")[2] in ("add_middleware", "Middleware") and node.args and \
                (dotted(node.args[0]) or "").rpartition(".")[2] == "SessionMiddleware":
            self._starlette_sessions(node)
        for kw in node.keywords:  # app.config.update(SESSION_COOKIE_SECURE=False)
            if kw.arg in _FLASK_COOKIE_SETTINGS and literal_value(kw.value) is False and not self._dev():
                self._flask_setting(kw, kw.arg)

    def _set_cookie(self, node: ast.Call) -> None:
        if any(kw.arg is None for kw in node.keywords):
            return  # **cookie_options: the flags come from elsewhere
        key = next((kw.value for kw in node.keywords if kw.arg == "key"), node.args[0] if node.args else None)
        cookie = literal_value(key)
        value = next((kw.value for kw in node.keywords if kw.arg == "value"), node.args[1] if len(node.args) > 1 else None)
        expiry = {kw.arg: literal_value(kw.value) for kw in node.keywords if kw.arg in ("expires", "max_age")}
        if literal_value(value) == "" or 0 in expiry.values():
            return  # clearing the cookie: nothing left to steal
        missing = []
        for flag in ("secure", "httponly"):
            value = next((kw.value for kw in node.keywords if kw.arg == flag), None)
            if value is None or literal_value(value) is False:
                missing.append("Secure" if flag == "secure" else "HttpOnly")
        samesite = next((kw.value for kw in node.keywords if kw.arg == "samesite"), None)
        if samesite is not None and literal_value(samesite) in (None, "None", "none") and \
                isinstance(samesite, ast.Constant) and "Secure" in missing:
            missing.append("SameSite")
        if not missing:
            return
        if isinstance(cookie, str) and _CSRF_COOKIE.search(cookie):
            # a double-submit CSRF token: the page's script must read it to echo it in a header (HttpOnly would
            # break it), and read off the wire it is worth nothing without the session cookie it is paired with
            missing = [m for m in missing if m != "HttpOnly"]
            if missing:
                self.report(node, f"CSRF token cookie {cookie!r} set without {', '.join(missing)}: it travels over "
                                  "plain HTTP, but an eavesdropper also needs the session cookie it is checked "
                                  "with; pass secure=True (HttpOnly stays off: the page's script reads it)",
                            level="note")
            return
        flags = ", ".join(missing)
        if isinstance(cookie, str):
            if not _SENSITIVE_COOKIE.search(cookie):
                return  # theme, locale, consent: nothing to steal
            self.report(node, f"cookie {cookie!r} set without {flags}: a session or auth cookie without Secure travels "
                              "over plain HTTP, without HttpOnly any injected script can read it; pass secure=True, "
                              "httponly=True, samesite=\"Lax\"")
        else:
            named = self.ctx.segment(key) if key is not None else ""
            if _PLAIN_COOKIE.search(named):
                return  # settings.LANGUAGE_COOKIE_NAME, THEME_COOKIE: preferences, nothing to steal
            if _SENSITIVE_COOKIE.search(named):
                self.report(node, f"cookie {named} set without {flags}: a session or auth cookie without Secure "
                                  "travels over plain HTTP, without HttpOnly any injected script can read it")
                return
            self.report(node, f"cookie set without {flags} (its name is computed here, origin not traced: if it "
                              "carries a session or token, pass secure=True, httponly=True)", level="note")

    def _starlette_sessions(self, node: ast.Call) -> None:
        https_only = next((kw.value for kw in node.keywords if kw.arg == "https_only"), None)
        if (https_only is None or literal_value(https_only) is False) and not self._dev():
            self.report(node, "SessionMiddleware without https_only=True: the session cookie is sent over plain "
                              "HTTP too (Starlette's default); pass https_only=True")

    def visit_Assign(self, node: ast.Assign) -> None:
        if literal_value(node.value) is not False or self._dev():
            return
        for target in node.targets:
            name = target_name(target)
            # module-level names in a Django settings module are BA-DEP-002's; Flask reads them from
            # app.config[...] and config classes
            flask_shape = isinstance(target, ast.Subscript) or bool(self.classes) or self.flask
            if name in _FLASK_COOKIE_SETTINGS and flask_shape:
                self._flask_setting(node, name)

    def _flask_setting(self, node: ast.AST, name: str) -> None:
        attr = "Secure" if name.endswith("SECURE") else "HttpOnly"
        self.report(node, f"{name} = False: the {'remember-me' if name.startswith('REMEMBER') else 'session'} "
                          f"cookie is sent without {attr}; set it to True outside development")



class FlaskFormsWithoutCsrf(EndpointCheck):
    """Flask apps whose state-changing routes read form data, with no CSRF protection anywhere: Flask's
    session is a cookie, so every such route is cross-site submittable."""

    RULE_ID = "BA-AUTH-006"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        forms = [e for e in inv.endpoints if e.framework == "flask" and e.state_changing
                 and (e.fn.get("reads_body") or e.fn.get("raw_reads") or e.fn.get("validates"))
                 and "/api" not in e.path.lower() and not e.public]
        if not forms:
            return []
        imported = {m.lstrip(".").split(".")[0] for f in project.facts.values() if not f.get("is_test")
                    for m in f.get("imports", ())}
        if imported & {"flask_wtf", "flask_seasurf", "wtforms_csrf", "flask_csrf"} or any(
                f.get("api_surface", {}).get("csrf") for f in project.facts.values() if not f.get("is_test")):
            return []
        first = min(forms, key=lambda e: (e.file, e.line))
        routes = sorted({f"{'/'.join(e.methods)} {e.path}" for e in forms})
        return [self.finding(first.file, first.route_line or first.line,
                             f"Flask app with {len(forms)} form route(s) ({', '.join(routes[:3])}"
                             f"{' ...' if len(routes) > 3 else ''}) and no CSRF protection (Flask-WTF CSRFProtect, "
                             "SeaSurf, or a token check): any site can submit them with the visitor's session cookie",
                             rule_id="BA-AUTH-006/flask-no-csrf", symbol=first.handler, snippet="CSRFProtect")]
