"""Follow names across files in the project pass: module paths, imports (absolute and relative), re-exports.

Works only on the plain facts (each file's `import_table`), never on the scanned code itself.
"""

from __future__ import annotations

from typing import Any


def module_name(path: str) -> str:
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class Resolver:
    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = facts
        self.by_suffix: dict[str, list[str]] = {}
        for path in sorted(facts):
            if not path.endswith(".py"):
                continue
            parts = module_name(path).split(".")
            for i in range(len(parts)):
                self.by_suffix.setdefault(".".join(parts[i:]), []).append(path)

    def find_module(self, dotted_name: str, near: str = "") -> str | None:
        """The file of a module given by dotted name; with several candidates the one sharing the most
        directories with the importing file `near` wins (two apps side by side with the same module names),
        then the shortest path."""
        hits = self.by_suffix.get(dotted_name)
        if not hits:
            return None
        exact = [h for h in hits if module_name(h) == dotted_name]
        folder = near.split("/")[:-1]

        def shared(p: str) -> int:
            n = 0
            for a, b in zip(folder, p.split("/")[:-1]):
                if a != b:
                    break
                n += 1
            return n
        return min(exact or hits, key=lambda p: (-shared(p), len(p), p))

    def absolute(self, name: str, from_path: str) -> str:
        """`..db.get_db` seen in `shop/routers/orders.py` -> `shop.db.get_db`."""
        if not name.startswith("."):
            return name
        dots = len(name) - len(name.lstrip("."))
        package = module_name(from_path).split(".")
        if not from_path.endswith("__init__.py"):
            package = package[:-1]
        base = package[: len(package) - (dots - 1)] if dots > 1 else package
        rest = name[dots:]
        return ".".join([*base, rest] if rest else base)

    def resolve(self, path: str, ref: str, depth: int = 0) -> tuple[str, str] | None:
        """(file, name inside that file) for a dotted reference written in `path`; name "" is the module."""
        if depth > 4 or not ref:
            return None
        head, _, rest = ref.partition(".")
        table = self.facts.get(path, {}).get("import_table", {})
        if head not in table:
            return (path, ref)
        return self.resolve_dotted(path, self.absolute(table[head], path) + (f".{rest}" if rest else ""), depth)

    def resolve_dotted(self, path: str, full: str, depth: int = 0) -> tuple[str, str] | None:
        """(file, name) for an absolute dotted name, as an import or a string import path
        (`api.add_router("/core/", "pkg.api.core.router")`) writes it; None outside the project."""
        parts = full.split(".")
        for i in range(len(parts), 0, -1):
            target = self.find_module(".".join(parts[:i]), path)
            if target is None:
                continue
            name = ".".join(parts[i:])
            if not name:
                return (target, "")
            if target != path and name.split(".")[0] in self.facts.get(target, {}).get("import_table", {}) and \
                    not self.defines(target, name.split(".")[0]):
                return self.resolve(target, name, depth + 1) or (target, name)
            return (target, name)
        return None

    def defines(self, path: str, name: str) -> bool:
        f = self.facts.get(path, {})
        web = f.get("web", {})
        return name in f.get("functions", {}) or name in f.get("classes", {}) or name in web.get("routers", {}) \
            or name in web.get("dep_aliases", {}) or name in web.get("alias_calls", {}) or name in web.get("schemes", [])

    def qualified(self, path: str, ref: str) -> str:
        """The import-resolved dotted name of a reference (for matching framework classes by name)."""
        head, _, rest = ref.partition(".")
        table = self.facts.get(path, {}).get("import_table", {})
        if head in table:
            return self.absolute(table[head], path) + (f".{rest}" if rest else "")
        return ref

    def local_ref(self, path: str, qualified: str) -> str:
        """Class bases are stored import-resolved; turn one back into a name `resolve` can follow."""
        for local, full in self.facts.get(path, {}).get("import_table", {}).items():
            if qualified == full:
                return local
            if qualified.startswith(full + "."):
                return local + qualified[len(full):]
        return qualified
