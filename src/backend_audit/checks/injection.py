"""Injection checks (non-SQL)."""

from __future__ import annotations

import libcst as cst

from ..findings import Finding
from .base import BanditCheck, CstCheck
from .util import is_literal_string


class ShellCommandExecution(BanditCheck):
    """bandit B602/B604/B605/B609, re-keyed. bandit rates a literal command LOW: that is our warning."""

    RULE_ID = "BA-INP-003"

    def convert(self, issue) -> Finding | None:
        literal = issue.severity == "LOW"
        level = "warning" if literal else "error"
        what = "with a constant command" if literal else "with a command built at run time"
        return self.finding_from_issue(
            issue, level=level,
            message=f"shell command execution {what} ({issue.test_id}); pass an argument list without a shell")


class ShellCommandExecutionAsync(CstCheck):
    """What bandit does not see: asyncio's shell subprocess API."""

    RULE_ID = "BA-INP-003"
    PREFILTER = ("create_subprocess_shell",)

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if not qn.endswith("create_subprocess_shell") or not qn.startswith("asyncio"):
            return
        literal = bool(node.args) and is_literal_string(node.args[0].value)
        self.report(node, "shell command execution via asyncio.create_subprocess_shell"
                          f"{' with a constant command' if literal else ' with a command built at run time'}; "
                          "use asyncio.create_subprocess_exec with an argument list",
                    level="warning" if literal else "error")
