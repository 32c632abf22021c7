"""What a loop walks, as BA-PERF-003's evidence for a warning: the rows of a table query (or the list a request
sends), which grow with the data, told from everything whose size the code does not show (a parameter, one
parent's children, a payload from another service, a list the program builds).

Blind reviews of unseen backends (sets J-N) judged most round-trips in loops over anything else bounded (form-sized,
a handful of environments, one object's subtasks): a warning there was false four times in five.
"""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use
from typing import Callable

from .base import dotted
from .concurrency import _is_task as is_task

TABLE = "the rows of a table query"
REQUEST = "the list a request sends"

# calls that reorder, view or copy a collection without changing where it comes from
_WRAPPERS = frozenset({"sorted", "reversed", "list", "tuple", "set", "frozenset", "enumerate", "iter"})
_VIEWS = frozenset({"items", "keys", "values", "iterator", "distinct", "order_by", "only", "defer", "annotate",
                    "select_related", "prefetch_related", "values_list", "select_for_update", "using"})
# a chain through one of these reads rows of a table: a Django manager, a SQLAlchemy session or result
_TABLE_LINKS = frozenset({"objects", "scalars", "fetchall", "unique", "get_queryset", "queryset"})
_REQUEST_LISTS = frozenset({"getlist", "get_json"})
_REQUEST_BODIES = frozenset({"data", "json", "POST", "GET", "form", "query_params"})
_NARROWING = frozenset({"filter", "filter_by", "where"})
_QUERYSET_PARAMS = frozenset({"queryset", "qs"})

Assigned = Callable[[str], "list[ast.expr]"]


def walked(node: ast.AST, assigned: Assigned, params: frozenset[str] | set[str], depth: int = 0) -> str | None:
    """TABLE or REQUEST when `node`, through at most three of the function's own bindings, is a query over a
    table not narrowed to one parent's children, or a request's list; None when its size is not traced."""
    node = _unwrap(node)
    if depth > 3:
        return None
    if isinstance(node, ast.BinOp):  # `qs_a | qs_b`, `list_a + list_b`
        return walked(node.left, assigned, params, depth + 1) or walked(node.right, assigned, params, depth + 1)
    if isinstance(node, ast.Name):
        if node.id in params:
            # Django hands an admin action or a list view's hook the selected rows as `queryset`
            return TABLE if node.id in _QUERYSET_PARAMS or node.id.endswith(("_queryset", "_qs")) else None
        for value in assigned(node.id)[:3]:
            found = walked(value, assigned, params, depth + 1)
            if found:
                return found
        return None
    if isinstance(node, ast.Await):
        return walked(node.value, assigned, params, depth + 1)
    if isinstance(node, ast.Subscript):  # `request.data["ids"]`; a slice of rows is still rows
        return walked(node.value, assigned, params, depth + 1)
    if not isinstance(node, (ast.Call, ast.Attribute)):
        return None
    links = _links(node)
    names = [attr for attr, _ in links]
    if _from_request(node, names):
        return REQUEST
    if any(attr in _TABLE_LINKS for attr in names) or _flask_query(links, _root(node)) or _session_query(links):
        return None if _one_parent(links) else TABLE
    if names and names[0] in ("all", "fetchall") and len(names) == 1:
        # `result.all()` of an `execute()` bound earlier: follow the receiver
        receiver = _receiver(node)
        if isinstance(receiver, ast.Name) and receiver.id not in params:
            return next((w for v in assigned(receiver.id)[:3] if (w := walked(v, assigned, params, depth + 1))),
                        None)
    return None


def _unwrap(node: ast.AST) -> ast.AST:
    for _ in range(6):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _WRAPPERS and node.args:
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _VIEWS:
            node = node.func.value
        else:
            break
    return node


def _links(node: ast.AST) -> list[tuple[str, ast.Call | None]]:
    """`[("filter", call), ("objects", None)]` for `Ticket.objects.filter(...)`: the chain's attributes, outermost
    first, each with the call that applies it (None for a plain attribute)."""
    out: list[tuple[str, ast.Call | None]] = []
    for _ in range(40):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                out.append((node.func.attr, node))
                node = node.func.value
                continue
            out.append((dotted(node.func) or "", node))
            break
        if isinstance(node, ast.Attribute):
            out.append((node.attr, None))
            node = node.value
            continue
        if isinstance(node, ast.Await):
            node = node.value
            continue
        break
    return out


def _receiver(node: ast.AST) -> ast.AST | None:
    func = node.func if isinstance(node, ast.Call) else None
    return func.value if isinstance(func, ast.Attribute) else None


def _root(node: ast.AST) -> ast.AST:
    for _ in range(40):
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            break
    return node


def _from_request(node: ast.AST, names: list[str]) -> bool:
    root = _root(node)
    return isinstance(root, ast.Name) and root.id in ("request", "req") and \
        (bool(set(names) & _REQUEST_LISTS) or bool(set(names) & _REQUEST_BODIES))


def _flask_query(links: list[tuple[str, ast.Call | None]], root: ast.AST) -> bool:
    """`Account.query.filter(...).all()`: Flask-SQLAlchemy's query property of a model class."""
    return bool(links) and links[-1] == ("query", None) and isinstance(root, ast.Name) and root.id[:1].isupper()


def _session_query(links: list[tuple[str, ast.Call | None]]) -> bool:
    """`session.query(Model)...`, `session.execute(select(...))`: a SQLAlchemy statement's rows."""
    return any(call is not None and attr in ("query", "execute") and call.args for attr, call in links)


def _one_parent(links: list[tuple[str, ast.Call | None]]) -> bool:
    """The query keeps one parent's children: a filter keyed on a value, not a constant, a set or a range
    (`filter(project=instance.project)`, `filter_by(owner_id=uid)`, `where(Item.parent_id == parent.id)`), in the
    chain or in the statement a session runs."""
    for attr, call in links:
        if call is None:
            continue
        if attr in _NARROWING and _narrowed(call):
            return True
        if attr in ("query", "execute") and call.args:
            inner = [n for n in ast.walk(call.args[0])][:200]
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _NARROWING
                   and _narrowed(n) for n in inner):
                return True
    return False


def _narrowed(call: ast.Call) -> bool:
    for kw in call.keywords:
        key = kw.arg or ""
        if key and not isinstance(kw.value, ast.Constant) and ("__" not in key or key.endswith(("__id", "__pk"))):
            return True
        # `filter(members__in=[self])`: a set of one value is that value (blind set P: a user's own groups)
        if key.endswith("__in") and isinstance(kw.value, (ast.List, ast.Tuple)) and len(kw.value.elts) == 1 \
                and not isinstance(kw.value.elts[0], (ast.Constant, ast.Starred)):
            return True
    # `X.parent_id == p.id`, or a relationship holding one object (`Task.assignees.contains(person)`)
    return any(isinstance(arg, ast.Compare) and len(arg.ops) == 1 and isinstance(arg.ops[0], ast.Eq) and
               not isinstance(arg.comparators[0], ast.Constant) and not isinstance(arg.left, ast.Constant) or
               isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and
               arg.func.attr in ("contains", "any", "has") and bool(arg.args) and
               not isinstance(arg.args[0], ast.Constant)
               for arg in call.args)


def background_job(func: ast.AST | None, path: str) -> bool:
    """A worker's job: a function decorated as one (`@shared_task`, `@app.task`, `@job`), or any function of a
    tasks/jobs module or a worker's folder. No request waits on its loop, and blind reviews judged its per-row
    round-trips (the changed domains of a nightly sync, the messages due this minute) a note. A folder named
    `tasks/` alone is no evidence: a project tracker's `tasks` app serves requests."""
    parts = path.split("/")
    if parts[-1] in ("tasks.py", "jobs.py", "cron.py") or \
            any(p in ("celery_tasks", "background_tasks", "workers", "worker") for p in parts[:-1]):
        return True
    return isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_task(func)


# a worker's task class (`class TaskBackupMetadata(CalibreTask)`, a celery `Task` subclass): its methods run in
# the worker (blind set O pinned a metadata backup task's per-book commits to note)
_TASK_BASE = re.compile(r"(?:Task|Job|Worker)$")


def task_class(parents: list[ast.AST]) -> bool:
    """Whether the innermost class around the current node subclasses a task, job or worker base by name."""
    cls = next((p for p in reversed(parents) if isinstance(p, ast.ClassDef)), None)
    return cls is not None and any(_TASK_BASE.search((dotted(b) or "").rpartition(".")[2]) for b in cls.bases)


# Module names of sample-data generators (`core/utils/random_data.py` behind a `populatedb` command): they fill
# a development database with a fixed catalogue, so the loops walk the program's own lists.
_SAMPLE_DATA = re.compile(r"^(random|sample|demo|fake|dummy|seed|test)_?data$|^(populate|seed)(_\w+)?$")


def sample_data_module(path: str) -> bool:
    return bool(_SAMPLE_DATA.match(path.rsplit("/", 1)[-1].removesuffix(".py")))
