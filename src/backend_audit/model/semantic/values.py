"""Values as plain data, and constant folding on them.

A per-file summary cannot hold `ast` nodes (it is cached as JSON), so an expression the scanner may need
later is *encoded*:

    {"v": 3}                   a folded constant (str, int, float, bool, None, or lists/dicts of those)
    {"ref": "settings.PREFIX"} a name or attribute chain as written, resolved later in its module's scope
    {"call": "Settings"}       the result of calling a dotted callee (an instance, when it is a class)
    {"cat": [enc, ...]}        string concatenation (`+`, f-strings) with parts not yet known
    {"item": [enc, key]}       a constant key or index into a value not yet known (`TABLES[0]`)

Anything else is not encoded (None): unknown. `fold` works on an `ast` node with a lookup for names;
`evaluate` (project.py) resolves refs across modules and finishes what `fold` could not.
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Callable

from ...checks.base import dotted as dotted_text


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()

# A hostile file can build huge values by folding (`"a" * 10**9`): refuse anything past these bounds.
MAX_TEXT = 10_000
MAX_ITEMS = 1_000
MAX_DEPTH = 50

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv, ast.Div: operator.truediv,
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_PURE_CALLS = {"len": len, "str": str, "int": int, "bool": bool, "float": float}

Lookup = Callable[[str], Any]  # dotted name -> encoded value or None


def is_plain(value: Any) -> bool:
    """JSON-safe and bounded: what a folded constant may be."""
    if value is None or isinstance(value, (bool, int, float)):
        return not isinstance(value, int) or abs(value) < 10 ** 18
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_ITEMS and all(is_plain(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ITEMS and all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def literal(value: Any) -> dict[str, Any] | None:
    return {"v": _plain(value)} if is_plain(value) else None


def apply_binop(op: ast.operator, left: Any, right: Any) -> Any:
    fn = _BINOPS.get(type(op))
    if fn is None:
        return UNKNOWN
    if isinstance(op, ast.Mult) and (isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple))):
        count = right if isinstance(left, (str, list, tuple)) else left
        seq = left if isinstance(left, (str, list, tuple)) else right
        if not isinstance(count, int) or count * len(seq) > MAX_TEXT:
            return UNKNOWN
    try:
        out = fn(left, right)
    except Exception:  # TypeError, ZeroDivisionError, a bad % format: not a constant then
        return UNKNOWN
    return out if is_plain(out) else UNKNOWN


def truth(test: ast.AST, lookup: Lookup) -> bool | None:
    """True/False when a condition folds to a constant (`if DEBUG:` with DEBUG = False), else None."""
    enc = fold(test, lookup)
    if enc is None or "v" not in enc:
        return None
    return bool(enc["v"])


def fold(node: ast.AST | None, lookup: Lookup, depth: int = 0) -> dict[str, Any] | None:
    """Encode an expression; a constant comes back as {"v": ...}. `lookup(name)` gives what a name or
    dotted name is known to hold in this scope (an encoding), or None."""
    if node is None or depth > MAX_DEPTH:
        return None
    d = depth + 1
    if isinstance(node, ast.Constant):
        return literal(node.value) if not isinstance(node.value, bytes) else None
    if isinstance(node, (ast.Name, ast.Attribute)):
        text = dotted_text(node)
        if text is None:
            return None
        known = lookup(text)
        return known if known is not None else {"ref": text}
    if isinstance(node, ast.JoinedStr):
        parts: list[dict[str, Any]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append({"v": str(value.value)})
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion in (-1, 115):
                inner = fold(value.value, lookup, d)
                if inner is None:
                    return None
                parts.append({"v": str(inner["v"])} if "v" in inner else inner)
            else:
                return None
        return concat(parts)
    if isinstance(node, ast.BinOp):
        left, right = fold(node.left, lookup, d), fold(node.right, lookup, d)
        if left is None or right is None:
            return None
        if "v" in left and "v" in right:
            return literal(apply_binop(node.op, left["v"], right["v"])) if apply_binop(
                node.op, left["v"], right["v"]) is not UNKNOWN else None
        if isinstance(node.op, ast.Add) and _stringish(left) and _stringish(right):
            return concat([left, right])
        return None
    if isinstance(node, ast.UnaryOp):
        operand = fold(node.operand, lookup, d)
        if operand is None or "v" not in operand:
            return None
        value = operand["v"]
        try:
            if isinstance(node.op, ast.Not):
                return {"v": not value}
            if isinstance(node.op, ast.USub):
                return literal(-value)
            if isinstance(node.op, ast.UAdd):
                return literal(+value)
        except TypeError:
            return None
        return None
    if isinstance(node, ast.BoolOp):
        values = [fold(v, lookup, d) for v in node.values]
        if any(v is None or "v" not in v for v in values):
            return None
        result = values[0]["v"]
        for v in values[1:]:
            if (isinstance(node.op, ast.And) and not result) or (isinstance(node.op, ast.Or) and result):
                break
            result = v["v"]
        return literal(result)
    if isinstance(node, ast.Compare):
        left = fold(node.left, lookup, d)
        if left is None or "v" not in left:
            return None
        current = left["v"]
        for op, comparator in zip(node.ops, node.comparators):
            right = fold(comparator, lookup, d)
            fn = _CMPOPS.get(type(op))
            if right is None or "v" not in right or fn is None:
                return None
            try:
                ok = fn(current, right["v"])
            except TypeError:
                return None
            if not ok:
                return {"v": False}
            current = right["v"]
        return {"v": True}
    if isinstance(node, ast.IfExp):
        which = truth(node.test, lookup)
        if which is None:
            return None
        return fold(node.body if which else node.orelse, lookup, d)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        if len(node.elts) > MAX_ITEMS:
            return None
        items = [fold(e, lookup, d) for e in node.elts]
        if any(i is None or "v" not in i for i in items):
            return None
        values = [i["v"] for i in items]
        return {"v": sorted(values, key=repr) if isinstance(node, ast.Set) else values}
    if isinstance(node, ast.Dict):
        if len(node.keys) > MAX_ITEMS or any(k is None for k in node.keys):
            return None
        keys = [fold(k, lookup, d) for k in node.keys]
        values = [fold(v, lookup, d) for v in node.values]
        if any(k is None or "v" not in k or not isinstance(k["v"], str) for k in keys) or \
                any(v is None or "v" not in v for v in values):
            return None
        return {"v": {k["v"]: v["v"] for k, v in zip(keys, values)}}
    if isinstance(node, ast.Subscript):
        base, index = fold(node.value, lookup, d), fold(node.slice, lookup, d)
        if base is None or index is None or "v" not in index:
            return None
        if "v" not in base:
            return {"item": [base, index["v"]]}
        return literal(subscript(base["v"], index["v"]))
    if isinstance(node, ast.Call):
        return _fold_call(node, lookup, d)
    return None


def _fold_call(node: ast.Call, lookup: Lookup, depth: int) -> dict[str, Any] | None:
    func = node.func
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return None
    # "".join([...]) and "...".format(...) on constants
    if isinstance(func, ast.Attribute) and func.attr in ("join", "format", "lower", "upper", "strip") and \
            isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
        args = [fold(a, lookup, depth) for a in node.args]
        kwargs = {k.arg: fold(k.value, lookup, depth) for k in node.keywords}
        if any(a is None or "v" not in a for a in args) or any(v is None or "v" not in v for v in kwargs.values()):
            return None
        try:
            out = getattr(func.value.value, func.attr)(*[a["v"] for a in args],
                                                      **{k: v["v"] for k, v in kwargs.items()})
        except Exception:  # a wrong format string is not a constant
            return None
        return literal(out)
    name = dotted_text(func)
    if name is None:
        return None
    if name in _PURE_CALLS and len(node.args) == 1 and not node.keywords and lookup(name) is None:
        arg = fold(node.args[0], lookup, depth)
        if arg is None or "v" not in arg:
            return None
        try:
            return literal(_PURE_CALLS[name](arg["v"]))
        except (TypeError, ValueError):
            return None
    return {"call": name}


def subscript(container: Any, index: Any) -> Any:
    try:
        return container[index]
    except (KeyError, IndexError, TypeError):
        return UNKNOWN


def _stringish(enc: dict[str, Any]) -> bool:
    return "v" not in enc or isinstance(enc["v"], str)


def concat(parts: list[dict[str, Any]]) -> dict[str, Any]:
    flat: list[dict[str, Any]] = []
    for part in parts:
        flat.extend(part["cat"] if "cat" in part else [part])
    if all("v" in p and isinstance(p["v"], str) for p in flat):
        text = "".join(p["v"] for p in flat)
        return {"v": text} if len(text) <= MAX_TEXT else {"cat": flat}
    return {"cat": flat}
