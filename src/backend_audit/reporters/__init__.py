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
    "html": "html",
}


def get(name: str):
    if name not in REPORTERS:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{REPORTERS[name]}")


def write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def render(name: str, result: Any, options: dict[str, Any]) -> str:
    return get(name).render(result, options)
