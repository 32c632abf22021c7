"""Which project classes are ORM table models (for BA-API-004), followed along base classes across files."""

from __future__ import annotations

from typing import Any

from .common import last_name
from .resolve import Resolver

# Bases that make a class a mapped table (SQLAlchemy 2 DeclarativeBase, Flask-SQLAlchemy db.Model,
# Tortoise/ormar/peewee Model); SQLModel only with table=True.
_ORM_BASES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta", "Model", "AsyncAttrs", "MappedAsDataclass"})


class OrmIndex:
    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = facts
        self.r = Resolver(facts)
        self._memo: dict[tuple[str, str], bool] = {}

    def is_model(self, path: str, ref: str) -> bool:
        found = self.r.resolve(path, ref)
        if not found or not found[1]:
            return False
        return self._is_model(found[0], found[1], 0)

    def checked_field(self, path: str, ref: str, field: str) -> str:
        """The kind of the field `field` of model `ref` (as named in `path`) when it is one that refuses or
        converts what it is given (classes.CHECKED_FIELDS; `author_id` is the `author` relation's key), or ""."""
        found = self.r.resolve(path, ref)
        cls = self.facts.get(found[0], {}).get("classes", {}).get(found[1]) if found and found[1] else None
        fields = (cls or {}).get("checked_fields") or {}
        if field in fields:
            return fields[field]
        relation = fields.get(field[:-3]) if field.endswith("_id") else None
        return relation if relation in ("ForeignKey", "OneToOneField") else ""

    def free_text(self, path: str, ref: str, field: str) -> str:
        """The kind of the field `field` of model `ref` when it takes any string (classes.FREE_TEXT_FIELDS),
        or "" (also where the model or the field is not read)."""
        found = self.r.resolve(path, ref)
        cls = self.facts.get(found[0], {}).get("classes", {}).get(found[1]) if found and found[1] else None
        return ((cls or {}).get("free_text_fields") or {}).get(field, "")

    def _is_model(self, path: str, name: str, depth: int) -> bool:
        key = (path, name)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = False
        cls = self.facts.get(path, {}).get("classes", {}).get(name)
        result = False
        if cls is not None and depth < 8:
            bases_declarative = set(self.facts.get(path, {}).get("web", {}).get("orm_bases", []))
            for base in cls.get("bases", []):
                tail = last_name(base)
                if tail == "SQLModel":
                    result = bool(cls.get("table"))
                elif tail in _ORM_BASES and not base.startswith(("pydantic", "django")) or base in bases_declarative:
                    result = True
                else:
                    found = self.r.resolve(path, self.r.local_ref(path, base))
                    if found and found[1] and found != key:
                        result = self._is_model(found[0], found[1], depth + 1)
                if result:
                    break
        self._memo[key] = result
        return result
