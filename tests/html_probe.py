"""A scanned tree full of markup and template syntax, for the HTML report's escaping tests.

File names, code, comments, a parse error's reason, and the optional sections' data all carry
payloads that would run or render if anything reached the page unescaped.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 7*7 }}"
# Linux allows <, >, = and spaces in names; "/" never appears in these.
FINDING_FILE = f"{IMG}.py"
BROKEN_FILE = "<svg onload=alert(1)>.py"

PROBE_CODE = textwrap.dedent(f"""\
    # {SCRIPT} {TEMPLATE} {IMG}
    import subprocess


    def run(cmd):
        banner = "{SCRIPT} {TEMPLATE}"
        subprocess.run("echo {SCRIPT} {TEMPLATE}" + cmd, shell=True)  # {TEMPLATE} {IMG}
        return banner
    """)
PROBE_LINE = 7


def write_probe_tree(root: Path) -> Path:
    app = root / "app"
    app.mkdir(parents=True, exist_ok=True)
    (app / FINDING_FILE).write_text(PROBE_CODE, encoding="utf-8")
    (app / BROKEN_FILE).write_text(f'def broken(:\n    x = "{SCRIPT}"\n', encoding="utf-8")
    return root


def probe_result(root: Path):
    """Scan the probe tree and give every optional section a payload too."""
    result = scan([write_probe_tree(root)], Settings(jobs=1))
    result.checklist = {"agents": [{"name": f"agent {IMG}", "path": f"agents/{TEMPLATE}.md", "items": [
        {"text": f"Item {SCRIPT} {TEMPLATE}", "section": IMG, "state": "fail", "keys": [IMG],
         "rules": ["BA-INP-003"], "findings": 1},
        {"text": "Backups", "section": "Ops", "state": "not-checkable", "keys": [], "rules": [], "findings": 0},
    ]}]}
    result.endpoints = [{"framework": "fastapi", "methods": ["get"], "path": f"/x/{SCRIPT}", "handler": IMG,
                         "file": f"app/{FINDING_FILE}", "line": 5, "auth": False, "validation": IMG,
                         "pagination": None, "rate_limit": "none", "response_model": TEMPLATE}]
    result.coverage = {"total": 61.5, "modules": [{"path": f"app/{FINDING_FILE}", "percent": 40.0}], "diff": None}
    result.notifications = [{"message": f"note {SCRIPT}"}]
    return result


def synthetic_result(root: Path, findings: int, per_file: int = 40):
    """A ScanResult with `findings` findings over real files under root (for paging and load tests).

    Spread over every rule in the pack, all three levels, and complexity hotspots, as a big legacy
    codebase would look on its first scan.
    """
    from backend_audit import __version__
    from backend_audit.catalog import load_rules
    from backend_audit.findings import LEVELS, Finding, ScanResult, assign_fingerprints

    rules = load_rules()
    files = max(1, -(-findings // per_file))
    out: list[Finding] = []
    for i in range(files):
        rel = f"service_{i // 50:02d}/module_{i:04d}.py"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        n = min(per_file, findings - len(out))
        path.write_text("".join(f"def handler_{k}(request):\n    print('handled', request.id, {k})\n\n"
                                for k in range(n)), encoding="utf-8")
        for k in range(n):
            rule = rules[(i + k) % len(rules)]
            props = {"complexity": 11 + (i * 7 + k) % 30, "rank": "C"} if rule.id == "BA-QUAL-001" else {}
            out.append(Finding(rule_id=rule.id, path=rel, line=3 * k + 2, column=5, end_line=3 * k + 2,
                               end_column=44, level=LEVELS[(i + k) % 3], message=f"{rule.title} (#{k})",
                               engine=rule.engine, snippet="print(...)", symbol=f"handler_{k}",
                               properties=props))
    out.sort(key=Finding.sort_key)
    assign_fingerprints(out)
    return ScanResult(root=str(root), tool_version=__version__, rules=list(rules), findings=out, skipped=[],
                      files_scanned=files, lines_scanned=files * per_file * 3, duration=0.0, fail_on="error")
