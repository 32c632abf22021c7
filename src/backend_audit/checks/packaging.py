"""What a package's packaging files declare, read as data: plugin entry points and build hooks.

Build hooks: `[tool.hatch.build.hooks.custom]` (`path`, default `hatch_build.py`, also per build target)
names a module hatchling runs while building the package: build tooling, not application code.

Plugins a package declares as entry points:

`'alerta.plugins': ['blackout = alerta.plugins.blackout:BlackoutHandler']` in setup.py (or
`[project.entry-points."alerta.plugins"]` in pyproject.toml, `[options.entry_points]` in setup.cfg,
`[tool.poetry.plugins."..."]`): the application loads the module by that name (`importlib.metadata
.entry_points(group=...)`), so no test imports it; a test runs it by naming it (`'PLUGINS': ['blackout']`)
or by requesting the URL it is served under (`/webhooks/prometheus`). Console scripts are programs, not
plugins: listed apart (`script_modules`), as the start-up code of what an installation runs. setup.py is parsed (ast), never run; every file is read bounded, without following links.
"""

from __future__ import annotations

import ast
import configparser
from typing import Any

from ..config import tomllib
from .repo_text import read_small, repo_files

_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
_SCRIPTS = frozenset({"console_scripts", "gui_scripts"})
_MAX = 2000  # entry points kept: a hostile file cannot grow the scan's memory


def entry_points(project: Any) -> list[tuple[str, str, str, str]]:
    """(group, name, module, folder of the packaging file) of each plugin entry point the scanned packaging
    files declare, sorted."""
    return [point for point in _declared(project) if point[0] not in _SCRIPTS]


def script_modules(project: Any) -> list[tuple[str, str]]:
    """(module, packaging file) of each console or GUI script the packaging files declare (`[project.scripts]`,
    `console_scripts`, poetry's `scripts`): the programs an installation starts, a server among them."""
    return [(module, folder) for group, _, module, folder in _declared(project) if group in _SCRIPTS]


def _declared(project: Any) -> list[tuple[str, str, str, str]]:
    def build() -> list[tuple[str, str, str, str]]:
        found: set[tuple[str, str, str, str]] = set()
        for rel in repo_files(project):
            name = rel.rpartition("/")[2]
            if name not in _FILES:
                continue
            text = read_small(project, rel)
            if text is None:
                continue
            groups = _from_setup_py(text) if name == "setup.py" else _from_setup_cfg(text) \
                if name == "setup.cfg" else _from_pyproject(text)
            for group, specs in groups:
                for spec in specs:
                    key, _, target = spec.partition("=")
                    module = target.strip().partition(":")[0].strip()
                    if key.strip() and module.replace(".", "").replace("_", "").isalnum():
                        found.add((group, key.strip(), module, rel.rpartition("/")[0]))
                if len(found) > _MAX:
                    break
        return sorted(found)[:_MAX]
    return project.memo("entry_points", build)


def _from_setup_py(text: str) -> list[tuple[str, list[str]]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        value = next((k.value for k in node.keywords if k.arg == "entry_points"), None)
        if func != "setup" or not isinstance(value, ast.Dict):
            continue
        for key, specs in zip(value.keys, value.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            if isinstance(specs, ast.Constant) and isinstance(specs.value, str):
                out.append((key.value, specs.value.splitlines()))
            elif isinstance(specs, (ast.List, ast.Tuple)):
                out.append((key.value, [e.value for e in specs.elts
                                        if isinstance(e, ast.Constant) and isinstance(e.value, str)]))
    return out


def _from_setup_cfg(text: str) -> list[tuple[str, list[str]]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_section("options.entry_points"):
        return []
    return [(group, value.splitlines()) for group, value in parser.items("options.entry_points")]


def _from_pyproject(text: str) -> list[tuple[str, list[str]]]:
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):
        return []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    out: list[tuple[str, list[str]]] = []
    for table in (project.get("entry-points"), poetry.get("plugins")):
        if not isinstance(table, dict):
            continue
        for group, specs in table.items():
            if isinstance(specs, dict):
                out.append((group, [f"{k} = {v}" for k, v in specs.items() if isinstance(v, str)]))
    for scripts in (project.get("scripts"), poetry.get("scripts")):
        if isinstance(scripts, dict):
            out.append(("console_scripts", [f"{k} = {v}" for k, v in scripts.items() if isinstance(v, str)]))
    return out


def build_hooks(project: Any) -> set[str]:
    """Repository paths of the modules a pyproject.toml declares as hatchling build hooks."""
    def build() -> set[str]:
        out: set[str] = set()
        for rel in repo_files(project):
            if rel.rpartition("/")[2] != "pyproject.toml":
                continue
            text = read_small(project, rel)
            try:
                data = tomllib.loads(text) if text is not None else {}
            except (ValueError, RecursionError):
                continue
            hatch = _table(_table(_table(data, "tool"), "hatch"), "build")
            tables = [hatch, *(t for t in _table(hatch, "targets").values() if isinstance(t, dict))]
            folder = rel.rpartition("/")[0]
            for table in tables:
                hooks = _table(table, "hooks")
                if "custom" in hooks:
                    path = _table(hooks, "custom").get("path", "hatch_build.py")
                    if isinstance(path, str) and ".." not in path.split("/"):
                        path = path.removeprefix("./")
                        out.add(f"{folder}/{path}" if folder else path)
        return out
    return project.memo("build_hooks", build)


def _table(data: Any, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}
