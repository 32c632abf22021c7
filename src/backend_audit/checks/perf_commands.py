"""BA-PERF-002 in Django management commands: the file check (performance.OutboundCallWithoutTimeout) leaves
these findings to this project pass, which knows who runs each command. A command an operator starts by hand
or from cron hangs in front of its runner, no web worker or queue waits on it: a note. A command application
code runs by name (`call_command("sync-feeds")` in a task or view) is part of that worker's job: the warning
stands."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..findings import Finding
from .base import ProjectCheck, deferred_findings, first_source_naming
from .performance import DEFERRED_COMMAND_CALLS


class CommandCallsByHand(ProjectCheck):
    RULE_ID = "BA-PERF-002"
    # a caller outside the given files is not seen: the finding is then a note that says so, never an error
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFERRED_COMMAND_CALLS)
        if not deferred:
            return []
        run_by_name = first_source_naming(project, "calls_commands")  # a test running the command is no worker
        out = []
        for finding in deferred:
            caller = run_by_name.get(PurePosixPath(finding.path).stem)
            if caller is None:
                finding.level = "note"
                finding.message += (" (in a management command no application module runs by name "
                                    "(`call_command`): started by hand or by cron, whoever runs it sees a hang)")
            else:
                finding.message += f" (the command runs inside the application: {caller} calls it by name)"
            out.append(finding)
        return out
