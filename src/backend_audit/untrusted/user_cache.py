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

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WEEK = 7 * 24 * 3600


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
    `prune_prefix`, files of that prefix untouched for a week go (copies for other installed versions)."""
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
            old_before = time.time() - _WEEK
            for old in base.glob(f"{prune_prefix}*"):
                if old.name != name and not old.is_symlink() and old.stat().st_mtime < old_before:
                    old.unlink()
    except (OSError, TypeError, ValueError):
        pass


def files_digest(paths: list[Path], salt: str) -> str:
    """A digest of the files' paths, sizes and mtimes: what a cached derivation of them is named by."""
    h = hashlib.sha256(salt.encode("utf-8", "surrogateescape"))
    for p in paths:
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]
