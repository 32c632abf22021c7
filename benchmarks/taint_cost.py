"""What the taint engine adds to a scan, one tree: the per-file summaries against `ast.parse` of the same
files, and the project step (linking + resolution) on the cached facts. A script, not a test.

    python benchmarks/taint_cost.py --tree /path/to/backend
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
import time
from pathlib import Path

from backend_audit.checks.base import FileContext
from backend_audit.config import Settings
from backend_audit.engines import ast_walk
from backend_audit.model.facts import ImportsCollector
from backend_audit.model.project import ProjectModel
from backend_audit.model.taint import models
from backend_audit.model.taint.collector import summarise
from backend_audit.model.taint.project import analyse
from backend_audit.pipeline.runner import scan


def per_file(tree_root: Path) -> tuple[int, int, float, float]:
    m = models.load()
    files = sorted(p for p in tree_root.rglob("*.py") if ".git" not in p.parts)
    lines = 0
    parse_s = taint_s = 0.0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            t0 = time.perf_counter()
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
            continue
        parse_s += time.perf_counter() - t0
        lines += text.count("\n")
        ctx = FileContext(path=path.relative_to(tree_root).as_posix(), is_test=False, rules={}, options={},
                          text=text)
        ast_walk.run_checks(tree, ctx, [], [ImportsCollector])
        t0 = time.perf_counter()
        summarise(tree, ctx, m)
        taint_s += time.perf_counter() - t0
    return len(files), lines, parse_s, taint_s


def project_step(tree_root: Path, jobs: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="ba-taint-cost-") as cache:
        settings = Settings(jobs=jobs, select=("BA-SQL-001",), extra={"cache_dir": cache})
        result = scan([tree_root], settings, use_git=False)
        model = ProjectModel.build(Path(result.root), result.file_results, settings)
        t0 = time.perf_counter()
        found = analyse(model)
        return time.perf_counter() - t0, len(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    n, lines, parse_s, taint_s = per_file(args.tree)
    print(f"tree: {args.tree} ({n} files, {lines} lines)")
    print(f"ast.parse, all files:            {parse_s:7.2f} s")
    print(f"taint summaries, all files:      {taint_s:7.2f} s  ({taint_s / parse_s if parse_s else 0:.2f} x parse)")
    seconds, flows = project_step(args.tree, args.jobs)
    print(f"taint project step (warm facts): {seconds:7.2f} s  ({flows} sink flows resolved)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
