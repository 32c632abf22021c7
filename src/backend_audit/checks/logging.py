"""Logging checks."""

from __future__ import annotations

import ast
import builtins
from .lazy_re import re  # compiled on first use
from pathlib import PurePosixPath
from typing import Any

from ..model.frameworks.common import keyword, positional
from ..model.traceback_text import DEFERRED as HELPER_LOGS
from ..findings import Finding
from .base import AstCheck, FileContext, ProjectCheck, dotted, dotted_parts, iter_nodes
from .errors import handler_nodes
from ..config import is_test_path
from .recognise import is_settings_path, literal_value
from .public_ids import could_be_public, logged_name, lookup_fields, route_params
from .log_placeholders import formats_with_percent, import_roots, placeholder_mismatch
from .logged_values import BENIGN, CREDENTIAL, OBJECT, Bindings, collect_bindings, kind_of
from .util import (MainGuardDepth, expr_name, in_log_handler, is_migration,
                   is_literal_string, is_sensitive_name, mentions_sensitive_word, names_session_id,
                   is_straight_line, literal_text, logger_method, prints_to_its_user, script_classes,
                   script_functions,
                   builds_web_app, in_tool_dir, outside_product)

# a request's body as the frameworks expose it (DRF/Flask `data`/`json`/`form`, Django `POST`/`body`)
_REQUEST_BODIES = frozenset({"data", "POST", "body", "json", "form"})
_PRINTS = frozenset({"builtins.print", "pprint.pprint", "pprint.pp", "builtins.pprint"})
_WEB_FRAMEWORKS = frozenset({"flask", "django", "fastapi", "starlette", "quart", "aiohttp", "tornado", "sanic",
                             "falcon", "pyramid", "bottle", "litestar", "rest_framework"})
_CLI_LIBRARIES = ("argparse", "click", "typer")
_VERBOSITY = frozenset({"verbosity"})
_VERBOSE = frozenset({"verbose", "is_verbose"})
# a switch whose name says its output goes to the terminal (`debug_to_stdout`, `log_to_console`): the caller
# asked for the prints, in a web app's module too. Not `print_error`: there the print is how the code reports
# a failure, which is what this rule is about
_STDOUT_GATE = re.compile(r"(?i)(^|_)(stdout|console)$")
# Build backends whose hook and command classes a project subclasses to run code while its package is built
# (hatchling's BuildHookInterface, a setuptools/distutils cmdclass command): the build log is their output.
_BUILD_BACKENDS = frozenset({"hatchling", "setuptools", "distutils", "pdm", "poetry", "scikit_build",
                             "scikit_build_core", "mesonpy", "flit_core", "maturin",
                             # a command-line tool's plugin (an Ansible callback or module) runs inside that tool,
                             # and what it prints is the operator's terminal, like a build hook's build log
                             "ansible"})


# a docstring saying the function's output is stdout: "Print text on stdout", "writes the message to the console"
_STDOUT_DOC = re.compile(r"(?i)\b(print|write|output|echo|dump)s?\b[^.\n]{0,40}\b(on|to)\s+(the\s+)?"
                         r"(stdout|standard output|console|terminal)\b")


def _hosted_names(tree: ast.Module) -> set[str]:
    """Names the module imports from a build backend or tool host, at its top level (in a `try` too) or inside
    the function that makes the command classes (versioneer's `get_cmdclass()`): a fallback binding in the
    `except ImportError:` (`CallbackBase = object`), or the function's own scope, hides them from qualname."""
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in _BUILD_BACKENDS and not n.level:
            out.update(a.asname or a.name for a in n.names)
    return out


# documentation builders: a module importing them is an extension run by the docs build
_DOCS_BUILD = frozenset({"sphinx", "docutils", "mkdocs"})
# a function whose name says printing is its job: `print_queryset_sql`, `pprint_tree`, `_print_report`
_PRINTER_NAME = re.compile(r"^_*p?print(_|$)")
# the keyword parameters of print() itself: a function taking them is a print replacement
_PRINT_PARAMETERS = frozenset({"sep", "end", "file"})
# "Very simple profiling decorator for debugging.", "Debug helper: ...": a developer's aid by its own word
_DEBUG_AID_DOC = re.compile(r"(?i)^\W*([^.\n]{0,60}\b(for|when|while) (debugging|profiling)\b|debug(ging)? "
                            r"(aid|helper|tool|decorator)\b|profiling (aid|helper|tool|decorator)\b)")
# decorators that run the function once per argument for the life of the process
_CACHING_DECORATORS = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property"})
# logging libraries: a project importing none of them has no log for a print to bypass
_LOGGING_ROOTS = frozenset({"logging", "loguru", "structlog", "logbook", "eliot"})


# a helper whose name says it logs what it is given: `log_exception(e)`, `log_error(msg)`, `_log(...)`
_LOG_HELPER = re.compile(r"^_?log(_\w+)?$")


# a switch named for debugging (`SQL_DEBUG`, `app.config["MAIL_DEBUG_BODY"]`, `self.debug_trace`): a development
# aid whatever else its name says
_DEBUG_WORD = re.compile(r"(?i)(^|_)debug(_|$)")


def _names_debug_switch(test: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and _DEBUG_WORD.search(n.id) or
               isinstance(n, ast.Attribute) and _DEBUG_WORD.search(n.attr) or
               isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) < 40 and
               _DEBUG_WORD.search(n.value) for n in ast.walk(test))


def _print_tokens(call: ast.Call) -> tuple[set[str], set[str]]:
    """The variables and the literal text (8 characters or more, trimmed of decoration) a print writes."""
    names: set[str] = set()
    texts: set[str] = set()
    for arg in [*call.args, *(k.value for k in call.keywords if k.arg not in ("file", "sep", "end", "flush"))]:
        for n in ast.walk(arg):
            if isinstance(n, ast.Name) and n.id not in _BUILTINS and n.id not in ("self", "cls"):
                names.add(n.id)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str):
                text = n.value.strip(" *:-\n")
                if len(text) >= 8:
                    texts.add(text)
    return names, texts


# Rich console markup (`[yellow]...[/yellow]`, `[bold red]`, a bare `[/]`) and a console status marker opening
# the text (`[+] Adding tags`, `[!] Error`, `[√]`): formatting that only a terminal renders or a person reads.
_RICH_STYLE = (r"(?:bold|dim|italic|underline|reverse|strike|blink|red|green|yellow|blue|cyan|magenta|white|black|"
               r"grey\d*|gray\d*|orange\d*|bright_\w+|link[^\]]*)")
_CONSOLE_MARKUP = re.compile(rf"\[/{_RICH_STYLE}?\]|^\s*\[{_RICH_STYLE}(?: {_RICH_STYLE})*\]")
_STATUS_MARKER = re.compile(r"^\s*\[[-+!*√✓✔✗xX]\] ")


def _console_markup(call: ast.Call) -> str | None:
    """What marks the print's first argument up for a terminal: rich style tags or a status marker."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.JoinedStr):
        text = "".join(v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        opening = first.values[0].value if first.values and isinstance(first.values[0], ast.Constant) else ""
    elif isinstance(first, ast.Constant) and isinstance(first.value, str):
        text = opening = first.value
    else:
        return None
    if _CONSOLE_MARKUP.search(text) and (_CONSOLE_MARKUP.match(str(opening)) or "[/" in text):
        return "rich style tags such as `[yellow]...[/yellow]`"
    if _STATUS_MARKER.match(str(opening)):
        return "a console status marker such as `[+]` or `[!]`"
    return None


def _shares(log_call: ast.Call, names: set[str], texts: set[str]) -> bool:
    logged_names, logged_texts = _print_tokens(log_call)
    return bool(names & logged_names) or any(a in b or b in a for a in texts for b in logged_texts)


class PrintInApplicationCode(MainGuardDepth, AstCheck):
    RULE_ID = "BA-LOG-003"
    PREFILTER = ("print",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # in a straight-line program the top-level prints are its output; a settings module is read by the
        # server at every start, so its prints are the server's
        self.straight_line = is_straight_line(ctx.tree) and not is_settings_path(ctx.path)
        self.prompting: dict[int, bool] = {}  # function node id -> it asks input() at a terminal
        self.program: set[int] | None = None  # ids of main() and the module functions it calls
        self.command: bool | None = None  # the module reads like a command's body (see _command_module)
        self.terminal: bool | None = None  # the module talks to a terminal (see _terminal_module)
        self.wizard: set[int] | None = None  # see _wizard_steps
        self.build_hook: bool | None = None  # see _build_hook_module

    def _entry_module(self) -> bool:
        """A console entry point's module (`app.cli` -> app/cli.py, src/app/cli.py, app/cli/__init__.py)."""
        path = self.ctx.path
        for module in self.option("entry_modules", ()) or ():
            base = module.replace(".", "/")
            if any(path == s or path.endswith("/" + s) for s in (f"{base}.py", f"{base}/__init__.py",
                                                                  f"{base}/__main__.py")):
                return True
        return False

    def _build_time_module(self) -> bool:
        """A module setuptools imports while building the package (`[tool.setuptools.dynamic] version = {attr
        = "app.version.get_version"}` -> app/version.py, not a package's `__init__`): its prints are the build
        log."""
        path = self.ctx.path
        return any(path == f"{base}.py" or path.endswith(f"/{base}.py")
                   for base in (m.replace(".", "/") for m in self.option("build_modules", ()) or ()))

    def _prompts(self, func: ast.AST) -> bool:
        key = id(func)
        if key not in self.prompting:
            self.prompting[key] = any(isinstance(n, ast.Call) and self.ctx.qualname(n.func) == "builtins.input"
                                      for n in iter_nodes(func.body))
        return self.prompting[key]

    def _program_body(self) -> set[int]:
        """A module-level `def main()` is a program's entry point, whether `if __name__ == "__main__":` calls it
        or the guard was left out (an offline training script run by hand); so are the functions only that
        guard calls (a maintainer's script under `extras/`): they and the module functions they call print
        the program's output, as do the methods of the classes only they use (an API-docs generator's
        class, a manual echo server's handler). Not in a module that builds the web app: that is the server."""
        if self.program is None:
            tree = self.ctx.tree
            names = script_functions(tree, self._called_at_import()) if not self._serves_app() else frozenset()
            classes = script_classes(tree, names) if not self._serves_app() else frozenset()
            body = tree.body if tree is not None else []
            self.program = {id(n) for n in body
                            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in names}
            self.program |= {id(m) for c in body if isinstance(c, ast.ClassDef) and c.name in classes
                             for m in c.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        return self.program

    def _called_at_import(self) -> frozenset[str]:
        """Module functions a module importing no web framework calls from its top level (`generate()` as the
        last line of a maintainer's one-off generator): running the file runs them, they are its program."""
        tree = self.ctx.tree
        if tree is None or any(v.split(".")[0] in _WEB_FRAMEWORKS for v in self.ctx.imports.values()):
            return frozenset()
        return frozenset(st.value.func.id for st in tree.body if isinstance(st, ast.Expr) and
                         isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name))

    def _wizard_steps(self) -> set[int]:
        """Ids of the module functions that run only inside an interactive wizard: every call this module
        makes to them comes from a function or method that asks input() at a terminal, or from another such
        step (`_init_ca(config)` called by the `create_ca` prompts). What they print is the wizard's output."""
        if self.wizard is None:
            body = self.ctx.tree.body if self.ctx.tree is not None else []
            funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
            defs = {n.name: n for n in body if isinstance(n, funcs)}
            scopes = [*defs.values(), *(m for c in body if isinstance(c, ast.ClassDef) for m in c.body
                                        if isinstance(m, funcs))]
            callers: dict[str, set[int]] = {}
            for fn in scopes:
                for n in iter_nodes(fn.body):
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in defs:
                        callers.setdefault(n.func.id, set()).add(id(fn))
            steps = {id(fn) for fn in scopes if self._prompts(fn)}
            grown = True
            while grown:
                more = {id(defs[name]) for name, by in callers.items() if id(defs[name]) not in steps and by <= steps}
                steps |= more
                grown = bool(more)
            self.wizard = steps
        return self.wizard

    def _debug_only(self) -> bool:
        """The function the print is in runs only when a development switch is on: it opens with a guard that
        returns unless it is (`if not settings.DEBUG or ...: return response`), as a SQL-printing debug
        middleware does: a developer's tool whose output is for the dev server's terminal. A print under
        `if DEBUG:` in the middle of application code stays (a debug trace that belongs in logger.debug)."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        here = next((p for p in self.ctx.parents if any(p is st for st in func.body)), None)
        for st in func.body:
            if st is here:
                return False
            if isinstance(st, ast.If) and st.body and isinstance(st.body[-1], (ast.Return, ast.Raise)) and any(
                    isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and _mentions_development(t.operand)
                    for t in ([*st.test.values] if isinstance(st.test, ast.BoolOp) and isinstance(st.test.op, ast.Or)
                              else [st.test])):
                return True
        return False

    def _writes_to_object(self, call: ast.Call) -> bool:
        """`print(..., file=self)`, `file=buf`: text written into a file or capture object the code reads
        back (a sandbox's print() replacement), not onto the console. `sys.stdout`/`sys.stderr` stay."""
        target = keyword(call, "file")
        if target is None or (isinstance(target, ast.Constant) and target.value is None):
            return False
        qn = self.ctx.qualname(target) or dotted(target) or ""
        return not qn.startswith("sys.")

    def _before_exit(self, call: ast.Call) -> bool:
        """A hint for the command typed at a terminal: the print sits in a branch taken only for that command
        line (`if "test" in sys.argv:`) which then ends the process (`sys.exit(0)`), as under a `__main__`
        guard. A fatal notice printed before `SystemExit` on any start stays: the server's process manager
        is its reader."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(parents[-1], ast.Expr) or not isinstance(parents[-2], ast.If):
            return False
        statement, branch = parents[-1], parents[-2]
        if not any(st is statement for st in branch.body) or not any(
                (self.ctx.qualname(n) or dotted(n)) == "sys.argv" for n in ast.walk(branch.test)
                if isinstance(n, ast.Attribute)):
            return False
        index = next(i for i, st in enumerate(branch.body) if st is statement)
        return any(self._exits(st) for st in branch.body[index + 1:])

    def _exits(self, statement: ast.stmt) -> bool:
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            return (dotted(exc) or "") == "SystemExit"
        return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and \
            (self.ctx.qualname(statement.value.func) or "") in ("sys.exit", "builtins.exit", "builtins.quit",
                                                                "os._exit")

    def _in_management_command(self) -> bool:
        """Inside a class deriving from Django's BaseCommand: run by `manage.py`, its print() is what the
        operator typing the command reads, wherever the class lives (a base shared by several commands)."""
        return any(isinstance(p, ast.ClassDef) and any(
            (self.ctx.qualname(b) or "").startswith("django.core.management") for b in p.bases)
            for p in self.ctx.parents)

    def _build_hook_module(self) -> bool:
        """The module defines a build backend's hook or command (`class CustomBuildHook(BuildHookInterface)`,
        `class BuildUI(build_py)` from setuptools): it runs while the package is built, by pip or the build
        tool, and what it prints is the build log, never the server's."""
        if self.build_hook is None:
            tree = self.ctx.tree
            hosted = _hosted_names(tree) if tree is not None else set()
            # the class may be made inside a function (`def get_cmdclass(): class version(Command): ...`, the
            # versioneer idiom setup.py calls), with the build backend imported there
            self.build_hook = tree is not None and not self._serves_app() and any(
                isinstance(n, ast.ClassDef) and any((self.ctx.qualname(b) or "").split(".")[0] in _BUILD_BACKENDS or
                                                    (dotted(b) or "").split(".")[0] in hosted for b in n.bases)
                for n in ast.walk(tree))
        return self.build_hook

    def _verbosity_gated(self) -> bool:
        """The print runs only at a raised `verbosity` (`if verbosity >= 2:`), the option of the command that
        triggered it (Django's migrate passes it to its post_migrate handlers, which print like Django's own
        create_permissions), or in a verbose mode its caller turned on (`if self.verbose:`): output the
        operator asked for at the terminal."""
        web = any(v.split(".")[0] in _WEB_FRAMEWORKS for v in self.ctx.imports.values())
        for parent in reversed(self.ctx.parents):
            # a verbose mode counts in a module that imports no web framework: in an app factory the print is the
            # server's (`if app.config.get("VERBOSE"): print(...)`)
            gates = _VERBOSITY if web else _VERBOSITY | _VERBOSE
            # a module's private switch (`if _verbose:`, set by its setup.py command) is the same switch
            if isinstance(parent, ast.If) and any(
                    isinstance(n, ast.Name) and (n.id.lstrip("_") in gates or _STDOUT_GATE.search(n.id)) or
                    isinstance(n, ast.Attribute) and (n.attr.lstrip("_") in gates or _STDOUT_GATE.search(n.attr))
                    for n in ast.walk(parent.test)):
                return True
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return False
        return False

    def _serves_app(self) -> bool:
        """A straight-line module that builds a web app is the server, not a script: its prints are logs."""
        return builds_web_app(self.ctx)

    def visit_Call(self, node: ast.Call) -> None:
        if self.main_depth or (self.straight_line and not self.ctx.function_stack and not self._serves_app()):
            return
        qn = self.ctx.qualname(node.func)
        if qn not in _PRINTS:
            return
        # asked here: the imports are known once the walk reaches a call; a module that builds the web app
        # is the server even when it has a shebang
        if (prints_to_its_user(self.ctx) or self._entry_module()) and not self._serves_app():
            return
        if self.ctx.function_stack and (self._prompts(self.ctx.function_stack[-1]) or
                                        id(self.ctx.function_stack[0]) in self._wizard_steps()):
            return  # the text before an input() is the question asked at a terminal, or the wizard's output
        if in_log_handler(self.ctx):
            return  # inside a logging handler's emit(), logging again would recurse: stderr is the way out
        if self.ctx.function_stack and id(self.ctx.function_stack[0]) in self._program_body():
            return
        if self._in_management_command():
            return  # a command's shared base class lives outside management/commands/, its print is still output
        if qn.split(".")[-1] == "print" and self._writes_to_object(node):
            return
        if self._before_exit(node):
            return  # the process's last words to whoever started it: it stops, no logger will carry them
        if self._debug_only():
            return  # a development tool's output for the developer's terminal
        if self._build_hook_module() or self._build_time_module() or self._verbosity_gated():
            return  # the build log, or the output of the command whose --verbosity asked for it
        if self._collectstatic_step() or self._autoreload_receiver():
            return  # collectstatic's post-processing, or the dev server's reloader: the operator's terminal
        name = qn.split(".")[-1]
        lesser = (self._lesser_channel(node) or self._settings_notice() or self._stated_stdout() or
                  self._terminal_module())
        if not lesser and not self._value_used():
            lesser = (self._debug_switch(node) or self._last_words(node) or self._echoes_log(node) or
                      self._console_guard())
        if lesser:
            # the text reaches an operator by a channel the rule cannot follow further: a note saying so
            self.report(node, f"{name}() in application code bypasses logging {lesser}; use a logger",
                        level="note")
        elif self._record_dump(node):
            # what it prints is named, and it is not a trace: whole records or a request body on the server's output
            self.report(node, f"{name}() writes {self._record_dump(node)} to the process output, unredacted: every "
                              "field they carry (credentials, secrets, personal data) lands wherever stdout goes, "
                              "with no logging filter or level in between; remove it or log identifiers",
                        properties={"sub": "record-dump"})
        else:
            self.report(node, f"{name}() in application code bypasses logging (no level, no handler, no request "
                              "context); use a logger", properties={"setup": True} if self._set_up_code() else None)
        if self._command_module():
            # the project pass asks whether a command-line program imports this module (CliCommandPrints)
            self.ctx.facts.setdefault("command_prints", []).append(self.ctx.findings.pop().to_dict())
        elif self.ctx.function_stack:
            # the project pass asks whether only command-line commands call this function (CliCommandPrints)
            self.ctx.facts.setdefault("function_prints", []).append(self.ctx.findings.pop().to_dict())

    def _record_dump(self, call: ast.Call) -> str | None:
        """What the print dumps when it is whole records or a request body: a serializer's `.data` (`pc =
        PluginConfigSerializer(configs, many=True)`, then `print(pc.data)`: every field of every row, secrets
        included) or the request's body (`request.data`, `request.POST`, `request.body`, `request.json`).
        Named by the argument itself, so a dump is told from a trace whatever the function is."""
        for arg in call.args:
            text = dotted(arg) or ""
            head, _, attr = text.rpartition(".")
            if head in ("request", "self.request") and attr in _REQUEST_BODIES:
                return f"the request body (`{text}`)"
            if attr == "data" and "." not in head and head:
                made = self._bound_call(head)
                if made and made.endswith("Serializer"):
                    return f"serialized records (`{text}`, from {made})"
        return None

    def _bound_call(self, name: str) -> str | None:
        """The callee name a local of the enclosing function was last bound to (`pc = XSerializer(...)`)."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        found = None
        for n in iter_nodes(func.body) if func is not None else ():
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and \
                    n.targets[0].id == name and isinstance(n.value, ast.Call):
                found = (dotted(n.value.func) or "").rpartition(".")[2]
        return found

    def _lesser_channel(self, call: ast.Call) -> str | None:
        """Why a print is only a note: it writes to `sys.stderr`, the process's error stream, which is where
        logging's own last-resort handler writes and what a service manager or container runtime keeps (it
        has no level or request context, and whether the deployment reads it was not traced); or it runs in
        the handler of a failed import (`except ImportError: print("prometheus_flask_exporter not found.")`),
        once at start-up, naming a missing optional dependency, with no request or user data in it."""
        stream = self.ctx.qualname(keyword(call, "file")) or ""
        if stream == "sys.stderr":
            return "(to sys.stderr: the process's error stream, no level or request context; whether the " \
                   "deployment keeps it was not traced)"
        if stream == "sys.stdout":
            # named on purpose: output relayed to the console (a child process's lines), not a forgotten trace
            return "(to sys.stdout, named on purpose: console output, no level or request context; whether the " \
                   "deployment keeps it was not traced)"
        markup = _console_markup(call)
        if markup:
            return (f"(its text is marked up for a terminal, {markup}: console output written for a person at a "
                    "terminal; whether this code also runs in a server process was not traced)")
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                return None
            if isinstance(parent, ast.ExceptHandler):
                caught = parent.type.elts if isinstance(parent.type, ast.Tuple) else [parent.type]
                if parent.type is not None and not self.ctx.function_stack and all(
                        (dotted(t) or "").split(".")[-1] in ("ImportError", "ModuleNotFoundError") for t in caught):
                    return "(at import, naming an optional dependency that is missing: no level; a one-off " \
                           "start-up notice, whether anyone reads stdout was not traced)"
                return None
        return None

    def _value_used(self) -> bool:
        """The print is an argument of another call (`logger.debug(print(traceback.format_exc()))`): a mistake
        that sends the text to stdout and logs None, whatever switch or log call is near it."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, ast.stmt):
                return False
            if isinstance(parent, ast.Call):
                return True
        return False

    def _debug_switch(self, call: ast.Call) -> str | None:
        """The print runs only while a debug switch is on (`if settings.DEBUG:`, `x if app.debug else y`): a
        development aid, silent in a production that turns the switch off. Whether it does was not traced, so a
        note; `if not settings.DEBUG:` is the production branch and stays."""
        child: ast.AST = call
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                return None
            if isinstance(parent, (ast.If, ast.IfExp)) and (
                    child is parent.body or isinstance(parent.body, list) and any(child is st for st in parent.body)
            ) and (_mentions_development(parent.test) or _names_debug_switch(parent.test)) and not any(
                    isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not) for n in ast.walk(parent.test)):
                return ("(only while a debug switch is on: a development aid; whether production turns it on was "
                        "not traced)")
            child = parent
        return None

    def _statement_slot(self, node: ast.AST) -> list[tuple[ast.stmt, list[ast.stmt]]]:
        """(statement, the list holding it) for the print's statement and the statements enclosing it, innermost
        first, up to the function (or module) it is in, or the except handler: outside it the statements are
        the try's, which do not say how the failure is recorded."""
        out: list[tuple[ast.stmt, list[ast.stmt]]] = []
        child: ast.AST = node
        for parent in reversed(self.ctx.parents):
            if isinstance(child, ast.ExceptHandler):
                break
            if isinstance(child, ast.stmt):
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(parent, field, None)
                    if isinstance(block, list) and any(child is st for st in block):
                        out.append((child, block))
                        break
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                break
            child = parent
        return out

    def _last_words(self, call: ast.Call) -> str | None:
        """The block goes on to end the process (`print("Settings database is not writeable"); sys.exit(2)`):
        what it prints is the last word of a server that stops at start-up or of a command-line mode, for
        whoever started it; no request is served after it. Whether anyone reads the process's stdout was not
        traced, so a note."""
        slots = self._statement_slot(call)
        if not slots or not isinstance(slots[0][0], ast.Expr):
            return None
        statement, block = slots[0]
        index = next(i for i, st in enumerate(block) if st is statement)
        if any(self._exits(st) for st in block[index + 1:]):
            return ("(the process exits right after it: a start-up or command-line message for whoever started "
                    "it; whether the deployment reads stdout was not traced)")
        return None

    def _echoes_log(self, call: ast.Call) -> str | None:
        """The print echoes to the console what a logging call right beside it records (the same text, the same
        value or exception; not `logger.debug`, which production filters out while the print shows it), or sits
        in a handler that hands the caught exception to a logging call: the log keeps the record, the print is a
        console copy of it."""
        names, texts = _print_tokens(call)
        slots = self._statement_slot(call)
        handler = None
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                break
            if isinstance(parent, ast.ExceptHandler):
                handler = parent
                break
        if handler is not None and handler.name:
            if any(self._logs(n) and any(isinstance(a, ast.Name) and a.id == handler.name
                                         for arg in [*n.args, *(k.value for k in n.keywords)] for a in ast.walk(arg))
                   for n in iter_nodes(handler.body) if isinstance(n, ast.Call)):
                return ("(the handler also logs the exception it caught: the print is a console copy; what it "
                        "prints was not traced further)")
        for statement, block in slots[:3]:
            index = next(i for i, st in enumerate(block) if st is statement)
            for near in block[max(index - 1, 0):index] + block[index + 1:index + 2]:
                for n in ast.walk(near):
                    # beside `logger.debug` of the same text the print is what shows it at every level
                    if isinstance(n, ast.Call) and self._logs(n) and logger_method(n, self.ctx) != "debug" and \
                            _shares(n, names, texts):
                        return ("(beside a logging call that records the same message or value: the print is a "
                                "console copy of it)")
        return None

    def _console_guard(self) -> str | None:
        """In the handler of a `try` that only prints (`try: print(f"started on {addr}") except Exception:
        print(...)`): what failed is a console write, and the handler's print is more console output, not the
        only trace of a failure of the application's work."""
        parents = self.ctx.parents
        for i in range(len(parents) - 1, 0, -1):
            if isinstance(parents[i], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                return None
            if isinstance(parents[i], ast.ExceptHandler):
                block = parents[i - 1]
                if isinstance(block, ast.Try) and self._only_prints(block.body):
                    return "(in the handler of a try that only prints: a console write failed, not traced further)"
                return None
        return None

    def _only_prints(self, block: list[ast.stmt]) -> bool:
        return bool(block) and all(
            isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and
            self.ctx.qualname(st.value.func) in _PRINTS or
            isinstance(st, ast.If) and self._only_prints(st.body) and (not st.orelse or self._only_prints(st.orelse))
            for st in block)

    def _logs(self, call: ast.Call) -> bool:
        """A logger call, or a call to a helper whose name says it logs (`log_exception(e)`, `log_error(...)`):
        what the helper does with it is the project's, a note is all this asks of it."""
        if logger_method(call, self.ctx):
            return True
        if isinstance(call.func, ast.Name):
            return bool(_LOG_HELPER.match(call.func.id))
        # a method needs the longer name (`self.log_exception(e)`): `math.log(x)` is arithmetic
        return isinstance(call.func, ast.Attribute) and "_" in call.func.attr.strip("_") and \
            bool(_LOG_HELPER.match(call.func.attr))

    def _collectstatic_step(self) -> bool:
        """In `post_process` of a Django staticfiles storage subclass: only `manage.py collectstatic` calls it, so
        its print is that command's output (the storage's other methods also run in requests and stay)."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or func.name != "post_process":
            return False
        owner = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        return owner is not None and any((self.ctx.qualname(b) or "").startswith("django.contrib.staticfiles")
                                         for b in owner.bases)

    def _autoreload_receiver(self) -> bool:
        """A receiver of Django's autoreloader signals (`@receiver(file_changed)`, `autoreload_started`): only
        `runserver`'s reloader sends them, so what it prints is for the developer at the dev server."""
        func = self.ctx.function_stack[0] if self.ctx.function_stack else None
        if func is None:
            return False
        for deco in func.decorator_list:
            if isinstance(deco, ast.Call) and deco.args and (self.ctx.qualname(deco.func) or "").endswith("receiver"):
                signals = deco.args[0].elts if isinstance(deco.args[0], (ast.List, ast.Tuple)) else [deco.args[0]]
                if signals and all((self.ctx.qualname(s) or "").startswith("django.utils.autoreload.")
                                   for s in signals):
                    return True
        return False

    def _stated_stdout(self) -> str | None:
        """The enclosing function's docstring says writing to stdout is what it does ("Print text on stdout.",
        a dummy or console backend for development and tests, like Django's console e-mail backend), or its
        name does (`def print_queryset_sql(qs)`, a helper a developer calls from an interactive shell): the print
        is its stated job; whether the backend can be chosen in production was not traced, so a note."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        doc = ast.get_docstring(func, clean=False) if func is not None else None
        if doc and _STDOUT_DOC.search(doc):
            return "(its docstring says printing to stdout is its job; whether it runs in production was not traced)"
        if func is not None and _PRINTER_NAME.match(func.name):
            return (f"(in '{func.name}', a function named for printing: its output is its job; what calls it "
                    "was not traced)")
        if func is not None and _PRINT_PARAMETERS <= {a.arg for a in (*func.args.args, *func.args.kwonlyargs)}:
            # `def safe_print(*values, sep=" ", end="\n", file=None, flush=False)`: a print() of the program's
            # own, handed to code it runs (a sandbox's print that redacts secrets): stdout is its sink
            return (f"(in '{func.name}', which takes print()'s own sep, end and file parameters: a replacement for "
                    "print handed to other code, printing is its job; what calls it was not traced)")
        for outer in self.ctx.function_stack:
            # the wrapper of a decorator whose docstring says it is a debugging or profiling aid
            doc = ast.get_docstring(outer, clean=False)
            if doc and _DEBUG_AID_DOC.search(doc):
                return (f"(in '{outer.name}', whose docstring says it is a debugging or profiling aid: a developer "
                        "applies it while investigating; whether it is left on in production was not traced)")
        return None

    def _terminal_module(self) -> str | None:
        """The module talks to a person at a terminal: it asks `input()` or checks whether stdout is one
        (`sys.stdout.isatty()`, a progress bar), and imports no web framework. An interactive command's body
        (an import tool's progress and orphan report) whose prints are its output; the command line that runs
        it was not traced (a dispatch through a class picked at run time), so a note."""
        if self.terminal is None:
            self._read_module_calls()
        if self.terminal:
            return ("(in a module that talks to a terminal: it asks input() or checks isatty(), an interactive "
                    "command's output; what runs it was not traced)")
        return None

    def _set_up_code(self) -> bool:
        """The print runs while something is set up rather than per request: in a constructor (`__init__`) or
        in a function cached for the process (`@lru_cache`, `@cache`: it runs once per argument). Recorded for
        the project pass, which weighs it only where the project logs nothing at all (CliCommandPrints)."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        return func.name == "__init__" or any(
            (self.ctx.qualname(d.func if isinstance(d, ast.Call) else d) or "") in _CACHING_DECORATORS
            for d in func.decorator_list)

    def _settings_notice(self) -> str | None:
        """A print in a settings or configuration module (`settings.py`, `settings/`, `config/`) outside a handler
        that swallows an error: a start-up notice (which settings file was found, a deprecated variable) that the
        module prints while the server reads its configuration, before logging is configured from it. Reviews
        split on it (a start-up notice versus a print that bypasses logging), so a note. A print that is the
        only trace of a swallowed failure (`except Exception as e: print(...)`, the code going on) stays; one
        that says an optional settings file is absent (`except FileNotFoundError:` at import) is the notice,
        there and in `asgi.py`/`wsgi.py`, which read the same file before the framework sets up logging."""
        settings = is_settings_path(self.ctx.path)
        if not (settings or PurePosixPath(self.ctx.path).name in _SERVER_ENTRY_FILES):
            return None
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                break
            if isinstance(parent, ast.ExceptHandler):
                if not self.ctx.function_stack and _absent_file_handler(parent):
                    # `except FileNotFoundError: print("No local settings.")` while the module is imported: the
                    # notice that an optional settings file is not there, before logging is set up; the
                    # absence is the information, nothing failed
                    return ("(at import of a settings or server entry module, noting that an optional "
                            "configuration file is absent, before logging is set up; whether the deployment "
                            "reads stdout was not traced)")
                ends = any(isinstance(n, ast.Raise) or isinstance(n, ast.Call) and (self.ctx.qualname(n.func) or "") in (
                    "sys.exit", "builtins.exit", "builtins.quit", "os._exit") for n in iter_nodes(parent.body))
                if not ends:
                    return None
                break
        if not settings:
            return None  # asgi.py/wsgi.py: only the absent settings file's notice is a start-up notice
        return ("(a start-up notice of a settings or configuration module, printed while the configuration is "
                "read, before logging is set up from it; whether the deployment reads stdout was not traced)")

    def _command_module(self) -> bool:
        """The module reads like a command's body: a function of it ends the process (`sys.exit(1)`) or prints
        to stderr, and it imports no web framework. Whether it is one depends on who imports it."""
        if self.command is None:
            self._read_module_calls()
        return bool(self.command)

    def _read_module_calls(self) -> None:
        """One walk of a module that imports no web framework for both of its traits: a command's body
        (`sys.exit()`, a print to stderr) and a terminal's (`input()`, `.isatty()`)."""
        ctx, tree = self.ctx, self.ctx.tree
        self.command = self.terminal = False
        if tree is None or any(v.split(".")[0] in _WEB_FRAMEWORKS for v in ctx.imports.values()):
            return
        for n in ast.walk(tree):
            if not isinstance(n, ast.Call):
                continue
            qn = ctx.qualname(n.func) or ""
            if qn == "sys.exit" or qn in _PRINTS and (ctx.qualname(keyword(n, "file")) or "") == "sys.stderr":
                self.command = True
            elif qn == "builtins.input" or isinstance(n.func, ast.Attribute) and n.func.attr == "isatty":
                self.terminal = True
            if self.command and self.terminal:
                break
        self.command = self.command and not self._serves_app()


_EXPECTED_EXCEPTIONS = ("ValidationError", "HTTPException", "Http404", "PermissionDenied", "NotFound", "DoesNotExist",
                        "ObjectDoesNotExist", "MultipleObjectsReturned", "FileNotFoundError", "re.error",
                        "regex.error",
                        # a wrong password or an unknown user at a directory server (python-ldap, ldap3)
                        "INVALID_CREDENTIALS", "NO_SUCH_OBJECT", "LDAPInvalidCredentialsResult",
                        "AuthenticationFailed",
                        # a client library's answer, not a bug: no row (SQLAlchemy), a token sealed with another
                        # key (cryptography's Fernet), a refusal of the Slack API; the message says all there is
                        "NoResultFound", "InvalidToken", "SlackApiError",
                        # Django's error for a command to stop with a message for its user (the required and
                        # running versions, the missing argument): raised on purpose, the message is complete
                        "CommandError")
# An exception class whose name says what was looked for is absent (a client library's
# `RouteNotFoundException`, `ResourceNotFoundError`, a model's `DoesNotExist`): an expected answer the message
# names, not a fault whose traceback matters.
_NAMES_ABSENCE = re.compile(r"\w*NotFound(Error|Exception)?|\w*DoesNotExist")
# The handler keeps the traceback itself (into a job log, a report) before logging a message.
_TRACEBACK_CALLS = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.print_exc",
                              "traceback.print_exception", "traceback.format_tb", "traceback.extract_tb"})
# Error trackers handed the exception being handled: they record its traceback (Sentry, Rollbar, Bugsnag,
# an OpenTelemetry span).
_TRACEBACK_REPORTERS = frozenset({"capture_exception", "report_exc_info", "record_exception", "notify"})
_TRACKER_MODULES = ("sentry_sdk", "raven", "rollbar", "bugsnag", "opentelemetry")
# An API client's error for the remote's answer (`GrafanaCloudAPIError`, botocore's `ClientError`, Stripe's
# `InvalidRequestError`): the reply is the news and its message carries it.
# httpx's HTTPStatusError (a 4xx/5xx reply, status and URL in its message) and smtplib's SMTP errors (the mail
# server's reply code and text) say the same.
_CLIENT_ERROR = re.compile(r"^\w*(API|Api)Error$|^ClientError$|^GetAccessTokenError$|^HTTPStatusError$"
                           r"|^SMTP\w*(Exception|Error)$")


# What the outside world or the input causes: a file, the network, a missing key, a malformed value.
_OUTSIDE_FAILURES = frozenset({"OSError", "IOError", "FileNotFoundError", "PermissionError", "IsADirectoryError",
                               "NotADirectoryError", "HTTPError", "URLError", "KeyError", "ValueError",
                               "UnicodeDecodeError", "UnicodeEncodeError"})
# A peer that did not answer in time or refused the connection: the message (host, timeout) is the news; the
# traceback only shows the client library's frames. Not the broad client errors (`RequestException` also
# covers bad URLs and HTTP errors).
_NETWORK_FAILURES = frozenset({"TimeoutError", "timeout", "TimeoutException", "ReadTimeout", "ConnectTimeout",
                               "WriteTimeout", "PoolTimeout", "Timeout", "NetworkError", "ConnectError",
                               "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
                               "ConnectionAbortedError", "BrokenPipeError", "ClientConnectionError",
                               "ServerTimeoutError", "ClientConnectorError",
                               # httpx's transport failures (RequestError is their base: no HTTP reply came
                               # back), and a host name that does not resolve (socket's gaierror/herror)
                               "RequestError", "TransportError", "gaierror", "herror"})


def _network_failure(types: list[str]) -> bool:
    """Every caught type is a timeout or a refused/lost connection (`except (OSError, ConnectionRefusedError)`
    counts: the OSError there is the socket's)."""
    names = [t.split(".")[-1] for t in types]
    return bool(names) and all(n in _NETWORK_FAILURES or n == "OSError" for n in names) and \
        any(n in _NETWORK_FAILURES for n in names)


_SHAPE_ERRORS = frozenset({"JSONDecodeError", "KeyError", "IndexError", "AttributeError", "TypeError", "ValueError"})
_DECODERS = frozenset({"json.loads", "orjson.loads", "ujson.loads", "base64.b64decode", "base64.urlsafe_b64decode"})
# Caught types that do not name one expected failure: broad, programming and import errors, a subprocess's.
_UNEXPECTED_KINDS = frozenset({"Exception", "BaseException", "AttributeError", "TypeError", "NameError",
                               "AssertionError", "NotImplementedError", "RecursionError", "UnboundLocalError",
                               "ImportError", "ModuleNotFoundError", "CalledProcessError", "SubprocessError",
                               "LookupError", "ArithmeticError", "ZeroDivisionError", "IndexError"})
_DATABASE_ERROR = re.compile(r"^(Integrity|Operational|Database|Programming|Interface|Data|Internal)Error$|"
                             r"^SQLAlchemyError$|^DBAPIError$|^PyMongoError$|^RedisError$")
_BUILTINS = frozenset(dir(builtins))
# str methods that only cut or test a string: named so and given constants, nobody's data layer answers them
_STR_SHAPE = frozenset({"split", "rsplit", "partition", "rpartition", "splitlines", "strip", "lstrip", "rstrip",
                        "removeprefix", "removesuffix"})
# library functions that return a client object rather than data (boto3's `client("s3")`, `resource(...)`)
_CLIENT_FACTORIES = frozenset({"client", "resource", "session", "connect", "create_client", "from_url"})
# statements that are one step: no block of their own
_SIMPLE_STATEMENTS = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Pass)
_VALIDATOR_NAME = re.compile(r"^_*(validate|parse|clean|check|verify)(_\w+)?$")


def _call_args(call: ast.Call) -> list[tuple[str | None, ast.expr]]:
    """(keyword or None, value) for every argument in source order (`*x` and `**x` give x, as libcst's Arg
    did): ast keeps positionals and keywords apart, and which part a finding names depends on the order."""
    parts = [(a, None, _unstar(a)) for a in call.args] + [(k, k.arg, k.value) for k in call.keywords]
    if call.args and call.keywords:
        parts.sort(key=lambda p: (p[0].lineno, p[0].col_offset))
    return [(name, value) for _node, name, value in parts]


def _message_arg(call: ast.Call, method: str) -> ast.expr | None:
    return positional(call, 1 if method == "log" else 0) or keyword(call, "msg")


# caught types that say nothing of what failed: the traceback is the only record of it
_BROAD = frozenset({"Exception", "BaseException"})


class ErrorLogDropsTraceback(AstCheck):
    """logger.error/critical in an except handler that does not re-raise, without exc_info."""

    RULE_ID = "BA-LOG-001"
    PREFILTER = ("except", ".exception(")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # innermost last: (reraises, expected, why the traceback may not matter: a note) or None as a function
        # barrier
        self.handlers: list[tuple[bool, bool, str | None] | None] = []
        self._connect_only: dict[int, bool] = {}  # try id -> its body only opens a connection
        self._steps: dict[int, str | None] = {}  # try id -> what its one step is (see _one_step)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.handlers.append(None)

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.handlers.pop()

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        expected_names = tuple(self.option("expected_exceptions", _EXPECTED_EXCEPTIONS))
        types = []
        if isinstance(node.type, ast.Tuple):
            types = [dotted(_unstar(e)) or "" for e in node.type.elts]
        elif node.type is not None:
            types = [dotted(node.type) or ""]
        # dotted entries (re.error) match exactly; bare class names match the last part (Group.DoesNotExist)
        unexpected = [t for t in types if t not in expected_names and t.split(".")[-1] not in expected_names
                      and not _NAMES_ABSENCE.fullmatch(t.split(".")[-1])]
        # a ValueError caught on its own around one statement is the verdict of the call made there on the value
        # it was given (a malformed id in a lookup, `hex_to_bytes(checking_id)`). Around several statements, or
        # along with another library's error (`(regex.error, ValueError)`), it may come from anywhere
        expected = bool(types) and (not unexpected or unexpected == ["ValueError"] and (
            types == ["ValueError"] and self._one_statement() or self._validates()) or
                                    self._optional_import(unexpected) or self._only_validates() or
                                    self._malformed_payload(unexpected) or self._error_replies(unexpected) or
                                    self._one_of_several(unexpected) or self._own_errors(node) or
                                    _network_failure(unexpected) or self._retried_connect(node) or
                                    self._only_schedules() or self._empty_result(types))
        # re-raising, or logging the traceback in another call of the same handler, keeps the traceback
        reraises, reads_traceback = False, False
        flags: set[str] = set()  # what the handler sets to True (`error = True`): see _raised_on_after_loop
        for n in handler_nodes(node):
            if isinstance(n, ast.Raise) or self._logs_traceback(n):
                reraises = True
                break
            if isinstance(n, ast.Attribute) and n.attr == "__traceback__":
                reads_traceback = True
            elif isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and n.value.value is True:
                flags.update(t.id for t in n.targets if isinstance(t, ast.Name))
        step = self._one_step() if not (reraises or expected) else None
        if step == "codec":
            expected = True
        logs_error = not (reraises or expected) and self._logs_error(node)
        why = None
        if logs_error and step == "call":
            why = "of the try's one call; the message carries the error, the callee's frames are lost"
        elif not (reraises or expected) and self._narrow(types):
            # the handler names the one failure it expects; its message carries the error's text, or was written
            # for that failure (`except ldap.FILTER_ERROR: log.error("bad user search filter")`)
            why = (f"of the {'/'.join(t.split('.')[-1] for t in types)} the handler expects; the message "
                   f"{'carries its text' if logs_error else 'is written for it'}, the failing frame is lost")
        elif not (reraises or expected) and types and not any(t.split(".")[-1] in _BROAD for t in types):
            # blind, reviewers judged a lost traceback worth a warning where the handler catches whatever comes
            # (`except Exception`): the traceback is the only record of what failed where. A handler naming its
            # types (IntegrityError, TypeError, OSError) chose the failures it handles
            why = (f"of the {'/'.join(t.split('.')[-1] for t in types)} the handler names (a failure it "
                   "chose to handle, not whatever comes)")
        if why is None and not (reraises or expected):
            if reads_traceback:
                # blind, searxng's URL filter: it walks `exc.__traceback__` to the callback's frame and logs that
                # file and line itself
                why = "that the handler reads itself (`__traceback__`) to log the frame it picked"
            elif flags and (tally := self._raised_on_after_loop(flags)):
                why = (f"while a loop checks one item after another: the handler sets `{tally}`, on which the "
                       "function raises after the loop (a validation pass that logs every bad value, then fails "
                       "as a whole)")
        self.handlers.append((reraises, expected, why))

    def _raised_on_after_loop(self, flags: set[str]) -> str | None:
        """A flag of failure the function starts False before the loop the handler runs in and, after the loop,
        raises on (`if error: raise ValueError("Invalid settings")`): a validation pass that names every bad
        value in the log, then fails as a whole. A list the handler appends to is no such evidence: blind, a
        list of the failed ids (privacyidea's export) and one of the errors' texts (opencve's Slack replies)
        were true warnings, the traceback of an unexpected failure still lost."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return None
        loop = next((p for p in self.ctx.parents if isinstance(p, (ast.For, ast.AsyncFor, ast.While)) and
                     any(p is st for st in func.body)), None)
        if loop is None:
            return None
        index = next(i for i, st in enumerate(func.body) if st is loop)
        started = {t.id for st in func.body[:index] if isinstance(st, ast.Assign) for t in st.targets
                   if isinstance(t, ast.Name) and t.id in flags and isinstance(st.value, ast.Constant) and
                   st.value.value is False}
        if not started:
            return None
        read = {m.id for st in func.body[index + 1:] for n in ast.walk(st)
                if isinstance(n, ast.If) and any(isinstance(r, ast.Raise) for r in n.body)
                for m in ast.walk(n.test) if isinstance(m, ast.Name) and m.id in started}
        return min(read) if read else None

    def _one_step(self) -> str | None:
        """What the `try` does when it is one step: a single simple statement whose calls are library code by
        their root name (`shutil.move(src, dst)`, `requests.get(url).json()`), next to log calls and call-free
        bookkeeping (`queued += 1`). "codec" when that step only decodes or encodes bytes (`raw.decode("utf-8")`):
        the only failure is the input's encoding. "call" otherwise: the traceback would add the frames of that
        one call, which the message can carry. None for several steps or compound statements (which line
        failed matters) and for any call not known to be a library's (a local function, a method on `self`, a
        name imported from the project, a client or plugin object: its frames may be where a bug lives;
        earlier reviews called `except Exception: log.error(f"...{e}")` around `plugin.send(...)` or a data
        layer's call a true warning)."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        if block is None:
            return None
        if id(block) not in self._steps:  # once per try: a hostile file may give one try many handlers
            self._steps[id(block)] = self._step_of(block)
        return self._steps[id(block)]

    def _step_of(self, block: ast.Try) -> str | None:
        steps: list[list[ast.Call]] = []
        for st in block.body:
            if not isinstance(st, _SIMPLE_STATEMENTS):
                return None
            calls = [n for n in iter_nodes(st) if isinstance(n, ast.Call)]
            if any(logger_method(c, self.ctx) for c in calls):
                if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and \
                        logger_method(st.value, self.ctx) and len(calls) == 1:
                    continue
                return None
            if calls:
                steps.append(calls)
        if len(steps) != 1:
            return None
        # `raw.decode("utf-8")`: bytes/str codecs take only constants; `jwt.decode(token, key)` is no codec
        if all(isinstance(c.func, ast.Attribute) and c.func.attr in ("decode", "encode") and all(
                isinstance(a, ast.Constant) for a in [*c.args, *(k.value for k in c.keywords)]) for c in steps[0]):
            return "codec"
        return "call" if all(self._library_call(c) for c in steps[0]) else None

    def _library_call(self, call: ast.Call) -> bool:
        """The call goes to library code, by its root name: a module or name imported from a library
        (`shutil.move`, `Path(p).unlink()`, `requests.get(url).json()`) or a builtin. A method on `self`, a
        parameter or a client object is left out: a data layer or a plugin reached through it may be the
        project's own code, whose frames are where a bug lives. A string method by its name, given only
        constants (`email.rsplit("@")`, `line.split(":", 1)`), is the str type's own: it fails only on the shape
        of the value, and it has no frames below the line."""
        if isinstance(call.func, ast.Attribute) and call.func.attr in _STR_SHAPE and all(
                isinstance(a, ast.Constant) for a in [*call.args, *(k.value for k in call.keywords)]):
            return True
        func, below = call.func, None
        while isinstance(func, (ast.Attribute, ast.Call)):
            below = func
            func = func.value if isinstance(func, ast.Attribute) else func.func
        if not isinstance(func, ast.Name) or func.id in self._local_functions():
            return False
        origin = self.ctx.imported(func.id)
        if origin:
            return self._library(origin)
        if func.id in _BUILTINS and not self.ctx.is_local(func.id):
            return True
        # a client object a library made (`self.session = requests.Session()`, `s3 = boto3.client("s3")` at
        # module level): its methods are the library's; `self.save()` itself, or an attribute the class also
        # binds to anything else (a plugin, a data layer, a project factory's result), stays the project's
        if func.id == "self" and isinstance(below, ast.Attribute) and below is not call.func:
            return below.attr in self._library_objects(self._enclosing_class())
        if self.ctx.is_local(func.id):
            return func.id in self._local_library_objects()
        return func.id in self._library_objects(self.ctx.tree)

    def _local_library_objects(self) -> frozenset[str]:
        """Names the enclosing function binds only to library objects: a library class's instance, also
        configured through its own methods (`resolver = dns.resolver.Resolver()`, `builder =
        PolicyBuilder().store(...)`), or what a method of such a local returns (`verifier =
        builder.build_server_verifier(...)`): its methods are the library's. Asked only for a one-step `try`
        around a call on a local, once per function."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None:
            return frozenset()
        cache = self.__dict__.setdefault("_objects", {})
        if id(fn) not in cache:
            bound: dict[str, bool] = {}
            for node in ast.walk(fn):  # source order: a local made from an earlier one is seen after it
                if isinstance(node, ast.Assign):
                    made = self._library_chain(node.value, bound)
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            bound[target.id] = bound.get(target.id, True) and made
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr,
                                       ast.withitem)):
                    target = node.optional_vars if isinstance(node, ast.withitem) else node.target
                    for name in iter_nodes(target) if target is not None else ():
                        if isinstance(name, ast.Name):
                            bound[name.id] = False  # bound to something else too
            cache[id(fn)] = frozenset(name for name, made in bound.items() if made)
        return cache[id(fn)]

    def _library_chain(self, value: ast.expr, bound: dict[str, bool]) -> bool:
        """A call chain that starts at a library class's instance or at a local library object."""
        if not isinstance(value, ast.Call):
            return False
        node: ast.expr = value
        while isinstance(node, (ast.Attribute, ast.Call)):
            if isinstance(node, ast.Call) and self._made_by_library(node):
                return True
            node = node.value if isinstance(node, ast.Attribute) else node.func
        return isinstance(node, ast.Name) and bound.get(node.id, False)

    def _enclosing_class(self) -> ast.ClassDef | None:
        return next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)

    def _library_objects(self, scope: ast.AST | None) -> frozenset[str]:
        """Names a module binds at its top level (through `if`/`try` blocks), or attributes a class binds on
        `self` in its methods, only ever to what a library's constructor or factory returns (`requests.Session()`,
        `boto3.client("s3")`, `httpx.AsyncClient(...)`). Asked only for a one-step `try` around a call on such a
        name, once per module or class."""
        if scope is None:
            return frozenset()
        cache = self.__dict__.setdefault("_objects", {})
        if id(scope) not in cache:
            bound: dict[str, bool] = {}
            if isinstance(scope, ast.ClassDef):
                for node in ast.walk(scope):
                    if isinstance(node, (ast.Assign, ast.AnnAssign)):
                        for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                                    target.value.id == "self":
                                made = self._made_by_library(node.value)
                                bound[target.attr] = bound.get(target.attr, True) and made
            else:
                pending = list(getattr(scope, "body", ()))
                while pending:
                    st = pending.pop()
                    if isinstance(st, (ast.If, ast.Try, ast.With)):
                        pending += [*st.body, *getattr(st, "orelse", ()), *getattr(st, "finalbody", ()),
                                    *(x for h in getattr(st, "handlers", ()) for x in h.body)]
                    elif isinstance(st, (ast.Assign, ast.AnnAssign)):
                        for target in (st.targets if isinstance(st, ast.Assign) else [st.target]):
                            if isinstance(target, ast.Name):
                                bound[target.id] = bound.get(target.id, True) and self._made_by_library(st.value)
            cache[id(scope)] = frozenset(name for name, made in bound.items() if made)
        return cache[id(scope)]

    def _made_by_library(self, value: ast.expr | None) -> bool:
        """`value` makes a client object in a library: an instance of a library's class (`requests.Session()`,
        `httpx.AsyncClient(...)`) or what a client factory returns (`client("s3")` imported from boto3), by the
        module's imports. Not any library call: `get_user_model()` returns the project's model class, whose
        manager calls are database work."""
        if not isinstance(value, ast.Call):
            return False
        last = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        if not (last[:1].isupper() or last in _CLIENT_FACTORIES):
            return False
        func = value.func
        while isinstance(func, (ast.Attribute, ast.Call)):
            func = func.value if isinstance(func, ast.Attribute) else func.func
        # (a function's own `import dns.resolver` counts: what is imported where we stand)
        return isinstance(func, ast.Name) and self._library(self.ctx.imported(func.id) or
                                                            self.ctx.imports.get(func.id))

    def _local_functions(self) -> set[str]:
        if not hasattr(self, "_locals"):
            tree = self.ctx.tree
            self._locals = {n.name for n in self.ctx.all_nodes() if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                                    ast.ClassDef))} if tree else set()
        return self._locals

    def _narrow(self, types: list[str]) -> bool:
        """Every caught type names one kind of failure from outside the code (`IOError`, `JSONDecodeError`,
        `requests.RequestException`, `RuntimeError` of an executor): the handler expects it. Not a broad type,
        a programming or import error, a database's or a subprocess's error (which statement failed matters),
        nor this module's own wrapper of another error (where it came from is in the traceback)."""
        return bool(types) and all(
            t and t.split(".")[-1] not in _UNEXPECTED_KINDS and not _DATABASE_ERROR.search(t.split(".")[-1]) and
            t.split(".")[-1] not in self._wrapped_here() for t in types)

    def _logs_error(self, handler: ast.ExceptHandler) -> bool:
        """A log call of the handler carries the caught error (`logger.error(f"... {e}")`, `log.warning("%s",
        e)`, `logger.critical(str(e))`)."""
        return bool(handler.name) and any(
            isinstance(n, ast.Call) and logger_method(n, self.ctx) and any(
                isinstance(a, ast.Name) and a.id == handler.name for a in ast.walk(n))
            for n in handler_nodes(handler))

    def _identified_case(self) -> bool:
        """The call sits in a branch that compared the caught error's code with a known one (`if
        e.response["error"] == SlackAPIErrorCode.ORG_USER_NOT_IN_TEAM:`): the handler knows which expected
        failure this is, and the message names it."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, ast.ExceptHandler):
                return False
            if not isinstance(parent, ast.If):
                continue
            # `e.errno in (48, 98) or "already in use" in str(e)`: each alternative a comparison of the error
            tests = parent.test.values if isinstance(parent.test, ast.BoolOp) and isinstance(
                parent.test.op, ast.Or) else [parent.test]
            if all(isinstance(t, ast.Compare) for t in tests):
                handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
                if handler is not None and handler.name and any(
                        isinstance(n, ast.Name) and n.id == handler.name for n in ast.walk(parent.test)) and \
                        all(any(isinstance(op, (ast.Eq, ast.In)) for op in t.ops) for t in tests):
                    return True
        return False

    def _error_replies(self, types: list[str]) -> bool:
        """Every caught type is this module's own exception for a remote's error reply: its `__init__` keeps
        the reply's code (`self.code = code`), as a client library's API error does (SlackApiError). The reply
        is the news, the message carries it; the traceback would only show the raise."""
        tree = self.ctx.tree
        if tree is None:
            return False
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        return all(t in classes and any(
            isinstance(f, ast.FunctionDef) and f.name == "__init__" and any(
                isinstance(n, ast.Attribute) and n.attr == "code" and isinstance(n.ctx, ast.Store) and
                isinstance(n.value, ast.Name) and n.value.id == "self" for n in ast.walk(f))
            for f in classes[t].body) for t in types)

    def _own_errors(self, handler: ast.ExceptHandler) -> bool:
        """Every caught type is the project's own exception (defined in this module or imported from the
        project's package: `UnsupportedTarget`, `AccountReviewThreadCreationError`) or an API client's error
        for the remote's answer (`stripe.InvalidRequestError`, `GrafanaCloudAPIError`): raised on purpose with
        a message that says what failed, the traceback would only show the raise. Not a broad type; not an own
        class this module raises `from` another error (a wrapper: where it came from is in the traceback); not
        a client's error the handler leaves out of its log lines (nothing says what the remote answered)."""
        type_node = handler.type
        nodes = type_node.elts if isinstance(type_node, ast.Tuple) else [type_node] if type_node else []
        return bool(nodes) and all(self._own_error(_unstar(n), handler) for n in nodes)

    def _own_error(self, node: ast.expr, handler: ast.ExceptHandler) -> bool:
        name = dotted(node) or ""
        last = name.split(".")[-1]
        if not last or last in ("Exception", "BaseException") or not last[:1].isupper():
            return False
        if _CLIENT_ERROR.match(last) or (self.ctx.qualname(node) or "").startswith("stripe."):
            return bool(handler.name) and any(isinstance(n, ast.Name) and n.id == handler.name
                                              for n in handler_nodes(handler))
        tree = self.ctx.tree
        if tree is None or last in self._wrapped_here():
            return False
        if "." not in name and any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body):
            return True
        origin = self.ctx.imported(name.split(".")[0])
        return bool(origin) and not self._library(origin)

    def _wrapped_here(self) -> set[str]:
        """Exception classes this module raises as wrappers of another error (`raise ParseError(...) from e`)."""
        if not hasattr(self, "_wrappers"):
            self._wrappers = {(dotted(n.exc.func if isinstance(n.exc, ast.Call) else n.exc) or "").split(".")[-1]
                              for n in self.ctx.all_nodes() if isinstance(n, ast.Raise) and n.exc is not None
                              and n.cause is not None and not (isinstance(n.cause, ast.Constant))}
        return self._wrappers

    def _one_of_several(self, types: list[str]) -> bool:
        """`except (HTTPError, URLError): ...  except OSError: ...` : the `try` has a handler per failure it
        expects, and this one catches what the outside world or the input causes (a file, the network, a key
        missing from configuration, a malformed value): the handler knows which failure this is and its
        message says so (the url, the font that is missing). Database errors, a subprocess's failure and
        programming errors (`IntegrityError`, `CalledProcessError`, `AttributeError`) keep their traceback,
        as does a broad handler among them."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        if block is None or len(block.handlers) < 2 or not types:
            return False
        return all(t.split(".")[-1] in _OUTSIDE_FAILURES for t in types)

    def _retried_connect(self, handler: ast.ExceptHandler) -> bool:
        """`while True: try: conn = psycopg2.connect(dsn); conn.set_client_encoding(...); break except Exception
        as e: log.error("connection error: %s", e); retry += 1`: the `try` of a retry loop only opens a
        connection (no loop of work inside it) and the message carries the error: a server not up yet is the
        expected failure, and its message (host, reason) is all there is; the traceback shows the driver."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        loop = parents[-2] if len(parents) > 1 else None
        if block is None or not isinstance(loop, (ast.While, ast.For, ast.AsyncFor)) or \
                not any(st is block for st in loop.body) or not handler.name:
            return False
        if id(block) not in self._connect_only:  # once per try: a hostile file may give one try many handlers
            self._connect_only[id(block)] = self._opens_only(block)
        return self._connect_only[id(block)] and \
            any(isinstance(n, ast.Name) and n.id == handler.name for n in handler_nodes(handler))

    @staticmethod
    def _opens_only(block: ast.Try) -> bool:
        nodes = list(iter_nodes(block.body))
        opens = any(isinstance(n, ast.Call) and (n.func.attr if isinstance(n.func, ast.Attribute) else
                                                 getattr(n.func, "id", "")) in ("connect", "create_connection")
                    for n in nodes)
        return opens and not any(isinstance(n, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith))
                                 for n in nodes)

    def _only_schedules(self) -> bool:
        """`try: asyncio.create_task(store.save(item))`: the `try` only schedules a coroutine, so what it
        catches is the scheduling's own failure (no running loop), never the task's: the message is complete."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        if block is None or len(block.body) != 1 or not isinstance(block.body[0], (ast.Expr, ast.Assign)):
            return False
        call = block.body[0].value
        if not isinstance(call, ast.Call) or not (
                (self.ctx.qualname(call.func) or "") in ("asyncio.create_task", "asyncio.ensure_future") or
                isinstance(call.func, ast.Attribute) and call.func.attr == "create_task"):
            return False
        inner = [n for n in iter_nodes(call) if isinstance(n, ast.Call) and n is not call]
        return len(call.args) == 1 and isinstance(call.args[0], ast.Call) and len(inner) == 1

    def _optional_import(self, types: list[str]) -> bool:
        """`try: import httplib2 except ImportError as e: logger.error(...)`: an optional dependency missing,
        the message names it. An import of a configured dotted path (`import_string(path)`) stays: its
        traceback shows where in the chain the import broke."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        return block is not None and all(t.split(".")[-1] in ("ImportError", "ModuleNotFoundError") for t in types) \
            and all(isinstance(st, (ast.Import, ast.ImportFrom)) for st in block.body)

    def _malformed_payload(self, types: list[str]) -> bool:
        """`try: body = json.loads(raw); incident_id = body["incident"]["id"] except (JSONDecodeError, KeyError,
        AttributeError)`: the `try` only decodes and looks up, and what it catches are the shapes a
        malformed payload fails with; the message describes the input, there is no frame to find."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        if block is None or not all(t.split(".")[-1] in _SHAPE_ERRORS for t in types):
            return False
        calls = [n for n in iter_nodes(block.body) if isinstance(n, ast.Call)]
        return bool(calls) and all((self.ctx.qualname(n.func) or "") in _DECODERS or
                                   isinstance(n.func, ast.Attribute) and n.func.attr in ("decode", "get")
                                   for n in calls)

    def _only_validates(self) -> bool:
        """Every call the `try` makes is an imported validator's (`from jsonpath_ng import parse`; `try:
        parse(path); obj.path = path`): whatever it raises, even caught as Exception, is that validator's
        verdict on the input. A method of the object (`self._parse_title_placeholders(...)`) is the project's
        own code, whose failures may be bugs: its traceback stays wanted."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        calls = [n for n in iter_nodes(block.body) if isinstance(n, ast.Call)] if block is not None else []
        return bool(calls) and all(
            isinstance(n.func, ast.Name) and self._library(self.ctx.imported(n.func.id)) and
            _VALIDATOR_NAME.match(n.func.id) for n in calls)

    def _library(self, origin: str | None) -> bool:
        """Imported from a library, not from the project's own package (`from lnbits.core.services import
        check_balance` in lnbits/core/tasks.py, or a relative import): the project's own code may fail by a bug."""
        if not origin or origin.startswith("."):
            return False
        top = self.ctx.path.split("/")
        return origin.split(".")[0] not in top[:-1] and origin.split(".")[0] not in ("src",)

    def _empty_result(self, types: list[str]) -> bool:
        """`try: found = which("gpg")[0]` / `except IndexError:`: one statement taking the first or last item of
        a result, so the IndexError caught is that result's being empty, the "none found" answer the message
        names; not a fault whose traceback matters."""
        if types != ["IndexError"] or not self._one_statement():
            return False
        return any(isinstance(n, ast.Subscript) and isinstance(n.slice, (ast.Constant, ast.UnaryOp)) and
                   literal_value(n.slice) in (0, -1) for n in iter_nodes(self.ctx.parents[-1].body))

    def _one_statement(self) -> bool:
        parents = self.ctx.parents
        return bool(parents) and isinstance(parents[-1], ast.Try) and len(parents[-1].body) == 1

    def _validates(self) -> bool:
        """The try block asks a validator (`validate_regex_pattern(p)`, `parse_date(s)`): the ValueError caught
        is its verdict on the input, expected, and a message says all there is."""
        parents = self.ctx.parents
        block = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
        return block is not None and any(
            isinstance(n, ast.Call) and _VALIDATOR_NAME.match((dotted(n.func) or "").split(".")[-1])
            for n in iter_nodes(block.body))

    def _logs_traceback(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        qn = self.ctx.qualname(node.func) or dotted(node.func) or ""
        if qn in _TRACEBACK_CALLS:  # dotted too: `import traceback` inside the handler
            return True
        if qn.split(".")[-1] in _TRACEBACK_REPORTERS and (qn.startswith(_TRACKER_MODULES) or qn ==
                                                          "capture_exception"):
            return True  # `capture_exception()` next to `logger.error`: the tracker keeps the traceback
        method = logger_method(node, self.ctx)
        if method == "exception":
            return True
        exc_info = _exc_info(node)
        return method is not None and exc_info is not None and not (
            isinstance(exc_info, ast.Constant) and exc_info.value in (False, None))

    def leave_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.handlers.pop()

    def _health_probe(self) -> bool:
        """The try only pings a service (`conn.ping()`), or the function or module is a health check
        (`_perform_all_health_checks`, `health_check.py`): a probe whose failure is the answer it reports (the
        service is down). Blind sets R and S pinned both shapes to note: the connection error's message says it,
        and its frames are the client library's."""
        if "health" in self.ctx.path.rsplit("/", 1)[-1].lower() or any(
                "health" in f.name.lower() for f in self.ctx.function_stack):
            return True
        owner = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.Try)), None)
        return owner is not None and len(owner.body) == 1 and isinstance(owner.body[0], ast.Expr) and \
            isinstance(call := owner.body[0].value, ast.Call) and isinstance(call.func, ast.Attribute) and \
            call.func.attr == "ping"

    def _side_step(self) -> bool:
        """The handler sits inside another handler of the same function that re-raises or logs its traceback
        (`except DBError as e: rollback(); try: mark_failed(doc); commit() except Exception as e2:
        log.error(e2); raise e`): the second failure is a side step of handling the first, whose record the
        operation keeps."""
        for entry in reversed(self.handlers[:-1]):
            if entry is None:
                return False  # a function barrier: an outer function's handler does not run this code
            if entry[0]:
                return True
        return False

    def _called_only_in_handlers(self) -> bool:
        """The enclosing function is a handler helper (`def handle_exception(self, ex)`) that this module calls,
        and only from inside `except` blocks: the exception is still being handled, so the traceback logs."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None or self.ctx.tree is None:
            return False
        if not hasattr(self, "_module_calls"):
            self._module_calls = _calls_with_context(self.ctx.tree)
        calls = [(n, inside) for n, inside in self._module_calls
                 if (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)) == fn.name]
        return bool(calls) and all(inside for _, inside in calls)

    def visit_Call(self, node: ast.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is None:
            return
        current = self.handlers[-1] if self.handlers else None
        if method == "exception":
            if current is None and not self._called_only_in_handlers():
                self.report(node, "logger.exception() outside an except block logs 'NoneType: None' as the "
                                  "traceback; use logger.error, or call it inside the handler",
                            level="note", properties={"sub": "outside-handler"})
            return
        if method not in ("error", "critical", "fatal") or current is None:
            return
        reraises, expected, note_why = current
        if reraises or expected or self._identified_case():
            return
        exc_info = _exc_info(node)
        if exc_info is not None and not (isinstance(exc_info, ast.Constant)
                                         and (exc_info.value is False or exc_info.value is None)):
            return
        if isinstance(exc_info, ast.Constant) and exc_info.value is False:
            # the author turned the traceback off by name (a trace that may carry a token, a known failure):
            # a decision, not an omission; whether it is right here was not traced
            self.report(node, f"logger.{method}() in an except block passes exc_info=False: the traceback is left "
                              "out on purpose (whether the reason holds was not traced); logger.exception() "
                              "keeps it", level="note")
            return
        if self._class_only(node):
            # the author logs which error it was and keeps its text out (the comment usually says the text may
            # hold data that must not reach disk): exc_info would write that text too
            self.report(node, f"logger.{method}() in an except block logs only the exception's class: its text and "
                              "traceback are left out on purpose (whether the reason holds was not traced); "
                              "logger.exception() keeps them", level="note")
            return
        if self._migration():
            # a schema step the operator runs once at upgrade, watching it: a note
            self.report(node, f"logger.{method}() in an except block of a migration drops the traceback; use "
                              "logger.exception() or pass exc_info=True", level="note")
            return
        if note_why is None and self._side_step():
            note_why = ("of a side step inside a handler that re-raises the first error or logs its traceback (the "
                        "operation fails with that error's record either way)")
        if note_why is None and self._health_probe():
            note_why = ("of a health probe (a `ping()`, a health check): the failure is what the probe reports, a "
                        "service out of reach")
        if note_why:
            # the message carries the error of one library call, or of the narrow failure the handler expects:
            # the traceback would add frames that may or may not matter; not traced further
            self.report(node, f"logger.{method}() in an except block drops the traceback {note_why} (whether "
                              "that matters was not traced): logger.exception() keeps them", level="note")
        else:
            self.report(node, f"logger.{method}() in an except block drops the traceback; use logger.exception() "
                              "or pass exc_info=True")
        helpers = self._helper_calls(node)
        loggers = self._exception_handed_to()
        if helpers or loggers:
            # whether a helper the message calls returns the traceback as text, or a function the handler hands
            # the exception to logs it with its traceback, is the project pass's to say
            finding = self.ctx.findings.pop().to_dict()
            self.ctx.facts.setdefault(HELPER_LOGS, []).append({"finding": finding, "helpers": helpers,
                                                               "loggers": loggers})

    def _exception_handed_to(self) -> list[list]:
        """[module, name, flags, positionals] of the plain-name functions the handler hands the caught exception
        to (`log_exception(e)`, `report(e, warning=True)`): flags are the keywords passed a value other than
        False/None. The module is "" for a function this file defines."""
        handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
        if handler is None or not handler.name:
            return []
        out: list[list] = []
        for n in handler_nodes(handler):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)) or not any(
                    isinstance(a, ast.Name) and a.id == handler.name for a in n.args[:1]):
                continue
            origin = self.ctx.qualname(n.func)
            if origin is not None and (not origin or origin.startswith("builtins.")):
                continue
            module, _, name = origin.rpartition(".") if origin else ("", "", n.func.id)
            flags = [k.arg for k in n.keywords if k.arg and not (isinstance(k.value, ast.Constant) and
                                                                 k.value.value in (False, None))]
            out.append([module, name, flags, len(n.args)])
            if len(out) >= 4:
                break
        return out

    def _class_only(self, call: ast.Call) -> bool:
        """The log call names the caught exception only through its class (`type(exc).__name__`,
        `exc.__class__`), never the exception itself."""
        handler = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ExceptHandler)), None)
        if handler is None or not handler.name:
            return False
        uses, by_class = 0, 0
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            for n in iter_nodes(arg):
                if isinstance(n, ast.Name) and n.id == handler.name:
                    uses += 1
                elif isinstance(n, ast.Attribute) and n.attr == "__class__" and \
                        isinstance(n.value, ast.Name) and n.value.id == handler.name or \
                        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "type" and \
                        len(n.args) == 1 and isinstance(n.args[0], ast.Name) and n.args[0].id == handler.name:
                    by_class += 1
        return by_class > 0 and uses == by_class

    def _helper_calls(self, call: ast.Call) -> list[list[str]]:
        """[module, name] of the plain-name functions the log call's arguments call with at most one argument
        (`get_exception_message(e)`, `tb_text()`): the project's own helper or one it imports. The module is
        "" for a function this file defines."""
        out: list[list[str]] = []
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            for n in iter_nodes(arg):
                if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)) or len(n.args) + len(n.keywords) > 1:
                    continue
                origin = self.ctx.qualname(n.func)
                if origin is None:  # not imported: this file's own function, if it defines one by that name
                    out.append(["", n.func.id])
                elif origin and not origin.startswith("builtins."):
                    module, _, name = origin.rpartition(".")
                    out.append([module, name])
                if len(out) >= 4:  # a message calls a helper or two; a hostile one may call thousands
                    return out
        return out

    def _migration(self) -> bool:
        if not hasattr(self, "_is_migration"):
            ctx = self.ctx
            self._is_migration = is_migration(ctx)
        return self._is_migration


def _exc_info(call: ast.Call) -> ast.expr | None:
    """The exc-info keyword: logging's `exc_info`, logfire's `_exc_info`."""
    return keyword(call, "exc_info") or keyword(call, "_exc_info")


def _unstar(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Starred) else node


# `settings.is_development()`, `settings.DEBUG`, `DEBUG`, `app.debug`, `is_local()`
_DEVELOPMENT = re.compile(r"^(\w+\.)*(is_)?(dev|development|debug|DEBUG|local)(_mode|_env)?$")


def _mentions_development(test: ast.expr) -> bool:
    return any(_DEVELOPMENT.match((dotted(n.func) if isinstance(n, ast.Call) else dotted(n)) or "")
               for n in ast.walk(test) if isinstance(n, (ast.Call, ast.Attribute, ast.Name)))


class EagerLogFormatting(AstCheck):
    """The message of a logging call formatted before the call (f-string, %, .format, +)."""

    RULE_ID = "BA-LOG-002"

    def visit_Call(self, node: ast.Call) -> None:
        method = logger_method(node, self.ctx)
        if method is None:
            return
        msg = _message_arg(node, method)
        if msg is None or (self.ctx.qualname(node.func.value) or "") == "logfire":
            return  # logfire reads an f-string's fields itself and groups by its template
        how = _eager(msg)
        if how:
            loguru = self._loguru(node)
            lazy = ("a constant message with {} placeholders and the values as arguments (loguru: "
                    "logger.info(\"paid {}\", payment_hash))" if loguru else
                    "a constant message with %s arguments or extra={...}")
            why = self._note_why(node, method)
            self.report(msg, f"log message built eagerly with {how}; pass {lazy} so formatting is lazy and "
                             f"messages group by template ({why})",
                        level="note", properties={"logger": "loguru"} if loguru else None)
        elif node.args and formats_with_percent(self.ctx, self._roots(), node):
            wrong = placeholder_mismatch(node, msg, method)
            if wrong:
                args = node.args[2 if method == "log" else 1:]
                # `msg % mapping` does not fail without %(name)s placeholders: it returns the text as it is
                lost = "the line is logged without the values (logging applies msg % mapping, which leaves a " \
                       "message without %(name)s placeholders as it is); name them with %(key)s" \
                    if len(args) == 1 and isinstance(args[0], ast.Dict) else \
                    "once its level is on, formatting the record fails and the line is lost; give one %s per argument"
                self.report(msg, f"logging call passes {wrong}: {lost}", properties={"sub": "placeholders"})

    def _roots(self) -> frozenset[str]:
        if not hasattr(self, "_import_roots"):
            self._import_roots = import_roots(self.ctx)  # first asked after the module's imports are read
        return self._import_roots

    def _note_why(self, call: ast.Call, method: str) -> str:
        """Why the eager message is a note: every eager message is one. At info and above the level is normally
        on, so the record is formatted when emitted anyway: what is lost is grouping by template. At debug the
        formatting is paid while the level is off, but blind reviews of every held-out set (X: 40 of 40 debug
        warnings, all pinned to note) found that cost negligible beside the I/O around the line: whether the path
        is hot enough for it to matter is not in the code. The placeholder mismatch stays a warning."""
        once = self._outside_the_server()
        if once:
            return once
        if self._development_only():
            return "under a development switch: console output for the developer"
        if not _debug_level(call, method):
            return (f"at {'a non-debug' if method == 'log' else method} level, normally on: formatted when emitted anyway, only grouping by template "
                    "is lost; whether the path is hot was not traced")
        if self._level_checked():
            return "under a check that the debug level is enabled: formatted only when it is on"
        why = outside_product(self.ctx)
        if why or in_tool_dir(self.ctx.path):
            return f"in {why or 'a program under ' + in_tool_dir(self.ctx.path) + '/'} run by hand: its log is the " \
                   "console of one run"
        return ("at debug level, off in production: formatted for nothing on each pass, a cost blind reviews found "
                "negligible beside the work around such lines; whether this path is hot was not traced")

    def _level_checked(self) -> bool:
        """Inside `if logger.isEnabledFor(logging.DEBUG):` (the formatting is then paid only when it is on)."""
        return any(isinstance(p, ast.If) and any(isinstance(n, ast.Attribute) and n.attr == "isEnabledFor"
                                                 for n in ast.walk(p.test)) for p in self.ctx.parents)

    def _outside_the_server(self) -> str | None:
        """Where the line is written once per run of a tool rather than per request, so neither laziness nor
        grouping by template changes anything: a migration the operator runs once, or an extension of a
        documentation build (the module imports Sphinx or docutils: its log is sphinx-build's console)."""
        if is_migration(self.ctx) or "/migrations/" in f"/{self.ctx.path}":
            # a module of a `migrations/` package (a backfill or post-upgrade job beside the revisions): the
            # operator's upgrade runs it
            return "in a migration run once: whether it loops over many rows was not traced"
        if any(v.split(".")[0] in _DOCS_BUILD for v in self.ctx.imports.values()):
            return "in a documentation build's extension: its log is the docs build's console, not a server's"
        return None

    def _development_only(self) -> bool:
        """Inside `if settings.is_development():` / `if DEBUG:`: console output for the developer at their
        screen (a login code banner), never grouped by a log pipeline. Still eager, so a note."""
        for parent, child in zip(reversed(self.ctx.parents), reversed([*self.ctx.parents[1:], None])):
            if isinstance(parent, ast.If) and child is not None and any(st is child for st in parent.body) and \
                    _mentions_development(parent.test):
                return True
        return False

    def _loguru(self, call: ast.Call) -> bool:
        """The call is made on loguru's logger (`logger.info`, `logger.opt(...).info`)."""
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
            receiver = receiver.func.value
        return receiver is not None and (self.ctx.qualname(receiver) or "").startswith("loguru")


def _debug_level(call: ast.Call, method: str) -> bool:
    """A debug-level call: `.debug(...)`, loguru's `.trace(...)`, or `.log(logging.DEBUG, ...)` / `.log(10, ...)`."""
    if method in ("debug", "trace"):
        return True
    level = positional(call, 0) if method == "log" else None
    return level is not None and (dotted(level) or "").rsplit(".", 1)[-1] in ("DEBUG", "TRACE") or \
        isinstance(level, ast.Constant) and level.value in (5, 10, "DEBUG", "TRACE")


def _is_string(node: ast.expr) -> bool:
    """A str or bytes literal (implicit concatenation included: ast folds it into one Constant)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def _eager(msg: ast.expr) -> str | None:
    if isinstance(msg, ast.JoinedStr):
        return None if is_literal_string(msg) else "an f-string"
    if isinstance(msg, ast.BinOp):
        if isinstance(msg.op, ast.Mod) and _is_string(msg.left):
            return "%-formatting"
        if isinstance(msg.op, ast.Add) and not all(_is_string(x) or is_literal_string(x) for x in (msg.left, msg.right)):
            if any(_is_string(x) or isinstance(x, ast.JoinedStr) for x in (msg.left, msg.right)) \
                    or _eager(msg.left) or _eager(msg.right):
                return "string concatenation"
        return None
    if isinstance(msg, ast.Call) and isinstance(msg.func, ast.Attribute) and msg.func.attr == "format" \
            and _is_string(msg.func.value):
        return "str.format()"
    return None


# keywords naming where a message is delivered: a value passed there is an address (a device push token)
_ADDRESS_KEYWORDS = frozenset({"to", "recipient", "recipients", "registration_id", "registration_ids",
                               "device_token", "push_token"})
_REQUEST_CARRIERS = frozenset({"headers", "cookies", "META", "body", "json", "POST", "COOKIES", "form", "data"})
_MASKERS = ("mask", "redact", "scrub", "hash", "obfuscate", "anonymize", "anonymise", "sha256", "hexdigest",
            "len", "bool", "type")


class SensitiveValueLogged(AstCheck):
    """A sensitive name or a whole request carrier in any part of a logger or print call."""

    RULE_ID = "BA-LOG-004"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.straight_line = is_straight_line(ctx.tree)
        # per function: see _roles()
        self.roles: dict[int, tuple[dict[str, str], set[str], dict[str, list[ast.expr]]]] = {}
        self.filled: dict[tuple[int, str], bool] = {}  # per function and name: see _names_only()

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and len(node.value) < 500:
            found = route_params(node.value)
            if found:
                self._fact_set("token_route_params", found)

    def _fact_set(self, key: str, names: set[str]) -> None:
        self.ctx.facts[key] = sorted(set(self.ctx.facts.get(key, ())) | names)

    def visit_Call(self, node: ast.Call) -> None:
        looked_up = lookup_fields(node)
        if looked_up:
            self._fact_set("token_lookups", looked_up)
        method = logger_method(node, self.ctx)
        if method is None:
            # what a command-line program prints goes to the person running it, not to a log
            if self.ctx.qualname(node.func) != "builtins.print" or prints_to_its_user(self.ctx) or (
                    self.straight_line and not self.ctx.function_stack):
                return
        # one finding per call, for its most telling part: a credential by origin outranks a name
        best: tuple[int, str, ast.expr, str, dict[str, str]] | None = None
        one_time = _says_one_time(node)
        for part, label in self._parts(node):
            found = self._judge(part, label, method, one_time)
            if found and (best is None or found[0] > best[0]):
                best = found
        if best is not None:
            rank, message, part, level, props = best
            self.report(node, message, key_node=part, level=level, properties=props or None)
            if props.get("sub") == "name-only" and could_be_public(logged_name({"message": message}) or ""):
                # whether the project addresses objects by this name is the project pass's to say
                self.ctx.facts.setdefault("token_name_logs", []).append(self.ctx.findings.pop().to_dict())

    def _judge(self, part: ast.expr, label: str | None, method: str | None, one_time: str = ""):
        """(rank, message, part, level, properties) for one part of a logging call, or None. `one_time` is
        what the call's own text calls the value it logs, when that is a one-time code ("two-factor code")."""
        what = f"'{label}'" if label else self._sensitive(part)
        if not what:
            return None
        if not label and _maybe_public_token(part):
            return (1, f"{what} of {dotted(part.value)} is written to the log: a token field of a domain object is "
                       "often a public identifier (an order's UUID), origin not traced; mask it if it grants access",
                    part, "note", {"sub": "token-field"})
        if _names_other_session(label or expr_name(part) or "", self.ctx) or self._published(part) or \
                self._names_only(part):
            return None
        if not label and self._failed_check():
            return (1, f"{what} is written to the log, but only where its signature check failed "
                       f"({self._failed_check()}): an expired or forged token no longer grants access; mask it all "
                       "the same", part, "note", {"sub": "failed-token"})
        if not label and _request_carrier(part) and self._caught() and all(n in _PARSE_FAILURES for n in self._caught()):
            # the body that failed to parse: not what the endpoint accepts, and its text was not traced
            return (1, f"{what} is written to the log, but only where parsing it failed ({', '.join(self._caught())}):"
                       " a body the endpoint did not accept; whether it carries credentials was not traced, and any "
                       "caller can write that text into the log; log its size or a prefix", part, "note",
                    {"sub": "unparsed-body"})
        if not label and _request_carrier(part):
            kind, why = CREDENTIAL, "the request as received"
        else:
            kind, why = kind_of(part, self.ctx.qualname, self._roles()[2], labelled=bool(label))
        if kind == BENIGN:
            return None
        name = label or expr_name(part) or ""
        if _other_cookie(name):
            # `hubspot_cookie`, `consent_cookie`: a cookie named for what it is for, and that is no login
            return (1, f"{what} is written to the log: a cookie named for something other than a session or a "
                       "login (what it holds was not traced); mask it if it grants access", part, "note",
                    {"sub": "other-cookie"})
        if not _password(name) and self._unmatched():
            return (1, f"{what} is written to the log, but only where the lookup by it found nothing "
                       f"({self._unmatched()}): a key that matches no record grants nothing (whether it is a "
                       "mistyped real one was not traced); mask it all the same", part, "note",
                    {"sub": "unmatched-key"})
        if kind == OBJECT:
            # a name match whose value the code shows is no credential string: what it prints is not known
            return (1, f"{what} is written to the log, but {why}: not a credential string as far as traced; "
                       "check what its text holds", part, "note", {"sub": "not-a-string"})
        if isinstance(part, ast.Name) and self._addressed(part):
            # a push/device token names where a message goes: whoever holds it can send to that
            # device, not act as the account; sensitive, not a login credential
            return (2, f"{what} is written to the log, and it is the address messages are sent to "
                       f"({self._addressed(part)}=): a device or recipient token, not a login credential; mask it "
                       "all the same", part, "warning", {"sub": "recipient-token"})
        if _one_time(label or expr_name(part) or "") or one_time and not _password(name):
            # an OTP is valid for seconds or until its counter moves: a lesser leak than a password
            said = f" (the message calls it a {one_time})" if one_time else ""
            return (2, f"{what} is written to the log: a one-time password{said}, usable only within its time window "
                       "or until the next login moves its counter; mask it all the same", part, "warning",
                    {"sub": "one-time"})
        if method in ("debug", "trace"):
            # whether DEBUG records reach a production log is the deployment's logging config
            if kind == CREDENTIAL and why == "the request as received":
                # blind, a whole request logged at DEBUG was a webhook's or a service's call, checked before: what
                # it carries (a cookie, an Authorization header) and whether DEBUG is on are both untraced
                return (1, f"{what} ({why}) is written to the log at {method.upper()} level: whether it carries a "
                           "credential (a cookie, an Authorization header) and whether that level is on in production "
                           "were not traced; log the fields you need instead", part, "note",
                        {"sub": "debug-request"})
            if kind == CREDENTIAL:
                return (2, f"{what} ({why}) is written to the log at {method.upper()} level: it reaches the logs "
                           "only where that level is on (the logging configuration was not traced); log an "
                           "identifier or a masked value instead", part, "warning", {"sub": "debug-only"})
            return (1, f"{what} is written to the log at {method.upper()} level: only its name says it is a "
                       "credential (origin not traced) and it reaches the logs only where that level is on; log an "
                       "identifier or a masked value instead", part, "note", {"sub": "debug-name-only"})
        if kind == CREDENTIAL:
            return (3, f"{what} ({why}) is written to the log; log an identifier or a masked value instead (logs "
                       "are read by more people and kept longer than the data)", part, "error", {})
        if not _credential_head(name):
            # blind, such names were an expiry, an issuer, a cursor, a count, a Redis key name or a public client
            # key far more often than a secret: the name alone does not show a credential
            return (1, f"{what} is written to the log: a credential word is in its name, but the name ends in "
                       "something else (an expiry, an issuer, a key that may be a public client key); what it "
                       "holds was not traced, origin not traced; mask it if it grants access", part, "note",
                    {"sub": "name-only-qualified"})
        return (2, f"{what} is written to the log: its name says it is a credential (origin not traced); log an "
                   "identifier or a masked value instead", part, "warning", {"sub": "name-only"})

    def _roles(self) -> tuple[dict[str, str], set[str], dict[str, list[ast.expr]]]:
        """Of the enclosing function, once (a hostile file's long function is walked once, not per log call):
        names passed as a message's destination (`PushMessage(to=token)`: name -> keyword), names written
        into a DNS TXT record (`record_type="TXT"`, `txtdata=`: an ACME dns-01 value, a domain-verification
        string, made public on purpose), and what each name is assigned (see logged_values)."""
        func = next((p for p in reversed(self.ctx.parents) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))),
                    None)
        if func is None:
            return {}, set(), {}
        if id(func) not in self.roles:
            addressed: dict[str, str] = {}
            published: set[str] = set()
            bindings = Bindings()
            for call in ast.walk(func):
                collect_bindings(bindings, call)
                if not isinstance(call, ast.Call):
                    continue
                for kw in call.keywords:
                    if kw.arg in _ADDRESS_KEYWORDS and isinstance(kw.value, ast.Name):
                        addressed.setdefault(kw.value.id, kw.arg)
                values = [*call.args, *(k.value for k in call.keywords)]
                if any(literal_value(v) == "TXT" for v in values) or \
                        any(k.arg and k.arg.lower().startswith("txt") for k in call.keywords):
                    published.update(n.id for v in values for n in ast.walk(v) if isinstance(n, ast.Name))
            self.roles[id(func)] = (addressed, published, bindings)
        return self.roles[id(func)]

    def _names_only(self, part: ast.expr) -> bool:
        """A local container the function fills only with names or ids (`found: set[str] = set()`,
        `found.add(secret.name)`, `{s.name for s in rows}`): what it logs is which secrets, not their values."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not isinstance(part, ast.Name):
            return False
        key = (id(func), part.id)
        if key not in self.filled:  # a long function logging one name many times is walked once for it
            self.filled[key] = self._filled_with_names(func, part)
        return self.filled[key]

    @staticmethod
    def _filled_with_names(func: ast.AST, part: ast.Name) -> bool:
        elements: list[ast.expr] = []
        for node in iter_nodes(func):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if not any(isinstance(t, ast.Name) and t.id == part.id for t in targets):
                    continue
                value = node.value
                if isinstance(value, (ast.SetComp, ast.ListComp, ast.GeneratorExp)):
                    elements.append(value.elt)
                elif isinstance(value, (ast.Set, ast.List, ast.Tuple)):
                    elements.extend(value.elts)
                elif not (isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in
                          ("set", "list") and not value.args):
                    return False  # bound to something else: what it holds is not known here
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == part.id:
                if node.func.attr not in ("add", "append"):
                    return False
                elements.extend(node.args)
        return bool(elements) and all(_names_something(e) for e in elements)

    def _addressed(self, part: ast.Name) -> str:
        return self._roles()[0].get(part.id, "")

    def _published(self, part: ast.expr) -> bool:
        return isinstance(part, ast.Name) and part.id in self._roles()[1]

    def _failed_check(self) -> str | None:
        """The except clause around the call when every exception it catches says a token's signature or
        expiry check failed (`except SignatureExpired:`): the value logged there is no longer a credential.
        A clause that also catches a lookup failure (`except (BadSignature, NoResultFound)`) runs for valid
        tokens too."""
        names = self._caught()
        return ", ".join(names) if names and all(_TOKEN_FAILURE.fullmatch(n) for n in names) else None

    def _unmatched(self) -> str | None:
        """The except clause around the call when every exception it catches says a lookup found nothing
        (`except Environment.DoesNotExist:`, `NoResultFound`): the key logged there matched no record."""
        names = self._caught()
        return ", ".join(names) if names and all(
            _NAMES_ABSENCE.fullmatch(n) or n == "NoResultFound" for n in names) else None

    def _caught(self) -> list[str]:
        """The class names the innermost except clause around the call (in this function) catches."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, ast.ExceptHandler):
                caught = parent.type.elts if isinstance(parent.type, ast.Tuple) else [parent.type]
                return [(dotted(t) or "").rsplit(".", 1)[-1] for t in caught if t is not None]
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return []
        return []

    def _parts(self, call: ast.Call):
        for keyword, value in _call_args(call):
            if keyword in ("exc_info", "stack_info", "stacklevel", "level"):
                continue
            if keyword is not None and keyword not in ("extra", "msg") and \
                    is_sensitive_name(keyword) and not _is_masked(value) and not _says_benign(value):
                yield value, keyword  # structlog key=value
                continue
            if keyword is not None and _LABELS_IDS.search(keyword):
                continue  # `provider_ids=providers`: the key says the value holds identifiers or names
            yield from _leaves(value)

    def _sensitive(self, node: ast.expr) -> str | None:
        carrier = _request_carrier(node)
        if carrier:
            return carrier
        name = expr_name(node)
        if name and is_sensitive_name(name):
            return f"'{name}'"
        return None


# structlog keys that say what the value holds: identifiers, names, counts
_LABELS_IDS = re.compile(r"(^|_)(ids?|names?|serials?|uuids?)$")


# A body's parse failure: the request logged in such a handler is the text the endpoint refused
_PARSE_FAILURES = frozenset({"JSONDecodeError", "UnicodeDecodeError", "ParseError", "XMLSyntaxError",
                             "ExpatError", "YAMLError"})
# Words that make a cookie a login's: the session, the remember-me or auth cookie, a CSRF pair, a token in one
_LOGIN_COOKIE_WORDS = frozenset({"session", "sess", "sid", "auth", "authentication", "login", "remember", "csrf", "xsrf",
                                 "jwt", "token", "access", "refresh", "sso", "bearer", "user", "identity", "id",
                                 "secure", "signed", "secret", "credential", "credentials"})
_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "pass", "secret", "secrets"})


def _words(name: str) -> list[str]:
    return [w for w in re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().split("_") if w]


def _other_cookie(name: str) -> bool:
    """`hubspot_cookie`, `consent_cookie`, `ga_cookies`: a cookie qualified by what it is for, with no word of a
    login's cookie (`session_cookie`, `auth_cookie`, a bare `cookie`, which may be the whole header, stay)."""
    words = _words(name)
    if not words or words[-1] not in ("cookie", "cookies"):
        return False
    qualifiers = words[:-1]
    return bool(qualifiers) and not any(w in _LOGIN_COOKIE_WORDS or is_sensitive_name(w) for w in qualifiers)


# The last word of a name that holds a credential itself (`reset_token`, `db_password`, `otp_secret`)
_CREDENTIAL_HEADS = frozenset({"token", "tokens", "password", "passwords", "passwd", "passphrase", "pwd", "secret",
                               "secrets", "credential", "credentials", "authorization", "cookie", "cookies", "otp",
                               "pin", "jwt", "bearer"})
# what makes a `*_key` a secret rather than a key that may be a public client key or a lookup key's name
_SECRET_KEY_WORDS = frozenset({"secret", "private", "signing", "encryption", "hmac", "master", "access"})


def _credential_head(name: str) -> bool:
    """Whether the name's last word is a credential: `access_token`, `secret_key`, not `token_exp`,
    `token__issuer`, `cookie_key` or `environment_api_key`."""
    words = _words(name)
    if not words:
        return True  # a whole carrier or an unnamed part: judged by the message, not by a name
    if words[-1] in _CREDENTIAL_HEADS:
        return True
    return words[-1] in ("key", "keys") and any(w in _SECRET_KEY_WORDS for w in words[:-1])


def _password(name: str) -> bool:
    """A password or secret by name: a wrong one may be a mistyped real one, so not spent by failing."""
    return any(w in _PASSWORD_WORDS for w in _words(name))


# How a log message names a one-time code it prints ("logged in with the two-factor code {}")
_ONE_TIME_TEXT = re.compile(r"(?i)\b(two[- ]factor|2fa|mfa|totp|hotp|otp|one[- ]time)\b[\w -]{0,12}?\b(code|token|"
                            r"password|pin)\b")


def _says_one_time(call: ast.Call) -> str:
    """The words a logging call's own string literals use for a one-time code, or ""."""
    for node in ast.walk(call.args[0]) if call.args else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 500:
            found = _ONE_TIME_TEXT.search(node.value)
            if found:
                return found.group(0).lower()
    return ""


def _one_time(name: str) -> bool:
    """`otp`, `next_otp`, `anOtpVal`: a one-time password, and no other credential word in the name."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().split("_")
    return "otp" in words and not any(is_sensitive_name(w) for w in words if w != "otp")


def _names_something(node: ast.expr) -> bool:
    """`secret.name`, `key_id`, a string literal: an element that names a thing rather than holding it."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    name = expr_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    return bool(name) and (name == "name" or name.endswith(("_name", "_id", "_key_name"))) and \
        not is_sensitive_name(name)


def _says_benign(value: ast.expr) -> bool:
    """`required_secrets=defined_secret_names`: the value's own name says it holds names (ids, counts) of
    secrets, whatever the key it is logged under calls it."""
    name = expr_name(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
    return bool(name) and mentions_sensitive_word(name) and not is_sensitive_name(name)


def _leaves(node: ast.expr):
    """(value, sensitive key or None) for each value-carrying part of a logging argument; masking calls
    and tail slices are not descended into."""
    if isinstance(node, ast.JoinedStr):
        for p in node.values:
            if isinstance(p, ast.FormattedValue):
                yield from _leaves(p.value)
    elif isinstance(node, ast.BinOp):
        yield from _leaves(node.left)
        yield from _leaves(node.right)
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for el in node.elts:
            yield from _leaves(_unstar(el))
    elif isinstance(node, ast.Dict):
        for k, value in zip(node.keys, node.values):
            if k is None:  # **mapping
                continue
            key = literal_text(k) if _is_string(k) else ""
            if key and is_sensitive_name(key):
                if not _is_masked(value):
                    yield value, key
                continue
            yield from _leaves(value)
    elif isinstance(node, ast.Await):
        yield from _leaves(node.value)
    elif isinstance(node, ast.Call):
        if _is_masked(node):
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            yield from _leaves(node.func.value)
        elif (dotted(node.func) or "") not in ("str", "repr", "list"):
            yield node, None
            return
        for _keyword, value in _call_args(node):
            yield from _leaves(value)
    elif isinstance(node, ast.Subscript) and _is_tail_slice(node):
        return
    elif isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        yield node, None


# Exceptions a signing or token library raises when the check fails: itsdangerous (`SignatureExpired`,
# `BadSignature`, `BadTimeSignature`, `BadData`), PyJWT (`ExpiredSignatureError`, `InvalidSignatureError`,
# `InvalidTokenError`, `DecodeError`), python-jose (`JWTError`, `ExpiredSignatureError`), Fernet (`InvalidToken`).
# Not a claims error (`JWTClaimsError`): the signature was good, the token may be valid for another audience.
_TOKEN_FAILURE = re.compile(r"(Bad|Invalid|Expired)\w*(Signature|Token)\w*|Signature(Expired|Error)\w*|"
                            r"(Bad|Invalid)(Data|Payload|TimeSignature)|JWTError|JWSError|DecodeError")
# A `session_id` names a session of any kind: a chat or workflow session's row id, a database session, an SDK's
# transcript. It is the login secret only where the module touches the web session (cookies, the request's
# session, login); elsewhere it is an identifier like any other `*_id`.
_WEB_SESSION = re.compile(r"request\.session|set_cookie|\.cookies|SessionMiddleware|flask import[^\n]*\bsession\b|"
                          r"\bsession\[|login_user|django\.contrib\.sessions|sessionid")


def _names_other_session(name: str, ctx: FileContext) -> bool:
    if not names_session_id(name):
        return False
    return _WEB_SESSION.search(ctx.text) is None


# Receivers whose `.token` is a credential: the request, auth and client objects, token responses.
_AUTH_HOLDERS = re.compile(r"(?i)(request|req|auth|credential|creds|session|oauth|jwt|api|client|login|"
                           r"response|resp|result|payload|data|body|headers|config|settings|secret|self|cls)")


def _maybe_public_token(node: ast.expr) -> bool:
    """`order.token`, `invite.token`: a bare `token` attribute on a domain object, which is as often a
    public identifier as a credential; `request.token`, `auth.token`, `self.token` stay credentials."""
    if not isinstance(node, ast.Attribute) or node.attr.lower() not in ("token", "uuid_token", "public_token"):
        return False
    parts = dotted_parts(node.value)
    return bool(parts) and not any(_AUTH_HOLDERS.search(p) for p in parts)


def _is_masked(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        name = (dotted(node.func) or "").split(".")[-1].lower()
        if name == "keys" and isinstance(node.func, ast.Attribute) or \
                name in ("list", "sorted", "set", "tuple", "str") and node.args and _is_masked(node.args[0]):
            return True  # `list(token_data.keys())`: the key names of a mapping, never its values
        return any(m in name for m in _MASKERS)
    if isinstance(node, ast.Subscript):
        return _is_tail_slice(node)
    return False


def _is_tail_slice(node: ast.Subscript) -> bool:
    sl = node.slice
    return isinstance(sl, ast.Slice) and sl.upper is None and isinstance(sl.lower, ast.UnaryOp)  # token[-4:]


def _request_carrier(node: ast.expr) -> str | None:
    target = node
    if isinstance(target, ast.Call):
        # await request.json(), dict(request.headers), request.get_json()
        if isinstance(target.func, ast.Attribute) and target.func.attr in ("json", "body", "get_json", "form"):
            target = target.func
        elif (dotted(target.func) or "") == "dict" and (target.args or target.keywords):
            target = _call_args(target)[0][1]
        else:
            return None
    if isinstance(target, ast.Attribute) and target.attr in _REQUEST_CARRIERS | {"get_json"}:
        base = dotted(target.value) or ""
        if base.split(".")[-1] in ("request", "req"):
            return f"the whole request {target.attr}"
    return None


def _calls_with_context(tree: ast.AST) -> list[tuple[ast.Call, bool]]:
    """Every call of the module, with whether it sits inside an `except` block."""
    out: list[tuple[ast.Call, bool]] = []

    def walk(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                out.append((child, inside))
            walk(child, inside or isinstance(child, ast.ExceptHandler))
    walk(tree, False)
    return out


class CliCommandPrints(ProjectCheck):
    """The prints PrintInApplicationCode left to the project pass, in modules that read like a command's body:
    dropped when a command-line program of the project (a module using argparse, click or typer) imports the
    module, whose prints are then that program's output (`cli.py` dispatching `release` to
    `generator/release.py`); reported as they were otherwise."""

    RULE_ID = "BA-LOG-003"
    # on a few files the importing program may be out of view: the prints are reported, as without the pass
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        candidates = [(path, f) for path in sorted(project.facts) for f in project.facts[path].get("command_prints", ())]
        in_functions = [(path, f) for path in sorted(project.facts)
                        for f in project.facts[path].get("function_prints", ())]
        out: list[Finding] = []
        if candidates:
            reached = _reached_from_clis(project)
            out += [Finding.from_dict(f) for path, f in candidates if path not in reached]
        if in_functions:
            commands = _command_only_functions(project)
            spans: dict[str, list[tuple[int, int, str]]] = {}
            for qual in sorted(commands):
                info = project.semantic.functions[qual]
                spans.setdefault(info.path, []).append((info.line, info.end_line, qual))
            out += [Finding.from_dict(f) for path, f in in_functions
                    if _enclosing(project.semantic, spans.get(path, ()), path, f.get("line", 0)) not in commands]
        if any(f.properties.get("setup") for f in out):
            silent = not _logs_anywhere(project)
            for f in out:
                if f.properties.pop("setup", None) and silent:
                    # blind, a start-up notice of a project that logs nothing was judged a note, its
                    # per-request failures printed the same way a warning
                    f.level = "note"
                    f.message = (f"{f.message.split(' (', 1)[0]} (while setting up, in a constructor or a cached "
                                 "function, in a project that imports no logging library: print is its only log "
                                 "and this runs once per object or argument, not per request as far as traced)"
                                 "; use a logger")
        return out


def _logs_anywhere(project: Any) -> bool:
    """Some application module of the project imports a logging library (`logging`, loguru, structlog)."""
    return any(str(v).split(".")[0] in _LOGGING_ROOTS
               for path in sorted(project.facts) if not is_test_path(path, project.settings)
               for v in ((project.facts[path].get("semantic") or {}).get("imports") or {}).values())


def _enclosing(sm: Any, spans: Any, path: str, line: int) -> str | None:
    """The innermost project function holding `line`, when one of the command-only `spans` of its file holds
    it (a print in a function nested inside one is judged by that nested function)."""
    if not any(start <= line <= end for start, end, _q in spans):
        return None
    module = sm.module_of(path)
    best = max(((info.line, q) for q, info in sm.functions.items()
                if info.module == module and info.line <= line <= info.end_line), default=None)
    return best[1] if best else None


def _command_entry(sm: Any, qual: str, info: Any, cli_modules: set[str]) -> bool:
    """A function a command line runs: a click/typer command or group (`@cli.command()`, Flask's
    `@app.cli.command()`), `main()` of a module that parses argv with argparse, a Django command's `handle`."""
    if info.path.split("/")[-3:-1] == ["management", "commands"] and qual.endswith(".Command.handle"):
        return True
    if info.module not in cli_modules:
        return False
    return any(d.split(".")[-1] in ("command", "group") for d in info.decorators) or (
        qual == f"{info.module}.main" and not info.is_method)


def _command_only_functions(project: Any) -> set[str]:
    """Project functions called only from command-line entry points or from other such functions (the
    services a `zou sync` command drives from another module): what they print is that command's output. A
    function nothing calls (a route, a job, a callback) is not one of them."""
    sm = project.semantic
    cli_modules: set[str] = set()
    for path in sorted(project.facts):
        module = sm.module_of(path)
        imports = (project.facts[path].get("semantic") or {}).get("imports", {})
        if module is not None and any(str(v).split(".")[0] in _CLI_LIBRARIES or str(v).startswith("flask.cli")
                                      for v in imports.values()):
            cli_modules.add(module)
    if not cli_modules and not any("/management/commands/" in "/" + info.path for info in sm.functions.values()):
        return set()
    # a command the project launches itself (`Popen([python, manage_py, "import_ctf", ...])` from a web view)
    # runs under the server: its output is the server's
    spawned = {w for path in sorted(project.facts) for w in project.facts[path].get("spawned_words", ())}
    found = {q for q, info in sm.functions.items() if _command_entry(sm, q, info, cli_modules)
             and not {q.rsplit(".", 1)[-1], q.rsplit(".", 1)[-1].replace("_", "-")} & spawned}
    lookers = _name_lookups(project)
    pending = sorted(found)
    while pending:
        for callee in sorted(sm.callees(pending.pop())):
            if callee in found or is_test_path(sm.functions[callee].path, project.settings):
                continue
            callers = {c for c in sm.callers(callee) - {callee}
                       if not is_test_path(sm.functions[c].path, project.settings)}
            if callers and callers <= found:
                found.add(callee)
                pending.append(callee)
        if not pending:
            # hooks a command looks up by name (`getattr(engine, "fetch_traits")` in the update script's loop
            # over plug-in modules): no call edge reaches them, the lookup is their only caller
            pending = sorted(_looked_up_only_by(sm, project, lookers, found))
            found.update(pending)
    return found


def _name_lookups(project: Any) -> dict[str, set[str]]:
    """Attribute name -> the functions (or modules, for module-level code) outside tests that look it up
    with a constant `getattr(obj, "name")`."""
    out: dict[str, set[str]] = {}
    for path in sorted(project.facts):
        if is_test_path(path, project.settings):
            continue
        semantic = project.facts[path].get("semantic") or {}
        module = str(semantic.get("module", ""))
        for symbol, name in semantic.get("lookups", ()) or ():
            out.setdefault(str(name), set()).add(f"{module}.{symbol}" if module and symbol else symbol or module)
    return out


def _looked_up_only_by(sm: Any, project: Any, lookers: dict[str, set[str]], found: set[str]) -> set[str]:
    """Undecorated module-level functions not yet in `found` that nothing calls outside `found` and whose
    name only `found` functions look up by name: run only by those commands. A decorated one (a route, a
    task) has a caller the decorator registers, so it stays out."""
    out: set[str] = set()
    for qual, info in sm.functions.items():
        if qual in found or info.is_method or info.decorators or qual != f"{info.module}.{qual.rsplit('.', 1)[-1]}":
            continue
        by = lookers.get(qual.rsplit(".", 1)[-1])
        if not by or not by <= found or is_test_path(info.path, project.settings):
            continue
        callers = {c for c in sm.callers(qual) - {qual} if not is_test_path(sm.functions[c].path, project.settings)}
        if callers <= found:
            out.add(qual)
    return out


def _reached_from_clis(project: Any) -> set[str]:
    """Paths of the project modules a command-line program (a module importing argparse, click or typer, or
    one with a `__main__` guard and no web framework) imports from, and no other application module does: a module the library imports too is the library's
    (an exporter registry warning on stderr at import), whoever else uses it."""
    sm = project.semantic
    by_cli: set[str] = set()
    by_app: set[str] = set()
    for path in sorted(project.facts):
        if is_test_path(path, project.settings):
            continue
        imports = (project.facts[path].get("semantic") or {}).get("imports", {})
        module = sm.module_of(path)
        if module is None:
            continue
        # a program run by path or `python -m` (a `__main__` guard) that imports no web framework is a command
        # line too, argv read by hand: a remote job's `normalize_movie.py` and the module it takes its
        # argument checks from
        cli = any(str(v).split(".")[0] in _CLI_LIBRARIES for v in imports.values()) or bool(
            project.facts[path].get("runs_as_script")) and not any(
            str(v).split(".")[0] in _WEB_FRAMEWORKS for v in imports.values())
        for target in imports.values():
            parts = str(target).split(".")
            for cut in range(len(parts), 0, -1):
                found = sm.find_module(".".join(parts[:cut]), module)
                if found:
                    if found != module and sm.path_of(found):
                        (by_cli if cli else by_app).add(sm.path_of(found))
                    break
    return by_cli - by_app


# the modules a WSGI/ASGI server imports first, before the framework configures logging from the settings
_SERVER_ENTRY_FILES = frozenset({"asgi.py", "wsgi.py"})


def _absent_file_handler(handler: ast.ExceptHandler) -> bool:
    """`except FileNotFoundError:`: the handler of a file that is not there (not of one that failed to read)."""
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return handler.type is not None and all((dotted(t) or "").split(".")[-1] == "FileNotFoundError" for t in caught)
