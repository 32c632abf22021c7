"""Tests and coverage (BA-TEST-001..005): whole-repository checks over the test files' facts and the
coverage data the test run left behind. Missing coverage data is reported as "not measured", never as a pass."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath
from typing import Any

from ..model import coverage_data as cd
from ..config import DEFAULT_EXCLUDES, is_test_path, matches_any
from ..errors import ConfigError
from ..findings import Finding, normalise_code
from ..model.project import ProjectModel
from ..model.reachability import TASK_RUNNER, terminal_only
from ..model.test_reach import PARAM, TestReach, called_with, normalise_url, segments, test_code
from ..records import dataclass
from ..untrusted.files import read_tree_text
from .base import ProjectCheck
from .e2e_suite import e2e_driven_app, e2e_fixtures
from .lazy_re import re  # compiled on first use
from .packaging import build_hooks, entry_points, script_modules
from .script_commands import commands_run_by_scripts, modules_run_at_image_build, modules_started_by_images
from .util import in_harness

NOT_MEASURED = "not measured"


class _TestCheck(ProjectCheck):
    """Shared finding construction; no RULE_ID, so it is a helper, not a rule."""

    def finding(self, path: str, line: int, message: str, *, end_line: int | None = None, level: str | None = None,
                snippet: str = "", subcheck: str | None = None, **props: Any) -> Finding:
        if subcheck:
            props["subcheck"] = subcheck
        return Finding(rule_id=self.RULE_ID, path=path, line=line, column=1, end_line=end_line or line,
                       end_column=1, level=level or self.rule.level, message=message, engine=self.ENGINE,
                       snippet=normalise_code(snippet or message)[:500], properties=props)

    def option(self, name: str, default: Any) -> Any:
        return self.options.get(name.replace("-", "_"), default)


# --- BA-TEST-001 ---------------------------------------------------------------------------------------

_PYTEST_CONFIGS = (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))


def has_test_suite(model: ProjectModel) -> bool:
    return model.memo("has_tests", lambda: bool(model.test_files) or _tests_on_disk(model))


def _tests_on_disk(model: ProjectModel) -> bool:
    """Test files outside the scanned paths still count: scanning one folder must not claim there are no tests."""
    excludes = DEFAULT_EXCLUDES + model.settings.exclude
    for base in [model.root, *(model.root / p for p in _pytest_testpaths(model))]:
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = os.path.relpath(dirpath, model.root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = sorted(d for d in dirnames if not matches_any(rel_dir + d, excludes))
            for name in filenames:
                if name.endswith(".py") and (base != model.root or is_test_path(rel_dir + name, model.settings)):
                    return True
    return False


def _pytest_testpaths(model: ProjectModel) -> list[str]:
    """`testpaths` from pytest's config files, read as data (tomllib/configparser), never executed."""
    import configparser

    from ..config import tomllib

    paths: list[str] = []
    # read_tree_text: a FIFO or a symlink out of the tree in place of a config file is not read
    try:
        text = read_tree_text(model.root, model.root / "pyproject.toml")
        if text is not None:
            value = tomllib.loads(text).get("tool", {}).get("pytest", {}).get("ini_options", {}).get("testpaths")
            paths += [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
    except (ValueError, AttributeError, RecursionError):
        pass
    for name, section in _PYTEST_CONFIGS:
        parser = configparser.ConfigParser(interpolation=None)
        text = read_tree_text(model.root, model.root / name)
        if text is None:
            continue
        try:
            parser.read_string(text)
            paths += parser.get(section, "testpaths", fallback="").split()
        except configparser.Error:
            continue
    return [p for p in paths if ".." not in p.split("/")]


class NoTestSuite(_TestCheck):
    RULE_ID = "BA-TEST-001"

    def run(self, project: ProjectModel) -> list[Finding]:
        if not project.source_files or has_test_suite(project):
            return []
        patterns = ", ".join(project.settings.test_paths[:4])
        elsewhere = _test_repository(project)
        if elsewhere:
            # blind set O: a project whose contributing guide links the repository its tests live in has a
            # suite, kept apart from the code (a gap, pinned to warning), not none at all
            return [self.finding(project.anchor(), 1,
                                 f"No test suite in this tree: no test files ({patterns}, ...) and no pytest "
                                 f"testpaths with Python files, but {elsewhere[0]} links a separate test repository "
                                 f"({elsewhere[1]}); tests kept away from the code do not run with a change to it, "
                                 "and whether that suite covers this code is not traced", level="warning",
                                 snippet="no test suite")]
        return [self.finding(project.anchor(), 1,
                             f"No test suite found: no test files ({patterns}, ...) and no pytest testpaths with "
                             "Python files; add tests under tests/ (test-presence and coverage rules are not "
                             "evaluated without them)", snippet="no test suite")]


# a link to a repository named for tests (`github.com/owner/app-test`, `gitlab.com/group/tests`)
_TEST_REPO = re.compile(r"https?://(?:github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/[\w.-]+/"
                        r"([\w.-]*\btests?\b[\w.-]*|[\w.-]*[-_]tests?)(?=[/)\s\]>\"'#]|$)", re.IGNORECASE)


def _test_repository(model: ProjectModel) -> tuple[str, str] | None:
    """(document, link) where the project's top-level contributing guide or readme links a test repository."""
    for name in ("CONTRIBUTING.md", "CONTRIBUTING.rst", "README.md", "README.rst"):
        text = read_tree_text(model.root, model.root / name)
        match = _TEST_REPO.search(text[:200_000]) if text else None
        if match:
            return name, match.group(0)
    return None


# --- BA-TEST-002 ---------------------------------------------------------------------------------------

def tested_by_import(model: ProjectModel) -> set[str]:
    """Source files a test imports, directly or through a package whose __init__ imports them."""
    def build() -> set[str]:
        reached: set[str] = set()
        todo = [path for test in test_code(model) for name in model.facts[test].get("imports", ())
                for path in model.resolve_import(test, name)]
        while todo:
            path = todo.pop()
            if path in reached:
                continue
            reached.add(path)
            todo.extend(model.package_inits(path))
            if path.endswith(("__init__.py", "__init__.pyi")):
                todo.extend(p for name in model.facts[path].get("imports", ())
                            for p in model.resolve_import(path, name))
        return reached
    return model.memo("tested_by_import", build)


def _named_tests(model: ProjectModel) -> set[str]:
    return model.memo("test_names", lambda: {p.rsplit("/", 1)[-1] for p in model.test_files})


class ModuleWithoutTests(_TestCheck):
    RULE_ID = "BA-TEST-002"

    def run(self, project: ProjectModel) -> list[Finding]:
        if not has_test_suite(project) or not project.test_files:
            return []
        exempt = tuple(self.option("exempt", ()))
        min_statements = int(self.option("min-statements", 5))
        imported = tested_by_import(project)
        names = _named_tests(project)
        cov = load_coverage(project).data
        reached_endpoints = endpoint_modules_reached(project) | TestReach.for_model(project).graphql_modules() | \
            _bound_views_requested(project) | _views_of_tested_models(project)
        commands = {name for test in test_code(project)
                    for name in (project.facts[test].get("test_refs") or {}).get("commands", ())}
        commands |= commands_run_by_scripts(project) if any(
            "/management/commands/" in f"/{p}" for p in project.source_files) else set()
        # middleware runs on every request a test client makes: tests that request endpoints run it
        hooks = _request_middleware(project) if reached_endpoints else set()
        # programs tests start and a database backend Django opens for them: run whole, with what they import
        started = _run_by_tests(project) | _database_engines(project)
        selected = _loaded_by_selected_name(project) | _plugins_named_by_tests(project) | _run_by_migrations(project) \
            | started
        fixtures = e2e_fixtures(project)  # apps a browser spec beside them starts and drives: test code
        # the URLconfs Django imports to resolve every request a test makes run what they call while loading
        # (`include(get_model_urls("peering", "bgpgroup"))`)
        urlconf_calls = _called_by_urlconfs(project) if reached_endpoints else set()
        direct: set[str] = set()
        candidates = []
        out_nested: list[Finding] = []
        for path in sorted(project.source_files):
            facts = project.facts[path]
            if matches_any(path, exempt) or facts.get("test_support") or facts.get("alembic_revision") or \
                    path in fixtures or _tooling(project, path) or _TEST_BENCH.search(f"/{path}"):
                continue
            command = "/management/commands/" in f"/{path}" and "Command" in (facts.get("classes") or {})
            if not facts.get("working_functions", 1) and not facts.get("module_code") and not command:
                # declarations only (enums, exceptions, constants, config and model classes, admin
                # registrations, abstract bases whose methods raise NotImplementedError): importing it runs all
                # of it, so there is no behaviour of its own for a test to exercise. A management command is
                # the exception: `Command(MergeCommand)` with only `MODEL = Author` is an entry point
                # (`manage.py merge_authors`) running its base's behaviour on what it declares
                continue
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if (path in imported or path in reached_endpoints or path in hooks or path in selected or path in urlconf_calls
                    or f"test_{stem}.py" in names
                    or f"{stem}_test.py" in names or (cov is not None and _ran_inside_functions(cov.files.get(path), facts))
                    or ("/management/commands/" in f"/{path}" and stem in commands)
                    or (stem == "apps" and "django.apps" in facts.get("imports", ()))):
                direct.add(path)
            elif facts.get("statements", 0) >= min_statements and not (
                    path.endswith(("__init__.py", "__init__.pyi")) and not facts.get("definitions")):
                candidates.append(path)
        # a nested project (its own pyproject.toml) that no test reaches at all has no test suite of its own:
        # one note for it, not a warning per module (the developer CLI of a monorepo)
        nested = _untested_projects(project, reached_endpoints)
        for marker, members in sorted(nested.items()):
            listed = [p for p in candidates if p in members]
            if listed:
                candidates = [p for p in candidates if p not in members]
                folder = marker.rpartition("/")[0]
                out_nested.append(self.finding(
                    marker, 1, f"The project in {folder}/ ({marker}) has no test files and no test imports any of "
                               f"its modules: its {len(listed)} modules are not evaluated one by one (no test "
                               "suite, as BA-TEST-001 says for a whole repository); add tests for it",
                    level="note", snippet=f"project {folder}"))
        # what only the repository's tooling imports, from outside the package it lives in, is part of that
        # tooling (an evaluation harness the maintenance scripts run)
        serving = _only_tooling_imports(project, tuple(g for g in exempt if g.endswith("/**")), direct | imported)
        candidates = [p for p in candidates if p not in serving]
        # a view module the tests request is a start even when its name is exempt (`account/views/settings.py`)
        through = _imported_from(project, direct | imported | reached_endpoints | started)
        by_name = _named_by_string(project)
        discovered = _autodiscovered(project)
        # a module code the tests reach names by dotted path (`app.config.from_object("pkg.config.default")` in the
        # app factory every test builds) is loaded whenever that code runs: what it imports runs with it.
        reached = direct | imported | set(through)
        # A settings module's strings (`ASGI_APPLICATION = "config.asgi_app.application"`) name what a server
        # loads, which tests may never do (blind P: an untested ASGI app's helpers were a true warning)
        loaded = {p for p, namer in by_name.items() if namer in reached and not project.facts[namer].get("settings_like")}
        through_named = _imported_from(project, direct | imported | _hook_classes(project) | set(discovered) | loaded)
        through_named.update({k: v for k, v in _plugin_bases(project, set(by_name)).items() if k not in through_named})
        untested_siblings = _registry_gaps(project, direct | imported)
        built = _image_build_steps(project)
        started_by_image = modules_started_by_images(project)
        scanned = _scanned_plugins(project, direct | imported | set(through))
        by_command = _commands_run_by(project, imported)
        by_loader = _scanned_plugins(project, direct | imported | set(through), scans=False)
        out = []
        for path in candidates:
            # say only what was checked: without coverage data nothing is known about what the tests run
            evidence = ("coverage shows none of its functions running" if cov is not None
                        else "no coverage data was available to show its functions running")
            importer = through.get(path)
            if importer is not None and not project.facts[path].get("function_bodies"):
                continue  # straight-line code a tested module imports has run whole
            if importer is not None:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}) or requests an endpoint or GraphQL field it "
                             f"defines; tests reach it only through {importer}, which imports it, and {evidence}, "
                             "so whether its functions run is not traced; add a test module for it",
                    level="note", snippet=f"module {path}"))
            elif path in scanned:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); {scanned[path]}, which tests reach, lists its "
                             "folder and imports every module in it by name (a plugin directory), so this one is "
                             f"loaded, but whether its functions run is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif path in by_command:
                out.append(self.finding(
                    path, 1, f"No test imports this management command ({path}); {by_command[path]}, which tests "
                             "import, runs it by name (`call_command`), so whether a test calls that function is not "
                             f"traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif path in by_loader:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); {by_loader[path]}, which tests reach, imports "
                             "modules of its package by a name chosen at run time (a backend picked by a setting), "
                             f"so which one tests select is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif path in discovered:
                loader, name = discovered[path]
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); {loader} imports the `{name}` module of "
                             "packages it names at run time (autodiscovery, a plugin's own module), so this one may "
                             f"be loaded, but whether its functions run is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif path in untested_siblings:
                registry, tested = untested_siblings[path]
                # a thin member (a task wrapper around tested code) holds little logic of its own to test, as for
                # modules the application imports (blind set L pinned such a wrapper to note)
                thin = _body_lines(project.facts[path]) < _LOGIC_LINES
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}) or is named after it; {registry} loads it by "
                             f"name with others of its package, and tests import those one by one ({tested}), "
                             f"not this one, and {evidence}" + (
                                 f"; its functions hold under {_LOGIC_LINES} lines (a thin wrapper), so whether it "
                                 "holds logic worth a test of its own is not traced" if thin else
                                 "; add a test module for it"),
                    level="note" if thin else None, snippet=f"module {path}"))
            elif path in by_name:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); {by_name[path]} names it in a string (loaded "
                             f"by name: settings, a registry of dotted paths), so whether tests run it is not "
                             f"traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif path in through_named:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); it is imported by {through_named[path]}, which "
                             "settings, a registry or code the tests reach name by dotted path (loaded by name: a "
                             f"hook, a config module), so whether tests run it is not traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif _library_command(project, path):
                out.append(self.finding(
                    path, 1, f"No test runs this management command ({path}); its Command subclasses a library's "
                             "command and adds little of its own (the library tests the rest), and " + evidence,
                    level="note", snippet=f"module {path}"))
            elif _entry_script(project, path) and not _standalone_script(project, path):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this program ({path}) and no module imports it; it runs "
                             "when started (straight-line code in a top-level file), so whether "
                             "it is a build step, a maintainer's tool or a program the deployment runs is not "
                             f"traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif _standalone_script(project, path):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this script ({path}); it runs on its own (a `__main__` guard "
                             "or `sys.argv`) from a folder that is no package, so whether it is a maintainer's tool "
                             f"or a program the deployment runs is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif _SAMPLE_FOLDER.search(f"/{path}"):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this module ({path}); it sits in a folder of samples or "
                             "demos, code shipped for users to run or read (`chainlit hello` runs its sample by "
                             f"path), so whether the project means to test it is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif path.rsplit("/", 1)[-1] == "env.py" and any(
                    str(name).split(".")[0] == "alembic" for name in project.facts[path].get("imports", ())):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this Alembic environment ({path}); alembic runs it when "
                             "migrating that database (a command or start-up step), so whether tests migrate "
                             f"through it is not traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif path in built:
                out.append(self.finding(
                    path, 1, f"No test imports or runs this module ({path}); {built[path]} runs it while the image "
                             "is built (a build step, not code a request reaches), so whether its output is checked "
                             f"is not traced, and {evidence}", level="note", snippet=f"module {path}"))
            elif path in started_by_image:
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}); {started_by_image[path]} starts it as the "
                             "container's program (`CMD`/`ENTRYPOINT`), so whether a test starts that container (a "
                             f"compose or end-to-end test) is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif in_harness(PurePosixPath(path)):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this module ({path}); it is part of a benchmark or evaluation "
                             "harness (a folder named for one), code the developers run rather than the shipped "
                             f"application, so whether its output is checked is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif "/templatetags/" in f"/{path}":
                out.append(self.finding(
                    path, 1, f"No test imports this template tag library ({path}); templates load it by name "
                             f"(`{{% load %}}`), so whether a tested view renders it is not traced, and {evidence}",
                    level="note", snippet=f"module {path}"))
            elif path in _started_up_by(project) and not project.endpoints_for(path):
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}), nor any module a test reaches, and {evidence}; "
                             f"only the service's start-up code imports it ({_started_up_by(project)[path]}: a console "
                             "script the packaging declares, a WSGI/ASGI module, or what only they import), so it "
                             "runs when the deployment starts the service, and whether a suite runs against the "
                             "started service is not traced", level="note", snippet=f"module {path}"))
            elif terminal_only(project).get(path, "").startswith(TASK_RUNNER) and not project.endpoints_for(path):
                out.append(self.finding(
                    path, 1, f"No test imports or runs this module ({path}); {terminal_only(project)[path]}: nox "
                             "sessions or invoke tasks the developers and CI run, not the application, so whether "
                             f"its output is checked is not traced, and {evidence}", level="note",
                    snippet=f"module {path}"))
            elif (project.endpoints_for(path) or path in _app_importers(project)) and \
                    _body_lines(project.facts[path]) >= _LOGIC_LINES:
                out.append(self.finding(path, 1, f"No test imports this module ({path}), nor any module a test "
                                                 "reaches, no test requests an endpoint or GraphQL field it "
                                                 f"defines, and {evidence}; {_served_by(project, path)}, so "
                                                 "application code uses it untested; add a test module for it",
                                        snippet=f"module {path}"))
            elif project.endpoints_for(path) or path in _app_importers(project):
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}), nor any module a test reaches, and {evidence}; "
                             f"{_served_by(project, path)}, but its functions hold under {_LOGIC_LINES} lines (a thin "
                             "handler or wrapper), so whether it holds logic worth a test of its own is not traced",
                    level="note", snippet=f"module {path}"))
            elif path in _closed_package_importers(project):
                importer = _closed_package_importers(project)[path]
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}), nor any module a test reaches, and {evidence}; "
                             f"only {importer}, in a package no module outside it imports or names, imports it, so "
                             "whether anything runs it (or it is dead code) is not traced",
                    level="note", snippet=f"module {path}"))
            else:
                # blind, most untested modules nothing imports were commands run by hand, developer tools or
                # dead code (a note's worth); the true warnings were code the application itself runs
                out.append(self.finding(
                    path, 1, f"No test imports this module ({path}), nor any module a test reaches, and {evidence}; "
                             "it defines no endpoint and no module of the project imports it, so what runs it (a "
                             "command an operator starts, a developer's tool, code nothing calls any more) is not "
                             "traced; add a test module for it if the deployment runs it",
                    level="note", snippet=f"module {path}"))
        return out + out_nested


# Blind, the untested modules reviewers judged worth a warning all held 27 lines of function bodies or more;
# thinner ones (a three-line handler, a task wrapper around tested code, a celery app) were notes
_LOGIC_LINES = 20


def _body_lines(facts: dict[str, Any]) -> int:
    """Lines inside the module's function bodies, a nested function's counted once."""
    total, reach = 0, 0
    for start, end in sorted(facts.get("function_bodies", ())):
        if end > reach:
            total += end - max(start, reach + 1) + 1
            reach = end
    return total


def _served_by(model: ProjectModel, path: str) -> str:
    """What shows the application runs the module: an endpoint it defines, else the first module importing it."""
    routes = model.endpoints_for(path)
    if routes:
        first = routes[0]
        return f"it defines {len(routes)} endpoint{'s' if len(routes) > 1 else ''} ({first['path']})"
    return f"{_app_importers(model)[path]} imports it"


def _import_use(model: ProjectModel) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Modules the application's own code imports -> the first such importer (in path order), the modules
    only a dead package's members import, and the modules only the start-up chain imports (see
    `_start_up_chain`). An importer that is itself an entry point run by hand (a management command, a
    script, a migration) does not count: what only it imports is as much a tool as it is."""
    def build() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        edges: list[tuple[str, str]] = []
        for p in sorted(model.source_files):
            facts = model.facts[p]
            if facts.get("runs_as_script") or facts.get("alembic_revision") or \
                    "/management/commands/" in f"/{p}" or "/migrations/" in f"/{p}":
                continue
            for name in facts.get("imports", ()):
                for dep in model.resolve_import(p, name):
                    if dep != p:
                        edges.append((p, dep))
        chain = _start_up_chain(model, edges)
        started = {dep: p for p, dep in edges if p in chain and dep in chain}
        edges = [(p, dep) for p, dep in edges if not (p in chain and dep in chain)]
        # A package that nothing outside it imports is dead code (`utils/exporters/`, superseded by a sibling,
        # whose `__init__` still imports its modules): its members importing one another show no use, nor do
        # imports from inside a dead package into one of its sub-packages. A package holding a module the
        # framework loads by name (a dotted string: `include("app.urls")`, `INSTALLED_APPS`) or serving
        # endpoints is entered all the same
        seeds = _named_packages(model)
        for m in [*_named_by_string(model), *(m for m in model.source_files if model.endpoints_for(m))]:
            folder = m.rpartition("/")[0]
            while folder and folder not in seeds:
                seeds.add(folder)
                folder = folder.rpartition("/")[0]
        live = edges
        while True:
            entered = set(seeds)
            for p, dep in live:
                folder = dep.rpartition("/")[0]
                while folder and not p.startswith(folder + "/") and folder not in entered:
                    entered.add(folder)
                    folder = folder.rpartition("/")[0]
            kept = [(p, dep) for p, dep in live if not _inside_closed_package(model, p, dep, entered)]
            if len(kept) == len(live):
                break
            live = kept
        out: dict[str, str] = {}
        for p, dep in live:
            out.setdefault(dep, p)
        closed = {dep: p for p, dep in reversed(edges) if dep not in out}
        started = {dep: p for dep, p in started.items() if dep not in out and dep not in closed}
        return out, closed, started
    return model.memo("app_importers", build)


def _start_up_chain(model: ProjectModel, edges: list[tuple[str, str]]) -> set[str]:
    """The service's start-up code: the modules the packaging declares as console scripts (`pulpcore-api =
    "pulpcore.app.entrypoint:main"`), the WSGI/ASGI modules a server loads, and, in turn, every module only
    they import (a gunicorn application class, a worker's main loop). It runs when the deployment starts the
    service, not when a test imports the app; blind (set S), suites that ran against the started service
    (functional tests over HTTP) exercised it, so its imports show no untested use of their own."""
    seeds = {path for module, _ in script_modules(model) for path in model.resolve_import("", module)
             if path in model.facts}
    seeds |= {p for p in model.source_files if p.rpartition("/")[2] in ("wsgi.py", "asgi.py")}
    seeds = {p for p in seeds if not _builds_app(model, p)}
    if not seeds:
        return set()
    importers: dict[str, set[str]] = {}
    for p, dep in edges:
        importers.setdefault(dep, set()).add(p)
    chain, todo = set(seeds), list(seeds)
    by_importer: dict[str, list[str]] = {}
    for p, dep in edges:
        by_importer.setdefault(p, []).append(dep)
    while todo:
        for dep in by_importer.get(todo.pop(), ()):
            if dep not in chain and importers[dep] <= chain and not _builds_app(model, dep):
                chain.add(dep)
                todo.append(dep)
    return chain


def _app_importers(model: ProjectModel) -> dict[str, str]:
    return _import_use(model)[0]


def _closed_package_importers(model: ProjectModel) -> dict[str, str]:
    """Modules only the members of a package nothing outside imports import -> one such importer."""
    return _import_use(model)[1]


# web app classes: a module importing one builds the application object itself (an app factory), which is what
# in-process tests would build; blind (set S), such an untested factory was a true warning
_APP_CLASSES = frozenset({"fastapi.FastAPI", "flask.Flask", "starlette.applications.Starlette", "quart.Quart",
                          "sanic.Sanic", "aiohttp.web.Application", "litestar.Litestar"})


def _builds_app(model: ProjectModel, path: str) -> bool:
    return not _APP_CLASSES.isdisjoint(model.facts[path].get("imports", ()))


def _started_up_by(model: ProjectModel) -> dict[str, str]:
    """Modules only the service's start-up chain imports -> one such importer."""
    return _import_use(model)[2]


# a dotted name in packaging metadata: `flaskbb = "flaskbb.cli.main:flaskbb"`, an entry point's `pkg.mod:obj`
_DOTTED_REF = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _named_packages(model: ProjectModel) -> set[str]:
    """Package folders a dotted name of the project names, whole or as the head of a longer name: a string
    in the code (`"app.plugins.zoom.plugin"`) or an entry point of the packaging metadata (console scripts,
    plugin groups), which loads the package without an import statement."""
    heads: set[tuple[str, ...]] = set()
    names = [n for facts in model.facts.values() for n in facts.get("dotted_names", ())]
    for meta in ("pyproject.toml", "setup.py", "setup.cfg"):
        text = read_tree_text(model.root, model.root / meta)
        names += _DOTTED_REF.findall(text[:200_000]) if text else []
    for name in names:
        parts = tuple(name.split("."))
        heads.update(parts[:i] for i in range(2, len(parts) + 1))
    out: set[str] = set()
    for init in model.facts:
        if init.endswith("/__init__.py"):
            folder = init.rpartition("/")[0]
            parts = tuple(folder.split("/"))
            if any(parts[i:] in heads for i in range(len(parts) - 1)):
                out.add(folder)
    return out


def _inside_closed_package(model: ProjectModel, importer: str, dep: str, entered: set[str]) -> bool:
    """Whether both modules sit in a sub-package (the smallest package holding both, itself inside a package)
    that no module outside it imports. A top-level package is left alone: the framework loads it by name
    (settings, `INSTALLED_APPS`), and the import graph alone does not show that."""
    folder = dep.rpartition("/")[0]
    while folder and not importer.startswith(folder + "/"):
        folder = folder.rpartition("/")[0]
    parent = folder.rpartition("/")[0]
    return bool(folder) and folder not in entered and f"{folder}/__init__.py" in model.facts and \
        f"{parent}/__init__.py" in model.facts


_SAMPLE_FOLDER = re.compile(r"/(?:samples?|examples?|demos?)/")
# a test bench or suite kept beside the code it checks (`web_crawler/testbench/suite_extraction.py`, run by its
# own `__main__`): the module is test code with a runner of its own, not a module that lacks tests
_TEST_BENCH = re.compile(r"/test_?(?:bench|suite|harness)e?s?/")


def _tooling(model: ProjectModel, path: str) -> bool:
    """Code the project's developers run, not the application: Sphinx's `conf.py`; a module beside alembic's
    `env.py` (the migration environment: codemods and hooks run when writing revisions). Configuration read by
    another program: a gunicorn config (its settings and hooks by name), a PEP 517 build backend
    (`build_wheel`, `build_sdist`), a hatchling build hook its pyproject.toml declares, a module of UPPER_CASE
    settings that no import can reach (a file name that is no module name, `lemur.conf.py`, or a folder below
    the top that is no package: loaded by path)."""
    facts = model.facts[path]
    if facts.get("sphinx_conf") or facts.get("server_config") or facts.get("build_backend") or \
            path in build_hooks(model):
        return True
    if facts.get("settings_like"):
        folder, _, name = path.rpartition("/")
        if not name.rsplit(".", 1)[0].isidentifier() or (folder and f"{folder}/__init__.py" not in model.facts):
            return True
    folder = path.rpartition("/")[0]
    env = model.facts.get(f"{folder}/env.py") if folder else None
    return path != f"{folder}/env.py" and env is not None and any(
        name.split(".")[0] == "alembic" for name in env.get("imports", ()))


_PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def _untested_projects(model: ProjectModel, reached: set[str]) -> dict[str, set[str]]:
    """Nested projects with no test of their own that no test reaches: the project file (a folder's
    `pyproject.toml` or `setup.cfg`, or a `setup.py` beside no `__init__.py`) -> its source modules (those
    whose nearest project file it is). The top folder is the scanned project itself, never one of them.
    From outside, a test reaches a nested project by a dotted name (`import cli.shared`) or an endpoint it
    serves: a bare top-level name (`import stripe`) is the installed library far more often than a module
    of another project's folder that happens to share it, and so is a test merely named like one of its
    modules."""
    def marker(folder: str) -> str | None:
        for name in _PROJECT_FILES:
            rel = f"{folder}/{name}"
            if name == "setup.py" and f"{folder}/__init__.py" in model.facts:
                continue  # a module named setup in a package (`CTFd/constants/setup.py`)
            candidate = model.root / rel
            if not candidate.is_symlink() and candidate.is_file():
                return rel
        return None

    markers: dict[str, str | None] = {}
    groups: dict[str, set[str]] = {}
    for path in model.source_files:
        folder = path.rpartition("/")[0]
        while folder:
            if folder not in markers:
                markers[folder] = marker(folder)
            if markers[folder]:
                groups.setdefault(markers[folder], set()).add(path)
                break
            folder = folder.rpartition("/")[0]
    out: dict[str, set[str]] = {}
    for owner, members in groups.items():
        prefix = owner.rpartition("/")[0] + "/"
        if any(t.startswith(prefix) for t in model.test_files) or members & reached:
            continue
        dotted = {dep for test in test_code(model) for name in model.facts[test].get("imports", ())
                  if name.startswith(".") or "." in name for dep in model.resolve_import(test, name)}
        if not members & dotted:
            out[owner] = members
    return out


def _top_package(model: ProjectModel, path: str) -> str:
    """The outermost package folder enclosing `path` (the file itself when its folder is no package)."""
    top, folder = path, path.rpartition("/")[0]
    while folder and f"{folder}/__init__.py" in model.facts:
        top, folder = folder, folder.rpartition("/")[0]
    return top


def _only_tooling_imports(model: ProjectModel, tooling: tuple[str, ...], reached: set[str]) -> set[str]:
    """Modules imported only by tooling outside their own package (the `exempt` folders, `scripts/`, or
    what `_tooling` recognises), or by modules that are themselves only tooling's: the application never
    imports them."""
    importers: dict[str, set[str]] = {}
    for path in model.source_files:
        for name in model.facts[path].get("imports", ()):
            if "." not in name:
                continue  # `import mptt`: the installed library, not a nested module sharing its name
            for dep in model.resolve_import(path, name):
                if dep != path:
                    importers.setdefault(dep, set()).add(path)
    tool = {p for p in model.source_files if matches_any(p, tooling) or _tooling(model, p)}
    out: set[str] = set()
    for _ in range(20):  # chains of helpers are short; the bound keeps a hostile import graph cheap
        grown = {dep for dep, by in importers.items()
                 if dep not in out and dep not in reached and dep not in tool and not model.facts[dep].get("is_test")
                 and all(s in out or (s in tool and _top_package(model, s) != _top_package(model, dep)) for s in by)}
        if not grown:
            break
        out |= grown
    return out


def _standalone_script(model: ProjectModel, path: str) -> bool:
    """A program run by hand or by a container (`if __name__ == "__main__":`, or `sys.argv` read at import) in
    a folder below the top level that is no package (no `__init__.py`: the app cannot import it), serving
    no routes. A maintainer's generator and a container's start-up script look the same to the code."""
    facts = model.facts[path]
    folder = path.rpartition("/")[0]
    return bool(folder and facts.get("runs_as_script") and f"{folder}/__init__.py" not in model.facts
                and not facts.get("web"))


def _plugin_bases(model: ProjectModel, named: set[str]) -> dict[str, str]:
    """Modules holding the base class of a class in a module loaded by name (`monitoringmodules/base.py` under
    the `sqlstats` plugin a setting names): module -> that plugin. Whatever runs the plugin runs its base."""
    out: dict[str, str] = {}
    for plugin in sorted(named):
        for cls in (model.facts.get(plugin, {}).get("classes") or {}).values():
            for base in cls.get("bases", ()):
                if "." in base:
                    for dep in model.resolve_import(plugin, base.rpartition(".")[0]):
                        if dep != plugin:
                            out.setdefault(dep, plugin)
    return out


def _entry_script(model: ProjectModel, path: str) -> bool:
    """A program no module imports: a file at the repository's top that is straight-line code run when started
    (a build step, `python version.py`), with no function of its own a test could call and no import of the
    project's code. Started by a Dockerfile, a Makefile or a person: which one is not traced. (A script with
    functions, or one driving the application, stays a module to test.)"""
    facts = model.facts[path]
    if "/" in path or facts.get("web") or not facts.get("module_code") or facts.get("working_functions"):
        return False
    if any(dep != path for name in facts.get("imports", ()) for dep in model.resolve_import(path, name)):
        return False  # it drives the application's own code (`export.py` calling the app's exporter): a CLI
    return path not in _imported_anywhere(model)


def _imported_anywhere(model: ProjectModel) -> set[str]:
    return model.memo("imported_anywhere", lambda: {
        dep for p in model.source_files for name in model.facts[p].get("imports", ())
        for dep in model.resolve_import(p, name) if dep != p})


def _run_by_tests(model: ProjectModel) -> set[str]:
    """Python files a test starts as a program (`subprocess.Popen(["python3", "worker.py"])`): the path as
    written from the repository's top, else the one source file whose path ends with it (a name two files
    below the top share names neither)."""
    named = {s for test in test_code(model) for s in (model.facts[test].get("test_refs") or {}).get("scripts", ())}
    if not named:
        return set()
    out = set()
    for script in named:
        script = script.removeprefix("./")
        # run from the repository's top (a test runner's working directory) first, else the one file so named
        found = [script] if script in model.facts else \
            [p for p in model.source_files if p.endswith("/" + script)]
        if len(found) == 1:
            out.add(found[0])
    return out


def _database_engines(model: ProjectModel) -> set[str]:
    """The `base.py` of a project's own Django database backend that a settings string names (`"ENGINE":
    "core.db_backends.postgresql"`, a package): Django imports `<engine>.base` to open every connection, so
    Django tests run it (and what it imports) whenever they touch the database."""
    if not any(str(name).split(".")[0] in ("django", "pytest_django") for test in test_code(model)
               for name in model.facts[test].get("imports", ())):
        return set()
    out = set()
    for path in sorted(model.source_files):
        for name in model.facts[path].get("dotted_names", ()):
            for dep in model.resolve_import(path, name + ".base"):
                if "DatabaseWrapper" in (model.facts[dep].get("classes") or {}):
                    out.add(dep)
    return out


def _library_command(model: ProjectModel, path: str) -> bool:
    """A Django management command whose `Command` only subclasses a library's concrete command (`dumpdata`'s)
    with one method or none of its own: what runs is the library's."""
    if "/management/commands/" not in f"/{path}":
        return False
    cls = (model.facts[path].get("classes") or {}).get("Command")
    if not cls or len(cls.get("methods", ())) > 1 or not cls.get("bases"):
        return False
    # a concrete command of a library (`django.core.management.commands.dumpdata.Command`), not the abstract
    # BaseCommand whose subclass writes all of the behaviour in its own handle()
    local = model.facts[path].get("classes") or {}
    return all(".management.commands." in b and b not in local and not model.resolve_import(path, b.rpartition(".")[0])
               for b in cls["bases"])


def _loaded_by_selected_name(model: ProjectModel) -> set[str]:
    """Modules of a package the code loads by a run-time name (`import_module(f"pkg.calcs.{name}")`) whose
    name a test selects (`entry.class_name = "dummy"`): the test runs the code that loads and runs it."""
    prefixes = {p for path in model.source_files for p in model.facts[path].get("loads_modules_of", ())}
    if not prefixes or model.semantic is None:
        return set()
    picked = {w for test in test_code(model) for w in (model.facts[test].get("test_refs") or {}).get("selected", ())}
    out = set()
    for path in model.source_files:
        module = model.semantic.module_of(path) or ""
        package, _, stem = module.rpartition(".")
        if package in prefixes and stem in picked:
            out.add(path)
    return out


def _commands_run_by(model: ProjectModel, imported: set[str]) -> dict[str, str]:
    """Management commands that a module the tests import runs by name (`call_command("amnotify")` in a job
    wrapper): command module -> that module."""
    callers = {name: path for path in sorted(imported, reverse=True) if path in model.facts
               for name in model.facts[path].get("calls_commands", ())}
    if not callers:
        return {}
    return {path: callers[stem] for path in model.source_files if "/management/commands/" in f"/{path}"
            and (stem := path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) in callers}


def _scanned_plugins(model: ProjectModel, reached: set[str], scans: bool = True) -> dict[str, str]:
    """Modules of a package that a file the tests reach loads whole: it lists the folder (`os.listdir`,
    `pkgutil.iter_modules`) and imports each module it finds by a run-time name (`import_module(
    f"pkg.plugins.{name}")`). With `scans=False`, the files that import by a run-time name without listing the
    folder (`import_module(f"pkg.backends.{name}")`, the name from a setting): which one tests select is not
    known, where `_loaded_by_selected_name` knows it. module -> the loading file."""
    loaders = {path: set(model.facts[path].get("loads_modules_of", ())) for path in sorted(reached)
               if path in model.facts and bool(model.facts[path].get("scans_modules")) == scans}
    loaders = {path: prefixes for path, prefixes in loaders.items() if prefixes}
    if not loaders or model.semantic is None:
        return {}
    out: dict[str, str] = {}
    for path in model.source_files:
        package = (model.semantic.module_of(path) or "").rpartition(".")[0]
        loader = next((f for f, prefixes in loaders.items() if package in prefixes), None)
        if loader and loader != path:
            out[path] = loader
    return out


def _plugins_named_by_tests(model: ProjectModel) -> set[str]:
    """Modules declared as plugin entry points whose entry name a test selects (`'PLUGINS': ['blackout']`,
    `kind="dummy"`) or requests as a URL segment (`/webhooks/prometheus`): the application loads them by
    that name, so the test runs them without importing them."""
    points = entry_points(model)
    if not points:
        return set()
    # the tests of the project declaring them: a plugin of a package nested in contrib/ is not the one a
    # test of the main package names with the same word
    named: dict[str, set[str]] = {}
    for test in test_code(model):
        refs = model.facts[test].get("test_refs") or {}
        urls = (normalise_url(url) for url in refs.get("urls", ()))
        for name in [*refs.get("selected", ()), *(s for url in urls if url is not None for s in segments(url))]:
            named.setdefault(name, set()).add(test)
    return {path for _, name, module, folder in points
            if any(not folder or test.startswith(folder + "/") for test in named.get(name, ()))
            for path in model.resolve_import("", module) if path in model.facts}


def _request_middleware(model: ProjectModel) -> set[str]:
    """Modules defining a middleware class the settings' `MIDDLEWARE` (or `MIDDLEWARE_CLASSES`) list names,
    a hook (class or function) a dotted path in DRF's `REST_FRAMEWORK` names, or that `app.add_middleware(X)`
    installs: the framework runs it around every request, test requests included. A name through a package (`"app.middleware.FileTooBig"`) is followed to the module its
    `__init__` imports the class from."""
    out: set[str] = set()
    for path in sorted(model.facts):
        facts = model.facts[path]
        table = facts.get("import_table") or {}
        # `app.add_middleware(TimingMiddleware)`: the local name stands for what it was imported as
        names = [(path, _imported_as(table, m["name"])) for m in (facts.get("web") or {}).get("middleware", ())
                 if m.get("name")]
        # template context processors run on every page a view renders (blind set X: the navigation menu a
        # context processor builds was reported as never run)
        for key in ("MIDDLEWARE", "MIDDLEWARE_CLASSES", "TEMPLATE_CONTEXT_PROCESSORS"):
            value = (facts.get("settings") or {}).get(key, {}).get("value")
            names += [(path, v) for v in value if isinstance(v, str)] if isinstance(value, list) else []
        # DRF's settings name the request stack's hooks by dotted path, functions too: its EXCEPTION_HANDLER
        # formats every API error a test provokes, the DEFAULT_*_CLASSES run on every API request (blind set Q:
        # an error formatter reached only through the setting was reported as never run)
        drf = (facts.get("settings") or {}).get("REST_FRAMEWORK", {}).get("value")
        for value in drf.values() if isinstance(drf, dict) else ():
            names += [(path, v) for v in (value if isinstance(value, (list, tuple)) else [value])
                      if isinstance(v, str) and "." in v]
        for where, name in names:
            owner, _, cls = name.rpartition(".")
            targets = model.resolve_import(where, name) if "." not in name else \
                model.resolve_import(where, owner) or model.resolve_import(where, name)
            for dep in targets:
                if dep.endswith(("__init__.py", "__init__.pyi")):
                    # re-exported: `from .file_too_big import FileTooBig` in the package's __init__
                    out.update(p for imp in model.facts[dep].get("imports", ()) if imp.rsplit(".", 1)[-1] == cls
                               for p in model.resolve_import(dep, imp.rpartition(".")[0]) if p != dep)
                elif dep != path:
                    out.add(dep)
    return out


def _autodiscovered(model: ProjectModel) -> dict[str, tuple[str, str]]:
    """Modules a project loader imports by app: `import_module("%s.admin" % app.name)` or
    `autodiscover_modules("admin")` loads the `admin` module (or package) of every app. module -> (loader, name)."""
    loaders = {name: path for path in sorted(model.source_files)
               for name in model.facts[path].get("loads_module_named", ())}
    if not loaders:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for path in model.source_files:
        parts = path.rsplit(".", 1)[0].split("/")
        name = parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]
        if name in loaders and loaders[name] != path:
            out[path] = (loaders[name], name)
    return out


def _image_build_steps(model: ProjectModel) -> dict[str, str]:
    """Source modules a Dockerfile's `RUN python -m pkg.mod` / `RUN python path.py` runs: module -> Dockerfile."""
    out: dict[str, str] = {}
    for name, dockerfile in sorted(modules_run_at_image_build(model).items()):
        paths = [name] if name.endswith(".py") else model.resolve_import("", name)
        out.update({p: dockerfile for p in paths if p in model.facts and p not in out})
    return out


def _bound_views_requested(model: ProjectModel) -> set[str]:
    """Modules of class views a urlconf routes through a module-level binding (`edit_view =
    hooks.get(EditView).as_view()`, then `path("edit/", edit_view, name="thread-edit")`) whose route name a test
    passes to `reverse()`: the endpoint inventory does not list such routes, but the test's request runs the
    class's code."""
    names = TestReach.for_model(model).names
    out: set[str] = set()
    for path in sorted(model.source_files):
        facts = model.facts[path]
        entries = [*facts.get("urlpatterns", ()), *(e for lst in (facts.get("pattern_lists") or {}).values() for e in lst)]
        if not any("bound_view" in e for e in entries):
            continue
        table = facts.get("import_table") or {}
        for entry in entries:
            if entry.get("bound_view") and entry.get("name") in names:
                ref = _imported_as(table, entry["bound_view"])
                found = model.resolve_import(path, ref.rpartition(".")[0]) if "." in ref else (path,)
                out.update(found)
    return out


def _views_of_tested_models(model: ProjectModel) -> set[str]:
    """Modules of class views registered for a model (`@register_model_view(VLAN, "edit")`, or `model = VLAN`
    on a view) that a test class declares, where tests request routes by names built from the declared model
    (`reverse(f"{app}:{model_name}_{action}")` in a generic view test case): the views are requested by name,
    through routes the inventory does not list."""
    reach = TestReach.for_model(model)
    if reach.computed_name() is None and not reach.patterns:
        return set()
    tested = reach.tested_models()
    out: set[str] = set()
    for path in sorted(model.source_files):
        for name, cls in sorted((model.facts[path].get("classes") or {}).items()):
            if "." not in name and (cls.get("decorator_args") or any(
                    str(b).endswith(("View", "ViewSet")) for b in cls.get("bases") or ())) and \
                    reach.view_model(path, name) in tested:
                out.add(path)
                break
    return out


def _called_by_urlconfs(model: ProjectModel) -> set[str]:
    """Modules of the module-level functions the project's routed URLconfs call while Django loads them (those
    nothing includes excepted): they run whenever a request is resolved."""
    from ..model.frameworks.inventory import build as inventory

    unrouted = {ep.unrouted_conf for ep in inventory(model).endpoints if ep.unrouted_conf}
    sm = model.semantic
    out: set[str] = set()
    for path in sorted(model.source_files):
        summary = model.facts[path].get("semantic") or {}
        if not model.facts[path].get("urlpatterns") or path in unrouted or not summary.get("module"):
            continue
        for call in summary.get("module_calls") or ():
            symbol = sm.resolve(summary["module"], str(call[1])) if len(call) > 1 else None
            info = sm.function(symbol.qualname) if symbol is not None and symbol.kind == "function" else None
            if info is not None and not info.is_method and info.path != path:
                out.add(info.path)
    return out


def _imported_as(table: dict[str, str], name: str) -> str:
    head, dot, rest = name.partition(".")
    return table.get(head, head) + dot + rest


def _named_by_string(model: ProjectModel) -> dict[str, str]:
    """Modules a dotted string of another file names (`"pkg.mod.Class"`): module -> the first such file."""
    out: dict[str, str] = {}
    for path in sorted(model.facts):
        for name in model.facts[path].get("dotted_names", ()):
            # "pkg.mod" names pkg/mod.py; so does "pkg.mod.Class"
            owner = model.resolve_import(path, name.rsplit(".", 1)[0]) if name.count(".") > 1 else []
            for dep in [*model.resolve_import(path, name), *owner]:
                if dep != path:
                    out.setdefault(dep, path)
    return out


def _hook_classes(model: ProjectModel) -> set[str]:
    """Modules whose class a dotted string names (`"app.api.negotiation.DefaultContentNegotiation"`): a hook
    the framework instantiates on every request (middleware, negotiation, renderers, auth backends), so what
    it imports runs whenever tests make requests. A module or function path (`include("app.urls")`,
    `"app.views.index"`) is not one."""
    out: set[str] = set()
    for path in sorted(model.source_files):
        for name in model.facts[path].get("dotted_names", ()):
            owner, _, last = name.rpartition(".")
            if owner.count(".") and last[:1].isupper():
                out.update(dep for dep in model.resolve_import(path, owner) if dep != path)
    return out


def _registry_gaps(model: ProjectModel, tested: set[str]) -> dict[str, tuple[str, str]]:
    """Modules a file loads by name together with sibling modules of the same package (a registry of plugins:
    `"redash.query_runner.pg"`, `"redash.query_runner.mysql"`, ...) when tests import some siblings one by one
    but not this one: the project tests its plugins individually, and this plugin has none.
    module -> (the registry file, the tested siblings, shown)."""
    out: dict[str, tuple[str, str]] = {}
    for path in sorted(model.source_files):
        if _django_migration(model, path):
            continue  # dotted paths a migration writes into rows are data, not a registry that loads plugins
        groups: dict[str, set[str]] = {}
        for name in model.facts[path].get("dotted_names", ()):
            for dep in model.resolve_import(path, name):  # the module itself, not a class in it
                if dep != path and not dep.endswith(("__init__.py", "__init__.pyi")):
                    groups.setdefault(dep.rsplit("/", 1)[0], set()).add(dep)
        for members in groups.values():
            done = sorted(m for m in members if m in tested)
            if len(members) < 3 or not done:
                continue
            shown = ", ".join(m.rsplit("/", 1)[-1] for m in done[:3]) + (
                f" and {len(done) - 3} more" if len(done) > 3 else "")
            for module in sorted(members - tested):
                out.setdefault(module, (path, shown))
    return out


def _django_migration(model: ProjectModel, path: str) -> bool:
    facts = model.facts.get(path) or {}
    return "migrations" in path.split("/")[:-1] and "Migration" in (facts.get("classes") or {}) and \
        any(str(name).startswith("django.db") for name in facts.get("imports", ()))


def _run_by_migrations(model: ProjectModel) -> set[str]:
    """Modules Django migrations import (custom operations, the functions a `RunPython` step calls): Django's
    test runner and pytest-django build the test database by applying every migration, so they run before the
    first test. Only when the tests are Django's (they import `django`)."""
    def build() -> set[str]:
        if not any(str(name).split(".")[0] in ("django", "pytest_django") for test in test_code(model)
                   for name in model.facts[test].get("imports", ())):
            return set()
        return {dep for path in sorted(model.source_files) if _django_migration(model, path)
                for name in model.facts[path].get("imports", ()) for dep in model.resolve_import(path, name)
                if dep != path and not _django_migration(model, dep)}
    return model.memo("run_by_migrations", build)


def _imported_from(model: ProjectModel, reached: set[str]) -> dict[str, str]:
    """Application modules that modules the tests reach import, directly or in turn: module -> the reached
    module the chain starts from (the first one in path order, so the message is stable)."""
    out: dict[str, str] = {}
    for start in sorted(reached):
        todo = [start]
        while todo:
            path = todo.pop()
            for name in model.facts[path].get("imports", ()):
                for dep in model.resolve_import(path, name):
                    if dep not in reached and dep not in out and not model.facts[dep].get("is_test"):
                        out[dep] = start
                        todo.append(dep)
    return out


def _ran_inside_functions(fc: cd.FileCoverage | None, facts: dict[str, Any]) -> bool:
    """Executed lines inside a function body: a test called it (import-time lines alone do not count)."""
    if fc is None:
        return False
    return any(start <= n <= end for n in fc.executed for start, end in facts.get("function_bodies", ()))


# --- coverage data (BA-TEST-003/004) ----------------------------------------------------------------------

@dataclass
class Loaded:
    """The coverage data a scan reads, or why there is none."""
    data: cd.CoverageData | None
    problem: str | None  # why there is no usable data
    path: str | None  # the coverage file as shown to the user


def load_coverage(model: ProjectModel) -> Loaded:
    """The coverage file for this scan, read and mapped once; `problem` says why there is no usable data."""
    def build() -> Loaded:
        settings = model.settings
        explicit = settings.extra.get("coverage")
        base = model.root
        if explicit and settings.config_source and not os.path.isabs(str(explicit)):
            base = Path(settings.config_source).parent
        source = cd.locate(model.root, explicit, base)
        if source is None:
            hint = (" (found .coverage, the raw database: convert it with `coverage xml`)"
                    if (model.root / ".coverage").is_file() else "")
            return Loaded(None, f"no coverage.xml or coverage.json at the project root{hint}; {cd.HOW_TO}", None)
        shown = cd.display_source(source, model.root)
        try:
            data = cd.attach(cd.read(source), model.root, set(model.facts))
        except cd.CoverageError as exc:
            if explicit:
                raise ConfigError(f"coverage file {source} cannot be used: {exc}") from None
            return Loaded(None, f"{shown} cannot be used: {exc}; {cd.HOW_TO}", shown)
        if not data.files:
            roots = ", ".join(data.roots) or "none"
            return Loaded(data, f"{shown} describes none of this repository's files ({len(data.raw)} entries, "
                                f"source roots: {roots}); regenerate it from this checkout", shown)
        model.sections["coverage"] = cd.summary(data, model.root)
        return Loaded(data, None, shown)
    return model.memo("coverage", build)


class _CoverageCheck(_TestCheck):
    # Not "project": these findings are already scoped by the change (diff coverage) or describe the coverage
    # data itself, so a changed-lines filter must not re-derive them from the base's facts.
    ENGINE = "coverage"

    def anchor(self, project: ProjectModel, loaded: Loaded) -> str:
        """Findings about the data point at the coverage file when it lives in the repository."""
        path = loaded.path
        return path if path and not os.path.isabs(path) else project.anchor()

    def not_measured(self, project: ProjectModel, loaded: Loaded, what: str) -> Finding:
        return self.finding(self.anchor(project, loaded), 1, f"{what} not measured: {loaded.problem}",
                            level="note", subcheck="no-data", status=NOT_MEASURED, snippet=f"{what} not measured")


class CoverageBelowThreshold(_CoverageCheck):
    RULE_ID = "BA-TEST-003"

    def run(self, project: ProjectModel) -> list[Finding]:
        if not project.source_files:
            return []
        loaded = load_coverage(project)
        out = []
        cov = loaded.data
        if cov is not None and cov.unmatched:
            out.append(self._unmatched(project, loaded))
        if loaded.problem:
            return [*out, self.not_measured(project, loaded, "Test coverage")]
        at = self.anchor(project, loaded)
        if cov.stale:
            first = sorted(cov.stale.items())[:3]
            out.append(self.finding(
                at, 1, f"{loaded.path} is older than the code: {len(cov.stale)} file(s) changed since it was "
                       f"written ({'; '.join(f'{p}: {r}' for p, r in first)}); rerun the tests for true figures",
                level="note", subcheck="stale", snippet="coverage data stale", files=sorted(cov.stale)))
        section = project.sections["coverage"]
        threshold = float(self.option("threshold", 80))
        if section["total"] < threshold:
            out.append(self.finding(
                at, 1, f"Total coverage {section['total']:g}% is below the {threshold:g}% threshold "
                       f"({section['statements'] - section['missing']} of {section['statements']} statements run, "
                       f"per {loaded.path})", snippet="total coverage below threshold",
                percent=section["total"], threshold=threshold))
        file_min = float(self.option("file-threshold", 50))
        for module in section["modules"]:
            path = module["path"]
            if path in project.facts and path in project.source_files and module["percent"] < file_min:
                out.append(self.finding(
                    path, 1, f"{path} has {module['percent']:g}% coverage, below the per-file minimum of "
                             f"{file_min:g}% ({module['missing']} of {module['statements']} statements never run)",
                    level="note", subcheck="file", snippet=f"file coverage {path}", percent=module["percent"]))
        return out

    def _unmatched(self, project: ProjectModel, loaded: Loaded) -> Finding:
        names = loaded.data.unmatched
        return self.finding(
            self.anchor(project, loaded), 1,
            f"{len(names)} file(s) in {loaded.path} match no file in this repository (e.g. "
            f"{', '.join(names[:3])}); their figures are in the total but cannot be checked here",
            level="note", subcheck="unmatched", snippet="coverage entries unmatched", files=names[:100])


class DiffCoverage(_CoverageCheck):
    RULE_ID = "BA-TEST-004"
    READS_CHANGED_SINCE = True

    def run(self, project: ProjectModel) -> list[Finding]:
        settings = project.settings
        ref = (getattr(settings, "changed_since", None) or settings.extra.get("changed_since")
               or self.option("changed-since", ""))
        if not ref:
            return []
        loaded = load_coverage(project)
        if loaded.problem:
            return [self.not_measured(project, loaded, f"Diff coverage against {ref}")]
        from ..workflow.changes import changed_lines

        changes = changed_lines(project.root, ref)
        cov = loaded.data
        out: list[Finding] = []
        measured = missing = 0
        gate_at: tuple[str, int] | None = None
        for path in sorted(changes.files):
            if not path.endswith(".py") or is_test_path(path, project.settings):
                continue
            fc = cov.files.get(path)
            if fc is None:
                if path in project.facts and project.facts[path].get("statements"):
                    out.append(self.finding(
                        path, 1, f"{path} changed but the coverage data does not include it (never imported by "
                                 "the tests, or left out of measurement)", level="note", subcheck="unmeasured",
                        snippet=f"unmeasured {path}"))
                continue
            lines = fc.statements if path in changes.new_files else fc.statements & changes.lines.get(path, set())
            uncovered = lines - fc.executed
            measured += len(lines)
            missing += len(uncovered)
            for start, end in _ranges(uncovered, fc.statements):
                gate_at = gate_at or (path, start)
                out.append(self.finding(
                    path, start, f"Changed line{'s' if end > start else ''} {_span(start, end)} never run by "
                                 "the tests", end_line=end, level="warning",
                    snippet=_text(project, path, start, end) or f"uncovered {path}"))
        pct = cd.display_percent(cd.percent(measured - missing, measured)) if measured else 100.0
        section = project.sections.setdefault("coverage", cd.summary(cov, project.root))
        section["diff"] = pct
        section["diff_lines"] = {"ref": ref, "measured": measured, "missing": missing}
        threshold = float(self.option("threshold", 80))
        if gate_at is not None and pct < threshold:
            out.append(self.finding(
                *gate_at, f"Diff coverage {pct:g}% is below the {threshold:g}% threshold: {measured - missing} of "
                          f"{measured} changed executable lines since {ref} are run by the tests",
                level="error", subcheck="gate", snippet="diff coverage gate", percent=pct, threshold=threshold))
        return out


def _ranges(lines: set[int], executable: set[int]) -> list[tuple[int, int]]:
    """Uncovered lines grouped into runs: a run breaks only at an executable line that is not in it."""
    out: list[tuple[int, int]] = []
    start = prev = None
    for n in sorted(executable):
        if n in lines:
            if start is None:
                start = n
            prev = n
        elif start is not None:
            out.append((start, prev))
            start = None
    if start is not None:
        out.append((start, prev))
    return out


def _span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def _text(project: ProjectModel, path: str, start: int, end: int) -> str:
    text = read_tree_text(project.root, project.root / path)
    if text is None:
        return ""
    lines = text.splitlines()
    return "\n".join(lines[start - 1:end])


# --- BA-TEST-005 ---------------------------------------------------------------------------------------

def _called_with(url: str, route: str) -> bool:
    """One test URL against one route (the rules use the shared index in model.test_reach)."""
    return called_with(url, route)


def endpoint_modules_reached(model: ProjectModel) -> set[str]:
    """Files that define at least one endpoint a test requests: tested through HTTP, not by import."""
    return TestReach.for_model(model).modules_reached()


_NOTHING_TO_TEST = ("health", "healthz", "health-check", "healthcheck", "health_check", "livez", "readyz", "ping",
                    "status", "metrics", "docs", "redoc", "openapi.json", "schema", "swagger", "swagger-ui",
                    "static", "favicon.ico", "robots.txt", ".well-known/*")


class EndpointWithoutTest(_TestCheck):
    RULE_ID = "BA-TEST-005"

    def run(self, project: ProjectModel) -> list[Finding]:
        if not project.test_files:
            return []
        from ..model.frameworks.inventory import build as inventory, is_public_path

        skip = tuple(self.option("skip-paths", ()))
        reach = TestReach.for_model(project)
        computed = reach.computed_name()
        driven = e2e_driven_app(project)
        # a route that only answers "not found" (kept for a router's root listing) has nothing to test
        # public pages and flows (login, OAuth, a landing page) are behaviour to test; health checks, API docs
        # and static files are not
        fixtures = e2e_fixtures(project)  # an end-to-end spec's own app: its spec requests its routes
        endpoints = [ep for ep in inventory(project).endpoints if ep.file in project.facts
                     and ep.file not in fixtures
                     and not (ep.public and is_public_path(ep.path or "", _NOTHING_TO_TEST))
                     and not ep.refuses and ep.handler not in project.facts[ep.file].get("refusing", ())]
        reached = {id(ep) for ep in endpoints if reach.reached(ep.file, ep.path or "", ep.handler, ep.drf,
                                                                    ep.names, ep.methods or ())}
        by_view: dict[tuple[str, str], list[Any]] = {}
        for ep in endpoints:
            by_view.setdefault((ep.file, ep.handler), []).append(ep)
        out = []
        for ep in endpoints:
            route = ep.path or ""
            if id(ep) in reached or any(fnmatch.fnmatchcase("/" + route.lstrip("/"), p) for p in skip):
                continue
            if any(id(other) in reached and _same_view_remounted(ep, other)
                   for other in by_view.get((ep.file, ep.handler), ())):
                continue
            methods = "/".join(ep.methods or ()) or "ANY"
            handler = ep.handler or "?"
            if driven is not None:
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}): no test uses its URL or its route name or calls its handler "
                    "and no browser spec requests it, but the end-to-end suite runs this project's app "
                    f"({driven[1]}, started by {driven[0]}) and drives it through its UI, whose own requests are "
                    "not mapped to routes: e2e suite not traced", level="note",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            if ep.unrouted:
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}) is requested by no test, but no request reaches this route: "
                    f"{ep.unrouted}; an untested endpoint only if it is routed some way the inventory does not see",
                    level="note", snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            shared = _shared_handler(project, ep, endpoints, reached)
            if shared is not None:
                owner, other, own = shared
                if not own:
                    continue  # the same code at another prefix, requested there
                # blind set X: a base viewset's action registered for several prefixes; the test of one runs
                # the shared handler, and only what this viewset sets itself goes untested
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}): no test uses its URL or its route name, but the handler code it "
                    f"runs ({owner}) is shared and tested through {other}; this viewset sets its own "
                    f"{', '.join(own)}, which no test runs through this route", level="note",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            library = _library_view(project, ep)
            if library is not None:
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}): no test uses its URL or its route name, but its view is a "
                    f"library's ({library}), used as it is with no code of this project's own: whether a test "
                    "reaches it another way (a redirect a test follows, a link from an e-mail) is not traced",
                    level="note", snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            listing = _tested_listing(project, ep, by_view.get((ep.file, ep.handler), ()), reached)
            if listing is not None:
                # blind set O: a router's detail route beside a tested list route runs the same queryset and
                # serializer; only the framework's lookup by key is left, which the project did not write
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}): no test uses its URL or its route name, but tests request "
                    f"{listing}, the list route of the same viewset, which runs the same queryset and serializer; "
                    "the viewset has no retrieve code or object-level permission of its own, so what the detail "
                    "route adds (the lookup by key) is the framework's: whether that lookup is tested is not "
                    "traced", level="note",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            shell = _tested_same_page(ep, endpoints, reached)
            if shell is not None:
                # blind set R: an SPA's frontend routes all render its index page; the handler has no code of
                # its own for this URL, so the test of the other route runs what this one would
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}): no test uses its URL or its route name, but {shell}: whether "
                    "this URL changes what the handler does is not traced", level="note",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            if computed is None:
                out.append(self.finding(
                    ep.file, int(ep.line or 1), f"{methods} {route} ({handler}) is not requested by any test: "
                                                "no test uses its URL, its route name or calls its handler",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            model = reach.view_model(ep.file, ep.handler or "")
            if model is not None and model not in reach.tested_models() and not reach.names_model(model):
                # generic test classes build their route names from the model they declare; none declares this one
                out.append(self.finding(
                    ep.file, int(ep.line or 1),
                    f"{methods} {route} ({handler}) is not requested by any test: no test uses its URL or its route "
                    f"name or calls its handler, no test class declares its model {model} and no route name in a "
                    f"test starts with it (the route names {computed[0]}:{computed[1]} computes come from the "
                    "model a test class declares)",
                    snippet=f"endpoint {methods} {route} {handler}", route=route))
                continue
            out.append(self.finding(
                ep.file, int(ep.line or 1),
                f"{methods} {route} ({handler}): no test uses its URL or its route name or calls its handler, "
                f"but {computed[0]}:{computed[1]} requests a route by a name computed at run time, so whether a "
                "test reaches this endpoint is not traced", level="note",
                snippet=f"endpoint {methods} {route} {handler}", route=route))
        return out


# what a viewset's handler reads of the class it runs on: a subclass setting one of these runs other code
_VIEWSET_PARTS = ("queryset", "serializer_class", "get_queryset", "get_serializer_class", "get_serializer",
                  "get_object", "filter_queryset", "lookup_field", "lookup_url_kwarg", "permission_classes",
                  "get_permissions", "check_object_permissions", "filterset_class", "filter_backends")
_GENERIC_ACTIONS = {("list", "GET"): "list", ("list", "POST"): "create", ("detail", "GET"): "retrieve",
                    ("detail", "PUT"): "update", ("detail", "PATCH"): "partial_update", ("detail", "DELETE"): "destroy"}


def _shared_handler(project: ProjectModel, ep: Any, endpoints: list[Any],
                    reached: set[int]) -> tuple[str, str, list[str]] | None:
    """(the shared handler, the tested route that runs it, what this route's viewset sets itself) when a
    tested route of another viewset runs the same handler: an action both inherit from one project base
    class (`pull` of a base config viewset registered for several prefixes), or, for a router's generic
    route, the framework's action over the same queryset code of a common project base."""
    if not ep.drf or not ep.handler:
        return None
    sm = project.semantic
    qual = _viewset(sm, ep)
    if qual is None:
        return None
    action = ep.handler.partition(".")[2]
    kind = _route_kind(ep)
    wanted = [action] if action else [_GENERIC_ACTIONS.get((kind, m), "") for m in ep.methods or ()]
    if not wanted or not all(wanted):
        return None
    names = [*wanted, *(() if action else ("get_queryset", "get_object", "get_serializer_class"))]
    mine = [_owner(sm, qual, n) for n in names]
    bases = set(sm.mro(qual)[1:])
    if action and mine[0] not in bases or not any(o in bases for o in mine):
        return None  # the viewset's own action, or nothing of the project's own shared: not the same handler
    def index() -> dict[tuple[str, str], list[Any]]:
        tested: dict[tuple[str, str], list[Any]] = {}
        for other in endpoints:
            if id(other) in reached and other.drf and other.handler:
                tested.setdefault((other.handler.partition(".")[2], _route_kind(other)), []).append(other)
        return tested
    for other in project.memo("tested_viewset_routes", index).get((action, kind), ()):
        oqual = _viewset(sm, other)
        if oqual is None or oqual == qual or not set(ep.methods or ()) <= set(other.methods or ()) or \
                [_owner(sm, oqual, n) for n in names] != mine:
            continue
        own = _own_parts(sm, qual, oqual)
        if _hooks_overridden(sm, qual, oqual, [(o, n) for o, n in zip(mine, names) if o is not None]):
            return None  # the shared handler calls a method this viewset overrides: its own logic, untested
        if {"serializer_class", "get_serializer_class", "get_serializer"} & set(own) and (
                {"create", "update", "partial_update"} & set(wanted) if not action
                else ep.state_changing and _reads_serializer(sm, f"{mine[0]}.{action}")):
            # blind set X: creating through the viewset's own serializer (its validation, what it saves) is this
            # route's own behaviour, untested however shared the handler is
            return None
        handler = ", ".join(f"{o.rpartition('.')[2]}.{n}" for o, n in zip(mine, names) if o is not None)
        return handler, other.path or "/", own
    return None


def _reads_serializer(sm: Any, qual: str) -> bool:
    """The action builds a serializer from the class it runs on (`self.get_serializer(...)`)."""
    info = sm.function(qual)
    return info is None or any("serializer" in str(call[1] if len(call) > 1 else call).lower()
                               for call in info.calls)


def _viewset(sm: Any, ep: Any) -> str | None:
    module = sm.module_of(ep.file)
    qual = f"{module}.{ep.handler.partition('.')[0]}"
    return qual if module is not None and sm.class_(qual) is not None else None


def _route_kind(ep: Any) -> str:
    return "detail" if PARAM.search(segments(ep.path or "")[-1] or "") else "list"


def _owner(sm: Any, qual: str, name: str) -> str | None:
    """The project class along the MRO that defines the method, or None (the framework's, or absent)."""
    for cls in sm.mro(qual):
        info = sm.class_(cls)
        if info is not None and name in info.methods:
            return cls
    return None


def _hooks_overridden(sm: Any, qual: str, other: str, handler: list[tuple[str, str]]) -> bool:
    """The shared handler calls `self.<m>()` for a method that a class only this viewset inherits defines
    (`retrieve` calling `self.get_timeline(obj)`, each timeline viewset its own): the tested route ran another
    viewset's version of it."""
    called = {ref[5:] for owner, name in handler if (info := sm.function(f"{owner}.{name}")) is not None
              for _line, ref in info.calls if ref.startswith("self.") and ref.count(".") == 1}
    shared = set(sm.mro(other))
    return any(cls not in shared and (info := sm.class_(cls)) is not None and called & set(info.methods)
               for cls in sm.mro(qual))


def _own_parts(sm: Any, qual: str, other: str) -> list[str]:
    """What the viewset (and the classes only it inherits) sets of what a handler reads: queryset, serializer,
    permissions."""
    shared = set(sm.mro(other))
    out: set[str] = set()
    for cls in sm.mro(qual):
        info = sm.class_(cls)
        if cls not in shared and info is not None:
            out.update(n for n in _VIEWSET_PARTS if n in info.methods or n in info.attrs)
    return sorted(out)


def _tested_same_page(ep: Any, endpoints: list[Any], reached: set[int]) -> str | None:
    """What a test requests that runs this endpoint's code: the same function at another URL when it takes
    none of this URL's parameters (`admin_home(request, **kwargs)` routed at six paths), or another route whose
    handler's whole body renders the same template as this one's (an SPA's frontend routes, each
    `return render(request, "index.html", ...)`)."""
    fn = ep.fn or {}
    params = fn.get("params")
    if ep.drf or params is None:
        return None
    own = {_param_name(p) for p in PARAM.findall(ep.path or "")}
    page = fn.get("renders_page")
    tested = [o for o in endpoints if o is not ep and id(o) in reached]
    if not own & {p.get("name") for p in params}:
        same = next((o for o in tested if (o.file, o.handler) == (ep.file, ep.handler)), None)
        if same is not None:
            return f"tests request {same.path or '/'}, served by the same function, which reads no parameter of " \
                   "this URL"
    if page:
        other = next((o for o in tested if (o.fn or {}).get("renders_page") == page), None)
        if other is not None:
            return f"tests request {other.path or '/'}, whose handler, like this one, does nothing but render the " \
                   f"same page ({page})"
    return None


def _param_name(token: str) -> str:
    """`<int:user_id>`, `{schema_id}`, `{id:int}` -> the parameter's name."""
    inner = token.strip("{}<>")
    return inner.split(":")[-1] if token.startswith("<") else inner.split(":")[0]


def _tested_listing(project: ProjectModel, ep: Any, siblings: Any, reached: set[int]) -> str | None:
    """The tested list route of the router-made viewset whose detail route `ep` is (`/users/` beside
    `/users/{pk}/`), when the viewset defines no `retrieve`/`get_object` of its own and names no permission class of the
    project's with an object-level check."""
    if not ep.drf or "GET" not in (ep.methods or ()):
        return None
    path = segments(ep.path or "")
    if not path or not PARAM.search(path[-1]):
        return None
    cls = (project.facts[ep.file].get("classes") or {}).get((ep.handler or "").split(".", 1)[0]) or {}
    # an object-level permission of the project's own (`has_object_permission`) runs on the detail route only
    permissions = (cls.get("attrs") or {}).get("permission_classes")
    if {"retrieve", "get_object"} & set(cls.get("methods") or ()) or isinstance(permissions, list) and \
            any(isinstance(n, str) and n.rpartition(".")[2] in _object_permission_classes(project)
                for n in permissions):
        return None
    return next((o.path for o in siblings if o is not ep and id(o) in reached and "GET" in (o.methods or ())
                 and segments(o.path or "") == path[:-1]), None)


def _object_permission_classes(model: ProjectModel) -> set[str]:
    """Names of the project's classes that define `has_object_permission`."""
    return model.memo("object_permission_classes", lambda: {
        qual.rpartition(".")[2] for facts in model.facts.values() for qual, c in (facts.get("classes") or {}).items()
        if "has_object_permission" in (c.get("methods") or ())})


def _library_view(project: ProjectModel, ep: Any) -> str | None:
    """The dotted name of the library view a route serves as it is (`auth_views.PasswordResetDoneView
    .as_view()` in a urlconf): the library ships and tests its code, the project only routes to it. None
    when the view is the project's own (defined or imported from the project) or its origin is unknown."""
    head, dot, rest = (ep.handler or "").partition(".")
    facts = project.facts.get(ep.file) or {}
    if not head or head in (facts.get("classes") or {}) or head in (facts.get("functions") or {}):
        return None
    full = (facts.get("import_table") or {}).get(head)
    if not isinstance(full, str) or not full or full.startswith(".") or \
            project.resolve_import(ep.file, full.split(".")[0]) or project.resolve_import(ep.file, full):
        return None
    return f"{full}.{rest}" if dot else full


def _same_view_remounted(ep: Any, other: Any) -> bool:
    """The same view included under another prefix (`api/v1/`, `api/v2/` over one urlconf): same handler,
    same shape, the paths differ in one literal segment before the view's own; or the same function with one
    trailing path parameter more that it declares optional (given in the path or the body)."""
    if (ep.file, ep.handler) != (other.file, other.handler) or ep is other or not ep.handler:
        return False
    a, b = segments(ep.path or ""), segments(other.path or "")
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    stacked = not ep.drf and (ep.fn or {}).get("params") is not None  # one function, not a class's list/detail
    if stacked and len(longer) == len(shorter) + 1 and longer[:-1] == shorter and PARAM.search(longer[-1]):
        # one function stacked on `/setpin` and `/setpin/<serial>` with `serial=None`: the second only moves
        # a parameter the first takes from the body into the path, and runs the same code. Without a default
        # in the signature the shorter route must supply one (Flask's `defaults={"user_email": None}`), or it
        # could not call the function: the same code either way
        name = PARAM.search(longer[-1]).group(0).strip("{}<>").split(":")[-1]
        return any(p.get("name") == name for p in ep.fn["params"])
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return (len(diff) == 1 and diff[0] < len(a) - 1 and not PARAM.search(a[diff[0]])
            and not PARAM.search(b[diff[0]]))
