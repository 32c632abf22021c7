#!/usr/bin/env python3
"""backend-audit cold, warm, one changed file and --changed-since, beside the floors, bandit, ruff and semgrep.

The tree is copied to a temp dir and committed to a fresh git repository there (discovery and
--changed-since run as in a real checkout; the one-changed-file and pull-request runs edit a file).
Rows, one tree at a time:

- backend-audit cold (--no-cache), warm (unchanged tree, filled cache), one changed file (the largest file
  gets a new comment before each run), --changed-since (a new function appended to the largest file, not
  yet scanned, against the commit the cache was filled from);
- the floors: a bare `python -c pass`, and start + read + sha256 of every Python file (no tool can do a
  warm scan in less), and `backend-audit --version` (our start-up and imports);
- bandit, ruff (cold and warm; when installed: it is not a dependency) and semgrep (when on PATH).

Each row prints the wall median of --runs runs and the best of them (on a shared machine, the run that
waited least), the CPU seconds of that run (the process and its
children: on a shared machine it tells work from waiting), lines/s, peak RSS of the largest process
(workers included) and the ratio to bandit, then one more cold run with `--timings` for the profile line.
A script, not a test: the numbers depend on the machine.

    python benchmarks/compare.py                         # Django's source (PyPI sdist) + examples/
    python benchmarks/compare.py --tree PATH --runs 3 --jobs 2
    python benchmarks/compare.py --semgrep-config DIR   # semgrep with local rules (offline)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import REPO, count_python, fetch_sdist, timed, timed_cpu  # noqa: E402

_FLOOR = (
    "import hashlib, os, sys\n"
    "for d, dirs, files in os.walk(sys.argv[1]):\n"
    "    dirs[:] = [x for x in dirs if not x.startswith('.')]\n"
    "    for f in files:\n"
    "        if f.endswith('.py'):\n"
    "            with open(os.path.join(d, f), 'rb') as fh:\n"
    "                hashlib.sha256(fh.read())\n"
)


def _exe(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def measure(label: str, cmd: list[str], runs: int, lines: int, cwd: Path, before=None,
            ok: tuple[int, ...] = (0, 1)) -> dict:
    walls, cpus, peak = [], [], 0
    for i in range(runs):
        if before:
            before(i)
        wall, rss, _, cpu = timed_cpu(cmd, cwd, ok)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    med = statistics.median(walls)
    return {"run": label, "wall_s": med, "best_s": min(walls), "cpu_s": statistics.median(cpus),
            "lines_per_s": lines / med if med else 0.0, "peak_rss_mib": peak}


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false",
                    *args], cwd=tree, check=True, capture_output=True)


def compare(tree: Path, runs: int, jobs: int, out_dir: Path, semgrep_config: str = "p/python") -> list[dict]:
    _, lines = count_python(tree)
    exe = _exe("backend-audit")
    cache = out_dir / "cache"
    report = f"json:{out_dir / 'report.json'}"
    scan = [exe, "scan", str(tree), "--jobs", str(jobs), "-f", report]
    rows = [measure("backend-audit cold (--no-cache)", [*scan, "--no-cache"], runs, lines, out_dir)]
    # where a cold scan's time goes: per-engine CPU seconds, summed over the workers (--timings)
    timed([*scan, "--no-cache", "--timings"], out_dir)
    rows[0]["profile"] = json.loads((out_dir / "report.json").read_text(encoding="utf-8")).get("timings", {})
    warm = [*scan, "--cache-dir", str(cache)]
    timed(warm, out_dir)  # fill the cache
    timed(warm, out_dir)  # and its stat index (files younger than 2 s are hashed, never trusted by stat)
    rows.append(measure("backend-audit warm (unchanged)", warm, runs, lines, out_dir))
    victim = max((p for p in tree.rglob("*.py") if p.is_file() and ".git" not in p.parts),
                 key=lambda p: p.stat().st_size)
    original = victim.read_bytes()

    def touch(i: int) -> None:  # a new comment each run: a real miss for that one file
        victim.write_bytes(original + f"\n# benchmark edit {i}\n".encode())

    rows.append(measure(f"backend-audit one changed file ({victim.name})", warm, runs, lines, out_dir, touch))

    def pull_request(i: int) -> None:  # a new function each run: the change a pull request scan judges
        victim.write_bytes(original + f"\n\ndef benchmark_added_{i}(value):\n    return value\n".encode())

    rows.append(measure("backend-audit --changed-since (one file)", [*warm, "--changed-since", "HEAD"], runs,
                        lines, out_dir, pull_request))
    victim.write_bytes(original)
    rows.append(measure("floor: python start", [sys.executable, "-c", "pass"], runs, lines, out_dir))
    rows.append(measure("floor: start + read + sha256 every file", [sys.executable, "-c", _FLOOR, str(tree)],
                        runs, lines, out_dir))
    rows.append(measure("backend-audit --version (start, imports)", [exe, "--version"], runs, lines, out_dir))
    bandit = _exe("bandit")
    if bandit:
        rows.append(measure("bandit -r (all tests)", [bandit, "-r", "-q", "-f", "json", "-o",
                                                       str(out_dir / "bandit.json"), str(tree)], runs, lines, out_dir))
    ruff = _exe("ruff")
    if ruff:
        check = [ruff, "check", "--quiet", "--exit-zero", "--output-format", "json", "-o", str(out_dir / "ruff.json")]
        rows.append(measure("ruff check (default rules, --no-cache)", [*check, "--no-cache", str(tree)], runs, lines,
                            out_dir))
        warm_ruff = [*check, "--cache-dir", str(out_dir / "ruff-cache"), str(tree)]
        timed(warm_ruff, out_dir)
        rows.append(measure("ruff check (default rules, warm cache)", warm_ruff, runs, lines, out_dir))
    semgrep = _exe("semgrep")
    if semgrep:
        label = f"semgrep --config {semgrep_config if len(semgrep_config) < 25 else Path(semgrep_config).name}"
        try:
            rows.append(measure(label, [semgrep, "scan", "--quiet", "--metrics=off", "--disable-version-check",
                                        "--config", semgrep_config, "--json", "-o", str(out_dir / "semgrep.json"),
                                        str(tree)], runs, lines, out_dir))
        except SystemExit as exc:  # a registry config offline: the other figures are still worth printing
            print(f"semgrep left out: {exc} (offline? pass --semgrep-config with a local rules directory, "
                  f"e.g. benchmarks/semgrep-lower-bound.yaml)", file=sys.stderr)
    base = next((r["wall_s"] for r in rows if r["run"].startswith("bandit")), None)
    for r in rows:
        r["vs_bandit"] = r["wall_s"] / base if base else None
    return rows


def render(tree: Path, rows: list[dict]) -> str:
    files, lines = count_python(tree)
    out = [f"tree: {tree.name} ({files} files, {lines} lines)",
           f"{'run':<48} {'wall s':>8} {'best s':>7} {'cpu s':>7} {'lines/s':>10} {'peak RSS MiB':>13} "
           f"{'x bandit':>9}"]
    for r in rows:
        ratio = f"{r['vs_bandit']:.2f}" if r["vs_bandit"] is not None else "-"
        out.append(f"{r['run']:<48} {r['wall_s']:>8.2f} {r['best_s']:>7.2f} {r['cpu_s']:>7.2f} "
                   f"{r['lines_per_s']:>10.0f} "
                   f"{r['peak_rss_mib']:>13} {ratio:>9}")
    profile = rows[0].get("profile") or {}
    if profile:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(profile.items(), key=lambda kv: -kv[1]) if k != "total")
        out.append(f"profile of one cold scan, CPU s summed over workers: {parts}; per-file total "
                   f"{profile.get('total', 0):.2f}")
    return "\n".join(out)


def prepare(tree: Path, work: Path) -> None:
    """A copy of the tree as a one-commit git repository (no history, no cache, no foreign .git)."""
    shutil.copytree(tree, work, symlinks=True, ignore=shutil.ignore_patterns(".backend-audit-cache", ".git"))
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "--no-verify", "-m", "benchmark base")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", type=Path, help="tree to scan (repeatable)")
    ap.add_argument("--sdist", default="Django==5.1.4", help="PyPI sdist to fetch when no --tree is given")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="backend-audit workers (0: one per CPU)")
    ap.add_argument("--semgrep-config", default="p/python",
                    help="semgrep rules: a registry name (needs semgrep.dev) or a local rules directory")
    args = ap.parse_args()
    # Time the tool as an installed copy runs: with its bytecode cached (a dev shell often disables it).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="ba-compare-") as tmp:
        tmp_path = Path(tmp)
        # the cache's integrity key: a throwaway one, not the user's
        os.environ["XDG_CACHE_HOME"] = str(tmp_path / "cache-home")
        trees = args.tree or [REPO / "examples", fetch_sdist(args.sdist, tmp_path / "sdist")]
        for i, tree in enumerate(trees):
            work = tmp_path / f"tree{i}" / tree.resolve().name
            prepare(tree, work)
            out_dir = tmp_path / f"out{i}"
            out_dir.mkdir()
            print(render(work, compare(work, args.runs, args.jobs, out_dir, args.semgrep_config)), flush=True)
            print()


if __name__ == "__main__":
    main()
