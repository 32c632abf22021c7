"""Logging checks."""

from __future__ import annotations

from pathlib import PurePosixPath

import libcst as cst

from .base import CstCheck, FileContext
from .util import defines_cli, is_main_guard

# Files that are entry points or tooling, where printing is the interface (catalog BA-LOG-003).
_ENTRY_FILES = frozenset({"manage.py", "__main__.py", "setup.py", "env.py", "conftest.py", "cli.py", "noxfile.py",
                          "fabfile.py", "tasks.py"})
_TOOL_DIRS = frozenset({"scripts", "bin", "tools", "script"})
_PRINTS = frozenset({"builtins.print", "pprint.pprint", "pprint.pp", "builtins.pprint"})


class PrintInApplicationCode(CstCheck):
    RULE_ID = "BA-LOG-003"
    PREFILTER = ("print",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        path = PurePosixPath(ctx.path)
        self.exempt = path.name in _ENTRY_FILES or any(p in _TOOL_DIRS for p in path.parts[:-1])
        self.management_command = "management/commands" in ctx.path
        self.main_depth = 0

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self.main_depth += 1

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node):
            self.main_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self.exempt or self.main_depth:
            return
        qn = self.ctx.qualname(node.func)
        if qn not in _PRINTS:
            return
        if defines_cli(self.ctx):
            return
        name = qn.split(".")[-1]
        if self.management_command:
            self.report(node, f"{name}() in a Django management command; use self.stdout.write so output can be "
                              "captured and tested", level="note")
            return
        self.report(node, f"{name}() in application code bypasses logging (no level, no handler, no request "
                          "context); use a logger")
