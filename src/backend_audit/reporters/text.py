"""The terminal report: findings grouped by file, a summary line. Colour only when asked (a TTY)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import click

EXTENSION = "txt"
STREAM = True

_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}


def render(result, options: dict[str, Any]) -> str:
    colour = bool(options.get("color"))

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if colour else text

    out: list[str] = []
    for path, group in groupby(result.active_findings, key=lambda f: f.path):
        out.append(style(path, bold=True, underline=True))
        for f in group:
            level = style(f"{f.level:<7}", fg=_COLOURS.get(f.level))
            out.append(f"  {f.line:>4}:{f.column:<3} {level} {style(f.rule_id, bold=True)}  {f.message}")
        out.append("")
    skipped = [s for s in result.skipped]
    if skipped:
        out.append(style("Not fully analysed", bold=True, underline=True))
        for s in skipped:
            tag = "skipped" if s.kind == "skipped" else "partial"
            out.append(f"  {tag:<7} {s.path}: {s.reason}")
        out.append("")
    if result.coverage:
        out.append(_coverage_line(result.coverage))
    for note in result.notifications:
        out.append(f"note: {note.get('message', '')}")
    counts = result.counts()
    verdict = "FAIL" if result.failed() else "PASS"
    summary = (f"{verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes"
               f" (fail-on: {result.fail_on})")
    if result.suppressed_findings:
        summary += f", {len(result.suppressed_findings)} suppressed"
    if result.baseline:
        summary += (f" ({result.baseline['matched']} by the baseline, "
                    f"{len(result.baseline['stale'])} stale baseline entries)")
    if result.changes:
        summary += (f" · changes since {result.changes['ref']} only "
                    f"({result.changes['findings_outside_change']} findings outside them)")
    summary += (f" · {result.files_discovered} files: {result.files_scanned} scanned, {result.files_skipped} skipped"
                f"{f', {result.files_partial} partly analysed' if result.files_partial else ''}"
                f"{_excluded_text(result.excluded)}"
                f" · {result.lines_scanned} lines in {result.duration:.2f}s")
    out.append(style(summary, bold=True, fg="red" if verdict == "FAIL" else "green"))
    return "\n".join(out) + "\n"


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
    return f"{line} (from {cov['source']})"
