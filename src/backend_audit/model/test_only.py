"""Modules inside the package that only the test suite imports (fixture builders such as
`pkg/lib/create_test_data.py`), from the import facts every file already has.

Their credentials are fixture users and their asserts check a fixture, so the rules that judge a literal or an
assert as the running service's (BA-SEC-001, BA-AUTH-004) report them as notes that say why. Evidence is
positive on both sides: at least one test imports the module, no other file imports it or names it in a
string, it is not run as a script, and its name (or a test framework it imports) says it is made for tests. A
module imported by nothing stays live, as everywhere else (plugins and scripts are imported by nothing).
"""

from __future__ import annotations

from typing import Any

from ..checks.lazy_re import re
from ..findings import Finding
from .reachability import _named_modules, import_edges, note

# the rules whose findings describe the running service's secrets and access decisions
TEST_ONLY_RULES = ("BA-SEC-001", "BA-AUTH-004")
_FOR_TESTS = re.compile(r"(?i)(^|_)(tests?|testing|fixtures?|fakes?|mocks?|dummy|factory|factories)(_|$)")


def test_only(model: Any) -> dict[str, str]:
    """Repo path -> why only tests import that module (JSON-safe, deterministic)."""
    return model.memo("test_only_modules", lambda: _compute(model))


def _compute(model: Any) -> dict[str, str]:
    facts = model.facts
    modules = sorted(p for p in facts if p.endswith(".py") and not p.endswith("/__init__.py")
                     and not facts[p].get("is_test") and not facts[p].get("runs_as_script"))
    imported_by, _ = import_edges(model)
    by_app = {t for targets in imported_by.values() for t in targets}
    by_tests: dict[str, str] = {}
    for path in sorted(facts):
        if not facts[path].get("is_test"):
            continue
        for name in facts[path].get("imports", ()):
            for found in model.resolve_import(path, name):
                by_tests.setdefault(found, path)
    candidates = [p for p in modules if p in by_tests and p not in by_app and
                  (_FOR_TESTS.search(p.rpartition("/")[2][:-3]) or facts[p].get("test_support"))]
    named = _named_modules(model, candidates) if candidates else set()
    return {p: f"test support: only tests import `{p}` (`{by_tests[p]}`)" for p in candidates if p not in named}


def demote(findings: list[Finding], reasons: dict[str, str]) -> None:
    """A warning or error of a rule about the service's own secrets or checks, in a module only tests import,
    becomes a note that says why."""
    for f in findings:
        why = reasons.get(f.path)
        if why is not None and f.rule_id.startswith(TEST_ONLY_RULES):
            note(f, why, "test_only")
