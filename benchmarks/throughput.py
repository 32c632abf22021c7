#!/usr/bin/env python3
"""Throughput and peak memory of `backend-audit scan` (and bandit on the same tree, for scale).

Prints, per tree and per --jobs value: wall median of N runs, files/s, lines/s, peak RSS of the process
tree (max over the main process and its workers). A script, not a test: the numbers depend on the machine.

    python benchmarks/throughput.py                      # examples/ and Django's source from PyPI
    python benchmarks/throughput.py --tree PATH --runs 5 --jobs 1 2 --no-bandit
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def fetch_sdist(name: str, dest: Path) -> Path:
    """Download and unpack a source distribution from PyPI (pip's own client, no other host)."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "--dest", str(dest), name], check=True)
    archive = next(p for p in dest.iterdir() if p.name.endswith((".tar.gz", ".zip")))
    out = dest / "src"
    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive) as tf:
            tf.extractall(out, filter="data")
    else:
        shutil.unpack_archive(archive, out)
    return next(out.iterdir())


def count_python(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for p in tree.rglob("*.py"):
        if p.is_file():
            files += 1
            with open(p, "rb") as fh:
                lines += sum(1 for _ in fh)
    return files, lines


_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t0 = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - t0\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(u.ru_maxrss, rc, wall, u.ru_utime + u.ru_stime)\n"
)


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MiB of the largest process of the run, exit code)."""
    wall, rss, rc, _ = timed_cpu(cmd, cwd, ok)
    return wall, rss, rc


def timed_cpu(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in MiB of the largest process of the run, exit code, CPU seconds of the run
    and its children). Each run goes through a fresh wrapper process so RUSAGE_CHILDREN covers that run
    only, and the wall time is taken inside it (the wrapper's own start-up is not counted). On a shared
    machine the CPU figure says whether a slow wall time was work or waiting."""
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, text=True)
    maxrss_kib, rc, wall, cpu = proc.stdout.split()
    if int(rc) not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {rc}")
    return float(wall), int(maxrss_kib) // 1024, int(rc), float(cpu)


def bench(tree: Path, jobs: list[int], runs: int, with_bandit: bool, extra: list[str]) -> list[dict]:
    files, lines = count_python(tree)
    exe = shutil.which("backend-audit") or str(Path(sys.executable).parent / "backend-audit")
    rows = []
    for j in jobs:
        walls, rss = [], 0
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                wall, peak, _ = timed([exe, "scan", str(tree), "--no-cache", "--jobs", str(j), "-f", f"json:{tmp}/o.json",
                                       *extra], cwd=Path(tmp))
            walls.append(wall)
            rss = max(rss, peak)
        med = statistics.median(walls)
        rows.append({"tool": "backend-audit", "tree": tree.name, "jobs": j, "files": files, "lines": lines,
                     "wall_s": round(med, 2), "files_per_s": round(files / med, 1),
                     "lines_per_s": round(lines / med), "peak_rss_mib": rss})
    bandit = shutil.which("bandit") or str(Path(sys.executable).parent / "bandit")
    if with_bandit and Path(bandit).exists():
        walls, peak = [], 0
        for _ in range(runs):
            wall, rss, _ = timed([bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(tree)], cwd=REPO)
            walls.append(wall)
            peak = max(peak, rss)
        med = statistics.median(walls)
        rows.append({"tool": "bandit (all tests)", "tree": tree.name, "jobs": 1, "files": files, "lines": lines,
                     "wall_s": round(med, 2), "files_per_s": round(files / med, 1),
                     "lines_per_s": round(lines / med), "peak_rss_mib": peak})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", type=Path, help="tree to scan (repeatable)")
    ap.add_argument("--sdist", default="Django==5.1.4", help="PyPI sdist to fetch when no --tree is given")
    ap.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-bandit", action="store_true")
    ap.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    ap.add_argument("extra", nargs="*", help="extra arguments for backend-audit scan (after --)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ba-bench-") as tmp:
        trees = args.tree or [REPO / "examples", fetch_sdist(args.sdist, Path(tmp))]
        rows = [r for t in trees for r in bench(t.resolve(), args.jobs, args.runs, not args.no_bandit, args.extra)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    cols = ["tool", "tree", "jobs", "files", "lines", "wall_s", "files_per_s", "lines_per_s", "peak_rss_mib"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in cols))


if __name__ == "__main__":
    main()
