"""Which tests reach which endpoint (BA-TEST-005, and BA-TEST-002's "tested through HTTP").

Built once per scan and shared: the test side (URL strings, route names, called names) is indexed first,
URLs normalised once and bucketed by segment count and literal segment, so each endpoint looks up a
handful of candidates instead of comparing itself with every URL of every test (quadratic in the
repository: 685,000 comparisons on a 250 kLOC backend).

What counts as evidence, and nothing else:
- a URL string in a test that requests the route (f-string placeholders stand for any text);
- a route name given to `reverse`/`url_for`/... that names the handler, or, for DRF router routes, the
  `<basename>-list`/`-detail`/`-<action>` name DRF derives from the viewset; a name built at run time
  (`reverse(f"{ns}:{model_name}-detail")` in a generic test base class) reaches every such route whose
  name fits its literal parts;
- a call of the handler's name in a test that imports the handler's module;
- a request a browser end-to-end spec makes or waits on, when the suite runs the project's own app.
"""

from __future__ import annotations

import functools
from ..checks.lazy_re import re  # compiled on first use
from typing import Iterable

from ..records import dataclass
from .project import ProjectModel

PARAM = _PARAM = re.compile(r"\{[^}/]*\}|<[^>/]*>")  # a route parameter
_HOST = re.compile(r"^[a-z]+://[^/]*")
_VIEW_SUFFIX = re.compile(r"(ViewSet|APIView|View)$")
_GRAPHQL_LIBS = frozenset({"graphene", "graphene_django", "strawberry", "strawberry_django", "ariadne", "graphql"})

# how an endpoint was reached, as the rules may say it
URL, NAME, NAME_PATTERN, CALL = "url", "route name", "route name built at run time", "handler call"


def segments(path: str) -> list[str]:
    return path.strip("^$").strip("/").split("/")


def normalise_url(url: str) -> str | None:
    """A test URL as a path (host, query and fragment dropped); None for text that is not one."""
    url = _HOST.sub("", url).split("?", 1)[0].split("#", 1)[0]
    return url if url.startswith(("/", "{}")) else None


@functools.lru_cache(maxsize=4096)
def _glob(test: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, test.split("{}"))))


@functools.lru_cache(maxsize=4096)
def _route_segment(route: str) -> re.Pattern[str]:
    return re.compile("[^/]*".join(map(re.escape, _PARAM.split(route))))


def segment_matches(test: str, route: str) -> bool:
    """FastAPI `{id}` / Flask and Django `<int:id>` route segments match anything; a test segment with an
    f-string placeholder (`{}`) matches any text in its place; a segment that mixes parameters with text
    (`<slug:tag>.<slug:fmt>`) matches what fits around them."""
    if test == route or _PARAM.fullmatch(route):
        return True
    if "{}" in test and _glob(test).fullmatch(route) is not None:
        return True
    return _PARAM.search(route) is not None and _route_segment(route).fullmatch(test.replace("{}", "x")) is not None


# Werkzeug's `<any(file, config, blob):type>`: a parameter that takes one of the literal names it lists
_ANY = re.compile(r"<any\(([^)]*)\)(?::\w+)?>")


def _literal_names(segment: str) -> list[str]:
    """The literal texts a route segment stands for: itself, or each name an `any(...)` converter lists (a test
    URL `f"{BASE}/object/{id}/comment"` names the route `/<any(file, object):type>/<id>/comment` by one)."""
    found = _ANY.fullmatch(segment)
    if found is None:
        return [segment]
    return [name.strip().strip("'\"") for name in found.group(1).split(",") if name.strip()]


def called_with(url: str, route: str) -> bool:
    """A test URL (f-string placeholders as `{}`) that requests the route; host, query and fragment dropped.
    A leading placeholder (`f"{BASE}/users"`) stands for any prefix of the route, but the literal segment after
    it must then name a literal segment of the route, or `f"{BASE}/users/{id}"` would match every route."""
    norm = normalise_url(url)
    if norm is None:
        return False
    index = _UrlIndex()
    index.add(norm, "")
    return bool(index.tests_for(route))


class _UrlIndex:
    """Test URLs by shape. Absolute ones by (segment count, position, literal segment), with the ones holding a
    placeholder at a position kept apart; ones starting with a placeholder by their first literal segment."""

    def __init__(self) -> None:
        self.literal: dict[tuple[int, int, str], list[tuple[tuple[str, ...], str]]] = {}
        self.placeholder: dict[tuple[int, int], list[tuple[tuple[str, ...], str]]] = {}
        self.by_len: dict[int, list[tuple[tuple[str, ...], str]]] = {}
        self.suffixes: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.anywhere: list[str] = []  # `f"{BASE}/"`: any route

    def add(self, url: str, test: str) -> None:
        have = tuple(segments(url))
        if url.startswith("{}"):
            have = have[1:]
            if not have:
                self.anywhere.append(test)
            else:
                self.suffixes.setdefault(have[0], []).append((have, test))
            return
        entry = (have, test)
        n = len(have)
        self.by_len.setdefault(n, []).append(entry)
        if have and all(seg == "{}" for seg in have):
            # `f"http://{host}:{port}/{token}"`: a path of placeholders only names no route; it stands for the routes
            # whose segments are all parameters (by_len), not for `/intro/` of the same length
            return
        for i, seg in enumerate(have):
            if "{}" in seg:
                self.placeholder.setdefault((n, i), []).append(entry)
            else:
                self.literal.setdefault((n, i, seg), []).append(entry)

    def tests_for(self, route: str) -> set[str]:
        want = segments(route)
        n = len(want)
        out = set(self.anywhere)
        first = next((i for i, seg in enumerate(want) if not _PARAM.search(seg)), None)
        if first is None:
            candidates: Iterable[tuple[tuple[str, ...], str]] = self.by_len.get(n, ())
        else:
            candidates = [*self.literal.get((n, first, want[first]), ()), *self.placeholder.get((n, first), ())]
        for have, test in candidates:
            if test not in out and all(segment_matches(t, r) for t, r in zip(have, want)):
                out.add(test)
        for j, seg in enumerate(want):
            for have, test in (entry for name in _literal_names(seg) for entry in self.suffixes.get(name, ())):
                if test not in out and len(have) == n - j and \
                        all(segment_matches(t, r) for t, r in zip(have[1:], want[j + 1:])):
                    out.add(test)
        return out


def test_code(model: ProjectModel) -> list[str]:
    """Test files and the test support modules outside the test paths (generic test base classes)."""
    return [p for p, f in model.facts.items() if f.get("is_test") or f.get("test_support")]


@dataclass(frozen=True)
class Reach:
    """A test that requests an endpoint, and how it was matched."""
    test: str
    how: str


class TestReach:
    """The endpoint -> tests map of one scan (`for_model`), keyed by endpoint (file, line, path, handler)."""

    def __init__(self, model: ProjectModel) -> None:
        self.model = model
        self.urls = _UrlIndex()
        self.verb_urls: dict[str, _UrlIndex] = {}  # URLs a test requests with a known verb, by verb
        self.names: dict[str, list[str]] = {}  # a name, its part after ":" and after ".": tests using it
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        self.calls: dict[str, list[str]] = {}
        self.computed: list[tuple[str, int]] = []  # where a test passes reverse/url_for a computed name
        for test in sorted(test_code(model)):
            refs = model.facts[test].get("test_refs") or {}
            self.computed += [(test, line) for line in refs.get("computed_names", ())]
            for key, line in refs.get("config_names", ()):  # url_for(app.config["LOGIN_VIEW"])
                name = self._configured(key)
                if isinstance(name, str) and name:  # the configured default names the route
                    refs = {**refs, "route_names": [*refs.get("route_names", ()), name]}
                else:
                    self.computed.append((test, line))
            for url in refs.get("urls", ()):
                norm = normalise_url(url)
                if norm is not None:
                    self.urls.add(norm, test)
            for request in refs.get("requests", ()):
                verb, _, url = request.partition(" ")
                norm = normalise_url(url)
                if norm is not None:
                    self.verb_urls.setdefault(verb, _UrlIndex()).add(norm, test)
            for name in refs.get("route_names", ()):
                tails = {name, name.rsplit(":", 1)[-1], name.rsplit(".", 1)[-1]}
                if "{}" in name and re.search(r"[A-Za-z0-9]", name.replace("{}", "")):  # not `f"{x}"` alone
                    self.patterns.append((_glob(name.rsplit(":", 1)[-1]), test))
                for tail in tails:  # `f"{ns}:get_item"` still names the handler get_item
                    if "{}" not in tail:
                        self.names.setdefault(tail, []).append(test)
            for name in refs.get("calls", ()):
                self.calls.setdefault(name, []).append(test)
        self._class_urls(model)
        self._browser_requests(model)
        self._imports: dict[str, set[str]] = {}
        self._done: dict[tuple[str, str, str, bool, tuple[str, ...]], Reach | None] = {}

    def _class_urls(self, model: ProjectModel) -> None:
        """`f"{self.URL}/{pk}/pull"` written in a test base class: the URL each test class that inherits the
        method requests, with the `URL` that class (or a class between) sets."""
        written = [(test, row) for test in sorted(test_code(model))
                   for row in (model.facts[test].get("test_refs") or {}).get("class_urls", ())]
        if not written:
            return
        sm = model.semantic
        below = _test_subclasses(model)
        for test, (cls, attr, rest, verb) in written:
            module = sm.module_of(test)
            qual = f"{module}.{cls}"
            for sub in [qual, *below.get(qual, ())]:
                found = sm.class_attr(sub, attr)
                value = sm.evaluate(sm.class_(found[0]).module, found[1]) if found else None
                norm = normalise_url(value + rest) if isinstance(value, str) and value else None
                if norm is None:
                    continue
                target = self.verb_urls.setdefault(verb, _UrlIndex()) if verb else self.urls
                target.add(norm, test)

    def _browser_requests(self, model: ProjectModel) -> None:
        """What a browser end-to-end suite running the project's app requests (`cy.visit("/login")`,
        `cy.intercept("POST", "/login")`), each with its spec as the test."""
        from ..checks.e2e_suite import e2e_requests

        for spec, verb, url in e2e_requests(model):
            norm = normalise_url(url)
            if norm is not None and verb:
                self.verb_urls.setdefault(verb, _UrlIndex()).add(norm, spec)
            elif norm is not None:
                self.urls.add(norm, spec)

    def _configured(self, key: str) -> object:
        """The default a config key has in the class the app loads with `config.from_object(...)`."""
        from .frameworks.inventory import build

        values = getattr(build(self.model).evidence, "values", None)
        return values.flask_config(key) if values is not None else None

    @classmethod
    def for_model(cls, model: ProjectModel) -> "TestReach":
        return model.memo("test_reach", lambda: cls(model))

    def _imported_by(self, test: str) -> set[str]:
        if test not in self._imports:
            self._imports[test] = {p for name in self.model.facts[test].get("imports", ())
                                   for p in self.model.resolve_import(test, name)}
        return self._imports[test]

    def reached(self, file: str, route: str, handler: str, drf: bool = False,
                names: Iterable[str] = (), methods: Iterable[str] = ()) -> Reach | None:
        """The first evidence (in a fixed order) that a test requests this endpoint, or None. `names` are the
        route names its registration gives it (a DRF router's `basename`), when the inventory knows them;
        `methods` the verbs it serves (a URL a test requests with another verb does not reach it)."""
        key = (file, route, handler, drf, tuple(names), tuple(methods))
        if key not in self._done:
            self._done[key] = self._reached(file, route, handler, drf, key[-2], key[-1])
        return self._done[key]

    def _reached(self, file: str, route: str, handler: str, drf: bool, given: tuple[str, ...],
                 methods: tuple[str, ...]) -> Reach | None:
        if route:
            tests = self.urls.tests_for(route)
            known = methods and not {"ANY", "*"} & set(methods)
            for verb in methods if known else self.verb_urls:  # a route of unknown verbs: any verb reaches it
                if verb in self.verb_urls:
                    tests = tests | self.verb_urls[verb].tests_for(route)
            if tests:
                return Reach(min(tests), URL)
        tail = handler.rsplit(".", 1)[-1]
        if tail and tail in self.names:
            return Reach(min(self.names[tail]), NAME)
        derived = drf_route_names(route, handler) if drf else []
        router_named = any(n.endswith(("-list", "-detail")) for n in given)
        # a router's basename replaces the names DRF would derive; a urlconf's `name=` on a DRF view
        # (`path("dashboard/", DashboardView.as_view(), name="dashboard")`) adds to them
        names = list(given) if router_named else list(dict.fromkeys([*given, *derived]))
        for name in names:
            if name in self.names:
                return Reach(min(self.names[name]), NAME)
        for name in names:
            hits = [test for pattern, test in self.patterns if pattern.fullmatch(name)]
            if hits:
                return Reach(min(hits), NAME_PATTERN)
        for test in self.calls.get(tail, ()) if tail else ():
            if file in self._imported_by(test):
                return Reach(test, CALL)
        return None

    def tested_models(self) -> set[str]:
        """Models that test classes declare (`model = VLAN`): what generic test base classes build their
        run-time route names from."""
        def build() -> set[str]:
            return {str(attrs["model"]).rsplit(".", 1)[-1] for test in test_code(self.model)
                    for cls in (self.model.facts[test].get("classes") or {}).values()
                    if isinstance(attrs := cls.get("attrs") or {}, dict) and isinstance(attrs.get("model"), str)
                    and attrs["model"][:1].isupper()}
        return self.model.memo("tested_models", build)

    def names_model(self, model: str) -> bool:
        """A literal route name in a test starts with the model's name (`objectchange_list`, `vlan-detail`):
        Django's `<model>_<action>` convention, which the route inventory does not know."""
        low = model.lower()
        return any(name.lower().startswith(low) for name in self.names)

    def view_model(self, file: str, handler: str) -> str | None:
        """The model a class view serves: its `model = X`, or the first model its registration decorator
        names (`@register_model_view(VLAN, "edit")`)."""
        cls = (self.model.facts.get(file, {}).get("classes") or {}).get(handler.split(".", 1)[0]) or {}
        model = (cls.get("attrs") or {}).get("model")
        if isinstance(model, str) and model[:1].isupper() and model != "<expr>":
            return model.rsplit(".", 1)[-1]
        for args in cls.get("decorator_args") or ():
            if args and isinstance(args[0], str) and args[0][:1].isupper() and args[0].isidentifier():
                return args[0]
        return None

    def computed_name(self) -> tuple[str, int] | None:
        """The first place a test requests a route by a name computed at run time that no literal part ties
        to a route (`reverse(url_format.format(action))`): what it requests is not traced."""
        return self.computed[0] if self.computed else None

    def graphql_modules(self) -> set[str]:
        """Source modules of a GraphQL schema (they import graphene, strawberry, ariadne or graphql) that
        define a resolver or field a test's GraphQL document asks for (`field` or `resolve_field`)."""
        def build() -> set[str]:
            asked = {name for test in test_code(self.model)
                     for name in (self.model.facts[test].get("test_refs") or {}).get("graphql", ())}
            if not asked:
                return set()
            out = set()
            for path in self.model.source_files:
                facts = self.model.facts[path]
                if not any(str(i).lstrip(".").split(".")[0] in _GRAPHQL_LIBS for i in facts.get("imports", ())):
                    continue
                names = {str(q).rsplit(".", 1)[-1] for q in (facts.get("functions") or {})}
                if any(n in asked or (n.startswith("resolve_") and n[8:] in asked) for n in names):
                    out.add(path)
            return out
        return self.model.memo("graphql_modules", build)

    def modules_reached(self) -> set[str]:
        """Files that define at least one endpoint a test requests: tested through HTTP, not by import."""
        def build() -> set[str]:
            from .frameworks.inventory import build as inventory

            return {e.file for e in inventory(self.model).endpoints
                    if self.reached(e.file, e.path, e.handler, e.drf, e.names, e.methods) is not None}
        return self.model.memo("endpoint_modules", build)


def _test_subclasses(model: ProjectModel) -> dict[str, list[str]]:
    """Test-code class -> the test-code classes below it (its subclasses, along the MRO)."""
    sm = model.semantic
    out: dict[str, list[str]] = {}
    for test in sorted(test_code(model)):
        module = sm.module_of(test)
        for cls in sorted((model.facts[test].get("semantic") or {}).get("classes") or ()) if module else ():
            qual = f"{module}.{cls}"
            for base in sm.mro(qual)[1:]:
                out.setdefault(base, []).append(qual)
    return out


def drf_route_names(route: str, handler: str) -> list[str]:
    """The names DRF's router gives a viewset route (`<basename>-list`, `-detail`, `-<url_name>`), with the
    basename its queryset usually yields (the viewset's name without `ViewSet`, lower-cased)."""
    cls, _, action = handler.partition(".")
    base = _VIEW_SUFFIX.sub("", cls).lower()
    if not base:
        return []
    if action:
        return [f"{base}-{action.replace('_', '-')}"]
    return [f"{base}-{'detail' if _PARAM.fullmatch(segments(route)[-1] or '') else 'list'}"]

