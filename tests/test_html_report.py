"""The HTML report's templates and data: escaping, CSP, sections, snippets, determinism."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backend_audit.config import Settings
from backend_audit.reporters import html as html_report
from backend_audit.reporters.snippets import MAX_LINE_CHARS, context_lines
from backend_audit.pipeline.runner import scan

from .conftest import EXAMPLES
from .html_probe import BROKEN_FILE, FINDING_FILE, IMG, PROBE_LINE, SCRIPT, TEMPLATE, probe_result


class Page(HTMLParser):
    """Tags, attributes, script bodies and visible text of a rendered report."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}


def data_block(page: Page) -> dict:
    (body,) = [b for a, b in page.scripts if a.get("type") == "application/json"]
    return json.loads(body)


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    result = probe_result(tmp_path_factory.mktemp("probe"))
    return result, html_report.render(result, {})


@pytest.fixture(scope="module")
def example_result():
    return scan([EXAMPLES], Settings(jobs=1))


def test_probe_scan_found_the_payload_line(probe):
    result, _ = probe
    assert any(f.path == f"app/{FINDING_FILE}" and f.line == PROBE_LINE for f in result.findings)
    assert any(s.path == f"app/{BROKEN_FILE}" for s in result.skipped)


def test_payloads_never_become_markup(probe):
    _, text = probe
    page = Page(text)
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "base")]
    assert [a.get("id") for t, a in page.tags if t == "form"] == ["filters"]
    handlers = [(t, k) for t, attrs in page.tags for k in attrs if k.lower().startswith("on")]
    assert handlers == []
    assert SCRIPT not in text and IMG not in text and "<svg onload" not in text
    # Exactly our two scripts: the inert data block and the page's own code.
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    # Server-rendered sections show the payloads as text, template syntax unevaluated.
    visible = page.visible
    for needle in (f"Item {SCRIPT} {TEMPLATE}", f"agent {IMG}", f"/x/{SCRIPT}", f"note {SCRIPT}",
                   f"app/{BROKEN_FILE}", f"app/{FINDING_FILE}"):
        assert needle in visible, needle
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_data_block_is_script_safe_and_lossless(probe):
    result, text = probe
    page = Page(text)
    (body,) = [b for a, b in page.scripts if a.get("type") == "application/json"]
    assert "<" not in body and ">" not in body and "&" not in body
    data = json.loads(body)
    path_index = data["paths"].index(f"app/{FINDING_FILE}")
    lines = data["sources"][str(path_index)]["lines"]
    assert lines[str(PROBE_LINE)].strip().startswith(f'subprocess.run("echo {SCRIPT} {TEMPLATE}"')
    messages = {f[7] for f in data["findings"]}
    assert messages == {f.message for f in result.findings}


def test_script_json_escapes_separators():
    text = html_report.script_json({"a": "</script>\u2028\u2029&<!--"})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"a": "</script>\u2028\u2029&<!--"}


def test_csp_allows_only_the_inlined_script_and_style(probe):
    _, text = probe
    page = Page(text)
    (csp,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'" and directives["img-src"] == "data:"
    (code,) = [b for a, b in page.scripts if a.get("type") is None]
    assert directives["script-src"] == html_report.csp_hash(code)
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    assert directives["style-src"] == html_report.csp_hash(style)
    # No style attributes (the hash would not cover them) and no external resources.
    assert not [a for _, a in page.tags if "style" in a]
    urls = [v for t, a in page.tags if t in ("script", "link", "img", "iframe") for k, v in a.items()
            if k in ("src", "href")]
    assert urls == ["data:,"]  # the empty favicon, so the browser does not look for /favicon.ico


def test_optional_sections_only_when_present(probe, example_result):
    assert {"checklist", "endpoints", "coverage"} <= Page(probe[1]).ids()
    bare = dataclasses.replace(example_result, endpoints=None, checklist=None, coverage=None)
    plain = Page(html_report.render(bare, {}))
    assert not {"checklist", "endpoints", "coverage"} & plain.ids()
    assert {"findings", "skipped", "hotspots"} <= plain.ids()


def test_endpoint_problems_are_highlighted(probe):
    page = Page(probe[1])
    classes = [a.get("class", "") for t, a in page.tags if t == "td" and "flag" in (a.get("class") or "")]
    assert classes == ["flag fl-problem", "flag fl-ok", "flag fl-unknown", "flag fl-problem"]


def test_checklist_item_links_to_its_rules(probe):
    page = Page(probe[1])
    assert "#rule=BA-INP-003" in [a.get("href") for t, a in page.tags if t == "a"]


@pytest.mark.parametrize("value,state", [(True, "ok"), (False, "problem"), (None, "unknown"), ("jwt", "ok"),
                                         ("none", "problem"), ("n/a", "unknown"), ("", "unknown")])
def test_flag_state(value, state):
    assert html_report.flag_state(value) == state


def test_summary_counts_hotspots_and_versions(example_result):
    text = html_report.render(example_result, {})
    page = Page(text)
    data = data_block(page)
    assert len(data["findings"]) == len(example_result.findings)
    assert "legacy_quote" in page.visible and "(rank C)" not in page.visible  # hotspot row, not the message
    assert html_report.pack_version() in page.visible
    assert "FAIL" in page.visible


def test_output_is_deterministic_and_duration_only_on_request(example_result):
    first = html_report.render(example_result, {})
    assert first == html_report.render(example_result, {})
    assert "Duration" not in first
    assert "Duration" in html_report.render(example_result, {"timings": True})


def test_clean_scan_renders(tmp_path):
    (tmp_path / "ok.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    page = Page(html_report.render(scan([tmp_path], Settings(jobs=1, ignore=("BA-TEST",))), {}))
    assert "PASS" in page.visible and data_block(page)["findings"] == []


def test_snippets_guard_unreadable_sources(tmp_path):
    (tmp_path / "crlf.py").write_bytes(b"a = 1\r\nb = '\x0c'\r\nc = 3\rd = 4\n" + b"x" * 1000 + b"\n")
    (tmp_path / "bin.py").write_bytes(b"a\0b")
    (tmp_path / "latin.py").write_bytes(b"x = '\xff'\n")
    out = context_lines(str(tmp_path), [("crlf.py", 4, 5), ("bin.py", 1, 1), ("latin.py", 1, 1),
                                        ("gone.py", 1, 1), ("../outside.py", 1, 1)], context=1)
    assert out["crlf.py"].lines[4] == "d = 4"  # \r and \r\n end lines, \x0c does not
    assert out["crlf.py"].lines[5] == "x" * MAX_LINE_CHARS + "…"
    assert "NUL" in out["bin.py"].error
    assert "cannot decode" in out["latin.py"].error
    assert "cannot read" in out["gone.py"].error
    assert "outside" in out["../outside.py"].error


def test_long_span_keeps_head_and_tail(tmp_path):
    (tmp_path / "long.py").write_text("".join(f"x{i} = {i}\n" for i in range(1, 101)), encoding="utf-8")
    lines = context_lines(str(tmp_path), [("long.py", 10, 90)], context=2)["long.py"].lines
    assert sorted(lines) == [8, 9, 10, 11, 12, 88, 89, 90, 91, 92]


@pytest.mark.slow
def test_cli_writes_html(cli, clean_env, tmp_path):
    proc = subprocess.run([cli, "scan", str(EXAMPLES), "-f", "html"], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    report = tmp_path / "reports" / "backend-audit.html"
    assert "wrote html report" in proc.stderr
    assert data_block(Page(report.read_text(encoding="utf-8")))["findings"]


@pytest.mark.slow
def test_wheel_ships_templates(tmp_path):
    import sys
    import zipfile

    repo = Path(__file__).resolve().parent.parent
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(repo)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    templates = Path(html_report.__file__).parent / "templates"
    for path in templates.iterdir():
        assert f"backend_audit/reporters/templates/{path.name}" in names


def test_report_opens_on_the_findings_with_a_sticky_section_bar(tmp_path):
    from backend_audit.config import Settings
    from backend_audit.pipeline.runner import scan
    from backend_audit.reporters import html as html_report

    from .conftest import EXAMPLES

    result = scan([EXAMPLES], Settings(jobs=1), use_git=False)
    page = html_report.render(result, {})
    nav = page.index('<nav class="toc')
    assert nav < page.index('<section id="findings"') < page.index('<section id="skipped"')
    assert '<a href="#findings">Findings</a>' in page and '<a href="#skipped">' in page
    assert "position: sticky" in page
