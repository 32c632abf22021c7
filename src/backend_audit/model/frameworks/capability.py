"""Capability links: a route keyed by an unguessable secret in its path is public by design.

`GET /checkout/client/{client_secret}` with `get_by_client_secret(session, client_secret)`, `GET
/downloads/{token}` with `get_from_token(session, token=token)`: whoever holds the link is the caller it
was made for (an anonymous buyer, a download mailed to a customer), so no login is expected. Told by what
the handler does: the secret-named path parameter is handed to a lookup. A `{token}` the handler never
uses to find anything is no credential, and the route is judged as any other.
"""

from __future__ import annotations

import ast
import re

from ...checks.base import dotted, iter_nodes

# Parameter names that hold an unguessable value: a client secret, a link or invitation token; not the id,
# name or kind of one (`token_id`, `secret_name`: guessable, a guard is still expected).
_SECRET_PARAM = re.compile(r"(?i)(secret|token)")
# A field of a request body that carries a credential: a token, a secret, a license or API key.
_SECRET_FIELD = re.compile(r"(?i)(secret|token|(^|_)key$)")
_NOT_SECRET = re.compile(r"(?i)(^|_)(ids?|pk|uuid|name|type|kind|count)$|[a-z]Id$")
_PARAM = re.compile(r"[<{(]([^>})]*)[>})]")
# Parameters that carry proof from the caller rather than data: an OAuth `state` the app signed when the flow
# began, a request signature, an HMAC, a nonce, a one-time code; with the secret-named ones above.
_PROOF_PARAM = re.compile(r"(?i)^(state|oauth_state|signature|sig|hmac|mac|nonce|otp|digest|code|otp_code|key|api_key"
                          r"|apikey)$|_(signature|sig|hmac|digest)$")
# What a call that checks such a value is called: the proof is verified there (`validate_state(state)`,
# `verify_signature(sig, body)`, `signer.unsign(token)`, `jwt.decode(token, ...)`), not merely stored or looked up.
_CHECK_CALL = re.compile(r"(?i)^_*(verify|validate|check|unsign|decode|authenticate|confirm|compare_digest|"
                         r"consume|redeem)")
# parameters whose fields are the framework's, not a submitted body's
_NOT_CARRIERS = frozenset({"self", "cls", "request"})


# Every secret-named parameter or field `secret_lookups` can match holds one of these (lower-cased): a function
# whose source holds none, and no proof-named parameter, has nothing to find and is not walked (every function
# of every file is asked)
_SECRET_WORDS = ("secret", "token", "key")


def may_look_up_secrets(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> bool:
    """Whether the def's source (decorators, signature, body, nested defs: what `ast.walk` visits) can name
    a secret-named parameter or field. Only an ASCII text is judged by its words: the parser NFKC-normalises
    identifiers, so a non-ASCII spelling (a fullwidth or Kelvin-sign letter) may still become one."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    last = getattr(node, "end_lineno", None) or node.lineno
    if not (0 < first <= last <= len(lines)):
        return True
    if any(_PROOF_PARAM.search(a.arg) for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]):
        return True
    text = "\n".join(lines[first - 1:last])
    if not text.isascii():
        return True
    text = text.lower()
    return any(word in text for word in _SECRET_WORDS)


def secret_lookups(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], dict[str, str]]:
    """The handler's secret-named parameters that it passes, as they are, into a call (a lookup); and the
    secret-named fields of its parameters passed so (`claim_seat(session, body.invitation_token)`), dotted.
    Second, the proof-like parameters (`state`, `signature`, a token) handed to a call named for a check,
    with that call (`{"state": "state_manager.validate_state"}`): the caller is verified there."""
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    params = {a.arg for a in args}
    names = {a for a in params if _SECRET_PARAM.search(a) and not _NOT_SECRET.search(a)}
    if not names and not params - _NOT_CARRIERS:
        return [], {}  # no parameter that could be, or carry, a secret or a proof: no call can pass one
    proofs = names | {a for a in params if _PROOF_PARAM.search(a)}
    used: set[str] = set()
    checked: dict[str, str] = {}
    for call in iter_nodes(node, skip=()):  # every node, as ast.walk, without its generators per node
        if isinstance(call, ast.Call):
            func = call.func
            tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            callee = dotted(func) or tail
            checks = bool(_CHECK_CALL.match(tail))
            for value in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(value, ast.Name) and value.id in proofs and checks:
                    checked.setdefault(value.id, callee)
                if isinstance(value, ast.Name) and value.id in names:
                    used.add(value.id)
                elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and \
                        value.value.id in params and value.value.id not in _NOT_CARRIERS and \
                        _SECRET_FIELD.search(value.attr) and not _NOT_SECRET.search(value.attr):
                    used.add(f"{value.value.id}.{value.attr}")
    return sorted(used), dict(sorted(checked.items()))


def body_capability(views: list[dict]) -> str | None:
    """A secret-named field of the request body handed to a lookup (`body.invitation_token`), or None: a
    credential carried in the body, or a value the handler stores; which one is not traced."""
    return next((k for v in views for k in v.get("looks_up_by", ()) if "." in k), None)


def secret_path_param(route: str) -> str | None:
    """A path parameter named for a secret, a token or a key (`<str:environment_api_key>`), or None."""
    in_path = [part.strip() for m in _PARAM.findall(route) for part in m.split(":")]
    return next((p for p in in_path if _SECRET_FIELD.search(p) and not _NOT_SECRET.search(p)), None)


def capability_param(route: str, views: list[dict]) -> str | None:
    """The path parameter that keys this route as a capability link, or None."""
    # `{token}`, `{token:path}` (Starlette), `<string:token>` (Flask, Django)
    in_path = {part.strip() for m in _PARAM.findall(route) for part in m.split(":")}
    for view in views:
        hit = next((p for p in view.get("looks_up_by", []) if p in in_path), None)
        if hit:
            return hit
    return None
