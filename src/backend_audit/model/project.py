"""The project model: every file's facts joined once, for whole-repository rules (the reduce step)."""

from __future__ import annotations

import contextlib
import copy
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..config import Settings
from ..findings import FileResult
from ..records import dataclass

if TYPE_CHECKING:
    from .semantic import SemanticModel

# Files a whole-repository finding can point at (SARIF needs a file; line 1 stands for the whole project).
ANCHORS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "pytest.ini")


ALL = "*"  # a read of every key of a file's facts (iteration, items(), len())
MISSING = "\0missing"  # the value of a key a file's facts do not have


class _Watched(dict):
    """The facts of one file the change touched (--changed-since): records which keys the project step
    reads, so the base pass can tell which project checks the change cannot affect. Values are compared
    whole, so only the top-level reads need recording."""

    __slots__ = ("_note",)

    def __init__(self, data: dict[str, Any], note: Callable[[str], None]) -> None:
        super().__init__(data)
        self._note = note

    def get(self, key, default=None):
        self._note(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._note(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._note(key)
        return dict.__contains__(self, key)

    def copy(self):
        self._note(ALL)
        return dict(dict.items(self))

    def __reduce__(self):
        self._note(ALL)
        return dict, (dict(dict.items(self)),)


def _reads_everything(name: str) -> Callable[..., Any]:
    plain = getattr(dict, name)

    def method(self: _Watched, *args: Any) -> Any:
        self._note(ALL)
        return plain(self, *args)
    return method


_ATOMS = (str, int, float, bool, type(None))


def _snapshot(value: Any) -> Any:
    """A deep copy of a fact's value for comparison with the base (`copy.deepcopy` where the value is not
    JSON-shaped): facts are plain dicts, lists and scalars, and deepcopy's per-object memo made the copies
    of a changed module's facts a tenth of a pull-request scan's project pass. Equal to the deep copy
    (`==`), which is all the base pass asks of it."""
    try:
        return _plain_copy(value)
    except (_NotPlain, RecursionError):
        return copy.deepcopy(value)


class _NotPlain(Exception):
    pass


def _plain_copy(value: Any) -> Any:
    t = type(value)
    if t in _ATOMS:
        return value
    if t is dict:
        return {k: v if type(v) in _ATOMS else _plain_copy(v) for k, v in value.items()}
    if t is list:
        return [v if type(v) in _ATOMS else _plain_copy(v) for v in value]
    if t is tuple:
        return tuple(_plain_copy(v) for v in value)
    raise _NotPlain


for _name in ("keys", "values", "items", "__iter__", "__len__"):
    setattr(_Watched, _name, _reads_everything(_name))


@dataclass
class ProjectModel:
    """Every analysed file's facts, joined for the project rules."""
    root: Path
    settings: Settings
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> facts
    analysed: list[str] = field(default_factory=list)
    # discovered files that could not be analysed: what depends on them is unknown, never "missing"
    unanalysed: list[str] = field(default_factory=list)
    # Report sections project checks produce (e.g. "coverage"); the runner copies them onto the ScanResult.
    sections: dict[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # --changed-since: (path, fact key) reads of the watched files, per open recording and per memo entry
    _recording: list[set[tuple[str, str]]] = field(default_factory=list, repr=False)
    _memo_reads: dict[str, set[tuple[str, str]]] = field(default_factory=dict, repr=False)
    read_values: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _resolved_imports: dict[Any, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # the semantic model's per-module parts made ahead (semantic.module_parts), taken once
    semantic_parts: dict[str, Any] | None = field(default=None, repr=False)

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

        def build() -> "SemanticModel":
            parts, self.semantic_parts = self.semantic_parts, None
            return SemanticModel(self.facts, self.unanalysed, parts)
        return self.memo("semantic", build)

    @property
    def test_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if f.get("is_test")]

    @property
    def source_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if not f.get("is_test")]

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Work several checks share (coverage data, the test import graph, the endpoint inventory) done
        once per scan. The reads of watched facts made while computing it count for every later user."""
        if key not in self._memo:
            if not self._recording:
                self._memo[key] = compute()
                return self._memo[key]
            with self.recording() as reads:
                self._memo[key] = compute()
            self._memo_reads[key] = reads
        elif self._recording and self._memo_reads.get(key):
            for open_ in self._recording:
                open_ |= self._memo_reads[key]
        return self._memo[key]

    @property
    def scope(self) -> tuple[str, ...]:
        """The folders that were scanned when they are not the whole repository (`scan backend/`)."""
        return tuple(self.settings.extra.get("scope") or ())

    def in_scope(self, path: str) -> bool:
        return not self.scope or any(path == s or path.startswith(s + "/") for s in self.scope)

    def watch(self, paths: set[str]) -> None:
        """Record what the project step reads of these files' facts (see `recording`)."""
        for path in paths:
            if path in self.facts and not isinstance(self.facts[path], _Watched):
                self.facts[path] = _Watched(self.facts[path], lambda key, path=path: self._note(path, key))

    def _note(self, path: str, key: str) -> None:
        if (path, key) not in self.read_values:
            # the value as first read: a later setdefault() by some project step must not change the
            # comparison with the base
            facts = self.facts[path]
            value = dict(dict.items(facts)) if key == ALL else dict.get(facts, key, MISSING)
            self.read_values[(path, key)] = _snapshot(value)
        for open_ in self._recording:
            open_.add((path, key))

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[tuple[str, str]]]:
        """The (path, key) reads of watched facts made inside the block, memoised work it used included."""
        reads: set[tuple[str, str]] = set()
        self._recording.append(reads)
        try:
            yield reads
        finally:
            self._recording.pop()
            for open_ in self._recording:
                open_ |= reads

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

    def resolve_import(self, importer: str, name: str) -> tuple[str, ...]:
        """Files an import string of `importer` may load: relative imports resolved against its package,
        absolute ones matched on trailing dotted components (source roots such as src/ are unknown).
        Memoised: the test rules ask about the same few thousand imports tens of thousands of times (43,000
        calls on a 250 kLOC backend, for 4,600 distinct imports), so the lookup itself must stay cheap: an
        absolute import is keyed by its name alone (it resolves the same from every importer), and the
        shared tuple is returned, never a copy. It reads no file's facts, only their paths."""
        resolved = self._resolved_imports
        key = (importer, name) if name[:1] == "." else name
        found = resolved.get(key)
        if found is None:
            found = resolved[key] = tuple(self._resolve_import(importer, name))
        return found

    def _resolve_import(self, importer: str, name: str) -> list[str]:
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
