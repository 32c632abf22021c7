"""Fact collectors: batched visitors that record plain-data facts about a file for the project pass.

They run in the same single libcst traversal as the checks, on every parsed file (facts feed
whole-repo rules, so they do not depend on which per-file rules are enabled).
"""

from __future__ import annotations

import libcst as cst

from .checks.base import FileContext, dotted


class ImportsCollector(cst.BatchableCSTVisitor):
    """Modules this file imports (absolute, or relative with leading dots): test-to-module mapping."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[str] = ctx.facts.setdefault("imports", [])

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name:
                self.found.append(name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = "." * len(node.relative) + (dotted(node.module) or "" if node.module is not None else "")
        self.found.append(base)
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = dotted(alias.name)
                if name:
                    self.found.append(f"{base}.{name}" if not base.endswith(".") else f"{base}{name}")


def collectors() -> list[type]:
    from .django_settings import SettingsCollector

    return [ImportsCollector, SettingsCollector]
