"""API-surface facts for the project-level API design rules (BA-API-007/008/009): FastAPI apps that switch
their generated docs off, security headers and API-version headers named in code."""

from __future__ import annotations

import ast
import re

from ..checks.base import FileContext

# Lower-cased header names -> the name the report uses.
SECURITY_HEADERS = {"content-security-policy": "Content-Security-Policy",
                    "strict-transport-security": "Strict-Transport-Security",
                    "x-content-type-options": "X-Content-Type-Options", "x-frame-options": "X-Frame-Options"}
_VERSION_HEADERS = frozenset({"accept-version", "api-version", "x-api-version", "x-version"})
_DOC_KEYWORDS = ("openapi_url", "docs_url", "redoc_url")
_VERSION_PREFIX = re.compile(r"^/(api/)?v\d+(\.\d+)?/?$")


class ApiSurfaceFacts:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.headers: set[str] = set()
        self.versioned = False
        self.docs_off: list[dict] = []
        self.csrf = False
        self.documented: list[int] = []  # `def` lines of functions with a docstring (OpenAPI descriptions)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.decorator_list and ast.get_docstring(node, clean=False):
            self.documented.append(node.lineno)

    def visit_Name(self, node: ast.Name) -> None:
        if not self.csrf and "csrf" in node.id.lower():
            self.csrf = True  # CSRFProtect, csrf_protect(...), a hand-written check

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not self.csrf and isinstance(value, str) and "csrf" in value.lower() and len(value) < 60:
            self.csrf = True  # "X-CSRF-Token", "csrf_token": a token is checked somewhere
        if isinstance(value, str) and value.startswith("/") and _VERSION_PREFIX.search(value):
            self.versioned = True  # API_V1_STR = "/api/v1": a prefix routers get from settings
        if isinstance(value, str) and 10 <= len(value) <= 40:
            low = value.lower()
            if low in SECURITY_HEADERS:
                self.headers.add(SECURITY_HEADERS[low])
            elif low in _VERSION_HEADERS:
                self.versioned = True
        elif isinstance(value, str) and "frame-ancestors" in value:
            self.headers.add("X-Frame-Options")  # CSP frame-ancestors does the same job

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "version" and isinstance(node.value, ast.Name) and node.value.id == "request":
            self.versioned = True  # DRF's request.version, set by a versioning class

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                "version" in node.args[0].value.lower() and ("headers" in ast.dump(func.value) or
                                                               "META" in ast.dump(func.value)):
            self.versioned = True  # request.headers.get("pretalx-version"): header versioning
        name = self.ctx.qualname(node.func) or ""
        if name not in ("fastapi.FastAPI", "fastapi.applications.FastAPI"):
            return
        off = {k.arg for k in node.keywords
               if k.arg in _DOC_KEYWORDS and isinstance(k.value, ast.Constant) and k.value.value is None}
        if "openapi_url" in off or {"docs_url", "redoc_url"} <= off:
            self.docs_off.append({"line": node.lineno, "what": ", ".join(f"{k}=None" for k in sorted(off))})

    def leave_Module(self, node: ast.Module) -> None:
        if self.headers or self.versioned or self.docs_off or self.csrf or self.documented:
            self.ctx.facts["api_surface"] = {"headers": sorted(self.headers), "versioned": self.versioned,
                                             "docs_off": self.docs_off, "csrf": self.csrf,
                                             "documented": self.documented}
