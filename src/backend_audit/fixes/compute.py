"""Per finding, the edits its fixer would make: run in the worker, so fixes are cached with the file."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .registry import fixer_for

# A file with thousands of print() calls must not cost thousands of codemods per scan.
MAX_FIXES_PER_FILE = 200


def annotate(text: str, findings: list[Finding], fixable: set[str], options: dict[str, dict[str, Any]]) -> None:
    """Record on each fixable finding `properties["fix"] = {"safety", "title", "edits"}`."""
    wanted = [f for f in findings if f.rule_id in fixable and not f.properties.get("sub")][:MAX_FIXES_PER_FILE]
    if not wanted:
        return
    from .base import Tree

    try:
        tree = Tree(text)
    except Exception:  # libcst cannot read what ast could (rare grammar gaps): no fix, the finding stays
        return
    for finding in wanted:
        cls = fixer_for(finding.rule_id)
        try:
            edits = cls(tree, options.get(finding.rule_id, {})).rewrite(finding)
        except Exception:  # a fixer bug costs its fix, never the finding or the file
            edits = None
        edits = [e for e in edits or () if e[2] != "".join(tree.lines[e[0] - 1:e[1] - 1])]
        if not edits:
            continue
        finding.properties = {**finding.properties,
                              "fix": {"safety": cls.SAFETY, "title": cls.TITLE, "edits": sorted(edits)}}
