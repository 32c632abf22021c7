"""Reading the files a scanned repository supplies (config, baseline, coverage, agent files) with bounds.

Any of them can be a FIFO (a read that never returns), `/dev/zero` (one that never ends), a symlink out of
the tree, gigabytes long, or JSON nested 100,000 deep. `read_bounded` opens without blocking, checks that
it holds a regular file of bounded size, and optionally refuses symlinks; `load_json` parses and refuses
nesting past a limit, integers too long to convert and lone surrogates, each as one line.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any


class InputError(ValueError):
    """A supplied file that cannot be used; the message is one line, without the path."""


def read_bounded(path: str | os.PathLike, limit: int, *, nofollow: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. FIFOs, devices, directories and (with
    `nofollow`) a symlink as the last component are refused without blocking; OSError passes through."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if nofollow and os.path.islink(path):
            raise InputError("is a symlink (not followed)") from None
        raise exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise InputError("is not a regular file (FIFO, socket or device)")
        if st.st_size > limit:
            raise InputError(f"is {st.st_size} bytes, more than the {limit} byte limit")
        chunks, size = [], 0
        while True:  # the file may grow after fstat: never read more than the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise InputError(f"is more than the {limit} byte limit")
        return b"".join(chunks)
    finally:
        os.close(fd)


def inside(path: Path, root: Path) -> bool:
    """True when `path`, symlinks resolved, lies under `root` (resolved too)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def depth(value: Any, limit: int) -> int:
    """Nesting depth of JSON-like data, walked without recursion; stops counting past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def load_json(data: bytes | str, max_depth: int = 64) -> Any:
    """json.loads with the failure modes of hostile input turned into InputError."""
    try:
        doc = json.loads(data)
    except RecursionError:
        raise InputError(f"is nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON ({exc})") from None
    except ValueError as exc:  # an integer longer than sys.get_int_max_str_digits()
        raise InputError(f"is not usable JSON ({str(exc).splitlines()[0]})") from None
    if depth(doc, max_depth) > max_depth:
        raise InputError(f"is nested deeper than {max_depth} levels")
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("holds a string that is not valid Unicode (a lone surrogate escape)") from None
    return doc


def read_tree_text(root: Path, path: Path, limit: int = 4 * 1024 * 1024) -> str | None:
    """A text file of the scanned tree (requirements, pytest config...) read as evidence, or None when it is
    missing, leaves the tree through a symlink, is not a regular file (a FIFO would block) or is too big."""
    if not inside(path, root):
        return None
    try:
        return read_bounded(path, limit).decode("utf-8", "replace")
    except (OSError, InputError):
        return None


def read_small_text(path: str | os.PathLike, limit: int) -> str | None:
    """A repository file's text read as evidence, or None when it is a symlink, not a regular file (a FIFO
    would block), larger than `limit` or unreadable: what rules probing committed files need."""
    try:
        return read_bounded(path, limit, nofollow=True).decode("utf-8", "replace")
    except (OSError, InputError):
        return None
