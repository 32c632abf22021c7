"""Project checks for logging set-up and observability (BA-LOG-005, BA-LOG-006)."""

from __future__ import annotations

from typing import Any

from .app_evidence import AppEvidenceCheck

# Packages that give every request an id and put it into the log records.
_CORRELATION_PACKAGES = ("asgi_correlation_id", "django_guid", "correlation_id", "log_request_id", "request_id",
                         "flask_request_id", "starlette_context", "django_structlog", "flask_log_request_id")
_ERROR_PACKAGES = ("rollbar", "bugsnag", "raven", "honeybadger", "airbrake", "pybrake")
_METRIC_PACKAGES = ("prometheus_client", "prometheus_fastapi_instrumentator", "django_prometheus", "statsd",
                    "datadog", "starlette_exporter", "prometheus_flask_exporter", "aioprometheus", "starlette_prometheus")
_TRACE_PACKAGES = ("opentelemetry", "ddtrace", "elasticapm", "newrelic", "jaeger_client", "zipkin")


class LoggingNotConfigured(AppEvidenceCheck):
    """No central logging configuration, no request id in the logs."""

    RULE_ID = "BA-LOG-005"

    def run(self, project: Any) -> list:
        app = self.application(project)
        if app is None:
            return []
        path, line = app
        out = []
        if not self.signal(project, "log-config"):
            out.append(self.finding(path, line, "logging is never configured centrally (no dictConfig/fileConfig, "
                                    "basicConfig, Django LOGGING, structlog.configure or loguru logger.add): levels "
                                    "and formats are whatever each library defaults to",
                                    rule_id="BA-LOG-005/no-config", snippet="logging-config"))
        correlation = self.signal(project, "correlation-id") or self.imports(project, _CORRELATION_PACKAGES) or \
            [a for a in self.installed_apps(project) + self.middleware(project)
             if a.split(".")[0] in _CORRELATION_PACKAGES]
        if not correlation:
            out.append(self.finding(path, line, "no request correlation id (asgi-correlation-id, django-guid, a "
                                    "middleware that sets X-Request-ID, structlog contextvars): the log lines of one "
                                    "request cannot be found together", rule_id="BA-LOG-005/no-correlation-id",
                                    snippet="correlation-id"))
        return out


class NoObservability(AppEvidenceCheck):
    """No error tracker, metrics or tracing at all."""

    RULE_ID = "BA-LOG-006"

    def run(self, project: Any) -> list:
        app = self.application(project)
        if app is None:
            return []
        apps = [a.split(".")[0] for a in self.installed_apps(project)]
        errors = self.signal(project, "error-tracking") or self.imports(project, _ERROR_PACKAGES) or \
            [a for a in apps if a in _ERROR_PACKAGES]
        metrics = self.imports(project, _METRIC_PACKAGES) or [a for a in apps if a in _METRIC_PACKAGES]
        traces = self.imports(project, _TRACE_PACKAGES)
        if errors or metrics or traces:
            return []
        path, line = app
        return [self.finding(path, line, "no error tracking (sentry_sdk.init, rollbar...), metrics "
                             "(prometheus_client, statsd...) or tracing (OpenTelemetry, ddtrace...) is wired in: "
                             "failures and slow requests in production go unseen", snippet="observability")]
