"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer): one log, one run.

What GitHub needs and the schema does not check is done here: every rule that can fire with full
help, repo-relative `%SRCROOT%` URIs, 1-based regions, GitHub's own `primaryLocationLineHash` plus our
line-free fingerprint, files we could not analyse as tool notifications (never alerts), suppressed
findings left out unless asked, and GitHub's upload limits enforced with a notification.

Output is byte-identical for the same tree on the same machine: no wall-clock time unless
SOURCE_DATE_EPOCH is set (then that instant) or the `timestamps` option asks (then the real times).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from ..catalog import pack_version, rules_by_id
from ..errors import ConfigError
from ..findings import LEVEL_RANK
from ..workflow.fingerprints import LineHasher
from .sarif_taxonomies import Taxonomies
from . import pretty_json

EXTENSION = "sarif"
STREAM = False

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/backend-audit/backend-audit"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "backendAudit/v1"
DEFAULT_CATEGORY = "backend-audit"

# GitHub's limits (docs/sarif.md), with a safety margin on the compressed size.
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_TAGS = 10  # GitHub shows 10 and rejects more than 20
MAX_GZIP_BYTES = 9_500_000  # hard limit 10 MB
MAX_DESCRIPTION = 1024

PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
# For security rules whose YAML gives no security_severity: GitHub's bands, by our level.
FALLBACK_SECURITY_SEVERITY = {"error": 8.0, "warning": 5.5, "note": 2.0}
# Notification descriptors: (short description, what to do). GitHub's validator wants full metadata here too.
NOTIFICATIONS = {
    "BA-PARSE": ("A file could not be parsed; no rule ran on it.",
                 "Fix the syntax error, or exclude the file if it is not Python meant to run."),
    "BA-SKIP": ("A file could not be analysed; no rule ran on it.",
                "The message gives the reason (size, encoding, nesting); raise the limit or exclude the file."),
    "BA-PARTIAL": ("A file was only partly analysed; some engines did not run on it.",
                   "The message names the engines that did not run and why; run on a Python that parses the file."),
    "BA-LIMIT": ("Results were dropped to stay within GitHub code scanning's upload limits.",
                 "Fix or baseline the most common findings, or scan parts of the repository under separate categories."),
    "BA-FINGERPRINT": ("A result's file could not be read to compute its primaryLocationLineHash.",
                       "Run the scan from the checkout that is uploaded so the files are present."),
    "BA-NOTE": ("A message from the scan.", "Informational."),
}


def render(result, options: dict[str, Any]) -> str:
    log = to_log(result, options)
    text = _dump(log)
    # Shrink only in the pathological case: keep the most severe results that fit under the size cap.
    while len(gzip.compress(text.encode("utf-8"), mtime=0)) > MAX_GZIP_BYTES:
        kept = len(log["runs"][0]["results"])
        if kept == 0:
            break
        limit = kept // 2
        log = to_log(result, options, size_limit=limit)
        text = _dump(log)
    for note in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]:
        if note["descriptor"]["id"] == "BA-LIMIT":  # the doc asks for it on the console too
            click.echo(f"backend-audit: warning: {note['message']['text']}", err=True)
    return text


def _dump(log: dict[str, Any]) -> str:
    return pretty_json.dumps(log) + "\n"


def to_log(result, options: dict[str, Any], size_limit: int | None = None) -> dict[str, Any]:
    include_suppressed = bool(options.get("include_suppressed"))
    findings = [f for f in result.findings if include_suppressed or f.suppression is None]
    rules = _rules_for(result, findings)
    index = {r.id: i for i, r in enumerate(rules)}
    taxonomies = Taxonomies(rules)
    notes: list[dict[str, Any]] = []

    limit = MAX_RESULTS if size_limit is None else min(MAX_RESULTS, size_limit)
    findings, dropped = _most_severe(findings, rules, index, limit)
    if dropped:
        reason = ("the compressed file would exceed GitHub's 10 MB limit" if size_limit is not None
                  else f"GitHub accepts at most {MAX_RESULTS} results per run")
        message = f"{dropped} least severe result(s) left out of the SARIF file: {reason}."
        notes.append(_notification("BA-LIMIT", "warning", message))

    root = Path(result.root)
    real = real_paths(root, {f.path for f in findings})
    hasher = LineHasher(root)
    needs: dict[str, int] = {}
    for f in findings:
        needs[real[f.path]] = max(needs.get(real[f.path], 1), _start_line(f))
    hasher.prepare(needs)
    results = []
    for f in findings:
        rule = rules[index[f.rule_id]]
        line_hash = hasher.get(real[f.path], _start_line(f))
        if line_hash is None:
            notes.append(_notification("BA-FINGERPRINT", "warning",
                                       f"cannot compute primaryLocationLineHash for {f.path}:{_start_line(f)}; "
                                       "GitHub will compute it if the file is in the checkout.", f.path))
        results.append(_result(f, real[f.path], rule, index[f.rule_id], line_hash, include_suppressed))

    run: dict[str, Any] = {
        "tool": {"driver": _driver(result, rules, taxonomies)},
        "automationDetails": {"id": _automation_id(options.get("category"))},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(result.root).resolve().as_uri().rstrip("/") + "/"}},
        "invocations": [_invocation(result, options, notes)],
        "taxonomies": taxonomies.to_sarif(),
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if result.checklist is not None:
        run["properties"] = {"backendAudit": {"checklists": result.checklist}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# --- rules -------------------------------------------------------------------------------------------

def _rules_for(result, findings) -> list[Any]:
    """Every rule that can fire, in the run's order; a finding from a rule outside it (a later
    pipeline stage's own rule) is appended from the catalog so its ruleIndex still resolves."""
    rules = list(result.rules)
    known = {r.id for r in rules}
    catalog = None
    for rid in sorted({f.rule_id for f in findings} - known):
        catalog = catalog if catalog is not None else rules_by_id()
        rule = catalog.get(rid)
        if rule is None:  # checks and rule files are bound both ways at load time, so this is a bug
            raise RuntimeError(f"finding for rule {rid}, which is not in the rule catalog")
        rules.append(rule)
    if len(rules) > MAX_RULES:
        raise RuntimeError(f"{len(rules)} rules exceed GitHub's limit of {MAX_RULES} per SARIF run")
    return rules


def _driver(result, rules, taxonomies: Taxonomies) -> dict[str, Any]:
    return {
        "name": "backend-audit",
        "fullName": f"backend-audit {result.tool_version}",
        "version": result.tool_version,
        "semanticVersion": result.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(r, taxonomies) for r in rules],
        "notifications": [{"id": k, "shortDescription": {"text": short}, "fullDescription": {"text": short},
                           "help": {"text": todo}} for k, (short, todo) in NOTIFICATIONS.items()],
        "properties": {"rulesVersion": pack_version()},
    }


def pascal_name(name: str) -> str:
    """`sql-built-string-to-sink` -> `SqlBuiltStringToSink`: GitHub wants a friendly name unlike the id."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)[:255]


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def security_severity(rule) -> str | None:
    if not rule.is_security:
        return None
    value = rule.security_severity
    if value is None:
        value = FALLBACK_SECURITY_SEVERITY.get(rule.level, 5.5)
    return f"{min(max(float(value), 0.1), 10.0):.1f}"


def rule_tags(rule) -> list[str]:
    """Most useful first, because GitHub shows only the first ten."""
    tags = ["security"] if rule.is_security else []
    tags += [f"external/cwe/cwe-{c:03d}" for c in rule.cwe]
    tags += [rule.area, *rule.tags, *(f"checklist/{k}" for k in rule.checklist)]
    return list(dict.fromkeys(t for t in tags if t))[:MAX_TAGS]


def _descriptor(rule, taxonomies: Taxonomies) -> dict[str, Any]:
    props: dict[str, Any] = {
        "tags": rule_tags(rule),
        "precision": rule.precision,
        "problem.severity": PROBLEM_SEVERITY[rule.level],
    }
    sev = security_severity(rule)
    if sev is not None:
        props["security-severity"] = sev
    desc: dict[str, Any] = {
        "id": rule.id,
        "name": pascal_name(rule.name),
        "shortDescription": {"text": _clip(rule.title)},
        "fullDescription": {"text": _clip(rule.help.get("what") or rule.title)},
        "help": {"text": rule.help_text(), "markdown": rule.help_markdown()},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": rule.level},
        "properties": props,
    }
    relationships = taxonomies.relationships(rule)
    if relationships:
        desc["relationships"] = relationships
    return desc


# --- results -----------------------------------------------------------------------------------------

def _severity_key(finding, rule) -> tuple:
    sev = security_severity(rule)
    return (-LEVEL_RANK.get(finding.level, 0), -(float(sev) if sev else 0.0))


def _most_severe(findings, rules, index, limit: int):
    if len(findings) <= limit:
        return findings, 0
    order = sorted(range(len(findings)), key=lambda i: (_severity_key(findings[i], rules[index[findings[i].rule_id]]), i))
    keep = sorted(order[:limit])
    return [findings[i] for i in keep], len(findings) - limit


def real_paths(root: Path, rels: set[str]) -> dict[str, str]:
    """rel -> the path with symlinks resolved (GitHub cannot show results in symlinked paths); a path
    that cannot be resolved inside the root stays as it is."""
    base = root.resolve()
    out = {}
    for rel in rels:
        try:
            out[rel] = (root / rel).resolve(strict=True).relative_to(base).as_posix()
        except (OSError, RuntimeError, ValueError):
            out[rel] = rel
    return out


def _start_line(f) -> int:
    return max(1, f.line)


def artifact_uri(path: str) -> str:
    """Repo-relative POSIX path as a relative URI reference: no './', spaces, non-ASCII and backslashes
    escaped. Discovery already gives '/' separators; a backslash is part of a POSIX file name ('\\back.py'
    is not 'back.py'), so it becomes %5C rather than a separator."""
    while path.startswith("./"):
        path = path[2:]
    return quote(path.lstrip("/"), safe="/")


def _region(f) -> dict[str, int]:
    start_line = _start_line(f)
    start_col = max(1, f.column)
    end_line = max(start_line, f.end_line or start_line)
    end_col = max(1, f.end_column or start_col)
    if end_line == start_line and end_col < start_col:
        end_col = start_col
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def _sentence(message: str) -> str:
    message = " ".join(message.split())
    return message if message.endswith((".", "!", "?")) else message + "."


def _result(f, path: str, rule, rule_index: int, line_hash: str | None, include_suppressed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": f.rule_id, "ruleIndex": rule_index}
    if f.level != rule.level:
        out["level"] = f.level
    out["message"] = {"text": _sentence(f.message)}
    out["locations"] = [{"physicalLocation": {
        "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
        "region": _region(f),
    }}]
    fingerprints = {FINGERPRINT_KEY: f.fingerprint}
    if line_hash is not None:
        fingerprints["primaryLocationLineHash"] = line_hash
    out["partialFingerprints"] = dict(sorted(fingerprints.items()))
    if include_suppressed and f.suppression is not None:
        out["suppressions"] = [suppression(f.suppression)]
    fix = (f.properties or {}).get("fix")
    if fix:
        out["fixes"] = [sarif_fix(fix, path)]
    if f.trace:
        out["codeFlows"] = [code_flow(f.trace)]
    props = {"engine": f.engine, **({"symbol": f.symbol} if f.symbol else {}),
             **{k: v for k, v in (f.properties or {}).items() if k != "fix"}}
    if fix:
        props["fixSafety"] = fix["safety"]  # code scanning shows the change; whether --fix applies it is ours
    out["properties"] = dict(sorted(props.items()))
    return out


def sarif_fix(fix: dict[str, Any], path: str) -> dict[str, Any]:
    """A fix's line edits as SARIF replacements: whole lines first..last-1 deleted, new text inserted."""
    return {
        "description": {"text": _sentence(f"{fix['title']} ({fix['safety']} fix)")},
        "artifactChanges": [{
            "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
            "replacements": [{"deletedRegion": {"startLine": first, "startColumn": 1, "endLine": last,
                                                "endColumn": 1},
                              **({"insertedContent": {"text": new}} if new else {})}
                             for first, last, new in fix["edits"]],
        }],
    }


def code_flow(trace: list[dict[str, Any]]) -> dict[str, Any]:
    """A taint finding's path, source first and sink last: one threadFlow GitHub shows step by step."""
    steps = []
    for step in trace:
        steps.append({"location": {
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(step["path"]), "uriBaseId": SRCROOT},
                                 "region": {"startLine": max(1, step["line"]), "startColumn": max(1, step["column"])}},
            "message": {"text": step["message"] or "step"}}})
    return {"threadFlows": [{"locations": steps}]}


_IN_SOURCE = {"insource", "inline", "comment", "noqa", "nosec"}


def suppression(data: dict[str, str]) -> dict[str, Any]:
    """Our suppression record -> SARIF: inline comments are `inSource`, everything else (baseline) `external`."""
    kind = str(data.get("kind", "")).replace("-", "").replace("_", "").lower()
    out: dict[str, Any] = {"kind": "inSource" if kind in _IN_SOURCE else "external"}
    justification = data.get("justification") or data.get("reason")
    if justification:
        out["justification"] = str(justification)
    return out


# --- invocation ---------------------------------------------------------------------------------------

def _notification(descriptor: str, level: str, text: str, path: str | None = None,
                  line: int | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": _sentence(text)}, "descriptor": {"id": descriptor}}
    if path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
        if line:
            physical["region"] = {"startLine": max(1, line)}
        note["locations"] = [{"physicalLocation": physical}]
    return note


def skipped_notification(s) -> dict[str, Any]:
    if s.kind == "partial":
        return _notification("BA-PARTIAL", "warning", f"{s.path} was only partly analysed: {s.reason}", s.path, s.line)
    descriptor = "BA-PARSE" if s.line else "BA-SKIP"
    return _notification(descriptor, "error", f"{s.path} was not analysed: {s.reason}", s.path, s.line)


def _timestamps(result, options: dict[str, Any]) -> tuple[datetime, datetime] | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            instant = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a number of seconds, got {epoch!r}") from None
        return instant, instant
    if options.get("timestamps"):
        end = datetime.now(timezone.utc)
        return end - timedelta(seconds=result.duration), end
    return None


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _invocation(result, options: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": bool(result.execution_successful)}
    times = _timestamps(result, options)
    if times is not None:
        invocation["startTimeUtc"], invocation["endTimeUtc"] = _utc(times[0]), _utc(times[1])
    notifications = [skipped_notification(s) for s in result.skipped]
    for n in result.notifications:
        level = n.get("level") if n.get("level") in PROBLEM_SEVERITY else "note"
        notifications.append(_notification(str(n.get("id", "BA-NOTE")), level, str(n.get("message", "")),
                                           n.get("path"), n.get("line")))
    invocation["toolExecutionNotifications"] = notifications + notes
    return invocation


def _automation_id(category: str | None) -> str:
    category = (category or DEFAULT_CATEGORY).strip().strip("/")
    if not category:
        raise ConfigError("--category must not be empty")
    return f"{category}/"
