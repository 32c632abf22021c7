"""Error responses: exception text sent to clients (BA-ERR-002), no central exception handler (BA-ERR-003)."""

from __future__ import annotations

import fnmatch
import re
import sys
from typing import Any

import ast

from ..findings import Finding
from .app_evidence import AppEvidenceCheck
from .base import AstCheck, FileContext, ProjectCheck, dotted, iter_nodes
from .logging import _WEB_FRAMEWORKS
from .util import is_endpoint_function
from .webhooks import DEFERRED_ERROR_TEXT, defer_to_sender_check, settle_error_text


class NoCentralExceptionHandler(AppEvidenceCheck):
    """No exception handler registered for the whole application (project check)."""

    RULE_ID = "BA-ERR-003"

    def run(self, project: Any) -> list:
        app = self.application(project)
        if app is None or self.signal(project, "error-handler"):
            return []
        path, line = app
        return [self.finding(path, line, "no central exception handler (FastAPI/Starlette exception_handler, Flask "
                             "errorhandler, DRF EXCEPTION_HANDLER, Django handler500 or process_exception "
                             "middleware): unexpected errors reach clients in the framework's default shape",
                             snippet="exception-handler")]


# ---------------------------------------------------------------------------------------------- BA-ERR-002

_DJANGO_STATUS_NAMES = ("HttpResponseForbidden", "HttpResponseNotFound", "HttpResponseNotAllowed", "HttpResponseGone")
_RESPONSES = frozenset({"HTTPException", "JSONResponse", "ORJSONResponse", "UJSONResponse", "PlainTextResponse",
                        "HTMLResponse", "Response", "JsonResponse", "HttpResponse", "HttpResponseServerError",
                        "HttpResponseBadRequest", "jsonify", "make_response", "abort", "json_response",
                        "APIException", "HTTPError", *_DJANGO_STATUS_NAMES})
# Page renderers: a value handed to the template is shown as text, so the exception object itself leaks its
# message (`render_template("login.html", error=e)`)
_TEMPLATES = frozenset({"render_template", "render", "TemplateResponse", "render_to_response"})
_TRACEBACK = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                        "traceback.format_exception_only", "traceback.format_stack", "sys.exc_info"})
_BROAD = frozenset({"Exception", "BaseException"})
# Django's HttpResponse subclasses carry their status in the name.
_DJANGO_STATUS = {"HttpResponseBadRequest": 400, "HttpResponseForbidden": 403, "HttpResponseNotFound": 404,
                  "HttpResponseNotAllowed": 405, "HttpResponseGone": 410, "HttpResponseServerError": 500}
_STATUS_KWS = ("status_code", "status", "code")
# builtin errors of a value that does not convert or fit (`int("x")`, a wrong type): their text names the value
_VALUE_ERRORS = frozenset({"ValueError", "TypeError"})
# Lookups that found nothing (`Model.DoesNotExist`: Django's fixed "matching query does not exist" text), caught
# beside ValueError: the same narrow handler for the request's own values
_NOT_FOUND = frozenset({"DoesNotExist", "ObjectDoesNotExist"})
# What a handler narrowed to a failed lookup alone sends: Django's "No Finding matches the given query", a
# framework's "Not Found" (blind set W: an `isinstance(e, Http404)` branch of a broad handler)
_LOOKUP_FAILED = _NOT_FOUND | {"Http404", "NotFound"}
# Parsers of a request body: their error names the offending position or token of what the caller sent
_BODY_PARSERS = frozenset({"json.loads", "json.load", "orjson.loads", "ujson.loads", "yaml.safe_load",
                           "xml.etree.ElementTree.fromstring", "defusedxml.ElementTree.fromstring"})
# A FastAPI dependency (or Starlette `@requires`) that resolves the caller's own account: the route answers an
# authenticated user or organization only (`current_org = Depends(org_auth_service.get_current_org)`)
_ACCOUNT_DEPENDENCY = re.compile(r"(?i)^(get_)?(current|authenticated)_(user|org|organization|account|tenant|"
                                 r"member|caller|principal)|^get_auth_context$|^require_(auth|login|user|session)")
_OPTIONAL_ACCOUNT = re.compile(r"(?i)or_none|optional")
_LOOPBACK = re.compile(r"127\.0\.0\.1|\[?::1\]?['\":]|\blocalhost\b|is_loopback")
_CALLER_ADDRESS = re.compile(r"REMOTE_ADDR|remote_addr|HTTP_HOST|\.host\b|client\.host")
# DRF renders an APIException's `detail` to the client itself when nothing catches it: the text is written to be
# sent (`raise ValidationError("authkey is required")`, an IdP client's `APIException({"errmsg": ...})`)
_SENT_BY_DESIGN = "rest_framework.exceptions.APIException"
# DRF permission classes that admit only the site's administrators
_ADMIN_PERMISSION = re.compile(r"(?i)superuser|staff|^IsAdmin")
# HTTP client libraries, whose exceptions describe an outbound call (BA-ERR-002's level)
_HTTP_CLIENTS = frozenset({"requests", "httpx", "aiohttp", "urllib3"})


_BUILTIN_NAMES = frozenset(dir(__import__("builtins")))


def _status(call: ast.Call) -> int | None:
    """The HTTP status a response call sets, when it is a literal or a `status.HTTP_404_...` constant."""
    for kw in call.keywords:
        if kw.arg in _STATUS_KWS:
            return _status_value(kw.value)
    tail = (dotted(call.func) or "").rsplit(".", 1)[-1]
    if tail in ("HTTPException", "abort", "HTTPError") and call.args:
        return _status_value(call.args[0])
    if tail in _STATUS_SECOND and len(call.args) >= 2:
        return _status_value(call.args[1])  # make_response(body, 401), Response(data, 400)
    return _DJANGO_STATUS.get(tail)


# responses whose second positional argument is the status (Flask, Starlette, DRF; not Django's HttpResponse,
# whose second is the content type)
_STATUS_SECOND = frozenset({"make_response", "Response", "JSONResponse", "PlainTextResponse", "ORJSONResponse"})


def _root(func: ast.AST) -> str | None:
    """The name a call's chain starts from: `Fido2Server(rp).authenticate_complete` -> Fido2Server."""
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript, ast.Await)):
        func = func.value if not isinstance(func, ast.Call) else func.func
    return func.id if isinstance(func, ast.Name) else None


def _status_value(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    m = re.search(r"(\d{3})", dotted(node) or "")
    return int(m.group(1)) if m else None


# what turns a handler's returned dict into an HTTP answer
_RETURN_FRAMEWORKS = _WEB_FRAMEWORKS | {"ninja", "connexion"}


class ExceptionTextToClient(AstCheck):
    RULE_ID = "BA-ERR-002"
    PREFILTER = ("except",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # per enclosing except block: (exception name unless public, specific type, tainted locals,
        # application-defined exception class)
        self.handlers: list[tuple[str | None, bool, set[str], bool]] = []
        # classes this file defines, nested ones included (a view's own `class EmailChangeFailedError(Exception)`)
        self.local_classes = {n.name for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)} if ctx.tree else set()
        self.class_depth = 0
        self.caught: list[list[str]] = []  # per enclosing except block: the classes it catches, as written
        public = self.option("public_exceptions", ["*PublicError", "*ValidationError"])
        self.public = [re.compile(fnmatch.translate(p)) for p in public]
        self.stdio: bool | None = None  # see _stdio_server

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth += 1

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth -= 1

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type] if node.type else []
        names = [(dotted(t) or "").rsplit(".", 1)[-1] for t in types]
        public = bool(names) and all(any(p.match(n) for p in self.public) for n in names)
        specific = bool(names) and not any(n in _BROAD for n in names)
        own = specific and all(self._own_class(t) for t in types)
        self.handlers.append((None if public else node.name, specific, set(), own))
        self.caught.append([dotted(t) or "" for t in types])

    def _own_class(self, node: ast.AST) -> bool:
        """An exception class this application defines (in this file, a relative import, or its own top-level
        package): its messages are written by the application, but where they come from is not traced."""
        name = dotted(node) or ""
        if not name or name.split(".")[0] in _BUILTIN_NAMES:
            return False
        head, _, rest = name.partition(".")
        if name in self.local_classes or head in ("self", "cls") and rest in self.local_classes:
            return True  # (`except self.EmailChangeFailedError`: a class nested in the view)
        # an import inside the handler's function counts as much as one at the top of the module
        origin = self.ctx.imported(head) or ""
        return origin.startswith(".") or (bool(origin) and origin.split(".")[0] in self.ctx.path.split("/")[:-1])

    def leave_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.handlers.pop()
        self.caught.pop()

    def _leaks(self, node: ast.AST) -> str | None:
        """How an expression carries the caught exception's text (`str(e)`, a traceback), or None."""
        name, _, tainted, _ = self.handlers[-1]
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                qn = self.ctx.qualname(sub.func) or ""
                if qn in _TRACEBACK:
                    return f"{qn}()"
                if name and qn in ("builtins.str", "builtins.repr") and sub.args and \
                        isinstance(sub.args[0], ast.Name) and sub.args[0].id == name:
                    return f"{qn[9:]}({name})"
            elif name and isinstance(sub, ast.FormattedValue) and isinstance(sub.value, ast.Name) and \
                    sub.value.id == name:
                return f"f-string with {{{name}}}"
            elif name and isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and \
                    sub.value.id == name and sub.attr in ("args", "message", "msg", "detail", "strerror"):
                return f"{name}.{sub.attr}"
            elif isinstance(sub, ast.Name) and sub.id in tainted:
                return sub.id
        return None

    def _current(self) -> bool:
        """Inside an except block, not in a function or class defined inside it."""
        return bool(self.handlers) and not any(isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                                               for p in self._since_handler())

    def _since_handler(self):
        parents = self.ctx.parents
        for i in range(len(parents) - 1, -1, -1):
            if isinstance(parents[i], ast.ExceptHandler):
                return parents[i + 1:]
        return []

    def visit_Assign(self, node: ast.Assign) -> None:
        if self._current() and self._leaks(node.value):
            self.handlers[-1][2].update(t.id for t in node.targets if isinstance(t, ast.Name))

    def visit_Call(self, node: ast.Call) -> None:
        if not self._current():
            return
        tail = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if tail in _TEMPLATES:
            self._rendered(node, tail)
            return
        if tail not in _RESPONSES:
            return
        how = next((h for h in map(self._leaks, [*node.args, *(kw.value for kw in node.keywords)]) if h), None)
        status = _status(node)
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if status is None and isinstance(parent, ast.Tuple) and len(parent.elts) >= 2 and parent.elts[0] is node:
            status = _status_value(parent.elts[1])  # `return jsonify(...), 400`: Flask's (body, status) answer
        if not how or self._client_error(status) or self._unreachable():
            return
        upstream = self._library_verdict(status) if "traceback" not in how else None
        if upstream:
            self.report(node, f"{tail}(...) sends {how} to the client, but {upstream}; whether that text can carry "
                              "internals (paths, URLs with keys) was not traced", level="note")
            return
        self._emit(node, f"{tail}(...) sends {how} to the client", how, status)

    def _rendered(self, node: ast.Call, tail: str) -> None:
        """The caught exception handed to a page template (`error=e`, `{"error": str(e)}`): the page shows its
        text. A warning for a broad `except Exception`, whose text may be anything (a driver's connection
        string, a path); a note for a specific library class, whose message is often written for the user: what
        it can hold was not traced; the application's own classes as for responses (a note the project pass
        traces)."""
        name = self.handlers[-1][0]
        values = [*node.args, *(kw.value for kw in node.keywords)]
        values += [v for d in values if isinstance(d, ast.Dict) for v in d.values]
        how = next((f"the exception {name}" for v in values if name and isinstance(v, ast.Name) and v.id == name),
                   None) or next((h for h in map(self._leaks, values) if h), None)
        if not how or self._client_error(_status(node)) or self._unreachable():
            return  # (a 4xx page for a specific exception: its message is meant for the client, as for responses)
        if self.handlers[-1][1] and not self.handlers[-1][3] and "traceback" not in how:
            self.report(node, f"{tail}(...) shows {how} on the page; the exception is a specific class, whose "
                              "message may be written for the user, but what it can carry was not traced",
                        level="note")
            return
        self._emit(node, f"{tail}(...) shows {how} on the page", how)

    def _library_verdict(self, status: int | None) -> str | None:
        """Why the text is a library's answer about the request rather than the application's internals: a 4xx
        around a try whose every call goes to a library (`Fido2Server(...).authenticate_complete(data)`: its
        verdict on the client's input), or a gateway status (502/503/504) for a library's error (a
        `requests.RequestException`: the upstream's failure, reported as such). None otherwise."""
        handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
        block = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.Try) and handler in p.handlers),
                     None)
        if handler is None or block is None:
            return None
        client = self._http_client_error(handler)
        if client:
            return (f"the handler catches only an HTTP client's errors ({client}), whose text names the URL the "
                    "server called and the connection state")
        if status is None:
            return None
        if 400 <= status < 500:
            calls = [n for n in iter_nodes(block.body) if isinstance(n, ast.Call)]
            if calls and all(self._library_name(_root(c.func)) for c in calls):
                return f"the try only calls a library ({_root(calls[0].func)}), whose error is its verdict on the input"
            return None
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
        if status in (502, 503, 504) and types and all(self._library_name((dotted(t) or "").split(".")[0]) and
                                                       (dotted(t) or "").rsplit(".", 1)[-1] not in _BROAD
                                                       for t in types):
            return f"it answers {status} for a library's error: the upstream service's failure"
        return None

    def _http_client_error(self, handler: ast.ExceptHandler) -> str:
        """The handler's classes, all an HTTP client library's own errors (`requests.RequestException`,
        `httpx.HTTPError`), as written; "" otherwise. Their message is about the outbound call: the upstream
        URL and status or the connection failure, not the application's state."""
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
        names = [self.ctx.qualname(t) or "" for t in types]
        if names and all(n.split(".")[0] in _HTTP_CLIENTS or n.startswith("urllib.error.") for n in names):
            return ", ".join(dotted(t) or "" for t in types)
        return ""

    def _unreachable(self) -> bool:
        """The answer follows an unconditional `raise` or `return` in its own block (`raise e` then
        `abort(500, str(e))`): it never runs, the exception goes on to whatever handles it above."""
        child = None
        for parent in reversed(self._since_handler_with_it()):
            if child is not None and isinstance(child, ast.stmt):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    block = getattr(parent, field, None)
                    if isinstance(block, list) and child in block:
                        if any(isinstance(s, (ast.Raise, ast.Return)) for s in block[:block.index(child)]):
                            return True
            child = parent
        return False

    def _since_handler_with_it(self) -> list:
        parents = self.ctx.parents
        for i in range(len(parents) - 1, -1, -1):
            if isinstance(parents[i], ast.ExceptHandler):
                return parents[i:]
        return []

    def _library_name(self, name: str | None) -> bool:
        """`name` is imported from outside the application (not relative, not its own top-level package)."""
        origin = self.ctx.imports.get(name or "", "")
        return bool(origin) and not origin.startswith(".") and origin.split(".")[0] not in self.ctx.path.split("/")[:-1]

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is None or not self._current() or not self.ctx.function_stack:
            return
        func = self.ctx.function_stack[-1]
        in_class = self.class_depth > 0 and len(self.ctx.function_stack) == 1
        if not is_endpoint_function(func, in_class):
            return
        value = node.value
        status = None
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
            status = _status_value(value.elts[1])
            value = value.elts[0]
        if any(isinstance(sub, ast.Call) and (dotted(sub.func) or "").rsplit(".", 1)[-1] in _RESPONSES | _TEMPLATES
               for sub in ast.walk(value)):
            return  # a response or page built inside is judged by visit_Call, with its own status
        how = self._leaks(value)
        if how and not self._client_error(status) and not self._unreachable():
            self._emit(node, f"handler returns {how} to the client", how, status, returned=True)

    def _web_module(self) -> bool:
        """The module imports a web framework (what turns a returned dict into an HTTP answer)."""
        return any(str(target).split(".")[0] in _RETURN_FRAMEWORKS for target in self.ctx.imports.values())

    def _emit(self, node: ast.AST, what: str, how: str, status: int | None = None, returned: bool = False) -> None:
        text_only = "traceback" not in how and "exc_info" not in how
        if self.handlers[-1][3] and text_only:
            self._own_note(node, what)
            return
        if text_only and self._drf_exceptions():
            return  # DRF would send this very detail to the client had the handler not caught it
        deferred = text_only and self._maybe_own()
        before = len(self.ctx.findings)
        webhooks = len(self.ctx.facts.get(DEFERRED_ERROR_TEXT, []))
        self._emit_blind(node, what, how, status, returned)
        if not deferred:
            return
        # `from club.exceptions import BadRequest`: another top-level package of this project, or a library;
        # the project pass tells which, and keeps this finding for a library's class (asking the webhook check
        # when the finding went to it)
        if len(self.ctx.findings) > before and self.ctx.findings[-1].level != "note":
            self._own_note(node, what, fallback=self.ctx.findings.pop().to_dict())
        elif len(self.ctx.facts.get(DEFERRED_ERROR_TEXT, [])) > webhooks:
            self._own_note(node, what, fallback=self.ctx.facts[DEFERRED_ERROR_TEXT].pop())

    def _own_note(self, node: ast.AST, what: str, fallback: dict | None = None) -> None:
        self.report(node, f"{what}: the exception is the application's own, so the text may be meant for "
                          "clients, but its origin is not traced; make sure it never wraps internal errors",
                    level="note")
        # the project pass traces it: every raise of these classes may pass the application's own text
        finding = self.ctx.findings.pop()
        cand = {"finding": finding.to_dict(), "classes": self.caught[-1]}
        if fallback:
            cand["fallback"] = fallback
        self.ctx.facts.setdefault("own_error_text", []).append(cand)

    def _origin_of(self, written: str) -> str:
        """`exceptions.ValidationError` -> "rest_framework.exceptions.ValidationError" through the imports; ""
        for a name not imported."""
        head, _, rest = written.partition(".")
        origin = self.ctx.imported(head) or ""
        return f"{origin}.{rest}" if origin and rest else origin

    def _drf_exceptions(self) -> bool:
        caught = self.caught[-1]
        return bool(caught) and all(self._origin_of(c).startswith("rest_framework.exceptions.") for c in caught)

    def _maybe_own(self) -> bool:
        """Every caught class is specific and imported by an absolute dotted name from outside the standard
        library: the project's own package or a library, which only the project pass can tell apart."""
        origins = [self._origin_of(c) for c in self.caught[-1]]
        return self.handlers[-1][1] and bool(origins) and all(
            "." in o and not o.startswith(".") and o.split(".")[0] not in sys.stdlib_module_names for o in origins)

    def _emit_blind(self, node: ast.AST, what: str, how: str, status: int | None = None,
                    returned: bool = False) -> None:
        caught = self._narrowed() or [c.rpartition(".")[2] for c in self.caught[-1]]
        if caught and all(c in _VALUE_ERRORS or c in _NOT_FOUND or any(p.match(c) for p in self.public)
                          for c in caught) and any(c in _VALUE_ERRORS for c in caught) and \
                "traceback" not in how and "exc_info" not in how:
            # blind, a handler for ValueError/TypeError alone answered a value that failed to convert or a lookup
            # the request's own values broke: its text names that value, not a path or a query
            self.report(node, f"{what}, but the handler catches only {', '.join(caught)}, whose text most likely "
                              "names the value that failed (what the code inside can raise was not traced); answer "
                              "with a fixed message and a 4xx if it is the client's input", level="note",
                        properties={"sub": "value-error"})
            return
        if status is not None and 400 <= status < 500 and "traceback" not in how and "exc_info" not in how and \
                not self._after_expected_handler():
            # blind, a broad handler answering a client error (400/401/422) with the text was telling the
            # client why its input or its credentials failed far more often than leaking internals; a server
            # error (5xx) or no status says the failure was unexpected, which is where internals show
            self.report(node, f"{what} as a client error ({status}): the text most likely explains what was wrong "
                              "with the request, but the broad handler may wrap any failure (what it can carry was "
                              "not traced); catch the expected exception only, or return a generic message",
                        level="note", properties={"sub": "client-error"})
            return
        if returned and not self._web_module():
            # blind set R: an MCP server's JSON-RPC answer over stdio, an evaluation harness: a function shaped
            # like a handler in a module no web framework is imported into answers its caller, not a client
            self.report(node, f"{what}, but its module imports no web framework: whether the value reaches a "
                              "network client was not traced", level="note", properties={"sub": "no-framework"})
            return
        staff = self._staff_only()
        if staff:
            # blind set S: an admin preview's 500 with the renderer's message; the reader is the site's staff
            self.report(node, f"{what}, in a view only staff reach ({staff}): its text shows internals to the "
                              "site's administrators, not to the public (whether staff accounts are all trusted "
                              "was not traced); log it and return a generic message", level="note",
                        properties={"sub": "staff-only"})
            return
        lesser = self._narrow_reader(what, caught) if "traceback" not in how and "exc_info" not in how else None
        if lesser:
            self.report(node, lesser[1], level="note", properties={"sub": lesser[0]})
            return
        if self._stdio_server():
            # blind, archivebox's MCP server: JSON-RPC read from sys.stdin, answered on stdout to the program
            # that spawned it, which runs as the same local user
            self.report(node, f"{what}, but this module answers over stdin/stdout (it reads its requests from "
                              "sys.stdin and imports no web framework): the client is the process that started it, "
                              "as a rule a local tool run by the same user (whether it relays the text to a remote "
                              "caller was not traced); log it and return a generic message", level="note")
            return
        self.report(node, f"{what}: exception text and tracebacks reveal internals (paths, queries, library "
                          "versions); log it and return a generic message")
        # in a webhook that checks its caller's signature (maybe through a helper of another module) the reader
        # is the signing service: the project pass asks
        defer_to_sender_check(self.ctx, DEFERRED_ERROR_TEXT)

    def _staff_only(self) -> str:
        """Why the enclosing view answers only staff: Django's `admin_site.admin_view(self.<method>)` wrapping
        it in this file (AdminSite.admin_view requires an active staff user), a ModelAdmin method, or a
        decorator naming staff or superusers (`@staff_member_required`, `@superuser_required`)."""
        func = self.ctx.function_stack[0] if self.ctx.function_stack else None
        if func is None:
            return ""
        for deco in func.decorator_list:
            name = (dotted(deco.func if isinstance(deco, ast.Call) else deco) or "").rsplit(".", 1)[-1].lower()
            if "staff" in name or "superuser" in name:
                return f"@{name}"
        scope = _required_scope(func)
        if scope:
            return f"a route requiring the permission scope {scope}, granted to operators' clients"
        cls = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        if cls is None:
            return ""
        if any((dotted(b) or "").endswith("ModelAdmin") for b in cls.bases):
            return f"a method of the ModelAdmin {cls.name}"
        admins = _admin_permissions(cls)
        if admins:
            return f"{cls.name} admits only {admins}"
        if re.search(rf"admin_view\(\s*self\.{re.escape(func.name)}\b", self.ctx.text):
            return f"{cls.name}.{func.name}, wrapped in admin_site.admin_view()"
        return ""

    def _narrow_reader(self, what: str, caught: list[str]) -> tuple[str, str] | None:
        """(sub-check, message) when the text says nothing of the server or reaches a narrow reader (blind set
        W, all real only as notes or not at all): a failed lookup's text (an `isinstance(e, Http404)` branch), a
        decode error of the request's own body, an answer to loopback callers or to an authenticated account."""
        if caught and all(c in _LOOKUP_FAILED for c in caught):
            return "not-found", (f"{what}, but only for a failed lookup ({', '.join(caught)}), whose text names what "
                                 "was not found (what its raiser wrote was not traced); answer with a fixed message "
                                 "and a 404")
        parsed = self._parses_request_only()
        if parsed:
            return "request-parse", (f"{what}, but the try only decodes the request's own body ({parsed}), whose "
                                     "error names a position or token of what the caller sent (what else could fail "
                                     "there was not traced); answer with a fixed message and a 400")
        loopback = self._loopback_only()
        if loopback:
            # a Click'n'Load endpoint behind a decorator admitting only 127.0.0.1 answers its browser extension
            return "loopback-only", (f"{what}, in a route only loopback callers reach ({loopback} compares the "
                                     "caller's address or host with the local one): the text goes to a program on "
                                     "the same machine (whether it relays it further was not traced); log it and "
                                     "return a generic message")
        account = self._account_only()
        if account:
            # a tenant API's catch-all answers the organization whose key called it: SQL may still show, to it
            return "authenticated", (f"{what}, in a route only an authenticated account reaches ({account}): the "
                                     "text can show internals (SQL, a library's error) to that account, not to "
                                     "anonymous callers (whether every account is trusted was not traced); log it "
                                     "and return a generic message")
        return None

    def _narrowed(self) -> list[str]:
        """The classes an `if isinstance(e, X):` around the answer narrows the caught exception to, last parts
        as written; [] when no such test encloses it."""
        name = next((h.name for h in reversed(self.ctx.parents) if isinstance(h, ast.ExceptHandler)), None)
        for parent in reversed(self._since_handler()):
            test = parent.test if isinstance(parent, ast.If) else None
            if isinstance(test, ast.Call) and dotted(test.func) == "isinstance" and len(test.args) == 2 and \
                    isinstance(test.args[0], ast.Name) and test.args[0].id == name:
                kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
                return [(dotted(k) or "?").rsplit(".", 1)[-1] for k in kinds]
        return []

    def _parses_request_only(self) -> str:
        """The try around the answer only decodes the request's body (`json.loads(request.body.decode())`):
        every call is a body parser or a method of the handler's request; the parser as written, else ""."""
        handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
        block = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.Try) and handler in p.handlers),
                     None)
        func = self.ctx.function_stack[0] if self.ctx.function_stack else None
        if block is None or func is None:
            return ""
        request = {a.arg for a in func.args.args[:2]} & {"request", "req"}
        calls = [n for n in iter_nodes(block.body) if isinstance(n, ast.Call)]
        parsers = [c for c in calls if (self.ctx.qualname(c.func) or "") in _BODY_PARSERS]
        if parsers and request and all(c in parsers or _root(c.func) in request for c in calls):
            return dotted(parsers[0].func) or ""
        return ""

    def _loopback_only(self) -> str:
        """A decorator of the enclosing route, defined in this module, that compares the caller's address or
        Host header with the loopback one (`if remote_addr in ("127.0.0.1", "::1")`): its name, else ""."""
        func = self.ctx.function_stack[0] if self.ctx.function_stack else None
        tree = self.ctx.tree
        if func is None or tree is None:
            return ""
        local = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for deco in func.decorator_list:
            guard = local.get(dotted(deco) or "")
            if guard is not None and _LOOPBACK.search(ast.unparse(guard)) and \
                    _CALLER_ADDRESS.search(ast.unparse(guard)):
                return f"@{guard.name}"
        return ""

    def _account_only(self) -> str:
        """The dependency through which the enclosing route requires its caller's account (a parameter or a
        decorator's `dependencies=` naming `Depends(get_current_org)`, `Security(get_current_user)`, or
        Starlette's `@requires("authenticated")`), as written; "" when none (an optional account is none)."""
        func = self.ctx.function_stack[0] if self.ctx.function_stack else None
        if func is None:
            return ""
        nodes = [n for d in func.decorator_list for n in ast.walk(d)]
        nodes += [n for d in [*func.args.defaults, *func.args.kw_defaults] if d is not None for n in ast.walk(d)]
        nodes += [n for a in [*func.args.args, *func.args.kwonlyargs] if a.annotation is not None
                  for n in ast.walk(a.annotation)]
        for n in nodes:
            if not isinstance(n, ast.Call) or not n.args:
                continue
            tail = (dotted(n.func) or "").rsplit(".", 1)[-1]
            target = (dotted(n.args[0]) or "").rsplit(".", 1)[-1]
            if tail in ("Depends", "Security") and _ACCOUNT_DEPENDENCY.search(target) and \
                    not _OPTIONAL_ACCOUNT.search(target):
                return f"{tail}({dotted(n.args[0])})"
        for deco in func.decorator_list:
            if isinstance(deco, ast.Call) and (dotted(deco.func) or "").rsplit(".", 1)[-1] == "requires" and \
                    deco.args and "authenticated" in ast.unparse(deco.args[0]):
                return "@requires(\"authenticated\")"
        return ""

    def _stdio_server(self) -> bool:
        """The module reads `sys.stdin` and imports no web framework: a stdio server (a language-server or
        MCP tool) whose one client is the process on the other end of its pipes."""
        if self.stdio is None:
            self.stdio = self.ctx.imports.get("sys") == "sys" and "sys.stdin" in self.ctx.text and not any(
                str(v).split(".")[0] in _WEB_FRAMEWORKS for v in self.ctx.imports.values())
        return self.stdio

    def _after_expected_handler(self) -> bool:
        """The broad handler follows one for a specific class other than an HTTP answer passed through
        (`except ImportError: ... except Exception:`): the code names its expected failures, so what reaches
        the broad one is the unexpected rest, whose text is where internals show."""
        handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
        block = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.Try) and handler in p.handlers),
                     None)
        if block is None:
            return False
        for earlier in block.handlers[:block.handlers.index(handler)]:
            types = earlier.type.elts if isinstance(earlier.type, ast.Tuple) else [earlier.type] if earlier.type else []
            names = [(dotted(t) or "").rsplit(".", 1)[-1] for t in types]
            if any(n and n not in _BROAD and "HTTP" not in n.upper() for n in names):
                return True
        return False

    def _client_error(self, status: int | None) -> bool:
        """A 4xx answer built from a specific (not broad) exception: a message meant for the client."""
        specific = self.handlers[-1][1]
        return specific and status is not None and 400 <= status < 500


def _required_scope(func: ast.AST) -> str:
    """The scope a FastAPI route demands of its caller (`dependencies=[Security(verify_client, scopes=[X])]` on its
    decorator, or a parameter defaulting to such a `Security(...)`), as written; "" when none."""
    calls = [n for d in getattr(func, "decorator_list", ()) for n in ast.walk(d)]
    args = getattr(func, "args", None)
    if args is not None:
        calls += [n for d in [*args.defaults, *args.kw_defaults] if d is not None for n in ast.walk(d)]
    for n in calls:
        if isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] == "Security":
            scopes = next((k.value for k in n.keywords if k.arg == "scopes"), None)
            if isinstance(scopes, (ast.List, ast.Tuple)) and scopes.elts:
                return dotted(scopes.elts[0]) or ast.unparse(scopes.elts[0])
    return ""


def _admin_permissions(cls: ast.ClassDef) -> str:
    """The DRF permission class admitting only administrators that a view names: in `permission_classes` or
    in what its `get_permissions()` returns (`[OnlySuperUser()]`, `(IsAdminUser,)`), else ""."""
    values = [st.value for st in cls.body if isinstance(st, ast.Assign) and
              any(isinstance(t, ast.Name) and t.id == "permission_classes" for t in st.targets)]
    values += [n.value for st in cls.body if isinstance(st, ast.FunctionDef) and st.name == "get_permissions"
               for n in ast.walk(st) if isinstance(n, ast.Return) and n.value is not None]
    for value in values:
        for n in ast.walk(value):
            name = (dotted(n) or "").rsplit(".", 1)[-1] if isinstance(n, (ast.Name, ast.Attribute)) else ""
            if name and _ADMIN_PERMISSION.search(name):
                return name
    return ""


class OwnExceptionTextToClient(ProjectCheck):
    """The notes ExceptionTextToClient left to the project pass: an application exception's text sent to the
    client. Dropped when every raise of the caught classes (subclasses included) in the project passes the
    application's own text; kept as a note ("origin not traced") when one passes anything else, or when no
    raise is found."""

    RULE_ID = "BA-ERR-002"

    def run(self, project: Any) -> list[Finding]:
        candidates = [(path, c) for path in sorted(project.facts) for c in project.facts[path].get("own_error_text", ())]
        if not candidates:
            return []
        sm = project.semantic
        raises: dict[str, list[tuple[str, str, bool]]] = {}  # class name as written, last part -> sites
        for path in sorted(project.facts):
            for _line, ref, own in project.facts[path].get("raises", ()):
                raises.setdefault(ref.rsplit(".", 1)[-1], []).append((path, ref, own))
        out = []
        for path, cand in candidates:
            if cand.get("fallback") and not _project_classes(sm, path, cand["classes"]):
                # a library's exception: judged blind (a note in a signed webhook)
                out.append(settle_error_text(project, Finding.from_dict(cand["fallback"])))
            elif _sent_by_design(sm, path, cand["classes"]):
                continue
            elif not _own_text_everywhere(sm, path, cand["classes"], raises):
                out.append(Finding.from_dict(cand["finding"]))
        return out


def _project_classes(sm: Any, path: str, classes: list[str]) -> bool:
    module = sm.module_of(path)
    return bool(module) and all((sym := sm.resolve(module, ref)) is not None and sym.kind == "class"
                                for ref in classes)


def _sent_by_design(sm: Any, path: str, classes: list[str]) -> bool:
    """Every caught class is a DRF APIException of the project's (`class JMSException(APIException)`): DRF's own
    handler would send its detail to the client, so the view sending it does the same."""
    module = sm.module_of(path)
    return bool(module) and all((sym := sm.resolve(module, ref)) is not None and sym.kind == "class" and
                                _SENT_BY_DESIGN in sm.mro(sym.qualname) for ref in classes)


def _own_text_everywhere(sm: Any, path: str, classes: list[str], raises: dict) -> bool:
    module = sm.module_of(path)
    found = False
    for ref in classes:
        sym = sm.resolve(module, ref) if module and ref else None
        if sym is None or sym.kind != "class":
            return False
        family = {sym.qualname, *sm.subclasses_of(sym.qualname)}
        for name in sorted({q.rsplit(".", 1)[-1] for q in family}):
            for where, written, own in raises.get(name, ()):
                at = sm.module_of(where)
                target = sm.resolve(at, written) if at else None
                if target is not None and target.qualname in family:
                    if not own:
                        return False
                    found = True
    return found
