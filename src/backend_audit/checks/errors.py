"""Error-handling checks."""

from __future__ import annotations

import libcst as cst

from .cst_base import CstCheck, dotted
from .cst_util import logger_method

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_REPORTERS = ("sentry_sdk.capture_exception", "sentry_sdk.capture_message", "rollbar.report_exc_info",
              "bugsnag.notify", "capture_exception", "capture_message")
_EXITS = ("sys.exit", "os._exit", "exit", "quit", "abort", "flask.abort")
_LOUD_LEVELS = frozenset({"warning", "warn", "error", "exception", "critical", "fatal", "log"})
_CLEANUP = frozenset({"__del__", "__exit__", "__aexit__", "close", "aclose", "shutdown", "teardown", "cleanup"})
_ERROR_RESPONSES = ("JSONResponse", "Response", "HttpResponseServerError", "HttpResponseBadRequest", "jsonify")


class _HandlerScan(cst.CSTVisitor):
    """Looks inside one except-handler body (not into nested functions) for what handles the error."""

    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.handled = False
        self.low_log = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.handled = True

    def visit_Call(self, node: cst.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is not None:
            if method in _LOUD_LEVELS:
                self.handled = True
            else:
                self.low_log = True
            return
        name = dotted(node.func) or ""
        qn = self.ctx.qualname(node.func) or name
        if qn.endswith(_REPORTERS) or name in _REPORTERS or qn in _EXITS or name in _EXITS:
            self.handled = True
        elif name.split(".")[-1] in _ERROR_RESPONSES and any(
                a.keyword and a.keyword.value in ("status_code", "status") for a in node.args):
            self.handled = True


def _is_trivial(body: cst.BaseSuite) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        stmts = body.body
    else:
        stmts = body.body
    for stmt in stmts:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Pass, cst.Continue, cst.Break)):
                    continue
                if isinstance(small, cst.Expr) and isinstance(small.value, (cst.Ellipsis, cst.SimpleString)):
                    continue
                if isinstance(small, cst.Return) and (small.value is None or isinstance(
                        small.value, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.List, cst.Dict))
                        and (not isinstance(small.value, cst.Name) or small.value.value in ("None", "True", "False"))):
                    continue
                return False
        else:
            return False
    return True


class BroadExceptSwallows(CstCheck):
    RULE_ID = "BA-ERR-001"

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        kind = self._broad(node.type)
        if kind is None:
            return
        scan = _HandlerScan(self.ctx)
        node.body.visit(scan)
        func = self.ctx.function_stack[-1].name.value if self.ctx.function_stack else ""
        level = "note" if func in _CLEANUP else None
        what = "bare 'except:'" if kind == "bare" else f"'except {kind}'"
        if scan.handled:
            if kind == "bare":
                self.report(node, f"{what} also catches KeyboardInterrupt, SystemExit and task cancellation; "
                                  "catch Exception or a narrower type", level=level,
                            key_node=node.type or node, properties={"sub": "bare"})
            return
        if _is_trivial(node.body):
            msg = f"{what} silently discards the error; catch a narrower type, or log it and re-raise"
            sub = "pass"
        elif scan.low_log:
            msg = f"{what} logs the error only at DEBUG/INFO and carries on; log at WARNING+ with the traceback or re-raise"
            sub = "low-level"
        else:
            msg = f"{what} swallows the error: nothing re-raises, logs or reports it"
            sub = "swallow"
        self.report(node, msg, level=level, key_node=node.type or node, properties={"sub": sub})

    def _broad(self, type_node: cst.BaseExpression | None) -> str | None:
        if type_node is None:
            return "bare"
        if isinstance(type_node, cst.Tuple):
            for el in type_node.elements:
                found = self._broad(el.value)
                if found and found != "bare":
                    return found
            return None
        name = dotted(type_node)
        if name in _BROAD and not self.ctx.is_local(name.split(".")[-1]):
            return name.split(".")[-1]
        return None
