"""BA-QUAL-002 skips radon's tokenizer pass when a floor under the maintainability index already clears the
limit (checks/quality.py `_mi_at_least`): the floor must never be above the index radon computes."""

import ast
from pathlib import Path

from radon.metrics import h_visit_ast, mi_compute
from radon.visitors import ComplexityVisitor

from backend_audit.checks.quality import _mi_at_least
from backend_audit.engines.radon import raw_metrics
from backend_audit.pipeline.source import split_lines

SRC = Path(__file__).resolve().parents[1] / "src" / "backend_audit"


def _both(text: str) -> tuple[float, float]:
    tree = ast.parse(text)
    volume = h_visit_ast(tree).total.volume
    complexity = ComplexityVisitor.from_ast(tree).total_complexity
    raw = raw_metrics(text)
    comments = (raw.comments + raw.multi) / float(raw.sloc) * 100 if raw.sloc else 0
    return _mi_at_least(text, split_lines(text), tree, volume, complexity), mi_compute(volume, complexity, raw.lloc,
                                                                                       comments)


def test_the_floor_is_never_above_radons_index_on_real_modules():
    checked = 0
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) < 20:
            continue
        floor, mi = _both(text)
        assert floor <= mi + 1e-9, (path, floor, mi)
        checked += 1
    assert checked > 50


def test_the_floor_holds_where_lines_pack_colons_semicolons_and_comments():
    dense = "".join(f"x{i} = {{1: 2}}; y{i} = [a for a in range(3) if a]\nif x{i}: y{i} = 1\n" for i in range(40))
    commented = "".join(f"# note {i}\n# more {i}\n# and more {i}\n\"\"\"doc\n{i}\n\"\"\"\nv{i} = {i} + 1\n"
                        for i in range(30))
    for text in (dense, commented):
        floor, mi = _both(text)
        assert floor <= mi + 1e-9, (floor, mi)


def test_a_small_plain_module_clears_the_default_limit_without_tokens():
    text = "".join(f"def f{i}(a):\n    return a + {i}\n\n" for i in range(10))
    floor, mi = _both(text)
    assert 20 <= floor <= mi
