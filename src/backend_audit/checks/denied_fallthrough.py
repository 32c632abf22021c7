"""BA-AUTH-009: a failed permission check that reports the refusal and then lets the action run.

`if not current_user.role_upload(): flash("no rights to upload"); edit_error = True` followed by the upload
itself: the code knows the user may not, tells them so, and does it anyway (CWE-280). The evidence is all in
the block: a negated check of the user's role or permission, a body that signals a failure (a flash or
message, a warning/error log line, an error flag or list) and never leaves (no return, raise, abort,
continue, break), and a statement after it in the same block that calls something before anything reads
the flag the body set. A body that only narrows what happens next (`qs = qs.filter(public=True)`) signals
no failure and is not judged; a flag tested by the next statement decides the rest, so that is silent too.
"""

from __future__ import annotations

import ast

from .base import AstCheck, dotted
from .lazy_re import re

# what a permission check of the user names: a role, a permission, admin/staff rights
_RIGHTS = re.compile(r"(?i)(^|_)(roles?|perms?|permissions?|admin|staff|superuser|privileged?|authori[sz]ed|"
                     r"allowed|can)(_|$)|^has_perm|^can_|^may_|^role_|^is_(admin|staff|superuser|owner)")
_USERISH = re.compile(r"(?i)(^|\.)(current_user|user|request\.user|g\.user|self\.request\.user)(\.|$)")
_MESSAGES = frozenset({"flash", "error", "warning", "add_message"})
_LOUD_LOGS = frozenset({"warning", "warn", "error", "exception", "critical"})
_FLAG = re.compile(r"(?i)(error|denied|forbidden|fail|reject|unauthori[sz]ed)")
_LEAVES = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_LEAVING_CALLS = frozenset({"abort", "redirect", "exit", "_exit", "sys.exit", "os._exit"})


class DeniedButContinued(AstCheck):
    RULE_ID = "BA-AUTH-009"
    PREFILTER = ("not ",)

    def visit_If(self, node: ast.If) -> None:
        if not self.ctx.function_stack or node.orelse:
            return
        check = _negated_rights_check(node.test)
        if check is None:
            return
        flags = _failure_signal(node.body)
        if flags is None or any(_leaves(s) for s in node.body):
            return
        block = _block_of(node, self.ctx.parents[-1] if self.ctx.parents else None)
        if block is None:
            return
        action = _next_action(block[block.index(node) + 1:], flags)
        if action is None:
            return
        self.report(node.test, f"the permission check `{check}` fails, the refusal is reported, and the "
                               f"handler goes on: line {action.lineno} runs for the user the check refused. "
                               "Return (or abort(403)) in the failing branch, or put the action in an else.")


def _negated_rights_check(test: ast.expr) -> str | None:
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return None
    inner = test.operand
    target = inner.func if isinstance(inner, ast.Call) else inner
    text = dotted(target) or ""
    if not text:
        return None
    last = text.rpartition(".")[2]
    if not _RIGHTS.search(last):
        return None
    # `user.has_perm(...)`, `current_user.role_upload()`: a right of the user; a bare `has_permission(user, x)`
    # call names the user among its arguments
    if _USERISH.search(text.rpartition(".")[0]) or (isinstance(inner, ast.Call) and "." not in text and any(
            _USERISH.search(dotted(a) or "") for a in inner.args)):
        return ast.unparse(test)[:80]
    return None


def _failure_signal(body: list[ast.stmt]) -> set[str] | None:
    """The names the body sets to say "refused" (possibly none), or None when it signals no failure."""
    signalled = False
    flags: set[str] = set()
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Call):
                name = dotted(n.func) or ""
                tail = name.rpartition(".")[2]
                if tail in _MESSAGES and (tail == "flash" or "messages" in name) or \
                        tail in _LOUD_LOGS and re.search(r"(?i)log", name.rpartition(".")[0]):
                    signalled = True
                if tail in ("append", "add") and isinstance(n.func, ast.Attribute) and \
                        _FLAG.search(dotted(n.func.value) or ""):
                    signalled = True
                    flags.add(dotted(n.func.value) or "")
            elif isinstance(n, (ast.Assign, ast.AugAssign)):
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                    name = dotted(t) or ""
                    if name and _FLAG.search(name):
                        signalled = True
                        flags.add(name)
    return flags if signalled else None


def _leaves(stmt: ast.stmt) -> bool:
    for n in ast.walk(stmt):
        if isinstance(n, _LEAVES):
            return True
        if isinstance(n, ast.Call) and (dotted(n.func) or "") in _LEAVING_CALLS | {
                f"flask.{c}" for c in _LEAVING_CALLS}:
            return True
    return False


def _block_of(node: ast.stmt, parent: ast.AST | None) -> list[ast.stmt] | None:
    if parent is None:
        return None
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is node for s in block):
            return block
    for h in getattr(parent, "handlers", ()):
        if any(s is node for s in h.body):
            return h.body
    return None


def _next_action(after: list[ast.stmt], flags: set[str]) -> ast.stmt | None:
    """The first statement after the check that calls something before any statement reads a flag."""
    for stmt in after:
        names = {dotted(n) or "" for n in ast.walk(stmt)
                 if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load)}
        if flags & names:
            return None  # the flag decides what runs next
        if isinstance(stmt, _LEAVES) or _leaves(stmt) and not any(isinstance(n, ast.Call) for n in ast.walk(stmt)):
            return None
        if any(isinstance(n, ast.Call) for n in ast.walk(stmt)):
            return stmt
    return None
