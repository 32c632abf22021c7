"""Check classes, one per rule, bound to rules/<area>/<ID>.yaml by RULE_ID.

`all_checks()` imports every module of this package (our own code, never scanned code) and collects the
concrete subclasses of the engine base classes. The catalog test asserts the binding both ways, so a
new rule is one YAML file, one class in checks/<area>.py and its examples: nothing else to register.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import Any

from .base import AstCheck, BanditCheck, MetaCheck, ProjectCheck, RadonCheck

BASES = (AstCheck, BanditCheck, RadonCheck, ProjectCheck, MetaCheck)


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


@functools.lru_cache(maxsize=1)
def all_checks() -> dict[str, tuple[type, ...]]:
    """rule id -> its check classes (usually one; a rule may add a CST half to a bandit half)."""
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if mod != "base":
            importlib.import_module(f"{__name__}.{mod}")
    found: dict[str, list[type]] = {}
    for base in BASES:
        for cls in _subclasses(base):
            rid = getattr(cls, "RULE_ID", "")
            if rid and cls not in found.setdefault(rid, []):  # classes without RULE_ID are helpers
                found[rid].append(cls)
    return {rid: tuple(sorted(classes, key=lambda c: c.__name__)) for rid, classes in sorted(found.items())}


# What the scan's later stages ask of the check classes by rule, without the classes: a warm scan (no file
# analysed, the project record reused) needs only these answers, and importing every check module for them
# was about 0.07 s of a 0.5 s warm scan of a 250 kLOC backend.
PROJECT = "project"  # a ProjectCheck among its classes: a whole-repository rule
WHOLE_REPO = "whole_repo"  # some class of it is not sound on an explicit file list (SOUND_ON_FILE_SUBSET)
CHANGED_SINCE = "changed_since"  # some class reads the --changed-since ref (READS_CHANGED_SINCE)


@functools.lru_cache(maxsize=1)
def check_kinds() -> dict[str, dict[str, Any]]:
    """rule id -> {"kinds": [PROJECT, WHOLE_REPO, CHANGED_SINCE as they apply], "meta": [[module, class], ...]
    of its MetaChecks in all_checks' order}: from the user cache when it holds them for this very code (named
    by the stat of every module and data file of the package), else from all_checks() and stored there."""
    from .. import __version__
    from ..untrusted import user_cache

    package = Path(__file__).resolve().parent.parent
    try:
        code = sorted([*package.rglob("*.py"), *package.rglob("*.yaml")])
        name = f"check-kinds-{user_cache.files_digest(code, f'check kinds 1 {__version__}')}.json"
    except OSError:
        name = None
    stored = user_cache.read_json(name) if name else None
    if _well_formed(stored):
        return stored
    made = _kinds_of(all_checks())
    if name:
        user_cache.write_json(name, made, prune_prefix="check-kinds-")
    return made


def _kinds_of(checks: dict[str, tuple[type, ...]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for rid, classes in checks.items():
        kinds = []
        if any(issubclass(c, ProjectCheck) for c in classes):
            kinds.append(PROJECT)
        if not all(getattr(c, "SOUND_ON_FILE_SUBSET", False) for c in classes):
            kinds.append(WHOLE_REPO)
        if any(getattr(c, "READS_CHANGED_SINCE", False) for c in classes):
            kinds.append(CHANGED_SINCE)
        meta = [[c.__module__, c.__qualname__] for c in classes if issubclass(c, MetaCheck)]
        out[rid] = {"kinds": kinds, "meta": meta}
    return out


def _well_formed(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(rid, str) and isinstance(v, dict) and set(v) == {"kinds", "meta"}
        and isinstance(v["kinds"], list) and all(k in (PROJECT, WHOLE_REPO, CHANGED_SINCE) for k in v["kinds"])
        and isinstance(v["meta"], list) and all(isinstance(m, list) and len(m) == 2 and isinstance(m[0], str)
                                                 and m[0].startswith(__name__ + ".") and isinstance(m[1], str)
                                                 for m in v["meta"])
        for rid, v in data.items())


def has_kind(rule_id: str, kind: str) -> bool:
    entry = check_kinds().get(rule_id)
    return entry is not None and kind in entry["kinds"]


def meta_checks(rule_id: str) -> list[type]:
    """The rule's MetaCheck classes, importing only the modules that define them."""
    out = []
    for module, qualname in (check_kinds().get(rule_id) or {}).get("meta", ()):
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        out.append(obj)
    return out
