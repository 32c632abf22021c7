"""Base classes for checks, one per engine, and the per-file context they share.

A check is bound to its YAML by RULE_ID. Per-file checks are `AstCheck`s on the stdlib `ast` tree the
runner parses once per file (CPython builds it in C, with positions): plain visit_<Node>/leave_<Node>
methods that one batched walk (`engines/ast_walk.py`) calls, context kept with flags or stacks,
`self.report(node)` to emit a finding. The async twins dispatch to the same method as their sync node
(`visit_FunctionDef` also sees `AsyncFunctionDef`; For/AsyncFor, With/AsyncWith, Try/TryStar likewise).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from ..findings import Finding, normalise_code
from ..pipeline.source import split_lines
from ..records import dataclass

if TYPE_CHECKING:  # pragma: no cover
    from ..catalog import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


@dataclass
class FileContext:
    """What every check of one file may read. Built once per file by the runner."""

    path: str
    is_test: bool
    rules: dict[str, "Rule"]
    options: dict[str, dict[str, Any]]
    text: str = ""
    tree: ast.Module | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # import alias table: local name -> dotted module path ("r" -> "requests", "decode" -> "jwt.decode")
    imports: dict[str, str] = field(default_factory=dict)
    # one set of locally bound names per enclosing function (innermost last)
    local_scopes: list[set[str]] = field(default_factory=list)
    # imports made inside each enclosing function, parallel to local_scopes: `import yaml` in a body
    imports_in_scope: list[dict[str, str]] = field(default_factory=list)
    # qualified-name parts of enclosing classes/functions
    symbol_stack: list[str] = field(default_factory=list)
    # the (Async)FunctionDef nodes we are inside (innermost last)
    function_stack: list[Any] = field(default_factory=list)
    # the ancestors of the node being visited (innermost last; the node itself is not in it)
    parents: list[ast.AST] = field(default_factory=list)
    # user taint models (`taint-models` in the config), already read and validated: plain data
    taint_models: tuple = ()
    _lines: list[str] | None = None
    _own: dict[int, list[ast.AST]] = field(default_factory=dict, repr=False, compare=False)  # own_nodes memo
    _all: list[ast.AST] | None = field(default=None, repr=False, compare=False)  # all_nodes memo
    # qualname's answers by node, while the scopes and imports stay as they are: four in five asks are for
    # a node another visitor of the same walk step resolved (a Call's func); ContextEnter and ContextLeave,
    # the only writers of the scopes and imports, empty it whenever they change them
    _qualnames: dict[int, tuple[Any, str | None]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def symbol(self) -> str:
        return ".".join(self.symbol_stack)

    def own_nodes(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
        """`own_nodes(func)`, made once per function of the file: several per-function facts read it."""
        found = self._own.get(id(func))
        if found is None:
            found = self._own[id(func)] = own_nodes(func)
        return found

    def all_nodes(self) -> list[ast.AST]:
        """Every node of the file's tree (those `ast.walk` gives, the context and operator singletons apart; a
        node before its children), listed once per file: the checks that look through the whole module share
        it, where each `ast.walk` cost a generator step per node."""
        if self._all is None:
            self._all = _preorder([self.tree], ()) if self.tree is not None else []
        return self._all

    def is_local(self, name: str) -> bool:
        for scope in self.local_scopes:  # a loop, not any(<genexpr>): asked for most names resolved
            if name in scope:
                return True
        return False

    def imported(self, name: str) -> str | None:
        """The dotted origin a name is imported from where we stand: the innermost function that imports
        it wins, a local binding in a nearer scope hides it, module imports come last."""
        scopes, in_scope = self.local_scopes, self.imports_in_scope
        # innermost first, the two stacks paired from their ends (indices, not zip(reversed(), reversed()):
        # this runs for most names a check resolves, and at module level there is no scope at all)
        for k in range(-1, -1 - min(len(scopes), len(in_scope)), -1):
            imports = in_scope[k]
            if name in imports:
                return imports[name]
            if name in scopes[k]:
                return None
        return self.imports.get(name)

    def qualname(self, node: Any) -> str | None:
        """Dotted name of an imported thing, seeing through aliases: `r.get` -> "requests.get".

        None when the base name is not an import (or a local shadows it). Builtins resolve to
        "builtins.<name>" unless shadowed.
        """
        hit = self._qualnames.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        found = self._qualname(node)
        self._qualnames[id(node)] = (node, found)  # the node held: its id is not reused meanwhile
        return found

    def _qualname(self, node: Any) -> str | None:
        parts = dotted_parts(node)
        if not parts:
            return None
        head = parts[0]
        origin = self.imported(head)
        if origin is not None:
            return ".".join([origin, *parts[1:]])
        if self.is_local(head):
            return None
        if len(parts) == 1 and head in _BUILTINS:
            return f"builtins.{head}"
        return None

    def option(self, rule_id: str, name: str, default: Any = None) -> Any:
        return self.options.get(rule_id, {}).get(name.replace("-", "_"), default)

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of a node, 1-based character columns (ast counts UTF-8
        bytes). A decorated def or class starts at its `def`/`class` keyword, where a reader looks for it
        and where suppression comments for it go."""
        line, col = node.lineno, node.col_offset
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end_col = col
        return line, self._char(line, col) + 1, end_line, self._char(end_line, end_col) + 1

    def segment(self, node: ast.AST) -> str:
        """The source text of a node (ast.get_source_segment without re-splitting the file per call)."""
        lines = self.lines
        start, end = node.lineno, getattr(node, "end_lineno", None) or node.lineno
        if not (0 < start <= len(lines)) or not (0 < end <= len(lines)):
            return ""
        first = lines[start - 1].encode("utf-8")
        end_col = getattr(node, "end_col_offset", None)
        if start == end:
            return first[node.col_offset:end_col].decode("utf-8", "replace")
        last = lines[end - 1].encode("utf-8")
        middle = lines[start:end - 1]
        return "\n".join([first[node.col_offset:].decode("utf-8", "replace"), *middle,
                          last[:end_col].decode("utf-8", "replace")])

    def _char(self, lineno: int, byte_offset: int) -> int:
        lines = self.lines
        text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


_BUILTINS = frozenset(dir(builtins))


def dotted_parts(node: ast.AST) -> list[str] | None:
    """["a", "b", "c"] for `a.b.c`; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def dotted(node: ast.AST | None) -> str | None:
    # a plain name (most calls' func) needs no parts list: 15,000 asks on a small app
    if isinstance(node, ast.Name):
        return node.id
    if not isinstance(node, ast.Attribute):
        return None
    parts = dotted_parts(node)
    return ".".join(parts) if parts else None


def import_from_bindings(node: ast.ImportFrom) -> list[tuple[str, str]]:
    """(local name, dotted origin) for each name `from X import a as b` binds; relative dots kept."""
    prefix = "." * (node.level or 0) + (node.module or "")
    out = []
    for alias in node.names:
        if alias.name == "*":
            continue
        local = alias.asname or alias.name
        out.append((local, f"{prefix}.{alias.name}" if prefix and not prefix.endswith(".") else f"{prefix}{alias.name}"))
    return out


def iter_nodes(root: ast.AST | list[ast.AST], skip: tuple[type, ...] = SCOPES) -> Iterator[ast.AST]:
    """Every node under root (root included), not descending into `skip` nodes below the root: by default
    nested functions, lambdas and classes, whose code runs elsewhere. A list (a statement body) is the
    code of its items, so a `skip`-typed item of it is left out too."""
    stack = [n for n in root if not isinstance(n, skip)] if isinstance(root, list) else [root]
    stack.reverse()
    AST = ast.AST
    while stack:
        node = stack.pop()
        yield node
        # ast.iter_child_nodes, without its two generators per node (a missing field is skipped as there)
        children: list[ast.AST] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                if not isinstance(value, skip):
                    children.append(value)
            elif isinstance(value, list):
                children += [v for v in value if isinstance(v, AST) and not isinstance(v, skip)]
        children.reverse()
        stack.extend(children)


# Load/Store contexts and operator singletons carry no code of their own: the shared walk and `own_nodes`
# skip them (about a third of a tree's nodes). Code reads `node.op` / `node.ctx` directly.
SKIP_FIELDS = frozenset({"ctx", "op", "ops"})
CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes worth visiting (memoised per type)."""
    CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f not in SKIP_FIELDS)
    return CHILD_FIELDS[kind]


def own_nodes(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's own code: its body in walk order (a node before its children, in source
    order), not descending into nested functions, lambdas and classes (their code runs elsewhere; they are
    left out themselves too), nor into the context and operator singletons. Read through
    `FileContext.own_nodes`, which makes the list once per function for every fact that needs it."""
    return _preorder(func.body, SCOPES)


def _preorder(roots: list[ast.AST], skip: tuple[type, ...]) -> list[ast.AST]:
    """The nodes under `roots` (included), a node before its children in source order, `skip` nodes left out
    with what is under them; never the context and operator singletons."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = roots[::-1]
    AST, fields = ast.AST, CHILD_FIELDS.get
    while stack:
        node = stack.pop()
        if skip and isinstance(node, skip):
            continue
        out.append(node)
        children: list[ast.AST] = []
        for name in fields(type(node)) or child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, AST):
                children.append(value)
            elif isinstance(value, list):
                children += [v for v in value if isinstance(v, AST)]
        children.reverse()
        stack += children
    return out


class AstCheck:
    """A check on the stdlib ast tree. Subclasses set RULE_ID and write visit_<Node>/leave_<Node> methods."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "ast"
    # Per-file rules skip test files unless a check says otherwise (catalog §1.4).
    APPLIES_TO_TESTS: ClassVar[bool] = False
    # Names whose presence in the file text the check needs; an empty tuple means always run.
    PREFILTER: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.rule = ctx.rules[self.RULE_ID]

    def option(self, name: str, default: Any = None) -> Any:
        return self.ctx.option(self.RULE_ID, name, default)

    def report(self, node: ast.AST, message: str | None = None, *, level: str | None = None,
               key_node: ast.AST | None = None, properties: dict[str, Any] | None = None,
               rule_id: str | None = None) -> None:
        line, col, end_line, end_col = self.ctx.span(node)
        snippet = self.ctx.segment(key_node if key_node is not None else node)
        self.ctx.findings.append(Finding(
            rule_id=rule_id or self.RULE_ID, path=self.ctx.path, line=line, column=col, end_line=end_line,
            end_column=end_col, level=level or self.rule.level, message=message or self.rule.message,
            engine=self.ENGINE, snippet=normalise_code(snippet)[:500], symbol=self.ctx.symbol,
            properties=properties or {},
        ))


class ContextEnter:
    """Runs first in the walk: keeps the import table, local scopes and symbol stack current so checks
    can ask `ctx.qualname(node)` and `ctx.symbol` cheaply."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind_import(alias.asname, alias.name)
            else:
                head = alias.name.split(".")[0]
                self._bind_import(head, head)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for local, full in import_from_bindings(node):
            self._bind_import(local, full)

    def _bind_import(self, local: str, full: str) -> None:
        self.ctx._qualnames.clear()
        if self.ctx.local_scopes:
            # an import inside a function binds only there, but it is still an import: sinks such as
            # `import yaml; yaml.load(...)` in a body must resolve like module-level ones
            self.ctx.imports_in_scope[-1][local] = full
            return
        self.ctx.imports[local] = full

    def visit_Name(self, node: ast.Name) -> None:
        # every binding form (assignment, for/with/comprehension targets, walrus) stores through a Name
        if isinstance(node.ctx, ast.Store):
            self.ctx._qualnames.clear()
            if self.ctx.local_scopes:
                self.ctx.local_scopes[-1].add(node.id)
            else:
                self.ctx.imports.pop(node.id, None)  # module-level rebinding hides the import

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name and self.ctx.local_scopes:
            self.ctx._qualnames.clear()
            self.ctx.local_scopes[-1].add(node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.ctx.symbol_stack.append(node.name)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.ctx.symbol_stack.append(node.name)
        self.ctx.function_stack.append(node)
        self.ctx._qualnames.clear()
        self.ctx.local_scopes.append(_param_names(node.args))
        self.ctx.imports_in_scope.append({})

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.ctx._qualnames.clear()
        self.ctx.local_scopes.append(_param_names(node.args))
        self.ctx.imports_in_scope.append({})


def _param_names(args: ast.arguments) -> set[str]:
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    for star in (args.vararg, args.kwarg):
        if star is not None:
            names.add(star.arg)
    return names


class ContextLeave:
    """Runs last in the walk, so checks' leave_ methods still see the scope they are leaving."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.ctx.symbol_stack.pop()

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.ctx.symbol_stack.pop()
        self.ctx.function_stack.pop()
        self.ctx._qualnames.clear()
        self.ctx.local_scopes.pop()
        self.ctx.imports_in_scope.pop()

    def leave_Lambda(self, node: ast.Lambda) -> None:
        self.ctx._qualnames.clear()
        self.ctx.local_scopes.pop()
        self.ctx.imports_in_scope.pop()


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
    """Receives radon's ComplexityVisitor for one file (run once over the shared `ast` tree): `.blocks` are
    the functions and classes, `.total_complexity` the module's total."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "radon"
    APPLIES_TO_TESTS: ClassVar[bool] = False

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.rule = ctx.rules[self.RULE_ID]

    def option(self, name: str, default: Any = None) -> Any:
        return self.ctx.option(self.RULE_ID, name, default)

    def run(self, tree: ast.Module, cc: Any) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


# Fact keys under which a file check leaves its findings (as dicts) for its project check to keep or drop:
# the runner computes their fixes with the file's other findings, as only the file's text can give them.
DEFERRED_FINDINGS = ("command_prints", "function_prints", "token_name_logs", "irreversible_steps",
                     "perf_timeouts_in_functions", "csrf_exempt_views", "mass_assignment_schemas")


def deferred_findings(project: Any, key: str) -> list[Finding]:
    """The findings file checks left under fact `key` for a project check to keep, lower or drop."""
    return [Finding.from_dict(d) for path in sorted(project.facts) for d in project.facts[path].get(key, ())]


def first_source_naming(project: Any, key: str) -> dict[str, str]:
    """Each name the application's files (tests left out) list under fact `key` -> the first such file."""
    out: dict[str, str] = {}
    for path in sorted(project.facts):
        facts = project.facts[path]
        if not facts.get("is_test"):
            for name in facts.get(key) or ():
                out.setdefault(name, path)
    return out


class ProjectCheck:
    """A whole-repository rule run once over every file's facts (the reduce step)."""

    RULE_ID: ClassVar[str] = ""
    ENGINE: ClassVar[str] = "project"
    # Reads --changed-since (settings.extra["changed_since"]): its base findings never come from a project
    # record made without it (pipeline/project_record.py).
    READS_CHANGED_SINCE: ClassVar[bool] = False

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
