"""Config, baseline and coverage files arrive with the scanned repository: wrong types, FIFOs, devices,
deep nesting, huge integers and lone surrogates end in one line and exit 2 (or a 'cannot be used' note for
a coverage file nobody named), never a hang or exit 3 (docs/security.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from backend_audit.cli import main

DEEP = 100_000


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    return code, err


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    return root


@pytest.mark.parametrize("toml,needle", [
    ("tool = 3\n", "'tool' must be a table"),
    ("[tool.backend-audit]\nagents = 5\n", "'agents' must be a path or a list of paths, not an integer"),
    ("[tool.backend-audit]\nselect = [1]\n", "'select' must be a list"),
    ("[tool.backend-audit]\nbaseline = []\n", "'baseline' must be a path"),
    ("[tool.backend-audit]\nforce-exclude = \"yes\"\n", "'force-exclude' must be true or false"),
    ("[tool.backend-audit]\nper-file-ignores = {\"a\" = 3}\n", "'per-file-ignores' must be a table"),
    ("[tool.backend-audit]\nexclude = [\"[z-a]\"]\n", "invalid pattern"),
    ("[tool.backend-audit]\nexclude = [\"\\\\\"]\n", "invalid pattern"),
    ("[tool.backend-audit.rule-options.BA-QUAL-001]\nmax-complexity = \"x\"\n", "'max-complexity' must be an integer"),
    ("[tool.backend-audit.rule-options.BA-QUAL-001]\nmax-complexity = true\n", "'max-complexity' must be an integer"),
    ("x = " + "[" * DEEP + "]" * DEEP + "\n", "nests arrays or tables too deeply"),
    ("[tool.backend-audit.rule-options.BA-AUTH-001]\nauth_pattern = \"(a+)+$\"\n", "exponential time"),
    ("[tool.backend-audit.rule-options.BA-AUTH-001]\nauth_pattern = \"(a|aa)*\"\n", "exponential time"),
    ("[tool.backend-audit.rule-options.BA-AUTH-001]\nauth_pattern = \"[\"\n", "not a valid regular expression"),
])
def test_bad_config_is_one_line_exit_2(project, capsys, toml, needle):
    (project / "pyproject.toml").write_text(toml)
    code, err = _run(capsys, "scan", str(project), "--no-cache", "-f", "json:-")
    assert code == 2, err
    assert err.count("\n") == 1 and needle in err, err


def test_config_that_is_not_utf8_is_one_line(project, capsys):
    (project / "pyproject.toml").write_bytes(b"[tool.backend-audit]\nselect = [\"\xff\"]\n")
    code, err = _run(capsys, "scan", str(project), "--no-cache", "-f", "json:-")
    assert code == 2 and "is not UTF-8" in err and err.count("\n") == 1


def test_pyproject_symlink_leaving_the_repository_is_not_read(tmp_path, project, capsys):
    outside = tmp_path / "secret.toml"
    outside.write_text("[tool.backend-audit]\nselect = ['BA-SQL']\n")
    os.symlink(outside, project / "pyproject.toml")
    (project / ".git").mkdir()
    code, err = _run(capsys, "scan", str(project), "--no-cache", "-f", "json:-")
    assert code == 2 and "symlink to a file outside the repository" in err


def _baseline(project: Path, text: str | bytes) -> Path:
    path = project / "b.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize("content,needle", [
    ("[" * DEEP + "]" * DEEP, "nested deeper"),
    ('{"tool": "backend-audit", "version": ' + "9" * 5000 + ', "entries": []}', "not usable JSON"),
    ('{"tool": "backend-audit", "version": 1, "entries": [{"rule": "BA-SQL-001", "path": "\\ud800"}]}',
     "lone surrogate"),
    (b'{"tool": "\xff"}', "not UTF-8"),
    ('{"version": 1, "entries": ' + '[' * 50 + ']' * 50 + '}', "nested deeper"),
])
def test_bad_baseline_is_one_line_exit_2(project, capsys, content, needle):
    path = _baseline(project, content)
    code, err = _run(capsys, "scan", str(project), "--no-cache", "--baseline", str(path), "-f", "json:-")
    assert code == 2 and err.count("\n") == 1 and needle in err, err


def _special(project: Path, special: str) -> str:
    if special == "fifo":
        os.mkfifo(project.parent / "fifo")
        return str(project.parent / "fifo")
    if not os.path.exists(special):
        pytest.skip(f"{special} missing")
    return special


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_baseline_on_a_device_or_fifo_is_refused_at_once(project, cli, clean_env, special):
    target = _special(project, special)
    # A child process with a timeout: a regression would otherwise hang the test run.
    done = subprocess.run([cli, "scan", str(project), "--no-cache", "--baseline", target, "-f", "json:-"],
                          env=clean_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("name,content,needle", [
    ("coverage.json", '{"files": ' + "[" * DEEP + "]" * DEEP + "}", "nested deeper"),
    ("coverage.json", '{"files": {"app.py": {"executed_lines": [' + "1" * 5000 + ']}}}', "not usable JSON"),
    ("coverage.xml", "<coverage>" + "<a>" * DEEP + "</a>" * DEEP + "</coverage>", "nested deeper"),
])
def test_bad_coverage_found_in_the_tree_is_a_note(project, capsys, name, content, needle):
    (project / "tests").mkdir()
    (project / "tests" / "test_app.py").write_text("import app\n\n\ndef test_x():\n    assert app.x\n")
    (project / name).write_text(content)
    code = main(["scan", str(project), "--no-cache", "-f", "json:-"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    assert needle in out.out


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_named_coverage_on_a_device_or_fifo_is_refused_at_once(project, cli, clean_env, special):
    target = _special(project, special)
    done = subprocess.run([cli, "scan", str(project), "--no-cache", "--coverage", target, "-f", "json:-"],
                          env=clean_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


def test_coverage_symlink_leaving_the_tree_is_not_read(tmp_path, project, capsys):
    (project / "tests").mkdir()
    (project / "tests" / "test_app.py").write_text("import app\n\n\ndef test_x():\n    assert app.x\n")
    outside = tmp_path / "private.json"
    outside.write_text(json.dumps({"files": {"app.py": {"executed_lines": [1], "missing_lines": []}}}))
    os.symlink(outside, project / "coverage.json")
    main(["scan", str(project), "--no-cache", "-f", "json:-"])
    report = json.loads(capsys.readouterr().out)
    assert "private.json" not in json.dumps(report)
    assert not (report.get("coverage") or {}).get("total")


def test_coverage_entries_cannot_reach_outside_through_a_symlink(tmp_path, project):
    from backend_audit.model import coverage_data as cd

    outside = tmp_path / "private.py"
    outside.write_text("a = 1\nb = 2\n")
    os.symlink(outside, project / "link.py")
    report = project / "coverage.json"
    report.write_text(json.dumps({"files": {"link.py": {"executed_lines": [1], "missing_lines": [2]},
                                            "../private.py": {"executed_lines": [1], "missing_lines": []},
                                            "app.py": {"executed_lines": [1], "missing_lines": []}}}))
    data = cd.attach(cd.read(report), project, set())
    assert sorted(data.files) == ["app.py"] and sorted(data.unmatched) == ["../private.py", "link.py"]


def test_baseline_path_in_the_report_is_relative_to_the_root(project, capsys):
    assert main(["baseline", "create", str(project), "-o", str(project / "b.json"), "--no-cache"]) == 0
    capsys.readouterr()
    main(["scan", str(project), "--no-cache", "--baseline", str(project / "b.json"), "-f", "json:-"])
    report = json.loads(capsys.readouterr().out)
    assert report["baseline"]["file"] == "b.json"


def test_a_plain_auth_pattern_is_accepted(tmp_path):
    from backend_audit.catalog import load_rules
    from backend_audit.config import Selection, settings_from_table

    settings = settings_from_table({"rule-options": {"BA-AUTH-001": {"auth_pattern": r"(?i)guard_\w+|my_auth"}}},
                                   str(tmp_path / "pyproject.toml"))
    Selection(settings, load_rules())
