"""Baselines: line-free, sorted, occurrence-counted; stale entries listed."""

import json

import pytest

from ._gitrepo import commit, init, query, run_cli, write

OLD = "".join(query(i) for i in range(10))


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {"app/db.py": OLD})
    commit(root)
    monkeypatch.chdir(root)
    return root


def _create(capsys, *extra):
    code, _, err = run_cli(capsys, "baseline", "create", ".", "-j", "1", *extra)
    assert code == 0 and "wrote 10 baseline entries" in err


def _scan(capsys):
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-", "--baseline",
                           ".backend-audit-baseline.json")
    data = json.loads(out)
    return code, [f for f in data["findings"] if f.get("suppression") is None], data


def test_baseline_file_is_line_free_sorted_and_stable(repo, capsys):
    _create(capsys)
    text = (repo / ".backend-audit-baseline.json").read_text()
    doc = json.loads(text)
    assert doc["version"] == 1 and len(doc["entries"]) == 10
    assert all(set(e) == {"rule", "path", "symbol", "snippet", "fingerprint"} for e in doc["entries"])
    assert doc["entries"] == sorted(doc["entries"], key=lambda e: (e["rule"], e["path"], e["symbol"], e["snippet"],
                                                                   e["fingerprint"]))
    assert '"line"' not in text and "time" not in text
    write(repo, {"app/db.py": "\n\n" + OLD})  # lines move
    _create(capsys)
    assert (repo / ".backend-audit-baseline.json").read_text() == text


def test_one_new_violation_next_to_ten_baselined(repo, capsys):
    _create(capsys)
    write(repo, {"app/db.py": OLD.replace(query(5), query(5) + query(99))})
    code, active, data = _scan(capsys)
    assert code == 1 and [f["symbol"] for f in active] == ["q99"]
    assert data["baseline"]["matched"] == 10 and data["baseline"]["stale"] == []
    hidden = [f for f in data["findings"] if f.get("suppression")]
    assert {f["suppression"]["kind"] for f in hidden} == {"external"}


def test_moving_code_and_editing_other_lines_keeps_it_hidden(repo, capsys):
    _create(capsys)
    moved = "import logging\n\n\n" + OLD.replace(query(3), "") + query(3).replace("(cursor, request)", "(cursor, request)  ")
    write(repo, {"app/db.py": moved, "app/other.py": "x = 1\n"})
    code, active, data = _scan(capsys)
    assert code == 0 and active == [] and data["baseline"]["matched"] == 10


def test_second_identical_finding_is_not_hidden(repo, capsys):
    _create(capsys)
    line = '    cursor.execute(f"SELECT * FROM t4 WHERE a = {request.GET[\'v\']}")\n'
    write(repo, {"app/db.py": OLD.replace(line, line + line)})
    code, active, _ = _scan(capsys)
    assert code == 1 and [(f["symbol"], f["line"]) for f in active] == [("q4", 19)]


def test_fixed_findings_become_stale_entries(repo, capsys):
    _create(capsys)
    write(repo, {"app/db.py": OLD.replace(query(7), "")})
    code, active, data = _scan(capsys)
    assert code == 0 and active == []
    assert [(e["rule"], e["symbol"]) for e in data["baseline"]["stale"]] == [("BA-SQL-001", "q7")]
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "--baseline", ".backend-audit-baseline.json")
    assert "10 suppressed (9 by the baseline, 1 stale baseline entries)" not in out
    assert "9 by the baseline, 1 stale baseline entries" in out


def test_missing_or_broken_baseline_is_exit_2(repo, capsys):
    code, _, err = run_cli(capsys, "scan", ".", "--baseline", "nope.json")
    assert code == 2 and "baseline create" in err
    (repo / "bad.json").write_text("{")
    code, _, err = run_cli(capsys, "scan", ".", "--baseline", "bad.json")
    assert code == 2 and "not valid JSON" in err


def test_baseline_from_config_is_relative_to_it(repo, capsys):
    _create(capsys, "-o", "ci/baseline.json")
    write(repo, {"pyproject.toml": '[tool.backend-audit]\nbaseline = "ci/baseline.json"\n'})
    code, out, _ = run_cli(capsys, "scan", "app", "-j", "1")
    assert code == 0 and "10 by the baseline" in out
