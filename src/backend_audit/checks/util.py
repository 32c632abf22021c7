"""Shared recognisers from the rule catalog §1.4 (logger calls, literals, CLI modules), used by many checks."""

from __future__ import annotations

import re

import libcst as cst

from .base import FileContext, dotted, dotted_parts

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
_LOGGER_NAME = re.compile(r"^_?(log|logger|LOG|LOGGER|logging)$")
_LOGGER_FACTORIES = ("logging.getLogger", "structlog.get_logger", "structlog.getLogger")


def is_literal_string(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_literal_string(node.left) and is_literal_string(node.right)
    if isinstance(node, cst.FormattedString):
        return not any(isinstance(p, cst.FormattedStringExpression) for p in node.parts)
    return False


def literal_text(node: cst.BaseExpression) -> str:
    """The constant text of a string expression (placeholders dropped); "" for non-strings."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes: fall back to the raw token
            return node.value
        return value if isinstance(value, str) else value.decode("latin-1")
    if isinstance(node, cst.ConcatenatedString):
        return literal_text(node.left) + literal_text(node.right)
    if isinstance(node, cst.FormattedString):
        return "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText))
    return ""


def logger_method(call: cst.Call, ctx: FileContext, logger_names: frozenset[str] = frozenset()) -> str | None:
    """The logging method name when `call` is a logger call (catalog §1.4), else None."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in LOG_METHODS:
        return None
    receiver = func.value
    qn = ctx.qualname(receiver)
    if qn in ("logging", "loguru.logger") or (qn and qn.startswith("structlog")):
        return func.attr.value
    parts = dotted_parts(receiver)
    if parts is None:
        # logging.getLogger(__name__).info(...) / structlog.get_logger().info(...)
        if isinstance(receiver, cst.Call) and (ctx.qualname(receiver.func) or "") in _LOGGER_FACTORIES:
            return func.attr.value
        return None
    name = parts[-1]
    if _LOGGER_NAME.match(name) or name in logger_names:
        return func.attr.value
    if parts[-2:] == ["current_app", "logger"] or parts == ["self", "log"]:
        return func.attr.value
    if name in ctx.facts.get("logger_names", ()):
        return func.attr.value
    return None


def defines_cli(ctx: FileContext) -> bool:
    """A module that imports click, typer or argparse declares a command-line interface."""
    return any(v.split(".")[0] in ("click", "typer", "argparse") for v in ctx.imports.values())


def is_main_guard(node: cst.If) -> bool:
    test = node.test
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        left, right = test.left, test.comparisons[0].comparator
        names = {dotted(left), dotted(right)}
        strings = [literal_text(x) for x in (left, right) if isinstance(x, cst.SimpleString)]
        return "__name__" in names and strings == ["__main__"]
    return False
