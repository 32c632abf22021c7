"""Project evidence a whole-repository rule needs and an import list cannot show: which calls, settings and
declarations configure logging, error handlers, caches, retries, Celery limits and ORM models.

One fact collector in the single `ast` walk records, per file, `facts["evidence"]`:
  {signal: [[line, detail], ...]}   at most a few occurrences per signal, in source order
  "celery_tasks": [{"name", "line", "limited"}]   task definitions and whether they set a time limit
  "orm_models": [{"name", "line", "kind"}]         SQLAlchemy / SQLModel / Django model classes
The project rules (checks/observability.py, reliability, migrations) read these plain facts; nothing here
decides a finding.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..checks.base import FileContext, dotted

_MAX_PER_SIGNAL = 3

# qualified call -> signal
_CALLS = {
    "logging.config.dictConfig": "log-config", "logging.config.fileConfig": "log-config",
    "logging.basicConfig": "log-config", "structlog.configure": "log-config", "loguru.logger.add": "log-config",
    "structlog.contextvars.merge_contextvars": "correlation-id",
    "structlog.contextvars.bind_contextvars": "correlation-id",
    "sentry_sdk.init": "error-tracking", "rollbar.init": "error-tracking", "bugsnag.configure": "error-tracking",
    "honeybadger.honeybadger.configure": "error-tracking", "raven.Client": "error-tracking",
    "urllib3.util.retry.Retry": "retry", "urllib3.Retry": "retry", "urllib3.util.Retry": "retry",
    "requests.adapters.Retry": "retry", "requests.packages.urllib3.util.retry.Retry": "retry",
    "rq.Retry": "retry", "rq.job.Retry": "retry", "rq.retry.Retry": "retry",
    "dramatiq.middleware.Retries": "retry",
}
# the last part of a call name that means "outbound HTTP" when its module is one of these
_OUTBOUND_MODULES = ("requests", "httpx", "aiohttp", "urllib.request", "urllib3")
_OUTBOUND_TAILS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen",
                             "ClientSession", "Client", "AsyncClient", "Session", "PoolManager", "stream"})
_CORRELATION = re.compile(r"(?i)^(x-)?(request|correlation|trace)[-_]id$")
_CACHE_HEADERS = re.compile(r"(?i)^(cache-control|etag|expires|last-modified)$")
_CELERY_LIMITS = re.compile(r"(?i)^(celeryd?_)?(task_)?(soft_)?time_limit$")
_IO_TAILS = frozenset({"execute", "fetchone", "fetchall", "fetch", "fetchrow", "query", "filter", "urlopen",
                       "request", "scalars", "scalar", "read_text", "read_bytes", "load", "objects"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head"})
_DJANGO_CACHE_DECORATORS = ("django.views.decorators.cache.cache_page", "django.views.decorators.cache.cache_control",
                            "django.views.decorators.http.etag", "django.views.decorators.http.condition",
                            "django.views.decorators.http.last_modified")
_LRU = ("functools.lru_cache", "functools.cache", "cachetools.cached", "cachetools.func.ttl_cache",
        "cachetools.func.lru_cache", "async_lru.alru_cache", "aiocache.cached", "fastapi_cache.decorator.cache",
        "django.utils.functional.cached_property")


def _limited(keywords: list[ast.keyword]) -> bool:
    return any(kw.arg in ("time_limit", "soft_time_limit") for kw in keywords)


class EvidenceCollector:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.evidence: dict[str, Any] = {}
        self.module_names: set[str] = set()

    def _add(self, signal: str, node: ast.AST, detail: str = "") -> None:
        seen = self.evidence.setdefault(signal, [])
        if len(seen) < _MAX_PER_SIGNAL:
            seen.append([getattr(node, "lineno", 1), detail[:120]])

    # ------------------------------------------------------------------ calls

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        name = dotted(node.func) or ""
        tail = name.rsplit(".", 1)[-1]
        signal = _CALLS.get(qn)
        if signal:
            self._add(signal, node, qn)
        if qn.startswith(_OUTBOUND_MODULES) and qn.rsplit(".", 1)[-1] in _OUTBOUND_TAILS and \
                not qn.startswith("requests.adapters"):
            self._add("outbound", node, qn)
        if tail == "HTTPAdapter" and any(kw.arg == "max_retries" for kw in node.keywords):
            self._add("retry", node, "HTTPAdapter(max_retries=...)")
        if tail in ("HTTPTransport", "AsyncHTTPTransport") and any(kw.arg == "retries" for kw in node.keywords):
            self._add("retry", node, f"httpx {tail}(retries=...)")
        if tail == "retry" and isinstance(node.func, ast.Attribute) and dotted(node.func.value) == "self" and \
                any(kw.arg in ("exc", "countdown", "max_retries") for kw in node.keywords):
            self._add("retry", node, "Celery self.retry(...)")
        # Falcon `app.add_error_handler(Exception, handle)`, Pyramid `config.add_exception_view(view)`
        if tail in ("add_exception_handler", "register_error_handler", "set_exception_handler", "add_error_handler",
                    "add_exception_view"):
            self._add("error-handler", node, name)
        if tail in ("add_view", "view_config") and _exception_context(node):
            self._add("error-handler", node, f"{name}(context=...)")  # Pyramid: a view for raised exceptions
        if any(kw.arg == "exception_handlers" for kw in node.keywords):
            self._add("error-handler", node, f"{name}(exception_handlers=...)")
        if tail in ("setex", "psetex") or (tail == "set" and any(kw.arg in ("ex", "px", "timeout") for kw in node.keywords)
                                           and "cache" in name.lower() + qn.lower()):
            self._add("cache", node, name)
        if isinstance(node.func, ast.Attribute) and tail in ("update", "add") and \
                dotted(node.func.value) in ("app.conf", "celery.conf", "celery_app.conf") and \
                any(kw.arg and _CELERY_LIMITS.match(kw.arg) for kw in node.keywords):
            self._add("celery-time-limit", node, name)

    # ------------------------------------------------------------------ definitions

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for dec in node.decorator_list:
            call = dec if isinstance(dec, ast.Call) else None
            target = call.func if call else dec
            qn = self.ctx.qualname(target) or ""
            name = dotted(target) or ""
            tail = name.rsplit(".", 1)[-1]
            if tail in ("exception_handler", "errorhandler", "app_errorhandler", "exception_view_config") or \
                    tail == "view_config" and call is not None and _exception_context(call):
                self._add("error-handler", node, f"@{name}")
            if qn in _DJANGO_CACHE_DECORATORS or qn.startswith(("flask_caching", "fastapi_cache", "aiocache")):
                self._add("cache", node, f"@{name}")
            elif qn in _LRU and self._does_io(node):
                self._add("cache", node, f"@{name} on {node.name}")
            if tail in ("shared_task", "task", "periodic_task") and (
                    qn.startswith("celery") or tail == "shared_task" or self._celery_receiver(target)):
                kws = call.keywords if call else []
                self.evidence.setdefault("celery_tasks", []).append(
                    {"name": node.name, "line": node.lineno, "limited": _limited(kws)})
                if any(kw.arg in ("autoretry_for", "retry_backoff") for kw in kws):
                    self._add("retry", node, f"@{name}(autoretry_for=...)")
            if qn.startswith(("tenacity", "backoff", "stamina", "retrying", "pybreaker", "aiobreaker",
                              "circuitbreaker", "purgatory", "async_retrying")):
                self._add("retry", node, f"@{name}")
        if node.name == "process_exception" and self.ctx.symbol_stack[:-1]:
            self._add("error-handler", node, "middleware process_exception")

    def _celery_receiver(self, target: ast.AST) -> bool:
        """`@app.task` where `app` is a Celery instance, or a name Celery apps are usually given."""
        if not isinstance(target, ast.Attribute):
            return False
        receiver = dotted(target.value) or ""
        return receiver in self.module_names or receiver.split(".")[-1] in ("celery", "celery_app", "app") and \
            "celery" in self.ctx.text.lower()

    def _does_io(self, func: ast.FunctionDef) -> bool:
        for sub in ast.walk(func):
            if isinstance(sub, ast.Call):
                name = dotted(sub.func) or ""
                tail = name.rsplit(".", 1)[-1]
                qn = self.ctx.qualname(sub.func) or ""
                if tail in _IO_TAILS or (tail in _HTTP_VERBS and (qn.startswith(_OUTBOUND_MODULES)
                                                                  or "session" in name or "client" in name)) \
                        or ".objects." in f".{name}.":
                    return True
        return False

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        kind = self._model_kind(node)
        if kind:
            self.evidence.setdefault("orm_models", []).append({"name": node.name, "line": node.lineno, "kind": kind})

    def _model_kind(self, node: ast.ClassDef) -> str | None:
        body_names = {t.id for stmt in node.body if isinstance(stmt, ast.Assign)
                      for t in stmt.targets if isinstance(t, ast.Name)}
        body_names |= {stmt.target.id for stmt in node.body
                       if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)}
        for base in node.bases:
            qn = self.ctx.qualname(base) or ""
            name = dotted(base) or ""
            if qn in ("django.db.models.Model", "django.contrib.gis.db.models.Model"):
                return None if self._unmanaged(node) else "django"
            if name.rsplit(".", 1)[-1] == "SQLModel":
                if any(kw.arg == "table" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                       for kw in node.keywords):
                    return "sqlalchemy"
        if "__tablename__" in body_names or "__table__" in body_names:
            return "sqlalchemy"
        return None

    @staticmethod
    def _unmanaged(node: ast.ClassDef) -> bool:
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for sub in stmt.body:
                    if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("abstract", "managed")
                                                           for t in sub.targets):
                        value = sub.value.value if isinstance(sub.value, ast.Constant) else None
                        name = sub.targets[0].id if isinstance(sub.targets[0], ast.Name) else ""
                        if (name == "abstract" and value is True) or (name == "managed" and value is False):
                            return True
        return False

    # ------------------------------------------------------------------ assignments and strings

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # `CELERY_TASK_TIME_LIMIT: Final[int] = ...` configures as much as the plain assignment
        if node.value is not None:
            self._assigned([node.target], node.value, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.targets, node.value, node)

    def _assigned(self, targets: list[ast.expr], value: ast.expr, node: ast.stmt) -> None:
        module_level = not self.ctx.function_stack and not self.ctx.symbol_stack
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) \
                else None
            if name is None:
                continue
            if module_level and isinstance(value, ast.Call):
                qn = self.ctx.qualname(value.func) or ""
                if qn in ("celery.Celery", "celery.app.Celery"):
                    self.module_names.add(name)
            if module_level and name == "LOGGING" and isinstance(value, (ast.Dict, ast.Call, ast.Name)):
                self._add("log-config", node, "Django LOGGING")
            if module_level and name == "handler500" and isinstance(target, ast.Name):
                self._add("error-handler", node, name)
            if module_level and name == "CACHES":
                self._add("cache-setting", node, _cache_backend(value))
            if module_level and name == "REST_FRAMEWORK" and _dict_has_key(value, "EXCEPTION_HANDLER"):
                self._add("error-handler", node, "REST_FRAMEWORK['EXCEPTION_HANDLER']")
            if _CELERY_LIMITS.match(name) and name.lower() != "time_limit":
                self._add("celery-time-limit", node, name)

    def leave_Module(self, node: ast.Module) -> None:
        if self.evidence:
            self.ctx.facts["evidence"] = self.evidence

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _CELERY_LIMITS.match(key.value) and \
                    key.value.lower() != "time_limit":
                self._add("celery-time-limit", node, key.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or len(value) > 40:
            return
        if _CORRELATION.match(value):
            self._add("correlation-id", node, value)
        elif _CACHE_HEADERS.match(value):
            self._add("cache", node, f"{value} header")


def _dict_has_key(node: ast.AST, key: str) -> bool:
    return isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == key for k in node.keys)


def _cache_backend(node: ast.AST) -> str:
    """The BACKEND strings of a literal Django CACHES dict, or "unknown" when it is computed."""
    if isinstance(node, ast.Dict):
        backends = []
        for value in node.values:
            if isinstance(value, ast.Dict):
                for k, v in zip(value.keys, value.values):
                    if isinstance(k, ast.Constant) and k.value == "BACKEND":
                        backends.append(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str)
                                        else "unknown")
        return ",".join(backends) or "unknown"
    return "unknown"


def collected(facts: dict[str, dict[str, Any]], signal: str) -> list[tuple[str, int, str]]:
    """(path, line, detail) of every occurrence of a signal across the project, sorted."""
    out = []
    for path, f in facts.items():
        for line, detail in f.get("evidence", {}).get(signal, ()):
            out.append((path, line, detail))
    return sorted(out)


def imports_by_top(facts: dict[str, dict[str, Any]]) -> dict[str, set[tuple[str, str]]]:
    """Top-level name -> (path, module) of every absolute import: `imported` for any prefixes, built once."""
    out: dict[str, set[tuple[str, str]]] = {}
    for path, f in facts.items():
        for name in f.get("imports", ()):
            if not name.startswith("."):
                out.setdefault(name.partition(".")[0], set()).add((path, name))
    return out


def _exception_context(call: ast.Call) -> bool:
    """`context=Exception` (or an `...Error` class): Pyramid's exception view, called for what a view raised."""
    context = next((kw.value for kw in call.keywords if kw.arg == "context"), None)
    return bool(context is not None and (dotted(context) or "").endswith(("Exception", "Error")))
