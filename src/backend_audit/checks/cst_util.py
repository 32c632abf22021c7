"""Shared recognisers from the rule catalog §1.4 (logger calls, literals, CLI modules), used by many checks."""

from __future__ import annotations

import re

import libcst as cst

from .base import FileContext
from .cst_base import dotted, dotted_parts

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


_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route",
                            "websocket", "api_view"})


def is_route_handler(func: cst.FunctionDef) -> bool:
    """A function decorated as an HTTP route (FastAPI/Starlette/Flask `@x.get(...)`, `@x.route(...)`, DRF
    `@api_view`). Per-file and syntactic; the project pass builds the real endpoint inventory."""
    for dec in func.decorators:
        node = dec.decorator
        if isinstance(node, cst.Call):
            node = node.func
        if isinstance(node, cst.Attribute) and node.attr.value in _ROUTE_METHODS and node.attr.value != "api_view":
            return True
        if isinstance(node, cst.Name) and node.value == "api_view":
            return True
    return False


def decorator_names(func: cst.FunctionDef) -> list[str]:
    out = []
    for dec in func.decorators:
        node = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
        name = dotted(node)
        if name:
            out.append(name)
    return out


class _RaiseFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def body_raises(body: cst.CSTNode) -> bool:
    """Whether a block (not counting nested functions) contains a raise statement."""
    finder = _RaiseFinder()
    body.visit(finder)
    return finder.found


_SENSITIVE = re.compile(
    r"(?:^|_)(pass|password|passwd|passphrase|pwd|secret|secrets|token|tokens|api_?key|access_?key|private_?key|"
    r"client_?secret|authorization|auth_?header|cookie|cookies|session_?id|card_?number|cvv|ssn|otp)(?:_|$)")
_BENIGN_SUFFIX = re.compile(r"_(type|url|uri|expir\w*|expires\w*|at|count|len|length|field|name|header_name|min\w*|"
                            r"max\w*|endpoint|ttl|lifetime|timeout|id_field|key_name|policy|hint|label|prefix)$"
                            # the id of a key or token names it without revealing it (a session id is the secret)
                            r"|(?<!session)_ids?$")
_BENIGN_PREFIX = re.compile(r"^(is|has|should|require|requires|hash|hashed|masked|redacted)_")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_sensitive_name(name: str) -> bool:
    """Catalog §1.4 'sensitive name', matched per identifier word so `bypass` or `passenger` do not count."""
    norm = _CAMEL.sub("_", name).lower().strip("_")
    if not norm or _BENIGN_PREFIX.search(norm) or _BENIGN_SUFFIX.search(norm):
        return False
    return _SENSITIVE.search(norm) is not None


def expr_name(node: cst.BaseExpression) -> str | None:
    """The identifier an expression is named by: `password`, `form.password` -> password,
    `data["token"]` -> token, `body.get("api_key")` -> api_key."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        idx = node.slice[0].slice
        if isinstance(idx, cst.Index) and isinstance(idx.value, cst.SimpleString):
            return literal_text(idx.value)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" \
            and node.args and isinstance(node.args[0].value, cst.SimpleString):
        return literal_text(node.args[0].value)
    return None
