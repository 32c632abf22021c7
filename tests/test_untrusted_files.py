"""Scanned files themselves: odd codec cookies, nested repositories, names SARIF must keep
(docs/security.md)."""

from __future__ import annotations

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

from .test_cache import counting

COOKIES = {"rot13": "not a text encoding", "hex": "not a text encoding", "zlib": "not a text encoding",
           "base64": "not a text encoding", "undefined": "'undefined' codec", "punycode": "'punycode' codec"}


def test_odd_codec_cookies_are_skipped_with_a_reason_and_cached(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    for name in COOKIES:
        (root / f"{name}.py").write_bytes(f"# coding: {name}\nx = 1\n".encode())
    analysed = counting(monkeypatch)
    settings = Settings(jobs=1, ignore=("BA-TEST",))
    first = scan([root], settings, use_git=False)
    reasons = {s.path: s.reason for s in first.skipped}
    for name, needle in COOKIES.items():
        assert needle in reasons[f"{name}.py"] and "internal error" not in reasons[f"{name}.py"]
    assert len(analysed) == len(COOKIES)
    analysed.clear()
    again = scan([root], settings, use_git=False)
    assert analysed == []  # cached like any other result
    assert {s.path: s.reason for s in again.skipped} == reasons


def test_untracked_nested_repository_files_are_analysed(tmp_path):
    from ._gitrepo import commit, init, write

    root = init(tmp_path / "repo")
    write(root, {"app.py": "x = 1\n"})
    commit(root)
    inner = init(root / "inner")
    write(inner, {"b.py": 'def q(c, v):\n    c.execute(f"SELECT {v}")\n', "node_modules/x.py": "x = 1\n"})
    result = scan([root], Settings(jobs=1, select=("BA-SQL-001",)))
    assert result.files_scanned == 2 and not result.skipped
    assert [f.path for f in result.findings] == ["inner/b.py"]


def test_submodule_is_listed_as_skipped(tmp_path):
    from ._gitrepo import commit, git, init, write

    lib = init(tmp_path / "lib")
    write(lib, {"lib.py": "x = 1\n"})
    commit(lib)
    root = init(tmp_path / "repo")
    write(root, {"app.py": "x = 1\n"})
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    commit(root)
    result = scan([root], Settings(jobs=1, select=("BA-SQL-001",)))
    assert [(s.path, "submodule" in s.reason) for s in result.skipped] == [("vendor/lib", True)]


def test_workers_die_with_a_killed_parent(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    code = ("import sys, time\n"
            "from backend_audit.pipeline.pool import WorkerPool\n"
            "pool = WorkerPool(time.sleep, lambda item, reason: None, jobs=2, timeout=None)\n"
            "def tell():\n"
            "    print(' '.join(str(w.proc.pid) for w in pool.workers), flush=True)\n"
            "pool.run([3600, 3600], meanwhile=tell)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids: list[int] = []
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2
        os.kill(parent.pid, signal.SIGKILL)  # what a CI timeout does
        parent.wait(30)
        alive = pids
        for _ in range(300):  # bounded wait for the kernel to deliver the signal, not a speed check
            alive = [p for p in pids if _alive(p)]
            if not alive:
                break
            time.sleep(0.1)
        assert alive == [], "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
        for pid in pids:  # a regression leaves orphans behind: do not leak them past the test
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    import os

    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_backslash_file_name_keeps_its_name_in_sarif(tmp_path):
    import json

    from backend_audit.reporters import sarif

    root = tmp_path / "repo"
    root.mkdir()
    (root / "\\back.py").write_text('def q(c, v):\n    c.execute(f"SELECT {v}")\n')
    (root / "back.py").write_text("x = 1\n")
    result = scan([root], Settings(jobs=1, select=("BA-SQL-001",)), use_git=False)
    log = json.loads(sarif.render(result, {}))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris == ["%5Cback.py"]


def test_config_files_read_as_evidence_may_be_fifos_or_symlinks_out(tmp_path, cli, clean_env):
    import os
    import subprocess

    outside = tmp_path / "outside.txt"
    outside.write_text("secret-package==1.0\n")
    root = tmp_path / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "app.py").write_text("x = 1\n")
    (root / "tests" / "test_app.py").write_text("import app\n\n\ndef test_x():\n    assert app.x\n")
    for name in ("pyproject.toml", "tox.ini", "setup.cfg", "pytest.ini", "requirements.txt"):
        os.mkfifo(root / name)
    os.symlink(outside, root / "requirements-dev.txt")
    # A child with a timeout: a blocking open of any of the FIFOs would hang the scan.
    done = subprocess.run([cli, "scan", str(root), "--no-cache", "-f", "json:-"], env=clean_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "secret-package" not in done.stdout


def test_project_findings_on_special_files_do_not_hang_the_reports(tmp_path, cli, clean_env):
    import json
    import os
    import subprocess

    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    os.mkfifo(root / ".env")  # BA-SEC-001 flags a committed .env; SARIF and HTML then read the file
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", root / "id_rsa")
    done = subprocess.run([cli, "scan", str(root), "--no-cache", "--select", "BA-SEC-001", "-f", "sarif:-",
                           "-f", f"html:{tmp_path / 'r.html'}"], env=clean_env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    assert ".env" in {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}


def test_watchdog_fallback_ends_an_orphan_where_prctl_is_missing(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    # The non-Linux path, forced: a grandchild with the watchdog thread, whose parent is then SIGKILLed.
    code = ("import os, sys, time\n"
            "from backend_audit.pipeline import pool\n"
            "parent = os.getpid()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    sys.platform = 'darwin'\n"
            "    pool.die_with_parent(parent)\n"
            "    time.sleep(3600)\n"
            "    os._exit(0)\n"
            "print(pid, flush=True)\n"
            "time.sleep(3600)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = 0
    try:
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(30)
        for _ in range(300):  # bounded wait for the watchdog's next poll
            if not _alive(child):
                break
            time.sleep(0.1)
        assert not _alive(child), "the orphan outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)


def test_repo_texts_are_read_one_at_a_time(tmp_path, monkeypatch):
    # a hostile tree may hold thousands of matching files of 256 KB: texts() must not keep them all
    from backend_audit.checks import repo_text

    for i in range(3):
        (tmp_path / f"requirements-{i}.txt").write_text(f"pkg{i}\n")

    class Project:
        root = tmp_path

        def memo(self, key, make):
            return make()

        def in_scope(self, rel):
            return True

    monkeypatch.setattr(repo_text, "repo_files", lambda project, scoped=True: sorted(
        p.name for p in tmp_path.iterdir()))
    reads = []
    monkeypatch.setattr(repo_text, "read_small", lambda project, rel: reads.append(rel) or f"text of {rel}")
    it = repo_text.texts(Project(), lambda r: r.startswith("requirements"))
    assert reads == []  # nothing read before it is asked for
    assert next(it) == ("requirements-0.txt", "text of requirements-0.txt") and reads == ["requirements-0.txt"]
    assert [rel for rel, _ in it] == ["requirements-1.txt", "requirements-2.txt"]
