"""What a `--changed-since` scan makes while a worker analyses the changed files: the base pass's inputs
and the cached files' share of the project pass.

When the changed files go to a worker (runner.OVERLAP_MIN_BYTES), this process decodes the cached facts
beside it and then waits for the worker's result, idle: the analysis of a large module takes longer than
the decoding. What the passes need and the change's analysis does not feed is made in that wait instead
of after it: the base blobs' cache entries, the stored project record's outputs for
the base (the tree walk and the record's own checks), the semantic model's per-module parts of the cached
files, and the modules the project pass imports. Each is used only when it was made from exactly the
inputs the pass would use (`Early.fits`; a part from the very summary object the model joins); otherwise
the pass makes it itself, as before, so reports never depend on it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ..config import Settings
from ..findings import FileResult
from ..records import dataclass


def base_record(cache, root: Path, settings: Settings, base: list[FileResult], keys_now: dict[str, str],
                git_listing: str | None) -> dict[str, Any] | None:
    """The outputs of a stored project record made on exactly the base's inputs (the scan of the base
    branch, before this change), or None. Files the pass read directly are compared as they are now, as the
    base pass itself would read them from the tree."""
    if cache is None or cache.project is None:  # no record to match: spare the tree walk of its key
        return None
    from .project_record import Inputs

    inputs = Inputs.of(root, settings, base, dict(cache.digests), keys_now, {os.path.realpath(cache.directory)},
                       git_listing)
    return inputs.lookup(cache.project) if inputs is not None else None


@dataclass
class Early:
    """What was made beside the worker. The base's inputs as the base pass would make them, from the cache
    hits alone (None when they depend on the worker's results): `kept`, the results of the files the change
    left alone; `hits`, the base blobs' entries (rel path -> result); `stored`, the stored record's outputs
    for that base, or None. `semantic`: the semantic model's parts of every cached file (current pass)."""

    kept: list[FileResult] | None
    hits: dict[str, FileResult]
    stored: dict[str, Any] | None
    semantic: dict[str, Any]

    def fits(self, kept: list[FileResult]) -> bool:
        """Made from the very results the base pass keeps (no file outside the change was analysed anew)."""
        return self.kept is not None and len(kept) == len(self.kept) and all(a is b for a, b in zip(kept, self.kept))


def prepare(cache, changes, settings: Settings, root: Path, files: list, hits: dict[str, FileResult],
            misses: list, keys_now: dict[str, str], git_listing: str | None) -> Early:
    """The cached files' semantic parts, and the base pass's inputs from this scan's cache hits unless they
    depend on the worker's results (a file outside the change was a miss) or need an analysis (a base blob
    the cache does not hold)."""
    from ..model.semantic.project import module_parts

    _import_project_pass()
    semantic = module_parts({rel: fr.facts for rel, fr in hits.items() if fr.analysed})
    kept, found, stored = _base(cache, changes, settings, root, files, hits, misses, keys_now, git_listing)
    return Early(kept, found, stored, semantic)


def _base(cache, changes, settings: Settings, root: Path, files: list, hits: dict[str, FileResult],
          misses: list, keys_now: dict[str, str], git_listing: str | None):
    from ..workflow import diffscope

    replaced = diffscope.rebuilt(changes)
    if cache is None or any(ref.rel not in replaced for ref in misses):
        return None, {}, None
    kept = [hits[ref.rel] for ref in files if ref.rel not in replaced and ref.rel in hits]
    if len(kept) != sum(1 for ref in files if ref.rel not in replaced):  # an unreadable entry: analysed anew
        return None, {}, None
    found: dict[str, FileResult] = {}
    with tempfile.TemporaryDirectory(prefix="ba-base-") as tmp:
        for ref in diffscope.base_blobs(changes, settings, root, Path(tmp)):
            key = cache.key(ref)
            hit = cache.get(key, ref.rel) if key else None
            if hit is None:
                return None, {}, None
            found[ref.rel] = hit
    return kept, found, base_record(cache, root, settings, kept + list(found.values()), keys_now, git_listing)


def _import_project_pass() -> None:
    """What the project pass and the stages after it import on first use, imported while this process
    would wait anyway."""
    from ..model.frameworks import inventory  # noqa: F401
    from ..model.taint import project  # noqa: F401
    from ..workflow import baseline, suppressions  # noqa: F401
    from . import project_record  # noqa: F401
