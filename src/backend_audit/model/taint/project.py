"""The taint engine's entry point for rules: the project's resolved sink flows, computed once per scan."""

from __future__ import annotations

from typing import Any

from .interproc import Engine, TaintFinding


def analyse(project: Any) -> list[TaintFinding]:
    """Every sink reached by a non-constant flow in the project, resolved; memoised on the project model."""
    def build() -> list[TaintFinding]:
        from ..frameworks.inventory import build as inventory

        facts = {p: f for p, f in project.facts.items() if not f.get("is_test")}
        views = {(e.file, e.handler) for e in inventory(project).endpoints}
        semantic = (lambda: project.semantic) if hasattr(type(project), "semantic") else None
        return Engine.build(facts, views, semantic).findings()
    return project.memo("taint_findings", build)
