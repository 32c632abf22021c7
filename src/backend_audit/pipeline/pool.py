"""Run one function over many items in long-lived worker processes, where any single item may hang or
kill its worker without taking the run down or losing any other item.

Why not ProcessPoolExecutor: it cannot stop one hung task (only the whole pool), and when a worker dies
it breaks the pool without saying which task killed it. Here every worker holds exactly one item at a
time over its own pipe, so the parent always knows the culprit: a worker that overruns the time limit
is killed, a worker that dies (segfault or stack overflow in a native parser, OOM killer) is replaced,
and that one item gets `on_failure(item, reason)`; the others go on. Workers are started once, not per
item, so the normal path costs one small pickle each way per item.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Sequence, TypeVar

from ..records import dataclass

T = TypeVar("T")
R = TypeVar("R")

_READY = "ready"


def die_with_parent(parent_pid: int) -> None:
    """End this process when `parent_pid` goes: a CI timeout SIGKILLs the scan, and a worker busy on a
    slow file would otherwise run on, orphaned, for as long as the file takes. Linux: the kernel sends
    SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a watchdog thread polls the parent id."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent_pid:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _worker_main(conn: Connection, fn: Callable[[Any], Any], init: Callable[[], None] | None,
                 parent_pid: int | None = None) -> None:
    if parent_pid is not None:
        die_with_parent(parent_pid)
    # Ctrl-C goes to the whole process group; the parent decides what happens, workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crash is reported as that item's result; an inherited faulthandler would add a traceback dump.
    faulthandler.disable()
    if init is not None:
        init()
    conn.send((_READY, None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # parent gone
            return
        if msg is None:
            return
        index, item = msg
        conn.send((index, fn(item)))


@dataclass
class _Worker:
    """A worker process of the pool and the item it holds."""
    proc: Any
    conn: Connection
    ready: bool = False
    index: int | None = None  # the item it holds, None when idle
    started: float = 0.0


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit status"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class WorkerPool:
    """`run()` maps fn over items; results come back in item order, one per item, always."""

    def __init__(self, fn: Callable[[T], R], on_failure: Callable[[T, str], R], *, jobs: int,
                 timeout: float | None, init: Callable[[], None] | None = None,
                 preload: Callable[[], None] | None = None) -> None:
        self.fn = fn
        self.on_failure = on_failure
        self.jobs = max(1, jobs)
        self.timeout = timeout if timeout and timeout != float("inf") else None
        self.init = init
        self.preload = preload
        self.ctx = mp.get_context()
        self.workers: list[_Worker] = []
        # Workers that die before saying "ready" are a broken installation, not a hostile file.
        self._startup_deaths = 0

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, args=(child, self.fn, self.init, os.getpid()), daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool) -> None:
        if kill and worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def run(self, items: Sequence[T], order: Sequence[int] | None = None,
            progress: Callable[[int], None] | None = None,
            meanwhile: Callable[[], None] | None = None) -> list[R]:
        """`meanwhile` runs in this process once the workers hold their first items: the caller's own work
        (loading cached results) overlaps the workers' start-up and analysis."""
        results: list[Any] = [None] * len(items)
        if not items:
            if meanwhile is not None:
                meanwhile()
            return []
        todo = deque(order if order is not None else range(len(items)))
        remaining = len(items)

        def finish(index: int, value: Any) -> None:
            nonlocal remaining
            results[index] = value
            remaining -= 1
            if progress:
                progress(1)

        def fail(worker: _Worker, reason: str, kill: bool) -> None:
            if not worker.ready:
                # it never read its item (that happens after start-up): not the item's fault
                if worker.index is not None:
                    todo.appendleft(worker.index)
                self._startup_deaths += 1
                if self._startup_deaths > self.jobs + 2:
                    raise RuntimeError(f"worker processes die on start-up ({reason})")
            elif worker.index is not None:
                finish(worker.index, self.on_failure(items[worker.index], reason))
            self._retire(worker, kill)
            if todo:
                self._spawn()

        if self.preload is not None and self.ctx.get_start_method() == "fork" and len(items) > self.jobs:
            # once here, inherited by every fork, instead of once per worker; with no more items than
            # workers, each worker's own start-up import overlaps `meanwhile` instead
            self.preload()
        try:
            for _ in range(min(self.jobs, len(items))):
                worker = self._spawn()
                # the first item waits in the pipe while the worker starts up
                index = todo.popleft()
                try:
                    worker.conn.send((index, items[index]))
                except OSError:  # already dead (its start-up failed): the loop below sees it go
                    todo.appendleft(index)
                    continue
                worker.index, worker.started = index, time.monotonic()
            if meanwhile is not None:
                meanwhile()
            while remaining:
                now = time.monotonic()
                busy = [w for w in self.workers if w.index is not None]
                wait_for = None
                if self.timeout is not None and busy:
                    wait_for = max(0.0, min(w.started for w in busy) + self.timeout - now)
                handles: list[Any] = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
                ready = set(wait(handles, timeout=wait_for))
                now = time.monotonic()
                for worker in list(self.workers):
                    if worker.conn in ready or worker.conn.poll():
                        try:
                            index, value = worker.conn.recv()
                        except (EOFError, OSError):
                            worker.proc.join(1)
                            fail(worker, f"analysis crashed the worker ({describe_exit(worker.proc.exitcode)})",
                                 kill=True)
                            continue
                        if index == _READY:
                            worker.ready = True
                        else:
                            finish(index, value)
                            worker.index = None
                    elif worker.proc.sentinel in ready:
                        worker.proc.join(1)
                        fail(worker, f"analysis crashed the worker ({describe_exit(worker.proc.exitcode)})",
                             kill=True)
                        continue
                    elif (worker.index is not None and self.timeout is not None
                          and now - worker.started >= self.timeout):
                        fail(worker, f"analysis took longer than the {self.timeout:g} s per-file time limit "
                                     "(raise --file-timeout to scan it)", kill=True)
                        continue
                    if worker.ready and worker.index is None and todo:
                        index = todo.popleft()
                        try:
                            worker.conn.send((index, items[index]))
                        except OSError:  # died while idle: the item was never seen, give it to another
                            todo.appendleft(index)
                            fail(worker, "worker exited while idle", kill=True)
                            continue
                        worker.index, worker.started = index, time.monotonic()
        finally:
            self.close()
        return results

    def close(self) -> None:
        for worker in list(self.workers):
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5
        for worker in list(self.workers):
            worker.proc.join(max(0.0, deadline - time.monotonic()))
            self._retire(worker, kill=True)
