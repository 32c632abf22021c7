#!/usr/bin/env python3
"""backend-audit cold, warm and one-changed-file against bandit (and semgrep when installed), one tree.

The tree is copied to a temp dir first (the one-changed-file runs edit a file). Prints wall median of
--runs runs, lines/s, peak RSS (largest process of the run, workers included) and each row's ratio to
bandit. A script, not a test: the numbers depend on the machine.

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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import REPO, count_python, fetch_sdist, timed  # noqa: E402


def _exe(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def measure(label: str, cmd: list[str], runs: int, lines: int, cwd: Path, before=None) -> dict:
    walls, peak = [], 0
    for i in range(runs):
        if before:
            before(i)
        wall, rss, _ = timed(cmd, cwd)
        walls.append(wall)
        peak = max(peak, rss)
    med = statistics.median(walls)
    return {"run": label, "wall_s": med, "lines_per_s": lines / med if med else 0.0, "peak_rss_mib": peak}


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
    rows.append(measure("backend-audit warm (unchanged)", warm, runs, lines, out_dir))
    victim = max((p for p in tree.rglob("*.py") if p.is_file()), key=lambda p: p.stat().st_size)
    original = victim.read_bytes()

    def touch(i: int) -> None:  # a new comment each run: a real miss for that one file
        victim.write_bytes(original + f"\n# benchmark edit {i}\n".encode())

    rows.append(measure(f"backend-audit one changed file ({victim.name})", warm, runs, lines, out_dir, touch))
    victim.write_bytes(original)
    bandit = _exe("bandit")
    if bandit:
        rows.append(measure("bandit -r (all tests)", [bandit, "-r", "-q", "-f", "json", "-o",
                                                       str(out_dir / "bandit.json"), str(tree)], runs, lines, out_dir))
    semgrep = _exe("semgrep")
    if semgrep:
        label = f"semgrep --config {semgrep_config if len(semgrep_config) < 25 else Path(semgrep_config).name}"
        rows.append(measure(label, [semgrep, "scan", "--quiet", "--metrics=off", "--disable-version-check",
                                    "--config", semgrep_config, "--json", "-o", str(out_dir / "semgrep.json"),
                                    str(tree)], runs, lines, out_dir))
    base = next((r["wall_s"] for r in rows if r["run"].startswith("bandit")), None)
    for r in rows:
        r["vs_bandit"] = r["wall_s"] / base if base else None
    return rows


def render(tree: Path, rows: list[dict]) -> str:
    files, lines = count_python(tree)
    out = [f"tree: {tree.name} ({files} files, {lines} lines)",
           f"{'run':<48} {'wall s':>8} {'lines/s':>10} {'peak RSS MiB':>13} {'x bandit':>9}"]
    for r in rows:
        ratio = f"{r['vs_bandit']:.2f}" if r["vs_bandit"] is not None else "-"
        out.append(f"{r['run']:<48} {r['wall_s']:>8.2f} {r['lines_per_s']:>10.0f} {r['peak_rss_mib']:>13} "
                   f"{ratio:>9}")
    profile = rows[0].get("profile") or {}
    if profile:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(profile.items(), key=lambda kv: -kv[1]) if k != "total")
        out.append(f"profile of one cold scan, CPU s summed over workers: {parts}; per-file total "
                   f"{profile.get('total', 0):.2f}")
    return "\n".join(out)


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
        trees = args.tree or [REPO / "examples", fetch_sdist(args.sdist, tmp_path / "sdist")]
        for i, tree in enumerate(trees):
            work = tmp_path / f"tree{i}" / tree.resolve().name
            shutil.copytree(tree, work, ignore=shutil.ignore_patterns(".backend-audit-cache", ".git"))
            out_dir = tmp_path / f"out{i}"
            out_dir.mkdir()
            print(render(work, compare(work, args.runs, args.jobs, out_dir, args.semgrep_config)), flush=True)
            print()


if __name__ == "__main__":
    main()
