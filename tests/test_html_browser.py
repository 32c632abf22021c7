"""The HTML report in a real headless Chromium (Debian's `chromium`, driven by Playwright for Python).

No downloaded browser: `.ci/run` installs the distribution package, and these tests skip only when no
Chromium binary exists on the machine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install '.[dev]' for the browser tests")
expect, sync_playwright = sync_api.expect, sync_api.sync_playwright

from backend_audit.config import Settings
from backend_audit.reporters import html as html_report
from backend_audit.reporters import write_atomic
from backend_audit.pipeline.runner import scan

from .conftest import EXAMPLES
from .html_probe import FINDING_FILE, IMG, probe_result, synthetic_result

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("BACKEND_AUDIT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium binary (install Debian's `chromium` package, as .ci/run does)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Opened:
    """A page with everything the report must not do recorded: console errors, requests, dialogs."""

    def __init__(self, browser, path: Path, fragment: str = ""):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri() + fragment)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def matching(self) -> int:
        return int(self.page.get_attribute("#f-count", "data-matching"))

    def assert_quiet(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert all(u.startswith(("file://", "data:")) for u in self.requests), self.requests


def write_report(result, path: Path) -> Path:
    write_atomic(path, html_report.render(result, {}))
    return path


@pytest.fixture(scope="module")
def example_result():
    return scan([EXAMPLES], Settings(jobs=1))


@pytest.fixture(scope="module")
def example_report(example_result, tmp_path_factory) -> Path:
    return write_report(example_result, tmp_path_factory.mktemp("ex") / "report.html")


def _count(result, **match) -> int:
    """Findings the page should list by default (suppressed ones hidden) that match every given field."""
    return sum(1 for f in result.active_findings
               if all(getattr(f, k) in v if isinstance(v, (set, tuple)) else
                      (v(f) if callable(v) else getattr(f, k) == v) for k, v in match.items()))


def test_loads_offline_without_errors_and_screenshots(browser, example_result, example_report, tmp_path):
    page = Opened(browser, example_report)
    total = _count(example_result)
    assert total > 5 and page.matching() == total
    assert page.page.locator("article.finding").count() == min(total, 100)
    shot = tmp_path / "report.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.assert_quiet()


def test_filters_change_the_count_and_live_in_the_fragment(browser, example_result, example_report):
    page = Opened(browser, example_report)
    p = page.page
    p.locator("#f-level input[value=error]").uncheck()
    non_errors = _count(example_result, level={"warning", "note"})
    assert 0 < non_errors < _count(example_result) and page.matching() == non_errors
    assert "level=note%2Cwarning" in p.url or "level=note,warning" in p.url
    p.fill("#f-q", "reports")
    in_reports = _count(example_result, level={"warning", "note"}, path=lambda f: "reports" in f.path)
    # (wait_for_function would need eval, which the page's CSP forbids: a good sign in itself)
    expect(p.locator("#f-count")).to_have_attribute("data-matching", str(in_reports))
    assert "q=reports" in p.url
    # The fragment restores the same view in a fresh page.
    again = Opened(browser, example_report, "#" + p.url.split("#", 1)[1])
    assert again.matching() == in_reports
    assert not again.page.locator("#f-level input[value=error]").is_checked()
    assert again.page.input_value("#f-q") == "reports"
    p.click("#f-reset")
    assert page.matching() == _count(example_result) and "#" not in p.url
    # Area links in the summary set the filter.
    p.click("table.areas a[href='#area=sql']")
    # the link changes the fragment and the page filters on `hashchange`, which fires after the click
    # returns: wait for the count (a loaded machine showed the unfiltered one)
    in_sql = _count(example_result, rule_id=lambda f: f.rule_id.startswith("BA-SQL"))
    expect(p.locator("#f-count")).to_have_attribute("data-matching", str(in_sql))
    p.locator("input[name=view][value=rule]").check()
    assert p.locator(".group h3").first.inner_text().startswith("BA-SQL-001")
    page.assert_quiet()
    again.assert_quiet()


def test_keyboard_slash_focuses_the_path_box_and_help_opens(browser, example_report):
    page = Opened(browser, example_report)
    p = page.page
    p.keyboard.press("/")
    assert p.evaluate("document.activeElement.id") == "f-q"
    summary = p.locator("details.help summary").first
    summary.focus()
    p.keyboard.press("Enter")
    # the help is filled on the (asynchronous) toggle event
    expect(p.locator("details.help").first).to_contain_text("What it does")
    page.assert_quiet()


def test_xss_probe_stays_inert(browser, tmp_path):
    report = write_report(probe_result(tmp_path / "tree"), tmp_path / "probe.html")
    page = Opened(browser, report)
    p = page.page
    assert page.matching() >= 1
    p.locator("details.help summary").first.click()
    expect(p.locator("details.help").first).to_contain_text("What it does")
    p.locator("input[name=view][value=rule]").check()
    p.locator("input[name=view][value=file]").check()
    p.dispatch_event("body", "beforeprint")
    for selector in ("img", "[onerror]", "[onload]", "iframe"):
        assert p.locator(selector).count() == 0, selector
    assert p.locator("script").count() == 2
    assert f"app/{FINDING_FILE}" in p.locator(".group h3").first.inner_text()
    assert "{{ 7*7 }}" in p.locator("pre.code mark").first.inner_text()
    assert IMG in p.locator("pre.code").first.inner_text()
    assert "<svg onload=alert(1)>" in p.locator("#skipped").inner_text()
    page.assert_quiet()


def test_many_findings_are_paged_and_print_draws_all(browser, tmp_path):
    result = synthetic_result(tmp_path / "tree", 460)
    for f in result.findings[:10]:
        f.suppression = {"kind": "inSource", "justification": "reviewed <b>ok</b>"}
    report = write_report(result, tmp_path / "big.html")
    page = Opened(browser, report)
    p = page.page
    assert page.matching() == 450
    p.locator("#f-sup").check()
    assert page.matching() == 460 and "suppressed=1" in p.url
    assert "reviewed <b>ok</b>" in p.locator("article.suppressed").first.inner_text()
    p.locator("#f-sup").uncheck()
    assert p.locator("article.finding").count() == 100
    p.locator("nav.pager").first.get_by_role("button", name="Last page").click()
    assert p.locator("article.finding").count() == 50 and "page=5" in p.url
    p.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert p.locator("article.finding").count() == 450
    assert p.locator("details.help[open]").count() == 450
    p.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert p.locator("article.finding").count() == 50
    page.assert_quiet()


def test_endpoint_table_sorts_by_keyboard(browser, tmp_path):
    result = scan([EXAMPLES], Settings(jobs=1))
    result.endpoints = [{"methods": ["GET"], "path": p, "handler": h, "file": "app.py", "line": n, "auth": a}
                        for p, h, n, a in (("/b", "get_b", 2, True), ("/a", "get_a", 1, False),
                                           ("/c", "get_c", 3, None))]
    page = Opened(browser, write_report(result, tmp_path / "ep.html"))
    p = page.page

    def column(i: int) -> list[str]:
        return p.locator(f"table.endpoints tbody tr td:nth-child({i})").all_inner_texts()

    assert column(2) == ["/a", "/b", "/c"]
    p.locator("table.endpoints th button", has_text="Path").focus()
    p.keyboard.press("Enter")
    assert column(2) == ["/a", "/b", "/c"]
    p.keyboard.press("Enter")
    assert column(2) == ["/c", "/b", "/a"]
    assert p.get_attribute("table.endpoints th:nth-child(2)", "aria-sort") == "descending"
    assert p.locator("td.fl-problem").count() == 1
    page.assert_quiet()
