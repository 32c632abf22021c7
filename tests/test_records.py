"""records.dataclass: the standard dataclass, processed on first use, with repr/eq/hash that are not compiled.

Each class shape is made twice, once by each decorator, and every observable answer compared."""

import ast
import dataclasses
import importlib
import inspect
import pickle
from dataclasses import FrozenInstanceError, InitVar, field
from pathlib import Path
from typing import ClassVar

import pytest

from backend_audit import records

PACKAGE = Path(records.__file__).parent


def _shapes(decorate):
    """The same class bodies, under `decorate` (the standard decorator or ours)."""

    @decorate
    class Plain:
        """Defaults, a factory, fields left out of repr and of comparison, a class variable."""
        name: str
        items: list = field(default_factory=list)
        level: str = "note"
        secret: str = field(default="x", repr=False)
        seen: int = field(default=0, compare=False)
        KIND: ClassVar[str] = "plain"

    @decorate(frozen=True)
    class Frozen:
        """Hashed as the tuple of its compared fields, `hash=` choosing otherwise."""
        a: int
        b: tuple = ()
        c: str = field(default="", hash=False)
        d: int = field(default=0, compare=False, hash=True)

    @decorate
    class Child(Plain):
        """A dataclass over a dataclass: the base's fields first."""
        extra: dict = field(default_factory=dict)

    @decorate
    class Post:
        """An InitVar and __post_init__."""
        value: int
        scale: InitVar[int] = 2
        total: int = field(init=False, default=0)

        def __post_init__(self, scale):
            self.total = self.value * scale

    @decorate(frozen=True)
    class One:
        """One field: compared and hashed as a one-element tuple."""
        only: float

    @decorate
    class Empty:
        """No field at all."""

    return {"Plain": Plain, "Frozen": Frozen, "Child": Child, "Post": Post, "One": One, "Empty": Empty}


STANDARD = _shapes(dataclasses.dataclass)
DEFERRED = _shapes(records.dataclass)


def _field_view(cls):
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare, f.kw_only)
            for f in dataclasses.fields(cls)]


NAN = float("nan")  # one object: a tuple holding it equals itself, as the generated __eq__ answers


def _instances(shapes):
    nan = NAN
    return {
        "Plain": [shapes["Plain"]("a"), shapes["Plain"]("a", [1], "error", "s", 5), shapes["Plain"]("b")],
        "Frozen": [shapes["Frozen"](1), shapes["Frozen"](1, (2,), "x", 3), shapes["Frozen"](2)],
        "Child": [shapes["Child"]("a"), shapes["Child"]("a", extra={"k": 1})],
        "Post": [shapes["Post"](3), shapes["Post"](3, 5)],
        "One": [shapes["One"](1.0), shapes["One"](nan), shapes["One"](2.0)],
        "Empty": [shapes["Empty"](), shapes["Empty"]()],
    }


def test_class_attributes_before_first_use_are_what_processing_leaves():
    fresh = _shapes(records.dataclass)
    assert fresh["Plain"].level == "note" and fresh["Plain"].secret == "x"
    assert not hasattr(fresh["Plain"], "items")  # a factory leaves no class attribute, as processing does
    assert fresh["Plain"].KIND == "plain"
    assert fresh["Frozen"].c == "" and fresh["Frozen"].__hash__ is not None
    assert fresh["Plain"].__hash__ is None  # eq without frozen: unhashable, as the standard one
    assert "__dataclass_fields__" not in vars(fresh["Plain"]) or not isinstance(
        vars(fresh["Plain"])["__dataclass_fields__"], dict)  # not processed yet


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_same_fields_signature_and_params(name):
    std, ours = STANDARD[name], DEFERRED[name]
    assert _field_view(ours) == _field_view(std)
    assert str(inspect.signature(ours)) == str(inspect.signature(std))
    assert ours.__match_args__ == std.__match_args__
    for key in ("init", "repr", "eq", "order", "unsafe_hash", "frozen"):
        assert getattr(ours.__dataclass_params__, key) == getattr(std.__dataclass_params__, key), key
    assert dataclasses.is_dataclass(ours)
    assert (ours.__hash__ is None) == (std.__hash__ is None)


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_same_repr_eq_hash_asdict_replace(name):
    std, ours = _instances(STANDARD)[name], _instances(DEFERRED)[name]
    for s, o in zip(std, ours):
        assert repr(o) == repr(s)
        assert dataclasses.asdict(o) == dataclasses.asdict(s)
        if s.__hash__ is not None:
            assert hash(o) == hash(s)
        else:
            with pytest.raises(TypeError):
                hash(o)
    for i in range(len(std)):
        for j in range(len(std)):
            assert (ours[i] == ours[j]) == (std[i] == std[j])
            assert (ours[i] != ours[j]) == (std[i] != std[j])
        assert ours[i].__eq__(object()) is NotImplemented
    first = dataclasses.fields(ours[0])
    if first and first[0].init:
        value = getattr(std[-1], first[0].name)
        assert repr(dataclasses.replace(ours[0], **{first[0].name: value})) == \
            repr(dataclasses.replace(std[0], **{first[0].name: value}))


def test_frozen_refuses_assignment_as_the_standard_one():
    for shapes in (STANDARD, DEFERRED):
        item = shapes["Frozen"](1)
        with pytest.raises(FrozenInstanceError):
            item.a = 2
        with pytest.raises(FrozenInstanceError):
            item.other = 2
        with pytest.raises(FrozenInstanceError):
            del item.a


def test_an_instance_made_without_init_is_processed_on_its_first_assignment():
    fresh = _shapes(records.dataclass)
    item = object.__new__(fresh["Frozen"])
    with pytest.raises(FrozenInstanceError):
        item.a = 1
    assert isinstance(vars(fresh["Frozen"])["__dataclass_fields__"], dict)


def test_repr_of_a_recursive_structure():
    for shapes in (STANDARD, DEFERRED):
        item = shapes["Plain"]("a")
        item.items.append(item)
        assert repr(item).endswith("Plain(name='a', items=[...], level='note', seen=0)")


@records.dataclass
class Pickled:
    """At module level, so pickle finds it by name."""
    name: str
    items: list = field(default_factory=list)


def test_pickles_and_matches():
    item = Pickled("a", [1])
    again = pickle.loads(pickle.dumps(item))
    assert again == item and repr(again) == repr(item)
    frozen = DEFERRED["Frozen"]
    match frozen(7, (1,)):
        case frozen(a, b):
            assert (a, b) == (7, (1,))
        case _:
            pytest.fail("positional class pattern did not match")


def test_a_class_writing_its_own_method_or_asking_an_option_gets_the_standard_decorator():
    @records.dataclass
    class Own:
        """Its own repr."""
        a: int

        def __repr__(self):
            return "own"

    @records.dataclass(order=True)
    class Ordered:
        """order=True."""
        a: int

    assert isinstance(vars(Own)["__dataclass_fields__"], dict) and repr(Own(1)) == "own"
    assert Ordered(1) < Ordered(2)


def _package_dataclasses():
    """(module, class name) of every class the package decorates with records.dataclass."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses = any(isinstance(n, ast.ImportFrom) and n.module and n.module.endswith("records")
                   and any(a.name == "dataclass" for a in n.names) for n in tree.body)
        if not uses:
            continue
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any("dataclass" in ast.unparse(d) for d in node.decorator_list):
                out.append((module, node.name))
    return out


def test_the_package_uses_it_and_every_class_processes():
    found = _package_dataclasses()
    assert len(found) >= 40
    for module, name in found:
        cls = getattr(importlib.import_module(module), name, None)
        if cls is None:  # defined inside a function
            continue
        assert dataclasses.fields(cls) is not None, f"{module}.{name}"
        assert isinstance(vars(cls)["__dataclass_fields__"], dict)
