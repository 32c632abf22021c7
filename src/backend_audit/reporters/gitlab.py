"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array in the Code Climate shape.

Fingerprints are our line-free `backendAudit/v1` hashes, so an issue keeps its identity when code moves
and GitLab's merge-request widget shows only what the branch introduced. Suppressed and baselined
findings are left out: Code Quality has no notion of them.
"""

from __future__ import annotations

from typing import Any

from .printable import clean
from .severity import band, rule_index
from . import pretty_json

EXTENSION = "json"
STREAM = False
# its own name (GitLab docs use it), in reports/ like every other file format
DEFAULT_OUTPUT = "reports/gl-code-quality-report.json"

_SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "note": "info"}


def _categories(rule: Any) -> list[str]:
    if rule is None:
        return ["Bug Risk"]
    if rule.is_security:
        return ["Security"]
    return {"quality": ["Complexity"], "meta": ["Clarity"]}.get(rule.area, ["Bug Risk"])


def to_data(result) -> list[dict[str, Any]]:
    rules = rule_index(result)
    out = []
    for f in result.active_findings:
        rule = rules.get(f.rule_id)
        out.append({
            "type": "issue",
            "check_name": f.rule_id,
            # Shown in the merge-request widget: no control or bidi characters from the scanned tree.
            "description": clean(f"{f.rule_id}: {f.message}"),
            "categories": _categories(rule),
            "severity": _SEVERITY[band(f, rule)],
            "fingerprint": f.fingerprint,
            "location": {"path": clean(f.path), "lines": {"begin": f.line, "end": max(f.end_line, f.line)}},
        })
    return out


def render(result, options: dict[str, Any]) -> str:
    return pretty_json.dumps(to_data(result), sort_keys=True) + "\n"
