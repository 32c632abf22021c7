"""Class facts: bases, the view attributes that decide auth/throttling/pagination, handler methods.

Used for Django class views, DRF views and viewsets, Flask MethodViews, ORM models (BA-API-004) and
pydantic/marshmallow schema classes (BA-INP-001's validators).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ...checks.base import FileContext, dotted
from .common import dep_refs, last_name, literal
from .functions import call_arguments, name_text
from .credential_guard import credential_guard
from .login_guard import login_guard

VIEW_ATTRS = frozenset({"permission_classes", "authentication_classes", "throttle_classes", "throttle_scope",
                        "pagination_class", "serializer_class", "http_method_names", "decorators",
                        "method_decorators", "methods", "login_url", "permission_required", "queryset", "model",
                        "parser_classes", "filterset_class", "form_class",
                        "path", "guards"})  # the last two: Litestar controllers
_SCHEMA_BASES = frozenset({"BaseModel", "Schema", "Form", "ModelForm", "Serializer", "ModelSerializer",
                           "HyperlinkedModelSerializer", "FlaskForm", "TypedDict", "RootModel", "Struct"})


# Django model fields that refuse or convert what they are given before it is stored (BA-INP-001's level):
# a relation takes an instance or an existing row's key (the descriptor raises ValueError, the database's
# foreign key refuses a missing row), a UUIDField a UUID, a BooleanField a truth value
CHECKED_FIELDS = frozenset({"ForeignKey", "OneToOneField", "UUIDField", "BooleanField", "NullBooleanField"})
# Django's unbounded text field, declared without `choices` or `validators`: no text is a bad value for it.
# (A CharField also has a max_length that save() does not check and SQLite does not enforce: not free text.)
FREE_TEXT_FIELDS = frozenset({"TextField"})
# ... unless its name says it holds markup (`description_html`): that text must be safe to render, not any text
_MARKUP_FIELD = re.compile(r"(?i)(html|markup|svg|script|template)")


class ClassFacts:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.classes: dict[str, dict[str, Any]] = ctx.facts.setdefault("classes", {})
        self.open: list[dict[str, Any] | None] = []  # None: a function scope

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        # `class A(*mixins)` names `mixins` as written
        bases = [dotted(b.value if isinstance(b, ast.Starred) else b) for b in node.bases]
        table = next((kw.value for kw in node.keywords if kw.arg == "table"), None)
        entry: dict[str, Any] = {
            "line": node.lineno,  # the `class` line, decorators apart
            "bases": [self._resolve(b) for b in bases if b],
            "attrs": {},
            "methods": [],
        }
        if isinstance(table, ast.Constant) and table.value is True:
            entry["table"] = True
        meta = next((dotted(kw.value) for kw in node.keywords if kw.arg == "metaclass"), None)
        if meta:  # a metaclass may wrap every subclass's dispatch (a login check): the project pass reads it
            entry["metaclass"] = self._resolve(meta)
        guard = login_guard(node)
        if guard is not None:  # a middleware that refuses anonymous requests (on some paths)
            entry["login_guard"] = guard
        shared = credential_guard(node)
        if shared is not None:  # a middleware that refuses requests without the server's credential header
            entry["credential_guard"] = shared
        decorators = [dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
        if decorators:
            entry["decorators"] = [d for d in decorators if d]
            entry["decorator_args"] = [
                [name_text(a) or dotted(getattr(a, "func", None)) or "" for a in call_arguments(d)]
                for d in node.decorator_list if isinstance(d, ast.Call)]
            calls = [{"ref": dotted(d.func), "line": d.lineno,
                      "args": [literal(a) for a in d.args if not isinstance(a, ast.Starred)],
                      "kwargs": {kw.arg: literal(kw.value) for kw in d.keywords if kw.arg}}
                     for d in node.decorator_list if isinstance(d, ast.Call) and dotted(d.func)]
            if calls:  # `@register_view(Widget, "edit")`: a registration decorator's arguments
                entry["decorator_calls"] = calls
        if any(last_name(b) in _SCHEMA_BASES for b in bases if b):
            self.ctx.facts.setdefault("schema_classes", []).append(node.name)
        self.classes[self.ctx.symbol] = entry
        self.open.append(entry)

    def _resolve(self, ref: str) -> str:
        head, _, rest = ref.partition(".")
        full = self.ctx.imports.get(head)
        return f"{full}.{rest}" if full and rest else (full or ref)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.open.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.open and self.open[-1] is not None:
            self.open[-1]["methods"].append(node.name)
        self.open.append(None)

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.open.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        entry = self.open[-1] if self.open else None
        if entry is None:
            return
        for t in node.targets:
            if isinstance(t, ast.Name) and t.id in VIEW_ATTRS:
                entry["attrs"][t.id] = _class_refs(node.value)
        kind = last_name(dotted(node.value.func) or "") if isinstance(node.value, ast.Call) else ""
        if kind in CHECKED_FIELDS and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            entry.setdefault("checked_fields", {})[node.targets[0].id] = kind
        elif kind in FREE_TEXT_FIELDS and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                not any(k.arg in ("choices", "validators") for k in node.value.keywords) and \
                not _MARKUP_FIELD.search(node.targets[0].id):
            entry.setdefault("free_text_fields", {})[node.targets[0].id] = kind

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        entry = self.open[-1] if self.open else None
        deps = dep_refs(node.value) + dep_refs(node.annotation) if entry is not None else []
        if deps:  # class-based FastAPI views: `user: User = Depends(get_current_user)` guards every route
            entry.setdefault("deps", []).extend(deps)
        if entry is not None and isinstance(node.target, ast.Name) and node.value is not None and \
                node.target.id in VIEW_ATTRS:
            entry["attrs"][node.target.id] = _class_refs(node.value)


def _class_refs(node: ast.expr) -> Any:
    """`[IsAuthenticated, IsOwner & IsAdmin]` -> ["IsAuthenticated", "IsOwner", "IsAdmin"]; literals as such."""
    if isinstance(node, (ast.List, ast.Tuple)):
        out: list[Any] = []
        for el in node.elts:
            out.extend(_flatten(el.value if isinstance(el, ast.Starred) else el))
        return out
    return literal(node)


def _flatten(node: ast.expr) -> list[Any]:
    if isinstance(node, ast.BinOp):
        return _flatten(node.left) + _flatten(node.right)
    if isinstance(node, ast.Call):
        return [dotted(node.func) or "<expr>"]
    return [literal(node)]
