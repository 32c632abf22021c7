"""Scanning one folder of a repository judges that folder: whole-repository rules stay inside it."""

import subprocess

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan


def test_whole_repository_rules_cover_the_scanned_folder_only(tmp_path):
    key = "STRIPE_KEY=sk_live_51HxQ2aKd8f9Gh3jK4lM5nO6pQ7rS8tU9vW\n"  # a known token format
    for rel, text in {".env": key, "frontend/.env": key, "backend/.env": key,
                      "backend/app/m.py": "x = 1\n", "pyproject.toml": "[project]\nname = 'x'\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    result = scan([tmp_path / "backend"], Settings(jobs=1), use_git=True)
    secrets = sorted(f.path for f in result.findings if f.rule_id == "BA-SEC-001")
    assert secrets == ["backend/.env"]
    assert all(f.path.startswith("backend/") for f in result.findings)  # the root pyproject is not the anchor
    assert any("scanned part only: backend/" in n["message"] for n in result.notifications)
    whole = scan([tmp_path], Settings(jobs=1), use_git=True)
    assert sorted(f.path for f in whole.findings if f.rule_id == "BA-SEC-001") == [".env", "backend/.env",
                                                                                   "frontend/.env"]
