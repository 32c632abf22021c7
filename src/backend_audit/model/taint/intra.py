"""The per-function interpreter: one flow-sensitive pass over a function body, producing its summary.

It walks statements in order with an abstract state (local name -> access path -> value, see values.py):
branches are analysed separately and joined, loops twice, dead branches (a condition that folds to a
constant) skipped, and guards that end their branch (`if x not in ALLOWED: return`) sanitise what they
checked on the path they dominate. Calls are looked up in the models (source, sink, sanitizer,
propagator); calls that may reach project code are recorded for the project step. Nothing here imports
or runs the scanned code.
"""

from __future__ import annotations

import ast
from ...checks.lazy_re import re  # compiled on first use
import string
from typing import Any

from . import values as V
from .models import Models

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/zsh",
                     "/usr/bin/env", "cmd", "cmd.exe", "powershell", "pwsh"})
_SQLISH = re.compile(r"(?is)\b(select\b.*\bfrom|insert\s+into|update\b.*\bset\b|delete\s+from|where\b|order\s+by|"
                     r"group\s+by|values\s*\(|create\s+table|drop\s+table|alter\s+table|join\b)")
_TERMINATORS = frozenset({"abort", "flask.abort", "sys.exit", "builtins.exit", "exit", "os._exit",
                          "django.http.Http404", "werkzeug.exceptions.abort"})
_CONST_RESULT = frozenset({"builtins.isinstance", "builtins.callable", "builtins.hasattr", "builtins.len",
                           "builtins.id", "builtins.hash", "builtins.type", "builtins.print"})
# a URL or path whose constant start fixes where it goes: "https://host/..." or "/app/..."
_PAST_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*/")
_FIXED_PREFIX = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#{}]+[/?#]|/[^/\\]|[?#])")
# kinds whose sanitising fixes where a URL goes: what is appended after such a value cannot move the host
_HOST_FIXING = frozenset({"all", "redirect", "url", "host"})
# request.META keys the server sets (not headers, not the query): not request data
_META_REQUEST_KEYS = frozenset({"QUERY_STRING", "PATH_INFO", "CONTENT_TYPE", "REQUEST_URI", "RAW_URI", "SCRIPT_NAME"})
# the Referer header under its spellings (headers["Referer"], META["HTTP_REFERER"]): its value carries the
# `referer` mark, which BA-INP-009 reports lower (the browser sets it to the page the user came from)
_REFERER_KEYS = frozenset({"referer", "referrer", "http_referer"})
_TEXT = 72
# Markup methods that return a plain str (`Markup(x).unescape()`, `.striptags()`): the markup was only a step
_TO_PLAIN_TEXT = frozenset({"unescape", "striptags"})
_URL_PARSERS = frozenset({"urlparse", "urlsplit"})
# the request's attributes that hold the URL it was sent to (Flask/Werkzeug, Starlette)
_OWN_URLS = frozenset({"base_url", "url", "host_url", "url_root"})
# predicates named for checking where a URL may go: _allow_redirect, safe_for_redirect, is_safe_url,
# url_has_allowed_host_and_scheme, validate_next_url (a guard on them sanitises for url and redirect)
_URL_CHECK = re.compile(r"(?i)^_*(?:is_|has_)?(?:safe|allow|allowed|valid|validate|check|verify|trusted)_?\w*?"
                        r"(?:url|redirect|next|host|target|location)|^_*(?:is_)?(?:url|redirect|next|host)\w*"
                        r"(?:safe|allowed|valid|trusted)")
# a statement call whose result is dropped, named for refusing a bad URL (`raise_not_valid_url(url)`,
# `validate_url(url)`, `ensure_allowed_host(u)`): it raises on what it rejects, so what follows has the checked URL;
# a name going on past the URL word (`validate_url_against_ssrf`) says what else it does and is read by its body
_URL_REFUSAL = re.compile(r"(?i)^_*(?:raise|ensure|assert|validate|check|verify)_\w*(?:url|host|redirect|next|target)s?$")
# functions that call the function they are given with the arguments that follow it
_DEFERRING = frozenset({"asyncio.to_thread", "starlette.background.BackgroundTask", "fastapi.background.BackgroundTask",
                        "starlette.concurrency.run_in_threadpool", "anyio.to_thread.run_sync"})
_TEMPLATE_GETTERS = frozenset({"get_template", "from_string", "select_template", "get_or_select_template"})
# Django's URL resolver: raises Resolver404 unless one of the site's URL patterns matches the path
_URL_RESOLVERS = frozenset({"django.urls.resolve", "django.urls.base.resolve"})
_KEYS = "#keys"  # state path: what a dict literal's keys are made of (only dicts whose keys are known)
_QUOTES = frozenset({"'", '"'})
_CONFIG_GETTERS = frozenset({"get", "getint", "getfloat", "getboolean"})
_STORE_WRITERS = frozenset({"update", "setdefault", "append", "extend", "insert", "add", "__setitem__"})
_KEY_ATTRS = frozenset({"id", "pk"})
# what these return is a filesystem path: a shell command of untraced origin built from one names a file the
# server holds (`cp -r {os.path.dirname(media.hls_file)}/* ...`), which BA-INP-003 reports as a note
FS_PATH = "fs-path"
# items after the first of an argument list run with shell=: a shell parses them only on Windows
POSIX_ARGV = "posix-argv"
_FS_PATH_CALLS = frozenset({"os.path.dirname", "os.path.join", "os.path.abspath", "os.path.realpath",
                            "os.path.normpath", "posixpath.join"})
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "appendleft", "write", "writelines"})


class Module:
    """What the interpreter knows about the module around a function."""

    def __init__(self, module: str, imports: dict[str, str], constants: dict[str, Any], defs: set[str],
                 globals_: set[str], imported_modules: set[str], path: str) -> None:
        self.module = module
        self.imports = imports
        self.constants = constants
        self.defs = defs
        self.globals = globals_
        self.imported_modules = imported_modules
        self.path = path
        self.instances: dict[str, str] = {}  # module-level name -> class ref it was built from
        self.bound: dict[str, list] = {}  # module-level name -> the expressions it was bound from
        # "lxml", "lxml.etree" for `import lxml.etree.ElementTree`: what requires-import asks about
        self.import_prefixes = {".".join(m.split(".")[:i + 1]) for m in imported_modules
                                for i in range(m.count(".") + 1)}


class _Abort(Exception):
    pass


class FunctionAnalyser:
    def __init__(self, models: Models, mod: Module, segment, fn: ast.AST | None, qual: str, cls: str | None,
                 params: list[str], endpoint: bool, is_view: bool) -> None:
        self.m = models
        self.mod = mod
        self.segment = segment
        self.fn = fn
        self.qual = qual
        self.cls = cls
        self.params = params
        self.endpoint = endpoint
        self.is_view = is_view
        self.local_imports: dict[str, str] = {}
        self.request_names: set[str] = set()
        self.ret: V.Value = {}
        self.sinks: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.store_reads: set[str] = set()  # session keys read here ("" for a computed key)
        self.attrs: dict[str, V.Value] = {}
        self.ret_items: dict[int, V.Value] | None = None  # per item, when every return is a same-size tuple
        self.loop_exits: list[list[dict]] = []
        self.bound: dict[str, list] = {}  # local name -> the expressions it was bound from
        self.following: set[str] = set()  # names whose binding a guard is being read through (no cycles)
        self.html_return = False  # a Flask view: returning text returns the HTML page
        self.types: dict[str, str] = {}  # local name -> class ref (annotation or `Cls(...)`), to link x.m()
        self.attr_types: dict[str, str] = {}  # self.<attr> -> class ref
        self.budget = 20000  # expressions evaluated: bounded time on generated code
        self.responses: dict[str, list] = {}  # local name -> the HTML sinks of the call it was bound from
        self.facts = False  # some guard checked a request read that is not a name (`@` entries of the state)
        # Django class views whose attribute or method return is the redirect's target: `self.url` of a
        # RedirectView, what its get_redirect_url() or a form view's get_success_url() returns
        self.redirect_attr: str | None = None
        self.redirect_return: str | None = None
        # what every truthy return proves of a parameter (`return base.resolve() in p.resolve().parents`: paths;
        # `return re.fullmatch(NAME, p) is not None`: all kinds): a guard calling this function sanitises them
        # for those kinds (see proved_by_return)
        self.proves: dict[str, frozenset] | None = None
        self.proving = False

    # --- entry -------------------------------------------------------------------------------------
    def run(self, body: list[ast.stmt], state: dict) -> dict[str, Any]:
        try:
            self.block(body, state)
        except _Abort:
            pass
        out: dict[str, Any] = {"name": self.qual, "params": self.params}
        if self.cls:
            out["cls"] = self.cls
        if self.fn is not None:
            out["line"] = self.fn.lineno
        if self.ret:
            out["ret"] = V.dump(self.ret)
        if self.ret_items:
            out["ret_items"] = {str(i): V.dump(v) for i, v in self.ret_items.items()}
        if self.sinks:
            out["sinks"] = self.sinks
        if self.calls:
            out["calls"] = self.calls
        if self.store_reads:
            out["store_reads"] = sorted(self.store_reads)
        if self.attrs:
            out["attrs"] = {k: V.dump(v) for k, v in sorted(self.attrs.items())}
        if self.attr_types:
            out["attr_types"] = dict(sorted(self.attr_types.items()))
        if self.proves:
            out["proves"] = {k: sorted(v) for k, v in sorted(self.proves.items())}
        refuses = _separator_refusals(self.fn, self.params) if self.fn is not None and self.params else {}
        if refuses:
            out["refuses"] = refuses
        return out

    def text(self, node: ast.AST) -> str:
        """Trace steps keep no source text: the report reads the step's line when it shows a finding
        (summaries of every function of every file stay small in the cache)."""
        return ""

    def source_text(self, node: ast.AST) -> str:
        s = self.segment(node).split("\n", 1)[0].strip()
        return s if len(s) <= _TEXT else s[:_TEXT - 1] + "…"

    # --- names and imports -------------------------------------------------------------------------
    def qualname(self, node: ast.AST, state: dict) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return ".".join([node.args[0].value, *parts[::-1]])
        if not isinstance(node, ast.Name):
            return None
        head = node.id
        if head in state:
            return None
        rest = parts[::-1]
        if head in self.local_imports:
            return ".".join([self.local_imports[head], *rest])
        if head in self.mod.imports:
            return ".".join([self.mod.imports[head], *rest])
        if head in self.mod.defs or head in self.mod.globals or head in self.mod.constants:
            return None
        if not rest and head in _BUILTINS:
            return f"builtins.{head}"
        return None

    # --- state -------------------------------------------------------------------------------------
    @staticmethod
    def copy(state: dict) -> dict:
        return {k: dict(v) for k, v in state.items()}

    @staticmethod
    def merge(states: list[dict | None]) -> dict | None:
        live = [s for s in states if s is not None]
        if not live:
            return None
        if len(live) == 1:
            return live[0]
        out: dict = {}
        names = set().union(*live)
        for name in names:
            entries = [s.get(name) for s in live]
            if name[:1] == "@" and any(e is None for e in entries):
                continue  # a guard's fact holds after the join only when it held on every path
            if any(e is None for e in entries):
                # bound on some paths only: the others contribute "unbound" (nothing)
                entries = [e for e in entries if e is not None]
            merged: dict = {}
            for key in set().union(*entries):
                merged[key] = V.join(*(e.get(key, e.get("", {})) for e in entries))
            out[name] = merged
        return out

    def read_name(self, name: str, state: dict, node: ast.AST) -> V.Value:
        entry = state.get(name)
        if entry is not None:
            return V.join(*entry.values())
        if name in self.mod.constants or name in self.mod.defs or name in self.mod.imports \
                or name in self.local_imports or name in _BUILTINS:
            return {}
        if name in self.mod.globals:
            return V.unknown(node.lineno, node.col_offset + 1, f"module-level {name}")
        return V.unknown(node.lineno, node.col_offset + 1, name)

    # --- statements --------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt], state: dict | None) -> dict | None:
        for stmt in body:
            if state is None:
                return None
            state = self.stmt(stmt, state)
        return state

    def stmt(self, s: ast.stmt, state: dict) -> dict | None:
        t = type(s)
        if t is ast.Assign:
            before = len(self.sinks)
            value = self.eval(s.value, state)
            for target in s.targets:
                self.assign(target, value, state, s, s.value)
            self.url_resolved(s.value, state)
            if len(self.sinks) > before and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
                # r = make_response(text): a later `r.mimetype = "text/plain"` takes it out of HTML
                self.responses[s.targets[0].id] = [r for r in self.sinks[before:] if r["kind"] == "html"]
            elif self.responses and _sets_plain_type(s):
                made = self.responses.pop(_plain_typed_name(s), ())
                self.sinks = [r for r in self.sinks if not any(r is m for m in made)]
            return state
        if t is ast.AnnAssign:
            if s.value is not None:
                self.assign(s.target, self.eval(s.value, state), state, s, s.value)
            return state
        if t is ast.AugAssign:
            cur = self.eval(s.target, state) if not isinstance(s.target, ast.Name) or s.target.id in state else {}
            added = self.eval(s.value, state)
            if isinstance(s.op, ast.Add) and _fixes_host(cur):
                added = V.sanitise(added, ("host",))
            value = V.join(cur, added)
            if isinstance(s.op, (ast.Add, ast.Mod)):
                value = V.built(value)
            self.assign(s.target, value, state, s, s.value, augment=True)
            return state
        if t is ast.Expr:
            v = s.value
            if isinstance(v, ast.Call) and (self.qualname(v.func, state) or "") in _TERMINATORS:
                self.eval(v, state)
                return None
            self.eval(v, state)
            self.url_resolved(v, state)
            call = v.value if isinstance(v, ast.Await) else v
            if isinstance(call, ast.Call):
                # `_validate_filename(name)`, result dropped: what the callee refuses by raising holds after it
                self.guard_mark(call, state, V.RAISES)
            if isinstance(v, ast.Call) and _URL_REFUSAL.search(_tail_name(v.func) or "") and \
                    (checked := _checked_url(v)) is not None:
                self.sanitise_names(_names_of(checked), ("url", "redirect"), state)
                self.sanitise_read(checked, ("url", "redirect"), state)
            return state
        if t is ast.Return:
            if self.params and self.proves != {}:
                self.proved_by_return(s.value, state)
            if s.value is not None:
                value = self.eval(s.value, state)
                if self.redirect_return and value:
                    self.record_sink(s, "redirect", self.redirect_return, value, s.value, True)
                if self.html_return and value:
                    body = s.value.elts[0] if isinstance(s.value, ast.Tuple) and s.value.elts else s.value
                    if isinstance(body, (ast.JoinedStr, ast.BinOp)) and "<" in _literal_text(body):
                        # a Flask view's returned text is the HTML page
                        self.record_sink(s, "html", "flask view response", self.eval(body, state), body)
                here = (s.lineno, s.col_offset + 1, lambda: "returned: " + self.text(s))
                self.ret = V.join(self.ret, V.step(value, *here))
                items = s.value.elts if isinstance(s.value, ast.Tuple) else None
                if items is None or any(isinstance(e, ast.Starred) for e in items) or (
                        self.ret_items is not None and self.ret_items and len(self.ret_items) != len(items)):
                    self.ret_items = {}  # some return is not a tuple of this shape: no per-item answer
                elif self.ret_items is None or self.ret_items:
                    old = self.ret_items or {}
                    self.ret_items = {i: V.join(old.get(i, {}), V.step(self.eval(e, state), *here))
                                      for i, e in enumerate(items)}
            return None
        if t is ast.Raise:
            if s.exc is not None:
                self.eval(s.exc, state)
            return None
        if t in (ast.Continue, ast.Break):
            if self.loop_exits:
                self.loop_exits[-1].append(state)
            return None
        if t is ast.If:
            return self.if_(s, state)
        if t in (ast.For, ast.AsyncFor):
            return self.for_(s, state)
        if t is ast.While:
            folded = self.fold(s.test, state)
            if folded is False:
                return self.block(s.orelse, state)
            return self.loop(s, state, None, s.test)
        if t in (ast.With, ast.AsyncWith):
            for item in s.items:
                value = self.eval(item.context_expr, state)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, state, s, item.context_expr)
            return self.block(s.body, state)
        if t in (ast.Try, getattr(ast, "TryStar", ast.Try)):
            pre = self.copy(state)
            after_body = self.block(s.body, state)
            outs = [self.block(s.orelse, after_body) if after_body is not None else None]
            for h in s.handlers:
                hs = self.merge([self.copy(pre), self.copy(after_body) if after_body else None])
                if h.name:
                    hs[h.name] = {"": {}}
                outs.append(self.block(h.body, hs))
            if outs[0] is not None and s.handlers and all(o is None for o in outs[1:]):
                # `try: pytz.timezone(name) except UnknownTimeZoneError: return 400`: past the try, the name
                # is one the parser accepted (a known zone, a UUID, an IP address), nothing else
                checked = [a.id for n in s.body for c in ast.walk(n) if isinstance(c, ast.Call)
                           and self.qualname(c.func, pre) in _RAISING_VALIDATORS for a in c.args[:1]
                           if isinstance(a, ast.Name)]
                self.sanitise_names(checked, ("all",), outs[0])
            merged = self.merge(outs)
            if s.finalbody:
                fin = self.block(s.finalbody, merged if merged is not None else self.copy(pre))
                return fin if merged is not None else None
            return merged
        if t is ast.Match:
            subject = self.eval(s.subject, state)
            outs = []
            cases = s.cases
            try:
                fixed = self.const(s.subject, state)
            except _NotConst:
                pass
            else:  # match on a constant: only the case that matches it runs
                for case in cases:
                    p = case.pattern
                    if case.guard is None and ((isinstance(p, ast.MatchValue) and isinstance(p.value, ast.Constant)
                                                and p.value.value == fixed) or
                                               (isinstance(p, ast.MatchAs) and p.pattern is None)):
                        return self.block(case.body, state)
            for case in cases:
                cs = self.copy(state)
                for node in ast.walk(case.pattern):
                    name = getattr(node, "name", None)
                    if isinstance(name, str):
                        cs[name] = {"": subject}
                outs.append(self.block(case.body, cs))
            if not any(isinstance(c.pattern, ast.MatchAs) and c.pattern.pattern is None for c in s.cases):
                outs.append(state)
            return self.merge(outs)
        if t in (ast.Import, ast.ImportFrom):
            self.local_import(s)
            return state
        if t is ast.Assert:
            self.refine(s.test, True, state)
            return state
        if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            state[s.name] = {"": {}}
            return state
        if t is ast.Delete:
            for target in s.targets:
                if isinstance(target, ast.Name):
                    state.pop(target.id, None)
            return state
        return state

    def local_import(self, s: ast.stmt) -> None:
        if isinstance(s, ast.Import):
            for a in s.names:
                self.local_imports[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        else:
            base = resolve_relative(self.mod.module, s.level or 0, s.module or "", self.mod.path)
            for a in s.names:
                if a.name != "*":
                    self.local_imports[a.asname or a.name] = f"{base}.{a.name}" if base else a.name

    def branches(self, test: ast.AST, state: dict, reuse: bool) -> tuple[Any, dict, dict]:
        """(folded value or None, state where test holds, state where it does not); `reuse` hands the
        given state to the else side instead of a copy."""
        folded = self.fold(test, state)
        if folded is not None:
            return folded, state, state
        self.eval(test, state)
        then_state = self.copy(state)
        self.refine(test, True, then_state)
        else_state = state if reuse else self.copy(state)
        self.refine(test, False, else_state)
        return None, then_state, else_state

    def if_(self, s: ast.If, state: dict) -> dict | None:
        folded, then_state, else_state = self.branches(s.test, state, reuse=True)
        if folded is not None:
            return self.block(s.body if folded else s.orelse, state)
        return self.merge([self.block(s.body, then_state), self.block(s.orelse, else_state)])

    def for_(self, s: ast.For, state: dict) -> dict | None:
        return self.loop(s, state, s.iter, None)

    def loop(self, s: ast.stmt, state: dict, iter_: ast.AST | None, test: ast.AST | None) -> dict | None:
        item = self.eval(iter_, state) if iter_ is not None else {}
        outs: list[dict | None] = [self.copy(state)]
        cur: dict | None = state
        for _ in range(2):
            if cur is None:
                break
            body_state = self.copy(cur)
            if iter_ is not None:
                self.assign(s.target, V.step(item, s.lineno, s.col_offset + 1, lambda: "iterated: " + self.text(iter_)),
                            body_state, s, None)
            elif test is not None:
                self.refine(test, True, body_state)
            self.loop_exits.append([])
            end = self.block(s.body, body_state)
            exits = self.loop_exits.pop()
            cur = self.merge([end, *exits])
            outs.append(cur)
        after = self.merge(outs)
        if after is not None and s.orelse:
            after = self.block(s.orelse, after)
        return after

    # --- assignment --------------------------------------------------------------------------------
    def assign(self, target: ast.AST, value: V.Value, state: dict, stmt: ast.stmt, value_node: ast.AST | None,
               augment: bool = False) -> None:
        t = type(target)
        if t is ast.Name:
            v = V.step(value, stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
            if augment and target.id in state:
                entry = state[target.id]
                entry[""] = V.join(entry.get("", {}), v)
            else:
                entry = {"": v}
                if isinstance(value_node, (ast.Dict, ast.List, ast.Tuple)) and not augment:
                    entry = self.container_entry(value_node, state, stmt)
                state[target.id] = entry
            ref = self.class_ref(value_node, state)
            if ref:
                self.types[target.id] = ref
            elif self.types:
                self.types.pop(target.id, None)
            # what the name was bound from, read only when a guard or a SQL-looking check needs it
            if augment:
                self.bound.setdefault(target.id, []).append(value_node)
            else:
                self.bound[target.id] = [value_node]
            return
        if t in (ast.Tuple, ast.List):
            elts = target.elts
            if isinstance(value_node, (ast.Tuple, ast.List)) and len(value_node.elts) == len(elts) and \
                    not any(isinstance(e, ast.Starred) for e in elts):
                for e, vn in zip(elts, value_node.elts):
                    self.assign(e, self.eval(vn, state), state, stmt, vn)
                return
            calls = [k for k in value if k[0].startswith("call:") and "." not in k[0]]
            if isinstance(value_node, ast.Call) and len(value) == 1 and calls and \
                    not any(isinstance(e, ast.Starred) for e in elts):
                # a, b = helper(...): each name gets that item of what the helper returns
                (origin, san, built), trace = next(iter(value.items()))
                for i, e in enumerate(elts):
                    self.assign(e, {(f"{origin}#{i}", san, built): trace}, state, stmt, None)
                return
            for e in elts:
                self.assign(e.value if isinstance(e, ast.Starred) else e, value, state, stmt, None)
            return
        if t is ast.Starred:
            self.assign(target.value, value, state, stmt, None)
            return
        if t is ast.Attribute:
            base = target.value
            v = V.step(value, stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
            if isinstance(base, ast.Name):
                if base.id == "self" and self.cls:
                    if target.attr == self.redirect_attr and value:
                        self.record_sink(stmt, "redirect", f"RedirectView.{target.attr}", value, stmt, True)
                    self.attrs[target.attr] = V.join(self.attrs.get(target.attr, {}), v)
                    ref = self.class_ref(value_node, state)
                    if ref:
                        self.attr_types[target.attr] = ref
                entry = state.setdefault(base.id, {"": {}} if base.id != "self" else {})
                entry["." + target.attr] = v
            else:
                self.eval(base, state)
            return
        if t is ast.Subscript:
            self.store_sink(target, value, state, stmt)
            base = target.value
            key = _const_key(target.slice, self.mod.constants)
            v = V.step(value, stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
            if isinstance(base, ast.Name):
                entry = state.get(base.id)
                if entry is None and (base.id in self.mod.imports or base.id in self.local_imports):
                    return  # `session[k] = v` on an imported store: it stays the import (the next write too)
                if entry is None:
                    entry = state[base.id] = {"": self.read_name(base.id, state, base)}
                if key is not None:
                    entry[key] = v
                else:
                    entry[""] = V.join(entry.get("", {}), v)
                    if _KEYS in entry:
                        entry[_KEYS] = V.join(entry[_KEYS], self.eval(target.slice, state))
            elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self" \
                    and self.cls:
                self.attrs[base.attr] = V.join(self.attrs.get(base.attr, {}), v)
            return

    def container_entry(self, node: ast.AST, state: dict, stmt: ast.stmt) -> dict:
        """One entry per constant key or index, so `d["sql"]` stays constant next to a tainted `d["name"]`."""
        entry: dict = {"": {}}
        if not isinstance(node, ast.Dict):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                entry[""] = V.step(self.eval(node, state), stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
                return entry
            for i, e in enumerate(node.elts):
                entry[repr(i)] = V.step(self.eval(e, state), stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
            return entry
        keys: V.Value = {}
        for k, v in zip(node.keys, node.values):
            value = V.step(self.eval(v, state), stmt.lineno, stmt.col_offset + 1, lambda: self.text(stmt))
            key = _const_key(k, self.mod.constants) if k is not None else None
            if key is None:
                entry[""] = V.join(entry[""], value)
                # a computed key, or `**other` whose keys are part of its value
                keys = V.join(keys, self.eval(k, state) if k is not None else value)
            else:
                entry[key] = value
        entry[_KEYS] = keys  # what the keys are made of: `d.keys()` of constant keys is constant
        return entry

    def store_read(self, node: ast.AST, key: str) -> V.Value:
        """`session["k"]`, `session.get("k")`: what the application stored under k. Rules treat it as the
        constant it was before; BA-INP-012 asks whether every read of k is checked before use."""
        self.store_reads.add(key)
        return V.origin(f"store:{key}", node.lineno, node.col_offset + 1, "read from the session: ")

    def store_sink(self, target: ast.Subscript, value: V.Value, state: dict, stmt: ast.stmt) -> None:
        """`session[k] = v`: request data written into a store the application trusts later (CWE-501)."""
        if not value or not self.m.stores:
            return
        base = target.value
        if self.is_store(base, state):
            self.record_sink(stmt, "trust-store", self.source_text(base) + "[...] =", value, stmt)
            key = _const_key(target.slice, self.mod.constants)
            if isinstance(key, str):
                self.sinks[-1]["store_key"] = key

    def is_store(self, base: ast.AST, state: dict) -> bool:
        """flask.session, request.session, `s = await get_session(request)`, `session.setdefault(k, [])`."""
        while isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and \
                base.func.attr in ("setdefault", "get"):
            base = base.func.value
        if isinstance(base, ast.Await):
            base = base.value
        qn = self.qualname(base, state)
        if qn and qn in self.m.stores:
            return True
        if isinstance(base, ast.Attribute) and base.attr == "session" and self.is_request(base.value):
            return "request.session" in self.m.stores
        if isinstance(base, ast.Name) and base.id in state:
            for b in self.bound.get(base.id, ()):
                b = b.value if isinstance(b, ast.Await) else b
                if isinstance(b, ast.Call) and (self.qualname(b.func, state) or "") in self.m.stores:
                    return True
        return False

    # --- guards and folding ------------------------------------------------------------------------
    def fold(self, node: ast.AST, state: dict) -> Any:
        """True/False when the condition's value is fixed, else None."""
        try:
            v = self.const(node, state)
        except _NotConst:
            return None
        return bool(v)

    def const(self, node: ast.AST, state: dict) -> Any:
        t = type(node)
        if t is ast.Constant:
            return node.value
        if t is ast.Name:
            if node.id not in state and node.id in self.mod.constants:
                return self.mod.constants[node.id]
            raise _NotConst
        if t is ast.UnaryOp and isinstance(node.op, ast.Not):
            return not self.const(node.operand, state)
        if t is ast.BoolOp:
            vals = [self.const(v, state) for v in node.values]
            if isinstance(node.op, ast.And):
                return all(vals)
            return any(vals)
        if t is ast.Compare and len(node.ops) == 1:
            left, right = self.const(node.left, state), self.const(node.comparators[0], state)
            op = node.ops[0]
            try:
                return {ast.Eq: lambda: left == right, ast.NotEq: lambda: left != right,
                        ast.Is: lambda: left is right, ast.IsNot: lambda: left is not right,
                        ast.In: lambda: left in right, ast.NotIn: lambda: left not in right,
                        ast.Lt: lambda: left < right, ast.Gt: lambda: left > right,
                        ast.LtE: lambda: left <= right, ast.GtE: lambda: left >= right}[type(op)]()
            except (KeyError, TypeError):
                raise _NotConst from None
        if t in (ast.Tuple, ast.List, ast.Set):
            return tuple(self.const(e, state) for e in node.elts)
        if t is ast.BinOp and isinstance(node.op, ast.Add):
            left, right = self.const(node.left, state), self.const(node.right, state)
            if type(left) is type(right) and isinstance(left, (str, int)):
                return left + right
        raise _NotConst

    def refine(self, test: ast.AST, truth: bool, state: dict) -> None:
        """Sanitise what `test` checked on the branch where it evaluates to `truth`."""
        t = type(test)
        if t is ast.UnaryOp and isinstance(test.op, ast.Not):
            self.refine(test.operand, not truth, state)
            return
        found = _found_row(test, truth)
        if found is not None:
            # `row = cur.execute("... WHERE name = ?", (name,)).fetchone()` and `if not row: return`: name
            # matched a stored record, the validation a trust store asks for (not a sanitiser for any other sink)
            for b in self.bound.get(found, ()) if isinstance(found, str) else (found,):
                if isinstance(b, ast.Await):
                    b = b.value
                if isinstance(b, ast.Call) and _lookup_call(b):
                    # `os.path.exists(path)` finds a file, not a stored record: it proves nothing of the path
                    marks = ("trust-store",) if b.args and b.func.attr == "exists" else ("trust-store", V.MATCHED)
                    self.sanitise_names(_lookup_arg_names(b), marks, state)
                elif isinstance(b, ast.Call) and (matched := _matched_in(b)) and \
                        self.trusted_set(matched[0], state):
                    # `hit = next((r for r in releases if r.link == link), None)` and `if not hit: raise`:
                    # link equals an item of a collection no request data built, an allowlist
                    self.sanitise_names(matched[1], ("all",), state)
            # a name bound to a condition (`ok = u and url_has_allowed_host_and_scheme(u, host)`, `same =
            # parsed.netloc == host`) holds a check's answer, not a row: its test is read through below
            if not (t is ast.Name and len(bound := self.bound.get(test.id, ())) == 1 and (
                    isinstance(bound[0], ast.Call) and _URL_CHECK.search(_tail_name(bound[0].func)) or
                    isinstance(bound[0], (ast.BoolOp, ast.Compare)))):
                return
        if t is ast.Name and len(bound := self.bound.get(test.id, ())) == 1 and \
                isinstance(bound[0], (ast.Call, ast.Compare, ast.BoolOp, ast.UnaryOp)) and \
                test.id not in _names_of(bound[0]) and test.id not in self.following:
            # `url_is_safe = url_has_allowed_host_and_scheme(url=u, ...)` then `if not url_is_safe: return`
            # (not `q = q or Query()`: that binding says nothing of the new value's check)
            self.following.add(test.id)
            try:
                self.refine(bound[0], truth, state)
            finally:
                self.following.discard(test.id)
            return
        if t is ast.BoolOp:
            if isinstance(test.op, ast.And) == truth:
                # `'"' not in name and "'" not in name`: no quote can close the SQL string or identifier
                for name in _quote_free(test.values, truth):
                    self.sanitise_names([name], ("sql",), state)
                for v in test.values:
                    self.refine(v, truth, state)
            else:
                # `STRICT and not x.isalnum()` false with STRICT fixed true: the other operand is false
                open_ = [v for v in test.values if self.fold(v, state) is not (not truth)]
                if len(open_) == 1:
                    self.refine(open_[0], truth, state)
            return
        if t is ast.Compare and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) and \
                test.comparators[0].value is None and isinstance(test.left, ast.Call) and \
                isinstance(test.ops[0], (ast.Is, ast.IsNot)) and truth == isinstance(test.ops[0], ast.IsNot):
            # `re.fullmatch(NAME, x) is not None`: the match succeeded
            self.refine(test.left, True, state)
            return
        if t is ast.Compare and len(test.ops) == 1:
            op, right = test.ops[0], _case_folded(test.comparators[0])
            positive = (isinstance(op, (ast.In, ast.Eq, ast.Is)) and truth) or \
                       (isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) and not truth)
            if not positive:
                return
            if isinstance(right, ast.Attribute) and right.attr == "parents" and isinstance(op, (ast.In, ast.NotIn)):
                if _resolved(right.value) or any(self.was_resolved(n) for n in _names_of(right.value)):
                    self.sanitise_names(_names_of(right.value), ("path",), state)
                return
            left = _case_folded(test.left)
            if not self.trusted_set(right, state) and not (
                    (_is_netloc(left) or _is_netloc_of_name(left)) and self.own_hosts(right, state)):
                return
            if isinstance(right, ast.Constant) and right.value is None:
                return
            if isinstance(right, ast.Attribute) and right.attr == "parents" and isinstance(op, (ast.In, ast.NotIn)):
                # BASE in target.parents, target resolve()d: target lies under BASE
                if _resolved(right.value) or any(self.was_resolved(n) for n in _names_of(right.value)):
                    self.sanitise_names(_names_of(right.value), ("path",), state)
                return
            if _is_netloc(left):  # urlparse(u).netloc in ALLOWED
                self.sanitise_names(_call_arg_names(left), ("url", "redirect"), state)
            elif isinstance(left, ast.Attribute) and left.attr in ("netloc", "hostname", "host") and \
                    isinstance(left.value, ast.Name):
                # parsed = urlparse(u); parsed.hostname in ALLOWED: u (and parsed) go where allowed
                names = [left.value.id]
                for b in self.bound.get(left.value.id, ()):
                    if isinstance(b, ast.Call):
                        names.extend(n for a in b.args for n in _names_of(a))
                self.sanitise_names(names, ("url", "redirect"), state)
            elif not (self.proving and isinstance(left, ast.Attribute)):
                # (a function's summary claims only what holds of the argument itself: `path.suffix in EXTS`
                # says nothing of the rest of the path)
                self.sanitise_names(_names_of(left), ("all",), state)
            return
        if t is ast.Call and truth:
            func = test.func
            attr = func.attr if isinstance(func, ast.Attribute) else None
            qn = self.qualname(func, state) or ""
            if attr in ("isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isidentifier"):
                self.sanitise_names(_names_of(func.value), ("all",), state)
            elif attr in ("is_relative_to", "startswith") and (_resolved(func.value) or any(
                    self.was_resolved(n) for n in _names_of(func.value))):
                self.sanitise_names(_names_of(func.value), ("path",), state)
            elif attr in ("fullmatch",) or qn in ("re.fullmatch",) or (
                    qn in ("re.match", "re.search") and test.args and _anchored(test.args[0])):
                if qn.startswith("re.") and len(test.args) > 1:
                    self.sanitise_names(_names_of(test.args[1]), ("all",), state)
                elif isinstance(func, ast.Attribute) and test.args:
                    self.sanitise_names(_names_of(test.args[0]), ("all",), state)
            elif qn in ("re.match", "re.search") and len(test.args) == 2 and not test.keywords and \
                    _local_path_prefix(test.args[0], qn):
                # `re.match(r"^/[a-z]+", url)`: a path on this site ("//host" and "/\\host" fail the match)
                self.sanitise_names(_names_of(test.args[1]), ("url", "redirect"), state)
            elif _URL_CHECK.search((qn or _tail_name(func)).rpartition(".")[2]) and (checked := _checked_url(test)):
                self.sanitise_names(_names_of(checked), ("url", "redirect"), state)
                self.sanitise_read(checked, ("url", "redirect"), state)
            elif qn == "builtins.isinstance" and len(test.args) == 2:
                self.sanitise_names(_names_of(test.args[0]), ("all",), state)
            else:
                self.guard_mark(test, state)
        if t is ast.Compare and len(test.ops) == 1 and truth and isinstance(test.ops[0], ast.Eq):
            return

    def proved_by_return(self, value: ast.AST | None, state: dict) -> None:
        """Narrow `self.proves` to what this return proves of each parameter when it is truthy: a constant
        false return proves nothing is wrong; a check the guards above recognise (`in X.parents` or
        `is_relative_to` of a resolved path, an anchored `re.fullmatch`, `isalnum()`...) proves what it checks;
        a constant true return what the guards before it checked (`if not ok(p): return False` then
        `return True`); any other return proves nothing."""
        if value is None or (isinstance(value, ast.Constant) and not value.value):
            return
        proved: dict[str, frozenset] = {}
        if isinstance(value, ast.Constant):
            proved = _param_kinds(state, {})
        elif isinstance(value, (ast.Compare, ast.BoolOp, ast.Call, ast.UnaryOp)):
            probe = self.copy(state)
            self.proving = True
            try:
                self.refine(value, True, probe)
            finally:
                self.proving = False
            proved = _param_kinds(probe, state)
        if self.proves is None:
            self.proves = proved
        else:
            self.proves = {p: k & proved[p] for p, k in self.proves.items() if p in proved and k & proved[p]}

    def guard_mark(self, test: ast.Call, state: dict, how: str = "") -> None:
        """`if not is_path_inside(target, base): raise ...`: a guard on a call of project code marks what it
        checked with the callee and the argument's place; the project step reads the callee's summary and
        turns the mark into what it proves (see interproc.Engine.settle). `how` is V.RAISES for a call whose
        result is dropped: what the callee refuses by raising is what its normal return proves."""
        ref = self.project_ref(test.func, self.qualname(test.func, state), state)
        if ref is None:
            return
        here = f"{self.mod.module}.{self.qual}" if self.mod.module else self.qual
        places = [(str(i), a) for i, a in enumerate(test.args) if not isinstance(a, ast.Starred)]
        places += [(k.arg, k.value) for k in test.keywords if k.arg]
        for place, arg in places:
            self.sanitise_names(_names_of(arg), (f"{V.GUARD}{ref}#{how}{place}@{here}",), state)

    def own_hosts(self, node: ast.AST, state: dict) -> bool:
        """The request's own host, or a literal collection of it and constants (`("", request.host)`)."""
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return bool(node.elts) and all(isinstance(e, ast.Constant) or self.request_host(e, state)
                                           for e in node.elts)
        return self.request_host(node, state)

    def request_host(self, node: ast.AST, state: dict) -> bool:
        """The host this request was sent to (`request.host`, `request.get_host()`): a URL whose host equals
        it stays on this site, whoever wrote the Host header."""
        if isinstance(node, ast.Name):
            # `current = request.base_url.netloc.lower()`, then compared against
            bound = self.bound.get(node.id, ())
            return len(bound) == 1 and not isinstance(bound[0], ast.Name) and \
                self.request_host(_case_folded(bound[0]), state)
        if isinstance(node, ast.Attribute) and node.attr in ("netloc", "hostname") and \
                isinstance(node.value, ast.Call) and _tail_name(node.value.func) in _URL_PARSERS and \
                len(node.value.args) == 1:
            # `urlparse(request.url).netloc`: the same host, parsed out of the URL this request was sent to
            node = ast.Attribute(value=node.value.args[0], attr=node.attr)
        if isinstance(node, ast.Attribute) and node.attr in ("netloc", "hostname") and \
                isinstance(node.value, ast.Attribute) and node.value.attr in _OWN_URLS:
            # `request.base_url.netloc`: the host of the URL this request was sent to
            node = ast.Attribute(value=node.value.value, attr="host")
        if isinstance(node, ast.Call) and not node.args:
            node = node.func
            if not (isinstance(node, ast.Attribute) and node.attr == "get_host"):
                return False
        elif not (isinstance(node, ast.Attribute) and node.attr in ("host", "server_name")):
            return False
        base = node.value
        return self.is_request(base) or (self.qualname(base, state) or "").endswith(".request")

    def trusted_set(self, node: ast.AST, state: dict) -> bool:
        """An allowlist: a literal, a module constant, a name not tainted by request data."""
        if isinstance(node, (ast.Constant, ast.Set, ast.List, ast.Tuple, ast.Dict)):
            return not any(o.startswith("src:") or o == "?" for (o, _, _) in self.eval(node, state))
        v = self.eval(node, state)
        return not any(o.startswith("src:") for (o, _, _) in v)

    def sanitise_read(self, node: ast.AST, kinds: tuple[str, ...], state: dict) -> None:
        """`if is_safe_url(request.args.get("next")): return redirect(request.args.get("next"))`: the checked
        read is not a local name, and reading it again gives the same value, so the check holds for it on
        the branch the guard dominates (a fact under `@<expression>`, kept only where every path has it)."""
        if not _pure_read(node):
            return
        self.facts = True
        state["@" + ast.dump(node)] = {"": V.sanitise(self.eval(node, state), kinds)}

    def url_resolved(self, node: ast.AST, state: dict) -> None:
        """`resolve(path)` (django.urls) raises Resolver404 unless a URL pattern of this site matches the path
        ("//host" matches none), so on the path that goes on the value is a page of this site: safe to
        redirect to. So is the text it was cut from when it is that path plus a query (`u[:u.index("?")]`,
        `u.split("?")[0]`); a shorter prefix (`urlparse(u).path`) proves nothing of the host."""
        if not (isinstance(node, ast.Call) and node.args and
                (self.qualname(node.func, state) or "") in _URL_RESOLVERS):
            return
        # every binding of the function counts, not only the last (`p = u` then `if "?" in p: p = p[:...]`);
        # read here only, on the rare call of the resolver
        bindings: dict[str, list] = {}
        for n in ast.walk(self.fn) if self.fn is not None else ():
            if isinstance(n, (ast.Assign, ast.NamedExpr)):
                for target in getattr(n, "targets", None) or [n.target]:
                    if isinstance(target, ast.Name):
                        bindings.setdefault(target.id, []).append(n.value)
        names, seen = _query_cut(node.args[0]), set()
        while names:
            name = names.pop()
            if name in seen:
                continue
            seen.add(name)
            self.sanitise_names([name], ("redirect",), state)
            for b in bindings.get(name, ()):
                names.extend(_query_cut(b))

    def sanitise_names(self, names: list[str], kinds: tuple[str, ...], state: dict) -> None:
        for name in names:
            entry = state.get(name)
            if entry is None:
                continue
            state[name] = {k: V.sanitise(v, kinds) for k, v in entry.items()}

    # --- expressions -------------------------------------------------------------------------------
    def entities_on(self, node: ast.Call, sink, state: dict) -> bool:
        """`iterparse(f, resolve_entities=True)`, `fromstring(data, XMLParser(resolve_entities=True))`, or a
        parser bound to such a call in this function or at module level."""
        if _setting_true(node, sink.setting):
            return True
        for where in sink.parser_arg:
            arg = node.args[where] if isinstance(where, int) and where < len(node.args) else next(
                (k.value for k in node.keywords if k.arg == where), None)
            if isinstance(arg, ast.Call) and _setting_true(arg, sink.setting):
                return True
            if isinstance(arg, ast.Name):
                bound = self.bound.get(arg.id, ()) if arg.id in state else self.mod.bound.get(arg.id, ())
                if any(isinstance(b, ast.Call) and _setting_true(b, sink.setting) for b in bound):
                    return True
        return False

    def made_by(self, node: ast.AST, makers: tuple[str, ...], state: dict, depth: int = 0) -> ast.Call | None:
        """The call among `makers` that made this receiver: `Template(src)`, a name bound to it here or at
        module level, or `env.get_template(name)` / `env.from_string(src)` of an environment so made."""
        if depth > 4:
            return None
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            if (self.qualname(node.func, state) or "") in makers:
                return node
            if isinstance(node.func, ast.Attribute) and node.func.attr in _TEMPLATE_GETTERS:
                return self.made_by(node.func.value, makers, state, depth + 1)
            return None
        if isinstance(node, ast.Name):
            bound = self.bound.get(node.id, ()) if node.id in state else self.mod.bound.get(node.id, ())
            for b in bound:
                found = self.made_by(b, makers, state, depth + 1) if b is not None else None
                if found is not None:
                    return found
        return None

    def was_resolved(self, name: str) -> bool:
        return any(n is not None and _resolved(n) for n in self.bound.get(name, ()))

    def literal_text(self, node: ast.AST | None, depth: int = 0) -> str:
        """The constant text an expression is built from, through the names it uses (SQL-looking?)."""
        if node is None or depth > 4:
            return ""
        out = [_literal_text(node)]
        for n in ast.walk(node):
            if isinstance(n, ast.Name):
                out.extend(self.literal_text(b, depth + 1) for b in self.bound.get(n.id, ()))
        return " ".join(out)

    def is_config(self, node: ast.AST, state: dict) -> bool:
        """A module-level store (or a constant-key read of one) that no request data was written into."""
        while isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            node = node.value
        return isinstance(node, ast.Name) and node.id not in state and (
            node.id in self.mod.globals or node.id in self.mod.constants or node.id in self.mod.imports)

    def is_request(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.request_names
        return isinstance(node, ast.Attribute) and node.attr == "request" and isinstance(node.value, ast.Name) \
            and node.value.id == "self"

    def source(self, node: ast.AST, what: str, name: str = "") -> V.Value:
        line, col = node.lineno, node.col_offset + 1
        value = V.origin(f"src:{line}:{col}:{what}", line, col, "request data: " + self.text(node))
        return V.sanitise(value, self.m.source_safe.get(name, ()))

    def slash_free(self, node: ast.AST, state: dict) -> bool:
        """`quote_plus(x)`, `quote(x, safe="")`: percent-encodes "/", ":" and "@" (quote keeps "/" unless
        told not to)."""
        if not isinstance(node, ast.Call):
            return False
        qn = self.qualname(node.func, state) or ""
        if qn == "urllib.parse.quote_plus":
            return not any(kw.arg == "safe" for kw in node.keywords) and len(node.args) < 2
        if qn == "urllib.parse.quote":
            safe = next((kw.value for kw in node.keywords if kw.arg == "safe"), node.args[1] if len(node.args) > 1
                        else None)
            return isinstance(safe, ast.Constant) and safe.value == ""
        return False

    def query_format(self, node: ast.BinOp, state: dict) -> V.Value | None:
        """`"%s?%s" % (url, request.META["QUERY_STRING"])`: a piece formatted in after "?", "#", "&" or "="
        is query or fragment and cannot choose the host; None when the format is not that shape."""
        fmt = node.left.value if isinstance(node.left, ast.Constant) else None
        if not (isinstance(node.op, ast.Mod) and isinstance(fmt, str) and isinstance(node.right, ast.Tuple)) or \
                any(isinstance(e, ast.Starred) for e in node.right.elts):
            return None
        positions = None if _numeric_format(fmt) else _query_positions(fmt)
        if not any(positions or ()) and fmt.startswith("%s") and len(node.right.elts) > 1 and _own_route(node.right.elts[0]):
            # `"%s%s%s" % (reverse("problem_list"), "?", query)`: a route the app resolves comes first, so what
            # is formatted in after it cannot choose the host
            positions = [False] + [True] * (len(node.right.elts) - 1)
        if positions is None or len(positions) != len(node.right.elts) or not any(positions):
            return None
        parts = [self.eval(e, state) for e in node.right.elts]
        value = V.built(V.join(*(V.sanitise(v, ("host",)) if q else v for v, q in zip(parts, positions))))
        return V.sanitise(value, ("host",)) if _FIXED_PREFIX.match(fmt) else value

    def eval(self, node: ast.AST | None, state: dict) -> V.Value:
        if node is None:
            return {}
        self.budget -= 1
        if self.budget < 0:
            raise _Abort
        t = type(node)
        if t is ast.Constant:
            return {}
        if t is ast.Name:
            return self.read_name(node.id, state, node)
        if self.facts and t in (ast.Call, ast.Attribute, ast.Subscript):
            fact = state.get("@" + ast.dump(node))
            if fact is not None:
                return fact[""]
        if t is ast.Attribute:
            return self.attribute(node, state)
        if t is ast.Call:
            return self.call(node, state)
        if t is ast.JoinedStr:
            parts = []
            in_query = False
            so_far = ""
            for p in node.values:
                if isinstance(p, ast.Constant):
                    in_query = in_query or any(c in str(p.value) for c in "?#&=")
                    so_far += str(p.value)
                    # "https://a.{region}.example.com/{key}": a constant "/" after the authority ends the host
                    in_query = in_query or bool(_PAST_HOST.match(so_far))
                elif isinstance(p, ast.FormattedValue):
                    v = self.eval(p.value, state)
                    if so_far and so_far[-1] not in "/\\":  # f"{instance_id}{ext}": see _PATH_TAIL
                        v = V.promote(v, _PATH_TAIL, ("path",))
                        v = v if any(c.isspace() for c in so_far) else _after_prefix(v)
                    # after "?", "#", "&" or "=" a value is query or fragment: it cannot choose the host
                    parts.append(V.sanitise(v, ("host",)) if in_query else v)
                    so_far += "\x00"
            for p in node.values:
                if isinstance(p, ast.FormattedValue) and p.format_spec is not None:
                    self.eval(p.format_spec, state)
            value = V.built(V.join(*parts))
            first = node.values[0] if node.values else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and _FIXED_PREFIX.match(first.value):
                value = V.sanitise(value, ("host",))
            elif parts and isinstance(first, ast.FormattedValue) and (_fixes_host(parts[0]) or _own_route(first.value)
                                                                       or not parts[0] and _constant_base(node)):
                value = V.join(V.built(parts[0]), V.sanitise(V.built(V.join(*parts[1:])), ("host",)))
            return value
        if t is ast.BinOp:
            query = self.query_format(node, state)
            if query is not None:
                return query
            left, right = self.eval(node.left, state), self.eval(node.right, state)
            if isinstance(node.op, ast.Add) and left and _hash_call(node.right):
                # `base + key + "/" + generate_hash(key)`: what follows the request's text is a digest, so the
                # path names a directory nobody made before, not an existing file of the attacker's choosing
                left = V.sanitise(left, (HASHED_LEAF,))
            value = V.join(left, right)
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and \
                    isinstance(node.left.value, str) and _numeric_format(node.left.value):
                return {}  # "KILL %d" % pid: every conversion prints a number (or raises): no text gets in
            if isinstance(node.op, ast.Add) and _names_a_prefix(node.left) and (_PATH_TAIL in _marks(right) or (
                    not _spaced_text(node.left) and any(o.startswith("param:") for o, _, _ in right))):
                # a file name's tail after a prefix of the server's stays in the prefix's directory
                value = V.join(left, _after_prefix(V.promote(right, _PATH_TAIL, ("path",))))
            if isinstance(node.op, (ast.Add, ast.Mod)):
                value = V.built(value)
                if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) and \
                        _FIXED_PREFIX.match(node.left.value):
                    value = V.sanitise(value, ("host",))
                elif isinstance(node.op, ast.Add) and (_fixes_host(left) or _own_route(node.left) or
                                                       _constant_base_add(node)):
                    value = V.join(V.built(left), V.sanitise(V.built(right), ("host",)))
                elif isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) and \
                        isinstance(node.left.value, str) and node.left.value.startswith("/") and \
                        self.slash_free(node.right, state):
                    # "/" + quote_plus(name): one path segment with no "/" or ":" in it, so no "//host" and
                    # no scheme: wherever it is joined, it cannot choose the host
                    value = V.sanitise(value, ("host",))
            elif isinstance(node.op, (ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.BitAnd, ast.BitOr,
                                      ast.BitXor, ast.LShift, ast.RShift)) and not _stringy(node.left):
                if isinstance(node.op, ast.Div):  # pathlib: base / name keeps the path
                    return value
                return V.sanitise(value, ("all",)) if isinstance(node.op, ast.Mult) and (
                    isinstance(node.left, ast.Constant) or isinstance(node.right, ast.Constant)) else value
            return value
        if t is ast.Subscript:
            return self.subscript(node, state)
        if t is ast.IfExp:
            folded, then_state, else_state = self.branches(node.test, state, reuse=False)
            if folded is not None:
                return self.eval(node.body if folded else node.orelse, state)
            return V.join(self.eval(node.body, then_state), self.eval(node.orelse, else_state))
        if t is ast.BoolOp:
            return V.join(*(self.eval(v, state) for v in node.values))
        if t in (ast.Compare,):
            self.eval(node.left, state)
            for c in node.comparators:
                self.eval(c, state)
            return {}
        if t is ast.UnaryOp:
            v = self.eval(node.operand, state)
            return {} if isinstance(node.op, ast.Not) else v
        if t in (ast.List, ast.Tuple, ast.Set):
            return V.join(*(self.eval(e, state) for e in node.elts))
        if t is ast.Dict:
            return V.join(*(self.eval(x, state) for x in (*node.keys, *node.values) if x is not None))
        if t is ast.Await:
            return self.eval(node.value, state)
        if t is ast.Starred:
            return self.eval(node.value, state)
        if t is ast.NamedExpr:
            value = self.eval(node.value, state)
            if isinstance(node.target, ast.Name):
                state[node.target.id] = {"": value}
            return value
        if t in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            inner = self.copy(state)
            for gen in node.generators:
                it = self.eval(gen.iter, inner)
                self._bind_comp(gen.target, it, inner)
                for cond in gen.ifs:
                    self.eval(cond, inner)  # a sink can sit in the filter: [r for r in rows if eval(p)]
                    self.refine(cond, True, inner)
            if t is ast.DictComp:
                return V.join(self.eval(node.key, inner), self.eval(node.value, inner))
            return self.eval(node.elt, inner)
        if t is ast.Lambda:
            return {}
        if t is ast.Slice:
            return V.join(self.eval(node.lower, state), self.eval(node.upper, state))
        if t is ast.FormattedValue:
            return self.eval(node.value, state)
        return {}

    def _bind_comp(self, target: ast.AST, value: V.Value, state: dict) -> None:
        if isinstance(target, ast.Name):
            state[target.id] = {"": value}
        elif isinstance(target, (ast.Tuple, ast.List)):
            for e in target.elts:
                self._bind_comp(e.value if isinstance(e, ast.Starred) else e, value, state)

    def attribute(self, node: ast.Attribute, state: dict) -> V.Value:
        if node.attr == "_meta":
            return {}  # a Django model's options (db_table, app_label): written in the model's code
        value = self._attribute(node, state)
        if node.attr in _KEY_ATTRS or node.attr == "hex":
            # an ORM object's primary key is an integer or UUID from the database, a UUID's `.hex` 32 hex
            # digits; request data keeps its origin and is still reported (the check drops "key" only from
            # flows it cannot trace)
            return V.sanitise(value, ("key",))
        return value

    def _attribute(self, node: ast.Attribute, state: dict) -> V.Value:
        base = node.value
        qn = self.qualname(node, state)
        if qn:
            owner, _, attr = qn.rpartition(".")
            found = self.m.source_objects.get(owner)
            if found and attr in found[0]:
                return self.source(node, qn, attr)
            return {}
        if self.is_request(base) and node.attr in self.m.request_attrs:
            return self.source(node, f"request.{node.attr}", node.attr)
        suffix = self.m.field_attrs.get(node.attr)
        if node.attr in self.m.any_attrs and not self.is_config(base, state) or suffix and isinstance(
                base, ast.Attribute) and isinstance(base.value, ast.Name) and \
                base.value.id.lower().endswith(suffix) and base.value.id not in self.mod.imports:
            # what a form's or serializer's fields parsed: a choice, a number or a file path under a root is
            # safe for most sinks, and which field gets here is not traced (the checks read the mark)
            return V.sanitise(self.source(node, self.source_text(node)[:60], node.attr), (V.PARSED,))
        if node.attr in ("name", "stem") and isinstance(base, ast.Call):
            # Path(x).name: the last component only, no directory in it
            return V.sanitise(self.eval(base, state), ("path",))
        if isinstance(base, ast.Name):
            entry = state.get(base.id)
            if entry is not None and "." + node.attr in entry:
                return entry["." + node.attr]
            if base.id == "self" and self.cls and (entry is None or "." + node.attr not in entry):
                if node.attr == "request":
                    return {}
                return V.origin(f"self:{node.attr}", node.lineno, node.col_offset + 1, "read " + self.text(node))
            if entry is not None:
                # field-sensitive: `user.website = x` does not make `user.id` x; a parameter's attribute is
                # followed as `param:user.id`, which the project step maps to that attribute of the argument
                # nor does `watch["note"] = x` make `watch.data_dir` x: one named key stored is not every attribute
                return V.attr_of(V.join(*(v for k, v in entry.items() if k[:1] != "." and (
                    k in ("", _KEYS) or not isinstance(k, str)))), node.attr)
        return self.eval(base, state)

    def subscript(self, node: ast.Subscript, state: dict) -> V.Value:
        value = self._subscript(node, state)
        mark = _header_mark(node.value, node.slice)
        return V.sanitise(value, (mark,)) if mark else value

    def _subscript(self, node: ast.Subscript, state: dict) -> V.Value:
        base = node.value
        if _is_meta(base) and _server_key(node.slice):
            return {}
        if isinstance(node.slice, ast.Constant) and self.m.stores and self.is_store(base, state):
            return self.store_read(node, _const_key(node.slice, self.mod.constants) or "")
        if self.m.stores and isinstance(base, (ast.Name, ast.Attribute)) and self.is_store(base, state):
            # session[KEY] of a module constant is that key; session[name], computed, may be any key
            self.store_reads.add(_const_key(node.slice, self.mod.constants) or "")
        if isinstance(node.slice, ast.Constant) and self.is_config(base, state):
            return {}  # SETTINGS["db"]["dir"]: a module-level store read with constant keys is configuration
        if isinstance(node.slice, ast.Slice):
            self.eval(node.slice, state)
            value = self.eval(base, state)
            return V.sanitise(value, (_PATH_TAIL,)) if _short_tail(node.slice) else value
        tail = _name_tail(node)
        if tail:
            return V.sanitise(self.eval(base, state), tail)
        key = _const_key(node.slice, self.mod.constants)
        if key is None:
            self.eval(node.slice, state)
        if isinstance(base, ast.Name) and base.id in state:
            entry = state[base.id]
            if key is not None and key in entry:
                return entry[key]
            if key is not None and len(entry) > 1 and "" in entry:
                return entry[""]
            return V.join(*entry.values())
        return self.eval(base, state)

    # --- calls -------------------------------------------------------------------------------------
    def call(self, node: ast.Call, state: dict) -> V.Value:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _TO_PLAIN_TEXT and isinstance(func.value, ast.Call):
            # `Markup(text).unescape()`: markup made only to turn entities back into plain text, a str that
            # is escaped again wherever it is rendered, so the Markup is no HTML output
            func.value._taint_plain = True
        value = self._call(node, state)
        func = node.func
        mark = _header_mark(func.value, node.args[0]) if isinstance(func, ast.Attribute) and func.attr == "get" and \
            node.args else ""
        return V.sanitise(value, (mark,)) if mark else value

    def _call(self, node: ast.Call, state: dict) -> V.Value:
        func = node.func
        qn = self.qualname(func, state)
        if qn == "builtins.getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):
            inner = self.qualname(node.args[0], state)
            if inner:
                qn = f"{inner}.{node.args[1].value}"  # getattr(os, "system") is os.system
                return self._marker(qn, node)
        attr = func.attr if isinstance(func, ast.Attribute) else None
        deferred = self.deferred(node, qn, attr, state)
        if deferred is not None:
            return self.call(deferred, state)
        if attr == "get" and _is_meta(func.value) and node.args and _server_key(node.args[0]):
            return {}  # request.META.get("SERVER_NAME"): set by the server, not sent by the client
        if attr in ("get", "pop") and node.args and self.m.stores and isinstance(
                key := _const_key(node.args[0], self.mod.constants), str) and self.is_store(func.value, state):
            return V.join(self.store_read(node, key), *(self.eval(a, state) for a in node.args[1:]))
        if attr in ("get", "pop") and node.args and self.m.stores and self.is_store(func.value, state):
            # session.get(name): a computed key may be any key
            self.store_reads.add(_const_key(node.args[0], self.mod.constants) or "")
        if attr in _CONFIG_GETTERS and self.is_config(func.value, state) and node.args and all(
                isinstance(a, ast.Constant) for a in node.args):
            return {}  # config.get("section", "key"): configuration, read with constant keys
        receiver = self.eval(func.value, state) if attr is not None else {}
        # a method of a value (not a module function): the receiver carries data, or is no import
        method = attr is not None and (qn is None or bool(receiver))
        args = [self.eval(a, state) for a in node.args]
        kwargs = {k.arg: self.eval(k.value, state) for k in node.keywords}
        # request data from a method: request.get_json(), await request.json()
        if qn:
            owner, _, name = qn.rpartition(".")
            found = self.m.source_objects.get(owner)
            if found and name in found[1]:
                return self.source(node, qn + "()", name)
        elif attr is not None and self.is_request(func.value) and attr in self.m.request_methods:
            return self.source(node, f"request.{attr}()", attr)
        callable_qn = qn
        if callable_qn is None and isinstance(func, ast.Call):
            self.eval(func, state)  # getattr(os, "system") marks itself with the function it names
            callable_qn = getattr(func, "_taint_qn", None)
        if callable_qn:
            for sink in self.m.call_sinks.get(callable_qn, ()):
                self.sink_call(node, sink, args, kwargs, state)
        if attr is not None and not (callable_qn and callable_qn in self.m.call_sinks):
            # Customer.objects.raw(...): a method, whatever the import table says about its receiver
            for sink in self.m.method_sinks.get(attr, ()):
                if sink.requires_import and sink.requires_import not in self.mod.import_prefixes:
                    continue
                if sink.receivers and not _receiver_named(func.value, sink.receivers) or \
                        sink.unless_receivers and _receiver_named(func.value, sink.unless_receivers):
                    continue
                self.sink_call(node, sink, args, kwargs, state, receiver)
        everything = V.join(receiver, *args, *kwargs.values())
        if attr in _STORE_WRITERS and self.m.stores and (any(args) or any(kwargs.values())) and \
                self.is_store(func.value, state):
            self.record_sink(node, "trust-store", f"{self.source_text(func.value)}.{attr}()",
                             V.join(*args, *kwargs.values()), node)
        if attr in _MUTATORS and isinstance(func.value, ast.Name) and func.value.id in state and (
                any(args) or any(kwargs.values())):
            # items.append(x), opts.update(request.GET): the container now holds what went in
            entry = state[func.value.id]
            entry[""] = V.join(entry.get("", {}), V.step(V.join(*args, *kwargs.values()), node.lineno,
                                                          node.col_offset + 1, self.text(node)))
        if qn and not method:
            if qn in self.m.call_sanitizers:
                return V.sanitise(everything, self.m.call_sanitizers[qn])
            if qn in self.m.call_propagators:
                value = _inputs(self.m.call_propagators[qn], receiver, args, kwargs, everything)
                value = V.step(value, node.lineno, node.col_offset + 1, lambda: self.text(node))
                if qn in _FS_PATH_CALLS:
                    value = V.sanitise(value, (FS_PATH,))
                return V.built(value) if qn.endswith(("format", "join")) else value
            if qn in _CONST_RESULT:
                return {}
        if method:
            if attr == "keys" and not node.args and isinstance(func.value, ast.Name) and \
                    _KEYS in state.get(func.value.id, ()):
                return state[func.value.id][_KEYS]
            if attr == "replace" and len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args) \
                    and node.args[0].value in (".", "/", "\\") and node.args[1].value == "":
                # x.replace(".", ""): no dot, no "..", no separator left: cannot climb out of a folder
                return V.sanitise(receiver, ("path",))
            if attr == "join" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str) and \
                    any(c in func.value.value for c in "?#&") and len(node.args) == 1 and not node.keywords and \
                    isinstance(node.args[0], (ast.List, ast.Tuple)) and node.args[0].elts:
                # "?".join([canonical, query_string]): what follows the first item is query or fragment
                items = [self.eval(e, state) for e in node.args[0].elts]
                return V.built(V.join(items[0], *(V.sanitise(v, ("host",)) for v in items[1:])))
            if attr == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str) and \
                    any(c in func.value.value for c in "?#") and (after := _after_query(func.value.value)) is not None:
                # "{}?email={}".format(reverse("recover"), email): a field after "?" or "#" is query or fragment
                parts = [V.sanitise(v, ("host",)) if i in after else v for i, v in enumerate(args)] + \
                    [V.sanitise(v, ("host",)) if k in after else v for k, v in kwargs.items()]
                return V.built(V.step(V.join(*parts), node.lineno, node.col_offset + 1, lambda: self.text(node)))
            if attr in self.m.method_sanitizers:
                return V.sanitise(everything, self.m.method_sanitizers[attr])
            if attr in self.m.method_propagators and not (attr == "join" and (node.keywords or len(node.args) != 1)):
                # (str.join takes one iterable: `query.join(Model, onclause, isouter=True)` builds no text)
                value = _inputs(self.m.method_propagators[attr], receiver, args, kwargs, everything)
                value = V.step(value, node.lineno, node.col_offset + 1, lambda: self.text(node))
                if attr in ("format", "format_map") and isinstance(func.value, ast.Constant) and \
                        isinstance(func.value.value, str) and _FIXED_PREFIX.match(func.value.value.split("{", 1)[0]):
                    # "https://api.example.com/v1?to={}".format(x): the constant start fixes where it goes
                    value = V.sanitise(value, ("host",))
                return V.built(value) if attr in ("format", "join", "format_map") else value
        ref = self.project_ref(func, qn, state)
        if ref is not None:
            n = len(self.calls)
            record: dict[str, Any] = {"callee": ref, "line": node.lineno, "col": node.col_offset + 1,
                                      "text": self.text(node)}
            argmap = {str(i): V.dump(a) for i, a in enumerate(args) if a and not isinstance(node.args[i], ast.Starred)}
            argmap.update({k: V.dump(v) for k, v in kwargs.items() if v and k})
            # an object with attributes set here: `<arg>.` (the object without them) and `<arg>.<attr>` let the
            # callee's `param.attr` see only that attribute
            passed = [(str(i), a) for i, a in enumerate(node.args)] + [(k.arg, k.value) for k in node.keywords if k.arg]
            for key, a in passed:
                entry = state.get(a.id) if isinstance(a, ast.Name) and a.id != "self" else None
                if entry and any(k[:1] == "." for k in entry):
                    argmap[key + "."] = V.dump(V.join(*(v for k, v in entry.items() if k[:1] != ".")))
                    argmap.update({key + k: V.dump(v) for k, v in entry.items() if k[:1] == "." and v})
            if argmap:
                record["args"] = argmap
            if node.keywords and self.class_ref(node, state):
                # Cls(a=..., b=...): the fields set, constants too (`obj.a` of a dataclass is what `a=` gave)
                record["kw"] = sorted(k.arg for k in node.keywords if k.arg)
            self.calls.append(record)
            out = V.origin(f"call:{n}", node.lineno, node.col_offset + 1, self.text(node))
            return out
        if method:
            # a method of a value we do not model: what it returns comes from the receiver
            return V.join(receiver, V.unknown(node.lineno, node.col_offset + 1, self.text(node))
                          if any(args) or any(kwargs.values()) else {})
        if everything:
            return V.unknown(node.lineno, node.col_offset + 1, self.text(node))
        return {}

    def deferred(self, node: ast.Call, qn: str | None, attr: str | None, state: dict) -> ast.Call | None:
        """A call that runs a function it is handed, later or on another thread: `tasks.add_task(f, *a, **kw)`,
        `asyncio.to_thread(f, *a)`, `loop.run_in_executor(None, f, *a)`, `executor.submit(f, *a)`,
        `BackgroundTask(f, *a)`, a task's `f.delay(*a)`; `functools.partial(f, *a)` unwrapped. Analysed as
        the call `f(*a, **kw)` it makes (the same line), so sinks in f or of f itself are seen."""
        func = node.func
        args, keywords = list(node.args), list(node.keywords)
        if attr in ("add_task",) or qn in _DEFERRING:
            target, rest = (args[0], args[1:]) if args else (None, [])
        elif attr == "run_in_executor":
            target, rest, keywords = (args[1], args[2:], []) if len(args) > 1 else (None, [], [])
        elif attr == "submit" and _receiver_named(func.value, ("executor", "pool")):
            target, rest = (args[0], args[1:]) if args else (None, [])
        elif attr == "delay" and isinstance(func.value, ast.Name) and func.value.id not in state and (
                func.value.id in self.mod.defs or func.value.id in self.mod.imports):
            target, rest = func.value, args
        else:
            return None
        if target is None or isinstance(target, ast.Starred):
            return None
        if isinstance(target, ast.Call) and (self.qualname(target.func, state) or "") in (
                "functools.partial", "functools.partialmethod") and target.args:
            rest = [*target.args[1:], *rest]
            keywords = [*target.keywords, *keywords]
            target = target.args[0]
        if isinstance(target, ast.Lambda):
            return None
        made = ast.Call(func=target, args=rest, keywords=keywords)
        return ast.copy_location(made, node)

    def _marker(self, qn: str, node: ast.Call) -> V.Value:
        node._taint_qn = qn  # type: ignore[attr-defined]  # read when the returned callable is called
        return {}

    def class_ref(self, node: ast.AST | None, state: dict) -> str | None:
        """The class a value is an instance of, when the code says: `Cls(...)`, or a typed local."""
        if isinstance(node, ast.Name):
            return self.types.get(node.id)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name) and func.id not in state and func.id[:1].isupper():
            if func.id in self.mod.defs:
                return f"{self.mod.module}.{func.id}" if self.mod.module else func.id
            qn = self.qualname(func, state)
            return qn if qn and qn.split(".")[0] not in _EXTERNAL_ROOTS else None
        return None

    def project_ref(self, func: ast.AST, qn: str | None, state: dict) -> str | None:
        """How the project step will find the callee, when it may be code of this repository."""
        if isinstance(func, ast.Name):
            if func.id in state:
                return None
            if func.id in self.mod.defs:
                return f"{self.mod.module}.{func.id}" if self.mod.module else func.id
            if qn and not qn.startswith("builtins.") and qn.split(".")[0] not in _EXTERNAL_ROOTS:
                return qn
            return None
        if isinstance(func, ast.Attribute):
            base = func.value
            if isinstance(base, ast.Name) and base.id in ("self", "cls") and self.cls and base.id not in state or (
                    isinstance(base, ast.Name) and base.id in ("self", "cls") and self.cls and
                    base.id in state and "." + func.attr not in state[base.id]):
                return f"self:{func.attr}"
            if isinstance(base, ast.Name) and base.id in self.types:
                return f"{self.types[base.id]}.{func.attr}"
            if isinstance(base, ast.Name) and base.id not in state and base.id in self.mod.instances:
                return f"{self.mod.instances[base.id]}.{func.attr}"  # storage = LocalStorage(...) at module level
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self" \
                    and self.cls:
                return f"selfattr:{base.attr}.{func.attr}"
            if isinstance(base, ast.Name) and base.id in self.mod.defs:
                return f"{self.mod.module}.{base.id}.{func.attr}" if self.mod.module else f"{base.id}.{func.attr}"
            if qn and qn.split(".")[0] not in _EXTERNAL_ROOTS:
                return qn
        return None

    def argv_list(self, node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]] | None:
        """The first items and the other items of an argument list: a list literal, or a local every binding
        of which is one."""
        if isinstance(node, (ast.List, ast.Tuple)):
            elts = node.elts
            return None if not elts or any(isinstance(e, ast.Starred) for e in elts) else ([elts[0]], elts[1:])
        if not isinstance(node, ast.Name) or self.fn is None:
            return None
        bound = [n.value for n in ast.walk(self.fn) if isinstance(n, (ast.Assign, ast.AnnAssign)) and
                 any(isinstance(t, ast.Name) and t.id == node.id
                     for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
        lists = [self.argv_list(v) for v in bound if isinstance(v, (ast.List, ast.Tuple))]
        if not bound or len(lists) != len(bound) or any(x is None for x in lists):
            return None
        return [e for heads, _ in lists for e in heads], [e for _, tails in lists for e in tails]

    def sink_call(self, node: ast.Call, sink, args: list, kwargs: dict, state: dict,
                  receiver: V.Value | None = None) -> None:
        if sink.setting and not self.entities_on(node, sink, state):
            return  # an XML parse is a sink only with external entities turned on
        if sink.kind == "html" and getattr(node, "_taint_plain", False):
            return
        if sink.kind == "html" and any(
                k.arg in ("content_type", "media_type", "mimetype") and isinstance(k.value, ast.Constant)
                and isinstance(k.value.value, str) and "html" not in k.value.value for k in node.keywords):
            return  # text/plain, application/json: the browser does not parse it as HTML
        if sink.when_keyword:
            kw = next((k for k in node.keywords if k.arg == sink.when_keyword), None)
            if kw is None or (isinstance(kw.value, ast.Constant) and not kw.value.value):
                return
        if sink.unless_keyword and any(k.arg == sink.unless_keyword for k in node.keywords):
            return
        if sink.made_by:
            maker = self.made_by(node.func.value, sink.made_by, state) if isinstance(node.func, ast.Attribute) else None
            if maker is None or (sink.unless_setting and _setting_true(maker, sink.unless_setting)):
                return  # another object's render(), or a jinja2 environment that autoescapes
        picked: list[V.Value] = []
        nodes: list[ast.AST] = []
        argv = self.argv_list(node.args[0]) if sink.when_keyword == "shell" and node.args else None
        if argv:
            # `Popen([prog, "install", path], shell=flag)`: on POSIX the shell parses only the first item (the
            # rest become its positional parameters); the others reach a shell only on Windows (list2cmdline)
            heads, tails = argv
            tail = V.join(*(self.eval(e, state) for e in tails))
            picked.append(V.join(*(self.eval(e, state) for e in heads), V.sanitise(tail, (POSIX_ARGV,))))
            nodes.append(node.args[0])
        elif sink.shell_list:
            elts = node.args if sink.args == ("*",) else (
                node.args[0].elts if node.args and isinstance(node.args[0], (ast.List, ast.Tuple)) else None)
            if not elts:
                return
            tail = _after_shell_c(elts)
            if tail is None:
                return
            for e in tail:
                picked.append(self.eval(e, state))
                nodes.append(e)
        else:
            for a in sink.args:
                if a == "self" and receiver is not None and isinstance(node.func, ast.Attribute):
                    picked.append(receiver)
                    nodes.append(node.func.value)
                elif a == "*":
                    picked.extend(args)
                    nodes.extend(node.args)
                elif isinstance(a, int) and a < len(node.args) and not any(
                        isinstance(x, ast.Starred) for x in node.args[:a + 1]):
                    picked.append(args[a])
                    nodes.append(node.args[a])
                elif a == "**":
                    picked.extend(v for k, v in kwargs.items())
                    nodes.extend(k.value for k in node.keywords)
                elif isinstance(a, str) and a in kwargs:
                    picked.append(kwargs[a])
                    nodes.append(next(k.value for k in node.keywords if k.arg == a))
        value = V.join(*picked)
        if not value:
            return
        if sink.kind == "sql" and nodes and isinstance(nodes[0], (ast.Dict, ast.Set)):
            return  # SQL text is never a dict: `payment.execute({"payer_id": ...})` is another API's execute
        if sink.sqlish and not _SQLISH.search(" ".join(self.literal_text(n) for n in nodes)):
            return
        # placed on the argument that carries the data (where a reader looks), as SARIF regions go
        self.record_sink(node, sink.kind, sink.api, value, nodes[0] if nodes else node, sink.traced_only)

    def record_sink(self, node: ast.AST, kind: str, api: str, value: V.Value, at: ast.AST,
                    traced_only: bool = False) -> None:
        value = V.step(value, at.lineno, at.col_offset + 1, f"reaches {api}: " + self.text(node))
        record = self.sink_record(at, kind, api, V.dump(value))
        if traced_only:
            record["traced_only"] = 1
        self.sinks.append(record)

    def sink_record(self, node: ast.AST, kind: str, api: str, flows: list) -> dict[str, Any]:
        return {"kind": kind, "api": api, "line": node.lineno, "col": node.col_offset + 1,
                "end_line": getattr(node, "end_lineno", node.lineno) or node.lineno,
                "end_col": (getattr(node, "end_col_offset", node.col_offset) or 0) + 1,
                "snippet": self.segment(node)[:300], "flows": flows}


class _NotConst(Exception):
    pass


_BUILTINS = frozenset(__builtins__.keys() if isinstance(__builtins__, dict) else dir(__builtins__))
# Top-level packages that are never this repository's code: calls into them are not linked.
_EXTERNAL_ROOTS = frozenset({
    "os", "sys", "re", "json", "subprocess", "shutil", "pathlib", "logging", "typing", "collections", "datetime",
    "time", "asyncio", "functools", "itertools", "hashlib", "hmac", "base64", "uuid", "urllib", "http", "io",
    "math", "random", "secrets", "string", "textwrap", "dataclasses", "enum", "abc", "contextlib", "copy",
    "pickle", "shlex", "html", "xml", "csv", "tempfile", "glob", "inspect", "traceback", "warnings", "decimal",
    "django", "flask", "fastapi", "starlette", "rest_framework", "sqlalchemy", "pydantic", "requests", "httpx",
    "aiohttp", "werkzeug", "jinja2", "markupsafe", "celery", "redis", "boto3", "botocore", "yaml", "lxml",
    "ldap", "ldap3", "psycopg", "psycopg2", "asyncpg", "pandas", "numpy", "pytest", "unittest", "mock",
    "builtins", "operator", "zoneinfo", "pytz", "dateutil", "structlog", "marshmallow", "attrs", "attr",
})


# The app's own route resolvers: what they return is a path of this site (or its own absolute URL)
_ROUTE_RESOLVERS = frozenset({"reverse", "reverse_lazy", "resolve_url", "url_for"})


def _own_route(node: ast.AST) -> bool:
    """`reverse("account_login") + "?next=" + x`, `f"{url_for('login')}?next={x}"`: the text starts with a
    route the app resolves itself, so what is appended after it cannot choose the host."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    return isinstance(node, ast.Call) and _tail_name(node.func) in _ROUTE_RESOLVERS


def _constant_base(node: ast.JoinedStr) -> bool:
    """`f"{GITHUB_API_URL}repos/{owner}/{repo}"`, `f"{settings.API_URL}/v1/{x}"`: the text starts with a
    constant of the code or the settings (an upper-case name) followed by literal text holding a "/", so what
    comes after it fills the path of that base URL and cannot choose its host."""
    first, second = node.values[0], node.values[1] if len(node.values) > 1 else None
    name = _tail_name(first.value) if isinstance(first, ast.FormattedValue) and \
        isinstance(first.value, (ast.Name, ast.Attribute)) else None
    return bool(name) and name.isupper() and isinstance(second, ast.Constant) and "/" in str(second.value)


def _constant_base_add(node: ast.BinOp) -> bool:
    """`KOBO_IMAGEHOST_URL + "/{id}/image.jpg".format(id=x)`, `settings.CDN_URL + "/" + x`: the `+` form of
    `_constant_base`, a constant base URL then literal text that starts with "/", so the request's part fills
    the path of a host the code fixed."""
    left, right = node.left, node.right
    while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
        left, right = left.left, left.right
    name = _tail_name(left) if isinstance(left, (ast.Name, ast.Attribute)) else None
    if isinstance(right, ast.Call) and isinstance(right.func, ast.Attribute) and right.func.attr == "format":
        right = right.func.value  # "/{id}/x".format(id=...): the literal is the format string
    if isinstance(right, ast.JoinedStr):
        right = right.values[0] if right.values else None
    return bool(name) and name.isupper() and isinstance(right, ast.Constant) and \
        isinstance(right.value, str) and right.value.startswith("/")


def _fixes_host(value: V.Value) -> bool:
    return bool(value) and all(san & _HOST_FIXING for (_, san, _) in value)


def _server_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and \
        not node.value.startswith("HTTP_") and node.value not in _META_REQUEST_KEYS


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")


def _query_positions(fmt: str) -> list[bool] | None:
    """Per %-conversion of `fmt` (`%%` skipped), whether it comes after a "?", "#", "&" or "=": a query or
    fragment piece. None for mapping keys (`%(name)s`) or `*` widths, which do not map one-to-one."""
    out, last = [], 0
    for m in _PERCENT.finditer(fmt):
        if m.group(1) == "%":
            continue
        if "(" in m.group(0) or "*" in m.group(0):
            return None
        out.append(any(c in fmt[:m.start()] for c in "?#&="))
        last = m.end()
    return out if last else None


def _numeric_format(fmt: str) -> bool:
    """A %-format whose conversions are all numeric (%d, %i, %f, %x...; `%%` is a literal): at least one."""
    convs = [c for c in _PERCENT.findall(fmt) if c != "%"]
    return bool(convs) and all(c in "diouxXeEfFgG" for c in convs)


def _header_mark(base: ast.AST, key: ast.AST) -> str:
    """`<x>.headers["Referer"]`, `<x>.META.get("HTTP_REFERER")`, Flask/WSGI's `request.environ["HTTP_REFERER"]`
    (the same CGI keys as Django's META): "referer"; `headers.get("X-Ingress-Path")`,
    `META["HTTP_X_FORWARDED_HOST"]`: "custom-header", a header a browser never sends cross-site (only the
    client itself or a proxy in front of the app sets it)."""
    if not (isinstance(base, ast.Attribute) and base.attr in ("headers", "META", "environ") and
            isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return ""
    name = key.value.lower()
    if name in _REFERER_KEYS:
        return "referer"
    return "custom-header" if name.startswith(("x-", "http_x_")) else ""


def _is_meta(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "META"


def _inputs(frm: tuple, receiver: V.Value, args: list, kwargs: dict, everything: V.Value) -> V.Value:
    """What a propagator passes on: everything, or the receiver / positions / keywords its model names."""
    if frm == ("*",):
        return everything
    picked = []
    for f in frm:
        if f == "self":
            picked.append(receiver)
        elif isinstance(f, int):
            # positions count the arguments from 0; a method's receiver ("self") is not one of them
            if f < len(args):
                picked.append(args[f])
        elif f in kwargs:
            picked.append(kwargs[f])
    return V.join(*picked)


def _literal_text(node: ast.AST | None) -> str:
    if node is None:
        return ""
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append(n.value)
    return " ".join(out)


def _stringy(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)))


# Request text that is only the tail of a file name: after a non-empty prefix of the server's
# (`instance_id + ext`) it cannot climb out of the prefix's directory. A piece split off at the last "."
# holds no ".", so no ".." (alone it may still start with "/", an absolute path); a tail of at most five
# characters holds at most one ".." component, which climbs back only to where the prefix's name sits.
_PATH_TAIL = "path-tail"
AFTER_PREFIX = "after-prefix"  # a parameter's text after a name part: with _PATH_TAIL from a caller, a path
TAIL_AFTER_PREFIX = frozenset({_PATH_TAIL, AFTER_PREFIX})
HASHED_LEAF = "hashed-leaf"  # a digest follows the text in the path: it cannot name an existing file
_TAIL_MAX = 5


def _short_tail(s: ast.Slice) -> bool:
    """`name[-4:]`: a constant negative start, no end or step."""
    lo = s.lower
    return s.upper is None and s.step is None and isinstance(lo, ast.UnaryOp) and isinstance(lo.op, ast.USub) \
        and isinstance(lo.operand, ast.Constant) and type(lo.operand.value) is int and 0 < lo.operand.value <= _TAIL_MAX


def _index(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) is int:
        return -node.operand.value
    return None


def _name_tail(node: ast.Subscript) -> tuple[str, ...]:
    """The marks of a file name's extension taken by index: `os.path.splitext(n)[1]` holds no separator (safe
    for paths on its own); `n.split(".")[-1]`, `n.rsplit(".", 1)[-1]`, `n.rpartition(".")[2]` hold no ".".
    Any piece of a split with no limit holds no separator: `n.split(".")[1]` no "." (so no ".."), and
    `mime.split("/")[1]` no "/" (a file name's part, which after the server's prefix cannot start a new
    component)."""
    call, i = node.value, _index(node.slice)
    if not isinstance(call, ast.Call) or i is None or not isinstance(call.func, (ast.Attribute, ast.Name)):
        return ()
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
    if name == "splitext" and i in (1, -1) and len(call.args) == 1:
        return ("path",)
    sep = call.args[0].value if len(call.args) >= 1 and isinstance(call.args[0], ast.Constant) else None
    if not isinstance(call.func, ast.Attribute) or sep not in (".", "/"):
        return ()
    unlimited = len(call.args) == 1 and not call.keywords
    if (name in ("split", "rsplit") and (i == -1 and sep == "." or unlimited)) or \
            (name == "rpartition" and i in (2, -1)) or (name == "partition" and i == 0):
        return (_PATH_TAIL,)
    return ()


# parsers that raise on anything but a value of a closed, harmless form
_RAISING_VALIDATORS = frozenset({"pytz.timezone", "zoneinfo.ZoneInfo", "backports.zoneinfo.ZoneInfo", "uuid.UUID",
                                 "ipaddress.ip_address", "ipaddress.ip_network", "ipaddress.IPv4Address",
                                 "ipaddress.IPv6Address"})
_HASH_CALL = re.compile(r"(?i)(^|_)(hash|digest|hexdigest|hmac|sha\d*|md5|blake2[bs]?)(_|$)")


def _after_query(template: str) -> set | None:
    """The fields of a str.format template placed after its first "?" or "#" (positions for `{}`/`{0}`,
    names for `{name}`), or None when the template cannot be read."""
    out: set = set()
    seen, auto = "", 0
    try:
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            seen += literal
            if field is None:
                continue
            key: Any = field.split(".", 1)[0].split("[", 1)[0]
            if key == "":
                key, auto = auto, auto + 1
            elif key.isdigit():
                key = int(key)
            if any(c in seen for c in "?#"):
                out.add(key)
            seen += "\x00"
    except ValueError:
        return None
    return out


def _hash_call(node: ast.AST) -> bool:
    """`generate_hash(key)`, `hashlib.sha256(b).hexdigest()`, `hmac.new(...).hexdigest()`."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.attr if isinstance(node.func, ast.Attribute) else \
        node.func.id if isinstance(node.func, ast.Name) else ""
    return bool(_HASH_CALL.search(name))


def _spaced_text(node: ast.AST) -> bool:
    """Literal text with a blank in it (`"WHERE " + clause`): a statement or a message, never a file name."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isspace() for c in node.value)


def _after_prefix(value: V.Value) -> V.Value:
    """A parameter's text placed after a name part of this function's: a caller that handed in only a file
    name's tail (`"." + name.split(".")[1]`) made it safe for paths here (the project step joins the marks)."""
    if not any(o.startswith("param:") for o, _, _ in value):
        return value
    return V.join({k: t for k, t in value.items() if not k[0].startswith("param:")},
                  V.sanitise({k: t for k, t in value.items() if k[0].startswith("param:")}, (AFTER_PREFIX,)))


def _names_a_prefix(node: ast.AST) -> bool:
    """A left operand that is a name part, not empty and not ending at a separator (`"uploads/"` is not)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value) and node.value[-1] not in "/\\"
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[-1], ast.Constant):
        return _names_a_prefix(node.values[-1])
    return True


def _marks(value: V.Value) -> frozenset:
    return frozenset().union(*(san for _, san, _ in value)) if value else frozenset()


def _const_key(node: ast.AST, constants: dict[str, Any]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return repr(node.value)
    if isinstance(node, ast.Name) and isinstance(constants.get(node.id), (str, int)):
        return repr(constants[node.id])
    return None


def _plain_typed_name(s: ast.Assign) -> str:
    """`r.mimetype = ...`, `r.content_type = ...`, `r.headers["Content-Type"] = ...`: the response's name."""
    target = s.targets[0] if len(s.targets) == 1 else None
    if isinstance(target, ast.Attribute) and target.attr in ("mimetype", "content_type", "media_type"):
        base = target.value
    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and \
            target.value.attr == "headers" and isinstance(target.slice, ast.Constant) and \
            str(target.slice.value).lower() == "content-type":
        base = target.value.value
    else:
        return ""
    return base.id if isinstance(base, ast.Name) else ""


def _sets_plain_type(s: ast.Assign) -> bool:
    """The statement gives a response a constant content type the browser does not parse as HTML."""
    return bool(_plain_typed_name(s)) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str) \
        and "html" not in s.value.value.lower() and "xml" not in s.value.value.lower()


_LOOKUPS = frozenset({"fetchone", "first", "one_or_none", "scalar", "scalar_one_or_none", "get_or_none", "exists"})


def _found_row(test: ast.AST, truth: bool) -> str | ast.Call | None:
    """What `test` shows to exist on its `truth` branch: a name (`row`, `row is not None`) or a lookup call
    itself (`Model.objects.filter(name=x).exists()`)."""
    if isinstance(test, ast.Name) and truth:
        return test.id
    if isinstance(test, ast.Call) and truth and _lookup_call(test):
        return test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) and \
            isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None and \
            isinstance(test.ops[0], ast.IsNot if truth else ast.Is):
        return test.left.id
    return None


def _matched_in(node: ast.Call) -> tuple[ast.AST, list[str]] | None:
    """`next((r for r in items if r.key == name), None)`: (items, [name]), the names an item was found
    equal to; None for any other call."""
    if not (isinstance(node.func, ast.Name) and node.func.id == "next" and node.args and
            isinstance(node.args[0], ast.GeneratorExp) and len(node.args[0].generators) == 1):
        return None
    gen = node.args[0].generators[0]
    item = set(_names_of(gen.target))
    names: list[str] = []
    for cond in gen.ifs:
        if isinstance(cond, ast.Compare) and len(cond.ops) == 1 and isinstance(cond.ops[0], ast.Eq):
            sides = [cond.left, cond.comparators[0]]
            for this, other in (sides, sides[::-1]):
                if item & set(_names_of(this)) and isinstance(other, ast.Name) and other.id not in item:
                    names.append(other.id)
    return (gen.iter, names) if names else None


def _lookup_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr in _LOOKUPS


def _lookup_arg_names(node: ast.AST) -> list[str]:
    """Names passed as arguments anywhere along a query chain (`c.execute(sql, (name,)).fetchone()`,
    `Model.objects.filter(name=name).first()`), not the receivers."""
    out: list[str] = []
    while isinstance(node, ast.Call):
        for a in [*node.args, *(k.value for k in node.keywords)]:
            out.extend(_names_of(a))
        node = node.func.value if isinstance(node.func, ast.Attribute) else None
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
    return out


def _quote_free(tests: list[ast.AST], truth: bool) -> list[str]:
    """Names that `tests` (all holding when truth, all failing when not) show contain neither quote
    character: `"'" not in x and '"' not in x`, or `"'" in x or '"' in x` failing."""
    seen: dict[str, set[str]] = {}
    for test in tests:
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Name) and \
                isinstance(test.left, ast.Constant) and test.left.value in _QUOTES and \
                isinstance(test.ops[0], ast.NotIn if truth else ast.In):
            seen.setdefault(test.comparators[0].id, set()).add(test.left.value)
    return sorted(n for n, q in seen.items() if q >= _QUOTES)


def _pure_read(node: ast.AST) -> bool:
    """`request.args.get("next")`, `request.GET["next"]`, `data.url`: reading it twice gives one value."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                not node.keywords and all(isinstance(a, ast.Constant) for a in node.args):
            node = node.func.value
        else:
            return isinstance(node, ast.Name)


def _param_kinds(state: dict, before: dict) -> dict[str, frozenset]:
    """Per parameter, the kinds some local holding it (itself, `c = p.resolve()`) is sanitised for in `state`
    on every flow of it, beyond what that local had in `before`; guard marks left out."""
    out: dict[str, frozenset] = {}
    for name, entry in state.items():
        old = before.get(name, {})
        for path, v in entry.items():
            had_by = {}
            for (o, san, _) in old.get(path, {}):
                had_by[o] = had_by.get(o, frozenset()) | san
            kinds_by: dict[str, frozenset] = {}
            for (o, san, _) in v:
                if o.startswith("param:"):
                    got = frozenset(k for k in san - had_by.get(o, frozenset()) if not k.startswith(V.GUARD))
                    kinds_by[o] = kinds_by[o] & got if o in kinds_by else got
            for o, kinds in kinds_by.items():
                if kinds:
                    out[o[6:]] = out.get(o[6:], frozenset()) | kinds
    return out


def _separator_refusals(fn: ast.AST, params: list[str]) -> dict[str, list[str]]:
    """Parameters the function refuses by raising when they hold "/": an `if "/" in name or ...: raise` among
    the statements of its own body, with none before it that can return (every normal return has passed it).
    A name without "/" joined under a directory stays in it (a POSIX server's only separator): a caller that
    goes on after the call holds a path-safe value ("path"). Other branches of the `or` only refuse more."""
    out: dict[str, list[str]] = {}
    for st in getattr(fn, "body", ()):
        if any(isinstance(n, ast.Return) for n in ast.walk(st)):
            break  # `if not strict: return` first: a normal return that skips the refusals below
        if not (isinstance(st, ast.If) and not st.orelse and st.body and isinstance(st.body[-1], ast.Raise)):
            continue
        tests = st.test.values if isinstance(st.test, ast.BoolOp) and isinstance(st.test.op, ast.Or) else [st.test]
        for t in tests:
            if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.In) and \
                    isinstance(t.left, ast.Constant) and t.left.value == "/" and \
                    isinstance(t.comparators[0], ast.Name) and t.comparators[0].id in params:
                out[t.comparators[0].id] = ["path"]
    return out


def _names_of(node: ast.AST) -> list[str]:
    """The local names a guard expression checks: `x`, `x.strip()`, `Path(x).resolve()`, `x["k"]`."""
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.append(n.id)
    return out


def _checked_url(test: ast.Call) -> ast.AST | None:
    """The URL a check is given: its first argument, or `url=` (`url_has_allowed_host_and_scheme(url=u, ...)`)."""
    if test.args:
        return test.args[0]
    return next((k.value for k in test.keywords if k.arg in ("url", "next", "target", "redirect_to")), None)


def _query_cut(node: ast.AST) -> list[str]:
    """The names a bound value is that same text, or its part before "?": `v`, `v.strip()`,
    `v[:v.index("?")]`, `v.split("?")[0]`, `v.partition("?")[0]` (what follows a path's "?" cannot move
    the host)."""
    node = _case_folded(node)
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Subscript):
        base, sl = node.value, node.slice
        if isinstance(sl, ast.Slice) and sl.lower is None and sl.step is None and isinstance(sl.upper, ast.Call) \
                and isinstance(sl.upper.func, ast.Attribute) and sl.upper.func.attr in ("index", "find") and \
                _is_text(sl.upper.args[:1], "?") and isinstance(base, ast.Name):
            return [base.id]
        if isinstance(sl, ast.Constant) and sl.value == 0 and isinstance(base, ast.Call) and \
                isinstance(base.func, ast.Attribute) and base.func.attr in ("split", "partition") and \
                _is_text(base.args[:1], "?") and isinstance(base.func.value, ast.Name):
            return [base.func.value.id]
    return []


def _is_text(args: list, text: str) -> bool:
    return len(args) == 1 and isinstance(args[0], ast.Constant) and args[0].value == text


def _case_folded(node: ast.AST) -> ast.AST:
    """`host.lower()`, `host.casefold()`, `host.strip()`: the same host, compared without case or blanks."""
    while isinstance(node, ast.Call) and not node.args and not node.keywords and \
            isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "casefold", "strip"):
        node = node.func.value
    return node


def _call_arg_names(node: ast.Attribute) -> list[str]:
    inner = node.value
    while isinstance(inner, ast.Attribute):
        inner = inner.value
    return _names_of(inner)


def _is_netloc_of_name(node: ast.AST) -> bool:
    """`parsed.netloc`, `parsed.hostname` of a local name (what urlparse gave)."""
    return isinstance(node, ast.Attribute) and node.attr in ("netloc", "hostname", "host") and \
        isinstance(node.value, ast.Name)


def _is_netloc(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("netloc", "hostname", "host") and \
        isinstance(node.value, ast.Call)


def _resolved(node: ast.AST) -> bool:
    """`p.resolve()`, `os.path.realpath(p)`, `str(p.resolve())`: a path with `..` and links taken out."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("resolve", "realpath", "abspath", "normpath", "absolute"):
                return True
    return False


def _setting_true(call: ast.Call, name: str) -> bool:
    kw = next((k for k in call.keywords if k.arg == name), None)
    return kw is not None and not (isinstance(kw.value, ast.Constant) and not kw.value.value)


def _tail_name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _receiver_named(node: ast.AST, names: tuple[str, ...]) -> bool:
    """`self.session.get(...)`, `client.post(...)`: the receiver's own name ends with a client word."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    name = name.lower()
    return any(name == n or name.endswith("_" + n) or (len(n) > 2 and name.endswith(n)) for n in names)


def _local_path_prefix(node: ast.AST, qn: str) -> bool:
    """A pattern that matches only text starting with "/" then a character that is neither "/" nor "\\"
    (`^/[a-z]`, `/\\w`): whatever follows, a URL starting so is a path on the current host."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    pattern = node.value
    if pattern.startswith("^"):
        pattern = pattern[1:]
    elif qn == "re.search":
        return False
    if not pattern.startswith("/") or len(pattern) < 2:
        return False
    rest = pattern[1:]
    if rest[0].isalnum() or rest[:2] in ("\\w", "\\d"):
        return True
    if rest[0] == "[" and "]" in rest[2:]:
        members = rest[1:rest.index("]", 2)]
        ranges = [(members[i - 1], members[i + 1]) for i in range(1, len(members) - 1) if members[i] == "-"]
        return not members.startswith("^") and not any(c in members for c in "/\\") and \
            not any(lo <= c <= hi for lo, hi in ranges for c in "/\\")
    return False


def _anchored(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
        node.value.endswith("$") or node.value.endswith("\\Z"))


def _after_shell_c(elts: list[ast.AST]) -> list[ast.AST] | None:
    """["sh", "-c", cmd, ...]: the elements the shell parses; None when this is not a shell invocation."""
    if len(elts) < 3:
        return None
    first = elts[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    name = first.value
    i = 1
    if name == "/usr/bin/env" and isinstance(elts[1], ast.Constant):
        name, i = str(elts[1].value), 2
    if name.rsplit("/", 1)[-1] not in {s.rsplit("/", 1)[-1] for s in _SHELLS}:
        return None
    for j in range(i, len(elts)):
        e = elts[j]
        if isinstance(e, ast.Constant) and e.value in ("-c", "/c", "-Command", "-lc", "-ec"):
            return elts[j + 1:j + 2]
    return None


def resolve_relative(module: str, level: int, name: str, path: str) -> str:
    if not level:
        return name
    parts = module.split(".") if module else []
    if not path.endswith("__init__.py"):
        parts = parts[:-1]
    if level - 1 > len(parts):
        return name
    base = parts[:len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)
