"""`backend-audit endpoints`: the inventory as an aligned table or as JSON."""

from __future__ import annotations

import json
from typing import Any

_COLUMNS = (("methods", "METHODS"), ("path", "PATH"), ("handler", "HANDLER"), ("auth", "AUTH"),
            ("validation", "VALIDATION"), ("pagination", "PAGINATION"), ("rate_limit", "RATE LIMIT"))


def _cell(endpoint: dict[str, Any], key: str) -> str:
    value = endpoint.get(key)
    if key == "methods":
        return ",".join(value or [])
    if key == "handler":
        return f"{value} ({endpoint['file']}:{endpoint['line']})"
    return "-" if value in (None, "") else str(value)


def frameworks_text(frameworks: dict[str, dict[str, Any]] | None) -> list[str]:
    """One line per framework the scan saw: what was found, or that its routes are not modelled."""
    lines = []
    for name, info in sorted((frameworks or {}).items()):
        if info["modelled"]:
            lines.append(f"{name}: {info['endpoints']} endpoint(s) (imported in {info['files']} file(s))")
        else:
            lines.append(f"{name}: seen (imported in {info['files']} file(s)); its routes are not modelled, so its "
                         "endpoints are not listed")
    return lines


def render_endpoints(endpoints: list[dict[str, Any]], fmt: str,
                     frameworks: dict[str, dict[str, Any]] | None = None) -> str:
    if fmt == "json":
        return json.dumps(endpoints, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    summary = frameworks_text(frameworks)
    if not endpoints:
        return "\n".join(["no endpoints found", *summary]) + "\n"
    rows = [[title for _, title in _COLUMNS]] + [[_cell(e, key) for key, _ in _COLUMNS] for e in endpoints]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    frameworks = sorted({e["framework"] for e in endpoints})
    unauth = sum(1 for e in endpoints if str(e.get("auth", "")).startswith("none"))
    lines.append(f"\n{len(endpoints)} endpoints ({', '.join(frameworks)}); {unauth} without authentication")
    return "\n".join([*lines, *summary]) + "\n"
