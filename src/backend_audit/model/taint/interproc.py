"""The project half of the taint engine: link the per-function summaries and follow flows across them.

Calls are linked to definitions through the recorded callee references (module functions, imported
functions, `Class(...)` -> `__init__`, `self.m()` along the bases the source shows). Then, for every
sink a summary recorded, each flow's origin is resolved:

- `src:...` is request data: reported at the rule's level with its trace;
- `param:p` goes to the callers' arguments (context-insensitive over callers; none -> origin not traced);
- `call:n` goes to the callee's returned flows, its parameters mapped to this call's arguments
  (context-sensitive for the return value);
- `self:x` goes to every write of `self.x` in the class and its bases;
- `?` is origin not traced.

Resolution is memoised with a cycle guard (a recursive cycle contributes nothing new), so the whole
step is linear in the summaries' size times a small bound. Iteration is sorted: output is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from . import values as V
from ...records import dataclass

MAX_ROOTS = 6  # resolved flows kept per (function, origin): bounded work and report size
_PLAIN_BASES = frozenset({"object", "NamedTuple", "TypedDict", "Generic"})



@dataclass
class Fn:
    """A function's taint summary, by its dotted name."""
    key: str  # module.qualname
    path: str
    module: str
    summary: dict[str, Any]
    cls: str | None = None  # module.Class

    @property
    def params(self) -> list[str]:
        return self.summary.get("params", [])


@dataclass
class Flow:
    """A resolved flow: root is `src:...` or `?`; steps are (path, line, col, text), source first."""

    root: str
    sanitised: frozenset
    built: bool
    steps: tuple[tuple[str, int, int, str], ...]


@dataclass
class TaintFinding:
    """Tainted data reaching a sink, with the steps it took."""
    kind: str
    api: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    snippet: str
    symbol: str
    flow: Flow
    traced_only: bool = False
    store_key: str = ""  # the constant key a trust-store sink writes (`session["next"] = ...`)


@dataclass
class Engine:
    """The project's taint summaries, indexed for propagation between functions."""
    fns: dict[str, Fn] = field(default_factory=dict)
    classes: dict[str, list[str]] = field(default_factory=dict)
    class_attrs: dict[str, dict[str, str]] = field(default_factory=dict)  # class -> attr -> class of its instance
    by_suffix: dict[str, list[str]] = field(default_factory=dict)
    callers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    links: dict[tuple[str, int], str | None] = field(default_factory=dict)
    views: set[tuple[str, str]] = field(default_factory=set)  # (path, qualname) of inventory handlers
    validated: set[str] = field(default_factory=set)  # classes with field validators
    # class -> fields a validator that can reject (raise, assert) names: `@field_validator("locale")`
    validated_fields: dict[str, set[str]] = field(default_factory=dict)
    routes: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # inventory handler -> its URL paths
    semantic: Any = None  # () -> model.semantic.SemanticModel: resolves what our own references cannot
    roots_: set[str] = field(default_factory=set)  # top-level package names of the project
    _local: dict[tuple[str, str], list] = field(default_factory=dict)
    _global: dict[tuple[str, str], list] = field(default_factory=dict)
    _active: set = field(default_factory=set)
    _class_suffix: dict[str, list[str]] = field(default_factory=dict)
    _class_memo: dict[str, str | None] = field(default_factory=dict)
    _by_class: dict[str, list] = field(default_factory=dict)
    _guards: dict[str, frozenset] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: dict[str, dict[str, Any]], views: set[tuple[str, str]] = frozenset(),
              semantic: Any = None, routes: dict[tuple[str, str], list[str]] | None = None) -> "Engine":
        e = cls(views=set(views), semantic=semantic, routes=dict(routes or {}))
        for path in sorted(facts):
            t = facts[path].get("taint")
            if not t:
                continue
            module = t.get("module", "")
            for qual, bases in t.get("classes", {}).items():
                e.classes[f"{module}.{qual}" if module else qual] = bases
            for qual, made in t.get("class_attrs", {}).items():
                e.class_attrs[f"{module}.{qual}" if module else qual] = made
            for qual in t.get("validated", ()):
                e.validated.add(f"{module}.{qual}" if module else qual)
            for qual, names in t.get("validated_fields", {}).items():
                e.validated_fields.setdefault(f"{module}.{qual}" if module else qual, set()).update(names)
            for s in t.get("functions", []):
                key = f"{module}.{s['name']}" if module else s["name"]
                c = s.get("cls")
                e.fns[key] = Fn(key, path, module, s, f"{module}.{c}" if module and c else c)
        e.roots_ = {k.split(".")[0] for k in e.fns}
        for key in sorted(e.fns):
            parts = key.split(".")
            for i in range(1, len(parts) - 1):
                e.by_suffix.setdefault(".".join(parts[i:]), []).append(key)
        for key in sorted(e.fns):
            fn = e.fns[key]
            for i, call in enumerate(fn.summary.get("calls", ())):
                target = e.link(fn, call["callee"])
                e.links[(key, i)] = target
                if target:
                    e.callers.setdefault(target, []).append((key, i))
        return e

    def is_view(self, fn: Fn) -> bool:
        """A Django view the endpoint inventory found (the function, or the class of the method)."""
        name = fn.summary["name"]
        return bool(fn.summary.get("routed")) or (fn.path, name) in self.views or \
            (fn.path, name.rpartition(".")[0]) in self.views

    def captured(self, fn: Fn, name: str) -> bool:
        """Whether the view's URL can fill parameter `name`: a parameter no route of the view captures gets
        its value from a caller (another view passing a checked value), not from the URL. Unknown routes,
        `**kwargs` and routes the inventory could not read count as captured."""
        name = name.lstrip("*")
        qual = fn.summary["name"]
        paths = self.routes.get((fn.path, qual)) or self.routes.get((fn.path, qual.rpartition(".")[0]))
        if not paths or fn.summary.get("routed") or name in ("kwargs",):
            return True
        word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
        return any(not p or word.search(p) for p in paths)

    def converted(self, fn: Fn, name: str) -> bool:
        """Every route of the view captures `name` with a typed converter (`<int:user_pk>`, `<uuid:id>`,
        `{id:int}`): the value is a number or a uuid, it carries no markup, path or query. Unknown routes
        are not claimed."""
        qual = fn.summary["name"]
        paths = self.routes.get((fn.path, qual)) or self.routes.get((fn.path, qual.rpartition(".")[0]))
        if not paths or fn.summary.get("routed"):
            return False
        name = re.escape(name.lstrip("*"))
        typed = re.compile(rf"<(?:int|float|uuid):{name}>|\{{{name}:(?:int|float|uuid)\}}")
        return all(typed.search(p or "") for p in paths)

    def field_checked(self, cls: str, attr: str) -> bool:
        todo, seen = [cls], set()
        while todo and len(seen) < 20:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            if attr in self.validated_fields.get(c, ()):
                return True
            todo.extend(b for b in (self.lookup_class(x) for x in self.classes.get(c, ())) if b)
        return False

    def is_enum(self, ref: str, depth: int = 0) -> bool:
        if ref.rpartition(".")[2] in ("Enum", "StrEnum", "IntEnum", "Choices", "TextChoices", "IntegerChoices"):
            return True
        cls = self.lookup_class(ref)
        if not cls or depth > 8:
            return False
        return any(self.is_enum(b, depth + 1) for b in self.classes.get(cls, ()))

    # --- linking -----------------------------------------------------------------------------------
    def lookup(self, name: str, near: str = "") -> str | None:
        """A function by dotted name or unique suffix; several candidates (two apps with a `libuser`
        module each) go to the one in the caller's own package, when exactly one is there."""
        if name in self.fns:
            return name
        cands = self.by_suffix.get(name, ())
        if len(cands) == 1:
            return cands[0]
        if cands and near:
            def shared(key: str) -> int:
                n = 0
                for a, b in zip(key.split("."), near.split(".")):
                    if a != b:
                        break
                    n += 1
                return n
            best = max(shared(c) for c in cands)
            closest = [c for c in cands if shared(c) == best]
            if best and len(closest) == 1:
                return closest[0]
        return None

    def lookup_class(self, name: str) -> str | None:
        """A class of the project by its dotted name, or by a unique suffix of it (src layouts, imports
        written from another root)."""
        if name in self.classes:
            return name
        if name in self._class_memo:
            return self._class_memo[name]
        if not self._class_suffix:
            for c in sorted(self.classes):
                parts = c.split(".")
                for i in range(len(parts)):
                    self._class_suffix.setdefault(".".join(parts[i:]), []).append(c)
        found = None
        parts = name.split(".")
        for i in range(1, len(parts)):
            hits = self._class_suffix.get(".".join(parts[i:]), ())
            if len(hits) == 1:
                found = hits[0]
                break
        self._class_memo[name] = found
        return found

    def method(self, cls: str, name: str, seen: set | None = None) -> str | None:
        seen = seen or set()
        if cls in seen or len(seen) > 20:
            return None
        seen.add(cls)
        hit = self.fns.get(f"{cls}.{name}")
        if hit:
            return hit.key
        for base in self.classes.get(cls, ()):
            b = self.lookup_class(base)
            if b:
                found = self.method(b, name, seen)
                if found:
                    return found
        return None

    def link(self, fn: Fn, callee: str) -> str | None:
        if callee.startswith("self:"):
            return self.method(fn.cls, callee[5:]) if fn.cls else None
        if callee.startswith("selfattr:"):
            attr, _, name = callee[9:].partition(".")
            ref = self.attr_type(fn.cls, attr) if fn.cls else None
            cls = self.lookup_class(ref) if ref else None
            return self.method(cls, name) if cls else None
        hit = self.lookup(callee, fn.module)
        if hit:
            return hit
        cls = self.lookup_class(callee)
        if cls:
            return self.method(cls, "__init__")
        head, _, tail = callee.rpartition(".")
        cls = self.lookup_class(head) if head else None
        if cls:
            found = self.method(cls, tail)
            if found:
                return found
        found = self._through_class_attr(head, tail)
        if found:
            return found
        sm = self.semantic() if self.semantic is not None and callee.split(".")[0] in self.roots_ else None
        if sm is not None:
            # re-exports through package __init__s, aliases, bases from other modules
            try:
                target = sm.call_target(fn.key, callee)
            except Exception:  # a gap in the model must not cost the taint step  # noqa: BLE001
                target = None
            if target is None:
                target = _exported(sm, callee)
            if target in self.fns:
                return target
        return None

    def _through_class_attr(self, head: str, name: str) -> str | None:
        """`Image.objects.create_for_url`: the method of the instance a class (or a base) binds in its body
        (a Django model's custom manager)."""
        owner, _, attr = head.rpartition(".")
        cls = self.lookup_class(owner) if owner and attr else None
        seen: set[str] = set()
        while cls and cls not in seen and len(seen) < 20:
            seen.add(cls)
            ref = self.class_attrs.get(cls, {}).get(attr)
            if ref:
                made = self.lookup_class(ref)
                return self.method(made, name) if made else None
            cls = next((b for b in map(self.lookup_class, self.classes.get(cls, ())) if b), None)
        return None

    # --- resolution --------------------------------------------------------------------------------
    def local(self, fn: Fn, origin: str) -> list:
        """Flows of `origin` inside fn, resolved to roots: `src:`, `?`, or `param:p` of fn itself.
        Each: (root, sanitised, built, steps)."""
        return self._memo(self._local, ("local", fn.key, origin), lambda: self._local_compute(fn, origin))

    def _memo(self, table: dict, key: tuple, compute) -> list:
        """Memoised, with a cycle guard: a recursive cycle contributes nothing beyond what it already has."""
        done = table.get(key)
        if done is not None:
            return done
        if key in self._active:
            return []
        self._active.add(key)
        try:
            out = _bound(compute())
        finally:
            self._active.discard(key)
        table[key] = out
        return out

    def _local_compute(self, fn: Fn, origin: str) -> list:
        if origin.startswith("src:"):
            origin, _, attr = origin.partition(V.FIELD)  # `body.locale` of a typed body reached this flow
            ref = fn.summary.get("typed", {}).get(origin)
            if ref and self.is_enum(ref):
                return []  # the framework admits only the Enum's values
            cls = self.lookup_class(ref) if ref else None
            if cls and attr and self.field_checked(cls, attr):
                return []  # a validator of the model rejects what that field does not allow
            if cls and cls in self.validated:
                # a body model whose fields have validators: which field got here is not tracked
                return [(origin, frozenset({"validated"}), False, ())]
            return [(origin, frozenset(), False, ())]
        if origin == V.UNKNOWN or origin.startswith(("param:", "store:")):
            return [(origin, frozenset(), False, ())]
        if origin.startswith("view:"):
            name = origin[5:]
            if self.is_view(fn) and self.converted(fn, name):
                return []  # `<int:user_pk>` on every route: the router lets only digits (a uuid) through
            if self.is_view(fn) and self.captured(fn, name):
                return [(f"src:{fn.key}:{name}:URL parameter {name} of view {fn.summary['name']}", frozenset(),
                         False, ())]
            return [(f"param:{name}", frozenset(), False, ())]
        if origin.startswith("self:"):
            return self.attr_flows(fn, origin[5:])
        if origin.startswith("call:"):
            head, _, attr = origin[5:].partition(".")
            n_text, _, item = head.partition("#")
            n = int(n_text)
            calls = fn.summary.get("calls", ())
            if n >= len(calls):
                return [(V.UNKNOWN, frozenset(), False, ())]
            call = calls[n]
            target = self.links.get((fn.key, n))
            if not target:
                return self.unlinked(fn, call, attr)
            callee = self.fns[target]
            out = []
            rows = callee.summary.get("ret_items", {}).get(item) if item else None
            for row in rows if rows is not None else callee.summary.get("ret", ()):
                o, san, built, trace = row
                if attr:
                    o = V.with_attr(o, attr)  # the caller reads one attribute of what the callee returns
                steps = tuple((callee.path, *s) for s in trace)
                for root, san2, built2, steps2 in self.local(callee, o):
                    if root.startswith("param:"):
                        # the callee returns what this call passed for that parameter
                        arg = _arg_for(callee, root[6:], call)
                        for arow in arg:
                            ao, asan, abuilt, atrace = arow
                            asteps = tuple((fn.path, *s) for s in atrace)
                            for r3, san3, b3, steps3 in self.local(fn, ao):
                                out.append((r3, frozenset(san) | san2 | frozenset(asan) | san3,
                                            bool(built or built2 or abuilt or b3),
                                            steps3 + asteps + ((fn.path, call["line"], call["col"],
                                                                f"passed to {call['text']}"),) + steps2 + steps))
                    else:
                        out.append((root, frozenset(san) | san2, bool(built or built2), steps2 + steps))
            return out
        return [(V.UNKNOWN, frozenset(), False, ())]

    def unlinked(self, fn: Fn, call: dict[str, Any], attr: str = "") -> list:
        """What a call that reaches no function of the project returns (`attr`: the caller reads that
        attribute of it).

        A plain class of the project without an `__init__` (a dataclass, a NamedTuple) holds what it was
        built from: its arguments, or for `attr` the keyword argument of that name. A library call given
        only constants returns a constant (as the per-file pass treats library calls it sees as such).
        Anything else, classes built on a library's base (forms, models) included, is not traced."""
        callee = call["callee"]
        args = call.get("args") or {}
        here = (fn.path, call["line"], call["col"], "returned by " + call["text"])
        own = not callee.startswith(("self:", "selfattr:"))
        cls = self.lookup_class(callee) if own else None
        plain = cls is not None and self.plain_class(cls)
        if plain or (own and not args and cls is None and callee.split(".")[0] not in self.roots_):
            out = []
            if plain and attr and attr in call.get("kw", ()):
                picked = [args.get(attr, [])]  # the field that keyword set, a constant when not recorded
            else:
                picked = list(args.values())
            for rows in picked:
                for o, san, built, trace in rows:
                    steps = tuple((fn.path, *t) for t in trace)
                    for root, san2, built2, steps2 in self.local(fn, o):
                        out.append((root, frozenset(san) | san2, bool(built or built2), steps2 + steps + (here,)))
            return out
        return [(V.UNKNOWN, frozenset(), False, (here,))]

    def plain_class(self, cls: str) -> bool:
        """No base outside the project but `object`, NamedTuple or TypedDict: nothing checks or converts
        what the instance is built from, and nothing else fills it."""
        todo, seen = [cls], set()
        while todo:
            c = todo.pop()
            if c in seen or len(seen) > 20:
                continue
            seen.add(c)
            for b in self.classes.get(c, ()):
                found = self.lookup_class(b)
                if found:
                    todo.append(found)
                elif b.rpartition(".")[2] not in _PLAIN_BASES:
                    return False
        return True

    def attr_flows(self, fn: Fn, attr: str) -> list:
        if not fn.cls:
            return [(V.UNKNOWN, frozenset(), False, ())]
        out = []
        writers = [f for f in self.class_methods(fn.cls) if attr in f.summary.get("attrs", {})]
        if not writers:
            return [(V.UNKNOWN, frozenset(), False, ())]
        for w in writers:
            out.extend(self.roots(w, w.summary["attrs"][attr]))
        return out

    def roots(self, fn: Fn, rows: list) -> list:
        """Recorded flows of fn resolved all the way to request data or `?`, through callers too."""
        out = []
        for o, san, built, trace in rows:
            steps = tuple((fn.path, *s) for s in trace)
            for root, san2, built2, steps2 in self.local(fn, o):
                if root.startswith("param:"):
                    for g in self.global_(fn, root[6:]):
                        out.append((g[0], frozenset(san) | san2 | g[1], bool(built or built2 or g[2]),
                                    g[3] + steps2 + steps))
                else:
                    out.append((root, frozenset(san) | san2, bool(built or built2), steps2 + steps))
        return out

    def attr_type(self, cls: str, attr: str) -> str | None:
        """The class of `self.<attr>` as some method of the class (or a base) assigned it."""
        for f in self.class_methods(cls):
            ref = f.summary.get("attr_types", {}).get(attr)
            if ref:
                return ref
        return None

    def class_methods(self, cls: str) -> list[Fn]:
        names = {cls}
        todo = [cls]
        while todo and len(names) < 20:
            c = todo.pop()
            for b in self.classes.get(c, ()):
                r = self.lookup_class(b)
                if r and r not in names:
                    names.add(r)
                    todo.append(r)
        if not self._by_class:
            for k in sorted(self.fns):
                f = self.fns[k]
                if f.cls:
                    self._by_class.setdefault(f.cls, []).append(f)
        return [f for c in sorted(names) for f in self._by_class.get(c, ())]

    def global_(self, fn: Fn, param: str) -> list:
        """Where parameter `param` of fn comes from, over every linked caller: roots `src:` or `?`."""
        return self._memo(self._global, ("global", fn.key, param), lambda: self._global_compute(fn, param))

    def _global_compute(self, fn: Fn, param: str) -> list:
        callers = self.callers.get(fn.key, ())
        if not callers:
            return [(V.UNKNOWN, frozenset(), False, ())]
        out = []  # stays empty when every caller passes constants
        for caller_key, i in callers:
            caller = self.fns[caller_key]
            call = caller.summary["calls"][i]
            here = (caller.path, call["line"], call["col"], f"passed to {call['text']}")
            for root, san, built, steps in self.roots(caller, _arg_for(fn, param, call)):
                out.append((root, san, built, steps + (here,)))
        return out

    def findings(self) -> list[TaintFinding]:
        out: list[TaintFinding] = []
        for key in sorted(self.fns):
            fn = self.fns[key]
            symbol = fn.summary["name"] if fn.summary["name"] != "<module>" else ""
            for sink in fn.summary.get("sinks", ()):
                for root, san, built, steps in self.roots(fn, sink["flows"]):
                    flow = Flow(root, self.settle(san, sink["kind"]), built, steps)
                    out.append(TaintFinding(sink["kind"], sink["api"], fn.path, sink["line"], sink["col"],
                                            sink["end_line"], sink["end_col"], sink.get("snippet", ""), symbol, flow,
                                            bool(sink.get("traced_only")), sink.get("store_key", "")))
        return out

    def settle(self, san: frozenset, kind: str) -> frozenset:
        """Replace each guard mark (values.GUARD) by what the guard proves: what the project function it called
        proves of that argument whenever it returns true (`path` for a containment test, every kind for an
        anchored full match); for a path sink, `guard-untraced` when the callee is project code the summaries do
        not hold (the check could not be read); nothing otherwise."""
        marks = [k for k in san if k.startswith(V.GUARD)]
        if not marks:
            return san
        out = set(san).difference(marks)
        for mark in marks:
            got = self._guards.get(mark)
            if got is None:
                got = self._guards[mark] = self._guard(mark)
            out |= got if kind == "path" else got - {"guard-untraced"}
        return frozenset(out)

    def _guard(self, mark: str) -> frozenset:
        ref, _, rest = mark[len(V.GUARD):].rpartition("#")
        place, _, caller_key = rest.partition("@")
        raises = place.startswith(V.RAISES)
        place = place.removeprefix(V.RAISES)
        caller = self.fns.get(caller_key)
        target = self.link(caller, ref) if caller is not None else self.lookup(ref)
        if target is None:
            # a call made for its effect is no check the scan failed to read: only a guard's test is
            own = not raises and (ref.startswith(("self:", "selfattr:")) or ref.split(".")[0] in self.roots_)
            return frozenset({"guard-untraced"}) if own else frozenset()
        callee = self.fns[target]
        params = callee.params
        name = params[int(place)] if place.isdigit() and int(place) < len(params) else place
        return frozenset(callee.summary.get("refuses" if raises else "proves", {}).get(name, ()))


def _arg_for(fn: Fn, param: str, call: dict[str, Any]) -> list:
    """The flows a call passes for `param` of fn; `p.attr` (the callee read that attribute) takes the
    argument's own attribute when the caller set it, the object without its set attributes otherwise."""
    args = call.get("args") or {}
    name, _, attr = param.partition(".")
    keys = [name]
    if name in fn.params:
        i = fn.params.index(name)
        if i < fn.summary.get("npos", len(fn.params)):  # keyword-only: a positional argument never lands there
            keys.append(str(i))
    for key in keys:
        if attr and f"{key}.{attr}" in args:
            return args[f"{key}.{attr}"]
        if attr and f"{key}." in args:
            return args[f"{key}."]
        if key in args:
            return _field_of(args[key], attr) if attr else args[key]
    return []


def _field_of(rows: list, attr: str) -> list:
    """Rows of a whole argument seen through one attribute (see values.with_attr)."""
    return [[V.with_attr(o, attr), san, built, trace] for o, san, built, trace in rows]


def _bound(rows: list) -> list:
    """Keep, per (root, sanitised, built), the shortest trace; at most MAX_ROOTS rows, request data first."""
    best: dict[tuple, tuple] = {}
    for root, san, built, steps in rows:
        k = (root, san, built)
        old = best.get(k)
        if old is None or (len(steps), steps) < (len(old), old):
            best[k] = steps
    ordered = sorted(best.items(), key=lambda kv: (not kv[0][0].startswith("src:"), kv[0][0], sorted(kv[0][1]),
                                                   kv[0][2], len(kv[1]), kv[1]))
    return [(k[0], k[1], k[2], s) for k, s in ordered[:MAX_ROOTS]]


def _exported(sm, callee: str) -> str | None:
    """The function an import-resolved name (`pkg.utils.get_image`) stands for when the module it names
    only re-exports it (`pkg/utils/__init__.py`: `from .image import get_image`): the summaries record the
    name as imported, the caller's own spelling is gone."""
    module, _, name = callee.rpartition(".")
    path = sm.path_of(module) if module else None
    # only a package's own name (`pkg/utils/__init__.py` re-exporting a function): a method reached through
    # a module-level instance (`utils.Cache.put`) is not this
    if path is None or not path.endswith("__init__.py"):
        return None
    try:
        symbol = sm.resolve(module, name)
    except Exception:  # a gap in the model must not cost the taint step  # noqa: BLE001
        return None
    return symbol.qualname if symbol is not None and symbol.kind == "function" else None
