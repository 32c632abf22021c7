#!/usr/bin/env python3
"""Levels decided by blind review: which kinds of finding were mostly wrong on backends nobody tuned on.

A blind set (docs/precision.md, "Held out, blind, set U/V/W") is reviewed against the rules of the day, before
any fix for it is written: its verdicts (`<project>.heldout<SET>.yaml`) joined with the reports of that day are
the one unbiased estimate of what a finding is worth on a user's code. This script counts, per kind of finding
(rule, sub-check, level reported), how many reviewed findings were real at the level reported, and writes the
kinds that were mostly not into `rules/calibration.yaml`; the scanner reports those one level lower, or as notes
(src/backend_audit/workflow/calibration.py), saying why.

    python benchmarks/calibrate.py --blind U=/tmp/s34/rep/U --blind V=/tmp/s35/rep/V --blind W=/tmp/s36/rep/W
    python benchmarks/calibrate.py ... --write                   # rules/calibration.yaml
    python benchmarks/calibrate.py --blind U=.. --blind V=.. --test W=/tmp/s36/rep/W   # carry-over to unseen W

The reports of a blind set are the JSON reports its reviewers judged (`benchmarks/precision.py --reports`, at the
commit each verdict file's header names); they live outside the repository, like the corpus. `--test` derives the
table from the --blind sets only and applies it to another set's blind reports: how many of that set's reviewed
false-positive sites at warning/error it would take away, and how many true positives it would move below their
level (the cross-check that the table carries over to code it was not derived from).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precision import VERDICT_DIR, _names, _verdict_at, active  # noqa: E402

CALIBRATION = Path(__file__).resolve().parent.parent / "rules" / "calibration.yaml"


def reviewed(sets: dict[str, Path]) -> list[tuple[str, dict, dict]]:
    """(project, verdict, the finding it names) for every blind verdict of `sets` whose finding is in the report."""
    out = []
    for name, reports in sorted(sets.items()):
        for path in sorted(VERDICT_DIR.glob(f"*.heldout{name}.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            report = reports / f"{data['project']}.json"
            if not report.is_file():
                raise SystemExit(f"calibrate: no report {report} for {path.name}")
            by_site: dict[tuple, list[dict]] = defaultdict(list)
            for f in active(json.loads(report.read_text(encoding="utf-8"))["findings"]):
                by_site[(f["rule_id"], f["path"], f["line"])].append(f)
            for v in data.get("verdicts") or []:
                site = (v["rule"].split("/")[0], v["path"], int(v["line"]))
                f = next((f for f in by_site.get(site, ()) if _names(v, f)), None)
                if f is not None:
                    out.append((data["project"], v, f))
    return out


def kind(f: dict) -> tuple[str, str | None, str]:
    return f["rule_id"], (f.get("properties") or {}).get("sub"), f["level"]


def table(rows: list[tuple[str, dict, dict]]) -> dict[tuple, dict]:
    counts: dict[tuple, dict] = defaultdict(lambda: {"real": 0, "lesser": 0, "reviewed": 0, "projects": set()})
    for project, v, f in rows:
        if f["level"] == "note":
            continue
        c = counts[kind(f)]
        c["reviewed"] += 1
        c["real"] += _verdict_at(v, f["level"]) == "TP"
        # an error a reviewer found real as a warning: the kind may deserve a warning, not a note
        c["lesser"] += f["level"] == "error" and v["verdict"] == "TP" and v.get("level") == "warning"
        c["projects"].add(project)
    return counts


def upper_bound(real: int, reviewed: int, z: float) -> float:
    """Wilson score upper bound of the share of real findings: how good the kind could still be, given how few
    were reviewed. A kind is lowered only when even this optimistic share misses the level's bar, so three
    false positives in a row lower a kind less readily than thirty."""
    if reviewed == 0:
        return 1.0
    p = real / reviewed
    centre = p + z * z / (2 * reviewed)
    spread = z * math.sqrt(p * (1 - p) / reviewed + z * z / (4 * reviewed * reviewed))
    return (centre + spread) / (1 + z * z / reviewed)


def decide(counts: dict[tuple, dict], min_reviewed: int, min_projects: int, warning_bar: float,
           error_bar: float, z: float) -> dict[tuple, str]:
    """The level each kind is reported at instead. A warning whose share of real findings could not reach
    `warning_bar` (upper bound, `upper_bound`) becomes a note; an error that could not reach `error_bar` as an
    error becomes a warning if, counting those real as warnings, it could reach `warning_bar`, else a note.
    Only kinds seen in enough reviews and projects to tell a habit of the rule from one project's idiom."""
    out = {}
    for k, c in counts.items():
        if c["reviewed"] < min_reviewed or len(c["projects"]) < min_projects:
            continue
        if k[2] == "error" and upper_bound(c["real"], c["reviewed"], z) < error_bar:
            as_warning = upper_bound(c["real"] + c["lesser"], c["reviewed"], z)
            out[k] = "warning" if as_warning >= warning_bar else "note"
        elif k[2] == "warning" and upper_bound(c["real"], c["reviewed"], z) < warning_bar:
            out[k] = "note"
    return out


def carry_over(rows: list[tuple[str, dict, dict]], decided: dict[tuple, str]) -> dict[str, int]:
    """On another set's blind verdicts: FP sites at warning/error and TP right at their level, before and after."""
    out = dict.fromkeys(("fp_before", "fp_after", "tp_before", "tp_after", "fp_sites"), 0)
    for _, v, f in rows:
        before = f["level"]
        after = decided.get(kind(f), before)
        fp_site = v["verdict"] == "FP" or bool(v.get("level"))
        out["fp_sites"] += fp_site
        for when, lvl in (("before", before), ("after", after)):
            if lvl == "note":
                continue
            out[f"{'tp' if _verdict_at(v, lvl) == 'TP' else 'fp'}_{when}"] += 1
    return out


def write(decided: dict[tuple, str], counts: dict[tuple, dict], sets: dict[str, Path], criteria: str) -> None:
    entries = []
    for (rule, sub, level), to in sorted(decided.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])):
        c = counts[(rule, sub, level)]
        entries.append({"rule": rule, "sub": sub, "level": level, "to": to, "real": c["real"],
                        "real_lower": c["lesser"], "reviewed": c["reviewed"], "projects": len(c["projects"])})
    header = ("# Written by benchmarks/calibrate.py (docs/precision.md, \"Levels by blind calibration\"): do not edit\n"
              "# by hand. Kinds of finding (rule, sub-check, level reported) that blind reviews of unseen backends\n"
              "# found mostly wrong at that level; the scanner reports them at `to`, saying so\n"
              "# (src/backend_audit/workflow/calibration.py). `calibrated-levels = false` turns it off.\n")
    head = yaml.safe_dump({"sets": sorted(sets), "criteria": criteria}, sort_keys=False, width=120)
    lines = [f"  - {yaml.safe_dump(e, sort_keys=False, default_flow_style=True, width=1000).strip()}" for e in entries]
    CALIBRATION.write_text(header + head + "entries:\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _sets(values: list[str]) -> dict[str, Path]:
    out = {}
    for value in values:
        name, _, path = value.partition("=")
        if not name or not path:
            raise SystemExit(f"calibrate: expected SET=REPORT_DIR, got {value!r}")
        out[name] = Path(path)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blind", action="append", default=[], metavar="SET=DIR", help="a blind set and its reports")
    ap.add_argument("--test", metavar="SET=DIR", help="apply the table to this set's blind reports (carry-over)")
    ap.add_argument("--min-reviewed", type=int, default=3)
    ap.add_argument("--min-projects", type=int, default=2)
    ap.add_argument("--warning-bar", type=float, default=0.6, help="share of real findings a warning must reach")
    ap.add_argument("--error-bar", type=float, default=0.8, help="share of real findings an error must reach")
    ap.add_argument("--z", type=float, default=1.0, help="width of the Wilson bound (1.0: one-sided 84%%)")
    ap.add_argument("--write", action="store_true", help=f"write {CALIBRATION.relative_to(CALIBRATION.parents[1])}")
    args = ap.parse_args(argv)
    sets = _sets(args.blind)
    if not sets:
        ap.error("at least one --blind SET=DIR")
    counts = table(reviewed(sets))
    decided = decide(counts, args.min_reviewed, args.min_projects, args.warning_bar, args.error_bar, args.z)
    print(f"{'rule':12} {'sub':20} {'level':8} {'real':>4} {'of':>4} {'proj':>4}  reported at")
    for k in sorted(counts, key=lambda k: (k[0], k[1] or "", k[2])):
        c = counts[k]
        print(f"{k[0]:12} {k[1] or '-':20} {k[2]:8} {c['real']:4} {c['reviewed']:4} {len(c['projects']):4}  "
              f"{decided.get(k, k[2])}")
    if args.test:
        test = _sets([args.test])
        r = carry_over(reviewed(test), decided)
        print(f"\ncarry-over to {', '.join(test)}: reviewed FP sites at warning/error {r['fp_before']} -> "
              f"{r['fp_after']} of {r['fp_sites']}; TP at the level reported {r['tp_before']} -> {r['tp_after']}")
    if args.write:
        criteria = (f"at least {args.min_reviewed} reviewed at the level in at least {args.min_projects} projects; "
                    f"a warning becomes a note when even the upper Wilson bound (z={args.z}) of its share of real "
                    f"findings is below {args.warning_bar:.0%}; an error below {args.error_bar:.0%} as an error "
                    f"becomes a warning if, counting those real as warnings, it could reach {args.warning_bar:.0%}, "
                    f"else a note")
        write(decided, counts, sets, criteria)
        print(f"\nwrote {CALIBRATION} ({len(decided)} kinds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
