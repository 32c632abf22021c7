"""-f github (annotations, job summary) and -f gitlab (Code Quality) on a real scan."""

import json

import pytest

from backend_audit.config import Settings
from backend_audit.reporters import github, gitlab
from backend_audit.pipeline.runner import scan

from ._gitrepo import query


@pytest.fixture()
def result(tmp_path):
    code = "".join(query(i) for i in range(12))
    code += "def log(x):\n" + "".join(f"    print(x, {i})\n" for i in range(13))
    code += "def pipe(cursor, t):\n    cursor.execute(f\"SELECT {t}\")  # backend-audit: ignore[BA-SQL-001] -- ok\n"
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db,1:x.py").write_text(code, encoding="utf-8")
    return scan([tmp_path], Settings(select=("BA-SQL-001", "BA-LOG-003"), jobs=1), use_git=False)


def test_escaping():
    assert github.escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert github.escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_annotations_most_severe_first_with_overflow_line(result):
    out = github.render(result, {"step_summary": None})
    lines = out.splitlines()
    assert sum(l.startswith("::error ") for l in lines) == 10
    assert sum(l.startswith("::warning ") for l in lines) == 10
    assert lines[0].startswith("::error file=app/db%2C1%3Ax.py,line=2,endLine=2,col=20,")
    assert "title=BA-SQL-001 SQL text built from dynamic strings reaches a query call::" in lines[0]
    first_warning = next(i for i, l in enumerate(lines) if l.startswith("::warning"))
    assert all(l.startswith("::error") for l in lines[:first_warning])
    assert lines[20] == ("backend-audit: 5 more finding(s) beyond the 10 errors, 10 warnings and 10 notices "
                         "GitHub displays per step:")
    assert len([l for l in lines if l.startswith("  app/db,1:x.py:")]) == 5
    assert lines[-1] == "backend-audit: FAIL: 12 errors, 13 warnings, 0 notes (fail-on: error); 1 suppressed in source"


def test_step_summary_appended_and_bounded(result, tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("previous step\n")
    github.render(result, {"step_summary": str(target)})
    text = target.read_text()
    assert text.startswith("previous step\n## backend-audit: ❌ FAIL")
    assert "| error | 12 |" in text and "| BA-LOG-003 | warning | 13 | print() in application code |" in text
    assert "| error | BA-SQL-001 | app/db,1:x.py:2 |" in text
    small = github.summary_markdown(result, budget=1500)
    assert len(small) < 1500 and "more finding(s) not listed" in small


def test_summary_shows_checklist_states(result):
    result.checklist = {"items": [{"title": "SQL <safe>", "state": "fail"}, {"title": "Logging", "state": "pass"},
                                  {"title": "Backups", "state": "manual"}]}
    text = github.summary_markdown(result)
    assert "### Checklist" in text and "| fail | 1 |" in text and "- SQL &lt;safe&gt;" in text


def test_gitlab_code_quality(result):
    data = json.loads(gitlab.render(result, {}))
    assert len(data) == 25  # suppressed finding left out
    first = next(d for d in data if d["check_name"] == "BA-SQL-001")
    assert first["severity"] == "critical" and first["categories"] == ["Security"]
    assert first["location"] == {"path": "app/db,1:x.py", "lines": {"begin": 2, "end": 2}}
    assert len({d["fingerprint"] for d in data}) == 25
    assert {d["severity"] for d in data if d["check_name"] == "BA-LOG-003"} == {"minor"}
    assert gitlab.render(result, {}) == gitlab.render(result, {})
