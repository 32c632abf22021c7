"""The project half of the semantic model: every file's summary joined into modules, resolved names,
classes with their MRO, folded constants and a call graph (docs/semantic-model.md).

Built once per scan (`ProjectModel.semantic`) from plain facts; memoised lookups keep it linear in the
number of definitions and references. Nothing here reads scanned code.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Iterable

from ...records import dataclass
from .summary import module_name
from .values import MAX_TEXT, UNKNOWN, subscript

MAX_HOPS = 12  # re-export chains and ref-to-ref constants: a cycle or a hostile chain stops here


@dataclass(frozen=True)
class Symbol:
    """What a name stands for. kind: module | class | function | constant | external.

    `qualname` is the dotted name inside the project (`app.views.ReportView.get`), or for an external
    symbol the import-resolved dotted name (`django.contrib.auth.mixins.LoginRequiredMixin`).
    `value` is the encoded value of a constant (values.py) and `module` the module it is evaluated in.
    """

    kind: str
    qualname: str
    path: str | None = None
    module: str | None = None
    value: Any = field(default=None, compare=False, hash=False)


@dataclass
class ClassInfo:
    """A class of the project as the semantic model resolves it."""
    qualname: str
    module: str
    path: str
    line: int
    bases: list[str]
    keywords: dict[str, str]
    decorators: list[str]
    attrs: dict[str, Any]
    methods: list[str]


@dataclass
class FunctionInfo:
    """A function of the project as the semantic model resolves it."""
    qualname: str
    module: str
    path: str
    line: int
    end_line: int
    params: list[str]
    kwonly: list[str]
    vararg: str | None
    kwarg: str | None
    decorators: list[str]
    is_method: bool
    is_async: bool
    calls: list[list[Any]]
    imports: dict[str, str]

    @property
    def class_qualname(self) -> str | None:
        return self.qualname.rsplit(".", 1)[0] if self.is_method else None


def module_part(module: str, path: str, summary: dict[str, Any]) -> tuple[dict[str, ClassInfo],
                                                                          dict[str, FunctionInfo]]:
    """One module's classes and functions, by qualified name: a function of its own summary alone."""
    classes = {_join(module, qual): ClassInfo(
        _join(module, qual), module, path, c.get("line", 0), list(c.get("bases", [])),
        dict(c.get("keywords", {})), list(c.get("decorators", [])), dict(c.get("attrs", {})),
        list(c.get("methods", []))) for qual, c in summary.get("classes", {}).items()}
    functions = {_join(module, qual): FunctionInfo(
        _join(module, qual), module, path, f.get("line", 0), f.get("end_line", 0),
        list(f.get("params", [])), list(f.get("kwonly", [])), f.get("vararg"), f.get("kwarg"),
        list(f.get("decorators", [])), bool(f.get("is_method")), bool(f.get("is_async")),
        list(f.get("calls", [])), dict(f.get("imports", {}))) for qual, f in summary.get("functions", {}).items()}
    return classes, functions


def module_parts(facts: dict[str, dict[str, Any]]) -> dict[str, tuple[dict[str, Any], dict, dict]]:
    """path -> (its summary, `module_part`): made ahead (while a worker analyses the changed files) for
    files whose facts are known; `SemanticModel` takes a part only for that very summary object."""
    out = {}
    for path, f in facts.items():
        summary = f.get("semantic")
        if summary:
            out[path] = (summary, *module_part(summary.get("module", ""), path, summary))
    return out


class SemanticModel:
    def __init__(self, facts: dict[str, dict[str, Any]], unknown_paths: Iterable[str] = (),
                 ahead: dict[str, tuple[dict[str, Any], dict, dict]] | None = None) -> None:
        """`ahead`: per-module parts made before (module_parts)."""
        self._summaries: dict[str, dict[str, Any]] = {}
        self._paths: dict[str, str] = {}
        for path in sorted(facts):
            summary = facts[path].get("semantic")
            if not summary:
                continue
            module = summary.get("module", "")
            # two files claiming one module (app.py beside app/__init__.py): the first path wins, stably
            if module in self._summaries:
                continue
            self._summaries[module] = summary
            self._paths[module] = path
        self.unknown_modules: set[str] = {module_name(p)[0] for p in unknown_paths if p.endswith((".py", ".pyi"))}
        self._by_tail: dict[str, list[str]] = {}
        for module in sorted(self._summaries) + sorted(self.unknown_modules):
            parts = module.split(".")
            for i in range(len(parts)):
                self._by_tail.setdefault(".".join(parts[i:]), []).append(module)
        self.classes: dict[str, ClassInfo] = {}
        self.functions: dict[str, FunctionInfo] = {}
        ahead = ahead or {}
        for module, summary in self._summaries.items():
            path = self._paths[module]
            part = ahead.get(path)
            # update() inserts in the part's order, as one insertion per definition would
            classes, functions = part[1:] if part is not None and part[0] is summary else \
                module_part(module, path, summary)
            self.classes.update(classes)
            self.functions.update(functions)
        self._mro: dict[str, list[str]] = {}
        self._module_memo: dict[tuple[str, str], str | None] = {}
        self._callees: dict[str, set[str]] | None = None
        self._callers: dict[str, set[str]] | None = None
        self._callee_memo: dict[str, set[str]] = {}

    # --- modules --------------------------------------------------------------------------------------

    def module_of(self, path: str) -> str | None:
        module = module_name(path)[0]
        return module if self._paths.get(module) == path else None

    def path_of(self, module: str) -> str | None:
        return self._paths.get(module)

    def modules(self) -> list[str]:
        return sorted(self._summaries)

    def find_module(self, dotted: str, importer: str = "") -> str | None:
        """The project module an absolute import names. Source roots (src/, backend/) are not known, so a
        module whose dotted name *ends* with the import matches; the one nearest the importer wins."""
        key = (dotted, importer)
        if key in self._module_memo:
            return self._module_memo[key]
        hits = self._by_tail.get(dotted, [])
        found = None
        if dotted in hits:
            found = dotted
        elif hits:
            def nearness(module: str) -> tuple[int, int, str]:
                root = module[: len(module) - len(dotted)].rstrip(".")
                shared = 0 if not root or not importer.startswith(root + ".") else len(root)
                return (-shared, len(module), module)
            found = min(hits, key=nearness)
        self._module_memo[key] = found
        return found

    # --- names ----------------------------------------------------------------------------------------

    def resolve(self, module: str, ref: str, _hops: int = 0, _scope: dict[str, str] | None = None) -> Symbol | None:
        """What `ref` (a dotted name as written in `module`) stands for, following imports, re-exports,
        star imports and aliases across modules. None when it cannot be told."""
        if not ref or _hops > MAX_HOPS:
            return None
        head, _, rest = ref.partition(".")
        summary = self._summaries.get(module)
        if summary is None:
            if module in self.unknown_modules:
                return Symbol("external", f"?{module}.{ref}")
            return None
        scope = _scope or {}
        if head in scope:  # an import inside the function being asked about
            return self._resolve_absolute(scope[head], rest, module, _hops + 1)
        local = self._local(module, summary, head)
        if local is not None:
            return self._descend(local, rest, _hops)
        imports = summary.get("imports", {})
        if head in imports:
            return self._resolve_absolute(imports[head], rest, module, _hops + 1)
        for star in summary.get("stars", []):
            target = self.find_module(star, module)
            if target and target != module:
                found = self.resolve(target, ref, _hops + 1)
                if found is not None:
                    return found
        if summary.get("package"):
            sub = self.find_module(f"{module}.{head}", module)
            if sub:
                return self._descend(Symbol("module", sub, self._paths.get(sub), sub), rest, _hops)
        return None

    def _local(self, module: str, summary: dict[str, Any], name: str) -> Symbol | None:
        path = self._paths.get(module)
        qual = _join(module, name)
        if name in summary.get("classes", {}):
            return Symbol("class", qual, path, module)
        if name in summary.get("functions", {}):
            return Symbol("function", qual, path, module)
        if name in summary.get("constants", {}):
            return Symbol("constant", qual, path, module, summary["constants"][name])
        return None

    def _resolve_absolute(self, dotted: str, rest: str, importer: str, hops: int) -> Symbol | None:
        full = f"{dotted}.{rest}" if rest else dotted
        parts = full.split(".")
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            target = self.find_module(candidate, importer)
            if target is None:
                continue
            remainder = ".".join(parts[i:])
            if target in self.unknown_modules and target not in self._summaries:
                return Symbol("external", f"?{target}" + (f".{remainder}" if remainder else ""))
            if not remainder:
                return Symbol("module", target, self._paths.get(target), target)
            if target == importer and remainder.split(".")[0] == parts[-1]:
                continue  # `import x` inside x itself
            found = self.resolve(target, remainder, hops)
            if found is not None:
                return found
            return None
        return Symbol("external", full)

    def _descend(self, symbol: Symbol, rest: str, hops: int) -> Symbol | None:
        """`Class.attr`, `module.name`, `instance.attr` after the head is known."""
        if not rest:
            return symbol
        head, _, tail = rest.partition(".")
        if symbol.kind == "module":
            return self.resolve(symbol.qualname, rest, hops + 1)
        if symbol.kind == "class":
            if _join(symbol.qualname, head) in self.functions:
                return self._descend(Symbol("function", _join(symbol.qualname, head), symbol.path, symbol.module),
                                     tail, hops + 1)
            found = self.class_attr(symbol.qualname, head)
            if found is not None:
                owner, value = found
                info = self.classes.get(owner)
                const = Symbol("constant", _join(owner, head), info.path if info else None,
                               info.module if info else None, value)
                return self._descend(const, tail, hops + 1)
            for base in self.mro(symbol.qualname)[1:]:
                if base not in self.classes:  # attribute of an external base class
                    return Symbol("external", _join(base, rest))
            return None
        if symbol.kind == "constant":
            value = symbol.value or {}
            if "ref" in value and symbol.module:
                target = self.resolve(symbol.module, value["ref"], hops + 1)
                return self._descend(target, rest, hops + 1) if target else None
            if "call" in value and symbol.module:
                cls = self.resolve(symbol.module, value["call"], hops + 1)
                if cls is not None and cls.kind == "class":  # an instance: its class attributes
                    return self._descend(cls, rest, hops + 1)
                if cls is not None and cls.kind == "external":
                    return Symbol("external", f"{cls.qualname}().{rest}")
            return None
        if symbol.kind == "external":
            return Symbol("external", f"{symbol.qualname}.{rest}")
        return None

    # --- constants ------------------------------------------------------------------------------------

    def constant(self, module: str, ref: str) -> Any:
        """The folded value of a name as written in `module` (`settings.API_V1_STR` -> "/api/v1"), or UNKNOWN."""
        symbol = self.resolve(module, ref)
        if symbol is None or symbol.kind != "constant" or symbol.module is None:
            return UNKNOWN
        return self.evaluate(symbol.module, symbol.value)

    def evaluate(self, module: str, value: Any, _hops: int = 0) -> Any:
        """An encoded value (values.py) evaluated in `module`: refs followed, concatenations joined."""
        if not isinstance(value, dict) or _hops > MAX_HOPS:
            return UNKNOWN
        if "v" in value:
            return value["v"]
        if "ref" in value:
            symbol = self.resolve(module, value["ref"], _hops + 1)
            if symbol is None or symbol.kind != "constant" or symbol.module is None:
                return UNKNOWN
            return self.evaluate(symbol.module, symbol.value, _hops + 1)
        if "item" in value:
            container = self.evaluate(module, value["item"][0], _hops + 1)
            return UNKNOWN if container is UNKNOWN else subscript(container, value["item"][1])
        if "cat" in value:
            out = ""
            for part in value["cat"]:
                piece = self.evaluate(module, part, _hops + 1)
                if piece is UNKNOWN or not isinstance(piece, (str, int, float)) or isinstance(piece, bool):
                    return UNKNOWN
                out = _append(out, piece)
                if out is UNKNOWN:
                    return UNKNOWN
            return out
        return UNKNOWN

    # --- classes --------------------------------------------------------------------------------------

    def class_(self, qualname: str) -> ClassInfo | None:
        return self.classes.get(qualname)

    def base_names(self, qualname: str) -> list[str]:
        """The class's direct bases as qualnames: project classes by their qualname, external ones by their
        import-resolved name, bases from skipped modules as "?module.Name", unresolvable ones as written."""
        info = self.classes.get(qualname)
        if info is None:
            return []
        out = []
        for base in info.bases:
            symbol = self.resolve(info.module, base)
            out.append(symbol.qualname if symbol is not None else base)
        return out

    def mro(self, qualname: str) -> list[str]:
        """C3 linearisation as far as the source shows it (external classes are leaves)."""
        if qualname in self._mro:
            return self._mro[qualname]
        self._mro[qualname] = [qualname]  # a cycle in hostile code ends here
        if qualname not in self.classes:
            return self._mro[qualname]
        bases = [b for b in self.base_names(qualname) if b != qualname]
        sequences = [list(self.mro(b)) for b in bases] + [list(bases)]
        result = [qualname]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            for seq in sequences:
                head = seq[0]
                if not any(head in s[1:] for s in sequences):
                    break
            else:  # inconsistent hierarchy: fall back to depth-first, left to right, without repeats
                for seq in sequences:
                    result.extend(c for c in seq if c not in result)
                break
            result.append(head)
            for s in sequences:
                if s and s[0] == head:
                    s.pop(0)
        self._mro[qualname] = result
        return result

    def class_attr(self, qualname: str, name: str) -> tuple[str, Any] | None:
        """(owning class, encoded value) of a class attribute, looked up along the MRO."""
        for cls in self.mro(qualname):
            info = self.classes.get(cls)
            if info is not None and name in info.attrs:
                return cls, info.attrs[name]
        return None

    def subclasses_of(self, qualname: str) -> list[str]:
        return sorted(q for q in self.classes if q != qualname and qualname in self.mro(q))

    # --- functions and calls --------------------------------------------------------------------------

    def function(self, qualname: str) -> FunctionInfo | None:
        return self.functions.get(qualname)

    def call_target(self, caller: str, ref: str) -> str | None:
        """The project function a call written as `ref` inside `caller` runs: direct calls, imported
        functions, `module.func()`, `Class(...)` (its `__init__`), `self.m()`/`cls.m()` along the MRO."""
        info = self.functions.get(caller)
        module = info.module if info else caller if caller in self._summaries else None
        if module is None:
            return None
        head, _, rest = ref.partition(".")
        if info is not None and head in ("self", "cls") and rest and "." not in rest:
            owner = self._enclosing_class(info)
            if owner is None:
                return None
            for cls in self.mro(owner):
                if _join(cls, rest) in self.functions:
                    return _join(cls, rest)
            return None
        symbol = self.resolve(module, ref, _scope=self._scopes(info))
        if symbol is None and info is not None:
            symbol = self._nested(info, ref)
        for _ in range(3):  # `_check_access = logic.check_access`: a module-level alias of a function
            if symbol is None or symbol.kind != "constant" or not isinstance(symbol.value, dict) or \
                    "ref" not in symbol.value or not symbol.module:
                break
            symbol = self.resolve(symbol.module, symbol.value["ref"])
        if symbol is None:
            return None
        if symbol.kind == "function":
            return symbol.qualname
        if symbol.kind == "class":
            for cls in self.mro(symbol.qualname):
                if _join(cls, "__init__") in self.functions:
                    return _join(cls, "__init__")
        return None

    def _scopes(self, info: FunctionInfo | None) -> dict[str, str] | None:
        """Imports made inside the function and the functions enclosing it (innermost wins)."""
        if info is None:
            return None
        scope: dict[str, str] = {}
        parts = info.qualname.split(".")
        for i in range(len(parts), len(info.module.split(".")), -1):
            outer = self.functions.get(".".join(parts[:i]))
            if outer is not None:
                for name, target in outer.imports.items():
                    scope.setdefault(name, target)
        return scope or None

    def _nested(self, info: FunctionInfo, ref: str) -> Symbol | None:
        """A def nested in the caller or in a function enclosing it."""
        parts = info.qualname.split(".")
        for i in range(len(parts), len(info.module.split(".")), -1):
            candidate = ".".join(parts[:i]) + "." + ref
            if candidate in self.functions:
                return Symbol("function", candidate, info.path, info.module)
        return None

    def _enclosing_class(self, info: FunctionInfo) -> str | None:
        owner = info.qualname.rsplit(".", 1)[0]
        return owner if owner in self.classes else None

    def _graph(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._callees is None or self._callers is None:
            callees: dict[str, set[str]] = {q: set() for q in self.functions}
            callers: dict[str, set[str]] = {q: set() for q in self.functions}
            for qual in sorted(self.functions):
                for _line, ref in self.functions[qual].calls:
                    target = self.call_target(qual, ref)
                    if target is not None:
                        callees[qual].add(target)
                        callers.setdefault(target, set()).add(qual)
            self._callees, self._callers = callees, callers
        return self._callees, self._callers

    def callees(self, qualname: str) -> set[str]:
        # one function's callees need only its own calls: the whole graph (every call of the project
        # resolved, ~0.5 s on 250 kLOC) is built only when callers are asked for
        if self._callees is not None:
            return set(self._callees.get(qualname, ()))
        found = self._callee_memo.get(qualname)
        if found is None:
            info = self.functions.get(qualname)
            found = set() if info is None else {
                t for _line, ref in info.calls if (t := self.call_target(qualname, ref)) is not None}
            self._callee_memo[qualname] = found
        return set(found)

    def callers(self, qualname: str) -> set[str]:
        return set(self._graph()[1].get(qualname, ()))


def _append(text: str, piece: Any) -> Any:
    out = text + (piece if isinstance(piece, str) else str(piece))
    return out if len(out) <= MAX_TEXT else UNKNOWN


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
