"""Fact collectors: plain visitors that record plain-data facts about a file for the project pass.

They run in the same single `ast` walk as the checks, on every parsed file (facts feed whole-repo rules,
so they do not depend on which per-file rules are enabled).
"""

from __future__ import annotations

import ast
import io
from ..checks.lazy_re import re  # compiled on first use
import tokenize

from ..checks.base import FileContext
from .blocks import COMPOUND, blocks, call_args, inline_suite
from .frameworks.common import may_name

# "hc.integrations.email.transport.Email", "paperless.auth.RemoteUserAuthentication", include("users.urls"):
# a module loaded by name
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


_SAVE_SIGNALS = frozenset({"pre_save", "post_save"})


class ImportsCollector:
    """Modules this file imports (absolute, or relative with leading dots): test-to-module mapping. Also the
    dotted module paths its strings name (settings, `import_string` registries), which load modules by name."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.found: list[str] = ctx.facts.setdefault("imports", [])
        self.named: set[str] = set()
        self.entry_named: set[str] = set()
        self.loaded: set[str] = set()
        # `import_module("%s.admin" % app.name)`, `f"{app}.admin"`: the module of that name in each app
        self.suffixes: set[str] = set()
        # `module_path = f"pkg.plugins.{name}"` then `import_module(module_path)`: a name's dotted prefix
        self.prefixes: dict[str, str] = {}
        self.scans = False  # lists a folder (os.listdir, pkgutil.iter_modules, glob): loads what it finds there
        self.commands: set[str] = set()  # call_command("amnotify"): a management command run by name
        # `@receiver(post_save, sender=ProjectLocale)`, `pre_save.connect(f, sender=Entry)`: models whose save
        # signals the project listens to (bulk_create and update() send none)
        self.save_senders: set[str] = set()

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and len(node.value) < 200 and len(self.named) < 500:
            if _DOTTED.fullmatch(node.value):
                self.named.add(node.value)
            elif ":" in node.value and _DOTTED.fullmatch(node.value.partition(":")[0]) and \
                    node.value.partition(":")[2].isidentifier() and len(self.entry_named) < 100:
                # "pkg.admin.module:AdminModule", entry-point style: a module loaded by name (reachability)
                self.entry_named.add(node.value.partition(":")[0])
            elif "=" in node.value:  # a setting written as text: "pinhandling=pkg.pinhandling.base.PinHandler"
                value = node.value.rpartition("=")[2].strip()
                if value.count(".") > 1 and _DOTTED.fullmatch(value):
                    self.named.add(value)

    def visit_Call(self, node: ast.Call) -> None:
        # import_module(f"pkg.plugins.{name}"), __import__("pkg.plugins." + name): the package's modules are
        # loaded by a name chosen at run time
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        self.scans = self.scans or name in _FOLDER_LISTINGS
        if name == "autodiscover_modules" and node.args and isinstance(node.args[0], ast.Constant) and \
                isinstance(node.args[0].value, str) and node.args[0].value.isidentifier():
            self.suffixes.add(node.args[0].value)  # Django's autodiscover_modules("admin"): `<app>.admin` of every app
        # a command's name is its module's, hyphens included (`call_command("import-off-products")`)
        if name == "call_command" and node.args and isinstance(node.args[0], ast.Constant) and \
                isinstance(node.args[0].value, str) and node.args[0].value.replace("-", "_").isidentifier() \
                and len(self.commands) < 20:
            self.commands.add(node.args[0].value)
        if name in ("receiver", "connect") and len(self.save_senders) < 50:
            signal = node.args[0] if name == "receiver" and node.args else \
                func.value if name == "connect" and isinstance(func, ast.Attribute) else None
            signal_name = signal.attr if isinstance(signal, ast.Attribute) else \
                signal.id if isinstance(signal, ast.Name) else None
            sender = next((kw.value for kw in node.keywords if kw.arg == "sender"), None)
            sender_name = sender.attr if isinstance(sender, ast.Attribute) else \
                sender.id if isinstance(sender, ast.Name) else None
            if signal_name in _SAVE_SIGNALS and sender_name:
                self.save_senders.add(sender_name)
        if name not in ("import_module", "__import__") or not node.args:
            return
        arg = node.args[0]
        prefix = self.prefixes.get(arg.id) if isinstance(arg, ast.Name) else _module_prefix(arg)
        if prefix:
            self.loaded.add(prefix)
        suffix = _module_suffix(arg)
        if suffix:
            self.suffixes.add(suffix)

    def visit_Assign(self, node: ast.Assign) -> None:
        prefix = _module_prefix(node.value) if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
            else None
        if prefix and len(self.prefixes) < 50:
            self.prefixes[node.targets[0].id] = prefix

    def leave_Module(self, node: ast.Module) -> None:
        if self.named:
            self.ctx.facts["dotted_names"] = sorted(self.named)
        if self.entry_named:
            self.ctx.facts["entry_names"] = sorted(self.entry_named)
        if self.suffixes:
            self.ctx.facts["loads_module_named"] = sorted(self.suffixes)[:20]
        if self.commands:
            self.ctx.facts["calls_commands"] = sorted(self.commands)
        if self.save_senders:
            self.ctx.facts["save_signal_senders"] = sorted(self.save_senders)
        if self.loaded:
            self.ctx.facts["loads_modules_of"] = sorted(self.loaded)[:20]
            if self.scans:
                self.ctx.facts["scans_modules"] = True

    def visit_Import(self, node: ast.Import) -> None:
        self.found.extend(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * (node.level or 0) + (node.module or "")
        self.found.append(base)
        for alias in node.names:
            if alias.name != "*":
                self.found.append(f"{base}.{alias.name}" if not base.endswith(".") else f"{base}{alias.name}")


# Calls that list a folder's files or a package's modules: with a run-time import_module, a directory scan.
_FOLDER_LISTINGS = frozenset({"listdir", "scandir", "iterdir", "glob", "iglob", "iter_modules", "walk_packages"})


def _module_prefix(arg: ast.expr) -> str | None:
    """`f"pkg.plugins.{name}"`, `"pkg.plugins." + name`: the package a run-time module name is in."""
    first = arg.values[0] if isinstance(arg, ast.JoinedStr) and len(arg.values) == 2 else \
        arg.left if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add) else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.endswith(".") and \
            _DOTTED.fullmatch(first.value[:-1]):
        return first.value[:-1]
    return None


def _module_suffix(arg: ast.expr) -> str | None:
    """`"%s.admin" % app.name`, `f"{app.name}.admin"`, `app.name + ".admin"`: the module name a run-time package
    prefix is completed with."""
    last = None
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod) and isinstance(arg.left, ast.Constant) and \
            isinstance(arg.left.value, str) and arg.left.value.startswith("%s."):
        last = ast.Constant(arg.left.value[2:])
    elif isinstance(arg, ast.JoinedStr) and len(arg.values) == 2 and isinstance(arg.values[0], ast.FormattedValue):
        last = arg.values[1]
    elif isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add) and not isinstance(arg.left, ast.Constant):
        last = arg.right
    if isinstance(last, ast.Constant) and isinstance(last.value, str) and last.value.startswith(".") and \
            last.value[1:].isidentifier():
        return last.value[1:]
    return None


# What a handler answers when its route is switched off: `return response.NotFound()`, `raise Http404`.
_REFUSALS = frozenset({"NotFound", "Http404", "HttpResponseNotFound", "MethodNotAllowed", "HttpResponseNotAllowed",
                       "NotImplementedError"})


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The statements after the docstring."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _tail(node: ast.AST | None) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`pass`, `...` or `raise NotImplementedError`: a declaration to override, with no behaviour of its own."""
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                            and s.value.value is Ellipsis)
               or (isinstance(s, ast.Raise) and _tail(s.exc) in ("NotImplementedError", "NotImplemented"))
               for s in _body(node))


def refuses(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body that only answers "not found" / "not allowed" (`return response.NotFound()`, `raise Http404`,
    `abort(404)`): the route exists for the framework's sake (a router's root listing) and serves nothing."""
    body = _body(node)
    if len(body) != 1:
        return False
    stmt = body[0]
    value = stmt.exc if isinstance(stmt, ast.Raise) else stmt.value if isinstance(stmt, (ast.Return, ast.Expr)) \
        else None
    if _tail(value) in _REFUSALS:
        return True
    return (isinstance(value, ast.Call) and _tail(value) == "abort" and bool(value.args)
            and isinstance(value.args[0], ast.Constant) and value.args[0].value in (404, 405, 501))


def _declaration(stmt: ast.stmt) -> bool:
    """A module-level statement that only declares: imports, definitions, assignments, a docstring, a
    registration call (`admin.site.register(Model, Admin)`), `if TYPE_CHECKING:` and `try: import` blocks."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.Assign, ast.AnnAssign, ast.Pass)):
        return True
    if isinstance(stmt, ast.Expr):
        value = stmt.value
        # `register.generator("bw:book:small", BookSmall)`: a call on the registry object conventionally
        # named `register` (imagekit's, a template Library) declares as much as `admin.site.register(...)`
        on_registry = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            _tail(value.func.value) == "register"
        return isinstance(value, ast.Constant) or _tail(value).endswith("register") or on_registry
    if isinstance(stmt, ast.If):
        # `if "app.amavis" in settings.APPS: register(job, cron=...)`: declarations a setting switches on, as
        # long as the test itself calls nothing
        return (_tail(stmt.test) == "TYPE_CHECKING" or not any(isinstance(n, ast.Call) for n in ast.walk(stmt.test))) \
            and all(map(_declaration, stmt.body + stmt.orelse))
    if isinstance(stmt, ast.Try):
        return all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Assign, ast.Pass))
                   for s in [*stmt.body, *stmt.orelse, *(s for h in stmt.handlers for s in h.body)])
    return False


_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _sets_async_unsafe(body: list[ast.stmt]) -> int:
    """The line of `os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"` (or `os.environ.setdefault(...)`) in
    code run on import (module level, `if __name__ == "__main__":`), to a non-empty value; 0 if none."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for n in ast.walk(stmt):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript):
                target, key, value = n.targets[0].value, n.targets[0].slice, n.value
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                    n.func.attr == "setdefault" and len(n.args) == 2:
                target, key, value = n.func.value, n.args[0], n.args[1]
            else:
                continue
            if _tail(target) == "environ" and isinstance(key, ast.Constant) and key.value == _ASYNC_UNSAFE and \
                    isinstance(value, ast.Constant) and value.value:
                return n.lineno
    return 0


class ModuleShapeCollector:
    """How much a module holds, for the test-presence rules: statement and definition counts, the line
    ranges of function bodies (coverage inside a body means a test ran the code, not just imported it), how
    many functions do something (`working_functions`: not `pass`, `...` or `raise NotImplementedError`) and
    which only refuse the request (`refusing`: qualified names)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.facts = ctx.facts
        self.facts.update(statements=0, definitions=0, function_bodies=[], working_functions=0)
        self.depth = 0

    def _small(self, block: list[ast.stmt]) -> None:
        if not inline_suite(self.ctx, block):
            self.facts["statements"] += sum(1 for s in block if not isinstance(s, COMPOUND))

    def visit_Module(self, node: ast.Module) -> None:
        self._small(node.body)
        # an alembic revision, wherever its folder is (`revisions/tenant/versions/`): it names its place in
        # the chain at module level
        assigned = {t.id for s in node.body if isinstance(s, (ast.Assign, ast.AnnAssign))
                    for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) if isinstance(t, ast.Name)}
        defined = {s.name for s in node.body if isinstance(s, ast.FunctionDef)}
        if {"revision", "down_revision"} <= assigned and "upgrade" in defined:
            self.facts["alembic_revision"] = True
            # the revisions it builds on (a merge names several): BA-MIG-002 asks which revisions others follow
            down = [s.value for s in node.body if isinstance(s, ast.Assign) and s.value is not None
                    and any(isinstance(t, ast.Name) and t.id == "down_revision" for t in s.targets)]
            parents = [n.value for v in down[:1] for n in ast.walk(v)
                       if isinstance(n, ast.Constant) and isinstance(n.value, str)][:8]
            if parents:
                self.facts["alembic_down"] = parents
        if any(not _declaration(s) for s in node.body):
            self.facts["module_code"] = True  # a script: it does things when run, not only declares them
        if any(_main_guard(s) for s in node.body) or may_name(self.ctx.text, "argv") and any(
                isinstance(n, ast.Attribute) and n.attr == "argv" and isinstance(n.value, ast.Name) and n.value.id == "sys"
                for s in node.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                for n in ast.walk(s)):
            self.facts["runs_as_script"] = True  # `if __name__ == "__main__":`, or `sys.argv` read at import
        if self.ctx.path.rsplit("/", 1)[-1] == "conf.py" and {"extensions", "html_theme"} & assigned:
            self.facts["sphinx_conf"] = True  # Sphinx's configuration: read by sphinx-build, not the app
        if len(assigned & _GUNICORN_SETTINGS) >= 3 and {"bind", "workers", "worker_class"} & assigned and \
                defined <= _GUNICORN_HOOKS:
            self.facts["server_config"] = True  # gunicorn's `-c` file: settings and hooks the server reads by name
        if {"build_wheel", "build_sdist"} <= defined:
            self.facts["build_backend"] = True  # PEP 517's mandatory hooks: packaging, run by the build frontend
        if _settings_like(node.body):
            self.facts["settings_like"] = True
        if "additionalProperties" in self.ctx.text:
            schemas = json_schemas(node.body)
            if schemas:
                # BA-INP-002 asks whether a handler's input schema, perhaps imported, admits unknown keys
                self.facts["json_schemas"] = schemas
        if _ASYNC_UNSAFE in self.ctx.text:
            line = _sets_async_unsafe(node.body)
            if line:
                # the program this module starts opted out of Django's guard against the sync ORM in async
                # code (BA-PERF-001 reads it)
                self.facts["allows_async_unsafe"] = line

    def _count_compound(self, node: ast.stmt) -> None:
        self.facts["statements"] += 1
        for block in blocks(node):
            self._small(block)

    # the ast walk dispatches on the attribute name, so one method serves every compound statement
    visit_If = visit_For = visit_While = visit_With = visit_Try = visit_Match = _count_compound

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._count_compound(node)
        if self.depth == 0:
            self.facts["definitions"] += 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._count_compound(node)
        if self.depth == 0:
            self.facts["definitions"] += 1
        if not inline_suite(self.ctx, node.body):
            # the body starts at its first statement; a decorated def there at its `def` line, as libcst counted
            self.facts["function_bodies"].append([node.body[0].lineno, node.end_lineno])
        if not is_stub(node):
            self.facts["working_functions"] += 1
        if refuses(node):
            self.facts.setdefault("refusing", []).append(self.ctx.symbol)
        self.depth += 1

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth -= 1


def json_schemas(body: list[ast.stmt]) -> dict[str, object]:
    """Module-level JSON schemas: name -> True when its top level forbids unknown keys (`"additionalProperties":
    False`), False when it admits them, or the name it copies (`X = copy.deepcopy(Y)`, `X = Y`). A later
    `X["additionalProperties"] = ...` at module level decides too."""
    out: dict[str, object] = {}
    for stmt in body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name):
            if isinstance(value, ast.Dict):
                closed = next((v for k, v in zip(value.keys, value.values)
                               if isinstance(k, ast.Constant) and k.value == "additionalProperties"), None)
                if closed is not None or "properties" in {k.value for k in value.keys if isinstance(k, ast.Constant)}:
                    out[target.id] = isinstance(closed, ast.Constant) and closed.value is False
            elif isinstance(value, ast.Name):
                out[target.id] = {"copy": value.id}
            elif isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.args[0], ast.Name) and \
                    (getattr(value.func, "attr", None) or getattr(value.func, "id", None)) in ("deepcopy", "copy", "dict"):
                out[target.id] = {"copy": value.args[0].id}
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                isinstance(target.slice, ast.Constant) and target.slice.value == "additionalProperties":
            out[target.value.id] = isinstance(value, ast.Constant) and value.value is False
    # copies are kept only in a module of schemas: any `A = B` elsewhere is not one
    return out if any(isinstance(v, bool) for v in out.values()) else {}


def config_key(node: ast.AST) -> str | None:
    """`app.config["LOGIN_VIEW"]`, `current_app.config.get("LOGIN_VIEW")`: the key of a Flask config read."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "config":
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
            isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "config" and node.args:
        key = node.args[0]
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


# gunicorn reads its config file's module-level names: settings, and server hooks it calls by name
_GUNICORN_SETTINGS = frozenset({
    "bind", "workers", "worker_class", "worker_connections", "threads", "timeout", "graceful_timeout", "keepalive",
    "backlog", "accesslog", "errorlog", "loglevel", "access_log_format", "preload_app", "max_requests",
    "max_requests_jitter", "daemon", "pidfile", "proc_name", "wsgi_app", "forwarded_allow_ips", "umask",
    "tmp_upload_dir", "limit_request_line", "worker_tmp_dir", "reload", "capture_output", "spew"})
_GUNICORN_HOOKS = frozenset({
    "on_starting", "on_reload", "when_ready", "pre_fork", "post_fork", "post_worker_init", "worker_int",
    "worker_abort", "pre_exec", "pre_request", "post_request", "child_exit", "worker_exit", "nworkers_changed",
    "on_exit", "ssl_context"})


def _settings_like(body: list[ast.stmt]) -> bool:
    """A configuration module: at least ten UPPER_CASE module-level assignments making three quarters of what
    it does beside imports and its docstring (Flask's `from_pyfile` file, a deployment's settings)."""
    upper = other = 0
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) or (
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, ast.AnnAssign) else []
        if targets and all(isinstance(t, ast.Name) and t.id.isupper() for t in targets):
            upper += 1
        else:
            other += 1
    return upper >= 10 and upper >= 3 * other


def _class_ref(node: ast.AST) -> str | None:
    """`ApiKeyList`, `views.ApiKeyList`: the name of a class a call is given (CapWords by convention)."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name if name[:1].isupper() and not name.isupper() and name.isidentifier() else None


def _main_guard(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__" and \
        any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")
_URL_CALLS = frozenset({"url_for", "reverse", "reverse_lazy", "url_path_for", "resolve_url"})


def _fstring_template(token: str) -> str:
    """An f-string token's text as written (escapes and `{{` kept, as libcst's FormattedStringText has it),
    each placeholder as `{}`."""
    start = next(i for i, c in enumerate(token) if c in "'\"")
    quote = token[start:start + 3] if token[start:start + 3] in ("'''", '"""') else token[start]
    body = token[start + len(quote):len(token) - len(quote)]
    out: list[str] = []
    depth, i, in_string = 0, 0, ""
    while i < len(body):
        c = body[i]
        if depth == 0:
            if c in "{}" and body[i + 1:i + 2] == c:
                out.append(c * 2)
                i += 2
                continue
            if c == "{":
                depth = 1
                out.append("{}")
            else:
                out.append(c)
        elif in_string:
            in_string = "" if c == in_string else in_string
        elif c in "'\"":
            in_string = c
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
        i += 1
    return "".join(out)


def _string_parts(ctx: FileContext, node: ast.AST) -> list[str | None]:
    """The templates of the literals an implicitly concatenated string is written as (libcst saw each one:
    `"/api/" "users"` is two strings there, one Constant here). None for a bytes part."""
    try:
        tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(f"({ctx.segment(node)})").readline)
                  if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    if not tokens:
        return [node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None]
    out: list[str | None] = []
    for token in tokens:
        if "f" in token[:next(i for i, c in enumerate(token) if c in "'\"")].lower():
            out.append(_fstring_template(token))
        else:
            try:
                value = ast.literal_eval(token)
            except (ValueError, SyntaxError):
                value = None
            out.append(value if isinstance(value, str) else None)
    return out


def _template(ctx: FileContext, node: ast.AST) -> str | None:
    """A string's text with each f-string placeholder as `{}`; None for anything that is not a string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = _string_parts(ctx, node)
        return None if any(p is None for p in parts) else "".join(parts)
    return None


_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


def _format_template(ctx: FileContext, node: ast.AST, local: dict[str, str]) -> str | None:
    """`"{}:{}-detail".format(ns, name)` (or a local string's `.format`) as the template `{}:{}-detail`;
    a doubled brace stays one placeholder for a later format."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"):
        return None
    base = node.func.value
    text = local.get(base.id) if isinstance(base, ast.Name) else _template(ctx, base)
    if not text:
        return None
    return _FORMAT_FIELD.sub("{}", text)


# A GraphQL document: `query Name(...) {`, `mutation {`, or an anonymous `{ field ... }`.
_GRAPHQL = re.compile(r"\s*(?:(?:query|mutation|subscription)\b[^{]*)?\{\s*[A-Za-z_]")
# names a document selects or calls: `field(`, `field {`, and the operation's own name
_GRAPHQL_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*[({]")
_GRAPHQL_WORDS = frozenset({"query", "mutation", "subscription", "fragment", "on"})


# A module outside the test paths that imports one of these is test support code (netbox's
# `utilities/testing/`: the generic test base classes that request every model's views).
_TEST_FRAMEWORKS = ("django.test", "rest_framework.test", "fastapi.testclient", "starlette.testclient",
                    "flask.testing", "pytest", "unittest")


_SETTINGS_DECORATORS = frozenset({"override_settings", "modify_settings"})

# A request through a test client: `client.get("wallet")`, `self.client.post(...)`, `TestClient(app).get(...)`,
# or a test base class's request helper, `self.get("wallet")`.
_CLIENT_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_RELATIVE_URL = re.compile(r"[A-Za-z0-9_][^\s]*")
# `subprocess.Popen(["python3", "worker.py"])`, `run("python app/worker.py")`: a Python file a test starts
_INTERPRETER = re.compile(r"(?:\S*/)?python[\d.]*(?:\s|$)")
_SCRIPT_RUN = re.compile(r"(?:^|\s)((?:[\w.-]+/)*[\w-]+\.py)(?:\s|$)")


def _client_request(node: ast.Call, name: str) -> bool:
    if not isinstance(node.func, ast.Attribute):
        return False
    if name not in _CLIENT_VERBS:
        # `self.get_404("data/x")`, `self.post_json("data/x", ...)`: a test base class's request helper named
        # for its verb and one word of what it checks; `self.get_fixture_path("a/b")` (several words) is not
        verb, _, word = name.partition("_")
        if verb not in _CLIENT_VERBS or verb == "request" or not word.isalnum() or not word.islower() and \
                not word.isdigit():
            return False
        receiver = node.func.value
        return isinstance(receiver, ast.Name) and receiver.id == "self" and _slashed(node)
    receiver = node.func.value
    if isinstance(receiver, ast.Call):
        receiver = receiver.func
    tail = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) \
        else ""
    # `self.get("data/x")` in a test: no test framework's case has HTTP verbs of its own, so they are the
    # project's request helpers on its test base class (which pass the path on to a test client)
    return "client" in tail.lower() or (tail == "self" and name != "request" and _slashed(node))


def _request_verb(call: ast.AST, arg: ast.AST) -> str | None:
    """`client.put(arg, ...)`: the HTTP verb a test client's call requests its first argument with."""
    if not (isinstance(call, ast.Call) and call.args and call.args[0] is arg and isinstance(call.func, ast.Attribute)):
        return None
    name = call.func.attr
    return name.upper() if name in _VERBS and _client_request(call, name) else None


_VERBS = frozenset({"get", "post", "put", "patch", "delete"})


def _slashed(node: ast.Call) -> bool:
    """The first argument is a string with a slash in its literal text: a path, not a key (`self.get("x")`)."""
    first = node.args[0] if node.args else None
    parts = [first] if isinstance(first, ast.Constant) else first.values if isinstance(first, ast.JoinedStr) else []
    return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and "/" in p.value for p in parts)


def _imports_test_framework(tree: ast.Module | None, path: str = "") -> bool:
    # `override_settings` alone makes test support only in a testing package (netbox's utilities/testing/);
    # elsewhere a management command may run under DEBUG=False with it
    in_testing = any("test" in part.lower() for part in path.split("/")[:-1])
    for node in tree.body if tree is not None else ():
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        for name in names:
            # `from unittest import mock` is how application code fakes things, not a test
            if name == "unittest" and isinstance(node, ast.ImportFrom) and \
                    all(a.name == "mock" for a in node.names):
                continue
            if not in_testing and name in ("django.test", "django.test.utils") and \
                    isinstance(node, ast.ImportFrom) and all(a.name in _SETTINGS_DECORATORS for a in node.names):
                continue
            if any(name == m or name.startswith(m + ".") for m in _TEST_FRAMEWORKS) and name != "unittest.mock":
                return True
    return _runs_a_test_runner(tree, path)


def _runs_a_test_runner(tree: ast.Module | None, path: str) -> bool:
    """A script named for running tests (`quicktest.py`, `runtests.py`) that imports Django's test runner where
    it runs it (inside a function, after `settings.configure(...)`): its settings are the test run's. Only
    such names are walked whole, so other modules pay nothing."""
    stem = path.rpartition("/")[2][:-3].lower() if path.endswith(".py") else ""
    if tree is None or "test" not in stem:
        return False
    return any(isinstance(node, ast.ImportFrom) and node.module in ("django.test.runner", "django.test.utils") and
               any(a.name in ("DiscoverRunner", "get_runner") for a in node.names) for node in ast.walk(tree))


# Test code the configured test paths miss, known by what it is: a module named as a test (`e2e_test_x.py`,
# `x_tests.py`) that defines tests (`test_*` functions or methods) and lives in a test folder (`tests_e2e/`,
# `api_tests/`) or drives a browser (linkding's Playwright suite, run with `-o python_files=e2e_test_*.py`).
_TEST_STEM = re.compile(r"(?:^|_)tests?(?:_|$)")
_TEST_FOLDER = re.compile(r"(?:^|[_-])tests?(?:[_-]|$)")
_BROWSER_DRIVERS = ("playwright", "selenium", "splinter")


def _test_module(tree: ast.Module | None, path: str) -> bool:
    folders, _, name = path.rpartition("/")
    if tree is None or not name.endswith(".py") or not _TEST_STEM.search(name[:-3]):
        return False
    in_folder = any(_TEST_FOLDER.search(part) for part in folders.split("/") if part)
    if not in_folder and not any(
            (a.name if isinstance(node, ast.Import) else node.module or "").split(".")[0] in _BROWSER_DRIVERS
            for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            for a in (node.names if isinstance(node, ast.Import) else node.names[:1])):
        return False
    for node in tree.body:
        body = node.body if isinstance(node, ast.ClassDef) else [node]
        if any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test_") for f in body):
            return True
    return False


def is_test_support(tree: ast.Module | None, path: str) -> bool:
    """Test code outside the configured test paths: a module that imports a test framework (a test-case base
    class in `users/test.py`, netbox's `utilities/testing/`) or is named as a test and defines tests."""
    return _imports_test_framework(tree, path) or _test_module(tree, path)


class TestRefsCollector:
    """In test files and test support modules only: what a test could use to reach an endpoint (URL strings,
    route names given to url_for/reverse, names it calls). Feeds BA-TEST-005; other files pay nothing."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.active = ctx.is_test
        if not ctx.is_test and is_test_support(ctx.tree, ctx.path):
            self.active = True
            ctx.facts["test_support"] = True
        # `reverse(url_format.format(action))`: a route name computed from what the test class declares;
        # where a test does this the rule cannot tell which routes it requests (lines, first few)
        self.computed_names: list[int] = []
        self.commands: set[str] = set()
        self.urls: set[str] = set()
        self.route_names: set[str] = set()
        self.calls: set[str] = set()
        self.graphql: set[str] = set()  # operation and field names a GraphQL document in a test asks for
        # `name = f"{ns}:{model}-detail"` then `reverse(name)`: the URL name a generic test base builds
        self.local_strings: dict[str, str] = {}
        self.selected: set[str] = set()
        self.requests: set[str] = set()  # "DELETE /perm/{}": a joined URL a test client requests with a verb
        self.config_names: set[tuple[str, int]] = set()
        self.scripts: set[str] = set()  # Python files a test names to run them (`["python3", "worker.py"]`)
        # `from rest_framework.reverse import reverse as drf_reverse`: the URL call under the test's own name
        self.url_aliases: set[str] = set()
        # `f"{self.URL}/{pk}/pull"` in a test class: (class, attribute, the rest, verb), joined in the project
        # pass with the attribute's value in each test class that inherits the method (test_reach)
        self.class_urls: set[tuple[str, str, str, str]] = set()
        if self.active:
            ctx.facts["test_refs"] = {}
        self.facts = ctx.facts

    def _strings(self, node: ast.AST) -> None:
        parts = _string_parts(self.ctx, node)
        if len(parts) > 1 and all(parts):
            # `f"/data/projects/{pid}" f"/settings/automations"`: one URL split over lines, as Python joins it
            parts = [*parts, "".join(parts)]
        for text in parts:
            if text and "/" in text and len(text) < 400 and not any(c.isspace() for c in text):
                self.urls.add(text)

    def visit_Constant(self, node: ast.Constant) -> None:
        # a slash-free string has no slashed part; the text pieces of an f-string are the f-string's
        if self.active and isinstance(node.value, str) and not isinstance(self.ctx.parents[-1], ast.JoinedStr):
            if ".py" in node.value and len(node.value) < 200 and len(self.scripts) < 50 and self._runs(node):
                self.scripts.update(_SCRIPT_RUN.findall(node.value))
            if "/" in node.value:
                self._strings(node)
            elif "{" in node.value and _GRAPHQL.match(node.value):
                self.graphql.update(n for n in _GRAPHQL_FIELD.findall(node.value) if n not in _GRAPHQL_WORDS)

    def _runs(self, node: ast.Constant) -> bool:
        """The file name is handed to a Python interpreter: `"python worker.py"`, or a list beside `"python3"` or
        `sys.executable` (`["python3", "worker.py"]`). A bare name elsewhere (a list of files a test skips) runs
        nothing."""
        if _INTERPRETER.match(node.value):
            return True
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(parent, (ast.List, ast.Tuple)) and any(
            isinstance(e, ast.Constant) and isinstance(e.value, str) and _INTERPRETER.match(e.value)
            or isinstance(e, ast.Attribute) and e.attr == "executable" for e in parent.elts[:3])

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if not self.active:
            return
        parent = self.ctx.parents[-1]
        if isinstance(parent, ast.FormattedValue) and parent.format_spec is node:
            return  # a format spec is part of its placeholder
        if any(isinstance(p, ast.Constant) and "/" in p.value for p in node.values):
            self._strings(node)
        self._class_url(node, parent)

    def _class_url(self, node: ast.AST, parent: ast.AST) -> None:
        """A URL whose base is an attribute of the test class (`self.URL`, `f"{self.URL}/{pk}"`): which value
        it has depends on the subclass running the inherited test, so the class, attribute and tail are kept."""
        head = node.values[0] if isinstance(node, ast.JoinedStr) and node.values else node
        base = head.value if isinstance(head, ast.FormattedValue) and not head.format_spec else head
        if not (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id in ("self", "cls")
                and base.attr.isupper() and len(self.class_urls) < 2000):
            return
        owner = [c.name for c in self.ctx.parents if isinstance(c, ast.ClassDef)]
        tail = node.values[1:] if isinstance(node, ast.JoinedStr) else []
        rest = "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}" for v in tail)
        if owner and (rest.startswith("/") or not rest) and len(rest) < 400 and not any(c.isspace() for c in rest):
            self.class_urls.add((".".join(owner), base.attr, rest, _request_verb(parent, node) or ""))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        """`'/group/' + group_id + '/user/' + user_id`: a URL joined with `+`, each value as a placeholder
        (`/group/{}/user/{}`), as an f-string would write it. The whole chain once, at its outermost `+`."""
        if not self.active or not isinstance(node.op, ast.Add):
            return  # application files pay one attribute read per `+`
        parent = self.ctx.parents[-1]
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            return
        parts: list[str] = []
        todo: list[ast.AST] = [node]
        while todo and len(parts) < 20:
            item = todo.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Add):
                todo += [item.right, item.left]  # popped left first: the parts in reading order
            elif isinstance(item, ast.Constant) and isinstance(item.value, str):
                parts.append(item.value)
            elif isinstance(item, ast.JoinedStr):
                parts.append(_template(self.ctx, item) or "{}")
            elif isinstance(item, ast.Constant):
                return  # arithmetic, not a URL
            else:
                parts.append("{}")
        text = "".join(parts)
        # what names the path: `reverse("login") + "?next=/"` has no literal path of its own
        literal = text.split("?", 1)[0].split("#", 1)[0].replace("{}", "")
        if todo or "/" not in literal or not any(c.isalnum() for c in literal) or len(text) >= 400 or \
                any(c.isspace() for c in text):
            return
        verb = _request_verb(parent, node)
        if verb:  # `client.delete('/perm/' + pid)` reaches the routes serving DELETE there, not every verb's
            self.requests.add(f"{verb} {text}")
        else:
            self.urls.add(text)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.local_strings.clear()

    def _selects(self, value: ast.AST) -> None:
        """`slot_entry.class_name = "dummy"`, `make(kind="dummy")`: a name a test picks, which code that loads
        modules by name may load."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and len(self.selected) < 1000 and \
                _IDENTIFIER.fullmatch(value.value):
            self.selected.add(value.value)

    def visit_keyword(self, node: ast.keyword) -> None:
        if self.active:
            self._selects(node.value)

    def visit_List(self, node: ast.List) -> None:
        # `'PLUGINS': ['remote_ip', 'blackout']`: the plugins a test's app config enables by name
        if self.active:
            for item in node.elts[:50]:
                self._selects(item)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.active and any(isinstance(t, ast.Attribute) for t in node.targets):
            self._selects(node.value)
        if self.active and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            text = _template(self.ctx, node.value)
            if text:
                self.local_strings[node.targets[0].id] = text
            else:
                self.local_strings.pop(node.targets[0].id, None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if self.active:
            self.url_aliases.update(a.asname for a in node.names if a.asname and a.name in _URL_CALLS)

    def visit_Call(self, node: ast.Call) -> None:
        if not self.active:
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name is None:
            return
        self.calls.add(name)
        if name in self.url_aliases:
            name = "reverse"
        if name == "call_command" and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            self.commands.add(node.args[0].value)  # a management command run by name
        if _client_request(node, name):
            self._relative_url(node, name)
            if node.args and isinstance(node.args[0], ast.Attribute):
                self._class_url(node.args[0], node)
        args = call_args(node) if name in _URL_CALLS else ()
        if args:
            first = (self.local_strings.get(args[0].id) if isinstance(args[0], ast.Name)
                     else _format_template(self.ctx, args[0], self.local_strings) or _template(self.ctx, args[0]))
            key = config_key(args[0]) if not first else None
            resource = _class_ref(args[0]) if not first and name == "url_for" else None
            if first:
                self.route_names.add(first)
            elif resource:
                # Flask-RESTful's `api.url_for(ApiKeyList)`: the URL of the Resource class it is given
                self.route_names.add(resource)
            elif key and len(self.config_names) < 20:
                self.config_names.add((key, node.lineno))  # url_for(app.config["LOGIN_VIEW"]): the project pass reads the value
            elif len(self.computed_names) < 3:
                self.computed_names.append(node.lineno)

    def _relative_url(self, node: ast.Call, name: str) -> None:
        """A test client joins a URL without a leading slash onto its base URL (httpx's `base_url`, the
        Starlette and Django clients' host): `client.get("wallet")` requests `/wallet`."""
        index = 1 if name == "request" else 0
        arg = node.args[index] if len(node.args) > index else \
            next((kw.value for kw in node.keywords if kw.arg in ("url", "path")), None)
        text = _template(self.ctx, arg) if arg is not None else None
        if text and len(text) < 400 and "://" not in text and _RELATIVE_URL.fullmatch(text):
            self.urls.add("/" + text)

    def leave_Module(self, node: ast.Module) -> None:
        if self.active:
            self.facts["test_refs"] = {"urls": sorted(self.urls), "route_names": sorted(self.route_names),
                                       "calls": sorted(self.calls)}
            if self.graphql:
                self.facts["test_refs"]["graphql"] = sorted(self.graphql)
            if self.computed_names:
                self.facts["test_refs"]["computed_names"] = self.computed_names
            if self.commands:
                self.facts["test_refs"]["commands"] = sorted(self.commands)
            if self.selected:
                self.facts["test_refs"]["selected"] = sorted(self.selected)
            if self.requests:
                self.facts["test_refs"]["requests"] = sorted(self.requests)
            if self.scripts:
                self.facts["test_refs"]["scripts"] = sorted(self.scripts)
            if self.class_urls:
                self.facts["test_refs"]["class_urls"] = [list(k) for k in sorted(self.class_urls)]
            if self.config_names:
                self.facts["test_refs"]["config_names"] = [list(k) for k in sorted(self.config_names)]


# A hand-written ASGI/WSGI wrapper or middleware answering a probe path before the framework routes:
# `if scope["path"] == "/healthz":`, `environ["PATH_INFO"] == "/ping"`, `request.path == "/health/"`.
_PROBE_LITERAL = re.compile(r"""["']/(?:[\w.-]+/)*(?:health|healthz|healthcheck|health-check|livez|readyz|ping|"""
                            r"""liveness|readiness)/?["']""")
_PATH_READ = re.compile(r"""scope\[\s*["']path["']\s*\]|PATH_INFO|\.path(?:_info)?\b""")
# A service-status or probe route literal (`"/status"`, `"/api/v1/status.txt"`, `"/healthz"`), often registered through a project's
# own route table that the endpoint inventory does not read (`routes = [("/status", StatusResource)]`).
_STATUS_LITERAL = re.compile(r"""["']/(?:api/)?(?:v\d+/)?(?:status|health|healthz|healthcheck|health-check|livez|"""
                             r"""readyz|ping)(?:\.txt|\.json)?/?["']""")
_STATUS_HINTS = ("/status", "/health", "/ping", "/livez", "/readyz")


class ProbeWrapperCollector:
    """`probe_wrapper` (set only when true): a line compares the request path with a health-probe literal;
    `status_route`: the first service-status path literal of a non-test module (BA-REL-001 lowers its level).
    Read from the text here, once per analysed file, rather than by BA-REL-001 re-reading every module."""

    def __init__(self, ctx: FileContext) -> None:
        text = ctx.text
        if not ctx.is_test and any(h in text for h in _STATUS_HINTS):
            m = _STATUS_LITERAL.search(text)
            if m:
                ctx.facts["status_route"] = m.group(0).strip("'\"")
        for m in _PROBE_LITERAL.finditer(text):
            line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
            if _PATH_READ.search(line):
                ctx.facts["probe_wrapper"] = True
                return


def collectors() -> list[type]:
    from . import frameworks
    from .django_settings import SettingsCollector
    from .api_surface import ApiSurfaceFacts
    from .evidence import EvidenceCollector
    from .raises import RaisesCollector
    from .references import ReferencesCollector
    from .semantic.summary import SemanticSummary
    from .spawned import SpawnedCommandsCollector
    from .taint.collector import TaintCollector
    from .traceback_text import TracebackTextCollector

    return [ImportsCollector, ModuleShapeCollector, TestRefsCollector, *frameworks.collectors(), SettingsCollector,
            SemanticSummary, ApiSurfaceFacts, EvidenceCollector, TaintCollector, RaisesCollector,
            ProbeWrapperCollector, SpawnedCommandsCollector, TracebackTextCollector, ReferencesCollector]
