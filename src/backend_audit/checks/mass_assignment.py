"""BA-INP-002 mass assignment: request data unpacked straight into a persistent object.

Request data is judged on local evidence (request_data.RequestData) until the taint engine lands.
"""

from __future__ import annotations

import re

import ast

from .base import AstCheck, dotted, iter_nodes
from .recognise import literal_value
from .request_data import RequestData
from .util import is_route_handler

# Classes that validate what they are given: handing them raw request data is the fix, not the bug.
_VALIDATING = re.compile(r"(Schema|Serializer|Form|FormSet|In|Input|Create|Update|Request|Payload|Params|Body|DTO|"
                         r"Query|Filter|FilterSet|Validator|Command|Args|Response|Exception|Error|Event|Message)$")
_NOT_MODELS = frozenset({"dict", "Response", "JSONResponse", "JsonResponse", "HttpResponse", "Decimal", "Path",
                         "OrderedDict", "defaultdict", "Counter", "SimpleNamespace", "namedtuple", "Template",
                         "Markup", "Context", "RequestContext"})
_PASS_THROUGH = frozenset({"kwargs", "kw", "kwds", "kwarg", "options", "opts", "extra", "defaults", "attrs", "context",
                           "ctx", "config", "settings"})
_ORM_WRITES = frozenset({"create", "update", "get_or_create", "update_or_create", "bulk_create", "insert",
                         "filter_by", "add"})


class MassAssignment(AstCheck):
    RULE_ID = "BA-INP-002"
    PREFILTER = ("**", "setattr", "__dict__")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data: tuple[ast.AST, RequestData] | None = None
        self.open_models: set[str] = set()  # pydantic classes of this file that keep unknown fields
        self.dumps: list[tuple[ast.Call, str, str]] = []  # (call, schema class, target) decided at the end

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if _keeps_extra(node):
            self.open_models.add(node.name)

    def leave_Module(self, node: ast.Module) -> None:
        for call, schema, target in self.dumps:
            if schema in self.open_models:
                self.report(call, f"{target}(**...) unpacks a {schema} dump, and {schema} keeps unknown fields "
                                  "(extra=\"allow\"): whatever the client adds reaches the model; drop extra=\"allow\" "
                                  "or copy the declared fields")

    def _request_data(self) -> RequestData | None:
        """The request-data view of the enclosing function, built on first need (most functions never
        unpack anything)."""
        if not self.ctx.function_stack:
            return None
        fn = self.ctx.function_stack[-1]
        if self._data is None or self._data[0] is not fn:
            self._data = (fn, RequestData(self.ctx, fn, untyped_body_params=is_route_handler(fn)))
        return self._data[1]

    def visit_Call(self, node: ast.Call) -> None:
        spreads = [k.value for k in node.keywords if k.arg is None]
        if spreads and all(isinstance(s, ast.Name) and s.id in _PASS_THROUGH for s in spreads):
            return  # `super().__init__(**kwargs)`: forwarding the caller's keywords, the common case
        if spreads or \
                (isinstance(node.func, ast.Attribute) and node.func.attr == "update" and
                 isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "__dict__"):
            data = self._request_data()
            if data is not None:
                self._call(node, data)

    def visit_For(self, node: ast.For) -> None:
        if isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Attribute) and \
                node.iter.func.attr == "items":
            data = self._request_data()
            if data is not None:
                self._setattr_loop(node, data)

    def _call(self, call: ast.Call, data: RequestData) -> None:
        func = call.func
        tail = func.attr if isinstance(func, ast.Attribute) else (dotted(func) or "")
        name = dotted(func) or f"...{tail}"
        if name.endswith("__dict__.update") and call.args and data.holds(call.args[0]):
            self._request_keys(call, f"{name}() copies request data onto the object: a client can set any attribute "
                                     "(is_admin, owner_id, balance); copy an explicit list of fields")
            return
        spread = next((k.value for k in call.keywords if k.arg is None and data.holds(k.value)), None)
        model = tail[:1].isupper() and not _VALIDATING.search(tail) and tail not in _NOT_MODELS and \
            (self.ctx.qualname(call.func) or "").split(".")[0] != "builtins"
        orm = tail in _ORM_WRITES and isinstance(call.func, ast.Attribute)
        if spread is None:
            if model or orm:
                self._schema_dumps(call, name)
            return
        if model or orm:
            self._request_keys(call, f"{name}(**{self.ctx.segment(spread)}) builds a persistent object from raw "
                                     "request data: a client can set any column (is_admin, owner_id, price); validate "
                                     "it with a schema that lists the writable fields first")

    def _request_keys(self, node: ast.AST, message: str) -> None:
        """Report request keys reaching the object, unless a JSON schema the handler validates its body against
        first forbids unknown keys: then its keys are an allowlist. A schema named, not written here, may be
        another module's: the project check (schema_bounds.py) reads it."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        schema = _input_schema(self.ctx, fn, node) if fn is not None else None
        if schema is None:
            self.report(node, message)
        elif isinstance(schema, ast.Dict):
            if closed_schema(schema):
                self.report(node, bounded_message(message, "the schema written on the handler"), level="note")
            else:
                self.report(node, message)
        else:
            self.report(node, message, properties={"schema": schema})
            self.ctx.facts.setdefault(SCHEMA_BOUND, []).append(self.ctx.findings.pop().to_dict())

    def _schema_dumps(self, call: ast.Call, target: str) -> None:
        """`User(**payload.model_dump())` with `payload: Loose` (a parameter annotation) or `payload =
        Loose(...)` / `Loose.model_validate(...)`: remembered, judged once the file's classes are known."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        for kw in call.keywords:
            value = kw.value
            if kw.arg is not None or not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                                          and value.func.attr in ("model_dump", "dict")
                                          and isinstance(value.func.value, ast.Name)):
                continue
            schema = _schema_of(fn, value.func.value.id) if fn is not None else None
            if schema:
                self.dumps.append((call, schema, target))

    def _setattr_loop(self, loop: ast.For, data: RequestData) -> None:
        source = loop.iter
        if not (isinstance(source.func, ast.Attribute) and source.func.attr == "items" and data.holds(source.func.value)):
            return
        for n in iter_nodes(loop.body):
            if isinstance(n, ast.Call) and dotted(n.func) == "setattr" and len(n.args) == 3:
                self._request_keys(n, "setattr() in a loop over request data: a client can set any attribute of the "
                                      "object (is_admin, owner_id); loop over an allow-list of field names instead")
                return


# decorator keywords naming the schema a route validates its body against (`@Route.post(..., input=SCHEMA)`,
# `@expects_json(schema=...)`); `output=`/`response=` describe the answer, not what the client may send
_INPUT_KEYWORD = re.compile(r"^(input|input_schema|schema|body|body_schema|json_schema|request_schema|expect|payload)$")
SCHEMA_BOUND = "mass_assignment_schemas"


def _input_schema(ctx, fn: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.AST) -> ast.Dict | str | None:
    """The JSON schema the handler's body passes before `node`: a decorator keyword, or the second argument of
    `jsonschema.validate(body, SCHEMA)` earlier in the body; a dict written in place, or the name as written."""
    found: list[ast.AST] = [kw.value for dec in fn.decorator_list if isinstance(dec, ast.Call)
                            for kw in dec.keywords if kw.arg and _INPUT_KEYWORD.match(kw.arg)]
    for n in iter_nodes(fn.body):
        if isinstance(n, ast.Call) and n.lineno < node.lineno and \
                (ctx.qualname(n.func) or "").startswith("jsonschema.") and (dotted(n.func) or "").endswith("validate"):
            found += [a for a in n.args[1:2]] + [k.value for k in n.keywords if k.arg == "schema"]
    for value in found:
        if isinstance(value, ast.Dict):
            return value
        if dotted(value):
            return dotted(value)
    return None


def closed_schema(schema: ast.Dict) -> bool:
    return any(isinstance(k, ast.Constant) and k.value == "additionalProperties" and literal_value(v) is False
               for k, v in zip(schema.keys, schema.values))


def bounded_message(message: str, schema: str) -> str:
    return (f"{message.split(':', 1)[0]}, but its keys are bounded by {schema} (additionalProperties: false), "
            "checked before: only the fields the schema lists can be set; whether one of them is a privilege or owner "
            "field was not traced")


def _keeps_extra(cls: ast.ClassDef) -> bool:
    """`model_config = ConfigDict(extra="allow")`, `model_config = {"extra": "allow"}`, or pydantic 1's
    `class Config: extra = "allow"` / `Extra.allow`."""
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model_config" for t in stmt.targets):
            value = stmt.value
            pairs = [(k.arg, k.value) for k in value.keywords] if isinstance(value, ast.Call) else \
                [(literal_value(k), v) for k, v in zip(value.keys, value.values)] if isinstance(value, ast.Dict) else []
            if any(k == "extra" and _allow(v) for k, v in pairs):
                return True
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "extra"
                                                         for t in inner.targets) and _allow(inner.value):
                    return True
    return False


def _allow(node: ast.AST) -> bool:
    return literal_value(node) == "allow" or (dotted(node) or "").endswith("Extra.allow")


def _schema_of(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
    """The class a local holds: its parameter annotation, or the class it was built or validated with."""
    for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs):
        if a.arg == name and a.annotation is not None:
            return (dotted(a.annotation) or "").rpartition(".")[2] or None
    for n in iter_nodes(fn.body):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets) and \
                isinstance(n.value, ast.Call):
            func = n.value.func
            if isinstance(func, ast.Attribute) and func.attr in ("model_validate", "parse_obj", "model_validate_json"):
                func = func.value
            return (dotted(func) or "").rpartition(".")[2] or None
    return None

