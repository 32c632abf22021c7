"""Performance checks: timeouts, N+1 round-trips, per-request pools."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use
from typing import Any

from ..model.frameworks.common import keyword
from .base import AstCheck, FileContext, dotted, dotted_parts, iter_nodes
from .recognise import receiver_name
from .task_limits import task_time_limit
from .walked_rows import background_job, sample_data_module, task_class, walked
from .util import (decorator_names, is_alembic_env, is_alembic_revision, is_main_guard, is_route_handler,
                   logger_method, run_by_hand, tries_batch_write)

_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})

# The stdlib clients that connect in their constructor, as data: qualified name -> (how many positional
# arguments reach the timeout slot, in the oldest signature still supported; whether the constructor
# connects without a host). Their default, socket's global one, is no timeout at all.
_STDLIB_CLIENTS: dict[str, tuple[int, bool]] = {
    "urllib.request.urlopen": (3, True),
    "http.client.HTTPConnection": (3, True),
    "http.client.HTTPSConnection": (3, True),
    "smtplib.SMTP": (4, False),
    "smtplib.SMTP_SSL": (4, False),
    "smtplib.LMTP": (4, False),
    "imaplib.IMAP4": (3, True),       # IMAP4() connects to localhost:143 at once
    "imaplib.IMAP4_SSL": (6, True),   # (host, port, keyfile, certfile, ssl_context, timeout) before 3.12
    "poplib.POP3": (3, True),
    "poplib.POP3_SSL": (5, True),     # (host, port, keyfile, certfile, timeout) before 3.12
    "ftplib.FTP": (5, False),
    "ftplib.FTP_TLS": (8, False),     # (host, user, passwd, acct, keyfile, certfile, context, timeout)
    "telnetlib.Telnet": (3, False),
    "socket.create_connection": (2, True),
}
_SOCKET_CALLS = frozenset({"connect", "connect_ex", "settimeout", "setblocking"})
_RECEIVES = frozenset({"recv", "recvfrom", "recv_into", "recvfrom_into", "recvmsg"})
# settimeout(None), setblocking(True): compared by identity, as settimeout(1) == True
_STILL_BLOCKING = (None, True)
# a probe of a port on this machine (`connect_ex(("127.0.0.1", port))`): no network peer to stall
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def _forwards_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords)


def _is_datagram(value: ast.AST) -> bool:
    """`socket.socket(AF_INET, SOCK_DGRAM)`: a UDP socket (its type, second or `type=`)."""
    if not isinstance(value, ast.Call):
        return False
    kind = value.args[1] if len(value.args) > 1 else keyword(value, "type")
    return kind is not None and (dotted(kind) or "").split(".")[-1] == "SOCK_DGRAM"


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# BA-PERF-002 findings in management commands, left for the project pass that knows who runs each command
DEFERRED_COMMAND_CALLS = "perf_timeouts_in_commands"
# BA-PERF-002 findings in module functions, left for the project pass that knows their callers
DEFERRED_FUNCTION_CALLS = "perf_timeouts_in_functions"
# BA-PERF-001's sync Django ORM calls, left for the project pass that knows which program runs them
DEFERRED_ORM_CALLS = "perf_orm_in_async"
_ASYNC_ORM = "the async ORM API"


class OutboundCallWithoutTimeout(AstCheck):
    RULE_ID = "BA-PERF-002"
    PREFILTER = ("requests", "httpx", "urlopen", "HTTPConnection", "HTTPSConnection", "SMTP", "ClientTimeout",
                 "imaplib", "poplib", "ftplib", "telnetlib", "socket", "LMTP")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # local names bound to requests.Session() objects, per function (module level first)
        self.sessions: list[set[str]] = [set()]
        # raw sockets by the dotted name they are bound to ("sock", "self.sock"), file-wide: a class makes
        # one in __init__ and bounds or connects it in another method
        self.sockets: set[str] = set()
        self.unix_sockets: set[str] = set()
        # UDP sockets: connect() only records the peer (nothing is sent, nothing waits), so only a recv() on one
        # can block (blind set R: a UDP connect that finds the local IP through the routing table)
        self.datagrams: set[str] = set()
        self.receivers: set[str | None] = set()
        self.bounded: set[str | None] = set()
        self.connects: list[tuple[ast.Call, str | None]] = []
        # socket.setdefaulttimeout() bounds every stdlib client and raw socket the process opens after it
        self.default_timeout = "setdefaulttimeout" in ctx.text

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # `session: requests.Session | None`: a parameter declared a plain Session has no default timeout
        # either (a project subclass that sets one is annotated with its own name)
        args = node.args
        self.sessions.append({a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
                              if a.annotation is not None and "Session" in self.ctx.segment(a.annotation) and
                              any(self._is_session_class(n) for n in ast.walk(a.annotation))})

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.sessions.pop()

    def _is_session_class(self, node: ast.AST) -> bool:
        return isinstance(node, (ast.Name, ast.Attribute)) and self.ctx.qualname(node) in (
            "requests.Session", "requests.sessions.Session")

    def _is_session_ctor(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and self._is_session_class(node.func)

    def visit_withitem(self, node: ast.withitem) -> None:
        if self._is_session_ctor(node.context_expr) and isinstance(node.optional_vars, ast.Name):
            self.sessions[-1].add(node.optional_vars.id)
        elif self._is_network_socket(node.context_expr) and isinstance(node.optional_vars, ast.Name):
            self.sockets.add(node.optional_vars.id)
            if _is_datagram(node.context_expr):
                self.datagrams.add(node.optional_vars.id)

    def visit_Call(self, node: ast.Call) -> None:
        if _forwards_kwargs(node):
            return
        qn = self.ctx.qualname(node.func) or ""
        timeout = keyword(node, "timeout")
        parts = dotted_parts(node.func) or []
        if qn.startswith("requests.") and qn.split(".")[-1] in _HTTP_VERBS and qn.count(".") == 1:
            self._need_timeout(node, timeout, "requests." + qn.split(".")[-1])
        elif len(parts) == 2 and parts[1] in _HTTP_VERBS and any(parts[0] in s for s in self.sessions):
            self._need_timeout(node, timeout, f"requests.Session.{parts[1]}")
        elif qn.startswith("httpx.") and _is_none(timeout):
            self.report(node, f"{qn}(timeout=None) waits forever on a stalled server; httpx's 5 s default was "
                              "turned off — set a finite timeout")
        elif qn in _STDLIB_CLIENTS:
            self._stdlib_client(node, qn, timeout)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _SOCKET_CALLS and len(node.args) == 1:
            # judged at the end of the file: the socket may be made, bounded and connected in any order of
            # methods
            receiver = dotted(node.func.value)
            address = node.args[0]
            if node.func.attr in ("connect", "connect_ex") and not (
                    isinstance(address, ast.Tuple) and address.elts and
                    isinstance(address.elts[0], ast.Constant) and address.elts[0].value in _LOOPBACK):
                self.connects.append((node, receiver))
            elif not (isinstance(node.args[0], ast.Constant) and any(node.args[0].value is v for v in _STILL_BLOCKING)):
                self.bounded.add(receiver)  # settimeout(None) and setblocking(True) leave it blocking
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _RECEIVES:
            self.receivers.add(dotted(node.func.value))
        elif qn in ("aiohttp.ClientTimeout",) and timeout is None:
            others = [kw for kw in node.keywords if kw.arg != "total" and not _is_none(kw.value)]
            if _is_none(keyword(node, "total")) and not others:
                self.report(node, "aiohttp.ClientTimeout(total=None) with no other limit disables every timeout")

    def _stdlib_client(self, node: ast.Call, qn: str, timeout: ast.AST | None) -> None:
        timeout_position, connects_bare = _STDLIB_CLIENTS[qn]
        positional = node.args  # `*args` counts, as it may fill the timeout slot
        if not connects_bare and not positional and keyword(node, "host") is None:
            return  # SMTP()/FTP()/Telnet() without a host connect later, through connect(timeout=...)
        if timeout is not None or len(positional) >= timeout_position or self.default_timeout:
            return
        untraced = qn == "urllib.request.urlopen" and not self._names_a_peer(node)
        level, why = self._by_hand()
        self._report(node, f"{qn}() without a timeout blocks a worker forever when the peer stalls; pass "
                           "timeout=" + (" (the URL's origin was not traced: urlopen also reads data: and "
                                         "file: URLs, which have no peer to stall)" if untraced else "") + why,
                     "note" if untraced else level)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self._is_session_ctor(node.value):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.sessions[-1].add(t.id)
        elif isinstance(node.value, ast.Call) and self.ctx.qualname(node.value.func) == "socket.socket":
            names = {dotted(t) for t in node.targets} - {None}
            (self.sockets if self._is_network_socket(node.value) else self.unix_sockets).update(names)
            if _is_datagram(node.value):
                self.datagrams.update(names)

    def _is_network_socket(self, value: ast.AST) -> bool:
        """`socket.socket()` of an internet family (the default): an AF_UNIX socket reaches a local daemon
        through the file system, not a peer on the network."""
        if not isinstance(value, ast.Call) or self.ctx.qualname(value.func) != "socket.socket":
            return False
        family = value.args[0] if value.args else keyword(value, "family")
        return not (family is not None and (dotted(family) or "").split(".")[-1] == "AF_UNIX")

    def leave_Module(self, node: ast.Module) -> None:
        # a raw socket's connect() and every recv() after it block forever unless the socket got a timeout
        # (settimeout) or was made non-blocking anywhere in the file, or the module set the process default
        if self.default_timeout:
            return
        for call, name in self.connects:
            # a name also bound to an AF_UNIX socket (`if inet: ... else: ...`) counts where connect() is
            # given a (host, port) pair
            ambiguous = name in self.unix_sockets and not isinstance(call.args[0], ast.Tuple)
            if name in self.datagrams and name not in self.receivers:
                continue
            if name in self.sockets and name not in self.bounded and not ambiguous:
                if name in self.datagrams:
                    self.report(call, f"{name}.{call.func.attr}() on a UDP socket with no settimeout(): every "
                                      "recv() after it blocks a worker forever when no answer comes; call "
                                      "settimeout() first")
                    continue
                self.report(call, f"{name}.{call.func.attr}() on a socket.socket() with no settimeout(): the "
                                  "connect and every recv() after it block a worker forever when the peer "
                                  "stalls; call settimeout() first, or use socket.create_connection(addr, "
                                  "timeout=)")

    def _names_a_peer(self, call: ast.Call) -> bool:
        """urlopen's target is positively a network peer: an http(s) literal or f-string, a `Request(...)`, a
        module constant, or the call sits in a `try` that catches the network errors (URLError, HTTPError,
        timeouts). A parameter passed straight through may be a data: or file: URL the program built."""
        target = call.args[0] if call.args else keyword(call, "url")
        if isinstance(target, ast.JoinedStr) and target.values:
            target = target.values[0]
        if isinstance(target, ast.Constant):
            return isinstance(target.value, str) and target.value.startswith(("http://", "https://"))
        if isinstance(target, ast.Call) or isinstance(target, ast.Name) and target.id.isupper():
            return True
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, _FUNCTION_NODES):
                break
            if isinstance(parent, ast.Try) and any(
                    (dotted(t) or "").split(".")[-1] in ("URLError", "HTTPError", "timeout", "TimeoutError", "OSError")
                    for h in parent.handlers if h.type is not None
                    for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])):
                return True
        return False

    def _by_hand(self) -> tuple[str | None, str]:
        """(level, why) for a call in a script or developer task started at a terminal (or by an image
        build's RUN step): no worker is lost, whoever runs it sees the hang and interrupts it."""
        by_hand = run_by_hand(self.ctx) or \
            _parses_argv_on_import(self.ctx.tree, self.ctx.text) and \
            "a program that parses its command line as it is imported"
        if by_hand:
            return "note", f" (in {by_hand}: whoever runs it sees a hang)"
        if self._test_tooling():
            return "note", (" (in a module importing pytest: a test plugin or helper shipped with the package, whose "
                            "calls reach the service under test; a hang fails a test run, no worker is lost)")
        tool = next((v.split(".")[0] for v in self.ctx.imports.values() if v.split(".")[0] in _DEVELOPER_TOOLS), "")
        if tool:
            return "note", (f" (in a plugin of a developer tool ({tool}): it runs in a developer's git hook or lint "
                            "run, not in the service; whoever runs it sees a hang)")
        limited = task_time_limit(self.ctx)
        if limited:
            return "note", (f" (in a worker task with a time limit: {limited}, which ends a stalled call; the task "
                            "fails, the worker goes on; whether the limit suits the work was not traced)")
        memo = self._fetched_once()
        if memo:
            return "note", (f" (fetched once and kept in {memo}: a stall holds only the first caller, such as the "
                            "start-up that configures the client; whether a request worker is ever first was not "
                            "traced)")
        return None, ""

    def _fetched_once(self) -> str:
        """The call sits in the `if key not in CACHE:` branch that stores into that module-level cache
        (`_configs[issuer] = resp.json()`), which the module never empties (no `clear()`, `pop()` or `del`): one
        fetch per key for the life of the process. Returns the cache's name, or "". A memo emptied on a
        schedule (`lru_cache` with a daily `cache_clear()`) fetches again on some request: not this."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, _FUNCTION_NODES):
                return ""
            if isinstance(parent, ast.If) and isinstance(parent.test, ast.Compare) and \
                    len(parent.test.ops) == 1 and isinstance(parent.test.ops[0], ast.NotIn):
                cache = dotted(parent.test.comparators[0])
                if cache and cache in self._module_names() and any(
                        isinstance(t, ast.Subscript) and dotted(t.value) == cache
                        for n in iter_nodes(parent.body) if isinstance(n, ast.Assign) for t in n.targets) and \
                        not any(f"{cache}{op}" in self.ctx.text for op in (".clear(", ".pop(", ".popitem(")) and \
                        f"del {cache}[" not in self.ctx.text:
                    return cache
        return ""

    def _module_names(self) -> set[str]:
        """Names the module binds at its top level (a process-wide cache is one of them)."""
        if not hasattr(self, "_top_names"):
            tree = self.ctx.tree
            self._top_names = {t.id for st in (tree.body if tree is not None else ())
                               if isinstance(st, (ast.Assign, ast.AnnAssign))
                               for t in (st.targets if isinstance(st, ast.Assign) else [st.target])
                               if isinstance(t, ast.Name)}
        return self._top_names

    def _test_tooling(self) -> bool:
        """The module imports pytest (a `pytest11` plugin shipped inside the package, fixtures for the
        functional suite): the application never imports pytest, so what it calls runs in test runs."""
        if not hasattr(self, "_imports_pytest"):
            self._imports_pytest = any(v.split(".")[0] in ("pytest", "_pytest")
                                       for v in self.ctx.imports.values())
        return self._imports_pytest

    def _report(self, node: ast.AST, message: str, level: str | None) -> None:
        """A finding in a Django management command waits for the project pass (perf_commands): run by hand
        or by cron it is a note, unless application code runs the command by name (`call_command`), which
        makes it part of a worker's job."""
        self.report(node, message, level=level)
        if level is None and "/management/commands/" in f"/{self.ctx.path}":
            self.ctx.facts.setdefault(DEFERRED_COMMAND_CALLS, []).append(self.ctx.findings.pop().to_dict())
        elif level is None and len(self.ctx.function_stack) == 1 and self.ctx.tree is not None and \
                any(self.ctx.function_stack[0] is st for st in self.ctx.tree.body):
            # a module function: the project pass asks whether it is a helper of a command-line package that
            # nothing outside that package calls
            finding = self.ctx.findings.pop()
            finding.properties = {**finding.properties, "function": self.ctx.function_stack[0].name}
            self.ctx.facts.setdefault(DEFERRED_FUNCTION_CALLS, []).append(finding.to_dict())

    def _need_timeout(self, node: ast.Call, timeout: ast.AST | None, what: str) -> None:
        level, why = self._by_hand()
        if timeout is None:
            self._report(node, f"{what}() without a timeout: requests waits forever on a stalled server and the "
                               f"worker is lost; pass timeout=(connect, read){why}", level)
        elif _is_none(timeout):
            self._report(node, f"{what}(timeout=None) waits forever on a stalled server; pass a finite timeout{why}",
                         level)


# --- N+1 ---------------------------------------------------------------------------------------

_SESSION_NAMES = frozenset({"session", "db", "db_session", "dbsession", "s", "sess", "async_session"})
_SA_READS = frozenset({"get", "execute", "scalars", "scalar", "query", "scalar_one", "scalar_one_or_none"})
_QUERY_TERMINALS = frozenset({"first", "one", "one_or_none", "all", "scalar", "count"})
_DJANGO_READS = frozenset({"get", "first", "last", "exists", "count", "get_or_create", "update_or_create",
                           "aggregate", "latest", "earliest", "in_bulk"})
_DJANGO_WRITES = frozenset({"create", "update", "delete"})
_CURSOR_NAMES = frozenset({"cursor", "cur", "conn", "connection", "db", "pool"})
_ASYNCPG_READS = frozenset({"fetch", "fetchrow", "fetchval", "execute"})

# Kinds of entries on DatabaseRoundTripInLoop's stack.
_LOOP, _FUNCTION, _ITER, _RETRY = "loop", "function", "iter", "retry"


# BA-PERF-003 warnings about rows created one by one, left for the project pass that knows the save signals
DEFERRED_ROW_CREATES = "perf_row_creates"
_CREATES = frozenset({"create", "get_or_create", "update_or_create"})


def _created_model(call: ast.Call) -> str | None:
    """`Model.objects.create(...)`, `get_or_create`, `update_or_create`: the model class's name."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _CREATES and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "objects":
        owner = func.value.value
        return owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else None
    return None


class DatabaseRoundTripInLoop(AstCheck):
    RULE_ID = "BA-PERF-003"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # (kind, node, depth in ctx.parents, loop variable names), innermost last. Every `for` statement
        # and comprehension clause also pushes an _ITER entry: while its iterable is evaluated (once,
        # before the loop runs) the code is not inside that loop, nor inside any enclosing one.
        self.stack: list[tuple[str, ast.AST, int, set[str]]] = []
        # migrations run once by the operator, wherever alembic's revisions live (`revisions/tenant/versions/`)
        # A module named migrations.py holds the project's own migration steps (`async def m001_initial(db)`)
        self.note_only = "migrations/" in ctx.path or "management/commands" in ctx.path or \
            ctx.path.rsplit("/", 1)[-1] == "migrations.py" or \
            ("alembic/" in ctx.path and "/versions/" in ctx.path) or is_alembic_revision(ctx) or \
            is_alembic_env(ctx) or _one_off_script(ctx.path) or _parses_argv_on_import(ctx.tree, ctx.text)
        # names bound to HTTP sessions (`session = requests.Session()`): their get() is no query
        self.http_sessions: set[str] = set()
        # names bound to an embedded sqlite3 connection or its cursor: a statement is an in-process call
        self.embedded: set[str] = set()
        self._binding_index: dict[int, _Bindings] = {}
        self._loop_index: dict[tuple[str, int], Any] = {}

    def visit_Assign(self, node: ast.Assign) -> None:
        if isinstance(node.value, ast.Call) and (self.ctx.qualname(node.value.func) or "") in _HTTP_CLIENTS:
            self.http_sessions.update(n for t in node.targets if (n := receiver_name(t)))
        if self._embedded(node.value):
            self.embedded.update(n for t in node.targets if (n := receiver_name(t)))

    def _embedded(self, value: ast.AST) -> bool:
        """`sqlite3.connect(...)`, or `.cursor()` of a connection that is one."""
        if not isinstance(value, ast.Call):
            return False
        if (self.ctx.qualname(value.func) or "") == "sqlite3.connect":
            return True
        func = value.func
        return isinstance(func, ast.Attribute) and func.attr == "cursor" and \
            receiver_name(func.value) in self.embedded

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None and self._embedded(item.context_expr) and \
                    (name := receiver_name(item.optional_vars)):
                self.embedded.add(name)
            if isinstance(item.context_expr, ast.Call) and item.optional_vars is not None and \
                    (self.ctx.qualname(item.context_expr.func) or "") in _HTTP_CLIENTS:
                name = receiver_name(item.optional_vars)
                if name:
                    self.http_sessions.add(name)

    def _enum_class(self, node: ast.AST) -> bool:
        """`for reason in CaseResolutionReason:`: iterating a class (imported, or defined here) walks an
        enum's members, a set the program fixes, not the data."""
        if not isinstance(node, ast.Name) or not node.id[:1].isupper() or node.id.isupper():
            return False
        tree = self.ctx.tree
        if "peewee" in self.ctx.imports.get("peewee", "") or "import peewee" in self.ctx.text:
            return False  # a peewee model class iterates its table's rows
        return bool(self.ctx.imported(node.id)) or (tree is not None and any(
            isinstance(n, ast.ClassDef) and n.name == node.id for n in tree.body))

    def _class_list(self, node: ast.AST) -> bool:
        """`for model in (Order, Subscription, Checkout):`, or a name the module or the function binds once to
        such a literal: a loop over the program's own model classes, one statement per table, not per row."""
        if isinstance(node, ast.Name):
            func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
            values = self._bindings(func).assigned.get(node.id, []) if func is not None else []
            if not values and self.ctx.tree is not None:
                values = [st.value for st in self.ctx.tree.body if isinstance(st, (ast.Assign, ast.AnnAssign))
                          and st.value is not None and any(isinstance(t, ast.Name) and t.id == node.id for t in (
                              st.targets if isinstance(st, ast.Assign) else [st.target]))]
            node = values[0] if len(values) == 1 else None
        return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and bool(node.elts) and all(
            (dotted(e) or "").split(".")[-1][:1].isupper() and not (dotted(e) or "").split(".")[-1].isupper()
            for e in node.elts)

    def _class_constant(self, node: ast.AST) -> bool:
        """`for attr, (table, col) in self._join_table_map.items():` where the class body binds the attribute
        once to a literal display (`_join_table_map = {"mentions": (mentions_table, "person"), ...}`): a set the
        program writes down, the same handful of entries on every call."""
        node = _unwrap_iter(node)
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and
                node.value.id in ("self", "cls")):
            return False
        owner = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        if owner is None:
            return False
        values = [st.value for st in owner.body if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None
                  and any(isinstance(t, ast.Name) and t.id == node.attr
                          for t in (st.targets if isinstance(st, ast.Assign) else [st.target]))]
        return len(values) == 1 and isinstance(values[0], (ast.Dict, ast.List, ast.Tuple, ast.Set)) and \
            not any(isinstance(n, (ast.Call, ast.comprehension)) for n in ast.walk(values[0]))

    def _literal_local(self, node: ast.AST) -> bool:
        """A name the enclosing function binds, once, to a literal list or tuple of literals (`queries =
        [["size", "select ..."], ...]`): the program's own handful of different statements."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not isinstance(node, ast.Name):
            return False
        params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
        binds = self._bindings(func)
        values = binds.assigned.get(node.id, [])
        # an empty list filled later (`found = []; found.append(...)`) is data, not the program's constant
        return node.id not in params and node.id not in binds.grows and len(values) == 1 and \
            isinstance(values[0], (ast.List, ast.Tuple)) and bool(values[0].elts) and \
            all(_is_literal_data(e) for e in values[0].elts)

    def _bindings(self, func: ast.AST) -> "_Bindings":
        """What the function binds, indexed once per function: the checks above ask per loop and per call,
        and a hostile file may hold thousands of both in one function."""
        key = id(func)  # the tree outlives the walk, so ids stay unique
        if key not in self._binding_index:
            self._binding_index[key] = _Bindings(func)
        return self._binding_index[key]

    def _polls(self, loop: ast.While) -> bool:
        """A polling loop: it sleeps between passes or its test watches the clock (`while time.time() - start
        < timeout`). The repeated query waits for a change; it walks no collection."""
        clock = ("time.sleep", "asyncio.sleep", "time.time", "time.monotonic", "time.perf_counter")
        nodes = [*ast.walk(loop.test), *iter_nodes(loop.body)]
        return any(isinstance(n, ast.Call) and (self.ctx.qualname(n.func) or "") in clock for n in nodes)

    def _push(self, kind: str, node: ast.AST, names: set[str] = frozenset()) -> None:
        self.stack.append((kind, node, len(self.ctx.parents), names))

    # loops -----------------------------------------------------------------------------------
    def visit_For(self, node: ast.For) -> None:
        if not (_small_literal(node.iter) or _constant_collection(node.iter) or self._enum_class(node.iter) or
                self._class_list(node.iter) or
                self._literal_local(node.iter) or _exits_first_pass(node.body, node.iter)):
            self._push(_LOOP, node, _target_names([node.target]))
        self._push(_ITER, node)

    def leave_For(self, node: ast.For) -> None:
        self.stack.pop()  # the _ITER entry
        if self.stack and self.stack[-1][1] is node:
            self.stack.pop()

    def visit_While(self, node: ast.While) -> None:
        if not (_exits_first_pass(node.body, node.test) or self._polls(node)):
            self._push(_LOOP, node)
            if _retries(node):
                self._push(_RETRY, node)

    def leave_While(self, node: ast.While) -> None:
        while self.stack and self.stack[-1][1] is node:
            self.stack.pop()

    # Comprehensions: the loop starts at the comprehension node (its element is visited before the
    # `for` clauses); each clause's iterable is evaluated outside the loop.
    def visit_ListComp(self, node: ast.ListComp) -> None:
        first = node.generators[0].iter
        if not (_small_literal(first) or self._enum_class(first) or self._literal_local(first)):
            self._push(_LOOP, node, _target_names([g.target for g in node.generators]))

    def leave_ListComp(self, node: ast.ListComp) -> None:
        if self.stack and self.stack[-1][1] is node:
            self.stack.pop()

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp
    leave_SetComp = leave_DictComp = leave_GeneratorExp = leave_ListComp

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._push(_ITER, node)

    def leave_comprehension(self, node: ast.comprehension) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # A function defined inside a loop body is not run per iteration by definition.
        self._push(_FUNCTION, node)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stack.pop()

    def _in_loop(self, call: ast.Call) -> bool:
        parents = self.ctx.parents
        retry_test = None
        for kind, node, depth, _ in reversed(self.stack):
            # parents[depth] is the loop node; the next one down is the child we are in
            child = parents[depth + 1] if len(parents) > depth + 1 else call
            if kind == _RETRY:
                # the test of a retry loop runs until a fresh value passes (usually once), not per item
                retry_test = node if child is node.test else None
                continue
            if kind != _ITER:
                if node is retry_test:
                    continue
                return kind == _LOOP
            if child is node.iter:
                return False
        return False

    # calls -----------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Attribute) or not self.stack or not self._in_loop(node):
            return
        kind = self._round_trip(node)
        if kind is None:
            return
        sub, what = kind
        if self._factory_hook():
            return
        if self._runs_loop_statement(node) or \
                (sub == "read" or what.startswith("objects...")) and self._batched_per_pass(node) or \
                self._database_varies(node):
            return
        if sub == "read" and (self._probe(node) or _pages(self._statement_of(node))) or self._chunked(node):
            return
        if what.endswith("commit()") and (self._isolates_items(node) or self._on_error_path(node)):
            return
        if (sub == "write" or _dml(self._statement_of(node))) and self._records_failure(node):
            return
        if what.endswith(("commit()", "flush()")) and self._batch_commit(node):
            return
        if self._batch_fallback() or self._table_varies(node) or self._one_pass_only() or \
                self._leaves_after(node) or self._walks_chunks():
            return
        message = (f"{what} inside a loop: one database round-trip per iteration (N+1); fetch or write in one "
                   "batched query (in_(), __in, bulk_create, executemany, select_related)")
        level = "note" if self.note_only else None
        by_hand = run_by_hand(self.ctx) or \
            self._asks_terminal() and "a setup that asks its user at a terminal (input())"
        embedded = receiver_name(node.func.value) in self.embedded and \
            "an embedded sqlite3 database answers in-process, with no network round-trip per statement"
        why = self._incidental() or (by_hand and f"in {by_hand}, whose N+1 costs one operator's wait") or \
            embedded or self._skips_duplicates(node, what) or self._untraced(node, sub, what)
        if not why and level is None:
            why = self._size_untraced()
        if why:
            level, message = "note", f"{message}; {why}"
        self.report(node, message, level=level, properties={"sub": sub})
        model = _created_model(node)
        if level is None and model:
            # bulk_create sends no save signals: the project pass (perf_signals) lowers the finding when the
            # project listens to this model's
            self.ctx.findings[-1].properties["model"] = model
            self.ctx.facts.setdefault(DEFERRED_ROW_CREATES, []).append(self.ctx.findings.pop().to_dict())

    def _size_untraced(self) -> str | None:
        """Why a per-row round-trip is only a note: no loop of the function walks the rows of a table query or a
        request's list (it walks a parameter, one parent's children, a payload, a list the program builds), or the
        function is a background job. Asked once per innermost loop."""
        loops = []
        for kind, n, _, _ in reversed(self.stack):
            if kind == _FUNCTION:
                break
            if kind == _LOOP:
                loops.append(n)
        key = ("size", id(loops[0]) if loops else 0)
        if key not in self._loop_index:
            self._loop_index[key] = self._size_reason(loops)
        return self._loop_index[key]

    def _size_reason(self, loops: list[ast.AST]) -> str | None:
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if sample_data_module(self.ctx.path):
            return ("in a module that generates sample data (a development database's fixed catalogue): how many "
                    "rows it walks is the program's, not a user's")
        if background_job(func, self.ctx.path) or task_class(self.ctx.parents):
            return ("in a background job (a task function, a task class's method or a tasks module): no request waits on the loop, and how "
                    "many rows a run walks was not traced")
        binds = self._bindings(func) if func is not None else None
        params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]} \
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
        for loop in loops:
            source = loop.iter if isinstance(loop, (ast.For, ast.AsyncFor)) else \
                loop.generators[0].iter if getattr(loop, "generators", None) else None
            if source is not None and walked(source, lambda name: binds.assigned.get(name, []) if binds else [],
                                             params):
                return None
        return ("what the loop walks (a parameter, one parent's children, a payload, a list the program builds) was "
                "not traced to the rows of a table query or a request's list: whether it grows with the data was "
                "not traced")

    def _factory_hook(self) -> bool:
        """A factory_boy `@factory.post_generation` hook: it runs when a test (or a seed) builds an object, over
        what that caller passes (`UserFactory(groups=["admin"])`), not in a request or a job."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return func is not None and any(d.rsplit(".", 1)[-1] == "post_generation" for d in decorator_names(func))

    def _batch_fallback(self) -> bool:
        """The loop sits in the `except` of a `try` that wrote the whole batch (`bulk_create(rows)`): it saves
        the rows one by one only when the batch failed, to find and skip the bad ones. The batched path is the
        normal one."""
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        parents = self.ctx.parents
        index = next((i for i, p in enumerate(parents) if p is loop), None)
        if index is None:
            return False
        for i in range(index - 1, 0, -1):
            if isinstance(parents[i], _FUNCTION_NODES):
                return False
            if isinstance(parents[i], ast.ExceptHandler):
                return tries_batch_write(parents[i - 1])
        return False

    def _one_pass_only(self) -> bool:
        """`for param in PARAMS: if param == "bundle": query(...)`: the round-trip sits under a test of the loop
        variable against one constant, so it runs for one item of the walk, not for each."""
        loop, names = self._innermost_loop()
        if loop is None or not names:
            return False
        parents = self.ctx.parents
        index = next((i for i, p in enumerate(parents) if p is loop), None)
        if index is None:
            return False
        for i in range(index + 1, len(parents) - 1):
            branch = parents[i]
            if not isinstance(branch, ast.If) or not any(parents[i + 1] is st for st in branch.body):
                continue
            # `if param == "bundle" and value:` too: every operand of an `and` must hold
            tests = branch.test.values if isinstance(branch.test, ast.BoolOp) and \
                isinstance(branch.test.op, ast.And) else [branch.test]
            for test in tests:
                if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is)):
                    sides = (test.left, test.comparators[0])
                    if any(isinstance(a, ast.Name) and a.id in names for a in sides) and \
                            any(isinstance(b, ast.Constant) for b in sides):
                        return True
                    if _matches_one_key(sides, names):
                        return True
        return False

    def _leaves_after(self, call: ast.Call) -> bool:
        """`db.session.commit(); return jsonify(result), 502` inside the loop: a statement after the round-trip,
        in a block that holds it, leaves the function (`return`, `raise`), or the loop (`break`, when no other
        loop of the function encloses it). The round-trip runs at most once per call, not once per item. Not
        inside a `try` that catches its failure: the handler may go round again."""
        loop, _ = self._innermost_loop()
        parents = self.ctx.parents
        index = next((i for i in range(len(parents) - 1, -1, -1) if parents[i] is loop), None)
        if index is None:
            return False
        loops = 0
        for kind, _, _, _ in reversed(self.stack):
            if kind == _FUNCTION:
                break
            loops += kind == _LOOP
        exits = _EXITS if loops == 1 else (ast.Return, ast.Raise)
        for i in range(len(parents) - 1, index - 1, -1):
            child = parents[i + 1] if i + 1 < len(parents) else call
            if isinstance(parents[i], ast.Try) and parents[i].handlers and any(st is child for st in parents[i].body):
                return False  # a failed round-trip goes to the handler and the loop tries again (a retry)
            for field in ("body", "orelse", "finalbody"):
                stmts = getattr(parents[i], field, None)
                if i == index and field != "body" or not isinstance(stmts, list):
                    continue
                at = next((k for k, st in enumerate(stmts) if st is child), None)
                if at is not None and any(isinstance(st, exits) for st in stmts[at:]):
                    return True
        return False

    def _walks_chunks(self) -> bool:
        """`for start in range(0, total, size): batch = rows[start:start + size]`: each pass takes a slice
        that starts at the loop variable, so the loop walks chunks and each pass's round-trip is per chunk
        (the batching itself), not per row."""
        loop, names = self._innermost_loop()
        return isinstance(loop, ast.For) and bool(names & self._loop_facts(loop).chunk_starts)

    def _innermost_loop(self) -> tuple[ast.AST | None, set[str]]:
        return next(((n, names) for kind, n, _, names in reversed(self.stack) if kind == _LOOP), (None, set()))

    def _statement_names(self, call: ast.Call) -> set[str]:
        """The names the round-trip reads: in the call, and in what the function binds to a statement local
        it passes (`stmt = select(M).where(M.id == item.id); session.execute(stmt)`)."""
        names = {n.id for n in ast.walk(call) if isinstance(n, ast.Name)}
        first = call.args[0] if call.args else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if isinstance(first, ast.Name) and func is not None:
            for value in self._bindings(func).assigned.get(first.id, [])[:8]:
                names.update(n.id for n in ast.walk(value) if isinstance(n, ast.Name))
        return names

    def _table_varies(self, call: ast.Call) -> bool:
        """`for model in attached_models: session.execute(delete(model).where(...))`: the statement's table is
        the loop variable, a different table each pass: one set-based statement per table, nothing to batch."""
        loop, names = self._innermost_loop()
        if loop is None or not names:
            return False
        stmts = [call]
        first = call.args[0] if call.args else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if isinstance(first, ast.Name) and func is not None:
            stmts += self._bindings(func).assigned.get(first.id, [])[:8]
        return any(isinstance(n, ast.Call) and (dotted(n.func) or "").split(".")[-1] in _STATEMENTS and n.args and
                   isinstance(n.args[0], ast.Name) and n.args[0].id in names for st in stmts for n in ast.walk(st))

    def _untraced(self, call: ast.Call, sub: str, what: str) -> str | None:
        """Why a round-trip in a loop is only a note: the shape carries no positive evidence of one query per
        row that a batched one would replace. Warnings keep the shapes that do: a read keyed on what the loop
        walks, a row created per pass, a save() of fields the pass sets."""
        loop, names = self._innermost_loop()
        if loop is None:
            return None
        facts = self._loop_facts(loop)
        if isinstance(loop, ast.While):
            return ("a while loop walks no collection the check can see: whether each pass reads a page, a chunk "
                    "or a retry was not traced")
        if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Call) and \
                (dotted(loop.iter.func) or "") == "range" and not names & facts.loaded:
            return ("the loop repeats a bounded number of attempts (its counter is unused): a retry, not a walk "
                    "over rows")
        if sub == "write" and isinstance(loop, ast.For) and self._set_difference(loop.iter):
            # a read keyed on each member stays: one `IN` query would replace it whatever the delta's size
            return ("the loop writes the difference between a stored set and a wanted one (the members one change "
                    "adds or removes, as a sync computes them): its size is the change's, and whether it grows "
                    "with the data was not traced")
        if what.endswith("flush()"):
            return ("a flush sends the pass's pending writes, often so the next rows can use a generated id; "
                    "whether they could be batched was not traced")
        if what.endswith(".save()") and self._in_post_save_handler():
            return ("each save() fires this post_save handler again for the saved row (a cascade down a tree, "
                    "on purpose): a queryset update() would skip the signal; whether the tree is large was not "
                    "traced")
        if sub == "write" and what.endswith(".save()") and what[:-len(".save()")] not in facts.attrs_set:
            # fields the pass sets are the evidence a bulk update covers it; without them, a method that changes
            # the object (not a question it asks: is_valid(), has_changed(), full_clean()) made the state saved
            receiver = what[:-len(".save()")]
            others = sorted(m for m in facts.methods.get(receiver, set()) if m != "save" and not m.startswith(_ASKS))
            if others:
                return (f"the state saved is changed through the object's own methods ({receiver}.{others[0]}()): "
                        "whether one bulk update covers it was not traced")
            if receiver in names and not facts.attrs_set and receiver not in facts.member_calls and \
                    not facts.methods.get(receiver, set()) - {"save"}:
                # blind set R: `for ip in ...: ip.save()` on purpose, so the model's save() re-derives each row
                # (which network it falls in): the pass changes nothing a bulk update could write (a form's
                # save() after is_valid() writes what the form bound: not this)
                return (f"the pass sets no field of {receiver} before save(): it runs for what the model's own "
                        "save() does with each row, which a bulk update would skip; whether that could be batched "
                        "was not traced")
        if sub == "write" and what in ("objects...update()", "objects...delete()") and \
                not self._statement_names(call) & (names | facts.bound | facts.unpacked):
            return ("the same set-based statement every pass (it uses nothing the loop walks): repeated, not one "
                    "round-trip per row; whether it belongs outside the loop was not traced")
        if any(isinstance(n, ast.For) and self._per_option_key(call, n)
               for kind, n, _, _ in self.stack if kind == _LOOP):
            return ("one row per option name of a key-value table (the statement is keyed on `key == <the loop's "
                    "key>`): the names one object's settings carry; whether they grow with the data was not traced")
        if sub == "read":
            per_pass = names | facts.bound
            used = self._statement_names(call)
            if not used & per_pass:
                if facts.writes:
                    return ("the same statement every pass, in a loop that writes: a re-read of rows the loop "
                            "changes was not told from a hoistable one")
            elif not used & (per_pass - (facts.carried - names)):
                return "each pass's lookup builds on the previous pass's value (a path walked segment by segment)"
            elif chained := sorted(n for n in used & facts.bound - names
                                   if min(facts.assigned_at.get(n, [0])) > call.end_lineno):
                return (f"each pass's lookup reads `{chained[0]}`, which the pass re-binds only after it (from "
                        "what it found): a chain walked step by step, as a path segment by segment, where each "
                        "query needs the previous one's answer; whether one recursive query would do was not traced")
        return None

    def _asks_terminal(self) -> bool:
        """The enclosing function prompts a person (`input()`, `getpass()`): an interactive setup step."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return func is not None and self._bindings(func).asks_terminal

    def _in_post_save_handler(self) -> bool:
        """The enclosing function is a `@receiver(post_save, ...)` handler."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return func is not None and any(
            isinstance(d, ast.Call) and (dotted(d.func) or "").split(".")[-1] == "receiver" and d.args and
            (dotted(d.args[0]) or "").split(".")[-1] == "post_save" for d in func.decorator_list)

    def _per_option_key(self, call: ast.Call, loop: ast.For) -> bool:
        """`for key, value in options.items(): ...filter_by(owner_id=oid, Key=key)` (or `Option.key == key`):
        the loop walks the option names of one owner in a key-value settings table, a row per name."""
        # the same for every call in the loop: asked once per loop, as a hostile file may hold thousands
        cache = ("option-key", id(loop))
        if cache not in self._loop_index:
            self._loop_index[cache] = _mapping_key(loop)
        key = self._loop_index[cache]
        if key is None:
            return False
        stmts: list[ast.AST] = [call]
        first = call.args[0] if call.args else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if isinstance(first, ast.Name) and func is not None:
            stmts += self._bindings(func).assigned.get(first.id, [])[:8]
        for st in stmts:
            for n in ast.walk(st):
                if isinstance(n, ast.keyword) and (n.arg or "").lower() == "key" and \
                        isinstance(n.value, ast.Name) and n.value.id == key:
                    return True
                if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ast.Eq) and \
                        isinstance(n.left, ast.Attribute) and n.left.attr.lower() == "key" and \
                        isinstance(n.comparators[0], ast.Name) and n.comparators[0].id == key:
                    return True
        return False

    def _incidental(self) -> str | None:
        """Why the round-trips are worth a note: a loop over a fixture (data the application ships, installed
        once by a setup command: its size is the program's), or a loop whose every pass moves a file in
        storage (the file I/O is the work; the one UPDATE recording each new name is incidental)."""
        loops = [(n, names) for kind, n, _, names in self.stack if kind == _LOOP]
        # the same for every call in one loop (the enclosing loops are the same): asked once per loop, as a
        # hostile file may hold thousands of queries in one loop body
        key = ("incidental", id(loops[-1][0]) if loops else 0)
        if key not in self._loop_index:
            self._loop_index[key] = self._incidental_reason(loops)
        return self._loop_index[key]

    def _incidental_reason(self, loops: list) -> str | None:
        if any(isinstance(n, ast.For) and _FIXTURE.search(dotted(_iter_root(n.iter)) or "") for n, _ in loops):
            return "the loop walks a fixture the application ships, installed once (a fixed, small set)"
        if any(isinstance(n, ast.For) and _walks_model_registry(n.iter) for n, _ in loops):
            return "the loop walks the program's own model classes (the app registry): a fixed, small set"
        loop = loops[-1][0] if loops else None
        if isinstance(loop, ast.For) and self._one_submission(loop.iter):
            return ("the loop walks what one form submission carries (a form's cleaned_data: the values, or the "
                    "rows of a file, a person typed or uploaded; the fields a form declares; a formset's "
                    "instances): its size is one submission's, and whether it grows with the data was not traced")
        # what the loop walks: a `for`'s iterable, or a comprehension's first clause
        source = loop.iter if isinstance(loop, ast.For) else \
            loop.generators[0].iter if getattr(loop, "generators", None) else None
        if source is not None and (_constant_collection(_unwrap_iter(source)) or self._class_constant(source)):
            return ("the loop walks a constant the program defines (sorted, enumerated or viewed: "
                    "`sorted(settings.SIZES)`, a class's literal map): its size is the program's, not the data's")
        if source is not None and (bound := self._constant_bound(source)):
            return (f"the loop walks at most {bound} items (a constant slice, limit or range of what it reads): "
                    "a bounded handful, not a walk over a table")
        if isinstance(loop, ast.For) and self._one_m2m_change(loop.iter):
            return ("the loop walks the primary keys of one many-to-many change (an m2m_changed handler's "
                    "pk_set: the rows one edit added or removed), not a table")
        body = getattr(loop, "body", None)  # a comprehension's element is no statement list
        if isinstance(body, list) and any(isinstance(n, ast.Call) and _moves_file(n) for n in iter_nodes(body)):
            return "each pass moves a file in storage, and the file I/O is the work"
        if isinstance(loop, ast.For) and self._ordered_shift(loop):
            return ("each row's position is shifted in the order the rows are walked, as a unique (position, "
                    "parent) constraint needs; one UPDATE position+1 could break it mid-statement")
        return None

    def _one_submission(self, source: ast.AST) -> bool:
        """The loop's collection comes, through the function's own bindings, from a Django form's validated
        input (`form.cleaned_data.get("groups_csv")` read and split into rows, a typed tag list) or is a formset's
        unsaved instances (`formset.save(commit=False)`): what one person submitted in one form."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        binds = self._bindings(func) if func is not None else None
        if self._form_fields(source, binds) or _unsaved_instances(source) or isinstance(source, ast.Name) and \
                binds is not None and len(vals := binds.assigned.get(source.id, [])) == 1 and _unsaved_instances(vals[0]):
            return True
        todo, seen, found = [source], set(), False
        while todo and len(seen) < 12:
            node = todo.pop()
            for n in _walk_to_form_data(node):
                if isinstance(n, ast.Attribute) and n.attr in _ROWS_QUERY:
                    # rows the submission selects from a table (`Device.objects.filter(pk__in=picked)`): a bulk
                    # action over as many rows as the person ticked, the N+1 the rule is for
                    return False
                if isinstance(n, ast.Attribute) and n.attr == "cleaned_data":
                    found = True
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "save" and \
                        "formset" in (dotted(n.func.value) or "").lower() and any(
                            k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
                            for k in n.keywords):
                    found = True
                if isinstance(n, ast.Name) and binds is not None and n.id not in seen:
                    seen.add(n.id)
                    todo.extend(binds.assigned.get(n.id, ())[:3])
        return found

    def _form_fields(self, source: ast.AST, binds: "_Bindings | None") -> bool:
        """`for name in form.agreements.keys():`, `for field in form.fields:`: a set the form's class declares,
        walked on one submission. The form is a name bound to a `...Form(...)` call, or one called `form`."""
        root = _iter_root(source)
        if not isinstance(root, ast.Attribute) or not isinstance(root.value, ast.Name) or \
                root.attr in _ROWS_QUERY or root.attr == "instance":
            return False
        name = root.value.id
        if name == "form" or name.endswith("_form"):
            return True
        values = binds.assigned.get(name, []) if binds is not None else []
        return bool(values) and all(isinstance(v, ast.Call) and (dotted(v.func) or "").endswith("Form")
                                    for v in values)

    def _constant_bound(self, source: ast.AST) -> int | None:
        """At most how many items the loop's collection holds, when the code caps it with constants: `qs[:20]`,
        `.limit(20)`, a range of a sorted set or list (`redis.zrange(key, 0, 20)`), read through a local bound
        once. None when uncapped, or capped above _FEW."""
        if isinstance(source, ast.Name):
            func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
            values = self._bindings(func).assigned.get(source.id, []) if func is not None else []
            if len(values) != 1:
                return None
            source = values[0]
        bound = _cap(_unwrap_iter(source))
        return bound if bound is not None and bound <= _FEW else None

    def _one_m2m_change(self, source: ast.AST) -> bool:
        """`for pk in pk_set:` where pk_set is the handler's parameter: Django's m2m_changed signal passes the
        primary keys one change added or removed under that name."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return isinstance(source, ast.Name) and source.id == "pk_set" and func is not None and any(
            a.arg == "pk_set" for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs])

    def _set_difference(self, source: ast.AST) -> bool:
        """`for uid in removed_ids:` with `removed_ids = list(set(current).difference(wanted))` (or `set(a) -
        set(b)`), read directly or through the function's one binding of the name."""
        source = _unwrap_iter(source)
        if isinstance(source, ast.Name):
            func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
            values = self._bindings(func).assigned.get(source.id, []) if func is not None else []
            if len(values) != 1:
                return False
            source = _unwrap_iter(values[0])
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and \
                source.func.attr == "difference" and source.args:
            return _a_set(source.func.value)
        return isinstance(source, ast.BinOp) and isinstance(source.op, ast.Sub) and \
            (_a_set(source.left) or _a_set(source.right))

    def _ordered_shift(self, loop: ast.For) -> bool:
        """`for item in items.order_by("-order"): item.order += 1; item.save()`: the pass shifts the very field
        the rows are walked by, by one. The order only matters when the values must stay distinct at every
        step (a unique constraint over the position), which a single set-based UPDATE may break."""
        if not isinstance(loop.target, ast.Name):
            return False
        shifted = {n.target.attr for n in loop.body if isinstance(n, ast.AugAssign) and
                   isinstance(n.target, ast.Attribute) and isinstance(n.target.value, ast.Name) and
                   n.target.value.id == loop.target.id and isinstance(n.value, ast.Constant) and n.value.value == 1}
        if not shifted:
            return False
        source = loop.iter
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        chains = [source]
        if isinstance(source, ast.Name) and func is not None:
            chains += self._bindings(func).assigned.get(source.id, [])
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "order_by" and
                   any(isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.lstrip("-") in shifted
                       for a in n.args) for chain in chains for n in ast.walk(chain))

    def _round_trip(self, node: ast.Call) -> tuple[str, str] | None:
        func = node.func
        method = func.attr
        parts = dotted_parts(func.value)
        receiver = parts[-1] if parts else None
        # SQLAlchemy session reads/writes (an HTTP session's get/send is no database call)
        if (receiver in _SESSION_NAMES or (parts and parts[-2:] == ["db", "session"])) and \
                receiver not in self.http_sessions and not self._http_only_module() and \
                not (len(parts) == 1 and self._not_a_session(receiver)):
            if _is_ddl(node) or _executemany(node) or _admin_statement(self._statement_of(node)):
                return None
            if method in _SA_READS and method != "query":
                return "read", f"session.{method}()"
            if method in ("commit", "flush"):
                return "write", f"session.{method}()"
        # session.query(M)...first()
        if method in _QUERY_TERMINALS and _chain_has(func.value, "query", _SESSION_NAMES):
            return "read", f"query(...).{method}()"
        # Django: Model.objects.get(...), Model.objects.filter(...).first(); not `model.objects` on a variable
        # holding a different model class each time round (that loop cannot be batched into one query)
        if _chain_has_attr(func.value, "objects") and not self._model_varies(func.value):
            if method in _DJANGO_READS:
                return "read", f"objects...{method}()"
            if method in _DJANGO_WRITES:
                return "write", f"objects...{method}()"
        # obj.save() on the loop variable
        if method == "save" and not node.args and not node.keywords and receiver and \
                any(receiver in names for kind, _, _, names in self.stack if kind == _LOOP):
            return "write", f"{receiver}.save()"
        # DB-API cursor / asyncpg connection
        if receiver in _CURSOR_NAMES and method in _ASYNCPG_READS | {"executescript"} and \
                not (_is_ddl(node) or _executemany(node) or _admin_statement(self._statement_of(node))):
            return "read", f"{receiver}.{method}()"
        return None


    def _statement_of(self, call: ast.Call) -> ast.Call:
        """The call with a statement held in a local (`stmt = text("SET search_path ..."); execute(stmt)`)
        read through that local's single assignment in the enclosing function."""
        first = call.args[0] if call.args else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if not isinstance(first, ast.Name) or func is None:
            return call
        values = self._bindings(func).assigned.get(first.id, [])
        if len(values) != 1:
            return call
        return ast.Call(func=call.func, args=[values[0], *call.args[1:]], keywords=call.keywords)

    def _runs_loop_statement(self, call: ast.Call) -> bool:
        """`for stmt in split_sql_statements(query): cursor.execute(stmt)`: the statement itself is what the
        loop walks, a different one each pass, and executemany batches one statement only."""
        first = call.args[0] if call.args else None
        if not isinstance(first, ast.Name) or not isinstance(call.func, ast.Attribute) or \
                call.func.attr not in ("execute", "executescript"):
            return False
        names = next((names for kind, _, _, names in reversed(self.stack) if kind == _LOOP), set())
        return first.id in names

    def _database_varies(self, call: ast.Call) -> bool:
        """`with session_scope(schema_engine) as db_session:` inside the loop, where `schema_engine` is built
        in this pass (one tenant schema each): every pass talks to a different database, so there is no
        single query to batch them into. A session opened the same way each pass stays."""
        receiver = _chain_root(call.func)
        loop, names = next(((n, names) for kind, n, _, names in reversed(self.stack) if kind == _LOOP), (None, set()))
        if receiver is None or loop is None:
            return False
        per_pass = set(names) | self._loop_bound(loop)
        opened = self._loop_sessions(loop).get(receiver)
        if opened is not None and any(isinstance(n, ast.Name) and n.id in per_pass for n in ast.walk(opened)):
            return True
        # `with schema_context(tenant.schema_name):` (django-tenants), `with tenant_context(tenant):`: the block
        # switches the connection to the pass's own schema, whatever the receiver
        for parent in reversed(self.ctx.parents):
            if parent is loop:
                return False
            if isinstance(parent, (ast.With, ast.AsyncWith)) and any(
                    isinstance(item.context_expr, ast.Call) and
                    _SCHEMA_SWITCH.search((dotted(item.context_expr.func) or "").rsplit(".", 1)[-1]) and
                    any(isinstance(n, ast.Name) and n.id in per_pass for n in ast.walk(item.context_expr))
                    for item in parent.items):
                return True
        return False

    def _loop_bound(self, loop: ast.AST) -> set[str]:
        return self._loop_facts(loop).bound

    def _loop_facts(self, loop: ast.AST) -> "_LoopFacts":
        key = ("facts", id(loop))
        if key not in self._loop_index:
            self._loop_index[key] = _LoopFacts(loop)
        return self._loop_index[key]

    def _loop_sessions(self, loop: ast.AST) -> dict[str, ast.expr]:
        """`with <expr> as <name>` inside the loop body: name -> the expression that opened it."""
        key = ("with", id(loop))
        if key not in self._loop_index:
            opened: dict[str, ast.expr] = {}
            for node in iter_nodes(getattr(loop, "body", [])):
                if isinstance(node, (ast.With, ast.AsyncWith)):
                    for item in node.items:
                        name = receiver_name(item.optional_vars) if item.optional_vars is not None else None
                        if name:
                            opened.setdefault(name, item.context_expr)
            self._loop_index[key] = opened
        return self._loop_index[key]

    def _batched_per_pass(self, call: ast.Call) -> bool:
        """`query(Term).filter(Term.text.in_([t.upper() for t in terms])).all()` where `terms` is extracted in
        this pass (from one document's text), `filter(id__in=item.ids)`: the query already fetches the pass's
        whole set in one round-trip, and the sets differ from pass to pass, so no single query hoists it. An
        `in_()` of a set fixed before the loop is the same query repeated and stays."""
        loop, names = next(((n, names) for kind, n, _, names in reversed(self.stack) if kind == _LOOP), (None, set()))
        if loop is None:
            return False
        per_pass = set(names) | self._loop_bound(loop)
        grown = self._grown()
        if _carries_pass_set(self._statement_of(call), per_pass, grown):
            return True
        # `stmt = insert(t).values(rows)` or, to upsert, `stmt = pg.on_conflict_do_update(...)` with `pg =
        # insert(t).values(rows)`: every statement the local may hold carries the pass's rows
        values = self._statements_held(call)
        return bool(values) and all(any(_carries_pass_set(ast.Call(func=call.func, args=[v], keywords=[]), per_pass,
                                                          grown) for v in value) for value in values)

    def _statements_held(self, call: ast.Call) -> list[list[ast.expr]]:
        """Per binding of the statement local the call passes, that value and, one step back, the values of
        the local its chain starts from (`pg_stmt.on_conflict_do_nothing()` -> `insert(t).values(rows)`)."""
        first = call.args[0] if call.args else None
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if not isinstance(first, ast.Name) or func is None:
            return []
        assigned = self._bindings(func).assigned
        out = []
        for value in assigned.get(first.id, [])[:8]:
            root = _chain_root(value)
            out.append([value, *(assigned.get(root, [])[:8] if root and root != first.id else [])])
        return out

    def _grown(self) -> set[str]:
        """Names the function binds to a list literal and fills (`batch = []; batch.append(row)`)."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return set()
        binds = self._bindings(func)
        return {name for name in binds.grows if any(isinstance(v, ast.List) for v in binds.assigned.get(name, ()))}

    def _batch_commit(self, call: ast.Call) -> bool:
        """A commit or flush that closes a batch: in a loop whose pass writes or reads its whole set in one
        statement (`update(...).where(id.in_(batch))`, `insert(M).values(chunk)`), or under a test that
        counts rows to a batch size (`if processed >= BATCH_SIZE:`, `if i % 500 == 0:`)."""
        loop, names = next(((n, names) for kind, n, _, names in reversed(self.stack) if kind == _LOOP), (None, set()))
        if loop is None:
            return False
        for parent in reversed(self.ctx.parents):
            if parent is loop:
                break
            if isinstance(parent, ast.If) and _counts_to_batch(parent.test):
                return True
        return self._writes_batches(loop, names)

    def _writes_batches(self, loop: ast.AST, names: set[str]) -> bool:
        """The loop's pass writes its whole set in one statement (`insert(M).values(chunk)`,
        `filter(pk__in=pks).delete()` of the pass's slice)."""
        # the same for every call of one loop: asked once per loop, as a hostile file may hold thousands
        key = ("batch-write", id(loop))
        if key not in self._loop_index:
            per_pass = set(names) | self._loop_bound(loop)
            grown = self._grown()
            self._loop_index[key] = any(
                isinstance(n, ast.Call) and _writes_batch(n) and _carries_pass_set(n, per_pass, grown)
                for n in iter_nodes(getattr(loop, "body", []), skip=_FUNCTION_NODES))
        return self._loop_index[key]

    def _probe(self, call: ast.Call) -> bool:
        """`while True: if not Model.objects.filter(slug=s).exists(): return s`: the query decides whether
        the innermost `while` loop ends, so it draws candidates until one is free (a uniqueness probe). The
        answer may go through a local first (`n = session.execute(count).scalar_one(); if n == 0: break`) when
        the query is keyed on a candidate the body draws."""
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        if not isinstance(loop, ast.While):
            return False
        held: set[str] = set()
        for parent in reversed(self.ctx.parents):
            if parent is loop:
                break
            if isinstance(parent, ast.If) and any(n is call for n in ast.walk(parent.test)):
                return _exits(parent.body)
            if isinstance(parent, ast.Assign) and parent in loop.body:
                held = {t.id for t in parent.targets if isinstance(t, ast.Name)}
        # a probe tries a candidate the body draws afresh (`serial = gen()`); a loop that fetches the next row
        # until none is left (`task = ...limit(1).first(); if task is None: break`) is a drain, one query per row
        if not held or not self._statement_names(call) & self._loop_facts(loop).bound:
            return False
        return any(isinstance(st, ast.If) and _exits(st.body) and any(
            isinstance(n, ast.Name) and n.id in held for n in ast.walk(st.test)) for st in loop.body)

    def _chunked(self, call: ast.Call) -> bool:
        """A `while` loop whose passes are chunks or pages, as the code shows: a pass writes its whole slice in
        one statement (`pks = qs.values_list("pk")[:200]; filter(pk__in=pks).delete()`), the loop ends when
        a pass touched fewer rows than a chunk (`if result.rowcount < limit: return`), or the statement reads
        a page (`.limit(BATCH)`, not `.limit(1)`: that one draws a single row per pass)."""
        loop, names = self._innermost_loop()
        if not isinstance(loop, ast.While):
            return False
        facts = self._loop_facts(loop)
        if facts.exits_on_size or facts.pages or self._writes_batches(loop, names):
            return True
        return any(_reads_page(v) for value in [[call], *self._statements_held(call)] for v in value)

    def _isolates_items(self, call: ast.Call) -> bool:
        """A commit in the `try` of a per-item `try/except` that catches everything and goes on: each item is
        committed on its own on purpose, so one failure does not undo or stop the others. Not a flush: it
        isolates nothing, the next rollback undoes every item since the last commit."""
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        for parent in reversed(self.ctx.parents):
            if parent is loop:
                return False
            if isinstance(parent, ast.Try) and any(n is call for st in parent.body for n in ast.walk(st)):
                return any(_broad(h) and not any(isinstance(n, ast.Raise) for n in iter_nodes(h.body))
                           for h in parent.handlers)
        return False

    def _on_error_path(self, call: ast.Call) -> bool:
        """A commit inside an `except` body of the loop (`except Exception: query.schedule["disabled"] = True;
        db.session.commit()`): it runs once per failing item, to persist the failure, not once per row."""
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        for parent in reversed(self.ctx.parents):
            if parent is loop:
                return False
            if isinstance(parent, ast.ExceptHandler):
                return True
        return False

    def _records_failure(self, call: ast.Call) -> bool:
        """A write in an `except` of the loop, beside an error or warning logged in the same block (`except
        PolicyError: Schedule.objects.filter(pk=s.pk).update(repeats=0); logger.error(...)`): it records one
        item's failure, once per failing item, not once per row. A handler that logs nothing beside the write
        is the other arm of a branch (`except ValueError:` "then it is a new author"), and a lookup miss
        (`except Group.DoesNotExist: create(...)`) is the ordinary path of a get-or-create: both stay."""
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        block: list[ast.stmt] | None = None
        parents = self.ctx.parents
        for i in range(len(parents) - 1, -1, -1):
            parent = parents[i]
            if parent is loop or isinstance(parent, _FUNCTION_NODES):
                return False
            child = parents[i + 1] if i + 1 < len(parents) else call
            for field in ("body", "orelse"):
                stmts = getattr(parent, field, None)
                if block is None and isinstance(stmts, list) and any(st is child for st in stmts):
                    block = stmts
            if isinstance(parent, ast.ExceptHandler):
                kinds = parent.type.elts if isinstance(parent.type, ast.Tuple) else [parent.type]
                if parent.type is None or any(_LOOKUP_MISS.search(dotted(k) or "") for k in kinds):
                    return False
                # the log beside the write, or at the top of the handler whose branch holds it (`logger.error(...)`
                # then `if placeholder_id is not None: session.execute(delete(...))`)
                return block is not None and any(isinstance(n, ast.Call) and
                                                 logger_method(n, self.ctx) in _FAILURE_LOGS
                                                 for st in block for n in iter_nodes(st)) or \
                    any(isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and
                        logger_method(st.value, self.ctx) in _FAILURE_LOGS for st in parent.body)
        return False

    def _skips_duplicates(self, call: ast.Call, what: str) -> str | None:
        """A commit per item in a `try` whose `except IntegrityError:` rolls back: each item is committed alone
        so a duplicate row (a UNIQUE conflict) undoes only itself. Real round-trips, but chosen per item; an
        insert-or-ignore batch would do, which the check does not trace."""
        if not what.endswith("commit()"):
            return None
        loop = next((n for kind, n, _, _ in reversed(self.stack) if kind == _LOOP), None)
        for parent in reversed(self.ctx.parents):
            if parent is loop or isinstance(parent, _FUNCTION_NODES):
                return None
            if isinstance(parent, ast.Try) and any(n is call for st in parent.body for n in ast.walk(st)):
                if any(h.type is not None and any((dotted(t) or "").endswith("IntegrityError") for t in (
                        h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])) and any(
                        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "rollback"
                        for n in iter_nodes(h.body)) for h in parent.handlers):
                    return ("each item is committed alone so that a duplicate (IntegrityError, rolled back) undoes "
                            "only itself: whether an insert-or-ignore batch would do was not traced")
                return None
        return None

    def _not_a_session(self, name: str) -> bool:
        """A receiver the enclosing function binds as data: a loop variable, a dict/`json.loads()` value, or a
        parameter annotated `dict`/`Mapping`; its `.get()` is a lookup, not `session.get()`."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
            if arg.arg == name and arg.annotation is not None:
                head = arg.annotation.value if isinstance(arg.annotation, ast.Subscript) else arg.annotation
                return (dotted(head) or "").split(".")[-1] in ("dict", "Dict", "Mapping", "MutableMapping")
        binds = self._bindings(func)
        if name in binds.loop_targets:
            return True
        return any(isinstance(value, (ast.Dict, ast.DictComp)) or (isinstance(value, ast.Call) and (
            self.ctx.qualname(value.func) or "") in ("builtins.dict", "json.loads", "json.load"))
            for value in binds.assigned.get(name, []))

    def _model_varies(self, node: ast.AST) -> bool:
        """`model.objects` where `model` is a loop variable or is bound inside the loop (`for ot in types:
        model = ot.model_class()`): a different model class, a different table, on each pass."""
        while isinstance(node, (ast.Call, ast.Attribute)):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                parts = dotted_parts(node.value)
                if not parts or len(parts) != 1 or not parts[0][:1].islower():
                    return False
                name = parts[0]
                # the innermost loop decides: a model fixed while it runs is one table, batchable there
                loop, names = next(((n, names) for kind, n, _, names in reversed(self.stack) if kind == _LOOP),
                                   (None, set()))
                return loop is not None and (name in names or name in self._loop_bound(loop))
            node = node.func if isinstance(node, ast.Call) else node.value
        return False

    def _http_only_module(self) -> bool:
        """A module that imports an HTTP client and no database layer: its `session` is an HTTP one."""
        roots = {v.split(".")[0] for v in self.ctx.imports.values()}
        return bool(roots & _HTTP_ROOTS) and not roots & _DB_ROOTS


_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# developer tools whose plugins a project keeps in its repository (a gitlint rule run by the commit-msg hook, a
# pylint checker, a Sphinx extension): their code runs in that tool on a developer's machine or in CI
_DEVELOPER_TOOLS = frozenset({"gitlint", "pylint", "astroid", "flake8", "sphinx", "mkdocs", "pre_commit",
                              "commitizen"})
_FAILURE_LOGS = frozenset({"error", "exception", "warning", "warn", "critical", "fatal"})
# exceptions that answer "not there" (or "more than one"): the arm that handles them is a lookup's other path
_LOOKUP_MISS = re.compile(r"(DoesNotExist|NotFound|NoResultFound|MultipleObjectsReturned|MultipleResultsFound|"
                          r"KeyError|LookupError|IndexError)$")
_STATEMENTS = frozenset({"select", "update", "delete", "insert"})
_SCHEMA_SWITCH = re.compile(r"(?i)schema|tenant|shard")
_ASKS = ("is_", "has_", "get_", "can_", "clean", "full_clean", "validate")
_FIXTURE = re.compile(r"(?i)(^|[._])fixtures?($|[._])")
_FILE_MOVES = frozenset({"shutil.move", "os.rename", "os.replace"})


_PAGE = re.compile(r"(?is)\bLIMIT\b.+\bOFFSET\b|\bOFFSET\b.+\bFETCH\b")


def _a_set(node: ast.AST) -> bool:
    """`set(x)`, `frozenset(x)`, a set display or comprehension: an operand that makes `-` a set difference."""
    return isinstance(node, (ast.Set, ast.SetComp)) or isinstance(node, ast.Call) and \
        isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset")


def _unsaved_instances(node: ast.AST) -> bool:
    """`self.contacts.save(commit=False)` walked as a collection: a ModelForm's save() returns one instance, so
    what is iterated is a formset's unsaved rows, whatever the formset is called."""
    node = _unwrap_iter(node)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save" and \
        any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords)


def _one_off_script(path: str) -> bool:
    """A module under a `scripts/` folder: a maintainer's one-off run (a backfill, a data fix), whose N+1
    costs one operator's wait, not every request's."""
    return any(part in ("scripts", "script") for part in path.split("/")[:-1])


def _mapping_key(loop: ast.For) -> str | None:
    """The loop variable holding a mapping's name, when the loop walks a mapping by its names: as (name, value)
    pairs, or name by name reading `options[key]` in the body. `for key in groups:` alone may walk any rows."""
    if isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Attribute) and \
            loop.iter.func.attr == "items" and isinstance(loop.target, ast.Tuple) and \
            len(loop.target.elts) == 2 and isinstance(loop.target.elts[0], ast.Name):
        return loop.target.elts[0].id
    if isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name) and any(
            isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == loop.iter.id and
            isinstance(n.slice, ast.Name) and n.slice.id == loop.target.id for n in iter_nodes(loop.body)):
        return loop.target.id
    return None


_ARGV_MEMO: list = [None, False]  # [tree, its answer]: asked per call by BA-PERF-002, the same per module


def _parses_argv_on_import(tree: ast.AST | None, text: str = "") -> bool:
    """`args = parser.parse_args()` or `platform = sys.argv[1]` in the module body, outside any function and
    `__main__` guard: the module reads the command line as it is imported, so it is a program a person runs,
    never a module a server imports. `text`, the module's source when known: without `argv` or `parse_` in
    it neither can be read, and the walk of every module-level statement is skipped (a 480 KB data table
    is one statement of 39,000 nodes)."""
    if tree is None:
        return False
    if _ARGV_MEMO[0] is not tree:
        _ARGV_MEMO[:] = [tree, _may_read_argv(text) and any(_reads_argv(st) for st in getattr(tree, "body", []))]
    return _ARGV_MEMO[1]


def _may_read_argv(text: str) -> bool:
    """Whether the source spells `argv` or `parse_` (unknown source: yes). Searched in the UTF-8 bytes when
    the text is not ASCII: substring search in a wide string is slow on a large data module."""
    if not text:
        return True
    data: Any = text if text.isascii() else text.encode("utf-8", "surrogatepass")
    return any(word in data for word in ((b"argv", b"parse_") if isinstance(data, bytes) else ("argv", "parse_")))


def _reads_argv(st: ast.stmt) -> bool:
    if isinstance(st, (ast.Assign, ast.Expr)) and isinstance(st.value, ast.Call) and \
            isinstance(st.value.func, ast.Attribute) and st.value.func.attr in ("parse_args", "parse_known_args"):
        return True
    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)) or \
            isinstance(st, ast.If) and is_main_guard(st):
        return False
    # positional arguments read (`sys.argv[1]`, `len(sys.argv)`); a settings module's `"test" in sys.argv`
    # asks how the server was started and is no sign of a script
    return any((isinstance(n, ast.Subscript) and _is_argv(n.value)) or (
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and n.args and
        _is_argv(n.args[0])) for n in iter_nodes([st], skip=_FUNCTION_NODES))


def _is_argv(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "argv" and isinstance(node.value, ast.Name) and \
        node.value.id == "sys"


_BATCH_WORD = re.compile(r"(?i)batch|chunk|page|every")


def _counts_to_batch(test: ast.AST) -> bool:
    """`processed >= BATCH_SIZE`, `len(pending) >= chunk_size`, `i % 500 == 0`: the branch runs once a batch."""
    for node in ast.walk(test):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return True
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.GtE, ast.Gt, ast.Eq)) for op in node.ops):
            for side in (node.left, *node.comparators):
                name = (dotted(side) or "").split(".")[-1]
                if name and (_BATCH_WORD.search(name) or name.isupper() and len(name) > 1):
                    return True
    return False


def _dml(call: ast.Call) -> bool:
    """`session.execute(delete(Revision).where(...))`: a statement that writes, run through a read method."""
    return any(isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] in ("insert", "update", "delete")
               for n in ast.walk(call.args[0])) if call.args else False


def _writes_batch(call: ast.Call) -> bool:
    """The statement writes (`insert(...)`, `update(...)`, `delete(...)`, executemany): a read of the pass's
    set followed by a per-row commit is still one commit per row."""
    return any(isinstance(n, ast.Call) and (n.func.attr if isinstance(n.func, ast.Attribute) else
                                            getattr(n.func, "id", "")) in ("insert", "update", "delete", "executemany")
               for n in ast.walk(call)) or isinstance(call.func, ast.Attribute) and call.func.attr == "execute" and \
        len(call.args) >= 2


def _carries_pass_set(call: ast.Call, per_pass: set[str], grown: set[str]) -> bool:
    """The statement carries this pass's whole set: `in_(chunk)` / `id__in=ids` of a set bound in the pass,
    `insert(M).values(chunk)` of the pass's rows, or `execute(stmt, batch)` with a parameter list the code
    fills (executemany). Such a loop is the batching, one round-trip per batch."""
    sets = []
    for node in ast.walk(call):
        if isinstance(node, ast.Call):
            attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if node.args and (attr == "in_" or attr == "values" and isinstance(node.func.value, ast.Call) and
                              (dotted(node.func.value.func) or "").split(".")[-1] == "insert"):
                sets.append(node.args[0])
            sets.extend(kw.value for kw in node.keywords if kw.arg and kw.arg.endswith("__in"))
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("execute", "executemany") and \
            len(call.args) >= 2 and isinstance(call.args[1], ast.Name) and call.args[1].id in grown:
        return True
    return any(isinstance(n, ast.Name) and n.id in per_pass for value in sets for n in ast.walk(value))


def _pages(call: ast.Call) -> bool:
    """`SELECT ... LIMIT {limit} OFFSET {offset}`, `select(M).offset(n).limit(k)`: each pass reads one page of
    rows, a batched read; the loop walks pages, not rows."""
    for node in ast.walk(call):
        if isinstance(node, ast.Attribute) and node.attr == "offset":
            return True
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            text = node.value if isinstance(node, ast.Constant) else "".join(
                v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if isinstance(text, str) and _PAGE.search(text):
                return True
    return False


def _iter_root(node: ast.AST) -> ast.AST:
    """`fixture`, for `fixture`, `fixture.items()`, `fixture[1]["settings"]`."""
    while isinstance(node, (ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Attribute) and node.attr in ("items", "values", "keys"):
            node = node.value
    return node


_FEW = 100  # a capped collection this small is a page or a top-N list, not a table
_RANGE_READS = frozenset({"zrange", "zrevrange", "lrange"})


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _int(node.operand)
        return -value if value is not None else None
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None


def _cap(node: ast.AST) -> int | None:
    """The constant cap on what the expression yields: the outermost slice, `.limit(N)` or range read of
    the chain (`Model.objects.filter(...)[:20]`, `select(M).limit(20)`, `r.zrange(key, 0, 20)`)."""
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            lower, upper = _int(node.slice.lower) if node.slice.lower is not None else 0, _int(node.slice.upper)
            return upper - lower if lower is not None and upper is not None and upper > lower >= 0 else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "limit" and len(node.args) == 1:
                return _int(node.args[0])
            if node.func.attr in _RANGE_READS and len(node.args) >= 3:
                start, stop = _int(node.args[1]), _int(node.args[2])
                return stop - start + 1 if start is not None and stop is not None and stop >= start >= 0 else None
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


_ORDERING = frozenset({"sorted", "reversed", "list", "tuple", "set", "frozenset", "enumerate"})


def _unwrap_iter(node: ast.AST) -> ast.AST:
    """`settings.SIZES` for `sorted(settings.SIZES, reverse=True)`, `enumerate(CHOICES)`, `MAP.items()`:
    reordering or viewing a collection does not change where it comes from."""
    for _ in range(4):
        if not isinstance(node, ast.Call):
            break
        if isinstance(node.func, ast.Name) and node.func.id in _ORDERING and node.args:
            node = node.args[0]
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "keys", "values") and not node.args:
            node = node.func.value
        else:
            break
    return node


def _walk_to_form_data(node: ast.AST):
    """ast.walk, except below `x.cleaned_data`: what built the form (`Form(request.POST, instance=media)`,
    where `media` came from a queryset) is not what the loop walks."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if not (isinstance(n, ast.Attribute) and n.attr == "cleaned_data"):
            todo.extend(ast.iter_child_nodes(n))


def _exits(body: list[ast.stmt]) -> bool:
    return any(isinstance(n, (ast.Return, ast.Break)) for n in iter_nodes(body))


def _short_pass(test: ast.AST) -> bool:
    """`result.rowcount < limit`, `len(rows) < batch_size`: a pass that touched fewer rows than a chunk."""
    return any(isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.Lt, ast.LtE)) and (
        isinstance(n.left, ast.Attribute) and n.left.attr == "rowcount" or
        isinstance(n.left, ast.Call) and isinstance(n.left.func, ast.Name) and n.left.func.id == "len")
        for n in ast.walk(test))


def _reads_page(node: ast.AST) -> bool:
    """`.limit(BATCH_SIZE)` in the statement: at most a page of rows per pass (`.limit(1)` is one row)."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "limit" and
               n.args and not (isinstance(n.args[0], ast.Constant) and n.args[0].value == 1) for n in ast.walk(node))


def _walks_model_registry(node: ast.AST) -> bool:
    """`apps.all_models["core"]`, `apps.get_models()`, `app_config.get_models()`: Django's model classes."""
    return any(isinstance(n, ast.Attribute) and n.attr in ("all_models", "get_models") for n in ast.walk(node))


def _moves_file(call: ast.Call) -> bool:
    """`storage.save(target, f)`, `storage.delete(old)`, `shutil.move(a, b)`: a file written or moved."""
    name = dotted(call.func) or ""
    parts = name.split(".")
    return name in _FILE_MOVES or len(parts) >= 2 and parts[-1] in ("save", "delete") and "storage" in parts[-2]


_HTTP_ROOTS = frozenset({"requests", "httpx", "aiohttp", "urllib3"})
_DB_ROOTS = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy", "django", "psycopg", "psycopg2", "asyncpg",
                       "pymysql", "sqlite3", "databases", "tortoise", "peewee", "pony"})
_DDL = re.compile(r"^(Drop|Create|Add)(Table|Constraint|Index|Column|Schema|Sequence)$|^(text)$")


def _is_ddl(call: ast.Call) -> bool:
    """A schema operation (`DropTable(t)`, `DropConstraint(fk)`, `table.delete()` of a whole table): one
    statement per table by nature, nothing to batch."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call):
        name = (dotted(first.func) or "").split(".")[-1]
        if _DDL.match(name) and name != "text":
            return True
        if isinstance(first.func, ast.Attribute) and first.func.attr == "delete" and not first.args:
            return (dotted(first.func.value) or "").split(".")[-1].lower().endswith("table")
    return False


def _retries(loop: ast.While) -> bool:
    """`while User.objects.filter(email=u.email).exists(): u.email = fresh()`: the body replaces a value the
    test looks up, so the loop draws candidates until one is free; it walks no collection."""
    assigned = {dotted(t) for n in iter_nodes(loop.body) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])}
    assigned.discard(None)
    return any(isinstance(n, (ast.Name, ast.Attribute)) and dotted(n) in assigned for n in ast.walk(loop.test))


# Statements that act on one server object (a connection, a table, a role), not on rows: one per object by
# nature (`KILL {proc_id}` per stuck connection), nothing to batch.
# `EXECUTE name (...)` runs a statement PREPAREd once before the loop: a hand-written executemany.
_ADMIN_STATEMENT = re.compile(r"^\s*(KILL|DROP|CREATE|ALTER|TRUNCATE|GRANT|REVOKE|VACUUM|ANALYZE|REINDEX|CLUSTER"
                              r"|REFRESH|COMMENT|LOCK|NOTIFY|LISTEN|UNLISTEN|OPTIMIZE|FLUSH|SET|EXECUTE\s+\w+)\b",
                              re.IGNORECASE)


def _admin_statement(call: ast.Call) -> bool:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and (dotted(first.func) or "").split(".")[-1] == "text" and first.args:
        first = first.args[0]
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[0]
    return isinstance(first, ast.Constant) and isinstance(first.value, str) and bool(_ADMIN_STATEMENT.match(first.value))


def _executemany(call: ast.Call) -> bool:
    """execute(statement, rows) with a list of parameter sets: one batched round-trip (executemany)."""
    if len(call.args) < 2:
        return False
    # a statement with bindparam() placeholders run with a second argument: the parameter sets of executemany
    if any(isinstance(n, ast.Call) and (dotted(n.func) or "").split(".")[-1] == "bindparam"
           for n in ast.walk(call.args[0])):
        return True
    params = call.args[1]
    name = (dotted(params) or "").split(".")[-1].lower()
    return isinstance(params, (ast.List, ast.ListComp)) or name in ("rows", "records", "values", "params_list")


# the key a row is known by: `cred.credential_id`, `item.pk`, `entry.uuid`
_KEY_ATTR = re.compile(r"(?:^|_)(?:id|pk|uuid)$")


def _matches_one_key(sides: tuple[ast.expr, ast.expr], names: set[str]) -> bool:
    """`if cred.credential_id == result.credential_id:`: the same key of the loop's item and of one value from
    outside the loop; the branch runs for the one item that matches it (the credential just used), not for each."""
    keys = [s.attr if isinstance(s, ast.Attribute) and _KEY_ATTR.search(s.attr) else None for s in sides]
    if keys[0] is None or keys[0] != keys[1]:
        return False
    inside = [isinstance(s.value, ast.Name) and s.value.id in names for s in sides]
    outside = [not any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(s)) for s in sides]
    return (inside[0] and outside[1]) or (inside[1] and outside[0])


def _constant_collection(node: ast.AST) -> bool:
    """A loop over a constant the code defines (`COMPONENT_MODELS`, `settings.DEFAULT_GROUPS`): its size is
    fixed by the program, not by the data, so its round-trips are no N+1."""
    parts = dotted_parts(node)
    return bool(parts) and parts[-1].isupper() and len(parts[-1]) > 1




_WRITE_CALLS = frozenset({"add", "add_all", "commit", "flush", "save", "create", "bulk_create", "update", "delete",
                          "insert", "merge", "get_or_create", "update_or_create", "bulk_update"})


class _LoopFacts:
    """What one walk of a loop's body tells the levels: the names it binds (and which of them carry a value
    from the previous pass), the names it reads, whether it writes, and per name what the body does to it
    (assigns its attributes, calls its methods)."""

    def __init__(self, loop: ast.AST) -> None:
        self.bound: set[str] = set()
        self.carried: set[str] = set()  # `path = f"{path}{segment}/"`: built from the previous pass's value
        self.assigned_at: dict[str, list[int]] = {}  # where the body binds each name (`parent_id = folder.id`)
        self.chunk_starts: set[str] = set()  # `rows[start:start + size]`: names a slice of the body starts at
        self.loaded: set[str] = set()
        self.unpacked: set[str] = set()  # `obj, created = M.objects.get_or_create(...)`
        self.writes = False
        self.attrs_set: set[str] = set()  # `item.order = ...`, `setattr(item, ...)`
        self.methods: dict[str, set[str]] = {}  # `token.reset()` -> {"token": {"reset"}}
        self.member_calls: set[str] = set()  # `view.fields.remove(x)` -> {"view"}: a member changed in place
        # `if result.rowcount < limit: break`: the loop ends on a short chunk or page
        self.exits_on_size = False
        self.pages = False  # a statement of the body reads `.limit(N)` rows
        body = getattr(loop, "body", None)
        if not isinstance(body, list):
            return
        for n in iter_nodes(body):
            if isinstance(n, ast.If) and not self.exits_on_size:
                self.exits_on_size = _short_pass(n.test) and _exits(n.body)
            if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                if not isinstance(n, ast.AugAssign):
                    self.bound |= names
                    for name in names:
                        self.assigned_at.setdefault(name, []).append(n.lineno)
                    self.unpacked |= _target_names([t for t in targets if isinstance(t, (ast.Tuple, ast.List))])
                value = n.value
                if names and value is not None and (isinstance(n, ast.AugAssign) or any(
                        isinstance(v, ast.Name) and v.id in names for v in ast.walk(value))):
                    self.carried |= names
                self.attrs_set.update(t.value.id for t in targets if isinstance(t, ast.Attribute) and
                                      isinstance(t.value, ast.Name))
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                self.loaded.add(n.id)
            elif isinstance(n, ast.Slice) and isinstance(n.lower, ast.Name) and isinstance(n.upper, ast.BinOp) and \
                    isinstance(n.upper.op, ast.Add) and any(isinstance(m, ast.Name) and m.id == n.lower.id
                                                            for m in (n.upper.left, n.upper.right)):
                self.chunk_starts.add(n.lower.id)
            elif isinstance(n, ast.Call):
                func = n.func
                if isinstance(func, ast.Attribute):
                    self.writes = self.writes or func.attr in _WRITE_CALLS
                    self.pages = self.pages or func.attr == "limit" and _reads_page(n)
                    if isinstance(func.value, ast.Name):
                        self.methods.setdefault(func.value.id, set()).add(func.attr)
                    elif isinstance(func.value, ast.Attribute) and isinstance(func.value.value, ast.Name):
                        self.member_calls.add(func.value.value.id)
                elif isinstance(func, ast.Name):
                    self.writes = self.writes or func.id in ("insert", "update", "delete")
                    if func.id == "setattr" and n.args and isinstance(n.args[0], ast.Name):
                        self.attrs_set.add(n.args[0].id)


def _target_names(targets: list[ast.AST]) -> set[str]:
    """Loop variables a `.save()` may be called on: plain names, and the names directly inside a single
    tuple/list target (`for a, *rest in ...`)."""
    if len(targets) == 1 and isinstance(targets[0], (ast.Tuple, ast.List)):
        targets = [e.value if isinstance(e, ast.Starred) else e for e in targets[0].elts]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _chain_has(node: ast.AST, method: str, receivers: frozenset[str]) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == method:
                parts = dotted_parts(func.value)
                return bool(parts) and parts[-1] in receivers
            node = func
        else:
            node = node.value
    return False


def _chain_has_attr(node: ast.AST, attr: str) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute):
            if node.attr == attr:
                return True
            node = node.value
        else:
            node = node.func
    return False


# a queryset's methods: a loop over what they answer walks rows of a table
_ROWS_QUERY = frozenset({"objects", "filter", "exclude", "all", "order_by", "select_related", "prefetch_related"})


class _Bindings:
    """A function's local bindings: name -> values assigned, loop variables, names grown in place."""

    def __init__(self, func: ast.AST) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.loop_targets: set[str] = set()
        self.grows: set[str] = set()
        self.asks_terminal = False  # `input("API key: ")`: the function runs with a person at a terminal
        for n in iter_nodes(getattr(func, "body", [])):
            if isinstance(n, ast.Call) and (dotted(n.func) or "") in ("input", "getpass", "getpass.getpass"):
                self.asks_terminal = True
            elif isinstance(n, ast.Assign):
                for t in n.targets:
                    if isinstance(t, ast.Name):
                        self.assigned.setdefault(t.id, []).append(n.value)
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                self.loop_targets |= _target_names([n.target])
            elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
                self.grows.add(n.target.id)
            elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
                self.grows.add(n.value.id)  # `found.append(...)`, any method or attribute of it


def _chain_root(node: ast.AST) -> str | None:
    """`db_session` for `db_session.query(M).filter(...).all`: the name a call chain starts from."""
    while isinstance(node, (ast.Call, ast.Attribute)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_literal_data(node: ast.AST) -> bool:
    """Data the program writes out: constants, lists and tuples of them, and maps of them (`[{"name": "A",
    "environments": ["Dev"]}, ...]`), whose values may name the module's own constants (`PROJECT_NAME`)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_is_literal_data(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_literal_data(k) for k in node.keys) and \
            all(_is_literal_data(v) or _constant_collection(v) for v in node.values)
    return isinstance(node, ast.Constant)


def _broad(handler: ast.ExceptHandler) -> bool:
    return handler.type is None or (dotted(handler.type) or "") in ("Exception", "BaseException")


def _small_literal(node: ast.AST) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) <= 3


_EXITS = (ast.Return, ast.Break, ast.Raise)


def _exits_first_pass(body: list[ast.stmt], header_end: ast.AST) -> bool:
    """The body's last line returns, breaks or raises (any statement of a `a; return` line), so the loop
    runs once. A one-line body after the colon (`for x in y: return x`) is not considered."""
    last = body[-1]
    if last.lineno == header_end.end_lineno or hasattr(last, "body"):
        return False
    if isinstance(last, _EXITS):
        return True
    i = len(body) - 1
    while i > 0 and body[i - 1].end_lineno == body[i].lineno and not hasattr(body[i - 1], "body"):
        i -= 1
        if isinstance(body[i], _EXITS):
            return True
    return False


# --- per-request pools ---------------------------------------------------------------------------

_POOLS = {
    "sqlalchemy.create_engine": "engine", "sqlalchemy.ext.asyncio.create_async_engine": "engine",
    "psycopg2.connect": "connection", "psycopg.connect": "connection", "psycopg.AsyncConnection.connect": "connection",
    "asyncpg.connect": "connection", "asyncpg.create_pool": "pool", "pymysql.connect": "connection",
    "pymongo.MongoClient": "client", "motor.motor_asyncio.AsyncIOMotorClient": "client",
    "redis.Redis": "client", "redis.from_url": "client", "redis.StrictRedis": "client",
    "redis.asyncio.Redis": "client", "redis.asyncio.from_url": "client",
}
_HTTP_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient", "requests.Session", "aiohttp.ClientSession",
                           "requests.sessions.Session"})
_CACHED = ("lru_cache", "cache", "functools.lru_cache", "functools.cache", "cached", "alru_cache")


def _first_argument(call: ast.Call) -> ast.AST | None:
    """The first argument as written, positional or keyword (`*x` / `**x` give x)."""
    heads = [*call.args[:1], *call.keywords[:1]]
    if not heads:
        return None
    first = min(heads, key=lambda n: (n.lineno, n.col_offset))
    return first.value if isinstance(first, (ast.Starred, ast.keyword)) else first


class PoolCreatedPerRequest(AstCheck):
    """Engines, connections and clients built inside endpoints or FastAPI dependencies."""

    RULE_ID = "BA-PERF-004"
    PREFILTER = ("create_engine", "connect", "MongoClient", "Redis", "from_url", "Client", "Session",
                 "create_pool", "NullPool")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.func_stack: list[str] = []
        self.cached: list[bool] = []
        self.routes: set[str] = set()
        self.dependencies: set[str] = set()
        self.pending: list[tuple[str, ast.Call, str, str]] = []  # (function, node, sub, what)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.func_stack.append(node.name)
        decorators = decorator_names(node)
        self.cached.append(any(d in _CACHED or d.split(".")[-1] in ("lru_cache", "cache") for d in decorators))
        if is_route_handler(node):
            self.routes.add(node.name)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.func_stack.pop()
        self.cached.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func) or ""
        if name.split(".")[-1] in ("Depends", "Security"):
            dep = dotted(_first_argument(node))
            if dep:
                self.dependencies.add(dep.split(".")[-1])
        if not self.func_stack or any(self.cached):
            return
        qn = self.ctx.qualname(node.func) or ""
        if qn in _POOLS:
            self.pending.append((self.func_stack[-1], node, "pool", f"{qn}() builds a new {_POOLS[qn]}"))
        elif qn in _HTTP_CLIENTS:
            self.pending.append((self.func_stack[-1], node, "http-client",
                                 f"{qn}() builds a new HTTP client (and its connection pool)"))
        poolclass = keyword(node, "poolclass")
        if poolclass is not None and (dotted(poolclass) or "").endswith("NullPool"):
            self.pending.append((self.func_stack[-1], node, "nullpool", "poolclass=NullPool opens a connection per use"))

    def leave_Module(self, node: ast.Module) -> None:
        for func, call, sub, what in self.pending:
            if func in self.routes or func in self.dependencies:
                where = "an endpoint" if func in self.routes else "a request dependency"
                self.report(call, f"{what} on every request in {where} ({func}); create it once at module level "
                                  "or in the app's lifespan and share it",
                            level="note" if sub == "http-client" else None, properties={"sub": sub})

_FILE_IO = "aiofiles or anyio.open_file"
_PATH_FILE_IO = "aiofiles or anyio.Path"
_TREE_IO = "anyio.to_thread.run_sync / asyncio.to_thread"  # shutil's copies, moves and deletes


def _beside_module(expr: ast.AST, frame: dict) -> bool:
    """A path built from the module's own `__file__`, or a local assigned one: a file shipped with the code."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Name) and (n.id == "__file__" or n.id in frame["resources"]):
            return True
    return False


# Blocking calls by qualified name (prefix match on "module." entries), with the async replacement.
_BLOCKING = {
    "requests.": "httpx.AsyncClient or aiohttp",
    "urllib.request.urlopen": "httpx.AsyncClient or aiohttp",
    "urllib3.": "httpx.AsyncClient or aiohttp",
    "time.sleep": "await asyncio.sleep(...)",
    "psycopg2.connect": "asyncpg or psycopg's AsyncConnection",
    "psycopg.connect": "psycopg.AsyncConnection.connect",
    "sqlite3.connect": "aiosqlite",
    "pymysql.connect": "aiomysql",
    "MySQLdb.connect": "aiomysql",
    "pymongo.MongoClient": "motor",
    "redis.Redis": "redis.asyncio",
    "redis.StrictRedis": "redis.asyncio",
    "redis.from_url": "redis.asyncio.from_url",
    "subprocess.": "asyncio.create_subprocess_exec",
    "os.system": "asyncio.create_subprocess_exec",
    "os.popen": "asyncio.create_subprocess_exec",
    "shutil.copy": _TREE_IO,
    "shutil.move": _TREE_IO,
    "shutil.rmtree": _TREE_IO,
    "builtins.open": _FILE_IO,
    "builtins.input": "nothing: a server must not read stdin",
}
_HTTPX_SYNC = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
# Constructors of synchronous clients: method calls on what they return block too.
_SYNC_CLIENTS = frozenset({"requests.Session", "requests.session", "httpx.Client", "redis.Redis", "redis.StrictRedis",
                           "redis.from_url", "pymongo.MongoClient", "psycopg2.connect", "psycopg.connect",
                           "sqlite3.connect", "pymysql.connect", "urllib3.PoolManager"})
_PATH_IO = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open"})
_SESSION_IO = frozenset({"execute", "query", "commit", "scalars", "scalar", "get", "refresh", "flush", "merge"})
_DJANGO_EVAL = frozenset({"get", "first", "last", "count", "exists", "create", "get_or_create", "update_or_create",
                          "update", "delete", "aggregate", "bulk_create", "in_bulk", "latest", "earliest"})
_OFFLOAD = frozenset({"to_thread", "run_in_executor", "run_sync", "run_in_threadpool", "sync_to_async",
                      "run_until_complete"})
_STARTUP_NAMES = frozenset({"lifespan", "startup", "shutdown", "on_startup", "on_shutdown", "main"})


class BlockingCallInAsync(AstCheck):
    """Blocking I/O in the body of an `async def` (not in nested defs/lambdas, not startup code)."""

    RULE_ID = "BA-PERF-001"
    PREFILTER = ("async def",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.frames: list[dict] = []  # one per def/lambda: {"async": bool, "clients": set, "sessions": set}
        self.module_clients: set[str] = set()
        self.offload = 0

    def _frame(self) -> dict | None:
        return self.frames[-1] if self.frames and self.frames[-1]["async"] else None

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        is_async = isinstance(node, ast.AsyncFunctionDef) and not self._startup(node)
        sessions = set()
        for p in (*node.args.args, *node.args.kwonlyargs):
            if p.annotation is not None and (self.ctx.qualname(p.annotation) or "") in (
                    "sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"):
                sessions.add(p.arg)
        self.frames.append({"async": is_async, "clients": set(), "sessions": sessions, "paths": set(),
                            "resources": set()})

    def _startup(self, node: ast.FunctionDef) -> bool:
        if node.name in _STARTUP_NAMES:
            return True
        return any(isinstance(dec, ast.Call) and (dotted(dec.func) or "").endswith("on_event")
                   for dec in node.decorator_list)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.frames.pop()

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.frames.append({"async": False, "clients": set(), "sessions": set(), "paths": set(), "resources": set()})

    def leave_Lambda(self, node: ast.Lambda) -> None:
        self.frames.pop()

    def _bind(self, target: ast.AST | None, value: ast.AST) -> None:
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
            return
        qn = self.ctx.qualname(value.func) or ""
        frame = self.frames[-1] if self.frames else None
        names = frame["clients"] if frame is not None else self.module_clients
        if qn in _SYNC_CLIENTS:
            names.add(target.id)
        elif frame is not None and qn in ("pathlib.Path", "pathlib.PurePath"):
            frame["paths"].add(target.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._bind(t, node.value)
        frame = self._frame()
        if frame is not None and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                _beside_module(node.value, frame):
            frame["resources"].add(node.targets[0].id)

    def visit_withitem(self, node: ast.withitem) -> None:
        self._bind(node.optional_vars, node.context_expr)

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func) or ""
        if name.rsplit(".", 1)[-1] in _OFFLOAD:
            self.offload += 1
        frame = self._frame()
        if frame is None or self.offload and name.rsplit(".", 1)[-1] not in _OFFLOAD:
            return
        what = self._blocking(node, frame)
        if what:
            call, instead = what
            if instead in (_FILE_IO, _PATH_FILE_IO):
                if self._reads_package_file(node, frame):
                    return  # a file shipped beside the module (a bundled script or template): a few KB, cached
                # local disk I/O stalls the loop for a moment; whether the file is large or on slow storage
                # is not traced
                self.report(node, f"file I/O {call}() inside async def {self.ctx.symbol or ''} blocks the event "
                                  f"loop while the disk works (file size and storage not traced); for large files "
                                  f"use {instead}, or asyncio.to_thread", level="note")
                return
            if call == "input":
                # a prompt: whoever runs this waits at a terminal (an example command-line client); a server has
                # nobody at its stdin, and a loop that reads it is an interactive program's
                self.report(node, f"input() inside async def {self.ctx.symbol or ''} blocks the event loop while it "
                                  "waits for the person at the terminal: an interactive program (whether a server "
                                  "runs it was not traced); read stdin with asyncio.to_thread(input, ...)",
                            level="note")
                return
            if instead is _TREE_IO:
                # like file I/O: the blind sets R-U had 1 TP of 9 shutil warnings (small temporary trees); how
                # much it copies or deletes is not traced
                self.report(node, f"file-tree work {call}() inside async def {self.ctx.symbol or ''} blocks the "
                                  "event loop while the disk works (how much it copies or deletes is not "
                                  f"established); for large trees use {instead}", level="note")
                return
            self.report(node, f"blocking call {call}() inside async def {self.ctx.symbol or ''} stalls the event loop; "
                              f"use {instead}, or run it with asyncio.to_thread / run_in_threadpool")
            if instead.startswith(_ASYNC_ORM) and not (self.ctx.parents and isinstance(self.ctx.parents[-1], ast.Await)):
                # the project pass asks whether the program running this code opted out of Django's guard
                self.ctx.facts.setdefault(DEFERRED_ORM_CALLS, []).append(self.ctx.findings.pop().to_dict())

    def _reads_package_file(self, node: ast.Call, frame: dict) -> bool:
        """open(path) / Path(...).read_text() for reading, of a path built from the module's own `__file__`."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("read_text", "read_bytes"):
            return _beside_module(func.value, frame)
        if not node.args or not _beside_module(node.args[0], frame):
            return False
        mode = node.args[1] if len(node.args) > 1 else keyword(node, "mode")
        if mode is None:
            return True
        return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and not set(mode.value) & set("wax+")

    def leave_Call(self, node: ast.Call) -> None:
        if (dotted(node.func) or "").rsplit(".", 1)[-1] in _OFFLOAD:
            self.offload -= 1

    def _blocking(self, node: ast.Call, frame: dict) -> tuple[str, str] | None:
        qn = self.ctx.qualname(node.func) or ""
        if qn.startswith(("redis.asyncio", "httpx.Async")):
            return None
        if qn.startswith(("requests.", "urllib3.")) and qn.rpartition(".")[2][:1].isupper():
            return None  # building a class (CaseInsensitiveDict, Session, PoolManager) does no I/O; its calls do
        for prefix, instead in _BLOCKING.items():
            if qn == prefix or (prefix.endswith(".") and qn.startswith(prefix)) or \
                    (prefix == "shutil.copy" and qn.startswith("shutil.copy")):
                return qn.replace("builtins.", ""), instead
        if qn.startswith("httpx.") and qn.split(".")[-1] in _HTTPX_SYNC:
            return qn, "httpx.AsyncClient"
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        receiver, method = func.value, func.attr
        parts = dotted_parts(receiver) or []
        if isinstance(receiver, ast.Name):
            name = receiver.id
            if name in frame["clients"] or (name in self.module_clients and not self.ctx.is_local(name)):
                return f"{name}.{method}", "the library's asyncio client"
            if name in frame["sessions"] and method in _SESSION_IO and \
                    not (self.ctx.parents and isinstance(self.ctx.parents[-1], ast.Await)):
                # (`await session.execute(q)` on a parameter annotated `Session`: it returns an awaitable, so the
                # object is an AsyncSession whatever the annotation says)
                return f"{name}.{method}", "AsyncSession"
            if name in frame["paths"] and method in _PATH_IO:
                return f"{name}.{method}", _PATH_FILE_IO
        if method in _PATH_IO and isinstance(receiver, ast.Call) and \
                (self.ctx.qualname(receiver.func) or "") in ("pathlib.Path", "pathlib.PurePath"):
            return f"Path(...).{method}", _PATH_FILE_IO
        if "objects" in parts[1:] and method in _DJANGO_EVAL and parts[0][:1].isupper():
            return f"{'.'.join(parts)}.{method}", f"{_ASYNC_ORM} (a{method}())"
        if isinstance(receiver, ast.Call) and method in _DJANGO_EVAL:
            inner = receiver
            while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
                inner = inner.func.value
            chain = dotted_parts(inner) or []
            if len(chain) == 2 and chain[1] == "objects" and chain[0][:1].isupper():
                return f"{chain[0]}.objects...{method}", f"{_ASYNC_ORM} (a{method}())"
        return None
