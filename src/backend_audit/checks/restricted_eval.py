"""An eval/exec run in a namespace whose `__builtins__` the code replaced (BA-INP-005's level).

`eval(code, {"__builtins__": safe_builtins, ...})`, directly or through a dict the same function binds: the
author built a restricted namespace for the evaluated code (a formula or lambda language, usually after an
AST allowlist). It is not proof of safety (restricted builtins alone can be escaped through dunder
attributes), so it only lowers an untraced value's finding to a note that says so. Read for the few code
sinks of untraced origin only: the file is parsed again then, never on the common path.
"""

from __future__ import annotations

import ast

_EVALS = frozenset({"eval", "exec"})


def replaces_builtins(text: str, line: int) -> bool:
    """The eval/exec call on `line` of `text` passes globals that set `__builtins__`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
        start, end = getattr(scope, "lineno", 1), getattr(scope, "end_lineno", None) or line
        if not start <= line <= end:
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and node.lineno == line and _name(node.func) in _EVALS:
                namespace = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "globals"), None)
                if _sets_builtins(namespace, scope):
                    return True
    return False


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _sets_builtins(namespace: ast.expr | None, scope: ast.AST) -> bool:
    if isinstance(namespace, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value == "__builtins__" for k in namespace.keys)
    if isinstance(namespace, ast.Name):
        return any(isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict) and
                   any(isinstance(t, ast.Name) and t.id == namespace.id for t in n.targets) and
                   _sets_builtins(n.value, scope) for n in ast.walk(scope))
    return False
