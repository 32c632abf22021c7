"""API design checks read from handler code: status-code hygiene (BA-API-005) and state changed by GET
handlers (BA-API-006)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use

import ast

from .base import AstCheck, dotted, iter_nodes
from .get_helpers import GET_HELPER_CALLS, GET_UNREACHED_CALLS, STATE_WRITES, helper_calls
from .method_branches import unreached_on_get
from .recognise import literal_value
from .webhooks import DEFERRED_GET_WRITES, defer_to_sender_check

_ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_VIEW_BASES = re.compile(r"(View|APIView|MethodView|Resource|ViewSet|HTTPEndpoint|Handler)$")


def route_methods(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """HTTP methods a route decorator gives the function (`@r.get` -> {"GET"}, `@app.route(..., methods=[...])`,
    `@app.route(...)` -> {"GET"}); None when it is not decorated as a route."""
    found: set[str] | None = None
    for dec in func.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        target = call.func if call is not None else dec
        if not isinstance(target, ast.Attribute):
            continue
        if target.attr in _ROUTE_VERBS and call is not None:
            found = (found or set()) | {target.attr.upper()}
        elif target.attr in ("route", "api_route") and call is not None:
            methods = next((literal_value(k.value) for k in call.keywords if k.arg == "methods"), None)
            found = (found or set()) | ({str(m).upper() for m in methods} if isinstance(methods, (list, tuple, set))
                                        else {"GET"})
    return found


def _receiver(node: ast.AST) -> str:
    """The dotted text of a receiver, calls kept as `name()`: `User.objects.filter(...)` -> "User.objects.filter()"."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            break
    return ".".join(reversed(parts)).replace(".()", "()")


# --- BA-API-005 ----------------------------------------------------------------------------------------

_ERROR_KEYS = frozenset({"error", "errors", "error_message", "error_code"})
_ENVELOPE = frozenset({"error", "errors", "detail", "message", "msg", "code", "status", "success", "ok",
                       "error_message", "error_code", "reason", "details", "description", "type", "title"})
_SUCCESS_WORDS = frozenset({"ok", "okay", "success", "done", "saved", "updated", "deleted", "created", "accepted"})
_RESPONSE_CTORS = {"jsonify": None, "JsonResponse": "status", "JSONResponse": "status_code",
                   "ORJSONResponse": "status_code", "UJSONResponse": "status_code", "Response": "status"}
_CREATES = frozenset({"add", "create", "save", "insert", "insert_one", "add_all", "bulk_create"})


def _declares(fn: ast.FunctionDef | ast.AsyncFunctionDef, keyword: str) -> bool:
    return any(isinstance(d, ast.Call) and any(k.arg == keyword for k in d.keywords) for d in fn.decorator_list)


# Whether a 200 with an error body misleads depends on the client, which is not Python: outside DRF, of the reviewed
# findings left 6 were real and 5 not (a page's own script that reads `body.error` and shows it, an
# anti-enumeration answer); on the blind sets R-V, 5 of 10 without DRF's Response, 5 of 5 with it
_CLIENT_UNSEEN = " (that the client takes the 200 for success is not established: it may read and show the error)"


def _error_body(value: ast.AST | None) -> bool:
    """A dict literal that is an error envelope: an error key, nothing but envelope keys, and no success flag."""
    if not isinstance(value, ast.Dict) or any(k is None for k in value.keys):
        return False
    keys = [literal_value(k) for k in value.keys]
    if not all(isinstance(k, str) for k in keys) or not set(keys) <= _ENVELOPE:
        return False
    flags = {k: literal_value(v) for k, v in zip(keys, value.values)}
    if flags.get("success") is True or flags.get("ok") is True or flags.get("status") in ("ok", "success"):
        return False
    # `{"errors": []}`: the success answer of a validation view, no error in it
    errors = [flags[k] for k in keys if k in _ERROR_KEYS]
    if errors and all(v in ([], {}, (), None, False, "") for v in errors):
        return False
    if keys == ["detail"]:  # `{"detail": "ok"}`: DRF's envelope carrying a success word
        return not (isinstance(flags["detail"], str) and flags["detail"].strip(" .!").lower() in _SUCCESS_WORDS)
    return bool(set(keys) & _ERROR_KEYS)


_ERROR_TEXT = re.compile(r"(?i)\b(error|fail\w*|invalid|denied|forbidden|missing|unknown|not)\b")


def _says_error(body: ast.AST | None) -> bool:
    """An error key, or DRF's `detail` message reading as a failure (`{"detail": "error"}`): a `detail` alone
    also carries success messages (`{"detail": "Confirmation received"}`)."""
    if not isinstance(body, ast.Dict):
        return False
    keys = [literal_value(k) for k in body.keys if k is not None]
    texts = [literal_value(v) for k, v in zip(keys, body.values) if k in ("detail", "message", "msg")]
    return bool(set(keys) & _ERROR_KEYS) or any(isinstance(t, str) and _ERROR_TEXT.search(t) for t in texts)


class StatusCodeHygiene(AstCheck):
    RULE_ID = "BA-API-005"
    PREFILTER = ("error", "detail", ".post(", ".delete(")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        methods = route_methods(node)
        params = [a.arg for a in node.args.args]
        view = params[:1] == ["request"] or params[:2] in (["self", "request"], ["cls", "request"])
        if methods is None and not view:
            return
        body = list(iter_nodes(node.body))
        if any(isinstance(n, ast.Attribute) and n.attr in ("status_code", "status") and isinstance(n.ctx, ast.Store)
               for n in body):
            return  # the handler sets the status itself
        for n in body:
            if isinstance(n, ast.Return) and n.value is not None and not isinstance(n.value, ast.Tuple):
                self._error_with_2xx(n.value, methods is not None)
        fastapi = any(v.split(".")[0] == "fastapi" for v in self.ctx.imports.values())
        if fastapi and methods:
            self._fastapi_codes(node, methods, body)

    def _error_with_2xx(self, value: ast.AST, route: bool) -> None:
        if route and _error_body(value):
            self.report(value, "error body returned with status 200: clients and monitoring read it as success; "
                               "raise HTTPException(4xx/5xx) or return the status with the body" + _CLIENT_UNSEEN,
                        rule_id="BA-API-005/error-with-2xx", level="note")
            return
        if not isinstance(value, ast.Call):
            return
        tail = (dotted(value.func) or "").rpartition(".")[2]
        if tail not in _RESPONSE_CTORS:
            return
        status_kw = _RESPONSE_CTORS[tail]
        if any(k.arg in ("status", "status_code") for k in value.keywords) or \
                (status_kw and len(value.args) >= 2):
            return
        body = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg in ("data", "content")),
                                                     None)
        error = _error_body(body) or (tail == "jsonify" and not value.args and
                                      {k.arg for k in value.keywords} & _ERROR_KEYS and
                                      {k.arg for k in value.keywords} <= _ENVELOPE)
        if error and tail == "Response" and (self.ctx.qualname(value.func) or "").startswith("rest_framework.") \
                and _says_error(body):
            # a REST framework API answers its own errors (validation, permissions, not found) with 4xx, so its
            # clients read the status: one hand-made 200 error breaks that contract (reviewed: 8 TP of 8, blind
            # V and the corpus; issue 17, wlevels)
            self.report(value, "Response() of an error body without a status: the client gets 200 OK, where the "
                               "API's own errors come with 4xx; pass the error status (400, 404, 409, ...)",
                        rule_id="BA-API-005/error-with-2xx", level="warning")
        elif error:
            self.report(value, f"{tail}() of an error body without a status: the client gets 200 OK; pass the error "
                               "status (400, 404, 409, ...)" + _CLIENT_UNSEEN, rule_id="BA-API-005/error-with-2xx",
                        level="note")

    def _fastapi_codes(self, node: ast.FunctionDef, methods: set[str], body: list[ast.AST]) -> None:
        if _declares(node, "status_code"):
            return
        attrs = {n.func.attr for n in body if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if methods == {"POST"} and attrs & _CREATES and not attrs & {"update", "upsert", "merge", "patch"}:
            self.report(node, f"POST handler {node.name}() creates a resource but answers 200: declare "
                              "status_code=201 on the route", level="note", rule_id="BA-API-005/create-without-201")
        elif methods == {"DELETE"} and not _declares(node, "response_model") and node.returns is None and any(
                isinstance(n, ast.Return) and n.value is not None and literal_value(n.value) is not None and
                not _status_set(n.value) and not _status_envelope(n.value) for n in body):
            self.report(node, f"DELETE handler {node.name}() returns a body with 200: answer 204 No Content "
                              "(status_code=204) or document the body", level="note",
                        rule_id="BA-API-005/delete-with-body")


def _status_set(value: ast.AST) -> bool:
    """`Response(status_code=204)`, `RedirectResponse(url, status_code=301)`: the response says its own status."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    tail = (dotted(value.func) or "").rpartition(".")[2]
    return tail.endswith("Response") and (tail.startswith("Redirect") or any(
        k.arg in ("status", "status_code") for k in value.keywords))


def _status_envelope(value: ast.AST) -> bool:
    """`{"status": "ok", "message": "Conversation history cleared"}`: a fixed acknowledgement the client reads;
    200 with it is valid HTTP (204 is a style choice). A deleted object handed back is not one."""
    return isinstance(value, ast.Dict) and bool(value.keys) and all(
        isinstance(k, ast.Constant) and isinstance(v, ast.Constant) for k, v in zip(value.keys, value.values))


# --- BA-API-006 ----------------------------------------------------------------------------------------

_SAFE_ONLY = frozenset({"require_GET", "require_safe"})
_VIEWS_MODULE = re.compile(r"(^|/)views(\.py$|/)")
_METHOD_AWARE = re.compile(r"request\.(method|POST|FILES|body|data)|is_valid\(|\.POST\b")
_SIDE_RECEIVERS = re.compile(r"(?i)(^|_)(cache|caches|redis|logger|log|metrics?|stats?d?|counter|histogram|gauge|"
                             r"tracer|span|sentry|messages|response|resp)$")
_DB_SESSION = re.compile(r"(^|\.)(session|db|db_session|dbsession|db\.session|sess)$")


def _write(call: ast.Call) -> str | None:
    """What state a call changes, or None: ORM saves and deletes, queryset updates, session writes, task
    enqueues."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    attr, receiver = func.attr, _receiver(func.value)
    if _SIDE_RECEIVERS.search(receiver.rpartition(".")[2]) and not _DB_SESSION.search(receiver):
        return None  # cache fills, logs and metrics are not the resource's state
    if attr in _ENQUEUE:
        return f"{attr}() enqueues a task"
    if _DB_SESSION.search(receiver) and attr in ("add", "delete", "commit", "merge", "add_all", "execute"):
        return f"{receiver}.{attr}()" if attr != "execute" or _sql_write(call) else None
    if attr in ("save", "delete") and not call.args:
        return f"{receiver}.{attr}()"
    if attr in ("update", "create", "bulk_create", "bulk_update", "delete") and "objects" in receiver:
        return f"{receiver}.{attr}()"
    return None


_REDIRECT_TARGET = re.compile(r"(?i)(oauth|callback|confirm|verify|(?<!de)activat|sso|saml|openid|authorize|login)")
_TRACKING = re.compile(r"(?i)(track|audit|event|metric|stat|visit|hit|history|analytic|log)")


# A task named for what it produces (`export_ical_task`, `create_badge_pdf`): run for the client to fetch
_OUTPUT_TASK = re.compile(r"(?i)(export|report|pdf|csv|xlsx?|ical|xcal|zip|archive|render|print|preview|thumbnail|"
                          r"download|backup|digest)")
_CLEANUP_TASK = re.compile(r"(?i)^_*(delete|remove|cleanup|clean_up|purge|unlink)")
_FRESH_NAME = re.compile(r"(?i)^(uuid\d?|mkstemp|mkdtemp|NamedTemporaryFile|gettempdir|token_hex|token_urlsafe)$")
_ENQUEUE = ("delay", "apply_async", "send_task", "enqueue")


def _task_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("delay", "apply_async"):
        return (dotted(func.value) or "").rpartition(".")[2]
    first = literal_value(call.args[0]) if call.args else None  # send_task("app.tasks.export_csv", ...)
    return str(first).rpartition(".")[2] if isinstance(first, str) else ""


def _bindings(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for n in iter_nodes(fn.body):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(n.value)
    return out


def _id_returned(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, names: dict[str, list[ast.AST]]) -> bool:
    """`task = export.delay(...)` ... `return jsonify(task_url=url_for(..., task_id=task.id))`: the client is
    handed the task to poll for its result."""
    handles = {name for name, values in names.items() if any(v is call for v in values)}
    if not handles:
        return False
    ids = {name for name, values in names.items() for v in values for a in ast.walk(v)
           if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id in handles}
    for r in iter_nodes(fn.body):
        if isinstance(r, ast.Return) and r.value is not None:
            for a in ast.walk(r.value):
                if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id in handles and \
                        a.attr in ("id", "task_id") or isinstance(a, ast.Name) and a.id in ids:
                    return True
    return False


def _made_here(node: ast.AST, names: dict[str, list[ast.AST]], depth: int = 0) -> bool:
    """A value the handler built from a fresh random or temporary name (`uuid4()`, `mkstemp()`), through its
    own locals: a file this request created, not one the client names."""
    if depth > 6:
        return False
    for a in ast.walk(node):
        if isinstance(a, ast.Call) and _FRESH_NAME.search((dotted(a.func) or "").rpartition(".")[2]):
            return True
        if isinstance(a, ast.Name) and any(_made_here(v, names, depth + 1) for v in names.get(a.id, ())):
            return True
    return False


def _async_read(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call,
                names: dict[str, list[ast.AST]]) -> bool:
    """An enqueue that is not the resource's state: an export/report task whose id the client is handed to
    poll (a read computed in the background, safe to repeat), or the delayed removal of a temporary file the
    handler itself created for its response."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _ENQUEUE):
        return False
    task = _task_name(call)
    if _OUTPUT_TASK.search(task) and not _CLEANUP_TASK.search(task):
        return _id_returned(fn, call, names)
    values = [*call.args, *(k.value for k in call.keywords if k.arg not in ("countdown", "eta", "queue"))]
    kwargs = [v for v in values if isinstance(v, ast.Dict)]
    values = [v for v in values if not isinstance(v, ast.Dict)] + [v for d in kwargs for v in d.values]
    return bool(_CLEANUP_TASK.search(task) and values) and all(_made_here(v, names) for v in values)


# a method-restricting keyword of a view decorator: Pyramid's `request_method=` predicate, `methods=`, or a
# project view deriver's option (`require_methods=["POST"]`)
_METHOD_KEYWORD = re.compile(r"^(request_method|(require|allowed|http)_methods|methods)$")
_HTTP_VERBS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _declares_unsafe_methods(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator restricts the view to methods that are not GET or HEAD (`@view_config(request_method="POST")`,
    `require_methods=["POST"]`): the framework answers 405 to a GET."""
    for dec in fn.decorator_list:
        for k in dec.keywords if isinstance(dec, ast.Call) else ():
            value = literal_value(k.value) if k.arg and _METHOD_KEYWORD.match(k.arg) else None
            verbs = {value} if isinstance(value, str) else set(value) if isinstance(value, (list, tuple)) else set()
            if verbs and all(isinstance(v, str) for v in verbs) and {v.upper() for v in verbs} <= _HTTP_VERBS - {"GET", "HEAD"}:
                return True
    return False


# a URL parameter that carries a per-recipient secret (`/unsubscribe/<user_id>/<secret>/`)
_SECRET_PARAM = re.compile(r"(?i)(secret|token|signature|hash)$")


_QUERY = re.compile(r"\brequest\.(GET|args|query_params)\b")


def _query_secrets(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Locals named for a secret read from the query string (`watch_secret := request.GET.get("watch")`)."""
    out = set()
    for n in iter_nodes(fn.body):
        if isinstance(n, (ast.Assign, ast.NamedExpr)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            names = [t.id for t in targets if isinstance(t, ast.Name) and _SECRET_PARAM.search(t.id)]
            if names and any(isinstance(a, ast.Attribute) and _QUERY.search(dotted(a) or "")
                             for a in ast.walk(n.value)):
                out.update(names)
    return out


def _link_secret(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The view's URL parameter (or query-string value) named for a secret that the view passes as a lookup
    value (`get_object_or_404(User, id=user_id, secret_hash=secret)`, `Watch.objects.get(secret=watch_secret)`):
    the link is keyed by what only its recipient holds. Returns the parameter's name, or ""."""
    params = {a.arg for a in fn.args.args[1:] if _SECRET_PARAM.search(a.arg)} | _query_secrets(fn)
    for n in iter_nodes(fn.body) if params else ():
        if isinstance(n, ast.Call):
            for k in n.keywords:
                if k.arg and isinstance(k.value, ast.Name) and k.value.id in params and _SECRET_PARAM.search(k.arg):
                    return k.value.id
    return ""


# decorators that list the methods a view answers (Django's, DRF's function views and viewset actions), with
# what they allow when no list is given; DRF's only when imported from DRF (Django admin has an `action` too)
_METHOD_LISTS = {"require_http_methods": None, "api_view": {"GET"}, "action": {"GET"}}
_DRF_ONLY = frozenset({"api_view", "action"})


def _declared_methods(fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx) -> set[str] | None:
    """The methods `@require_http_methods([...])`, `@api_view([...])` or `@action(methods=[...])` let through
    (`@action(detail=True)` answers GET), upper case; None when no such decorator is there."""
    found: set[str] | None = None
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = (dotted(target) or "").rpartition(".")[2]
        if name not in _METHOD_LISTS or name in _DRF_ONLY and not (ctx.qualname(target) or "").startswith(
                "rest_framework."):
            continue
        given = None
        if isinstance(dec, ast.Call):
            given = literal_value(dec.args[0]) if dec.args else next(
                (literal_value(k.value) for k in dec.keywords if k.arg in ("methods", "http_method_names")), None)
        if not isinstance(given, (list, tuple, set)):
            given = _METHOD_LISTS[name] if given is None else None
        if given is None:
            return None  # a list that is not literal: what it allows is not known
        found = (found or set()) | {str(m).upper() for m in given}
    return found


def _route_path(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Call) and dec.args and isinstance(literal_value(dec.args[0]), str):
            return literal_value(dec.args[0])
    return ""


def _tracking_rows(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Locals bound to new tracking/audit rows: `track = Tracking(...)`."""
    out = set()
    for n in iter_nodes(fn.body):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and \
                _TRACKING.search((dotted(n.value.func) or "").rpartition(".")[2]):
            out.update(t.id for t in n.targets if isinstance(t, ast.Name))
    return out


def _adds(call: ast.Call, tracking: set[str]) -> bool:
    """`session.add(track)` of a tracking row."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add" and call.args):
        return False
    row = call.args[0]
    if isinstance(row, ast.Call):
        return bool(_TRACKING.search((dotted(row.func) or "").rpartition(".")[2]))
    return isinstance(row, ast.Name) and row.id in tracking


def _sql_write(call: ast.Call) -> bool:
    first = call.args[0] if call.args else None
    text = literal_value(first)
    return isinstance(text, str) and text.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


# what a callee handed the session does when its name says it reads: `service.get_by_token(session, t)`
_GETTER = re.compile(r"^_*(get|list|find|fetch|count|exists|search|select|load|read|lookup)(_|$)(?!.*or_create)")
_SESSION_READS = frozenset({"commit", "get", "scalar", "scalars", "scalar_one", "scalar_one_or_none", "refresh",
                            "close", "execute"})


def _read_only(fn: ast.FunctionDef | ast.AsyncFunctionDef, commits: list[ast.Call]) -> bool:
    """Nothing the commit could write: no attribute or item assigned in the handler, and before the commit
    only reads: reads on the session (`execute` of a `select(...)` or SELECT text), callees named as getters
    (`get_...`, `list_...`, `find_...`), exceptions raised, and, when the session is the handler's own
    parameter (injected, so nothing else can write into it), plain functions it is not handed."""
    sessions = {_receiver(c.func.value) for c in commits if isinstance(c.func, ast.Attribute)}
    first = min(c.lineno for c in commits)
    params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
    raised = {id(n) for r in iter_nodes(fn.body) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    for n in iter_nodes(fn.body):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                return False
        if not isinstance(n, ast.Call) or n.lineno >= first or id(n) in raised:
            continue
        func = n.func
        if isinstance(func, ast.Attribute) and _receiver(func.value) in sessions:
            if func.attr not in _SESSION_READS:
                return False
            if func.attr == "execute" and not (n.args and (
                    (isinstance(n.args[0], ast.Call) and (dotted(n.args[0].func) or "").rpartition(".")[2] == "select")
                    or str(literal_value(n.args[0]) or "").lstrip().upper().startswith("SELECT"))):
                return False
            continue
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if _GETTER.search(name):
            continue
        handed = any(_receiver(a) in sessions for a in [*n.args, *(k.value for k in n.keywords)])
        if handed or not isinstance(func, ast.Name) or not sessions <= params:
            return False
    return True


class StateChangeInGet(AstCheck):
    RULE_ID = "BA-API-006"
    # writes, and (for the project pass's helper question) the views that may only call helpers
    PREFILTER = ("save(", "delete(", "update(", "create(", "commit(", "delay(", "apply_async(", ".add(",
                 "request", ".get(", ".route(", "def list(", "def retrieve(", "action(")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.classes: list[ast.ClassDef] = []
        self._unreached_memo: dict[int, set[int]] = {}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)

    def _unreached(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
        found = self._unreached_memo.get(id(fn))
        if found is None:
            found = self._unreached_memo[id(fn)] = unreached_on_get(fn, self.ctx.own_nodes(fn))
        return found

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.pop()

    def _is_get_handler(self, node: ast.FunctionDef) -> str | None:
        if _declares_unsafe_methods(node):
            return None
        methods = route_methods(node)
        if methods is not None:
            return "GET route" if methods <= {"GET", "HEAD"} else None
        declared = _declared_methods(node, self.ctx)
        if declared is not None:
            if "GET" not in declared:
                return None
            return "GET-only view" if declared <= {"GET", "HEAD", "OPTIONS"} else \
                f"view that accepts GET ({', '.join(sorted(declared))})"
        names = {(dotted(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2]
                 for d in node.decorator_list}
        if names & _SAFE_ONLY:
            return "GET-only view"
        cls = self.classes[-1] if self.classes and self.ctx.function_stack[-1:] == [node] and \
            self.ctx.parents and self.ctx.parents[-1] is self.classes[-1] else None
        if cls is not None and node.name in ("get", "list", "retrieve") and \
                any(_VIEW_BASES.search((dotted(b) or "").rpartition(".")[2]) for b in cls.bases):
            return f"{cls.name}.{node.name}()"
        if self._open_django_view(node, names):
            return "view that accepts GET (no method restriction)"
        return None

    def _open_django_view(self, node: ast.FunctionDef, decorators: set[str]) -> bool:
        """A module-level Django function view that never looks at the method or the body: whatever it writes,
        it writes on GET too. (Views that branch on `request.method`, read `request.POST` or validate a form
        are judged per branch by nobody here: they are left alone.)"""
        params = [a.arg for a in node.args.args]
        if len(self.ctx.function_stack) != 1 or params[:1] != ["request"] or not _VIEWS_MODULE.search(self.ctx.path):
            return False
        if decorators & {"require_POST", "require_http_methods", "api_view", "action", "csrf_exempt"}:
            return False
        if node.name.startswith("_") or not node.decorator_list and "pyramid.view.view_config" in self.ctx.imports.values():
            return False  # a private helper; in a module declaring its views with @view_config, an undecorated one
        if not any(isinstance(n, ast.Return) and n.value is not None for n in iter_nodes(node.body)):
            return False  # a view must return a response: `def remove(request, pk)` returning nothing is a helper
        return not _METHOD_AWARE.search("\n".join(self.ctx.segment(s) for s in node.body))

    def visit_Call(self, node: ast.Call) -> None:
        # what each function writes itself where a GET reaches (a helper handed the request may branch on its
        # method), for the project pass's question about a GET handler's helpers
        stack = self.ctx.function_stack
        if stack and id(node) in self._unreached(stack[-1]):
            self.ctx.facts.setdefault(GET_UNREACHED_CALLS, {}).setdefault(self.ctx.symbol, []).append(node.lineno)
        elif stack and not (isinstance(node.func, ast.Attribute) and node.func.attr in _ENQUEUE):
            what = _write(node)
            # a commit alone writes what someone else added: a session helper's commit is plumbing
            if what and not (isinstance(node.func, ast.Attribute) and node.func.attr in ("commit", "flush")):
                self.ctx.facts.setdefault(STATE_WRITES, {}).setdefault(self.ctx.symbol, [node.lineno, what])

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        handler = self._is_get_handler(node)
        owner = handler.partition(".")[0] if handler and handler.endswith(f".{node.name}()") else ""  # a view class
        if handler is None or _REDIRECT_TARGET.search(node.name) or _REDIRECT_TARGET.search(_route_path(node)) or \
                _REDIRECT_TARGET.search(owner):
            return  # OAuth callbacks (`BindCallbackView.get`) and e-mail confirmation links are GET by protocol
        link_key = _link_secret(node)
        names = _bindings(node)
        # a view that also answers unsafe methods: the writes a GET cannot reach are the other methods'
        unreached = unreached_on_get(node) if handler.startswith("view that accepts GET (") else set()
        writes = [(n, what) for n in iter_nodes(node.body) if isinstance(n, ast.Call) and id(n) not in unreached
                  and (what := _write(n)) and not _async_read(node, n, names)]
        tracking = _tracking_rows(node)
        real = [(n, what) for n, what in writes if not _adds(n, tracking)]
        if len(real) < len(writes) and \
                all(isinstance(n.func, ast.Attribute) and n.func.attr in ("commit", "flush") for n, _ in real):
            return  # only view counters and audit rows were written: metrics, not the resource
        if real and all(isinstance(n.func, ast.Attribute) and n.func.attr == "commit" for n, _ in real) and \
                _read_only(node, [n for n, _ in real]):
            return  # the commit ends a transaction that only read (released before a long-lived stream)
        if not real and not handler.startswith("view that accepts GET (no"):
            # no write of its own: the project pass asks whether a project function it calls writes (not for a
            # view taken for one by its shape alone: a POST dispatcher's helpers look the same)
            calls = helper_calls(self.ctx, node, names, unreached, lambda n: bool(_write(n)) or bool(_GETTER.search(
                n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", ""))))
            if calls:
                self.ctx.facts.setdefault(GET_HELPER_CALLS, []).append(
                    {"function": self.ctx.symbol, "handler": handler, "key": link_key, "calls": calls})
        for n, what in real:
            # A task's body is not this handler's: the blind sets R-U had 0 TP of 11 enqueues at warning (exports
            # and renders computed in the background), against every save, delete and commit seen there.
            queued = isinstance(n.func, ast.Attribute) and n.func.attr in _ENQUEUE
            self.report(n, f"{what} in a {handler}: GET must be safe to repeat, prefetch and cache; crawlers, "
                           "link previews and a cross-site <img> trigger it; move the change to POST/PUT/PATCH/DELETE"
                           + (" (that the task changes state is not established: it may compute a read)"
                              if queued else "")
                           + (f" (the row is looked up by `{link_key}` from the URL: a mailed one-click link only its "
                              "recipient holds, GET by necessity; a link preview still follows it)" if link_key else ""),
                        level="note" if queued or link_key else None)
            # a webhook's signature check may sit in a helper of another module: the project pass asks
            defer_to_sender_check(self.ctx, DEFERRED_GET_WRITES)
