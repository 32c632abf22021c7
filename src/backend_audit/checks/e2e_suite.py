"""A browser end-to-end suite (Cypress, Playwright) that starts the project's own Python apps.

`cypress/e2e/auth/main.py` beside `cypress/e2e/auth/spec.cy.ts`: the spec starts that small app and drives
it through a browser, so the module is test code (a fixture of its spec), not application code a unit test
should import (BA-TEST-002), and its routes are requested by its spec (BA-TEST-005). When such fixture apps
run the project's own package, the specs drive the project's routes through its UI: which routes they
request (fetches the UI makes, `cy.intercept` patterns) is not something the rules can map, so a route no
Python test requests is not known to be untested.

Which suite exists is read from the repository's file listing (names only). When the suite runs the
project's app, its specs are read (bounded, links not followed) for the requests they make or wait on:
`cy.visit("/login")`, `cy.request({method: "PUT", url: "/project/element"})`, `cy.intercept("POST",
"/login").as(...)` (a spy: the app's own request goes through to the server; an intercept answered with a
stub does not reach it), Playwright's `page.goto("/login")` and `request.post("/api/x")`.
"""

from __future__ import annotations

from typing import Any

from .lazy_re import re  # compiled on first use
from .repo_text import read_small, repo_files

# Cypress names its specs `*.cy.ts` wherever they live; Playwright's and others' `*.spec.ts` / `*.e2e.ts` /
# `*.test.ts` are end-to-end specs only inside an end-to-end folder (elsewhere they are frontend unit tests)
_CYPRESS_SPEC = re.compile(r"\.cy\.[cm]?[jt]sx?$")
_SPEC = re.compile(r"\.(spec|e2e|test)\.[cm]?[jt]sx?$")
_E2E_FOLDERS = frozenset({"e2e", "cypress", "playwright", "e2e-tests", "e2e_tests"})
_TEST_FOLDERS = frozenset({"test", "tests"})

_PATH = r"""(?P<q>['"`])(?P<url>/[^'"`\s]*)(?P=q)"""
_VERB = r"""['"](?P<verb>GET|POST|PUT|PATCH|DELETE|get|post|put|patch|delete)['"]"""
# `cy.intercept("POST", "/login")` / `cy.request("GET", "/x")`; a spy ends at the URL, a handler
# `(req) => ...` lets the request through; a static stub (`, {fixture}`, `, "text"`) answers instead
_CALL = re.compile(r"""\bcy\.(?P<fn>intercept|request|visit)\(\s*(?:""" + _VERB + r"""\s*,\s*)?""" + _PATH +
                   r"""\s*(?P<after>\)|,\s*(?:\(?\s*\w+\s*\)?\s*=>|function\b)|,)""")
# `cy.request({method: "PUT", url: "/project/element"})`, either order
_OBJECT = re.compile(r"""\bmethod\s*:\s*""" + _VERB + r"""\s*,\s*url\s*:\s*""" + _PATH + r"""|\burl\s*:\s*""" +
                     _PATH.replace("q>", "q2>").replace("url>", "url2>").replace("(?P=q)", "(?P=q2)") +
                     r"""\s*,\s*method\s*:\s*['"](?P<verb2>\w+)['"]""")
_PLAYWRIGHT = re.compile(r"""\b(?:page\.goto|request\.(?P<verb>get|post|put|patch|delete))\(\s*""" + _PATH)
# Playwright's `page.goto(baseURL + "/login")`, `request.post(`${baseURL}/api/login`)`: the base URL the config
# sets (a name with "base" and "url" in it) joined with a literal path
_PW_CALL = re.compile(r"""\b(?:page\.goto|request\.(?P<verb>get|post|put|patch|delete))\(\s*(?:(?P<base>\w*base\w*)\s*\+\s*)?"""
                      r"""(?P<q>['"`])(?P<url>[^'"`\s]{0,300})(?P=q)""", re.IGNORECASE)
_BASE_FIRST = re.compile(r"^\$\{\s*\w*base\w*\s*\}", re.IGNORECASE)
# `["reverse_proxy_test", "proxy-check"].forEach(...)` beside `page.goto(`${baseURL}/${endpoint}`)`: the names a
# spec requests one by one
_NAME_LIST = re.compile(r"""\[\s*(?:['"][A-Za-z][\w-]{0,80}['"]\s*,\s*)+['"][A-Za-z][\w-]{0,80}['"]\s*,?\s*\]""")
_NAME = re.compile(r"""['"]([A-Za-z][\w-]{0,80})['"]""")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_MAX_SPECS = 500


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


def e2e_requests(project: Any) -> list[tuple[str, str, str]]:
    """(spec, VERB or "" for any, URL with `${...}` as `{}`) of each request a spec of a suite that runs the
    project's app makes or waits on; empty when no such suite."""
    def build() -> list[tuple[str, str, str]]:
        # a suite that runs the project's app, or specs in a test folder (the Playwright config's `webServer`
        # starts the project's server: what they request by literal path is the project's routes)
        driven = e2e_driven_app(project) is not None
        specs = sorted(rel for rel in repo_files(project) if _is_spec(rel) and (
            driven or any(part.lower() in _TEST_FOLDERS for part in rel.split("/")[:-1])))[:_MAX_SPECS]
        out: set[tuple[str, str, str]] = set()
        for spec in specs:
            text = read_small(project, spec)
            for verb, url in _requests(text) if text else ():
                out.add((spec, verb.upper(), _PLACEHOLDER.sub("{}", url)))
        return sorted(out)
    return project.memo("e2e_requests", build)


def _requests(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for m in _CALL.finditer(text):
        if m["fn"] == "intercept" and m["after"] == ",":
            continue  # answered by a stub: the server never sees it
        found.append((m["verb"] or ("" if m["fn"] == "intercept" else "GET"), m["url"]))
    for m in _OBJECT.finditer(text):
        found.append((m["verb"] or m["verb2"], m["url"] or m["url2"]))
    for m in _PLAYWRIGHT.finditer(text):
        found.append((m["verb"] or "GET", m["url"]))
    listed: list[tuple[str, str]] | None = None
    for m in _PW_CALL.finditer(text):
        url = m["url"] if m["base"] or m["q"] != "`" else _BASE_FIRST.sub("", m["url"])
        if not url.startswith("/") or not (m["base"] or m["q"] == "`"):
            continue
        if _PLACEHOLDER.match(url[1:]):
            # a path whose first segment is a name chosen per test (which alone would match any route): the
            # names the spec lists, one request each; read once per spec, however many such requests it makes
            # (a hostile spec repeating one would otherwise rescan the whole text each time)
            if listed is None:
                listed = [("GET", f"/{name}") for names in _NAME_LIST.finditer(text)
                          for name in _NAME.findall(names.group(0))]
                found += listed
        else:
            found.append((m["verb"] or "GET", url))
    return found
