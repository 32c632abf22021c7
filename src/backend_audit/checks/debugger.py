"""BA-QUAL-004: debugger hooks left in application code."""

from __future__ import annotations

from pathlib import PurePosixPath

import ast

from .base import AstCheck, FileContext

_DEBUGGERS = frozenset({"pdb", "ipdb", "pudb", "wdb", "web_pdb", "remote_pdb", "rpdb", "pydevd", "pydevd_pycharm",
                        "debugpy"})
_HOOKS = frozenset({"set_trace", "post_mortem", "pm", "breakpoint", "settrace", "listen", "wait_for_client"})
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools"})


class DebuggerHookLeft(AstCheck):
    RULE_ID = "BA-QUAL-004"
    PREFILTER = ("breakpoint", "pdb", "pudb", "wdb", "pydevd", "debugpy", "embed")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.exempt = any(p in _SCRIPT_DIRS for p in PurePosixPath(ctx.path).parts[:-1])
        # names a debugger import binds inside a function (ctx.qualname resolves module-level imports only)
        self.local_hooks: dict[str, str] = {}

    def visit_Import(self, node: ast.Import) -> None:
        if self.exempt:
            return
        for alias in node.names:
            if alias.name.split(".")[0] in _DEBUGGERS:
                self.report(node, f"`import {alias.name}` left in application code: a debugger hook blocks the "
                                  "worker that reaches it; delete it")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not self.exempt and not node.level and (node.module or "").split(".")[0] in _DEBUGGERS:
            for alias in node.names:
                self.local_hooks[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            self.report(node, f"`from {node.module} import ...` left in application code: a debugger hook blocks "
                              "the worker that reaches it; delete it")

    def visit_Call(self, node: ast.Call) -> None:
        if self.exempt:
            return
        qn = self.ctx.qualname(node.func) or ""
        if not qn and isinstance(node.func, ast.Name):
            qn = self.local_hooks.get(node.func.id, "")
        head, _, tail = qn.rpartition(".")
        if qn == "builtins.breakpoint" or (head.split(".")[0] in _DEBUGGERS and tail in _HOOKS) or \
                qn in ("IPython.embed", "IPython.terminal.embed.embed"):
            self.report(node, f"{qn.removeprefix('builtins.')}() left in code: a request that reaches it stops the "
                              "worker at a debugger prompt; delete it")
