"""pre-commit: --force-exclude on explicit files, whole-repo rules skipped on a file subset, and the real
hook through `pre-commit try-repo` (slow: pre-commit builds its own virtualenv)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ._gitrepo import ENV, commit, init, query, run_cli, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {"pyproject.toml": '[tool.backend-audit]\nexclude = ["legacy/"]\nselect = ["BA-SQL"]\n',
                 "app/db.py": query(1), "legacy/old.py": query(2)})
    commit(root)
    monkeypatch.chdir(root)
    return root


def test_explicit_files_honour_excludes_only_with_force_exclude(repo, capsys):
    code, out, _ = run_cli(capsys, "scan", "app/db.py", "legacy/old.py", "-j", "1")
    assert code == 1 and "legacy/old.py" in out and "app/db.py" in out
    code, out, _ = run_cli(capsys, "--force-exclude", "app/db.py", "legacy/old.py", "-j", "1")
    assert code == 1 and "legacy/old.py" not in out and "app/db.py" in out
    code, out, _ = run_cli(capsys, "--force-exclude", "legacy/old.py")
    assert code == 0


def test_file_subset_skips_whole_repo_rules_with_a_note(repo, capsys, monkeypatch):
    from backend_audit.pipeline import runner

    calls = []
    # an explicit file list runs only the rules sound on a subset (taint); the others get the note
    monkeypatch.setattr(runner, "run_project_checks", lambda *a, **kw: calls.append(kw.get("subset")) or [])
    monkeypatch.setattr(runner, "_project_rule_ids", lambda plan: ("BA-QUAL-001",))
    code, out, _ = run_cli(capsys, "--force-exclude", "app/db.py", "-j", "1")
    assert calls == [True] and "note: whole-repository rules skipped" in out
    run_cli(capsys, "scan", ".", "-j", "1")
    assert calls == [True, False]


def _installable() -> bool:
    """pre-commit installs the committed tree: every force-included folder must be tracked."""
    tracked = subprocess.run(["git", "ls-files", "agents", "rules"], cwd=ROOT, capture_output=True, text=True)
    return tracked.returncode == 0 and "agents/" in tracked.stdout and "rules/" in tracked.stdout


@pytest.mark.slow
@pytest.mark.skipif(not _installable(), reason="this checkout's committed tree is not installable (agents/ missing)")
def test_pre_commit_try_repo(repo, tmp_path):
    write(repo, {"app/clean.py": "x = 1\n"})
    commit(repo)
    env = {**os.environ, **ENV, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "HOME": str(tmp_path)}
    exe = shutil.which("pre-commit", path=str(Path(os.sys.executable).parent)) or "pre-commit"
    done = subprocess.run([exe, "try-repo", str(ROOT), "backend-audit", "--all-files", "--verbose"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "app/db.py" in done.stdout and "BA-SQL-001" in done.stdout
    assert "legacy/old.py" not in done.stdout  # excluded by config although pre-commit passed it
    only_clean = subprocess.run([exe, "try-repo", str(ROOT), "backend-audit", "--files", "app/clean.py"],
                                cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert only_clean.returncode == 0, only_clean.stdout + only_clean.stderr


def test_diff_hook_reports_only_the_changed_lines(repo, capsys):
    import shlex

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    entry = shlex.split(hooks["backend-audit-diff"]["entry"])
    assert entry[0] == "backend-audit" and entry[-1] == "--" and "--no-fix" in entry
    write(repo, {"app/db.py": query(1) + query(3)})  # the commit adds q3; q1 was there before
    code, out, _ = run_cli(capsys, *entry[1:], "app/db.py")
    assert code == 1 and "app/db.py" in out
    flagged = [line for line in out.splitlines() if "BA-SQL-001" in line]
    assert len(flagged) == 1 and flagged[0].strip().startswith("6:")  # q3's execute line, not q1's
