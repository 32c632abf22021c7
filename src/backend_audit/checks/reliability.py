"""Reliability checks."""

from __future__ import annotations

import re
from typing import Any

from ..model.frameworks.common import HEALTH_PATH
from .api import anchor
from .app_evidence import AppEvidenceCheck
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


_RETRY_PACKAGES = ("tenacity", "backoff", "stamina", "retrying", "pybreaker", "aiobreaker", "circuitbreaker",
                   "purgatory", "retry", "opnieuw", "redo", "async_retrying")


class NoRetryPolicy(AppEvidenceCheck):
    """Outbound HTTP calls, and no retry or circuit-breaker mechanism anywhere (project check)."""

    RULE_ID = "BA-REL-002"

    def run(self, project: Any) -> list:
        calls = self.signal(project, "outbound")
        if not calls or self.signal(project, "retry") or self.imports(project, _RETRY_PACKAGES):
            return []
        path, line, what = calls[0]
        files = sorted({p for p, _, _ in calls})
        return [self.finding(path, line, f"outbound calls ({what} here, in {len(files)} file(s)) and no retry "
                             "policy anywhere (tenacity, backoff, stamina, urllib3 Retry via HTTPAdapter, httpx "
                             "transport retries, Celery autoretry_for, circuit breakers): one network blip fails "
                             "the request", snippet="retry-policy")]


_CELERY_CONFIG = ("CELERY_TASK_TIME_LIMIT", "CELERY_TASK_SOFT_TIME_LIMIT", "CELERYD_TASK_TIME_LIMIT",
                  "CELERYD_TASK_SOFT_TIME_LIMIT")


class CeleryTaskWithoutTimeLimit(AppEvidenceCheck):
    """Celery tasks with no time limit when the Celery configuration sets none either."""

    RULE_ID = "BA-REL-004"

    def run(self, project: Any) -> list:
        if self.signal(project, "celery-time-limit"):
            return []
        settings = self.inventory(project).settings
        if any(name in settings for name in _CELERY_CONFIG):
            return []
        out = []
        for path, facts in sorted(self.sources(project).items()):
            for task in facts.get("evidence", {}).get("celery_tasks", ()):
                if not task["limited"]:
                    out.append(self.finding(path, task["line"], f"Celery task {task['name']} has no time_limit or "
                                            "soft_time_limit and the Celery config sets no task_time_limit: a hung "
                                            "call holds a worker forever", symbol=task["name"],
                                            snippet=f"task {task['name']}"))
        return out
