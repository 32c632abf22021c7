"""GitHub Actions: workflow-command annotations on stdout and a Markdown job summary.

GitHub shows 10 error, 10 warning and 10 notice annotations per step, so the most severe come first; the
rest are listed as plain log lines under a line saying how many there are. When GITHUB_STEP_SUMMARY is
set (options["step_summary"] overrides it) a bounded summary is appended to that file: verdict,
counts, findings per rule, checklist states, the top findings.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

from .printable import clean, log_line
from .severity import counts_text, most_severe_first, rule_index

EXTENSION = "txt"
STREAM = True

SHOWN_PER_LEVEL = 10  # what GitHub displays per step and level
SUMMARY_BUDGET = 64 * 1024  # GitHub allows 1 MiB per step; stay far below it
TOP_FINDINGS = 50
_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _data(text: str) -> str:
    # Line breaks inside a message are GitHub's %0A (shown as breaks); every other control character is
    # made visible so no escape sequence reaches the log.
    return escape_data("\n".join(clean(part) for part in str(text).split("\n")))


def _property(text: str) -> str:
    return escape_property(clean(text))


def annotation(f, rule) -> str:
    title = f"{f.rule_id} {rule.title}" if rule is not None else f.rule_id
    props = [f"file={_property(f.path)}", f"line={f.line}", f"endLine={max(f.end_line, f.line)}"]
    if f.end_line == f.line:  # GitHub honours columns only on single-line annotations
        props += [f"col={f.column}", f"endColumn={max(f.end_column, f.column)}"]
    props.append(f"title={_property(title)}")
    return f"::{_COMMAND.get(f.level, 'warning')} {','.join(props)}::{_data(f.message)}"


def _plain(f) -> str:
    # GitHub trims leading spaces before it looks for a command, so the path is cleaned and neutralised.
    return "  " + log_line(f"{f.path}:{f.line}:{f.column}: {f.level} {f.rule_id} {_one_line(f.message)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def verdict_line(result) -> str:
    counts = result.counts()
    parts = [f"{'FAIL' if result.failed() else 'PASS'}: {counts_text(counts)} (fail-on: {result.fail_on})"]
    baselined = result.baseline["matched"] if result.baseline else 0
    below = result.below_level["hidden"] if result.below_level else 0
    inline = len(result.suppressed_findings) - baselined - below
    if inline:
        parts.append(f"{inline} suppressed in source")
    if result.baseline:
        parts.append(f"{baselined} hidden by the baseline, {len(result.baseline['stale'])} stale baseline entries")
    if below:
        parts.append(f"{below} below min-level {result.below_level['min_level']}")
    if result.changes:
        parts.append(f"only changes since {result.changes['ref']} "
                     f"({result.changes['findings_outside_change']} findings outside the change left out)")
    return "; ".join(parts)


def render(result, options: dict[str, Any]) -> str:
    rules = rule_index(result)
    shown: Counter = Counter()
    lines: list[str] = []
    overflow = []
    for f in most_severe_first(result):
        if shown[f.level] < SHOWN_PER_LEVEL:
            shown[f.level] += 1
            lines.append(annotation(f, rules.get(f.rule_id)))
        else:
            overflow.append(f)
    if overflow:
        lines.append(f"backend-audit: {len(overflow)} more finding(s) beyond the {SHOWN_PER_LEVEL} errors, "
                     f"{SHOWN_PER_LEVEL} warnings and {SHOWN_PER_LEVEL} notices GitHub displays per step:")
        lines.extend(_plain(f) for f in overflow)
    lines.append(f"backend-audit: {clean(verdict_line(result))}")
    target = options.get("step_summary", os.environ.get("GITHUB_STEP_SUMMARY"))
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(summary_markdown(result))
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\\[\]])")


def _md(text: Any) -> str:
    """Table-cell safe: no pipes, no line breaks, no HTML (summaries render HTML), no control characters,
    and no Markdown link or image a file name could forge (brackets escaped)."""
    text = clean(_one_line(str(text)))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("`", "'"))


def summary_markdown(result, budget: int = SUMMARY_BUDGET) -> str:
    rules = rule_index(result)
    counts = result.counts()
    verdict = "❌ FAIL" if result.failed() else "✅ PASS"
    out = [f"## backend-audit: {verdict}", "", _md(verdict_line(result)), "",
           "| Level | Findings |", "|---|---|"]
    out += [f"| {level} | {counts[level]} |" for level in ("error", "warning", "note")]
    # by the level each finding was reported at: a rule's note-level sub-check is not listed as an error
    per_rule = Counter((f.rule_id, f.level) for f in result.active_findings)
    if per_rule:
        out += ["", "### Findings per rule", "", "| Rule | Level | Findings | Title |", "|---|---|---|---|"]
        for (rule_id, level), n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = rules.get(rule_id)
            out.append(f"| {rule_id} | {level} | {n} | {_md(rule.title if rule else '')} |")
    out += _checklist(result.checklist)
    top = most_severe_first(result)
    tail: list[str] = []
    if top:
        out += ["", "### Top findings", "", "| Level | Rule | Location | Message |", "|---|---|---|---|"]
        size = sum(len(line) + 1 for line in out)
        listed = 0
        for f in top[:TOP_FINDINGS]:
            row = f"| {f.level} | {f.rule_id} | {_md(f.path)}:{f.line} | {_md(f.message)} |"
            if size + len(row) + 200 > budget:
                break
            out.append(row)
            size += len(row) + 1
            listed += 1
        if listed < len(top):
            tail = ["", f"_{len(top) - listed} more finding(s) not listed; see the SARIF upload or the JSON report._"]
    return "\n".join(out + tail) + "\n\n"


def _checklist(checklist: Any) -> list[str]:
    """Checklist states, read tolerantly: {"items": [{"title"|"text"|"key", "state", ...}, ...]}."""
    if checklist is None:
        return []
    items = checklist.get("items") if isinstance(checklist, dict) else None
    if not isinstance(items, list):
        return []
    states = Counter(str(i.get("state", "unknown")) for i in items if isinstance(i, dict))
    out = ["", "### Checklist", "", "| State | Items |", "|---|---|"]
    out += [f"| {_md(state)} | {n} |" for state, n in sorted(states.items())]
    failing = [i for i in items if isinstance(i, dict) and i.get("state") == "fail"][:20]
    if failing:
        out += ["", "Failing items:", ""]
        out += [f"- {_md(i.get('title') or i.get('text') or i.get('key') or '?')}" for i in failing]
    return out
