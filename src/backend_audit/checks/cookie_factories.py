"""BA-AUTH-007 through a cookie factory: a function that returns `functools.partial(dump_cookie, ...)` with the
flags it fixes, called once for its options (`cookie = self.create_cookie(value=signed, expires=...)`) and then
for each cookie name (`cookie("admin-session")`). Neither call alone shows both the name and the flags: the
factory knows which flags are missing (werkzeug's `dump_cookie` defaults to no HttpOnly and no Secure), the
option call may add them, and the name decides whether the cookie is worth stealing. All three are in one
file in the shape this follows, so it is joined when the module is left (the factory may be defined after
its callers).
"""

from __future__ import annotations

import ast

from .base import AstCheck
from .recognise import literal_value
from .sessions import _PLAIN_COOKIE, _SENSITIVE_COOKIE

_COOKIE_BUILDERS = frozenset({"werkzeug.http.dump_cookie"})
_FLAGS = (("secure", "Secure"), ("httponly", "HttpOnly"))


class CookieFactoryFlags(AstCheck):
    RULE_ID = "BA-AUTH-007"
    PREFILTER = ("dump_cookie",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.factories: dict[str, tuple[list[str], int]] = {}  # function name -> (missing flags, line)
        self.makers: list[tuple[int, str, str, ast.Call]] = []  # (function, local name, factory name, call)
        self.uses: list[tuple[int, str, ast.Call, str]] = []  # (function, local name, call, cookie name)

    def visit_Return(self, node: ast.Return) -> None:
        call = node.value
        if not self.ctx.function_stack or not isinstance(call, ast.Call) or not call.args or \
                self.ctx.qualname(call.func) != "functools.partial" or \
                self.ctx.qualname(call.args[0]) not in _COOKIE_BUILDERS:
            return
        func = self.ctx.function_stack[-1]
        forwarded = func.args.kwarg.arg if func.args.kwarg else None
        # `**options` of anything but the factory's own keyword arguments may carry the flags: not followed
        if any(kw.arg is None and not (isinstance(kw.value, ast.Name) and kw.value.id == forwarded)
               for kw in call.keywords):
            return
        missing = [label for flag, label in _FLAGS if _unset(call, flag)]
        if missing:
            self.factories[func.name] = (missing, node.lineno)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if not self.ctx.function_stack or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) \
                or not isinstance(value, ast.Call):
            return
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id in ("self", "cls") else func.id if isinstance(func, ast.Name) else None
        if name:
            self.makers.append((id(self.ctx.function_stack[-1]), node.targets[0].id, name, value))

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.function_stack and isinstance(node.func, ast.Name) and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            self.uses.append((id(self.ctx.function_stack[-1]), node.func.id, node, node.args[0].value))

    def leave_Module(self, node: ast.Module) -> None:
        if not self.factories:
            return
        for scope, local, use, cookie in self.uses:
            if not _SENSITIVE_COOKIE.search(cookie) or _PLAIN_COOKIE.search(cookie):
                continue
            makers = [m for m in self.makers if m[0] == scope and m[1] == local and m[3].lineno < use.lineno]
            if not makers:
                continue
            _scope, _local, factory, options = makers[-1]
            if factory not in self.factories or any(kw.arg is None for kw in options.keywords):
                continue
            expiry = {kw.arg: literal_value(kw.value) for kw in options.keywords if kw.arg in ("expires", "max_age")}
            if 0 in expiry.values():
                continue  # clearing the cookie: nothing left to steal
            missing, line = self.factories[factory]
            missing = [label for flag, label in _FLAGS if label in missing and _unset(options, flag)]
            if missing:
                flags = " or ".join(missing)
                self.report(use, f"cookie {cookie!r} is made by {factory}() (line {line}: functools.partial("
                                 f"dump_cookie, ...) without {flags}, and the call at line {options.lineno} adds "
                                 "none): a session or auth cookie without HttpOnly can be read by any injected "
                                 "script, without Secure it travels over plain HTTP; pass httponly=True, secure=True")


def _unset(call: ast.Call, flag: str) -> bool:
    value = next((kw.value for kw in call.keywords if kw.arg == flag), None)
    return value is None or literal_value(value) is False
