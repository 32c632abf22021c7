"""One frozen Settings object from `[tool.backend-audit]` (or --config FILE) and the CLI flags.

Selection follows flake8's DecisionEngine: of all --select and --ignore prefixes that match a rule id,
the longest wins; a tie goes to ignore.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .errors import ConfigError
from .records import dataclass
from .untrusted.files import InputError, read_bounded, read_tree_text
from .untrusted.globs import Glob, compile_glob, needs_linear_matcher
from .untrusted.regexes import regex_problem

if TYPE_CHECKING:
    import pathspec

FAIL_LEVELS = ("error", "warning", "note", "never")
MIN_LEVELS = ("error", "warning", "note")

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", ".tox", ".nox", "node_modules", "build", "dist",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".backend-audit-cache", "site-packages",
    "*.egg-info", "*_pb2.py", "*_pb2_grpc.py",
)

# §1.4 of the rule catalog: what counts as test code (per-file rules skip it unless they say otherwise).
DEFAULT_TEST_PATTERNS = ("tests/**", "test/**", "**/tests/**", "**/test/**", "**/test_*.py", "**/*_test.py",
                         "test_*.py", "*_test.py", "**/conftest.py", "conftest.py",
                         # Django's startapp layout: app/tests.py
                         "**/tests.py", "tests.py")

KNOWN_KEYS = {
    "select", "ignore", "extend_select", "per_file_ignores", "exclude", "extend_exclude", "fail_on", "jobs",
    "rule_options", "max_file_size", "max_nesting", "file_timeout", "test_paths", "agents", "public_paths",
    "coverage", "baseline", "cache_dir", "force_exclude", "fix", "unsafe_fixes", "auth_decorators", "auth_mixins",
    "include_hidden", "taint_models", "min_level", "calibrated_levels",
}


@dataclass(frozen=True)
class Settings:
    """The configuration a scan runs with: the project's file, the command line and the defaults."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    min_level: str = "note"  # findings below it are hidden from the report (counted, never failing)
    # report the kinds of finding blind reviews found mostly wrong at the level rules/calibration.yaml gives
    calibrated_levels: bool = True
    jobs: int = 0  # 0: one per CPU
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_file_size: int = 5 * 1024 * 1024
    max_nesting: int = 100
    file_timeout: float = 60.0
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    extra: dict[str, Any] = field(default_factory=dict)  # keys later stages read (agents, coverage, ...)
    config_source: str = ""

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


def _norm_key(key: str) -> str:
    return key.replace("-", "_")


def _str_list(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: '{key}' must be a list of strings")
    return tuple(value)


def did_you_mean(word: str, choices) -> str:
    """" (did you mean 'fail-on'?)" for a near miss such as `fail_on` or `BA-SQL-01`, else ""."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for d in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if (d / ".git").exists():
            break
    return None


def requires_python(root: Path) -> str | None:
    """`[project] requires-python` of the scanned root's pyproject.toml, if it states one."""
    # read_tree_text: a FIFO or a symlink out of the tree in place of pyproject.toml is not read
    text = read_tree_text(root, root / "pyproject.toml")
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None  # not ours to report: the config loader already said what is wrong with it
    value = data.get("project", {}).get("requires-python") if isinstance(data.get("project"), dict) else None
    return value if isinstance(value, str) else None


MAX_CONFIG_BYTES = 4 * 1024 * 1024


def read_config_table(path: Path, explicit: bool) -> dict[str, Any]:
    # The config comes with the repository: a FIFO, /dev/zero, invalid UTF-8 or arrays nested past the
    # recursion limit must each end in one line, never a hang or a traceback.
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except InputError as exc:
        raise ConfigError(f"config file {path} {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 ({exc.reason} at byte {exc.start}); TOML files must "
                          "be UTF-8") from None
    except RecursionError:
        raise ConfigError(f"config file {path} nests arrays or tables too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}; fix the syntax or pass --config") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table ([tool.backend-audit]), not {_type_name(tool)}")
    table = tool.get("backend-audit")
    if table is None and explicit and path.name != "pyproject.toml":
        table = data  # a dedicated backend-audit.toml may hold the keys at top level
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.backend-audit] must be a table")
    return table


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# The type of every key's value, checked before any value is used: a wrong type is one line naming the
# key and what it must be (exit 2), never a crash in a later stage. Keys a later stage adds to KNOWN_KEYS
# without an entry here are passed on as they are.
SCHEMA: dict[str, tuple[str, Any]] = {
    "select": ("a list of rule ids or prefixes", lambda v: isinstance(v, str) or _is_str_list(v)),
    "ignore": ("a list of rule ids or prefixes", lambda v: isinstance(v, str) or _is_str_list(v)),
    "extend_select": ("a list of rule ids or prefixes", lambda v: isinstance(v, str) or _is_str_list(v)),
    "exclude": ("a list of patterns", lambda v: isinstance(v, str) or _is_str_list(v)),
    "extend_exclude": ("a list of patterns", lambda v: isinstance(v, str) or _is_str_list(v)),
    "test_paths": ("a list of patterns", lambda v: isinstance(v, str) or _is_str_list(v)),
    "public_paths": ("a list of URL paths", lambda v: isinstance(v, str) or _is_str_list(v)),
    "agents": ("a path or a list of paths", lambda v: isinstance(v, str) or _is_str_list(v)),
    "baseline": ("a path", lambda v: isinstance(v, str)),
    "coverage": ("a path", lambda v: isinstance(v, str)),
    "cache_dir": ("a path", lambda v: isinstance(v, str)),
    "force_exclude": ("true or false", lambda v: isinstance(v, bool)),
    "fix": ("true or false", lambda v: isinstance(v, bool)),
    "calibrated_levels": ("true or false", lambda v: isinstance(v, bool)),
    "taint_models": ("a list of paths", lambda v: isinstance(v, str) or _is_str_list(v)),
    "include_hidden": ("true or false, or a list of folder names", lambda v: isinstance(v, bool) or _is_str_list(v)),
    "unsafe_fixes": ("true or false", lambda v: isinstance(v, bool)),
    "auth_decorators": ("a list of strings", lambda v: isinstance(v, str) or _is_str_list(v)),
    "auth_mixins": ("a list of strings", lambda v: isinstance(v, str) or _is_str_list(v)),
    "fail_on": ("a string", lambda v: isinstance(v, str)),
    "min_level": ("a string", lambda v: isinstance(v, str)),
    "per_file_ignores": ("a table of glob = [rule prefixes]",
                         lambda v: isinstance(v, dict) and all(isinstance(x, str) or _is_str_list(x)
                                                               for x in v.values())),
    "rule_options": ("a table of rule id = {option = value}",
                     lambda v: isinstance(v, dict) and all(isinstance(x, dict) for x in v.values())),
}
MAX_PATTERN_LENGTH = 1024


def check_schema(table: dict[str, Any], source: str) -> None:
    for raw_key, value in table.items():
        spec = SCHEMA.get(_norm_key(raw_key))
        if spec is not None and not spec[1](value):
            raise ConfigError(f"{source}: '{raw_key}' must be {spec[0]}, not {_type_name(value)}")


def check_option_type(rule_id: str, name: str, value: Any, default: Any) -> None:
    """A rule option must have its default's type: `max-complexity = "x"` would otherwise reach the check."""
    if default is None:
        return
    if isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
        want = "a number"
    elif isinstance(default, str):
        ok, want = isinstance(value, str), "a string"
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value) if all(
            isinstance(d, str) for d in default) else isinstance(value, list)
        want = "a list of strings" if all(isinstance(d, str) for d in default) else "a list"
    elif isinstance(default, dict):
        ok, want = isinstance(value, dict), "a table"
    else:
        return
    if not ok:
        raise ConfigError(f"rule-options for {rule_id}: '{name.replace('_', '-')}' must be {want}, not "
                          f"{_type_name(value)}")
    if name.endswith("pattern") and isinstance(value, str) and value:
        # a regular expression from the scanned repository, matched against names from its code
        problem = regex_problem(value)
        if problem:
            raise ConfigError(f"rule-options for {rule_id}: '{name.replace('_', '-')}' = {value!r}: {problem}")


def check_pattern(pattern: str, where: str) -> None:
    """A pattern must compile to a matcher; its size is bounded (see globmatch)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ConfigError(f"{where}: pattern of {len(pattern)} characters is longer than {MAX_PATTERN_LENGTH}")
    try:
        compile_glob(pattern)
        _spec(pattern)
    except Exception as exc:  # noqa: BLE001 - pathspec raises several types for a malformed pattern
        raise ConfigError(f"{where}: invalid pattern {pattern!r}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


# Keys whose values name files the tool reads or writes. A config file is committed to the repository
# being scanned, so it is untrusted: these must stay inside the project root (the folder holding the
# config file), symlinks resolved, or a pull request could point the baseline writer at ~/.bashrc or the
# coverage reader at /etc/shadow. Paths typed on the command line are the user's own choice.
PATH_KEYS = ("agents", "baseline", "cache_dir", "coverage", "taint_models")
# Keys holding gitignore-style patterns: they only ever narrow the scan, but '..' cannot match anything.
PATTERN_KEYS = ("exclude", "extend_exclude", "test_paths", "per_file_ignores")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def check_config_paths(table: dict[str, Any], source: str) -> None:
    """Refuse config paths that leave the project root; see PATH_KEYS."""
    root = Path(source).resolve().parent
    for raw_key, value in table.items():
        key = _norm_key(raw_key)
        if key in PATH_KEYS:
            for text in _strings(value):
                target = (root / text).resolve()
                if target != root and root not in target.parents:
                    raise ConfigError(f"{source}: '{raw_key}' = '{text}' points outside the project root {root}; "
                                      "paths in config files must stay inside the project (pass it on the "
                                      "command line instead)")
        elif key in PATTERN_KEYS:
            patterns = list(value) if key == "per_file_ignores" and isinstance(value, dict) else _strings(value)
            for pattern in patterns:
                if ".." in str(pattern).replace("\\", "/").split("/"):
                    raise ConfigError(f"{source}: pattern '{pattern}' in '{raw_key}' contains '..'; patterns are "
                                      "matched against paths inside the project root")


def settings_from_table(table: dict[str, Any], source: str) -> Settings:
    s = Settings(config_source=source)
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for raw_key in table:
        if _norm_key(raw_key) not in KNOWN_KEYS:
            known = sorted(k.replace("_", "-") for k in KNOWN_KEYS)
            raise ConfigError(f"{source}: unknown key '{raw_key}' in [tool.backend-audit]"
                              f"{did_you_mean(_norm_key(raw_key).replace('_', '-'), known)} "
                              f"(known keys: {', '.join(known)})")
    check_schema(table, source)
    for raw_key, value in table.items():
        key = _norm_key(raw_key)
        if key in ("select", "ignore", "extend_select", "test_paths"):
            changes[key] = _str_list(value, raw_key, source)
        elif key in ("exclude", "extend_exclude"):
            changes["exclude"] = changes.get("exclude", ()) + _str_list(value, raw_key, source)
        elif key == "per_file_ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'per-file-ignores' must be a table of glob = [rule prefixes]")
            changes[key] = tuple((str(g), _str_list(v, f"per-file-ignores.{g}", source)) for g, v in value.items())
        elif key == "fail_on":
            if value not in FAIL_LEVELS:
                raise ConfigError(f"{source}: 'fail-on' must be one of {', '.join(FAIL_LEVELS)}, not {value!r}")
            changes[key] = value
        elif key == "min_level":
            if value not in MIN_LEVELS:
                raise ConfigError(f"{source}: 'min-level' must be one of {', '.join(MIN_LEVELS)}, not {value!r}")
            changes[key] = value
        elif key in ("jobs", "max_file_size", "max_nesting"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{source}: '{raw_key}' must be a non-negative integer")
            changes[key] = value
        elif key == "file_timeout":
            # bool is an int and nan passes `<= 0`: both would silently disable the limit.
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise ConfigError(f"{source}: 'file-timeout' must be a positive number of seconds")
            changes[key] = float(value)
        elif key == "calibrated_levels":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: 'calibrated-levels' must be true or false")
            changes[key] = value
        elif key in ("fix", "unsafe_fixes"):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: '{raw_key}' must be true or false")
            extra[key] = value
        elif key in ("auth_decorators", "auth_mixins"):  # BA-AUTH-001: project guards by name
            extra[key] = list(_str_list(value, raw_key, source))
        elif key == "rule_options":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{source}: 'rule-options' must be a table of rule id = {{option = value}}")
            changes[key] = {rid: {_norm_key(k): v for k, v in opts.items()} for rid, opts in value.items()}
        elif key == "include_hidden":
            # true, or the hidden folders to scan after all ([".github"])
            if not isinstance(value, bool) and not (isinstance(value, list) and all(
                    isinstance(v, str) and v.startswith(".") and "/" not in v.strip("/") for v in value)):
                raise ConfigError(f"{source}: 'include-hidden' must be true/false or a list of hidden folder "
                                  "names such as [\".github\"]")
            extra[key] = value
        else:
            extra[key] = value
    check_config_paths(table, source)
    for key in ("exclude", "test_paths"):
        for pattern in changes.get(key, ()):
            check_pattern(pattern, f"{source}: '{key.replace('_', '-')}'")
    for glob, _ in changes.get("per_file_ignores", ()):
        check_pattern(glob, f"{source}: 'per-file-ignores'")
    if "taint_models" in extra:
        from .model.taint.models import read_user_models

        paths = list(_str_list(extra["taint_models"], "taint-models", source))
        extra["taint_models_data"] = read_user_models(paths, Path(source).resolve().parent)
    if extra:
        changes["extra"] = extra
    return replace(s, **changes)


def load_settings(targets: list[Path], config_file: Path | None) -> Settings:
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        return settings_from_table(read_config_table(config_file, explicit=True), str(config_file))
    first = targets[0] if targets else Path.cwd()
    pyproject = find_pyproject(first)
    if pyproject is None:
        return Settings()
    if pyproject.is_symlink() and not _stays_in_repository(pyproject):
        raise ConfigError(f"{pyproject} is a symlink to a file outside the repository; not read (pass --config "
                          "to use that file)")
    settings = settings_from_table(read_config_table(pyproject, explicit=False), str(pyproject))
    return with_console_scripts(settings, pyproject)


def _pyproject_data(pyproject: Path) -> dict:
    try:  # bounded and non-blocking: the file is the scanned repository's
        return tomllib.loads(read_bounded(pyproject, MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, InputError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return {}


def console_modules(data: dict) -> list[str]:
    """Modules of the console entry points a pyproject.toml declares (`app.cli:main` -> `app.cli`):
    programs whose job is to print."""
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    found: set[str] = set()
    for table in (project.get("scripts"), project.get("gui-scripts"), (poetry or {}).get("scripts")
                  if isinstance(poetry, dict) else None):
        if isinstance(table, dict):
            for target in table.values():
                ref = target.get("reference", "") if isinstance(target, dict) else target
                if isinstance(ref, str) and ref.split(":")[0].replace(".", "").replace("_", "").isalnum():
                    found.add(ref.split(":")[0])
    return sorted(found)


def build_modules(data: dict) -> list[str]:
    """Modules setuptools imports while it builds the package, to read a dynamic field
    (`[tool.setuptools.dynamic] version = {attr = "app.version.get_version"}` -> `app.version`): what they
    print is the build log."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    dynamic = setuptools.get("dynamic") if isinstance(setuptools.get("dynamic"), dict) else {}
    found: set[str] = set()
    for spec in dynamic.values():
        ref = spec.get("attr") if isinstance(spec, dict) else None
        module = ref.rpartition(".")[0] if isinstance(ref, str) else ""
        if module and module.replace(".", "").replace("_", "").isalnum():
            found.add(module)
    return sorted(found)


def with_console_scripts(settings: Settings, pyproject: Path) -> Settings:
    data = _pyproject_data(pyproject)
    modules, builds = console_modules(data), build_modules(data)
    if not modules and not builds:
        return settings
    opts = dict(settings.rule_options.get("BA-LOG-003", {}))
    opts["entry_modules"] = sorted({*opts.get("entry_modules", ()), *modules})
    if builds:
        opts["build_modules"] = sorted({*opts.get("build_modules", ()), *builds})
    return replace(settings, rule_options={**settings.rule_options, "BA-LOG-003": opts})


def _stays_in_repository(path: Path) -> bool:
    """A found pyproject.toml that is a symlink must resolve inside its repository (the nearest folder
    above it holding .git, else its own folder): a scanned tree must not make us read the runner's files."""
    folder = path.parent.absolute()
    top = folder
    for d in [folder, *folder.parents]:
        if (d / ".git").exists():
            top = d
            break
    real = path.resolve()
    return real == top.resolve() or top.resolve() in real.parents


class Selection:
    """Decides which rules are enabled, flake8 style, and validates ids and options against the catalog."""

    def __init__(self, settings: Settings, rules: tuple[Any, ...]):
        self.rules = {r.id: r for r in rules}
        ids = list(self.rules)
        for prefix in (*settings.select, *settings.ignore, *settings.extend_select,
                       *(p for _, ps in settings.per_file_ignores for p in ps)):
            if prefix.upper() != "ALL" and not any(i.startswith(prefix) for i in ids):
                raise ConfigError(f"unknown rule id or prefix '{prefix}'{did_you_mean(prefix, ids)}; "
                                  "run 'backend-audit rules list' to see the ids")
        for rid, opts in settings.rule_options.items():
            if rid not in self.rules:
                raise ConfigError(f"rule-options names unknown rule '{rid}'{did_you_mean(rid, self.rules)}; "
                                  "run 'backend-audit rules list'")
            unknown = sorted(set(opts) - {_norm_key(k) for k in self.rules[rid].options})
            if unknown:
                known = ", ".join(sorted(self.rules[rid].options)) or "none"
                raise ConfigError(f"rule-options for {rid}: unknown option '{unknown[0]}' (known: {known})")
            defaults = {_norm_key(k): v for k, v in self.rules[rid].options.items()}
            for name, value in opts.items():
                check_option_type(rid, name, value, defaults.get(name))
        self.settings = settings
        self._default = {r.id for r in rules if r.status != "deprecated"}
        self._default_all = not settings.select or any(p.upper() == "ALL" for p in settings.select)
        self.select = tuple(p for p in settings.select if p.upper() != "ALL")

    @staticmethod
    def _longest(rule_id: str, prefixes: tuple[str, ...]) -> int:
        return max((len(p) for p in prefixes if rule_id.startswith(p)), default=-1)

    def enabled(self, rule_id: str, extra_ignores: tuple[str, ...] = ()) -> bool:
        if self._default_all:
            sel = 0 if rule_id in self._default else -1
        else:
            sel = self._longest(rule_id, self.select)
        sel = max(sel, self._longest(rule_id, self.settings.extend_select))
        ign = self._longest(rule_id, self.settings.ignore + extra_ignores)
        return sel >= 0 and sel > ign

    def enabled_ids(self) -> tuple[str, ...]:
        return tuple(i for i in sorted(self.rules) if self.enabled(i))

    def options(self, rule_id: str) -> dict[str, Any]:
        opts = {_norm_key(k): v for k, v in self.rules[rule_id].options.items()}
        opts.update(self.settings.rule_options.get(rule_id, {}))
        return opts

    def ignores_for(self, rel_path: str) -> tuple[str, ...]:
        out: list[str] = []
        for glob, prefixes in self.settings.per_file_ignores:
            if path_matches(rel_path, glob):
                out.extend(prefixes)
        return tuple(out)


@functools.lru_cache(maxsize=512)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([pattern])


def path_matches(rel_path: str, pattern: str) -> bool:
    """gitignore-style match of a repo-relative POSIX path (a bare name matches at any depth)."""
    if needs_linear_matcher(pattern):
        return compile_glob(pattern).match(rel_path)
    return _spec(pattern).match_file(rel_path)


def _split_patterns(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Glob, ...]]:
    """(patterns for the joined regex, compiled globs for those whose regex could backtrack for ever)."""
    simple = tuple(p for p in patterns if not needs_linear_matcher(p))
    return simple, tuple(compile_glob(p) for p in patterns if needs_linear_matcher(p))


@functools.lru_cache(maxsize=64)
def _any_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec

    # A lone "!pattern" never matches, so leaving negations out keeps any()-of-each-pattern semantics.
    return pathspec.GitIgnoreSpec.from_lines([p for p in patterns if not p.startswith("!")])


def _spec_regexes(patterns: tuple[str, ...]) -> list[str]:
    """pathspec's regexes for the patterns that include, their "ps_d" groups made anonymous (a name may
    not repeat in one alternation)."""
    return [p.regex.pattern.replace("(?P<ps_d>", "(?:") for p in _any_spec(patterns).patterns
            if p.include and getattr(p, "regex", None) is not None]


@functools.lru_cache(maxsize=64)
def _any_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """pathspec's per-pattern regexes joined into one alternation: one regex match per path instead of
    one per pattern (discovery and the checklist's evidence search test every path of the repository).
    With no negations left, "any pattern matches" is exactly the spec's answer. The translation comes
    from the user cache when this pathspec made it before (pattern_regexes.py)."""
    from .untrusted import pattern_regexes

    parts = pattern_regexes.lookup(patterns, _spec_regexes)
    try:
        return re.compile("|".join(f"(?:{x})" for x in parts)) if parts else None
    except re.error:  # a pathspec release with other regex shapes: the spec's own matcher is still right
        return None


def matcher(patterns: tuple[str, ...] | list[str]):
    """`matches_any` with the patterns bound once: for loops over every path of a repository."""
    simple, globs = _split_cached(tuple(patterns))
    rx = _any_regex(simple) if simple else None
    if not globs and rx is not None:
        match = rx.match
        return lambda rel_path: match(rel_path) is not None
    # matches_any's steps with the globs and the joined regex bound (the checklist's evidence search asks
    # 40,000 times per scan on a 2,000-file tree, most of its specs globs only)
    if not simple:
        return lambda rel_path: any(g.match(rel_path) for g in globs)
    if rx is None:
        return lambda rel_path: matches_any(rel_path, patterns)
    rx_match = rx.match
    return lambda rel_path: any(g.match(rel_path) for g in globs) or rx_match(rel_path) is not None


def matching(patterns: tuple[str, ...] | list[str], paths: list[str]) -> list[str]:
    """[p for p in paths if matches_any(p, patterns)], in their order. With the joined regex alone (most
    specs), the regex runs over the paths without a Python call per path (the checklist's evidence asks
    about every file of the repository for each of 22 specs)."""
    simple, globs = _split_cached(tuple(patterns))
    rx = _any_regex(simple) if simple else None
    if not globs and rx is not None:
        return list(filter(rx.match, paths))
    match = matcher(patterns)
    return [p for p in paths if match(p)]


def matches_any(rel_path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """any(path_matches(rel_path, p) for p in patterns), with one compiled regex (discovery's hot loop)."""
    patterns, globs = _split_cached(tuple(patterns))
    if any(g.match(rel_path) for g in globs):
        return True
    if not patterns:
        return False
    rx = _any_regex(patterns)
    if rx is not None:
        return rx.match(rel_path) is not None
    return _any_spec(patterns).match_file(rel_path)


@functools.lru_cache(maxsize=64)
def _split_cached(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Glob, ...]]:
    return _split_patterns(patterns)


def is_test_path(rel_path: str, settings: Settings) -> bool:
    return matches_any(rel_path, settings.test_paths)
