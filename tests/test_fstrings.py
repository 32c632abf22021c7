"""PEP 701 f-strings are respelled through libcst so an older host reads the file instead of skipping it."""

import ast
import sys

import pytest

from backend_audit.config import Settings
from backend_audit.engines.fstrings import respell
from backend_audit.pipeline.runner import scan

older_host = pytest.mark.skipif(sys.version_info >= (3, 12), reason="the host ast parses PEP 701 from 3.12 on")


@pytest.mark.parametrize("text, expected", [
    ('x = f"a {d["k"]}"\n', "x = f\"a {d['k']}\"\n"),
    # a backslash in a field: the literal is read as blanks of its length
    ("x = f\"{'\\n'.join(rows)}\"\n", "x = f\"{'  '.join(rows)}\"\n"),
    ('x = f"{f"{y}"}"\n', "x = f\"{f'{y}'}\"\n"),
    ('z = f"{x:{">" if a else "<"}10}"\n', "z = f\"{x:{'>' if a else '<'}10}\"\n"),
    ("y = f\"{a[\"b\"]}\" if c else f'{a['b']}'\n", "y = f\"{a['b']}\" if c else f'{a[\"b\"]}'\n"),
])
def test_respelled_text_keeps_length_and_parses(text, expected):
    out = respell(text)
    assert out == expected and len(out) == len(text)
    ast.parse(out)


def test_nothing_to_respell_or_not_python():
    assert respell('x = f"plain {y} {d[\'k\']}"\n') is None
    assert respell("def (:\n") is None


def test_columns_of_the_tree_are_the_files():
    text = 'def view(request):\n    q = f"{request.GET["q"]}"\n    return eval(q)\n'
    tree = ast.parse(respell(text))
    call = tree.body[0].body[1].value
    assert (call.lineno, call.col_offset) == (3, 11)


@older_host
def test_a_pep701_module_is_analysed_not_skipped(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.http import HttpResponse\n\n\n"
        "def view(request):\n"
        '    label = f"{request.GET["name"]}: {\'\\n\'.join(request.GET.getlist("x"))}"\n'
        "    eval(request.GET[\"code\"])\n"
        "    return HttpResponse(label)\n", encoding="utf-8")
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    assert result.skipped == [] and result.files_scanned == 1
    assert [(f.rule_id, f.line) for f in result.findings if f.rule_id == "BA-INP-005"] == [("BA-INP-005", 6)]
