"""Project-level API design rules over the endpoint inventory: generated API docs (BA-API-007), route
conventions (BA-API-008) and security headers outside Django (BA-API-009)."""

from __future__ import annotations

import fnmatch
from .lazy_re import re  # compiled on first use
from typing import Any

from .api import anchor
from .endpoint_base import EndpointCheck

_API_FRAMEWORKS = frozenset({"fastapi", "starlette", "django-ninja"})
_SPEC_FILES = ("openapi.json", "openapi.yaml", "openapi.yml", "swagger.json", "swagger.yaml", "swagger.yml",
               "*.openapi.json", "*.openapi.yaml", "openapi-*.json", "openapi-*.yaml", "schema.yml", "schema.yaml")
# fnmatch's patterns as one regex: one match per repository file, not one per pattern (file names are
# lower-cased before, so the platform's case folding has nothing left to do)
_SPEC_FILE = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in _SPEC_FILES)).match
_DOC_GENERATORS = {
    "drf": ("drf_spectacular", "drf_yasg", "rest_framework.schemas", "drf_openapi", "rest_framework_swagger"),
    "flask": ("apispec", "flask_smorest", "flasgger", "spectree", "flask_restx", "flask_restplus", "flask_openapi3",
              "apiflask", "flask_pydantic_spec", "connexion"),
}
_HEADER_PACKAGES = ("flask_talisman", "talisman", "secure", "secweb", "fastapi_security", "starlette_secure_headers",
                    "django_csp", "flask_seasurf")
_PUBLIC = re.compile(r"(?i)(^|/)(health\w*|healthz|ready\w*|live\w*|ping|metrics|docs|redoc|openapi[\w.]*|swagger"
                     r"[\w.-]*|static|favicon[\w.]*|robots\.txt|admin)(/|$)")
_VERSION = re.compile(r"(?i)(^|/)v\d+(\.\d+)?(/|$)|(^|/)api/\d+(/|$)")
_VERB = re.compile(r"^(get|create|update|delete|fetch|do)([A-Z_\-].*)?$")
_CAMEL = re.compile(r"[a-z][A-Z]")
_SNAKE_KEBAB = re.compile(r"[a-z][_\-][a-z]")


def _imports(project: Any) -> set[str]:
    # the same few hundred modules are imported from a thousand files: each is split once
    names: set[str] = set()
    for facts in project.facts.values():
        if not facts.get("is_test"):
            names.update(facts.get("imports", ()))
    out: set[str] = set()
    for mod in names:
        parts = mod.lstrip(".").split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def _surface(project: Any) -> list[tuple[str, dict]]:
    return sorted((p, f["api_surface"]) for p, f in project.facts.items()
                  if "api_surface" in f and not f.get("is_test"))


def _api_endpoints(inv) -> list:
    """Endpoints that serve an API (not server-rendered pages): FastAPI/Starlette/Ninja, DRF, and other
    routes under /api."""
    return [e for e in inv.endpoints if e.framework in _API_FRAMEWORKS or e.drf or "/api" in e.path.lower()]


def _line(e) -> int:
    """The route decorator where the route is declared on the handler; else the handler itself (a Django or
    DRF route line belongs to the URLconf, another file)."""
    return e.route_line if e.framework in ("fastapi", "starlette", "flask") and e.route_line else e.line


def _installed(inv, app: str) -> bool:
    apps = inv.settings.get("INSTALLED_APPS", {}).get("value")
    return isinstance(apps, list) and any(isinstance(a, str) and a.split(".")[0] == app for a in apps)


class ApiDocsMissing(EndpointCheck):
    RULE_ID = "BA-API-007"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        if not inv.endpoints:
            return []
        spec = self._spec_file(project)
        out = []
        for path, surface in _surface(project):
            for off in surface.get("docs_off", ()):
                if not spec:
                    out.append(self.finding(path, off["line"], f"FastAPI({off['what']}): the generated OpenAPI docs "
                                            "are switched off and no spec file is committed; clients and reviewers "
                                            "have no contract", snippet=off["what"]))
        out.extend(self._undocumented(project, inv))
        frameworks = {e.framework for e in inv.endpoints}
        imported = _imports(project)
        where, line = anchor(inv)
        if any(e.drf for e in inv.endpoints) and not spec and not (
                set(_DOC_GENERATORS["drf"]) & imported or _installed(inv, "drf_spectacular") or
                _installed(inv, "drf_yasg")):
            out.append(self.finding(where, line, "DRF API without a schema generator (drf-spectacular, drf-yasg, "
                                    "get_schema_view) or a committed OpenAPI file", rule_id="BA-API-007/no-schema",
                                    snippet="OpenAPI schema"))
        if "flask" in frameworks and not spec and not set(_DOC_GENERATORS["flask"]) & imported and \
                any("/api" in e.path.lower() for e in inv.endpoints if e.framework == "flask"):
            out.append(self.finding(where, line, "Flask API without generated docs (apispec, flask-smorest, flasgger, "
                                    "spectree) or a committed OpenAPI file", rule_id="BA-API-007/no-schema",
                                    snippet="OpenAPI schema"))
        return out

    def _undocumented(self, project: Any, inv) -> list:
        """FastAPI builds each operation's description from the docstring or summary=/description=: one note
        when fewer than `documented_min` percent (default 80) of the routes have either."""
        routes = [e for e in inv.endpoints if e.framework == "fastapi" and not _PUBLIC.search(e.path)]
        if not routes:
            return []
        documented = {(p, line) for p, f in project.facts.items()
                      for line in f.get("api_surface", {}).get("documented", ())}
        bare = [e for e in routes if (e.file, e.line) not in documented and not any(
            {"summary", "description"} & set(d.get("kwargs", {})) for d in e.fn.get("decorators", ()))]
        share = 100 * (len(routes) - len(bare)) // len(routes)
        if not bare or share >= int(self.options.get("documented_min", 80)):
            return []
        first = min(bare, key=lambda e: (e.file, e.line))
        examples = ", ".join(sorted({f"{'/'.join(e.methods)} {e.path}" for e in bare})[:3])
        return [self.finding(first.file, _line(first), f"{len(bare)} of {len(routes)} FastAPI routes ({100 - share}%) "
                             f"have no docstring, summary= or description= (e.g. {examples}): their generated docs "
                             "say nothing about what they do", rule_id="BA-API-007/undocumented", symbol=first.handler,
                             snippet="summary=")]

    @staticmethod
    def _spec_file(project: Any) -> str | None:
        from ..pipeline.discovery import repository_files

        for rel in repository_files(project.root, limit=20000):
            if not project.in_scope(rel):
                continue  # scanning backend/ is not documented by frontend/openapi.json
            name = rel.rsplit("/", 1)[-1].lower()
            if _SPEC_FILE(name):
                return rel
        return None


class RouteConventions(EndpointCheck):
    RULE_ID = "BA-API-008"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        if str(self.options.get("style", "rest")).lower() == "rpc":
            return []
        api = [e for e in _api_endpoints(inv) if not _PUBLIC.search(e.path)]
        if not api:
            return []
        out = []
        versioned = any(_VERSION.search(e.path) for e in api) or any(s.get("versioned") for _, s in _surface(project))
        rf = inv.settings.get("REST_FRAMEWORK", {}).get("value")
        if isinstance(rf, dict) and rf.get("DEFAULT_VERSIONING_CLASS"):
            versioned = True
        if not versioned:
            first = min(api, key=lambda e: (e.file, _line(e)))
            out.append(self.finding(first.file, _line(first), f"none of the {len(api)} API routes "
                                    "carries a version (/v1/...) and no version header is read: a breaking change "
                                    "breaks every client at once", rule_id="BA-API-008/no-version",
                                    snippet="/v1", symbol=first.handler))
        seen: set[str] = set()
        for e in sorted(api, key=lambda e: (e.file, _line(e), e.path)):
            if e.path in seen:
                continue
            seen.add(e.path)
            segments = [s for s in e.path.split("/") if s and not s.startswith(("{", "<", "(", ":", "^"))]
            verb = next((s for s in segments if _VERB.match(s)), None)
            line = _line(e)
            if verb:
                out.append(self.finding(e.file, line, f"{e.path}: path segment {verb!r} names an action; let the HTTP "
                                        "method say it (POST /orders, DELETE /orders/{id})",
                                        rule_id="BA-API-008/verb-in-path", snippet=e.path, symbol=e.handler))
            camel = [s for s in segments if _CAMEL.search(s)]
            if camel and (len(camel) < len(segments) and any(_SNAKE_KEBAB.search(s) for s in segments) or
                          any(_SNAKE_KEBAB.search(s) for s in camel)):
                out.append(self.finding(e.file, line, f"{e.path}: segments mix camelCase and snake/kebab case; pick "
                                        "one (kebab-case is the common choice)", rule_id="BA-API-008/mixed-case",
                                        snippet=e.path, symbol=e.handler))
        return out


class SecurityHeadersMissing(EndpointCheck):
    RULE_ID = "BA-API-009"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        served = [e for e in inv.endpoints if e.framework in ("fastapi", "starlette", "flask")]
        if not served:
            return []  # Django apps: BA-DEP-002 reads SECURE_* settings and the middleware
        imported = _imports(project)
        if set(_HEADER_PACKAGES) & imported:
            return []
        found = {h for _, s in _surface(project) for h in s.get("headers", ())}
        missing = [h for h in ("Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
                               "X-Frame-Options") if h not in found]
        if not missing:
            return []
        where, line = anchor(inv)
        have = f"; set in code: {', '.join(sorted(found))}" if found else ""
        return [self.finding(where, line, f"no security headers middleware (Talisman, secure, ...) and no code sets "
                             f"{', '.join(missing)}{have}: browsers get no clickjacking, MIME-sniffing, HSTS or CSP "
                             "protection (unless a proxy adds them)", snippet="security headers",
                             properties={"missing": missing, "found": sorted(found)})]
