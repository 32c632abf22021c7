"""A small scan's files shared with one forked helper (pipeline/helper.py): every item answered once, in the
right place, whichever process took it; a helper that dies or hangs costs its items nothing but a second
analysis elsewhere; and a scan with a helper reports exactly what a scan without one reports."""

import os
import shutil
import time
from pathlib import Path

import pytest

from backend_audit.config import Settings
from backend_audit.pipeline import helper, runner
from backend_audit.untrusted import regex_programs

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper is forked")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _share(count, fn, **kw):
    got: dict[int, object] = {}

    def on_result(i, value):
        assert i not in got  # one answer per item
        got[i] = value

    parting = helper.share(count, fn, on_result, **kw)
    helper.reap()
    assert sorted(got) == list(range(count))
    return got, parting


def test_every_item_is_answered_once_by_one_of_the_two_processes():
    parent = os.getpid()
    got, parting = _share(9, lambda i: (i * i, os.getpid()), farewell=lambda: "bye")
    assert {i: v[0] for i, v in got.items()} == {i: i * i for i in range(9)}
    # the helper is handed the two largest items before this process starts on the small end
    assert got[0][1] != parent and got[1][1] != parent
    assert got[8][1] == parent
    assert parting == "bye"


def test_a_helper_that_dies_loses_only_the_items_it_held():
    parent = os.getpid()

    def fn(i):
        if os.getpid() != parent:
            os._exit(7)  # a native crash, as far as this process can tell
        return i

    got, parting = _share(6, fn, farewell=lambda: "bye")
    assert got[0] is helper.LOST
    # the second item was lost with it, or never reached it (the pipe already closed) and was done here
    assert got[1] in (helper.LOST, 1)
    assert {i: got[i] for i in range(2, 6)} == {2: 2, 3: 3, 4: 4, 5: 5}
    assert parting is None


def test_a_helper_that_hangs_is_killed_after_the_wait_limit():
    parent = os.getpid()

    def fn(i):
        if os.getpid() != parent:
            time.sleep(600)
        return i

    got, _ = _share(3, fn, wait_limit=0.2)
    assert got[0] is helper.LOST and got[1] is helper.LOST and got[2] == 2


def test_an_answer_that_cannot_be_unpickled_loses_the_helpers_items():
    parent = os.getpid()

    class Refused:
        def __reduce__(self):
            return (_refuse, ())

    got, _ = _share(4, lambda i: Refused() if os.getpid() != parent else i)
    assert got[0] is helper.LOST and got[1] is helper.LOST and (got[2], got[3]) == (2, 3)


def _refuse():
    raise ValueError("not here")


def _tree(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(EXAMPLES, root)
    # the largest file, so the helper takes it: the host parser rejects it without a known reason, and it
    # goes to an isolated worker for the grammar fallback, as from this process
    (root / "shop" / "broken.py").write_text("def f(:\n    pass\n" + "# filler\n" * 4000, encoding="utf-8")
    return root


def _report(result):
    return ([f.to_dict() for f in result.findings], [(s.path, s.kind, s.reason) for s in result.skipped],
            [(fr.path, fr.analysed, fr.lines, fr.facts) for fr in result.file_results])


def test_a_scan_with_a_helper_reports_what_a_scan_without_one_reports(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    settings = Settings(jobs=2, extra={"no_cache": True})
    monkeypatch.setattr(runner, "_worth_a_helper", lambda files, jobs: False)
    alone = runner.scan([root], settings)
    shared = []
    real = helper.share

    def spy(*args, **kw):
        shared.append(real(*args, **kw))
        return shared[-1]

    monkeypatch.setattr(runner, "_worth_a_helper", lambda files, jobs: True)
    monkeypatch.setattr(helper, "share", spy)
    with_helper = runner.scan([root], settings)
    assert len(shared) == 1 and isinstance(shared[0], set)  # the helper ran, and said goodbye
    assert any(s.path == "shop/broken.py" for s in with_helper.skipped)
    assert _report(with_helper) == _report(alone)


def test_no_helper_for_one_job_a_few_files_or_a_machine_without_an_idle_core(tmp_path, monkeypatch):
    files = runner.discover([EXAMPLES], Settings()).files
    monkeypatch.setattr(runner, "HELPER_MIN_BYTES", 0)
    monkeypatch.setattr(helper, "usable_cpus", lambda: 2)
    monkeypatch.setattr(helper, "load_average", lambda: 0.2)
    assert runner._worth_a_helper(files, 2)
    assert not runner._worth_a_helper(files, 1)
    assert not runner._worth_a_helper(files[:3], 2)
    monkeypatch.setattr(helper, "load_average", lambda: 1.7)  # the other core is taken
    assert not runner._worth_a_helper(files, 2)
    monkeypatch.setattr(helper, "load_average", lambda: 0.2)
    monkeypatch.setattr(helper, "usable_cpus", lambda: 1)
    assert not runner._worth_a_helper(files, 2)


def test_patterns_the_helper_compiled_are_recorded_by_the_scans_process(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pattern = (r"helper[-_]only-(\d+)", 0)

    def one_run():
        import re

        re.purge()
        regex_programs._stored = None
        regex_programs._adopted.clear()
        regex_programs.seed()
        # as _shared_with_helper does: what the helper compiled comes back as keys, never as patterns
        regex_programs.adopt({pattern})
        assert (str, *pattern) not in re._cache
        regex_programs.record()

    try:
        one_run()  # first sighting: only its digest is kept
        one_run()  # second: its program is stored
        regex_programs._stored = None
        regex_programs.seed()
        assert regex_programs._key(*pattern) in regex_programs._stored
    finally:
        regex_programs._stored = None
        regex_programs._adopted.clear()


def test_no_helper_is_forked_beside_another_thread(monkeypatch):
    import threading

    files = runner.discover([EXAMPLES], Settings()).files
    monkeypatch.setattr(runner, "HELPER_MIN_BYTES", 0)
    monkeypatch.setattr(helper, "usable_cpus", lambda: 2)
    monkeypatch.setattr(helper, "load_average", lambda: 0.2)
    assert runner._worth_a_helper(files, 2)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not runner._worth_a_helper(files, 2)
    finally:
        release.set()
        other.join()


def test_a_fork_that_fails_leaves_every_item_to_this_process(monkeypatch):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    prepared = []
    got, parting = _share(5, lambda i: (i, os.getpid()), prepare=lambda: prepared.append(1))
    assert got == {i: (i, os.getpid()) for i in range(5)} and parting is None and prepared == [1]


def test_a_helper_that_said_goodbye_is_reaped_after_the_callers_work():
    got: dict[int, int] = {}
    helper.share(3, lambda i: os.getpid(), got.__setitem__)
    pid = got[0]
    assert pid != os.getpid() and helper._exiting == [pid]  # not waited for yet
    helper.reap()
    assert helper._exiting == []
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_the_load_counts_what_runs_now_as_well_as_the_average(tmp_path, monkeypatch):
    import builtins

    real_open = builtins.open
    text = {"now": b"0.20 0.50 0.70 3/250 999\n"}

    def fake_open(path, *args, **kwargs):
        if path == "/proc/loadavg":
            target = tmp_path / "loadavg"
            target.write_bytes(text["now"])
            return real_open(target, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert helper.load_average() == 3.0  # three running now, whatever the average says
    text["now"] = b"2.50 0.50 0.70 1/250 999\n"
    assert helper.load_average() == 2.5
    text["now"] = b"garbage\n"
    assert helper.load_average() == os.getloadavg()[0]
