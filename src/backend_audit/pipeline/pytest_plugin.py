"""Test support shipped inside the package is test code wherever it lives.

Projects ship fixtures for their own (and their plugins') functional suites as an importable module
(`pkg/pytest_plugin.py`, registered by a `pytest11` entry point or named in `pytest_plugins`), and base test
cases that the suites of their backends or plugins inherit (`pkg/storage/testing.py`): the test paths do not
match them, yet their prints, requests without a timeout and probing excepts run only under a test runner.
What marks them is the module's own shape, read from its top level alone (no walk of function bodies): it
imports pytest and most of its top-level functions are fixtures or pytest hooks; or its top-level classes
derive a test framework's TestCase; or its name says test support (`testing.py`, `test_utils.py`) and it
imports a test framework.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

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


# the test frameworks whose import, in a module named for test support, says what the module is for
_TEST_FRAMEWORKS = frozenset({"pytest", "unittest", "webtest", "django.test", "rest_framework.test",
                              "flask_testing", "hypothesis"})
# module names that say test support: `testing.py`, `test_utils.py`, `testutils.py`, `test_helpers.py`,
# `testcases.py`, `test_base.py`, `test_support.py` (a `test_*.py` module is a test path already)
_SUPPORT_NAME = re.compile(r"^(?:testing|test_?(?:utils?|helpers?|cases?|base|support|mixins?|lib)|testcases?)$")
# the TestCase classes of the standard library and the web frameworks' test clients
_TEST_CASES = frozenset({"TestCase", "TransactionTestCase", "SimpleTestCase", "LiveServerTestCase",
                         "IsolatedAsyncioTestCase", "APITestCase", "APITransactionTestCase", "AioHTTPTestCase"})


def _imported_frameworks(tree: ast.Module) -> tuple[set[str], dict[str, str]]:
    """(test frameworks the module imports at its top level, local name -> the framework it came from)."""
    found: set[str] = set()
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                root = next((f for f in _TEST_FRAMEWORKS if a.name == f or a.name.startswith(f + ".")), None)
                if root:
                    found.add(root)
                    names[(a.asname or a.name).split(".")[0]] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            root = next((f for f in _TEST_FRAMEWORKS if node.module == f or node.module.startswith(f + ".")), None)
            if root:
                found.add(root)
                names.update({a.asname or a.name: root for a in node.names})
    return found, names


def _derives_test_case(base: ast.expr, names: dict[str, str]) -> bool:
    """`unittest.TestCase`, `TestCase` imported from django.test, `test.TestCase` off an imported module."""
    if isinstance(base, ast.Name):
        return base.id in _TEST_CASES and base.id in names
    return isinstance(base, ast.Attribute) and base.attr in _TEST_CASES and \
        isinstance(base.value, (ast.Name, ast.Attribute)) and \
        (base.value.id if isinstance(base.value, ast.Name) else "") in names


def is_test_support(tree: ast.Module | None, rel: str) -> bool:
    """A pytest plugin, a module of base test cases (a top-level class deriving a framework's TestCase), or
    a module named for test support that imports a test framework."""
    if tree is None:
        return False
    if is_pytest_plugin(tree):
        return True
    found, names = _imported_frameworks(tree)
    if not found:
        return False
    stem = PurePosixPath(rel).stem
    if _SUPPORT_NAME.match(stem) or (stem == "__init__" and _SUPPORT_NAME.match(PurePosixPath(rel).parent.name)):
        return True
    return any(isinstance(n, ast.ClassDef) and any(_derives_test_case(b, names) for b in n.bases) and
               _has_test_methods(n) for n in tree.body)


# what a test case defines; a class deriving TestCase to drive the product's own checks (a workflow tester with
# only `runTest`) is a runner, not a test
_TEST_HOOKS = frozenset({"setUp", "setUpClass", "setUpTestData", "tearDown", "tearDownClass", "asyncSetUp"})


def _has_test_methods(cls: ast.ClassDef) -> bool:
    return any(isinstance(n, FUNCTIONS) and (n.name.startswith("test") or n.name in _TEST_HOOKS) for n in cls.body)


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
