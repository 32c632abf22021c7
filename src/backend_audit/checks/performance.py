"""Performance checks."""

from __future__ import annotations

import libcst as cst

from .base import CstCheck, FileContext, dotted, dotted_parts

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
