"""Web-framework knowledge: per-file fact collectors (FastAPI, Starlette, Flask, Django, DRF) and the
project-side endpoint inventory built from them (inventory.py)."""

from __future__ import annotations

import ast

from ...checks.base import FileContext, import_from_bindings
from .classes import ClassFacts
from .django import DjangoFacts
from .factories import DependencyFactories
from .functions import FunctionFacts
from .registries import RegistryFacts
from .routes import RouteWiring


class ImportTable:
    """Local name -> imported dotted name, module level plus imports inside functions (app factories often
    import their routers inside `create_app()`), so the project pass can follow references across files."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.nested: dict[str, str] = {}

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not self.ctx.local_scopes:
            return
        for local, full in import_from_bindings(node):
            self.nested.setdefault(local, full)

    def leave_Module(self, node: ast.Module) -> None:
        table = {**self.nested, **self.ctx.imports}
        if table:
            self.ctx.facts["import_table"] = table


def collectors() -> list[type]:
    return [ImportTable, ClassFacts, FunctionFacts, RouteWiring, DjangoFacts, DependencyFactories, RegistryFacts]
