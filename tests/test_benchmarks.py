"""The benchmark scripts run (their numbers are not checked: speed is measured, never asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_compare_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text('def q(c, v):\n    c.execute(f"SELECT {v}")\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "--tree", str(tmp_path),
                           "--runs", "1", "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0:3] for line in done.stdout.splitlines()[2:] if line.strip()]
    assert [r[1] for r in rows[:3]] == ["cold", "warm", "one"], done.stdout
    assert "lines/s" in done.stdout
    assert "profile of one cold scan" in done.stdout and " ast " in done.stdout


def test_endpoints_real_lays_out_a_pinned_commit_and_reports(tmp_path):
    work = tmp_path / "work"
    (work / "app").mkdir(parents=True)
    (work / "app" / "views.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post('/orders')\ndef create():\n    return ''\n")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirrors = tmp_path / "mirrors" / "shop"
    mirrors.mkdir(parents=True)
    (mirrors / "repo").symlink_to(work / ".git")
    verdicts = tmp_path / "verdicts"
    verdicts.mkdir()
    (verdicts / "shop.endpoints.yaml").write_text(
        f"project: shop\ncommit: {commit}\nverdicts:\n"
        "  - {rule: BA-AUTH-001, path: app/views.py, line: 7, verdict: TP, why: no auth}\n")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "endpoints_real.py"), "--mirrors",
                           str(tmp_path / "mirrors"), "--verdicts", str(verdicts)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "shop: 1 endpoints {'flask': 1}" in done.stdout
    assert "TP kept 1/1" in done.stdout
