"""What a value written to a log is, for BA-LOG-004, read from where it comes from rather than from its name.

A name with `token` or `secret` in it is as often a count, a serial, a list of names or an object as a
credential. The level of a finding follows the evidence: a value positively a credential (read from a
request's password or token field, an Authorization header, a configured secret, made by `secrets.token_*`
or a JWT encoder) is an error; a name alone is a warning; a value the code shows is no credential string (an
object built from a class, rows a search returned, a flag, a count) is a note saying what was not traced.
"""

from __future__ import annotations

import ast
import re

from .base import dotted, dotted_parts
from .recognise import is_cursor_or_count, literal_value
from .util import is_sensitive_name

CREDENTIAL = "credential"
NAMED = "named"
OBJECT = "object"
BENIGN = "benign"  # a flag, a count, a condition's name: the code shows it holds no text at all

# Receivers whose sensitive fields are request input: a form's `password`, a query's `token`
_REQUEST_PARTS = frozenset({"request", "req", "form", "args", "POST", "GET", "query_params", "cookies", "COOKIES",
                            "headers", "META", "cleaned_data", "validated_data", "query", "body", "json"})
# Receivers whose sensitive fields are configured secrets: `settings.SECRET_KEY`, `os.environ["DB_PASSWORD"]`
_CONFIG_PARTS = frozenset({"settings", "config", "conf", "credentials", "creds", "environ", "secrets_config"})
_ENV_READERS = frozenset({"os.getenv", "os.environ.get", "getenv"})
# Calls that make a credential: the standard library's token makers, JWT encoders, and functions named for it
_TOKEN_MAKERS = re.compile(r"^secrets\.token_\w+$|(^|\.)(jwt|jose\.jwt|jws)\.encode$")
_MAKER_NAME = re.compile(r"(?i)^_*(make|create|generate|gen|issue|encode|sign|new)_\w*(token|jwt|secret|password|"
                         r"api_?key)s?$")
# A lookup by identifier or a search: what comes back is rows or objects (`get_one_token(serial=...)`,
# `service.search_secrets(...)`), whose string form is their class's, not a credential string
_LOOKUP_NAME = re.compile(r"^_*(search|find|list|query|filter|lookup|select|get_one|get_all|get_by|fetch_all)"
                          r"(_|$)")
# a lower-case identifier-like literal (`cookie`, `cookie_temp`, `user:token`): a key's name, not a secret
_KEY_NAME = re.compile(r"[a-z][a-z_]*(?:[:.][a-z_]+)*")
_IDENTIFIER_KEYWORDS = re.compile(r"^(id|pk|serial|uuid|name|\w+_id|\w+_serial)$")
# Names whose last word says the value is a structure about the credential, not the credential
_OBJECT_SUFFIX = re.compile(r"_(info|infos|obj|objs|object|objects|instance|instances|row|rows|record|records|"
                            r"template|templates|options|class|cls|spec|schema|model|entry|entries)$")
# `secret_exprs`, `secret_refs`: what refers to a secret (an expression naming it), not its value
_REFERENCE_SUFFIX = re.compile(r"_(expr|exprs|expression|expressions|ref|refs|reference|references)$")
# `TOKEN_IS_IN_CONTAINER`, `token_was_rotated`: a condition's name or a flag
_PREDICATE_WORD = re.compile(r"(^|_)(is|has|was|were|are|can|should|needs|exists)(_|$)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CONTAINERS = frozenset({"set", "list", "dict", "tuple", "frozenset"})
# how far one name's assignments are followed (`all = a | b`, `a.add(s)`, `for s in exprs`, `exprs = ...`)
_MAX_DEPTH = 5
_MAX_BINDINGS = 32  # assignments of one name looked at
_NON_STRING_CALLS = frozenset({"len", "int", "bool", "float", "isinstance", "hasattr", "callable", "id", "type"})


def kind_of(node: ast.expr, qualname, bindings: dict[str, list[ast.expr]], depth: int = 0,
            labelled: bool = False, seen: dict[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """(CREDENTIAL | NAMED | OBJECT | BENIGN, what showed it) for one logged value. `bindings` maps a dotted
    name to the values the enclosing function assigns to it; `qualname` resolves a callee through imports.
    `labelled`: the value is logged under a sensitive key (`password=...`), so any request field read for it
    is the credential, whatever the field is called."""
    if isinstance(node, ast.BoolOp):  # `token or "none"`: the non-literal sides are what may be logged
        kinds = [kind_of(v, qualname, bindings, depth, labelled, seen) for v in node.values
                 if not isinstance(v, ast.Constant)]
        return _strongest(kinds) if kinds else (BENIGN, "a literal")
    cursor = _cursor_read(node)
    if cursor:
        return BENIGN, f"read under {cursor!r}, a pagination cursor or a count"
    source = _origin(node, qualname, labelled)
    if source:
        return CREDENTIAL, source
    name = dotted(node)
    seen = {} if seen is None else seen
    if name and depth < _MAX_DEPTH and bindings.get(name):
        if name not in seen:
            # each name is followed once (a cycle meets its own entry as untraced): a hostile function's
            # many assignments stay linear
            seen[name] = (NAMED, "")
            kinds = [_bound_kind(v, qualname, bindings, depth, seen) for v in bindings[name][:_MAX_BINDINGS]]
            if any(k == CREDENTIAL for k, _ in kinds) or all(k in (OBJECT, BENIGN) for k, _ in kinds):
                seen[name] = _strongest(kinds)
        if seen[name][0] != NAMED:
            return seen[name]
    word = _last_word(node)
    if word and is_cursor_or_count(word):
        return BENIGN, f"'{word}' names a pagination cursor or a count of tokens"
    if word:
        norm = _CAMEL.sub("_", word).lower()
        if _PREDICATE_WORD.search(norm):
            return BENIGN, f"'{word}' names a condition or a flag"
        if _REFERENCE_SUFFIX.search(norm):
            return BENIGN, f"'{word}' refers to a secret rather than holding it"
        if _OBJECT_SUFFIX.search(norm):
            return OBJECT, f"'{word}' names a structure about the credential (its string form was not traced)"
    return NAMED, ""


def _strongest(kinds: list[tuple[str, str]]) -> tuple[str, str]:
    for wanted in (CREDENTIAL, NAMED, OBJECT, BENIGN):
        for kind, why in kinds:
            if kind == wanted:
                return kind, why
    return NAMED, ""


def _bound_kind(value: ast.expr, qualname, bindings: dict[str, list[ast.expr]], depth: int,
                seen: dict[str, tuple[str, str]]) -> tuple[str, str]:
    if isinstance(value, ast.Await):
        value = value.value
    cursor = _cursor_read(value)
    if cursor:
        return BENIGN, f"read under {cursor!r}, a pagination cursor or a count"
    if isinstance(value, ast.Constant):
        if value.value is None or isinstance(value.value, (bool, int, float)):
            return BENIGN, "bound to a literal"
        if isinstance(value.value, str) and _KEY_NAME.fullmatch(value.value):
            # `cookie_key = "cookie_temp"`: the name of a cache key or field, which the log shows as the
            # source already does (a hard-coded secret is BA-SEC-001's to report)
            return BENIGN, "bound to a key or field name written in the source"
        return NAMED, ""
    if isinstance(value, ast.Compare) or isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
        return BENIGN, "bound to a comparison (a flag)"
    if isinstance(value, (ast.Name, ast.Attribute)) and _names_a_thing(value):
        return BENIGN, "filled with names or ids"
    if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript, ast.BoolOp)):
        return kind_of(value, qualname, bindings, depth + 1, seen=seen)
    if isinstance(value, ast.IfExp) and depth < _MAX_DEPTH:
        # `new_start if new_start else next_token`: either branch is what the name holds
        return _strongest([_bound_kind(v, qualname, bindings, depth + 1, seen) for v in (value.body, value.orelse)])
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.BitOr, ast.BitAnd, ast.Sub)):
        # `required | optional`: a set built from others holds what they hold
        if depth >= _MAX_DEPTH:
            return NAMED, ""
        return _strongest([_bound_kind(v, qualname, bindings, depth + 1, seen) for v in (value.left, value.right)])
    if isinstance(value, ast.Call):
        callee = qualname(value.func) or dotted(value.func) or ""
        last = callee.rsplit(".", 1)[-1]
        if _TOKEN_MAKERS.search(callee) or _MAKER_NAME.match(last):
            return CREDENTIAL, f"made by {callee}()"
        if callee in _ENV_READERS or _reads_request(value, any_key=True):
            return CREDENTIAL, f"read by {callee}()"
        if last in _NON_STRING_CALLS:
            return BENIGN, f"bound to {last}()"
        if last in _CONTAINERS and not value.args and not value.keywords:
            return BENIGN, "an empty container"
        if last[:1].isupper() and not last.isupper():
            return OBJECT, f"an instance of {last} (its __str__/__repr__ was not traced)"
        if _LOOKUP_NAME.match(last) or any(k.arg and _IDENTIFIER_KEYWORDS.match(k.arg) for k in value.keywords):
            return OBJECT, f"what {last}() looked up (rows or objects; their string form was not traced)"
    return NAMED, ""


def _origin(node: ast.expr, qualname, any_key: bool = False) -> str:
    """Where the expression itself reads a credential: a request's or the configuration's sensitive field."""
    if isinstance(node, ast.Call):
        callee = qualname(node.func) or dotted(node.func) or ""
        if callee in _ENV_READERS and _sensitive_key(node.args[0] if node.args else None):
            return f"read from the environment ({literal_value(node.args[0])})"
        if _reads_request(node, any_key):
            return "read from the request"
        return ""
    if isinstance(node, ast.Subscript):
        base = dotted_parts(node.value) or []
        if (any_key or _sensitive_key(node.slice)) and base:
            if any(p in _REQUEST_PARTS for p in base):
                return "read from the request"
            if base[-1] in _CONFIG_PARTS:
                return "read from the configuration"
        return ""
    if isinstance(node, ast.Attribute) and is_sensitive_name(node.attr):
        base = dotted_parts(node.value) or []
        if base and base[-1] in _REQUEST_PARTS | {"form"}:
            return "read from the request"
        if base and base[-1].lower() in _CONFIG_PARTS:
            return "read from the configuration"
    return ""


def _cursor_read(node: ast.expr) -> str:
    """`response.get("nextPageToken")`, `data["startPageToken"]` -> the key, when it names a pagination cursor
    or a token count; "" otherwise."""
    key = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        key = literal_value(node.args[0])
    elif isinstance(node, ast.Subscript):
        key = literal_value(node.slice)
    return key if isinstance(key, str) and is_cursor_or_count(key) else ""


def _reads_request(call: ast.Call, any_key: bool = False) -> bool:
    """`request.headers.get("Authorization")`, `request.args.get("token")`, `request.POST.get("password")`."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("get", "getlist", "pop") and call.args):
        return False
    base = dotted_parts(call.func.value) or []
    return any(p in _REQUEST_PARTS for p in base) and (any_key or _sensitive_key(call.args[0]))


def _sensitive_key(node: ast.AST | None) -> bool:
    key = literal_value(node) if node is not None else None
    return isinstance(key, str) and is_sensitive_name(key.replace("-", "_"))


def _names_a_thing(node: ast.expr) -> bool:
    """`secret.name`, `key_id`: a value that names or identifies something rather than holding it."""
    word = _CAMEL.sub("_", _last_word(node)).lower()
    return word in ("name", "id", "key_name") or word.endswith(("_name", "_id", "_uuid"))


def _last_word(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class Bindings(dict):
    """Dotted name -> the values the function puts into it (see collect_bindings)."""

    def __init__(self) -> None:
        super().__init__()
        self.resolved: set[int] = set()  # `.add(x)` calls whose element was already traced to its loop


def collect_bindings(into: Bindings, node: ast.AST) -> None:
    """Add what `node` (one node of the function's walk, parents before children) puts into a plain or
    dotted name: an assignment's value, a loop's iterable (for its target), an element `.add()`/`.append()`
    puts into a container. `for s in exprs: found.add(s)` fills `found` from `exprs` itself: the loop
    variable's other loops say nothing about what this one adds."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        targets, value = [node.target], node.value
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        targets, value = [node.target], node.iter
        if isinstance(node.target, ast.Name):
            for call in _loop_adds(node.body, node.target.id):
                container = dotted(call.func.value)
                if container:
                    into.setdefault(container, []).append(node.iter)
                    into.resolved.add(id(call))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("add", "append") and len(node.args) == 1 and id(node) not in into.resolved:
        targets, value = [node.func.value], node.args[0]
    else:
        return
    for target in targets:
        name = dotted(target)
        if name:
            into.setdefault(name, []).append(value)


def _loop_adds(body: list[ast.stmt], var: str) -> list[ast.Call]:
    """`found.add(var)` statements of a loop's body, at its top level or one `if` down (bounded: no walk)."""
    statements = [*body, *(s for st in body if isinstance(st, ast.If) for s in [*st.body, *st.orelse])]
    return [st.value for st in statements if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and
            isinstance(st.value.func, ast.Attribute) and st.value.func.attr in ("add", "append") and
            len(st.value.args) == 1 and isinstance(st.value.args[0], ast.Name) and st.value.args[0].id == var]
