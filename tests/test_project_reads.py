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


def test_a_read_value_is_a_deep_copy_of_what_was_read():
    """The snapshot taken at the first read (the base pass compares it) equals deepcopy's and shares no
    container with the facts, whatever their shape (JSON-like, a set, a dict subclass)."""
    from collections import OrderedDict

    from backend_audit.model.project import _snapshot

    values = [{"a": [1, 2.5, None, True, {"b": ("c", ["d"])}]}, ["x", {"y": {}}], "s", 3, None,
              {"set": {1, 2}}, OrderedDict(z=[1]), (1, [2])]
    for value in values:
        copy = _snapshot(value)
        assert copy == value
        assert not any(c is d for c in _containers(value) for d in _containers(copy))


def _containers(value, depth=0):
    if depth > 50:
        return
    if isinstance(value, (dict, list, set)):
        yield value
        for v in (value.values() if isinstance(value, dict) else value):
            yield from _containers(v, depth + 1)
    elif isinstance(value, tuple):
        for v in value:
            yield from _containers(v, depth + 1)
