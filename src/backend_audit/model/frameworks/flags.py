"""Recognises the parameters a request value handed to cannot carry its text on (BA-INP-001):
- flags, whose value is only ever tested for truth (`if force_new:`, `not p`, `bool(p)`) or compared with
  literals (`if filter_by == "unread":`): a request value handed to one decides a branch, its text goes
  nowhere;
- converted mappings, only ever read through werkzeug's typed getters (`params.get("page", 1, int)`,
  `params.getlist("id", type=int)`): what leaves the function is a number the getter parsed.
Either way there is nothing left for a schema to check."""

from __future__ import annotations

import ast


# converters that leave only a parsed scalar (a werkzeug getter answers its default when they fail)
_SCALARS = frozenset({"int", "float", "bool", "Decimal", "UUID", "date", "datetime"})


def flag_params(func: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST]) -> tuple[list[int], list[int]]:
    """Positions (after `self`/`cls`) of the positional parameters only tested for truth or compared with
    literals in the body (flags),
    and of those only read through typed getters (`p.get(key, default, int)`, `p.get(key, type=int)`,
    `p.getlist(key, type=int)`): one pass over `own`, the function's own nodes, a node before its children
    (`checks.base.own_nodes`)."""
    params = [*func.args.posonlyargs, *func.args.args]
    offset = 1 if params and params[0].arg in ("self", "cls") else 0
    names = {p.arg: i - offset for i, p in enumerate(params) if i >= offset}
    if not names:
        return [], []
    tested: dict[str, int] = {}
    typed_reads: set[str] = set()
    other: set[str] = set()
    rebound: set[str] = set()
    truth: set[int] = set()  # ids of the nodes evaluated only for their truth (parents come first in `own`)
    typed: set[int] = set()  # ids of the receivers of a typed getter (a call comes before its receiver)
    for node in own:
        if isinstance(node, ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                if id(node) in truth:
                    tested[node.id] = tested.get(node.id, 0) + 1
                elif id(node) in typed:
                    typed_reads.add(node.id)
                else:
                    other.add(node.id)
            elif node.id in names:
                rebound.add(node.id)  # what a typed read reads later is not the argument (a flag stays a flag)
        elif isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            truth.add(id(node.test))
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                truth.add(id(node.operand))
        elif isinstance(node, ast.BoolOp):
            if id(node) in truth:  # `a and b` inside a test is tested; as a value it is the operand itself
                truth.update(id(v) for v in node.values)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            # `if filter_by == "unread":`, `kind in ("a", "b")`: a value compared with literals chooses between
            # the function's own branches, nothing of its text goes on
            left, right = node.left, node.comparators[0]
            if isinstance(node.ops[0], (ast.In, ast.NotIn)):
                if _literal(right):
                    truth.add(id(left))
            elif isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                if isinstance(right, ast.Constant):
                    truth.add(id(left))
                elif isinstance(left, ast.Constant):
                    truth.add(id(right))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "bool" and len(node.args) == 1:
                truth.add(id(node.args[0]))
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id in names and _typed_get(node):
                typed.add(id(node.func.value))
    flags = sorted(names[n] for n in tested if n not in other and n not in typed_reads)
    converted = sorted(names[n] for n in typed_reads if n not in other and n not in rebound)
    return flags, converted


def _typed_get(call: ast.Call) -> bool:
    conv = next((k.value for k in call.keywords if k.arg == "type"), None)
    if conv is None and call.func.attr == "get" and len(call.args) == 3:
        conv = call.args[2]
    if call.func.attr not in ("get", "getlist") or conv is None:
        return False
    name = conv.attr if isinstance(conv, ast.Attribute) else conv.id if isinstance(conv, ast.Name) else ""
    return name in _SCALARS


def _literal(node: ast.AST) -> bool:
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(isinstance(e, ast.Constant) for e in node.elts)
