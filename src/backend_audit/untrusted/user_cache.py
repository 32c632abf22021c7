"""Data derived from installed code alone, kept in the user's own cache home between runs
(`$XDG_CACHE_HOME/backend-audit`, default `~/.cache/backend-audit`): the rule pack parsed, pathspec's
translation of the default patterns. A cold scan of a small app spends more time on such start-up work
than on its files. Every name carries a digest of what the data was derived from, so a changed input is
a new name, never a stale answer.

Only a private regular file of this user is read (the same rule as the result cache's key): whoever can
write a scanned repository cannot plant an entry. Best effort throughout: a missing, foreign or unreadable
file means computing the data again, and a failed write is ignored.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Callable

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WEEK = 7 * 24 * 3600
# Copies of one kind kept at most, the newest first: each checkout of the rule pack (another clone, another
# installed version, a CI runner's fresh work dir) names its own copy, and the week alone let a busy machine
# keep hundreds of 700 KB rule-pack copies.
KEEP_PER_KIND = 8


def home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base if base and os.path.isabs(base) else Path.home() / ".cache") / "backend-audit"


def private_file(st: os.stat_result) -> bool:
    """A regular file of this user that nobody else can write."""
    return stat.S_ISREG(st.st_mode) and not (hasattr(os, "geteuid") and st.st_uid != os.geteuid()) \
        and not st.st_mode & 0o022


def read_json(name: str) -> Any:
    """The data stored under `name`, or None (absent, not the user's private file, not JSON)."""
    try:
        fd = os.open(home() / name, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            if not private_file(os.fstat(fh.fileno())):
                return None
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def write_json(name: str, data: Any, prune_prefix: str | None = None) -> None:
    """Store `data` under `name` atomically (a concurrent run sees the old file or the new one). With
    `prune_prefix`, other files of that prefix go when untouched for a week or beyond the newest
    KEEP_PER_KIND (copies for other installed versions or checkouts)."""
    base = home()
    try:
        text = json.dumps(data, separators=(",", ":"))
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = base / f".{name}-{os.getpid()}-{os.urandom(4).hex()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, base / name)
        if prune_prefix:
            _prune(base, prune_prefix, keep=name)
    except (OSError, TypeError, ValueError):
        pass


def _prune(base: Path, prefix: str, keep: str) -> None:
    old_before = time.time() - _WEEK
    others = []
    for old in base.glob(f"{prefix}*"):
        try:
            st = old.lstat()
        except OSError:
            continue  # a concurrent run pruned it
        if old.name != keep and stat.S_ISREG(st.st_mode):
            others.append((st.st_mtime, old.name, old))
    others.sort(reverse=True)  # the newest first; the name breaks ties, so two runs agree
    for rank, (mtime, _name, old) in enumerate(others):
        if mtime < old_before or rank >= KEEP_PER_KIND - 1:
            try:
                old.unlink()
            except OSError:
                pass  # gone already, or not ours to remove: best effort like the rest


def files_digest(paths: list[Path], salt: str) -> str:
    """A digest of the files' paths, sizes and mtimes: what a cached derivation of them is named by."""
    h = hashlib.sha256(salt.encode("utf-8", "surrogateescape"))
    for p in paths:
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


@functools.lru_cache(maxsize=8)
def package_digest(package: str) -> str | None:
    """A digest of an installed package's files (found, not imported), or None when it cannot be told: what
    names data derived by that package, so another release or a reinstall is a new name."""
    try:
        spec = importlib.util.find_spec(package)
        roots = list(spec.submodule_search_locations or ()) if spec else []
        files = sorted(Path(roots[0]).rglob("*.py")) if len(roots) == 1 else []
        return files_digest(files, f"{package} 1") if files else None
    except (OSError, ImportError, ValueError):
        return None


def round_trips(data: Any) -> bool:
    """JSON gives `data` back exactly (not a date, a tuple, a non-string key): only then may a copy stand
    in for computing it."""
    try:
        back = json.loads(json.dumps(data, separators=(",", ":")))
    except (TypeError, ValueError):
        return False
    return back == data and repr(back) == repr(data)


class Memo:
    """A bounded JSON map in the user cache (key -> a pure function's value for that key), read once and
    written back on a miss. Keys may come from a scanned repository (its configured patterns, its agent
    files): an entry larger than `max_entry_bytes` is never kept and at `max_entries` the oldest entries make
    room, so no repository grows the file past their product, and what every scan asks (the default
    patterns) comes back after a burst of others (a test suite) pushed it out."""

    def __init__(self, name: str | None, max_entries: int = 256, max_entry_bytes: int = 16 * 1024):
        self.name = name
        self.max_entries = max_entries
        self.max_entry_bytes = max_entry_bytes
        self._data: dict[str, Any] | None = None

    def _stored(self) -> dict[str, Any]:
        if self._data is None:
            data = read_json(self.name) if self.name else None
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def get(self, key: str, compute: Callable[[], Any], valid: Callable[[Any], bool] = lambda v: True,
            private: bool = True) -> Any:
        """`private=False`: the caller only reads what it gets, so a stored answer is not copied for it."""
        stored = self._stored()
        if key in stored and valid(stored[key]):
            return copy.deepcopy(stored[key]) if private else stored[key]  # the caller may change what it gets
        value = compute()
        if self.name and self.max_entries > 0 and len(key) <= self.max_entry_bytes and round_trips(value) \
                and len(key) + len(json.dumps(value)) <= self.max_entry_bytes:
            while len(stored) >= self.max_entries:
                del stored[next(iter(stored))]  # insertion order: the oldest first
            stored[key] = copy.deepcopy(value)
            prefix = self.name.rsplit("-", 1)[0] + "-" if "-" in self.name else None
            write_json(self.name, stored, prune_prefix=prefix)
        return value
