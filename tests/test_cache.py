"""The result cache: hits give the same result as a fresh analysis, anything that changes a result misses."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from backend_audit.pipeline import runner
from backend_audit.pipeline.cache import DEFAULT_DIR, ResultCache
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

BAD = 'def q(cursor, v):\n    cursor.execute(f"SELECT * FROM t WHERE a = {v}")\n'
SETTINGS = Settings(jobs=1, ignore=("BA-TEST",))


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "db.py").write_text(BAD, encoding="utf-8")
    (root / "app" / "ok.py").write_text("x = 1\n", encoding="utf-8")
    return root


def counting(monkeypatch) -> list[str]:
    analysed: list[str] = []
    real = runner._run_files

    def run_files(files, *args, **kwargs):
        # Analysis happens in worker processes; what the parent hands them is what the cache missed.
        analysed.extend(ref.rel for ref in files)
        return real(files, *args, **kwargs)

    monkeypatch.setattr(runner, "_run_files", run_files)
    return analysed


def summary(result) -> list[tuple]:
    return [(f.rule_id, f.path, f.line, f.fingerprint) for f in result.findings]


def test_warm_scan_analyses_nothing_and_reports_the_same(tmp_path, monkeypatch):
    root = tree(tmp_path)
    analysed = counting(monkeypatch)
    cold = scan([root], SETTINGS, use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"]
    analysed.clear()
    warm = scan([root], SETTINGS, use_git=False)
    assert analysed == []
    assert summary(warm) == summary(cold) and ("BA-SQL-001", "app/db.py", 2) in [s[:3] for s in summary(warm)]
    assert warm.lines_scanned == cold.lines_scanned and warm.files_scanned == cold.files_scanned
    assert (root / DEFAULT_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (root / DEFAULT_DIR / ".gitignore").read_text() == "*\n"


def test_changed_file_options_and_rules_miss(tmp_path, monkeypatch):
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    analysed = counting(monkeypatch)
    (root / "app" / "ok.py").write_text("x = 2\n", encoding="utf-8")
    scan([root], SETTINGS, use_git=False)
    assert analysed == ["app/ok.py"]
    analysed.clear()
    scan([root], SETTINGS.with_(ignore=("BA-TEST", "BA-SQL-001")), use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"]
    analysed.clear()
    scan([root], SETTINGS.with_(rule_options={"BA-QUAL-001": {"max_complexity": 3}}), use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"]


def test_no_cache_reads_and_writes_nothing(tmp_path, monkeypatch):
    root = tree(tmp_path)
    settings = SETTINGS.with_(extra={"no_cache": True})
    scan([root], settings, use_git=False)
    assert not (root / DEFAULT_DIR).exists()
    analysed = counting(monkeypatch)
    scan([root], settings, use_git=False)
    assert len(analysed) == 2


def test_corrupted_entries_are_misses_and_get_rewritten(tmp_path, monkeypatch):
    root = tree(tmp_path)
    cold = scan([root], SETTINGS, use_git=False)
    entries = sorted((root / DEFAULT_DIR).rglob("*.json"))
    assert len(entries) == 2
    entries[0].write_text('{"key": "trunc', encoding="utf-8")
    entries[1].write_text(json.dumps({"key": "someone else's", "result": {}}), encoding="utf-8")
    analysed = counting(monkeypatch)
    again = scan([root], SETTINGS, use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"] and summary(again) == summary(cold)
    assert all(json.loads(p.read_text())["result"] for p in entries)


def test_cache_dir_option_and_eviction(tmp_path):
    root = tree(tmp_path)
    elsewhere = tmp_path / "cache"
    scan([root], SETTINGS.with_(extra={"cache_dir": str(elsewhere)}), use_git=False)
    assert not (root / DEFAULT_DIR).exists() and len(list(elsewhere.rglob("*.json"))) == 2
    small = ResultCache(elsewhere, salt="x", max_bytes=1)
    oldest = sorted(elsewhere.rglob("*.json"))[0]
    os.utime(oldest, (1, 1))
    small.evict()
    assert not oldest.exists()


def test_transient_failures_are_not_cached(tmp_path):
    from backend_audit.pipeline.cache import cacheable
    from backend_audit.findings import FileResult, Skipped

    assert not cacheable(FileResult("a.py", skipped=[Skipped("a.py", "internal error while analysing: boom")]))
    assert cacheable(FileResult("a.py", skipped=[Skipped("a.py", "syntax error at line 1: x")]))


def test_warm_scan_imports_no_analysis_engine(tmp_path):
    """With every file a hit, neither bandit nor radon nor libcst loads: the command, reports included."""
    root = tree(tmp_path)
    (root / "old.py").write_text('print "py2"\n')  # a cached skip (libcst's grammar fallback read it once)
    code = textwrap.dedent(f"""
        import atexit, sys
        from backend_audit.cli import cli
        atexit.register(lambda: print(sorted(m for m in ("bandit", "radon", "libcst") if m in sys.modules)))
        sys.argv = ["backend-audit", "scan", {str(root)!r}, "-j", "1", "-f", "json:-", "-f", "sarif:{tmp_path}/r.sarif"]
        cli()
    """)
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 cwd=tmp_path).stdout.splitlines()[-1]
    assert run() == "['bandit', 'radon']"  # cold: preloaded for the workers (libcst only ever loads in one)
    assert run() == "[]"
