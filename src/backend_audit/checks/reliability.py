"""Reliability checks."""

from __future__ import annotations

import re
from typing import Any

from ..model.frameworks.common import HEALTH_PATH
from .api import anchor
from .endpoint_base import EndpointCheck


class NoHealthCheck(EndpointCheck):
    RULE_ID = "BA-REL-001"
    _PACKAGES = ("health_check", "fastapi_health", "healthcheck", "flask_healthz", "django_health_check",
                 "watchman", "django_prometheus")

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        if not inv.endpoints:
            return []
        if any(HEALTH_PATH.match(e.path.rstrip("/") or "/") or re.search(r"(?i)/(health\w*|livez|readyz)(/|$)",
                                                                         e.path) for e in inv.endpoints):
            return []
        apps = inv.settings.get("INSTALLED_APPS", {}).get("value")
        if isinstance(apps, list) and any(isinstance(a, str) and a.split(".")[0] in self._PACKAGES for a in apps):
            return []
        for facts in project.facts.values():
            if any(i.split(".")[0].lstrip(".") in self._PACKAGES for i in facts.get("imports", [])):
                return []
        path, line = anchor(inv)
        return [self.finding(path, line, f"no health-check endpoint among {len(inv.endpoints)} endpoint(s): add "
                             "/healthz (liveness) and a readiness check", snippet="health-check")]
