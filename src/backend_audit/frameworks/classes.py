"""Class facts: bases, the view attributes that decide auth/throttling/pagination, handler methods.

Used for Django class views, DRF views and viewsets, Flask MethodViews, ORM models (BA-API-004) and
pydantic/marshmallow schema classes (BA-INP-001's validators).
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from ..checks.base import FileContext
from ..checks.cst_base import dotted
from .cst_common import keyword, last_name, literal

VIEW_ATTRS = frozenset({"permission_classes", "authentication_classes", "throttle_classes", "throttle_scope",
                        "pagination_class", "serializer_class", "http_method_names", "decorators",
                        "method_decorators", "methods", "login_url", "permission_required", "queryset", "model",
                        "parser_classes", "filterset_class", "form_class"})
_SCHEMA_BASES = frozenset({"BaseModel", "Schema", "Form", "ModelForm", "Serializer", "ModelSerializer",
                           "HyperlinkedModelSerializer", "FlaskForm", "TypedDict", "RootModel", "Struct"})


class ClassFacts(cst.BatchableCSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.classes: dict[str, dict[str, Any]] = ctx.facts.setdefault("classes", {})
        self.open: list[dict[str, Any] | None] = []  # None: a function scope

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [dotted(a.value) for a in node.bases if a.keyword is None]
        table = keyword(cst.Call(func=cst.Name("x"), args=node.keywords), "table")
        entry: dict[str, Any] = {
            "line": self.get_metadata(PositionProvider, node).start.line,
            "bases": [self._resolve(b) for b in bases if b],
            "attrs": {},
            "methods": [],
        }
        if isinstance(table, cst.Name) and table.value == "True":
            entry["table"] = True
        decorators = [dotted(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                      for d in node.decorators]
        if decorators:
            entry["decorators"] = [d for d in decorators if d]
            entry["decorator_args"] = [
                [dotted(a.value) or dotted(getattr(a.value, "func", None)) or "" for a in d.decorator.args]
                for d in node.decorators if isinstance(d.decorator, cst.Call)]
        if any(last_name(b) in _SCHEMA_BASES for b in bases if b):
            self.ctx.facts.setdefault("schema_classes", []).append(node.name.value)
        self.classes[self.ctx.symbol] = entry
        self.open.append(entry)

    def _resolve(self, ref: str) -> str:
        head, _, rest = ref.partition(".")
        full = self.ctx.imports.get(head)
        return f"{full}.{rest}" if full and rest else (full or ref)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.open.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.open and self.open[-1] is not None:
            self.open[-1]["methods"].append(node.name.value)
        self.open.append(None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.open.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        entry = self.open[-1] if self.open else None
        if entry is None:
            return
        for t in node.targets:
            if isinstance(t.target, cst.Name) and t.target.value in VIEW_ATTRS:
                entry["attrs"][t.target.value] = _class_refs(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        entry = self.open[-1] if self.open else None
        if entry is not None and isinstance(node.target, cst.Name) and node.value is not None and \
                node.target.value in VIEW_ATTRS:
            entry["attrs"][node.target.value] = _class_refs(node.value)


def _class_refs(node: cst.BaseExpression) -> Any:
    """`[IsAuthenticated, IsOwner & IsAdmin]` -> ["IsAuthenticated", "IsOwner", "IsAdmin"]; literals as such."""
    if isinstance(node, (cst.List, cst.Tuple)):
        out: list[Any] = []
        for el in node.elements:
            out.extend(_flatten(el.value))
        return out
    value = literal(node)
    return value


def _flatten(node: cst.BaseExpression) -> list[Any]:
    if isinstance(node, cst.BinaryOperation):
        return _flatten(node.left) + _flatten(node.right)
    if isinstance(node, cst.Call):
        return [dotted(node.func) or "<expr>"]
    value = literal(node)
    return [value]
