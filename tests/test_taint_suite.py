"""The labelled taint suite (benchmarks/taint_suite/) is well-formed and its harness maps findings to cases.

Scores are measured by running benchmarks/taint_suite/run.py, never asserted here."""

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent.parent / "benchmarks" / "taint_suite"


def _harness():
    spec = importlib.util.spec_from_file_location("taint_suite_run", SUITE / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


run = _harness()


@pytest.fixture(scope="module")
def loaded():
    return run.load_cases()


def test_the_suite_has_no_problems(loaded):
    _, problems = loaded
    assert problems == []


def test_every_python_file_parses_and_every_label_is_one_case(loaded):
    cases, _ = loaded
    labels = set()
    for path in sorted((SUITE / "cases").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        ast.parse(text, filename=str(path))
        rel = path.relative_to(SUITE / "cases").as_posix()
        labels |= {(rel, n) for n, _, _ in run._labels(text)}
    assert labels == {c.label for c in cases}
    assert len({c.id for c in cases}) == len(cases)


def test_every_category_has_both_kinds(loaded):
    cases, _ = loaded
    kinds = {}
    for c in cases:
        kinds.setdefault(c.category, set()).add(c.kind)
    assert set(kinds) == set(run.CATEGORIES)
    assert all(k == {"vuln", "safe"} for k in kinds.values()), kinds


def test_labels_sit_on_a_line_of_code(loaded):
    cases, _ = loaded
    for c in cases:
        path, line = c.label
        text = (SUITE / "cases" / path).read_text(encoding="utf-8").splitlines()[line - 1]
        assert text.split("#")[0].strip(), f"{path}:{line}: label on a comment-only line"


SYNTHETIC = '''\
from flask import request


def one():
    x = request.args["a"]
    run(x)  # vuln: sql


def two():
    run("constant")  # safe: sql
'''


def test_the_mapping_scores_a_tiny_synthetic_report(tmp_path):
    cat = tmp_path / "sql"
    cat.mkdir()
    (cat / "views.py").write_text(SYNTHETIC, encoding="utf-8")
    (cat / "multi").mkdir()
    (cat / "multi" / "a.py").write_text("def f(x):\n    g(x)\n", encoding="utf-8")
    (cat / "multi" / "b.py").write_text("def g(x):\n    run(x)  # vuln: sql\n", encoding="utf-8")
    cases, problems = run.load_cases(tmp_path)
    assert problems == []
    assert {c.id: (c.kind, c.ranges) for c in cases} == {
        "sql/views.py::one": ("vuln", {"sql/views.py": (4, 6)}),
        "sql/views.py::two": ("safe", {"sql/views.py": (9, 10)}),
        "sql/multi/": ("vuln", {"sql/multi/a.py": (1, 2), "sql/multi/b.py": (1, 2)}),
    }
    report = {"findings": [
        # a finding in a case directory's other module still belongs to that case; paths may carry a prefix
        {"rule_id": "BA-SQL-001", "path": "suite/sql/multi/a.py", "line": 2, "end_line": 2, "level": "error",
         "trace": [{"path": "suite/sql/multi/a.py", "line": 2}, {"path": "suite/sql/multi/b.py", "line": 2}]},
        # rule by CWE only (a rule the table does not list), landing in the safe case
        {"rule_id": "BA-NEW-001", "path": "sql/views.py", "line": 10, "end_line": 10, "level": "note"},
        # a finding of another category inside the first case does not count for sql
        {"rule_id": "BA-INP-003", "path": "sql/views.py", "line": 6, "end_line": 6, "level": "error"},
        # a finding whose own CWE is another category does not count, whatever the rule lists
        {"rule_id": "BA-SQL-001", "path": "sql/views.py", "line": 5, "end_line": 5, "level": "error",
         "properties": {"cwe": [78]}},
    ]}
    counts_for = run.backend_audit_counts_for({"BA-SQL-001": {89}, "BA-NEW-001": {89}, "BA-INP-003": {78}})
    table = run.score(cases, run.parse_backend_audit(report), counts_for)
    s = run.summary(table)["sql"]
    assert (s["tp"], s["fn"], s["fp"], s["tn"]) == (1, 1, 1, 0)
    assert s["tpr"] == 0.5 and s["fpr"] == 1.0 and s["tpr_minus_fpr"] == -0.5
    assert s["tp_at_sink"] == 0  # the directory case's finding sits in a.py, its label in b.py
    assert s["tp_traced"] == 1  # but its trace goes on to the labelled line
    # counting warnings and above only drops the note on the safe case
    strict = run.backend_audit_counts_for({"BA-NEW-001": {89}, "BA-SQL-001": {89}}, "warning")
    s = run.summary(run.score(cases, run.parse_backend_audit(report), strict))["sql"]
    assert (s["fp"], s["tn"]) == (0, 1)
    assert "sql" in run.render("backend-audit", table)
    json.dumps(run.summary(table))


def test_ill_formed_suites_are_refused(tmp_path):
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.py").write_text("X = run(1)  # vuln: sql\n\ndef f():\n    run(2)  # safe: command\n",
                                           encoding="utf-8")
    (tmp_path / "sql" / "d").mkdir()
    (tmp_path / "sql" / "d" / "m.py").write_text("run(1)\n", encoding="utf-8")
    (tmp_path / "nope").mkdir()
    _, problems = run.load_cases(tmp_path)
    text = "\n".join(problems)
    assert "label outside a top-level function" in text
    assert "label says 'command' in the sql/ folder" in text
    assert "a case directory without a label" in text
    assert "nope/: not a category" in text


def test_the_harness_scores_a_saved_report_end_to_end(loaded, tmp_path, capsys):
    cases, _ = loaded
    vuln = next(c for c in cases if c.category == "command" and c.kind == "vuln")
    safe = next(c for c in cases if c.category == "command" and c.kind == "safe")
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"findings": [
        {"rule_id": "BA-INP-003", "path": p, "line": line, "end_line": line, "level": "error"}
        for p, line in (vuln.label, safe.label)]}), encoding="utf-8")
    out = tmp_path / "scores.json"
    assert run.main(["--report", str(report), "--json", str(out), "--details"]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))["backend-audit"]
    assert (scores["command"]["tp"], scores["command"]["fp"], scores["command"]["tp_at_sink"]) == (1, 1, 1)
    assert scores["sql"]["tp"] == 0 and scores["sql"]["tn"] == sum(c.category == "sql" and c.kind == "safe"
                                                                  for c in cases)
    printed = capsys.readouterr().out
    assert "TPR-FPR" in printed and f"wrongly flagged  {safe.label[0]}:{safe.label[1]}" in printed
