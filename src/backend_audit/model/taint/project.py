"""The taint engine's entry point for rules: the project's resolved sink flows, computed once per scan."""

from __future__ import annotations

from typing import Any

from .interproc import Engine, TaintFinding


def analyse(project: Any) -> list[TaintFinding]:
    """Every sink reached by a non-constant flow in the project, resolved; memoised on the project model."""
    def build() -> list[TaintFinding]:
        from ..frameworks.inventory import build as inventory

        facts = {p: f for p, f in project.facts.items() if not f.get("is_test")}
        endpoints = inventory(project).endpoints
        views = {(e.file, e.handler) for e in endpoints}
        routes: dict[tuple[str, str], list[str]] = {}
        for e in endpoints:
            routes.setdefault((e.file, e.handler), []).append(e.path or "")
        # the semantic model only when a rule already built it this scan: on pretalx it links nothing our own
        # references miss and costs 0.5 s of every warm scan
        semantic = (lambda: getattr(project, "_memo", {}).get("semantic")) if hasattr(project, "_memo") else None
        return Engine.build(facts, views, semantic, routes).findings()
    return project.memo("taint_findings", build)
