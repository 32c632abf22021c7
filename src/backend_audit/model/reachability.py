"""Modules no running program can reach, from the import facts every file already has (no new per-file facts).

A finding in such a module describes code that never runs in production, so it is at most a note that says
why (`demote`). Deadness only spreads from positive evidence, never from "nothing imports it" alone (scripts,
plugins loaded by name, entry points and a library's public API are all imported by nothing we can see):

- **shadowed**: `pkg/x.py` beside the regular package `pkg/x/__init__.py`. The import system's path finder
  tries the package first, so `import pkg.x` never loads the module (unless it is a script run by its path).
- **unmounted router**: a module that defines routes on a FastAPI `APIRouter` / Flask `Blueprint` and that no
  module imports or names in a string, in a project that has an application elsewhere: an included router is
  always imported by the module that includes it, so these routes are not endpoints.
- **imported only from dead code**: every module is live when it is imported by nothing (a script, an entry
  point, a plugin) or named by a string (settings, `import_module` prefixes); what a live module imports is
  live (importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` too). What is left was only ever imported
  from the two kinds above. Imports made by tests do not put code on a request path, so they do not count.
- **packaging tooling**: what only `setup.py` or a PEP 517 build backend reaches runs when the package is
  built, not in the application (build commands that print their progress, with no test expectation).
"""

from __future__ import annotations

import os
from typing import Any

from ..findings import LEVEL_RANK, Finding
from .project import module_parts

# routes on these are endpoints only once something includes them
_MOUNTABLE = frozenset({"fastapi_router", "flask_blueprint"})
# an application object: the file that builds one is where the include chains start
_APPS = frozenset({"fastapi_app", "flask_app", "starlette_app"})
# A secret committed to the repository leaks whether or not the code around it runs.
KEEP_LEVEL = ("BA-SEC-",)


def unreachable(model: Any) -> dict[str, str]:
    """Repo path -> why no running program reaches that module (JSON-safe, deterministic)."""
    return model.memo("unreachable_modules", lambda: _compute(model))


def _compute(model: Any) -> dict[str, str]:
    facts = model.facts
    modules = sorted(p for p in facts if p.endswith(".py") and not facts[p].get("is_test"))
    reasons: dict[str, str] = {}
    for path in modules:
        if not path.endswith("/__init__.py"):
            package = path[:-3] + "/__init__.py"
            # a script run by its path (`python cps.py` beside the package `cps/`) is not imported: it runs
            if package in facts and not facts[path].get("runs_as_script"):
                reasons[path] = f"unreachable: `{path}` is shadowed by the package `{path[:-3]}/`"
    imported_by, any_importer = import_edges(model)
    named = _named_modules(model, modules)
    has_app = any(r.get("kind") in _APPS for p in modules
                  for r in facts[p].get("web", {}).get("routers", {}).values())
    for path in modules:
        if path in reasons or not has_app or path in any_importer or path in named:
            continue
        kinds = {r.get("kind") for r in facts[path].get("web", {}).get("routers", {}).values()}
        if kinds & _MOUNTABLE and not kinds & _APPS and not facts[path].get("runs_as_script") \
                and not path.endswith("/__init__.py"):
            reasons[path] = f"unreachable: `{path}` defines routes on a router no module imports or includes"
    importers: dict[str, set[str]] = {}
    for src, targets in imported_by.items():
        for target in targets:
            importers.setdefault(target, set()).add(src)
    roots = [p for p in modules if p not in reasons and (
        not importers.get(p) or p in named or facts[p].get("runs_as_script"))]
    tooling = [p for p in roots if _packaging(p, facts[p])]
    live = _closure([p for p in roots if p not in tooling], imported_by, reasons)
    built = {t: _closure([t], imported_by, reasons) - live for t in tooling}
    # deadness spreads from evidence only: a package nothing imports whose modules import each other is live
    from_dead = _closure(list(reasons), imported_by, {})
    for path in modules:
        script = next((t for t in tooling if path in built[t]), None)
        if script is not None and script != path:
            reasons[path] = f"packaging tooling: only the build script `{script}` reaches `{path}`"
        elif path not in live and path not in reasons and script is None and path in from_dead:
            via = sorted(importers.get(path, ()))
            reasons[path] = f"unreachable: `{path}` is imported only by unreachable code (`{via[0]}`)"
    return dict(sorted(reasons.items()))


def import_edges(model: Any) -> tuple[dict[str, set[str]], set[str]]:
    """(module -> the modules it imports, outside tests; every module some file imports, tests included)."""
    return model.memo("import_edges", lambda: _import_edges(model))


def _import_edges(model: Any) -> tuple[dict[str, set[str]], set[str]]:
    facts = model.facts
    imported_by: dict[str, set[str]] = {}
    any_importer: set[str] = set()
    for path in sorted(facts):
        test = bool(facts[path].get("is_test"))
        for name in facts[path].get("imports", ()):
            for found in model.resolve_import(path, name):
                # importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` first
                for target in (*model.package_inits(found), found):
                    if target == path:
                        continue
                    any_importer.add(target)
                    if not test:
                        imported_by.setdefault(path, set()).add(target)
    return imported_by, any_importer


def _packaging(path: str, facts: dict[str, Any]) -> bool:
    """setup.py or a PEP 517 build backend: what only it imports runs when the package is built, never in the
    application."""
    return path.rpartition("/")[2] == "setup.py" or bool(facts.get("build_backend"))


def _closure(roots: list[str], imported_by: dict[str, set[str]], dead: dict[str, str]) -> set[str]:
    """The modules these reach through imports, never through a module already known dead."""
    seen = set(roots)
    todo = list(roots)
    while todo:
        path = todo.pop()
        for target in sorted(imported_by.get(path, ())):
            if target not in seen and target not in dead:
                seen.add(target)
                todo.append(target)
    return seen


def _named_modules(model: Any, modules: list[str]) -> set[str]:
    """Modules a non-test file names in a string (`"pkg.mod.Class"` in settings, `include("app.urls")`) or
    loads by a run-time name under a package prefix (`import_module(f"pkg.plugins.{name}")`)."""
    facts = model.facts
    dotted: set[tuple[str, ...]] = set()
    prefixes: set[tuple[str, ...]] = set()
    for path in sorted(facts):
        if facts[path].get("is_test"):
            continue
        for text in (*facts[path].get("dotted_names", ()), *facts[path].get("entry_names", ())):
            parts = tuple(text.split("."))
            dotted.update(parts[:i] for i in range(1, len(parts) + 1))
        for text in facts[path].get("loads_modules_of", ()):
            prefixes.add(tuple(p for p in text.split(".") if p))
    out = set()
    for path in modules:
        parts = module_parts(path)
        # a source root such as src/ is unknown: a name matches the module's trailing components, two at
        # least unless they are all of them ("agent.id" is an attribute path, not the module `pkg/agent.py`)
        tails = [parts[i:] for i in range(len(parts)) if i == 0 or len(parts) - i >= 2]
        if any(t in dotted for t in tails) or any(t[:len(pre)] == pre for pre in prefixes for t in tails):
            out.add(path)
    return out


def demote(findings: list[Finding], reasons: dict[str, str]) -> None:
    """A warning or error in unreachable code becomes a note that says why."""
    if not reasons:
        return
    for f in findings:
        why = reasons.get(f.path)
        if why is not None and not f.rule_id.startswith(KEEP_LEVEL):
            note(f, why, "unreachable")


def note(f: Finding, why: str, key: str) -> None:
    """A warning or error in code that never runs becomes a note whose message ends with the reason (kept in
    the finding's properties under `key` too); a note stays as it is."""
    if LEVEL_RANK.get(f.level, 0) <= LEVEL_RANK["note"]:
        return
    f.level = "note"
    f.message = f"{f.message} ({why})"
    f.properties = {**f.properties, key: why}


# libraries a command-line program or a developer's task runner is built on: a module importing one at its top
# and nothing of a web framework is a program a person starts at a terminal
_TERMINAL_LIBRARIES = frozenset({"argparse", "click", "typer", "nox", "invoke"})
# a developer's task runner (nox sessions, invoke tasks): what only it reaches is the developers' tooling
_TASK_RUNNERS = frozenset({"nox", "invoke"})
TASK_RUNNER = "developer tooling"
_WEB_FRAMEWORKS = frozenset({"flask", "django", "fastapi", "starlette", "quart", "aiohttp", "tornado", "sanic",
                             "falcon", "pyramid", "bottle", "litestar", "rest_framework", "uvicorn", "gunicorn",
                             "celery", "channels", "websockets", "socketio", "grpc", "hypercorn", "daphne",
                             "waitress"})
# rules whose finding means harm to a served request or a long-running service: in a module only a terminal
# program reaches, what it prints is the program's output and its loops run once per command
TERMINAL_OFFLINE = ("BA-LOG-003", "BA-PERF-002", "BA-PERF-003")


def terminal_only(model: Any) -> dict[str, str]:
    """Repo path -> why only programs started at a terminal (a console script, a command-line tool, a script
    run by its path, a task runner) reach that module (JSON-safe, deterministic).

    A module counts only when every importer chain starts at such a program and none passes through a module
    that serves (imports a web framework, a task queue or a server, or defines routes): a `serve` command that
    imports the application makes the application the server's, not the command's."""
    return model.memo("terminal_modules", lambda: _terminal(model))


def _terminal(model: Any) -> dict[str, str]:
    facts = model.facts
    modules = sorted(p for p in facts if p.endswith(".py") and not facts[p].get("is_test"))
    dead = unreachable(model)
    imported_by, importers = module_imports(model)
    named = _named_modules(model, modules)
    entries = {p for module in _console_modules(model) for p in model.resolve_import("", module)}
    programs, others = [], []
    for path in modules:
        if path in dead:
            continue
        is_server = serves(facts[path])
        if is_server:
            others.append(path)
        elif path in entries or (not importers.get(path) or path in named or facts[path].get("runs_as_script")) \
                and (facts[path].get("runs_as_script") or _top_names(facts[path]) & _TERMINAL_LIBRARIES):
            programs.append(path)
        elif not importers.get(path) or path in named:
            others.append(path)
    served = _closure(others, imported_by, dead)
    reached = _closure(programs, imported_by, dead)
    by_cli = _closure([p for p in programs if not _top_names(facts[p]) & _TASK_RUNNERS], imported_by, dead)
    out = {}
    for path in sorted(reached - served):
        if path in programs:
            continue  # the program's own module: the rules already know a command's body
        via = sorted(p for p in importers.get(path, ()) if p in reached)
        if path in by_cli:
            out[path] = f"terminal program: only command-line code reaches `{path}` (imported by `{via[0]}`)"
        else:
            out[path] = f"{TASK_RUNNER}: only the developers' task runner reaches `{path}` (imported by `{via[0]}`)"
    return out


def module_imports(model: Any) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> the modules it imports, module -> its importers), application code only."""
    return model.memo("module_imports", lambda: _imports_of(model))


def _imports_of(model: Any) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    facts = model.facts
    imported_by: dict[str, set[str]] = {}
    importers: dict[str, set[str]] = {}
    for path in sorted(p for p in facts if p.endswith(".py") and not facts[p].get("is_test")):
        for name in facts[path].get("imports", ()):
            # the module imported, not its packages' `__init__`s: a server importing `pkg.cli.utils` runs
            # `pkg/cli/__init__.py`, which loads the commands, but calls none of them
            for target in _nearest(path, model.resolve_import(path, name)):
                if target != path and target in facts and not facts[target].get("is_test"):
                    imported_by.setdefault(path, set()).add(target)
                    importers.setdefault(target, set()).add(path)
    return imported_by, importers


def reached_from(model: Any, roots: list[str]) -> set[str]:
    """The application modules these modules reach through imports (themselves included; packages'
    `__init__`s only when imported themselves), never through a module no program reaches."""
    return _closure(sorted(roots), module_imports(model)[0], unreachable(model))


def _nearest(importer: str, candidates: tuple[str, ...]) -> list[str]:
    """Of the files a bare name may import (`from common import x` matches every `common` module), those
    nearest the importer: a script's sibling comes first on its sys.path, an app's package on the app's."""
    if len(candidates) < 2:
        return list(candidates)
    def shared(target: str) -> int:
        return len(os.path.commonprefix([importer.split("/")[:-1], target.split("/")[:-1]]))
    best = max(shared(t) for t in candidates)
    return [t for t in candidates if shared(t) == best]


def _top_names(facts: dict[str, Any]) -> set[str]:
    return {str(name).split(".")[0] for name in facts.get("imports", ()) if not str(name).startswith(".")}


def serves(facts: dict[str, Any]) -> bool:
    return bool(_top_names(facts) & _WEB_FRAMEWORKS or facts.get("web", {}).get("routers"))


def _console_modules(model: Any) -> list[str]:
    """The modules the scanned pyproject.toml starts as console scripts (the option LOG-003 already reads)."""
    options = getattr(model.settings, "rule_options", {}).get("BA-LOG-003", {})
    return sorted(str(m) for m in options.get("entry_modules", ()) or ())


def demote_offline(findings: list[Finding], reasons: dict[str, str]) -> None:
    """A warning or error of a rule about served requests, in code only a terminal program runs, becomes a
    note that says why."""
    for f in findings:
        why = reasons.get(f.path)
        if why is not None and f.rule_id.startswith(TERMINAL_OFFLINE):
            note(f, why, "terminal")
