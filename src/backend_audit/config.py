"""One frozen Settings object from `[tool.backend-audit]` (or --config FILE) and the CLI flags.

Selection follows flake8's DecisionEngine: of all --select and --ignore prefixes that match a rule id,
the longest wins; a tie goes to ignore.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import pathspec

from .errors import ConfigError

FAIL_LEVELS = ("error", "warning", "note", "never")

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
    "coverage", "baseline", "cache_dir", "force_exclude", "fix", "unsafe_fixes", "taint_models",
}


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
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
    path = root / "pyproject.toml"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None  # not ours to report: the config loader already said what is wrong with it
    value = data.get("project", {}).get("requires-python") if isinstance(data.get("project"), dict) else None
    return value if isinstance(value, str) else None


def read_config_table(path: Path, explicit: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}; fix the syntax or pass --config") from None
    table = data.get("tool", {}).get("backend-audit")
    if table is None and explicit and path.name != "pyproject.toml":
        table = data  # a dedicated backend-audit.toml may hold the keys at top level
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.backend-audit] must be a table")
    return table


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
    for raw_key, value in table.items():
        key = _norm_key(raw_key)
        if key not in KNOWN_KEYS:
            known = sorted(k.replace("_", "-") for k in KNOWN_KEYS)
            raise ConfigError(f"{source}: unknown key '{raw_key}' in [tool.backend-audit]"
                              f"{did_you_mean(key.replace('_', '-'), known)} (known keys: {', '.join(known)})")
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
        elif key in ("jobs", "max_file_size", "max_nesting"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{source}: '{raw_key}' must be a non-negative integer")
            changes[key] = value
        elif key == "file_timeout":
            # bool is an int and nan passes `<= 0`: both would silently disable the limit.
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise ConfigError(f"{source}: 'file-timeout' must be a positive number of seconds")
            changes[key] = float(value)
        elif key in ("fix", "unsafe_fixes"):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: '{raw_key}' must be true or false")
            extra[key] = value
        elif key == "rule_options":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{source}: 'rule-options' must be a table of rule id = {{option = value}}")
            changes[key] = {rid: {_norm_key(k): v for k, v in opts.items()} for rid, opts in value.items()}
        else:
            extra[key] = value
    check_config_paths(table, source)
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
    return settings_from_table(read_config_table(pyproject, explicit=False), str(pyproject))


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
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def path_matches(rel_path: str, pattern: str) -> bool:
    """gitignore-style match of a repo-relative POSIX path (a bare name matches at any depth)."""
    return _spec(pattern).match_file(rel_path)


@functools.lru_cache(maxsize=64)
def _any_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    # A lone "!pattern" never matches, so leaving negations out keeps any()-of-each-pattern semantics.
    return pathspec.GitIgnoreSpec.from_lines([p for p in patterns if not p.startswith("!")])


@functools.lru_cache(maxsize=64)
def _any_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """pathspec's per-pattern regexes joined into one alternation: one regex match per path instead of
    one per pattern (discovery and the checklist's evidence search test every path of the repository).
    Their "ps_d" groups are made anonymous (a name may not repeat); with no negations left, "any
    pattern matches" is exactly the spec's answer."""
    spec = _any_spec(patterns)
    parts = [p.regex.pattern.replace("(?P<ps_d>", "(?:") for p in spec.patterns
             if p.include and getattr(p, "regex", None) is not None]
    try:
        return re.compile("|".join(f"(?:{x})" for x in parts)) if parts else None
    except re.error:  # a pathspec release with other regex shapes: the spec's own matcher is still right
        return None


def matches_any(rel_path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """any(path_matches(rel_path, p) for p in patterns), with one compiled regex (discovery's hot loop)."""
    patterns = tuple(patterns)
    rx = _any_regex(patterns)
    if rx is not None:
        return rx.match(rel_path) is not None
    return _any_spec(patterns).match_file(rel_path)


def is_test_path(rel_path: str, settings: Settings) -> bool:
    return matches_any(rel_path, settings.test_paths)
