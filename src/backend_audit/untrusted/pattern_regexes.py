"""pathspec's regexes for a tuple of gitignore-style patterns, remembered in the user cache.

The translation is a pure function of the patterns and the installed pathspec, so it is kept per pathspec
installation (named by the stat of its files): a scan whose pattern sets were all translated before (the
default excludes, the test paths, the checklist's evidence folders) neither imports pathspec (about a tenth
of a small app's cold scan) nor translates a pattern. Patterns a scanned repository configures are kept
too, within a bound, so a repository cannot grow the file without limit.
"""

from __future__ import annotations

import functools
from typing import Callable

from . import user_cache

MAX_ENTRIES = 128


def _name() -> str | None:
    """The cache file of this pathspec installation, or None when it cannot be told apart."""
    digest = user_cache.package_digest("pathspec")
    return f"pathspec-{digest}.json" if digest else None


@functools.lru_cache(maxsize=1)
def _memo() -> user_cache.Memo:
    return user_cache.Memo(_name(), MAX_ENTRIES)


def lookup(patterns: tuple[str, ...], translate: Callable[[tuple[str, ...]], list[str]]) -> list[str]:
    """`translate(patterns)`, from the user cache when this pathspec translated them before."""
    return _memo().get("\0".join(patterns), lambda: translate(patterns),
                       valid=lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))
