#!/usr/bin/env python3
"""Each rule's declared `precision` (rules/*.yaml, emitted in SARIF, where GitHub sorts alerts by it) beside
the precision its reviewed findings measure on the review corpus.

    python benchmarks/precision.py --dest DIR --reports REPORTS/set1 ...   # once per laid-out set
    python benchmarks/rule_precision.py REPORTS/set1 REPORTS/set2 ...      # every <project>.json in them

Measured precision is TP / reviewed over the findings reported as warnings or errors (what a default gate and
a code-scanning user act on; a TP pinned to another level counts as FP, as in precision.py). The label is
CodeQL's scale read as numbers: very-high >= 90%, high >= 75%, medium >= 50%, low below; with fewer than
MIN_REVIEWED reviewed findings the rule keeps its declared label ("too few"). A line marked `<-` declares more
than it measures. The corpus holds tuned and held-out sets alike: a blind set alone says more about a rule's
precision on code nobody has seen (docs/precision.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import precision as P  # noqa: E402

RULES = Path(__file__).resolve().parent.parent / "rules"
SCALE = ("low", "medium", "high", "very-high")
MIN_REVIEWED = 5


def label(tp: int, reviewed: int) -> str:
    share = tp / reviewed
    return "very-high" if share >= 0.9 else "high" if share >= 0.75 else "medium" if share >= 0.5 else "low"


def measure(report_dirs: list[Path]) -> dict[str, list[int]]:
    """rule -> [TP, reviewed] at warning and error over every report in the directories."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in report_dirs:
        for report in sorted(d.glob("*.json")):
            findings = P.active(json.loads(report.read_text(encoding="utf-8"))["findings"])
            res = P.join(findings, P.load_verdicts(report.stem))
            for (rule, level), row in res["rows"].items():
                if level in ("error", "warning"):
                    out[rule][0] += row["TP"]
                    out[rule][1] += row["reviewed"]
    return out


def declared() -> dict[str, str]:
    return {d["id"]: d.get("precision", "high")
            for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*/*.yaml")))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", nargs="+", type=Path, help="directories of <project>.json reports (precision.py --reports)")
    args = ap.parse_args(argv)
    measured, rules = measure(args.reports), declared()
    print(f"{'rule':12} {'declared':10} {'TP/reviewed':>12} {'measured':10}")
    for rule in sorted(rules):
        tp, reviewed = measured.get(rule, (0, 0))
        if reviewed < MIN_REVIEWED:
            print(f"{rule:12} {rules[rule]:10} {f'{tp}/{reviewed}':>12} too few")
            continue
        got = label(tp, reviewed)
        flag = "  <-" if SCALE.index(rules[rule]) > SCALE.index(got) else ""
        print(f"{rule:12} {rules[rule]:10} {f'{tp}/{reviewed}':>12} {got:10} {100 * tp / reviewed:5.1f}%{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
