"""Recognises a project's own sanitiser by what its body does (BA-INP-001): a function that hands its
input back unchanged only where a check of that input passed, and something else everywhere else
(`get_next_path(unsafe)`: the URL itself when `_is_safe_next_url(unsafe)`, else "./" or a rebuilt path),
or one whose every return is the input converted to a number (`get_int_or_404(value)`: `int(value)` or a
raise). A request value handed straight to such a function is checked there.

Also a parser that type-checks what it is given before building from it (`Alert.parse(json)` opening with
`if not isinstance(json.get("tags", []), list): raise ValueError(...)`): the payload is checked there."""

from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_NUMBERS = frozenset({"int", "float", "Decimal"})


def sanitises_first_param(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    params = [*func.args.posonlyargs, *func.args.args]
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if not params:
        return False
    name = params[0].arg
    raw: list[bool] = []  # per `return <param>`: under a passed check of it
    other = [False]
    converted = [0, 0]  # returns of `int(<param>)`-style conversions, returns of anything else not constant
    _walk(func.body, name, False, raw, other, converted)
    if not raw and converted[0] and not converted[1]:
        # `get_int_or_404(value)`: every return is the input converted to a number (or a constant), and what
        # fails to convert raises: the caller gets a parsed scalar, never the text
        return not any(isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and _binds(n, name)
                       for n in _own_nodes(func))
    if not (raw and all(raw) and other[0]):
        return False  # the common case, told from the statements alone: no walk over every node
    # rebound: what is returned is no longer the input as given
    return not any(isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and _binds(n, name)
                   for n in _own_nodes(func))


def _walk(body: list[ast.stmt], name: str, guarded: bool, raw: list[bool], other: list[bool],
          converted: list[int]) -> None:
    for st in body:
        if isinstance(st, _SCOPES):
            continue
        if isinstance(st, ast.Return):
            if isinstance(st.value, ast.Name) and st.value.id == name:
                raw.append(guarded)
            elif st.value is not None:
                other[0] = True
                if _converts(st.value, name):
                    converted[0] += 1
                elif not isinstance(st.value, ast.Constant):
                    converted[1] += 1
            continue
        if isinstance(st, ast.If):
            _walk(st.body, name, guarded or _checks(st.test, name), raw, other, converted)
            _walk(st.orelse, name, guarded, raw, other, converted)
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(st, field, None)
            if isinstance(inner, list):
                _walk(inner, name, guarded, raw, other, converted)
        for handler in getattr(st, "handlers", None) or []:
            _walk(handler.body, name, guarded, raw, other, converted)


def _converts(value: ast.expr, name: str) -> bool:
    """`int(value)`, `float(str(value))`: a number parsed from the input (a failed parse raises)."""
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
        value.func.id in _NUMBERS and len(value.args) == 1 and \
        any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value.args[0]))


def _checks(test: ast.expr, name: str) -> bool:
    """The branch runs when a call given the input said yes: `if _is_safe_url(p):`, `if a(p) and b(p):`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return False
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    return any(isinstance(part, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in part.args)
               for part in parts)


def _binds(node: ast.stmt, name: str) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))


def _own_nodes(func: ast.AST):
    todo = list(ast.iter_child_nodes(func))
    while todo:
        node = todo.pop()
        if isinstance(node, _SCOPES):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def type_checked_params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[int]:
    """Positions (after `self`/`cls`) of the parameters whose values the function's own top-level statements
    type-check and refuse (`if not isinstance(p.get("k", []), list): raise ValueError(...)`) before anything
    else is done with them; read from the statements alone, no walk over every node."""
    params = [*func.args.posonlyargs, *func.args.args]
    offset = 1 if params and params[0].arg in ("self", "cls") else 0
    names = {p.arg: i - offset for i, p in enumerate(params) if i >= offset}
    checked: set[str] = set()
    for st in func.body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
            continue  # the docstring
        if not (isinstance(st, ast.If) and st.body and isinstance(st.body[-1], ast.Raise) and not st.orelse):
            break  # the checks open the function: what follows them sees only what passed
        for n in ast.walk(st.test):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "isinstance" and n.args:
                checked.update(m.id for m in ast.walk(n.args[0]) if isinstance(m, ast.Name) and m.id in names)
    return sorted(names[n] for n in checked)
