"""BA-PERF-005: the application shows no caching layer at all (project check)."""

from __future__ import annotations

from typing import Any

from .app_evidence import AppEvidenceCheck

_CACHE_PACKAGES = ("cachetools", "fastapi_cache", "flask_caching", "aiocache", "diskcache", "pymemcache",
                   "django_redis", "cacheops", "dogpile", "cachalot", "redis_cache", "aiomcache", "async_lru",
                   "requests_cache", "hishel", "cashews")
# Django backends that cache nothing, or only inside one process of one server.
_NO_SHARED_CACHE = ("django.core.cache.backends.dummy.DummyCache", "django.core.cache.backends.locmem.LocMemCache")


class NoCachingLayer(AppEvidenceCheck):
    RULE_ID = "BA-PERF-005"

    def evidence(self, project: Any) -> list[str]:
        """What the repository shows of caching, as 'what (where)' strings; empty when nothing."""
        found = [f"{detail} ({path}:{line})" for path, line, detail in self.signal(project, "cache")]
        for path, line, backend in self.signal(project, "cache-setting"):
            if backend and all(b not in _NO_SHARED_CACHE for b in backend.split(",")):
                found.append(f"Django CACHES backend {backend} ({path}:{line})")
        found += [f"{module} ({path})" for path, module in self.imports(project, _CACHE_PACKAGES)]
        found += [f"{module} ({path})" for path, module in self.imports(project, ("django",))
                  if module.startswith("django.core.cache")]
        return found

    def run(self, project: Any) -> list:
        app = self.application(project)
        if app is None or self.evidence(project):
            return []
        path, line = app
        return [self.finding(path, line, "no caching layer found (no cache backend, cache decorator on I/O, "
                             "cachetools/fastapi-cache/Flask-Caching, Redis SETEX, or Cache-Control/ETag headers): "
                             "every request recomputes everything", snippet="caching")]
