"""BA-TEST-003/004 against the tools they stand in for: figures from a real coverage.py run must equal what
`coverage report` prints, and diff coverage on a two-commit git repository must equal diff-cover's."""

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backend_audit.model import coverage_data as cd
from backend_audit.config import Settings
from backend_audit.errors import ConfigError
from backend_audit.pipeline.runner import scan

from .conftest import cli_path

pytest.importorskip("coverage")

CALC_V1 = """\
def add(a, b):
    return a + b


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("b must not be zero")
    return a / b


def unused(x):
    y = x * 2
    return y
"""

# Commit 2 changes `divide`, adds a tested and an untested function.
CALC_V2 = """\
def add(a, b):
    return a + b


def divide(a, b):
    if b == 0:
        return None
    return a / b


def unused(x):
    y = x * 2
    return y


def scale(values, factor):
    out = []
    for v in values:
        out.append(v * factor)
    return out


def clamp(v, low, high):
    if v < low:
        return low
    if v > high:
        return high
    return v
"""

SHAPES = """\
import math


def area(r):
    return math.pi * r * r


def perimeter(r):
    return 2 * math.pi * r
"""

TESTS = """\
from app.calc import add, divide, scale
from app import shapes


def test_add():
    assert add(1, 2) == 3


def test_divide():
    assert divide(4, 2) == 2


def test_scale():
    assert scale([1, 2], 3) == [3, 6]


def test_area():
    assert shapes.area(1) > 3
"""


def write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text), encoding="utf-8")


def sh(*args: str, cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{args}: {proc.stdout}\n{proc.stderr}"
    return proc.stdout


def measure(root: Path, branch: bool = False) -> str:
    """Run the fixture's tests under coverage.py and write coverage.xml and coverage.json; return the report."""
    py = sys.executable
    sh(py, "-m", "coverage", "run", *(["--branch"] if branch else []), "--source=app", "-m", "pytest", "-q",
       "-p", "no:cacheprovider", "tests", cwd=root)
    sh(py, "-m", "coverage", "xml", "-o", "coverage.xml", cwd=root)
    sh(py, "-m", "coverage", "json", "-o", "coverage.json", cwd=root)
    return sh(py, "-m", "coverage", "report", "--precision=2", cwd=root)


def report_figures(report: str) -> tuple[float, dict[str, tuple[int, int, float]]]:
    """TOTAL percent and per-file (statements, missing, percent) as `coverage report` prints them."""
    files, total = {}, None
    for line in report.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)(?:\s+\d+\s+\d+)?\s+([\d.]+)%", line)
        if not m:
            continue
        name, stmts, miss, pc = m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4))
        if name == "TOTAL":
            total = pc
        else:
            files[name.replace("\\", "/")] = (stmts, miss, pc)
    assert total is not None and files, report
    return total, files


def fixture_repo(root: Path, calc: str = CALC_V1) -> None:
    write(root, "app/__init__.py", "")
    write(root, "app/calc.py", calc)
    write(root, "app/shapes.py", SHAPES)
    write(root, "tests/test_calc.py", TESTS)


def scan_coverage(root: Path, **extra) -> object:
    return scan([root], Settings(jobs=1, select=("BA-TEST",), extra=extra), use_git=(root / ".git").exists())


@pytest.fixture(scope="module", params=[False, True], ids=["lines", "branches"])
def measured(request, tmp_path_factory):
    """One coverage.py run per mode, read back as XML and as JSON by the tests below."""
    root = tmp_path_factory.mktemp("measured")
    fixture_repo(root, CALC_V2)
    return root, request.param, measure(root, request.param)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["coverage.xml", "coverage.json"])
def test_figures_equal_coverage_report(measured, fmt):
    root, branch, report = measured
    total, files = report_figures(report)
    result = scan_coverage(root, coverage=str(root / fmt))
    cov = result.coverage
    assert cov["source"] == fmt
    assert cov["total"] == total
    got = {m["path"]: (m["statements"], m["missing"], m["percent"]) for m in cov["modules"]}
    if branch:  # `coverage report` counts branch exits into the percent; statements and misses stay
        assert {k: v[2] for k, v in got.items()} == {k: v[2] for k, v in files.items()}
    assert {k: v[:2] for k, v in got.items()} == {k: v[:2] for k, v in files.items()}
    assert [m["percent"] for m in cov["modules"]] == sorted(m["percent"] for m in cov["modules"])
    assert cov["stale"] == [] and cov["unmatched"] == []
    assert total < 80  # the fixture is meant to fail the threshold
    [below] = [f for f in result.findings if f.rule_id == "BA-TEST-003" and not f.properties.get("subcheck")]
    assert f"{total:g}%" in below.message and below.path == fmt and below.level == "error"


@pytest.mark.slow
def test_foreign_source_root_is_mapped_and_stale_data_reported(tmp_path):
    fixture_repo(tmp_path, CALC_V2)
    total, files = report_figures(measure(tmp_path))
    xml = (tmp_path / "coverage.xml").read_text()
    # As if produced on a CI runner: another absolute source root, one file this checkout does not have.
    xml = re.sub(r"<source>[^<]*</source>", "<source>/home/runner/work/shop/shop/app</source>", xml)
    xml = xml.replace("</classes>", '<class name="gone.py" filename="gone.py" line-rate="0"><methods/><lines>'
                                    '<line number="1" hits="0"/></lines></class></classes>', 1)
    (tmp_path / "coverage.xml").write_text(xml)
    result = scan_coverage(tmp_path)
    assert {m["path"] for m in result.coverage["modules"]} == set(files)
    assert result.coverage["unmatched"] == ["gone.py"]
    notes = {f.properties.get("subcheck"): f for f in result.findings if f.rule_id == "BA-TEST-003"}
    assert "unmatched" in notes and "gone.py" in notes["unmatched"].message
    assert "stale" not in notes

    # Edit a measured file after the data was written: the figures no longer describe it.
    write(tmp_path, "app/shapes.py", "\n\n\n" + SHAPES)
    result = scan_coverage(tmp_path)
    assert result.coverage["stale"] == ["app/shapes.py"]
    stale = [f for f in result.findings if f.properties.get("subcheck") == "stale"]
    assert len(stale) == 1 and "app/shapes.py" in stale[0].message and stale[0].level == "note"


def git(root: Path, *args: str) -> str:
    return sh("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
              *args, cwd=root)


@pytest.mark.slow
def test_diff_coverage_equals_diff_cover(tmp_path):
    diff_cover = shutil.which("diff-cover") or str(Path(sys.executable).parent / "diff-cover")
    if not Path(diff_cover).exists():
        pytest.skip("diff-cover is not installed")
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, ".gitignore", "coverage.xml\ncoverage.json\n.coverage\n__pycache__/\nreport.json\n")
    fixture_repo(tmp_path, CALC_V1)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    git(tmp_path, "branch", "base")
    write(tmp_path, "app/calc.py", CALC_V2)
    git(tmp_path, "commit", "-qam", "two")
    measure(tmp_path)

    sh(diff_cover, "coverage.xml", "--compare-branch=base", "--total-percent-float", "--format",
       "json:report.json", cwd=tmp_path)
    theirs = json.loads((tmp_path / "report.json").read_text())

    result = scan_coverage(tmp_path, changed_since="base")
    cov = result.coverage
    assert cov["diff"] == theirs["total_percent_covered"]
    assert cov["diff_lines"]["measured"] == theirs["total_num_lines"]
    assert cov["diff_lines"]["missing"] == theirs["total_num_violations"]
    assert 0 < cov["diff"] < 80  # the fixture is meant to fail the gate

    findings = [f for f in result.findings if f.rule_id == "BA-TEST-004"]
    ranges = [f for f in findings if f.level == "warning"]
    assert all(f.path == "app/calc.py" for f in ranges)
    uncovered = {n for f in ranges for n in range(f.line, f.end_line + 1)}
    assert uncovered == set(theirs["src_stats"]["app/calc.py"]["violation_lines"])
    # clamp's uncovered body is one finding spanning its lines, not one per line
    assert [(f.line, f.end_line) for f in ranges] == [(7, 7), (24, 28)]
    gate = [f for f in findings if f.level == "error"]
    assert len(gate) == 1 and f"{cov['diff']:g}%" in gate[0].message


def test_not_measured_without_coverage_data(tmp_path):
    fixture_repo(tmp_path)
    write(tmp_path, "pyproject.toml", "[project]\nname = 'shop'\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   check=True)
    result = scan_coverage(tmp_path, changed_since="main")
    assert result.coverage is None
    notes = {f.rule_id: f for f in result.findings if f.properties.get("subcheck") == "no-data"}
    assert set(notes) == {"BA-TEST-003", "BA-TEST-004"}
    for f in notes.values():
        assert f.level == "note" and f.path == "pyproject.toml" and f.line == 1
        assert "not measured" in f.message and "pytest --cov --cov-report=xml" in f.message
        assert f.properties["status"] == "not measured"


def test_not_measured_in_the_text_report(tmp_path, clean_env):
    fixture_repo(tmp_path)
    proc = subprocess.run([cli_path(), "scan", ".", "--select", "BA-TEST-003"], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Test coverage not measured" in proc.stdout and "pytest --cov --cov-report=xml" in proc.stdout


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<coverage><sources><source>&lol4;</source></sources></coverage>
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entity_bomb_is_refused(tmp_path, encoding):
    fixture_repo(tmp_path)
    data = BOMB.replace('version="1.0"', f'version="1.0" encoding="{encoding}"').encode(encoding)
    (tmp_path / "coverage.xml").write_bytes(data)
    with pytest.raises(cd.CoverageError, match="DTD or entities"):
        cd.read(tmp_path / "coverage.xml")
    result = scan_coverage(tmp_path)  # found by itself: reported, the run goes on
    assert result.coverage is None
    [note] = [f for f in result.findings if f.rule_id == "BA-TEST-003"]
    assert note.properties["subcheck"] == "no-data" and "refused" in note.message
    with pytest.raises(ConfigError, match="cannot be used"):  # named by the user: a usage error
        scan_coverage(tmp_path, coverage=str(tmp_path / "coverage.xml"))


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    doc = (f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<coverage><sources><source>&x;</source></sources></coverage>')
    with pytest.raises(cd.CoverageError):
        cd.parse_cobertura(doc.encode())


def test_missing_explicit_coverage_file_is_a_usage_error(tmp_path, clean_env):
    fixture_repo(tmp_path)
    proc = subprocess.run([cli_path(), "scan", ".", "--coverage", "nope.xml"], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "nope.xml does not exist" in proc.stderr


@pytest.mark.parametrize("text,reason", [
    ("<report/>", "not a Cobertura"),
    ("<coverage><packages><package><classes><class filename='a.py'><lines><line number='x' hits='1'/>",
     "numeric"),
    ("<coverage><packages>", "not well-formed"),
    ('{"totals": {}}', "no 'files' table"),
])
def test_malformed_reports_are_rejected(tmp_path, text, reason):
    (tmp_path / "cov").write_text(text)
    with pytest.raises(cd.CoverageError, match=reason):
        cd.read(tmp_path / "cov")


def test_display_percent_matches_coverage_rounding():
    assert cd.display_percent(99.999) == 99.99 and cd.display_percent(0.001) == 0.01
    assert cd.display_percent(100.0) == 100.0 and cd.display_percent(0.0) == 0.0
    assert cd.display_percent(66.66666) == 66.67
