"""The JSON report: the machine-readable record of one scan, byte-identical for the same tree."""

from __future__ import annotations

from typing import Any

from ..catalog import pack_version
from . import pretty_json

EXTENSION = "json"
STREAM = False
SCHEMA_VERSION = 1


def to_data(result, options: dict[str, Any]) -> dict[str, Any]:
    counts = result.counts()
    data: dict[str, Any] = {
        "tool": {"name": "backend-audit", "version": result.tool_version, "rules_version": pack_version(),
                 "schema_version": SCHEMA_VERSION},
        "summary": {
            "verdict": "fail" if result.failed() else "pass",
            "fail_on": result.fail_on,
            "counts": counts,
            "findings": sum(counts.values()),
            "suppressed": len(result.suppressed_findings),
            "files_discovered": result.files_discovered,
            "files_scanned": result.files_scanned,
            "files_skipped": result.files_skipped,
            "files_partial": result.files_partial,
            "files_excluded": sum(result.excluded.values()),
            "lines_scanned": result.lines_scanned,
            "rules_enabled": len(result.rules),
        },
        "findings": [f.to_dict() for f in result.findings],
        "skipped": [s.to_dict() for s in result.skipped],
    }
    if result.excluded:
        data["excluded"] = [{"path": folder, "files": n, "reason": "hidden tooling folder (include-hidden to scan)"}
                            for folder, n in sorted(result.excluded.items())]
    if options.get("timings"):
        data["summary"]["duration_s"] = round(result.duration, 3)
        data["timings"] = {k: round(v, 3) for k, v in sorted(result.timings.items())}
    for extra in ("endpoints", "frameworks", "checklist", "coverage", "baseline", "below_level", "changes"):
        value = getattr(result, extra)
        if value is not None:
            data[extra] = value
    if result.notifications:
        data["notifications"] = result.notifications
    return data


def render(result, options: dict[str, Any]) -> str:
    return pretty_json.dumps(to_data(result, options), sort_keys=True) + "\n"
