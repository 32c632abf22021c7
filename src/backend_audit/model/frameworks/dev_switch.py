"""Is an `if` test a development or test switch? Routes and blueprints registered only under one
(`if app.debug:`, `if app.config["TESTING"]:`, `if os.environ.get("FLASK_ENV") == "development":`) exist on a
developer's machine or in the test suite, not in production, where those switches are off."""

from __future__ import annotations

import ast

_FLAGS = frozenset({"DEBUG", "TESTING", "DEVELOPMENT", "DEV_MODE", "debug", "testing", "development", "dev_mode"})
_DEV_VALUES = frozenset({"development", "dev", "test", "testing", "local"})


def _flag(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in _FLAGS
    if isinstance(node, ast.Attribute):
        return node.attr in _FLAGS
    if isinstance(node, ast.Subscript):  # app.config["DEBUG"]
        key = node.slice
        return isinstance(key, ast.Constant) and key.value in _FLAGS
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and node.args and isinstance(node.args[0], ast.Constant):  # app.config.get("TESTING")
        return node.args[0].value in _FLAGS
    return False


def _env_name(node: ast.AST) -> bool:
    """The value compared names an environment (`app.config["ENV"]`, `os.environ.get("FLASK_ENV")`, `app.env`)."""
    if isinstance(node, ast.Attribute):
        return "env" in node.attr.lower()
    if isinstance(node, ast.Name):
        return "env" in node.id.lower()
    key = node.slice if isinstance(node, ast.Subscript) else \
        node.args[0] if isinstance(node, ast.Call) and node.args else None
    return isinstance(key, ast.Constant) and isinstance(key.value, str) and "env" in key.value.lower()


def is_dev_switch(test: ast.AST) -> bool:
    """True only when the test holds in development or tests alone (a negation is not one)."""
    if isinstance(test, ast.BoolOp):  # `DEBUG and x`: one switch is enough; `DEBUG or TESTING`: each must be
        return (any if isinstance(test.op, ast.And) else all)(is_dev_switch(v) for v in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        if isinstance(test.ops[0], ast.Eq):
            for name, value in ((left, right), (right, left)):
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and \
                        value.value.lower() in _DEV_VALUES and _env_name(name):
                    return True
        if isinstance(test.ops[0], ast.Is) and isinstance(right, ast.Constant) and right.value is True:
            return _flag(left)
        return False
    return _flag(test)
