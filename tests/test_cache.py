"""The result cache: hits give the same result as a fresh analysis, anything that changes a result misses."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from backend_audit.pipeline import runner
from backend_audit.pipeline.cache import DEFAULT_DIR, ResultCache
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

BAD = 'def q(cursor, request):\n    cursor.execute(f"SELECT * FROM t WHERE a = {request.GET[\'v\']}")\n'
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


def pack(root: Path) -> Path:
    [found] = (root / DEFAULT_DIR / "v2").glob("*.pack")
    return found


def test_corrupted_entries_are_misses_and_get_rewritten(tmp_path, monkeypatch):
    root = tree(tmp_path)
    cold = scan([root], SETTINGS, use_git=False)
    lines = pack(root).read_bytes().split(b"\n")
    # two entries, the stat index and the project record
    assert len([line for line in lines if line.count(b"\t") >= 2]) == 4
    entries = [i for i, line in enumerate(lines) if line.count(b"\t") >= 2
               and line.split(b"\t")[1] not in (b"index", b"project")]
    lines[entries[0]] = lines[entries[0]][:40]  # truncated
    lines[entries[1]] = b"x\t" + lines[entries[1]].split(b"\t", 1)[1]  # wrong MAC
    pack(root).write_bytes(b"\n".join(lines))
    analysed = counting(monkeypatch)
    again = scan([root], SETTINGS, use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"] and summary(again) == summary(cold)
    analysed.clear()
    assert summary(scan([root], SETTINGS, use_git=False)) == summary(cold) and analysed == []


def test_an_edited_entry_is_not_trusted(tmp_path, monkeypatch):
    """A shared cache (CI) edited to drop a finding: the MAC fails, the file is analysed again."""
    root = tree(tmp_path)
    cold = scan([root], SETTINGS, use_git=False)
    assert any(f.rule_id == "BA-SQL-001" for f in cold.findings)
    data = pack(root).read_bytes().split(b"\n")
    for i, line in enumerate(data):
        if b'"path":"app/db.py"' in line and line.split(b"\t")[1] != b"project":
            mac, key, head, _rest = line.split(b"\t", 3)
            result = json.loads(head)
            result["findings"] = []
            # BA-SQL-001 is taint-backed: its finding comes from the file's facts (the lazily decoded part)
            result["facts"], result["order"] = {}, []
            data[i] = b"\t".join([mac, key, json.dumps(result, separators=(",", ":")).encode(), b"{}"])
    pack(root).write_bytes(b"\n".join(data))
    analysed = counting(monkeypatch)
    again = scan([root], SETTINGS, use_git=False)
    assert analysed == ["app/db.py"] and summary(again) == summary(cold)


def test_entries_written_under_another_key_are_not_trusted(tmp_path, monkeypatch):
    root = tree(tmp_path)
    monkeypatch.setenv("BACKEND_AUDIT_CACHE_KEY", "attacker-known")
    scan([root], SETTINGS, use_git=False)
    monkeypatch.setenv("BACKEND_AUDIT_CACHE_KEY", "the CI secret")
    analysed = counting(monkeypatch)
    scan([root], SETTINGS, use_git=False)
    assert sorted(analysed) == ["app/db.py", "app/ok.py"]


def test_key_file_is_private_and_refused_otherwise(tmp_path, monkeypatch):
    from backend_audit.pipeline.cache import CacheRefused, cache_key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    first = cache_key()
    keyfile = tmp_path / "home" / "backend-audit" / "cache-key"
    assert cache_key() == first and keyfile.stat().st_mode & 0o777 == 0o600
    keyfile.chmod(0o666)
    try:
        cache_key()
    except CacheRefused as exc:
        assert "not a private file" in str(exc)
    else:
        raise AssertionError("a world-writable key was trusted")
    root = tree(tmp_path)
    result = scan([root], SETTINGS, use_git=False)
    assert any("not a private file" in n["message"] for n in result.notifications)
    assert not (root / DEFAULT_DIR).exists()


def test_untouched_files_are_neither_read_nor_hashed(tmp_path, monkeypatch):
    root = tree(tmp_path)
    old = time.time_ns() - 10**10  # older than the racy window: the stat index may trust it
    for p in (root / "app").iterdir():
        os.utime(p, ns=(old, old))
    scan([root], SETTINGS, use_git=False)
    hashed: list[str] = []
    real = ResultCache.key

    def key(self, ref):
        hashed.append(ref.rel)
        return real(self, ref)

    monkeypatch.setattr(ResultCache, "key", key)
    warm = scan([root], SETTINGS, use_git=False)
    assert hashed == [] and warm.files_scanned == 2
    (root / "app" / "ok.py").write_text("x = 22\n", encoding="utf-8")
    analysed = counting(monkeypatch)
    scan([root], SETTINGS, use_git=False)
    assert hashed == ["app/ok.py"] and analysed == ["app/ok.py"]


def test_a_symlinked_cache_directory_is_refused(tmp_path):
    root = tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.json").write_text("{}", encoding="utf-8")
    (root / DEFAULT_DIR).symlink_to(outside, target_is_directory=True)
    result = scan([root], SETTINGS, use_git=False)
    assert any(".backend-audit-cache is a symbolic link" in n["message"] for n in result.notifications)
    assert sorted(p.name for p in outside.iterdir()) == ["keep.json"]
    assert any(f.rule_id == "BA-SQL-001" for f in result.findings)


def test_a_symlinked_v2_or_planted_files_inside_never_write_outside(tmp_path):
    root = tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / DEFAULT_DIR).mkdir()
    (root / DEFAULT_DIR / "v2").symlink_to(outside, target_is_directory=True)
    (root / DEFAULT_DIR / "CACHEDIR.TAG").symlink_to(outside / "tag")
    result = scan([root], SETTINGS, use_git=False)
    assert any("v2 is a symbolic link" in n["message"] for n in result.notifications)
    assert list(outside.iterdir()) == []
    (root / DEFAULT_DIR / "v2").unlink()
    scan([root], SETTINGS, use_git=False)  # a real v2 now; the planted tag link stays a link, unwritten
    victim = outside / "victim.pack"
    victim.write_text("mine", encoding="utf-8")
    p = pack(root)
    p.unlink()
    p.symlink_to(victim)
    scan([root], SETTINGS, use_git=False)
    assert victim.read_text(encoding="utf-8") == "mine" and not p.is_symlink()
    assert sorted(q.name for q in outside.iterdir()) == ["victim.pack"]


def test_cache_dir_option_and_eviction(tmp_path):
    root = tree(tmp_path)
    elsewhere = tmp_path / "cache"
    scan([root], SETTINGS.with_(extra={"cache_dir": str(elsewhere)}), use_git=False)
    assert not (root / DEFAULT_DIR).exists() and len(list(elsewhere.rglob("*.pack"))) == 1
    scan([root], SETTINGS.with_(ignore=("BA-TEST", "BA-SQL"), extra={"cache_dir": str(elsewhere)}), use_git=False)
    first, second = sorted((elsewhere / "v2").glob("*.pack"), key=lambda p: p.stat().st_mtime_ns)
    os.utime(first, (1, 1))
    (elsewhere / "v2" / "notes.txt").write_text("not ours", encoding="utf-8")
    small = ResultCache(elsewhere, salt=second.name[:-5] + "0" * 32, max_bytes=1)
    small.evict()
    assert not first.exists() and second.exists() and (elsewhere / "v2" / "notes.txt").exists()


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
    # cold and small: analysed in this process, bandit only when a file needs it, libcst only in a worker
    assert run() == "['radon']"
    assert run() == "[]"


def test_the_salt_covers_every_module_of_the_package():
    """Editing a check (not just the pipeline) must invalidate an editable install's cache."""
    from backend_audit.pipeline.cache import _code_files

    names = {p.relative_to(p.parents[1]).as_posix() for p in _code_files() if p.parent.name in ("checks", "model")}
    assert {"checks/sql.py", "model/facts.py"} <= names


def test_concurrent_scans_leave_a_whole_pack(tmp_path, monkeypatch):
    """Two scans of one tree writing at once: each reports the same, and the pack the last one wrote is whole."""
    root = tree(tmp_path)
    for i in range(12):
        (root / "app" / f"m{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n", encoding="utf-8")
    code = ("import sys\nfrom backend_audit.cli import main\n"
            f"sys.exit(main(['scan', {str(root)!r}, '-j', '1', '--ignore', 'BA-TEST', '-f', 'json:-']))\n")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=tmp_path) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1, 1, 1], [o[1] for o in outs]
    reports = {json.dumps(json.loads(o[0])["findings"], sort_keys=True) for o in outs}
    assert len(reports) == 1
    analysed = counting(monkeypatch)
    again = scan([root], SETTINGS, use_git=False)
    assert analysed == [] and json.dumps([f.to_dict() for f in again.findings], sort_keys=True) in reports


def test_a_planted_pack_costs_no_memory(tmp_path):
    """A scanned repository can commit a pack under the predictable name: lines failing the MAC are dropped
    as they are read, and reading stops at the size cap."""
    from backend_audit.pipeline.cache import _HEADER

    (tmp_path / "v2").mkdir()
    salt = "ab" * 32
    junk = b"".join(b"%064x\t%064x\t{\"path\":\"a.py\",\"pad\":\"%s\"}\n" % (i, i, b"x" * 200) for i in range(5000))
    (tmp_path / "v2" / f"{salt[:32]}.pack").write_bytes(_HEADER + junk)
    cache = ResultCache(tmp_path, salt=salt, max_bytes=len(junk) // 2, key=b"k" * 32)
    assert cache._lines == {} and 2000 < cache.rejected <= 2600
