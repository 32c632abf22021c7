"""BA-INP-002, project half: a handler validating its body against a JSON schema named, not written, there.

The file check (mass_assignment.py) leaves these findings under `mass_assignment_schemas` with the schema's name
as written; the schema is usually a constant of a `schemas` module, found here through the importing module's
imports and the `json_schemas` fact of the module that defines it. A schema whose top level forbids unknown
keys makes the request's keys an allowlist: a note. One that admits them, or cannot be found, keeps the finding.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .base import ProjectCheck, deferred_findings
from .mass_assignment import SCHEMA_BOUND, bounded_message

_MAX_HOPS = 8


class MassAssignmentSchema(ProjectCheck):
    RULE_ID = "BA-INP-002"

    def run(self, project: Any) -> list[Finding]:
        findings = deferred_findings(project, SCHEMA_BOUND)
        sm = getattr(project, "semantic", None) if findings else None
        for finding in findings:
            schema = finding.properties.pop("schema", "")
            if sm is not None and _closed(project, sm, finding.path, schema):
                finding.level = "note"
                finding.message = bounded_message(finding.message, schema)
        return findings


def _closed(project: Any, sm: Any, path: str, ref: str, hops: int = 0) -> bool:
    """`ref` as written in `path` names a JSON schema whose top level has `additionalProperties: false`."""
    if hops > _MAX_HOPS or not ref:
        return False
    facts = project.facts.get(path) or {}
    head, _, rest = ref.partition(".")
    if not rest:
        known = (facts.get("json_schemas") or {}).get(ref)
        if isinstance(known, bool):
            return known
        if isinstance(known, dict):
            return _closed(project, sm, path, known.get("copy", ""), hops + 1)
    module = sm.module_of(path)
    target = ((facts.get("semantic") or {}).get("imports") or {}).get(head)
    if not module or not target:
        return False
    full = f"{target}.{rest}" if rest else target
    owner, _, name = full.rpartition(".")
    found = sm.find_module(owner, module) if owner else None
    where = sm.path_of(found) if found else None
    return bool(where and where != path) and _closed(project, sm, where, name, hops + 1)
