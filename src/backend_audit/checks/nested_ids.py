"""BA-AUTH-010: nested writes that edit or delete children by an id from the request without their parent.

A DRF serializer's `update(self, instance, validated_data)` that creates new children with the parent
(`ParticipantType.objects.create(activity=instance, **entry)`) and, for entries carrying an id, looks the
child up by that id alone (`ParticipantType.objects.get(pk=pk)`, `.filter(pk=pk).update(**entry)`) and
writes it: a caller who may edit one parent sends another parent's child ids and edits or deletes those
(an insecure direct object reference, CWE-639). The function's own create is the evidence that the model
belongs to the parent; the lookup that names neither the parent nor anything from it is the gap.
"""

from __future__ import annotations

import ast

from .base import AstCheck

_ID_KEYS = frozenset({"pk", "id"})
_WRITES = frozenset({"delete", "update", "save"})


def _objects_call(node: ast.AST, methods: frozenset[str] | tuple[str, ...]) -> str | None:
    """`Model.objects.<method>(...)`: the model's name."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
        manager = node.func.value
        if isinstance(manager, ast.Attribute) and manager.attr == "objects" and isinstance(manager.value, ast.Name):
            return manager.value.id
    return None


class ChildByRequestId(AstCheck):
    RULE_ID = "BA-AUTH-010"
    PREFILTER = ("objects.create", "validated_data")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        params = [a.arg for a in node.args.args]
        if node.name != "update" or len(params) < 3 or params[0] != "self":
            return
        parent = params[1]
        owned: dict[str, str] = {}  # model -> the keyword its create gives the parent
        lookups: list[tuple[ast.Call, str, str | None]] = []  # (lookup, model, the name it is bound to)
        written: set[str] = set()  # names whose object is written (`child.delete()`)
        for stmt in ast.walk(node):
            model = _objects_call(stmt, ("create", "get_or_create", "update_or_create"))
            if model:
                kw = next((k.arg for k in stmt.keywords if isinstance(k.value, ast.Name) and k.value.id == parent), None)
                if kw:
                    owned.setdefault(model, kw)
            if isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute) and stmt.func.attr in _WRITES:
                target = stmt.func.value
                if isinstance(target, ast.Name):
                    written.add(target.id)
                model = _objects_call(target, ("filter",))
                if model and _by_id_alone(target, parent):
                    lookups.append((target, model, None))
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                model = _objects_call(stmt.value, ("get",))
                if model and _by_id_alone(stmt.value, parent):
                    lookups.append((stmt.value, model, stmt.targets[0].id))
        for call, model, bound in lookups:
            if model not in owned or (bound is not None and bound not in written):
                continue
            self.report(call, f"{model} is looked up by an id from the request alone and then written, while this "
                              f"update creates new {model} rows with {owned[model]}={parent}: an id of another "
                              f"{owned[model]}'s {model} is edited or deleted too; look it up through the parent "
                              f"({model}.objects.get(pk=..., {owned[model]}={parent}))", level="warning")

    visit_AsyncFunctionDef = visit_FunctionDef


def _by_id_alone(call: ast.Call, parent: str) -> bool:
    """Only `pk=`/`id=` keywords, each a name (a value read from the request's entries), no positional filter,
    and nothing that names the parent."""
    if call.args or not call.keywords:
        return False
    if not all(k.arg in _ID_KEYS and isinstance(k.value, (ast.Name, ast.Subscript, ast.Call)) for k in call.keywords):
        return False
    return not any(isinstance(n, ast.Name) and n.id == parent for k in call.keywords for n in ast.walk(k.value))
