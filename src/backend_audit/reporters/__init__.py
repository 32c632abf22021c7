"""Reporters: one module each, all reading the same ScanResult. Name -> module in REPORTERS.

A reporter module defines `EXTENSION` (default file suffix), `STREAM` (True when its natural home is
stdout) and `render(result, options) -> str`. Writing is done here, atomically, so CI never uploads a
half-written file.
"""

from __future__ import annotations

import importlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

REPORTERS = {
    "text": "text",
    "json": "json_",
    "github": "github",
    "gitlab": "gitlab",
    "gitlab-codequality": "gitlab",
    "sarif": "sarif",
    "html": "html",
}


def get(name: str):
    if name not in REPORTERS:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{REPORTERS[name]}")


def write_atomic(path: Path, content: str, *, default: bool = False) -> None:
    """Temp file in the same folder, then rename: readers see the old file or the whole new one.

    No fsync: the rename is what keeps a reader (a CI upload step) from seeing half a file; a flush to
    disk only guards against the machine itself crashing before the rename, when the job is lost anyway
    and the report is made again by the next run. It cost a small app's cold scan up to 40 ms of wall (busy disk).

    Only a regular file (or nothing) is ever replaced. A device, FIFO or socket is written into, the way a
    shell redirection would (`-f json:/dev/stdout`, a named pipe): renaming over it would replace
    /dev/null itself when run as root. A symlink is followed and its target written, the link kept.
    `default=True` marks a path the user did not type (reports/backend-audit.json under the current
    folder, which in CI is the scanned checkout): there a symlink or special file is refused, since the
    repository could have planted it to redirect the write.
    An unwritable destination is the user's to fix, so it is a one-line ConfigError (exit 2).
    """
    from ..errors import ConfigError

    if default:
        _refuse_planted(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"cannot write {path}: Is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_into(path, target, content)
        return
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        # mkstemp creates 0600; a report is an ordinary file, so honour the umask like open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_into(shown: Path, target: Path, content: str) -> None:
    from ..errors import ConfigError

    data = content.encode("utf-8")
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:
        raise ConfigError(f"cannot write {shown}: {exc.strerror or exc}") from None


def _refuse_planted(path: Path) -> None:
    from ..errors import ConfigError

    current = Path(path.anchor) if path.is_absolute() else Path()
    for part in path.parts[len(current.parts):]:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return
        except OSError:
            return  # the write itself reports it
        if stat.S_ISLNK(st.st_mode) or (current != path and not stat.S_ISDIR(st.st_mode)) or \
                (current == path and not stat.S_ISREG(st.st_mode)):
            raise ConfigError(f"refusing to write the default report path {path}: {current} is a symlink or "
                              "special file (the scanned tree may have planted it); pass -f FORMAT:PATH")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def render(name: str, result: Any, options: dict[str, Any]) -> str:
    return get(name).render(result, options)
