"""SQL hygiene beyond BA-SQL-001: SQL built where no query call is visible (BA-SQL-002), Django's raw-SQL
escape hatches with constant SQL (BA-SQL-003), and DB sessions/connections that leak or are not rolled
back (BA-SQL-004)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use

import ast

from ..model.blocks import blocks
from .base import AstCheck, FileContext, dotted, iter_nodes
from .sql_text import SqlTextTracker, _is_literal, _sql_arg
from .util import logger_method, run_by_hand

# Statement shapes only: a lower-case "delete from" inside prose ("could not delete from cache") is not SQL,
# so the keyword must open the text or be written in capitals.
_SQL_STATEMENT = re.compile(r"(?s)\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b\s+\S+\s+SET|DELETE\s+FROM)\b")
_SQL_LEADING = re.compile(r"(?is)^\W*(select\b.+\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b")


def looks_like_sql(text: str) -> bool:
    # a statement shows its verb and table early; capping the text keeps `SELECT .+ FROM` linear on a hostile
    # megabyte of "SELECT SELECT ..."
    text = text[:_SQL_SCAN_CHARS]
    if _SQL_STATEMENT.search(text):
        return True
    leading = _SQL_LEADING.search(text)
    return leading is not None and not _prose(leading.group(1))


def _prose(match: str) -> bool:
    """A sentence that opens with the verb rather than a statement: SQL writes its keywords in one case
    (`select`, `SELECT`), a sentence capitalises the first word only (an agent's instruction, `Select 'x' from
    the 'y' dropdown`), and a clause break (`: `, `; `, a dash between blanks) between the verb and `from` is punctuation of
    prose (`select on #id did NOT commit: native select ... from its control`), not a column list."""
    verb = match.split(None, 1)[0].lstrip("(")
    return not (verb.islower() or verb.isupper()) or _CLAUSE_BREAK.search(match) is not None


_CLAUSE_BREAK = re.compile(r"[:;] |\s[\u2013\u2014]\s")
# a command line of a database's own shell client (`psql mydb -tAc "SELECT ..."`): the statement is an argument
# of a program started at a terminal, which binds nothing; whether its values are the program's own is the
# shell command's question (BA-INP rules), not a driver's
_SQL_CLIENT_COMMAND = re.compile(r"^\s*(?:psql|mysql|mariadb|sqlite3|clickhouse-client|sqlcmd)\s")


_SQL_SCAN_CHARS = 2000


class SqlBuiltAwayFromSink(SqlTextTracker):
    """A built SQL statement in a function with no query call: a helper that returns or hands on the text,
    so the sink that runs it is out of sight (catalog §8.3: values crossing functions)."""

    RULE_ID = "BA-SQL-002"
    # statement keywords as SQL is written: capitals, or lower case with the word that follows them
    PREFILTER = ("SELECT", "INSERT", "UPDATE", "DELETE", "select ", "insert into", "delete from", " set ")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.frames: list[dict] = [{"sink": False, "found": []}]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        # Django's `as_sql()` compiles expressions into (sql, params): the values already travel apart
        params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
        self.frames.append({"sink": _COMPILER.match(node.name) is not None, "found": [], "params": params})

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scopes.pop()  # the parent's pending sinks are BA-SQL-001's business, not reported here
        self._flush_frame(self.frames.pop())

    def leave_Module(self, node: ast.Module) -> None:
        self._flush_frame(self.frames.pop())

    def _flush_frame(self, frame: dict) -> None:
        if frame["sink"]:
            return  # the query call is in view: BA-SQL-001 decides
        seen: set[int] = set()
        for expr in frame["found"]:
            if expr.lineno not in seen:
                seen.add(expr.lineno)
                if _SQL_CLIENT_COMMAND.match(self._text(expr)):
                    self.report(expr, "SQL statement inside a command line for a database's shell client (psql, "
                                      "mysql): the client binds no parameters; whether the formatted values are the "
                                      "program's own was not traced", level="note")
                    continue
                if _names_and_clauses(expr, frame.get("params", set())):
                    self.report(expr, "SQL statement built with no query call in this function, formatting in only "
                                      "identifiers (after SELECT, FROM, JOIN, INTO, UPDATE) and clauses the caller "
                                      "hands over joined: the values travel apart, but whether the caller's clauses "
                                      "bind theirs was not traced", level="note")
                    continue
                self.report(expr, "SQL statement built from dynamic values with no query call in this function: "
                                  "whoever runs it cannot bind parameters any more; return the SQL with its "
                                  "parameters (or a SQLAlchemy statement) instead", level=None)

    def _trusted(self, node: ast.AST) -> bool:
        # an imported UPPER_CASE name (`from .config import TABLE_NAME`) is a constant too: the catalog's
        # trusted constants, seen across the import
        if isinstance(node, ast.Name) and node.id.isupper() and self.ctx.imported(node.id) is not None:
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return all(_is_literal(x) or self._trusted(x) for x in (node.left, node.right))
        return super()._trusted(node)

    def _candidate(self, value: ast.AST | None) -> bool:
        # only text-building shapes; a name is judged where it was built
        if not isinstance(value, (ast.JoinedStr, ast.BinOp, ast.Call)):
            return False
        if looks_like_sql(self._text(value)) and self._built(value):
            self.frames[-1]["found"].append(value)
            return True
        return False

    def visit_Assign(self, node: ast.Assign) -> None:
        super().visit_Assign(node)
        self._candidate(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        super().visit_AugAssign(node)
        self._candidate(node.value)

    def visit_Return(self, node: ast.Return) -> None:
        if isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
            self.frames[-1]["sink"] = True  # `return sql, params`: the values already travel apart
        else:
            self._candidate(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        if self._sink(node) is not None:
            self.frames[-1]["sink"] = True
            return
        frame = self.frames[-1]
        before = len(frame["found"])
        for value in [*node.args, *(k.value for k in node.keywords)]:
            self._candidate(value.value if isinstance(value, ast.Starred) else value)
        if len(frame["found"]) > before and (logger_method(node, self.ctx) or _is_exception_call(node)):
            del frame["found"][before:]  # a log line or an error message quoting SQL runs nothing


# the literal text before a formatted piece that puts it where an identifier goes: a column list, a table, a
# schema-qualified name, a quoted identifier
_IDENTIFIER_SLOT = re.compile(r"(?i)(\b(select|distinct|from|join|into|update|table)\s+[`\"\[]?|[`\"\]]?\.[`\"\[]?)$")
# ... and where a condition goes: a WHERE/HAVING/ON clause or a boolean operator, optionally opening a bracket
# (`\s*(?:\(\s*)?`, not `\s*\(?\s*`: two blank runs side by side split a long run of blanks every way, quadratic)
_CLAUSE_SLOT = re.compile(r"(?i)\b(where|having|on|and|or)\s*(?:\(\s*)?$")


def _names_and_clauses(expr: ast.AST, params: set[str]) -> bool:
    """An f-string whose every formatted piece sits where an identifier goes, or is a parameter's list of
    conditions joined (`' OR '.join(clauses)`) where a condition goes: identifiers and SQL fragments, no
    value. A local list of conditions is judged where it was built (BA-SQL-001/002), not here."""
    if not isinstance(expr, ast.JoinedStr):
        return False
    text = ""
    pieces = 0
    for part in expr.values:
        if isinstance(part, ast.Constant):
            text += str(part.value)
            continue
        pieces += 1
        value = part.value if isinstance(part, ast.FormattedValue) else part
        if _CLAUSE_SLOT.search(text):
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "join"
                    and isinstance(value.func.value, ast.Constant) and len(value.args) == 1
                    and isinstance(value.args[0], ast.Name) and value.args[0].id in params):
                return False
        elif not _IDENTIFIER_SLOT.search(text):
            return False
        text += "_"
    return pieces > 0


_COMPILER = re.compile(r"^as_(sql|sqlite|postgresql|mysql|oracle|\w+_sql)$")


def _is_exception_call(node: ast.Call) -> bool:
    name = (dotted(node.func) or "").rpartition(".")[2]
    return name.endswith(("Error", "Exception", "Warning")) or name in ("print", "warn")


_RAWSQL = frozenset({"django.db.models.expressions.RawSQL", "django.db.models.RawSQL"})
_EXTRA_KEYWORDS = frozenset({"select", "where", "tables", "order_by", "params", "select_params"})


class DjangoRawSqlEscapeHatch(SqlTextTracker):
    """`.extra()` / `RawSQL()` with constant SQL: a note to port to ORM expressions (the built ones are
    BA-SQL-001 errors)."""

    RULE_ID = "BA-SQL-003"
    PREFILTER = (".extra(", "RawSQL")

    def _flush(self, scope) -> None:
        return None  # BA-SQL-001's pending sinks: nothing of ours

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "extra":
            if not any(k.arg in _EXTRA_KEYWORDS for k in node.keywords):
                return  # `.extra(...)` of something that is not a QuerySet
            what = "QuerySet.extra()"
        elif self.ctx.qualname(func) in _RAWSQL:
            what = "RawSQL()"
        else:
            return
        sql = _sql_arg(node)
        if sql is not None and self._built(sql):
            return  # built SQL: BA-SQL-001 reports it as an error
        self.report(node, f"{what} is Django's raw-SQL escape hatch (constant SQL here, so not injectable today); "
                          "port it to ORM expressions (filter(), annotate(), F(), Func()) before someone adds a "
                          "placeholder to it")


# --- BA-SQL-004 ------------------------------------------------------------------------------------

_DBAPI_CONNECT = frozenset({"sqlite3.connect", "psycopg.connect", "psycopg2.connect", "pymysql.connect",
                            "MySQLdb.connect", "mysql.connector.connect", "oracledb.connect", "cx_Oracle.connect",
                            "pyodbc.connect", "asyncpg.connect", "aiosqlite.connect", "pg8000.connect",
                            "pg8000.native.Connection", "psycopg.AsyncConnection.connect"})
_SA_SESSIONS = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
                          "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.orm.scoping.scoped_session"})
# Project-local session factories (`SessionLocal = sessionmaker(...)`): named, not imported from a library.
_SESSION_FACTORY = re.compile(r"^(([A-Z]\w*)?Session(Local|Maker|Factory)?|[Ss]ession_?(local|factory|maker)|"
                              r"async_session(_?(local|maker|factory))?)$")
# SQLAlchemy's factory builders: what they return makes sessions, and holds no connection itself
_FACTORY_MAKERS = frozenset({"sessionmaker", "async_sessionmaker"})
_NOT_DB = ("requests", "aiohttp", "httpx", "boto3", "botocore", "aioboto3", "urllib3", "tensorflow", "onnxruntime",
           "grpc", "ftplib", "smtplib", "paramiko", "socket", "http", "zeep", "keystoneauth1", "neo4j", "cassandra")
_BORROWED = re.compile(r"(?i)(get_bind|connection|\bconn\b|^bind$)")  # `bind = op.get_bind()` too
_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
# What a `.commit()` / `.flush()` receiver is called when it is a DB session, connection or transaction; a
# JSON-backed model's `watch.commit()`, a temp file's `tmp.flush()` or GitPython's `repo.index.commit()` is not.
_DB_RECEIVER = re.compile(r"(?i)(session|^s$|^db$|_db$|^db_|conn|cnx|transaction|^tx$|^txn$|cursor|^cur$|engine)")
# A management command runs in its own process, which exits (closing every connection) when the command ends.
_ONE_SHOT_BASES = ("BaseCommand", "LabelCommand", "AppCommand")


class DbLifecycle(AstCheck):
    """Sessions/connections opened into a local and never closed on every path; commits whose broad
    except neither rolls back nor re-raises."""

    RULE_ID = "BA-SQL-004"
    PREFILTER = ("Session", "session", "connect", "commit", "flush")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.opened: list[dict[str, ast.AST]] = []  # per enclosing function: local -> where it was opened
        self.factories: list[set[str]] = []  # per enclosing function: locals holding a sessionmaker()
        self.static_engines: list[set[str]] = []  # per enclosing function: locals holding a StaticPool engine
        self.closed_at_once: set[int] = set()  # ids of the opening statements the very next statement closes

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.opened.append({})
        self.factories.append(set())
        self.static_engines.append(set())

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.factories and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Call) and _factory_maker(self.ctx, node.value.func):
            self.factories[-1].add(node.targets[0].id)  # `session = sessionmaker(bind=engine)`: calls open
        if self.static_engines and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Call) and any(
                    k.arg == "poolclass" and (dotted(k.value) or "").endswith("StaticPool") for k in node.value.keywords):
            self.static_engines[-1].add(node.targets[0].id)  # `engine = create_engine(..., poolclass=StaticPool)`
        self._opened(node, node.targets)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._opened(node, [node.target])

    def _opened(self, node: ast.Assign | ast.AnnAssign, targets: list[ast.AST]) -> None:
        if self.opened and len(targets) == 1 and isinstance(targets[0], ast.Name) and \
                isinstance(node.value, (ast.Call, ast.Await)) and self._opens(node.value) and \
                targets[0].id not in self.opened[-1]:
            self.opened[-1][targets[0].id] = node
            parent = self.ctx.parents[-1] if self.ctx.parents else None
            block = next((b for b in (blocks(parent) if parent is not None else ()) if any(st is node for st in b)),
                         None)
            if block is not None:
                after = block[next(i for i, st in enumerate(block) if st is node) + 1:]
                if after and _closes(after[0], targets[0].id):
                    # `conn = cache.connect()` then at once `conn.close()` (opened only to create the schema):
                    # nothing runs in between that could raise and skip the close
                    self.closed_at_once.add(id(node))

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        opened = self.opened.pop()
        self.factories.pop()
        static = self.static_engines.pop()
        if self._one_shot():
            return
        # the module's top level, read only when needed
        script = (self._script_entry(node) or run_by_hand(self.ctx) or "") if opened else ""
        for name, stmt in opened.items():
            verdict = _lifecycle(node, name)
            value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
            engine = value.func.value if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) else None
            if verdict == "leak" and isinstance(engine, ast.Name) and engine.id in static:
                # a StaticPool engine holds one connection for its whole life and hands out that same one: nothing
                # is taken from a pool, so there is none to drain
                self.report(stmt, f"{name} is opened here and never closed, but from {engine.id}, an engine this "
                                  "function makes with poolclass=StaticPool, whose one connection lives as long as "
                                  "the engine; how often the engine is made was not traced; use "
                                  f"`with ... as {name}:` all the same", rule_id="BA-SQL-004/not-closed", level="note")
            elif verdict == "leak" and script:
                # a script's entry point: one run opens it once, and the process's exit closes it
                runs = f"is what this module's `{script}` block runs" if script.startswith("if __name__") else \
                    f"runs in {script}"
                self.report(stmt, f"{name} is opened here and never closed, but {node.name}() {runs}: the process "
                                  "exits when it returns, which closes the "
                                  "connection; whether anything else calls it repeatedly was not traced; use "
                                  f"`with ... as {name}:` all the same", rule_id="BA-SQL-004/not-closed", level="note")
            elif verdict == "leak":
                self.report(stmt, f"{name} is opened here and never closed, used as a context manager, returned or "
                                  "yielded: each call leaves a connection (and its transaction) open until garbage collection, "
                                  "which drains a pool under load; "
                                  f"use `with ... as {name}:`", rule_id="BA-SQL-004/not-closed")
            elif verdict == "unsafe-close" and id(stmt) not in self.closed_at_once:
                self.report(stmt, f"{name} is closed only on the happy path: an exception before {name}.close() "
                                  "leaks the connection; close it in a finally or use a with block",
                            rule_id="BA-SQL-004/not-closed")

    def _opens(self, value: ast.AST) -> bool:
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        bind = next((k.value for k in value.keywords if k.arg == "bind"), None)
        if bind is not None and _BORROWED.search(self.ctx.segment(bind)):
            return False  # Session(bind=op.get_bind()): the connection belongs to the caller (alembic, an event)
        func = value.func
        qn = self.ctx.qualname(func) or ""
        if qn in _DBAPI_CONNECT or qn in _SA_SESSIONS:
            return True
        if _factory_maker(self.ctx, func):
            return False  # `SQLSession = sessionmaker(engine)`: a factory; the sessions it makes are opened later
        if isinstance(func, ast.Name) and self.factories and func.id in self.factories[-1]:
            return True  # `db_session = session()` of a local `session = sessionmaker(...)`
        if qn and qn.split(".")[0] in _NOT_DB:
            return False
        if isinstance(func, ast.Attribute) and func.attr in ("connect", "raw_connection"):
            receiver = (dotted(func.value) or "").lower()
            return "engine" in receiver.rpartition(".")[2]
        name = dotted(func)
        return bool(name and "." not in name and _SESSION_FACTORY.match(name) and "Client" not in name
                    and not qn.startswith(_NOT_DB) and not self._other_session_class(name))

    def _other_session_class(self, name: str) -> bool:
        """`class MailuSession(CallbackDict, SessionMixin)` in this module: a class named for a session whose
        bases are no database session (a web framework's session dict, a cache's), so an instance holds no
        connection to close. A class subclassing SQLAlchemy's Session, or one imported, is still a DB session."""
        for st in getattr(self.ctx.tree, "body", ()):
            if isinstance(st, ast.ClassDef) and st.name == name:
                return not any((self.ctx.qualname(b) or dotted(b) or "") in _SA_SESSIONS or
                               (self.ctx.qualname(b) or "").startswith(("sqlalchemy", "sqlmodel"))
                               for b in st.bases)
        return False

    def _script_entry(self, node: ast.FunctionDef) -> str:
        """`if __name__ == "__main__": main()` at the module's top level calls this top-level function: the
        module is run as a script. The guard as written, or ""."""
        if self.ctx.function_stack[:-1] or self.ctx.tree is None or \
                any(isinstance(p, ast.ClassDef) for p in self.ctx.parents):
            return ""
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.If) and "__main__" in self.ctx.segment(stmt.test) and \
                    "__name__" in self.ctx.segment(stmt.test) and any(
                        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == node.name
                        for s in stmt.body for n in ast.walk(s)):
                return 'if __name__ == "__main__"'
        return ""

    def _one_shot(self) -> bool:
        """Inside a Django management command class: the process exits when the command ends, so a connection
        closed only on the happy path is released a moment later by the exit."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, ast.ClassDef):
                return any((dotted(b) or "").rpartition(".")[2] in _ONE_SHOT_BASES for b in parent.bases)
        return False

    def _db_receiver(self, call: ast.Call) -> bool:
        """The commit's receiver is evidently a DB session/connection: a local this function opened as one, a
        name that says so, or Django's `transaction` module."""
        receiver = call.func.value  # type: ignore[attr-defined]
        if isinstance(receiver, ast.Name) and self.opened and receiver.id in self.opened[-1]:
            return True
        qn = self.ctx.qualname(receiver) or ""
        if qn.startswith(("django.db", "sqlalchemy", "sqlmodel")) or qn in _DBAPI_CONNECT:
            return True
        name = dotted(receiver)
        if name is None and isinstance(receiver, ast.Call):
            return self._opens(receiver) or _DB_RECEIVER.search(dotted(receiver.func) or "") is not None
        return bool(name and _DB_RECEIVER.search(name.rpartition(".")[2]))

    def _released_after(self, node: ast.Try, commits: list[ast.Call]) -> bool:
        """The committing connection is a local of this function, and after the try it is only closed: the
        failed transaction is discarded by close() and never reused."""
        names = {c.func.value.id for c in commits if isinstance(c.func.value, ast.Name)}  # type: ignore[attr-defined]
        if len(names) != 1 or not self.opened or next(iter(names)) not in self.opened[-1]:
            return False
        name = next(iter(names))
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        body = getattr(parent, "body", None)
        if not isinstance(body, list) or node not in body or not isinstance(parent, (ast.FunctionDef,
                                                                                      ast.AsyncFunctionDef)):
            return False
        closed = False
        for stmt in body[body.index(node) + 1:]:
            for n in iter_nodes([stmt]):
                if isinstance(n, ast.Name) and n.id == name:
                    return False
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "close" and \
                        isinstance(n.func.value, ast.Name) and n.func.value.id == name:
                    closed = True
                    break
        return closed

    def visit_Try(self, node: ast.Try) -> None:
        commits = [n for n in iter_nodes(node.body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                   and n.func.attr in ("commit", "flush") and self._db_receiver(n)]
        if commits:
            # a savepoint block (`async with session.begin_nested():`) rolls back itself, and a session opened by
            # a `with` inside the try is closed (its transaction discarded) before the handler runs
            contained = _self_ending(node.body)
            commits = [c for c in commits if id(c) not in contained]
        if not commits or self._in_begin() or self._released_after(node, commits):
            return
        db_handled = False  # an earlier `except SQLAlchemyError:` that rolls back leaves the catch-all non-DB errors
        for handler in node.handlers:
            rolls_back = any(_rolls_back(n) for n in iter_nodes(handler.body))
            if not self._broad(handler.type):
                db_handled = db_handled or rolls_back and _names_db_error(handler.type)
                continue
            raises = any(isinstance(n, ast.Raise) for n in iter_nodes(handler.body))
            if not rolls_back and not raises and not db_handled:
                message = ("broad except after commit()/flush() neither rolls back nor re-raises: the session "
                           "stays in a failed transaction and the next use fails (or commits half the work); call "
                           "rollback() or re-raise")
                teardown = self._request_scoped(node, handler, commits) or self._last_use(node, handler, commits)
                self.report(handler, f"{message}; {teardown}" if teardown else message,
                            rule_id="BA-SQL-004/no-rollback", key_node=handler.type or handler,
                            level="note" if teardown else None)

    def _last_use(self, node: ast.Try, handler: ast.ExceptHandler, commits: list[ast.Call]) -> str | None:
        """`try: connector.config = {..., "auth_expired": True}; await session.commit() except Exception:
        logger.warning(...)` at the end of the function: neither the handler nor anything after the `try` (nor a
        loop around it) uses the session again here, so the failed transaction only matters if the caller
        reuses the session, which was not traced: a note. Only on a flagged site, so the function is walked
        once per finding, not per file."""
        receivers = {dotted(c.func.value) for c in commits}  # type: ignore[attr-defined]
        if len(receivers) != 1 or None in receivers:
            return None
        receiver = next(iter(receivers))
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return None
        loop = None
        for parent in reversed(self.ctx.parents):
            if parent is func:
                break
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
                loop = parent
                break
        if loop is not None:
            # the next pass runs the loop body again: a use of the session outside this try (a read, another
            # write) meets the failed transaction; the same best-effort commit failing again does not (blind set
            # L's reviewers pinned such loops to note)
            inside = {id(n) for n in iter_nodes([node])}
            rest = [n for n in iter_nodes(loop.body) if id(n) not in inside]
            if any(isinstance(n, (ast.Name, ast.Attribute)) and dotted(n) == receiver for n in rest):
                return None
            return ("the loop's next pass only repeats this commit (nothing else in the loop uses the session): a "
                    "failed transaction fails it again and is caught again; whether the caller reuses the session "
                    "was not traced")
        end = node.end_lineno or node.lineno
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        block = next((b for b in (getattr(parent, f, None) for f in ("body", "orelse", "finalbody"))
                      if isinstance(b, list) and any(st is node for st in b)), [])
        following = next((block[i + 1] for i, st in enumerate(block) if st is node and i + 1 < len(block)), None)
        if isinstance(following, (ast.Return, ast.Raise)):
            later = list(iter_nodes([following]))  # the function leaves right after the try
        else:
            later = [n for n in iter_nodes(func.body) if getattr(n, "lineno", 0) > end]
        later += list(iter_nodes(handler.body))
        if any(isinstance(n, (ast.Name, ast.Attribute)) and dotted(n) == receiver for n in later):
            return None
        return ("nothing after the try in this function uses the session again: whether the caller reuses it in "
                "its failed transaction was not traced")

    def _request_scoped(self, node: ast.Try, handler: ast.ExceptHandler, commits: list[ast.Call]) -> str | None:
        """Flask-SQLAlchemy's `db.session` in a Flask module, where the function returns as soon as the except
        has run (the handler ends in a return, or the `try` has a `finally` that returns): nothing here uses the
        session again, and the extension removes the scoped session (rolling it back) at request teardown.
        Whether a caller uses it again in the same request was not traced, so a note."""
        if not all(dotted(c.func.value) == "db.session" for c in commits) or \
                not any(v.split(".")[0] in ("flask", "flask_sqlalchemy") for v in self.ctx.imports.values()):
            return None
        if any(isinstance(n, ast.Attribute) and dotted(n) == "db.session" for n in iter_nodes(handler.body)):
            return None
        if (handler.body and isinstance(handler.body[-1], ast.Return)) or \
                any(isinstance(st, ast.Return) for st in node.finalbody):
            return ("the function returns at once and Flask-SQLAlchemy removes the scoped session (rolling it back) "
                    "at request teardown: whether a caller uses the session again in the same request was not traced")
        return None

    def _broad(self, kind: ast.AST | None) -> bool:
        if kind is None:
            return True
        kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        return any((self.ctx.qualname(k) or dotted(k) or "") in _BROAD for k in kinds)

    def _in_begin(self) -> bool:
        """Inside `with session.begin():` (or `engine.begin()`): the block rolls back on its own."""
        for parent in self.ctx.parents:
            if isinstance(parent, (ast.With, ast.AsyncWith)):
                for item in parent.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                            call.func.attr in ("begin", "atomic", "begin_nested"):
                        return True
        return False


_SELF_ENDING = frozenset({"begin", "begin_nested", "atomic"})
# Base classes of every database error: a handler naming one sees all of them
_DB_ERRORS = frozenset({"SQLAlchemyError", "DBAPIError", "DatabaseError"})


def _self_ending(body: list[ast.stmt]) -> set[int]:
    """Ids of the nodes inside `with x.begin_nested():` / `begin()` / `atomic()` blocks of a `try` body, and of
    `with make_session() as s:` blocks' uses of `s`: their transaction ends with the block, rolled back on error."""
    out: set[int] = set()
    for n in iter_nodes(body):
        if not isinstance(n, (ast.With, ast.AsyncWith)):
            continue
        for item in n.items:
            call = item.context_expr
            if not isinstance(call, ast.Call):
                continue
            if isinstance(call.func, ast.Attribute) and call.func.attr in _SELF_ENDING:
                out.update(id(m) for m in iter_nodes(n.body))
            elif isinstance(item.optional_vars, ast.Name):
                name = item.optional_vars.id
                out.update(id(m) for m in iter_nodes(n.body) if isinstance(m, ast.Call) and isinstance(
                    m.func, ast.Attribute) and isinstance(m.func.value, ast.Name) and m.func.value.id == name)
    return out


def _rolls_back(node: ast.AST) -> bool:
    """`session.rollback()`, or a helper named for it that is handed the work (`rollback_and_persist_failure(
    self.session, doc, msg)`)."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.attr if isinstance(node.func, ast.Attribute) else (dotted(node.func) or "")
    return name == "rollback" or "rollback" in name.lower() and bool(node.args)


def _names_db_error(kind: ast.AST | None) -> bool:
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind] if kind is not None else []
    return any((dotted(k) or "").rpartition(".")[2] in _DB_ERRORS for k in kinds)


def _factory_maker(ctx: FileContext, func: ast.AST) -> bool:
    return (ctx.qualname(func) or dotted(func) or "").rpartition(".")[2] in _FACTORY_MAKERS


def _lifecycle(fn: ast.AST, name: str) -> str:
    """"ok", "leak" or "unsafe-close" for a local holding a session or connection."""
    closed_in_finally = closed = False
    finally_nodes: set[int] = set()
    for node in iter_nodes(fn.body):
        if isinstance(node, ast.Try):
            for stmt in node.finalbody:
                finally_nodes.update(id(n) for n in iter_nodes(stmt))
    for node in iter_nodes(fn.body):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if _mentions(item.context_expr, name):
                    return "ok"  # with session: / with closing(conn): / with session.begin():
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None and \
                _mentions(node.value, name):
            return "ok"  # handed to the caller (a dependency, a factory)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and \
                _mentions(node.value, name) and not all(isinstance(t, ast.Name) for t in _targets(node)):
            return "ok"  # stored on an object or in a container: its owner closes it
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("close", "aclose", "dispose", "remove") and _mentions(node.func.value, name):
            closed = True
            closed_in_finally = closed_in_finally or id(node) in finally_nodes
        elif isinstance(node, ast.Call) and (dotted(node.func) or "").rpartition(".")[2] in (
                "closing", "aclosing", "push", "callback", "enter_context", "push_async_callback",
                "enter_async_context", "add_done_callback", "register", "append", "add"):
            if any(_mentions(a, name) for a in [*node.args, *(k.value for k in node.keywords)]):
                return "ok"  # ExitStack, atexit, a pool: someone else closes it
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return "ok"
    if closed_in_finally:
        return "ok"
    return "unsafe-close" if closed else "leak"


def _closes(stmt: ast.stmt, name: str) -> bool:
    """`name.close()` (or `await name.close()`) as a statement of its own."""
    value = stmt.value if isinstance(stmt, ast.Expr) else None
    value = value.value if isinstance(value, ast.Await) else value
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
        value.func.attr in ("close", "aclose") and isinstance(value.func.value, ast.Name) and value.func.value.id == name


def _targets(node: ast.AST) -> list[ast.AST]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in iter_nodes(node, skip=()))

