"""The project model: every file's facts joined once, for whole-repository rules (the reduce step)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..config import Settings
from ..findings import FileResult

if TYPE_CHECKING:
    from .semantic import SemanticModel

# Files a whole-repository finding can point at (SARIF needs a file; line 1 stands for the whole project).
ANCHORS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "pytest.ini")


@dataclass
class ProjectModel:
    root: Path
    settings: Settings
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> facts
    analysed: list[str] = field(default_factory=list)
    # discovered files that could not be analysed: what depends on them is unknown, never "missing"
    unanalysed: list[str] = field(default_factory=list)
    # Report sections project checks produce (e.g. "coverage"); the runner copies them onto the ScanResult.
    sections: dict[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, root: Path, file_results: list[FileResult], settings: Settings) -> "ProjectModel":
        model = cls(root=root, settings=settings)
        for fr in file_results:
            if fr.analysed:
                model.facts[fr.path] = fr.facts
                model.analysed.append(fr.path)
            else:
                model.unanalysed.append(fr.path)
        return model

    @property
    def semantic(self) -> "SemanticModel":
        """The semantic model of the whole project (docs/semantic-model.md), built once per scan."""
        from .semantic import SemanticModel

        return self.memo("semantic", lambda: SemanticModel(self.facts, self.unanalysed))

    @property
    def test_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if f.get("is_test")]

    @property
    def source_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if not f.get("is_test")]

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Work several checks share (coverage data, the test import graph) done once per scan."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def scope(self) -> tuple[str, ...]:
        """The folders that were scanned when they are not the whole repository (`scan backend/`)."""
        return tuple(self.settings.extra.get("scope") or ())

    def in_scope(self, path: str) -> bool:
        return not self.scope or any(path == s or path.startswith(s + "/") for s in self.scope)

    def anchor(self) -> str:
        """The file a project-level finding points at: the scanned part's config file, else its first source
        file (SARIF consumers need a real file to show and fingerprint), else the root itself."""
        for base in self.scope or ("",):
            for name in ANCHORS:
                rel = f"{base}/{name}" if base else name
                if (self.root / rel).is_file():
                    return rel
        sources = sorted(self.source_files) or sorted(self.facts)
        return sources[0] if sources else "."

    def endpoints_for(self, path: str) -> list[dict[str, Any]]:
        """The endpoints whose handler is defined in `path`, from the cross-file inventory."""
        def build() -> dict[str, list[dict[str, Any]]]:
            from .frameworks.inventory import build as inventory

            out: dict[str, list[dict[str, Any]]] = {}
            for e in inventory(self).endpoints:
                out.setdefault(e.file, []).append({"methods": list(e.methods), "path": e.path,
                                                   "handler": e.handler, "line": e.line, "public": e.public})
            return out
        return self.memo("endpoints_by_file", build).get(path, [])

    # --- modules and imports (test-presence rules) -----------------------------------------------------

    def module_index(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Last dotted component -> (full dotted parts, path) for every analysed file."""
        def build() -> dict[str, list[tuple[tuple[str, ...], str]]]:
            index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for path in sorted(self.facts):
                parts = module_parts(path)
                if parts:
                    index.setdefault(parts[-1], []).append((parts, path))
            return index
        return self.memo("module_index", build)

    def resolve_import(self, importer: str, name: str) -> list[str]:
        """Files an import string of `importer` may load: relative imports resolved against its package,
        absolute ones matched on trailing dotted components (source roots such as src/ are unknown)."""
        dots = len(name) - len(name.lstrip("."))
        rest = tuple(p for p in name[dots:].split(".") if p)
        if dots:
            package = list(module_parts(importer))
            if not importer.endswith(("__init__.py", "__init__.pyi")):
                package = package[:-1]
            if dots - 1 > len(package):
                return []
            wanted = tuple(package[:len(package) - (dots - 1)]) + rest
        else:
            wanted = rest
        if not wanted:
            return []
        return [path for parts, path in self.module_index().get(wanted[-1], ())
                if parts[-len(wanted):] == wanted]

    def package_inits(self, path: str) -> list[str]:
        """The __init__ modules Python runs before `path` (its enclosing packages, outermost first)."""
        parts = path.split("/")[:-1]
        out = []
        for i in range(1, len(parts) + 1):
            init = "/".join(parts[:i]) + "/__init__.py"
            if init in self.facts and init != path:
                out.append(init)
        return out


def module_parts(path: str) -> tuple[str, ...]:
    """Dotted components of a repo path: app/users.py -> (app, users); app/__init__.py -> (app,)."""
    stem = path.rsplit(".", 1)[0] if path.endswith((".py", ".pyi")) else path
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return tuple(parts)
