"""BA-PERF-003 for rows created one by one (`Model.objects.create()` in a loop): the file check
(performance.DatabaseRoundTripInLoop) leaves its warnings about them to this project pass. `bulk_create()`
sends no `pre_save`/`post_save` signal, so where the project listens to that model's save signals (permissions,
counters, denormalised rows kept by a receiver) the per-row write is how those receivers run: batching it
silently drops their work. Then the finding is a note that names the receiver's module; otherwise the warning
stands."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .base import ProjectCheck, deferred_findings, first_source_naming
from .performance import DEFERRED_ROW_CREATES


class RowCreatesWithSignals(ProjectCheck):
    RULE_ID = "BA-PERF-003"
    # a receiver outside the given files is not seen: the warning then stands, as on the whole tree without one
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFERRED_ROW_CREATES)
        if not deferred:
            return []
        listened = first_source_naming(project, "save_signal_senders")
        for finding in deferred:
            model = finding.properties.get("model")
            where = listened.get(model)
            if where:
                finding.level = "note"
                finding.message += (f"; {where} listens to {model}'s save signals, which bulk_create() does not "
                                    "send: the per-row write may be what runs them")
        return deferred
