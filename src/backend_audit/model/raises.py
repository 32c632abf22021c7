"""Where the project raises its exceptions, and whether each message is the application's own text.

BA-ERR-002 sends the text of an application-defined exception to the client only as a note ("origin not
traced"); these facts let the project pass trace it: when every `raise` of the class (and its subclasses)
passes literal text, or an f-string whose values are not a caught exception, the message is written for
the reader, not an internal error's text passed along.
"""

from __future__ import annotations

import ast

from ..checks.base import FileContext, dotted


class RaisesCollector:
    """facts["raises"]: [line, class as written, own text?] per `raise Name(...)` / `raise Name`."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.caught: list[str | None] = []  # names bound by the enclosing `except ... as e` handlers

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.caught.append(node.name)

    def leave_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.caught.pop()

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        call = exc if isinstance(exc, ast.Call) else None
        ref = dotted(call.func if call is not None else exc) if exc is not None else None
        if not ref or not ref.rsplit(".", 1)[-1][:1].isupper():
            return
        args = [*call.args, *(k.value for k in call.keywords)] if call is not None else []
        own = all(self._own_text(a) for a in args)
        self.ctx.facts.setdefault("raises", []).append([node.lineno, ref, own])

    def _own_text(self, node: ast.expr) -> bool:
        """A literal, or an f-string whose values name no caught exception (`f"Missing {attr}"`); a number or a
        flag beside the text (`BadRequest(code=400, message="[invalid payload]")`) is no text of anyone's."""
        if isinstance(node, ast.Constant):
            return node.value is None or isinstance(node.value, (str, int, float))
        if isinstance(node, ast.JoinedStr):
            caught = {c for c in self.caught if c}
            return not any(isinstance(n, ast.Name) and n.id in caught for n in ast.walk(node))
        return False
