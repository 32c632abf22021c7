"""SQL text built from strings, tracked per function scope: the base of the SQL hygiene rules
(BA-SQL-002/003). BA-SQL-001 itself is the taint engine's (checks/sql.py); this tracker has no rule id
of its own, so it reports only through its subclasses."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use

from .base import AstCheck, FileContext, dotted
from .recognise import arg_values
from .util import literal_text

# Calls whose first argument is SQL text, whatever it looks like.
_STRONG_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "mogrify"})
_STRONG_FUNCS = frozenset({
    "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlalchemy.literal_column",
    "sqlalchemy.sql.literal_column", "sqlalchemy.sql.expression.literal_column",
    "django.db.models.expressions.RawSQL", "django.db.models.RawSQL",
    "pandas.read_sql", "pandas.read_sql_query", "psycopg.sql.SQL", "psycopg2.sql.SQL",
})
# An attribute call can only resolve to one of _STRONG_FUNCS when its attribute is one of these: the cheap
# test that keeps qualname() off the millions of other calls (this check runs on every file).
_STRONG_FUNC_TAILS = frozenset(name.rpartition(".")[2] for name in _STRONG_FUNCS)
# Calls that take SQL text but also other things: flagged only when the built text looks like SQL.
# (fetch_all/fetch_one/fetch_val/iterate: the `databases` package, `await database.fetch_all(query=...)`)
_WEAK_METHODS = frozenset({"fetch", "fetchrow", "fetchval", "raw", "where", "filter", "order_by", "having",
                           "read_sql", "read_sql_query", "cursor", "extra", "fetch_all", "fetch_one", "fetch_val",
                           "iterate"})
_WEAK_FUNCS = frozenset({"text", "RawSQL", "literal_column", "read_sql", "read_sql_query"})
_SQL_KWARGS = ("sql", "query", "statement", "operation")
_SQLISH = re.compile(r"(?is)\b(select\b.*\bfrom|insert\s+into|update\b.*\bset\b|delete\s+from|where\b|order\s+by|"
                     r"group\s+by|values\s*\(|create\s+table|drop\s+table|alter\s+table|join\b)")
_TRUSTED_CALLS = frozenset({"int", "float", "len", "bool", "uuid.UUID", "UUID", "builtins.int", "builtins.float",
                            "builtins.len", "sql.Identifier", "sql.Placeholder", "psycopg.sql.Identifier",
                            "psycopg2.sql.Identifier", "quote_name", "connection.ops.quote_name"})
_STRING_WRAPPERS = frozenset({"str", "builtins.str", "textwrap.dedent", "dedent"})
_STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "replace", "format_map"})


class _Scope:
    __slots__ = ("built", "trusted", "pending", "literal_lists")

    def __init__(self) -> None:
        self.built: dict[str, str] = {}  # local name -> constant text seen in what it was built from
        self.trusted: set[str] = set()
        self.pending: list[tuple[ast.Name, bool]] = []  # (name passed to a sink, strong sink)
        # locals holding only literal text so far: `conditions = ["a = %(a)s"]`, then `.append("b = %(b)s")`
        self.literal_lists: set[str] = set()


class SqlTextTracker(AstCheck):
    """Built SQL text reaching a query call, following locals inside one function (flow-insensitive)."""

    RULE_ID = ""  # a base: BA-SQL-002/003 subclass it

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.scopes: list[_Scope] = [_Scope()]
        self.module_constants: set[str] = set()

    # --- scopes -------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scopes.append(_Scope())

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._flush(self.scopes.pop())

    def leave_Module(self, node: ast.Module) -> None:
        self._flush(self.scopes[0])

    def _flush(self, scope: _Scope) -> None:
        for node, strong in scope.pending:
            name = node.id
            if name in scope.built and name not in scope.trusted and (strong or _SQLISH.search(scope.built[name])):
                self._report(node)

    # --- what is built ------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._record(target.id, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and node.value is not None:
            self._record(node.target.id, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            scope, name = self.scopes[-1], node.target.id
            if self._built(node.value) or not _is_literal(node.value):
                scope.built[name] = scope.built.get(name, "") + " " + self._text(node.value)
            elif name in scope.built:
                scope.built[name] += " " + self._text(node.value)

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.args and
                isinstance(call.func.value, ast.Name) and call.func.value.id in self.scopes[-1].literal_lists):
            return
        added = call.args[-1]
        kept = _literal_items(added) if call.func.attr == "extend" else _is_literal(added)
        if call.func.attr in ("append", "extend", "insert", "add", "update") and not kept:
            self.scopes[-1].literal_lists.discard(call.func.value.id)

    def visit_If(self, node: ast.If) -> None:
        """`if group_by not in {"model", "provider"}: raise ValueError(...)`: past the guard the name holds one
        of the allowlist's literals."""
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn) and \
                isinstance(test.left, ast.Name) and node.body and isinstance(node.body[-1], (ast.Raise, ast.Return)):
            allowed = test.comparators[0]
            if _literal_items(allowed) or isinstance(allowed, ast.Name) and allowed.id in self.scopes[-1].literal_lists:
                self.scopes[-1].trusted.add(test.left.id)

    def _record(self, name: str, value: ast.AST) -> None:
        scope = self.scopes[-1]
        if _literal_items(value):
            scope.literal_lists.add(name)
        else:
            scope.literal_lists.discard(name)
        if len(self.scopes) == 1 and name.isupper() and (_is_literal(value) or _is_number(value)):
            self.module_constants.add(name)
        if self._trusted(value):
            scope.trusted.add(name)
        elif self._built(value):
            scope.built[name] = scope.built.get(name, "") + " " + self._text(value)
        elif _is_literal(value) and name in scope.built:
            # a later literal assignment keeps the name built (flow-insensitive on purpose)
            scope.built[name] += " " + literal_text(value)

    def _text(self, node: ast.AST) -> str:
        """Constant SQL-ish text carried by an expression, to judge whether a weak sink sees SQL."""
        if _is_stringy(node):
            return literal_text(node)
        if isinstance(node, ast.BinOp):
            return self._text(node.left) + " " + self._text(node.right)
        if isinstance(node, ast.Call):
            inner = self._text(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            return inner + " ".join(self._text(a) for a in arg_values(node))
        if isinstance(node, ast.Name):
            return self.scopes[-1].built.get(node.id, "")
        return ""

    def _trusted(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.module_constants or node.id in self.scopes[-1].trusted
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            if name in _TRUSTED_CALLS or name.split(".")[-1] in ("Identifier", "Placeholder", "quote_name"):
                return True
            # ", ".join(["%s"] * len(ids)) and ",".join("?" * n): placeholder lists; " AND ".join(conditions)
            # of a list that only ever held literal text
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join":
                values = arg_values(node)
                if values:
                    first = values[0]
                    if isinstance(first, ast.Name) and first.id in self.scopes[-1].literal_lists:
                        return True
                    if isinstance(first, ast.BinOp) and isinstance(first.op, ast.Mult):
                        return _is_placeholder(first.left) or _is_placeholder(first.right)
                    if isinstance(first, (ast.GeneratorExp, ast.ListComp)) and _is_placeholder(first.elt):
                        return True
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return _is_placeholder(node.left) or _is_placeholder(node.right)
        return _is_number(node)

    def _built(self, node: ast.AST) -> bool:
        if isinstance(node, ast.JoinedStr):
            return any(isinstance(p, ast.FormattedValue) and not self._trusted(p.value) for p in node.values)
        if isinstance(node, ast.Name):
            scope = self.scopes[-1]
            return node.id in scope.built and node.id not in scope.trusted
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod) and _is_stringy(node.left):
                right = node.right
                return not self._trusted(right) and not (
                    isinstance(right, ast.Tuple) and all(self._trusted(_unstar(e)) for e in right.elts))
            if isinstance(node.op, ast.Add):
                if not (_is_stringy(node.left) or _is_stringy(node.right) or self._built(node.left)
                        or self._built(node.right)):
                    return False
                return any(not _is_literal(x) and not self._trusted(x) for x in (node.left, node.right))
            return False
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                attr = func.attr
                if attr == "format" and (_is_stringy(func.value) or self._built(func.value)):
                    return not all(self._trusted(a) for a in arg_values(node))
                if attr == "join" and (node.args or node.keywords) and _is_stringy(func.value):
                    if self._trusted(node):
                        return False
                    first = arg_values(node)[0]
                    return not (isinstance(first, (ast.List, ast.Tuple))
                                and all(_is_literal(_unstar(e)) for e in first.elts))
                if attr in _STRING_METHODS:
                    return self._built(func.value)
            if (node.args or node.keywords) and (dotted(func) or "") in _STRING_WRAPPERS:
                return self._built(arg_values(node)[0])
        return False

    # --- sinks --------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        strength = self._sink(node)
        if strength is None:
            return
        arg = _sql_arg(node)
        if arg is None:
            return
        strong = strength == "strong"
        if isinstance(arg, ast.Name):
            if arg.id not in self.scopes[-1].trusted:
                self.scopes[-1].pending.append((arg, strong))
            return
        if self._built(arg) and (strong or _SQLISH.search(self._text(arg))):
            self._report(arg)

    def _sink(self, node: ast.Call) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            attr = func.attr
            if attr in _STRONG_FUNC_TAILS and self.ctx.qualname(func) in _STRONG_FUNCS:
                return "strong"
            if attr in _STRONG_METHODS:
                return "strong"
            if attr in _WEAK_METHODS:
                return "weak"
        elif isinstance(func, ast.Name):
            qn = self.ctx.qualname(func) if func.id in self.ctx.imports or func.id in _WEAK_FUNCS else None
            if qn in _STRONG_FUNCS:
                return "strong"
            if func.id in _WEAK_FUNCS and qn is None and not self.ctx.is_local(func.id):
                return "weak"
        return None

    def _report(self, node: ast.AST) -> None:
        self.report(node, "SQL text built from dynamic values reaches a query call; pass the values as bound "
                          "parameters instead of formatting them into the SQL")


def _sql_arg(node: ast.Call) -> ast.AST | None:
    for kw in node.keywords:
        if kw.arg in _SQL_KWARGS:
            return kw.value
    for a in node.args:
        if not isinstance(a, ast.Starred):
            return a
    # Django .extra(select=..., where=[...]): the first built element
    for kw in node.keywords:
        if kw.arg in ("select", "where", "tables", "order_by"):
            value = kw.value
            if isinstance(value, (ast.List, ast.Tuple)) and value.elts:
                return _unstar(value.elts[0])
            if isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values):
                    if key is not None:  # not a **spread
                        return item
            return value
    return None


def _literal_items(node: ast.AST) -> bool:
    """A list, tuple or set literal of string literals (`["a = %(a)s", "b = %(b)s"]`, `{"model", "provider"}`)."""
    return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(_is_literal(e) for e in node.elts)


def _unstar(node: ast.AST) -> ast.AST:
    return node.value if isinstance(node, ast.Starred) else node


def _is_stringy(node: ast.AST) -> bool:
    """A string or bytes literal or an f-string, whatever it interpolates."""
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)))


def _is_literal(node: ast.AST) -> bool:
    """A string or bytes literal, or an f-string without placeholders."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    return isinstance(node, ast.JoinedStr) and not any(isinstance(p, ast.FormattedValue) for p in node.values)


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)  # bool is not a number here


def _is_placeholder(node: ast.AST) -> bool:
    if isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) == 1:
        node = _unstar(node.elts[0])
    return _is_literal(node) and literal_text(node).strip() in ("%s", "?", "$1", ":p", "%s,", "?,")
