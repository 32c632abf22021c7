"""Functions whose result is the traceback as text, for BA-LOG-001: a project helper such as
`def exception_text(exc): return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))`
put into `logger.error(f"... {exception_text(e)}")` logs the traceback itself, so nothing is lost.

Recorded here, in the one walk every file gets, because the helper usually lives in another module than the
handlers that call it; the project pass (checks/traceback_helpers.py) joins the two."""

from __future__ import annotations

import ast

from ..checks.base import FileContext
from ..checks.util import logger_method

# the stdlib calls whose value is the formatted traceback of an exception
TRACEBACK_TEXT = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb"})
FACT = "traceback_text_functions"
# module-level functions that log the exception they are handed with its traceback (`logger.exception(e)`):
# {name: [[parameter, position], ...]}, the flag parameters whose truthy value takes the traceback-less branch
# (`def log_exception(e, warning=False): if warning: logger.warning(str(e)) else: logger.exception(e)`)
LOGGING_FACT = "traceback_logging_functions"
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
        if len(self.ctx.symbol_stack) == 1:
            off = self._logs_traceback(node)
            if off is not None:
                self.ctx.facts.setdefault(LOGGING_FACT, {})[node.name] = off

    def _logs_traceback(self, node: ast.FunctionDef) -> list[list] | None:
        """The flags that turn the traceback off when the function's default path logs it: a traceback-keeping
        log call (`.exception(`, `exc_info=True`) in its body, at most under `if flag:`/`else:` tests of its own
        parameters whose defaults take that path. None when no default path logs the traceback."""
        params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
        defaults = dict(zip(params[len(params) - len(node.args.defaults):], node.args.defaults))
        defaults.update({a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None})
        return self._search(node.body, [], params, defaults)

    def _search(self, block: list[ast.stmt], off: list[list], params: list[str],
                defaults: dict[str, ast.expr]) -> list[list] | None:
        # a method, not a closure: a recursive inner function is a reference cycle that keeps the file alive
        for st in block:
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and self._keeps(st.value):
                return off
            flag = st.test.id if isinstance(st, ast.If) and isinstance(st.test, ast.Name) else None
            default = defaults.get(flag) if flag else None
            if isinstance(default, ast.Constant) and not default.value:
                found = self._search(st.orelse, [*off, [flag, params.index(flag) if flag in params else -1]],
                                     params, defaults)
                if found is not None:
                    return found
        return None

    def _keeps(self, call: ast.Call) -> bool:
        method = logger_method(call, self.ctx)
        if method == "exception":
            return True
        return method is not None and any(k.arg == "exc_info" and isinstance(k.value, ast.Constant) and
                                          k.value.value is True for k in call.keywords)

    def _formats(self, value: ast.expr) -> bool:
        return any(isinstance(n, ast.Call) and (self.ctx.qualname(n.func) or "") in TRACEBACK_TEXT
                   for n in ast.walk(value))
