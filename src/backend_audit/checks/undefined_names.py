"""BA-REL-006: a name read that nothing binds (pyflakes F821 on our own walk): NameError when that line runs.

Scope-aware as Python is: module, class, function, lambda and comprehension scopes; a class body's names are
not seen by the functions and comprehensions inside it; globals/nonlocal; builtins. A binding anywhere in a
scope counts (conditional definitions, `try: import` fallbacks, `del` ignored): this reports only names no
path binds. Reads are resolved when the module is left, from the frames the batched walk kept (no walk of
its own). A file whose names cannot all be known is skipped: a star import, `globals()`/`exec` writing
names, `builtins.x = ...` (names some other module may install too are not ours to know), PEP 695 type
parameters read on a host older than 3.12 (the downlevel rewrite removed them).
"""

from __future__ import annotations

import ast
import builtins
import posixpath
import re
import sys
from typing import Any

from ..findings import Finding, normalise_code
from .base import FUNCTIONS, AstCheck, ProjectCheck, dotted
from .util import VIEW_METHODS, decorator_names, is_endpoint_function

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                                        "__path__", "__builtins__", "__annotations__", "__dict__", "__cached__",
                                        "WindowsError", "reveal_type", "__debug__"}
# `_`: gettext's install() puts it in builtins from any module, so no file alone can say it is unbound
_UNKNOWABLE = frozenset({"_", "__", "___", "__class__"})  # `__class__`: the cell every method has
_CLASS_NAMES = frozenset({"__module__", "__qualname__", "__class__"})
# calls that bind names no statement shows: the module's names are not ours to know
_DYNAMIC = frozenset({"globals", "exec", "execfile", "vars", "locals", "__import__"})
UNBOUND_FACT = "unbound_names"
# PEP 695 generics and aliases: a host older than 3.12 reads the file through pipeline/downlevel.py, which
# removes the type parameter lists, so their names look unbound
_PEP695 = re.compile(r"^[ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+\w+[ \t]*\[|^[ \t]*type[ \t]+\w+[ \t]*[\[=]", re.M)
# Each part of _PEP695 without its line anchor: a literal start the regex engine searches for directly, where the
# anchored pattern is tried at every character (7x the time on a large tree, for a syntax most files never use)
_PEP695_PARTS = (re.compile(r"def[ \t]+\w+[ \t]*\["), re.compile(r"class[ \t]+\w+[ \t]*\["),
                 re.compile(r"type[ \t]+\w+[ \t]*[\[=]"))
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# a class view's base (`MethodView`, `APIView`, `ModelViewSet`, flask-restful's `Resource`): its HTTP-verb
# methods answer requests whatever their parameters are named
_VIEW_BASE = re.compile(r"(View|ViewSet|Resource|Handler)$")
# decorators of a function run per job: a task queue's worker calls it
_TASK_DECORATORS = frozenset({"task", "shared_task", "periodic_task", "actor", "job", "background_task", "cron"})


def _pep695(text: str) -> bool:
    return any(part.search(text) for part in _PEP695_PARTS) and bool(_PEP695.search(text))


class _Frame:
    __slots__ = ("node", "kind", "parent", "bound", "at", "inside", "first_iter", "per_request", "symbol")

    def __init__(self, node: ast.AST, kind: str, parent: "_Frame | None", at: int, per_request: bool) -> None:
        self.node, self.kind, self.parent, self.at, self.per_request = node, kind, parent, at, per_request
        self.bound: set[str] = set()
        self.symbol = parent.symbol if parent is not None else ""
        self.first_iter: int | None = None
        if isinstance(node, (ast.Module, ast.ClassDef, *FUNCTIONS)):
            self.inside = {id(s) for s in node.body}
        elif isinstance(node, ast.Lambda):
            self.inside = {id(node.body)}
        elif isinstance(node, _COMPREHENSIONS):
            self.inside = {id(g) for g in node.generators} | {
                id(n) for n in (getattr(node, "elt", None), getattr(node, "key", None), getattr(node, "value", None))
                if n is not None}
            self.first_iter = id(node.generators[0].iter)  # evaluated in the enclosing scope
        else:
            self.inside = set()


class UndefinedName(AstCheck):
    RULE_ID = "BA-REL-006"

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.frames: list[_Frame] = []
        self.reads: list[tuple[ast.Name, _Frame, bool]] = []
        self.guarded: list[tuple[int, int]] = []
        self.type_names: set[str] = set()
        self.imports = False
        self.unknowable = False
        self.lazy_annotations = False
        # the Name nodes of annotations, marked when their def or `x: T = ...` statement is entered (before its
        # children): "def" for a parameter's or return annotation, the AnnAssign for a variable's
        self.annotated: dict[int, Any] = {}

    # -- frames ---------------------------------------------------------------------------------------------
    def _frame_of(self, node: ast.AST) -> _Frame | None:
        """The innermost frame whose scope holds `node` (the node being visited; its ancestors are the walk's
        parents). A def's header (decorators, defaults, annotations) and a comprehension's first iterable
        belong to the scope around it."""
        parents = self.ctx.parents
        depth = len(parents)
        for frame in reversed(self.frames):
            at = frame.at + 1
            child = parents[at] if at < depth else node if at == depth else None
            if child is None or id(child) not in frame.inside:
                continue
            if frame.first_iter is not None and child is frame.node.generators[0]:
                inner = parents[at + 1] if at + 1 < depth else node
                if id(inner) == frame.first_iter:
                    continue
            return frame
        return None

    def _push(self, node: ast.AST, kind: str) -> _Frame:
        outer = self._frame_of(node) if self.frames else None
        per_request = bool(outer and outer.per_request)
        if isinstance(node, FUNCTIONS) and not per_request:
            in_class = outer is not None and outer.kind == "class"
            per_request = is_endpoint_function(node, in_class) or any(
                n.rsplit(".", 1)[-1] in _TASK_DECORATORS for n in decorator_names(node)) or \
                in_class and node.name in VIEW_METHODS and any(
                    _VIEW_BASE.search(dotted(b) or "") for b in outer.node.bases)
        frame = _Frame(node, kind, outer, len(self.ctx.parents), per_request)
        if kind != "comprehension":
            frame.symbol = self.ctx.symbol
        self.frames.append(frame)
        return frame

    def _bind(self, name: str, node: ast.AST, frame: _Frame | None = None) -> None:
        frame = frame or self._frame_of(node)
        if frame is not None:
            frame.bound.add(name)

    def _pop(self, node: ast.AST) -> None:
        if len(self.frames) > 1 and self.frames[-1].node is node:
            self.frames.pop()

    leave_FunctionDef = leave_Lambda = leave_ClassDef = leave_ListComp = leave_SetComp = leave_DictComp = \
        leave_GeneratorExp = _pop

    def visit_Module(self, node: ast.Module) -> None:
        self.frames, self.reads, self.guarded, self.type_names, self.annotated = [], [], [], set(), {}
        self.imports = False
        self.frames.append(_Frame(node, "module", None, len(self.ctx.parents), False))
        if sys.version_info < (3, 12) and _pep695(self.ctx.text):
            self.unknowable = True
        self.lazy_annotations = any(isinstance(s, ast.ImportFrom) and s.module == "__future__" and
                                    any(a.name == "annotations" for a in s.names) for s in node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._bind(node.name, node)
        frame = self._push(node, "function")
        args = node.args
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None:
                frame.bound.add(a.arg)
                if a.annotation is not None:
                    self._mark(a.annotation, "def")
        if node.returns is not None:
            self._mark(node.returns, "def")
        self._type_params(node)

    def _mark(self, annotation: ast.expr, kind: Any) -> None:
        for n in ast.walk(annotation):
            if isinstance(n, ast.Name):
                self.annotated[id(n)] = kind

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._mark(node.annotation, node)

    def _type_params(self, node: ast.AST) -> None:
        # PEP 695 `def f[T](x: T)`, `class C[T]:`: T lives in an annotation scope that the header, the body and
        # every method see (class scope rules do not apply to it); kept file-wide, which errs on silence
        self.type_names.update(p.name for p in getattr(node, "type_params", ()) or ())

    def visit_Lambda(self, node: ast.Lambda) -> None:
        frame = self._push(node, "function")
        args = node.args
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None:
                frame.bound.add(a.arg)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name, node)
        frame = self._push(node, "class")
        frame.bound.update(_CLASS_NAMES)
        self._type_params(node)

    def _comprehension(self, node: ast.AST) -> None:
        self._push(node, "comprehension")

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # -- bindings -------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        self.imports = True
        for alias in node.names:
            self._bind(alias.asname or alias.name.split(".")[0], node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.imports = True
        for alias in node.names:
            if alias.name == "*":
                self.unknowable = True
            else:
                self._bind(alias.asname or alias.name, node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self.frames[0].bound.add(name)  # assigned (or read) at module level through this function
            self._bind(name, node)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        for name in node.names:
            self._bind(name, node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name, node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        if getattr(node, "name", None):
            self._bind(node.name, node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        if getattr(node, "rest", None):
            self._bind(node.rest, node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # `(x := ...)` in a comprehension binds in the scope around it
        frame = self._frame_of(node)
        while frame is not None and frame.kind == "comprehension":
            frame = frame.parent
        if isinstance(node.target, ast.Name):
            self._bind(node.target.id, node, frame)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in _DYNAMIC:
            self.unknowable = True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Store) and dotted(node.value) in ("builtins", "__builtin__", "__builtins__"):
            self.unknowable = True  # `builtins.gettext = ...`: a name every module sees

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            parent = self.ctx.parents[-1] if self.ctx.parents else None
            if not isinstance(parent, ast.NamedExpr):
                self._bind(node.id, node)
            return
        if not isinstance(node.ctx, ast.Load) or node.id in _BUILTINS or node.id in _UNKNOWABLE:
            return
        frame = self._frame_of(node)
        if frame is None:
            return
        annotation = self._annotation(node)
        if annotation and (self.lazy_annotations or annotation == "local"):
            return  # never evaluated: every annotation under PEP 563, a local variable's anywhere
        self.reads.append((node, frame, bool(annotation)))

    def visit_Try(self, node: ast.Try) -> None:
        for h in node.handlers:
            caught = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
            if any(dotted(c) in ("NameError", "UnboundLocalError") for c in caught if c is not None) and node.body:
                # the code expects the name may be missing (`try: unicode except NameError: unicode = str`)
                self.guarded.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
                return

    def visit_If(self, node: ast.If) -> None:
        # `if sys.version_info[0] == 3: ... else: string_types = (basestring,)`: a Python 2 branch never runs
        # on the Python 3 this code runs under, so its names (basestring, unicode, long) are never read
        branch = _py2_branch(node)
        if branch:
            self.guarded.append((branch[0].lineno, branch[-1].end_lineno or branch[-1].lineno))

    # -- what is not a run-time read -------------------------------------------------------------------------
    def _annotation(self, node: ast.Name) -> str:
        """"def" for a def's parameter or return annotation (evaluated when the def runs unless PEP 563 holds),
        "local" for a variable annotation in a function body (never evaluated), "" for anything else. A lookup
        of the names marked on entering their statement: most reads are in no annotation, and climbing to the
        statement for each was a fifth of this check's time."""
        kind = self.annotated.get(id(node))
        if kind is None or isinstance(kind, str):
            return kind or ""
        owner = self._function(self._frame_of(kind))  # kind: the AnnAssign; the walk's parents are the read's
        return "local" if owner is not None and owner.kind == "function" else "def"

    # -- resolution -------------------------------------------------------------------------------------------
    def leave_Module(self, node: ast.Module) -> None:
        if self.unknowable:
            return
        seen: set[tuple[str, int]] = set()
        for name_node, frame, annotation in self.reads:
            if name_node.id in self.type_names or self._resolves(name_node.id, frame) or \
                    any(a <= name_node.lineno <= b for a, b in self.guarded):
                continue
            owner = self._function(frame)
            if not self.imports and owner.kind in ("module", "class"):
                continue  # a file that imports nothing is a fragment another module runs in its namespace
                # (a settings snippet `exec`'d into settings: `LOGGING["root"]["level"] = "DEBUG"`)
            key = (name_node.id, id(owner))
            if key in seen:
                continue  # one finding per name and function: the first read shows the mistake
            seen.add(key)
            self._report(name_node, frame, annotation)

    @staticmethod
    def _resolves(name: str, frame: _Frame) -> bool:
        through_comprehensions = True
        first = True
        while frame is not None:
            # a class body's names are seen by that body only (comprehensions directly in it are let through:
            # their first iterable runs in the class scope, and erring there would flag working code)
            if frame.kind != "class" or first or through_comprehensions:
                if name in frame.bound:
                    return True
            if frame.kind != "comprehension":
                through_comprehensions = False
            first = False
            frame = frame.parent
        return False

    @staticmethod
    def _function(frame: _Frame) -> _Frame | None:
        while frame is not None and frame.kind == "comprehension":
            frame = frame.parent
        return frame

    def _report(self, node: ast.Name, frame: _Frame, annotation: bool) -> None:
        """Kept as a fact, not reported: the project pass drops the names a loader injects (UnboundNames)."""
        owner = self._function(frame)
        what = "an annotation evaluated when the function is defined" if annotation else "this line"
        if owner is None or owner.kind in ("module", "class"):
            level = "warning"
            where = "at import time (module or class body)"
        elif owner.per_request or annotation:
            level = "warning"
            where = "in a function run per request or per job" if not annotation else "when the module is imported"
        else:
            level = "note"
            where = "when this function runs (whether anything calls it per request was not traced)"
        line, col, end_line, end_col = self.ctx.span(node)
        self.ctx.facts.setdefault(UNBOUND_FACT, []).append({
            "name": node.id, "line": line, "col": col, "end_line": end_line, "end_col": end_col, "level": level,
            "symbol": frame.symbol, "snippet": node.id,
            "message": f"`{node.id}` is not bound in any enclosing scope, imported or a builtin: {what} raises "
                       f"NameError {where}; import or define it, or fix the spelling"})


def _py2_branch(node: ast.If) -> list[ast.stmt]:
    """The branch of `if` that runs only on Python 2, when its test is a plain version check: `sys.version_info`
    (or its `[0]` / `.major`) compared with a constant, or six's `PY2`/`PY3`."""
    test = node.test
    name = dotted(test) or ""
    if name.rpartition(".")[2] in ("PY2", "PY3"):
        return node.body if name.endswith("PY2") else node.orelse
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant)
            or isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Tuple)):
        return []
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(left, ast.Subscript) and isinstance(left.slice, ast.Constant) and left.slice.value == 0:
        left = left.value
    elif isinstance(left, ast.Attribute) and left.attr == "major":
        left = left.value
    if dotted(left) not in ("sys.version_info", "version_info"):
        return []
    if isinstance(right, ast.Tuple):  # ordered only: `sys.version_info == (3,)` is never true
        first = right.elts[0] if right.elts else None
        major = first.value if isinstance(first, ast.Constant) and isinstance(op, (ast.Lt, ast.GtE)) else None
    else:
        major = right.value
    if not isinstance(major, int) or isinstance(major, bool) or major not in (2, 3):
        return []
    py3 = {(ast.Eq, 3): True, (ast.GtE, 3): True, (ast.Gt, 2): True, (ast.NotEq, 2): True,
           (ast.Eq, 2): False, (ast.Lt, 3): False, (ast.LtE, 2): False, (ast.NotEq, 3): False}.get(
        (type(op), major))
    if py3 is None:
        return []
    return node.orelse if py3 else node.body


if hasattr(ast, "TypeAlias"):  # `type Pairs[K] = list[tuple[K, K]]` (3.12): a node older hosts do not have
    UndefinedName.visit_TypeAlias = UndefinedName._type_params


# A name unbound in this many modules of one package is one its loader sets on each module it imports
# (`module.logger = ...`, `setattr(engine, name, value)`): a plugin's contract, not a typo, which does not
# repeat word for word across files.
_INJECTED_IN = 2


class UnboundNames(ProjectCheck):
    """Reports the per-file reads of unbound names, less the ones a package's loader injects."""

    RULE_ID = "BA-REL-006"

    def run(self, project: Any) -> list[Finding]:
        per_dir: dict[tuple[str, str], set[str]] = {}
        for path in sorted(project.facts):
            for read in project.facts[path].get(UNBOUND_FACT) or ():
                per_dir.setdefault((posixpath.dirname(path), read["name"]), set()).add(path)
        out = []
        for path in sorted(project.facts):
            for read in project.facts[path].get(UNBOUND_FACT) or ():
                if len(per_dir[(posixpath.dirname(path), read["name"])]) >= _INJECTED_IN:
                    continue
                out.append(Finding(
                    rule_id=self.RULE_ID, path=path, line=read["line"], column=read["col"],
                    end_line=read["end_line"], end_column=read["end_col"], level=read["level"],
                    message=read["message"], engine="ast", snippet=normalise_code(read["snippet"]),
                    symbol=read["symbol"]))
        return out
