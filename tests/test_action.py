"""The composite action's own scripts, run locally with the GitHub environment pointed at temp files."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backend_audit import reporters

from ._gitrepo import commit, init, query, write

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {s.get("id") or s["name"]: s for s in ACTION["runs"]["steps"]}


def _inputs(**overrides):
    values = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
    values.update(overrides)
    return values


def _env(step, inputs, outputs=None):
    """Evaluate the step's env: block the way the runner would (only simple expressions are used)."""
    def value(expr):
        expr = expr.strip()
        if expr.startswith("inputs."):
            return str(inputs[expr[len("inputs."):]])
        if expr.startswith("steps.scan.outputs."):
            return (outputs or {}).get(expr[len("steps.scan.outputs."):], "")
        if expr.startswith(("steps.install.outputs.", "steps.setup.outputs.")):
            return ""  # locally the tests' own interpreter and backend-audit (on PATH) stand in
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"unexpected expression {expr}")
    return {k: re.sub(r"\$\{\{(.*?)\}\}", lambda m: value(m.group(1)), str(v)) for k, v in step["env"].items()}


def _run(step, inputs, cwd, gh, outputs=None):
    env = {**os.environ, **_env(step, inputs, outputs), **gh,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True)


def test_inputs_reach_scripts_only_through_env():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    assert set(ACTION["inputs"]) == {"paths", "args", "config", "fail-on", "category", "sarif-file", "upload-sarif",
                                     "annotations", "summary", "python-version", "version", "working-directory"}
    setup = STEPS["setup"]["with"]
    assert setup["update-environment"] is False  # the caller's Python stays the caller's
    assert set(ACTION["outputs"]) == {"sarif-file", "findings", "exit-code"}
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["if"].startswith("always()") and upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert ACTION["runs"]["steps"][-1]["if"] == "always()"


@pytest.fixture()
def workspace(tmp_path):
    root = init(tmp_path / "ws")
    write(root, {"app/db.py": query(1) + query(2)})
    commit(root)
    gh = {"GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
          "RUNNER_TEMP": str(tmp_path), "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(root)}
    for name in ("output", "summary.md"):
        (tmp_path / name).write_text("")
    return root, gh


def _outputs(path):
    return dict(line.split("=", 1) for line in Path(path).read_text().splitlines())


def test_scan_step_then_fail_step(workspace):
    root, gh = workspace
    # The SARIF writer lives in its own module; exercise it when this tree has it.
    sarif = "backend-audit.sarif" if "sarif" in reporters.REPORTERS else ""
    inputs = _inputs(args="-j 1 --select BA-SQL", **{"sarif-file": sarif})
    done = _run(STEPS["scan"], inputs, root, gh)
    assert done.returncode == 0, done.stderr  # the scan step never fails: the last step does
    out = _outputs(gh["GITHUB_OUTPUT"])
    assert out == {"exit-code": "1", "findings": "2", "sarif-file": sarif}
    assert done.stdout.count("::error file=app/db.py,") == 2
    assert "## backend-audit: ❌ FAIL" in Path(gh["GITHUB_STEP_SUMMARY"]).read_text()
    if sarif:
        assert (root / sarif).is_file()
    fail = _run(STEPS["Fail on findings"], inputs, root, gh, out)
    assert fail.returncode == 1 and "backend-audit exited with 1" in fail.stdout


def test_switches_and_hostile_input(workspace):
    root, gh = workspace
    inputs = _inputs(args="-j 1 --select BA-SQL", annotations="false", summary="false", paths="app $(touch pwned)",
                     **{"fail-on": "never", "sarif-file": ""})
    done = _run(STEPS["scan"], inputs, root, gh)
    assert done.returncode == 0, done.stderr
    assert _outputs(gh["GITHUB_OUTPUT"])["exit-code"] == "2"  # "$(touch" is a path that does not exist
    assert not (root / "pwned").exists() and not list(root.glob("pwned*"))
    inputs["paths"] = "app"
    Path(gh["GITHUB_OUTPUT"]).write_text("")
    done = _run(STEPS["scan"], inputs, root, gh)
    out = _outputs(gh["GITHUB_OUTPUT"])
    assert out["exit-code"] == "0" and out["findings"] == "2" and out["sarif-file"] == ""
    assert "::error" not in done.stdout and Path(gh["GITHUB_STEP_SUMMARY"]).read_text() == ""
    assert _run(STEPS["Fail on findings"], inputs, root, gh, out).returncode == 0


def test_summary_without_annotations(workspace):
    root, gh = workspace
    inputs = _inputs(args="-j 1 --select BA-SQL", annotations="false", **{"sarif-file": ""})
    done = _run(STEPS["scan"], inputs, root, gh)
    assert "::error" not in done.stdout
    assert "## backend-audit" in Path(gh["GITHUB_STEP_SUMMARY"]).read_text()
