"""Long fuzz run of the repository-supplied inputs (not collected by pytest):

    python tests/fuzz/run_input_fuzz.py --minutes 5

The same strategies and properties as tests/test_fuzz_inputs.py (config table, config bytes, baseline,
coverage report, agent file), many more examples, each under a 10 s alarm so a hang is counted and saved
instead of stopping the run. Failing inputs go under --out for replay; totals are printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import test_fuzz_inputs as props  # noqa: E402
from tests.fuzz import inputs  # noqa: E402
from tests.fuzz.run_fuzz import batch, finish  # noqa: E402

KINDS = {
    "config-table": (inputs.config_tables(), props.test_config_table_is_accepted_or_one_config_error),
    "config-bytes": (inputs.baselines(), props.test_config_file_bytes_are_accepted_or_one_config_error),
    "baseline": (inputs.baselines(), props.test_baseline_is_loaded_or_one_config_error),
    "coverage": (inputs.coverage_reports(), props.test_coverage_report_is_read_or_one_coverage_error),
    "agent": (inputs.agent_files(), props.test_agent_file_never_raises),
}


def _alarm(signum, frame):
    raise TimeoutError("input took longer than 10 s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "backend-audit-input-fuzz")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-input-work-"))
    signal.signal(signal.SIGALRM, _alarm)
    stats: Counter[str] = Counter()
    failures: list[str] = []
    deadline = time.monotonic() + args.minutes * 60
    while time.monotonic() < deadline:
        for kind, (strategy, prop) in KINDS.items():
            check = getattr(prop, "hypothesis").inner_test
            for value in batch(args.batch, strategy):
                stats[kind] += 1
                signal.alarm(10)
                try:
                    check(work, value)
                except BaseException as exc:  # noqa: BLE001 - every escape is a finding of the fuzzer
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    stats["failures"] += 1
                    blob = value if isinstance(value, bytes) else json.dumps(value, default=repr).encode(
                        "utf-8", "surrogatepass")
                    digest = hashlib.sha256(blob).hexdigest()[:12]
                    (args.out / f"{kind}-{digest}.bin").write_bytes(blob)
                    failures.append(f"{kind} {digest}: {type(exc).__name__}: {str(exc)[:200]}")
                finally:
                    signal.alarm(0)
        print(f"{sum(stats[k] for k in KINDS)} inputs, {stats['failures']} failures", file=sys.stderr, flush=True)
    return finish(stats, failures)


if __name__ == "__main__":
    sys.exit(main())
