"""Per-function facts for the endpoint inventory, gathered in the shared libcst traversal.

For every function: parameters (annotation, Depends targets), decorators (reference, literal arguments,
dependencies), and what its body does with the request: raw request data used without a validator
(BA-INP-001), ORM objects or unbounded queries returned (BA-API-004, BA-API-001), pagination and
in-body permission checks. The project pass decides which functions are endpoints; these are only facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from ..checks.base import FileContext
from ..checks.cst_base import dotted, dotted_parts
from .cst_common import annotation_text, dep_refs, keyword, last_name, literal, pos, positional

# Request data sources (catalog §1.4 "Request data source"), by the kind of request object.
_FLASK_ATTRS = frozenset({"json", "form", "args", "values", "data"})
_FLASK_METHODS = frozenset({"get_json", "get_data"})
_DJANGO_ATTRS = frozenset({"GET", "POST", "body", "data", "query_params"})
_FASTAPI_ATTRS = frozenset({"query_params"})
_FASTAPI_METHODS = frozenset({"json", "body", "form"})
_MAPPING_METHODS = frozenset({"get", "getlist", "to_dict", "dict", "items", "keys", "values", "copy", "lists"})
_REQUEST_TYPES = frozenset({"Request", "HttpRequest", "WSGIRequest", "ASGIRequest", "HTTPConnection"})

# Calls that validate or convert what they are given (catalog BA-INP-001 "Not flagged").
_VALIDATOR_METHODS = frozenset({"model_validate", "model_validate_json", "parse_obj", "parse_raw", "validate_python",
                                "validate_json", "load", "validate", "is_valid", "deserialize", "parse_args",
                                "validated", "structure", "from_json_data"})
_CONVERSIONS = frozenset({"int", "float", "bool", "UUID", "Decimal", "fromisoformat", "parse_date",
                          "parse_datetime", "strtobool", "escape", "secure_filename", "get_page",
                          "validate_number"})
_SCHEMA_CLASS = re.compile(r"^[A-Z]\w*(Schema|Serializer|Form|FormSet|In|Input|Create|Update|Request|Payload|Params"
                           r"|Body|Model|Query|Data|DTO|Args|Filter|FilterSet|Validator|Command)$")
_AUTH_BODY_ATTRS = frozenset({"is_authenticated", "has_perm", "has_perms", "is_staff", "is_superuser",
                              "check_object_permissions", "has_object_permission", "has_permission"})
_AUTH_BODY_CALLS = frozenset({"verify_jwt_in_request", "PermissionDenied", "NotAuthenticated", "check_permissions",
                              "redirect_to_login", "get_jwt_identity", "login_required", "authenticate"})
_PAGINATE_CALLS = frozenset({"paginate", "Paginator", "paginate_queryset", "get_paginated_response", "paginated",
                             "limit", "offset", "slice", "fetchmany", "page", "paginate_query", "cursor_paginate"})
_ORM_INSTANCE_TERMINALS = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "get",
                                     "get_or_404", "first_or_404", "one_or_404", "scalar"})
_DJANGO_LIST_METHODS = frozenset({"all", "filter", "exclude", "order_by", "values", "values_list", "select_related",
                                  "prefetch_related", "annotate", "distinct", "only", "defer", "none"})
_AGGREGATES = frozenset({"count", "exists", "aggregate", "sum", "scalar", "first", "last", "get", "one", "latest",
                         "earliest", "delete", "update", "in_bulk", "iterator"})


@dataclass
class _Fn:
    qualname: str
    node: cst.FunctionDef
    request_names: dict[str, str] = field(default_factory=dict)  # local name -> "django" | "fastapi"
    safe_depth: int = 0
    inside_raw: int | None = None
    skip: set[int] = field(default_factory=set)
    assigned: dict[int, str] = field(default_factory=dict)  # id(value node) -> local it is assigned to
    raw_locals: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_bad_locals: set[str] = field(default_factory=set)
    raw_reads: list[dict[str, Any]] = field(default_factory=list)
    locals_expr: dict[str, cst.BaseExpression] = field(default_factory=dict)
    returns: list[dict[str, Any]] = field(default_factory=list)
    auth_check: bool = False
    paginates: bool = False
    validates: bool = False
    methods_seen: set[str] = field(default_factory=set)
    reads_body: bool = False
    delegates: list[str] = field(default_factory=list)  # class views this function view hands over to


class FunctionFacts(cst.BatchableCSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.functions: dict[str, dict[str, Any]] = ctx.facts.setdefault("functions", {})
        self.stack: list[_Fn] = []
        self.lines: list[str] | None = None
        self.kinds: list[str] = []  # "class" | "fn", innermost last: is a def a method?

    # --- functions --------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        fn = _Fn(qualname=self.ctx.symbol, node=node)
        in_class = bool(self.kinds) and self.kinds[-1] == "class"
        self.kinds.append("fn")
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for i, p in enumerate(params):
            ann = annotation_text(p.annotation, self.ctx.module) or ""
            kind = None
            if last_name(ann.split("[")[0]) in _REQUEST_TYPES:
                kind = "fastapi" if self._is_starlette_request(p.annotation) else "django"
            elif p.name.value in ("request", "req") and i == (1 if in_class else 0):
                kind = "django"
            if kind:
                fn.request_names[p.name.value] = kind
        self.stack.append(fn)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.kinds.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.kinds.pop()

    def _is_starlette_request(self, ann: cst.Annotation | None) -> bool:
        qn = self.ctx.qualname(ann.annotation) if ann is not None else None
        return bool(qn) and qn.split(".")[0] in ("fastapi", "starlette")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        fn = self.stack.pop()
        self.kinds.pop()
        for name in sorted(fn.raw_bad_locals):
            fn.raw_reads.append(fn.raw_locals[name])
        self.functions[fn.qualname] = self._record(fn)

    def _record(self, fn: _Fn) -> dict[str, Any]:
        node, module = fn.node, self.ctx.module
        params = []
        for p in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
            entry: dict[str, Any] = {"name": p.name.value}
            ann = annotation_text(p.annotation, module)
            if ann:
                entry["annotation"] = ann
            deps = dep_refs(p.annotation.annotation if p.annotation else None) + dep_refs(p.default)
            if deps:
                entry["deps"] = deps
            if p.default is not None:
                default = p.default.func if isinstance(p.default, cst.Call) else p.default
                entry["default"] = dotted(default) or "<expr>"
            params.append(entry)
        decorators = []
        for d in node.decorators:
            call = d.decorator if isinstance(d.decorator, cst.Call) else None
            ref = dotted(call.func if call else d.decorator)
            if not ref:
                continue
            item: dict[str, Any] = {"ref": ref, "line": self.get_metadata(PositionProvider, d).start.line}
            if call is not None:
                item["args"] = [literal(a.value) if not isinstance(a.value, cst.Subscript) else _code(module, a.value)
                                for a in call.args if a.keyword is None and not a.star]
                item["kwargs"] = {a.keyword.value: _kw_value(module, a.value) for a in call.args if a.keyword}
                item["names"] = _names(call)
                deps = dep_refs(call)
                if deps:
                    item["deps"] = deps
            decorators.append(item)
        out: dict[str, Any] = {
            "line": self.get_metadata(PositionProvider, node).start.line,
            "async": node.asynchronous is not None,
            "params": params,
        }
        if decorators:
            out["decorators"] = decorators
        first = decorators[0]["line"] if decorators else out["line"]
        lines = self._lines()[first - 1:out["line"]]
        if any("backend-audit: public" in text for text in lines):
            out["public_marker"] = True
        if node.returns is not None:
            out["returns"] = annotation_text(node.returns, module)
        if fn.raw_reads:
            out["raw_reads"] = sorted(fn.raw_reads, key=lambda r: (r["line"], r["col"]))
        if fn.returns:
            out["returned"] = fn.returns
        for flag in ("auth_check", "paginates", "validates", "reads_body"):
            if getattr(fn, flag):
                out[flag] = True
        if fn.methods_seen:
            out["methods_seen"] = sorted(fn.methods_seen)
        if fn.delegates:
            out["delegates"] = sorted(set(fn.delegates))
        return out

    def _lines(self) -> list[str]:
        if self.lines is None:
            self.lines = self.ctx.text.splitlines()
        return self.lines

    # --- request data (BA-INP-001) ----------------------------------------------------------
    def _request_kind(self, node: cst.BaseExpression) -> str | None:
        fn = self.stack[-1]
        if isinstance(node, cst.Name):
            if node.value in fn.request_names:
                return fn.request_names[node.value]
            qn = self.ctx.qualname(node) or ""
            if qn in ("flask.request", "quart.request", "flask.globals.request"):
                return "flask"
            return None
        parts = dotted_parts(node)
        if parts == ["self", "request"]:
            return "django"
        return None

    def _source_attr(self, node: cst.BaseExpression) -> bool:
        """`request.json`, `request.GET`, `self.request.data`... (an attribute that holds request data)."""
        if not isinstance(node, cst.Attribute):
            return False
        kind = self._request_kind(node.value)
        attr = node.attr.value
        return (kind == "flask" and attr in _FLASK_ATTRS) or (kind == "django" and attr in _DJANGO_ATTRS) or (
            kind == "fastapi" and attr in _FASTAPI_ATTRS)

    def _raw_method_call(self, node: cst.BaseExpression) -> bool:
        """`request.get_json()` (Flask) or `request.json()` (Starlette, awaited)."""
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            return False
        kind = self._request_kind(node.func.value)
        attr = node.func.attr.value
        return (kind == "flask" and attr in _FLASK_METHODS) or (kind == "fastapi" and attr in _FASTAPI_METHODS)

    def _raw(self, node: cst.CSTNode, conversion: bool = False) -> None:
        fn = self.stack[-1]
        fn.inside_raw = id(node)
        if fn.safe_depth > 0 or conversion:
            fn.validates = True
            return
        loc = pos(self, node, self.ctx.module)
        loc["symbol"] = fn.qualname
        name = fn.assigned.get(id(node))
        if name is not None:
            fn.raw_locals.setdefault(name, loc)
        else:
            fn.raw_reads.append(loc)

    def visit_Await(self, node: cst.Await) -> None:
        if self.stack and self.stack[-1].inside_raw is None and self._raw_method_call(node.expression):
            self._raw(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.stack and self.stack[-1].inside_raw is None and self._source_attr(node.value):
            self._raw(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if node.attr.value in _AUTH_BODY_ATTRS:
            fn.auth_check = True
        if node.attr.value == "method" and self._request_kind(node.value):
            fn.methods_seen.add("?")
        if fn.inside_raw is None and id(node) not in fn.skip and self._source_attr(node):
            if node.attr.value in ("POST", "body", "data", "form", "json"):
                fn.reads_body = True
            self._raw(node)

    def leave_Await(self, original_node: cst.Await) -> None:
        self._leave_raw(original_node)

    def leave_Subscript(self, original_node: cst.Subscript) -> None:
        self._leave_raw(original_node)

    def leave_Attribute(self, original_node: cst.Attribute) -> None:
        self._leave_raw(original_node)

    def _leave_raw(self, node: cst.CSTNode) -> None:
        if self.stack and self.stack[-1].inside_raw == id(node):
            self.stack[-1].inside_raw = None

    def visit_Call(self, node: cst.Call) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        name = dotted(node.func) or ""
        tail = last_name(name) if name else (node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
        if tail in _AUTH_BODY_CALLS:
            fn.auth_check = True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "as_view" and dotted(node.func.value):
            fn.delegates.append(dotted(node.func.value))
        if tail in _PAGINATE_CALLS:
            fn.paginates = True
        if tail == "abort" and node.args and isinstance(node.args[0].value, cst.Integer) and \
                node.args[0].value.value in ("401", "403"):
            fn.auth_check = True
        if fn.inside_raw is None:
            func = node.func
            if self._raw_method_call(node):
                self._raw(node)
            elif isinstance(func, cst.Attribute) and func.attr.value in _MAPPING_METHODS and self._source_attr(func.value):
                self._raw(node, conversion=keyword(node, "type") is not None)
            elif (self.ctx.qualname(func) or "") in ("json.loads", "orjson.loads", "ujson.loads") and node.args and \
                    self._source_attr(node.args[0].value):
                self._raw(node)
        if self._is_validator(node, tail):
            fn.safe_depth += 1
            fn.skip.add(id(node))
            fn.validates = fn.validates or tail in _VALIDATOR_METHODS or bool(_SCHEMA_CLASS.match(tail))

    def leave_Call(self, original_node: cst.Call) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if id(original_node) in fn.skip:
            fn.safe_depth -= 1
        self._leave_raw(original_node)

    def _is_validator(self, node: cst.Call, tail: str) -> bool:
        if tail in _VALIDATOR_METHODS or tail in _CONVERSIONS or _SCHEMA_CLASS.match(tail or ""):
            return True
        if tail[:1].isupper() and any(a.star == "**" for a in node.args):
            return True  # Model(**payload): a pydantic/dataclass constructor checks the fields
        qn = self.ctx.qualname(node.func) or ""
        return qn.startswith(("jsonschema.", "cerberus.", "voluptuous.", "marshmallow.", "pydantic.")) or \
            tail in self.ctx.facts.get("schema_classes", ())

    # --- locals -----------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        for t in node.targets:
            if isinstance(t.target, cst.Name):
                fn.skip.add(id(t.target))
                value = node.value
                fn.assigned[id(value)] = t.target.value
                if isinstance(value, cst.BooleanOperation):
                    fn.assigned[id(value.left)] = t.target.value
                fn.locals_expr[t.target.value] = value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.stack and isinstance(node.target, cst.Name) and node.value is not None:
            fn = self.stack[-1]
            fn.skip.add(id(node.target))
            fn.assigned[id(node.value)] = node.target.value
            fn.locals_expr[node.target.value] = node.value

    def visit_If(self, node: cst.If) -> None:
        self._benign_test(node.test)

    def _benign_test(self, test: cst.BaseExpression) -> None:
        # `if not data:` / `if data is None:` checks presence, it does not use the value
        if not self.stack:
            return
        if isinstance(test, cst.UnaryOperation):
            test = test.expression
        if isinstance(test, cst.Comparison):
            test = test.left
        if isinstance(test, cst.Name):
            self.stack[-1].skip.add(id(test))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        # `"take" in request.GET` tests for a key; it does not use a value
        if self.stack:
            for target in node.comparisons:
                if isinstance(target.operator, (cst.In, cst.NotIn)):
                    self.stack[-1].skip.add(id(target.comparator))
                    if isinstance(target.comparator, cst.Name):
                        self.stack[-1].skip.add(id(target.comparator))

    def visit_Name(self, node: cst.Name) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if node.value in fn.raw_locals and id(node) not in fn.skip and fn.safe_depth == 0:
            fn.raw_bad_locals.add(node.value)

    # --- what the handler returns (BA-API-001, BA-API-004) ----------------------------------
    def visit_Return(self, node: cst.Return) -> None:
        if not self.stack or node.value is None:
            return
        fn = self.stack[-1]
        info = self._returned(node.value, fn, depth=0)
        if info:
            info.update(pos(self, node, self.ctx.module))
            info["symbol"] = fn.qualname
            fn.returns.append(info)

    def _returned(self, expr: cst.BaseExpression, fn: _Fn, depth: int) -> dict[str, Any]:
        if depth > 3:
            return {}
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if isinstance(expr, cst.Name) and expr.value in fn.locals_expr:
            return self._returned(fn.locals_expr[expr.value], fn, depth + 1)
        if isinstance(expr, cst.Call):
            callee = dotted(expr.func) or ""
            tail = last_name(callee) or (expr.func.attr.value if isinstance(expr.func, cst.Attribute) else "")
            if tail.endswith("Response") and tail not in ("JsonResponse", "Response"):
                return {"response": True}
            if tail in ("JsonResponse", "Response", "jsonify", "list", "tuple", "make_response", "ORJSONResponse"):
                # Django/DRF/Flask responses wrapping a queryset: look inside, only the data matters
                inner = positional(expr, 0)
                found = self._returned(inner, fn, depth + 1) if inner is not None else {}
                if tail in ("JsonResponse", "Response") and "unbounded" not in found:
                    found["response"] = True
                found.pop("orm_model", None) if tail != "list" else None
                return found
            if _SCHEMA_CLASS.match(tail) and tail.endswith("Serializer"):
                many = keyword(expr, "many")
                inner = positional(expr, 0)
                if isinstance(many, cst.Name) and many.value == "True" and inner is not None:
                    return self._returned(inner, fn, depth + 1)
                return {}
        if isinstance(expr, cst.Attribute) and expr.attr.value == "data":
            return self._returned(expr.value, fn, depth + 1)
        return _query_shape(expr, fn, self.ctx, depth)


def _code(module: cst.Module | None, node: cst.CSTNode) -> str:
    return " ".join(module.code_for_node(node).split()) if module is not None else "<expr>"


def _kw_value(module: cst.Module | None, node: cst.BaseExpression) -> Any:
    value = literal(node)
    if value == "<expr>":
        return _code(module, node)
    return value


def _chain(expr: cst.BaseExpression) -> tuple[list[tuple[str, cst.Call | None]], cst.BaseExpression]:
    """`a.b(x).c()` -> ([("c", call), ("b", call)], a): methods from outermost in, and the base."""
    out: list[tuple[str, cst.Call | None]] = []
    while True:
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            out.append((expr.func.attr.value, expr))
            expr = expr.func.value
        elif isinstance(expr, cst.Attribute):
            out.append((expr.attr.value, None))
            expr = expr.value
        elif isinstance(expr, cst.Subscript):
            out.append(("[]", None))
            expr = expr.value
        else:
            return out, expr


def _query_shape(expr: cst.BaseExpression, fn: _Fn, ctx: FileContext, depth: int) -> dict[str, Any]:
    """ORM model and boundedness of a query expression, or {} when it is not one."""
    chain, base = _chain(expr)
    names = [n for n, _ in chain]
    if not chain:
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value[:1].isupper() \
                and not _SCHEMA_CLASS.match(expr.func.value):
            return {"orm_model": expr.func.value, "orm_kind": "instance"}
        return {}
    if isinstance(base, cst.Name) and base.value in fn.locals_expr and depth < 3:
        # qs = M.objects.filter(...); return qs.values()
        inner = _query_shape(fn.locals_expr[base.value], fn, ctx, depth + 1)
        if inner.get("unbounded") and names[0] in _DJANGO_LIST_METHODS | {"all"} and "[]" not in names:
            return inner
        if inner.get("unbounded") and names[0] not in _AGGREGATES:
            return inner
        return {}
    terminal = names[0]
    # Django: M.objects.<...>
    if "objects" in names and isinstance(base, cst.Name):
        idx = names.index("objects")
        used = names[:idx]
        if "[]" in used or any(n in _AGGREGATES or n in _PAGINATE_CALLS for n in used):
            return {}
        if used and all(n in _DJANGO_LIST_METHODS for n in used):
            return {"unbounded": {"model": base.value, "orm": "django"}}
        return {}
    # SQLAlchemy: session.query(M)..., session.scalars(select(M))..., session.execute(select(M))..., M.query...
    model = _sqlalchemy_model(chain, base)
    if model is None:
        return {}
    if any(n in ("limit", "offset", "slice", "fetchmany", "paginate", "[]", "count", "exists") for n in names) or \
            _select_bounded(chain):
        bounded = True
    else:
        bounded = False
    if terminal == "all":
        out: dict[str, Any] = {"orm_model": model, "orm_kind": "list"}
        if not bounded:
            out["unbounded"] = {"model": model, "orm": "sqlalchemy"}
        return out
    if terminal in _ORM_INSTANCE_TERMINALS:
        return {"orm_model": model, "orm_kind": "instance"}
    return {}


def _sqlalchemy_model(chain: list[tuple[str, cst.Call | None]], base: cst.BaseExpression) -> str | None:
    for name, call in reversed(chain):
        if call is None:
            continue
        if name in ("query", "get", "get_or_404") and call.args:
            first = dotted(call.args[0].value)
            if first and first[:1].isupper():
                return first
        if name in ("scalars", "execute", "scalar") and call.args:
            sel = call.args[0].value
            inner_chain, inner_base = _chain(sel)
            if isinstance(inner_base, cst.Call) and last_name(dotted(inner_base.func)) == "select" and inner_base.args:
                first = dotted(inner_base.args[0].value)
                if first and first[:1].isupper():
                    return first
            if isinstance(sel, cst.Call) and last_name(dotted(sel.func)) == "select" and sel.args:
                first = dotted(sel.args[0].value)
                if first and first[:1].isupper():
                    return first
    if isinstance(base, cst.Name) and base.value[:1].isupper() and chain and chain[-1][0] == "query":
        return base.value  # Flask-SQLAlchemy: M.query.filter_by(...).all()
    return None


def _select_bounded(chain: list[tuple[str, cst.Call | None]]) -> bool:
    for name, call in chain:
        if call is not None and name in ("scalars", "execute") and call.args:
            inner, _ = _chain(call.args[0].value)
            if any(n in ("limit", "offset", "slice", "fetch") for n, _ in inner):
                return True
    return False


def _names(call: cst.Call) -> list[str]:
    """Dotted names among positional arguments, lists flattened: `@permission_classes([IsAdmin])`."""
    out: list[str] = []
    for a in call.args:
        if a.keyword is not None or a.star:
            continue
        values = [el.value for el in a.value.elements] if isinstance(a.value, (cst.List, cst.Tuple)) else [a.value]
        for v in values:
            name = dotted(v.func if isinstance(v, cst.Call) else v)
            if name:
                out.append(name)
    return out
