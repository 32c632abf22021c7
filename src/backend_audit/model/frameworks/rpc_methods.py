"""RPC entry points: one URL (django-modern-rpc's `RPCEntryPoint`) dispatching to every function registered
with a registration decorator (`@rpc_method(name=...)`, or a project factory around it such as
`@app_rpc_method(name=..., auth="login")`). Auth is declared per method there, not on the URL: the entry point
is judged by the methods it serves (BA-AUTH-001), and a method its registration declares anonymous is one an
anonymous caller reaches.
"""

from __future__ import annotations

import re
from typing import Any

from .common import last_name

# Library views that dispatch a JSON-RPC/XML-RPC call to a registered method by the name in the request body
RPC_ENTRY_POINTS = frozenset({"RPCEntryPoint"})
# A registration decorator by its name: the library's own and project factories named after it
_REGISTRATION = re.compile(r"(?i)^\w*rpc_method$")
# Registration keywords that declare who may call the method, and the values that mean "anyone"
_AUTH_KEYWORDS = ("auth", "authentication", "permission", "access")
_ANONYMOUS = frozenset({"anonymous", "anon", "public", "none", "anyone", "any", "all", "everyone"})


def registered_methods(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Every function registered as an RPC method: its file, qualified name, line, decorators and what its
    registration declares of auth (`declared`: the keyword's value, None when the registration names none)."""
    out = []
    for path in sorted(facts):
        for qual, fn in sorted((facts[path].get("functions") or {}).items()):
            decorators = fn.get("decorators") or ()
            reg = next((d for d in decorators if _REGISTRATION.match(last_name(d.get("ref", "")))), None)
            if reg is None:
                continue
            kwargs = reg.get("kwargs") or {}
            declared = next((kwargs[k] for k in _AUTH_KEYWORDS if k in kwargs), None)
            out.append({"path": path, "qualname": qual, "line": fn.get("line", reg.get("line", 0)),
                        "declared": declared, "decorators": [d for d in decorators if d is not reg],
                        "name": kwargs.get("name") if isinstance(kwargs.get("name"), str) else qual})
    return out


def declared_anonymous(method: dict[str, Any]) -> bool:
    """The registration says in words that anyone may call it (`auth="anonymous"`). With no such keyword the
    registration's default applies (a project factory's `auth="superuser"`), which is not traced here."""
    declared = method["declared"]
    return isinstance(declared, str) and declared.strip().lower() in _ANONYMOUS
