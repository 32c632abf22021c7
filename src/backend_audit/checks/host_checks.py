"""Whether an outbound request's function first hands its URL to a project check that resolves the host and
refuses private addresses (`_validate_url_against_ssrf(url)`: getaddrinfo, then `ip.is_private` / `is_loopback`
in it or in a helper it calls). Such a check stops a URL naming an internal host; it cannot stop a name that
resolves differently the second time (DNS rebinding), which is what is left to report."""

from __future__ import annotations

from typing import Any


def ssrf_check(project: Any, path: str, symbol: str) -> str | None:
    """The name of the check the function `symbol` of `path` calls, or None."""
    sm = getattr(project, "semantic", None) if project is not None else None
    module = sm.module_of(path) if sm is not None and symbol else None
    if module is None:
        return None
    for callee in sorted(sm.callees(f"{module}.{symbol}")):
        fn = _facts(project, sm, callee)
        if fn and fn.get("resolves_host") and (fn.get("checks_ip_range") or any(
                (_facts(project, sm, inner) or {}).get("checks_ip_range") for inner in sorted(sm.callees(callee)))):
            return callee.rsplit(".", 1)[-1]
    return None


def _facts(project: Any, sm: Any, qualname: str) -> dict[str, Any] | None:
    info = sm.function(qualname)
    if info is None or not info.path:
        return None
    return project.facts.get(info.path, {}).get("functions", {}).get(qualname[len(info.module) + 1:])
