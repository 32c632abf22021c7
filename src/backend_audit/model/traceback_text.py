"""Functions whose result is the traceback as text, for BA-LOG-001: a project helper such as
`def exception_text(exc): return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))`
put into `logger.error(f"... {exception_text(e)}")` logs the traceback itself, so nothing is lost.

Recorded here, in the one walk every file gets, because the helper usually lives in another module than the
handlers that call it; the project pass (checks/traceback_helpers.py) joins the two."""

from __future__ import annotations

import ast

from ..checks.base import FileContext

# the stdlib calls whose value is the formatted traceback of an exception
TRACEBACK_TEXT = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb"})
FACT = "traceback_text_functions"
# BA-LOG-001 findings whose message calls a helper that may return the traceback as text, left to the project pass
DEFERRED = "traceback_helper_logs"


class TracebackTextCollector:
    """`traceback_text_functions`: module-level functions that return text made by `traceback.format_*`."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # a module-level function (the context has entered it: its name is the whole symbol), and only its own
        # top-level returns: the helper is a line or two, a return deep in its branches one answer of several
        if len(self.ctx.symbol_stack) == 1 and any(
                isinstance(s, ast.Return) and s.value is not None and self._formats(s.value) for s in node.body):
            self.ctx.facts.setdefault(FACT, []).append(node.name)

    def _formats(self, value: ast.expr) -> bool:
        return any(isinstance(n, ast.Call) and (self.ctx.qualname(n.func) or "") in TRACEBACK_TEXT
                   for n in ast.walk(value))
