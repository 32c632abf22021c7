"""Resilience project checks: outbound calls without any retry policy (BA-REL-002), Celery tasks without a time
limit (BA-REL-004)."""

from __future__ import annotations

from typing import Any

from .app_evidence import AppEvidenceCheck


_RETRY_PACKAGES = ("tenacity", "backoff", "stamina", "retrying", "pybreaker", "aiobreaker", "circuitbreaker",
                   "purgatory", "retry", "opnieuw", "redo", "async_retrying")


_TOOLING = frozenset({"scripts", "script", "bin", "tools", "dev", "docs"})


class NoRetryPolicy(AppEvidenceCheck):
    """Outbound HTTP calls, and no retry or circuit-breaker mechanism anywhere (project check)."""

    RULE_ID = "BA-REL-002"

    def run(self, project: Any) -> list:
        # calls made by dev scripts and tooling are not the application's outbound traffic
        calls = [c for c in self.signal(project, "outbound") if not _TOOLING.intersection(c[0].split("/")[:-1])]
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
