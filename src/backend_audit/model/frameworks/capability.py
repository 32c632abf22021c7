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

# Parameter names that hold an unguessable value: a client secret, a link or invitation token; not the id,
# name or kind of one (`token_id`, `secret_name`: guessable, a guard is still expected).
_SECRET_PARAM = re.compile(r"(?i)(secret|token)")
_NOT_SECRET = re.compile(r"(?i)(^|_)(ids?|pk|uuid|name|type|kind|count)$|[a-z]Id$")
_PARAM = re.compile(r"[<{(]([^>})]*)[>})]")


def secret_lookups(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The handler's secret-named parameters that it passes, as they are, into a call (a lookup)."""
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    names = {a.arg for a in args if _SECRET_PARAM.search(a.arg) and not _NOT_SECRET.search(a.arg)}
    if not names:
        return []
    used: set[str] = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            for value in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(value, ast.Name) and value.id in names:
                    used.add(value.id)
    return sorted(used)


def capability_param(route: str, views: list[dict]) -> str | None:
    """The path parameter that keys this route as a capability link, or None."""
    # `{token}`, `{token:path}` (Starlette), `<string:token>` (Flask, Django)
    in_path = {part.strip() for m in _PARAM.findall(route) for part in m.split(":")}
    for view in views:
        hit = next((p for p in view.get("looks_up_by", []) if p in in_path), None)
        if hit:
            return hit
    return None
