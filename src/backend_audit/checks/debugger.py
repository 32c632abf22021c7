"""BA-QUAL-004: debugger hooks left in application code."""

from __future__ import annotations

from pathlib import PurePosixPath

import ast

from .base import AstCheck, FileContext

_DEBUGGERS = frozenset({"pdb", "ipdb", "pudb", "wdb", "web_pdb", "remote_pdb", "rpdb", "pydevd", "pydevd_pycharm",
                        "debugpy"})
_HOOKS = frozenset({"set_trace", "post_mortem", "pm", "breakpoint", "settrace", "listen", "wait_for_client"})
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools"})
_ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ"})
_SHELLS = frozenset({"IPython.embed", "IPython.terminal.embed.embed", "IPython.start_ipython", "code.interact",
                     "ptpython.repl.embed", "bpython.embed"})
# Commands whose job is an interactive session: `flask shell`, `manage.py debug_console`, `cli repl`
_SESSION_WORDS = frozenset({"shell", "repl", "console", "debug", "interact", "ipython", "pdb"})
# A function named for nothing but the debugger (`def ipdb(what)` registered as a template filter,
# `def set_trace()`, `pdb_hook`): a helper someone applies on purpose while debugging, not a hook forgotten in a
# code path; it stops only what explicitly calls it
_HELPER_WORDS = _DEBUGGERS | {"set", "trace", "breakpoint", "debugger", "filter", "tag", "hook", "bp"}


class DebuggerHookLeft(AstCheck):
    RULE_ID = "BA-QUAL-004"
    PREFILTER = ("breakpoint", "pdb", "pudb", "wdb", "pydevd", "debugpy", "embed")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.exempt = any(p in _SCRIPT_DIRS for p in PurePosixPath(ctx.path).parts[:-1])
        # names a debugger import binds inside a function (ctx.qualname resolves module-level imports only)
        self.local_hooks: dict[str, str] = {}

    def _opt_in(self) -> bool:
        """Inside `if os.environ.get("REMOTE_DEBUG"):`: a switch the operator turns on for one run, not a hook
        forgotten in the code path (a leftover fires whatever the environment says)."""
        for parent in self.ctx.parents:
            if isinstance(parent, ast.If) and _reads_env(parent.test, self.ctx):
                return True
        return False

    def _shell_command(self) -> str:
        """The command-line command the call is in ("" if none): a click/typer `@cli.command()`, a Django
        management command's `handle()`, code under `if __name__ == "__main__":`. Run by the operator at a
        terminal, never reached by a request; returns the command's name (its function or module)."""
        if "management/commands/" in self.ctx.path:
            return PurePosixPath(self.ctx.path).stem
        for parent in self.ctx.parents:
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for deco in parent.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    if name == "command":
                        label = next((a.value for a in getattr(deco, "args", ()) if isinstance(a, ast.Constant)
                                      and isinstance(a.value, str)), parent.name)
                        return label
            if isinstance(parent, ast.If) and "__main__" in ast.dump(parent.test) and \
                    "__name__" in ast.dump(parent.test):
                return PurePosixPath(self.ctx.path).stem
        return ""

    def _session_command(self) -> bool:
        """A command whose name says it opens an interactive session (`shell`, `debug-console`, `repl`)."""
        words = set(self._shell_command().lower().replace("-", "_").split("_"))
        return bool(words & _SESSION_WORDS)

    def _debug_helper(self) -> str:
        """The enclosing function, when its name says it is nothing but a debugging helper ("" otherwise)."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        words = set(fn.name.lower().strip("_").split("_")) if fn is not None else set()
        return fn.name if words and words <= _HELPER_WORDS else ""

    def _report(self, node: ast.AST, message: str) -> None:
        helper = self._debug_helper()
        if helper:
            self.report(node, f"{message.partition(':')[0]}, in {helper}(), a helper named for the debugger: it "
                              "stops only what applies it on purpose; whether any caller or template does was not "
                              "traced: delete it before release", level="note")
            return
        self.report(node, message)

    def visit_Import(self, node: ast.Import) -> None:
        if self.exempt or self._opt_in() or self._session_command():
            return
        for alias in node.names:
            if alias.name.split(".")[0] in _DEBUGGERS:
                self._report(node, f"`import {alias.name}` left in application code: a debugger hook blocks the "
                                   "worker that reaches it; delete it")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not self.exempt and not node.level and (node.module or "").split(".")[0] in _DEBUGGERS and \
                not self._opt_in() and not self._session_command():
            for alias in node.names:
                self.local_hooks[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            self._report(node, f"`from {node.module} import ...` left in application code: a debugger hook blocks "
                               "the worker that reaches it; delete it")

    def visit_Call(self, node: ast.Call) -> None:
        if self.exempt or self._opt_in():
            return
        qn = self.ctx.qualname(node.func) or ""
        if not qn and isinstance(node.func, ast.Name):
            qn = self.local_hooks.get(node.func.id, "")
        head, _, tail = qn.rpartition(".")
        if qn in _SHELLS and self._shell_command() or self._session_command():
            return  # an interactive session is what the command is for
        if qn == "builtins.breakpoint" or (head.split(".")[0] in _DEBUGGERS and tail in _HOOKS) or qn in _SHELLS:
            command = self._shell_command()
            if command:  # no request reaches it, but a scheduled run of the command would hang at the prompt
                self.report(node, f"{qn.removeprefix('builtins.')}() in the command-line command {command!r}: no "
                                  "request reaches it, but an unattended run (cron, CI) stops at the prompt; delete "
                                  "it or put it behind an option", level="warning")
                return
            self._report(node, f"{qn.removeprefix('builtins.')}() left in code: a request that reaches it stops the "
                               "worker at a debugger prompt; delete it")


def _reads_env(test: ast.expr, ctx: FileContext) -> bool:
    """`os.environ.get("X")`, `os.getenv("X") == "1"`, `"X" in os.environ`, `os.environ["X"]`."""
    for n in ast.walk(test):
        target = n.func if isinstance(n, ast.Call) else n.value if isinstance(n, ast.Subscript) else \
            n if isinstance(n, ast.Attribute) else None
        if target is None:
            continue
        qn = ctx.qualname(target) or ""
        if qn in _ENV_READS:
            return True
    return False
