"""Conventions users bring from ruff, bandit and semgrep, on the installed command."""

import json
import subprocess

from .test_cli import BAD, NO_TEST_RULES, run, write


def _project(tmp_path):
    write(tmp_path, "app/jobs.py", BAD)
    return tmp_path


def test_exit_zero_statistics_and_output_file(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    proc = run(cli, "scan", str(root), *NO_TEST_RULES, "--exit-zero", cwd=root, env=clean_env)
    assert proc.returncode == 0 and "BA-INP-003" in proc.stdout
    proc = run(cli, "scan", str(root), *NO_TEST_RULES, "--statistics", cwd=root, env=clean_env)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["1", "BA-INP-003", "error"] and lines[-1].split() == ["1", "total"]
    out = tmp_path / "out" / "report.json"
    proc = run(cli, "scan", str(root), *NO_TEST_RULES, "-f", "json", "-o", str(out), cwd=root, env=clean_env)
    assert proc.returncode == 1 and json.loads(out.read_text())["summary"]["findings"] == 1
    proc = run(cli, "scan", str(root), "-f", "json", "-f", "sarif", "-o", str(out), cwd=root, env=clean_env)
    assert proc.returncode == 2 and "-o/--output" in proc.stderr


def test_quiet_verbose_and_relative_paths(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    quiet = run(cli, "scan", ".", *NO_TEST_RULES, "-q", cwd=root / "app", env=clean_env)
    assert "PASS" not in quiet.stdout and "FAIL" not in quiet.stdout
    assert quiet.stdout.splitlines()[0] == "jobs.py"  # relative to where the user stands
    verbose = run(cli, "scan", ".", *NO_TEST_RULES, "-v", cwd=root, env=clean_env)
    assert "rules enabled:" in verbose.stderr and "app/jobs.py" in verbose.stdout


def test_version_everywhere_and_case_insensitive_rule_ids(cli, clean_env, tmp_path):
    for args in (["--version"], ["scan", "--version"], ["rules", "list", "--version"], ["checklist", "--version"]):
        proc = run(cli, *args, env=clean_env)
        assert proc.returncode == 0 and "backend-audit, version" in proc.stdout, args
    root = _project(tmp_path)
    proc = run(cli, "scan", str(root), "--select", "ba-inp-003", cwd=root, env=clean_env)
    assert proc.returncode == 1 and "BA-INP-003" in proc.stdout


def test_did_you_mean(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.backend-audit]\nfail-onn = 'warning'\n")
    proc = run(cli, "scan", str(root), cwd=root, env=clean_env)
    assert proc.returncode == 2 and "did you mean 'fail-on'?" in proc.stderr
    (root / "pyproject.toml").unlink()
    proc = run(cli, "scan", str(root), "--select", "BA-SQL-01", cwd=root, env=clean_env)
    assert proc.returncode == 2 and "did you mean 'BA-SQL-001'?" in proc.stderr
    proc = run(cli, "scan", str(root), "--fial-on", "error", cwd=root, env=clean_env)
    assert proc.returncode == 2 and "--fail-on" in proc.stderr


def test_rules_show_json(cli, clean_env):
    proc = run(cli, "rules", "show", "ba-sql-001", "--format", "json", env=clean_env)
    data = json.loads(proc.stdout)
    assert data["id"] == "BA-SQL-001" and "help" in data and data["cwe"]


def test_stdin_is_scanned_under_its_given_name(cli, clean_env, tmp_path):
    code = "import os\nfrom flask import request\ndef f():\n    os.system('ls ' + request.args['x'])\n"
    proc = subprocess.run([cli, "scan", "-", "--stdin-filename", "app/tool.py", "-f", "json:-"], input=code,
                          cwd=tmp_path, env=clean_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert [(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"]] == [("app/tool.py", 4)]
    proc = subprocess.run([cli, "scan", "-", "--stdin-filename", "../x.py"], input=code, cwd=tmp_path,
                          env=clean_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2


def test_notebooks_are_listed_as_skipped_never_parsed(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    (root / "analysis.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": ["x = 1"]}]}))
    proc = run(cli, "scan", str(root), *NO_TEST_RULES, "-f", "json:-", cwd=root, env=clean_env)
    skipped = {s["path"]: s["reason"] for s in json.loads(proc.stdout)["skipped"]}
    assert "Jupyter notebook" in skipped["analysis.ipynb"]


def test_no_color_and_force_color(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    forced = run(cli, "scan", str(root), *NO_TEST_RULES, cwd=root, env={**clean_env, "FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    both = run(cli, "scan", str(root), *NO_TEST_RULES, cwd=root,
               env={**clean_env, "FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout


def test_plurals(cli, clean_env, tmp_path):
    root = _project(tmp_path)
    proc = run(cli, "scan", str(root), *NO_TEST_RULES, cwd=root, env=clean_env)
    assert "1 error, 0 warnings, 0 notes" in proc.stdout and "1 file:" in proc.stdout
