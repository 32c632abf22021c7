"""The result cache's pack is updated by appending whole HMAC'd lines, and compacted past a quarter dead."""

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from backend_audit.findings import FileResult
from backend_audit.pipeline.cache import ResultCache
from backend_audit.pipeline.runner import scan

from .test_cache import BAD, SETTINGS, counting, pack, summary, tree

SALT = "cd" * 32
KEY = b"k" * 32


def names(path: Path) -> list[bytes]:
    return [line.split(b"\t")[1] for line in path.read_bytes().split(b"\n") if line.count(b"\t") >= 2]


def aged(root: Path) -> None:
    for path in (root / "app").iterdir():
        os.utime(path, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))


def test_an_edit_appends_and_a_rescan_reports_as_a_cold_scan(tmp_path, monkeypatch):
    root = tree(tmp_path)
    aged(root)
    scan([root], SETTINGS, use_git=False)
    scan([root], SETTINGS, use_git=False)
    before = pack(root).read_bytes()
    inode = pack(root).stat().st_ino
    (root / "app" / "ok.py").write_text("x = 2\n", encoding="utf-8")
    (root / "app" / "db.py").write_text("# moved\n" + BAD, encoding="utf-8")
    aged(root)  # older than the racy window, so the stat index records the edit (an index+ line)
    edited = scan([root], SETTINGS, use_git=False)
    after = pack(root).read_bytes()
    assert pack(root).stat().st_ino == inode and after.startswith(before)  # appended, not rewritten
    assert b"index+" in names(pack(root))
    analysed = counting(monkeypatch)
    warm = scan([root], SETTINGS, use_git=False)
    assert analysed == []  # the appended entries and index changes read back
    cold = scan([root], replace(SETTINGS, extra={"no_cache": True}), use_git=False)
    assert summary(warm) == summary(edited) == summary(cold)
    assert ("BA-SQL-001", "app/db.py", 3) in [s[:3] for s in summary(warm)]


def result(path: str, value: int) -> FileResult:
    return FileResult(path=path, facts={"is_test": False, "value": value}, lines=value)


def fresh(directory: Path, **kw) -> ResultCache:
    return ResultCache(directory, salt=SALT, key=KEY, **kw)


def seeded(directory: Path, count: int) -> Path:
    """A pack written whole with `count` entries (m0.py... of value 1); its path."""
    first = fresh(directory)
    for i in range(count):
        first.put(f"{i:064x}", result(f"m{i}.py", 1))
    first.flush()
    return directory / "v2" / f"{SALT[:32]}.pack"


def test_the_last_line_of_a_key_wins(tmp_path):
    seeded(tmp_path, 40)  # no pack yet: written whole
    second = fresh(tmp_path)
    second.put(f"{0:064x}", result("m0.py", 2))  # a key whose entry another scan stored differently
    second.flush()
    assert names(tmp_path / "v2" / f"{SALT[:32]}.pack").count(b"%064x" % 0) == 2
    third = fresh(tmp_path)
    assert third.get(f"{0:064x}", "m0.py").lines == 2 and third.get(f"{1:064x}", "m1.py").lines == 1
    assert third.rejected == 0


def test_dead_lines_past_a_quarter_compact_the_pack(tmp_path):
    path = seeded(tmp_path, 4)
    appended = compacted = 0
    for round_ in range(2, 12):
        inode = path.stat().st_ino
        cache = fresh(tmp_path)
        cache.put(f"{round_ % 4:064x}", result(f"m{round_ % 4}.py", round_))
        cache.flush()
        if path.stat().st_ino == inode:
            appended += 1
        else:
            compacted += 1
            # the compacted pack holds each key once, the latest entry
            assert sorted(names(path)) == sorted(set(names(path)))
        assert fresh(tmp_path).get(f"{round_ % 4:064x}", f"m{round_ % 4}.py").lines == round_
        read = fresh(tmp_path)  # an append never leaves more than a quarter of the pack dead
        assert (read._pack_bytes - read._live_bytes) * 4 <= read._pack_bytes
    assert appended and compacted
    last = fresh(tmp_path)
    assert [last.get(f"{i:064x}", f"m{i}.py").lines for i in range(4)] == [8, 9, 10, 11]


def test_a_torn_trailing_line_is_dropped_and_the_next_append_reads_back(tmp_path):
    path = seeded(tmp_path, 20)
    whole = path.read_bytes()
    last_entry = [line for line in whole.split(b"\n") if line.count(b"\t") >= 2][5]
    with path.open("ab") as fh:  # a writer killed half-way through its line
        fh.write(last_entry[: len(last_entry) // 2])
    torn = fresh(tmp_path)
    assert torn.rejected == 1 and len(torn._lines) == 20
    torn.put(f"{99:064x}", result("m99.py", 7))
    torn.flush()
    assert path.read_bytes().startswith(whole)  # appended after the torn line
    back = fresh(tmp_path)
    assert back.rejected == 1 and back.get(f"{99:064x}", "m99.py").lines == 7 and len(back._lines) == 21


_APPENDER = """
import sys
import time
from dataclasses import replace
from pathlib import Path
from backend_audit.findings import FileResult
from backend_audit.pipeline.cache import ResultCache
directory, who = Path(sys.argv[1]), int(sys.argv[2])
for round_ in range(15):
    cache = ResultCache(directory, salt={salt!r}, key={key!r})
    for i in range(30):
        n = who * 100000 + round_ * 100 + i
        cache.put("%064x" % n, FileResult(path="m%d.py" % n, facts={{"pad": "x" * 3000}}, lines=n))
    cache.flush()
"""


def test_two_processes_appending_at_once_leave_a_pack_whose_every_line_verifies(tmp_path):
    seed = fresh(tmp_path)
    for i in range(200):  # live bytes enough that the appends below never reach the compaction threshold
        seed.put(f"{10**7 + i:064x}", FileResult(path=f"s{i}.py", facts={"pad": "y" * 3000}, lines=i))
    seed.flush()
    code = _APPENDER.format(salt=SALT, key=KEY)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(who)], stderr=subprocess.PIPE)
             for who in (1, 2)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    back = fresh(tmp_path)
    assert back.rejected == 0
    for who in (1, 2):
        for round_ in range(15):
            for i in range(30):
                n = who * 100000 + round_ * 100 + i
                got = back.get(f"{n:064x}", f"m{n}.py")
                assert got is not None and got.lines == n
    assert len(back._lines) == 200 + 2 * 15 * 30


def test_an_append_never_writes_through_a_symlink_or_into_a_fifo_planted_after_the_read(tmp_path):
    path = seeded(tmp_path / "cache", 3)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep\n")
    for plant in ("symlink", "fifo"):
        cache = fresh(tmp_path / "cache")  # read the real pack, then the name is swapped
        path.unlink()
        if plant == "symlink":
            path.symlink_to(outside)
        else:
            os.mkfifo(path)
        cache.put(f"{50:064x}", result("m50.py", 5))
        cache.flush()  # refused by O_NOFOLLOW / the type check: the pack is written whole, by rename
        assert outside.read_bytes() == b"keep\n" and path.is_file() and not path.is_symlink()
        assert fresh(tmp_path / "cache").get(f"{50:064x}", "m50.py").lines == 5


def test_a_pack_locked_by_another_process_is_left_alone_without_waiting_for_ever(tmp_path, monkeypatch):
    from backend_audit.pipeline import cache as cache_module

    path = seeded(tmp_path, 3)
    before = path.read_bytes()
    monkeypatch.setattr(cache_module, "LOCK_WAIT_S", 0.0)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys\nf = open(sys.argv[1], 'ab')\n"
                               "fcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.read()\n",
                               str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        cache = fresh(tmp_path)
        cache.put(f"{60:064x}", result("m60.py", 6))
        cache.flush()
        assert path.read_bytes() == before  # skipped, not interleaved with the holder's writes
    finally:
        holder.communicate(b"", timeout=30)
    again = fresh(tmp_path)
    again.put(f"{60:064x}", result("m60.py", 6))
    again.flush()
    assert fresh(tmp_path).get(f"{60:064x}", "m60.py").lines == 6
