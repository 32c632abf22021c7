"""Inline suppressions: `# backend-audit: ignore[BA-SQL-001] until=2026-06-30 -- reason` and bandit's `# nosec`.

Two halves. `scan_comments` runs in the worker on the source text (one `tokenize` pass, only when the
file mentions a marker) and records each marker comment with the span of the statement it governs, as
plain data in `FileResult.facts["suppressions"]`. `apply` runs after the project pass: it marks matching
findings `suppression={"kind": "inSource", ...}` (kept, never failing the run), and hands every comment
with its state to the meta rules (BA-META-*), which report reasonless, expired and unused suppressions.

Which statement a comment governs: a trailing comment governs the logical line it sits on (every
physical line of a multi-line statement counts); a comment alone on its line governs the next
statement, provided only other comment lines lie between. A decorator line passes its comments on to
the decorated `def`/`class` header. A finding is covered when its first line lies inside that span, so a
comment inside a function body never silences a finding reported on the whole function.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import field
from datetime import date
from typing import Any, Iterable

from ..findings import Finding, ScanResult, assign_fingerprints
from ..records import dataclass

_IGNORE = re.compile(r"backend-audit:\s*ignore\b(?P<rest>.*)$")
_IDS = re.compile(r"^\s*\[(?P<ids>[^\]]*)\]")
_UNTIL = re.compile(r"\buntil=(\S*)")
_NOSEC = re.compile(r"#\s*nosec\b")
# Reviewed suppressions written for the equivalent rule of another linter: ruff's `# noqa: T201, BLE001`
# and pylint's `# pylint: disable=W0702`. A blanket `# noqa` names nothing and is not honoured.
_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_PYLINT = re.compile(r"#\s*pylint\s*:\s*disable\s*=\s*(?P<codes>[\w-]+(?:\s*,\s*[\w-]+)*)")
_SKIP = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT,
                   tokenize.ENCODING, tokenize.ENDMARKER})


# --- worker half -----------------------------------------------------------------------------------

def scan_comments(text: str) -> list[dict[str, Any]]:
    """Every suppression comment of a file with the statement span it governs (plain data)."""
    if "backend-audit:" not in text and "nosec" not in text and "noqa" not in text and "pylint:" not in text:
        return []
    records: list[dict[str, Any]] = []
    inline: list[dict[str, Any]] = []  # comments on the current logical line
    above: list[dict[str, Any]] = []  # comment-only lines waiting for the next statement
    stmt_start: int | None = None
    first_op = ""
    last_comment_row = -1
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, (row, col), (_, end_col) = tok.type, tok.start, tok.end
            if kind == tokenize.COMMENT:
                parsed = _parse(tok.string, row, col, end_col)
                last_comment_row = row
                if parsed:
                    records.extend(parsed)
                    (inline if stmt_start is not None else above).extend(parsed)
            elif kind == tokenize.NL and stmt_start is None and row != last_comment_row:
                above = []  # a blank line ends the run of comments above a statement
            elif kind == tokenize.NEWLINE and stmt_start is not None:
                for rec in inline:
                    rec["start"] = stmt_start
                if first_op == "@":
                    # A decorator hands its comments (and those above it) to the decorated header.
                    above = [*above, *inline]
                else:
                    for rec in [*above, *inline]:
                        rec["end"] = row
                    above = []
                inline, stmt_start = [], None
            elif kind not in _SKIP and stmt_start is None:
                stmt_start, first_op = row, tok.string
                for rec in above:
                    rec.setdefault("start", row)
    except (tokenize.TokenError, SyntaxError):
        pass  # ast parsed it, so this is rare; the comments found so far still count
    for rec in records:  # governs nothing else: a comment at the end of the file
        rec.setdefault("start", rec["line"])
        rec.setdefault("end", max(rec["start"], rec["line"]))
    return records


def _parse(comment: str, row: int, col: int, end_col: int) -> list[dict[str, Any]]:
    where = {"line": row, "column": col + 1, "end_column": end_col + 1, "text": comment.strip()}
    out: list[dict[str, Any]] = []
    m = _IGNORE.search(comment)
    if m:
        rest = m.group("rest")
        rec: dict[str, Any] = {**where, "kind": "ignore", "rules": [], "reason": "", "until": "", "error": ""}
        ids = _IDS.match(rest)
        if ids:
            rec["rules"] = sorted({i.strip().upper() for i in re.split(r"[,\s]+", ids.group("ids")) if i.strip()})
            rest = rest[ids.end():]
        options, sep, reason = rest.partition("--")
        rec["reason"] = reason.strip() if sep else ""
        until = _UNTIL.search(options)
        if until:
            try:
                rec["until"] = date.fromisoformat(until.group(1)).isoformat()
            except ValueError:
                rec["error"] = f"'until={until.group(1)}' is not a date (use until=YYYY-MM-DD)"
        if not rec["rules"] and not rec["error"]:
            rec["error"] = "names no rule ids (write ignore[BA-XXX-NNN])"
        out.append(rec)
    if _NOSEC.search(comment):
        out.append({**where, "kind": "nosec", "tests": sorted(_nosec_tests(comment))})
    codes = {c.upper() for m in (_NOQA.search(comment), _PYLINT.search(comment)) if m
             for c in re.split(r"[\s,]+", m.group("codes")) if c}
    if codes:
        out.append({**where, "kind": "noqa", "codes": sorted(codes)})
    return out


def _nosec_tests(comment: str) -> set[str]:
    """Test ids a `# nosec` names (empty: all), parsed by bandit itself so names like
    `hardcoded_sql_expressions` resolve exactly as bandit would."""
    if not re.search(r"nosec:?\s*[\w-]", comment):
        return set()  # blanket: no need to load bandit's plugin table
    import logging  # here, not at start-up: only a `# nosec` naming tests loads bandit

    logging.getLogger("bandit").setLevel(logging.CRITICAL + 1)  # it warns about every unknown word
    try:
        from bandit.core.manager import _parse_nosec_comment

        tests = _parse_nosec_comment(comment)
        return set(tests or ())
    except Exception:  # noqa: BLE001 - a bandit without the helper: fall back to plain ids
        return set(re.findall(r"\bB\d{3}\b", comment.split("nosec", 1)[1]))


# --- post-stage half -------------------------------------------------------------------------------

@dataclass
class Comment:
    """One suppression comment and what happened to it in this run (what the meta rules read)."""

    path: str
    line: int
    column: int
    end_column: int
    text: str
    start: int
    end: int
    rules: tuple[str, ...]
    reason: str
    until: str
    error: str
    ran: frozenset[str]  # rule ids that ran on this file: only those can make a suppression "unused"
    known: frozenset[str]  # every rule id in the catalog
    expired: bool = False
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        return self.start <= finding.line <= self.end

    def names(self, rule_id: str) -> bool:
        return any(rule_id == r or rule_id.startswith(r + "/") for r in self.rules)


def today() -> date:
    return date.today()


def apply(result: ScanResult, selection: Any, project_rules_ran: Iterable[str] = ()) -> None:
    """Mark suppressed findings, drop per-file-ignored whole-repo findings, add meta findings."""
    from ..catalog import rules_by_id
    from ..checks import meta_checks

    rules = rules_by_id()
    known = frozenset(rules)
    now = today().isoformat()
    project_ran = frozenset(project_rules_ran)
    comments: dict[str, list[Comment]] = {}
    nosecs: dict[str, list[dict[str, Any]]] = {}
    for fr in result.file_results:
        ran = None  # made for files with a suppression comment only: most files have none
        for rec in fr.fact("suppressions", ()):
            if rec["kind"] in ("nosec", "noqa"):
                nosecs.setdefault(fr.path, []).append(rec)
                continue
            if ran is None:  # a whole-repo rule per-file-ignored here did not run on this file
                ran = frozenset(fr.fact("rules_run", ())) | frozenset(
                    r for r in project_ran if not _ignored(selection, r, fr.path))
            c = Comment(path=fr.path, line=rec["line"], column=rec["column"], end_column=rec["end_column"],
                        text=rec["text"], start=rec["start"], end=rec["end"], rules=tuple(rec["rules"]),
                        reason=rec["reason"], until=rec["until"], error=rec["error"], ran=ran, known=known)
            c.expired = bool(c.until) and c.until < now
            comments.setdefault(fr.path, []).append(c)

    # Whole-repo findings never went through the worker's per-file-ignores: apply them here.
    result.findings = [f for f in result.findings
                       if f.engine not in ("project", "taint") or not _ignored(selection, f.rule_id, f.path)]
    for f in result.findings:
        if f.suppression is not None:
            continue
        for c in comments.get(f.path, ()):
            if c.names(f.rule_id) and c.covers(f) and not c.error:
                c.used.add(next(r for r in c.rules if f.rule_id == r or f.rule_id.startswith(r + "/")))
                if not c.expired:
                    f.suppression = {"kind": "inSource", "justification": c.reason}
                    break
        if f.suppression is None:
            rule = rules.get(f.rule_id)
            if rule is not None and _bandit_ids(rule):
                f.suppression = _nosec(f, _bandit_ids(rule), nosecs.get(f.path, ()))
            if rule is not None and f.suppression is None:
                f.suppression = _noqa(f, _linter_ids(rule), nosecs.get(f.path, ()))

    all_comments = [c for path in sorted(comments) for c in comments[path]]
    meta: list[Finding] = []
    for rule_id in (r.id for r in result.rules):
        for cls in meta_checks(rule_id):  # their modules only: a warm scan imports no other check
            meta.extend(f for f in cls(rules[rule_id], selection.options(rule_id)).run(all_comments)
                        if not _ignored(selection, f.rule_id, f.path))
    if meta:
        result.findings.extend(meta)
        result.findings.sort(key=Finding.sort_key)
        assign_fingerprints(result.findings)


def _ignored(selection: Any, rule_id: str, path: str) -> bool:
    extra = selection.ignores_for(path)
    return bool(extra) and not selection.enabled(rule_id, extra)


def _bandit_ids(rule: Any) -> set[str]:
    """The bandit tests a rule runs or replaces: `# nosec` written for those keeps working after a move
    from bandit (B608 on a line our own SQL rule flags, say)."""
    ids = set(rule.bandit_tests) | set((rule.equivalents or {}).get("bandit") or ())
    return ids | ({"*"} if rule.engine == "bandit" else set())


def _linter_ids(rule: Any) -> set[str]:
    """The ruff and pylint codes the catalog names as this rule's equivalents (T201 for BA-LOG-003, ...)."""
    eq = rule.equivalents or {}
    return {c.upper() for tool in ("ruff", "pylint") for c in (eq.get(tool) or ())}


def _noqa(finding: Finding, codes: set[str], records: Iterable[dict[str, Any]]) -> dict[str, str] | None:
    """A `# noqa:`/`# pylint: disable=` naming an equivalent code on the finding's own statement (like
    ruff, a comment on the line above does not count)."""
    if not codes:
        return None
    for rec in records:
        if rec["kind"] == "noqa" and rec["start"] <= rec["line"] and rec["start"] <= finding.line <= rec["end"] \
                and codes & set(rec["codes"]):
            return {"kind": "inSource", "justification": rec["text"]}
    return None


def _nosec(finding: Finding, bandit_ids: set[str], nosecs: Iterable[dict[str, Any]]) -> dict[str, str] | None:
    test = finding.properties.get("bandit_test")
    wanted = {test} if test else bandit_ids
    for rec in nosecs:
        if rec["kind"] != "nosec":
            continue
        if rec["start"] <= finding.line <= rec["end"] and (not rec["tests"] or wanted & set(rec["tests"])):
            return {"kind": "inSource", "justification": rec["text"]}
    return None
