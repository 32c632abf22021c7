"""Whether a stdlib logging call's arguments fit its message's %-placeholders (BA-LOG-002 sub-check).

`logging` formats lazily with `msg % args`, and only when the record is emitted: a message with no
placeholder and an argument (`log.debug("BROADCASTING", message)`), a count that differs, or `{}`
placeholders fail inside the handler ("--- Logging error --- ... not all arguments converted"), so the
line and its values are lost exactly when someone turns the level on to look at them.
"""
from __future__ import annotations

import ast

from .base import FileContext, dotted_parts
from .lazy_re import re

# libraries whose loggers format otherwise (str.format, key/value events): their calls are not judged here
_OTHER_LOGGING = frozenset({"structlog", "loguru", "logfire", "eliot", "twisted"})

# one %-conversion: flags, width, precision, length modifier, type ("%%" is a literal percent sign)
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def placeholder_mismatch(call: ast.Call, message: ast.expr, method: str) -> str | None:
    """What is wrong with the arguments after a constant message, or None when they fit (or cannot be told:
    no arguments, `*args`, `%(name)s` mapping placeholders, `*` widths, a message that is not a literal)."""
    if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
        return None
    start = 2 if method == "log" else 1
    if not call.args or call.args[min(start - 1, len(call.args) - 1)] is not message:
        return None  # the message passed by keyword: its arguments cannot follow it
    args = call.args[start:]
    if not args or any(isinstance(a, ast.Starred) for a in args):
        return None  # without arguments logging never applies % to the message
    text = message.value
    if "%(" in text or "*" in "".join(m.group(0) for m in _CONVERSION.finditer(text)):
        return None
    wanted = sum(1 for m in _CONVERSION.finditer(text) if m.group(1) != "%")
    if wanted == len(args):
        return None
    got = f"{len(args)} argument{'s' if len(args) > 1 else ''}"
    if wanted == 0 and re.search(r"\{\w*\}", text):
        return f"{got} to a message with {{}} placeholders (logging formats with %)"
    if wanted == 0:
        return f"{got} to a message with no %-placeholder"
    return f"{got} to {wanted} %-placeholder{'s' if wanted > 1 else ''}"

def import_roots(ctx: FileContext) -> frozenset[str]:
    """The top-level packages the module imports (a check keeps them once per file)."""
    return frozenset(v.split(".")[0] for v in ctx.imports.values())


def formats_with_percent(ctx: FileContext, roots: frozenset[str], call: ast.Call) -> bool:
    """The call goes to a stdlib logger: the module imports `logging` and no logging library that formats
    otherwise, or the receiver is a Flask app's `logger` (a stdlib logger). A logger imported from another
    module (`from app.log import logger`) may be any library's: not judged."""
    if roots & _OTHER_LOGGING:
        return False
    parts = dotted_parts(call.func.value) if isinstance(call.func, ast.Attribute) else None
    if parts and parts[-1] == "logger" and parts[-2:-1] in (["app"], ["current_app"]):
        return True  # Flask's app.logger, wherever the app object is imported from
    if parts and parts[0] != "logging" and not (ctx.imported(parts[0]) or "logging").startswith("logging"):
        return False
    return "logging" in roots
