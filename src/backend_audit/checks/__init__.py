"""Check classes, one per rule, bound to rules/<area>/<ID>.yaml by RULE_ID.

`all_checks()` imports every module of this package (our own code, never scanned code) and collects the
concrete subclasses of the engine base classes. The catalog test asserts the binding both ways, so a
new rule is one YAML file, one class in checks/<area>.py and its examples: nothing else to register.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

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
