"""Abstract values of the taint interpreter: where a value may come from, and how it got here.

A value is a dict from a flow key to its trace. The key is (origin, sanitised kinds, built):
- origin: `src:<line>:<col>:<what>` (request data read here), `param:<name>`, `self:<attr>` (read from
  the instance; written by some method), `call:<n>` (what call n of this function returns), `?` (not
  constant, origin not traced); `param:<name>.<attr>` and `call:<n>.<attr>` for one attribute of them;
- sanitised kinds: sink kinds this flow was made safe for (`all` for every kind; `host` when a constant
  scheme+host or a `/path` prefix fixes where a URL goes; `path-tail` when the text is only a file name's
  tail, safe for paths once a name part precedes it);
- built: the value went through string building (`+`, `%`, format, f-string, join).
The trace is a tuple of (line, column, text) steps, source first. An empty dict is a constant: nothing
to report. For one key the shortest trace is kept, so values stay small and output deterministic.
"""

from __future__ import annotations

from typing import Iterable

Key = tuple[str, frozenset, bool]
Trace = tuple[tuple[int, int, str], ...]
Value = dict[Key, Trace]

FIELD = "\x00"  # `src:...<FIELD>attr`: request data of which one attribute was read (`body.locale`)
EMPTY: Value = {}
NOTHING = frozenset()
UNKNOWN = "?"
# a sanitised-kind mark `guard:<callee>#<argument>@<caller>`: a guard called project code on the value; the
# project step replaces it by what the callee proves (`path` for a containment check) or drops it
GUARD = "guard:"
# the argument place of a mark left by a call whose result is dropped (`guard:<callee>#raise:0@<caller>`): what
# the callee refuses by raising, not what its true return proves
RAISES = "raise:"
MAX_STEPS = 12


def better(a: Trace, b: Trace) -> bool:
    return (len(a), a) < (len(b), b)


def join(*values: Value) -> Value:
    values = [v for v in values if v]
    if not values:
        return {}
    if len(values) == 1:
        return values[0]
    out = dict(values[0])
    for v in values[1:]:
        for k, t in v.items():
            old = out.get(k)
            if old is None or better(t, old):
                out[k] = t
    return out


def step(value: Value, line: int, col: int, text) -> Value:
    """Append a step to every flow's trace; `text` may be a callable, called only when there is a flow
    (most values are constants: their source text is never cut out)."""
    if not value:
        return value
    s = (line, col, text() if callable(text) else text)
    out: Value = {}
    for k, t in value.items():
        if t and t[-1][:2] == s[:2]:
            out[k] = t
            continue
        t = t + (s,)
        if len(t) > MAX_STEPS:
            t = t[:3] + t[-(MAX_STEPS - 3):]
        out[k] = t
    return out


# a mark, not a sink kind: request data a form's or serializer's fields parsed (which field is not traced)
PARSED = "parsed"
# a mark: a lookup found a stored record equal to the value before it got here (`row = fetchone(.., {"id": x})`,
# `if not row: raise`); only values the database already holds pass, which is as safe as what writes them
MATCHED = "matched-stored"


def sanitise(value: Value, kinds: Iterable[str]) -> Value:
    kinds = frozenset(kinds)
    if not value or not kinds:
        return value
    out: Value = {}
    for (origin, san, built), t in value.items():
        key = (origin, san | kinds, built)
        old = out.get(key)
        if old is None or better(t, old):
            out[key] = t
    return out


def promote(value: Value, mark: str, kinds: Iterable[str]) -> Value:
    """Flows carrying `mark` become sanitised for `kinds` too; the others are kept as they are."""
    kinds = frozenset(kinds)
    out: Value = {}
    for (origin, san, built_), t in value.items():
        key = (origin, san | kinds if mark in san else san, built_)
        old = out.get(key)
        if old is None or better(t, old):
            out[key] = t
    return out


def built(value: Value) -> Value:
    if not value:
        return value
    out: Value = {}
    for (origin, san, _), t in value.items():
        key = (origin, san, True)
        old = out.get(key)
        if old is None or better(t, old):
            out[key] = t
    return out


def unknown(line: int, col: int, text: str) -> Value:
    return {(UNKNOWN, NOTHING, False): ((line, col, text),)}


def origin(name: str, line: int, col: int, text: str) -> Value:
    return {(name, NOTHING, False): ((line, col, text),)}


def with_attr(origin: str, attr: str) -> str:
    """The origin of `x.attr` when x comes from `origin`: a parameter's or a call result's attribute is
    followed as its own origin (`param:user.id`, `call:3.html_content`) and request data remembers the field
    read; one level deep, other origins stay whole."""
    if origin.startswith(("param:", "call:")) and "." not in origin:
        return f"{origin}.{attr}"
    if origin.startswith("src:") and FIELD not in origin:
        return f"{origin}{FIELD}{attr}"
    return origin


def attr_of(value: Value, attr: str) -> Value:
    out: Value = {}
    for (o, san, b), t in value.items():
        key = (with_attr(o, attr), san, b)
        old = out.get(key)
        if old is None or better(t, old):
            out[key] = t
    return out


def dump(value: Value) -> list:
    """JSON-safe, sorted: [[origin, [kinds], built, [[line, col, text], ...]], ...]."""
    return sorted([o, sorted(s), int(b), [list(x) for x in t]] for (o, s, b), t in value.items())


def load(rows: list) -> Value:
    return {(o, frozenset(s), bool(b)): tuple(tuple(x) for x in t) for o, s, b, t in rows}
