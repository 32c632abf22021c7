"""--changed-since REF: keep only the findings a change introduces.

Per-file findings are kept when they touch an added or modified line (ChangeSet.touches). Whole-repo
(project) findings have no single line that causes them: a test deleted in one file makes an endpoint in
another untested. They are kept when they are *newly true*: the project rules run a second time on the
facts of the base, and only findings whose line-free fingerprint is absent there survive. The base facts
cost little: only files whose content changed are analysed again, from their blobs at the merge base
(`git cat-file`, never a checkout), under their current path so a rename is not a new finding.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from .changes import ChangeSet, base_blob, changed_lines
from .config import DEFAULT_EXCLUDES, Settings, path_matches
from .discovery import PY_SUFFIXES, SourceRef
from .findings import Finding, ScanResult, assign_fingerprints


def prepare(root: Path, settings: Settings) -> ChangeSet | None:
    ref = settings.extra.get("changed_since")
    return changed_lines(root, str(ref)) if ref else None


def apply(result: ScanResult, changes: ChangeSet | None, plan: Any, selection: Any, root: Path) -> None:
    if changes is None:
        return
    project = [f for f in result.findings if f.engine == "project"]
    at_base = base_project_fingerprints(result, changes, plan, selection, root) if project else set()
    before = len(result.findings)
    # Coverage findings (total and diff coverage) judge the change as a whole: always kept.
    result.findings = [f for f in result.findings
                       if f.engine == "coverage" or (f.fingerprint not in at_base if f.engine == "project"
                                                     else changes.touches(f.path, f.line, f.end_line))]
    result.changes = {"ref": changes.ref, "base": changes.base, "files_changed": len(changes.files),
                      "findings_outside_change": before - len(result.findings)}


def base_project_fingerprints(result: ScanResult, changes: ChangeSet, plan: Any, selection: Any,
                              root: Path) -> set[str]:
    from .catalog import rules_by_id
    from .runner import _safe_analyse, run_project_checks

    rebuilt = set(changes.lines) | changes.new_files
    kept = [fr for fr in result.file_results if fr.path not in rebuilt]
    wanted = sorted((set(changes.lines) - changes.new_files) | _deleted_sources(changes, plan.settings))
    with tempfile.TemporaryDirectory(prefix="ba-base-") as tmp:
        for i, path in enumerate(wanted):
            data = base_blob(root, changes.base, changes.base_path(path) or path)
            if data is None:
                continue
            copy = Path(tmp) / str(i) / Path(path).name  # the name matters (test paths, __init__.py)
            copy.parent.mkdir()
            copy.write_bytes(data)
            kept.append(_safe_analyse(SourceRef(path, str(copy)), plan))
    findings: list[Finding] = run_project_checks(kept, plan, rules_by_id(), selection, root)
    findings.sort(key=Finding.sort_key)
    assign_fingerprints(findings)
    return {f.fingerprint for f in findings}


def _deleted_sources(changes: ChangeSet, settings: Settings) -> set[str]:
    excludes = DEFAULT_EXCLUDES + settings.exclude
    return {p for p in changes.deleted
            if p.endswith(PY_SUFFIXES) and not any(path_matches(p, pat) for pat in excludes)}
