#!/usr/bin/env python3
"""Precision of the rules on the review corpus: findings joined with reviewed verdicts.

    python benchmarks/corpus.py                       # lay the corpus out first (/tmp/ba-corpus)
    python benchmarks/precision.py                    # scan every laid-out project, print the table
    python benchmarks/precision.py pretalx --unreviewed           # list findings nobody has judged yet
    python benchmarks/precision.py --reports DIR      # keep each project's JSON report in DIR
    python benchmarks/precision.py --from-reports DIR # join earlier reports instead of scanning
    python benchmarks/precision.py --held-out --dest DIR          # the held-out projects (measure, never tune)

Verdicts live in benchmarks/precision/<project>.yaml and <project>.<suffix>.yaml (one file per reviewer or
branch, all joined):

    project: pretalx
    commit: 5a3c2f61ecafc83cfa85aa518cc5af3d564b16ef
    verdicts:
      - {rule: BA-SEC-001, path: src/pretalx/settings.py, line: 120, verdict: FP, why: "..."}

A verdict names a finding by rule id (optionally `rule/sub`), path and line (and `route:` where one
class line carries several routes, as a DRF ViewSet's list and detail routes). `level: warning` on a TP says
the site is a true positive at that level only (a development fallback is worth a warning, not an error):
reported at another level it counts as FP. Suppressed findings (inline, noqa, SILENCED_SYSTEM_CHECKS) are
left out: they never reach the user's gate. The table gives per rule and
level: findings, reviewed, TP, FP and precision (TP / reviewed). Below it: findings not reviewed yet, reviewed
false-positive sites still flagged and true-positive sites no longer flagged, so a fix is measured on both
sides. The scan is the installed `backend-audit` (JSON, --no-cache), so this measures what users run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_DEST, PROJECTS, CorpusError, by_name  # noqa: E402

VERDICT_DIR = Path(__file__).resolve().parent / "precision"
VERDICTS = ("TP", "FP")
LEVELS = ("error", "warning", "note")


class VerdictError(Exception):
    pass


def load_verdicts(project: str, directory: Path = VERDICT_DIR) -> list[dict]:
    """Every verdict recorded for `project`, from <project>.yaml and <project>.*.yaml."""
    out: list[dict] = []
    files = sorted(directory.glob(f"{project}.yaml")) + sorted(directory.glob(f"{project}.*.yaml"))
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("project") != project:
            raise VerdictError(f"{path.name}: project is {data.get('project')!r}, expected {project!r}")
        for i, v in enumerate(data.get("verdicts") or []):
            missing = [k for k in ("rule", "path", "line", "verdict", "why") if not v.get(k)]
            if missing or v["verdict"] not in VERDICTS or v.get("level", "error") not in LEVELS:
                raise VerdictError(f"{path.name}: verdict #{i + 1} needs rule, path, line, verdict (TP|FP), why "
                                   "(and level, if any, one of error|warning|note)")
            out.append({**v, "file": path.name, "commit": data.get("commit")})
    return out


def orphan_verdict_files(directory: Path = VERDICT_DIR) -> list[str]:
    """Verdict files whose name starts with no project's name (load_verdicts would never read them)."""
    names = [p.name for p in PROJECTS]
    return sorted(f.name for f in directory.glob("*.yaml")
                  if not any(f.name == f"{n}.yaml" or f.name.startswith(f"{n}.") for n in names))


def _key(rule: str, path: str, line: int) -> tuple:
    return rule.split("/")[0], path, int(line)


def _finding_rule(f: dict) -> str:
    sub = (f.get("properties") or {}).get("sub")
    return f"{f['rule_id']}/{sub}" if sub else f["rule_id"]


def _names(verdict: dict, finding: dict) -> bool:
    """`rule/sub` pins one sub-check; `route:` pins one route of a class whose routes share its line."""
    if "/" in verdict["rule"] and verdict["rule"] != _finding_rule(finding):
        return False
    return not verdict.get("route") or verdict["route"] == (finding.get("properties") or {}).get("route")


def join(findings: list[dict], verdicts: list[dict]) -> dict:
    """Match findings with verdicts; a verdict naming `rule/sub` or a `route` only matches that finding."""
    by_site: dict[tuple, list[dict]] = defaultdict(list)
    for v in verdicts:
        by_site[_key(v["rule"], v["path"], v["line"])].append(v)
    rows: dict[tuple, dict] = defaultdict(lambda: {"findings": 0, "reviewed": 0, "TP": 0, "FP": 0})
    unreviewed, matched = [], {}  # id(verdict) -> the level of the finding it matched
    for f in findings:
        row = rows[(f["rule_id"], f["level"])]
        row["findings"] += 1
        site = _key(f["rule_id"], f["path"], f["line"])
        hit = next((v for v in by_site.get(site, ()) if _names(v, f)), None)
        if hit is None:
            unreviewed.append(f)
            continue
        matched[id(hit)] = f["level"]
        row["reviewed"] += 1
        row[_verdict_at(hit, f["level"])] += 1
    flagged = {_key(f["rule_id"], f["path"], f["line"]) for f in findings}
    # the level of the finding the verdict matched, not of any finding at the site: a `rule/sub` verdict shares its
    # line with the rule's other sub-checks (Django settings findings all sit on line 1)
    fp_still = [v for v in verdicts if id(v) in matched and _verdict_at(v, matched[id(v)]) == "FP"]
    tp_lost = [v for v in verdicts if v["verdict"] == "TP" and _key(v["rule"], v["path"], v["line"]) not in flagged]
    fp_gone = [v for v in verdicts if v["verdict"] == "FP" and _key(v["rule"], v["path"], v["line"]) not in flagged]
    fp_noted = [v for v in fp_still if matched[id(v)] == "note"]
    return {"rows": dict(rows), "unreviewed": unreviewed, "fp_still": fp_still, "tp_lost": tp_lost,
            "fp_gone": fp_gone, "fp_noted": fp_noted, "verdicts": len(verdicts), "tp_total": sum(v["verdict"] == "TP" for v in verdicts)}


def _verdict_at(verdict: dict, level: str) -> str:
    """A TP pinned to a level is a FP at any other level (a warning-worthy fallback reported as an error)."""
    if verdict["verdict"] == "TP" and verdict.get("level") and verdict["level"] != level:
        return "FP"
    return verdict["verdict"]


def active(findings: list[dict]) -> list[dict]:
    """What reaches the user's gate: suppressed findings are reported as such, never as alerts."""
    return [f for f in findings if not f.get("suppression")]


def scan(tree: Path, report: Path, raw_levels: bool = False) -> list[dict]:
    exe = Path(sys.executable).parent / "backend-audit"
    cmd = [str(exe) if exe.exists() else (shutil.which("backend-audit") or "backend-audit"), "scan", str(tree),
           "--no-cache", "--fail-on", "never", "-f", f"json:{report}", *(["--raw-levels"] if raw_levels else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"backend-audit exited {done.returncode} on {tree}: {done.stderr.strip()[-500:]}")
    return json.loads(report.read_text(encoding="utf-8"))["findings"]


def _precision(tp: int, reviewed: int) -> str:
    return f"{100 * tp / reviewed:5.1f}%" if reviewed else "    -"


def print_table(rows: dict, out=sys.stdout) -> None:
    print(f"{'rule':14} {'level':8} {'findings':>8} {'reviewed':>8} {'TP':>5} {'FP':>5} {'precision':>9}", file=out)
    for (rule, level), r in sorted(rows.items()):
        print(f"{rule:14} {level:8} {r['findings']:8d} {r['reviewed']:8d} {r['TP']:5d} {r['FP']:5d} "
              f"{_precision(r['TP'], r['reviewed']):>9}", file=out)


def _site(v: dict) -> str:
    return f"  {v['rule']:14} {v['path']}:{v['line']}  ({v['why']})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="*", help="project names (default: every laid-out project)")
    ap.add_argument("--dest", type=Path, default=Path(os.environ.get("BA_CORPUS", DEFAULT_DEST)),
                    help="where benchmarks/corpus.py laid the projects out")
    ap.add_argument("--reports", type=Path, help="keep each project's JSON report here as <project>.json")
    ap.add_argument("--from-reports", type=Path, help="read <project>.json from here instead of scanning")
    ap.add_argument("--unreviewed", action="store_true", help="list every finding without a verdict")
    ap.add_argument("--rule", help="only this rule id (prefix) in the listings and the table")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--raw-levels", action="store_true",
                    help="scan with the checks' own levels (no blind calibration): what the rules alone carry over")
    ap.add_argument("--held-out", action="store_true",
                    help="without project names: the held-out projects instead of the tuning corpus")
    args = ap.parse_args(argv)
    try:
        projects = by_name(args.projects, args.held_out)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stray = orphan_verdict_files()
    if stray:  # a misnamed file (CTFd.x.yaml for ctfd) would be silently left out of every figure
        print(f"error: verdict files for no corpus project: {', '.join(stray)}", file=sys.stderr)
        return 2
    total: dict[tuple, dict] = defaultdict(lambda: {"findings": 0, "reviewed": 0, "TP": 0, "FP": 0})
    results, ran = {}, 0
    with tempfile.TemporaryDirectory(prefix="ba-precision-") as tmp:
        for p in projects:
            tree = args.dest / p.name
            if args.from_reports:
                report = args.from_reports / f"{p.name}.json"
                if not report.is_file():
                    continue
                findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
            else:
                if not tree.is_dir():
                    if args.projects:
                        print(f"error: {tree} missing; run benchmarks/corpus.py {p.name}", file=sys.stderr)
                        return 2
                    continue
                stamp = tree / ".ba-corpus-commit"
                if stamp.is_file() and stamp.read_text().strip() != p.commit:
                    print(f"warning: {tree} is not at the pinned commit; run corpus.py --force", file=sys.stderr)
                report = (args.reports or Path(tmp)) / f"{p.name}.json"
                report.parent.mkdir(parents=True, exist_ok=True)
                findings = scan(tree, report, args.raw_levels)
            findings = active(findings)
            if args.rule:
                findings = [f for f in findings if f["rule_id"].startswith(args.rule)]
            try:
                verdicts = load_verdicts(p.name)
            except VerdictError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            if args.rule:
                verdicts = [v for v in verdicts if v["rule"].startswith(args.rule)]
            res = join(findings, verdicts)
            results[p.name] = res
            ran += 1
            for k, r in res["rows"].items():
                for field, n in r.items():
                    total[k][field] += n
    if not ran:
        print(f"error: no project laid out under {args.dest}; run benchmarks/corpus.py", file=sys.stderr)
        return 2
    if args.json:
        json.dump({"total": [{"rule": k[0], "level": k[1], **v} for k, v in sorted(total.items())],
                   "projects": {name: {"unreviewed": len(r["unreviewed"]), "fp_still": r["fp_still"],
                                       "tp_lost": r["tp_lost"], "fp_gone": len(r["fp_gone"])}
                                for name, r in sorted(results.items())}},
                  sys.stdout, indent=1, sort_keys=True, default=str)
        print()
        return 0
    print(f"precision on {ran} project(s): {', '.join(sorted(results))}\n")
    print_table(total)
    fps = sum(len(r["fp_still"]) + len(r["fp_gone"]) for r in results.values())
    still = sum(len(r["fp_still"]) for r in results.values())
    tps = sum(r["tp_total"] for r in results.values())
    kept = tps - sum(len(r["tp_lost"]) for r in results.values())
    noted = sum(len(r["fp_noted"]) for r in results.values())
    print(f"\nreviewed FP sites still flagged: {still}/{fps} ({_precision(still, fps).strip()}); "
          f"TP sites kept: {kept}/{tps} ({_precision(kept, tps).strip()})")
    # a note is the catalog's "report less, at a lower level": below the default gate, but still shown
    print(f"  of them as warnings or errors: {still - noted}/{fps} ({_precision(still - noted, fps).strip()}); "
          f"as notes: {noted}")
    for name, res in sorted(results.items()):
        print(f"\n{name}: {res['verdicts']} verdicts, {len(res['unreviewed'])} findings unreviewed, "
              f"{len(res['fp_still'])} reviewed FP sites still flagged ({len(res['fp_gone'])} fixed), "
              f"{len(res['tp_lost'])} TP sites no longer flagged")
        if res["tp_lost"]:
            print(" TP sites no longer flagged:")
            for v in res["tp_lost"]:
                print(_site(v))
        if res["fp_still"]:
            print(" FP sites still flagged:")
            for v in res["fp_still"]:
                print(_site(v))
        if args.unreviewed:
            for f in sorted(res["unreviewed"], key=lambda f: (f["rule_id"], f["path"], f["line"])):
                print(f"  ? {f['rule_id']:12} {f['level']:7} {f['path']}:{f['line']}  {f['message'][:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
