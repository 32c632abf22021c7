"""How fast the HTML report is with 20,000 findings: render time, file size, and load time in Chromium.

    python benchmarks/html_load.py [--findings 20000] [--runs 5] [--chromium /usr/bin/chromium]

Prints one line per measurement (medians over --runs page loads). Needs the [test] extra (playwright)
and a Chromium binary; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from backend_audit.reporters import html as html_report  # noqa: E402
from backend_audit.reporters import write_atomic  # noqa: E402
from tests.html_probe import synthetic_result  # noqa: E402
from tests.test_html_browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

# Runs inside the page through the DevTools protocol (the page's CSP forbids eval for its own code).
TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          nodes: document.getElementsByTagName("*").length};
}"""
FILTER_JS = """() => {
  const box = document.querySelector("#f-level input[value=error]");
  const t = performance.now();
  box.checked = !box.checked;
  box.dispatchEvent(new Event("change", {bubbles: true}));
  return performance.now() - t;
}"""
VIEW_JS = """() => {
  const t = performance.now();
  document.querySelector("input[name=view][value=rule]").click();
  return performance.now() - t;
}"""
NEXT_JS = """() => {
  const t = performance.now();
  document.querySelector("nav.pager button[aria-label='Next page']").click();
  return performance.now() - t;
}"""
PRINT_JS = """() => {
  const t = performance.now();
  window.dispatchEvent(new Event("beforeprint"));
  return performance.now() - t;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=None)
    parser.add_argument("--print", action="store_true", help="also time drawing every finding for printing")
    args = parser.parse_args()
    exe = args.chromium or chromium_path()
    if not exe:
        print("no Chromium binary found; install Debian's `chromium` or pass --chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        result = synthetic_result(Path(tmp) / "tree", args.findings)
        t = time.perf_counter()
        page_html = html_report.render(result, {})
        render_s = time.perf_counter() - t
        report = Path(tmp) / "report.html"
        write_atomic(report, page_html)
        print(f"findings: {len(result.findings)} in {result.files_scanned} files")
        print(f"python render: {render_s * 1000:.0f} ms, file size: {report.stat().st_size / 1e6:.2f} MB")
        samples: dict[str, list[float]] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                t = time.perf_counter()
                page.goto(report.as_uri(), wait_until="load")
                samples.setdefault("goto until load (wall)", []).append((time.perf_counter() - t) * 1000)
                nav = page.evaluate(TIMINGS_JS)
                samples.setdefault("DOMContentLoaded", []).append(nav["dcl"])
                samples.setdefault("load event end", []).append(nav["load"])
                samples.setdefault("toggle a level filter", []).append(page.evaluate(FILTER_JS))
                samples.setdefault("group by rule", []).append(page.evaluate(VIEW_JS))
                samples.setdefault("next page", []).append(page.evaluate(NEXT_JS))
                if args.print:
                    samples.setdefault("draw all for print", []).append(page.evaluate(PRINT_JS))
                nodes = nav["nodes"]
                page.close()
            browser.close()
        print(f"DOM elements after load: {nodes}")
        for name, values in samples.items():
            print(f"{name}: median {statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f},"
                  f" {len(values)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
