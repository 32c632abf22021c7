"""Functions and methods nothing in the project refers to: a finding inside one describes code that never runs.

Reachability (model/reachability.py) answers for whole modules; a live module can still hold a helper whose
last caller was deleted (a debugging decoder, a legacy converter, a CLI helper no command uses). Such a
function is **uncalled** when its name appears nowhere else in the project: in no Python file's text outside
its own `def` (facts["names"], model/references.py: code, strings and comments alike, so a callback, a
`getattr` string, `"pkg.views.name"` in settings or urls, `__all__` and a commented-out call all count) and in
no non-Python file that can configure a callable (pyproject, setup.cfg, ini, toml, yaml, json, templates,
Dockerfiles, Procfiles, shell scripts). A name built at run time from a literal prefix (`getattr(self,
f"handle_{kind}")`, `"clean_%s" % name`) refers to every function starting with that prefix.

Never uncalled, because something outside the project's text calls them by convention:
- decorated functions (a decorator registers: routes, tasks, signal receivers, fixtures, CLI commands), but
  for the decorators that only wrap (`property`, `staticmethod`, `lru_cache`...);
- dunder methods, and methods of a class with a base the project does not define (or of a project class such
  a class inherits from): frameworks call their hooks by name (`get_queryset`, `clean_<field>`, `on_get`,
  `perform_create`), and of a class named by a dotted string or a configuration file (middleware, database
  routers and auth backends are plain classes the framework instantiates from settings);
- names of test, plugin and server hooks (`test_*`, `pytest_*`, `setup_module`, `upgrade`/`downgrade` of a
  migration, gunicorn's `post_fork`...), `main`, and a duck-typed protocol's methods (`process_view`,
  `db_for_read`, `has_permission`...);
- a public name (no leading underscore) in a module no other module of the project imports, or in a
  package's `__init__`: a script, a plugin or a library's API is called from outside the repository; and a
  class's public methods (its interface, which a subclass or a caller elsewhere may use);
- anything in a test file (tests are not a request path), and anything when a Python file could not be read
  (its references are unknown).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..checks.lazy_re import re  # compiled on first use
from ..findings import Finding
from .reachability import import_edges, note

# Rules about code that runs: in a function nothing calls, their finding cannot happen. Not the code's shape
# (BA-QUAL-*: a complex function nothing calls still wants deleting, which the note would not say; the form
# of a logging call, BA-LOG-001's traceback left out and BA-LOG-002's message formatted eagerly: how the call
# is written, fixed the same wherever it is, and reviewed as such in uncalled functions), not endpoint auth
# (BA-AUTH-001/004: a route handler is reached by the router, whatever its name), not secrets (a committed
# secret leaks whether or not the code runs), tests, migrations or configuration.
_RULES = ("BA-ERR-", "BA-INP-", "BA-SQL-", "BA-LOG-", "BA-PERF-", "BA-REL-", "BA-AUTH-", "BA-DATA-")
_NOT_RULES = ("BA-AUTH-001", "BA-AUTH-004", "BA-LOG-001", "BA-LOG-002")

# decorators that only wrap a function (caching, retries, context managers, a view's access checks): the
# decorated name is still how the code reaches it, nothing is registered
_WRAPPERS = frozenset({"property", "staticmethod", "classmethod", "cached_property", "lru_cache", "cache",
                       "memoize", "cached", "wraps", "abstractmethod", "override", "overload", "final",
                       "contextmanager", "asynccontextmanager", "atomic", "retry", "deprecated",
                       "login_required", "permission_required", "require_POST", "require_GET",
                       "require_http_methods", "csrf_exempt"})
# called by name by a test runner, a plugin host, a migration tool or an application server
_HOOK_NAMES = frozenset({
    "main", "setup", "teardown", "setup_module", "teardown_module", "setup_function", "teardown_function",
    "setup_package", "teardown_package", "load_tests", "upgrade", "downgrade", "run_migrations_offline",
    "run_migrations_online", "application", "app", "handler", "lambda_handler", "create_app", "make_app",
    "get_app", "get_application", "includeme", "plugin_loaded", "register", "ready",
    # gunicorn's server hooks, read from its config module
    "on_starting", "on_reload", "when_ready", "pre_fork", "post_fork", "post_worker_init", "worker_int",
    "worker_abort", "pre_exec", "pre_request", "post_request", "child_exit", "worker_exit",
    "nworkers_changed", "on_exit", "ssl_context",
    # duck-typed protocols of plain classes a framework instantiates (middleware, db routers, auth backends,
    # permission classes, logging filters and handlers)
    "process_request", "process_view", "process_response", "process_exception", "process_template_response",
    "db_for_read", "db_for_write", "allow_relation", "allow_migrate", "authenticate", "get_user",
    "has_permission", "has_object_permission", "filter", "emit", "format",
})
_HOOK_PREFIXES = ("test", "pytest_", "setUp", "tearDown", "asyncSetUp", "asyncTearDown")
# a name in configuration text; a hyphenated word is a package or an option (`forex-python`, `--no-cache`)
_IDENTIFIER = re.compile(r"(?<![\w-])[A-Za-z_]\w*(?![\w-])")
# non-Python files that can name a callable: packaging and tool configuration, templates, deployment
_CONFIG_SUFFIXES = (".cfg", ".ini", ".toml", ".yaml", ".yml", ".json", ".conf", ".env", ".html", ".htm",
                    ".jinja", ".jinja2", ".j2", ".txt", ".tpl", ".xml", ".sh", ".service")
_CONFIG_NAMES = ("Dockerfile", "Procfile", "Makefile", "justfile", "Containerfile")
_MAX_CONFIG_FILES = 5000


def uncalled(model: Any, texts: Callable[[Callable[[str], bool]], Iterator[tuple[str, str]]]
             ) -> dict[str, list[list[Any]]]:
    """Repo path -> [[first line, last line, why], ...] of its uncalled functions (JSON-safe, sorted).
    `texts(wanted)`: (path, text) of the repository's readable files whose path `wanted` accepts."""
    return model.memo("uncalled_functions", lambda: _compute(model, texts))


def _compute(model: Any, texts) -> dict[str, list[list[Any]]]:
    facts = model.facts
    if any(p.endswith(".py") for p in model.unanalysed):
        return {}  # a file we could not read may call anything
    referenced: set[str] = set()
    dotted: set[str] = set()
    for path in sorted(facts):
        referenced.update(facts[path].get("names", ()))
        dotted.update(n.rpartition(".")[2] for n in facts[path].get("dotted_names", ()))
    prefixes = tuple(sorted(n for n in referenced if n.endswith("_") and not n.startswith("__") and len(n) > 2))
    hooked = _framework_classes(model)
    imported_by, _ = import_edges(model)
    # a public name of a module no other module imports (a script, a plugin, a library's entry module) or of a
    # package's `__init__` (its public API) may be called from outside the repository
    internal = {t for targets in imported_by.values() for t in targets if not t.endswith("/__init__.py")}
    candidates: dict[str, list[tuple[int, int, str, str]]] = {}  # name -> (line, end, path, qualname)
    classes_of: dict[str, set[str]] = {}  # candidate method name -> the simple names of its classes
    for path in sorted(facts):
        info = facts[path]
        semantic = info.get("semantic")
        if info.get("is_test") or info.get("test_support") or not semantic or not path.endswith(".py"):
            continue
        classes = semantic.get("classes", {})
        for qual, fn in semantic.get("functions", {}).items():
            owner, _, name = qual.rpartition(".")
            if owner and owner not in classes:
                continue  # a nested function: its enclosing one decides
            if name in referenced or name.startswith(prefixes) or not _may_be_uncalled(name, fn) or \
                    path not in internal and not name.startswith("_"):
                continue
            if owner:
                # a class's public methods are its interface: a caller we cannot see (a subclass in a plugin, a
                # duck-typed user, an operator's tool) may use one the project does not
                if not name.startswith("_") or f"{semantic.get('module')}.{owner}" in hooked or \
                        owner.rpartition(".")[2] in dotted:
                    continue
                classes_of.setdefault(name, set()).add(owner.rpartition(".")[2])
            candidates.setdefault(name, []).append((fn.get("line", 0), fn.get("end_line", 0), path, qual))
    if not candidates:
        return {}
    wanted = set(candidates) | {c for names in classes_of.values() for c in names}
    mentioned = _mentioned_in_other_files(texts, wanted)
    if mentioned is None:
        return {}
    out: dict[str, list[list[Any]]] = {}
    for name, defs in sorted(candidates.items()):
        if name in mentioned or classes_of.get(name, set()) & mentioned:
            continue
        for line, end, path, qual in defs:
            out.setdefault(path, []).append(
                [line, end, f"uncalled: nothing in the project calls `{qual}` (no code, string or configuration "
                            "file names it)"])
    return {p: sorted(v) for p, v in sorted(out.items())}


def _may_be_uncalled(name: str, fn: dict[str, Any]) -> bool:
    if name.startswith("__") and name.endswith("__") or name in _HOOK_NAMES or name.startswith(_HOOK_PREFIXES):
        return False
    return all(d.rpartition(".")[2] in _WRAPPERS for d in fn.get("decorators", ()))


def _framework_classes(model: Any) -> set[str]:
    """Project classes whose methods a framework may call by name: those with a base the project does not
    define, and the project classes (mixins) any such class inherits from."""
    sm = model.semantic
    out: set[str] = set()
    for qual in sorted(sm.classes):
        mro = sm.mro(qual)
        if any(c not in sm.classes and c not in ("object", "builtins.object") for c in mro):
            out.update(c for c in mro if c in sm.classes)
    return out


def _mentioned_in_other_files(texts, wanted: set[str]) -> set[str] | None:
    """The wanted names a non-Python file mentions as a whole identifier; None when there are too many such
    files to read them all."""
    found: set[str] = set()
    for count, (_path, text) in enumerate(texts(_configures)):
        if count >= _MAX_CONFIG_FILES:
            return None
        found.update(wanted.intersection(_IDENTIFIER.findall(text)))
    return found


def _configures(rel: str) -> bool:
    name = rel.rpartition("/")[2]
    return name.startswith(_CONFIG_NAMES) or name.endswith(_CONFIG_SUFFIXES)


def demote(findings: list[Finding], spans: dict[str, list[list[Any]]]) -> None:
    """A warning or error of a rule about running code, inside an uncalled function, becomes a note saying why."""
    if not spans:
        return
    for f in findings:
        within = spans.get(f.path)
        if not within or not f.rule_id.startswith(_RULES) or f.rule_id in _NOT_RULES:
            continue
        why = next((w for start, end, w in within if start <= f.line <= end), None)
        if why is not None:
            note(f, why, "uncalled")
