#!/usr/bin/env python3
"""A small tree's cold scan with and without the forked helper (pipeline/helper.py), beside bandit: rounds
alternate the three, each run's wall and CPU (user + sys, children included) and the scan process's own CPU
(the helper excluded: on idle cores the wall follows it). The helper starts only where the 1-minute load
average leaves a core idle; here it is forced on (and off with --jobs 1), so that a loaded machine still
shows what each costs. A script, not a test: the numbers depend on the machine and its load.

    python benchmarks/helper_ab.py --tree PATH --rounds 12
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs the scan as the console does, the gate forced open (FORCE_HELPER=1), and prints the process's own CPU.
_SHIM = """
import os, resource, sys
if os.environ.get("FORCE_HELPER"):
    from backend_audit.pipeline import helper
    helper.load_average = lambda: 0.0
from backend_audit import cli
code = cli.main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF)
sys.stderr.write(f"\\nOWN {own.ru_utime + own.ru_stime:.4f}\\n")
sys.stderr.flush()
os._exit(code)
"""


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    own = next((float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("OWN ")), None)
    return wall, cpu, own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=12)
    args = ap.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # time the tool as installed: bytecode cached
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent)) or shutil.which("bandit")
    with tempfile.TemporaryDirectory(prefix="ba-helper-ab-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache-home")}  # a private, filled user cache
        scan = [sys.executable, "-c", _SHIM, "scan", str(args.tree), "--no-cache", "-q", "--fail-on", "never",
                "-f", f"json:{Path(tmp) / 'report.json'}"]
        runs = {"one process (--jobs 1)": ([*scan, "--jobs", "1"], env),
                "with the helper (forced)": ([*scan, "--jobs", "2"], {**env, "FORCE_HELPER": "1"})}
        if bandit:
            runs["bandit -r"] = ([bandit, "-r", str(args.tree), "-q", "-f", "json", "-o",
                                  str(Path(tmp) / "bandit.json")], env)
        for cmd, run_env in runs.values():  # fill the user cache, compile bytecode
            _run(cmd, run_env)
        got: dict[str, list[tuple[float, float, float | None]]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, (cmd, run_env) in runs.items():
                got[name].append(_run(cmd, run_env))
    base = statistics.median(w for w, _, _ in got["bandit -r"]) if bandit else None
    print(f"tree: {args.tree.name}; {args.rounds} alternated rounds; load average {os.getloadavg()[0]:.1f}")
    print(f"{'run':<28} {'wall med':>9} {'wall min':>9} {'cpu med':>8} {'own cpu med':>12} {'x bandit wall':>14}")
    for name, rows in got.items():
        walls = [w for w, _, _ in rows]
        own = [o for _, _, o in rows if o is not None]
        ratio = f"{statistics.median(walls) / base:.2f}" if base else "-"
        print(f"{name:<28} {statistics.median(walls):>9.3f} {min(walls):>9.3f} "
              f"{statistics.median(c for _, c, _ in rows):>8.3f} "
              f"{(f'{statistics.median(own):.3f}' if own else '-'):>12} {ratio:>14}")


if __name__ == "__main__":
    main()
