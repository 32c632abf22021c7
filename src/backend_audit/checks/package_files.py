"""Whether a load reads a document shipped inside the project's own package (an OpenAPI spec, a defaults
file) rather than bytes from outside: BA-INP-004 lowers an unsafe YAML load of such a file to a note that
names the file's origin.

Read only for the few loads the rule flags: the enclosing function's nodes and the module's top-level
assignments, and the module's calls of that function when the path is one of its parameters.
"""

from __future__ import annotations

import ast

from .base import FileContext, dotted
from .pickle_origin import _bindings, _enclosing_function, _params

# what a path is built from when it points into the installed package or the app's own tree
_PACKAGE_ROOTS = frozenset({"__file__", "root_path"})
_RESOURCE_CALLS = frozenset({"resource_filename", "resource_stream", "resource_string", "files", "read_text",
                             "open_text", "open_binary"})
_READS = frozenset({"read", "read_text", "read_bytes"})
_DEPTH = 6


def package_file(ctx: FileContext, call: ast.Call) -> str | None:
    """`yaml.load(open(os.path.join(os.path.dirname(__file__), "spec.yaml")).read(), Loader)`, also through
    locals, `with open(...) as fh`, module-level names and the module's own calls of the function whose
    parameter is the path -> what the path is built from; None when that is not shown."""
    if not call.args or ctx.tree is None:
        return None
    _, fn = _enclosing_function(ctx.tree, call.lineno)
    module = _bindings([s for s in ctx.tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                       ast.ClassDef))])
    local = _with_bindings(ctx.own_nodes(fn)) if fn is not None else {}
    path = _opened(call.args[0], local, module)
    if path is None:
        return None
    root = _package_path(path, local, module, 0)
    if root:
        return root
    if fn is not None and isinstance(path, ast.Name) and path.id in _params(fn) and path.id not in local:
        return _from_callers(ctx.tree, fn, path.id, module)
    return None


def _with_bindings(nodes: list[ast.AST]) -> dict[str, list[ast.AST]]:
    out = _bindings(nodes)
    for n in nodes:
        if isinstance(n, ast.withitem) and isinstance(n.optional_vars, ast.Name):
            out.setdefault(n.optional_vars.id, []).append(n.context_expr)
    return out


def _one(name: str, *scopes: dict[str, list[ast.AST]]) -> ast.AST | None:
    for scope in scopes:
        bound = scope.get(name)
        if bound:
            return bound[0] if len(bound) == 1 else None
    return None


def _opened(doc: ast.AST, local: dict, module: dict) -> ast.AST | None:
    """The path expression of the file the document is read from: `fh.read()`, `fh` bound by
    `with open(path) as fh`, `open(path)`, `Path(path).read_text()`."""
    for _ in range(_DEPTH):
        if isinstance(doc, ast.Call) and isinstance(doc.func, ast.Attribute) and doc.func.attr in _READS:
            doc = doc.func.value
        elif isinstance(doc, ast.Name):
            doc = _one(doc.id, local, module)
        elif isinstance(doc, ast.Call) and (dotted(doc.func) or "").rpartition(".")[2] in ("open", "Path") and \
                doc.args:
            return doc.args[0]
        elif isinstance(doc, ast.Call) and isinstance(doc.func, ast.Attribute) and doc.func.attr == "open":
            return doc.func.value  # `path.open()`
        else:
            return None
    return None


def _package_path(path: ast.AST | None, local: dict, module: dict, depth: int) -> str | None:
    """What makes `path` a place inside the project: `__file__`, the app's `root_path`, a package resource."""
    if path is None or depth > _DEPTH:
        return None
    for n in ast.walk(path):
        if isinstance(n, ast.Name) and n.id in _PACKAGE_ROOTS or \
                isinstance(n, ast.Attribute) and n.attr in _PACKAGE_ROOTS:
            return f"a path built from {n.id if isinstance(n, ast.Name) else dotted(n) or n.attr}"
        if isinstance(n, ast.Call) and (dotted(n.func) or "").rpartition(".")[2] in _RESOURCE_CALLS:
            return f"a package resource ({dotted(n.func)})"
    names = [n for n in ast.walk(path) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    for n in names:
        bound = _one(n.id, local, module)
        if bound is not None and bound is not path:
            found = _package_path(bound, local, module, depth + 1)
            if found:
                return found
    return None


def _from_callers(tree: ast.Module, fn: ast.AST, param: str, module: dict) -> str | None:
    """Every call of `fn` in the module passes, for `param`, a path inside the package."""
    names = [p.arg for p in (*fn.args.posonlyargs, *fn.args.args)]
    index = names.index(param) if param in names else -1
    found = None
    for n in ast.walk(tree):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name):
            continue
        given = next((kw.value for kw in n.keywords if kw.arg == param), None)
        if given is None and 0 <= index < len(n.args):
            given = n.args[index]
        root = _package_path(given, {}, module, 0)
        if not root:
            return None
        found = found or root
    return found
