"""The per-file half of the semantic model: one fact collector that records, as plain data, what the
project step needs (docs/semantic-model.md): the module's imports, constants, classes, functions and the
calls each function makes.

Definitions and constants come from one pass over the module's *statements* (cheap: expressions are not
walked, and constant folding needs statement order and the live branch of `if` tests that fold); calls
come from the shared batched walk (`visit_Call`), which already visits every expression.
"""

from __future__ import annotations

import ast
from typing import Any

from ...checks.base import FileContext, import_from_bindings
from .values import dotted_text, fold, truth

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# A hostile file may hold millions of calls: the call graph keeps this many per function.
MAX_CALLS_PER_FUNCTION = 2_000


def module_name(path: str) -> tuple[str, bool]:
    """(dotted module name, is a package) of a repository path: `app/api/__init__.py` -> ("app.api", True)."""
    stem = path[:-4] if path.endswith(".pyi") else path[:-3] if path.endswith(".py") else path
    parts = [p for p in stem.split("/") if p]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def absolute_import(target: str, module: str, is_package: bool) -> str:
    """`..core.config` written in `app.api.deps` -> `app.core.config`."""
    if not target.startswith("."):
        return target
    dots = len(target) - len(target.lstrip("."))
    package = module.split(".") if module else []
    if not is_package:
        package = package[:-1]
    base = package[: max(len(package) - (dots - 1), 0)]
    rest = target[dots:]
    return ".".join([*base, rest] if rest else base)


class SemanticSummary:
    """Fills facts["semantic"]: {module, package, imports, stars, constants, classes, functions}."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module, self.is_package = module_name(ctx.path)
        self.functions: dict[str, dict[str, Any]] = {}
        self.module_calls: list[list[Any]] = []
        self.lookups: list[list[str]] = []  # [function or "" for module level, attribute name looked up]

    # --- definitions: one pass over statements --------------------------------------------------------

    def visit_Module(self, node: ast.Module) -> None:
        self.imports: dict[str, str] = {}
        self.stars: list[str] = []
        self.constants: dict[str, dict[str, Any]] = {}
        self.classes: dict[str, dict[str, Any]] = {}
        self._body(node.body, prefix="", scope=None, live=True)

    def _lookup_in(self, env: dict[str, dict[str, Any]]):
        def lookup(name: str) -> dict[str, Any] | None:
            return env.get(name)
        return lookup

    def _import(self, stmt: ast.stmt, table: dict[str, str]) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    table[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            if any(a.name == "*" for a in stmt.names):
                base = "." * (stmt.level or 0) + (stmt.module or "")
                self.stars.append(absolute_import(base, self.module, self.is_package))
            for local, full in import_from_bindings(stmt):
                table[local] = absolute_import(full, self.module, self.is_package)

    def _body(self, body: list[ast.stmt], prefix: str, scope: dict[str, Any] | None, live: bool) -> None:
        """Definitions in a module (scope None), class (scope = the class record) or function body."""
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if scope is None:
                    self._import(stmt, self.imports)
                elif scope.get("kind") == "function":
                    self._import(stmt, scope.setdefault("imports", {}))
            elif isinstance(stmt, ast.ClassDef):
                self._class(stmt, prefix)
            elif isinstance(stmt, _FUNCTIONS):
                self._function(stmt, prefix, in_class=scope is not None and scope.get("kind") == "class")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and scope is None or \
                    isinstance(stmt, (ast.Assign, ast.AnnAssign)) and scope is not None and scope.get("kind") == "class":
                self._assign(stmt, self.constants if scope is None else scope["attrs"], live)
            elif isinstance(stmt, ast.If) and scope is None:
                which = truth(stmt.test, self._lookup_in(self.constants))
                if which is None:
                    self._body(stmt.body, prefix, scope, live=False)
                    self._body(stmt.orelse, prefix, scope, live=False)
                else:
                    self._body(stmt.body if which else stmt.orelse, prefix, scope, live)
            elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))) and scope is None:
                for block in (stmt.body, *[h.body for h in stmt.handlers], stmt.orelse, stmt.finalbody):
                    self._body(block, prefix, scope, live=False)
            elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)) and scope is None:
                self._body(stmt.body, prefix, scope, live=False)
            elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)) \
                    and scope is not None and scope.get("kind") == "function":
                # imports and nested defs inside a function's blocks still belong to the function
                for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []),
                              *[h.body for h in getattr(stmt, "handlers", [])], getattr(stmt, "finalbody", [])):
                    self._body(block, prefix, scope, live=False)

    def _assign(self, stmt: ast.stmt, env: dict[str, dict[str, Any]], live: bool) -> None:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        else:  # AugAssign: X += "..." folds onto X's known value
            targets = [stmt.target]
            value = ast.BinOp(left=ast.Name(id=stmt.target.id, ctx=ast.Load()), op=stmt.op, right=stmt.value) \
                if isinstance(stmt.target, ast.Name) else None
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        others = [t for t in targets if not isinstance(t, ast.Name)]
        for t in others:  # tuple unpacking: a, b = 1, 2
            if isinstance(t, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
                    len(t.elts) == len(value.elts) and live:
                for sub_target, sub_value in zip(t.elts, value.elts):
                    if isinstance(sub_target, ast.Name):
                        self._bind(env, sub_target.id, sub_value, live)
            elif isinstance(t, (ast.Tuple, ast.List)):
                for sub_target in t.elts:
                    if isinstance(sub_target, ast.Name):
                        env.pop(sub_target.id, None)
        for name in names:
            self._bind(env, name, value, live)

    def _bind(self, env: dict[str, dict[str, Any]], name: str, value: ast.AST | None, live: bool) -> None:
        if value is None:
            return  # a bare annotation binds nothing
        encoded = fold(value, self._lookup_in(env if env is self.constants else {**self.constants, **env}))
        if encoded is None or not live:
            env.pop(name, None)  # rebound to something unknown (or only on some paths): no longer a constant
            return
        env[name] = encoded

    def _class(self, node: ast.ClassDef, prefix: str) -> None:
        qual = f"{prefix}{node.name}"
        record: dict[str, Any] = {
            "kind": "class", "line": node.lineno,
            "bases": [b for b in (_base_text(b) for b in node.bases) if b],
            "keywords": {k.arg: dotted_text(k.value) for k in node.keywords if k.arg and dotted_text(k.value)},
            "decorators": [d for d in (_decorator_text(d) for d in node.decorator_list) if d],
            "attrs": {}, "methods": [],
        }
        self.classes[qual] = record
        self._body(node.body, f"{qual}.", record, live=True)
        record["methods"] = sorted(n.name for n in node.body if isinstance(n, _FUNCTIONS))
        record.pop("kind")

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, in_class: bool) -> None:
        qual = f"{prefix}{node.name}"
        args = node.args
        record: dict[str, Any] = {
            "kind": "function", "line": node.lineno, "end_line": getattr(node, "end_lineno", node.lineno),
            "params": [a.arg for a in (*args.posonlyargs, *args.args)],
            "kwonly": [a.arg for a in args.kwonlyargs],
            "vararg": args.vararg.arg if args.vararg else None,
            "kwarg": args.kwarg.arg if args.kwarg else None,
            "decorators": [d for d in (_decorator_text(d) for d in node.decorator_list) if d],
            "is_method": in_class, "is_async": isinstance(node, ast.AsyncFunctionDef),
        }
        existing = self.functions.get(qual)
        record["calls"] = existing.get("calls", []) if existing else []
        self.functions[qual] = record
        self._body(node.body, f"{qual}.", record, live=True)
        record.pop("kind")

    # --- calls: from the shared walk ------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        callee = dotted_text(node.func)
        if callee is None:
            return
        symbol = self.ctx.symbol if self.ctx.function_stack else ""
        if symbol:
            calls = self.functions.setdefault(symbol, {}).setdefault("calls", [])
        else:
            calls = self.module_calls
        if len(calls) < MAX_CALLS_PER_FUNCTION:
            calls.append([node.lineno, callee])
        if callee == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and \
                isinstance(node.args[1].value, str) and len(self.lookups) < MAX_CALLS_PER_FUNCTION:
            # `getattr(module, "fetch_traits")`: a hook called by name, which no call edge reaches; the project
            # step asks who looks a function up this way (BA-LOG-003's command-only functions)
            self.lookups.append([symbol, node.args[1].value])

    def leave_Module(self, node: ast.Module) -> None:
        # a call seen in a def the statement pass did not record (a def inside a comprehension's lambda...)
        functions = {q: f for q, f in self.functions.items() if "params" in f}
        self.ctx.facts["semantic"] = {
            "module": self.module, "package": self.is_package, "imports": self.imports, "stars": self.stars,
            "constants": self.constants, "classes": self.classes, "functions": functions,
            "module_calls": self.module_calls, "lookups": self.lookups,
        }


def _base_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):  # Generic[T], Base[Model]: the class is the subscripted one
        node = node.value
    return dotted_text(node)


def _decorator_text(node: ast.expr) -> str | None:
    return dotted_text(node.func if isinstance(node, ast.Call) else node)
