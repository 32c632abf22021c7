"""The engines' shortcuts must never change a result: bandit's text triggers, the one-pass raw metrics."""


import pytest
from radon.raw import analyze

from backend_audit.catalog import load_rules
from backend_audit.engines import bandit as bandit_engine
from backend_audit.engines.radon import raw_metrics


def _mapped_tests() -> set[str]:
    return {t for r in load_rules() for t in r.bandit_tests}


def test_every_mapped_bandit_test_has_a_trigger():
    assert _mapped_tests() <= set(bandit_engine.TRIGGERS)


def test_blacklist_triggers_cover_every_name_bandit_resolves():
    """bandit resolves a call through the imports, so its module or its own name is written in the file:
    a trigger must be part of one of them for every qualified name the test lists."""
    from bandit.core import extension_loader

    for node_tests in extension_loader.MANAGER.blacklist.values():
        for test in node_tests:
            if test["id"] not in bandit_engine.TRIGGERS:
                continue
            for qualname in test["qualnames"]:
                head, tail = qualname.split(".")[0], qualname.split(".")[-1]
                (trigger,) = bandit_engine.TRIGGERS[test["id"]]
                assert bandit_engine._holds(trigger, head) or bandit_engine._holds(trigger, tail), qualname


def test_shell_triggers_cover_bandit_shell_functions():
    from bandit.plugins import injection_shell

    for qualname in injection_shell.gen_config("shell_injection")["shell"]:
        name = qualname.split(".")[-1]
        assert bandit_engine._holds(bandit_engine.TRIGGERS["B605"][0], name), qualname
        assert bandit_engine._holds(bandit_engine.TRIGGERS["B609"][0], name), qualname


def test_a_file_without_any_trigger_skips_bandit():
    tests = sorted(_mapped_tests())
    assert not bandit_engine.may_fire(tests, "def add(a, b):\n    return a + b\n")
    assert bandit_engine.may_fire(tests, "import pickle as p\nx = p.loads(b)\n")
    assert bandit_engine.may_fire(tests, "from dill import loads\n")
    assert not bandit_engine.may_fire(tests, "IATA = [('BAG', 'BAG (Loakan, Cordillera, PH)')]\n")
    assert not bandit_engine.may_fire(tests, "logger.debug('start the filesystem shell')\n")
    assert bandit_engine.may_fire(tests, "app.run(debug = True)\n")
    assert bandit_engine.may_fire(["B999"], "x = 1\n")  # an unknown test always runs


RAW_CASES = {
    "statements": "import os\n\nx = 1; y = 2\nif x: y = 3\nfor i in range(3):\n    pass\n",
    "colons": "d = {1: 2}; e = d[1:]\nlam = lambda a: a\nclass A: pass\nif a:  # c\n    b = 1\n",
    "comments": "# one\n#two\nx = 1  # inline\n\n\n    # indented\n",
    "docstrings": '"""Module.\n\nMore.\n"""\n\ndef f():\n    """One line."""\n    s = """not\n    a doc"""\n    return s\n',
    "brackets": "x = (\n    1,  # c\n\n    2,\n)\ny = [a\n     for a in b]\n",
    "continuation": "x = 1 + \\\n    2\nif (a and\n        b):\n    pass\n",
    "no trailing newline": "x = 1\ny = 2",
    "blank tail": "x = 1\n\n\n",
    "strings": "x = 'a' 'b'\ny = f\"{x}\"\nz = b'''\n'''\n'doc'\n",
    "empty": "",
    "crlf": "x = 1\r\n# c\r\ndef f():\r\n    return 2\r\n",
    "form feed": "x = 1\n\x0c\ndef f():\n    pass\n",
    "decorators": "@dec\n# between\n@other(a=1)\nasync def f(): await g()\n",
}


@pytest.mark.parametrize("name", sorted(RAW_CASES))
def test_raw_metrics_equal_radons(name):
    text = RAW_CASES[name]
    assert raw_metrics(text) == analyze(text)


def test_raw_metrics_equal_radons_on_this_package():
    from pathlib import Path

    import backend_audit

    files = sorted(Path(backend_audit.__file__).parent.rglob("*.py"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert raw_metrics(text) == analyze(text), path


def _real_files(limit: int) -> list:
    """This package and a spread of the standard library: real code of every shape."""
    import sysconfig
    from pathlib import Path

    import backend_audit

    ours = sorted(Path(backend_audit.__file__).parent.rglob("*.py"))
    stdlib = sorted(p for p in Path(sysconfig.get_paths()["stdlib"]).rglob("*.py") if "site-packages" not in p.parts)
    return ours + stdlib[::max(1, len(stdlib) // limit)]


@pytest.mark.parametrize("limit", [60, pytest.param(5000, marks=pytest.mark.slow)])
def test_halstead_counted_in_the_walk_equals_radons(limit):
    """The maintainability index's Halstead volume comes from our one walk: radon's figure exactly."""
    import ast

    from radon.metrics import h_visit_ast

    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk
    from backend_audit.engines.radon import HalsteadCounter

    compared = 0
    for path in _real_files(limit):
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        ctx = FileContext(path=path.name, is_test=False, rules={}, options={}, text=text)
        ast_walk.run_checks(tree, ctx, [], [HalsteadCounter], max_depth=10_000)
        assert ctx.facts["_halstead_volume"] == h_visit_ast(tree).total.volume, path
        compared += 1
    assert compared > 100


def test_halstead_quirks_match_radon():
    import ast

    from radon.metrics import h_visit_ast

    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk
    from backend_audit.engines.radon import HalsteadCounter

    code = ("@deco(1 + 2)\ndef f(a=-1, *, b: int = 2 * 3) -> a | b:\n    x = a + 1\n    def g(c=4 - 4):\n"
            "        return c < 1 <= a and not b\n    x += 1 if a else -a\n    return x, lambda y=1 + 1: y * 2\n"
            "class C:\n    z = 1 + True\n    async def h(self):\n        return self.z == 1.0\n"
            "print(1 + 1, 'a' % 'b')\n")
    tree = ast.parse(code)
    ctx = FileContext(path="q.py", is_test=False, rules={}, options={}, text=code)
    ast_walk.run_checks(tree, ctx, [], [HalsteadCounter])
    assert ctx.facts["_halstead_volume"] == h_visit_ast(tree).total.volume > 0


def _radon_scan(tmp_path, code: str, rule: str):
    from backend_audit.config import Settings
    from backend_audit.pipeline.runner import scan

    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "mod.py").write_text(code, encoding="utf-8")
    return scan([tmp_path], Settings(select=(rule,), jobs=1, extra={"no_cache": True}), use_git=False).findings


def test_a_complex_method_is_reported_once(tmp_path):
    branches = "\n".join(f"        if x == {i}:\n            return {i}" for i in range(12))
    code = f"class Router:\n    def route(self, x):\n{branches}\n        return -1\n"
    found = _radon_scan(tmp_path, code, "BA-QUAL-001")
    assert [(f.line, f.symbol) for f in found] == [(2, "Router.route")]


def test_rank_a_maintainability_is_never_low(tmp_path, monkeypatch):
    import radon.metrics

    code = "".join(f"def f{i}(a, b):\n    return a * {i} + b\n\n" for i in range(30))
    monkeypatch.setattr(radon.metrics, "mi_compute", lambda *a: 19.5)  # rank A, below the default 20
    assert _radon_scan(tmp_path, code, "BA-QUAL-002") == []
    monkeypatch.setattr(radon.metrics, "mi_compute", lambda *a: 15.0)  # rank B
    assert [(f.level, f.properties["rank"]) for f in _radon_scan(tmp_path, code, "BA-QUAL-002")] == [("note", "B")]


def test_a_module_without_operators_needs_no_line_counts(tmp_path, monkeypatch):
    """radon gives a data module (no operators, Halstead volume 0) an index of 100: no tokenizer pass."""
    from backend_audit.config import Settings
    from backend_audit.engines import radon as radon_engine
    from backend_audit.pipeline.runner import scan

    counted: list[int] = []
    real = radon_engine.raw_metrics
    monkeypatch.setattr(radon_engine, "raw_metrics", lambda text: counted.append(1) or real(text))
    (tmp_path / "codes.py").write_text("CODES = [\n" + "".join(f"    ('A{i}', 'x'),\n" for i in range(500)) + "]\n")
    (tmp_path / "logic.py").write_text("".join(f"def f{i}(a, b):\n    return a + b * {i}\n" for i in range(30)))
    result = scan([tmp_path], Settings(jobs=1, select=("BA-QUAL-002",), extra={"no_cache": True}), use_git=False)
    assert result.findings == [] and counted == [1]  # logic.py only


def _cc_view(cc, ours: bool):
    blocks = [(("class" if b.kind == "class" else "function") if ours else
               ("class" if hasattr(b, "methods") else "function"),
               b.fullname, b.lineno, b.col_offset, b.real_complexity if hasattr(b, "methods") else b.complexity)
              for b in cc.blocks]
    return blocks, cc.total_complexity


def _walk_complexity(text: str):
    import ast

    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk
    from backend_audit.engines.radon import ComplexityCounter

    tree = ast.parse(text)
    ctx = FileContext(path="m.py", is_test=False, rules={}, options={}, text=text)
    ast_walk.run_checks(tree, ctx, [], [ComplexityCounter], max_depth=10_000)
    return tree, ctx.facts["_complexity"]


@pytest.mark.parametrize("limit", [60, pytest.param(5000, marks=pytest.mark.slow)])
def test_complexity_counted_in_the_walk_equals_radons(limit):
    """Every block (kind, name, line, column, complexity, in radon's order) and the module total."""
    from radon.visitors import ComplexityVisitor

    compared = 0
    for path in _real_files(limit):
        try:
            tree, ours = _walk_complexity(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        assert _cc_view(ours, True) == _cc_view(ComplexityVisitor.from_ast(tree), False), path
        compared += 1
    assert compared > 100


def test_complexity_quirks_match_radon():
    from radon.visitors import ComplexityVisitor

    code = '''
@deco(a if b else c)
def f(x=1 if y else 2, *, z: int = (lambda q=(1 if p else 0): q)()) -> (A if B else C):
    assert x and y or z
    def closure():
        if x:
            return [i for i in x if i if not i]
    class Local:
        def m(self):
            while x:
                pass
    try:
        pass
    except E:
        pass
    else:
        pass
    try:
        pass
    except* F:
        pass
    match x:
        case 1: pass
        case y: pass
    return (lambda v=(1 if x else 2): v)()

class K(Base if cond else Other, metaclass=M if c else N):
    z = 1 if a else 2
    if flag:
        def g(self):
            for i in x:
                pass
            else:
                pass
    class Inner:
        def h(self):
            return a and b
    async def s(self):
        async for i in x:
            pass

if top:
    def late():
        return 1 if a else 2
x = a and b and c
'''
    tree, ours = _walk_complexity(code)
    radon = ComplexityVisitor.from_ast(tree)
    assert _cc_view(ours, True) == _cc_view(radon, False)
    assert not hasattr(ours.blocks[0], "methods")  # a function block, as radon's Function has none
