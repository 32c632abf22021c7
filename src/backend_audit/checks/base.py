"""Base classes for checks, one per engine, and the per-file context they share.

A check is bound to its YAML by RULE_ID. CST checks are libcst BatchableCSTVisitors (Fixit's model):
plain visit_/leave_ methods, context kept with flags or stacks (matcher decorators do not work on
batched visitors), `self.report(node)` to emit a finding.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from ..findings import Finding, normalise_code
from ..source import split_lines

if TYPE_CHECKING:  # pragma: no cover
    from ..catalog import Rule


@dataclass
class FileContext:
    """What every check of one file may read. Built once per file by the runner."""

    path: str
    is_test: bool
    rules: dict[str, "Rule"]
    options: dict[str, dict[str, Any]]
    text: str = ""
    module: cst.Module | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # import alias table: local name -> dotted module path ("r" -> "requests", "decode" -> "jwt.decode")
    imports: dict[str, str] = field(default_factory=dict)
    # one set of locally bound names per enclosing function (innermost last)
    local_scopes: list[set[str]] = field(default_factory=list)
    # qualified-name parts of enclosing classes/functions
    symbol_stack: list[str] = field(default_factory=list)
    # the FunctionDef nodes we are inside (innermost last)
    function_stack: list[cst.FunctionDef] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        return ".".join(self.symbol_stack)

    def is_local(self, name: str) -> bool:
        return any(name in scope for scope in self.local_scopes)

    def qualname(self, node: cst.BaseExpression) -> str | None:
        """Dotted name of an imported thing, seeing through aliases: `r.get` -> "requests.get".

        None when the base name is not an import (or a local shadows it). Builtins resolve to
        "builtins.<name>" unless shadowed.
        """
        parts = dotted_parts(node)
        if not parts:
            return None
        head = parts[0]
        if self.is_local(head):
            return None
        if head in self.imports:
            return ".".join([self.imports[head], *parts[1:]])
        if len(parts) == 1 and head in _BUILTINS:
            return f"builtins.{head}"
        return None

    def option(self, rule_id: str, name: str, default: Any = None) -> Any:
        return self.options.get(rule_id, {}).get(name.replace("-", "_"), default)


_BUILTINS = frozenset(dir(builtins))


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


class BanditCheck:
    """Maps bandit test ids onto our rule. Override `convert` to refine level or message per issue."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "bandit"
    APPLIES_TO_TESTS: ClassVar[bool] = False

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.rule = ctx.rules[self.RULE_ID]

    def convert(self, issue: Any) -> Finding | None:
        return self.finding_from_issue(issue)

    def finding_from_issue(self, issue: Any, *, level: str | None = None, message: str | None = None) -> Finding:
        lines = split_lines(self.ctx.text)
        line = issue.lineno
        end_line = max(issue.linerange) if issue.linerange else line
        col = _char_column(lines, line, issue.col_offset or 0) + 1
        end_col = getattr(issue, "end_col_offset", None)
        if end_col is None or end_line != line:
            last = lines[end_line - 1] if 0 < end_line <= len(lines) else ""
            end_col = len(last)
        else:
            end_col = _char_column(lines, line, end_col)
        snippet = "\n".join(lines[line - 1:end_line]) if lines else ""
        return Finding(
            rule_id=self.RULE_ID, path=self.ctx.path, line=line, column=col, end_line=end_line,
            end_column=max(end_col + 1, col + 1) if end_line == line else end_col + 1,
            level=level or self.rule.level, message=message or f"{self.rule.message} ({issue.test_id}: {issue.text})",
            engine=self.ENGINE, snippet=normalise_code(snippet)[:500], symbol=_ast_symbol(self.ctx, line),
            properties={"bandit_test": issue.test_id},
        )


def _char_column(lines: list[str], lineno: int, byte_offset: int) -> int:
    """ast (hence bandit) counts columns in UTF-8 bytes; findings count characters, like libcst."""
    text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


class RadonCheck:
    """Receives radon's blocks for one file (computed once from the shared `ast` tree)."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "radon"
    APPLIES_TO_TESTS: ClassVar[bool] = False

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.rule = ctx.rules[self.RULE_ID]

    def option(self, name: str, default: Any = None) -> Any:
        return self.ctx.option(self.RULE_ID, name, default)

    def run(self, tree: ast.Module, blocks: list[Any]) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


class ProjectCheck:
    """A whole-repository rule run once over every file's facts (the reduce step)."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "project"

    def __init__(self, rule: "Rule", options: dict[str, Any]) -> None:
        self.rule = rule
        self.options = options

    def run(self, project: Any) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


class MetaCheck:
    """A rule about the run itself (suppression comments), run after suppressions are applied."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "meta"

    def __init__(self, rule: "Rule", options: dict[str, Any]) -> None:
        self.rule = rule
        self.options = options

    def run(self, comments: list[Any]) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def at(self, comment: Any, message: str) -> Finding:
        """A finding on the suppression comment itself; its text is the line-free key."""
        return Finding(rule_id=self.RULE_ID, path=comment.path, line=comment.line, column=comment.column,
                       end_line=comment.line, end_column=comment.end_column, level=self.rule.level,
                       message=message, engine=self.ENGINE, snippet=normalise_code(comment.text)[:500])


def _ast_symbol(ctx: FileContext, line: int) -> str:
    """Enclosing def/class qualname for a line, from the symbol table the runner records."""
    best = ""
    for start, end, name in ctx.facts.get("_symbols", ()):
        if start <= line <= end:
            best = name  # later entries are nested deeper
    return best
