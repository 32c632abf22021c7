"""Fixes as plain data: line edits computed by diffing a file's text before and after one codemod.

An edit is [first_line, last_line_exclusive, new_text]: lines first..last-1 (1-based) are replaced by
new_text (which ends with a newline unless empty). Line edits are what SARIF `replacements` and a unified
diff need, they pickle and cache as JSON, and two fixes conflict exactly when their line ranges meet.
"""

from __future__ import annotations

import difflib


def line_edits(old: str, new: str) -> list[list]:
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[list] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append([i1 + 1, i2 + 1, "".join(b[j1:j2])])
    return out


def overlaps(x: list, y: list) -> bool:
    """Two edits touch the same lines (an insertion at a line conflicts with a change of that line)."""
    (a1, a2, _), (b1, b2, _) = x, y
    return a1 < max(b2, b1 + 1) and b1 < max(a2, a1 + 1)


def apply(text: str, edits: list[list]) -> str:
    """Apply non-overlapping edits (bottom-up, so earlier line numbers stay valid)."""
    lines = text.splitlines(keepends=True)
    for first, last, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first - 1:last - 1] = new.splitlines(keepends=True)
    return "".join(lines)


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))
