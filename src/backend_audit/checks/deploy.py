"""BA-DEP-001 debug mode enabled: Flask/FastAPI/Starlette/werkzeug flags and Django `DEBUG` in settings modules.

bandit's B201 (Flask `app.run(debug=True)`) is re-keyed; this check covers it too (with the `__main__`
downgrade), so on a shared line the runner keeps ours.
"""

from __future__ import annotations

import re

import ast

from ..findings import Finding
from ..model.blocks import call_args
from .base import AstCheck, BanditCheck, FileContext
from .recognise import UNKNOWN, arg, in_test_branch, is_dev_settings, is_settings_path, literal_value, target_name
from .util import defines_cli, is_main_guard, main_only_functions

_APP_CONSTRUCTORS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette", "flask.Flask",
                               "quart.Quart", "sanic.Sanic"})
# fact key: `DEBUG = True` findings of Django settings modules, kept or dropped by the project pass
DEFERRED_DEBUG = "debug_settings_on"
_TRUTHY = ("1", "true", "yes", "on", "t", "y")
_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "decouple.config"})


def _flag(call: ast.Call, name: str) -> ast.keyword | None:
    """The `name=value` keyword node itself: findings span `debug=True`, as libcst's Arg did."""
    return next((kw for kw in call.keywords if kw.arg == name), None)


def _on(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUTHY) or \
        (isinstance(value, int) and not isinstance(value, bool) and value == 1)


class DebugModeBandit(BanditCheck):
    RULE_ID = "BA-DEP-001"

    def convert(self, issue) -> Finding | None:
        message = ("Flask app run with debug=True (B201): the Werkzeug debugger lets anyone who reaches it run "
                   "Python code")
        switch = _debug_switch_over(self.ctx, issue.lineno)
        if switch:
            # blind set R: `if searx.sxng_debug: app.run(debug=True)`: debug follows the switch a developer
            # sets for a local run; a deployment that sets it gets the debugger, which is its own choice
            return self.finding_from_issue(issue, level="note", message=message + f" (only when {switch} is set: "
                                           "the debug switch of a local run; make sure no deployment sets it)")
        body = self.ctx.tree.body if self.ctx.tree else ()
        if any(isinstance(st, ast.If) and is_main_guard(st) and st.lineno <= issue.lineno <= (st.end_lineno or 0) for st in body):
            # `socketio.run(app, debug=True)` under the main guard (a run() our check does not model): the
            # development server started by hand, like `app.run(debug=True)` there
            return self.finding_from_issue(issue, level="warning", message=message + " (inside `if __name__ == "
                                           "\"__main__\"`: local runs only, warning)")
        outer = next((st for st in body if isinstance(
            st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.lineno <= issue.lineno <= (st.end_lineno or 0)), None)
        if outer is not None and outer.name in main_only_functions(self.ctx.tree):
            return self.finding_from_issue(issue, level="warning", message=message + f" (in {outer.name}(), called "
                                           "only under `if __name__ == \"__main__\"`: local runs only, warning)")
        if defines_cli(self.ctx):
            # a launcher with its own command line (`python serve.py --port 4000`) is for local runs, like code
            # under `if __name__ == "__main__":`
            return self.finding_from_issue(issue, level="warning", message=message + " (a command-line "
                                           "development launcher: local runs only, warning)")
        return self.finding_from_issue(issue, message=message)


# a test that reads a debug or development switch (`in_debug_mode()`, `settings.DEBUG`, `args.dev`)
_DEBUG_SWITCH = re.compile(r"debug|\bdev\b|develop", re.IGNORECASE)


def _debug_switch_over(ctx: FileContext, line: int) -> str:
    """The test of an `if` whose true branch holds `line` and that reads a debug or development switch
    (`if searx.sxng_debug:`), else "". Walked only for a B201 issue (rare)."""
    for node in ast.walk(ctx.tree) if ctx.tree is not None else ():
        if isinstance(node, ast.If) and node.body and \
                node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno):
            test = ctx.segment(node.test)
            if _DEBUG_SWITCH.search(test) and not test.lstrip().startswith("not "):
                return test
    return ""


class DebugModeEnabled(AstCheck):
    RULE_ID = "BA-DEP-001"
    PREFILTER = ("debug", "DEBUG", "evalex")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.main_depth = 0
        self._main_only_memo: frozenset[str] | None = None
        self.if_stack: list[ast.If] = []
        self.class_stack: list[str] = []
        self.settings_module = is_settings_path(ctx.path) and not is_dev_settings(ctx.path)
        self.debug_on: dict | None = None  # the finding (as stored) of the module's last `DEBUG = True`

    def visit_If(self, node: ast.If) -> None:
        self.if_stack.append(node)
        if is_main_guard(node):
            self.main_depth += 1

    def leave_If(self, node: ast.If) -> None:
        self.if_stack.pop()
        if is_main_guard(node):
            self.main_depth -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_stack.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_stack.pop()

    def _report(self, node: ast.AST, what: str) -> None:
        if in_test_branch(self.if_stack, self.ctx) or self._debug_gated(node):
            return
        outer = self.ctx.function_stack[0].name if self.ctx.function_stack else None
        main_only = outer is not None and outer in self._main_only()
        level = "warning" if self.main_depth or main_only else None
        where = " (inside `if __name__ == \"__main__\"`: local runs only, warning)" if self.main_depth else \
            f" (in {outer}(), called only under `if __name__ == \"__main__\"`: local runs only, warning)" \
            if main_only else ""
        self.report(node, f"debug mode enabled: {what}{where}; in production this exposes tracebacks, settings and "
                          "(Werkzeug) an interactive console", level=level)

    def _debug_gated(self, node: ast.AST) -> bool:
        """In the true branch of `if in_debug_mode():` / `if settings.DEBUG:`: debug follows a debug switch
        the deployment sets, so turning it on here is what that switch asks for, not a hard-coded debug."""
        line = getattr(node, "lineno", 0)
        return any(_DEBUG_SWITCH.search(self.ctx.segment(n.test)) and n.body and
                   n.body[0].lineno <= line <= (n.body[-1].end_lineno or n.body[-1].lineno) for n in self.if_stack)

    def _main_only(self) -> frozenset[str]:
        if self._main_only_memo is None:  # asked only when a debug flag is found
            self._main_only_memo = main_only_functions(self.ctx.tree)
        return self._main_only_memo

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        func = node.func
        if qn in _APP_CONSTRUCTORS:
            flag = _flag(node, "debug")
            if flag is not None and _on(literal_value(flag.value)):
                self._report(flag, f"{qn.rpartition('.')[2]}(debug=True)")
        elif isinstance(func, ast.Attribute) and func.attr == "run" and self._flask_file():
            flag = _flag(node, "debug")
            if flag is not None and _on(literal_value(flag.value)):
                self._report(flag, "app.run(debug=True)")
        elif qn == "werkzeug.serving.run_simple" or qn == "werkzeug.run_simple":
            flag = _flag(node, "use_debugger")
            if flag is not None and _on(literal_value(flag.value)):
                self._report(flag, "run_simple(use_debugger=True)")
        elif qn.endswith("DebuggedApplication") and qn.startswith("werkzeug"):
            flag = _flag(node, "evalex")
            if flag is not None and _on(literal_value(flag.value)):
                self._report(flag, "DebuggedApplication(evalex=True)")
        elif isinstance(func, ast.Attribute) and func.attr == "update" and \
                (target_name(func.value) == "config"):
            flag = _flag(node, "DEBUG")
            if flag is not None and _on(literal_value(flag.value)):
                self._report(flag, "config.update(DEBUG=True)")

    def _flask_file(self) -> bool:
        return any(v.split(".")[0] in ("flask", "quart") for v in self.ctx.imports.values())

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            name = target_name(target)
            if name == "debug" and isinstance(target, ast.Attribute) and self._flask_file() and \
                    _on(literal_value(node.value)):
                self._report(node, f"{self.ctx.segment(target)} = True")
            elif name == "DEBUG" and isinstance(target, ast.Subscript) and _on(literal_value(node.value)):
                self._report(node, f"{self.ctx.segment(target)} = True")
            elif name == "DEBUG" and isinstance(target, ast.Name) and self._settings_scope():
                self._django_debug(node, node.value)

    def _settings_scope(self) -> bool:
        if not self.class_stack:
            return self.settings_module and not self.ctx.function_stack
        # Flask config classes: only the production one matters
        return re.search(r"(?i)prod", self.class_stack[-1]) is not None and not self.ctx.function_stack

    def _django_debug(self, node: ast.Assign, value_node: ast.AST) -> None:
        value = literal_value(value_node)
        if value is not UNKNOWN:
            if _on(value):
                before = len(self.ctx.findings)
                self._report(node, "DEBUG = True in a settings module that is not a dev/test module")
                if not self.class_stack and len(self.ctx.findings) > before:
                    # base settings a production module star-imports and overrides: the project pass
                    # (debug_settings.DebugOverridden) follows the chain
                    self.debug_on = self.ctx.findings.pop().to_dict()
                    self.ctx.facts.setdefault(DEFERRED_DEBUG, []).append(self.debug_on)
            else:
                self.debug_on = None
            return
        if self.debug_on is not None and not self.class_stack:
            self._read_again(node, value_node, self.debug_on)
            self.debug_on = None
            return
        fallback = self._env_fallback(value_node)
        if fallback is not UNKNOWN and _on(fallback):
            if re.search(r"(?i)prod", self.ctx.path) or self.class_stack:
                self._report(node, "DEBUG read from the environment with a fallback that turns it on")
            elif not in_test_branch(self.if_stack, self.ctx):
                # shared settings: debug is on only where a deployment leaves the variable unset, which the
                # deployment's environment decides (like a secret's development fallback, BA-SEC-001)
                self.report(node, "debug mode on by default: DEBUG read from the environment with a fallback that "
                                  "turns it on, so every deployment that does not set it runs with debug (the "
                                  "deployment's environment was not traced); make the fallback False",
                            level="warning", properties={"sub": "fallback"})

    def _read_again(self, node: ast.Assign, value_node: ast.AST, entry: dict) -> None:
        """`DEBUG = True`, then later in the module `DEBUG = section.getboolean("debug", DEBUG)`: the later
        assignment, from the deployment's config, decides. The True is what a deployment gets where that read
        falls back to it (its default names DEBUG) or does not run (under an `if`): a warning, as for an
        environment read whose fallback is on. Read unconditionally without falling back to it: a note, what
        the expression gives was not traced."""
        falls_back = any(isinstance(n, ast.Name) and n.id == "DEBUG" for n in ast.walk(value_node))
        conditional = any(n.lineno <= node.lineno <= (n.end_lineno or n.lineno) for n in self.if_stack)
        entry["properties"] = {**(entry.get("properties") or {}), "sub": "read-again"}
        if falls_back or conditional:
            entry["level"] = "warning"
            entry["message"] = (f"debug mode on by default: DEBUG = True, read again at line {node.lineno} from the "
                                "deployment's configuration, " + ("which falls back to this True" if falls_back else
                                                                  "only when that configuration is present") +
                                ": a deployment that does not set it runs with debug; make the default False")
        else:
            entry["level"] = "note"
            entry["message"] = (f"DEBUG = True, set again at line {node.lineno} from an expression (not traced): "
                                "make sure it is off in every deployment")

    def _env_fallback(self, node: ast.AST):
        """The default of `os.getenv("DEBUG", True)`, `env.bool("DEBUG", default=True)`, `config("DEBUG", True)`."""
        if isinstance(node, ast.Compare):
            # os.getenv("DEBUG") == "1" is off unless set; os.getenv("DEBUG", "True") == "True" is on
            if len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
                fallback = self._env_fallback(node.left)
                if fallback is not UNKNOWN and fallback == literal_value(node.comparators[0]):
                    return True
            return UNKNOWN
        if isinstance(node, ast.Call):
            qn = self.ctx.qualname(node.func) or ""
            func = node.func
            reader = qn in _ENV_LOOKUPS or (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                                            and func.value.id in ("env", "environ", "config")) or \
                (isinstance(func, ast.Name) and func.id in ("env", "config"))
            if reader:
                default = arg(node, "default", 1)
                if default is not None:
                    return literal_value(default)
            args = call_args(node)
            if qn in ("builtins.bool", "builtins.int") and args:
                return self._env_fallback(args[0])
        return UNKNOWN
