"""What a brute force could guess at an endpoint: a secret a person types (a password, a PIN, a one-time
code), read from the request, a form or a parameter. BA-API-003 asks it of an "authentication endpoint"
without a rate limit: one that takes only a signed token, a provider's OAuth code or a payment id has
nothing a volume of requests could guess. A new password being set (`new_password`, `user.password = ...`)
is not a guess target, so stores and `new`/`confirm` names do not count. A login that exchanges a
provider's OAuth code (`.../oauth/access_token`, `grant_type`) checks no secret of this server either.
A body handed to a serializer or form (`self.get_serializer(data=...)`, `LoginForm(request.POST)`) is read by
fields this module does not see, so what it takes stays unknown (`body_schema`).
"""

from __future__ import annotations

import ast
import re

_TYPED = re.compile(r"(?i)^(?:old|current|existing|your)?[-_]?(?:password|passwd|passcode|pwd|pin|otp|totp|"
                    r"otp[-_]?code|mfa[-_]?code|2fa[-_]?code|one[-_]?time[-_]?(?:code|password))$")


def typed_secret(node: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST]) -> str | None:
    """The first typed secret the function takes: a parameter, a key it reads (`data["password"]`,
    `data.get("otp")`), or an attribute it reads (`form_data.password`); None when there is none."""
    for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
        if _TYPED.match(a.arg):
            return a.arg
    for n in own:
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and _TYPED.match(n.value):
            return n.value
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and _TYPED.match(n.attr):
            return n.attr
    return None


_OAUTH_EXCHANGE = re.compile(r"(?i)oauth[\w/.-]*/(access_)?token|/oauth2?/|^grant_type$|^authorization_code$")


def oauth_exchange(own: list[ast.AST]) -> str | None:
    """The OAuth token endpoint or grant a function names: it trades a provider's code for a token."""
    for n in own:
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) < 300 and \
                _OAUTH_EXCHANGE.search(n.value):
            return n.value
    return None


_BOUND_FORM = frozenset({"is_valid", "validate_on_submit"})
_SCHEMA_CALL = re.compile(r"^(get_serializer|get_form|\w+(Serializer|Form))$")


def body_schema(own: list[ast.AST]) -> str | None:
    """The serializer or form a function hands the request body to (its fields are read elsewhere): a bound
    form validated (`form.is_valid()`), or one built from the request (`get_serializer(data=request.data)`,
    `LoginForm(request.POST)`; not an itsdangerous `URLSafeTimedSerializer(secret)`)."""
    for n in own:
        if isinstance(n, ast.Call):
            func = n.func
            tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if tail in _BOUND_FORM or _SCHEMA_CALL.match(tail) and (
                    any(k.arg == "data" for k in n.keywords) or any(
                        isinstance(x, ast.Name) and x.id in ("request", "req") for a in n.args for x in ast.walk(a))):
                return tail
    return None
