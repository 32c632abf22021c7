"""Share a small scan's per-file analysis with one forked helper process.

A small tree is analysed in the scan's own process (a worker pool's start-up would cost more than it
saves), which left every core but one idle for the 60% of a cold scan that the files take. Here the
process forks once; both then make the imports the analysis needs (`prepare`, side by side: pages neither
has to copy from the other) and take files from one queue, the helper from the large end and this process
from the small end, until they meet; so neither waits for the other by more than about one file. Only this
process touches the queue: it hands the helper the next file each time a result comes back, and keeps it
one file ahead so that the helper never waits on it.

The helper's results come back pickled, in the order of the queue they were handed out from, and the
caller puts them where they belong: a report is the same whichever process analysed a file. What the
helper cannot say (it died, or hung past the caller's time limit, and was killed) comes back as LOST for
each file it still held, and the caller analyses those elsewhere (in an isolated worker). The helper runs
only while this process reads from it: when this process goes, the helper's next read of its queue ends
and so does the helper.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import sys
from collections import deque
from typing import Any, Callable, Sequence

LOST = object()  # an item the helper took and never answered
_HEADER = struct.Struct("<Q")
_DONE = -1


def can_fork() -> bool:
    """Only a single-threaded process forks a helper: a lock another thread holds at the fork (an import,
    a logger, a class processed on first use) would stay held in the helper for good. Not on macOS, where
    system frameworks may not survive a fork without exec (multiprocessing spawns there for that reason)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    import threading

    return threading.active_count() == 1


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def load_average() -> float:
    """How many processes want a core, this one included: the 1-minute load average, or the processes
    running right now where the system says (Linux: /proc/loadavg's fourth field), whichever is larger: a
    burst that started seconds ago has not moved the average yet. Infinite where neither can be read, so
    that no helper starts on a machine this cannot see into."""
    try:
        with open("/proc/loadavg", "rb") as fh:
            fields = fh.read(256).split()
        return max(float(fields[0]), float(fields[3].split(b"/")[0]))
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return float("inf")


def _write(fd: int, obj: Any) -> None:
    import pickle  # here, not at the top: a scan that starts no helper does not load it

    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read(fd: int) -> Any:
    """One message; EOFError when the other side has gone (or sent half a message and went)."""
    header = _read_exact(fd, _HEADER.size)
    if header is None:
        raise EOFError
    body = _read_exact(fd, _HEADER.unpack(header)[0])
    if body is None:
        raise EOFError
    import pickle

    return pickle.loads(body)


def _helper(commands: int, answers: int, fn: Callable[[int], Any], farewell: Callable[[], Any] | None,
            prepare: Callable[[], None] | None) -> None:
    import faulthandler

    # Ctrl-C reaches the whole process group: the scan's process decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crash costs its files a second analysis in a worker; an inherited faulthandler would add a dump.
    faulthandler.disable()
    if prepare is not None:
        prepare()
    while True:
        try:
            index = _read(commands)
        except EOFError:
            return
        if index == _DONE:
            _write(answers, (_DONE, farewell() if farewell is not None else None))
            return
        _write(answers, (index, fn(index)))


def share(count: int, fn: Callable[[int], Any], on_result: Callable[[int, Any], None],
          farewell: Callable[[], Any] | None = None, wait_limit: float | None = None,
          prepare: Callable[[], None] | None = None) -> Any:
    """Run `fn(i)` for every i in range(count), in this process and in a forked helper; `on_result(i, r)`
    gets each result, LOST for an item the helper held when it died or was killed. Items should come
    largest first. `farewell()` runs in the helper after its last item; its value is returned here (None when
    the helper did not finish). `wait_limit`: seconds this process waits for the helper's next answer once it
    has nothing left to do itself, before it kills the helper (None: as long as it takes). `prepare()` runs in
    both processes once the helper is forked (imports each needs, made side by side)."""
    import pickle

    queue = deque(range(count))
    fds: list[int] = []
    try:
        fds += os.pipe()
        fds += os.pipe()
        pid = os.fork()
    except OSError:  # out of descriptors or processes: this process does it all
        for fd in fds:
            os.close(fd)
        if prepare is not None:
            prepare()
        for index in queue:
            on_result(index, fn(index))
        return None
    cmd_r, cmd_w, ans_r, ans_w = fds
    if pid == 0:  # the helper: never returns into the caller's code, never runs its exit handlers
        code = 0
        try:
            os.close(cmd_w)
            os.close(ans_r)
            _helper(cmd_r, ans_w, fn, farewell, prepare)
        except BaseException:  # noqa: BLE001 - the parent sees the pipe close and takes the items back
            code = 1
        finally:
            os._exit(code)
    os.close(cmd_r)
    os.close(ans_w)
    held: deque[int] = deque()
    parting: list[Any] = [None]
    alive = True

    def hand_out() -> None:
        nonlocal alive
        # two ahead, so that it never waits for this process between files; one when a single file is
        # left, which this process then takes rather than wait for the helper to get to it
        while alive and queue and len(held) < (2 if len(queue) > 1 else 1):
            index = queue.popleft()
            try:
                _write(cmd_w, index)
            except OSError:  # the helper is gone: this item was never sent
                queue.appendleft(index)
                alive = False
                return
            held.append(index)
        if alive and not queue and not held:
            try:
                _write(cmd_w, _DONE)
            except OSError:
                alive = False
            else:
                held.append(_DONE)

    def drain() -> None:
        """Take every answer the helper has ready, handing it the next item after each."""
        nonlocal alive
        while alive and held and _readable(ans_r, 0):
            try:
                index, value = _read(ans_r)
            except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
                alive = False
                return
            if index != held[0]:  # answers come back in the order they were asked
                alive = False
                return
            held.popleft()
            if index == _DONE:
                parting[0] = value
                return
            on_result(index, value)
            hand_out()

    try:
        hand_out()
        if prepare is not None:
            prepare()
        while queue:
            index = queue.pop()  # this process: from the small end
            on_result(index, fn(index))
            drain()
        while alive and held:
            if not _readable(ans_r, wait_limit):
                alive = False  # nothing for wait_limit seconds: hung past its own alarm
                break
            drain()
    finally:
        os.close(cmd_w)
        if not alive or held:
            _kill(pid)
            _reap(pid)
        else:  # it is exiting (its pages unmapped, 1-10 ms): reaped after the work that follows, by reap()
            _exiting.append(pid)
        os.close(ans_r)
    for index in held:
        if index != _DONE:
            on_result(index, LOST)
    return parting[0]


def _readable(fd: int, timeout: float | None) -> bool:
    """Whether `fd` has something to read (or was closed) within `timeout` seconds (None: no limit). poll,
    not select: a descriptor numbered past 1023 is fine."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(None if timeout is None else int(timeout * 1000)))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


_exiting: list[int] = []  # helpers that said goodbye and are exiting, not yet waited for


def reap() -> None:
    """Wait for the helpers that said goodbye: call once the caller's own work after them is done."""
    while _exiting:
        _reap(_exiting.pop())


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
