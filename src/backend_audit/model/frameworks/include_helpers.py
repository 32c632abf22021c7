"""Project helpers that include a router into an app for their callers, and the calls that use them.

    def _include_scoped(app: FastAPI, router: APIRouter) -> None:
        app.include_router(router, include_in_schema=False)
        app.include_router(router, prefix="/workspaces/{workspace_id}", dependencies=[Depends(check_ws)])

    _include_scoped(app, cases_router)

The include inside the helper names two parameters, so on its own it joins nothing; each call of the
helper includes the router it passes into the app it passes, with the helper's prefix and dependencies.
Without this, every router included that way looked like an app of its own. Per file, two plain-data facts:
the include's `forward` (the helper and which parameters are the owner and the target), and *include calls*
(calls passing names, recorded only in files that include routers at all). The project pass resolves the
callee through the imports: what makes a helper is what its body does with its parameters.
"""

from __future__ import annotations

import ast
from typing import Any

from ...checks.base import FileContext, dotted

MAX_INCLUDE_CALLS = 300  # per file: a hostile file may hold millions of calls
_MARKERS = ("include_router", "register_blueprint")


def include_forward(ctx: FileContext, owner: str, target: str) -> dict[str, Any] | None:
    """The helper parameters an include inside a function names as owner and target, or None."""
    if not ctx.function_stack:
        return None
    fn = ctx.function_stack[-1]
    args = fn.args
    params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if owner not in params or target not in params:
        return None
    return {"function": ctx.symbol, "params": params, "owner": owner, "target": target}


def includes_routers(text: str | None) -> bool:
    """Whether a file names router inclusion at all (None: the text is not at hand, look at every call)."""
    return text is None or any(m in text for m in _MARKERS)


def include_call(ctx: FileContext, call: ast.Call) -> dict[str, Any] | None:
    """A call passing two or more names (`_include_scoped(app, cases_router)`): maybe a project include
    helper (looked for only in files that include routers)."""
    callee = dotted(call.func)
    args = [dotted(a) for a in call.args]
    kwargs = {kw.arg: dotted(kw.value) for kw in call.keywords if kw.arg is not None}
    if not callee or sum(1 for a in [*args, *kwargs.values()] if a) < 2 or \
            any(isinstance(a, ast.Starred) for a in call.args):
        return None
    return {"callee": callee, "args": args, "kwargs": {k: v for k, v in kwargs.items() if v},
            "line": ctx.span(call)[0]}


def _argument(call: dict[str, Any], params: list[str], name: str) -> str | None:
    if name in call["kwargs"]:
        return call["kwargs"][name]
    index = params.index(name)
    return call["args"][index] if index < len(call["args"]) else None


class IncludeHelpers:
    """Mixed into the inventory builder: needs `facts`, `r` (Resolver) and `_router()`."""

    def forwarded_includes(self, path: str, inc: dict[str, Any]) -> list[tuple[tuple[str, str], tuple[str, str],
                                                                               dict[str, Any]]]:
        """(parent, child, include entry) for every call of the helper this include sits in."""
        fwd = inc["forward"]
        out = []
        for cpath, call in self._include_calls():
            if self.r.resolve(cpath, call["callee"]) != (path, fwd["function"]):
                continue
            owner = _argument(call, fwd["params"], fwd["owner"])
            target = _argument(call, fwd["params"], fwd["target"])
            parent = self._router(cpath, owner) if owner else None
            child = self._router(cpath, target) if target else None
            if parent and child and parent != child:
                entry = {k: v for k, v in inc.items() if k != "forward"}
                out.append((parent, child, {**entry, "_file": path, "via_call": f"{cpath}:{call['line']}"}))
        return out

    def _include_calls(self) -> list[tuple[str, dict[str, Any]]]:
        if "_include_call_memo" not in self.__dict__:
            self._include_call_memo = [(p, c) for p in sorted(self.facts)
                                       for c in self.facts[p].get("web", {}).get("include_calls", ())]
        return self._include_call_memo
