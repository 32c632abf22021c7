"""`json.dumps(data, indent=2, ensure_ascii=False[, sort_keys=True])`, byte for byte, about twice as fast.

With `indent`, CPython (before 3.14) uses its pure-Python encoder: a generator per container, a generator
step per value. A report of 2.6 MB (netbox's 1,500 endpoints and 6,000 findings) took 0.06 s of a 0.4 s warm
scan. This walks the data once, appending to one list, and encodes strings with the C function the standard
encoder itself uses. Anything it does not handle exactly as `json` does (a non-string key, a float that is not
finite, a type other than the JSON ones, a container inside itself) makes it hand the whole value to
`json.dumps`, so the output is always the standard one.
"""

from __future__ import annotations

import json
from typing import Any

try:
    from _json import encode_basestring as _encode  # the C function json's encoder uses for ensure_ascii=False
except ImportError:  # pragma: no cover - CPython always has it
    from json.encoder import py_encode_basestring as _encode


class _Unusual(Exception):
    """A value whose encoding this module leaves to `json`."""


def dumps(data: Any, sort_keys: bool = False) -> str:
    try:
        out: list[str] = []
        _value(data, out, "\n", sort_keys, 0)
        return "".join(out)
    except (_Unusual, RecursionError):
        return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False)


_FLOAT_REPR = float.__repr__
_INF = float("inf")


def _value(value: Any, out: list[str], nl: str, sort_keys: bool, depth: int) -> None:
    if depth > 200:  # json's own limit is the recursion limit: leave deep data to it
        raise _Unusual
    t = type(value)
    if t is str:
        out.append(_encode(value))
    elif t is dict:
        if not value:
            out.append("{}")
            return
        inner = nl + "  "
        items = sorted(value.items()) if sort_keys else value.items()
        first = True
        for key, item in items:
            if type(key) is not str:
                raise _Unusual
            head = ("{" if first else ",") + inner + _encode(key) + ": "
            first = False
            if type(item) is str:  # most values: no call for them
                out.append(head + _encode(item))
            elif type(item) is int:
                out.append(head + int.__repr__(item))
            else:
                out.append(head)
                _value(item, out, inner, sort_keys, depth + 1)
        out.append(nl + "}")
    elif t is list or t is tuple:
        if not value:
            out.append("[]")
            return
        inner = nl + "  "
        first = True
        for item in value:
            out.append(("[" if first else ",") + inner)
            first = False
            _value(item, out, inner, sort_keys, depth + 1)
        out.append(nl + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(value))
    elif t is float:
        if value != value or value in (_INF, -_INF):
            raise _Unusual
        out.append(_FLOAT_REPR(value))
    else:
        raise _Unusual
