"""A login's credentials put into an object only to be checked (`user = User(username=u, password=p)` then
`user.is_validate()`, `load_if_valid(user)`, `user_manager.authenticate(credentials)`), never saved: shared by
BA-DATA-003 (no password is stored) and BA-INP-001's fact collector (no request value is stored)."""

from __future__ import annotations

import ast
from typing import Iterable

from .base import dotted
from .lazy_re import re  # compiled on first use

# what such an object is handed to or asked, and what would keep it (`session.add(user)`, `user.save()`)
_CHECKS_CREDENTIALS = re.compile(r"(?i)(valid|verify|authenticat|check_password|login|log_in|sign_?in)")
_PERSISTS = re.compile(r"(?i)^(add|add_all|merge|put|commit|flush|bulk_\w+|append|extend|attach)$|save|persist|insert|"
                       r"store|create|upsert|register|update")
# what `uses` records for a local the function returns or yields: the caller may keep it
RETURNED = "<returned>"


def checked_only(calls: Iterable[str]) -> bool:
    """`calls`: the methods called on a local and the calls it is handed to (by their last name). True when
    one checks credentials and none keeps the object."""
    calls = set(calls)
    return RETURNED not in calls and any(_CHECKS_CREDENTIALS.search(c) for c in calls) and \
        not any(_PERSISTS.search(c) for c in calls)


def returned_uses(node: ast.Return | ast.Yield, uses: dict[str, dict[str, set[str]]]) -> None:
    """`return user`: the object leaves the function, and whoever called it may save it."""
    if isinstance(node.value, ast.Name):
        uses.setdefault(node.value.id, {}).setdefault("passed", set()).add(RETURNED)


def call_uses(call: ast.Call, uses: dict[str, dict[str, set[str]]]) -> None:
    """Record what one call does with locals: `user.is_validate()` (a method called on it) and
    `load_if_valid(user)` / `session.add(user)` (a call it is handed to, by the call's last name)."""
    func = call.func
    tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if isinstance(func, ast.Attribute):
        receiver = dotted(func.value)
        if receiver:
            uses.setdefault(receiver, {}).setdefault("methods", set()).add(tail)
    for arg in (*call.args, *(kw.value for kw in call.keywords)):
        if isinstance(arg, ast.Name) and tail:
            uses.setdefault(arg.id, {}).setdefault("passed", set()).add(tail)

