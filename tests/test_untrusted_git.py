"""git runs on the scanned tree, which may carry its own git configuration: nothing in it may run a command
or move the scan outside the tree (docs/security.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from backend_audit.pipeline import git as gitexec
from backend_audit.pipeline.discovery import discover, git_root
from backend_audit.config import Settings
from backend_audit.workflow.changes import changed_lines

from ._gitrepo import commit, git, init, write

pytestmark = pytest.mark.skipif(not any(os.access(os.path.join(p, "git"), os.X_OK)
                                        for p in os.environ.get("PATH", "").split(os.pathsep) if p),
                                reason="git is not installed")


def _marker_command(marker: Path) -> str:
    return f"touch {marker}; false"


def _scan(cli, env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([cli, "scan", *args, "--no-cache", "-f", "json:-"], env=env, capture_output=True,
                          text=True, timeout=300)


def test_committed_bare_repository_folder_runs_nothing(tmp_path, cli, clean_env):
    marker = tmp_path / "PWNED"
    repo = init(tmp_path / "repo")
    bare = repo / "evil"
    bare.mkdir()
    git(bare, "init", "-q", "--bare", ".")
    # A folder shaped like a git dir whose config gives it a work tree: git picks it up when it runs there.
    git(bare, "config", "core.bare", "false")
    git(bare, "config", "core.worktree", "..")
    git(bare, "config", "core.fsmonitor", _marker_command(marker))
    (bare / "a.py").write_text("x = 1\n")
    commit(repo)
    for target in (bare, repo):
        proc = _scan(cli, clean_env, str(target))
        assert proc.returncode in (0, 1), proc.stderr
        assert "evil/a.py" in proc.stdout or '"a.py"' in proc.stdout
    assert not marker.exists()
    assert git_root(bare) is None


def test_delivered_git_config_runs_no_fsmonitor_filter_or_external_diff(tmp_path, cli, clean_env):
    marker = tmp_path / "PWNED"
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n", ".gitattributes": "*.py filter=evil diff=evil\n"})
    commit(repo)
    for key, value in (("core.fsmonitor", _marker_command(marker)),
                       ("filter.evil.clean", f"touch {marker}; cat"),
                       ("filter.evil.process", f"touch {marker}"),
                       ("diff.evil.command", f"touch {marker}"),
                       ("diff.evil.textconv", f"touch {marker}; cat"),
                       ("diff.external", f"touch {marker}"),
                       ("core.pager", f"touch {marker}; cat"),
                       ("core.hooksPath", str(tmp_path))):
        git(repo, "config", key, value)
    (repo / "app.py").write_text("x = 2\n")
    proc = _scan(cli, clean_env, str(repo), "--changed-since", "HEAD")
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists()
    assert changed_lines(repo, "HEAD").lines == {"app.py": {1}}
    assert not marker.exists()


def test_filter_drivers_from_an_included_config_are_neutralised_too(tmp_path, cli, clean_env):
    # include.path / includeIf in .git/config pull in a file from the work tree; git honours it when diffing
    marker = tmp_path / "PWNED"
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n", ".gitattributes": "*.py filter=evil\n",
                 "evil.cfg": f"[filter \"evil\"]\n\tclean = touch {marker}; cat\n\tprocess = touch {marker}\n"})
    commit(repo)
    git(repo, "config", "include.path", "../evil.cfg")
    git(repo, "config", f"includeIf.gitdir:{repo}/.git.path", "../evil.cfg")
    (repo / "app.py").write_text("x = 2\n")
    proc = _scan(cli, clean_env, str(repo), "--changed-since", "HEAD")
    assert proc.returncode in (0, 1), proc.stderr
    assert changed_lines(repo, "HEAD").lines == {"app.py": {1}}
    assert not marker.exists()


def test_core_worktree_cannot_move_the_scan_outside_the_tree(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.py": "password = 'x'\n"})
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n"})
    git(repo, "config", "core.worktree", str(outside))
    assert git_root(repo) is None
    found = discover([repo], Settings())
    assert [f.rel for f in found.files] == ["app.py"] and found.root == repo.resolve()


def test_git_environment_of_the_caller_is_ignored(tmp_path, monkeypatch):
    other = init(tmp_path / "other")
    write(other, {"other.py": "x = 1\n"})
    commit(other)
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n"})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='touch /nonexistent/x'")
    env = gitexec.environment()
    assert not any(k.startswith("GIT_") and k not in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_TERMINAL_PROMPT",
                                                      "GIT_OPTIONAL_LOCKS", "GIT_PAGER", "GIT_ATTR_NOSYSTEM")
               for k in env)
    assert env["HOME"] == os.devnull
    assert [f.rel for f in discover([repo], Settings()).files] == ["app.py"]


def test_a_git_program_in_the_scanned_folder_is_never_run(tmp_path, monkeypatch):
    marker = tmp_path / "PWNED"
    repo = tmp_path / "repo"
    repo.mkdir()
    fake = repo / "git"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(0o755)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", os.pathsep.join([".", "", os.environ.get("PATH", "")]))
    gitexec.git_binary.cache_clear()
    try:
        assert Path(gitexec.git_binary()).parent != repo
        discover([repo], Settings())
    finally:
        gitexec.git_binary.cache_clear()
    assert not marker.exists()


def test_changed_since_ref_cannot_be_an_option(tmp_path):
    from backend_audit.errors import ConfigError

    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n"})
    commit(repo)
    with pytest.raises(ConfigError, match="not a branch or commit name"):
        changed_lines(repo, "--output=/tmp/x")


def test_only_the_git_module_starts_processes():
    """Every process the tool starts goes through pipeline/git.py's hardening (workers are forked by the
    pool, not exec'd)."""
    import ast

    package = Path(__file__).resolve().parents[1] / "src" / "backend_audit"
    spawners = {"run", "Popen", "call", "check_call", "check_output", "system", "popen", "execv", "execvp",
                "spawnv", "spawnl", "getoutput", "getstatusoutput"}
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "git.py" and path.parent.name == "pipeline":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in spawners
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("subprocess", "os")):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


def test_the_runners_safe_directory_entries_are_kept(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /github/workspace\n[core]\n\tfsmonitor = evil\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    gitexec._safe_directories.cache_clear()
    try:
        args = gitexec._safe_directories()
        assert "safe.directory=/github/workspace" in args and not any("fsmonitor" in a for a in args)
    finally:
        gitexec._safe_directories.cache_clear()


def test_one_scan_reads_the_filter_drivers_once_and_neutralises_every_command(tmp_path, monkeypatch):
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n", ".gitattributes": "*.py filter=evil\n"})
    commit(repo)
    git(repo, "config", "filter.evil.clean", "false")
    reads: list[int] = []
    real = gitexec._filter_overrides
    monkeypatch.setattr(gitexec, "_filter_overrides", lambda *a: reads.append(1) or real(*a))
    with gitexec.config_read_once():
        outs = [gitexec.run(repo, "rev-parse", "HEAD") for _ in range(3)]
        assert gitexec.run(repo, "diff", "HEAD").returncode == 0
    assert reads == [1] and all(o.returncode == 0 for o in outs)
    gitexec.run(repo, "rev-parse", "HEAD")  # outside a scan: read again, as the config may have changed
    assert reads == [1, 1]
    calls: list[tuple] = []
    with gitexec.config_read_once():
        gitexec.run(repo, "rev-parse", "HEAD")  # the one read
        monkeypatch.setattr(gitexec, "_base", lambda cwd, timeout, args: calls.append(args))
        gitexec.run(repo, "rev-parse", "HEAD")
        gitexec.run(repo, "diff", "HEAD")
    assert len(calls) == 2 and all("filter.evil.clean=" in args for args in calls)


def test_one_scan_asks_a_folder_for_its_work_tree_root_once(tmp_path, monkeypatch):
    """Discovery and BA-SEC-001's listing both ask for the root: one `git rev-parse` per scan, not two."""
    repo = init(tmp_path / "repo")
    write(repo, {"app.py": "x = 1\n"})
    commit(repo)
    asked: list[tuple] = []
    real = gitexec.run
    monkeypatch.setattr(gitexec, "run", lambda cwd, *args, **kw: asked.append(args) or real(cwd, *args, **kw))
    with gitexec.config_read_once():
        roots = [gitexec.work_tree_root(repo), gitexec.work_tree_root(repo / "app.py"), gitexec.work_tree_root(repo)]
    assert roots == [repo.resolve()] * 3 and len(asked) == 1
    assert gitexec.work_tree_root(repo) == repo.resolve() and len(asked) == 2  # outside a scan: asked again


def test_safe_directory_entries_come_from_system_and_global_config_only(tmp_path, monkeypatch):
    """One `git config --show-scope` (or, on an older git, one call per scope): the runner's system and global
    entries in that order, with a space kept, and nothing else."""
    system, home = tmp_path / "system", tmp_path / "home"
    home.mkdir()
    system.write_text("[safe]\n\tdirectory = /srv/system one\n")
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /github/workspace\n\tdirectory = /second\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(system))
    monkeypatch.delenv("GIT_CONFIG_NOSYSTEM", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    gitexec._safe_directories.cache_clear()
    try:
        assert gitexec._safe_directories() == ("-c", "safe.directory=/srv/system one", "-c",
                                               "safe.directory=/github/workspace", "-c", "safe.directory=/second")
        real_run = gitexec.subprocess.run

        def older_git(cmd, **kwargs):  # git before 2.26: no --show-scope
            if "--show-scope" in cmd:
                return subprocess.CompletedProcess(cmd, 129, b"", b"error: unknown option `show-scope'")
            return real_run(cmd, **kwargs)

        monkeypatch.setattr(gitexec.subprocess, "run", older_git)
        gitexec._safe_directories.cache_clear()
        assert gitexec._safe_directories() == ("-c", "safe.directory=/srv/system one", "-c",
                                               "safe.directory=/github/workspace", "-c", "safe.directory=/second")
        monkeypatch.setattr(gitexec.subprocess, "run", real_run)
        (home / ".gitconfig").write_text("[core]\n\tbare = false\n")
        system.write_text("")
        gitexec._safe_directories.cache_clear()
        assert gitexec._safe_directories() == ()
    finally:
        gitexec._safe_directories.cache_clear()
