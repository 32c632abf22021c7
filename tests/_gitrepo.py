"""Temporary git repositories for the pull-request workflow tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from backend_audit.cli import main

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(root: Path, *args: str) -> str:
    import os

    out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **ENV})
    assert out.returncode == 0, f"git {' '.join(args)}: {out.stderr}"
    return out.stdout


def init(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def query(i: int, table: str | None = None) -> str:
    """One BA-SQL-001 violation (request data in the SQL text: an error) in its own function."""
    return (f"def q{i}(cursor, request):\n"
            f"    cursor.execute(f\"SELECT * FROM {table or f't{i}'} WHERE a = {{request.GET['v']}}\")\n\n\n")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    args = list(args)
    if args[:1] == ["scan"] or args[:2] == ["baseline", "create"]:
        # These throwaway repos have no test suite on purpose: keep the test-suite rules out of the counts.
        args.insert(2 if args[0] == "baseline" else 1, "--ignore=BA-TEST")
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err
