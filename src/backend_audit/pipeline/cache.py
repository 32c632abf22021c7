"""Content-hash cache of per-file results, so an unchanged file is never parsed twice.

An entry is one JSON file named by sha256(salt, repo-relative path, file bytes). The salt covers
everything else a FileResult depends on: the tool's own code, the rule pack, the enabled rules and
their options, and the Settings fields the per-file step reads. JSON rather than pickle because the
cache directory sits in the scanned repository: loading an entry must never run code.

Concurrent scans are safe (each write goes to a temporary file, then os.replace). A bad entry
(truncated, other version, wrong key) is a miss and gets rewritten. After a scan that wrote
entries, the oldest entries (by mtime; hits refresh it) go until the directory fits its size cap.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..config import Settings
from .discovery import SourceRef
from ..findings import FileResult, Finding, Skipped

FORMAT = 1
DEFAULT_DIR = ".backend-audit-cache"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# backend-audit result cache: safe to delete.\n"
# Results of these kinds depend on the run (a slow machine, a crashed worker), not on the file.
_TRANSIENT = ("internal error", "timed out", "timeout", "time limit", "worker")


def _code_digest() -> str:
    """Stat of our own modules: an editable install picks up code changes without a version bump."""
    h = hashlib.sha256(__version__.encode())
    base = Path(__file__).parent
    for p in sorted(base.rglob("*.py")):
        st = p.stat()
        h.update(f"{p.relative_to(base).as_posix()}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def salt_for(settings: Settings, enabled: Iterable[str], options: dict[str, dict[str, Any]],
             pack_version: str) -> str:
    payload = {
        "format": FORMAT, "code": _code_digest(), "pack": pack_version, "enabled": sorted(enabled),
        "options": options, "max_file_size": settings.max_file_size, "max_nesting": settings.max_nesting,
        "test_paths": list(settings.test_paths), "per_file_ignores": [list(p) for p in settings.per_file_ignores],
        "fixes": bool(settings.extra.get("fixes")),  # results with fixes computed are kept apart
        # user taint models change what the per-file summaries hold
        "taint_models": settings.extra.get("taint_models_data", []),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode()).hexdigest()


def cache_dir_for(root: Path, settings: Settings) -> Path | None:
    """Where this scan's cache lives, or None when caching is off (--no-cache)."""
    if settings.extra.get("no_cache"):
        return None
    configured = settings.extra.get("cache_dir")
    if not configured:
        return root / DEFAULT_DIR
    path = Path(str(configured)).expanduser()
    if not path.is_absolute():
        base = Path(settings.config_source).parent if settings.config_source else root
        path = base / path
    return path


def to_dict(result: FileResult) -> dict[str, Any]:
    return {"path": result.path, "lines": result.lines, "analysed": result.analysed, "facts": result.facts,
            "findings": [asdict(f) for f in result.findings], "skipped": [asdict(s) for s in result.skipped]}


def from_dict(data: dict[str, Any]) -> FileResult:
    return FileResult(path=data["path"], lines=data["lines"], analysed=data["analysed"], facts=data["facts"],
                      findings=[Finding(**f) for f in data["findings"]],
                      skipped=[Skipped(**s) for s in data["skipped"]])


def cacheable(result: FileResult) -> bool:
    return not any(any(t in s.reason for t in _TRANSIENT) for s in result.skipped)


class ResultCache:
    def __init__(self, directory: Path, salt: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.entries = directory / f"v{FORMAT}"
        self.salt = salt
        self.max_bytes = max_bytes
        self.hits = self.misses = self.written = 0

    def key(self, ref: SourceRef) -> str | None:
        """None when the file cannot be read: the analysis step reports that, uncached."""
        try:
            with open(ref.abs, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        h = hashlib.sha256(self.salt.encode())
        h.update(b"\0" + ref.rel.encode("utf-8", "surrogateescape") + b"\0")
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key}.json"

    def get(self, key: str, rel: str) -> FileResult | None:
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                data = json.loads(fh.read())
            if data.get("key") != key or data["result"]["path"] != rel:
                return None
            result = from_dict(data["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            os.utime(path)  # recently used: last to be evicted
        except OSError:
            pass
        return result

    def put(self, key: str, result: FileResult) -> None:
        if not cacheable(result):
            return
        try:
            payload = json.dumps({"key": key, "result": to_dict(result)}, separators=(",", ":"))
        except (TypeError, ValueError):
            return  # a fact that is not plain JSON: analyse this file again next time
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, path)
            self.written += 1
        except OSError:
            return  # read-only tree or full disk: caching is an optimisation, never a failure

    def split(self, files: list[SourceRef]) -> tuple[list[SourceRef], list[SourceRef], dict[str, str]]:
        """(files with an entry, files to analyse, rel path -> key) without reading any entry yet: the
        misses can go to the workers first and the entries load meanwhile (`load`)."""
        found: list[SourceRef] = []
        misses: list[SourceRef] = []
        keys: dict[str, str] = {}
        for ref in files:
            key = self.key(ref)
            if key:
                keys[ref.rel] = key
            if key and os.path.exists(self._path(key)):
                found.append(ref)
            else:
                misses.append(ref)
        self.misses = len(misses)
        return found, misses, keys

    def load(self, found: list[SourceRef], keys: dict[str, str]) -> tuple[dict[str, FileResult], list[SourceRef]]:
        """(results, files whose entry turned out unreadable or foreign: analyse them too)."""
        hits: dict[str, FileResult] = {}
        bad: list[SourceRef] = []
        for ref in found:
            result = self.get(keys[ref.rel], ref.rel)
            if result is None:
                bad.append(ref)
            else:
                hits[ref.rel] = result
        self.hits, self.misses = len(hits), self.misses + len(bad)
        return hits, bad

    def store(self, results: Iterable[FileResult], keys: dict[str, str]) -> None:
        for result in results:
            key = keys.get(result.path)
            if key:
                self.put(key, result)
        if self.written:
            self._mark()
            self.evict()

    def _mark(self) -> None:
        """CACHEDIR.TAG keeps backup tools out; the .gitignore keeps the cache out of commits."""
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
            path = self.directory / name
            if not path.exists():
                try:
                    path.write_text(text, encoding="utf-8")
                except OSError:
                    pass

    def evict(self) -> None:
        entries: list[tuple[float, int, Path]] = []
        total = 0
        for path in self.entries.glob("*/*.json"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
            total += st.st_size
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            if total <= self.max_bytes * 0.8:  # headroom, so the next scan does not evict again
                break


def open_cache(root: Path, settings: Settings, selection) -> ResultCache | None:
    directory = cache_dir_for(root, settings)
    if directory is None:
        return None
    from ..catalog import pack_version

    enabled = selection.enabled_ids()
    options = {rid: selection.options(rid) for rid in enabled}
    return ResultCache(directory, salt_for(settings, enabled, options, pack_version()))
