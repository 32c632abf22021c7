"""Reporters: one module each, all reading the same ScanResult. Name -> module in REPORTERS.

A reporter module defines `EXTENSION` (default file suffix), `STREAM` (True when its natural home is
stdout) and `render(result, options) -> str`. Writing is done here, atomically, so CI never uploads a
half-written file.
"""

from __future__ import annotations

import importlib
import os
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


def write_atomic(path: Path, content: str) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old file or the whole new one.

    An unwritable destination is the user's to fix, so it is a one-line ConfigError (exit 2).
    """
    from ..errors import ConfigError

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; a report is an ordinary file, so honour the umask like open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def render(name: str, result: Any, options: dict[str, Any]) -> str:
    return get(name).render(result, options)
