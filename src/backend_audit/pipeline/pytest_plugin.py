"""A pytest plugin shipped inside the package is test code wherever it lives.

Projects ship fixtures for their own (and their plugins') functional suites as an importable module
(`pkg/pytest_plugin.py`, registered by a `pytest11` entry point or named in `pytest_plugins`): the test
paths do not match it, yet its prints, requests without a timeout and probing excepts run only under pytest.
What marks it is the module's own shape, read from its top level alone (no walk of function bodies): it
imports pytest and most of its top-level functions are fixtures or pytest hooks.
"""

from __future__ import annotations

import ast

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# a plugin of a handful of fixtures is still one; fewer than this and one fixture in an app module is not
MIN_PYTEST_DEFS = 3


def _fixture_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound to the pytest module, names bound to pytest.fixture) by the module's top-level imports."""
    modules, fixtures = set(), set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "pytest"}
        elif isinstance(node, ast.ImportFrom) and node.module in ("pytest", "_pytest.fixtures") and not node.level:
            fixtures |= {a.asname or a.name for a in node.names if a.name == "fixture"}
    return modules, fixtures


def _is_fixture(decorator: ast.expr, modules: set[str], fixtures: set[str]) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name):
        return target.id in fixtures
    return isinstance(target, ast.Attribute) and target.attr == "fixture" and \
        isinstance(target.value, ast.Name) and target.value.id in modules


def is_pytest_plugin(tree: ast.Module | None) -> bool:
    """Most top-level functions are pytest fixtures or `pytest_*` hooks (and there are a few of them)."""
    if tree is None:
        return False
    modules, fixtures = _fixture_names(tree)
    if not modules and not fixtures:
        return False
    defs = [n for n in tree.body if isinstance(n, FUNCTIONS)]
    pytest_defs = sum(1 for n in defs if n.name.startswith("pytest_") or
                      any(_is_fixture(d, modules, fixtures) for d in n.decorator_list))
    return pytest_defs >= MIN_PYTEST_DEFS and 2 * pytest_defs > len(defs)
