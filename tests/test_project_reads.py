"""--changed-since's base pass: what each project rule reads of the changed files' facts is recorded, memoised
work included, so a rule the change cannot affect is not run again on the base."""

from pathlib import Path

from backend_audit.config import Settings
from backend_audit.findings import FileResult
from backend_audit.model.project import ALL, MISSING, ProjectModel


def model() -> ProjectModel:
    results = [FileResult("a.py", facts={"web": {"routes": [1]}, "imports": ["os"]}),
               FileResult("b.py", facts={"web": {}, "imports": []})]
    m = ProjectModel.build(Path("."), results, Settings())
    m.watch({"a.py"})
    return m


def test_reads_are_recorded_per_block_and_through_memos():
    m = model()
    with m.recording() as first:
        m.memo("inventory", lambda: (m.facts["a.py"].get("web"), m.facts["b.py"].get("imports")))
    with m.recording() as second:
        m.memo("inventory", lambda: None)  # a hit: the reads that built it count here too
        assert "imports" in m.facts["a.py"]
    assert first == {("a.py", "web")} and second == {("a.py", "web"), ("a.py", "imports")}
    with m.recording() as third:
        dict(m.facts["a.py"])
    assert ("a.py", ALL) in third  # a copy reads everything
    with m.recording() as fourth:
        m.facts["a.py"].get("semantic")
    assert fourth == {("a.py", "semantic")} and m.read_values[("a.py", "semantic")] == MISSING


def test_values_are_kept_as_first_read():
    m = model()
    with m.recording():
        m.facts["a.py"]["web"]
    m.facts["a.py"].setdefault("web", {}).setdefault("routes", []).append(2)  # a project step mutating facts
    assert m.read_values[("a.py", "web")] == {"routes": [1]}


def test_nothing_is_recorded_outside_a_block_or_for_unwatched_files():
    m = model()
    m.facts["a.py"].get("web")
    m.facts["b.py"].get("web")
    with m.recording() as reads:
        m.facts["b.py"].get("web")
    assert reads == set() and not isinstance(m.facts["b.py"], type(m.facts["a.py"]))
