"""checks.base.iter_nodes walks exactly what a walk over ast.iter_child_nodes walks, in the same order."""

import ast
from pathlib import Path

import pytest

from backend_audit.checks.base import SCOPES, iter_nodes

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backend_audit"


def _reference(root, skip):
    stack = [n for n in root if not isinstance(n, skip)] if isinstance(root, list) else [root]
    stack.reverse()
    while stack:
        node = stack.pop()
        yield node
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, skip)]
        children.reverse()
        stack.extend(children)


@pytest.mark.parametrize("skip", [SCOPES, (), (ast.Lambda,)])
def test_same_nodes_in_the_same_order_on_this_package(skip):
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        roots = [tree, tree.body] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Call))][:50]
        for root in roots:
            assert [id(n) for n in iter_nodes(root, skip)] == [id(n) for n in _reference(root, skip)], path


def test_a_node_missing_a_field_is_walked_as_ast_walks_it():
    call = ast.Call(func=ast.Name(id="f", ctx=ast.Load()), args=[ast.Constant(1)])  # no `keywords`
    assert [type(n) for n in iter_nodes(call, ())] == [type(n) for n in _reference(call, ())]


def test_all_nodes_are_the_nodes_ast_walk_gives_but_the_singletons():
    import ast
    from pathlib import Path

    import backend_audit
    from backend_audit.checks.base import FileContext

    singletons = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
    for path in sorted(Path(backend_audit.__file__).parent.rglob("*.py"))[:60]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ctx = FileContext(path=path.name, is_test=False, rules={}, options={}, tree=tree)
        listed = ctx.all_nodes()
        assert listed is ctx.all_nodes()  # made once per file
        assert sorted(map(id, listed)) == sorted(id(n) for n in ast.walk(tree) if not isinstance(n, singletons))
