"""Recognisers shared by the security and deployment checks: literal values, sensitive names, settings modules.

Kept apart from util.py (logging/CLI recognisers) so the two halves of the core pack evolve independently.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import ast

from .base import FileContext, dotted_parts, iter_nodes
from .util import expr_name

UNKNOWN: Any = object()  # a value not known statically (env lookup, call, name)

# Rule catalog §1.4 "Sensitive name", minus the benign suffixes and prefixes.
_BENIGN_SUFFIX = re.compile(r"(_type|_url|_uri|_endpoint|_path|_expir\w*|_expires\w*|_at|_count|_len(gth)?|_field|"
                            r"_fields|_name|_names|_header_name|_min\w*|_max\w*|_prefix|_param|_key_name|_label|"
                            r"_help|_help_text|_template|_class|_backend|_validators?|_message|_msg|_regex|_pattern|"
                            r"_timeout|_lifetime|_ttl|_age|_seconds|_minutes|_hours|_days|_length|_size|_limit|"
                            r"_enabled|_required|_location|_file|_dir|_format|_algorithm|_alg|_view|_form|_route|"
                            r"_method|_hasher|_hashers|_version|_attr|_attribute|_column|_id_field|_audience|_aud|_issuer|_iss|"
                            r"_scope|_scopes|_kind|_event|_code|_header|_function|_func|_handler|_callback|_module|"
                            r"_loader|_provider|_reset|_policy|_charset|_chars|_alphabet|_status|_state|_result|"
                            r"_mode|_error|_errors|_title|_subject|_heading|_caption|_tooltip|_placeholder|_description|_prompt|"
                            # database object names: `APIKEY_IDENTIFIER_CONSTRAINT = "api_apikey_..._uniq"`
                            r"_constraint|_index|_idx|_table|_sequence)$", re.I)
_BENIGN_PREFIX = re.compile(r"^(is|has|should|require|requires|use|enable|allow|show|reset|forgot|change|max|min|"
                            r"num|total|count|test|demo|example|sample|dummy|fake|mock|"
                            r"verify|validate|check|get|set|create|make|generate|new_token_)_", re.I)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Whole names that mention a secret without holding one.
_BENIGN_NAMES = frozenset({"csrf_cookie_httponly", "session_cookie_httponly", "session_cookie_secure",
                           "csrf_cookie_secure", "session_cookie_samesite", "csrf_cookie_samesite",
                           "token_type", "password_reset_timeout", "auth_password_validators",
                           "csrf_cookie_domain", "session_cookie_domain", "session_cookie_path",
                           "session_cookie_age", "csrf_cookie_age", "password_hashers", "session_engine",
                           "session_serializer", "otp_digits", "password_change_done", "session_id_header"})


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


# Catalog §1.4's pattern, matched on whole words of the snake-cased name: a substring match would see "ssn"
# in `classname` and "pass" in `passed_view_restrictions_session_key`.
# ("tokens", plural, is left out: in LLM code it counts tokens: `max_tokens`, `input_tokens`.)
_CREDENTIAL_WORDS = frozenset({"password", "passwords", "passwd", "passphrase", "pwd", "secret", "secrets", "token",
                               "apikey", "accesskey", "privatekey", "clientsecret", "authorization", "authheader",
                               "secretkey"})
_PERSONAL_WORDS = frozenset({"sessionid", "cardnumber", "cvv", "ssn", "otp"})
_SENSITIVE_WORDS = _CREDENTIAL_WORDS | _PERSONAL_WORDS
_PASSWORD_KIND = frozenset({"password", "passwords", "passwd", "passphrase", "pwd", "pass"})
# Words that only count at the end of a name: `db_pass`, `SESSION_COOKIE`; not `pass_parameter`, `COOKIE_OPEN`.
_SENSITIVE_LAST = frozenset({"pass", "cookie"})


# A pagination cursor (`next_token`, `nextPageToken`, `startPageToken`, `continuation_token`: the API hands it
# out to page through results, nobody guesses it) and a count of LLM tokens (`token_count_models`,
# `token_usage`): "token" in neither names a credential
_NOT_CREDENTIAL_TOKEN = re.compile(r"(^|_)(next|prev|previous|page|start|continuation|cursor|pagination|sync|resume|"
                                   r"skip|delta)_token(s)?(_|$)|(^|_)tokens?_(count|counts|counter|counting|usage|"
                                   r"budget|limit|limits|estimate|estimates|total|totals)(_|$)")


def is_cursor_or_count(name: str) -> bool:
    """`next_token`, `startPageToken`, `token_count_models`: a pagination cursor or a count of tokens."""
    return bool(_NOT_CREDENTIAL_TOKEN.search(snake(name.strip("_")).replace("-", "_")))


def _name_words(name: str) -> tuple[str, list[str]] | None:
    low = snake(name.strip("_")).replace("-", "_")
    if not low or low in _BENIGN_NAMES or _BENIGN_SUFFIX.search(low) or _BENIGN_PREFIX.search(low):
        return None
    words = [w.rstrip("0123456789") for w in low.split("_") if w]
    pairs = [a + b for a, b in zip(words, words[1:])]
    if _NOT_CREDENTIAL_TOKEN.search(low):
        # the cursor's or the count's "token" says nothing; another word (`next_token_secret`) still may
        words = [w for w in words if w not in ("token", "tokens")]
        pairs = [p for p in pairs if "token" not in p]
    return low, words + pairs


def _has_words(name: str, vocabulary: frozenset[str]) -> bool:
    parsed = _name_words(name)
    if parsed is None:
        return False
    low, words = parsed
    last = low.split("_")[-1]
    return any(w in vocabulary for w in words) or last in _SENSITIVE_LAST


def is_sensitive_name(name: str) -> bool:
    """Catalog §1.4: the name of something secret or personal (`db_password`, `SECRET_KEY`, `apiKey`, `ssn`)."""
    return _has_words(name, _SENSITIVE_WORDS)


def is_credential_name(name: str) -> bool:
    """A sensitive name that holds a credential (not personal data such as `ssn` or `session_id`)."""
    return _has_words(name, _CREDENTIAL_WORDS)


def is_password_kind(name: str) -> bool:
    """Credentials people choose (passwords, passphrases): any real value counts, random-looking or not."""
    parsed = _name_words(name)
    return parsed is not None and any(w in _PASSWORD_KIND for w in parsed[0].split("_"))


def looks_random(value: str) -> bool:
    """Machine secrets (keys, tokens) mix character classes: `f3c9a1d07be2`, `sk_live_51Hx`, not `ollama` or
    `mlflow-gateway-auth`."""
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                   any(c.isdigit() for c in value), any(not c.isalnum() and c not in "-_. " for c in value)))
    return len(value) >= 8 and classes >= 2


_PASSWORD_WORD = re.compile(r"^(password|passwd|pwd|passphrase|pass|raw_?password|plain(text)?_?password)$", re.I)
_PASSWORD_NOT = frozenset({"hash", "hashed", "digest", "reset", "token", "length", "len", "min", "max", "url",
                           "field", "name", "policy", "changed", "expiry", "expires", "salt", "validators",
                           "help", "form", "view", "template", "label", "confirm", "required", "enc", "encrypted"})


def is_password_name(name: str) -> bool:
    """A name that holds a user's password (`password`, `new_password`, `user.pwd`), not a hash or reset token."""
    words = [w for w in snake(name).split("_") if w]
    # "pass" names a password at the end (`user_pass`, `db_pass`); leading it is the verb (`pass_if_inactive`)
    hits = [i for i, w in enumerate(words) if _PASSWORD_WORD.match(w) and (w.lower() != "pass" or i == len(words) - 1)]
    if not hits and not _PASSWORD_WORD.match(snake(name)):
        return False
    return not any(w in _PASSWORD_NOT for w in words)


def names_in(node: ast.AST) -> list[str]:
    """Every identifier (names, attribute names, keyword-argument names) inside an expression, in source
    order: `current_user.is_admin` -> ["current_user", "is_admin"], so the first hit is the one a reader
    sees first."""
    found: list[tuple[int, int, str]] = []
    for n in iter_nodes(node, skip=(ast.Lambda,)):
        if isinstance(n, ast.Name):
            found.append((n.lineno, n.col_offset, n.id))
        elif isinstance(n, ast.Attribute):  # the attribute name ends the node
            found.append((n.end_lineno, n.end_col_offset, n.attr))
        elif isinstance(n, ast.keyword) and n.arg:
            found.append((n.lineno, n.col_offset, n.arg))
    found.sort(key=lambda t: t[:2])
    return [name for _, _, name in found]


_PLACEHOLDER = re.compile(r"^(\$\{.*\}|\$[A-Z_]+|\{\{.*\}\}|\{.*\}|<.*>|%\(?\w*\)?s|\*+|x+|\.+|-+|_+|#+|"
                          r"change[-_ ]?(me|this|it)|replace[-_ ]?(me|this)|todo|fixme|none|null|secret|password|passwd|"
                          r"your[-_].*|my[-_].*|example.*|dummy.*|placeholder|redacted|test|testing|foo|bar|"
                          r"default|fake.*|sample.*|"
                          # sentinels a variable holds until the real value is read: `password = "invalid"`
                          r"invalid|unknown|unset|not[-_ ]?set|undefined|missing|disabled|n/?a)$", re.I)


_LABEL_WORDS = frozenset({"secret", "password", "passwd", "pwd", "token", "key", "api", "auth", "credential",
                          "credentials", "passphrase"})
_ALPHABET = re.compile(r"abcdefghijklmn|ABCDEFGHIJKLMN|0123456789")


def is_placeholder(value: str) -> bool:
    """Empty, templated or obviously fake values are not committed secrets (catalog BA-SEC-001 'Not flagged')."""
    v = value.strip()
    if len(v) < 4 or _PLACEHOLDER.match(v) or len(set(v)) <= 2:
        return True
    if " " in v and not v.startswith("-----BEGIN"):
        return True  # prose: help texts, labels, error messages
    if re.fullmatch(r"(.{2,8}?)\1{2,}", v):
        return True  # one short chunk said over and over: "fakefakefakefake", "abcabcabc"
    if (twice := re.fullmatch(r"(.{4,}?)\1+", v)) and _PLACEHOLDER.match(twice.group(1)):
        return True  # a placeholder said again to reach a length: "ChangeMeChangeMe"
    if "***" in v or "•••" in v:
        return True  # a mask shown in place of a secret: "********", "***CHANGED***"
    if _ALPHABET.search(v):
        return True  # the alphabet keys are drawn from, not a key: "abcdefghij...0123456789"
    if re.fullmatch(r"[A-Z]{2,8}", v):
        return True  # an upper-case marker or enum value ("LDAP", "OIDC") stored where a password would be
    humps = re.findall(r"[A-Z]?[a-z]{2,}", v)
    if len(humps) >= 2 and "".join(humps) == v and any(h.lower() in _LABEL_WORDS for h in humps):
        return True  # a label or enum value naming a credential kind: "SecretText", "passwordInput", "apiKey"
    # A value that is itself a key or setting name ("access_token", "password1", "X-Api-Key")
    if re.fullmatch(r"[A-Za-z_\-]*(password|passwd|token|secret|key|pwd)[A-Za-z_\-0-9]?", v, re.I):
        return True
    # identifiers and dotted paths name things: "PASSWORD_RESET", "oscar_open_basket", "pkg.mod:func"
    if re.fullmatch(r"[A-Za-z]+([_.][A-Za-z]+)+", v) or re.fullmatch(r"[\w.]+:\w+", v):
        return True
    if re.search(r"\(\?P<\w+>", v):
        return True  # a regular expression with a named group: a URL pattern's fragment, not a credential
    if re.search(r"\{[\w.]*\}", v):
        return True  # a str.format template: "{self.urls.base}reset"
    return v.startswith(("/", "http://", "https://")) and "@" not in v  # a route or URL, not a credential


def is_placeholder_template(value: str | bytes) -> bool:
    """`${VAR}`, `{{ var }}`, `<your-key>`: text to be substituted, not a value."""
    v = value.decode("latin-1") if isinstance(value, bytes) else value
    return bool(re.fullmatch(r"\s*(\$\{.*\}|\{\{.*\}\}|<.*>)\s*", v))


# Well-known credential shapes (gitleaks/detect-secrets style), found in any string literal.
TOKEN_SHAPES = (
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[bapr]-[A-Za-z0-9-]{10,}")),
    ("Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("private key", re.compile(r"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")),
)

_URL_CREDENTIAL = re.compile(r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@[^\s]+", re.I)


def url_password(value: str) -> str | None:
    """The inline password of `scheme://user:pass@host`, unless it is a placeholder."""
    if any(c.isspace() for c in value.strip()):
        return None  # prose that mentions a URL shape ("'models://scope:prefix@host' is deprecated")
    m = _URL_CREDENTIAL.search(value)
    if not m:
        return None
    pw = m.group("password")
    if is_placeholder(pw) or pw.lower() in {"pass", "pw", "pwd", "user", "username"}:
        return None
    return pw


def literal_value(node: ast.AST | None) -> Any:
    """The Python value of a literal expression (str, bytes, numbers, bools, None, list/tuple/set/dict of
    those, `+` of lists or strings, unary minus); UNKNOWN for anything computed."""
    if node is None:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        return node.value if node.value is not Ellipsis else UNKNOWN
    if isinstance(node, ast.JoinedStr):
        if any(isinstance(p, ast.FormattedValue) for p in node.values):
            return UNKNOWN
        return "".join(p.value for p in node.values if isinstance(p, ast.Constant))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = literal_value(node.operand)
        return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else UNKNOWN
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = []
        for el in node.elts:
            if isinstance(el, ast.Starred):
                return UNKNOWN
            v = literal_value(el)
            if v is UNKNOWN:
                return UNKNOWN
            items.append(v)
        return items if not isinstance(node, ast.Tuple) else tuple(items)
    if isinstance(node, ast.Dict):
        out = {}
        for key, value in zip(node.keys, node.values):
            if key is None:  # **spread
                return UNKNOWN
            k, v = literal_value(key), literal_value(value)
            if k is UNKNOWN or v is UNKNOWN or isinstance(k, (list, dict)):
                return UNKNOWN
            out[k] = v
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_value(node.left), literal_value(node.right)
        if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            return list(left) + list(right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        if isinstance(left, (int, float)) and isinstance(right, (int, float)):
            return left + right
        return UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = literal_value(node.left), literal_value(node.right)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
            return left * right
    return UNKNOWN


def strings_in(value: Any) -> list[str]:
    """Every string inside a folded literal value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set)):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for kv in value.items() for v in kv for s in strings_in(v)]
    return []


def arg(call: ast.Call, keyword: str | None = None, position: int | None = None) -> ast.AST | None:
    """The argument expression passed by keyword, else at a positional index (a *args before it ends the
    positional count). Returns the value itself: ast has no Arg wrapper."""
    if keyword is not None:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
    if position is not None:
        for i, a in enumerate(call.args):
            if isinstance(a, ast.Starred):
                return None
            if i == position:
                return a
    return None


def arg_values(call: ast.Call) -> list[ast.AST]:
    """Every argument expression in source order, positional and keyword, `*x`/`**x` unwrapped to x (the
    list libcst's Call.args gave; ast keeps positional and keyword arguments apart)."""
    values = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
    if not call.keywords:
        return values
    nodes = [*call.args, *call.keywords]
    if call.args and (call.keywords[0].lineno, call.keywords[0].col_offset) < (call.args[-1].lineno,
                                                                               call.args[-1].col_offset):
        nodes.sort(key=lambda n: (n.lineno, n.col_offset))  # f(a=1, *rest): a keyword before a star-arg
        return [n.value if isinstance(n, (ast.Starred, ast.keyword)) else n for n in nodes]
    return values + [k.value for k in call.keywords]


def target_name(node: ast.AST) -> str | None:
    """The name an assignment target binds: `X`, `obj.X`, `d["X"]` -> "X" (util.expr_name, which also
    reads `.get("X")`, a shape no assignment target can take)."""
    return expr_name(node)


_DEV_SETTINGS = re.compile(r"^(dev|devel|develop|development|local|test|tests|testing|ci|unit_?tests?)([_.\-]|$)|"
                           r"[_.\-](dev|devel|development|local|test|tests|testing|ci)$", re.I)
_DEMO_DIRS = frozenset({"sandbox", "docs"})  # demo sites shipped inside a package (django-oscar)
# A folder that holds a project for developing or trying the package, not the one a deployment runs:
# `devproject/`, `dev_site/`, `testproject/`, `example_project/` (reusable Django apps ship one beside the
# package, and `django-admin startproject` names it), a plain `dev/`, `development/` folder, or a demo named
# for the product (`demodesk/`, `demo_app/`: django-helpdesk ships its quick-start demo so, beside the
# deployable `standalone/`).
# A `*_workbench/` is the same: the bench a package's developers run it on.
_DEV_PROJECT_DIR = re.compile(r"^(dev|devel|develop|development)([-_]?(project|site|server|app|instance))?$|"
                              r"^(test|testing|example|sample)[-_]?(project|site)$|^demo([-_]?[a-z0-9]+)?$|"
                              r"^([a-z0-9]+[-_])?workbench$", re.I)
_SETTINGS_NAME = re.compile(r"(^|[_.\-])(settings|configuration|config|conf)([_.\-]|$)", re.I)
_SETTINGS_DIRS = frozenset({"settings", "config", "conf", "configs"})


def is_settings_path(path: str) -> bool:
    """A module whose name says it holds configuration (`settings.py`, `settings/prod.py`, `config.py`)."""
    p = PurePosixPath(path)
    return bool(_SETTINGS_NAME.search(p.stem)) or (len(p.parts) > 1 and p.parts[-2] in _SETTINGS_DIRS)


def in_dev_project(path: str) -> bool:
    """A file inside a project for developing, testing or trying the package (`testproject/`, `sandbox/`,
    `devproject/`, `*_workbench/`), not the one a deployment runs."""
    return any(part.lower() in _DEMO_DIRS or _DEV_PROJECT_DIR.match(part) for part in PurePosixPath(path).parts[:-1])


def is_dev_settings(path: str) -> bool:
    """Settings for development, tests or demos: `settings/dev.py`, `local_settings.py`, `settings_test.py`,
    `sandbox/settings.py`, `devproject/settings.py` (catalog: settings modules named dev*, local*, test*, ci*,
    unittests*, or in a folder named for a development or example project)."""
    p = PurePosixPath(path)
    if not is_settings_path(path):
        return False
    if in_dev_project(path):
        return True
    stem = p.parent.name if p.stem == "__init__" else p.stem
    bare = re.sub(r"(?i)settings|configuration|config|conf", "", stem).strip("_-.")
    return any(_DEV_SETTINGS.search(n) for n in (bare, stem) if n)


def in_test_branch(stack: list[ast.If], ctx: FileContext) -> bool:
    """Inside `if "test" in sys.argv:` / `if TESTING:`: settings that only apply while testing."""
    return any("test" in ctx.segment(n.test).lower() for n in stack)


def qualname_in(ctx: FileContext, node: ast.AST, names: frozenset[str] | tuple[str, ...]) -> str | None:
    qn = ctx.qualname(node)
    return qn if qn in names else None


def receiver_name(node: ast.AST) -> str | None:
    """`app` for `app.config`, `self.app` -> "app": the last part of a dotted receiver."""
    parts = dotted_parts(node)
    return parts[-1] if parts else None
