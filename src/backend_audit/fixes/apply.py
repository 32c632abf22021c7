"""`--fix` / `--diff`: apply the fixes findings carry, re-analyse, repeat until nothing fixable is left
(ruff's loop), and keep a file's changes only when the result parses and the fixed findings are gone."""

from __future__ import annotations

import ast
import warnings
from dataclasses import field
from typing import Callable

from ..findings import Finding
from ..records import dataclass
from ..untrusted.files import InputError, read_bounded
from .edits import apply as apply_edits
from .edits import overlaps

MAX_ROUNDS = 10

Analyse = Callable[[str, str], list[Finding]]  # (repo path, text) -> findings with their fixes


@dataclass
class FileFix:
    """A file's text before and after its fixes, with what was fixed and what was refused."""
    path: str
    before: str
    after: str
    fixed: dict[str, int] = field(default_factory=dict)  # rule id -> findings fixed
    refused: list[str] = field(default_factory=list)  # why a fix was not kept

    @property
    def changed(self) -> bool:
        return self.after != self.before


def wanted(finding: Finding, unsafe: bool) -> bool:
    fix = finding.properties.get("fix")
    return bool(fix) and not finding.suppression and (fix["safety"] == "safe" or unsafe)


def fix_file(path: str, text: str, findings: list[Finding], analyse: Analyse, unsafe: bool) -> FileFix:
    out = FileFix(path, text, text)
    current = text
    # a reviewed suppression holds in every round, though re-analysing one file cannot apply it
    suppressed = {(f.rule_id, f.snippet) for f in findings if f.suppression}
    for _ in range(MAX_ROUNDS):
        todo = [f for f in findings if wanted(f, unsafe) and (f.rule_id, f.snippet) not in suppressed]
        if not todo:
            break
        chosen: list[list] = []
        counted: dict[str, int] = {}
        for f in todo:
            edits = [e for e in f.properties["fix"]["edits"] if e not in chosen]
            if any(overlaps(e, c) for e in edits for c in chosen):
                continue  # touches lines another fix changes this round: the next round sees it afresh
            chosen.extend(edits)
            counted[f.rule_id] = counted.get(f.rule_id, 0) + 1
        new = apply_edits(current, chosen)
        if new == current or not _parses(new):
            out.refused.append(f"{', '.join(sorted(counted))}: the fixed file would not parse; nothing applied")
            return _revert(out)
        after = analyse(path, new)
        for rule_id, n in counted.items():
            gone = _count(findings, rule_id) - _count(after, rule_id)
            if gone < 1:
                out.refused.append(f"{rule_id}: the finding is still reported after the fix; nothing applied")
                return _revert(out)
            out.fixed[rule_id] = out.fixed.get(rule_id, 0) + gone
        current, findings = new, after
    else:
        out.refused.append(f"fixes did not settle after {MAX_ROUNDS} rounds; nothing applied")
        return _revert(out)
    out.after = current
    return out


def _revert(out: FileFix) -> FileFix:
    out.after = out.before
    out.fixed = {}
    return out


def _count(findings: list[Finding], rule_id: str) -> int:
    return sum(1 for f in findings if f.rule_id == rule_id and not f.suppression)


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def fix_result(result, analyse: Analyse, unsafe: bool) -> list[FileFix]:
    """Every file of a finished scan that has a wanted fix, fixed in memory (nothing is written here)."""
    from pathlib import Path

    by_path: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_path.setdefault(f.path, []).append(f)
    out: list[FileFix] = []
    root = Path(result.root)
    for path in sorted(by_path):
        findings = by_path[path]
        if not any(wanted(f, unsafe) for f in findings):
            continue
        target = root / path
        if target.is_symlink():
            out.append(FileFix(path, "", "", refused=["a symlink: not rewritten"]))
            continue
        try:  # the file is the scanned repository's: a regular file, not through a symlink, bounded
            text = read_bounded(target, 16 * 1024 * 1024, nofollow=True).decode("utf-8")
        except (OSError, InputError, UnicodeDecodeError) as exc:
            out.append(FileFix(path, "", "", refused=[f"not rewritten: {exc}"]))
            continue
        out.append(fix_file(path, text, findings, analyse, unsafe))
    return out


def write(root, fixed: list[FileFix]) -> None:
    """Write each changed file in place of the old one (same folder, same mode, atomic rename)."""
    import os
    import tempfile
    from pathlib import Path

    for ff in fixed:
        if not ff.changed:
            continue
        target = Path(root) / ff.path
        mode = target.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(prefix=".ba-fix-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(ff.after.encode("utf-8"))
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
