"""Newer syntax with an older spelling is read on an older host instead of skipping the file."""

import ast

from backend_audit.config import Settings
from backend_audit.pipeline import downlevel
from backend_audit.pipeline.runner import scan

PEP758 = ("import subprocess\n\n\ndef run(cmd):\n    try:\n        return subprocess.call(cmd, shell=True)\n"
          "    except ValueError, TypeError:\n        return None\n")


def _handler_types(text: str) -> list[str]:
    tree = ast.parse(downlevel.rewrite(text).text)
    return [ast.unparse(h.type) for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler)]


def test_pep758_lists_become_the_tuple_they_mean():
    text = ("try:\n    x()\nexcept ValueError, TypeError:\n    pass\nexcept (C, D) as e:\n    pass\n"
            "except mod.E,F: pass\n")
    assert _handler_types(text) == ["(ValueError, TypeError)", "(C, D)", "(mod.E, F)"]
    rewritten = downlevel.rewrite(text)
    assert rewritten.what == ("PEP 758 except without parentheses",)
    # the space after `except` became the parenthesis: the names keep their columns
    assert rewritten.text.splitlines()[2].index("ValueError") == text.splitlines()[2].index("ValueError")


def test_except_star_list():
    assert _handler_types("try:\n    x()\nexcept* A, B:\n    pass\n") == ["(A, B)"]


def test_pep695_alias_and_generics_keep_lines_and_names():
    text = ("type UserId = int\ntype Pair[T] = tuple[T, T]\n\n\ndef first[T: int, *Ts](x: T) -> T:\n"
            "    return x\n\n\nclass Box[\n    T,\n](Base):\n    type = 3\n\n    def kind(self):\n"
            "        return type(self)\n")
    rewritten = downlevel.rewrite(text)
    assert rewritten.what == ("PEP 695 generics", "PEP 695 type alias")
    tree = ast.parse(rewritten.text)
    assert rewritten.text.count("\n") == text.count("\n")
    names = {n.name: n.lineno for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert names == {"first": 5, "Box": 9, "kind": 14}
    assigned = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets]
    assert assigned == ["UserId", "Pair"]
    assert [a.arg for a in tree.body[2].args.args] == ["x"]
    # a name called `type` is not the soft keyword
    assert "type = 3" in rewritten.text and "return type(self)" in rewritten.text


def test_nothing_to_rewrite_or_untokenizable():
    assert downlevel.rewrite("x = 1\n") is None
    assert downlevel.rewrite("f(\n") is None
    assert downlevel.rewrite("type(x)\n") is None
    # Python 2's `except E, e:` binds a name: not a PEP 758 list, left for the Python 2 diagnosis
    assert downlevel.rewrite("try:\n    pass\nexcept ValueError, e:\n    pass\n") is None


def test_a_pep758_module_is_analysed_not_skipped(tmp_path):
    (tmp_path / "deps.py").write_text(PEP758)
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    assert not result.skipped
    assert any(f.path == "deps.py" and f.line == 6 for f in result.findings)
