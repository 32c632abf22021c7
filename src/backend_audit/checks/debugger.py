"""BA-QUAL-004: debugger hooks left in application code."""

from __future__ import annotations

from pathlib import PurePosixPath

import ast

from .base import AstCheck, FileContext, dotted
from .util import command_of_helper, is_route_handler

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

    def report(self, node: ast.AST, message: str | None = None, *, level: str | None = None, **kw) -> None:
        """An error needs evidence that a request or a worker runs the hook: at import of the module, in a
        route handler, a class-based view's method or a task. Elsewhere (a helper, a model method, a template
        filter) whether anything reaches it was not traced: a warning that says so. An import alone stops
        nothing: the hook is reported where it is called."""
        if level is None:
            reached = _reached_by(self.ctx.function_stack, self.ctx.parents)
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not self.ctx.function_stack:
                level, message = "warning", f"{(message or '').partition(':')[0]}: the import alone stops nothing, " \
                                            "but it says a hook is or was in use here; delete it"
            elif not reached:
                fn = self.ctx.function_stack[-1].name if self.ctx.function_stack else "this code"
                level, message = "warning", f"{(message or '').partition(':')[0]}, in {fn}(): whether a request or a " \
                                            "worker reaches it was not traced (not a route handler, view method or " \
                                            "task); delete it"
        super().report(node, message, level=level, **kw)

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
        # `def ipython(**ns): start_ipython(...)`, one backend the `shell` command picks: part of that command
        return command_of_helper(self.ctx)

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


# Base classes whose methods serve requests (Django/DRF/Flask/Starlette/Tornado views, Channels consumers)
_VIEW_BASES = ("View", "ViewSet", "APIView", "Resource", "MethodView", "HTTPEndpoint", "Handler", "Consumer")
# Decorators that make a function a worker's job (`@shared_task`, `@app.task`, `@dramatiq.actor`, `@job`)
_TASK_DECORATORS = frozenset({"task", "shared_task", "actor", "job", "periodic_task"})


def _reached_by(functions: list[ast.AST], parents: list[ast.AST]) -> str:
    """What visibly runs the code: "import" at module level, else the enclosing route handler, view method
    or task ("" when none of them is among the enclosing functions)."""
    if not functions:
        return "import"
    for fn in functions:
        if is_route_handler(fn):
            return f"route handler {fn.name}()"
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in _TASK_DECORATORS:
                return f"task {fn.name}()"
    cls = next((p for p in reversed(parents) if isinstance(p, ast.ClassDef)), None)
    if cls is not None and any((dotted(b) or "").rpartition(".")[2].endswith(_VIEW_BASES) for b in cls.bases):
        return f"view {cls.name}"
    return ""


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
