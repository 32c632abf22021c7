"""The action runs on a pull request's workspace: none of the workspace's Python may be imported by the
action's own helper snippets or by pip (docs/security.md)."""

from __future__ import annotations

import re

from .test_action import ACTION, STEPS, _inputs, _outputs, _run, workspace  # noqa: F401 - fixture

FORGE = ("import pathlib\npathlib.Path(__file__).with_name('PWNED').write_text('x')\n"
         "def load(fh):\n    return {'summary': {'findings': 999}}\n")


def test_every_python_the_action_runs_is_isolated():
    for step in ACTION["runs"]["steps"]:
        script = step.get("run", "")
        for m in re.finditer(r"(?<!-)\bpython3?\b\"?(?![-/])(\s+\S+)?", script):
            assert (m.group(1) or "").strip() == "-I", f"{step['name']}: {m.group(0)!r} is not isolated"
    install = STEPS["install"]["run"]
    # pip runs from a neutral folder, before the first python call.
    assert install.index('cd "${RUNNER_TEMP:-/tmp}"') < install.index('"$BA_PYTHON"')


def test_workspace_json_py_cannot_forge_the_findings_count(workspace):  # noqa: F811
    root, gh = workspace
    (root / "json.py").write_text(FORGE)
    (root / "pip").mkdir()
    (root / "pip" / "__init__.py").write_text(FORGE)
    (root / "pip" / "__main__.py").write_text(FORGE)
    inputs = _inputs(args="-j 1 --select BA-SQL", annotations="false", summary="false", **{"sarif-file": ""})
    done = _run(STEPS["scan"], inputs, root, gh)
    assert done.returncode == 0, done.stderr
    assert _outputs(gh["GITHUB_OUTPUT"])["findings"] == "2"
    assert not (root / "PWNED").exists() and not (root / "pip" / "PWNED").exists()


def test_committed_sarif_symlink_cannot_redirect_the_write(workspace, tmp_path_factory):  # noqa: F811
    import os

    root, gh = workspace
    victim = tmp_path_factory.mktemp("outside") / "victim.txt"  # neither in the workspace nor RUNNER_TEMP
    victim.write_text("keep\n")
    os.symlink(victim, root / "backend-audit.sarif")
    inputs = _inputs(args="-j 1 --select BA-SQL", annotations="false", summary="false")
    done = _run(STEPS["scan"], inputs, root, gh)
    assert done.returncode == 0, done.stderr
    out = _outputs(gh["GITHUB_OUTPUT"])
    assert out["exit-code"] == "2" and out["sarif-file"] == "" and "resolves outside the workspace" in done.stderr
    assert victim.read_text() == "keep\n"
