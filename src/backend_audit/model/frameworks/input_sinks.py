"""Where an unchecked request value goes, read from the use's own parents (BA-INP-001's level).

BA-INP-001 is a warning only with positive evidence that bad input does damage. Redirects, paths, URLs,
SQL, markup and trust stores are the taint engine's sinks; this module tells the two shapes the taint models
do not hold, from the parents the shared walk already keeps (no walk of its own):
- stored: the value becomes an attribute of an object (`food.fdc_id = request.data["fdc_id"]`; not of the view
  or the request, nor a form field's prefill `form.name.data`), a keyword
  of an ORM write (`Entry.objects.create(note=...)`, `.update(...)`), or the value of `set_config(k, v)`,
  `setattr(obj, k, v)`;
- expanded: the payload spread as keyword arguments (`to_activity(**request.GET)`, `Model(**data)` where
  nothing validates): the caller picks which parameters are set.
A value handed to a class (`Note(title=data["title"])`) is `built:<the class as written>`: the project pass
tells an ORM table model (a store) from anything else. Anything else (handed to another function, formatted
into text, returned, rendered) is not traced here: the rule reports it as a note that says so.
"""

from __future__ import annotations

import ast
import re

from .common import last_name
from ...checks.base import dotted

# Wrappers and reads that keep the request value what it was (`str(x).strip()`, `data["k"]`, `data.get("k")`).
_KEEP_CALLS = frozenset({"str", "list", "dict", "tuple", "set"})
_KEEP_METHODS = frozenset({"get", "getlist", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title",
                           "replace", "copy", "to_dict", "dict"})
# ORM writes that take the stored fields as keywords.
_ORM_WRITES = frozenset({"create", "update", "get_or_create", "update_or_create", "insert", "values"})
# Calls whose positional value argument is stored as given.
_VALUE_STORES = {"set_config": 1, "setattr": 2, "set_setting": 1, "write_text": 0, "write_bytes": 0}
# Objects an attribute store into keeps nothing: the view itself, the request being answered
_TRANSIENT = frozenset({"self", "cls", "request", "req"})
# A form field's value or initial data (`form.name.data = ...`, `form.initial = ...`): a prefill the form
# validates when it is submitted, not a stored value
PREFILL = frozenset({"data", "initial"})
# A parameter annotated so that FastAPI hands it the body unvalidated (`payload: dict`, `Annotated[Any, Body()]`)
_UNTYPED = re.compile(r"^(dict|Dict(\[.*\])?|dict\[.*\]|Any|typing\.Any|list\[dict.*\]|List\[Dict.*\]|object|Json)$")
_MAX_CLIMB = 8  # a value nested deeper than this in wrappers is not worth following


def damage(parents: list[ast.AST], node: ast.AST) -> str | None:
    """What the request value `node` (whose ancestors are `parents`, innermost last) is made to do that
    bad input harms, or None when its use is not one of the shapes above."""
    child: ast.AST = node
    for parent in reversed(parents[-_MAX_CLIMB:]):
        if isinstance(parent, ast.Subscript) and parent.value is child or \
                isinstance(parent, ast.Attribute) and parent.value is child and parent.attr in _KEEP_METHODS or \
                isinstance(parent, (ast.keyword, ast.Starred)):
            child = parent
            continue
        if isinstance(parent, ast.Call):
            if parent.func is child:  # `x.strip()`: the climb came through the method's attribute
                child = parent
                continue
            name = dotted(parent.func) or ""
            tail = last_name(name) if name else (parent.func.attr if isinstance(parent.func, ast.Attribute) else "")
            if isinstance(child, ast.keyword):
                if child.arg is None:
                    return f"expanded as keyword arguments of {tail or 'a call'}()"
                if tail in _ORM_WRITES and isinstance(parent.func, ast.Attribute):
                    return f"stored by .{tail}({child.arg}=...)"
                return f"built:{name}" if tail[:1].isupper() and name else None
            if tail in _KEEP_CALLS and isinstance(parent.func, ast.Name) and len(parent.args) == 1:
                child = parent
                continue
            index = _VALUE_STORES.get(tail)
            if index is not None and index < len(parent.args) and parent.args[index] is child:
                return f"stored by {tail}()"
            return f"built:{name}" if tail[:1].isupper() and name else None
        if isinstance(parent, ast.Assign) and parent.value is child:
            for target in parent.targets:
                if isinstance(target, ast.Attribute) and _root(target) not in _TRANSIENT and \
                        target.attr not in PREFILL:
                    return f"stored in {dotted(target) or target.attr}"
            return None
        return None
    return None


# A row's owner column and the caller's own identity (`user=request.user`, `user_id=current_user.id`)
_OWNER_KEYS = frozenset({"user", "user_id", "owner", "owner_id"})
_CALLER = frozenset({"request.user", "self.request.user", "request.user.id", "self.request.user.id",
                     "request.user.pk", "current_user", "current_user.id", "g.user", "g.user.id"})


def owner_scoped(parents: list[ast.AST], node: ast.AST, locals_expr: dict[str, ast.expr]) -> str:
    """The request value is stored on a row of the caller's own: written by a call that also sets the owner
    column to the caller (`Bookmark(user_id=current_user.id, key=...)`, `.create(user=request.user, ...)`),
    or into an attribute of a local fetched by the caller's identity (`props = Props.objects.get(
    user=request.user, ...)` then `props.filters = ...`). Returns the owner keyword as written, or ""."""
    root = stored_on(parents, node)
    if root in _CALLER or root.startswith(tuple(f"{c}." for c in _CALLER)):
        return root  # `request.user.profile.theme = ...`: the caller's own user row or one of its relations
    fetched = locals_expr.get(root.split(".")[0]) if root else None
    if fetched is not None:
        made = dotted(fetched) or ""
        if made in _CALLER or made.startswith(tuple(f"{c}." for c in _CALLER)):
            return f"{root} = {made}"  # `profile = request.user.profile`: a relation of the caller's own row
        return next((k for k in map(_owner_keyword, _calls(fetched)) if k), "")
    child: ast.AST = node
    for parent in reversed(parents[-_MAX_CLIMB:]):
        if isinstance(parent, ast.Call) and isinstance(child, ast.keyword):
            return _owner_keyword(parent)
        if isinstance(parent, ast.Assign) and parent.value is child:
            return ""
        child = parent
    return ""


def stored_on(parents: list[ast.AST], node: ast.AST) -> str:
    """The object an attribute store of the request value writes into, as written up to the stored attribute
    (`profile` of `profile.theme = value` and of `setattr(profile, name, value)`; `request.user.profile` of
    `request.user.profile.theme = value`), or ""."""
    child: ast.AST = node
    for parent in reversed(parents[-_MAX_CLIMB:]):
        if isinstance(parent, ast.Assign) and parent.value is child:
            target = parent.targets[0] if len(parent.targets) == 1 else None
            return (dotted(target.value) or "") if isinstance(target, ast.Attribute) else ""
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "setattr":
            args = parent.args
            return (dotted(args[0]) or "") if len(args) == 3 and args[2] is child else ""
        if isinstance(parent, ast.stmt) or isinstance(parent, ast.Call) and parent.func is not child and not (
                isinstance(parent.func, ast.Name) and parent.func.id in _KEEP_CALLS):
            return ""  # handed to a call that may make something else of it
        child = parent
    return ""


def stored_field(parents: list[ast.AST], node: ast.AST, locals_expr: dict[str, ast.expr]) -> list[str] | None:
    """[model as written, field] the request value is stored in, where the code names both: a keyword of
    `Model.objects.create(field=...)`, of a manager query's `.update(field=...)` or of `Model(field=...)`, or `obj.field = ...` where the local `obj` was
    fetched by `Model.objects.<query>(...)`."""
    child: ast.AST = node
    for parent in reversed(parents[-_MAX_CLIMB:]):
        if isinstance(parent, ast.Call) and isinstance(child, ast.keyword) and child.arg:
            func = parent.func
            receiver = dotted(func.value) if isinstance(func, ast.Attribute) else ""
            if receiver and receiver.endswith(".objects"):
                return [receiver[:-len(".objects")], child.arg]
            writes = isinstance(func, ast.Attribute) and func.attr in _ORM_WRITES
            model = _manager_model(parent) if writes else ""
            if writes and not model and isinstance(func.value, ast.Name) and func.value.id in locals_expr:
                model = next((m for m in map(_manager_model, _calls(locals_expr[func.value.id])) if m), "")
            if model:  # `Entry.objects.filter(...).update(target=...)`, `entries = <that query>; entries.update(...)`
                return [model, child.arg]
            name = dotted(func) or ""
            return [name, child.arg] if last_name(name)[:1].isupper() else None
        if isinstance(parent, ast.Assign) and parent.value is child:
            target = parent.targets[0] if len(parent.targets) == 1 else None
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                calls = _calls(locals_expr[target.value.id]) if target.value.id in locals_expr else []
                model = next((m for m in map(_manager_model, calls) if m), "")
                if not model and any(dotted(c.func) == "self.get_object" for c in calls):
                    model = "self.model"  # a class view's object: its `model = ...` attribute names the model
                return [model, target.attr] if model else None
            return None
        child = parent
    return None


def _manager_model(call: ast.Call) -> str:
    """`Board` of `Board.objects.filter(...)...`: the model whose manager the chain starts from."""
    node = call.func
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return dotted(node.value) or ""
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return ""


def _calls(expr: ast.expr) -> list[ast.Call]:
    """The calls of one statement's value (`Model.objects.filter(...).first()`): a chain, not a function."""
    out = []
    while isinstance(expr, (ast.Call, ast.Attribute, ast.Subscript, ast.Await)):
        if isinstance(expr, ast.Call):
            out.append(expr)
            expr = expr.func
        else:
            expr = expr.value
    return out


def _owner_keyword(call: ast.Call) -> str:
    for kw in call.keywords:
        if kw.arg in _OWNER_KEYS and dotted(kw.value) in _CALLER:
            return f"{kw.arg}={dotted(kw.value)}"
    return ""


# Django ORM query methods whose keywords are field lookups, which the database driver binds
_ORM_LOOKUPS = frozenset({"filter", "exclude"})


def bound_lookup(parents: list[ast.AST], node: ast.AST) -> bool:
    """The request value is itself a field lookup of a manager's query (`TestCase.objects.filter(pk__in=
    request.GET.getlist("c"))`): the driver binds it as a parameter and the rows it selects are what the view
    shows; which rows the caller may see is an access question, not a schema's."""
    if len(parents) < 2 or not isinstance(parents[-1], ast.keyword) or parents[-1].arg is None:
        return False
    call = parents[-2]
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _ORM_LOOKUPS):
        return False
    receiver = dotted(call.func.value) or ""
    return receiver.endswith(".objects") or ".objects." in receiver


def untyped(annotation: str) -> bool:
    """The annotation (`Annotated[...]` unwrapped) takes any JSON: no model checks the body."""
    return bool(_UNTYPED.match(re.sub(r"^Annotated\[(.*?),.*\]$", r"\1", annotation).strip()))


def rebinds_from(name: str, value: ast.expr) -> bool:
    """`amount = Decimal(str(amount))`, `unit = Unit.objects.filter(pk=unit).first()`: the local now holds
    what an expression made of the read, not the read; `x = x.strip()` still holds the read, reshaped."""
    kept = value
    for _ in range(_MAX_CLIMB):
        if isinstance(kept, ast.Call) and isinstance(kept.func, ast.Name) and kept.func.id in _KEEP_CALLS \
                and len(kept.args) == 1:
            kept = kept.args[0]
        elif isinstance(kept, ast.Call) and isinstance(kept.func, ast.Attribute) and \
                kept.func.attr in _KEEP_METHODS and kept.func.attr not in ("get", "getlist"):
            kept = kept.func.value
        else:
            break
    if isinstance(kept, ast.Name) and kept.id == name:
        return False
    # the value expression only (one statement's right-hand side), not the function
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value))


def _root(node: ast.expr) -> str:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""
