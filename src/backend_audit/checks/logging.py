"""Logging checks."""

from __future__ import annotations

from pathlib import PurePosixPath

import libcst as cst

from .base import FileContext
from .cst_base import CstCheck, dotted
from .cst_util import (body_raises, defines_cli, expr_name, is_literal_string, is_main_guard, is_sensitive_name,
                   literal_text, logger_method)

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


_EXPECTED_EXCEPTIONS = ("ValidationError", "HTTPException", "Http404", "PermissionDenied", "NotFound")


def _kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return None


def _message_arg(call: cst.Call, method: str) -> cst.BaseExpression | None:
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    index = 1 if method == "log" else 0
    if len(positional) > index:
        return positional[index]
    msg = _kwarg(call, "msg")
    return msg.value if msg is not None else None


class ErrorLogDropsTraceback(CstCheck):
    """logger.error/critical in an except handler that does not re-raise, without exc_info."""

    RULE_ID = "BA-LOG-001"
    PREFILTER = ("except", ".exception(")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # innermost last: (handler, reraises, expected) or None as a function barrier
        self.handlers: list[tuple[cst.ExceptHandler, bool, bool] | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.handlers.append(None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.handlers.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        expected_names = tuple(self.option("expected_exceptions", _EXPECTED_EXCEPTIONS))
        types = []
        if isinstance(node.type, cst.Tuple):
            types = [dotted(e.value) or "" for e in node.type.elements]
        elif node.type is not None:
            types = [dotted(node.type) or ""]
        expected = bool(types) and all(t.split(".")[-1] in expected_names for t in types)
        self.handlers.append((node, body_raises(node.body), expected))

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self.handlers.pop()

    def visit_Call(self, node: cst.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is None:
            return
        current = self.handlers[-1] if self.handlers else None
        if method == "exception":
            if current is None:
                self.report(node, "logger.exception() outside an except block logs 'NoneType: None' as the "
                                  "traceback; use logger.error, or call it inside the handler",
                            level="note", properties={"sub": "outside-handler"})
            return
        if method not in ("error", "critical", "fatal") or current is None:
            return
        _handler, reraises, expected = current
        if reraises or expected:
            return
        exc_info = _kwarg(node, "exc_info")
        if exc_info is not None and not (isinstance(exc_info.value, cst.Name)
                                         and exc_info.value.value in ("False", "None")):
            return
        self.report(node, f"logger.{method}() in an except block drops the traceback; use logger.exception() "
                          "or pass exc_info=True")


class EagerLogFormatting(CstCheck):
    """The message of a logging call formatted before the call (f-string, %, .format, +)."""

    RULE_ID = "BA-LOG-002"

    def visit_Call(self, node: cst.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is None:
            return
        msg = _message_arg(node, method)
        if msg is None:
            return
        how = _eager(msg)
        if how:
            self.report(msg, f"log message built eagerly with {how}; pass a constant message with %s "
                             "arguments or extra={...} so formatting is lazy and messages group by template")


def _eager(msg: cst.BaseExpression) -> str | None:
    if isinstance(msg, cst.FormattedString):
        if any(isinstance(p, cst.FormattedStringExpression) for p in msg.parts):
            return "an f-string"
        return None
    if isinstance(msg, cst.BinaryOperation):
        if isinstance(msg.operator, cst.Modulo) and isinstance(msg.left, (cst.SimpleString,
                                                                          cst.ConcatenatedString)):
            return "%-formatting"
        if isinstance(msg.operator, cst.Add) and not (is_literal_string(msg.left) and is_literal_string(msg.right)):
            if any(isinstance(x, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString))
                   for x in (msg.left, msg.right)) or _eager(msg.left) or _eager(msg.right):
                return "string concatenation"
        return None
    if isinstance(msg, cst.Call) and isinstance(msg.func, cst.Attribute) and msg.func.attr.value == "format" \
            and isinstance(msg.func.value, (cst.SimpleString, cst.ConcatenatedString)):
        return "str.format()"
    return None


_REQUEST_CARRIERS = frozenset({"headers", "cookies", "META", "body", "json", "POST", "COOKIES", "form", "data"})
_MASKERS = ("mask", "redact", "scrub", "hash", "obfuscate", "anonymize", "anonymise", "sha256", "hexdigest",
            "len", "bool", "type")


class SensitiveValueLogged(CstCheck):
    """A sensitive name or a whole request carrier in any part of a logger or print call."""

    RULE_ID = "BA-LOG-004"

    def visit_Call(self, node: cst.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is None and self.ctx.qualname(node.func) != "builtins.print":
            return
        for part, label in self._parts(node):
            what = f"'{label}'" if label else self._sensitive(part)
            if what:
                self.report(node, f"{what} is written to the log; log an identifier or a masked value instead "
                                  "(logs are read by more people and kept longer than the data)",
                            key_node=part)
                return

    def _parts(self, call: cst.Call):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("exc_info", "stack_info", "stacklevel", "level"):
                continue
            if arg.keyword is not None and arg.keyword.value not in ("extra", "msg") and \
                    is_sensitive_name(arg.keyword.value) and not _is_masked(arg.value):
                yield arg.value, arg.keyword.value  # structlog key=value
                continue
            yield from _leaves(arg.value)

    def _sensitive(self, node: cst.CSTNode) -> str | None:
        carrier = _request_carrier(node)
        if carrier:
            return carrier
        name = expr_name(node)
        if name and is_sensitive_name(name):
            return f"'{name}'"
        return None


def _leaves(node: cst.BaseExpression):
    """(value, sensitive key or None) for each value-carrying part of a logging argument; masking calls
    and tail slices are not descended into."""
    if isinstance(node, cst.FormattedString):
        for p in node.parts:
            if isinstance(p, cst.FormattedStringExpression):
                yield from _leaves(p.expression)
    elif isinstance(node, cst.BinaryOperation):
        yield from _leaves(node.left)
        yield from _leaves(node.right)
    elif isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        for el in node.elements:
            yield from _leaves(el.value)
    elif isinstance(node, cst.Dict):
        for el in node.elements:
            if not isinstance(el, cst.DictElement):
                continue
            key = literal_text(el.key) if isinstance(el.key, cst.SimpleString) else ""
            if key and is_sensitive_name(key):
                if not _is_masked(el.value):
                    yield el.value, key
                continue
            yield from _leaves(el.value)
    elif isinstance(node, cst.Await):
        yield from _leaves(node.expression)
    elif isinstance(node, cst.Call):
        if _is_masked(node):
            return
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            yield from _leaves(node.func.value)
            for a in node.args:
                yield from _leaves(a.value)
            return
        if (dotted(node.func) or "") in ("str", "repr", "list"):
            for a in node.args:
                yield from _leaves(a.value)
            return
        yield node, None
    elif isinstance(node, cst.Subscript) and _is_tail_slice(node):
        return
    elif isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):
        yield node, None


def _is_masked(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        name = (dotted(node.func) or "").split(".")[-1].lower()
        return any(m in name for m in _MASKERS)
    if isinstance(node, cst.Subscript):
        return _is_tail_slice(node)
    return False


def _is_tail_slice(node: cst.Subscript) -> bool:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Slice):
        return False
    sl = node.slice[0].slice
    return sl.upper is None and isinstance(sl.lower, cst.UnaryOperation)  # token[-4:]


def _request_carrier(node: cst.BaseExpression) -> str | None:
    target = node
    if isinstance(target, cst.Call):
        # await request.json(), dict(request.headers), request.get_json()
        if isinstance(target.func, cst.Attribute) and target.func.attr.value in ("json", "body", "get_json", "form"):
            target = target.func
        elif (dotted(target.func) or "") == "dict" and target.args:
            target = target.args[0].value
        else:
            return None
    if isinstance(target, cst.Attribute) and target.attr.value in _REQUEST_CARRIERS | {"get_json"}:
        base = dotted(target.value) or ""
        if base.split(".")[-1] in ("request", "req"):
            return f"the whole request {target.attr.value}"
    return None
