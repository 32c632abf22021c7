"""`min-level`: findings below the level a team asked to see are kept out of the report like baselined ones.

They are marked suppressed ("external", the SARIF kind for configuration), so every reporter already leaves
them out of alerts, annotations and the gate while the summary still counts them: hidden, never lost.
GitHub code scanning opens an alert for every `note` result; a team that uploads only what it will act on
sets `min-level = "warning"` (bandit's `--severity-level`, CodeQL's default suite leaving out recommendations).
"""

from __future__ import annotations

from typing import Any

from ..findings import LEVEL_RANK, ScanResult

JUSTIFICATION = "below min-level {}"


def apply(result: ScanResult, settings: Any) -> None:
    minimum = getattr(settings, "min_level", "note")
    if minimum == "note":
        return
    floor = LEVEL_RANK[minimum]
    hidden = 0
    for f in result.findings:
        if f.suppression is None and LEVEL_RANK[f.level] < floor:
            f.suppression = {"kind": "external", "justification": JUSTIFICATION.format(minimum)}
            hidden += 1
    result.below_level = {"min_level": minimum, "hidden": hidden}
