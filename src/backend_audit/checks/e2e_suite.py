"""A browser end-to-end suite (Cypress, Playwright) that starts the project's own Python apps.

`cypress/e2e/auth/main.py` beside `cypress/e2e/auth/spec.cy.ts`: the spec starts that small app and drives
it through a browser, so the module is test code (a fixture of its spec), not application code a unit test
should import (BA-TEST-002), and its routes are requested by its spec (BA-TEST-005). When such fixture apps
run the project's own package, the specs drive the project's routes through its UI: which routes they
request (fetches the UI makes, `cy.intercept` patterns) is not something the rules can map, so a route no
Python test requests is not known to be untested.

Read from the repository's file listing only (names, never contents): no file is opened.
"""

from __future__ import annotations

from typing import Any

from .lazy_re import re  # compiled on first use
from .repo_text import repo_files

# Cypress names its specs `*.cy.ts` wherever they live; Playwright's and others' `*.spec.ts` / `*.e2e.ts` /
# `*.test.ts` are end-to-end specs only inside an end-to-end folder (elsewhere they are frontend unit tests)
_CYPRESS_SPEC = re.compile(r"\.cy\.[cm]?[jt]sx?$")
_SPEC = re.compile(r"\.(spec|e2e|test)\.[cm]?[jt]sx?$")
_E2E_FOLDERS = frozenset({"e2e", "cypress", "playwright", "e2e-tests", "e2e_tests"})


def _is_spec(rel: str) -> bool:
    folder, _, name = rel.rpartition("/")
    if _CYPRESS_SPEC.search(name):
        return True
    return bool(_SPEC.search(name)) and any(part.lower() in _E2E_FOLDERS for part in folder.split("/"))


def e2e_fixtures(project: Any) -> dict[str, str]:
    """Python source modules in a folder holding a browser end-to-end spec: module -> the first such spec."""
    def build() -> dict[str, str]:
        specs: dict[str, str] = {}
        for rel in repo_files(project):
            if _is_spec(rel):
                specs.setdefault(rel.rpartition("/")[0], rel)
        if not specs:
            return {}
        return {path: specs[path.rpartition("/")[0]] for path in sorted(project.source_files)
                if path.rpartition("/")[0] in specs}
    return project.memo("e2e_fixtures", build)


def e2e_driven_app(project: Any) -> tuple[str, str] | None:
    """(spec, fixture) when an end-to-end fixture app imports the project's own code outside the fixtures:
    the browser suite runs the project's app, so its specs may request any of its routes."""
    fixtures = e2e_fixtures(project)
    for path, spec in sorted(fixtures.items()):
        for name in project.facts[path].get("imports", ()):
            if any(dep not in fixtures for dep in project.resolve_import(path, name)):
                return spec, path
    return None
