"""Mutable default arguments (BA-QUAL-003): `None` in the signature, the value built per call in the body."""

from __future__ import annotations

import libcst as cst

from ..findings import Finding
from .base import Fixer


class NoneDefault(Fixer):
    RULE_ID = "BA-QUAL-003"
    SAFETY = "safe"
    TITLE = "default to None and build the value per call"

    def rewrite(self, finding: Finding) -> list[list] | None:
        default = self.tree.at(finding)
        param = self.tree.parent(default) if default is not None else None
        if not isinstance(param, cst.Param) or param.default is not default:
            return None
        params = self.tree.parent(param)
        func = self.tree.parent(params) if isinstance(params, cst.Parameters) else None
        if not isinstance(func, cst.FunctionDef) or not isinstance(func.body, cst.IndentedBlock):
            return None  # a lambda or a one-line def has no body to build the value in
        if func.decorators or param.annotation is not None:
            # a decorator may read the signature (FastAPI, click); `x: list = None` would lie to type checkers
            return None
        body = list(func.body.body)
        first = body[1] if body and _is_docstring(body[0]) and len(body) > 1 else body[0] if body else None
        if first is None or _is_docstring(first):
            return None
        line = self.tree.start_line(first)
        if first.leading_lines:  # comments above the first statement stay with it
            line -= len(first.leading_lines)
        indent = self.tree.indent_of(self.tree.start_line(first))
        unit = self.tree.module.default_indent
        name = param.name.value
        value = self.tree.module.code_for_node(default)
        guard = f"{indent}if {name} is None:\n{indent}{unit}{name} = {value}\n"
        return [self.tree.node_edit(default, cst.Name("None")), [line, line, guard]]


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr) and \
        isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
