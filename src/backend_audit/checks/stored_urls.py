"""BA-INP-007 through a store: a URL a user saved (a model field a DRF serializer or a Django model form lets the
client write: a push subscription's endpoint, a webhook's target) that the server later requests
(`requests.put(reg.push_url, ...)` in a task, or in a helper handed `reg.push_url`). The taint engine follows a
value within a request; the fetch runs in another one (a worker, a signal), so this pass joins the field the
client writes with the fetch that reads it back, by the field's name, from facts each file's walk leaves
(StoredUrlFacts). Blind set W: a forum's push-notification registrations any logged-in user creates, PUT to by
the worker on every notification, with no scheme, host or private-address check.

Not reported: a field whose form or serializer checks it (`validate_<field>`, `clean_<field>`, `validators=`), and
a fetch in a function that checks a URL's host (an allowlist, `is_private`, a project's `validate_url`). A
stored URL is weaker evidence than a request parameter (the field may be set only by a trusted client, the
fetch may go through a proxy): a warning that says "origin: stored user URL"."""

from __future__ import annotations

import ast
from typing import Any

from ..findings import Finding
from ..model.taint.models import load
from .base import AstCheck, FileContext, ProjectCheck, dotted
from .lazy_re import re  # compiled on first use
from .recognise import arg, snake

USER_URL_FIELDS = "user_url_fields"  # [field, model, class, line] a client writes
MODEL_URL_FIELDS = "model_url_fields"  # {model class: [URL-named fields]}, for `fields = "__all__"`
MODEL_CHECKED_FIELDS = "model_checked_url_fields"  # {model class: [URL-named fields with validators=]}
FIELD_FETCHES = "stored_url_fetches"  # requests of a URL read from a URL-named attribute
PARAM_FETCHES = "param_url_fetches"  # {function: {param: [line, column, end line, end column, snippet]}}
FIELD_PASSES = "url_fields_passed"  # calls handing a URL-named attribute to a function

_URL_PART = frozenset({"url", "uri", "endpoint", "webhook", "callback", "href"})
_FORM_BASE = re.compile(r"(Serializer|Form)$")
_ADMIN = re.compile(r"(^|/)admin(/|\.py$|_)")
_MODEL_BASE = re.compile(r"Model$")
_HOST_CHECK = re.compile(r"netloc|hostname|is_private|is_loopback|is_global|ALLOWED_\w*(HOST|DOMAIN|URL)|"
                         r"allowed_(hosts?|domains?|urls?)|(validate|check|safe|verify)_\w*url|url_\w*(allowed|safe)|"
                         r"getaddrinfo|gethostbyname")


def url_named(name: str) -> bool:
    return bool(_URL_PART & set(name.lower().split("_")))


def _literal_names(node: ast.AST | None) -> list[str] | str | None:
    if isinstance(node, ast.Constant) and node.value == "__all__":
        return "__all__"
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


def _class_fields(node: ast.ClassDef) -> dict[str, ast.AST]:
    return {t.id: s.value for s in node.body if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}


_COMPUTED = frozenset({"SerializerMethodField", "ReadOnlyField", "HiddenField"})


def _read_only(value: ast.AST | None) -> bool:
    """A declared field the client cannot write: `read_only=True`, or computed by the serializer."""
    return isinstance(value, ast.Call) and ((dotted(value.func) or "").rpartition(".")[2] in _COMPUTED or any(
        k.arg == "read_only" and isinstance(k.value, ast.Constant) and k.value.value is True for k in value.keywords))


def _checked(value: ast.AST | None) -> bool:
    return isinstance(value, ast.Call) and any(k.arg == "validators" for k in value.keywords)


class StoredUrlFacts(AstCheck):
    """Records the URL fields clients write, the fetches of URL-named attributes and parameters, and the calls
    that hand a URL-named attribute on; the project pass below joins them."""

    RULE_ID = "BA-INP-007"
    PREFILTER = ("url", "endpoint", "hook", "callback", "uri", "href")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.models = load()
        self.classes: list[bool] = []  # per enclosing class: whether it is a model

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [(dotted(b) or "").rpartition(".")[2] for b in node.bases]
        self.classes.append(any(_MODEL_BASE.search(b) for b in bases))
        fields = _class_fields(node)
        if any(_MODEL_BASE.search(b) for b in bases):
            named = sorted(n for n, v in fields.items() if url_named(n) and isinstance(v, ast.Call) and
                           (dotted(v.func) or "").endswith("Field"))
            if named:
                self.ctx.facts.setdefault(MODEL_URL_FIELDS, {}).setdefault(node.name, named)
            checked = sorted(n for n in named if _checked(fields[n]))
            if checked:
                self.ctx.facts.setdefault(MODEL_CHECKED_FIELDS, {}).setdefault(node.name, checked)
        meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
        if meta is None or not any(_FORM_BASE.search(b) for b in bases) or _ADMIN.search(self.ctx.path):
            return  # not a form, or an administrator's: a URL the operator configures is not a user's
        opts = _class_fields(meta)
        model = (dotted(opts.get("model")) or "").rpartition(".")[2]
        listed = _literal_names(opts.get("fields"))
        if not model or listed is None:
            return
        skipped = set(_literal_names(opts.get("read_only_fields")) or ()) | set(_literal_names(opts.get("exclude")) or ())
        # not written by the client (read-only, excluded) or checked by the form (a validator, a clean method)
        skipped |= {n for n, v in fields.items() if _read_only(v) or _checked(v)}
        skipped |= {s.name.split("_", 1)[1] for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and s.name.startswith(("validate_", "clean_"))}
        names = ["__all__"] if listed == "__all__" else [n for n in listed if url_named(n) and n not in skipped]
        for name in names:
            self.ctx.facts.setdefault(USER_URL_FIELDS, []).append([name, model, node.name, node.lineno,
                                                                   sorted(skipped)])

    def visit_Call(self, node: ast.Call) -> None:
        stack = self.ctx.function_stack
        if not stack:
            return
        url = self._fetched(node)
        if url is not None:
            self._fetch(node, url, stack[-1])
        for i, arg in enumerate([*node.args, *(k.value for k in node.keywords)]):
            if isinstance(arg, ast.Attribute) and url_named(arg.attr) and dotted(node.func) and \
                    not self._own_attribute(arg):
                place = i if i < len(node.args) else node.keywords[i - len(node.args)].arg
                if place is not None:
                    self.ctx.facts.setdefault(FIELD_PASSES, []).append(
                        [self.ctx.symbol, dotted(node.func), place, _field(arg), node.lineno])

    def _own_attribute(self, node: ast.Attribute) -> bool:
        """`self.url` outside a model: a client object's own attribute (`self.url = f"{base}/identify"`), not a
        stored row's field."""
        return isinstance(node.value, ast.Name) and node.value.id == "self" and not (self.classes and self.classes[-1])

    def _fetched(self, node: ast.Call) -> ast.AST | None:
        """The URL argument of an outbound request the taint models name (`requests.put(url, ...)`)."""
        for sink in self.models.call_sinks.get(self.ctx.qualname(node.func) or "", ()):
            if sink.kind == "url":
                return _argument(node, sink.args)
        return None

    def _fetch(self, node: ast.Call, url: ast.AST, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if _HOST_CHECK.search(self.ctx.segment(fn)):
            return  # the function checks where the URL points
        if isinstance(url, ast.Name):
            bound = [s.value for s in self.ctx.own_nodes(fn) if isinstance(s, ast.Assign) and
                     any(isinstance(t, ast.Name) and t.id == url.id for t in s.targets)]
            if len(bound) == 1 and isinstance(bound[0], ast.Attribute):
                url = bound[0]  # `endpoint = reg.push_url` then `requests.put(endpoint)`
        where = [*self.ctx.span(node), self.ctx.segment(node)[:120]]
        if isinstance(url, ast.Attribute) and self._own_attribute(url):
            return
        if isinstance(url, ast.Attribute) and url_named(url.attr):
            self.ctx.facts.setdefault(FIELD_FETCHES, []).append([_field(url), *where])
        elif isinstance(url, ast.Name) and url.id in {a.arg for a in (*fn.args.posonlyargs, *fn.args.args,
                                                                     *fn.args.kwonlyargs)}:
            self.ctx.facts.setdefault(PARAM_FETCHES, {}).setdefault(self.ctx.symbol, {}).setdefault(url.id, where)


# a bare `url` names a field of many models: joined only when the object it is read from is named for the model
_GENERIC = frozenset({"url", "uri", "href", "link"})


def _field(node: ast.Attribute) -> str:
    """`reg.push_url` -> "push_url"; a generic name keeps its object's name: `css.url` -> "css.url"."""
    owner = dotted(node.value) or ""
    return f"{owner.rpartition('.')[2].lower()}.{node.attr}" if node.attr in _GENERIC and owner else node.attr


def _argument(call: ast.Call, places: tuple[Any, ...]) -> ast.AST | None:
    """The first of the sink model's argument places (a position or a keyword name) the call fills."""
    return next((found for place in places if (found := arg(
        call, place if isinstance(place, str) else None, place if isinstance(place, int) else None)) is not None),
        None)


class StoredUrlFetch(ProjectCheck):
    RULE_ID = "BA-INP-007"
    # the serializer may sit in a file not scanned: on a subset nothing is claimed
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        written = self._written(project)
        if not written:
            return []
        sm = project.semantic
        sinks: dict[tuple[str, int], tuple[list[Any], list[str]]] = {}  # (file, line) -> (where, how it gets there)
        for path in sorted(project.facts):
            facts = project.facts[path]
            if facts.get("is_test"):
                continue
            for field, *where in facts.get(FIELD_FETCHES, ()):
                if field in written:
                    sinks.setdefault((path, where[0]), (where, []))[1].append(self._origin(field, written, ""))
            module = sm.module_of(path)
            for caller, ref, place, field, line in facts.get(FIELD_PASSES, ()) if module else ():
                target = sm.call_target(f"{module}.{caller}", ref) if field in written else None
                info = sm.function(target) if target else None
                if info is None:
                    continue
                params = info.params[1:] if info.is_method else info.params
                param = place if isinstance(place, str) else params[place] if place < len(params) else ""
                fetch = project.facts.get(info.path, {}).get(PARAM_FETCHES, {}).get(
                    target[len(info.module) + 1:], {}).get(param)
                if fetch:
                    sinks.setdefault((info.path, fetch[0]), (fetch, []))[1].append(
                        self._origin(field, written, f" handed as `{param}` by {path}:{line}"))
        return [self._finding(path, where, origins) for (path, _), (where, origins) in sorted(sinks.items())]

    @staticmethod
    def _origin(field: str, written: dict[str, tuple[str, str, int, bool]], via: str) -> str:
        path, cls, line, checked = written[field]
        return f"`{field}`{via}, which clients write through {cls} ({path}:{line})" + (
            ", its model field has validators (what they check of the host is not traced)" if checked else "")

    @staticmethod
    def _written(project: Any) -> dict[str, tuple[str, str, int, bool]]:
        """URL field name -> (file, form or serializer class, line, whether the model validates the field) where a
        client writes it."""
        model_fields: dict[str, list[str]] = {}
        model_checked: dict[str, list[str]] = {}
        for path in sorted(project.facts):
            for model, names in project.facts[path].get(MODEL_URL_FIELDS, {}).items():
                model_fields.setdefault(model, names)
            for model, names in project.facts[path].get(MODEL_CHECKED_FIELDS, {}).items():
                model_checked.setdefault(model, names)
        out: dict[str, tuple[str, str, int, bool]] = {}
        for path in sorted(project.facts):
            if project.facts[path].get("is_test"):
                continue
            for name, model, cls, line, skipped in project.facts[path].get(USER_URL_FIELDS, ()):
                names = [n for n in model_fields.get(model, ()) if n not in skipped] if name == "__all__" else [name]
                for n in names:
                    key = f"{snake(model)}.{n}" if n in _GENERIC else n
                    out.setdefault(key, (path, cls, line, n in model_checked.get(model, ())))
        return out

    def _finding(self, path: str, where: list[Any], origins: list[str]) -> Finding:
        line, col, end_line, end_col, snippet = where
        return Finding(
            rule_id=self.RULE_ID, path=path, line=line, column=col, end_line=end_line, end_column=end_col,
            # every origin validated by its model: a note, as for request data through such a model
            level="note" if all("has validators" in o for o in origins) else "warning", engine=self.ENGINE,
            snippet=snippet, properties={"sub": "stored-url"},
            message=(f"the server requests a URL a user stored (origin: stored user URL: {'; '.join(sorted(set(origins)))}) "
                     "with no check of where it points: any client that can register one makes the server send "
                     "requests into its own network (cloud metadata, internal services); check the host against an "
                     "allowlist and refuse private addresses when it is stored and before the request"))
