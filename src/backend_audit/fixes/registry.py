"""Rule id -> fixer class. A new fix is one class in a module here, listed below, plus `fix:` in its YAML."""

from __future__ import annotations

from .base import Fixer
from .calls import AddTimeout, KeepTlsVerification, SafeYamlLoad
from .defaults import NoneDefault
from .logging import KeepTraceback, LazyLogArguments, PrintToLogger
from .quality import RemoveDebuggerHook

FIXERS: dict[str, type[Fixer]] = {cls.RULE_ID: cls for cls in (
    KeepTraceback, LazyLogArguments, PrintToLogger, NoneDefault, SafeYamlLoad, KeepTlsVerification, AddTimeout,
    RemoveDebuggerHook)}


def fixer_for(rule_id: str) -> type[Fixer] | None:
    return FIXERS.get(rule_id)
