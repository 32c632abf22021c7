"""Newer syntax is never called Python 2, and a project that needs a newer Python is told so once."""

import sys

import pytest

from backend_audit.config import Settings
from backend_audit.pipeline import syntax
from backend_audit.pipeline.runner import scan

PEP758 = "def login(u):\n    try:\n        return u.check()\n    except ValueError, TypeError:\n        return None\n"


def test_pep758_except_is_not_python2():
    assert syntax.python2_marker(PEP758, 4) is None
    assert syntax.python2_marker("try:\n    x()\nexcept ValueError, e:\n    pass\n", 3) == ("'except E, name:'", 3)


def test_octal_like_text_inside_strings_and_comments_is_not_python2():
    text = "URL = '/bench/xpathi-01/'  # see 0777\nDOC = '''\n  -01 and `x` and <>\n'''\nx = (\n"
    assert syntax.python2_marker(text, 5) is None
    assert syntax.python2_marker("mode = 0777\n", 1) == ("an old-style octal literal", 1)
    assert syntax.python2_marker("x = `y`\n", 1) == ("a backtick repr", 1)


def test_code_only_keeps_positions_and_quotes():
    text = 'a = "x#y"  # c\nb = f"{v!r}" + \'\'\'m\nn\'\'\'\n'
    blanked = syntax.code_only(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert blanked.startswith('a = "   "  #  \nb = f"     " + \'\'\'')


@pytest.mark.parametrize("spec, minimum", [(">=3.14", (3, 14)), ("~=3.12.1", (3, 12)), (">3.11", (3, 12)),
                                           (">=3.9,<4", (3, 9)), ("", None), (None, None)])
def test_minimum_python(spec, minimum):
    assert syntax.minimum_python(spec) == minimum


TSTRING = "def page(name):\n    return t\"<p>{name}</p>\"\n"


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="the host parser reads PEP 750")
def test_project_needing_newer_python_is_told_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.14"\n')
    (tmp_path / "deps.py").write_text(TSTRING)
    (tmp_path / "old.py").write_text('print "hi"\n')
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    reasons = {s.path: s.reason for s in result.skipped}
    assert "PEP 750" in reasons["deps.py"] and "Python 2" not in reasons["deps.py"]
    assert "Python 2" in reasons["old.py"]
    [notice] = [n for n in result.notifications if n["id"] == "BA-PYTHON"]
    assert notice["newer_syntax_skipped"] == 1 and notice["requires"] == ">=3.14"
    assert "run backend-audit under Python 3.14" in notice["message"]


def test_no_notice_when_the_host_is_new_enough(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    assert not [n for n in result.notifications if n.get("id") == "BA-PYTHON"]
