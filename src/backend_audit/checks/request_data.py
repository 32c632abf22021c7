"""Local evidence of request data inside one function (catalog §1.4 "Request data source").

Flow-insensitive and intra-procedural on purpose: the taint engine (branch `taint`) will replace this for the
rules that need more. Until then a name counts as request data when any assignment in the function binds it
from a request source, or from a subscript, `.get()`, copy or `json.loads` of one.
"""

from __future__ import annotations

import ast

from .base import FileContext, dotted, iter_nodes

_ATTRS = frozenset({"json", "form", "args", "values", "data", "POST", "GET", "body", "query_params", "params",
                    "query", "media", "content", "FILES"})
_METHODS = frozenset({"get_json", "json", "form", "body", "get_data", "get_body", "media", "get_media"})
_DERIVING = frozenset({"get", "dict", "copy", "to_dict", "items", "lists", "getlist", "pop", "model_dump", "dict"})
_REQUEST_NAMES = frozenset({"request", "req", "self.request"})
_PARSERS = frozenset({"json.loads", "orjson.loads", "ujson.loads", "simplejson.loads", "dict", "builtins.dict"})


class RequestData:
    """Which expressions of one function hold request data."""

    def __init__(self, ctx: FileContext, fn: ast.FunctionDef | ast.AsyncFunctionDef,
                 untyped_body_params: bool = False) -> None:
        self.ctx = ctx
        self.names: set[str] = set()
        if untyped_body_params:
            # a FastAPI handler parameter typed `dict` / `Any` is the raw JSON body, unvalidated
            for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs):
                ann = dotted(a.annotation.value if isinstance(a.annotation, ast.Subscript) else a.annotation) \
                    if a.annotation is not None else None
                if ann in ("dict", "Dict", "typing.Dict", "Any", "typing.Any"):
                    self.names.add(a.arg)
        assigns = [n for n in iter_nodes(fn.body) if isinstance(n, (ast.Assign, ast.AnnAssign))
                   and n.value is not None]
        for _ in range(3):  # a = request.json; b = a["user"]; c = b.copy()
            before = len(self.names)
            for node in assigns:
                if self.holds(node.value):
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                        if isinstance(t, ast.Name):
                            self.names.add(t.id)
            if len(self.names) == before:
                break

    def holds(self, node: ast.AST | None) -> bool:
        """Whether an expression is request data (or a local bound from it)."""
        if node is None:
            return False
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Name):
            return node.id in self.names
        if isinstance(node, ast.Attribute):
            if node.attr in _ATTRS and self._is_request(node.value):
                return True
            return False
        if isinstance(node, ast.Subscript):
            return self.holds(node.value)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in _METHODS and self._is_request(func.value):
                    return True
                if func.attr in _DERIVING:
                    return self.holds(func.value)
            if (self.ctx.qualname(func) or dotted(func) or "") in _PARSERS and node.args:
                return self.holds(node.args[0])
        return False

    def _is_request(self, node: ast.AST) -> bool:
        name = dotted(node)
        if name in _REQUEST_NAMES:
            return True
        return self.ctx.qualname(node) in ("flask.request", "quart.request")
