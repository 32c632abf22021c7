"""`@dataclass`, processed when the class is first used rather than when its module is imported.

Python 3.11's `dataclasses` compiles every generated method from source text (`exec`) as the class is
created: the 45 dataclasses on a scan's import path cost about 14 ms of a small app's 250 ms cold scan,
yet such a scan constructs about 20 of them and compares or prints none. With this decorator:

* the standard `dataclasses.dataclass` runs the first time the class is constructed, its fields, params or
  match args are read (`fields`, `asdict`, `replace`, `is_dataclass`, a class pattern) or a frozen instance
  is assigned to. Until then its class attributes are what processing leaves (a field's plain default, or
  nothing for a `default_factory`), so no reader ever sees a `Field` object;
* `__repr__`, `__eq__` and a frozen class's `__hash__` are never compiled: one closure per class gives the
  strings, comparisons and hashes the generated methods give (the same fields, compared and hashed as the
  same tuples; `tests/test_records.py` holds each class of the package to the standard decorator's answers).

Only the plain and the `frozen=True` forms are deferred. Any other option, or a class that defines one of
the methods itself, gets the standard decorator at once.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
import threading
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # type checkers treat the decorator as the standard one
    from dataclasses import dataclass as dataclass
else:
    _MADE_BY_PROCESSING = frozenset({"__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                                     "__delattr__", "__dataclass_fields__", "__dataclass_params__",
                                     "__match_args__"})
    # Re-entrant: processing a deferred class reads its deferred bases' fields, which processes them.
    _LOCK = threading.RLock()

    def dataclass(cls=None, /, *, frozen: bool = False, **options):
        """`dataclasses.dataclass`, deferred as the module docstring says."""
        def wrap(klass: type) -> type:
            if options or _MADE_BY_PROCESSING & klass.__dict__.keys():
                return dataclasses.dataclass(klass, frozen=frozen, **options)
            return _defer(klass, frozen)

        return wrap if cls is None else wrap(cls)


class _OnFirstRead:
    """A class attribute that processing sets: reading it processes the class, then reads the real one."""

    def __init__(self, name: str, process: Callable[[], None]) -> None:
        self.name, self.process = name, process

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        self.process()
        return getattr(owner if obj is None else obj, self.name)


def _tuple_getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """The fields' values as one tuple, as the generated `(self.a, self.b,)` builds it."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()


def _defer(cls: type, frozen: bool) -> type:
    declared = {name: value for name, value in cls.__dict__.items()
                if isinstance(value, dataclasses.Field) and name in cls.__dict__.get("__annotations__", {})}
    for name, value in declared.items():  # what processing does to them, so reads before it agree
        if value.default is dataclasses.MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, value.default)
    placeholders: dict[str, Any] = {}
    known: dict[str, Callable[[Any], tuple] | tuple[str, ...]] = {}

    def process() -> None:
        with _LOCK:
            if cls.__dict__.get("__init__") is not placeholders["__init__"]:
                return
            for name, value in placeholders.items():
                if cls.__dict__.get(name) is value:
                    delattr(cls, name)
            for name, value in declared.items():
                setattr(cls, name, value)
            dataclasses.dataclass(cls, repr=False, eq=False, frozen=frozen)
            params = cls.__dataclass_params__  # type: ignore[attr-defined]
            params.repr = params.eq = True  # as the class asked: the closures below are its repr and eq

    def chosen(kind: str) -> Any:
        if kind not in known:
            fields = dataclasses.fields(cls)
            if kind == "repr":
                known[kind] = tuple(f.name for f in fields if f.repr)
            elif kind == "eq":
                known[kind] = _tuple_getter(tuple(f.name for f in fields if f.compare))
            else:
                known[kind] = _tuple_getter(tuple(f.name for f in fields
                                                  if (f.compare if f.hash is None else f.hash)))
        return known[kind]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        process()
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in chosen("repr"))
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other: Any) -> Any:
        if other.__class__ is self.__class__:
            values = chosen("eq")
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(chosen("hash")(self))

    def __setattr__(self, name: str, value: Any) -> None:
        process()
        cls.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        process()
        cls.__delattr__(self, name)

    placeholders["__init__"] = __init__
    if frozen:
        placeholders["__setattr__"] = __setattr__
        placeholders["__delattr__"] = __delattr__
    for name in ("__dataclass_fields__", "__dataclass_params__", "__match_args__"):
        placeholders[name] = _OnFirstRead(name, process)
    kept = {"__repr__": __repr__, "__eq__": __eq__, "__hash__": __hash__ if frozen else None}
    for name, value in {**placeholders, **kept}.items():
        if callable(value):
            value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)
    return cls
