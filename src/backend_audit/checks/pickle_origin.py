"""Where the bytes an unpickling call loads come from, when the file shows they are not a request's: BA-INP-004
lowers those loads to notes that say what was not traced.

Read only for the few loads bandit flags: the enclosing function is found by descending into the one def that
holds the line, and only that function's nodes are read.
"""

from __future__ import annotations

import ast

from .base import FileContext, dotted

# loads of bytes already in memory: the value is handed over, so where it was read is the caller's business
_BYTES_LOADS = frozenset({"pickle.loads", "_pickle.loads", "cPickle.loads", "marshal.loads", "dill.loads",
                          "cloudpickle.loads"})
# a call chain through one of these reads rows of a database: SQLAlchemy `session.query(...)`/`execute`/
# `scalars`, a Django manager's `objects`
_QUERY_STEPS = frozenset({"query", "objects", "execute", "scalars"})
_DUMPS = frozenset({"pickle.dumps", "_pickle.dumps", "cPickle.dumps", "dill.dumps", "cloudpickle.dumps"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def stored_origin(ctx: FileContext, line: int, col: int) -> str | None:
    """Why the load at (line, col) reads bytes the server holds rather than a request's, or None: a column of
    rows its own database query returned, or a parameter of the function (the caller's bytes: request data
    passed in is traced to the load by BA-INP-013)."""
    cls, fn = _enclosing_function(ctx.tree, line)
    if fn is None:
        return None
    nodes = list(ast.walk(fn))
    call = next((n for n in nodes if isinstance(n, ast.Call) and n.lineno == line and n.col_offset == col), None)
    if call is None or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Call) and _called(ctx, arg) in _DUMPS:
        return "the bytes are made by pickle.dumps in the same expression: a deep copy of an object in memory"
    bindings = _bindings(nodes)
    if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and \
            _database_row(arg.value.id, bindings):
        return f"`{arg.value.id}.{arg.attr}` is a column of rows the app's own database query returned"
    if isinstance(arg, ast.Name) and (ctx.qualname(call.func) or "") in _BYTES_LOADS and \
            arg.id in _params(fn) and arg.id not in bindings:
        return f"the bytes are the parameter `{arg.id}`, handed in by the caller"
    if cls is not None and _own_item(arg, bindings) and _getitem_pickles(ctx, cls):
        return f"the bytes are items of this {cls.name}, which its own __getitem__ makes with pickle.dumps"
    field = _own_field(ctx, arg, bindings)
    if cls is not None and field is not None and _field_pickled(ctx, cls, field):
        return (f"the bytes are this {cls.name}'s own field, which its own method writes with pickle.dumps; "
                "whether anything else writes that field was not traced")
    return None


# unwrapping calls between a stored field and the load (`pickle.loads(base64.b64decode(self.blob))`)
_DECODERS = frozenset({"base64.b64decode", "base64.urlsafe_b64decode", "base64.decodebytes", "bytes",
                       "zlib.decompress", "codecs.decode"})


def _own_field(ctx: FileContext, arg: ast.AST, bindings: dict, depth: int = 0) -> str | None:
    """The object's own field the bytes are read from, as a key: `self.blob` -> "blob", `getattr(self,
    self._FIELD)` -> the dump of `self._FIELD`; through decoding calls and locals bound once. Else None."""
    while True:
        if isinstance(arg, ast.Call) and len(arg.args) == 1 and (ctx.qualname(arg.func) or "") in _DECODERS:
            arg = arg.args[0]
        elif isinstance(arg, ast.Starred):  # one item of an unpacked tuple: `expires, value = self._cache[k]`
            arg = arg.value
        elif isinstance(arg, ast.Subscript) or isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) \
                and arg.func.attr in ("get", "pop") and _field_key(arg.func.value) is not None:
            arg = arg.value if isinstance(arg, ast.Subscript) else arg.func.value  # an entry of an own mapping
        else:
            break
    if isinstance(arg, ast.Name) and depth < 3:
        bound = bindings.get(arg.id) or []
        return _own_field(ctx, bound[0], bindings, depth + 1) if len(bound) == 1 else None
    return _field_key(arg)


def _field_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr") \
            and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
        key = node.args[1]
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ast.dump(key)
    return None


def _field_pickled(ctx: FileContext, cls: ast.ClassDef, field: str) -> bool:
    """A method of the class writes the field (`self.blob = ...`, `setattr(self, self._FIELD, ...)`) and makes
    what it writes with pickle.dumps: the bytes the load reads back are what this class serialised."""
    for method in (n for n in cls.body if isinstance(n, _FUNCS)):
        nodes = list(ast.walk(method))
        writes = any(isinstance(n, ast.Assign) and any(_field_key(t.value if isinstance(t, ast.Subscript) else t)
                                                       == field for t in n.targets) or
                     isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "setattr" and
                     _field_key(n) == field for n in nodes)
        if writes and any(isinstance(n, ast.Call) and _called(ctx, n) in _DUMPS for n in nodes):
            return True
    return False


def _called(ctx: FileContext, call: ast.Call) -> str:
    """The callee's qualified name; as written when an import inside another function binds it (`import pickle`
    in the method that dumps), which the file's import table does not hold once the walk has left it."""
    return ctx.qualname(call.func) or dotted(call.func) or ""


def _own_item(arg: ast.AST, bindings: dict) -> bool:
    """`self[k]`, or an item of a local collection built only from `self[...]` items (`records[k]` with
    `records = {k: self[k] for k in ids}`)."""
    if not isinstance(arg, ast.Subscript):
        return False
    base = arg.value
    if isinstance(base, ast.Name) and base.id == "self":
        return True
    if not isinstance(base, ast.Name):
        return False
    bound = bindings.get(base.id) or []
    items = [b.value if isinstance(b, ast.DictComp) else b.elt for b in bound if isinstance(b, (ast.DictComp, ast.ListComp))]
    return bool(bound) and len(items) == len(bound) and all(
        isinstance(i, ast.Subscript) and isinstance(i.value, ast.Name) and i.value.id == "self" for i in items)


def _getitem_pickles(ctx: FileContext, cls: ast.ClassDef) -> bool:
    """The class's own `__getitem__` returns only what `pickle.dumps` made (directly or through a local): what
    a load gives back is the object graph this process serialised, not bytes from outside."""
    getitem = next((n for n in cls.body if isinstance(n, _FUNCS) and n.name == "__getitem__"), None)
    if getitem is None:
        return False
    nodes = list(ast.walk(getitem))
    bindings = _bindings(nodes)
    returns = [n.value for n in nodes if isinstance(n, ast.Return)]

    def dumped(v: ast.AST | None) -> bool:
        if isinstance(v, ast.Name):
            bound = bindings.get(v.id) or []
            return bool(bound) and all(dumped(b) for b in bound if not isinstance(b, ast.Name))
        return isinstance(v, ast.Call) and (ctx.qualname(v.func) or "") in _DUMPS
    return bool(returns) and all(dumped(v) for v in returns)


def _enclosing_function(tree: ast.AST | None, line: int) -> tuple[ast.ClassDef | None, ast.AST | None]:
    """The innermost def holding the line, and the class that def is a method of (or None)."""
    cls = found = outer = None
    body = list(getattr(tree, "body", ()))
    while body:
        inner = next((n for n in body if isinstance(n, (*_FUNCS, ast.ClassDef)) and
                      n.lineno <= line <= (n.end_lineno or n.lineno)), None)
        if inner is None:
            break
        if isinstance(inner, _FUNCS):
            cls, found, outer = outer, inner, None
        else:
            outer = inner
        body = inner.body
    return cls, found


def _bindings(nodes: list[ast.AST]) -> dict[str, list[ast.AST]]:
    """Each local name -> what it was bound from (assignments and for-loop targets)."""
    out: dict[str, list[ast.AST]] = {}
    for n in nodes:
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(n.value)
                elif isinstance(t, ast.Tuple):
                    for e in t.elts:
                        if isinstance(e, ast.Name):
                            out.setdefault(e.id, []).append(ast.Starred(value=n.value))  # an item of the value
        elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(n.target, ast.Name):
            out.setdefault(n.target.id, []).append(ast.Starred(value=n.iter))  # an item of the iterable
        elif isinstance(n, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and isinstance(n.target, ast.Name):
            out.setdefault(n.target.id, []).append(n.value)
    return out


def _database_row(name: str, bindings: dict, depth: int = 0) -> bool:
    """`name` is only ever a row (or an item of rows) of a database query: `for row in
    session.query(Change).filter(...).all()`, or through a local holding that query."""
    bound = bindings.get(name)
    if not bound or depth > 3:
        return False
    for b in bound:
        if isinstance(b, ast.Starred):
            b = b.value
        if isinstance(b, ast.Name):
            if not _database_row(b.id, bindings, depth + 1):
                return False
        elif not _query_chain(b):
            return False
    return True


def _query_chain(node: ast.AST) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute, ast.Await)):
        if isinstance(node, ast.Attribute) and node.attr in _QUERY_STEPS:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _params(fn: ast.AST) -> set[str]:
    a = fn.args
    return {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
