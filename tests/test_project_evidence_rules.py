"""Project rules that read the tree or collected evidence: they judge the scanned folder only, stay silent on
libraries, and never read through a symlink."""

import os
import subprocess
from pathlib import Path

import pytest

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/items')\ndef items():\n    return []\n"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _git(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def _found(target: Path, rules: tuple[str, ...], use_git: bool = False) -> set[tuple[str, str]]:
    result = scan([target], Settings(jobs=1, select=rules), use_git=use_git)
    return {(f.rule_id.split("/")[0], f.path) for f in result.active_findings}


def test_tree_rules_judge_the_scanned_folder_only(tmp_path):
    _write(tmp_path, {
        "backend/app/main.py": APP,
        "backend/requirements.txt": "fastapi>=0.110\nuvicorn\n",
        "frontend/Dockerfile": "FROM python:3.12\nCMD python manage.py runserver 0.0.0.0:8000\n",
        "tools/requirements.txt": "black\n",
    })
    _git(tmp_path)
    found = _found(tmp_path / "backend", ("BA-DEP-003", "BA-DEP-004"), use_git=True)
    assert found == {("BA-DEP-004", "backend/requirements.txt")}
    everything = _found(tmp_path, ("BA-DEP-003", "BA-DEP-004"), use_git=True)
    assert ("BA-DEP-003", "frontend/Dockerfile") in everything and ("BA-DEP-004", "tools/requirements.txt") in everything


def test_a_lock_anywhere_pins_the_scanned_part(tmp_path):
    _write(tmp_path, {"backend/app/main.py": APP, "backend/requirements.txt": "fastapi>=0.110\n",
                      "poetry.lock": "[[package]]\nname = \"fastapi\"\nversion = \"0.110.0\"\n"})
    _git(tmp_path)
    assert _found(tmp_path / "backend", ("BA-DEP-004",), use_git=True) == set()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_tree_rules_do_not_read_through_symlinks(tmp_path):
    outside = _write(tmp_path / "outside", {"Dockerfile": "CMD python manage.py runserver\n"})
    repo = _write(tmp_path / "repo", {"app/main.py": APP})
    try:
        (repo / "Dockerfile").symlink_to(outside / "Dockerfile")
    except OSError:
        pytest.skip("cannot create symlinks here")
    assert ("BA-DEP-003", "Dockerfile") not in _found(repo, ("BA-DEP-003",))


def test_evidence_rules_are_silent_on_a_library(tmp_path):
    _write(tmp_path, {"lib/client.py": "import requests\n\n\ndef get(url):\n    return requests.get(url, timeout=5)\n"})
    found = _found(tmp_path, ("BA-LOG-005", "BA-LOG-006", "BA-ERR-003", "BA-PERF-005"))
    assert found == set()
    app = _found(_write(tmp_path, {"app/main.py": APP}), ("BA-LOG-005", "BA-LOG-006", "BA-ERR-003", "BA-PERF-005"))
    assert {rule for rule, _ in app} == {"BA-LOG-005", "BA-LOG-006", "BA-ERR-003", "BA-PERF-005"}
