"""Hostile input never crashes the run nor loses a file; scanned code is never executed; output is
byte-identical whatever the parallelism."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from backend_audit import reporters
from backend_audit.config import Settings
from backend_audit.pipeline.pool import WorkerPool
from backend_audit.pipeline.runner import scan

from . import hostile
from .conftest import EXAMPLES


def run(cli, *args, cwd=None, env=None):
    return subprocess.run([cli, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def states(data: dict, expected: dict[str, str]) -> dict[str, str]:
    """{path: ANALYSED or the skip reason} for every expected path, read back from the JSON report."""
    partial = {s["path"]: hostile.PARTIAL + s["reason"] for s in data["skipped"] if s["kind"] == "partial"}
    skipped = {s["path"]: s["reason"] for s in data["skipped"] if s["kind"] == "skipped"}
    return {path: skipped.get(path, partial.get(path, hostile.ANALYSED)) for path in expected}


def assert_states(data: dict, expected: dict[str, str]) -> None:
    got = states(data, expected)
    wrong = {p: (want, got[p]) for p, want in expected.items() if not hostile.matches(want, got[p])}
    assert not wrong, wrong
    assert {s["path"] for s in data["skipped"]} <= set(expected), "a skip for a file that was not in the tree"


@pytest.mark.slow
def test_hostile_tree_every_file_ends_analysed_or_skipped(cli, clean_env, tmp_path):
    root = tmp_path / "root"
    expected = hostile.build(root, tmp_path / "outside")
    # 100,000-element literals cost libcst about a minute: with a 10 s limit they exercise the real
    # timeout path, and on a fast machine they may finish, which is fine too.
    expected["big_list.py"] = expected["big_dict.py"] = "per-file time limit"
    out = tmp_path / "r.json"
    proc = run(cli, "scan", str(root), "-j", "2", "--file-timeout", "10", "-f", f"json:{out}", "-f", "text",
               env=clean_env)
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(out.read_text())
    got = states(data, expected)
    for name in ("big_list.py", "big_dict.py"):
        if got[name] == hostile.ANALYSED:
            expected[name] = hostile.ANALYSED
    assert_states(data, expected)
    summary = data["summary"]
    assert summary["files_discovered"] == len(expected)
    assert summary["files_scanned"] + summary["files_skipped"] == summary["files_discovered"]
    assert summary["files_skipped"] == sum(1 for v in expected.values() if hostile.is_skip(v))
    assert summary["files_partial"] == sum(1 for v in expected.values() if v.startswith(hostile.PARTIAL))
    assert f"{len(expected)} files: {summary['files_scanned']} scanned" in proc.stdout
    assert "hunter2" not in out.read_text()  # the escaping symlink's target was never read
    lines = {fr.get("path"): fr for fr in data["findings"]}
    assert lines["fine.py"]["rule_id"] == "BA-INP-003"


def test_python2_file_another_grammar_accepts_is_skipped_as_python2(tmp_path):
    # libcst's grammar fallback reads `except E, e:`, but no rule runs on it: a skip that names Python 2
    (tmp_path / "old.py").write_bytes(hostile.FILES["python2_except.py"][0])
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    (entry,) = result.skipped
    assert entry.kind == "skipped" and entry.line == 3
    assert "'except E, name:' at line 3" in entry.reason and "only Python 3 is analysed" in entry.reason
    assert result.files_scanned == 0 and result.files_discovered == 1


def test_decoding_and_line_counts(tmp_path):
    for name in ("latin1_cookie.py", "bom.py", "crlf.py", "lone_cr.py", "empty.py", "comments_only.py"):
        (tmp_path / name).write_bytes(hostile.FILES[name][0])
    result = scan([tmp_path], Settings(jobs=2), use_git=False)
    assert result.skipped == []
    lines = {fr.path: fr.lines for fr in result.file_results}
    assert lines == {"latin1_cookie.py": 2, "bom.py": 2, "crlf.py": 4, "lone_cr.py": 4, "empty.py": 0,
                     "comments_only.py": 2}


def test_native_parser_crash_costs_one_file_even_with_one_job(tmp_path):
    (tmp_path / "a_ok.py").write_text("import os\n")
    (tmp_path / "and_chain.py").write_bytes(hostile.FILES["and_chain_syntax_error.py"][0])
    (tmp_path / "z_ok.py").write_text("import sys\n")
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    assert [(s.path, s.reason.split(" (")[0]) for s in result.skipped] == [
        ("and_chain.py", "analysis crashed the worker")]
    assert "SIGSEGV" in result.skipped[0].reason or "SIGABRT" in result.skipped[0].reason
    assert result.files_scanned == 2 and result.files_discovered == 3


def test_scanner_never_imports_or_executes_scanned_code(cli, clean_env, tmp_path):
    marker = tmp_path / "executed.txt"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    root = tmp_path / "proj"
    for rel in ("app/__init__.py", "app/models.py", "conftest.py", "setup.py", "app/__main__.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"import os\n{payload}\nclass Model:\n    x = {payload.strip()}\n")
    (root / "sitecustomize.py").write_text(payload)
    (root / "app" / "plugin.pth").write_text(f"import os; {payload}")
    proc = run(cli, "scan", str(root), "-f", "json:-", env=clean_env, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["summary"]["files_scanned"] == 6
    assert not marker.exists()


def test_unreadable_file_is_skipped(cli, clean_env, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    secret = tmp_path / "secret.py"
    secret.write_text("x = 2\n")
    hostile.make_unreadable(secret)
    prefix: list[str] = []
    if os.geteuid() == 0:
        # chmod 000 does not stop root: scan as root without the capabilities that bypass permissions.
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not installed to drop CAP_DAC_OVERRIDE")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    proc = subprocess.run([*prefix, cli, "scan", str(tmp_path), "-f", "json:-"], env=clean_env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert_states(json.loads(proc.stdout), {"ok.py": hostile.ANALYSED, "secret.py": "permission denied"})


# --- the worker pool on its own: hang, segfault, exit, in any position -------------------------------------

def _behave(item: str) -> str:
    if item.startswith("hang"):
        time.sleep(120)
    elif item.startswith("segv"):
        os.kill(os.getpid(), signal.SIGSEGV)
    elif item.startswith("exit"):
        os._exit(7)
    return item.upper()


def _failure(item: str, reason: str) -> str:
    return f"{item}: {reason}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_pool_isolates_hangs_and_crashes(jobs):
    items = ["segv0", "a", "hang1", "b", "exit2", "c", "segv3", "d"]
    t0 = time.monotonic()
    got = WorkerPool(_behave, _failure, jobs=jobs, timeout=1.0).run(items)
    assert time.monotonic() - t0 < 30
    assert got[1::2] == ["A", "B", "C", "D"]
    assert got[0] == "segv0: analysis crashed the worker (killed by SIGSEGV)"
    assert got[2] == "hang1: analysis took longer than the 1 s per-file time limit (raise --file-timeout to scan it)"
    assert got[4] == "exit2: analysis crashed the worker (exit status 7)"
    assert got[6].startswith("segv3: analysis crashed the worker")


def test_pool_keeps_item_order_and_custom_schedule():
    items = [f"f{i}" for i in range(40)]
    got = WorkerPool(_behave, _failure, jobs=3, timeout=None).run(items, order=list(reversed(range(40))))
    assert got == [i.upper() for i in items]
    assert WorkerPool(_behave, _failure, jobs=2, timeout=1).run([]) == []


def _broken_start() -> None:
    os._exit(3)


def test_pool_runs_the_callers_work_while_workers_start():
    calls = []
    pool = WorkerPool(_behave, _failure, jobs=2, timeout=10)
    # called once, when every worker holds an item and none has reported back yet
    got = pool.run(["a", "b", "c"], meanwhile=lambda: calls.append([(w.ready, w.index) for w in pool.workers]))
    assert got == ["A", "B", "C"] and calls == [[(False, 0), (False, 1)]]
    assert WorkerPool(_behave, _failure, jobs=2, timeout=1).run([], meanwhile=lambda: calls.append("empty")) == []
    assert calls[-1] == "empty"


@pytest.mark.parametrize("dead_before_handover", [False, True])
def test_pool_does_not_blame_an_item_for_a_worker_that_dies_starting(monkeypatch, dead_before_handover):
    # the first item is handed over before start-up finishes; a death then is the installation's fault,
    # also when the worker is already gone by the time the item is sent (a broken pipe)
    if dead_before_handover:
        spawn = WorkerPool._spawn

        def spawn_and_wait(self):
            worker = spawn(self)
            worker.proc.join(10)
            return worker

        monkeypatch.setattr(WorkerPool, "_spawn", spawn_and_wait)
    with pytest.raises(RuntimeError, match="die on start-up"):
        WorkerPool(_behave, _failure, jobs=1, timeout=5, init=_broken_start).run(["a"])


# --- determinism --------------------------------------------------------------------------------------------

FILE_FORMATS = sorted(name for name in reporters.REPORTERS if name not in ("html", "text"))


def test_every_file_format_is_byte_identical_across_jobs(cli, clean_env, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(EXAMPLES, root / "examples")
    for name in ("python2.py", "nul_byte.py", "crlf.py", "syntax_error.py", "and_chain_syntax_error.py", "mixed_bytes.py"):
        (root / "odd" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "odd" / name).write_bytes(hostile.FILES[name][0])
    env = {**clean_env, "SOURCE_DATE_EPOCH": "1700000000"}
    outputs = {}
    for jobs in ("1", "2"):
        args = [a for fmt in FILE_FORMATS for a in ("-f", f"{fmt}:{tmp_path / jobs / fmt}")]
        proc = run(cli, "scan", str(root), "-j", jobs, *args, env=env, cwd=root)
        assert proc.returncode in (0, 1), proc.stderr
        outputs[jobs] = {fmt: (tmp_path / jobs / fmt).read_bytes() for fmt in FILE_FORMATS}
    assert "json" in FILE_FORMATS
    for fmt in FILE_FORMATS:
        assert outputs["1"][fmt] == outputs["2"][fmt], fmt
    assert b"analysis crashed the worker" in outputs["1"]["json"]


def test_a_small_scan_runs_in_process_under_the_per_file_time_limit(tmp_path, monkeypatch):
    """Few files: no worker processes, but a file that hangs still costs only that file."""
    from backend_audit.pipeline import runner

    (tmp_path / "hang.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "ok.py").write_text("import pickle\npickle.loads(b'')\n", encoding="utf-8")
    (tmp_path / "py2.py").write_text('print "old"\n', encoding="utf-8")
    real = runner.analyse_file

    def analyse(ref, plan):
        assert plan.in_process or ref.rel == "py2.py"  # only the grammar fallback goes to a worker
        while ref.rel == "hang.py":
            pass
        return real(ref, plan)

    monkeypatch.setattr(runner, "analyse_file", analyse)
    result = runner.scan([tmp_path], Settings(jobs=1, file_timeout=5, extra={"no_cache": True}), use_git=False)
    reasons = {s.path: s.reason for s in result.skipped}
    assert "per-file time limit" in reasons["hang.py"] and "Python 2" in reasons["py2.py"]
    assert any(f.path == "ok.py" for f in result.findings)
