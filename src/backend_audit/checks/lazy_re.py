"""`from ..checks.lazy_re import re`: the `re` module whose `compile` compiles on first use.

Python's pattern compiler is pure Python: the 240 module-level patterns of our modules cost about 15 ms
at import, and a small app's scan never uses half of them (a framework's or a rare branch's patterns).
A module that imports `re` from here pays for a pattern when a scan first matches with it. Only for
modules whose `re.compile` calls are all constant patterns at import: a pattern made from a config value
must fail where it is read (`re.error`), so such a module keeps the real `re`.
"""

from __future__ import annotations

import re as _re
import types

_METHODS = ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split", "scanner")


class LazyPattern:
    """`re.compile(pattern, flags)` when first used. Each method then becomes the compiled pattern's own
    bound method, set on the instance: a later call costs what it costs on a compiled pattern."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def _compile(self) -> _re.Pattern:
        compiled = _re.compile(self.pattern, self._flags)
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))
        self.__dict__["_compiled"] = compiled
        return compiled

    def __getattr__(self, name: str):  # flags, groups, groupindex: the compiled pattern's
        if name.startswith("__") or name in ("_compiled", "_flags", "pattern"):
            raise AttributeError(name)
        return getattr(self._compile(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags})"


def _first_use(name: str):
    def method(self: LazyPattern, *args, **kwargs):
        return getattr(self._compile(), name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in _METHODS:
    setattr(LazyPattern, _name, _first_use(_name))

re = types.ModuleType("re", _re.__doc__)
re.__dict__.update({k: v for k, v in vars(_re).items() if not k.startswith("__")})
re.compile = LazyPattern  # type: ignore[assignment]
