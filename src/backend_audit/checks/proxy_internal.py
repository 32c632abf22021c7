"""Paths the repository's own reverse-proxy config keeps from outside callers: nginx's `internal;` in a
`location` block answers 404 to every client request and lets only the proxy's own redirects and
subrequests (`X-Accel-Redirect`, `auth_request`) reach it. The services behind the proxy still call the app
on the private network, so such a route relies on network isolation: not public, not proven guarded."""

from __future__ import annotations

from typing import Any

from .lazy_re import re  # compiled on first use
from .repo_text import texts

# the same files django_deploy.py reads for the proxy's HTTPS redirect: nginx configs and their templates
_PROXY_CONF = re.compile(r"(^|/)([^/]*nginx[^/]*|[^/]*\.conf(\.template|\.j2|\.jinja2?)?)$", re.I)
# `location /internal {`, `location ^~ /internal/ {` (prefix matches; a regex or exact location is skipped)
_LOCATION = re.compile(r"\blocation\s+(?:\^~\s+)?(/[^\s{;]*)\s*\{")
_INTERNAL = re.compile(r"^\s*internal\s*;", re.M)


def internal_locations(project: Any) -> list[tuple[str, str]]:
    """(path prefix, `file:line`) of each nginx prefix location the repository marks `internal;`."""
    return project.memo("proxy_internal_locations", lambda: _scan(project))


def internal_prefix(locations: list[tuple[str, str]], route: str) -> tuple[str, str] | None:
    """The internal location a route path falls under, or None."""
    return next(((p, where) for p, where in locations if route.startswith(p) and p != "/"), None)


def _scan(project: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rel, text in texts(project, lambda r: bool(_PROXY_CONF.search(r)) and r.count("/") <= 5):
        for m in _LOCATION.finditer(text):
            # the block's own directives: up to its first nested block or its end
            end = min((i for i in (text.find("{", m.end()), text.find("}", m.end())) if i >= 0), default=len(text))
            if _INTERNAL.search(text, m.end(), end):
                found.append((m.group(1), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"))
    return sorted(set(found))
