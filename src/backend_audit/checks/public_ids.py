"""Token-named values that are an object's public address, for BA-LOG-004: a `friendly_token` the project's
URL routes carry as a path parameter and its queries look objects up by is how a page names a media item, not
a credential. The file pass records both uses and leaves the name-only findings of such names to the project
pass (PublicIdentifierLogged), which demotes the ones whose name the whole project uses that way."""

from __future__ import annotations

import ast
import re
from typing import Any

from ..findings import Finding
from .base import ProjectCheck, dotted
from .util import is_sensitive_name

# A path parameter in a route: Django's `(?P<name>...)` and `<conv:name>`, Flask's `<name>`, FastAPI's `{name}`
_ROUTE_PARAM = re.compile(r"\(\?P<(\w+)>|/<(?:\w+:)?(\w+)>|/\{(\w+)(?::\w+)?\}")
# Query calls whose keywords are a model's field lookups (Django, SQLAlchemy's filter_by, Flask-SQLAlchemy)
_LOOKUPS = frozenset({"get", "filter", "exclude", "filter_by", "get_object_or_404", "get_list_or_404",
                      "get_or_404", "first_or_404"})
# Words naming an access flow: a token that is also a route parameter and a lookup key there (`/reset/<reset_token>`,
# an invitation, a share link) is the capability the link grants, not an address
_FLOW_WORDS = frozenset({"reset", "invite", "invitation", "verify", "verification", "confirm", "confirmation",
                         "activation", "activate", "magic", "login", "signin", "signup", "register", "registration",
                         "auth", "access", "refresh", "api", "session", "csrf", "xsrf", "share", "sharing", "secret",
                         "private", "password", "recovery", "otp", "bearer", "oauth", "jwt", "sso", "mfa",
                         "unsubscribe", "download", "upload", "webhook", "signing", "sign", "signed", "one", "time"})
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_LOGGED_NAME = re.compile(r"^'(\w+)'")

SUB = "public-identifier"


def could_be_public(name: str) -> bool:
    """A qualified token name (`friendly_token`, `ping_key`) whose qualifier names no access flow and is no
    credential word itself; a bare `token` or `reset_token` is never an address."""
    words = [w for w in _WORDS.sub("_", name).lower().split("_") if w]
    qualifiers = [w for w in words if not is_sensitive_name(w)]
    return len(words) >= 2 and bool(qualifiers) and not any(w in _FLOW_WORDS for w in words)


def route_params(text: str) -> set[str]:
    """The token-named path parameters a route string declares."""
    if "<" not in text and "{" not in text:
        return set()
    return {n for m in _ROUTE_PARAM.finditer(text) for n in m.groups() if n and could_be_public(n)}


def lookup_fields(call: ast.Call) -> set[str]:
    """The token-named fields a query call matches a value against (`.get(friendly_token=token)`)."""
    name = (dotted(call.func) or "").rsplit(".", 1)[-1]
    if name not in _LOOKUPS or not call.keywords:
        return set()
    out = set()
    for kw in call.keywords:
        parts = (kw.arg or "").split("__")  # `project__ping_key__exact` looks up ping_key
        field = parts[-2] if len(parts) > 1 and parts[-1] in ("exact", "iexact") else parts[-1]
        if field and not isinstance(kw.value, ast.Constant) and could_be_public(field):
            out.add(field)
    return out


def logged_name(finding: dict[str, Any]) -> str | None:
    """The name a deferred name-only finding's message opens with (`'friendly_token' is written...`)."""
    m = _LOGGED_NAME.match(finding.get("message", ""))
    return m.group(1) if m else None


class PublicIdentifierLogged(ProjectCheck):
    """The name-only BA-LOG-004 findings SensitiveValueLogged left to the project pass: a note when the
    project routes URLs by that name and looks objects up by it (the object's public address, in every
    access log already), the warning they were otherwise."""

    RULE_ID = "BA-LOG-004"
    # on a few files the routes or the queries may be out of view: the findings stay warnings, as without the pass
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = [(path, f) for path in sorted(project.facts) for f in project.facts[path].get("token_name_logs", ())]
        if not deferred:
            return []
        routed: set[str] = set()
        looked_up: set[str] = set()
        for path in sorted(project.facts):
            routed.update(project.facts[path].get("token_route_params", ()))
            looked_up.update(project.facts[path].get("token_lookups", ()))
        public = routed & looked_up
        out = []
        for _path, data in deferred:
            finding = Finding.from_dict(data)
            name = logged_name(data)
            if name in public:
                finding.level = "note"
                finding.message = (f"'{name}' is written to the log, but the project's URL routes carry it as a path "
                                   "parameter and its queries look objects up by it: an object's public address "
                                   "(already in every access log) rather than a credential, origin not traced; "
                                   "mask it if it grants access")
                finding.properties = {**finding.properties, "sub": SUB}
            out.append(finding)
        return out
