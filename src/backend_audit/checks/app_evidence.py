"""Base for project rules that look for evidence of a practice (logging set up, error tracking, caching, retries)
anywhere in an application: they flag once, on the app factory or settings, only when none is found, and stay
silent on libraries (no endpoint, app factory, Django settings or Celery app: nothing to configure)."""

from __future__ import annotations

from typing import Any

from ..model.evidence import collected, imports_by_top
from .api import anchor
from .endpoint_base import EndpointCheck


class AppEvidenceCheck(EndpointCheck):
    def application(self, project: Any) -> tuple[str, int] | None:
        """Where the application is declared (the finding's anchor), or None for a library."""
        inv = self.inventory(project)
        if inv.endpoints or inv.roots:
            return anchor(inv)
        for key in ("INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF"):
            if key in inv.settings:
                return inv.settings[key]["file"], inv.settings[key]["line"]
        return None

    @staticmethod
    def sources(project: Any) -> dict[str, dict[str, Any]]:
        """Facts of application code: evidence in tests says nothing about how production runs."""
        return {p: f for p, f in project.facts.items() if not f.get("is_test")}

    def signal(self, project: Any, name: str) -> list[tuple[str, int, str]]:
        return collected(self.sources(project), name)

    def imports(self, project: Any, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
        """(path, module) of each import of a module under one of `prefixes` (top-level names), sorted, from
        one index by top-level name that these rules share (each walked every import of every file, several
        times a scan)."""
        index = project.memo("app_imports_by_top", lambda: imports_by_top(self.sources(project)))
        return sorted({pair for top in set(prefixes) for pair in index.get(top, ())})

    def installed_apps(self, project: Any) -> list[str]:
        apps = self.inventory(project).settings.get("INSTALLED_APPS", {}).get("value")
        return [a for a in apps if isinstance(a, str)] if isinstance(apps, list) else []

    def middleware(self, project: Any) -> list[str]:
        settings = self.inventory(project).settings
        mw = (settings.get("MIDDLEWARE") or settings.get("MIDDLEWARE_CLASSES") or {}).get("value")
        return [m for m in mw if isinstance(m, str)] if isinstance(mw, list) else []


def where(found: list[tuple[str, Any]]) -> str:
    """A short 'path:line' list for messages and evidence."""
    shown = [f"{p}:{x}" if isinstance(x, int) else f"{p} ({x})" for p, x, *_ in found[:3]]
    return ", ".join(shown) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
