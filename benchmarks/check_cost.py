#!/usr/bin/env python3
"""What each per-file (ast) check adds to the one walk, on a tree of Python files.

Parses every non-test file once, times the walk with no checks, then the walk with one rule's checks at a
time (their PREFILTER applied as the runner does), and prints the added seconds per rule, slowest first.
A script, not a test: the numbers depend on the machine and its load; run it twice and compare.

    python benchmarks/check_cost.py PATH                       # every ast rule
    python benchmarks/check_cost.py PATH BA-SQL-002 BA-INP-002 # only these
"""

from __future__ import annotations

import argparse
import ast
import time
from pathlib import Path

from backend_audit.catalog import rules_by_id
from backend_audit.checks import all_checks
from backend_audit.checks.base import AstCheck, FileContext
from backend_audit.engines import ast_walk

_SKIP_PARTS = {"tests", "test", "migrations", ".venv", "venv", "node_modules", "build"}


def _parsed(root: Path) -> list[tuple[str, str, ast.Module]]:
    out = []
    for path in sorted(root.rglob("*.py")):
        if _SKIP_PARTS & set(path.parts) or path.name.startswith("test_"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            out.append((str(path.relative_to(root)), text, ast.parse(text)))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue  # not analysable here; the scanner reports such files itself
    return out


def _walk(files, rules, classes) -> float:
    start = time.perf_counter()
    for rel, text, tree in files:
        wanted = [c for c in classes if not c.PREFILTER or any(n in text for n in c.PREFILTER)]
        ctx = FileContext(path=rel, is_test=False, rules=rules, options={}, text=text)
        ast_walk.run_checks(tree, ctx, wanted, [])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("rules", nargs="*", help="rule ids (default: every rule with an ast check)")
    args = parser.parse_args()
    rules = rules_by_id()
    checks = {rid: [c for c in classes if issubclass(c, AstCheck)] for rid, classes in all_checks().items()}
    wanted = args.rules or sorted(rid for rid, classes in checks.items() if classes)
    files = _parsed(args.tree)
    lines = sum(text.count("\n") for _, text, _ in files)
    base = min(_walk(files, rules, []) for _ in range(2))
    print(f"{len(files)} files, {lines} lines; the walk alone: {base:.2f}s")
    costs = []
    for rid in wanted:
        if checks.get(rid):
            costs.append((min(_walk(files, rules, checks[rid]) for _ in range(2)) - base, rid))
    for cost, rid in sorted(costs, reverse=True):
        print(f"{rid:14} {cost:+.2f}s")


if __name__ == "__main__":
    main()
