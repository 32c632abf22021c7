"""--changed-since on temporary repositories: the pull request is judged, not the legacy code."""

import json
import subprocess

import pytest

from backend_audit.pipeline import runner
from backend_audit.config import Settings
from backend_audit.findings import Finding

from ._gitrepo import commit, git, init, query, run_cli, write

OLD = "".join(query(i) for i in range(10))


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {"app/db.py": OLD})
    commit(root, "ten old violations")
    git(root, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(root)
    return root


def _findings(out: str) -> list[dict]:
    return [f for f in json.loads(out)["findings"] if f.get("suppression") is None]


def test_one_new_violation_next_to_ten_old_ones(repo, capsys):
    write(repo, {"app/db.py": OLD.replace(query(5), query(5) + query(99))})
    commit(repo, "one new")
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-")
    assert code == 1 and len(_findings(out)) == 11
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-", "--changed-since", "main")
    found = _findings(out)
    assert code == 1 and [(f["rule_id"], f["symbol"]) for f in found] == [("BA-SQL-001", "q99")]
    assert json.loads(out)["changes"]["findings_outside_change"] == 10


def test_uncommitted_and_untracked_changes_count(repo, capsys):
    write(repo, {"app/new_module.py": query(1, "fresh")})
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-", "--changed-since", "main")
    assert [f["path"] for f in _findings(out)] == ["app/new_module.py"]


def test_no_change_passes(repo, capsys):
    code, out, err = run_cli(capsys, "scan", ".", "-j", "1", "--changed-since", "main")
    assert code == 0 and "changes since main only (10 findings outside them)" in out


def test_shallow_clone_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    origin = init(tmp_path / "origin")
    write(origin, {"app.py": query(1)})
    commit(origin, "base")
    git(origin, "checkout", "-q", "-b", "feature")
    write(origin, {"b.py": query(2)})
    commit(origin, "feature")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(clone)],
                   check=True, capture_output=True)
    monkeypatch.chdir(clone)
    code, out, err = run_cli(capsys, "scan", ".", "--changed-since", "origin/main")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "fetch-depth: 0" in err and err.startswith("backend-audit: error:")


def _fake_project_rule(file_results, plan, rules, selection, root, sections=None, model=None, **_):
    """Stands in for a whole-repo rule: every non-test module importing `os` is flagged."""
    out = []
    for fr in file_results:
        if fr.analysed and "os" in fr.facts.get("imports", ()):
            out.append(Finding(rule_id="BA-QUAL-001", path=fr.path, line=1, column=1, end_line=1, end_column=2,
                               level="warning", message="imports os", engine="project", snippet="import os"))
    return out


def test_whole_repo_findings_only_when_newly_true(repo, monkeypatch):
    monkeypatch.setattr(runner, "run_project_checks", _fake_project_rule)
    write(repo, {"a.py": "import os\nx = 1\n", "d.py": "import os\n", "e.py": "y = 1\n", "gone.py": "z = 1\n"})
    commit(repo, "base facts")
    git(repo, "checkout", "-q", "-B", "base-point")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"a.py": "import os\nx = 2\n",  # already true, file touched: not new
                 "b.py": "import os\n",  # new file: newly true
                 "e.py": "import os\ny = 1\n"})  # existing file starts importing os: newly true
    git(repo, "mv", "d.py", "c.py")  # renamed, still imports os: not new
    (repo / "gone.py").unlink()
    settings = Settings(jobs=1, select=("BA-QUAL-001",), extra={"changed_since": "base-point"})
    result = runner.scan([repo], settings)
    assert sorted(f.path for f in result.findings if f.engine == "project") == ["b.py", "e.py"]


FASTAPI = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/old")
def old():
    return {}
"""


def test_base_pass_reruns_only_the_project_rules_the_change_affects(repo, monkeypatch):
    write(repo, {"app/main.py": FASTAPI, "app/util.py": "def helper(x):\n    return x\n",
                 "tests/test_util.py": "from app.util import helper\n\ndef test_h():\n    assert helper(1)\n"})
    commit(repo, "an app with one untested endpoint")
    git(repo, "checkout", "-q", "-B", "base-point")
    git(repo, "checkout", "-q", "-b", "pr")
    reran: list[set] = []
    real = runner.run_project_checks

    def spy(*args, only=None, **kwargs):
        if only is not None:
            reran.append(set(only))
        return real(*args, only=only, **kwargs)

    monkeypatch.setattr(runner, "run_project_checks", spy)
    settings = Settings(jobs=1, select=("BA-TEST-005",), extra={"changed_since": "base-point"})
    # a change no project rule reads differently: the base pass runs no rule, the old finding stays out
    write(repo, {"app/util.py": "def helper(x):\n    return x  # same facts\n"})
    result = runner.scan([repo], settings)
    assert [f for f in result.findings if f.rule_id == "BA-TEST-005"] == [] and reran == []
    # a new untested endpoint: BA-TEST-005 reads app/main.py differently at the base and runs again
    write(repo, {"app/main.py": FASTAPI + '\n\n@app.post("/new")\ndef new():\n    return {}\n'})
    result = runner.scan([repo], settings)
    assert [(f.rule_id, f.line) for f in result.findings] == [("BA-TEST-005", 12)]
    assert reran == [{"BA-TEST-005"}]


DECORATOR = ("from functools import wraps\n\nfrom django.core.exceptions import PermissionDenied\n\n\n"
             "def staff_only(view):\n    @wraps(view)\n    def wrapper(request, *args, **kwargs):\n"
             "        if not request.user.is_staff:\n            raise PermissionDenied\n"
             "        return view(request, *args, **kwargs)\n    return wrapper\n")
VIEW = ("from django.http import JsonResponse\n\nfrom .decorators import staff_only\n\n\n@staff_only\n"
        "def delete_all(request):\n    return JsonResponse({'ok': True})\n")
URLS = "from django.urls import path\n\nfrom . import views\n\nurlpatterns = [path('delete/', views.delete_all)]\n"


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["warm", "no cache"])
def test_a_change_that_only_deletes_lines_is_judged_at_its_base(repo, capsys, cache):
    """Deleting the permission check from a decorator adds no line anywhere, yet opens the view it guards:
    the view's missing auth is new in the change and reported."""
    write(repo, {"app/decorators.py": DECORATOR, "app/views.py": VIEW, "app/urls.py": URLS})
    commit(repo, "a staff-only view")
    git(repo, "checkout", "-q", "-b", "open-it")
    scan = ("scan", ".", "-j", "1", "-f", "json:-", "--select", "BA-AUTH-001")
    run_cli(capsys, *scan)  # the base branch's scan, for the warm case
    write(repo, {"app/decorators.py": DECORATOR.replace(
        "        if not request.user.is_staff:\n            raise PermissionDenied\n", "")})
    _, out, _ = run_cli(capsys, *scan, *cache, "--changed-since", "feature")
    report = json.loads(out)
    assert [(f["rule_id"], f["path"]) for f in _findings(out)] == [("BA-AUTH-001", "app/views.py")]
    assert report["changes"]["files_changed"] == 1
