#!/usr/bin/env python3
"""A/B of the pull-request scan (`scan --changed-since`): another checkout's code against this one's,
alternating on one tree.

The tree is copied and committed to a fresh git repository (compare.py's `prepare`). Each version gets its
own cache, filled from that base commit as a CI run of the main branch would (two plain scans: the entries,
then the project record). Each run then appends a new function to the largest Python file (a real miss, as
compare.py's --changed-since row) and runs `scan --changed-since HEAD` with that version's `src` first on
the path. Printed per run: the scan process's own CPU seconds, its children's (the worker that analyses the
changed file, git), the wall and the load average. On a shared machine the wall follows the load; the scan
process's CPU is what an idle 2-core runner waits for (the worker runs beside it), so that is the figure
to compare, alternating so that both versions see the same load. Work this process does while it would
wait for the worker costs no wall there: the CPU it spends after the worker's result arrived is printed
too. A script, not a test.

`--mode one-file` times a plain rescan after the same edit, `--mode warm` a rescan of the untouched tree.

    python benchmarks/pr_scan_ab.py --tree /tmp/s26/corpus/netbox --old-src ../main/src --runs 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import prepare  # noqa: E402

NEW_SRC = Path(__file__).resolve().parent.parent / "src"

# The scan in this process, as the console command runs it (no interpreter teardown either); its CPU and
# its children's on the last line.
# `after`: the scan process's CPU from the moment the worker's result arrived (the end of the pool's run) to
# its exit: with the worker beside it, an idle 2-core runner's wall is the worker's path, then that. `idle`:
# the wall this process spent waiting for the worker, its own work done.
_RUN = (
    "import json, os, sys, time\n"
    "from backend_audit.pipeline import pool\n"
    "marks = {}\n"
    "_run = pool.WorkerPool.run\n"
    "def run(self, items, order=None, progress=None, meanwhile=None):\n"
    "    def mine():\n"
    "        if meanwhile is not None:\n"
    "            meanwhile()\n"
    "        marks['own'] = time.perf_counter()\n"
    "    out = _run(self, items, order, progress, mine)\n"
    "    marks.setdefault('idle', time.perf_counter() - marks['own'])\n"
    "    marks.setdefault('cpu', time.process_time())\n"
    "    return out\n"
    "pool.WorkerPool.run = run\n"
    "from backend_audit.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "t = os.times()\n"
    "cpu = time.process_time()\n"
    "print(json.dumps({'code': code, 'cpu': cpu, 'children': t.children_user + t.children_system,\n"
    "                  'after': cpu - marks.get('cpu', 0.0), 'idle': marks.get('idle', 0.0)}), flush=True)\n"
    "os._exit(0)\n"
)


def _scan(src: Path, tree: Path, cache: Path, report: Path, *extra: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed: bytecode cached after the first run
    argv = ["scan", str(tree), "--jobs", "2", "-f", f"json:{report}", "--cache-dir", str(cache), *extra]
    start = os.times().elapsed
    done = subprocess.run([sys.executable, "-c", _RUN, *argv], cwd=tree, env=env, capture_output=True, text=True)
    wall = os.times().elapsed - start
    try:
        out = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise SystemExit(f"scan failed with {src}: {done.stderr.strip()[-500:]}") from None
    if out["code"] not in (0, 1):
        raise SystemExit(f"scan exited {out['code']} with {src}: {done.stderr.strip()[-500:]}")
    return {**out, "wall": wall, "load": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, required=True)
    ap.add_argument("--old-src", type=Path, required=True, help="the `src` folder of the code to compare with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mode", choices=("pr", "one-file", "warm"), default="pr")
    args = ap.parse_args()
    versions = {"old": args.old_src.resolve(), "new": NEW_SRC}
    with tempfile.TemporaryDirectory(prefix="ba-pr-ab-") as tmp:
        tmp_path = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(tmp_path / "cache-home")  # a throwaway cache key, not the user's
        work = tmp_path / "tree" / args.tree.resolve().name
        prepare(args.tree, work)
        victim = max((p for p in work.rglob("*.py") if p.is_file() and ".git" not in p.parts),
                     key=lambda p: p.stat().st_size)
        original = victim.read_bytes()
        for label, src in versions.items():  # the base branch's scan: entries, then the project record
            for _ in range(2):
                _scan(src, work, tmp_path / f"cache-{label}", tmp_path / "base.json")
        cpu: dict[str, list[float]] = {label: [] for label in versions}
        after: dict[str, list[float]] = {label: [] for label in versions}
        for i in range(args.runs):
            for label, src in versions.items():
                if args.mode != "warm":
                    victim.write_bytes(original + f"\n\ndef benchmark_added_{label}_{i}(value):\n    return value\n"
                                       .encode())
                extra = ("--changed-since", "HEAD") if args.mode == "pr" else ()
                r = _scan(src, work, tmp_path / f"cache-{label}", tmp_path / "pr.json", *extra)
                cpu[label].append(r["cpu"])
                after[label].append(r["after"])
                print(f"{label} run {i + 1}: scan process {r['cpu']:.3f} s CPU ({r['after']:.3f} s after the "
                      f"worker's result, {r['idle']:.3f} s waiting for it), children {r['children']:.3f} s, "
                      f"wall {r['wall']:.2f} s, load {r['load']:.1f}", flush=True)
        victim.write_bytes(original)
        for label, values in cpu.items():
            print(f"{label}: median scan-process CPU {statistics.median(values):.3f} s, after the worker's result "
                  f"{statistics.median(after[label]):.3f} s, over {len(values)} runs ({versions[label]})")


if __name__ == "__main__":
    main()
