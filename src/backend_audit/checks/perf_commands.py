"""BA-PERF-002 in Django management commands and command-line packages: the file check
(performance.OutboundCallWithoutTimeout) leaves these findings to this project pass, which knows who runs each
command and who calls each helper. A command an operator starts by hand or from cron hangs in front of its
runner, no web worker or queue waits on it: a note. A command application code runs by name
(`call_command("sync-feeds")` in a task or view) is part of that worker's job: the warning stands. So is a
module function of a command-line package (a folder whose modules declare a click/typer CLI) that only that
package calls, or nothing does: an operator's command runs it, or nothing."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..findings import Finding
from .base import ProjectCheck, deferred_findings, first_source_naming
from .performance import DEFERRED_COMMAND_CALLS, DEFERRED_FUNCTION_CALLS


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


# the command-line libraries whose import makes a folder a command-line package (argparse is left out: an
# application module parses its own options with it too)
_CLI_LIBRARIES = frozenset({"click", "rich_click", "asyncclick", "cloup", "typer"})


class CliPackageHelpers(ProjectCheck):
    RULE_ID = "BA-PERF-002"
    # a caller outside the given files is not seen: the finding is then a note that says so, never an error
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFERRED_FUNCTION_CALLS)
        if not deferred:
            return []
        cli_dirs = {str(PurePosixPath(path).parent) for path in sorted(project.facts)
                    if not project.facts[path].get("is_test") and any(
                        str(v).split(".")[0] in _CLI_LIBRARIES
                        for v in ((project.facts[path].get("semantic") or {}).get("imports") or {}).values())}
        sm = project.semantic if any(str(PurePosixPath(f.path).parent) in cli_dirs for f in deferred) else None
        for finding in deferred:
            properties = dict(finding.properties)  # the facts' own dict stays as cached
            function = properties.pop("function", "")
            finding.properties = properties
            folder = str(PurePosixPath(finding.path).parent)
            if sm is None or folder not in cli_dirs:
                continue
            qual = f"{sm.module_of(finding.path)}.{function}"
            outside = sorted(c for c in sm.callers(qual)
                             if str(PurePosixPath(sm.functions[c].path).parent) != folder)
            if not outside:
                finding.level = "note"
                finding.message += (f" (in {function}(), a helper of the command-line package {folder}/ that no "
                                    "module outside it calls: an operator's command runs it, if anything; whoever "
                                    "runs it sees a hang)")
        return deferred
