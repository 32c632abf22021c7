"""Long fuzz run (not collected by pytest): python tests/fuzz/run_fuzz.py --minutes 5 [--jobs 2]

Generates inputs with the same strategies as tests/test_fuzz.py, analyses them through the real worker
pool (so a native crash or a hang is caught and counted, not fatal), and checks every result's
contract. Failing inputs are saved under --out for replay; the totals are printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from backend_audit.pipeline.discovery import SourceRef  # noqa: E402
from backend_audit.pipeline.pool import WorkerPool  # noqa: E402
from backend_audit.pipeline.runner import _failed_file, _preload, _safe_analyse, _worker_init  # noqa: E402
from tests.fuzz import strategies  # noqa: E402


def batch(size: int, strategy=None) -> list:
    """`size` values drawn from `strategy` (default: the source-file inputs)."""
    out: list = []

    @settings(max_examples=size, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=strategy if strategy is not None else strategies.inputs())
    def collect(data) -> None:
        out.append(data)

    collect()
    return out


def finish(stats: Counter, failures: list[str]) -> int:
    print(dict(stats))
    for line in failures[:50]:
        print(line)
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "backend-audit-fuzz")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    plan = strategies.plan()
    import functools

    analyse = functools.partial(_safe_analyse, plan=plan)
    stats: Counter[str] = Counter()
    failures: list[str] = []
    deadline = time.monotonic() + args.minutes * 60
    while time.monotonic() < deadline:
        inputs = batch(args.batch)
        refs = []
        for i, data in enumerate(inputs):
            path = work / f"case{i}.py"
            path.write_bytes(data)
            refs.append(SourceRef(path.name, str(path)))
        pool = WorkerPool(analyse, _failed_file, jobs=args.jobs, timeout=args.timeout, init=_worker_init,
                          preload=_preload)
        for data, result in zip(inputs, pool.run(refs)):
            stats["inputs"] += 1
            stats["analysed" if result.analysed else "skipped"] += 1
            reasons = " ".join(s.reason for s in result.skipped)
            bad = strategies.problems(data, result)
            for kind in ("crashed the worker", "per-file time limit", "internal error"):
                if kind in reasons:
                    bad.append(reasons)
            if bad:
                stats["failures"] += 1
                digest = hashlib.sha256(data).hexdigest()[:12]
                (args.out / f"{digest}.py").write_bytes(data)
                failures.append(f"{digest}: {bad[0][:200]}")
        print(f"{stats['inputs']} inputs, {stats['failures']} failures", file=sys.stderr, flush=True)
    return finish(stats, failures)


if __name__ == "__main__":
    sys.exit(main())
