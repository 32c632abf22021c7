"""Plain-data results that flow through the pipeline.

Workers return these (never CST nodes) so they pickle cheaply across the process pool and can be
cached as JSON. Every reporter reads a ScanResult; none recomputes anything.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import asdict, field
from typing import Any

from .records import dataclass

LEVELS = ("error", "warning", "note")
LEVEL_RANK = {"error": 3, "warning": 2, "note": 1, "never": 99}


@dataclass
class Finding:
    """One reported problem: where, which rule and level, what the code shows."""
    rule_id: str
    path: str  # repo-relative, POSIX
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, one past the last character
    level: str
    message: str
    engine: str
    # Normalised code of the flagged node: the line-free part of the fingerprint.
    snippet: str = ""
    # Qualified name of the enclosing function/class ("" at module level).
    symbol: str = ""
    fingerprint: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    # Set by suppressions/baseline; such findings never fail the run.
    suppression: dict[str, str] | None = None
    # Taint findings: how the data got to the sink, source first, sink last; each step
    # {"path", "line", "column", "message"}. Not part of the fingerprint.
    trace: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        # A sub-check ("BA-DEP-002/hsts", catalog §1.1) reports under its parent id so selection,
        # suppression, baselines and SARIF rule lookup all work on the id users know; the sub-check
        # name travels in properties["sub"].
        if "/" in self.rule_id:
            parent, _, sub = self.rule_id.partition("/")
            self.rule_id = parent
            self.properties = {**self.properties, "sub": sub}

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule_id, self.end_line, self.end_column, self.message)

    def to_dict(self) -> dict[str, Any]:
        # dataclasses.asdict deep-copies field by field (a tenth of a warm scan's report on a large repo):
        # the fields are scalars but two, and only those two containers need copying
        data = dict(self.__dict__)
        if self.properties:
            data["properties"] = copy.deepcopy(self.properties)
        else:
            del data["properties"]
        if self.suppression is None:
            del data["suppression"]
        else:
            data["suppression"] = dict(self.suppression)
        if not data["trace"]:
            del data["trace"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return cls(**data)


@dataclass
class Skipped:
    """A file that could not be analysed (or only partly): never silently lost."""

    path: str
    reason: str
    # "skipped": nothing ran on the file. "partial": some engines ran, the ones named in reason did not.
    kind: str = "skipped"
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["line"] is None:
            del data["line"]
        return data


@dataclass
class FileResult:
    """What analysing one file gave: its findings, facts for the project pass, skips and timings."""
    path: str
    findings: list[Finding] = field(default_factory=list)
    # Per-file facts for the project pass (endpoints, routers, settings, imports...). Plain JSON data.
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    lines: int = 0
    analysed: bool = True

    def fact(self, key: str, default: Any = None) -> Any:
        """One fact by key: what the stages after the project pass read (a cached result decodes its bulky
        facts, kept for the project pass, only when something asks for them)."""
        return self.facts.get(key, default)


@dataclass
class ScanResult:
    """A whole scan: every finding and skip, the counts, and the sections the reporters write."""
    root: str  # absolute path of the scanned root (the repository root when inside git)
    tool_version: str
    rules: list[Any]  # catalog.Rule objects that could fire in this configuration
    findings: list[Finding]
    skipped: list[Skipped]
    files_scanned: int
    lines_scanned: int
    duration: float
    fail_on: str
    file_results: list[FileResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Every file discovery found: each ends analysed (files_scanned, of which files_partial only partly)
    # or skipped with a reason (files_skipped), so files_scanned + files_skipped == files_discovered.
    files_discovered: int = 0
    # Python files in hidden tooling folders left out by default: folder -> count (not in files_discovered)
    excluded: dict[str, int] = field(default_factory=dict)
    # Filled by later stages when present; reporters show them when not None.
    endpoints: list[dict[str, Any]] | None = None
    frameworks: dict[str, Any] | None = None  # web frameworks seen: endpoints found, or "not modelled"
    checklist: dict[str, Any] | None = None
    coverage: dict[str, Any] | None = None
    baseline: dict[str, Any] | None = None
    below_level: dict[str, Any] | None = None  # min-level: the level asked for and how many it hid
    changes: dict[str, Any] | None = None  # --changed-since: ref, merge base, what was left out
    notifications: list[dict[str, Any]] = field(default_factory=list)
    execution_successful: bool = True

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    @property
    def suppressed_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is not None]

    def counts(self) -> dict[str, int]:
        counts = {lvl: 0 for lvl in LEVELS}
        for f in self.active_findings:
            counts[f.level] = counts.get(f.level, 0) + 1
        return counts

    @property
    def files_skipped(self) -> int:
        return len({s.path for s in self.skipped if s.kind == "skipped"})

    @property
    def files_partial(self) -> int:
        return len({s.path for s in self.skipped if s.kind == "partial"})

    def failed(self) -> bool:
        threshold = LEVEL_RANK[self.fail_on]
        return any(LEVEL_RANK[f.level] >= threshold for f in self.active_findings)


_WS = re.compile(r"\s+")


def normalise_code(text: str) -> str:
    """Collapse whitespace so re-indenting or re-wrapping code keeps a fingerprint."""
    return _WS.sub(" ", text).strip()


def assign_fingerprints(findings: list[Finding]) -> None:
    """Give every finding its line-free `backendAudit/v1` fingerprint.

    sha256 over rule id, path, enclosing symbol, normalised snippet and the occurrence index among
    identical keys, so moving code keeps the fingerprint and a second identical finding gets a new one.
    Expects findings already sorted.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    for f in findings:
        key = (f.rule_id, f.path, f.symbol, normalise_code(f.snippet))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        payload = "\x1f".join((*key, str(occurrence)))
        f.fingerprint = hashlib.sha256(payload.encode("utf-8")).hexdigest()
