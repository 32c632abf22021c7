"""Reliability checks."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use
from typing import Any

from ..model.frameworks.common import HEALTH_PATH
from ..pipeline.discovery import repository_files
from ..untrusted.files import read_small_text
from .api import anchor
from .endpoint_base import EndpointCheck
from .reusable_app import HOST_OWNS, reusable_app

# A path segment naming a health probe: `/healthz`, `/utils/health-check/`, `/api/ping`, `/-/readyz`; the
# words are matched whole inside the segment, so `/shipping` is no probe.
_PROBE_WORDS = frozenset({"health", "healthz", "healthcheck", "healthchecks", "livez", "readyz", "ping",
                          "liveness", "readiness", "heartbeat"})
# Container and orchestrator probes that keep the service honest without a route of their own name.
_PROBE_FILES = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*\.dockerfile|[^/]*compose[^/]*\.ya?ml|[^/]*\.ya?ml)$", re.I)
_PROBE_TEXT = re.compile(r"^\s*HEALTHCHECK\s+(?!NONE\b)|^\s*healthcheck:\s*$|livenessProbe:|readinessProbe:",
                         re.M | re.I)
_MAX_PROBE_FILE = 256 * 1024


def _is_probe_path(path: str) -> bool:
    if HEALTH_PATH.match(path.rstrip("/") or "/"):
        return True
    return any(set(re.split(r"[^a-z0-9]+", seg.lower())) & _PROBE_WORDS for seg in path.split("/") if seg)


def _small_text(root, rel: str) -> str | None:
    """A regular file's text when it is small enough to read: the scanned tree is untrusted."""
    return read_small_text(root / rel, _MAX_PROBE_FILE)


def _container_probe(root) -> str | None:
    """The first Dockerfile/compose/Kubernetes file that declares a health probe, if any."""
    for rel in repository_files(root, limit=20_000):
        if _PROBE_FILES.search(rel) and rel.count("/") <= 4 and _PROBE_TEXT.search(_small_text(root, rel) or ""):
            return rel
    return None


class NoHealthCheck(EndpointCheck):
    RULE_ID = "BA-REL-001"
    # health-check packages; a metrics exporter (django_prometheus, starlette_exporter) is not one: its /metrics
    # answers while the database is down, and a reviewed TP (a Django app with django_prometheus and no probe)
    # went silent once INSTALLED_APPS was read through its copies
    _PACKAGES = ("health_check", "fastapi_health", "healthcheck", "flask_healthz", "django_health_check",
                 "watchman", "health", "fastapi_healthchecks", "healthcheck_python")

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        if not inv.endpoints:
            return []
        if any(_is_probe_path(e.path) for e in inv.endpoints):
            return []
        apps = inv.settings.get("INSTALLED_APPS", {}).get("value")
        if isinstance(apps, list) and any(isinstance(a, str) and a.split(".")[0] in self._PACKAGES for a in apps):
            return []
        for facts in project.facts.values():
            if any(i.split(".")[0].lstrip(".") in self._PACKAGES for i in facts.get("imports", [])):
                return []
        if _container_probe(project.root):
            return []
        # a hand-written wrapper answering a probe path (model.facts.ProbeWrapperCollector)
        if any(f.get("probe_wrapper") and not f.get("is_test") for f in project.facts.values()):
            return []
        path, line = anchor(inv)
        status = next((f["status_route"] for _, f in sorted(project.facts.items()) if f.get("status_route")), None)
        if status:
            # a `/status` literal that no route the inventory reads carries: registered through the project's
            # own route table (`routes = [("/status", StatusResource)]`), which is not traced
            return [self.finding(path, line, f"no endpoint named for a health probe among {len(inv.endpoints)} "
                                 f"endpoint(s) found, but the code names the path {status}: a status route registered "
                                 "in a way not traced (a project route table) may be the health check; point the "
                                 "orchestrator's probe at it, or add /healthz",
                                 level="note", snippet="health-check", properties={"sub": "status-route"})]
        if reusable_app(project, inv):
            return [self.finding(path, line, f"no health-check endpoint among {len(inv.endpoints)} endpoint(s), but "
                                 f"this is {HOST_OWNS}", level="note", snippet="health-check",
                                 properties={"sub": "reusable-app"})]
        return [self.finding(path, line, f"no health-check endpoint among {len(inv.endpoints)} endpoint(s): add "
                             "/healthz (liveness) and a readiness check", snippet="health-check")]
