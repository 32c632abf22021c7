"""Fact collectors: batched visitors that record plain-data facts about a file for the project pass.

They run in the same single libcst traversal as the checks, on every parsed file (facts feed
whole-repo rules, so they do not depend on which per-file rules are enabled).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from .checks.base import FileContext
from .checks.cst_base import dotted


class ImportsCollector(cst.BatchableCSTVisitor):
    """Modules this file imports (absolute, or relative with leading dots): test-to-module mapping."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[str] = ctx.facts.setdefault("imports", [])

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name:
                self.found.append(name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = "." * len(node.relative) + (dotted(node.module) or "" if node.module is not None else "")
        self.found.append(base)
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = dotted(alias.name)
                if name:
                    self.found.append(f"{base}.{name}" if not base.endswith(".") else f"{base}{name}")


class ModuleShapeCollector(cst.BatchableCSTVisitor):
    """How much a module holds, for the test-presence rules: statement and definition counts, and the line
    ranges of function bodies (coverage inside a body means a test ran the code, not just imported it)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.facts = ctx.facts
        self.facts.update(statements=0, definitions=0, function_bodies=[])
        self.depth = 0

    def _count_compound(self, node: cst.CSTNode) -> None:
        self.facts["statements"] += 1

    # libcst finds visitors by the function's own name, so aliases would never run: one method each.
    def visit_If(self, node: cst.If) -> None:
        self._count_compound(node)

    def visit_For(self, node: cst.For) -> None:
        self._count_compound(node)

    def visit_While(self, node: cst.While) -> None:
        self._count_compound(node)

    def visit_With(self, node: cst.With) -> None:
        self._count_compound(node)

    def visit_Try(self, node: cst.Try) -> None:
        self._count_compound(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._count_compound(node)

    def visit_Match(self, node: cst.Match) -> None:
        self._count_compound(node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.facts["statements"] += len(node.body)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._count_compound(node)
        if self.depth == 0:
            self.facts["definitions"] += 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._count_compound(node)
        if self.depth == 0:
            self.facts["definitions"] += 1
        body = node.body
        if isinstance(body, cst.IndentedBlock) and body.body:
            start = self.get_metadata(PositionProvider, body.body[0]).start.line
            end = self.get_metadata(PositionProvider, body).end.line
            self.facts["function_bodies"].append([start, end])
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1


_URL_CALLS = frozenset({"url_for", "reverse", "reverse_lazy", "url_path_for", "resolve_url"})


def _template(node: cst.BaseExpression) -> str | None:
    """A string's text with each f-string placeholder as `{}`; None for anything that is not a string."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes: not a URL anyway
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _template(node.left), _template(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in node.parts)
    return None


class TestRefsCollector(cst.BatchableCSTVisitor):
    """In test files only: what a test could use to reach an endpoint (URL strings, route names given to
    url_for/reverse, names it calls). Feeds BA-TEST-005; other files pay nothing."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.active = ctx.is_test
        self.urls: set[str] = set()
        self.route_names: set[str] = set()
        self.calls: set[str] = set()
        if self.active:
            ctx.facts["test_refs"] = {}
        self.facts = ctx.facts

    def _string(self, node: cst.BaseExpression) -> None:
        text = _template(node)
        if text and "/" in text and len(text) < 400 and not any(c.isspace() for c in text):
            self.urls.add(text)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self.active:
            self._string(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        if self.active:
            self._string(node)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if name is None:
            return
        self.calls.add(name)
        if name in _URL_CALLS and node.args:
            first = _template(node.args[0].value)
            if first:
                self.route_names.add(first)

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.active:
            self.facts["test_refs"] = {"urls": sorted(self.urls), "route_names": sorted(self.route_names),
                                       "calls": sorted(self.calls)}


def collectors() -> list[type]:
    from . import frameworks
    from .django_settings import SettingsCollector

    return [ImportsCollector, ModuleShapeCollector, TestRefsCollector, *frameworks.collectors(), SettingsCollector]
