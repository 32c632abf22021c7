"""Error-handling checks."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use

from ..model.traceback_text import TRACEBACK_TEXT
from .base import AstCheck, FileContext, dotted, iter_nodes
from .util import in_log_handler, is_migration, logger_method, tries_batch_write

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_REPORTERS = ("sentry_sdk.capture_exception", "sentry_sdk.capture_message", "rollbar.report_exc_info",
              "bugsnag.notify", "capture_exception", "capture_message", "report_error", "report_exception",
              "record_exception", "set_status", ".failure")
# `.failure(...)` marks the request failed in a load-test report (locust's `response.failure(msg)`)
# Calls that put the failure in front of a person: a CLI's output, a Django/Flask flash message, a warning.
_SHOWN = ("print", "traceback.print_exc", "traceback.print_exception", "click.echo", "click.secho", "typer.echo", "warnings.warn", "flask.flash",
          "django.contrib.messages.error", "django.contrib.messages.warning", "self.stdout.write",
          "self.stderr.write", "sys.stderr.write")
_EXITS = ("sys.exit", "os._exit", "exit", "quit", "abort", "flask.abort")
_LOUD_LEVELS = frozenset({"warning", "warn", "error", "exception", "critical", "fatal", "log"})
_PREDICATE_NAME = re.compile(r"^_*(is|has|can)_\w+$|^_*\w*(ping|alive|reachable|running|started|healthy)$")
_CLOSES = frozenset({"close", "aclose", "shutdown", "disconnect", "terminate", "unsubscribe", "release"})
# cleanup that may fail harmlessly once the real error is on its way: closing, removing a temporary file
_CLEANS = _CLOSES | {"unlink", "remove", "rmtree", "rmdir", "kill", "stop", "cancel"}
_CLEANUP = frozenset({"__del__", "__exit__", "__aexit__", "close", "aclose", "shutdown", "teardown", "cleanup"})
# Callbacks a framework runs after a failure or a disconnect (Celery's Task hooks; socket.io's event name)
_TEARDOWN_HOOKS = frozenset({"on_failure", "on_retry", "disconnect", "on_disconnect"})
# signals of a failed, revoked or stopping task or worker (Celery's task_failure, task_revoked, worker_shutdown)
_TEARDOWN_SIGNALS = ("_failure", "_revoked", "_shutdown")
_ERROR_RESPONSES = ("JSONResponse", "Response", "HttpResponseServerError", "HttpResponseBadRequest", "jsonify")
# A class body inside the handler runs right there; only functions and lambdas run elsewhere.
_DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Names of an access decision: a flag (`user_can_view`, `allowed`, `is_authorized`) or a guard function
# (`login_required`, `has_permission`) whose failure answer is "no".
_ACCESS_NAME = re.compile(r"(?i)(^|_)(can|may|allowed?|authori[sz]ed?|permitted|permissions?|perms?|login|"
                          r"authenticated|access)(_|$)")
_TRIVIAL_CONSTANTS = (str, bytes, int, float, bool, type(None))
# Calls that change state somewhere else (a row, a queue, another service, money): a try making one and a
# handler that drops its failure lose work the caller believes done. `update`, `write` and `execute` are left
# out: a dict's update, a diagnostic write to stderr and a read-only query look the same.
_STATE_CHANGES = frozenset({"save", "create", "delete", "add", "add_all", "commit", "bulk_create",
                            "bulk_update", "get_or_create", "update_or_create", "insert", "insert_one",
                            "insert_many", "post", "put", "patch", "send", "send_mail", "publish", "upload",
                            "enqueue", "delay", "apply_async", "charge", "refund", "transfer", "import_module"})
# Flask's file responses: they read a file into a response, nothing is sent until the view returns
_FILE_RESPONSES = frozenset({"send_file", "send_from_directory", "send_static_file"})
_CANCELLATION = frozenset({"CancelledError", "KeyboardInterrupt", "SystemExit", "GeneratorExit"})
_STATE_PREFIXES = ("save_", "delete_", "update_", "insert_", "send_", "upload_", "store_", "persist_", "remove_")
# A comment at the try or in the handler stating that the failure is meant to be ignored, or a docstring
# saying what the function answers when it fails: a design the rule cannot check, so a note.
_STATED_INTENT = re.compile(r"(?i)best[- ]effort|\b(do(es)?|must|should|shall) ?n[o']t (abort|block|break|crash|"
                            r"disturb|fail|raise|stop)|\bnever (break|fail|raise|block)|\bignor(e|ed|ing)\b|"
                            r"\boptional\b|non[- ]?critical|not critical|\bexpected\b|\bharmless\b|\bdefensive\b|"
                            r"\bon (its|their) own\b|\btreated as\b|\b(instead of|rather than) (fail|rais|abort)")
# A docstring saying what errors lead to instead of a failure ("errors mid-scroll keep what is already rendered
# instead of failing the fetch"): the swallow is the documented behaviour.
_DOCUMENTED_FALLBACK = re.compile(r"(?i)\b(errors?|failures?|exceptions?)\b[^.]*\b(instead of|rather than) "
                                  r"(fail|rais|abort)")
_BEST_EFFORT = re.compile(r"(?i)best[- ]effort")
_DOCUMENTED_ANSWER = re.compile(r"(?i)\b(returns?|gives?|answers?|yields?)\b[^.]*\b(none|false|empty|nothing)\b[^.]*"
                                r"\b(if|when|on|for)\b[^.]*\b(fail\w*|errors?|invalid|missing|malformed|cannot|unknown)\b")


def handler_nodes(handler: ast.ExceptHandler):
    """The nodes of an except-handler body that run in it: not those of nested functions or lambdas."""
    return iter_nodes(handler.body, skip=_DEFERRED)


def _scan_handler(handler: ast.ExceptHandler, ctx: FileContext) -> tuple[bool, bool]:
    """(handled, logged only at a low level): what one except-handler body does with the error.

    Handled means the error goes somewhere: re-raised or converted, logged loudly, reported, shown to a
    person, or the caught exception object itself is used (stored, returned, appended to an error list,
    rendered into the response, handed to a handler). Only an error that really goes nowhere is swallowed.
    """
    low_log = False
    quiet: set[int] = set()  # nodes inside DEBUG/INFO logger calls: logging there is the low-level case
    for node in handler_nodes(handler):
        if isinstance(node, ast.Raise):
            return True, low_log
        if handler.name and isinstance(node, ast.Name) and node.id == handler.name and id(node) not in quiet \
                and isinstance(node.ctx, ast.Load):
            return True, low_log
        if not isinstance(node, ast.Call):
            continue
        method = logger_method(node, ctx)
        if method is not None:
            if method in _LOUD_LEVELS:
                return True, low_log
            low_log = True
            quiet.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Call)))
            continue
        name = dotted(node.func) or ""
        qn = ctx.qualname(node.func) or name
        if qn.endswith(_REPORTERS) or name.endswith(_REPORTERS) or qn in _EXITS or name in _EXITS:
            return True, low_log
        if qn.removeprefix("builtins.") in _SHOWN or name in _SHOWN:
            return True, low_log
        if qn in _TRACEBACK_KEPT and id(node) not in quiet:
            return True, low_log  # `error = traceback.format_exc()`: the traceback kept as the error result
        if name.split(".")[-1] in _ERROR_RESPONSES and any(kw.arg in ("status_code", "status")
                                                           for kw in node.keywords):
            return True, low_log
    if any(isinstance(n, ast.Return) and (_error_response(n.value) or _failure_message(n.value))
           for n in handler_nodes(handler)):
        return True, low_log
    return False, low_log


_FAILURE_SENTENCE = re.compile(r"(?i)\b(could ?n[o']t|can ?n[o']t|unable to|failed to|failed)\b")


def _failure_message(value: ast.AST | None) -> bool:
    """`return _("Could not parse template code.") + " Error: ..."`: the handler answers with a text saying
    the operation failed, which its caller shows in place of the result."""
    if not isinstance(value, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call)):
        return False
    parts = [value]
    while parts:
        node = parts.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts += [node.left, node.right]
        elif isinstance(node, ast.Call) and len(node.args) == 1 and (dotted(node.func) or "") in ("_", "gettext",
                                                                                                "gettext_lazy"):
            parts.append(node.args[0])
        elif isinstance(node, (ast.Constant, ast.JoinedStr)) and _FAILURE_SENTENCE.search(_literal_text(node)):
            return True
    return False


_VALIDATOR = re.compile(r"^_*(validate|is_valid|check|verify)(_\w+)?$|^_*is_\w+$")
_TRACEBACK_KEPT = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                             "traceback.extract_tb", "traceback.TracebackException.from_exception"})
# `return {"error": {...}}`: a job or API helper answering with an error result its caller shows
_ERROR_KEYS = frozenset({"error", "errors", "error_message"})

_ERROR_CALL = re.compile(r"(?i)^(HttpResponse(BadRequest|Forbidden|NotFound|NotAllowed|Gone|ServerError)|Http404|"
                         r"\w*(error_response|_40\d|_50\d|not_found|forbidden|bad_request|server_error)\w*)$")


def _status_of(node: ast.AST | None) -> int | None:
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None


def _error_response(value: ast.AST | None) -> bool:
    """The handler answers the client with an error: Flask's `("", 400)` / `(jsonify(...), 500)`, Django's
    `HttpResponseForbidden()` / `HttpResponse(status=404)`, a `response_404()` helper. The catalog counts
    answering with an error as handling it."""
    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
        status = _status_of(value.elts[1])
        return status is not None and status >= 400
    if isinstance(value, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value in _ERROR_KEYS for k in value.keys)
    if isinstance(value, ast.Call):
        name = (dotted(value.func) or "").split(".")[-1]
        if _ERROR_CALL.match(name) or _error_result(value):
            return True
        status = next((_status_of(kw.value) for kw in value.keywords if kw.arg in ("status", "status_code")), None)
        return status is not None and status >= 400
    return False


def _flags(value: ast.AST | None, state: bool) -> set[str]:
    """Keys of a returned dict (`{"sent": False}`) or keywords of a returned result (`Result(ok=False)`)
    set to the boolean `state`."""
    pairs: list[tuple[object, ast.AST]] = []
    if isinstance(value, ast.Dict):
        pairs = [(k.value, v) for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant)]
    elif isinstance(value, ast.Call):
        pairs = [(kw.arg, kw.value) for kw in value.keywords if kw.arg]
    return {str(k) for k, v in pairs if isinstance(v, ast.Constant) and v.value is state}


_FAILURE_TEXT = re.compile(r"(?i)\b(fail\w*|error|invalid|unable|could not|cannot)\b")
_ERROR_NAME = re.compile(r"(?i)^\w*err(or)?(_?(message|msg|text|detail|details))?$")


def _error_result(value: ast.AST | None) -> bool:
    """A result object carrying the failure: `Result(ok=False, ...)`, `Result(error_message="...")`, or a
    message saying it failed (`StatusResponse(f"Failed to connect to {url}", 0)`)."""
    if not isinstance(value, ast.Call):
        return False
    if _flags(value, False) & _SUCCESS_FLAGS:
        return True
    if any(kw.arg and _ERROR_NAME.match(kw.arg) and not (isinstance(kw.value, ast.Constant) and kw.value.value is None)
           for kw in value.keywords):
        return True
    return any(isinstance(a, (ast.Constant, ast.JoinedStr)) and _FAILURE_TEXT.search(_literal_text(a))
               for a in value.args)


_SUCCESS_FLAGS = frozenset({"ok", "success", "succeeded", "sent", "valid"})


_DECODE_NAME = re.compile(r"(?i)decode|fromhex|unhexlify|loads|parse|fromisoformat")


def _decoded_names(block: ast.Try) -> set[str]:
    """Names a `try` body hands to a decoder (`base64.b64decode(v)`, `bytes.fromhex(v)`, `json.loads(v)`)."""
    out = set()
    for n in iter_nodes(block.body):
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and \
                _DECODE_NAME.search((dotted(n.func) or "").split(".")[-1]):
            out.add(n.args[0].id)
    return out


def _default_value(node: ast.AST) -> bool:
    """A stated default: a literal (not None, which is "nothing"; not a boolean, which is a probe's answer and
    judged as one), a container of them, or a constant's name."""
    if isinstance(node, ast.Constant):
        return node.value is not None and not isinstance(node.value, bool)
    if isinstance(node, (ast.List, ast.Tuple, ast.Dict, ast.Set)):
        return all(_default_value(e) for e in getattr(node, "elts", []) + getattr(node, "values", []))
    if isinstance(node, ast.Attribute):  # `message = response.reason_phrase`: the value read another way
        return isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id.isupper() or isinstance(node, ast.JoinedStr)


def _new_object(node: ast.AST) -> bool:
    """`Encoding(media=media, status="running")`: a fresh instance of a class, the "create" half of a
    get-or-create whose "get" the `try` attempted; not an exception, which the code would then use as a value."""
    if not isinstance(node, ast.Call):
        return False
    name = (dotted(node.func) or "").split(".")[-1]
    return name[:1].isupper() and not name.endswith(("Error", "Exception"))


def _cleanup_call(statement: ast.stmt) -> bool:
    """`ssh.close()`, `await conn.aclose()`, `os.unlink(path)`: a statement that only releases something."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    call = call.value if isinstance(call, ast.Await) else call
    return isinstance(call, ast.Call) and (dotted(call.func) or "").split(".")[-1] in _CLEANS


def _callee_name(call: ast.Call) -> str:
    """The called function's own name, also on a built object (`Webhook(secret).verify` -> "verify")."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else (dotted(func) or "").split(".")[-1]


def _allows_none(annotation: ast.AST | None) -> bool:
    """`-> str | None`, `-> Optional[str]`, `-> "Currency | None"`: the function is declared to answer None."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return bool(re.search(r"\bNone\b|^Optional\[", annotation.value))
    if isinstance(annotation, ast.BinOp):
        return _allows_none(annotation.left) or _allows_none(annotation.right)
    if isinstance(annotation, ast.Subscript):
        return (dotted(annotation.value) or "").split(".")[-1] == "Optional"
    return isinstance(annotation, ast.Constant) and annotation.value is None


def _nothing(node: ast.AST | None) -> bool:
    """None, an empty container, or a tuple of Nones (`return None, None`): a result holding nothing."""
    if node is None or isinstance(node, ast.Constant) and node.value is None:
        return True
    if isinstance(node, (ast.List, ast.Set, ast.Dict)):
        return not (node.keys if isinstance(node, ast.Dict) else node.elts)
    return isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) and e.value is None for e in node.elts)


def _catches_all(block: ast.Try) -> bool:
    """A handler of the `try` is bare or names Exception/BaseException: nothing its body raises gets out."""
    return any(h.type is None or any((dotted(t) or "").split(".")[-1] in ("Exception", "BaseException")
                                     for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))
               for h in block.handlers)


def _work_of(body: list[ast.stmt], sets: frozenset[str] = frozenset()) -> tuple[str | None, bool]:
    """(the first state-changing call's name, whether a loop runs calls) in a `try` body, in one pass. The body
    of a nested `try` that catches everything is judged by that try's own handlers (a specific handler lets
    the rest through to this one); nested functions run elsewhere. `sets` are names bound to a set in the
    function or module: `hostnames.add(h)` fills a collection, it changes no state outside."""
    loops = False
    stack = [(n, False) for n in reversed(body) if not isinstance(n, _DEFERRED)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Call):
            name = _callee_name(node)
            if (name in _STATE_CHANGES or name.startswith(_STATE_PREFIXES)) and name not in _FILE_RESPONSES and \
                    not (name == "add" and isinstance(node.func, ast.Attribute) and
                         isinstance(node.func.value, ast.Name) and node.func.value.id in sets):
                return name, loops
            loops = loops or in_loop
        looped = {id(c) for c in node.body} if isinstance(node, (ast.For, ast.AsyncFor)) else ()
        guarded = {id(c) for c in node.body} if isinstance(node, ast.Try) and _catches_all(node) else ()
        stack.extend((c, in_loop or id(c) in looped) for c in reversed(list(ast.iter_child_nodes(node)))
                     if not isinstance(c, _DEFERRED) and id(c) not in guarded)
    return None, loops


def _bound_to_set(body: list[ast.stmt]) -> frozenset[str]:
    names = set()
    for st in body:
        value = st.value if isinstance(st, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, (ast.Set, ast.SetComp)) or isinstance(value, ast.Call) and isinstance(
                value.func, ast.Name) and value.func.id in ("set", "frozenset"):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _maybe_true(node: ast.AST) -> bool:
    """`True`, or `True if ping() else False`: a stored yes."""
    if isinstance(node, ast.IfExp):
        return _maybe_true(node.body) or _maybe_true(node.orelse)
    return isinstance(node, ast.Constant) and node.value is True


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    return "".join(v.value for v in getattr(node, "values", []) if isinstance(v, ast.Constant)
                   and isinstance(v.value, str))


def _keeps_error_text(handler: ast.ExceptHandler) -> bool:
    """The handler is the fallback of an error report (`except Exception: error_message = r.text`): it fills
    in the error message the code goes on to return."""
    return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and _ERROR_NAME.match(t.id)
                                                 for t in n.targets)
               and not (isinstance(n.value, ast.Constant) and n.value.value is None) for n in handler_nodes(handler))


def _reraises_as_is(handler: ast.ExceptHandler) -> bool:
    """The handler's body ends with a bare `raise`: whatever it caught goes on unchanged."""
    last = handler.body[-1] if handler.body else None
    return isinstance(last, ast.Raise) and last.exc is None


def _is_logging_call(call: ast.Call, ctx: FileContext) -> bool:
    return logger_method(call, ctx) is not None


def _is_trivial(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, (ast.Pass, ast.Continue, ast.Break)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
                stmt.value.value is Ellipsis or isinstance(stmt.value.value, (str, bytes))):
            continue
        if isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, (ast.List, ast.Dict)) or (
                isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, _TRIVIAL_CONSTANTS))):
            continue
        return False
    return True


def _with_comments(ctx: FileContext, handler: ast.ExceptHandler) -> ast.AST:
    """The handler with the comments that end its block (ast stops at the last statement; libcst's block
    kept them, and the snippet feeds the fingerprint): a comment after the last statement on its line,
    then comment lines indented at least as deep as the body."""
    lines = ctx.lines
    end_line, end_col = handler.end_lineno, handler.end_col_offset
    last = lines[end_line - 1].encode("utf-8")
    if last[end_col:].strip().startswith(b"#"):
        end_col = len(last.rstrip())
    first = handler.body[0]
    if first.lineno != handler.lineno:  # an indented block, not `except: pass` on one line
        indent = lines[first.lineno - 1][:first.col_offset]
        for number in range(end_line + 1, len(lines) + 1):
            text = lines[number - 1]
            if not text.strip():
                continue
            if not (text.lstrip().startswith("#") and text.startswith(indent)):
                break
            end_line, end_col = number, len(text.rstrip().encode("utf-8"))
    if (end_line, end_col) == (handler.end_lineno, handler.end_col_offset):
        return handler
    return ast.ExceptHandler(body=[], lineno=handler.lineno, col_offset=handler.col_offset, end_lineno=end_line,
                             end_col_offset=end_col)


def _context_processor(ctx: FileContext, func: ast.AST) -> bool:
    """A Django template context processor: a module-level function of `context_processors.py` whose one
    parameter is the request."""
    args = getattr(func, "args", None)
    return ctx.path.rsplit("/", 1)[-1] == "context_processors.py" and args is not None and \
        len(args.args) == 1 and not args.vararg and not args.kwarg and func in getattr(ctx.tree, "body", ())

class BroadExceptSwallows(AstCheck):
    RULE_ID = "BA-ERR-001"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # Django migrations and alembic revisions: one-off data fixes run once by the operator, a note
        # and a project's own migrations.py of migration steps
        self.migration = is_migration(ctx)
        self._positions: dict[int, dict[int, tuple[list, int]]] = {}
        self._handled: dict[int, bool] = {}  # outer handler id -> it logs or raises (the tree outlives the walk)
        self._work: dict[int, tuple[str | None, bool]] = {}  # try id -> _work_of its body
        self._arities: dict[int, set[int]] = {}  # try id -> lengths of the tuples its body returns
        self._reads: dict[int, tuple[dict, dict, dict]] = {}  # function id -> _reads_of it

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        kind = self._broad(node.type)
        if kind is None:
            return
        if kind == "bare" and _reraises_as_is(node) and not any(
                isinstance(n, ast.Call) and _is_logging_call(n, self.ctx) for n in handler_nodes(node)):
            # cleanup (a rollback) then bare `raise`: right for every exception, cancellation too; a log
            # line there would report a Ctrl-C as a failure, so that shape stays
            return
        handled, low_log = _scan_handler(node, self.ctx)
        if not handled and (self._retries(node) or in_log_handler(self.ctx) or self._while_handling() or
                            self._validator_says_no(node) or self._flag_flipped(node) or
                            _keeps_error_text(node) or self._reconnects(node) or self._retries_rows(node) or
                            self._probe_answer(node) or self._falls_to_error_answer(node) or
                            self._next_format(node) or self._next_candidate(node) or
                            self._says_it_failed(node) or self._cleanup_of_handled_error() or
                            self._alternative_import(node) or self._shape_probe(node) or
                            self._keeps_input(node) or self._fails_closed(node) or
                            self._awaits_cancelled(node) or self._optional_field(node)):
            handled = True
        func = self.ctx.function_stack[-1].name if self.ctx.function_stack else ""
        if not handled and (func in _CLEANUP or self._only_closes()) and self._keeps_traceback(node):
            handled = True  # a close that may fail, its failure recorded with the traceback (at DEBUG: cleanup)
        # a stated fallback (`VERSION = "unknown"`) is a design, but any error takes it where one exception
        # was meant (PackageNotFoundError): reviews split on it, so a note
        fallback = not handled and (self._fallback_value(node) or self._parser_answers_none(node))
        level = "note" if func in _CLEANUP or self.migration or self._explained_skip(node) or \
            self._only_closes() or fallback else None
        teardown = not handled and level is None and self._teardown_callback()
        what = "bare 'except:'" if kind == "bare" else f"'except {kind}'"
        key = node.type or _with_comments(self.ctx, node)
        untraced = lost = None  # the evidence of lost work, or why a swallow is only a note
        if teardown:
            level = "note"
            untraced = ("in a callback run after a failure, revocation or disconnect the framework already "
                        "records; what the tidying-up loses was not traced")
        if not handled and level is None:
            lost = self._lost_work(node, low_log)
            # catching KeyboardInterrupt, SystemExit and cancellation too is worth saying, but around a try that
            # only computes a value (a lookup the handler replaces, the task ending when its row is gone) the
            # window is that one call: the evidence of lost work is what the try does, as for `except Exception`
            exits = kind != "Exception" and not self._cancellation_apart(node)
            if lost is None:
                untraced = ("it also catches KeyboardInterrupt, SystemExit and task cancellation, but " if exits
                            else "") + \
                    "what its failure loses was not traced: no state change, loop of work or import in the try"
            elif not exits and lost.startswith("the try changes state") and self._one_call_given_up(node):
                # a bare/BaseException handler keeps its warning: it also swallows an exit landing in that call
                untraced = (f"{lost}, but the try is that one call and the handler only goes on without it (a "
                            "best-effort step); what depended on its effect was not traced")
            elif exits:
                lost = f"{lost}; the handler also catches KeyboardInterrupt, SystemExit and task cancellation"
            elif self._stated_intent(node):
                untraced = f"{lost}, but a comment or the docstring says the failure is meant"
            elif self._side_step_before_raise():
                untraced = (f"{lost}, but the try is a side step of a handler that logs the first error and raises "
                            "right after it (the request fails either way); what the side step loses was not traced")
            elif self._candidate_default(node):
                untraced = (f"{lost}, but each failure moves on to the next candidate and the loop ends in the "
                            "function's stated default; why a candidate failed is not logged")
            elif self._error_entry(node):
                untraced = (f"{lost}, but the handler records the failure in an error result the caller gets; why "
                            "it failed is not logged")
            elif self._recorded_in_flag(node):
                untraced = (f"{lost}, but the handler records the failure in '{self._recorded_in_flag(node)}', "
                            "which the code tests after it (the failure is the answer); why it failed is not logged")
            elif self._partial_answer(node):
                untraced = (f"{lost}, but the handler answers the try's result with the failed part None (a "
                            "designed fallback the caller handles); why it failed is not logged")
            if untraced:
                level = "note"
        if handled:
            if kind == "bare" and self._cleanup_of_handled_error() and not self._awaits(node):
                # one close or unlink while the first error is on its way (or in a finally): nothing to cancel
                # there, and a failing close must not replace that error
                return
            if kind == "bare":
                # the error itself is handled; what the bare clause adds is catching cancellation and exit. An
                # awaiting try is where cancellation lands: evidence. Elsewhere a Ctrl-C or SystemExit landing in
                # the try's window was not traced: a note
                awaits = self._awaits(node)
                self.report(node, f"{what} also catches KeyboardInterrupt, SystemExit and task cancellation; "
                                  "catch Exception or a narrower type" + (
                                      "" if awaits else " (the error is handled; whether an exit or a Ctrl-C can "
                                                        "land in the try was not traced)"),
                            level=level if awaits else "note", key_node=key, properties={"sub": "bare"})
            return
        if fallback:
            msg = f"{what} falls back to a default on any error; catch the exception the fallback is meant for"
            sub = "fallback"
        elif _is_trivial(node.body):
            msg = f"{what} silently discards the error; catch a narrower type, or log it and re-raise"
            sub = "pass"
        elif low_log:
            msg = f"{what} logs the error only at DEBUG/INFO and carries on; log at WARNING+ with the traceback or re-raise"
            sub = "low-level"
            if self._keeps_traceback(node):
                level = "note"  # `logger.info(..., exc_info=True)`: the traceback is recorded, at a low level
        else:
            msg = f"{what} swallows the error: nothing re-raises, logs or reports it"
            sub = "swallow"
        if lost and not untraced and level is None:
            # blind, the same evidence of lost work (a silent rollback of a first-start commit, a loop given up)
            # was judged a warning in one function and a note in the next: what the failure costs, and whether
            # the caller takes the empty answer as a refusal (fail-closed), are not in the handler
            level = "note"
            untraced = f"{lost}; what the failure costs and how the caller takes it were not traced"
        if untraced or lost:
            msg = f"{msg} ({untraced or lost})"
        self.report(node, msg, level=level, key_node=key, properties={"sub": sub})

    def _lost_work(self, handler: ast.ExceptHandler, low_log: bool) -> str | None:
        """Positive evidence that the swallowed failure loses work or an error, by what the `try` does (for a
        bare or BaseException handler too: catching cancellation and exit alone is no evidence): it changes
        state (`save()`, `Model.objects.create`, `client.post`, `import_module`), runs a loop of calls whose remaining items the
        handler drops, is the catch-all after a specific handler, or its failure becomes an empty result that
        looks like success (`return []`); or the handler skips a loop's item with only a DEBUG/INFO line. None
        when the `try` only computes a value: a probe, a conversion or an optional field, which the handler
        may rightly replace."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try):
            return None
        named = {(dotted(t) or "").split(".")[-1] for h in block.handlers if h is not handler and h.type
                 for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])}
        drops = all(isinstance(st, (ast.Pass, ast.Continue)) or isinstance(st, ast.Return) and (
            st.value is None or _nothing(st.value)) or isinstance(st, ast.Expr) for st in handler.body)
        # `break` is left out: leaving a wait loop hands the failure to the code after it (`future.result()`);
        # and a try whose specific handler takes cancellation is waiting out a cancelled task, not doing work
        if drops and block.handlers[0] is not handler and not named <= _CANCELLATION:
            return "the handler is the catch-all after a specific one"
        change, loops = self._work_for(block)
        if change:
            return f"the try changes state: {change}()"
        if drops and loops:
            return "the try runs a loop of calls the handler abandons"
        if low_log and isinstance(handler.body[-1], ast.Continue):
            # a stream message or a row skipped with only a DEBUG/INFO line: the item's work is gone
            return "the handler skips the loop's item with only a DEBUG/INFO line"
        if any(isinstance(st, ast.Return) and _nothing(st.value) and st.value is not None
               and not (isinstance(st.value, ast.Constant)) for st in handler.body):
            return "the handler turns the failure into an empty result"
        return None

    def _teardown_callback(self) -> bool:
        """The enclosing function runs after a failure, a cancellation or a disconnect to tidy up: a Celery
        task's `on_failure`/`on_retry` hook, a receiver of a failure, revocation or shutdown signal
        (`@task_revoked.connect`), a socket's disconnect handler (`@socketio.on("disconnect")`). The failure
        that brought it there is already recorded by the framework; a swallowed error of the tidying-up is a
        note, as in a `close()` or `__exit__`."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        if func.name in _TEARDOWN_HOOKS:
            return True
        for deco in func.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = dotted(target) or ""
            if name.endswith(".connect") and name.split(".")[-2].endswith(_TEARDOWN_SIGNALS):
                return True
            if isinstance(deco, ast.Call) and any(isinstance(a, ast.Constant) and a.value == "disconnect"
                                                  for a in deco.args[:1]):
                return True
        return False

    def _one_call_given_up(self, handler: ast.ExceptHandler) -> bool:
        """`try: RBACMembership.objects.create(...) except Exception: pass`, `try: store.remove(key) except
        Exception: pass`: the `try` holds one simple statement making one call, and the handler only passes. The
        try is as narrow as it can be around that one action: nothing else in it is abandoned, and the code
        after it does not wait for its result. A try around a block of work, a handler answering the caller
        (`return False`, `return []`), a second call (`keywords.add(Keyword.objects.get_or_create(...))`), or a
        function whose whole body is that try (`def pay(order): try: charge(order) except Exception: pass`: the
        function's one job fails and its caller is told nothing) or a try in a loop keeps its warning."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try) or len(block.body) != 1 or not isinstance(
                block.body[0], (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)):
            return False
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is not None and [st for st in func.body if not (
                isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))] == [block]:
            return False
        # in a loop the call is given up for item after item (`for ws in sockets: try: ws.send(...)`): what is
        # lost repeats, that is evidence enough
        for parent in reversed(self.ctx.parents[:-1]):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                break
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
                return False
        if not all(isinstance(st, ast.Pass) or isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)
                   for st in handler.body):
            return False
        return sum(isinstance(n, ast.Call) for n in iter_nodes(block.body)) == 1

    def _work_for(self, block: ast.Try) -> tuple[str | None, bool]:
        """`_work_of` the try's body, once per try: a hostile file may give one try thousands of handlers."""
        if id(block) not in self._work:
            self._work[id(block)] = _work_of(block.body, self._set_names())
        return self._work[id(block)]

    def _awaits(self, handler: ast.ExceptHandler) -> bool:
        block = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(block, ast.Try) and any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith))
                                                  for n in iter_nodes(block.body))

    def _set_names(self) -> frozenset[str]:
        """Names the enclosing function's or the module's top-level statements bind to a set (`seen =
        set()`, `{...}`, a set comprehension): their statements only, no walk."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        tree = self.ctx.tree
        if not hasattr(self, "_module_sets"):
            self._module_sets = _bound_to_set(tree.body if tree is not None else [])
        return self._module_sets | (_bound_to_set(func.body) if func is not None else frozenset())

    def _cancellation_apart(self, handler: ast.ExceptHandler) -> bool:
        """Another handler of the same `try` names CancelledError, KeyboardInterrupt or SystemExit: the code has
        thought of them."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(block, ast.Try) and any(
            (dotted(t) or "").split(".")[-1] in _CANCELLATION for h in block.handlers if h is not handler and h.type
            for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))

    def _stated_intent(self, handler: ast.ExceptHandler) -> bool:
        """A comment just above the `try` or inside the handler says the failure is meant to be ignored
        (`# best effort`, `# must not break the request`), or the function's docstring says what it answers
        on failure (`Returns an empty list when the config fails to validate`)."""
        block = self.ctx.parents[-1]
        lines = self.ctx.lines
        numbers = list(range(max(1, block.lineno - 2), block.lineno)) + list(range(handler.lineno,
                                                                                   handler.end_lineno + 1))
        if any("#" in lines[i - 1] and _STATED_INTENT.search(lines[i - 1].split("#", 1)[1]) for i in numbers):
            return True
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        doc = ast.get_docstring(func) if func is not None else None
        if doc and (_DOCUMENTED_ANSWER.search(doc) or _DOCUMENTED_FALLBACK.search(doc)):
            return True
        if not hasattr(self, "_module_best_effort"):
            # a module documented as best-effort as a whole (an optional cache layer whose failures fall back)
            module_doc = ast.get_docstring(self.ctx.tree) if self.ctx.tree is not None else None
            self._module_best_effort = bool(module_doc and _BEST_EFFORT.search(module_doc))
        if self._module_best_effort:
            return True
        # a DEBUG line saying what the failure is taken for: `logger.debug("... (treated as no challenge)")`
        return any(isinstance(n, ast.Call) and _is_logging_call(n, self.ctx) and n.args and
                   _STATED_INTENT.search(_literal_text(n.args[0])) for n in handler_nodes(handler))

    def _retries(self, handler: ast.ExceptHandler) -> bool:
        """The handler makes the same call the `try` made (`except Exception: x = User.objects.get(pk=pk)`):
        a retry, whose second failure propagates."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try):
            return False
        tried = {ast.dump(n) for n in iter_nodes(block.body) if isinstance(n, ast.Call)}
        # a call on values the handler rebinds (`file_id = other.resource_id`) is a fallback, not a retry
        rebound = {n.id for n in handler_nodes(handler) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        # a result object built in both places (`return PaymentPendingStatus()`) is an answer, not a retry
        return any(isinstance(n, ast.Call) and ast.dump(n) in tried and not _is_logging_call(n, self.ctx)
                   and not (dotted(n.func) or "").split(".")[-1][:1].isupper()
                   and not any(isinstance(m, ast.Name) and m.id in rebound for m in ast.walk(n))
                   for n in handler_nodes(handler))

    def _retries_rows(self, handler: ast.ExceptHandler) -> bool:
        """`try: Model.objects.bulk_create(rows) except Exception: for row in rows: try: row.save() except ...`:
        the failed batch is retried one row at a time, each row in its own `try`. The batch's error is handled
        by the retry, which finds the bad rows; how each row's failure is treated is the inner handler's own
        finding."""
        if not tries_batch_write(self.ctx.parents[-1] if self.ctx.parents else None):
            return False
        return any(isinstance(n, (ast.For, ast.AsyncFor)) and any(isinstance(m, ast.Try) for m in iter_nodes(n.body))
                   for n in handler_nodes(handler))

    def _probe_answer(self, handler: ast.ExceptHandler) -> bool:
        """`try: running = bool(inspect.ping()) except Exception: running = False`: a status probe of another
        system (a broker, a compiler, a server) whose answer is whether the call worked; the handler records
        the negative answer in the same place the `try` recorded the positive one, and the caller shows it.
        A conversion probe of a value (`float(s)` then `return True`) is not one: there a broad except hides
        bugs the narrow `ValueError` would not, so it stays."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        body = [st for st in handler.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
        if isinstance(block, ast.Try) and len(body) == 1 and isinstance(body[0], ast.Return) and \
                _is_false(body[0].value):
            return self._predicate_probe(block)
        if not isinstance(block, ast.Try) or not body or not all(
                isinstance(st, ast.Assign) and _is_false(st.value) for st in body):
            return False
        targets = {ast.dump(t) for st in body for t in st.targets}
        positive = {ast.dump(t) for n in iter_nodes(block.body) if isinstance(n, ast.Assign) and _maybe_true(n.value)
                    for t in n.targets}
        calls = [n for n in iter_nodes(block.body) if isinstance(n, ast.Call)]
        return bool(targets) and targets <= positive and any(
            not (self.ctx.qualname(c.func) or "").startswith("builtins.") for c in calls)

    def _predicate_probe(self, block: ast.Try) -> bool:
        """`async def _is_started(url): try: await client.get(url); return True except Exception: return False`:
        a predicate named for a yes/no question (`is_`, `has_`, `can_`, `ping`, `alive`) whose every return is
        True or False, probing another system: reaching it or not is the answer. A conversion probe that
        only calls builtins (`float(s)`) stays, as the corpus judged it."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not _PREDICATE_NAME.match(func.name):
            return False
        returns = [n for n in iter_nodes(func.body, skip=_DEFERRED) if isinstance(n, ast.Return)]
        if not any(isinstance(n, ast.Return) and _maybe_true(n.value) for n in iter_nodes(block.body)) or not all(
                isinstance(r.value, ast.Constant) and r.value.value in (True, False) for r in returns):
            return False
        return any(isinstance(c, ast.Call) and not (self.ctx.qualname(c.func) or "").startswith("builtins.")
                   for c in iter_nodes(block.body))

    def _next_format(self, handler: ast.ExceptHandler) -> bool:
        """`try: bytes.fromhex(v); return v except ValueError: pass` then `try: return b64decode(v) except
        Exception: ...`: one of a chain of format attempts on the same value, right after another; failing
        one means the value is in another format (or none), which the code goes on to handle."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Try):
            return False
        block = parents[-1]
        previous = self._sibling(block, parents[-2], -1)
        if not isinstance(previous, ast.Try) or any(self._broad(h.type) for h in previous.handlers):
            return False
        mine, theirs = _decoded_names(block), _decoded_names(previous)
        return bool(mine & theirs)

    def _next_candidate(self, handler: ast.ExceptHandler) -> bool:
        """`for module in candidates: try: return import_module(f"{module}.{name}") except Exception: ...` then
        `raise ValueError(...)` after the loop: each failure moves on to the next candidate, and the loop
        running out of them is the error, raised."""
        parents = self.ctx.parents
        if len(parents) < 3 or not isinstance(parents[-1], ast.Try) or not isinstance(parents[-2], (ast.For,
                                                                                                    ast.AsyncFor)):
            return False
        block, loop, owner = parents[-1], parents[-2], parents[-3]
        if self._sibling(block, loop, 0) is not block or not any(isinstance(n, ast.Return)
                                                               for n in iter_nodes(block.body)):
            return False
        if any(isinstance(n, (ast.Return, ast.Raise)) for n in handler_nodes(handler)):
            return False
        following = self._sibling(loop, owner, 1)
        return isinstance(following, ast.Raise) and following.exc is not None

    def _candidate_default(self, handler: ast.ExceptHandler) -> bool:
        """`for model in candidates: try: if supports(model): return True except Exception: continue` then
        `return True`: the loop returns as soon as one candidate answers, each failure moves on to the next, and
        running out of candidates gives the function's stated default (a constant). As `_next_candidate`, but
        the end is a default answer, not an error: a design, still broad, so a note."""
        parents = self.ctx.parents
        if len(parents) < 3 or not isinstance(parents[-1], ast.Try) or not isinstance(parents[-2], (ast.For,
                                                                                                    ast.AsyncFor)):
            return False
        block, loop, owner = parents[-1], parents[-2], parents[-3]
        if self._sibling(block, loop, 0) is not block or any(isinstance(n, (ast.Return, ast.Raise))
                                                           for n in handler_nodes(handler)):
            return False
        if not any(isinstance(n, ast.Return) for n in iter_nodes(loop.body, skip=_DEFERRED)):
            return False
        following = self._sibling(loop, owner, 1)
        return isinstance(following, ast.Return) and isinstance(following.value, ast.Constant) and \
            following.value.value is not None

    def _side_step_before_raise(self) -> bool:
        """`except Exception as e: logger.error(..., exc_info=True); try: mark_expired(); await session.commit()
        except Exception: pass; raise HTTPException(400)`: the swallowing `try` sits in another handler that logs
        the first error loudly and raises right after it; the caller is told the operation failed whatever the
        side step did. Recovery that the code goes on with (no raise after it) keeps its warning."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Try) or not isinstance(parents[-2], (ast.If,
                                                                                                    ast.ExceptHandler)):
            return False
        block = parents[-1]
        for index in range(len(parents) - 2, -1, -1):
            parent = parents[index]
            if isinstance(parent, _DEFERRED):
                return False
            if isinstance(parent, ast.ExceptHandler):
                break
        else:
            return False
        # the statement after the try, in its own block, raises; only `if` blocks may stand between
        if not all(isinstance(p, ast.If) for p in parents[index + 1:-1]):
            return False
        following = self._sibling(block, parents[-2], 1)
        if not isinstance(following, ast.Raise) or following.exc is None:
            return False
        if id(parent) not in self._handled:
            self._handled[id(parent)] = _scan_handler(parent, self.ctx)[0]
        return self._handled[id(parent)] and any(
            isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and
            logger_method(st.value, self.ctx) in _LOUD_LEVELS for st in parent.body)

    def _error_entry(self, handler: ast.ExceptHandler) -> bool:
        """`except Exception: responses.append(UploadResult(path=p, error=INVALID_PATH))`: the handler puts a
        result carrying an error into the answer it builds; the caller sees that this item failed."""
        return any(isinstance(n, ast.Call) and any(_error_result(a) for a in n.args) for n in handler_nodes(handler))

    def _falls_to_error_answer(self, handler: ast.ExceptHandler) -> bool:
        """`try: if inspect().ping(): return HttpResponse() except Exception: pass` then `return
        HttpResponse(status=500)`: the handler falls through to the error answer right after the `try`, so
        the failure is answered as an error (a ping view's 500)."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Try) or not _is_trivial(handler.body) or any(
                isinstance(st, ast.Return) for st in handler.body):
            return False
        following = self._sibling(parents[-1], parents[-2], 1)
        return isinstance(following, ast.Return) and _error_response(following.value)

    def _keeps_traceback(self, handler: ast.ExceptHandler) -> bool:
        """A logger call of the handler passes a true `exc_info` (or logfire's `_exc_info`), or puts the
        traceback's text in its message (`logger.info(f"...{traceback.format_exc()}")`)."""
        for n in handler_nodes(handler):
            if isinstance(n, ast.Call) and _is_logging_call(n, self.ctx):
                flag = next((kw.value for kw in n.keywords if kw.arg in ("exc_info", "_exc_info")), None)
                if flag is not None and not (isinstance(flag, ast.Constant) and flag.value in (False, None)):
                    return True
                if any(isinstance(a, ast.Call) and (self.ctx.qualname(a.func) or "") in TRACEBACK_TEXT
                       for arg in [*n.args, *(k.value for k in n.keywords)] for a in iter_nodes(arg)):
                    return True
        return False

    def _fallback_value(self, handler: ast.ExceptHandler) -> bool:
        """`try: VERSION = version(__name__) except Exception: VERSION = "unknown"`: the handler gives the names
        the `try` computes a fallback value, so the code after it runs on a stated default, not on nothing; or
        `return fallback`, the caller's default that the `try` returns too (`return subject or fallback`), or
        a new object for the name the `try` looked up (`except Exception: encoding = Encoding(media=media)`:
        get-or-create). A name the `try` never assigns (a misspelt `extensionn = ""`) is not a fallback and stays."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        body = [st for st in handler.body if not isinstance(st, ast.Pass)]
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is not None and len(body) == 1 and isinstance(body[0], ast.Return) and \
                isinstance(body[0].value, ast.Dict) and not body[0].value.keys and _context_processor(self.ctx, func):
            # a Django template context processor answering `{}`: the page renders without its extra values
            # (theme colours, a banner); the view's own queries still fail loudly
            return True
        if isinstance(block, ast.Try) and func is not None and len(body) == 1 and isinstance(body[0], ast.Return) \
                and isinstance(body[0].value, ast.Name):
            # `return subject or fallback` in the try, `return fallback` in the handler: the caller's default
            fallback = body[0].value.id
            params = {a.arg for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs}
            return fallback in params and any(
                isinstance(n, ast.Return) and n.value is not None and any(
                    isinstance(m, ast.Name) and m.id == fallback for m in ast.walk(n.value))
                for n in iter_nodes(block.body))
        if isinstance(block, ast.Try) and len(body) == 1 and isinstance(body[0], ast.Return) and \
                isinstance(body[0].value, ast.Constant) and body[0].value.value not in (None, False, True):
            # `return out.strip() if ok else ""` in the try, `return ""` in the handler: the try's own answer
            # for "nothing", given for any failure too
            answers = [n.value for n in iter_nodes(block.body) if isinstance(n, ast.Return) and n.value is not None]
            return any(isinstance(c, ast.Constant) and c.value == body[0].value.value and
                       type(c.value) is type(body[0].value.value) for a in answers for c in ast.walk(a))
        if isinstance(block, ast.Try) and not body and len(self.ctx.parents) >= 2 and any(
                isinstance(n, ast.Return) and n.value is not None for n in iter_nodes(block.body)):
            # `try: return ask() except Exception: pass` then `return DEFAULT`: falls through to the default
            following = self._sibling(block, self.ctx.parents[-2], 1)
            value = following.value if isinstance(following, ast.Return) else None
            return value is not None and not (isinstance(value, ast.Constant) and value.value in (None, False)) \
                and not any(isinstance(n, ast.Call) or isinstance(n, ast.Name) and not n.id.isupper()
                            for n in ast.walk(value))
        if not isinstance(block, ast.Try) or not body or not all(
                isinstance(st, ast.Assign) and (_default_value(st.value) or _new_object(st.value)) for st in body):
            return False
        assigned = {t.id for n in iter_nodes(block.body) if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
        targets = [t for st in body for t in st.targets]
        return all(isinstance(t, ast.Name) and t.id in assigned for t in targets)

    def _partial_answer(self, handler: ast.ExceptHandler) -> bool:
        """`try: ...; return (issue, url) except Exception: ...; return (None, manual_url)`: the handler ends by
        answering a tuple of the try's own shape with the part that failed None and another part filled in
        (a link to do it by hand): the caller is built for that answer."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        last = handler.body[-1] if handler.body else None
        if not isinstance(block, ast.Try) or not isinstance(last, ast.Return) or not isinstance(last.value, ast.Tuple):
            return False
        answer = last.value.elts
        nones = [isinstance(e, ast.Constant) and e.value is None for e in answer]
        if id(block) not in self._arities:  # once per try, as _work_for
            self._arities[id(block)] = {len(n.value.elts) for n in iter_nodes(block.body)
                                        if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple)}
        return any(nones) and not all(nones) and len(answer) in self._arities[id(block)]

    def _awaits_cancelled(self, handler: ast.ExceptHandler) -> bool:
        """`self.task.cancel()` then `try: await self.task except BaseException: pass`: waiting out a task just
        cancelled, whose CancelledError (or last error) is the expected end; nothing else runs in the `try`."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Try) or len(parents[-1].body) != 1:
            return False
        block = parents[-1]
        st = block.body[0]
        awaited = st.value.value if isinstance(st, ast.Expr) and isinstance(st.value, ast.Await) else None
        if not isinstance(awaited, (ast.Name, ast.Attribute)):
            return False
        before = self._sibling(block, parents[-2], -1)
        call = before.value if isinstance(before, ast.Expr) else None
        return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "cancel" \
            and ast.dump(call.func.value) == ast.dump(awaited)

    def _optional_field(self, handler: ast.ExceptHandler) -> bool:
        """`try: ...; user["image"] = photo except Exception: pass` and later `user.get("image")`: the `try`
        only fills an optional key that the function itself reads as optional (and names it binds are used
        nowhere else), changing nothing outside: a profile photo that may be missing."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not isinstance(block, ast.Try) or not all(isinstance(st, ast.Pass) for st in handler.body) \
                or self._work_for(block)[0]:
            return False
        fields, temps = set(), set()
        for n in iter_nodes(block.body):
            if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name):
                key = n.slice.value if isinstance(n.slice, ast.Constant) else None
                if not isinstance(key, str):
                    return False
                fields.add((n.value.id, key))
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                temps.add(n.id)
            elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store):
                return False
        if not fields:
            return False
        gets, indexed, loads = self._reads_of(func)
        end = block.end_lineno
        # a name only the try binds, used after it, is not optional at all; nor is a key read by indexing
        return all(gets.get(f, 0) > end and indexed.get(f, 0) <= end for f in fields) and \
            all(loads.get(t, 0) <= end for t in temps)

    def _reads_of(self, func: ast.AST) -> tuple[dict, dict, dict]:
        """Once per function: the last line of each `d.get("k")`, each `d["k"]` read and each name read."""
        found = self._reads.get(id(func))
        if found is None:
            gets: dict[tuple[str, object], int] = {}
            indexed: dict[tuple[str, object], int] = {}
            loads: dict[str, int] = {}
            for n in self.ctx.own_nodes(func):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                    loads[n.id] = max(loads.get(n.id, 0), n.lineno)
                elif isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name) \
                        and isinstance(n.slice, ast.Constant):
                    key = (n.value.id, n.slice.value)
                    indexed[key] = max(indexed.get(key, 0), n.lineno)
                elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and \
                        isinstance(n.func.value, ast.Name) and n.args and isinstance(n.args[0], ast.Constant):
                    key = (n.func.value.id, n.args[0].value)
                    gets[key] = max(gets.get(key, 0), n.lineno)
            found = self._reads[id(func)] = (gets, indexed, loads)
        return found

    def _alternative_import(self, handler: ast.ExceptHandler) -> bool:
        """`try: from app import build except Exception: from app import dev as build`: the `try` only imports
        and the handler imports the same names from elsewhere; a failing alternative raises on its own."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        imports = (ast.Import, ast.ImportFrom)
        if not isinstance(block, ast.Try) or not handler.body or not all(isinstance(st, imports) for st in block.body) \
                or not all(isinstance(st, imports) for st in handler.body):
            return False

        def bound(stmts: list[ast.stmt]) -> set[str]:
            return {(a.asname or a.name).split(".")[0] for st in stmts for a in st.names}
        return bool(bound(block.body) & bound(handler.body))

    def _shape_probe(self, handler: ast.ExceptHandler) -> bool:
        """`try: alert, status, text = updated except Exception: alert = updated`: the `try` only unpacks a
        value, so its failure means the value has the other shape (a plugin answering a bare object instead of
        a tuple), which the handler takes as it is. Nothing else runs in the `try` to fail."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try) or len(block.body) != 1 or len(handler.body) != 1:
            return False
        tried, caught = block.body[0], handler.body[0]
        return isinstance(tried, ast.Assign) and len(tried.targets) == 1 and \
            isinstance(tried.targets[0], (ast.Tuple, ast.List)) and isinstance(tried.value, ast.Name) and \
            isinstance(caught, ast.Assign) and isinstance(caught.value, ast.Name) and \
            caught.value.id == tried.value.id

    def _keeps_input(self, handler: ast.ExceptHandler) -> bool:
        """`try: labels[k] = v.format(**labels) except Exception: labels[k] = v`: the `try` converts a value
        with one of its own methods and stores it; the handler stores the value as it was in the same place
        (a label that is no template is kept as written). One statement, one call: nothing else can fail."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try) or len(block.body) != 1 or len(handler.body) != 1:
            return False
        tried, caught = block.body[0], handler.body[0]
        if not (isinstance(tried, ast.Assign) and isinstance(caught, ast.Assign) and len(tried.targets) == 1 and
                len(caught.targets) == 1 and isinstance(caught.value, ast.Name) and
                ast.dump(tried.targets[0]) == ast.dump(caught.targets[0])):
            return False
        call = tried.value
        calls = [n for n in ast.walk(call) if isinstance(n, ast.Call)]
        return isinstance(call, ast.Call) and len(calls) == 1 and isinstance(call.func, ast.Attribute) and \
            isinstance(call.func.value, ast.Name) and call.func.value.id == caught.value.id

    def _fails_closed(self, handler: ast.ExceptHandler) -> bool:
        """An access decision that denies on failure: `try: can_view = await policy(thread, user) except
        Exception: can_view = False`, or a login guard `def login_required(request): try: ... return None
        except Exception: return None` whose failure gives its own "no". Failing closed is the safe answer;
        the `try` changes nothing."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try) or len(handler.body) != 1 or self._work_for(block)[0]:
            return False
        st = handler.body[0]
        if isinstance(st, ast.Assign) and _is_false(st.value) and len(st.targets) == 1 and \
                isinstance(st.targets[0], ast.Name) and _ACCESS_NAME.search(st.targets[0].id):
            return any(isinstance(n, ast.Assign) and any(ast.dump(t) == ast.dump(st.targets[0]) for t in n.targets)
                       for n in iter_nodes(block.body))
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not _ACCESS_NAME.search(func.name) or not isinstance(st, ast.Return) or \
                not (st.value is None or isinstance(st.value, ast.Constant) and st.value.value in (None, False)):
            return False
        no = None if st.value is None else st.value.value
        return any(isinstance(n, ast.Return) and (n.value is None and no is None or isinstance(n.value, ast.Constant)
                                                  and n.value.value is no) for n in iter_nodes(block.body))

    def _says_it_failed(self, handler: ast.ExceptHandler) -> bool:
        """`except Exception: note = f"Could not include {name}: unreadable"; writer.append(page(note))`: the
        unreadable input is replaced by a result that says it failed, so the failure is in the output."""
        said = {t.id for st in handler.body if isinstance(st, ast.Assign) and isinstance(st.value, (
            ast.Constant, ast.JoinedStr)) and _FAILURE_TEXT.search(_literal_text(st.value))
                for t in st.targets if isinstance(t, ast.Name)}
        return bool(said) and any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in said
                                  for n in handler_nodes(handler))

    def _cleanup_of_handled_error(self) -> bool:
        """`except Exception as e: logger.error(...); try: ssh.close() except BaseException: pass` (or the same
        in a `finally`): a best-effort cleanup while an error is already logged or raised; a failing close
        must not replace that error."""
        parents = self.ctx.parents
        block = parents[-1] if parents else None
        if not isinstance(block, ast.Try) or not block.body or not all(_cleanup_call(st) for st in block.body):
            return False
        for index in range(len(parents) - 2, -1, -1):
            parent, child = parents[index], parents[index + 1]
            if isinstance(parent, _DEFERRED):
                return False
            if isinstance(parent, ast.ExceptHandler):
                # once per outer handler: a hostile file may nest thousands of closes in one
                if id(parent) not in self._handled:
                    self._handled[id(parent)] = _scan_handler(parent, self.ctx)[0]
                return self._handled[id(parent)]
            if isinstance(parent, ast.Try) and any(st is child for st in parent.finalbody):
                return True
        return False

    def _parser_answers_none(self, handler: ast.ExceptHandler) -> bool:
        """`def _extract_domain(url) -> str | None: try: return urlparse(url).netloc except Exception: return
        None`: a function declared to answer None parses its argument and answers None for what it cannot
        parse; the caller checks the None. Only a short, synchronous `try` on the function's own arguments:
        an awaited call to another system failing is not an unparsable value."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        block = self.ctx.parents[-1] if self.ctx.parents else None
        body = handler.body
        if func is None or not isinstance(block, ast.Try) or len(body) != 1 or not isinstance(body[0], ast.Return) \
                or not (body[0].value is None or (isinstance(body[0].value, ast.Constant) and body[0].value.value is None)):
            return False
        if not _allows_none(func.returns) or len(block.body) > 4 or any(
                isinstance(n, ast.Await) for n in iter_nodes(block.body)):
            return False
        params = {a.arg for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs}
        return any(isinstance(n, ast.Call) and any(isinstance(m, ast.Name) and m.id in params
                                                   for a in n.args for m in ast.walk(a))
                   for n in iter_nodes(block.body))

    def _sibling(self, statement: ast.AST, owner: ast.AST, offset: int) -> ast.AST | None:
        """The statement `offset` places after (or before) `statement` in the block of `owner` holding it.
        Positions are indexed once per block: a hostile file may hold thousands of `try`s in one body."""
        positions = self._positions.get(id(owner))
        if positions is None:
            positions = {}
            for field in ("body", "orelse", "finalbody"):
                stmts = getattr(owner, field, None)
                if isinstance(stmts, list):
                    positions.update((id(st), (stmts, i)) for i, st in enumerate(stmts))
            self._positions[id(owner)] = positions  # the tree outlives the walk, so ids stay unique
        stmts, index = positions.get(id(statement), ((), -1))
        at = index + offset
        return stmts[at] if index >= 0 and 0 <= at < len(stmts) else None

    def _only_closes(self) -> bool:
        """The `try` only closes or shuts down resources (`try: ws.close() except Exception: ...`): a
        best-effort close, as in a cleanup method; still broad, so a note."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try) or not block.body:
            return False
        calls = [st.value.value if isinstance(st.value, ast.Await) else st.value
                 for st in block.body if isinstance(st, ast.Expr)]
        return len(calls) == len(block.body) and all(
            isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr in _CLOSES for c in calls)

    def _explained_skip(self, handler: ast.ExceptHandler) -> bool:
        """`except Exception: # a corrupted row cannot be decoded, skip it` then `continue`: the loop skips one
        item on purpose and the comment says why. Still broad, so a note, not silence."""
        if len(handler.body) != 1 or not isinstance(handler.body[0], ast.Continue):
            return False
        lines = self.ctx.lines
        return any(lines[i - 1].lstrip().startswith("#") for i in range(handler.lineno + 1, handler.body[0].lineno))

    def _recorded_in_flag(self, handler: ast.ExceptHandler) -> str | None:
        """`is_stable = True; for _ in range(n): try: ping() except Exception: is_stable = False; break` then
        `if is_stable:`: the handler only sets a flag the function set before the try and tests after it; the
        code acts on the failure, whatever it was. The flag's name, or None."""
        body = [st for st in handler.body if not isinstance(st, (ast.Break, ast.Continue, ast.Pass))]
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1 or \
                not isinstance(body[0].targets[0], ast.Name) or not isinstance(body[0].value, ast.Constant):
            return None
        flag, start, end = body[0].targets[0].id, handler.lineno, handler.end_lineno or handler.lineno
        set_before = tested_after = False
        for n in self.ctx.own_nodes(func):
            if isinstance(n, ast.Assign) and n.lineno < start and any(
                    isinstance(t, ast.Name) and t.id == flag for t in n.targets):
                set_before = True
            elif isinstance(n, (ast.If, ast.While)) and n.lineno > end and any(
                    isinstance(x, ast.Name) and x.id == flag for x in ast.walk(n.test)):
                tested_after = True
        return flag if set_before and tested_after else None

    def _flag_flipped(self, handler: ast.ExceptHandler) -> bool:
        """`try: send(); return {"sent": True} except Exception: return {"sent": False}`: the handler answers
        the same result the try does with its success flag turned off; the caller reads the failure there."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(block, ast.Try):
            return False
        on = {k for n in iter_nodes(block.body) if isinstance(n, ast.Return) for k in _flags(n.value, True)}
        return any(isinstance(n, ast.Return) and _flags(n.value, False) & on for n in handler_nodes(handler))

    def _reconnects(self, handler: ast.ExceptHandler) -> bool:
        """The except of a loop that keeps a stream open (`while running: try: async with client.stream(...)`):
        a dropped connection is expected and the loop opens it again, pacing itself with a sleep; or the
        handler breaks out of a receive loop to the outer loop that reconnects."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Try) or not isinstance(parents[-2], ast.While):
            return False
        loop, block = parents[-2], parents[-1]
        if handler.body and isinstance(handler.body[-1], ast.Break):
            return any(isinstance(p, ast.While) for p in parents[:-2])
        streams = any(isinstance(n, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor)) for n in iter_nodes(block.body))
        sleeps = any(isinstance(n, ast.Call) and (dotted(n.func) or "").split(".")[-1] == "sleep"
                     for n in iter_nodes(loop.body, skip=_DEFERRED))
        return streams and sleeps and not any(isinstance(n, ast.Return) for n in handler_nodes(handler))

    def _validator_says_no(self, handler: ast.ExceptHandler) -> bool:
        """`try: return validate(value) except Exception: return False` (or None: `return wh.verify(body,
        headers)`): the try answers a validator's verdict and a validator that raises has said no; the caller
        turns False or None into its error."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        body = handler.body
        if not isinstance(block, ast.Try) or len(body) != 1 or not isinstance(body[0], ast.Return) or \
                not (isinstance(body[0].value, ast.Constant) and (body[0].value.value is False or body[0].value.value is None)):
            return False
        returned = [n.value for n in iter_nodes(block.body) if isinstance(n, ast.Return)]
        return bool(returned) and all(
            isinstance(v, ast.Call) and _VALIDATOR.match(_callee_name(v)) for v in returned)

    def _while_handling(self) -> bool:
        """Nested in another `except` body, trying to read more out of that handler's own error (`except
        Exception as error: try: details = json.loads(error.response.text) except Exception: pass; return
        None, error`): only an optional step of reporting the first error failed, and the first error still
        goes out. Recovery work nested there (moving files back) is a failure of its own and stays."""
        block = self.ctx.parents[-1] if self.ctx.parents else None
        for parent in reversed(self.ctx.parents[:-1]):
            if isinstance(parent, _DEFERRED):
                return False
            if isinstance(parent, ast.ExceptHandler):
                return bool(parent.name) and isinstance(block, ast.Try) and any(
                    isinstance(n, ast.Name) and n.id == parent.name for n in iter_nodes(block.body)) and \
                    _scan_handler(parent, self.ctx)[0]
        return False

    def _broad(self, type_node: ast.expr | None) -> str | None:
        if type_node is None:
            return "bare"
        if isinstance(type_node, ast.Tuple):
            for el in type_node.elts:
                found = self._broad(el.value if isinstance(el, ast.Starred) else el)
                if found and found != "bare":
                    return found
            return None
        name = dotted(type_node)
        if name in _BROAD and not self.ctx.is_local(name.split(".")[-1]):
            return name.split(".")[-1]
        return None
