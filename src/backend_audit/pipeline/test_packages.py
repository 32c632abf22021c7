"""Test suites kept in a package named for tests but not `tests` (`myproject_tests/`, `tests_integration/`):
the default test paths (`tests/**`, `test_*.py`) miss their helper modules (`myproject_tests/utils/filer.py`,
whose pytest functions and assertions are read as application code). A folder is such a suite when its name
says "tests" and it holds test modules (`conftest.py`, `test_*.py`): both together, never the name alone."""

from __future__ import annotations

import re

from ..config import DEFAULT_TEST_PATTERNS, Settings

_SUITE_NAME = re.compile(r"^(?:\w+[_-]tests?|tests?[_-]\w+)$")
_TEST_MODULE = re.compile(r"^(?:conftest|test_\w+|\w+_test)\.py$")


def with_test_packages(settings: Settings, rel_paths: list[str]) -> Settings:
    """`settings` with every such suite folder added to the test paths; the project's own `test_paths`
    setting is left as configured."""
    if settings.test_paths != DEFAULT_TEST_PATTERNS:
        return settings
    suites: set[str] = set()
    for rel in rel_paths:
        parts = rel.split("/")
        if not _TEST_MODULE.match(parts[-1]):
            continue
        for i, part in enumerate(parts[:-1]):
            if _SUITE_NAME.match(part):
                suites.add("/".join(parts[:i + 1]))
                break
    if not suites:
        return settings
    return settings.with_(test_paths=DEFAULT_TEST_PATTERNS + tuple(f"{s}/**" for s in sorted(suites)))
