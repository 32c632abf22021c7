"""The per-file half of the taint engine: a fact collector that summarises every function of a file.

It runs in the worker as part of the one `ast` walk (its work happens when the walk leaves the module:
one extra pass over function bodies) and stores plain JSON data in `facts["taint"]`, so the summaries are
cached with the file's result by content hash. The project step (`interproc`) links them.
"""

from __future__ import annotations

import ast
from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from ...checks.base import FileContext
from ...checks.util import is_main_guard
from ..project import module_parts
from . import models as models_mod
from . import values as V
from .intra import FunctionAnalyser, Module, resolve_relative

_VIEW_PATH_WORDS = ("view", "api", "endpoint", "route", "handler", "resource", "controller")
_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch"})
# Annotations FastAPI converts and validates: the value that arrives is a number, UUID or date, not text.
_FLASK_VIEWS = frozenset({"route", "get", "post", "put", "patch", "delete", "errorhandler"})
_VALIDATORS = frozenset({"validator", "field_validator", "root_validator", "model_validator", "validates",
                         "validates_schema"})
_TYPED_CONVERTERS = frozenset({"int", "float", "uuid"})
# annotations by which a DI container (dishka, fastapi-injector, wireup) fills a parameter: not request data
_INJECTED_MARKERS = frozenset({"FromDishka", "Injected", "Inject", "Provide", "FromContainer"})
_SCALAR_TYPES = frozenset({"Literal", "int", "float", "bool", "UUID", "UUID1", "UUID3", "UUID4", "UUID5", "date", "datetime",
                           "time", "timedelta", "Decimal", "PositiveInt", "NonNegativeInt", "PositiveFloat",
                           "conint", "confloat", "StrictInt", "StrictBool", "IPv4Address", "IPv6Address"})


class TaintCollector:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def leave_Module(self, node: ast.Module) -> None:
        ctx = self.ctx
        if ctx.is_test:
            return
        models = models_mod.load(getattr(ctx, "taint_models", ()) or ())
        try:
            ctx.facts["taint"] = summarise(node, ctx, models)
        except RecursionError:
            # the other checks of the file stand; the runner lists the file as partly analysed
            ctx.facts["taint"] = {"module": "", "functions": [], "classes": {},
                                  "error": "code nested too deeply for the taint summaries"}


def summarise(tree: ast.Module, ctx: FileContext, models: models_mod.Models) -> dict[str, Any]:
    module = ".".join(module_parts(ctx.path))
    imports = {k: resolve_relative(module, len(v) - len(v.lstrip(".")), v.lstrip("."), ctx.path)
               if v.startswith(".") else v for k, v in ctx.imports.items()}
    imported = {resolve_relative(module, len(v) - len(v.lstrip(".")), v.lstrip("."), ctx.path)
                if v.startswith(".") else v for v in ctx.facts.get("imports", ())}
    constants: dict[str, Any] = {}
    globals_: set[str] = set()
    defs: set[str] = set()
    classes: dict[str, list[str]] = {}
    assigned: dict[str, int] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defs.add(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            defs.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        assigned[n.id] = assigned.get(n.id, 0) + 1
                        if isinstance(t, ast.Name) and stmt.value is not None:
                            try:
                                constants[n.id] = ast.literal_eval(stmt.value)
                            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                                globals_.add(n.id)
                        else:
                            globals_.add(n.id)
    for name, count in assigned.items():
        if count > 1:
            constants.pop(name, None)
            globals_.add(name)
    for name in defs:
        constants.pop(name, None)
    globals_ -= set(constants)
    mod = Module(module, imports, constants, defs, globals_, imported, ctx.path)
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            mod.bound.setdefault(stmt.targets[0].id, []).append(stmt.value)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, (ast.Name, ast.Attribute)):
            ref = _ref(stmt.value.func, imports, module, defs)
            if ref and ref.rpartition(".")[2][:1].isupper():
                mod.instances[stmt.targets[0].id] = ref
    functions: list[dict[str, Any]] = []
    validated: list[str] = []  # classes with field validators (pydantic, marshmallow)
    class_attrs: dict[str, dict[str, str]] = {}  # class -> attribute its body binds to an instance -> class
    validated_fields: dict[str, list[str]] = {}  # ... and the fields a validator that can reject names
    view_path = any(w in ctx.path.lower() for w in _VIEW_PATH_WORDS)

    routed = _urlpatterns_targets(tree)

    def walk(body: list[ast.stmt], prefix: str, cls: str | None) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append(_function(stmt, prefix, cls, mod, ctx, models, view_path, classes, routed))
                walk(stmt.body, f"{prefix}{stmt.name}.", None)
            elif isinstance(stmt, ast.ClassDef):
                qual = f"{prefix}{stmt.name}"
                classes[qual] = [_ref(b, imports, module, defs) for b in stmt.bases if _ref(b, imports, module, defs)]
                made = _class_instances(stmt, imports, module, defs)
                if made:
                    class_attrs[qual] = made
                if any(isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                        _tail(d.func if isinstance(d, ast.Call) else d) in _VALIDATORS for d in m.decorator_list)
                       for m in stmt.body):
                    validated.append(qual)
                    checked = _checked_fields(stmt)
                    if checked:
                        validated_fields[qual] = checked
                walk(stmt.body, qual + ".", qual)
            elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)) and not prefix:
                for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []),
                              getattr(stmt, "finalbody", []), *[h.body for h in getattr(stmt, "handlers", [])]):
                    walk(block, prefix, cls)

    try:
        walk(tree.body, "", None)
    finally:
        walk = None  # noqa: F841 - its cell refers to it: a cycle holding this file's context and tree
    for f in functions:
        if f["name"] in routed or f["name"].rpartition(".")[0] in routed:
            f["routed"] = 1  # listed in this module's urlpatterns: a Django view whatever the inventory says
    top = FunctionAnalyser(models, mod, ctx.segment, None, "<module>", None, [], False, False)
    summary = top.run([s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef))], {})
    if len(summary) > 2:
        functions.append(summary)
    out = {"module": module, "functions": functions, "classes": classes}
    if validated:
        out["validated"] = validated
    if validated_fields:
        out["validated_fields"] = validated_fields
    if class_attrs:
        out["class_attrs"] = class_attrs
    offline = _offline(tree, ctx, models)
    if offline:
        out["offline"] = offline
    return out


_TOOL_DIRS = frozenset({"scripts", "script", "bin", "tools"})
# a module importing one of these serves requests, whatever `__main__` guard it has (`app.run()`)
_WEB_ROOTS = ("flask", "fastapi", "starlette", "quart", "aiohttp.web", "sanic", "tornado", "bottle", "falcon",
              "django.http", "django.views", "rest_framework", "litestar")


_DDL = re.compile(r"(?i)\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|UNIQUE\s+INDEX|VIEW|SCHEMA)\b")


def _offline(tree: ast.Module, ctx: FileContext, models: models_mod.Models) -> str | None:
    """Why this module runs outside any request, or None: a migration (Django `migrations/`, an alembic
    revision: run by the migration tool with values from code and the database) or a program run from a
    terminal (under scripts/, bin/, tools/, a `#!` line, or a `__main__` guard: its inputs are the operator's
    arguments and environment). Request data can still be traced into it; what is not traced is not the
    attacker's."""
    parts = ctx.path.split("/")[:-1]
    text = ctx.text
    if "migrations" in parts and "Migration" in text and "django" in text:
        return "migration"
    if ("versions" in parts or "alembic" in parts or "migrations" in parts) and "def upgrade" in text \
            and "alembic" in text:
        return "migration"
    if "alembic.context" in ctx.imports.values():
        return "migration"  # alembic's env.py: run by the alembic command only
    kind = None
    if ("migrations" in parts or ctx.path.rsplit("/", 1)[-1] == "migrations.py") and _DDL.search(text):
        kind = "migration"  # a project's own migration steps (`async def m001_initial(db)`): schema DDL
    elif any(p in _TOOL_DIRS for p in parts):
        kind = "program"
    elif (text.startswith("#!") or any(isinstance(s, ast.If) and is_main_guard(s) for s in tree.body)) and not any(
            v.startswith(_WEB_ROOTS) for v in ctx.imports.values()):
        kind = "program"
    # a module that declares routes serves requests whatever else it is; walked only for the few candidates
    if kind and any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in models.endpoint_decorators
            for d in n.decorator_list) for n in ast.walk(tree)):
        return None
    return kind


def _checked_fields(cls: ast.ClassDef) -> list[str]:
    """Fields named by a validator that can reject a value (`@field_validator("locale")` whose body raises or
    asserts): what reaches the model through them was checked. `"*"` and model-wide validators name none."""
    out: set[str] = set()
    for m in cls.body:
        if not isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(isinstance(n, (ast.Raise, ast.Assert)) for n in ast.walk(m)):
            continue
        for d in m.decorator_list:
            if isinstance(d, ast.Call) and _tail(d.func) in _VALIDATORS:
                out.update(a.value for a in d.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                           and a.value != "*")
    return sorted(out)


def _urlpatterns_targets(tree: ast.Module) -> set[str]:
    """Names of this module's defs that its own `urlpatterns` routes to (`path("x/", view)`,
    `path("y/", View.as_view())`)."""
    out: set[str] = set()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
            stmt, (ast.AugAssign, ast.AnnAssign)) else []
        if not any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in targets) or stmt.value is None:
            continue
        for node in ast.walk(stmt.value):
            if isinstance(node, ast.Call):
                for a in node.args[1:2]:
                    while isinstance(a, ast.Call) and isinstance(a.func, ast.Attribute):
                        a = a.func.value  # View.as_view()
                    if isinstance(a, ast.Name):
                        out.add(a.id)
    return out


def _ref(node: ast.AST, imports: dict[str, str], module: str, defs: set[str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head, rest = node.id, parts[::-1]
    if head in imports:
        return ".".join([imports[head], *rest])
    if head in defs:
        return ".".join([module, head, *rest]) if module else ".".join([head, *rest])
    return ".".join([head, *rest])


def _function(fn: ast.FunctionDef, prefix: str, cls: str | None, mod: Module, ctx: FileContext,
              models: models_mod.Models, view_path: bool, classes: dict, routed: set[str]) -> dict[str, Any]:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    decorators = [d.func if isinstance(d, ast.Call) else d for d in fn.decorator_list]
    dec_names = [d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else "" for d in decorators]
    is_static = "staticmethod" in dec_names
    bound = cls is not None and not is_static and positional
    params_all = [a for a in positional]
    if bound:
        params_all = params_all[1:]
    params = [a.arg for a in params_all] + [a.arg for a in args.kwonlyargs]
    route = next((d for d in fn.decorator_list if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                  and d.func.attr in models.endpoint_decorators), None)
    endpoint = route is not None
    segments = _single_segment_params(route) if route is not None else {}
    # Django: a view's URL captures follow its request parameter; whether this function is a view the
    # project step decides from the endpoint inventory (helpers with a request parameter are common)
    view_candidate = not endpoint and (view_path or fn.name in routed or (cls or "") in routed) and \
        not fn.name.startswith("_") and (
        (cls is None and positional and positional[0].arg in models.request_param_names) or
        (cls is not None and fn.name in _VIEW_METHODS and len(positional) > 1
         and positional[1].arg in models.request_param_names))
    cli = not endpoint and _cli_entry(fn, cls, mod, classes, ctx.path)
    hooked = _hook_param(fn.name, cls, classes, mod.module, models) if bound and not endpoint else None
    analyser = FunctionAnalyser(models, mod, ctx.segment, fn, f"{prefix}{fn.name}", cls, params, endpoint, False)
    if cls is not None and "django" in mod.import_prefixes:
        redirecting = _redirect_view(cls, classes, mod.module)
        analyser.redirect_attr = "url" if redirecting else None
        analyser.redirect_return = "RedirectView.get_redirect_url()" if redirecting and fn.name == "get_redirect_url" \
            else "get_success_url()" if fn.name == "get_success_url" and classes.get(cls) else None
    analyser.html_return = "flask" in mod.import_prefixes and any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in _FLASK_VIEWS
        for d in fn.decorator_list)
    state: dict = {}
    typed: dict[str, str] = {}
    all_args = [*params_all, *args.kwonlyargs]
    defaults = _defaults(args)
    request_param = None
    for a in all_args:
        ann = a.annotation
        ann_name = ""
        if ann is not None:
            for n in ast.walk(ann):
                if isinstance(n, (ast.Name, ast.Attribute)):
                    ann_name = n.attr if isinstance(n, ast.Attribute) else n.id
                    if ann_name in models.request_annotations:
                        break
        if isinstance(ann, (ast.Name, ast.Attribute)) and ann_name[:1].isupper():
            ref = _ref(ann, mod.imports, mod.module, mod.defs)
            if ref and ref.split(".")[0] not in ("typing", "builtins"):
                analyser.types[a.arg] = ref
        if a.arg in models.request_param_names or ann_name in models.request_annotations:
            analyser.request_names.add(a.arg)
            request_param = request_param or a.arg
            state[a.arg] = {"": {}}
            continue
        if cli:
            state[a.arg] = {"": {}}  # typed by the operator at a terminal: not attacker input
            continue
        line, col = a.lineno, a.col_offset + 1
        default = defaults.get(a.arg)
        injected = default is not None and isinstance(default, ast.Call) and _tail(default.func) in (
            "Depends", "Security", "Inject", "Provide")
        annotated_dep = ann is not None and any(
            isinstance(n, ast.Call) and _tail(n.func) in ("Depends", "Security", "FromComponent", "Provide")
            # a dependency-injection container's marker: dishka's `FromDishka[FileService]`, `Injected[...]`
            or isinstance(n, ast.Subscript) and _tail(n.value) in _INJECTED_MARKERS for n in ast.walk(ann))
        if endpoint and a.arg not in models.endpoint_param_skip and not injected and not annotated_dep:
            if ann_name in _SCALAR_TYPES:
                state[a.arg] = {"": {}}  # the framework converted it: an int or UUID carries no payload
                continue
            origin = f"src:{line}:{col}:parameter {a.arg} of endpoint {fn.name}"
            value = V.origin(origin, line, col, f"request data: endpoint parameter {a.arg}")
            if segments.get(a.arg) in _TYPED_CONVERTERS:
                state[a.arg] = {"": {}}  # <int:id>: the router only lets digits through
                continue
            if a.arg in segments:
                value = V.sanitise(value, ("path",))  # one URL path segment: no "/" in it
            value = V.sanitise(value, _pattern_kinds(default, ann, mod.constants))
            state[a.arg] = {"": value}
            named = _optional_of(ann)
            ref = _ref(named, mod.imports, mod.module, mod.defs) if named is not None else None
            if ref and _tail(named) not in ("str", "bytes", "Any", "dict", "list"):
                typed[origin] = ref  # an Enum class there admits only its values: the project step checks
        elif a.arg == hooked:
            # the framework calls this hook with what its fields parsed from the request body (DRF's save()
            # -> create(validated_data)): request data, though no call in the project shows it
            state[a.arg] = {"": V.sanitise(V.origin(f"src:{line}:{col}:{a.arg} of {cls}.{fn.name}", line, col,
                                                    f"request data: {a.arg}, the parsed request body "
                                                    f"{cls}.{fn.name} is called with"), (V.PARSED,))}
        elif view_candidate and request_param is not None and a.arg not in models.endpoint_param_skip:
            state[a.arg] = {"": V.origin(f"view:{a.arg}", line, col, f"request data: URL parameter {a.arg}")}
        else:
            state[a.arg] = {"": V.origin(f"param:{a.arg}", line, col, f"parameter {a.arg}")}
    for star in (args.vararg, args.kwarg):
        if star is not None:
            line, col = star.lineno, star.col_offset + 1
            if cli:
                state[star.arg] = {"": {}}
            elif view_candidate and star is args.kwarg:
                state[star.arg] = {"": V.origin(f"view:{star.arg}", line, col,
                                                f"request data: URL parameters **{star.arg}")}
            else:
                state[star.arg] = {"": V.unknown(line, col, f"*{star.arg}")}
    if bound:
        state[positional[0].arg] = {}
    summary = analyser.run(fn.body, state)
    if args.kwonlyargs:
        summary["npos"] = len(params_all)  # positional arguments map to the first npos parameters only
    if typed:
        summary["typed"] = typed
    return summary


def _class_instances(cls: ast.ClassDef, imports: dict[str, str], module: str, defs: set[str]) -> dict[str, str]:
    """Attributes a class body binds to a new instance (`objects = ImageManager()`): `Image.objects.f()` calls
    that class's method, which the project step links through this."""
    out: dict[str, str] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, (ast.Name, ast.Attribute)) \
                and _tail(stmt.value.func)[:1].isupper():
            ref = _ref(stmt.value.func, imports, module, defs)
            if ref:
                out[stmt.targets[0].id] = ref
    return out


def _hook_param(name: str, cls: str | None, classes: dict, module: str, models: models_mod.Models) -> str | None:
    """The parameter of a framework hook that receives request data (`validated_data` of a DRF serializer's
    `create`), when `cls` has a base whose name ends with a modelled suffix, directly or through classes
    of this module."""
    if cls is None or not models.hook_params:
        return None
    for base in _base_names(cls, classes, module):
        for suffix, methods in models.hook_params.items():
            if not base.endswith(suffix):
                continue
            if name in methods:
                return methods[name]
            # `validate_*`: one hook per field (DRF's validate_<field>(self, value))
            found = next((p for m, p in methods.items() if m.endswith("*") and name.startswith(m[:-1])
                          and len(name) > len(m) - 1), None)
            if found:
                return found
    return None


def _redirect_view(cls: str, classes: dict, module: str) -> bool:
    """A Django `RedirectView` subclass, directly or through classes of this module: it redirects to
    `self.url` or to what its `get_redirect_url()` returns."""
    return any(base == "RedirectView" for base in _base_names(cls, classes, module))


def _base_names(cls: str, classes: dict, module: str):
    """The last name of each base of `cls`, followed through the classes this module defines."""
    seen: set[str] = set()
    todo = [cls]
    while todo and len(seen) < 50:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for base in classes.get(current, ()):
            yield base.rpartition(".")[2]
            todo.append(base[len(module) + 1:] if module and base.startswith(module + ".") else base)


_CLI_DECORATORS = frozenset({"command", "group", "argument", "option"})
_CLI_LIBRARIES = ("click", "typer", "flask.cli", "asyncclick")


def _cli_entry(fn: ast.FunctionDef, cls: str | None, mod: Module, classes: dict, path: str) -> bool:
    """A command-line entry point: its arguments come from the operator's own command line, on the same side
    of the trust boundary as the code (click/typer commands, `@app.cli.command()`, a Django management
    command's `handle`)."""
    if cls is not None:
        if fn.name != "handle":
            return False
        bases = [b.rpartition(".")[2] for b in classes.get(cls, ())]
        return "BaseCommand" in bases or "/management/commands/" in "/" + path
    for d in fn.decorator_list:
        func = d.func if isinstance(d, ast.Call) else d
        if not isinstance(func, ast.Attribute) or func.attr not in _CLI_DECORATORS:
            continue
        chain = _ref(func, mod.imports, mod.module, mod.defs) or ""
        if chain.startswith(_CLI_LIBRARIES) or ".cli." in chain or any(
                p in mod.import_prefixes for p in ("click", "typer", "asyncclick")):
            return True
    return False


def _single_segment_params(route: ast.Call) -> dict[str, str]:
    """Parameters a route template captures from one path segment (`{name}`, `<name>`, `<int:name>`; not
    `{name:path}` or `<path:name>`): the router never lets a "/" into them."""
    first = route.args[0] if route.args else next((k.value for k in route.keywords if k.arg in ("path", "rule")),
                                                  None)
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return {}
    out = {}
    for m in re.finditer(r"\{(\w+)(?::(\w+))?\}|<(?:(\w+):)?(\w+)>", first.value):
        name, conv = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if conv != "path":
            out[name] = conv or ""
    return out


_PARAM_MAKERS = frozenset({"Query", "Path", "Form", "Header", "Cookie", "Body", "Field", "Param"})
_PUNCTUATION = "/\\.'\"<>;:%&?#=+,()[]{}!*@$|`~^ \t\n"


def _pattern_kinds(default: ast.AST | None, ann: ast.AST | None, constants: dict[str, Any]) -> tuple[str, ...]:
    """Sink kinds a FastAPI parameter's own `pattern=` (`regex=`) check makes it safe for, the framework
    answering 422 to any other value: every kind when the whole value is word characters and hyphens (a
    language code), paths when it holds no separator and cannot be `..`."""
    from ...untrusted.regexes import whole_match_chars

    calls = [default] if isinstance(default, ast.Call) else []
    if isinstance(ann, ast.Subscript) and _tail(ann.value) == "Annotated" and isinstance(ann.slice, ast.Tuple):
        calls += [m for m in ann.slice.elts[1:] if isinstance(m, ast.Call)]
    for call in calls:
        if _tail(call.func) not in _PARAM_MAKERS:
            continue
        for kw in call.keywords:
            if kw.arg not in ("pattern", "regex"):
                continue
            text = kw.value.value if isinstance(kw.value, ast.Constant) else \
                constants.get(kw.value.id) if isinstance(kw.value, ast.Name) else None
            admitted = whole_match_chars(text, _PUNCTUATION) if isinstance(text, str) else None
            if admitted is None:
                continue
            if not admitted:
                return ("all",)
            if not admitted & {"/", "\\"} and not re.fullmatch(text, "..") and not re.fullmatch(text, "."):
                return ("path",)
    return ()


def _optional_of(ann: ast.AST | None) -> ast.AST | None:
    """The class an annotation names, through `Optional[X]`, `X | None`, `Union[X, None]` and `Annotated[X, ...]`
    (`theme: Optional[Theme] = Query(Theme.light)`: FastAPI admits None or one of the Enum's values)."""
    for _ in range(4):
        if isinstance(ann, (ast.Name, ast.Attribute)):
            return ann
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
            sides = [s for s in (ann.left, ann.right) if not (isinstance(s, ast.Constant) and s.value is None)]
            ann = sides[0] if len(sides) == 1 else None
        elif isinstance(ann, ast.Subscript) and _tail(ann.value) in ("Optional", "Annotated", "Union"):
            inner = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            if _tail(ann.value) == "Annotated":
                inner = inner[:1]
            inner = [i for i in inner if not (isinstance(i, ast.Constant) and i.value is None)]
            ann = inner[0] if len(inner) == 1 else None
        else:
            return None
    return None


def _tail(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _defaults(args: ast.arguments) -> dict[str, ast.AST]:
    out: dict[str, ast.AST] = {}
    positional = [*args.posonlyargs, *args.args]
    for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults):
        out[a.arg] = d
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        if d is not None:
            out[a.arg] = d
    return out
