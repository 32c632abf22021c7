"""BA-API-006 through a project function: a GET handler that writes nothing itself but calls a project function
that does (`question.set_solution(answer, user)` whose body sets a field and saves, `backend.disable()` of an MFA
device that clears the user's secret and saves).

The file check (api_design.StateChangeInGet) leaves, for each GET handler without a write of its own, the calls
it makes that a GET reaches (fact GET_HELPER_CALLS), with the class a receiver was looked up as
(`question = get_object_or_404(Question, ...)`); and, for every function, its first write (fact STATE_WRITES,
the file check's own notion of a write: saves, deletes, queryset updates, session writes). This pass resolves
each call to project functions and asks whether one writes, itself or through the project functions it calls
(two levels down, a bounded number of functions). A call is resolved through the semantic model (imports,
`self.m()` along the MRO), through the class the receiver was looked up as, or, for a receiver of unknown type,
through the project methods of that name when they all belong to one class hierarchy of the project (the
hierarchy's protocol, `BaseMFA.disable`, which a loop over its backends dispatches), and at least one of them
writes. Helpers named as getters or for tracking (`record_visit`, `log_access`) are left alone, like the
handler's own audit rows."""

from __future__ import annotations

import ast
from typing import Any, Callable

from ..findings import Finding
from ..model.frameworks.signed_senders import sender_check
from .base import FileContext, ProjectCheck, dotted, iter_nodes
from .lazy_re import re  # compiled on first use

GET_HELPER_CALLS = "get_handler_helper_calls"
STATE_WRITES = "state_writes"
GET_UNREACHED_CALLS = "get_unreached_calls"  # per function, the lines of the calls a GET cannot reach

_MAX_CALLS = 60  # per handler: a generated view may make thousands
_DEPTH = 2  # the helper the handler calls, and the project functions it calls
_MAX_FUNCTIONS = 40  # functions visited per call, bounded on generated code
# a receiver of unknown type calling `update`/`add`/`pop` is as likely a dict, a set or a list as a project object
_CONTAINER_METHODS = frozenset(n for t in (dict, list, set, str, bytes, bytearray) for n in dir(t) if n[:1] != "_")
_LOOKUPS = frozenset({"get_object_or_404", "get_list_or_404"})  # the first argument is the model
_MANAGERS = frozenset({"objects", "query"})  # `Model.objects.get(...)`, Flask-SQLAlchemy's `Model.query...`
# a helper named for reading or for recording a visit writes what the rule leaves alone (counters, audit rows)
_NOT_A_CHANGE = re.compile(r"(?i)^_*(get|list|find|fetch|count|exists|search|select|load|read|lookup|is|has|can|"
                           r"check|validate|render|serialize|format|to|as|build|make|log|track|audit|record|"
                           r"notify|send|emit|publish|cache|touch|sync|refresh|current|ensure)(_|$)|"
                           r"(^|_)(track|tracking|audit|metrics?|stats?|visits?|hits?|history|analytics?|logs?|logging|"
                           r"check|sync|refresh|last)(_|$)|"
                           # a read marker of what the GET shows (`mark_seen(file)` on its download)
                           r"(^|_)(seen|unseen|read|unread|viewed)$|"
                           # named for what it produces (an export, a report, a PDF): a read computed and kept
                           r"(^|_)(exports?|reports?|pdfs?|csv|xlsx?|ical|xcal|zip|archive|render|print|preview|"
                           r"thumbnails?|download|backup|digest)(_|$)")


# `message.update(read=True)` in the view that shows the message: a read marker on what the GET displays
_READ_MARKER = re.compile(r"(?i)^(is_)?(un)?(read|seen|viewed|opened)$|^last_(read|seen|view|viewed|visit|visited|"
                          r"opened|access|accessed)(_\w+)?$")


def _marks_read(call: ast.Call) -> bool:
    return bool(call.keywords) and not call.args and all(k.arg and _READ_MARKER.match(k.arg) for k in call.keywords)


# a receiver named for logging or auditing (`log_service.create(...)`): an audit row, like the handler's own
_AUDIT_RECEIVER = re.compile(r"(?i)(^|_)(log|logs|logger|audit|audits|tracker|tracking|metrics?|stats?|history|"
                             r"events?)(_|$)")


def _lazy_inits(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    """Calls that make a value only when a lookup found none: `if not project: project = Project.create_demo()`
    (a get-or-create: repeating the GET finds the row and changes nothing)."""
    out = set()
    for n in iter_nodes(fn.body):
        if not isinstance(n, ast.If):
            continue
        tests = n.test.values if isinstance(n.test, ast.BoolOp) and isinstance(n.test.op, ast.And) else [n.test]
        missing = {t.operand.id for t in tests if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and
                   isinstance(t.operand, ast.Name)} | {
            t.left.id for t in tests if isinstance(t, ast.Compare) and isinstance(t.left, ast.Name) and
            isinstance(t.ops[0], ast.Is) and isinstance(t.comparators[0], ast.Constant) and t.comparators[0].value is None}
        for stmt in n.body if missing else ():
            value = stmt.value.value if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Await) else \
                getattr(stmt, "value", None)
            if isinstance(stmt, ast.Assign) and isinstance(value, ast.Call) and \
                    any(isinstance(t, ast.Name) and t.id in missing for t in stmt.targets):
                out.add(id(value))
    return out


def _model_of(value: ast.AST) -> str:
    """The class a local was looked up or built as: `get_object_or_404(Question, ...)`,
    `Watch.objects.get(...)`, `Post.query.filter_by(...).first()`, `Order(...)`; "" when not seen."""
    if not isinstance(value, ast.Call):
        return ""
    name = dotted(value.func) or ""
    if name.rpartition(".")[2] in _LOOKUPS and value.args:
        return dotted(value.args[0]) or ""
    node: ast.AST = value.func
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr in _MANAGERS:
            return dotted(node.value) or ""
        node = node.func if isinstance(node, ast.Call) else node.value
    return name if name.rpartition(".")[2][:1].isupper() else ""


def helper_calls(ctx: FileContext, fn: ast.FunctionDef | ast.AsyncFunctionDef, names: dict[str, list[ast.AST]],
                 unreached: set[int], known: Callable[[ast.Call], bool]) -> list[list[Any]]:
    """The calls of a GET handler a GET reaches, outside `raise` and not `known` (a write the file check judges
    itself, a getter): [line, column, end line, end column, callee as written, receiver's class, snippet]."""
    skip = {id(n) for r in iter_nodes(fn.body) if isinstance(r, ast.Raise) for n in ast.walk(r)} | _lazy_inits(fn)
    # a parameter's annotation names its class (`service: AuthenticationSessionService = Depends(...)`)
    typed = {a.arg: text for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)
             if a.annotation is not None and (text := dotted(a.annotation) or "") and
             text.rpartition(".")[2][:1].isupper()}
    out: list[list[Any]] = []
    for n in iter_nodes(fn.body):
        if not isinstance(n, ast.Call) or id(n) in unreached or id(n) in skip or known(n) or _marks_read(n):
            continue
        ref = dotted(n.func)
        receiver, _, name = (ref or "").rpartition(".")
        if not ref or _NOT_A_CHANGE.search(name) or _AUDIT_RECEIVER.search(receiver.rpartition(".")[2]):
            continue
        head, _, rest = ref.partition(".")
        hint = (typed.get(head) or next((m for v in names.get(head, ()) if (m := _model_of(v))), "")) \
            if rest and "." not in rest else ""
        out.append([*ctx.span(n), ref, hint, ctx.segment(n)[:120]])
        if len(out) >= _MAX_CALLS:
            break
    return out


class _Writes:
    """Which project functions write, asked of the semantic model and the STATE_WRITES facts."""

    def __init__(self, project: Any) -> None:
        self.project = project
        self.sm = project.semantic
        self._by_name: dict[str, list[str]] | None = None
        self._memo: dict[tuple[str, int], tuple[str, str, int, str] | None] = {}

    def by_name(self, method: str) -> list[str]:
        if self._by_name is None:
            self._by_name = {}
            for qual in sorted(self.sm.classes):
                for m in self.sm.classes[qual].methods:
                    self._by_name.setdefault(m, []).append(f"{qual}.{m}")
        return self._by_name.get(method, [])

    def targets(self, caller: str, module: str, ref: str, hint: str) -> list[str]:
        """The project functions a call may run (see the module's docstring)."""
        sm = self.sm
        target = sm.call_target(caller, ref)
        if target is not None:
            return [target]
        receiver, _, method = ref.rpartition(".")
        if not receiver or method.startswith("__"):
            return []
        if hint:
            symbol = sm.resolve(module, hint)
            if symbol is None or symbol.kind != "class":
                return []
            return next(([f"{c}.{method}"] for c in sm.mro(symbol.qualname) if f"{c}.{method}" in sm.functions), [])
        if receiver.partition(".")[0] not in ("self", "cls") and sm.resolve(module, receiver) is not None:
            return []  # a module's, a class's or an imported object's attribute: not a project object's method
        return [] if method in _CONTAINER_METHODS else self._protocol(method)

    def _protocol(self, method: str) -> list[str]:
        """Every project method so named, when one of their classes is a base of all the others."""
        defs = self.by_name(method)
        owners = [d.rpartition(".")[0] for d in defs]
        if not owners or not any(all(root in self.sm.mro(o) for o in owners) for root in owners):
            return []
        return defs

    def write(self, qual: str, depth: int = 0, seen: set[str] | None = None) -> tuple[str, str, int, str] | None:
        """(function, path, line, the write) of the first write `qual` makes, itself or through the project
        functions it calls, `_DEPTH` levels down; None when none is seen."""
        key = (qual, depth)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a cycle answers "not seen" while it is being asked
        seen = set() if seen is None else seen
        info = self.sm.function(qual)
        found = None
        if info is not None and qual not in seen and len(seen) < _MAX_FUNCTIONS and \
                not _NOT_A_CHANGE.search(qual.rpartition(".")[2]):
            seen.add(qual)
            facts, local = self.project.facts.get(info.path, {}), qual[len(info.module) + 1:]
            own = facts.get(STATE_WRITES, {}).get(local)
            if own:
                found = (qual, info.path, own[0], own[1])
            elif depth < _DEPTH:
                skipped = set(facts.get(GET_UNREACHED_CALLS, {}).get(local, ()))
                callees = sorted({t for line, ref in info.calls if line not in skipped and
                                  (t := self.sm.call_target(qual, ref)) is not None})
                found = next((w for c in callees if (w := self.write(c, depth + 1, seen))), None)
        self._memo[key] = found
        return found


class HelperWritesInGet(ProjectCheck):
    RULE_ID = "BA-API-006"
    # a helper outside the given files is not seen: nothing is claimed for it
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        writes, sm, out = _Writes(project), project.semantic, []
        for path in sorted(project.facts):
            module = sm.module_of(path)
            for handler in project.facts[path].get(GET_HELPER_CALLS, ()) if module else ():
                caller = f"{module}.{handler['function']}"
                for line, col, end_line, end_col, ref, hint, snippet in handler["calls"]:
                    found = next((w for t in writes.targets(caller, module, ref, hint) if (w := writes.write(t))),
                                 None)
                    if found is None or "." not in handler["function"] and \
                            sender_check(project, path, handler["function"], before=line):
                        continue  # a webhook that verified its caller's signature first: no GET gets here
                    out.append(self._finding(path, handler, (line, col, end_line, end_col), ref, snippet, found))
        return out

    def _finding(self, path: str, handler: dict[str, Any], span: tuple[int, int, int, int], ref: str, snippet: str,
                 found: tuple[str, str, int, str]) -> Finding:
        function, where, line, what = found
        key = handler.get("key")
        message = (f"{ref}() changes stored data ({what} in {function}, {where}:{line}) in a {handler['handler']}: "
                   "GET must be safe to repeat, prefetch and cache; crawlers, link previews and a cross-site <img> "
                   "trigger it; move the change to POST/PUT/PATCH/DELETE")
        if key:
            message += (f" (the row is looked up by `{key}` from the link: a mailed one-click link only its recipient "
                        "holds, GET by necessity; a link preview still follows it)")
        return Finding(rule_id=self.RULE_ID, path=path, line=span[0], column=span[1], end_line=span[2],
                       end_column=span[3], level="note" if key else "warning", engine=self.ENGINE,
                       message=message, snippet=snippet, symbol=handler["function"],
                       properties={"sub": "helper-write"})
