"""The libcst engine's check base: kept for rules that need concrete syntax (comments, exact
formatting), which run only on files their PREFILTER matches. Checks on the stdlib `ast` tree
(`base.AstCheck`) are the default: CPython builds that tree in C, with positions, several times faster.
"""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from ..findings import Finding, normalise_code
from .base import FileContext


def dotted_parts(node: cst.BaseExpression) -> list[str] | None:
    """["a", "b", "c"] for `a.b.c`; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return parts[::-1]
    return None


def dotted(node: cst.BaseExpression) -> str | None:
    parts = dotted_parts(node)
    return ".".join(parts) if parts else None


def import_from_bindings(node: cst.ImportFrom) -> list[tuple[str, str]]:
    """(local name, dotted origin) for each name `from X import a as b` binds; relative dots kept."""
    if isinstance(node.names, cst.ImportStar):
        return []
    module = dotted(node.module) if node.module is not None else ""
    prefix = "." * len(node.relative) + (module or "")
    out = []
    for alias in node.names:
        name = dotted(alias.name) or ""
        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
        out.append((local, f"{prefix}.{name}" if prefix and not prefix.endswith(".") else f"{prefix}{name}"))
    return out


class CstCheck(cst.BatchableCSTVisitor):
    """A libcst check. Subclasses set RULE_ID and write visit_/leave_ methods."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "libcst"
    METADATA_DEPENDENCIES = (PositionProvider,)
    # Per-file rules skip test files unless a check says otherwise (catalog §1.4).
    APPLIES_TO_TESTS: ClassVar[bool] = False
    # Names whose presence in the file text the check needs; an empty tuple means always run.
    PREFILTER: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rule = ctx.rules[self.RULE_ID]

    def option(self, name: str, default: Any = None) -> Any:
        return self.ctx.option(self.RULE_ID, name, default)

    def report(self, node: cst.CSTNode, message: str | None = None, *, level: str | None = None,
               key_node: cst.CSTNode | None = None, properties: dict[str, Any] | None = None,
               rule_id: str | None = None) -> None:
        pos: CodeRange = self.get_metadata(PositionProvider, node)
        snippet_node = key_node if key_node is not None else node
        snippet = self.ctx.module.code_for_node(snippet_node) if self.ctx.module is not None else ""
        self.ctx.findings.append(Finding(
            rule_id=rule_id or self.RULE_ID,
            path=self.ctx.path,
            line=pos.start.line,
            column=pos.start.column + 1,
            end_line=pos.end.line,
            end_column=pos.end.column + 1,
            level=level or self.rule.level,
            message=message or self.rule.message,
            engine=self.ENGINE,
            snippet=normalise_code(snippet)[:500],
            symbol=self.ctx.symbol,
            properties=properties or {},
        ))


class ContextEnter(cst.BatchableCSTVisitor):
    """Runs first in the batch: keeps the import table, local scopes and symbol stack current so checks
    can ask `ctx.qualname(node)` and `ctx.symbol` cheaply (no QualifiedNameProvider)."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind_import(alias.asname.name.value, full)
            else:
                self._bind_import(full.split(".")[0], full.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        for local, full in import_from_bindings(node):
            self._bind_import(local, full)

    def _bind_import(self, local: str, full: str) -> None:
        if self.ctx.local_scopes:
            self.ctx.local_scopes[-1].add(local)  # an import inside a function is local to it
            return
        self.ctx.imports[local] = full

    def _bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            if self.ctx.local_scopes:
                self.ctx.local_scopes[-1].add(target.value)
            else:
                self.ctx.imports.pop(target.value, None)  # module-level rebinding hides the import
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._bind(el.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        # with ... as x / except ... as x (import aliases are handled above)
        if isinstance(node.name, (cst.Name, cst.Tuple, cst.List)):
            if self.ctx.local_scopes:
                self._bind(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.ctx.symbol_stack.append(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.ctx.symbol_stack.append(node.name.value)
        self.ctx.function_stack.append(node)
        params = node.params
        names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                names.add(star.name.value)
        self.ctx.local_scopes.append(names)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        params = node.params
        self.ctx.local_scopes.append({p.name.value for p in (*params.posonly_params, *params.params,
                                                              *params.kwonly_params)})


class ContextLeave(cst.BatchableCSTVisitor):
    """Runs last in the batch, so checks' leave_ methods still see the scope they are leaving."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.ctx.symbol_stack.pop()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.ctx.symbol_stack.pop()
        self.ctx.function_stack.pop()
        self.ctx.local_scopes.pop()

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.ctx.local_scopes.pop()
