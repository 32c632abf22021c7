"""SQL and data-access checks."""

from __future__ import annotations

import re

import libcst as cst

from .base import FileContext
from .cst_base import CstCheck, dotted
from .cst_util import is_literal_string, literal_text

# Calls whose first argument is SQL text, whatever it looks like.
_STRONG_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "mogrify"})
_STRONG_FUNCS = frozenset({
    "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlalchemy.literal_column",
    "sqlalchemy.sql.literal_column", "sqlalchemy.sql.expression.literal_column",
    "django.db.models.expressions.RawSQL", "django.db.models.RawSQL",
    "pandas.read_sql", "pandas.read_sql_query", "psycopg.sql.SQL", "psycopg2.sql.SQL",
})
# Calls that take SQL text but also other things: flagged only when the built text looks like SQL.
_WEAK_METHODS = frozenset({"fetch", "fetchrow", "fetchval", "raw", "where", "filter", "order_by", "having",
                           "read_sql", "read_sql_query", "cursor"})
_SQL_KWARGS = ("sql", "query", "statement", "operation")
_SQLISH = re.compile(r"(?is)\b(select\b.*\bfrom|insert\s+into|update\b.*\bset\b|delete\s+from|where\b|order\s+by|"
                     r"group\s+by|values\s*\(|create\s+table|drop\s+table|alter\s+table|join\b)")
_TRUSTED_CALLS = frozenset({"int", "float", "len", "bool", "uuid.UUID", "UUID", "builtins.int", "builtins.float",
                            "builtins.len", "sql.Identifier", "sql.Placeholder", "psycopg.sql.Identifier",
                            "psycopg2.sql.Identifier", "quote_name", "connection.ops.quote_name"})
_STRING_WRAPPERS = frozenset({"str", "builtins.str", "textwrap.dedent", "dedent"})
_STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "replace", "format_map"})


class _Scope:
    def __init__(self) -> None:
        self.built: dict[str, str] = {}  # local name -> constant text seen in what it was built from
        self.trusted: set[str] = set()
        self.pending: list[tuple[cst.CSTNode, str, bool, str]] = []  # (node, name, strong, symbol)


class SqlBuiltFromStrings(CstCheck):
    """Built SQL text reaching a query call, following locals inside one function (flow-insensitive)."""

    RULE_ID = "BA-SQL-001"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.scopes: list[_Scope] = [_Scope()]
        self.module_constants: set[str] = set()

    # --- scopes -------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(_Scope())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._flush(self.scopes.pop())

    def leave_Module(self, original_node: cst.Module) -> None:
        self._flush(self.scopes[0])

    def _flush(self, scope: _Scope) -> None:
        for node, name, strong, _symbol in scope.pending:
            if name in scope.built and name not in scope.trusted and (strong or _SQLISH.search(scope.built[name])):
                self._report(node)

    # --- what is built ------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._record(target.target.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self._record(node.target.value, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            scope = self.scopes[-1]
            built = self._built(node.value) or not is_literal_string(node.value)
            if built:
                scope.built[node.target.value] = scope.built.get(node.target.value, "") + " " + self._text(node.value)
            elif node.target.value in scope.built:
                scope.built[node.target.value] += " " + self._text(node.value)

    def _record(self, name: str, value: cst.BaseExpression) -> None:
        scope = self.scopes[-1]
        if len(self.scopes) == 1 and name.isupper() and (is_literal_string(value) or isinstance(value, (cst.Integer, cst.Float))):
            self.module_constants.add(name)
        if self._trusted(value):
            scope.trusted.add(name)
        elif self._built(value):
            scope.built[name] = scope.built.get(name, "") + " " + self._text(value)
        elif is_literal_string(value) and name in scope.built:
            # a later literal assignment keeps the name built (flow-insensitive on purpose)
            scope.built[name] += " " + literal_text(value)

    def _text(self, node: cst.BaseExpression) -> str:
        """Constant SQL-ish text carried by an expression, to judge whether a weak sink sees SQL."""
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return literal_text(node)
        if isinstance(node, cst.BinaryOperation):
            return self._text(node.left) + " " + self._text(node.right)
        if isinstance(node, cst.Call):
            inner = self._text(node.func.value) if isinstance(node.func, cst.Attribute) else ""
            return inner + " ".join(self._text(a.value) for a in node.args)
        if isinstance(node, cst.Name):
            return self.scopes[-1].built.get(node.value, "")
        return ""

    def _trusted(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Integer, cst.Float)):
            return True
        if isinstance(node, cst.Name):
            return node.value in self.module_constants or node.value in self.scopes[-1].trusted
        if isinstance(node, cst.Call):
            name = dotted(node.func) or ""
            if name in _TRUSTED_CALLS or name.split(".")[-1] in ("Identifier", "Placeholder", "quote_name"):
                return True
            # ", ".join(["%s"] * len(ids)) and ",".join("?" * n): placeholder lists
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "join" and node.args:
                arg = node.args[0].value
                if isinstance(arg, cst.BinaryOperation) and isinstance(arg.operator, cst.Multiply):
                    return _is_placeholder(arg.left) or _is_placeholder(arg.right)
                if isinstance(arg, (cst.GeneratorExp, cst.ListComp)) and _is_placeholder(arg.elt):
                    return True
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
            return _is_placeholder(node.left) or _is_placeholder(node.right)
        return False

    def _built(self, node: cst.BaseExpression) -> bool:
        scope = self.scopes[-1]
        if isinstance(node, cst.FormattedString):
            return any(isinstance(p, cst.FormattedStringExpression) and not self._trusted(p.expression)
                       for p in node.parts)
        if isinstance(node, cst.ConcatenatedString):
            return self._built(node.left) or self._built(node.right)
        if isinstance(node, cst.Name):
            return node.value in scope.built and node.value not in scope.trusted
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Modulo) and _is_stringy(node.left):
                return not self._trusted(node.right) and not (
                    isinstance(node.right, cst.Tuple) and all(self._trusted(e.value) for e in node.right.elements))
            if isinstance(node.operator, cst.Add):
                if not (_is_stringy(node.left) or _is_stringy(node.right) or self._built(node.left)
                        or self._built(node.right)):
                    return False
                return any(not is_literal_string(x) and not self._trusted(x) for x in (node.left, node.right))
            return False
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute):
                if func.attr.value == "format" and (_is_stringy(func.value) or self._built(func.value)):
                    return not all(self._trusted(a.value) for a in node.args)
                if func.attr.value == "join" and node.args and _is_stringy(func.value):
                    if self._trusted(node):
                        return False
                    arg = node.args[0].value
                    return not (isinstance(arg, (cst.List, cst.Tuple))
                                and all(is_literal_string(e.value) for e in arg.elements))
                if func.attr.value in _STRING_METHODS:
                    return self._built(func.value)
            name = dotted(func) or ""
            if name in _STRING_WRAPPERS and node.args:
                return self._built(node.args[0].value)
        return False

    # --- sinks --------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        strength = self._sink(node)
        if strength is None:
            return
        arg = _sql_arg(node)
        if arg is None:
            return
        strong = strength == "strong"
        if isinstance(arg, cst.Name):
            if arg.value in self.scopes[-1].trusted:
                return
            self.scopes[-1].pending.append((arg, arg.value, strong, self.ctx.symbol))
            return
        if self._built(arg) and (strong or _SQLISH.search(self._text(arg))):
            self._report(arg)

    def _sink(self, node: cst.Call) -> str | None:
        func = node.func
        qn = self.ctx.qualname(func)
        if qn in _STRONG_FUNCS:
            return "strong"
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr in _STRONG_METHODS:
                return "strong"
            if attr in _WEAK_METHODS:
                return "weak"
            if attr == "extra":
                return "weak"
        elif isinstance(func, cst.Name) and func.value in ("text", "RawSQL", "literal_column", "read_sql",
                                                             "read_sql_query") and qn is None and not self.ctx.is_local(func.value):
            return "weak"
        return None

    def _report(self, node: cst.CSTNode) -> None:
        self.report(node, "SQL text built from dynamic values reaches a query call; pass the values as bound "
                          "parameters instead of formatting them into the SQL")


def _sql_arg(node: cst.Call) -> cst.BaseExpression | None:
    for a in node.args:
        if a.keyword is not None and a.keyword.value in _SQL_KWARGS:
            return a.value
    for a in node.args:
        if a.keyword is None and a.star == "":
            return a.value
    # Django .extra(select=..., where=[...]): the first built element
    for a in node.args:
        if a.keyword is not None and a.keyword.value in ("select", "where", "tables", "order_by"):
            value = a.value
            if isinstance(value, (cst.List, cst.Tuple)):
                for el in value.elements:
                    return el.value
            if isinstance(value, cst.Dict):
                for el in value.elements:
                    if isinstance(el, cst.DictElement):
                        return el.value
            return value
    return None


def _is_stringy(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def _is_placeholder(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.List, cst.Tuple)) and len(node.elements) == 1:
        node = node.elements[0].value
    return is_literal_string(node) and literal_text(node).strip() in ("%s", "?", "$1", ":p", "%s,", "?,")
