"""A seeded random sample of the unreviewed findings of some rules, for a recorded review.

    python benchmarks/precision.py --dest /tmp/corpus --reports /tmp/reports
    python benchmarks/sample.py --reports /tmp/reports --seed 17026 BA-INP-001=30 BA-LOG-001=20 BA-LOG-002=20

Reads the JSON reports precision.py kept, leaves out suppressed findings and every site that already has a
verdict, and draws `random.Random(seed).sample` of each rule's findings at the level asked (warning by
default) from their sorted list, so the same reports, verdicts and seed give the same sample.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precision import _key, active, load_verdicts  # noqa: E402


def unreviewed(reports: Path, rule: str, level: str) -> list[tuple[str, str, int, str]]:
    rows = set()
    for report in sorted(reports.glob("*.json")):
        reviewed = {_key(v["rule"], v["path"], v["line"]) for v in load_verdicts(report.stem)}
        for f in active(json.loads(report.read_text(encoding="utf-8"))["findings"]):
            if f["rule_id"] == rule and f["level"] == level and _key(rule, f["path"], f["line"]) not in reviewed:
                rows.add((report.stem, f["path"], f["line"], f["message"][:100]))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, required=True, help="where precision.py --reports kept the JSON")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--level", default="warning")
    ap.add_argument("sizes", nargs="+", help="RULE=N")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    for item in args.sizes:
        rule, _, n = item.partition("=")
        pool = unreviewed(args.reports, rule, args.level)
        picked = sorted(rng.sample(pool, min(int(n), len(pool))))
        print(f"## {rule}: {len(picked)} of {len(pool)} unreviewed {args.level}s (seed {args.seed})")
        for row in picked:
            print("\t".join(map(str, row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
