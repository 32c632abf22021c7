"""pathspec's regexes for a tuple of gitignore-style patterns, remembered in the user cache.

The translation is a pure function of the patterns and the installed pathspec, so it is kept per pathspec
installation (named by the stat of its files): a scan whose pattern sets were all translated before (the
default excludes, the test paths, the checklist's evidence folders) neither imports pathspec (about a tenth
of a small app's cold scan) nor translates a pattern. Patterns a scanned repository configures are kept
too, within a bound, so a repository cannot grow the file without limit.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Callable

from . import user_cache

MAX_ENTRIES = 256


@functools.lru_cache(maxsize=1)
def _name() -> str | None:
    """The cache file of this pathspec installation, or None when it cannot be told apart."""
    try:
        spec = importlib.util.find_spec("pathspec")
        roots = list(spec.submodule_search_locations or ()) if spec else []
        if len(roots) != 1:
            return None
        files = sorted(Path(roots[0]).rglob("*.py"))
        return f"pathspec-{user_cache.files_digest(files, 'pathspec regexes 1')}.json" if files else None
    except (OSError, ImportError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _stored() -> dict[str, list[str]]:
    name = _name()
    data = user_cache.read_json(name) if name else None
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items()
            if isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)}


def lookup(patterns: tuple[str, ...], translate: Callable[[tuple[str, ...]], list[str]]) -> list[str]:
    """`translate(patterns)`, from the user cache when this pathspec translated them before."""
    key = "\0".join(patterns)
    stored = _stored()
    if key in stored:
        return list(stored[key])
    parts = translate(patterns)
    name = _name()
    if name and len(stored) < MAX_ENTRIES:
        stored[key] = list(parts)
        user_cache.write_json(name, stored, prune_prefix="pathspec-")
    return parts
