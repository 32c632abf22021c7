"""--changed-since REF: keep only the findings a change introduces.

Per-file findings are kept when they touch an added or modified line (ChangeSet.touches). Whole-repo
(project) findings have no single line that causes them: a test deleted in one file makes an endpoint in
another untested. They are kept when they are *newly true*: the project rules run a second time on the
facts of the base, and only findings whose line-free fingerprint is absent there survive. The base facts
cost little: only files whose content changed are analysed again, from their blobs at the merge base
(`git cat-file`, never a checkout), under their current path so a rename is not a new finding.
"""

from __future__ import annotations

from pathlib import Path

from .changes import ChangeSet, base_blob, changed_lines
from ..config import DEFAULT_EXCLUDES, Settings, path_matches
from ..pipeline.discovery import PY_SUFFIXES, SourceRef
from ..findings import FileResult, ScanResult


def prepare(root: Path, settings: Settings) -> ChangeSet | None:
    ref = settings.extra.get("changed_since")
    return changed_lines(root, str(ref)) if ref else None


def base_inputs(result: ScanResult, changes: ChangeSet, settings: Settings, root: Path,
                workdir: Path) -> tuple[list[FileResult], list[SourceRef]]:
    """What the project rules need to run on the base: the results of files the change left alone, and
    the base blobs of the files it touched, written under `workdir` and named by their current path.
    The runner analyses those and runs the project pass; this module never calls back into it."""
    replaced = rebuilt(changes)
    kept = [fr for fr in result.file_results if fr.path not in replaced]
    return kept, base_blobs(changes, settings, root, workdir)


def rebuilt(changes: ChangeSet) -> set[str]:
    """The files whose current results the base pass replaces (or drops: new files)."""
    return set(changes.lines) | changes.new_files


def base_blobs(changes: ChangeSet, settings: Settings, root: Path, workdir: Path) -> list[SourceRef]:
    """The base blobs of the files the change touched, written under `workdir`, named by their current path."""
    wanted = sorted((set(changes.lines) - changes.new_files) | _deleted_sources(changes, settings))
    refs: list[SourceRef] = []
    for i, path in enumerate(wanted):
        data = base_blob(root, changes.base, changes.base_path(path) or path)
        if data is None:
            continue
        copy = workdir / str(i) / Path(path).name  # the name matters (test paths, __init__.py)
        copy.parent.mkdir()
        copy.write_bytes(data)
        refs.append(SourceRef(path, str(copy)))
    return refs


def needs_base(result: ScanResult, changes: ChangeSet | None) -> bool:
    return changes is not None and any(f.engine == "project" for f in result.findings)


def apply(result: ScanResult, changes: ChangeSet | None, at_base: set[str]) -> None:
    """Keep what the change introduces; `at_base` holds the fingerprints of the base's project findings."""
    if changes is None:
        return
    before = len(result.findings)
    # Coverage findings (total and diff coverage) judge the change as a whole: always kept.
    result.findings = [f for f in result.findings
                       if f.engine == "coverage" or (f.fingerprint not in at_base if f.engine == "project"
                                                     else changes.touches(f.path, f.line, f.end_line))]
    result.changes = {"ref": changes.ref, "base": changes.base, "files_changed": len(changes.files),
                      "findings_outside_change": before - len(result.findings)}


def _deleted_sources(changes: ChangeSet, settings: Settings) -> set[str]:
    excludes = DEFAULT_EXCLUDES + settings.exclude
    return {p for p in changes.deleted
            if p.endswith(PY_SUFFIXES) and not any(path_matches(p, pat) for pat in excludes)}
