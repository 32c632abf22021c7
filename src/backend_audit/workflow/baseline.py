"""Baselines: accept today's findings, report only new ones.

The file holds one line-free entry per finding (rule, path, enclosing symbol, normalised code and the
`backendAudit/v1` fingerprint), sorted, no timestamps, so it diffs and merges cleanly and moving code or
editing other lines does not resurrect an entry. Matching counts occurrences of each (rule, path, symbol,
code) key: a baseline with one entry hides one finding, so a second identical finding added later is
still reported. Entries nothing matched any more are listed as stale so the file can be pruned.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..findings import Finding, ScanResult, normalise_code
from ..untrusted.files import InputError, load_json, read_bounded

DEFAULT_FILE = ".backend-audit-baseline.json"
FORMAT_VERSION = 1
_FIELDS = ("rule", "path", "symbol", "snippet", "fingerprint")


def _key(rule: str, path: str, symbol: str, snippet: str) -> tuple[str, str, str, str]:
    return rule, path, symbol, normalise_code(snippet)


def entry(f: Finding) -> dict[str, str]:
    return {"rule": f.rule_id, "path": f.path, "symbol": f.symbol, "snippet": normalise_code(f.snippet),
            "fingerprint": f.fingerprint}


def render(findings: list[Finding]) -> str:
    entries = sorted((entry(f) for f in findings), key=lambda e: tuple(e[k] for k in _FIELDS))
    doc = {"tool": "backend-audit", "version": FORMAT_VERSION, "entries": entries}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


MAX_BYTES = 64 * 1024 * 1024


def load(path: Path) -> list[dict[str, str]]:
    # The baseline may come with the pull request: a FIFO, /dev/zero or deep nesting must end in one line.
    try:
        doc = load_json(read_bounded(path, MAX_BYTES), max_depth=8)
    except FileNotFoundError:
        raise ConfigError(f"baseline file {path} does not exist; create it with "
                          f"'backend-audit baseline create -o {path}'") from None
    except OSError as exc:
        raise ConfigError(f"cannot read baseline file {path}: {exc.strerror or exc}") from None
    except InputError as exc:
        raise ConfigError(f"baseline file {path} {exc}; recreate it with 'backend-audit baseline create'") from None
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
        raise ConfigError(f"baseline file {path} is not a version-{FORMAT_VERSION} backend-audit baseline")
    entries = doc.get("entries")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and all(isinstance(e.get(k, ""), str) for k in _FIELDS) and e.get("rule")
            and e.get("path") for e in entries):
        raise ConfigError(f"baseline file {path}: 'entries' must be a list of objects with rule and path")
    return entries


def resolve(value: str, config_source: str) -> Path:
    """The CLI passes absolute paths; a relative one came from the config file and is relative to it."""
    path = Path(value)
    if not path.is_absolute() and config_source:
        path = Path(config_source).parent / path
    return path


def match(result: ScanResult, entries: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
    """Hide active findings the baseline covers; return (hidden count, stale entries)."""
    remaining: Counter = Counter(_key(e["rule"], e["path"], e.get("symbol", ""), e.get("snippet", ""))
                                 for e in entries)
    hidden = 0
    for f in result.findings:
        if f.suppression is not None:
            continue
        key = _key(f.rule_id, f.path, f.symbol, f.snippet)
        if remaining[key] > 0:
            remaining[key] -= 1
            f.suppression = {"kind": "external", "justification": "baseline"}
            hidden += 1
    stale: list[dict[str, Any]] = []
    for e in sorted(entries, key=lambda e: tuple(str(e.get(k, "")) for k in _FIELDS), reverse=True):
        key = _key(e["rule"], e["path"], e.get("symbol", ""), e.get("snippet", ""))
        if remaining[key] > 0:
            remaining[key] -= 1
            stale.append({k: e.get(k, "") for k in _FIELDS})
    stale.sort(key=lambda e: tuple(e[k] for k in _FIELDS))
    return hidden, stale


def apply(result: ScanResult, settings: Any) -> None:
    value = settings.extra.get("baseline")
    if not value:
        return
    path = resolve(str(value), settings.config_source)
    hidden, stale = match(result, load(path))
    result.baseline = {"file": _shown(path, result.root), "matched": hidden, "stale": stale}


def _shown(path: Path, root: str) -> str:
    """Relative to the scanned root when inside it: the report must not carry (or vary with) the runner's
    checkout location."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)
