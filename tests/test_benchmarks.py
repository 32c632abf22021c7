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


def test_taint_cost_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from flask import request\nimport os\n\ndef f():\n    os.system('ls ' + request.args['d'])\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "taint_cost.py"), "--tree", str(tmp_path),
                           "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "taint summaries" in done.stdout and "(1 sink flows resolved)" in done.stdout
