"""Config files come with the scanned repository: their paths stay inside the project, their values are
checked. Reports are written atomically."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from backend_audit.config import settings_from_table
from backend_audit.errors import ConfigError
from backend_audit.reporters import write_atomic


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    return root


def source(root: Path) -> str:
    return str(root / "pyproject.toml")


@pytest.mark.parametrize("key,value", [
    ("baseline", "../baseline.json"),
    ("baseline", "/etc/passwd"),
    ("coverage", "reports/../../coverage.xml"),
    ("cache-dir", "/tmp/elsewhere"),
    ("agents", ["agents/ok.md", "../../home/agents"]),
])
def test_config_paths_cannot_leave_the_project(project, key, value):
    with pytest.raises(ConfigError, match="outside the project root"):
        settings_from_table({key: value}, source(project))


def test_symlink_inside_the_project_that_leaves_it_is_refused(project, tmp_path):
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", project / "link")
    with pytest.raises(ConfigError, match="'baseline' = 'link/b.json' points outside"):
        settings_from_table({"baseline": "link/b.json"}, source(project))


def test_paths_inside_the_project_are_kept(project):
    s = settings_from_table({"baseline": ".backend-audit/baseline.json", "coverage": "coverage.xml",
                             "agents": [".claude/agents"], "cache-dir": "./.cache"}, source(project))
    assert s.extra["baseline"] == ".backend-audit/baseline.json" and s.extra["agents"] == [".claude/agents"]


@pytest.mark.parametrize("key,value", [("exclude", ["../other"]), ("test-paths", ["tests/../../x"]),
                                       ("per-file-ignores", {"../x/*.py": ["BA"]})])
def test_patterns_with_dotdot_are_refused(project, key, value):
    with pytest.raises(ConfigError, match="contains '..'"):
        settings_from_table({key: value}, source(project))


@pytest.mark.parametrize("value", [True, float("nan"), 0, -1, "60"])
def test_file_timeout_must_be_a_positive_number(project, value):
    with pytest.raises(ConfigError, match="file-timeout"):
        settings_from_table({"file-timeout": value}, source(project))


def test_unknown_key_is_named(project):
    with pytest.raises(ConfigError, match="unknown key 'exlude'"):
        settings_from_table({"exlude": ["x"]}, source(project))


def test_write_atomic_replaces_whole_file_with_normal_permissions(tmp_path):
    target = tmp_path / "out" / "report.sarif"
    write_atomic(target, "first\n")
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["report.sarif"]


def test_write_atomic_failure_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ConfigError, match="cannot write .*No space left on device"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_atomic_to_a_directory_is_a_one_line_error(tmp_path, cli, clean_env):
    import subprocess

    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "out.json").mkdir()
    proc = subprocess.run([cli, "scan", str(tmp_path), "-f", f"json:{tmp_path / 'out.json'}"], env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "cannot write" in proc.stderr
