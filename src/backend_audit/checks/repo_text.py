"""Small non-Python files of the scanned tree (requirements, Dockerfiles, Procfiles) for project rules.

The tree is untrusted: only regular files inside the root are read (no symlinks), each at most MAX_BYTES,
decoded leniently; the listing is the same one the other whole-repository rules use, made once per scan."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..pipeline.discovery import repository_files
from ..untrusted.files import read_small_text

MAX_BYTES = 256 * 1024
_MAX_FILES = 20000


def repo_files(project: Any, scoped: bool = True) -> list[str]:
    """The repository's files; `scoped`: only those inside the scanned folders (`scan backend/` judges backend/)."""
    files = project.memo("repo_files", lambda: repository_files(project.root, _MAX_FILES))
    return [f for f in files if project.in_scope(f)] if scoped else files


def read_small(project: Any, rel: str) -> str | None:
    """The text of a repository file, or None when it is a symlink, not a regular file, or too large."""
    return read_small_text(project.root / rel, MAX_BYTES)


def texts(project: Any, wanted: Callable[[str], bool]) -> Iterator[tuple[str, str]]:
    """(relative path, text) of each readable repository file whose path `wanted` accepts, in order, one at
    a time: a hostile tree may hold thousands of matching files of MAX_BYTES each, so none is kept."""
    for rel in repo_files(project):
        if wanted(rel):
            text = read_small(project, rel)
            if text is not None:
                yield rel, text
