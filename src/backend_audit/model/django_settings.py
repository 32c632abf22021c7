"""Django settings without importing Django: record module-level settings per file (a fact collector), then
find the production settings module, follow `from .base import *` chains and fold literal assignments.

Facts are plain JSON: a list of events in source order per settings-like file:
  ["set", NAME, line, known, value]   NAME = literal (known=True) or computed/conditional (known=False)
  ["add", NAME, line, known, value]   NAME += [...] / NAME.append(x) / NAME.insert(i, x) / NAME = NAME + [...]
                                      (`NAME = [...] + NAME` carries a sixth item, "front")
  ["star", "module.or.relative", line]
  ["overlay", "what", line]           the module hands every setting to the deployment's own configuration
                                      (Dynaconf's DjangoDynaconf, a deployment file exec'd or included):
                                      the values above it are shipped defaults
  ["local", "what", line]             a deployment's local settings file read when present (a star import or
                                      exec in a `try` that passes when it is missing): it may replace any value
and `django_settings_module`: the defaults given to DJANGO_SETTINGS_MODULE in this file.
"""

from __future__ import annotations

from ..checks.lazy_re import re  # compiled on first use
from pathlib import PurePosixPath
from typing import Any

import ast

from ..checks.base import FileContext, dotted
from ..checks.recognise import UNKNOWN, is_dev_settings, literal_value
from ..records import dataclass
from .blocks import blocks, call_args, inline_suite

# The settings DEP-002 folds, plus the markers that identify a Django settings module.
TRACKED = frozenset({
    "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    "MIDDLEWARE", "MIDDLEWARE_CLASSES", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "INSTALLED_APPS", "ROOT_URLCONF", "DEBUG", "SECRET_KEY", "DATABASES", "SECURE_PROXY_SSL_HEADER",
    "SILENCED_SYSTEM_CHECKS",
})
_MARKERS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "ALLOWED_HOSTS"})
_PROD = re.compile(r"(?i)^(prod|production|live|deploy|deployment)([_.\-]|$)|[_.\-](prod|production|live)$")


def _jsonable(value: Any) -> tuple[bool, Any]:
    if value is UNKNOWN or isinstance(value, bytes):
        return False, None
    if isinstance(value, (tuple, set)):
        value = list(value)
    if isinstance(value, list):
        return (all(isinstance(v, (str, int, float, bool, type(None))) for v in value), value)
    if isinstance(value, dict):
        return False, None  # not needed by any sub-check; avoids non-string keys in JSON
    return True, value


class SettingsCollector:
    """Module-level settings assignments and star imports; DJANGO_SETTINGS_MODULE defaults anywhere."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.wants_dsm = "DJANGO_SETTINGS_MODULE" in ctx.text

    def visit_Module(self, node: ast.Module) -> None:
        if not any(name in self.ctx.text for name in _MARKERS) and "import *" not in self.ctx.text:
            return
        events: list[list[Any]] = []
        self._block(node.body, events, conditional=False)
        names = {e[1] for e in events if e[0] not in ("star", "local")}
        stars = [e for e in events if e[0] == "star"]
        # a settings package's `__init__.py` that only re-exports (`from .base import *`) is a link of the chain a
        # production module star-imports (`from app.settings import *`): without it the fold loses the base
        if names & _MARKERS or (stars and names) or (stars and "settings" in self.ctx.path.lower()):
            self.ctx.facts["django_settings"] = events

    def _block(self, block: list[ast.stmt], events: list, conditional: bool) -> None:
        line = prev_end = 0
        for stmt in block:
            # `A = 1; B = 2` is one line: events carry the line the statement line starts on
            if stmt.lineno != prev_end:
                line = stmt.lineno
            prev_end = stmt.end_lineno
            if isinstance(stmt, ast.Try) and not conditional and (local := _local_settings(stmt)):
                events.append(["local", local, line])
            if isinstance(stmt, _BRANCHING):
                # a value set in a branch is not known statically; imports in branches are not followed
                for inner in blocks(stmt):
                    if not inline_suite(self.ctx, inner):
                        self._block(inner, events, conditional=True)
            else:
                self._small(stmt, line, events, conditional)

    def _small(self, small: ast.stmt, line: int, events: list, conditional: bool) -> None:
        value = small.value if isinstance(small, (ast.Assign, ast.Expr)) else None
        if isinstance(value, ast.Call) and not conditional:
            overlay = self._overlay(value)
            if overlay:
                events.append(["overlay", overlay, line])
                return
        extended = _self_extension(small)
        if extended is not None:
            # `MIDDLEWARE = ["x"] + MIDDLEWARE` (often under an `if`): an addition, not a new list
            name, front, added = extended
            known, value = _jsonable(literal_value(added))
            events.append(["add", name, line, known and not conditional, value] + (["front"] if front else []))
        elif isinstance(small, ast.Assign):
            for target in small.targets:
                for name in _names(target):
                    if name in TRACKED:
                        known, value = _jsonable(literal_value(small.value)) if len(small.targets) == 1 and \
                            isinstance(target, ast.Name) else (False, None)
                        events.append(["set", name, line, known and not conditional, value])
        elif isinstance(small, ast.AnnAssign) and isinstance(small.target, ast.Name) and small.value is not None:
            if small.target.id in TRACKED:
                known, value = _jsonable(literal_value(small.value))
                events.append(["set", small.target.id, line, known and not conditional, value])
        elif isinstance(small, ast.AugAssign) and isinstance(small.target, ast.Name) and small.target.id in TRACKED:
            known, value = _jsonable(literal_value(small.value))
            events.append(["add", small.target.id, line, known and not conditional, value])
        elif isinstance(small, ast.Expr) and isinstance(small.value, ast.Call):
            call = small.value
            func = call.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in TRACKED:
                args = call_args(call)
                known, value = _jsonable(literal_value(args[-1] if args else None))
                ok = func.attr in ("append", "insert") and known and not conditional
                events.append(["add", func.value.id, line, ok, [value]])
        elif isinstance(small, ast.ImportFrom) and small.names[0].name == "*" and not conditional:
            events.append(["star", "." * (small.level or 0) + (small.module or ""), line])

    def _overlay(self, call: ast.Call) -> str | None:
        """What makes the deployment's configuration override every setting of this module: Dynaconf's
        `settings = DjangoDynaconf(__name__, ...)` (files and PREFIX_* environment variables), django-split-
        settings' `include(...)` of a deployment file, `exec(open(path).read())`."""
        # read before the walk has bound the module's imports: the callee as written, its library in the text
        name = call.func.attr if isinstance(call.func, ast.Attribute) else \
            call.func.id if isinstance(call.func, ast.Name) else ""
        if name == "DjangoDynaconf" and "dynaconf" in self.ctx.text:
            return "Dynaconf's DjangoDynaconf, read from deployment files and environment variables"
        if name == "include" and "split_settings" in self.ctx.text:
            return "django-split-settings include() of further settings files"
        if name == "exec" and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "open"
                for a in call.args for n in ast.walk(a)):
            return "exec() of a settings file read at start-up"
        return None

    def visit_Call(self, node: ast.Call) -> None:
        if not self.wants_dsm:
            return
        args = call_args(node)
        if len(args) >= 2 and literal_value(args[0]) == "DJANGO_SETTINGS_MODULE":
            value = literal_value(args[1])
            if isinstance(value, str):
                self.ctx.facts.setdefault("django_settings_module", []).append(value)


def _local_settings(node: ast.Try) -> str | None:
    """`try: from .local_settings import *` / `exec(f.read(), globals())` of a file opened beside the module,
    `except ImportError/IOError: pass`: a deployment's own settings file, read when present, replaces any value
    set above it (the shipped module holds defaults). What it is, or None."""
    caught = {dotted(n) for h in node.handlers for n in ast.walk(h.type)} if all(h.type for h in node.handlers) \
        else {"Exception"}
    if not caught & {"ImportError", "ModuleNotFoundError", "IOError", "OSError", "FileNotFoundError", "Exception"}:
        return None
    for stmt in node.body:
        for inner in ([stmt] if not isinstance(stmt, ast.With) else stmt.body):
            if isinstance(inner, ast.ImportFrom) and inner.names[0].name == "*":
                return f"from {'.' * (inner.level or 0)}{inner.module or ''} import *"
            call = inner.value if isinstance(inner, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "exec" and \
                    (isinstance(stmt, ast.With) or any(isinstance(n, ast.Call) and dotted(n.func) == "open"
                                                        for a in call.args for n in ast.walk(a))):
                return "exec() of a settings file read when present"
    return None


# libcst's If/Try/With/For/While (async twins included, `try/except*` not)
_BRANCHING = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)


def _names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for el in target.elts for n in _names(el)]
    return []


# --- folding ------------------------------------------------------------------------------------------------

@dataclass
class Value:
    """A setting's value where it could be folded, and where it was assigned."""
    known: bool
    value: Any
    path: str
    line: int
    # a list made unknown only by additions (`MIDDLEWARE.append(x)` under an `if`) still holds these
    present: tuple = ()
    # ... and where every such addition was a literal list: all it may hold (None: not known)
    possible: tuple | None = None


class SettingsIndex:
    """All settings-like modules of a project, by path, and the way from a dotted module name to a file."""

    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.events = {p: f["django_settings"] for p, f in facts.items()
                       if f.get("django_settings") and not f.get("is_test")}
        self.dsm = sorted({m for p, f in facts.items() if not f.get("is_test")
                           for m in f.get("django_settings_module", ())})
        self.paths = sorted(facts)

    def resolve(self, module: str, importer: str | None = None) -> str | None:
        """The file of a dotted module name (absolute, or relative to `importer`)."""
        if module.startswith("."):
            if importer is None:
                return None
            dots = len(module) - len(module.lstrip("."))
            base = PurePosixPath(importer).parent
            for _ in range(dots - 1):
                base = base.parent
            rest = module.lstrip(".")
            rel = (base / rest.replace(".", "/")).as_posix() if rest else base.as_posix()
            candidates = [f"{rel}.py", f"{rel}/__init__.py"]
            return next((c for c in candidates if c in self.events or c in self.paths), None)
        suffixes = (f"{module.replace('.', '/')}.py", f"{module.replace('.', '/')}/__init__.py")
        hits = [p for p in self.paths if any(p == s or p.endswith("/" + s) for s in suffixes)]
        return min(hits, key=len) if hits else None

    def production_modules(self) -> list[str]:
        """Catalog BA-DEP-002: DJANGO_SETTINGS_MODULE defaults, preferring prod*/production* modules."""
        if not self.events:
            return []
        # a module that only re-exports another is a link of a chain, not a configuration of its own
        own = {p for p, ev in self.events.items() if any(e[0] != "star" for e in ev)}
        prod = [p for p in own if _is_prod(p) and not is_dev_settings(p)]
        if prod:
            return sorted(prod)
        named = [self.resolve(m) for m in self.dsm]
        chosen = sorted({p for p in named if p and p in own and not is_dev_settings(p)})
        if chosen or self.dsm:
            return chosen
        # no manage.py/wsgi.py in the scan: a lone `settings.py` that configures a project
        return sorted(p for p, ev in self.events.items()
                      if (PurePosixPath(p).stem == "settings" or p.endswith("settings/__init__.py"))
                      and not is_dev_settings(p) and any(e[0] != "star" and e[1] == "INSTALLED_APPS" for e in ev))

    def unshipped_modules(self) -> list[str]:
        """The DJANGO_SETTINGS_MODULE defaults that name no file of the scan: a settings module the deployment
        writes (usually from a shipped template), which the scan can only reason about through what it imports."""
        return [m for m in self.dsm if not m.startswith(".") and self.resolve(m) is None]

    def star_bases(self, module: str) -> set[str]:
        """The settings modules `module` star-imports, directly or through others."""
        seen: set[str] = set()
        todo = [module]
        while todo:
            importer = todo.pop()
            for ev in self.events.get(importer, ()):
                if ev[0] == "star":
                    target = self.resolve(ev[1], importer)
                    if target and target != module and target not in seen:
                        seen.add(target)
                        todo.append(target)
        return seen

    def overlay(self, module: str) -> str | None:
        """`path:line (what)` of the mechanism that lets the deployment override every setting of `module`
        (in it or a module it star-imports), or None."""
        for path in [module, *sorted(self.star_bases(module))]:
            for ev in self.events.get(path, ()):
                if ev[0] == "overlay":
                    return f"{ev[1]}, {path}:{ev[2]}"
        return None

    def local_overlay(self, module: str) -> tuple[str, int] | None:
        """(what, path:line) of a deployment's local settings file that `module` (or a module it star-imports)
        reads when present, after its own values, or None."""
        for path in [module, *sorted(self.star_bases(module))]:
            for ev in self.events.get(path, ()):
                if ev[0] == "local":
                    return ev[1], f"{path}:{ev[2]}"
        return None

    def fold(self, path: str, seen: frozenset[str] = frozenset()) -> dict[str, Value]:
        """Effective settings of a module: star imports merged in order, last assignment wins."""
        out: dict[str, Value] = {}
        for ev in self.events.get(path, ()):
            if ev[0] == "star":
                target = self.resolve(ev[1], path)
                if target and target not in seen and target != path:
                    out.update(self.fold(target, seen | {path}))
            elif ev[0] == "set":
                out[ev[1]] = Value(ev[3], ev[4], path, ev[2])
            elif ev[0] == "add":
                prev = out.get(ev[1])
                front = len(ev) > 5 and ev[5] == "front"
                if prev and prev.known and ev[3] and isinstance(prev.value, list):
                    out[ev[1]] = Value(True, list(ev[4]) + prev.value if front else prev.value + list(ev[4]),
                                       path, ev[2])
                else:
                    kept = tuple(prev.value) if prev and prev.known and isinstance(prev.value, list) else \
                        prev.present if prev else ()
                    before = tuple(prev.value) if prev and prev.known and isinstance(prev.value, list) else \
                        prev.possible if prev else None
                    possible = before + tuple(ev[4]) if before is not None and isinstance(ev[4], list) else None
                    out[ev[1]] = Value(False, None, path, ev[2], kept, possible)
        return out


def _self_extension(small: ast.stmt) -> tuple[str, bool, ast.expr] | None:
    """(name, at the front, what is added) for `NAME = NAME + [...]` / `NAME = [...] + NAME` of a tracked
    setting, else None."""
    if not isinstance(small, ast.Assign) or len(small.targets) != 1 or not isinstance(small.targets[0], ast.Name):
        return None
    name, value = small.targets[0].id, small.value
    if name not in TRACKED or not isinstance(value, ast.BinOp) or not isinstance(value.op, ast.Add):
        return None
    if isinstance(value.left, ast.Name) and value.left.id == name and isinstance(value.right, (ast.List, ast.Tuple)):
        return name, False, value.right
    if isinstance(value.right, ast.Name) and value.right.id == name and isinstance(value.left, (ast.List, ast.Tuple)):
        return name, True, value.left
    return None


def _is_prod(path: str) -> bool:
    p = PurePosixPath(path)
    stem = p.parent.name if p.stem == "__init__" else p.stem
    bare = re.sub(r"(?i)settings", "", stem).strip("_-.")
    return any(_PROD.search(n) for n in (bare, stem) if n)
