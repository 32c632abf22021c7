"""The terminal report: findings grouped by file, a summary line. Colour only when asked (a TTY)."""

from __future__ import annotations

import os
from itertools import groupby
from pathlib import Path
from typing import Any

import click

from .printable import clean, log_line
from .severity import counts_text, plural

EXTENSION = "txt"
STREAM = True

_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}


def render(result, options: dict[str, Any]) -> str:
    colour = bool(options.get("color"))

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if colour else text

    shown = _display(result, options.get("display_root"))
    out: list[str] = []
    # what makes the whole report incomplete (the wrong Python for the project) is said first
    for note in result.notifications:
        if note.get("level") == "warning":
            out.extend([style(f"warning: {clean(note.get('message', ''))}", fg="yellow", bold=True), ""])
    for path, group in groupby(result.active_findings, key=lambda f: f.path):
        # Paths and messages come from the scanned tree: cleaned before any styling is added.
        out.append(style(log_line(shown(path)), bold=True, underline=True))
        for f in group:
            level = style(f"{f.level:<7}", fg=_COLOURS.get(f.level))
            mark = _fix_mark(f, options)
            out.append(f"  {f.line:>4}:{f.column:<3} {level} {style(clean(f.rule_id), bold=True)} {mark} "
                       f"{clean(f.message)}")
            if f.trace and len(f.trace) > 1:  # a taint finding: where the data came from
                src = f.trace[0]
                out.append(style(f"             from {clean(shown(src['path']))}:{src['line']} ({len(f.trace)} steps; "
                                 "the JSON, SARIF and HTML reports show each)", dim=True))
        out.append("")
    skipped = [s for s in result.skipped]
    if skipped:
        out.append(style("Not fully analysed", bold=True, underline=True))
        for s in skipped:
            tag = "skipped" if s.kind == "skipped" else "partial"
            out.append(f"  {tag:<7} {clean(shown(s.path))}: {clean(s.reason)}")
        out.append("")
    if options.get("quiet"):
        return "\n".join(out) + ("\n" if out else "")
    if result.coverage:
        out.append(_coverage_line(result.coverage))
    for note in result.notifications:
        if note.get("level") != "warning":
            out.append(f"note: {clean(note.get('message', ''))}")
    counts = result.counts()
    verdict = "FAIL" if result.failed() else "PASS"
    summary = f"{verdict}: {counts_text(counts)} (fail-on: {result.fail_on})"
    if result.suppressed_findings:
        summary += f", {len(result.suppressed_findings)} suppressed"
    if result.baseline:
        summary += (f" ({result.baseline['matched']} by the baseline, "
                    f"{len(result.baseline['stale'])} stale baseline entries)")
    if result.below_level and result.below_level["hidden"]:
        summary += f" ({result.below_level['hidden']} below min-level {result.below_level['min_level']})"
    if result.changes:
        summary += (f" · changes since {result.changes['ref']} only "
                    f"({result.changes['findings_outside_change']} findings outside them)")
    summary += (f" · {plural(result.files_discovered, 'file')}: {result.files_scanned} scanned, "
                f"{result.files_skipped} skipped"
                f"{f', {result.files_partial} partly analysed' if result.files_partial else ''}"
                f"{_newer_python(result)}{_excluded_text(result.excluded)}"
                f" · {plural(result.lines_scanned, 'line')} in {result.duration:.2f}s")
    out.append(style(summary, bold=True, fg="red" if verdict == "FAIL" else "green"))
    fixable = _fixable_line(result, options)
    if fixable:
        out.append(fixable)
    return "\n".join(out) + "\n"


def _fix_mark(f, options: dict[str, Any]) -> str:
    """ruff's `[*]`: --fix (or, with --unsafe-fixes, that option) would fix this finding."""
    fix = f.properties.get("fix")
    return "[*]" if fix and (fix["safety"] == "safe" or options.get("unsafe_fixes")) else "   "


def _fixable_line(result, options: dict[str, Any]) -> str:
    fixes = [f.properties["fix"]["safety"] for f in result.active_findings if f.properties.get("fix")]
    safe = sum(1 for s in fixes if s == "safe")
    unsafe = len(fixes) - safe
    if options.get("unsafe_fixes"):
        return f"[*] {len(fixes)} fixable with --fix --unsafe-fixes" if fixes else ""
    parts = [f"[*] {safe} fixable with --fix"] if safe else []
    if unsafe:
        parts.append(f"{unsafe} more with --unsafe-fixes")
    return " (".join(parts) + (")" if len(parts) == 2 else "") if parts else ""


def _display(result, cwd: Path | None):
    """Repository-relative paths (SARIF, JSON) shown relative to where the user stands, as ruff does."""
    root = Path(result.root) if result.root else None
    if cwd is None or root is None:
        return lambda path: path
    try:
        if root.resolve() == cwd.resolve():
            return lambda path: path
    except OSError:
        return lambda path: path

    def shown(path: str) -> str:
        relative = Path(os.path.relpath(root / path, cwd)).as_posix()
        return path if relative.startswith("../") else relative  # outside the cwd: the repository path
    return shown


def _newer_python(result) -> str:
    skipped = sum(n.get("newer_syntax_skipped", 0) for n in result.notifications if n.get("id") == "BA-PYTHON")
    return f" ({skipped} need a newer Python)" if skipped else ""
def _excluded_text(excluded: dict[str, int]) -> str:
    if not excluded:
        return ""
    folders = sorted(excluded)
    shown = ", ".join(folders[:3]) + (f" and {len(folders) - 3} more" if len(folders) > 3 else "")
    return f", {sum(excluded.values())} in hidden folders excluded ({shown})"


def _coverage_line(cov: dict[str, Any]) -> str:
    line = f"coverage: {cov['total']:g}% of statements run"
    if cov.get("diff") is not None:
        line += f", {cov['diff']:g}% of changed lines"
    least = [f"{m['path']} {m['percent']:g}%" for m in cov.get("modules", ())[:3] if m["percent"] < 100]
    if least:
        line += f"; least covered: {', '.join(least)}"
    return clean(f"{line} (from {cov['source']})")
