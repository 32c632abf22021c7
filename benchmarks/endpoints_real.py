#!/usr/bin/env python3
"""The endpoint inventory and BA-AUTH-001 on real backends, from pinned commits.

For every `benchmarks/precision/<project>.endpoints.yaml` (project, commit, hand-read verdicts per site) whose
git mirror is on this machine, lays the commit's Python files out in a temporary directory (never in the
repository), runs `backend-audit scan --select BA-AUTH-001 --raw-levels` on it (the check's own levels: this
measures the inventory and the guard evidence, not the blind calibration on top) and prints: endpoints per framework,
endpoints per kind of auth evidence, BA-AUTH-001 findings per level, and for the hand-read sites how many
are still flagged (TP kept / FP left). A script, not a test: it needs the mirrors.

    python benchmarks/endpoints_real.py                       # mirrors under /work/.mirror
    python benchmarks/endpoints_real.py --mirrors DIR --only netbox mealie
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
VERDICTS = REPO / "benchmarks" / "precision"
# project name in the verdict files -> mirror directory name (owner+name)
MIRRORS = {"full-stack-fastapi-template": "fastapi+full-stack-fastapi-template", "netbox": "netbox-community+netbox",
           "paperless-ngx": "paperless-ngx+paperless-ngx", "pretalx": "pretalx+pretalx",
           "mealie": "mealie-recipes+mealie", "CTFd": "CTFd+CTFd", "vulpy": "fportantier+vulpy",
           "django.nV": "nVisium+django.nV"}


def lay_out(git_dir: Path, commit: str, dest: Path) -> None:
    """The commit's *.py files (blobs missing from a partial mirror are left out, not fatal)."""
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.split(b"\0")
    for entry in listing:
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        path = name.decode("utf-8", "replace")
        if len(parts) < 3 or parts[1] != b"blob" or not path.endswith(".py"):
            continue
        blob = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "blob", parts[2].decode()],
                              capture_output=True)
        if blob.returncode != 0:
            continue
        target = dest / path
        if not target.resolve().is_relative_to(dest.resolve()):
            continue  # a hostile tree name must not write outside the scratch directory
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)


def scan(tree: Path, out: Path) -> dict:
    subprocess.run([sys.executable, "-m", "backend_audit", "scan", str(tree), "--no-cache", "--select",
                    "BA-AUTH-001", "--raw-levels", "-f", f"json:{out}", "--fail-on", "never"], capture_output=True, check=False)
    return json.loads(out.read_text())


def report(name: str, verdicts: list[dict], data: dict) -> None:
    endpoints = data.get("endpoints") or []
    frameworks = collections.Counter(e["framework"] for e in endpoints)
    kinds = collections.Counter(e["auth"].split(":")[0].split(" (")[0] for e in endpoints)
    levels = collections.Counter(f["level"] for f in data["findings"])
    # a note ("/unknown", "/graphql") says the rule cannot tell: not a missing-auth claim
    flagged = {(f["path"], f["line"]) for f in data["findings"] if f["level"] != "note"}
    noted = {(f["path"], f["line"]) for f in data["findings"] if f["level"] == "note"}
    tp = [v for v in verdicts if v["verdict"] == "TP"]
    fp = [v for v in verdicts if v["verdict"] == "FP"]
    tp_kept = sum((v["path"], v["line"]) in flagged for v in tp)
    fp_left = sum((v["path"], v["line"]) in flagged for v in fp)
    as_notes = sum((v["path"], v["line"]) in noted for v in verdicts)
    print(f"{name}: {len(endpoints)} endpoints {dict(sorted(frameworks.items()))}")
    print(f"  auth evidence: {dict(kinds.most_common())}")
    print(f"  BA-AUTH-001: {levels.get('error', 0)} error, {levels.get('warning', 0)} warning, "
          f"{levels.get('note', 0)} note; hand-read sites: TP kept {tp_kept}/{len(tp)}, FP left {fp_left}/{len(fp)}, "
          f"{as_notes} now a note")
    for name_, info in sorted((data.get("frameworks") or {}).items()):
        if not info["modelled"]:
            print(f"  {name_}: seen in {info['files']} file(s), not modelled")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--verdicts", type=Path, default=VERDICTS, help="folder of <project>.endpoints.yaml")
    args = parser.parse_args()
    for vfile in sorted(args.verdicts.glob("*.endpoints.yaml")):
        spec = yaml.safe_load(vfile.read_text())
        name = spec["project"]
        if args.only and name not in args.only:
            continue
        git_dir = args.mirrors / MIRRORS.get(name, name) / "repo"
        if not git_dir.is_dir():
            print(f"{name}: mirror not found at {git_dir}, skipped")
            continue
        with tempfile.TemporaryDirectory(prefix="ba-endpoints-") as tmp:
            tree = Path(tmp) / name
            lay_out(git_dir, spec["commit"], tree)
            report(name, spec.get("verdicts") or [], scan(tree, Path(tmp) / "report.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
