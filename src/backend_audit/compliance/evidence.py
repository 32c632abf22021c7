"""What the repository shows for a checklist key no rule decides on its own (catalog §6): files, folders with
their size, declared or imported packages, and configuration the scan's fact collectors saw (a cache backend,
an error-tracking SDK being initialised, logging configured). A reviewer answers the manual question from
this in seconds instead of searching the tree.

A key's `manual_evidence` in rules/checklists.yaml says what to look for:
  prompt     the reviewer's question (only keys with a prompt have a manual side: partial, never pass)
  files      gitignore-style globs over the repository's files
  folders    globs of folders, shown with how many Python files each holds ("migrations folders")
  packages   distribution or import names (requirements*, pyproject.toml, Pipfile, or imported)
  signals    evidence signals of the scan's fact collectors (model/evidence.py), e.g. error-tracking
  models     true: how many ORM models (Django, SQLAlchemy) the code defines, and in how many files
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from typing import Any, Iterable

from ..config import matcher, matching
from ..findings import ScanResult
from ..pipeline.discovery import repository_files
from ..records import dataclass
from ..untrusted.files import read_tree_text

# Top-level imports that tell which framework a rule's `frameworks:` list is waiting for.
FRAMEWORK_IMPORTS = {"fastapi": "fastapi", "flask": "flask", "django": "django", "rest_framework": "drf",
                     "sqlalchemy": "sqlalchemy", "celery": "celery", "starlette": "starlette"}
_MAX_WALK = 20000
_SHOWN = 5


@dataclass
class Project:
    """What evidence is read from: the repository's files, imports, declared dependencies and collected facts."""

    root: Path
    files: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)
    frameworks: set[str] = field(default_factory=set)
    signals: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)
    models: dict[str, list[str]] = field(default_factory=dict)  # ORM kind -> files defining models
    # a route, or middleware/settings that would carry headers, was read: endpoint rules had input
    routes_read: bool = False
    _folder_counts: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def from_result(cls, result: ScanResult) -> "Project":
        root = Path(result.root)
        project = cls(root=root, files=repository_files(root, _MAX_WALK))
        tops: set[str] = set()
        for fr in result.file_results:
            # the top-level name of each import (empty for a relative one: never a package name)
            tops.update(name.partition(".")[0] for name in fr.fact("imports", ()))
            if not fr.fact("is_test"):
                for signal, hits in fr.fact("evidence", {}).items():
                    if signal == "orm_models":
                        for model in hits:
                            project.models.setdefault(model["kind"], []).append(fr.path)
                    elif signal != "celery_tasks":
                        project.signals.setdefault(signal, []).extend((fr.path, line, d) for line, d in hits)
            settings = fr.fact("settings") or {}
            if "MIDDLEWARE" in settings or "MIDDLEWARE_CLASSES" in settings:
                project.routes_read = True
        project.imports = {top.lower() for top in tops if top}
        project.routes_read = project.routes_read or bool(result.endpoints)
        project.frameworks = {fw for mod, fw in FRAMEWORK_IMPORTS.items() if mod in project.imports}
        for rel in project.files:
            if rel.count("/") <= 1:
                project.dependencies |= declared_dependencies(root / rel, root)
        return project

    def has_package(self, name: str) -> bool:
        name = name.lower()
        return name.replace("_", "-") in self.dependencies or name.replace("-", "_") in self.imports

    def matching_files(self, patterns: Iterable[str]) -> list[str]:
        return matching(tuple(patterns), self.files)

    def folders(self, patterns: Iterable[str]) -> dict[str, int]:
        """Folder -> number of Python files directly in it (`__init__.py` not counted), for folders matching."""
        match = matcher(tuple(patterns))
        out = {d: n for d, n in self._code_per_folder().items() if match(d) or match(d + "/")}
        return {d: n for d, n in sorted(out.items()) if n}  # a folder of that name without code is no evidence

    def _code_per_folder(self) -> dict[str, int]:
        """Each folder's count of Python files, made once: the patterns are then matched per folder, not per
        file (22 evidence specs x 20,000 files was half a warm scan)."""
        if self._folder_counts is None:
            counts: dict[str, int] = {}
            for f in self.files:
                # the folder part of a clean relative path (what the tree walk gives), as PurePosixPath's
                # parent spells it ("." at the top), without building a path object per file
                parent = f.rpartition("/")[0] or "."
                counts[parent] = counts.get(parent, 0) + (f.endswith(".py") and not f.endswith("__init__.py"))
            self._folder_counts = counts
        return self._folder_counts

    def describe(self, spec: dict[str, Any]) -> str:
        """One line of evidence for a key's `manual_evidence` spec."""
        files_wanted, packages_wanted = spec.get("files") or [], spec.get("packages") or []
        folders_wanted, signals_wanted = spec.get("folders") or [], spec.get("signals") or []
        if not (files_wanted or packages_wanted or folders_wanted or signals_wanted or spec.get("models")):
            return "no evidence can be collected from the repository"
        parts = []
        if spec.get("models") and self.models:
            parts.append("ORM models: " + ", ".join(f"{len(paths)} {kind} in {len(set(paths))} file(s)"
                                                    for kind, paths in sorted(self.models.items())))
        folders = self.folders(folders_wanted)
        if folders:
            shown = ", ".join(f"{d} ({n} files)" for d, n in list(folders.items())[:_SHOWN])
            more = f" and {len(folders) - _SHOWN} more" if len(folders) > _SHOWN else ""
            parts.append(f"{len(folders)} folder(s), {sum(folders.values())} files: {shown}{more}")
        found_files = self.matching_files(files_wanted)
        if found_files:
            parts.append(f"files: {_list(found_files)}")
        found_signals = [f"{detail} ({path}:{line})" for s in signals_wanted
                         for path, line, detail in sorted(self.signals.get(s, ()))[:2]]
        if found_signals:
            parts.append(f"configured: {_list(found_signals)}")
        found_packages = sorted(p for p in packages_wanted if self.has_package(p))
        if found_packages:
            parts.append(f"packages: {', '.join(found_packages)}")
        if parts:
            return "found " + "; ".join(parts)
        looked = ", ".join([*folders_wanted[:2], *files_wanted[:3], *packages_wanted[:4]])
        return f"nothing found (looked for {looked}, ...)"


def _list(items: list[str]) -> str:
    return ", ".join(items[:_SHOWN]) + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _req_names(lines: Iterable[str]) -> set[str]:
    out = set()
    for line in lines:
        m = _REQ_NAME.match(str(line).split("#", 1)[0])
        if m:
            out.add(m.group(1).lower().replace("_", "-"))
    return out


def declared_dependencies(path: Path, root: Path | None = None) -> set[str]:
    """Distribution names a requirements file, pyproject.toml or Pipfile declares (lower case, dashes).
    Read only when it stays inside `root` and is a regular file (a FIFO would block the scan)."""
    from ..config import tomllib

    name = path.name
    is_requirements = re.match(r"requirements.*\.(txt|in)$", name)
    if not is_requirements and name not in ("pyproject.toml", "Pipfile"):
        return set()
    text = read_tree_text(root or path.parent, path)
    if text is None:
        return set()
    try:
        if is_requirements:
            return _req_names(text.splitlines())
        data = tomllib.loads(text)
    except (ValueError, RecursionError):
        return set()
    reqs: list[str] = []
    project = data.get("project") or {}
    reqs += project.get("dependencies") or []
    for group in (project.get("optional-dependencies") or {}).values():
        reqs += group or []
    for group in (data.get("dependency-groups") or {}).values():
        reqs += [r for r in group or [] if isinstance(r, str)]
    names = _req_names(reqs)
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies"), data.get("packages"),
              data.get("dev-packages")]
    tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
    for table in tables:
        if isinstance(table, dict):
            names |= _req_names(table)
    return names
