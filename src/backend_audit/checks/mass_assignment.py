"""BA-INP-002 mass assignment: request data unpacked straight into a persistent object.

Request data is judged on local evidence (request_data.RequestData) until the taint engine lands.
"""

from __future__ import annotations

import re

import ast

from .base import AstCheck, dotted, iter_nodes
from .request_data import RequestData
from .util import is_route_handler

# Classes that validate what they are given: handing them raw request data is the fix, not the bug.
_VALIDATING = re.compile(r"(Schema|Serializer|Form|FormSet|In|Input|Create|Update|Request|Payload|Params|Body|DTO|"
                         r"Query|Filter|FilterSet|Validator|Command|Args|Response|Exception|Error|Event|Message)$")
_NOT_MODELS = frozenset({"dict", "Response", "JSONResponse", "JsonResponse", "HttpResponse", "Decimal", "Path",
                         "OrderedDict", "defaultdict", "Counter", "SimpleNamespace", "namedtuple", "Template",
                         "Markup", "Context", "RequestContext"})
_ORM_WRITES = frozenset({"create", "update", "get_or_create", "update_or_create", "bulk_create", "insert",
                         "filter_by", "add"})


class MassAssignment(AstCheck):
    RULE_ID = "BA-INP-002"
    PREFILTER = ("**", "setattr", "__dict__")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        data: RequestData | None = None
        for n in iter_nodes(node.body):
            if isinstance(n, ast.Call) and (any(k.arg is None for k in n.keywords) or
                                            (dotted(n.func) or "").endswith(("__dict__.update", "setattr"))):
                data = data or RequestData(self.ctx, node, untyped_body_params=is_route_handler(node))
                self._call(n, data)
            elif isinstance(n, ast.For) and isinstance(n.iter, ast.Call):
                data = data or RequestData(self.ctx, node, untyped_body_params=is_route_handler(node))
                self._setattr_loop(n, data)

    def _call(self, call: ast.Call, data: RequestData) -> None:
        func = call.func
        tail = func.attr if isinstance(func, ast.Attribute) else (dotted(func) or "")
        name = dotted(func) or f"...{tail}"
        if name.endswith("__dict__.update") and call.args and data.holds(call.args[0]):
            self.report(call, f"{name}() copies request data onto the object: a client can set any attribute "
                              "(is_admin, owner_id, balance); copy an explicit list of fields")
            return
        spread = next((k.value for k in call.keywords if k.arg is None and data.holds(k.value)), None)
        if spread is None:
            return
        model = tail[:1].isupper() and not _VALIDATING.search(tail) and tail not in _NOT_MODELS and \
            (self.ctx.qualname(call.func) or "").split(".")[0] != "builtins"
        orm = tail in _ORM_WRITES and isinstance(call.func, ast.Attribute)
        if model or orm:
            self.report(call, f"{name}(**{self.ctx.segment(spread)}) builds a persistent object from raw request "
                              "data: a client can set any column (is_admin, owner_id, price); validate it with a "
                              "schema that lists the writable fields first")

    def _setattr_loop(self, loop: ast.For, data: RequestData) -> None:
        source = loop.iter
        if not (isinstance(source.func, ast.Attribute) and source.func.attr == "items" and data.holds(source.func.value)):
            return
        for n in iter_nodes(loop.body):
            if isinstance(n, ast.Call) and dotted(n.func) == "setattr" and len(n.args) == 3:
                self.report(n, "setattr() in a loop over request data: a client can set any attribute of the object "
                               "(is_admin, owner_id); loop over an allow-list of field names instead")
                return
