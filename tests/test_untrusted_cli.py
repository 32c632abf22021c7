"""Command-line surface against hostile file names and planted output paths (docs/security.md)."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

from backend_audit.reporters import write_atomic
from backend_audit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BODY = 'def q(cursor, request):\n    cursor.execute(f"SELECT * FROM t WHERE a = {request.body}")\n'


def test_pre_commit_entry_ends_the_options(tmp_path, cli, clean_env):
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    entry = shlex.split(hook["entry"])
    assert entry[-1] == "--"
    (tmp_path / "victim.py").write_text("x = 1\n")
    (tmp_path / "-fhtml:victim.py").write_text(BODY)
    # pre-commit runs the entry with the staged names appended, from the repository root
    proc = subprocess.run([cli, *entry[1:], "-fhtml:victim.py", "victim.py"], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert (tmp_path / "victim.py").read_text() == "x = 1\n"
    assert proc.returncode == 1 and "BA-SQL-001" in proc.stdout, proc.stderr


def test_report_into_a_fifo_writes_through_it(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, '{"ok": true}\n')
    reader.join(10)
    assert got == [b'{"ok": true}\n'] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_report_through_a_symlink_to_a_device_keeps_both(tmp_path, cli, clean_env):
    link = tmp_path / "out.json"
    os.symlink(os.devnull, link)
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = subprocess.run([cli, "scan", str(tmp_path / "a.py"), "--no-cache", "-f", f"json:{link}"], env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert os.path.islink(link) and os.readlink(link) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_report_through_a_symlink_replaces_the_target_not_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "link.json"
    os.symlink(real, link)
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_planted_default_report_folder_is_refused(tmp_path, cli, clean_env):
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("x = 1\n")
    os.symlink(outside, repo / "reports")
    proc = subprocess.run([cli, "scan", ".", "--no-cache", "-f", "json"], cwd=repo, env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "refusing to write the default report path" in proc.stderr
    assert proc.stderr.count("\n") == 1 and list(outside.iterdir()) == []


def test_planted_default_report_file_symlink_is_refused(tmp_path):
    (tmp_path / "reports").mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    os.symlink(victim, tmp_path / "reports" / "backend-audit.json")
    with pytest.raises(ConfigError, match="symlink or special file"):
        write_atomic(tmp_path / "reports" / "backend-audit.json", "x\n", default=True)
    assert victim.read_text() == "keep\n"


@pytest.mark.parametrize("second", ["sarif:{d}/same.json", "html:{d}/sub/../same.json", "gitlab:{d}/alias.json"])
def test_two_formats_to_one_file_are_refused(tmp_path, cli, clean_env, second):
    (tmp_path / "a.py").write_text("x = 1\n")
    os.symlink(tmp_path / "same.json", tmp_path / "alias.json")
    (tmp_path / "sub").mkdir()
    proc = subprocess.run([cli, "scan", str(tmp_path / "a.py"), "--no-cache", "-f", f"json:{tmp_path}/same.json",
                           "-f", second.format(d=tmp_path)], env=clean_env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "both write" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "same.json").exists()


@pytest.mark.parametrize("option", ["--baseline", "--coverage", "--agents", "--config"])
def test_relative_option_path_redirected_out_of_the_checkout_is_refused(tmp_path, cli, clean_env, option):
    outside = tmp_path / "outside.json"
    outside.write_text("{}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("x = 1\n")
    os.symlink(outside, repo / "committed.json")
    proc = subprocess.run([cli, "scan", ".", "--no-cache", option, "committed.json", "-f", "json:-"], cwd=repo,
                          env=clean_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "leads outside it" in proc.stderr and proc.stderr.count("\n") == 1
    proc = subprocess.run([cli, "scan", ".", "--no-cache", option, str(outside), "-f", "json:-"], cwd=repo,
                          env=clean_env, capture_output=True, text=True, timeout=300)
    assert "leads outside it" not in proc.stderr  # typed absolute: the user's own choice
