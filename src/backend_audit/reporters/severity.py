"""Ordering and banding findings by how bad they are, shared by the CI reporters."""

from __future__ import annotations

from typing import Any

from ..findings import LEVEL_RANK, Finding

# GitHub's security-severity bands (rule catalog §1.3) and their Code Climate names.
BANDS = ((9.0, "critical"), (7.0, "high"), (4.0, "medium"), (0.0, "low"))


def rule_index(result: Any) -> dict[str, Any]:
    return {r.id: r for r in result.rules}


def severity_key(f: Finding, rules: dict[str, Any]) -> tuple:
    """Sort key, most severe first: level, then security-severity, then position."""
    rule = rules.get(f.rule_id)
    sec = (rule.security_severity or 0.0) if rule is not None else 0.0
    return (-LEVEL_RANK.get(f.level, 0), -float(sec), *f.sort_key())


def most_severe_first(result: Any) -> list[Finding]:
    rules = rule_index(result)
    return sorted(result.active_findings, key=lambda f: severity_key(f, rules))


def band(f: Finding, rule: Any) -> str:
    """critical/high/medium/low for security rules, else from the level; "note" for notes."""
    if f.level == "note":
        return "note"
    sec = getattr(rule, "security_severity", None)
    if sec:
        return next(name for floor, name in BANDS if float(sec) >= floor)
    return "medium" if f.level == "error" else "low"


def plural(count: int, word: str) -> str:
    """"1 error", "2 errors": the summary lines read as English."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(plural(counts[level], level) for level in ("error", "warning", "note"))
