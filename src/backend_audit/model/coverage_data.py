"""Coverage data as coverage.py writes it: Cobertura `coverage.xml` or `coverage.json`, mapped onto repo paths.

Read-only and never trusting: the XML goes through expat with every DTD, entity declaration and external
reference refused (a coverage report has no business declaring entities, so a billion-laughs file is an
error, not a slow scan). Paths are mapped to files of the scanned repository whatever machine or source
root produced the report; entries that match nothing, and files changed since the data was written, are
kept as evidence so the rules can say so instead of quietly using wrong figures.
"""

from __future__ import annotations

import os
from ..checks.lazy_re import re  # compiled on first use
import sys
from dataclasses import field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from ..errors import ConfigError
from ..records import dataclass
from ..untrusted.files import InputError, inside, load_json, read_bounded

DEFAULT_NAMES = ("coverage.xml", "coverage.json")
MAX_BYTES = 256 * 1024 * 1024
MAX_XML_DEPTH = 64
HOW_TO = "run `pytest --cov --cov-report=xml` (or `coverage xml`) before the scan, or pass --coverage FILE"
_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


class CoverageError(Exception):
    """The coverage file exists but cannot be used (malformed, unsafe, unknown format)."""


@dataclass
class FileCoverage:
    """One file's statements, executed lines and branches."""
    statements: set[int] = field(default_factory=set)
    executed: set[int] = field(default_factory=set)
    branches: int = 0
    branches_covered: int = 0

    @property
    def missing(self) -> set[int]:
        return self.statements - self.executed

    @property
    def percent(self) -> float:
        return percent(len(self.executed), len(self.statements), self.branches_covered, self.branches)

    def add(self, other: "FileCoverage") -> None:
        self.statements |= other.statements
        self.executed |= other.executed
        self.branches += other.branches
        self.branches_covered += other.branches_covered


@dataclass
class CoverageData:
    """A coverage report's files, as read from Cobertura XML or coverage.py JSON."""
    source: Path
    format: str  # "cobertura" | "json"
    raw: dict[str, FileCoverage]  # as named in the report
    roots: tuple[str, ...] = ()  # Cobertura <source> entries
    files: dict[str, FileCoverage] = field(default_factory=dict)  # repo-relative path -> data
    unmatched: list[str] = field(default_factory=list)  # report entries that name no repo file
    stale: dict[str, str] = field(default_factory=dict)  # repo path -> why its data looks out of date

    def totals(self) -> tuple[int, int, float]:
        """(statements, missing, percent) over every entry in the report, like `coverage report`'s TOTAL."""
        stmts = sum(len(fc.statements) for fc in self.raw.values())
        run = sum(len(fc.executed) for fc in self.raw.values())
        branches = sum(fc.branches for fc in self.raw.values())
        covered = sum(fc.branches_covered for fc in self.raw.values())
        return stmts, stmts - run, percent(run, stmts, covered, branches)


def percent(run: int, statements: int, branches_covered: int = 0, branches: int = 0) -> float:
    """coverage.py's figure: statements and branch exits together, as `coverage report` prints it."""
    total = statements + branches
    return 100.0 * (run + branches_covered) / total if total else 100.0


def display_percent(pc: float, precision: int = 2) -> float:
    """Round like coverage.py's report: never 100 unless complete, never 0 unless nothing ran."""
    near0 = 1.0 / 10 ** precision
    if 0 < pc < near0:
        return near0
    if 100.0 - near0 < pc < 100:
        return round(100.0 - near0, precision)
    return round(pc, precision)


# --- parsing -----------------------------------------------------------------------------------------

def _refuse(*_: Any) -> None:
    raise CoverageError("the XML declares a DTD or entities, which a coverage report never needs; refused")


def parse_cobertura(data: bytes) -> tuple[dict[str, FileCoverage], tuple[str, ...]]:
    """Stream the Cobertura XML with expat: only <source> and each class's own <lines> are read."""
    import xml.parsers.expat  # here, not at import: most scans read no coverage file

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    files: dict[str, FileCoverage] = {}
    sources: list[str] = []
    stack: list[str] = []
    current: list[FileCoverage | None] = [None]
    text: list[str] = []
    seen_root: list[bool] = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if not stack:
            if name != "coverage":
                raise CoverageError(f"root element is <{name}>, not a Cobertura <coverage>")
            seen_root[0] = True
        stack.append(name)
        if len(stack) > MAX_XML_DEPTH:  # Cobertura is 6 deep; anything far past it is not a coverage report
            raise CoverageError(f"elements nested deeper than {MAX_XML_DEPTH} levels")
        if name == "class":
            filename = attrs.get("filename")
            if not filename:
                raise CoverageError("a <class> has no filename attribute")
            current[0] = files.setdefault(filename, FileCoverage())
        elif name == "line" and current[0] is not None and stack[-3:-1] == ["class", "lines"]:
            _add_line(current[0], attrs)
        elif name == "source":
            text.clear()

    def end(name: str) -> None:
        stack.pop()
        if name == "class":
            current[0] = None
        elif name == "source" and "".join(text).strip():
            sources.append("".join(text).strip())

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise CoverageError(f"not well-formed XML ({exc})") from None
    if not seen_root[0]:
        raise CoverageError("empty document")
    return files, tuple(sources)


def _add_line(fc: FileCoverage, attrs: dict[str, str]) -> None:
    try:
        number, hits = int(attrs["number"]), int(attrs.get("hits", "0"))
    except (KeyError, ValueError):
        raise CoverageError("a <line> lacks a numeric number or hits attribute") from None
    fc.statements.add(number)
    if hits > 0:
        fc.executed.add(number)
    if attrs.get("branch") == "true":
        m = _CONDITION.search(attrs.get("condition-coverage", ""))
        if m:
            fc.branches_covered += int(m.group(1))
            fc.branches += int(m.group(2))


def parse_json(data: bytes) -> dict[str, FileCoverage]:
    try:
        doc = load_json(data, max_depth=16)
    except InputError as exc:
        raise CoverageError(f"the file {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        raise CoverageError("no 'files' table: not a coverage.py JSON report (`coverage json`)")
    out: dict[str, FileCoverage] = {}
    for name, entry in doc["files"].items():
        try:
            executed = {int(n) for n in entry.get("executed_lines", ())}
            missing = {int(n) for n in entry.get("missing_lines", ())}
            summary = entry.get("summary") or {}
            branches = int(summary.get("num_branches", 0))
            covered = int(summary.get("covered_branches", 0))
        except (AttributeError, TypeError, ValueError):
            raise CoverageError(f"entry for {name!r} is not shaped like coverage.py's JSON") from None
        out[str(name)] = FileCoverage(executed | missing, executed, branches, covered)
    return out


def read(path: Path) -> CoverageData:
    try:
        # non-blocking and bounded: a FIFO or /dev/zero named as the coverage file must not hang the scan
        data = read_bounded(path, MAX_BYTES)
    except InputError as exc:
        raise CoverageError(f"the file {exc}") from None
    except OSError as exc:
        raise CoverageError(exc.strerror or str(exc)) from None
    head = data.lstrip()[:1]
    if head == b"{":
        return CoverageData(path, "json", parse_json(data))
    files, sources = parse_cobertura(data)
    return CoverageData(path, "cobertura", files, sources)


# --- locating and mapping ----------------------------------------------------------------------------

def locate(root: Path, explicit: str | os.PathLike | None, base: Path | None = None) -> Path | None:
    """The coverage file to use: the one given (must exist), else coverage.xml / coverage.json at root."""
    if explicit:
        path = Path(explicit)
        if not path.is_absolute():
            path = (base or root) / path
        if path.exists() and not path.is_file():
            raise ConfigError(f"coverage file {path} is not a regular file (FIFO, socket, device or directory)")
        if not path.is_file():
            raise ConfigError(f"coverage file {path} does not exist; produce it with "
                              "`pytest --cov --cov-report=xml` or fix --coverage")
        return path
    for name in DEFAULT_NAMES:
        # Found, not named: a committed coverage.xml symlink must not make us read a file outside the tree.
        if (root / name).is_file() and inside(root / name, root):
            return root / name
    return None


def _components(name: str) -> list[str]:
    name = name.replace("\\", "/")
    if re.match(r"^[A-Za-z]:/", name):  # a report written on Windows
        name = name[2:]
    return [p for p in PurePosixPath(name).parts if p not in ("/", ".")]


def map_path(name: str, roots: Iterable[str], root: Path, exists: Callable[[str], bool]) -> str | None:
    """The repo path a report entry names: its source root joined on, then the longest tail of the path
    that is a file here (reports from CI runners and containers carry other absolute prefixes)."""
    candidates = [_components(r.rstrip("/\\") + "/" + name) for r in roots] if not os.path.isabs(name) else []
    candidates.append(_components(name))
    root_parts = list(root.parts[1:]) if root.is_absolute() else []
    for parts in candidates:
        if root_parts and parts[:len(root_parts)] == root_parts:
            parts = parts[len(root_parts):]
        if ".." in parts:
            continue
        for i in range(len(parts)):
            rel = "/".join(parts[i:])
            if rel and exists(rel):
                return rel
    return None


def attach(cov: CoverageData, root: Path, known: set[str]) -> CoverageData:
    """Map every report entry onto the repository and flag the data that no longer fits the files."""
    cache: dict[str, bool] = {}

    def exists(rel: str) -> bool:
        if rel in known:
            return True
        if rel not in cache:
            # a name from the report: only a regular file that stays in the tree (no symlink out)
            try:
                cache[rel] = (root / rel).is_file() and inside(root / rel, root)
            except OSError:  # a name too long for the file system (ENAMETOOLONG): no such file here
                cache[rel] = False
        return cache[rel]

    for name in sorted(cov.raw):
        rel = map_path(name, cov.roots, root, exists)
        if rel is None:
            cov.unmatched.append(name)
            continue
        cov.files.setdefault(rel, FileCoverage()).add(cov.raw[name])
    try:
        sys.audit("backend_audit.stat", os.fspath(cov.source))  # the project record keys on this mtime
        written = cov.source.stat().st_mtime_ns
    except OSError:
        written = None
    for rel, fc in sorted(cov.files.items()):
        reason = staleness(root / rel, fc, written)
        if reason:
            cov.stale[rel] = reason
    return cov


def staleness(path: Path, fc: FileCoverage, written_ns: int | None) -> str | None:
    """Why this file's coverage data cannot describe its current text, or None when it plausibly does."""
    try:
        if written_ns is not None:
            sys.audit("backend_audit.stat", os.fspath(path))  # the project record keys on this mtime
        if written_ns is not None and path.stat().st_mtime_ns > written_ns:
            return "modified after the coverage data was written"
        lines = read_bounded(path, MAX_BYTES).decode("utf-8", errors="replace").splitlines()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    except InputError as exc:
        return f"unreadable (the file {exc})"
    for n in sorted(fc.statements):
        if n > len(lines):
            return f"the data names line {n} but the file has {len(lines)} lines"
        stripped = lines[n - 1].strip()
        if not stripped or stripped.startswith("#"):
            return f"the data counts line {n} as code but it is blank or a comment now"
    return None


def summary(cov: CoverageData, root: Path) -> dict[str, Any]:
    """The `result.coverage` section every reporter reads."""
    statements, missing, total = cov.totals()
    modules = [{"path": rel, "percent": display_percent(fc.percent), "statements": len(fc.statements),
                "missing": len(fc.missing)} for rel, fc in cov.files.items()]
    modules.sort(key=lambda m: (m["percent"], m["path"]))
    return {
        "total": display_percent(total),
        "statements": statements,
        "missing": missing,
        "modules": modules,
        "diff": None,
        "source": display_source(cov.source, root),
        "format": cov.format,
        "stale": sorted(cov.stale),
        "unmatched": list(cov.unmatched),
    }


def display_source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
