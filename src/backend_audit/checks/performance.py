"""Performance checks: timeouts, N+1 round-trips, per-request pools."""

from __future__ import annotations

import libcst as cst

from .base import FileContext
from .cst_base import CstCheck, dotted, dotted_parts
from .cst_util import decorator_names, is_route_handler

_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})


def _kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return None


def _forwards_kwargs(call: cst.Call) -> bool:
    return any(a.star == "**" for a in call.args)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class OutboundCallWithoutTimeout(CstCheck):
    RULE_ID = "BA-PERF-002"
    PREFILTER = ("requests", "httpx", "urlopen", "HTTPConnection", "HTTPSConnection", "SMTP", "ClientTimeout")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # local names bound to requests.Session() objects, per function (module level first)
        self.sessions: list[set[str]] = [set()]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.sessions.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.sessions.pop()

    def _is_session_ctor(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and self.ctx.qualname(node.func) in ("requests.Session",
                                                                               "requests.sessions.Session")

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is_session_ctor(node.value):
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    self.sessions[-1].add(t.target.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._is_session_ctor(node.item) and node.asname and isinstance(node.asname.name, cst.Name):
            self.sessions[-1].add(node.asname.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        if _forwards_kwargs(node):
            return
        qn = self.ctx.qualname(node.func) or ""
        timeout = _kwarg(node, "timeout")
        parts = dotted_parts(node.func) or []
        if qn.startswith("requests.") and qn.split(".")[-1] in _HTTP_VERBS and qn.count(".") == 1:
            self._need_timeout(node, timeout, "requests." + qn.split(".")[-1])
        elif len(parts) == 2 and parts[1] in _HTTP_VERBS and any(parts[0] in s for s in self.sessions):
            self._need_timeout(node, timeout, f"requests.Session.{parts[1]}")
        elif qn.startswith("httpx.") and timeout is not None and _is_none(timeout.value):
            self.report(node, f"{qn}(timeout=None) waits forever on a stalled server; httpx's 5 s default was "
                              "turned off — set a finite timeout")
        elif qn in ("urllib.request.urlopen", "http.client.HTTPConnection", "http.client.HTTPSConnection",
                    "smtplib.SMTP", "smtplib.SMTP_SSL"):
            positional = [a for a in node.args if a.keyword is None]
            if qn.startswith("smtplib") and not positional and _kwarg(node, "host") is None:
                return  # SMTP() without a host connects later, with connect(timeout=...)
            timeout_position = 4 if qn.startswith("smtplib") else 3
            if timeout is None and len(positional) < timeout_position:
                self.report(node, f"{qn}() without a timeout blocks a worker forever when the peer stalls; pass "
                                  "timeout=")
        elif qn in ("aiohttp.ClientTimeout",) and timeout is None:
            total = _kwarg(node, "total")
            others = [a for a in node.args if a.keyword and a.keyword.value != "total"
                      and not _is_none(a.value)]
            if total is not None and _is_none(total.value) and not others:
                self.report(node, "aiohttp.ClientTimeout(total=None) with no other limit disables every timeout")

    def _need_timeout(self, node: cst.Call, timeout: cst.Arg | None, what: str) -> None:
        if timeout is None:
            self.report(node, f"{what}() without a timeout: requests waits forever on a stalled server and the "
                              "worker is lost; pass timeout=(connect, read)")
        elif _is_none(timeout.value):
            self.report(node, f"{what}(timeout=None) waits forever on a stalled server; pass a finite timeout")


# --- N+1 ---------------------------------------------------------------------------------------

_SESSION_NAMES = frozenset({"session", "db", "db_session", "dbsession", "s", "sess", "async_session"})
_SA_READS = frozenset({"get", "execute", "scalars", "scalar", "query", "scalar_one", "scalar_one_or_none"})
_QUERY_TERMINALS = frozenset({"first", "one", "one_or_none", "all", "scalar", "count"})
_DJANGO_READS = frozenset({"get", "first", "last", "exists", "count", "get_or_create", "update_or_create",
                           "aggregate", "latest", "earliest", "in_bulk"})
_DJANGO_WRITES = frozenset({"create", "update", "delete"})
_CURSOR_NAMES = frozenset({"cursor", "cur", "conn", "connection", "db", "pool"})
_ASYNCPG_READS = frozenset({"fetch", "fetchrow", "fetchval", "execute"})


class DatabaseRoundTripInLoop(CstCheck):
    RULE_ID = "BA-PERF-003"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # enclosing loops/comprehensions, innermost last; None while an iterable is evaluated
        self.loops: list[cst.CSTNode | None] = []
        self.loop_targets: list[set[str]] = []
        self.note_only = "migrations/" in ctx.path or "management/commands" in ctx.path

    # loops -----------------------------------------------------------------------------------
    def _enter(self, node: cst.CSTNode, target: cst.BaseExpression | None) -> None:
        self.loops.append(node)
        names: set[str] = set()
        if isinstance(target, cst.Name):
            names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            names |= {e.value.value for e in target.elements if isinstance(e.value, cst.Name)}
        self.loop_targets.append(names)

    def _leave(self) -> None:
        self.loops.pop()
        self.loop_targets.pop()

    def visit_For(self, node: cst.For) -> bool | None:
        if _small_literal(node.iter) or _exits_first_pass(node.body):
            return None  # still visit children, but not as a loop
        self._enter(node, node.target)
        return None

    def leave_For(self, original_node: cst.For) -> None:
        if self.loops and self.loops[-1] is original_node:
            self._leave()

    def visit_While(self, node: cst.While) -> None:
        if not _exits_first_pass(node.body):
            self._enter(node, None)

    def leave_While(self, original_node: cst.While) -> None:
        if self.loops and self.loops[-1] is original_node:
            self._leave()

    # Comprehensions: the element is visited before the `for` clause, so the loop starts at the
    # comprehension node; its outermost iterable runs once and is not part of the loop.
    def _enter_comp(self, node: cst.BaseComp) -> None:
        if _small_literal(node.for_in.iter):
            return
        targets: list[cst.BaseExpression] = []
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            targets.append(comp.target)
            comp = comp.inner_for_in
        self._enter(node, targets[0] if len(targets) == 1 else cst.Tuple([cst.Element(t) for t in targets]))

    def _leave_comp(self, node: cst.BaseComp) -> None:
        if self.loops and self.loops[-1] is node:
            self._leave()

    # libcst's batching gathers methods by their own names, so aliases would be invisible to it.
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter_comp(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._leave_comp(original_node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter_comp(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._leave_comp(original_node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter_comp(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._leave_comp(original_node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter_comp(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._leave_comp(original_node)

    def visit_CompFor_iter(self, node: cst.CompFor) -> None:
        self.loops.append(None)  # pause: an iterable is evaluated before its loop runs
        self.loop_targets.append(set())

    def leave_CompFor_iter(self, node: cst.CompFor) -> None:
        self._leave()

    def visit_For_iter(self, node: cst.For) -> None:
        self.loops.append(None)
        self.loop_targets.append(set())

    def leave_For_iter(self, node: cst.For) -> None:
        self._leave()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # A function defined inside a loop body is not run per iteration by definition.
        self.loops.append(node)
        self.loop_targets.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave()

    def _in_loop(self) -> bool:
        return bool(self.loops) and self.loops[-1] is not None and not isinstance(self.loops[-1], cst.FunctionDef)

    # calls -----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self._in_loop() or not isinstance(node.func, cst.Attribute):
            return
        kind = self._round_trip(node)
        if kind is None:
            return
        sub, what = kind
        self.report(node, f"{what} inside a loop: one database round-trip per iteration (N+1); fetch or write "
                          "in one batched query (in_(), __in, bulk_create, executemany, select_related)",
                    level="note" if self.note_only else None, properties={"sub": sub})

    def _round_trip(self, node: cst.Call) -> tuple[str, str] | None:
        func = node.func
        method = func.attr.value
        parts = dotted_parts(func.value)
        receiver = parts[-1] if parts else None
        # SQLAlchemy session reads/writes
        if receiver in _SESSION_NAMES or (parts and parts[-2:] == ["db", "session"]):
            if method in _SA_READS and method != "query":
                return "read", f"session.{method}()"
            if method in ("commit", "flush"):
                return "write", f"session.{method}()"
        # session.query(M)...first()
        if method in _QUERY_TERMINALS and _chain_has(func.value, "query", _SESSION_NAMES):
            return "read", f"query(...).{method}()"
        # Django: Model.objects.get(...), Model.objects.filter(...).first()
        if _chain_has_attr(func.value, "objects"):
            if method in _DJANGO_READS:
                return "read", f"objects...{method}()"
            if method in _DJANGO_WRITES:
                return "write", f"objects...{method}()"
        # obj.save() on the loop variable
        if method == "save" and not node.args and receiver and any(receiver in t for t in self.loop_targets):
            return "write", f"{receiver}.save()"
        # DB-API cursor / asyncpg connection
        if receiver in _CURSOR_NAMES and method in _ASYNCPG_READS | {"executescript"}:
            return "read", f"{receiver}.{method}()"
        return None


def _chain_has(node: cst.BaseExpression, method: str, receivers: frozenset[str]) -> bool:
    while isinstance(node, (cst.Call, cst.Attribute)):
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == method:
                parts = dotted_parts(func.value)
                return bool(parts) and parts[-1] in receivers
            node = func
        else:
            node = node.value
    return False


def _chain_has_attr(node: cst.BaseExpression, attr: str) -> bool:
    while isinstance(node, (cst.Call, cst.Attribute)):
        if isinstance(node, cst.Attribute):
            if node.attr.value == attr:
                return True
            node = node.value
        else:
            node = node.func
    return False


def _small_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.List, cst.Tuple, cst.Set)) and len(node.elements) <= 3


def _exits_first_pass(body: cst.BaseSuite) -> bool:
    stmts = body.body if isinstance(body, cst.IndentedBlock) else body.body
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return any(isinstance(s, (cst.Return, cst.Break, cst.Raise)) for s in last.body)
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


class PoolCreatedPerRequest(CstCheck):
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
        self.pending: list[tuple[str, cst.Call, str, str]] = []  # (function, node, sub, what)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.func_stack.append(node.name.value)
        decorators = decorator_names(node)
        self.cached.append(any(d in _CACHED or d.split(".")[-1] in ("lru_cache", "cache") for d in decorators))
        if is_route_handler(node):
            self.routes.add(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.func_stack.pop()
        self.cached.pop()

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted(node.func) or ""
        if name.split(".")[-1] in ("Depends", "Security") and node.args:
            dep = dotted(node.args[0].value)
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
        poolclass = next((a for a in node.args if a.keyword and a.keyword.value == "poolclass"), None)
        if poolclass is not None and (dotted(poolclass.value) or "").endswith("NullPool"):
            self.pending.append((self.func_stack[-1], node, "nullpool", "poolclass=NullPool opens a connection per use"))

    def leave_Module(self, original_node: cst.Module) -> None:
        for func, node, sub, what in self.pending:
            if func in self.routes or func in self.dependencies:
                where = "an endpoint" if func in self.routes else "a request dependency"
                self.report(node, f"{what} on every request in {where} ({func}); create it once at module level "
                                  "or in the app's lifespan and share it",
                            level="note" if sub == "http-client" else None, properties={"sub": sub})

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
    "shutil.copy": "anyio.to_thread.run_sync / asyncio.to_thread",
    "shutil.move": "anyio.to_thread.run_sync / asyncio.to_thread",
    "shutil.rmtree": "anyio.to_thread.run_sync / asyncio.to_thread",
    "builtins.open": "aiofiles or anyio.open_file",
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


class BlockingCallInAsync(CstCheck):
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

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_async = node.asynchronous is not None and not self._startup(node)
        sessions = set()
        for p in (*node.params.params, *node.params.kwonly_params):
            ann = p.annotation
            if ann is not None and (self.ctx.qualname(ann.annotation) or "") in ("sqlalchemy.orm.Session",
                                                                                 "sqlalchemy.orm.session.Session"):
                sessions.add(p.name.value)
        self.frames.append({"async": is_async, "clients": set(), "sessions": sessions, "paths": set()})

    def _startup(self, node: cst.FunctionDef) -> bool:
        if node.name.value in _STARTUP_NAMES:
            return True
        for d in node.decorators:
            dec = d.decorator
            if isinstance(dec, cst.Call) and (dotted(dec.func) or "").endswith("on_event"):
                return True
        return False

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.frames.append({"async": False, "clients": set(), "sessions": set(), "paths": set()})

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.frames.pop()

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        qn = self.ctx.qualname(value.func) or ""
        frame = self.frames[-1] if self.frames else None
        names = frame["clients"] if frame is not None else self.module_clients
        if qn in _SYNC_CLIENTS:
            names.add(target.value)
        elif frame is not None and qn in ("pathlib.Path", "pathlib.PurePath"):
            frame["paths"].add(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted(node.func) or ""
        if name.rsplit(".", 1)[-1] in _OFFLOAD:
            self.offload += 1
        frame = self._frame()
        if frame is None or self.offload and name.rsplit(".", 1)[-1] not in _OFFLOAD:
            return
        what = self._blocking(node, frame)
        if what:
            call, instead = what
            self.report(node, f"blocking call {call}() inside async def {self.ctx.symbol or ''} stalls the event loop; "
                              f"use {instead}, or run it with asyncio.to_thread / run_in_threadpool")

    def leave_Call(self, original_node: cst.Call) -> None:
        if (dotted(original_node.func) or "").rsplit(".", 1)[-1] in _OFFLOAD:
            self.offload -= 1

    def _blocking(self, node: cst.Call, frame: dict) -> tuple[str, str] | None:
        qn = self.ctx.qualname(node.func) or ""
        if qn.startswith(("redis.asyncio", "httpx.Async")):
            return None
        for prefix, instead in _BLOCKING.items():
            if qn == prefix or (prefix.endswith(".") and qn.startswith(prefix)) or \
                    (prefix == "shutil.copy" and qn.startswith("shutil.copy")):
                return qn.replace("builtins.", ""), instead
        if qn.startswith("httpx.") and qn.split(".")[-1] in _HTTPX_SYNC:
            return qn, "httpx.AsyncClient"
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        receiver, method = func.value, func.attr.value
        parts = dotted_parts(receiver) or []
        if isinstance(receiver, cst.Name):
            if receiver.value in frame["clients"] or (receiver.value in self.module_clients and
                                                      not self.ctx.is_local(receiver.value)):
                return f"{receiver.value}.{method}", "the library's asyncio client"
            if receiver.value in frame["sessions"] and method in _SESSION_IO:
                return f"{receiver.value}.{method}", "AsyncSession"
            if receiver.value in frame["paths"] and method in _PATH_IO:
                return f"{receiver.value}.{method}", "aiofiles or anyio.Path"
        if method in _PATH_IO and isinstance(receiver, cst.Call) and \
                (self.ctx.qualname(receiver.func) or "") in ("pathlib.Path", "pathlib.PurePath"):
            return f"Path(...).{method}", "aiofiles or anyio.Path"
        if "objects" in parts[1:] and method in _DJANGO_EVAL and parts[0][:1].isupper():
            return f"{'.'.join(parts)}.{method}", f"the async ORM API (a{method}())"
        if isinstance(receiver, cst.Call) and method in _DJANGO_EVAL:
            inner = receiver
            while isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
                inner = inner.func.value
            chain = dotted_parts(inner) or []
            if len(chain) == 2 and chain[1] == "objects" and chain[0][:1].isupper():
                return f"{chain[0]}.objects...{method}", f"the async ORM API (a{method}())"
        return None
