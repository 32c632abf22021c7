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
    assert [r[1] for r in rows[:4]] == ["cold", "warm", "one", "--changed-since"], done.stdout
    assert "floor: start + read + sha256 every file" in done.stdout and "cpu s" in done.stdout
    assert "lines/s" in done.stdout
    assert "profile of one cold scan" in done.stdout and " ast " in done.stdout
