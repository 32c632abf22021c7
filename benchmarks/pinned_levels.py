#!/usr/bin/env python3
"""Reported level against reviewed level, per rule and sub-check: the input of a level calibration.

    python benchmarks/pinned_levels.py --reports /tmp/rep            # every <set>/<project>.json under it
    python benchmarks/pinned_levels.py --reports /tmp/rep --rule BA-PERF-003 --sites
    python benchmarks/pinned_levels.py --reports /tmp/rep --verdicts heldout   # only blind verdict files

A reviewer who finds a real but lesser problem records it as a TP with `level: note` or `level: warning`
(precision.py counts it as a FP site while it is reported above that level). This joins the saved reports of
`precision.py --reports DIR` (one directory of <project>.json, or one sub-directory per set) with every
verdict, and prints per rule/sub the reviewed sites by reported level and by verdict: TP (no pin), TP pinned
at error/warning/note, FP. "above pin" counts the pinned TPs reported above their pin (what a calibration
would move down); "below pin" those reported under it (recall lost at the gate). `--sites` lists the pinned
sites above their pin and the unpinned TPs at warning/error, side by side, so the features that separate
them can be read in the code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precision import LEVELS, _key, _names, active, load_verdicts  # noqa: E402

RANK = {level: i for i, level in enumerate(reversed(LEVELS))}  # note 0 < warning 1 < error 2
COLUMNS = ("TP", "TP=error", "TP=warning", "TP=note", "FP")


def report_files(root: Path) -> list[tuple[str, Path]]:
    """(set, report) for root/<project>.json and root/<set>/<project>.json, sorted."""
    found = [("-", p) for p in sorted(root.glob("*.json"))]
    found += [(d.name, p) for d in sorted(root.iterdir()) if d.is_dir() for p in sorted(d.glob("*.json"))]
    return found


def verdict_class(v: dict) -> str:
    return f"TP={v['level']}" if v["verdict"] == "TP" and v.get("level") else v["verdict"]


def joined(root: Path, rule: str | None, verdict_filter: str | None) -> list[dict]:
    """One row per reviewed finding: rule/sub, set, project, path, line, reported level, verdict class."""
    rows = []
    for set_name, report in report_files(root):
        project = report.stem
        findings = active(json.loads(report.read_text(encoding="utf-8"))["findings"])
        verdicts = [v for v in load_verdicts(project)
                    if (not rule or v["rule"].startswith(rule))
                    and (not verdict_filter or verdict_filter in v["file"])]
        by_site = defaultdict(list)
        for v in verdicts:
            by_site[_key(v["rule"], v["path"], v["line"])].append(v)
        for f in findings:
            if rule and not f["rule_id"].startswith(rule):
                continue
            hit = next((v for v in by_site.get(_key(f["rule_id"], f["path"], f["line"]), ()) if _names(v, f)), None)
            if hit is None:
                continue
            sub = (f.get("properties") or {}).get("sub")
            rows.append({"rule": f"{f['rule_id']}/{sub}" if sub else f["rule_id"], "set": set_name,
                         "project": project, "path": f["path"], "line": f["line"], "level": f["level"],
                         "class": verdict_class(hit), "pin": hit.get("level"), "why": hit["why"],
                         "message": f.get("message", "")})
    return rows


def table(rows: list[dict], out=sys.stdout) -> None:
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for r in rows:
        counts[r["rule"]][r["level"]][r["class"]] += 1
    print(f"{'rule/sub':34} {'reported':8} " + " ".join(f"{c:>10}" for c in COLUMNS) + f" {'above pin':>9} "
          f"{'below pin':>9}", file=out)
    for rule in sorted(counts):
        for level in LEVELS:
            c = counts[rule].get(level)
            if not c:
                continue
            above = sum(n for k, n in c.items() if k.startswith("TP=") and RANK[k[3:]] < RANK[level])
            below = sum(n for k, n in c.items() if k.startswith("TP=") and RANK[k[3:]] > RANK[level])
            print(f"{rule:34} {level:8} " + " ".join(f"{c.get(k, 0):10d}" for k in COLUMNS)
                  + f" {above:9d} {below:9d}", file=out)


def sites(rows: list[dict], out=sys.stdout) -> None:
    """Pinned-lower sites above their pin next to the unpinned TPs at the same reported level."""
    for r in sorted(rows, key=lambda r: (r["rule"], r["level"], r["class"], r["project"], r["path"], r["line"])):
        pinned_above = r["pin"] and RANK[r["pin"]] < RANK[r["level"]]
        kept = r["class"] == "TP" and r["level"] != "note"
        if pinned_above or kept:
            tag = f"pinned {r['pin']}" if pinned_above else "TP kept"
            print(f"{r['rule']:26} {r['level']:7} {tag:14} {r['set']}/{r['project']}:{r['path']}:{r['line']}\n"
                  f"    msg: {r['message'][:160]}\n    why: {r['why'][:200]}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, required=True,
                    help="saved reports: <project>.json, or <set>/<project>.json, as precision.py --reports writes")
    ap.add_argument("--rule", help="only this rule id (prefix)")
    ap.add_argument("--verdicts", help="only verdicts from files whose name contains this (e.g. heldout)")
    ap.add_argument("--sites", action="store_true", help="list pinned sites above their pin and kept TPs")
    ap.add_argument("--json", action="store_true", help="the joined rows, machine-readable")
    args = ap.parse_args(argv)
    if not args.reports.is_dir():
        print(f"error: {args.reports} is not a directory of reports", file=sys.stderr)
        return 2
    rows = joined(args.reports, args.rule, args.verdicts)
    if args.json:
        json.dump(rows, sys.stdout, indent=1, sort_keys=True)
        print()
    elif args.sites:
        sites(rows)
    else:
        table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
