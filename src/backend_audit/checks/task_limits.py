"""The time limit a Celery task runs under, read from the task's own file: its decorator
(`@shared_task(soft_time_limit=300)`), the `base=` task class it names (a class attribute `time_limit`), a
class-based task's attributes, or the app configuration the same module sets (`app.conf.update(task_time_limit=
1800)`, `CELERY_TASK_TIME_LIMIT = 1800`). Celery ends a task that outlives its hard limit and raises
`SoftTimeLimitExceeded` inside one that outlives its soft limit, so a call that waits without a timeout there
stalls one task for a bounded time, never the worker for good (blind set X: an ingestor's download inside a task
with `soft_time_limit=300`)."""

from __future__ import annotations

import ast

from ..model.frameworks.common import keyword
from .base import FileContext, dotted

_TASK_DECORATORS = frozenset({"shared_task", "task", "periodic_task"})
_LIMITS = ("soft_time_limit", "time_limit")
# the app-wide settings: Celery's lowercase names and Django-namespaced (`CELERY_`) and old upper-case ones
_APP_LIMITS = frozenset({"task_time_limit", "task_soft_time_limit", "CELERY_TASK_TIME_LIMIT",
                         "CELERY_TASK_SOFT_TIME_LIMIT", "CELERYD_TASK_TIME_LIMIT", "CELERYD_TASK_SOFT_TIME_LIMIT"})


def task_time_limit(ctx: FileContext) -> str | None:
    """Why the code being visited runs under a Celery time limit (for a message), or None."""
    for func in reversed(ctx.function_stack):
        for dec in func.decorator_list:
            call = dec if isinstance(dec, ast.Call) else None
            if (dotted(call.func if call else dec) or "").rsplit(".", 1)[-1] not in _TASK_DECORATORS:
                continue
            own = next((f"{k}={ctx.segment(keyword(call, k))}" for k in _LIMITS if _bounded(keyword(call, k))),
                       None) if call else None
            base = _class_limit(ctx, dotted(keyword(call, "base")) or "") if call else None
            app = _app_limit(ctx)
            limit = own or (f"{base} of its base task class" if base else None) or (f"the app's {app}" if app else None)
            if limit:
                return f"the Celery task {func.name}() runs under {limit}"
    cls = next((p for p in reversed(ctx.parents) if isinstance(p, ast.ClassDef)), None)
    if cls is not None and ctx.function_stack and any((dotted(b) or "").endswith("Task") for b in cls.bases):
        limit = _attrs_limit(cls)
        if limit:
            return f"the Celery task class {cls.name} runs under {limit}"
    return None


def _bounded(value: ast.expr | None) -> bool:
    """A limit that is set: a positive number, or a name or setting whose value is not folded here."""
    if value is None or isinstance(value, ast.Constant) and not (
            isinstance(value.value, (int, float)) and not isinstance(value.value, bool) and value.value > 0):
        return False
    return True


def _attrs_limit(cls: ast.ClassDef) -> str | None:
    for st in cls.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and \
                st.targets[0].id in _LIMITS and _bounded(st.value):
            return f"{st.targets[0].id}"
    return None


def _class_limit(ctx: FileContext, name: str) -> str | None:
    """The limit a task class defined in this module sets (`base=LimitedTask`)."""
    tree = ctx.tree
    if not name or tree is None:
        return None
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    return _attrs_limit(cls) if cls is not None else None


def _app_limit(ctx: FileContext) -> str | None:
    """The app-wide limit the module's top level sets: `app.conf.update(task_time_limit=...)`,
    `Celery(..., task_time_limit=...)`, `app.conf.task_time_limit = ...` or `CELERY_TASK_TIME_LIMIT = ...`."""
    tree = ctx.tree
    for st in tree.body if tree is not None else ():
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and _bounded(st.value):
            target = st.targets[0]
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) \
                else ""
            if name in _APP_LIMITS:
                return name
        call = st.value if isinstance(st, (ast.Expr, ast.Assign)) else None
        if isinstance(call, ast.Call):
            found = next((k.arg for k in call.keywords if k.arg in _APP_LIMITS and _bounded(k.value)), None)
            if found:
                return found
    return None
