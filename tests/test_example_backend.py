"""The bundled example backend: a scan finds exactly the lines marked `# expect: RULE-ID`, no more, no less."""

import re

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

from .conftest import EXAMPLES

MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9\-/, ]+)")


def expected_findings() -> set[tuple[str, str, int]]:
    out = set()
    for path in sorted(EXAMPLES.rglob("*.py")):
        rel = path.relative_to(EXAMPLES.parent).as_posix()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = MARKER.search(line)
            if m:
                for rule in m.group(1).replace(",", " ").split():
                    out.add((rule, rel, lineno))
    return out


def test_example_backend_findings_match_markers():
    result = scan([EXAMPLES], Settings(jobs=1))
    prefix = result_prefix(result)
    # Total coverage is about the whole scanned part: it points at its first file, where no marker can go.
    project = {(f.rule_id, f.properties.get("subcheck")) for f in result.active_findings if f.rule_id == "BA-TEST-003"}
    assert project == {("BA-TEST-003", "no-data")}  # the example ships no coverage data: "not measured"
    assert all(f.path.startswith("examples/") or not prefix for f in result.active_findings)
    got = {(f.rule_id.split("/")[0], prefix + f.path, f.line) for f in result.active_findings
           if f.path.endswith(".py") and f.rule_id != "BA-TEST-003"}
    want = expected_findings()
    assert want, "the example backend has no expectation markers"
    assert got == want, f"missing: {sorted(want - got)}\nunexpected: {sorted(got - want)}"
    assert not [s for s in result.skipped], result.skipped


def result_prefix(result) -> str:
    # Inside the backend-audit checkout paths are repo-relative ("examples/shop/..."); in a bare copy
    # they are relative to examples/ itself.
    return "" if result.root != str(EXAMPLES) else "examples/"


def test_every_rule_with_examples_is_exercised_somewhere():
    """Not every rule must fire on the example backend, but every marker must name a real rule."""
    from backend_audit.catalog import rules_by_id

    ids = rules_by_id()
    assert {rule for rule, _, _ in expected_findings()} <= set(ids)
