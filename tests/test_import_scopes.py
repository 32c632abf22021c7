"""Imports made inside a function resolve for every check (FileContext.imported / qualname), with Python's
scoping: the innermost binding wins and a local binding hides an outer import."""

import ast

from backend_audit.checks.base import FileContext
from backend_audit.engines import ast_walk

CODE = '''
import json

def load(blob):
    import yaml
    from pickle import loads as unpickle
    return yaml.load(blob), unpickle(blob), json.loads(blob)

def shadowed(yaml, json):
    return yaml.load(json)

def outer():
    import yaml
    def inner(yaml):
        return yaml.load("x")
    def other():
        return yaml.load("y")
    return inner, other

def later():
    return yaml.load("z")
'''


class _Recorder:
    """Records what every call's function resolves to, as the walk sees it."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.seen: list[tuple[int, str | None]] = []
        ctx.facts["calls"] = self.seen

    def visit_Call(self, node: ast.Call) -> None:
        self.seen.append((node.lineno, self.ctx.qualname(node.func)))


def _resolved() -> dict[int, list[str | None]]:
    ctx = FileContext(path="m.py", is_test=False, rules={}, options={}, text=CODE)
    ast_walk.run_checks(ast.parse(CODE), ctx, [], [_Recorder])
    out: dict[int, list[str | None]] = {}
    for line, qn in ctx.facts["calls"]:
        out.setdefault(line, []).append(qn)
    return out


def test_function_level_imports_resolve():
    calls = _resolved()
    assert calls[7] == ["yaml.load", "pickle.loads", "json.loads"]


def test_parameters_hide_imports():
    assert _resolved()[10] == [None]


def test_nested_scopes_follow_python():
    calls = _resolved()
    assert calls[15] == [None]  # inner's parameter `yaml` hides outer's import
    assert calls[17] == ["yaml.load"]  # other() closes over outer's import


def test_function_imports_do_not_leak_to_the_module():
    assert _resolved()[21] == [None]


def test_context_helpers_stay_balanced():
    ctx = FileContext(path="m.py", is_test=False, rules={}, options={}, text=CODE)
    ast_walk.run_checks(ast.parse(CODE), ctx, [], [])
    assert ctx.local_scopes == [] and ctx.imports_in_scope == []
