"""Shared recognisers from the rule catalog §1.4 (logger calls, literals, CLI modules), used by many checks."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import ast

from .base import FileContext, dotted, dotted_parts, iter_nodes

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
_LOGGER_NAME = re.compile(r"^_?(log|logger|LOG|LOGGER|logging)$")
_LOGGER_FACTORIES = ("logging.getLogger", "structlog.get_logger", "structlog.getLogger")


def is_literal_string(node: ast.AST | None) -> bool:
    """A string constant, or an f-string without placeholders (implicit concatenation is one Constant)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return not any(isinstance(p, ast.FormattedValue) for p in node.values)
    return False


def literal_text(node: ast.AST | None) -> str:
    """The constant text of a string expression (placeholders dropped); "" for non-strings."""
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, str) else value.decode("latin-1") if isinstance(value, bytes) else ""
    if isinstance(node, ast.JoinedStr):
        return "".join(p.value for p in node.values if isinstance(p, ast.Constant) and isinstance(p.value, str))
    return ""


def logger_method(call: ast.Call, ctx: FileContext, logger_names: frozenset[str] = frozenset()) -> str | None:
    """The logging method name when `call` is a logger call (catalog §1.4), else None."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return None
    receiver = func.value
    qn = ctx.qualname(receiver)
    # logfire's module-level functions log like a logger (`logfire.error(..., _exc_info=True)`)
    if qn in ("logging", "loguru.logger", "logfire") or (qn and qn.startswith("structlog")):
        return func.attr
    parts = dotted_parts(receiver)
    if parts is None:
        # logging.getLogger(__name__).info(...) / structlog.get_logger().info(...)
        if isinstance(receiver, ast.Call) and (ctx.qualname(receiver.func) or "") in _LOGGER_FACTORIES:
            return func.attr
        return None
    name = parts[-1]
    if _LOGGER_NAME.match(name) or name in logger_names:
        return func.attr
    if parts[-2:] == ["current_app", "logger"] or parts == ["self", "log"]:
        return func.attr
    if name in ctx.facts.get("logger_names", ()):
        return func.attr
    return None


# click and the drop-in packages built on it (`import rich_click as click`), typer, argparse
_CLI_PACKAGES = frozenset({"click", "rich_click", "asyncclick", "cloup", "typer", "argparse"})


_CLI_PROGRAM = "a command of a command-line program"
# what outside_product() and quality's per-function check call a command a person runs at a terminal
RUN_FROM_TERMINAL = f"{_CLI_PROGRAM} run from a terminal"


def shipped_outside(where: str) -> str:
    """The phrase closing a finding's note on code outside_product() named: a command-line program's command
    ships with the application but runs away from the request path; the rest is not shipped at all."""
    return f"in {where}, away from the request path" if where.startswith(_CLI_PROGRAM) else \
        f"in {where}, outside the shipped application"


def defines_cli(ctx: FileContext) -> bool:
    """A module that imports click (or a drop-in wrapper of it), typer or argparse declares a command-line
    interface."""
    return any(v.split(".")[0] in _CLI_PACKAGES for v in ctx.imports.values())


# Files that are entry points or tooling, where printing is the interface (catalog BA-LOG-003).
_ENTRY_FILES = frozenset({"manage.py", "__main__.py", "setup.py", "env.py", "conftest.py", "cli.py", "noxfile.py",
                          "fabfile.py", "tasks.py"})
_TOOL_DIRS = frozenset({"scripts", "bin", "tools", "script"})


def prints_to_its_user(ctx: FileContext) -> bool:
    """A program whose job is to print: entry points, tooling folders, migrations (run from the command
    line by the migration tool), Django management commands,
    command-line interfaces, and stand-alone scripts (a `#!` line, or a hyphenated file name `import`
    cannot load such as `rsa-sign.py`). Its print() is output for the person running it, not a log."""
    path = PurePosixPath(ctx.path)
    return (path.name in _ENTRY_FILES or any(p in _TOOL_DIRS for p in path.parts[:-1]) or is_migration(ctx)
            or any(p == "migrations" for p in path.parts[:-1])
            or "management/commands" in ctx.path or ctx.text.startswith("#!")
            or _script_name(path.stem) or defines_cli(ctx) or is_alembic_revision(ctx))


def is_alembic_revision(ctx: FileContext) -> bool:
    """An alembic revision wherever its folder lives (`revisions/tenant/versions/`, not only
    `alembic/versions/`): recognised by what it declares, module-level `revision` and `down_revision` and a
    top-level `upgrade()`. It is a migration, run once by the operator from the migration tool."""
    tree = ctx.tree
    if tree is None or "down_revision" not in ctx.text:
        return False
    assigned: set[str] = set()
    functions: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.FunctionDef):
            functions.add(node.name)
    return {"revision", "down_revision"} <= assigned and "upgrade" in functions


def is_alembic_env(ctx: FileContext) -> bool:
    """Alembic's `env.py`: the migration tool's own entry script (it imports `alembic.context`)."""
    return PurePosixPath(ctx.path).name == "env.py" and bool(_IMPORTS_ALEMBIC.search(ctx.text))


# the text, not ctx.imports: checks ask before the walk has bound the file's imports
_IMPORTS_ALEMBIC = re.compile(r"^\s*(?:from\s+alembic\b|import\s+alembic\b)", re.MULTILINE)


# Calls that write many rows in one statement.
BATCH_WRITES = frozenset({"bulk_create", "bulk_update", "executemany", "insert_many", "bulk_insert_mappings",
                          "bulk_save_objects", "bulk_update_mappings", "copy_records_to_table"})


def tries_batch_write(block: ast.AST) -> bool:
    """A `try` whose body writes a batch (`Model.objects.bulk_create(rows)`): its handler's per-row loop is
    the batch's fallback, run only when the batch failed, to find and skip the bad rows."""
    return isinstance(block, ast.Try) and any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in BATCH_WRITES
        for n in iter_nodes(block.body))


def in_log_handler(ctx: FileContext) -> bool:
    """Inside a logging handler's own methods (`emit`, `handleError`, `flush`, `format`) of a class deriving
    from a `*Handler`: logging again there would recurse, and the handler must not raise."""
    stack = ctx.function_stack
    if not stack or stack[-1].name not in ("emit", "handleError", "flush", "format", "handle"):
        return False
    cls = next((p for p in reversed(ctx.parents) if isinstance(p, ast.ClassDef)), None)
    return cls is not None and any((dotted(b) or "").endswith("Handler") for b in cls.bases)


def is_django_migration(ctx: FileContext) -> bool:
    """A Django migration module: under a folder named for migrations and declaring `class Migration`. The
    folder is `migrations/` by convention, or another one `MIGRATION_MODULES` points an app at
    (`dojo/db_migrations/`): the name still ends in `migrations`, and the class says what the module is."""
    tree = ctx.tree
    return any(_MIGRATIONS_DIR.match(p) for p in PurePosixPath(ctx.path).parts[:-1]) and tree is not None and any(
        isinstance(n, ast.ClassDef) and n.name == "Migration" for n in tree.body)


# `migrations`, `db_migrations`, `south_migrations`: a folder named for the migrations it holds
_MIGRATIONS_DIR = re.compile(r"^(?:\w+_)?migrations$")


def is_migration(ctx: FileContext) -> bool:
    """A schema or data migration run once by the operator: a Django migration, an alembic revision, or a
    project's own `migrations.py` of migration steps."""
    return is_django_migration(ctx) or is_alembic_revision(ctx) or ctx.path.rsplit("/", 1)[-1] == "migrations.py"


# Top-level folders of developer programs (`scripts/seed.py`, `tools/migrate-legacy.py`, `dev/oidc/init.py`
# setting up a local identity provider); a package's own `app/tools/` is product code, so only the first path
# segment counts.
_DEVELOPER_DIRS = frozenset({"scripts", "script", "bin", "tools", "dev"})
# Words of a folder name that say it holds a harness run by developers, not shipped code:
# `packages/app-benchmark/`, `scripts/evals/`, `loadtests/`.
_HARNESS_WORDS = frozenset({"bench", "benchmark", "benchmarks", "eval", "evals", "evaluation", "loadtest",
                            "loadtests", "locust"})


def outside_product(ctx: FileContext) -> str | None:
    """Why this module is code the operator or a developer runs by hand rather than the application a user
    reaches, or None: a migration, a developer program, a benchmark or evaluation harness, a stand-alone
    script. Findings about its maintainability weigh less there (it runs once, or only on a developer's
    machine); findings about its security do not, so only quality rules ask."""
    path = PurePosixPath(ctx.path)
    if is_migration(ctx):
        return "a migration, run once"
    folder = developer_folder(ctx.path)
    if folder:
        return f"a developer program under {folder}/"
    if in_harness(path):
        return "a benchmark or evaluation harness"
    if _script_name(path.stem):
        return "a stand-alone script (its hyphenated name cannot be imported)"
    tree = ctx.tree
    if tree is not None and _script_module(ctx)[2] and any(
            isinstance(st, ast.If) and is_main_guard(st) for st in tree.body):
        # a module of a package's command-line program (`archivebox version`) is shipped, but an operator runs
        # it at a terminal, as a script: the same weight, a truer name
        return RUN_FROM_TERMINAL if defines_cli(ctx) else "a stand-alone script run from a terminal"
    return None


def developer_folder(path: str) -> str:
    """The repository's top folder when its name says it holds developer programs (`scripts/`, `dev/`, and a
    folder naming what its scripts are for: `build-scripts/`, `dev_tools/`), or "". What runs from there is
    started by a developer or an operator at a terminal; the application imports nothing from it."""
    parts = PurePosixPath(path).parts
    if len(parts) > 1 and any(w in _DEVELOPER_DIRS for w in re.split(r"[-_.]", parts[0].lower())):
        return parts[0]
    return ""


# a package or module of a staff-only admin site: Django's `admin.py`, an `admin/`, `admin_module/` or `shop_admin/`
_ADMIN_PART = re.compile(r"^(admin|admin_.+|.+_admin)$")


def in_admin_site(path: str) -> bool:
    """A module of the staff-only admin site, by the Django convention of its name (`app/admin.py`,
    `app/admin/views/edit.py`, `app/admin_module/forms.py`)."""
    return any(_ADMIN_PART.match(p) for p in path.removesuffix(".py").split("/"))


def in_harness(path: PurePosixPath) -> bool:
    """A folder of the path names a harness developers run (`surfsense_evals/`, `app-benchmark/`)."""
    return any(word in _HARNESS_WORDS for part in path.parts[:-1] for word in re.split(r"[-_.]", part.lower()))


def in_tool_dir(path: str) -> str:
    """The tooling folder (`scripts`, `bin`, `tools`) a file sits in, or ""."""
    return next((p for p in PurePosixPath(path).parts[:-1] if p in _TOOL_DIRS), "")


def is_script_file(path: str) -> bool:
    """A stand-alone script by its file name (`seed-browser-tests.py`): no module imports it, so no route
    of the app runs its code."""
    return _script_name(PurePosixPath(path).stem)


def _script_name(stem: str) -> bool:
    """`rsa-sign`, `generate-bad-passwords`: a hyphenated name no `import` can load, the way scripts are named."""
    return "-" in stem and stem.replace("-", "_").isidentifier()


def is_straight_line(tree: ast.Module | None) -> bool:
    """A module without any function or class: a program run top to bottom."""
    return tree is not None and not any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body)


def is_main_guard(node: ast.If) -> bool:
    test = node.test
    if isinstance(test, ast.Compare) and len(test.comparators) == 1:
        left, right = test.left, test.comparators[0]
        names = {dotted(left), dotted(right)}
        strings = [literal_text(x) for x in (left, right) if isinstance(x, ast.Constant)]
        return "__name__" in names and strings == ["__main__"]
    return False


def main_only_functions(tree: ast.Module | None) -> frozenset[str]:
    """Module-level functions called from `if __name__ == "__main__":` and named nowhere else in the module:
    `def main(): app.run(debug=True)` ... `if __name__ == "__main__": main()` runs only from the command line."""
    if tree is None:
        return frozenset()
    guards = [st for st in tree.body if isinstance(st, ast.If) and is_main_guard(st)]
    called = {n.func.id for g in guards for n in ast.walk(g) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    defined = {st.name for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not called & defined:
        return frozenset()  # most modules: no guard calling a function of theirs, no walk of the whole module
    inside = {id(n) for g in guards for n in ast.walk(g)}
    elsewhere = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in inside}
    return frozenset((called & defined) - elsewhere)


def script_functions(tree: ast.Module | None, roots: frozenset[str] = frozenset()) -> frozenset[str]:
    """The module-level functions that make up a program run from the command line: `main()`, the functions
    only the `if __name__ == "__main__":` block calls (`main_only_functions`), and every module function
    those call in turn. A maintainer's stand-alone script (`extras/authors/generate.py`) is this shape
    whatever its folder is called. The caller decides whether the module is a server (it builds a web app);
    `roots` are more entry points it knows of."""
    if tree is None:
        return frozenset()
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    todo = [name for name in main_only_functions(tree) | ({"main"} & defs.keys()) | roots]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name in found or name not in defs:
            continue
        found.add(name)
        todo.extend(n.func.id for n in iter_nodes(defs[name].body) if isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name) and n.func.id in defs)
    return frozenset(found)


def script_classes(tree: ast.Module | None, functions: frozenset[str]) -> frozenset[str]:
    """The module-level classes only the program uses: named nowhere in the module but inside the
    `if __name__ == "__main__":` block, the program's functions (`script_functions`) and the class's own body
    (`Documentation(Route, "docs").write()` under the guard of an API-docs generator, the packet handler a
    manual echo server's main() serves with). Their methods are the program's code too."""
    if tree is None:
        return frozenset()
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    if not classes:
        return frozenset()
    program = [n for n in tree.body if isinstance(n, ast.If) and is_main_guard(n) or
               isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in functions]
    if not program:
        return frozenset()
    used = {n.id for st in program for n in ast.walk(st) if isinstance(n, ast.Name)}
    elsewhere = {n.id for st in tree.body if not any(st is p for p in program)
                 for n in ast.walk(st) if isinstance(n, ast.Name) and
                 not (isinstance(st, ast.ClassDef) and st.name == n.id)}
    return frozenset(name for name in classes if name in used and name not in elsewhere)


_WEB_APPS = frozenset({"flask.Flask", "fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart",
                       "sanic.Sanic", "aiohttp.web.Application", "django.core.wsgi.get_wsgi_application"})


def builds_web_app(ctx: FileContext) -> bool:
    """A module whose top level builds a web app (`app = Flask(__name__)`): it is the server, not a script,
    even with a `__main__` guard or a shebang."""
    tree = ctx.tree
    return tree is not None and any(
        isinstance(st, ast.Assign) and isinstance(st.value, ast.Call) and
        (ctx.qualname(st.value.func) or "") in _WEB_APPS for st in tree.body)


def run_by_hand(ctx: FileContext) -> str | None:
    """Why the code being visited runs only when a person starts it at a terminal, or None: under the
    `__main__` guard or in the functions it alone calls (`script_functions`), or at module level in a `#!`
    program, of a module that is no server and takes its input from a terminal, in a developer task (`@task` of invoke or fabric), or in a command
    of a command-line program (`@cli.command`)."""
    stack = ctx.function_stack
    if any((ctx.qualname(d.func if isinstance(d, ast.Call) else d) or "").startswith(("invoke.", "fabric."))
           for f in stack for d in f.decorator_list):
        return "a developer task (invoke/fabric)"
    if any(is_cli_command(ctx, f) for f in stack):
        return "a command-line command an operator runs (`@<group>.command`)"
    command = command_of_helper(ctx)
    if command:
        return f"a helper only the command-line command {command!r} of this module uses"
    folder = developer_folder(ctx.path)
    if folder:
        return f"a developer program under {folder}/"
    if stack:
        top = stack[0]
        scripted = top.name in _script_module(ctx)[0] and id(top) in _script_module(ctx)[1]
    else:
        scripted = any(isinstance(p, ast.If) and is_main_guard(p) for p in ctx.parents)
        if not scripted and ctx.text.startswith("#!") and _script_module(ctx)[2]:
            # the module-level code of a `#!` program that asks its user: it runs top to bottom at a terminal
            return "a stand-alone script run by hand (a `#!` program that asks its user)"
    if scripted and _script_module(ctx)[2]:
        return "a stand-alone script run by hand (its `__main__` block calls it)"
    return None


def is_cli_command(ctx: FileContext, func: ast.AST) -> bool:
    """`@cli.command("rotate")`, `@click.command()`, typer's `@app.command()`, Flask's `@app.cli.command()`,
    Flask-Script's `@manager.command`: a function registered as a command of a command-line program."""
    # `@click.command("request-key")` names its library itself, even where click is imported inside the function
    # that defines the command (a plugin's CLI hook)
    return any(name.rsplit(".", 1)[-1] == "command" and (".cli." in f".{name}" or defines_cli(ctx) or any(
        v.split(".")[0] == "flask_script" for v in ctx.imports.values()) or name.split(".")[0] in ("click", "typer"))
        for name in decorator_names(func))


_SCRIPT_MEMO: list = [None, None]  # [tree, its answer]: asked per call, the same for the whole module
_HELPERS_MEMO: list = [None, None]  # [tree, command_helpers' answer]


def command_of_helper(ctx: FileContext) -> str:
    """The command-line command the code being visited runs for, when it sits in one of the module's
    command_helpers ("" otherwise)."""
    stack = ctx.function_stack
    tree = ctx.tree
    if not stack or tree is None or not any(stack[0] is st for st in tree.body):
        return ""
    if _HELPERS_MEMO[0] is not tree:
        _HELPERS_MEMO[:] = [tree, command_helpers(ctx)]
    return _HELPERS_MEMO[1].get(stack[0].name, "")


def command_helpers(ctx: FileContext) -> dict[str, str]:
    """Module functions that only the module's command-line commands name, called or passed on (`runner =
    {"ipython": ipython, "plain": plain}[type_]` in `@cli.command() def shell`), and functions only such helpers
    name: helper -> the command (its registered name or function name). They run when an operator runs that
    command; a function anything else in the module names may be imported by application code too."""
    tree = ctx.tree
    if tree is None or not defines_cli(ctx):
        return {}
    defs = {st.name: st for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))}
    commands = {name: _command_label(fn) for name, fn in defs.items() if is_cli_command(ctx, fn)}
    if not commands:
        return {}
    users: dict[str, set[str | None]] = {name: set() for name in defs}
    for st in tree.body:
        owner = st.name if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        for n in ast.walk(st):
            if isinstance(n, ast.Name) and n.id in users and n.id != owner:
                users[n.id].add(owner)
    found: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, named_by in users.items():
            if name in commands or name in found or not named_by or \
                    not all(u in commands or u in found for u in named_by):
                continue
            first = min(u for u in named_by if u is not None)
            found[name] = commands.get(first) or found[first]
            changed = True
    return found


def _command_label(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The name a command is registered under (`@cli.command("rotate-keys")`), else its function's name."""
    for deco in fn.decorator_list:
        if isinstance(deco, ast.Call):
            label = next((a.value for a in deco.args if isinstance(a, ast.Constant) and isinstance(a.value, str)), "")
            if label and (dotted(deco.func) or "").rsplit(".", 1)[-1] == "command":
                return label
    return fn.name


def _script_module(ctx: FileContext) -> tuple[frozenset[str], frozenset[int], bool]:
    """(names of its script functions, ids of its top-level statements, whether it is a script a person runs: no
    web app built and input taken from a terminal), computed once per module tree."""
    if _SCRIPT_MEMO[0] is not ctx.tree:
        tree = ctx.tree
        body = frozenset(id(st) for st in tree.body) if tree is not None else frozenset()
        _SCRIPT_MEMO[:] = [tree, (script_functions(tree), body,
                                  tree is not None and not builds_web_app(ctx) and _asks_its_user(ctx))]
    return _SCRIPT_MEMO[1]


# The last name of every call or attribute _asks_its_user looks for, imported under any alias or not: each is
# written as a word of the module (an identifier is as written in ASCII text, NFKC-normalised otherwise)
_ASKS = re.compile(r"\b(?:argv|input|getpass|interact)\b")


def _asks_its_user(ctx: FileContext) -> bool:
    """The module takes its input from a person at a terminal: a command line (`sys.argv`, argparse, click,
    typer), `input()`, `getpass()` or an interactive console (`code.interact()`). A script that asks nothing
    may be run by a machine (a container's health check), where a hang is no one's to see."""
    if defines_cli(ctx):
        return True
    if ctx.text.isascii() and not _ASKS.search(ctx.text):
        return False  # none of the names below is written: no walk of the module
    return any(isinstance(n, ast.Attribute) and (ctx.qualname(n) or "") == "sys.argv" or
               isinstance(n, ast.Call) and (ctx.qualname(n.func) or "") in ("builtins.input", "getpass.getpass",
                                                                                    "code.interact")
               for n in ctx.all_nodes())


_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route",
                            "websocket", "api_view"})


def is_route_handler(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function decorated as an HTTP route (FastAPI/Starlette/Flask `@x.get(...)`, `@x.route(...)`, DRF
    `@api_view`). Per-file and syntactic; the project pass builds the real endpoint inventory."""
    for node in func.decorator_list:
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Attribute) and node.attr in _ROUTE_METHODS and node.attr != "api_view":
            return True
        if isinstance(node, ast.Name) and node.id == "api_view":
            return True
    return False


def decorator_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    out = []
    for dec in func.decorator_list:
        name = dotted(dec.func if isinstance(dec, ast.Call) else dec)
        if name:
            out.append(name)
    return out


def body_raises(body: ast.AST | list[ast.AST]) -> bool:
    """Whether a block (not counting nested functions) contains a raise statement."""
    return any(isinstance(n, ast.Raise) for n in iter_nodes(body))


_SENSITIVE = re.compile(
    r"(?:^|_)(password|passwd|passphrase|pwd|secret|secrets|token|api_?key|access_?key|private_?key|"
    r"client_?secret|authorization|auth_?header|cookie|cookies|session_?id|card_?number|cvv|ssn|otp)(?:_|$)"
    # `pass` only ends a name (`db_pass`): `pass_num`, `pass_thru_action` name a pass, not a password
    r"|_pass$|^pass$"
    # plain `tokens` counts a language model's tokens (`total_tokens`, `kept_tokens`); a kind of credential
    # token in the plural is still tokens of that credential
    r"|(?:^|_)(access|refresh|api|auth|bearer|id|reset|session)_tokens(?:_|$)")
_BENIGN_SUFFIX = re.compile(r"_(type|types|url|uri|expir\w*|expires\w*|at|count|len|length|field|name|names|"
                            r"header_name|min\w*|max\w*|endpoint|ttl|lifetime|timeout|id_field|key_name|policy|hint|"
                            r"label|prefix|"
                            # where a secret is kept is not the secret
                            r"dir|directory|path|paths|file|filename|location|backend|charset|chars|alphabet|"
                            # how many tokens a language model takes is a count (`model_token_limit`)
                            r"limit|limits|budget|usage|size|quota|"
                            # an identifier of a token or key names it (serial numbers, uuids), a time is a time,
                            # and a flag saying what happened to a token is a boolean
                            r"serial|serials|uuid|uuids|dt|date|datetime|time|timestamp|"
                            r"changed|rotated|updated|refreshed|revoked|subject|sub|"
                            # a token's claims that describe it (who issued it, for whom, how it is signed, what
                            # it allows) are written in it for anyone to read: `token__issuer` is not the token
                            r"issuer|iss|audience|aud|alg|algorithm|kid|scope|scopes)$"
                            # the id of a key or token names it without revealing it (a session id is the secret)
                            r"|(?<!session)_ids?$")
# ... and so do names of what is missing (a value the code never got) or a count of things
_BENIGN_PREFIX = re.compile(r"^(is|has|should|require|requires|hash|hashed|masked|redacted|missing|num|total|max|"
                            r"min)_")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SESSION_ID = re.compile(r"(?:^|_)session_?(id|key|uuid)$")


def mentions_sensitive_word(name: str) -> bool:
    """The name has a sensitive word in it, benign form or not (`secret_names` does, `user_id` does not)."""
    return _SENSITIVE.search(_CAMEL.sub("_", name).lower().strip("_")) is not None


def names_session_id(name: str) -> bool:
    """`session_id`, `sdk_session_id`, `sessionKey`: the id of some session (which kind is the caller's call)."""
    return _SESSION_ID.search(_CAMEL.sub("_", name).lower()) is not None


def is_sensitive_name(name: str) -> bool:
    """Catalog §1.4 'sensitive name', matched per identifier word so `bypass` or `passenger` do not count."""
    norm = _CAMEL.sub("_", name).lower().strip("_")
    if not norm or _BENIGN_PREFIX.search(norm) or _BENIGN_SUFFIX.search(norm):
        return False
    return _SENSITIVE.search(norm) is not None


def expr_name(node: ast.AST) -> str | None:
    """The identifier an expression is named by: `password`, `form.password` -> password,
    `data["token"]` -> token, `body.get("api_key")` -> api_key."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


class MainGuardDepth:
    """Mixin for checks that treat `if __name__ == "__main__":` blocks as script code: `self.main_depth` > 0
    inside one."""

    main_depth = 0

    def visit_If(self, node: ast.If) -> None:
        if is_main_guard(node):
            self.main_depth += 1

    def leave_If(self, node: ast.If) -> None:
        if is_main_guard(node):
            self.main_depth -= 1


_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "list", "create", "retrieve",
                           "update", "partial_update", "destroy", "dispatch", "form_valid", "perform_create",
                           "perform_update", "perform_destroy"})
VIEW_METHODS = _VIEW_METHODS  # the HTTP-verb and DRF action method names of a class view


def is_endpoint_function(func: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> bool:
    """A request handler, per file and syntactically: a route-decorated function (`is_route_handler`), DRF
    `@action`, a function whose first parameter is `request`, or a view method (`get`, `post`, `list`, ...)
    taking `request` or living in a class. The project pass's endpoint inventory is the precise answer."""
    if is_route_handler(func) or any(n.rsplit(".", 1)[-1] == "action" for n in decorator_names(func)):
        return True
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    if in_class:
        params = params[1:]
        if func.name in _VIEW_METHODS and (not params or params[0] in ("request", "req", "serializer", "form")):
            return True
    return bool(params) and params[0] in ("request", "req")
