"""Django facts: `urlpatterns` (path / re_path / url / include, nested lists, DRF router urls) and the
settings that decide endpoint behaviour (REST_FRAMEWORK defaults, MIDDLEWARE, INSTALLED_APPS, CORS)."""

from __future__ import annotations

from typing import Any

import ast

from ...checks.base import FileContext, dotted
from ..semantic.values import fold
from .common import keyword, last_name, literal, positional, readable_regex, string_value
from .forwarders import view_argument

SETTINGS = frozenset({"REST_FRAMEWORK", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "INSTALLED_APPS", "ROOT_URLCONF",
                      "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_CREDENTIALS",
                      "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", "RATELIMIT_ENABLE",
                      "LOGIN_REQUIRED_IGNORE_PATHS"})
_URL_FUNCS = frozenset({"path", "re_path", "url"})


def _debug_test(test: ast.AST) -> bool:
    """`if settings.DEBUG:`, `if DEBUG and ...:`: true only in development (a negation is not)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_debug_test(v) for v in test.values)
    return isinstance(test, ast.Name) and test.id == "DEBUG" or isinstance(test, ast.Attribute) and \
        test.attr == "DEBUG"


def _unstar(node: ast.AST) -> ast.AST:
    return node.value if isinstance(node, ast.Starred) else node


class DjangoFacts:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.depth = 0  # function/class nesting: settings and urlpatterns live at module level
        # `thread_view = ThreadView.as_view()` (or `= hooks.get(ThreadView).as_view()`) at module level: the class
        # view a later path("...", thread_view) routes to
        self.bound_views: dict[str, str] = {}
        self.debug_ifs: list[int] = []  # module-level `if settings.DEBUG:` blocks (no else) being walked
        # module-level lists a setting may be bound to later (`BASE_MIDDLEWARE = [...]; MIDDLEWARE =
        # BASE_MIDDLEWARE`), and names built from a setting itself (`mw = list(MIDDLEWARE); mw.insert(...);
        # MIDDLEWARE = mw`): rebinding to those keeps what the list held
        self.lists: dict[str, list] = {}
        self.copies: dict[str, set[str]] = {}

    def visit_If(self, node: ast.If) -> None:
        if not self.depth and not node.orelse and _debug_test(node.test):
            self.debug_ifs.append(id(node))

    def leave_If(self, node: ast.If) -> None:
        if self.debug_ifs and self.debug_ifs[-1] == id(node):
            self.debug_ifs.pop()

    def _module_patterns(self, node: ast.AST) -> list[dict[str, Any]]:
        """The path()s a module-level statement adds; under `if settings.DEBUG:` they exist only on a
        developer's machine (template previews, the media server, the debug toolbar)."""
        out = self._patterns(node)
        if self.debug_ifs:
            for entry in out:
                entry["debug_only"] = True
        return out

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth += 1

    def visit_Return(self, node: ast.Return) -> None:
        # `def api_path(route, view, name=None): return path(f"api/{route}", view, name=name)`: each call in a
        # urlpatterns list is the path() it returns, with the caller's literal route and view
        wrapper = url_wrapper(self.ctx, node.value) if self.ctx.function_stack else None
        if wrapper:
            self.ctx.facts.setdefault("url_wrappers", {})[self.ctx.symbol] = wrapper

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.depth += 1

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.depth -= 1

    def _line(self, node: ast.AST) -> int:
        return self.ctx.span(node)[0]

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.depth or len(node.targets) != 1:
            return
        target = node.targets[0]
        if isinstance(target, ast.Name):
            self._assign(target.id, node.value, node, augment=False)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                target.value.id == "REST_FRAMEWORK":
            key = string_value(target.slice)
            if key:
                settings = self.ctx.facts.setdefault("settings", {})
                rf = settings.setdefault("REST_FRAMEWORK", {"value": {}, "line": self._line(node)})
                if isinstance(rf["value"], dict):
                    rf["value"][key] = literal(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if not self.depth and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            self._assign(node.target.id, node.value, node, augment=True)

    def visit_Call(self, node: ast.Call) -> None:
        # `_patterns.append(path(...))` / `urlpatterns.extend([...])` at module level (often under `if DEBUG:`)
        func = node.func
        if self.depth or not isinstance(func, ast.Attribute) or func.attr not in ("append", "extend", "insert") \
                or not isinstance(func.value, ast.Name) or not node.args:
            return
        name = func.value.id
        lists = self.ctx.facts.get("pattern_lists", {})
        if name != "urlpatterns" and name not in lists:
            return
        added = self._module_patterns(node.args[-1])
        if added:
            target = self.ctx.facts.setdefault("urlpatterns", []) if name == "urlpatterns" else lists[name]
            target.extend(added)

    def _assign(self, name: str, value: ast.AST, node: ast.AST, augment: bool) -> None:
        bound = _bound_class_view(value) if not augment else None
        if bound:
            self.bound_views[name] = bound
        elif name in self.bound_views:
            del self.bound_views[name]
        if name not in SETTINGS and not augment:
            held = literal(value)
            self.lists.pop(name, None)
            self.copies.pop(name, None)
            if isinstance(held, list):
                self.lists[name] = held
            elif mentioned := {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in SETTINGS}:
                self.copies[name] = mentioned
        if name == "TEMPLATES" and not augment:
            # the context processors each engine's OPTIONS name: code every rendered page runs
            found = [item.value for d in ast.walk(value) if isinstance(d, ast.Dict)
                     for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant) and k.value == "context_processors"
                     and isinstance(v, (ast.List, ast.Tuple))
                     for item in v.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
            if found:
                self.ctx.facts.setdefault("settings", {})["TEMPLATE_CONTEXT_PROCESSORS"] = {
                    "value": found[:200], "line": self._line(node)}
        if name == "urlpatterns":
            patterns = self.ctx.facts.setdefault("urlpatterns", [])
            # `urlpatterns = [path("__debug__/", ...)] + urlpatterns` rebinds the list to itself plus more: what
            # it held stays served (and is not made development-only by the `if DEBUG:` around the rebinding)
            if not augment and not _mentions(value, "urlpatterns"):
                patterns.clear()
            patterns.extend(self._module_patterns(value))
        elif isinstance(value, (ast.List, ast.Tuple, ast.BinOp)) and (entries := self._module_patterns(value)):
            # a module-level list of path()s (`_patterns`, `api_patterns`) that an include() or a root
            # `urlpatterns = [path(BASE_PATH, include(_patterns))]` mounts
            lists = self.ctx.facts.setdefault("pattern_lists", {})
            if augment and name in lists:
                lists[name].extend(entries)
            else:
                lists[name] = entries
        elif name in SETTINGS:
            settings = self.ctx.facts.setdefault("settings", {})
            val = literal(value)
            if isinstance(value, ast.Name) and value.id in self.lists:
                val = list(self.lists[value.id])
            elif isinstance(value, ast.Name) and name in self.copies.get(value.id, ()) or \
                    augment and not isinstance(val, list):
                # a copy of the setting, rebound (under an `if`) or an addition not known statically: the
                # entries it held are still in it
                return
            if not augment and name in settings and isinstance(settings[name]["value"], list) and \
                    _mentions(value, name):
                # `MIDDLEWARE = ["debug_toolbar..."] + MIDDLEWARE` (under `if DEBUG:`): the list stays what it was
                return
            if augment and name in settings and isinstance(settings[name]["value"], list) and isinstance(val, list):
                settings[name]["value"] = settings[name]["value"] + val
            else:
                settings[name] = {"value": val, "line": self._line(node)}

    def _patterns(self, node: ast.AST) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if isinstance(node, (ast.List, ast.Tuple)):
            for el in node.elts:
                out.extend(self._patterns(_unstar(el)))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            out.extend(self._patterns(node.left) + self._patterns(node.right))
        elif isinstance(node, ast.Attribute) and node.attr == "urls":
            ref = dotted(node.value)
            if ref:
                out.append({"route": "", "include": {"router": ref}, "line": self._line(node)})
        elif isinstance(node, ast.Call):
            name = last_name(dotted(node.func))
            if name in _URL_FUNCS:
                entry = self._url(node, name)
                if entry:
                    out.append(entry)
            elif name == "patterns":
                # Django < 1.10: patterns("app.views", url(r"^$", "index")): the first argument prefixes
                # the views named by string
                base = string_value(positional(node, 0)) or ""
                for arg in node.args[1:]:
                    for entry in self._patterns(_unstar(arg)):
                        if base and "view_path" in entry:
                            entry["view_path"] = f"{base}.{entry['view_path']}"
                        out.append(entry)
            elif name in ("i18n_patterns", "format_suffix_patterns", "list"):
                # every argument without a keyword, `*x` and `**x` included (as libcst listed them)
                for arg in [*node.args, *(kw.value for kw in node.keywords if kw.arg is None)]:
                    out.extend(self._patterns(_unstar(arg)))
            elif dotted(node.func):
                # `urlpatterns += get_model_urls("dcim", "site")`: a project helper that builds path()s
                out.append({"route": "", "include": _helper(node), "line": self._line(node)})
        return out

    def _url(self, node: ast.Call, func: str) -> dict[str, Any] | None:
        route_node = positional(node, 0) or keyword(node, "route")
        route = string_value(route_node)
        view = positional(node, 1) or keyword(node, "view")
        route_enc = fold(route_node, lambda name: None) if route is None and route_node is not None else None
        if (route is None and route_enc is None) or view is None:
            return None
        if func != "path" and route is not None:
            route = readable_regex(route)
        entry: dict[str, Any] = {"route": route or "", "line": self._line(node)}
        if route_enc is not None:
            # path(settings.BASE_PATH, ...): the project pass folds it through the semantic model
            entry["route_enc"] = route_enc
            entry["route_ref"] = " ".join(self.ctx.segment(route_node).split())[:200]
            entry["regex"] = func != "path"
        wrappers: list[str] = []
        while isinstance(view, ast.Call):
            callee = dotted(view.func) or ""
            tail = last_name(callee)
            if tail == "include":
                entry["include"] = self._include(view)
                return entry if entry["include"] else None
            if tail in ("as_view", "as_asgi") and isinstance(view.func, ast.Attribute):
                entry["view"] = dotted(view.func.value)
                entry["class_view"] = True
                actions = positional(view, 0)
                if isinstance(actions, ast.Dict):
                    entry["actions"] = literal(actions)
                for kw in ("permission_classes", "throttle_classes"):
                    if keyword(view, kw) is not None:
                        entry.setdefault("as_view_kwargs", {})[kw] = literal(keyword(view, kw))
                break
            wrappers.append(tail)  # login_required(views.index), csrf_exempt(...), cache_page(60)(...)
            inner = positional(view, 0)
            if inner is None:
                return None
            view = inner
        else:
            if isinstance(view, ast.Attribute) and view.attr == "urls":
                ref = dotted(view.value) or ""
                if ref.endswith("site") or ref.startswith("admin"):
                    return None  # the Django admin guards itself
                entry["include"] = {"router": ref}
                return entry
            entry["view"] = dotted(view)
            if isinstance(view, ast.Name) and view.id in self.bound_views:
                # kept beside the view, not in its place: the inventory lists routes whose view it resolves, and
                # a class behind a lookup (`extensions.get(X)`) may be swapped at run time; the test-reach rules
                # read it as the code a request by this route's name runs
                entry["bound_view"] = self.bound_views[view.id]
            if string_value(view):  # url(r"^$", "taskManager.views.index"): a view named by its dotted path
                entry["view"] = entry["view_path"] = string_value(view)
        if not entry.get("view"):
            return None
        if wrappers:
            entry["wrappers"] = wrappers
        name = string_value(keyword(node, "name"))
        if name:  # what tests pass to reverse() to request it
            entry["name"] = name
        return entry

    def _include(self, call: ast.Call) -> dict[str, Any]:
        arg = positional(call, 0) or keyword(call, "arg")
        if isinstance(arg, ast.Tuple) and arg.elts:
            arg = _unstar(arg.elts[0])
        text = string_value(arg)
        if text is not None:
            return {"module": text}
        if isinstance(arg, (ast.List, ast.Tuple)):
            return {"patterns": self._patterns(arg)}
        if isinstance(arg, ast.Attribute) and arg.attr == "urls":
            ref = dotted(arg.value) or ""
            return {} if ref.endswith("site") else {"router": ref}
        if isinstance(arg, ast.Call) and dotted(arg.func):
            return _helper(arg)  # include(get_model_urls("dcim", "site", detail=False))
        ref = dotted(arg) if arg is not None else None
        return {"ref": ref} if ref else {}


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _bound_class_view(value: ast.AST) -> str | None:
    """The class of `X.as_view(...)`, also when a lookup hands the class back first (`registry.get(X).as_view()`,
    a plugin hook that may return a subclass: the routed code is still X's)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "as_view"):
        return None
    owner = value.func.value
    if isinstance(owner, ast.Call) and len(owner.args) == 1 and not owner.keywords:
        owner = owner.args[0]
    ref = dotted(owner) if isinstance(owner, (ast.Name, ast.Attribute)) else None
    return ref if ref and last_name(ref)[:1].isupper() else None


def _helper(call: ast.Call) -> dict[str, Any]:
    """A call to a URL-building helper, with its literal arguments (the project pass matches them against
    the views its registration decorator recorded, or binds them to a wrapper that returns one path())."""
    out = {"helper": dotted(call.func), "args": [literal(a) for a in call.args if not isinstance(a, ast.Starred)],
           "kwargs": {kw.arg: literal(kw.value) for kw in call.keywords if kw.arg}}
    views = {str(i): v for i, a in enumerate(call.args) if isinstance(a, ast.Call) and (v := view_argument(a))}
    views.update({kw.arg: v for kw in call.keywords if kw.arg and isinstance(kw.value, ast.Call)
                  and (v := view_argument(kw.value))})
    if views:  # Users.as_view(), login_required(views.index): what literal() cannot say
        out["views"] = views
    return out


def url_wrapper(ctx: FileContext, value: ast.AST | None) -> dict[str, Any] | None:
    """`return path(route, view)` / `re_path(f"^api/{route}", view, ...)` where route and view are the enclosing
    function's parameters: {func, route param, text around it, view param}."""
    if not isinstance(value, ast.Call) or last_name(dotted(value.func)) not in _URL_FUNCS:
        return None
    args = ctx.function_stack[-1].args
    params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    route, view = positional(value, 0) or keyword(value, "route"), positional(value, 1) or keyword(value, "view")
    if not isinstance(view, ast.Name) or view.id not in params:
        return None
    before = after = ""
    if isinstance(route, ast.JoinedStr) and len([v for v in route.values if isinstance(v, ast.FormattedValue)]) == 1:
        parts = route.values
        hole = next(i for i, v in enumerate(parts) if isinstance(v, ast.FormattedValue))
        texts = [v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else None for v in parts]
        if any(t is None for i, t in enumerate(texts) if i != hole) or parts[hole].format_spec is not None or \
                parts[hole].conversion != -1:
            return None
        before, after = "".join(texts[:hole]), "".join(texts[hole + 1:])  # type: ignore[arg-type]
        route = parts[hole].value
    if not isinstance(route, ast.Name) or route.id not in params:
        return None
    return {"func": last_name(dotted(value.func)), "route": route.id, "before": before, "after": after,
            "view": view.id, "params": params}
