"""Taint models as data: sources, sinks, sanitizers and propagators, one YAML file per framework or library.

The shipped files live in `models/`; users add their own through `taint-models = ["path.yaml"]` in
`[tool.backend-audit]` (same format, validated the same way, any error is one line and exit 2). The
loader compiles every file into one `Models` of plain lookup tables the per-function interpreter reads.

A file:

    name: flask
    sources:            # request data
      - object: flask.request          # an imported name, `request-param` (a view's request parameter), or
                                       # `any` (attributes that are request data on whatever object holds them;
                                       # with `field-of: form`, only on `<name>.<field>` whose name ends so)
        attrs: [args, form, ...]        # attributes that are request data
        methods: [get_json, ...]        # methods whose result is request data
        safe-for: {path: [redirect]}    # ... that cannot harm these sink kinds
    endpoint-params:    # route handlers whose parameters are request data
      decorators: [route, get, post]
    sinks:
      - call: flask.render_template_string   # an import-resolved dotted name ...
        kind: html
        args: [0, source]                    # positions and keyword names that are the sink
      - method: execute                      # ... or a method name on any receiver
        kind: sql
        args: [0, sql]
        sqlish: true                         # only when the text looks like SQL
        requires-import: pg8000              # only in files importing this module
        when-keyword: shell                  # only when this keyword is truthy
        receivers: [session, client]         # method sinks: receiver names ending so
        unless-receivers: [executor]         # method sinks: not on receivers named so
        traced-only: true                    # request data only, never "origin not traced"
        made-by: [jinja2.Template]           # method sinks: the receiver was made by this call ...
        unless-setting: autoescape           # ... without this keyword turned on
    sanitizers:
      - call: shlex.quote
        kinds: [shell]                       # or [all]
    propagators:
      - call: os.path.join                   # the result carries the arguments' taint
      - method: get
        from: [self, 1, default]             # only these: the receiver, 2nd positional, keyword
    stores:
      - object: flask.session                # subscript assignment into it is a trust-store sink
    hook-params:        # methods a framework calls with the request's parsed data
      - class-suffix: Serializer             # a class with a base so named (through this module's classes)
        methods: {create: validated_data}    # method (or `prefix_*`) -> the parameter that holds request data
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import field
from pathlib import Path
from typing import Any

from ...catalog import parsed_copy, safe_load, yaml_errors
from ...errors import ConfigError
from ...records import dataclass

KINDS = ("sql", "shell", "code", "path", "url", "html", "redirect", "ldap", "xpath", "trust-store",
         "deserialize", "xxe")
# marks a source may carry instead of a sink kind: a rule reads them to set its level (`referer`: the Referer
# header, which the user's own browser sets; `custom-header`: an X-... header, which only the client or a proxy
# in front of the app sets)
MARKS = ("referer", "custom-header")
_SECTIONS = {"name", "description", "sources", "sinks", "sanitizers", "propagators", "stores", "endpoint-params",
             "request-params", "hook-params", "examples"}
_SINK_KEYS = {"call", "method", "kind", "args", "sqlish", "requires-import", "when-keyword", "shell-list",
              "setting", "receivers", "unless-receivers", "traced-only", "unless-keyword", "parser-arg", "made-by", "unless-setting"}
MODELS_DIR = Path(__file__).parent / "models"


@dataclass
class Sink:
    """A call that must not receive tainted data in the listed arguments."""
    kind: str
    args: tuple[Any, ...]  # ints (positions) and strs (keywords); ("*",) = every argument
    api: str
    sqlish: bool = False
    requires_import: str = ""
    when_keyword: str = ""
    shell_list: bool = False
    setting: str = ""  # xxe: the keyword that, set true, turns external entities on (here or on the parser)
    parser_arg: tuple[Any, ...] = ()  # xxe: where the parser is passed (positions, keywords)
    receivers: tuple[str, ...] = ()  # method sinks: the receiver's name must end with one of these
    unless_receivers: tuple[str, ...] = ()  # method sinks: not when the receiver's name ends with one of these
    traced_only: bool = False  # report request data only, never "origin not traced"
    unless_keyword: str = ""  # not a sink when this keyword is given (extractall(filter=...))
    # method sinks: the receiver was made by one of these calls (directly, through a name, or through the
    # made object's get_template()/from_string()), and that call did not turn `unless_setting` on
    made_by: tuple[str, ...] = ()
    unless_setting: str = ""


@dataclass
class Models:
    """The taint models in force: sources, sanitisers and sinks, shipped and configured."""
    source_objects: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    request_attrs: frozenset[str] = frozenset()
    request_methods: frozenset[str] = frozenset()
    any_attrs: frozenset[str] = frozenset()  # request data on any receiver (a bound form's `cleaned_data`)
    # attribute -> suffix: request data on `<name>.<field>` where the name ends so (`form.url.data`, WTForms)
    field_attrs: dict[str, str] = field(default_factory=dict)
    request_param_names: frozenset[str] = frozenset()
    request_annotations: frozenset[str] = frozenset()
    endpoint_decorators: frozenset[str] = frozenset()
    endpoint_param_skip: frozenset[str] = frozenset()
    call_sinks: dict[str, list[Sink]] = field(default_factory=dict)
    method_sinks: dict[str, list[Sink]] = field(default_factory=dict)
    call_sanitizers: dict[str, frozenset[str]] = field(default_factory=dict)
    method_sanitizers: dict[str, frozenset[str]] = field(default_factory=dict)
    # name -> what flows to the result: ("*",) everything, else "self", positions and keywords
    call_propagators: dict[str, tuple] = field(default_factory=dict)
    method_propagators: dict[str, tuple] = field(default_factory=dict)
    # request attribute/method -> sink kinds it cannot harm (request.path in a redirect stays on the site)
    source_safe: dict[str, frozenset[str]] = field(default_factory=dict)
    stores: frozenset[str] = frozenset()
    # class-name suffix of a base -> {method: parameter}: framework hooks handed the request's parsed data
    hook_params: dict[str, dict[str, str]] = field(default_factory=dict)
    digest: str = ""

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """Last components of every source, sink and store name: a file without any of them in its text
        needs only the cheap summary (parameters to returns and calls)."""
        out: set[str] = set(self.request_attrs) | set(self.request_methods) | set(self.any_attrs) | set(self.field_attrs)
        for table in (self.call_sinks, self.source_objects):
            out.update(n.rpartition(".")[2] for n in table)
        out.update(self.method_sinks)
        out.update(n.rpartition(".")[2] for n in self.stores)
        out.update(self.endpoint_decorators)
        out.update(p for methods in self.hook_params.values() for p in methods.values())
        return frozenset(out)


def _fail(where: str, what: str) -> None:
    raise ConfigError(f"taint model {where}: {what}")


def _names(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        _fail(where, f"'{key}' must be a list of names")
    return list(value)


def validate(data: Any, where: str) -> dict[str, Any]:
    """One model file's data, checked; raises ConfigError with one line naming the problem."""
    if not isinstance(data, dict):
        _fail(where, "must be a mapping with sources/sinks/sanitizers/propagators")
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        _fail(where, f"unknown section '{unknown[0]}' (known: {', '.join(sorted(_SECTIONS))})")
    for section in ("sources", "sinks", "sanitizers", "propagators", "stores"):
        rows = data.get(section) or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            _fail(where, f"'{section}' must be a list of mappings")
    for i, row in enumerate(data.get("sources") or []):
        if not isinstance(row.get("object"), str):
            _fail(where, f"sources[{i}] needs 'object' (a dotted name or request-param)")
        _names(row.get("attrs"), where, f"sources[{i}].attrs")
        _names(row.get("methods"), where, f"sources[{i}].methods")
        safe = row.get("safe-for") or {}
        if not isinstance(safe, dict) or not all(isinstance(v, list) and set(v) <= set(KINDS) | set(MARKS) for v in safe.values()):
            _fail(where, f"sources[{i}].safe-for must map names to lists of sink kinds (or marks: {', '.join(MARKS)})")
    for i, row in enumerate(data.get("sinks") or []):
        bad = sorted(set(row) - _SINK_KEYS)
        if bad:
            _fail(where, f"sinks[{i}]: unknown key '{bad[0]}'")
        if bool(row.get("call")) == bool(row.get("method")):
            _fail(where, f"sinks[{i}] needs exactly one of 'call' or 'method'")
        if row.get("kind") not in KINDS:
            _fail(where, f"sinks[{i}].kind must be one of {', '.join(KINDS)}, not {row.get('kind')!r}")
        args = row.get("args", [0])
        if not isinstance(args, list) or not all(isinstance(a, (int, str)) and not isinstance(a, bool) for a in args):
            _fail(where, f"sinks[{i}].args must be a list of positions and keyword names")
    for section in ("sanitizers", "propagators"):
        for i, row in enumerate(data.get(section) or []):
            if bool(row.get("call")) == bool(row.get("method")):
                _fail(where, f"{section}[{i}] needs exactly one of 'call' or 'method'")
            if section == "sanitizers":
                kinds = _names(row.get("kinds"), where, f"sanitizers[{i}].kinds")
                for k in kinds:
                    if k != "all" and k not in KINDS:
                        _fail(where, f"sanitizers[{i}]: unknown kind '{k}'")
    for i, row in enumerate(data.get("stores") or []):
        if not isinstance(row.get("object"), str):
            _fail(where, f"stores[{i}] needs 'object'")
    for i, row in enumerate(data.get("hook-params") or []):
        methods = row.get("methods") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("class-suffix"), str) or not row["class-suffix"] \
                or not isinstance(methods, dict) or not all(isinstance(k, str) and isinstance(v, str) and v
                                                            for k, v in methods.items()):
            _fail(where, f"hook-params[{i}] needs 'class-suffix' and 'methods' (method name -> parameter name)")
    for key in ("endpoint-params", "request-params"):
        if key in data and not isinstance(data[key], dict):
            _fail(where, f"'{key}' must be a mapping")
    return data


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(where, f"cannot be read ({exc.__class__.__name__})")
    try:
        data = safe_load(text)  # libyaml's C build of the safe loader: the shipped models load every scan
    except yaml_errors() as exc:
        mark = getattr(exc, "problem_mark", None)
        _fail(where, f"is not valid YAML{f' (line {mark.line + 1})' if mark else ''}")
    return validate(data, where)


@functools.lru_cache(maxsize=1)
def shipped() -> tuple[dict[str, Any], ...]:
    paths = sorted(MODELS_DIR.glob("*.yaml"))
    copy = parsed_copy(paths, "taint-models")  # parsed once per installation, not once per scan
    return tuple(validate(copy[str(p)], p.name) if str(p) in copy else _read(p, p.name) for p in paths)


def _read_untrusted(path: Path, where: str) -> dict[str, Any]:
    """A user model file from the scanned repository's config: bounded, never a FIFO or device, YAML with
    alias-expansion and depth limits (docs/security.md)."""
    from ...untrusted.files import InputError, read_bounded
    from ...untrusted.yaml_limits import load as load_limited

    try:
        text = read_bounded(path, MAX_USER_MODEL_BYTES).decode("utf-8")
    except (OSError, InputError, UnicodeDecodeError) as exc:
        _fail(where, f"cannot be read ({exc.__class__.__name__}: {exc})")
    try:
        data = load_limited(text)
    except (*yaml_errors(), InputError, ValueError) as exc:
        _fail(where, f"is not usable YAML ({exc.__class__.__name__})")
    return validate(data, where)


MAX_USER_MODEL_BYTES = 1024 * 1024


def read_user_models(paths: list[str], base: Path) -> list[dict[str, Any]]:
    """Users' model files (paths relative to the config file), validated; ConfigError on any problem."""
    out = []
    for text in paths:
        path = (base / text).resolve()
        if path != base and base.resolve() not in path.parents:
            _fail(text, "points outside the project root")
        if not path.is_file():
            _fail(text, "does not exist")
        out.append(_read_untrusted(path, text))
    return out


@functools.lru_cache(maxsize=8)
def _compile_cached(blob: str) -> Models:
    return compile_models(json.loads(blob))


def load(user: list[dict[str, Any]] | tuple = ()) -> Models:
    if not user:  # every analysed file asks: the shipped models' blob is made once
        return _shipped_models()
    data = [*shipped(), *user]
    return _compile_cached(json.dumps(data, sort_keys=True, default=str))


@functools.lru_cache(maxsize=1)
def _shipped_models() -> Models:
    return _compile_cached(json.dumps(list(shipped()), sort_keys=True, default=str))


def compile_models(files: list[dict[str, Any]]) -> Models:
    m = Models()
    src_objs: dict[str, tuple[set[str], set[str]]] = {}
    req_attrs: set[str] = set()
    req_methods: set[str] = set()
    any_attrs: set[str] = set()
    field_attrs: dict[str, str] = {}
    param_names: set[str] = set()
    annotations: set[str] = set()
    decorators: set[str] = set()
    skip: set[str] = set()
    sanit_c: dict[str, set[str]] = {}
    sanit_m: dict[str, set[str]] = {}
    prop_c: dict[str, tuple] = {}
    prop_m: dict[str, tuple] = {}
    safe: dict[str, set[str]] = {}
    stores: set[str] = set()
    for data in files:
        for row in data.get("sources") or []:
            attrs, methods = set(row.get("attrs") or ()), set(row.get("methods") or ())
            for name, kinds in (row.get("safe-for") or {}).items():
                safe.setdefault(name, set()).update(kinds)
            if row["object"] == "request-param":
                req_attrs |= attrs
                req_methods |= methods
            elif row["object"] == "any" and row.get("field-of"):
                for a in attrs:
                    field_attrs[a] = str(row["field-of"]).lower()
            elif row["object"] == "any":
                any_attrs |= attrs
            else:
                a, b = src_objs.setdefault(row["object"], (set(), set()))
                a |= attrs
                b |= methods
        rp = data.get("request-params") or {}
        param_names |= set(rp.get("names") or ())
        annotations |= set(rp.get("annotations") or ())
        ep = data.get("endpoint-params") or {}
        decorators |= set(ep.get("decorators") or ())
        skip |= set(ep.get("skip") or ())
        for row in data.get("sinks") or []:
            api = row.get("call") or row.get("method")
            sink = Sink(kind=row["kind"], args=tuple(row.get("args", [0])), api=api,
                        sqlish=bool(row.get("sqlish")), requires_import=row.get("requires-import") or "",
                        when_keyword=row.get("when-keyword") or "", shell_list=bool(row.get("shell-list")),
                        setting=row.get("setting") or "", receivers=tuple(row.get("receivers") or ()),
                        unless_receivers=tuple(row.get("unless-receivers") or ()),
                        traced_only=bool(row.get("traced-only")), unless_keyword=row.get("unless-keyword") or "",
                        parser_arg=tuple(row.get("parser-arg") or ()), made_by=tuple(row.get("made-by") or ()),
                        unless_setting=row.get("unless-setting") or "")
            table = m.call_sinks if row.get("call") else m.method_sinks
            table.setdefault(api, []).append(sink)
        for row in data.get("sanitizers") or []:
            kinds = set(row.get("kinds") or ("all",))
            if row.get("call"):
                sanit_c.setdefault(row["call"], set()).update(kinds)
            else:
                sanit_m.setdefault(row["method"], set()).update(kinds)
        for row in data.get("propagators") or []:
            flows = tuple(row.get("from") or ("*",))
            (prop_c if row.get("call") else prop_m)[row.get("call") or row["method"]] = flows
        for row in data.get("stores") or []:
            stores.add(row["object"])
        for row in data.get("hook-params") or []:
            m.hook_params.setdefault(row["class-suffix"], {}).update(row["methods"])
    m.source_objects = {k: (frozenset(a), frozenset(b)) for k, (a, b) in src_objs.items()}
    m.request_attrs, m.request_methods = frozenset(req_attrs), frozenset(req_methods)
    m.any_attrs = frozenset(any_attrs)
    m.field_attrs = field_attrs
    m.request_param_names, m.request_annotations = frozenset(param_names), frozenset(annotations)
    m.endpoint_decorators, m.endpoint_param_skip = frozenset(decorators), frozenset(skip)
    m.call_sanitizers = {k: frozenset(v) for k, v in sanit_c.items()}
    m.method_sanitizers = {k: frozenset(v) for k, v in sanit_m.items()}
    m.call_propagators, m.method_propagators = prop_c, prop_m
    m.source_safe = {k: frozenset(v) for k, v in safe.items()}
    m.stores = frozenset(stores)
    m.digest = hashlib.sha256(json.dumps(files, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return m
