#!/usr/bin/env python3
"""Score backend-audit (and, with --compare, bandit, ruff and semgrep) on the labelled taint suite.

Every case under cases/<category>/ is a vulnerable or a safe handler, labelled on its (would-be) sink line
with `# vuln: <category>` or `# safe: <category>` (README.md). The cases are never imported: the tools scan
a temporary copy, their findings are mapped to cases by file and line range, and per category the script
prints TP, FN, FP, TN, TPR, FPR and TPR-FPR, then the average over categories.

    python benchmarks/taint_suite/run.py                  # backend-audit (the installed command)
    python benchmarks/taint_suite/run.py --compare        # + bandit, ruff and semgrep when installed
    python benchmarks/taint_suite/run.py --details        # + every missed and wrongly flagged case
    python benchmarks/taint_suite/run.py --report r.json  # score a backend-audit JSON report already made
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
LEVELS = {"note": 0, "warning": 1, "error": 2}

# category -> the CWEs that count for it, and the rule ids that count whatever CWE the catalog gives them.
# A backend-audit rule counts for a category when its id is listed here or one of its CWEs (from
# `backend-audit rules list --format json`, or the finding's own `properties.cwe`) is in the category's
# set, unless the rule is in `not_rules` (its CWE list names the weakness for another reason). New rules on
# the taint branch are picked up by their CWE without touching this table.
CATEGORIES: dict[str, dict] = {
    "sql": {"cwe": {89, 564}, "rules": {"BA-SQL-001", "BA-SQL-002", "BA-SQL-003"},
            "bandit": {"B608", "B610", "B611"}},
    "command": {"cwe": {77, 78, 88}, "rules": {"BA-INP-003"},
                "bandit": {"B601", "B602", "B603", "B604", "B605", "B606", "B607", "B609"}},
    # BA-DEP-001 (debug mode) lists CWE-94 because the debugger runs code, not because data reaches eval
    "code": {"cwe": {94, 95}, "rules": {"BA-INP-005"}, "not_rules": {"BA-DEP-001"},
             "bandit": {"B102", "B307"}},
    "path": {"cwe": {22, 23, 36, 73}, "rules": {"BA-INP-006"}, "bandit": {"B202"}},
    # bandit files B310 (urlopen scheme audit) under CWE-22; it is about what URL is opened
    "ssrf": {"cwe": {918}, "rules": {"BA-INP-007"}, "bandit": {"B310"}},
    "xss": {"cwe": {79, 80}, "rules": {"BA-INP-008"}, "bandit": {"B308", "B701", "B702", "B703", "B704"}},
    "redirect": {"cwe": {601}, "rules": set(), "bandit": set()},
    "ldap": {"cwe": {90}, "rules": set(), "bandit": set()},
    "xpath": {"cwe": {643}, "rules": set(), "bandit": set()},
    "trust-boundary": {"cwe": {501}, "rules": set(), "bandit": set()},
    "deserialization": {"cwe": {502}, "rules": set(), "bandit": {"B301", "B302", "B506", "B614"}},
    "xxe": {"cwe": {611, 776}, "rules": set(),
            "bandit": {"B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"}},
    "weak-hash": {"pattern": True, "cwe": {327, 328, 916}, "rules": set(), "bandit": {"B303", "B324"}},
    "weak-random": {"pattern": True, "cwe": {330, 338}, "rules": set(), "bandit": {"B311"}},
    "insecure-cookie": {"pattern": True, "cwe": {614, 1004, 1275}, "rules": {"BA-AUTH-007"}, "bandit": set()},
}

LABEL = re.compile(r"#\s*(vuln|safe):\s*([a-z][a-z-]*)\s*$")


@dataclass
class Case:
    id: str
    category: str
    kind: str  # "vuln" or "safe"
    label: tuple[str, int]  # (path relative to cases/, line)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (first, last) line


@dataclass
class Finding:
    tool: str
    rule: str
    path: str
    line: int
    end_line: int
    level: str = "warning"
    cwes: frozenset = frozenset()
    message: str = ""
    trace: tuple = ()  # (path, line) of each step, source first, as the JSON report's "trace" gives them


# ---------------------------------------------------------------------------------------------- cases

def _labels(text: str) -> list[tuple[int, str, str]]:
    return [(n, m.group(1), m.group(2)) for n, line in enumerate(text.splitlines(), 1)
            if (m := LABEL.search(line))]


def _top_level_span(tree: ast.Module, line: int) -> tuple[str, int, int] | None:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if first <= line <= node.end_lineno:
                return node.name, first, node.end_lineno
    return None


def load_cases(root: Path = CASES) -> tuple[list[Case], list[str]]:
    """The cases under root and the problems that make the suite ill-formed (empty when it is sound).

    cases/<category>/<file>.py: each top-level function or class holding a label is one case.
    cases/<category>/<dir>/: the whole directory (any depth) is one case, for multi-module shapes."""
    cases: list[Case] = []
    problems: list[str] = []
    for cat_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        category = cat_dir.name
        if category not in CATEGORIES:
            problems.append(f"{category}/: not a category of run.py's table")
            continue
        for entry in sorted(cat_dir.iterdir()):
            rel = entry.relative_to(root).as_posix()
            if entry.is_dir():
                case, ranges = None, {}
                for path in sorted(entry.rglob("*.py")):
                    prel = path.relative_to(root).as_posix()
                    text = path.read_text(encoding="utf-8")
                    ranges[prel] = (1, max(1, len(text.splitlines())))
                    try:
                        ast.parse(text, filename=prel)
                    except SyntaxError as exc:
                        problems.append(f"{prel}: does not parse: {exc}")
                        continue
                    for line, kind, cat in _labels(text):
                        if case is not None:
                            problems.append(f"{prel}:{line}: second label in the case {rel}/")
                            continue
                        case = Case(f"{rel}/", cat, kind, (prel, line))
                if case is None:
                    problems.append(f"{rel}/: a case directory without a label")
                    continue
                case.ranges = ranges
                _check_category(case, category, problems)
                cases.append(case)
            elif entry.suffix == ".py":
                text = entry.read_text(encoding="utf-8")
                try:
                    tree = ast.parse(text, filename=rel)
                except SyntaxError as exc:
                    problems.append(f"{rel}: does not parse: {exc}")
                    continue
                seen: dict[str, Case] = {}
                for line, kind, cat in _labels(text):
                    span = _top_level_span(tree, line)
                    if span is None:
                        problems.append(f"{rel}:{line}: label outside a top-level function or class")
                        continue
                    name, first, last = span
                    if name in seen:
                        problems.append(f"{rel}:{line}: second label in the case {rel}::{name}")
                        continue
                    case = Case(f"{rel}::{name}", cat, kind, (rel, line), {rel: (first, last)})
                    _check_category(case, category, problems)
                    seen[name] = case
                    cases.append(case)
                if not seen:
                    problems.append(f"{rel}: no labelled case")
    return cases, problems


def _check_category(case: Case, category: str, problems: list[str]) -> None:
    if case.category != category:
        problems.append(f"{case.label[0]}:{case.label[1]}: label says {case.category!r} in the {category}/ folder")


# ---------------------------------------------------------------------------------------------- scoring

def _case_index(cases: list[Case]) -> dict[str, list[Case]]:
    by_path: dict[str, list[Case]] = {}
    for case in cases:
        for path in case.ranges:
            by_path.setdefault(path, []).append(case)
    return by_path


def _normalise(path: str, known: set[str]) -> str | None:
    """A tool's path (relative to some root, or absolute) as a path relative to cases/."""
    parts = Path(path).as_posix().split("/")
    for i in range(len(parts)):
        candidate = "/".join(parts[i:])
        if candidate in known:
            return candidate
    return None


def cases_of(finding: Finding, by_path: dict[str, list[Case]]) -> list[Case]:
    path = _normalise(finding.path, set(by_path))
    if path is None:
        return []
    out = []
    for case in by_path[path]:
        first, last = case.ranges[path]
        if finding.line <= last and max(finding.end_line, finding.line) >= first:
            out.append(case)
    return out


def score(cases: list[Case], findings: list[Finding], counts_for) -> dict:
    """Per category TP/FN/FP/TN with the findings behind each flagged case.

    counts_for(finding, category) says whether the finding is that category's alarm."""
    by_path = _case_index(cases)
    hits: dict[str, list[Finding]] = {}
    for f in findings:
        for case in cases_of(f, by_path):
            if counts_for(f, case.category):
                hits.setdefault(case.id, []).append(f)
    table: dict[str, dict] = {}
    for case in cases:
        row = table.setdefault(case.category, {"tp": [], "fn": [], "fp": [], "tn": []})
        flagged = case.id in hits
        key = {("vuln", True): "tp", ("vuln", False): "fn", ("safe", True): "fp", ("safe", False): "tn"}
        row[key[(case.kind, flagged)]].append((case, hits.get(case.id, [])))
    return table


def rates(row: dict) -> tuple[float | None, float | None]:
    vulns = len(row["tp"]) + len(row["fn"])
    safes = len(row["fp"]) + len(row["tn"])
    tpr = len(row["tp"]) / vulns if vulns else None
    fpr = len(row["fp"]) / safes if safes else None
    return tpr, fpr


def _at_label(case: Case, f: Finding) -> bool:
    path, line = case.label
    return _normalise(f.path, {path}) == path and f.line <= line <= max(f.end_line, f.line)


def _traced(case: Case, f: Finding) -> bool:
    """The finding's trace ends on the labelled sink line (one step is enough when source and sink share it)."""
    if not f.trace:
        return False
    path, line = f.trace[-1]
    return _normalise(path, {case.label[0]}) == case.label[0] and line == case.label[1]


def summary(table: dict) -> dict:
    out, diffs = {}, []
    for category in CATEGORIES:
        if category not in table:
            continue
        row = table[category]
        tpr, fpr = rates(row)
        diff = tpr - fpr if tpr is not None and fpr is not None else None
        if diff is not None:
            diffs.append(diff)
        # a true positive whose finding spans the labelled sink line points the reader at the right place
        at_sink = sum(any(_at_label(case, f) for f in found) for case, found in row["tp"])
        traced = sum(any(_traced(case, f) for f in found) for case, found in row["tp"])
        out[category] = {k: len(row[k]) for k in ("tp", "fn", "fp", "tn")} | {"tpr": tpr, "fpr": fpr,
                                                                            "tpr_minus_fpr": diff,
                                                                            "tp_at_sink": at_sink,
                                                                            "tp_traced": traced}
    out["average"] = {"tpr_minus_fpr": sum(diffs) / len(diffs) if diffs else None, "categories": len(diffs)}
    return out


def render(tool: str, table: dict) -> str:
    def fmt(x):
        return "-" if x is None else f"{x:+.2f}" if x < 0 else f"{x:.2f}"

    header = (f"{'category':<16} {'TP':>4} {'FN':>4} {'FP':>4} {'TN':>4} {'TPR':>6} {'FPR':>6} {'TPR-FPR':>8}"
              f" {'TP@sink':>8} {'traced':>7}")
    lines = [tool, header]
    s = summary(table)
    for category, r in s.items():
        if category == "average":
            continue
        lines.append(f"{category:<16} {r['tp']:>4} {r['fn']:>4} {r['fp']:>4} {r['tn']:>4} {fmt(r['tpr']):>6} "
                     f"{fmt(r['fpr']):>6} {fmt(r['tpr_minus_fpr']):>8} {r['tp_at_sink']:>8} {r['tp_traced']:>7}")
    avg = s["average"]
    lines.append(f"{'average':<16} {'':>4} {'':>4} {'':>4} {'':>4} {'':>6} {'':>6} {fmt(avg['tpr_minus_fpr']):>8}"
                 f"   (over {avg['categories']} categories)")
    return "\n".join(lines)


def render_details(table: dict) -> str:
    lines = []
    for category in CATEGORIES:
        row = table.get(category)
        if not row:
            continue
        # pattern rules (weak hash, weak random, cookies) have no flow to trace
        untraced = [] if CATEGORIES[category].get("pattern") else \
            [(case, found) for case, found in row["tp"] if not any(_traced(case, f) for f in found)]
        for title, entries in (("missed", row["fn"]), ("wrongly flagged", row["fp"]), ("found, no trace", untraced)):
            for case, found in entries:
                path, line = case.label
                why = "; ".join(sorted({f"{f.rule} line {f.line}: {f.message[:90]}" for f in found}))
                lines.append(f"{category:<16} {title:<16} {path}:{line}  {case.id}" + (f"  [{why}]" if why else ""))
    return "\n".join(lines)


def render_markdown(results: dict[str, dict]) -> str:
    """One table, a column per tool: TPR / FPR / score per category (for FINDINGS.md)."""
    def cell(r):
        parts = [r["tpr"], r["fpr"], r["tpr_minus_fpr"]]
        return " / ".join("-" if x is None else f"{x:.2f}" for x in parts)

    tools = list(results)
    lines = ["| category | " + " | ".join(tools) + " |", "|---" * (len(tools) + 1) + "|"]
    for category in CATEGORIES:
        if all(category in results[t] for t in tools):
            lines.append(f"| {category} | " + " | ".join(cell(results[t][category]) for t in tools) + " |")
    avg = [results[t]["average"]["tpr_minus_fpr"] for t in tools]
    lines.append("| **average** | " + " | ".join("-" if a is None else f"**{a:.2f}**" for a in avg) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- tools

def _exe(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def _backend_audit() -> list[str]:
    exe = _exe("backend-audit")
    return [exe] if exe else [sys.executable, "-m", "backend_audit"]


def backend_audit_rules() -> dict[str, set[int]]:
    done = subprocess.run([*_backend_audit(), "rules", "list", "--format", "json"], capture_output=True, text=True,
                          check=True)
    return {r["id"]: set(r.get("cwe") or []) for r in json.loads(done.stdout)}


def parse_backend_audit(report: dict) -> list[Finding]:
    out = []
    for f in report.get("findings", []):
        props = f.get("properties") or {}
        cwe = props.get("cwe")
        cwes = frozenset(int(c) for c in (cwe if isinstance(cwe, list) else [cwe]) if str(c).isdigit()) \
            if cwe is not None else frozenset()
        trace = tuple((step.get("path", f["path"]), step.get("line", 0)) for step in f.get("trace") or ())
        out.append(Finding("backend-audit", f["rule_id"], f["path"], f["line"], f.get("end_line") or f["line"],
                           f.get("level", "warning"), cwes, f.get("message", ""), trace))
    return out


def backend_audit_counts_for(rule_cwes: dict[str, set[int]], min_level: str = "note"):
    def counts_for(f: Finding, category: str) -> bool:
        if LEVELS.get(f.level, 0) < LEVELS[min_level]:
            return False
        spec = CATEGORIES[category]
        if f.rule in spec.get("not_rules", ()):
            return False
        if f.cwes:  # the finding names its own weakness: that wins over the rule's list
            return bool(f.cwes & spec["cwe"])
        return f.rule in spec["rules"] or bool(rule_cwes.get(f.rule, set()) & spec["cwe"])
    return counts_for


def test_id_counts_for(prefix: str):
    def counts_for(f: Finding, category: str) -> bool:
        return f.rule in {prefix + t[1:] for t in CATEGORIES[category]["bandit"]}
    return counts_for


def semgrep_counts_for(f: Finding, category: str) -> bool:
    return bool(f.cwes & CATEGORIES[category]["cwe"])


def copy_cases(dest: Path) -> Path:
    target = dest / "suite"
    shutil.copytree(CASES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_backend_audit(target: Path) -> dict:
    done = subprocess.run([*_backend_audit(), "scan", str(target), "--no-cache", "-f", "json:-"], capture_output=True,
                          text=True, cwd=target, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"backend-audit exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def run_bandit(target: Path) -> list[Finding] | None:
    exe = _exe("bandit")
    if not exe:
        return None
    done = subprocess.run([exe, "-r", "-q", "-f", "json", str(target)], capture_output=True, text=True, check=False)
    results = json.loads(done.stdout or "{}").get("results", [])
    return [Finding("bandit", r["test_id"], str(Path(r["filename"]).relative_to(target)), r["line_number"],
                    max(r.get("line_range") or [r["line_number"]]), r.get("issue_severity", "").lower(),
                    frozenset({r.get("issue_cwe", {}).get("id", 0)}), r.get("issue_text", ""))
            for r in results]


def run_ruff(target: Path) -> list[Finding] | None:
    exe = _exe("ruff")
    if not exe:
        return None
    done = subprocess.run([exe, "check", "--select", "S", "--output-format", "json", "--no-cache", "--isolated",
                           "--exit-zero", str(target)], capture_output=True, text=True, check=False)
    return [Finding("ruff", r["code"] or "", str(Path(r["filename"]).relative_to(target)), r["location"]["row"],
                    r["end_location"]["row"], "warning", frozenset(), r.get("message", ""))
            for r in json.loads(done.stdout or "[]")]


def _config_label(config: str) -> str:
    return f"(local {Path(config).name}/)" if Path(config).exists() else config


def run_semgrep(target: Path, config: str) -> list[Finding] | None:
    exe = _exe("semgrep")
    if not exe:
        return None
    done = subprocess.run([exe, "scan", "--quiet", "--metrics=off", "--disable-version-check", "--config", config,
                           "--json", str(target)], capture_output=True, text=True, check=False)
    out = []
    for r in json.loads(done.stdout or "{}").get("results", []):
        meta = r.get("extra", {}).get("metadata", {})
        cwe = meta.get("cwe") or []
        cwes = frozenset(int(m) for c in (cwe if isinstance(cwe, list) else [cwe])
                         for m in re.findall(r"CWE-(\d+)", str(c)))
        out.append(Finding("semgrep", r["check_id"], str(Path(r["path"]).resolve().relative_to(target.resolve())),
                           r["start"]["line"], r["end"]["line"], "warning", cwes,
                           r.get("extra", {}).get("message", "")))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", action="store_true", help="also score bandit, ruff and semgrep (when installed)")
    ap.add_argument("--details", action="store_true", help="list every missed and every wrongly flagged case")
    ap.add_argument("--report", type=Path, help="score this backend-audit JSON report instead of scanning")
    ap.add_argument("--min-level", choices=list(LEVELS), default="note",
                    help="ignore backend-audit findings below this level (default: count them all)")
    ap.add_argument("--semgrep-config", default="p/python", help="semgrep rules (registry name or local path)")
    ap.add_argument("--only", action="append", metavar="GLOB",
                    help="score only the cases whose id matches (fnmatch, repeatable), e.g. 'sql/*' or '*/fresh_*'")
    ap.add_argument("--markdown", action="store_true", help="also print one markdown table of every tool")
    ap.add_argument("--json", type=Path, help="also write the per-category figures of each tool to this file")
    args = ap.parse_args(argv)

    cases, problems = load_cases()
    if problems:
        print("the suite is ill-formed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    if args.only:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.id, g) for g in args.only)]
    kinds = {k: sum(c.kind == k for c in cases) for k in ("vuln", "safe")}
    print(f"taint suite: {len(cases)} cases ({kinds['vuln']} vulnerable, {kinds['safe']} safe) "
          f"in {len({c.category for c in cases})} categories\n")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ba-taint-suite-") as tmp:
        target = copy_cases(Path(tmp))
        report = json.loads(args.report.read_text(encoding="utf-8")) if args.report else run_backend_audit(target)
        for skipped in report.get("skipped", []):  # its cases would count as silent: say so
            print(f"warning: backend-audit did not fully analyse {skipped.get('path')}: {skipped.get('reason')}",
                  file=sys.stderr)
        counts_for = backend_audit_counts_for(backend_audit_rules(), args.min_level)
        tables = {"backend-audit": score(cases, parse_backend_audit(report), counts_for)}
        if args.compare:
            for name, findings, rule in (("bandit", run_bandit(target), test_id_counts_for("B")),
                                         ("ruff --select S", run_ruff(target), test_id_counts_for("S")),
                                         (f"semgrep {_config_label(args.semgrep_config)}",
                                          run_semgrep(target, args.semgrep_config),
                                          semgrep_counts_for)):
                if findings is None:
                    print(f"{name.split()[0]}: not installed, skipped\n")
                    continue
                tables[name] = score(cases, findings, rule)
    for name, table in tables.items():
        print(render(name, table))
        if args.details and name == "backend-audit":
            print("\n" + (render_details(table) or "no missed or wrongly flagged case"))
        print()
        results[name] = summary(table)
    if args.markdown:
        print(render_markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)
