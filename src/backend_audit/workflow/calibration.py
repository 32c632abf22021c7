"""Levels by blind calibration: a kind of finding that blind reviews found mostly wrong is reported lower.

A check's level says what the finding would mean if the check read the code right. Blind reviews of backends
nobody tuned the rules on (docs/precision.md, "Levels by blind calibration") say how often it does: some kinds
(a rule, its sub-check, the level reported) could not be right often enough for their level (a warning 60% of the
time, an error 80%, at the optimistic end of what the reviews allow) in several projects. Those are reported at the level `rules/calibration.yaml` gives (benchmarks/calibrate.py writes it),
and the message says so, as a rule that cannot tell safe from unsafe should: the finding stays in the report,
it no longer gates a build or opens a code-scanning alert at warning. `calibrated-levels = false` (or
`--raw-levels`) reports every finding at its check's own level.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..findings import LEVEL_RANK, Finding

KEY = "calibrated"


def apply(findings: Iterable[Finding], rules: dict[str, Any], settings: Any) -> None:
    """Lower every finding of a calibrated kind, once, after the project pass decided its level."""
    if not getattr(settings, "calibrated_levels", True):
        return
    table = {(rule_id, c["sub"], c["level"]): c for rule_id, rule in rules.items()
             for c in getattr(rule, "calibration", ())}
    if not table:
        return
    for f in findings:
        c = table.get((f.rule_id, f.properties.get("sub"), f.level))
        if c is None or KEY in f.properties or LEVEL_RANK[c["to"]] >= LEVEL_RANK[f.level]:
            continue
        why = (f"{c['to']} by blind calibration: {c['real']} of {c['reviewed']} such {f.level}s were real on "
               f"{c['projects']} unseen backends")
        f.message = f"{f.message} ({why})"
        f.properties = {**f.properties, KEY: {"from": f.level, "real": c["real"], "reviewed": c["reviewed"]}}
        f.level = c["to"]
