"""BA-AUTH-004: `assert` used for an access-control decision (stripped by `python -O`)."""

from __future__ import annotations

import ast

from .base import AstCheck, dotted, iter_nodes
from .recognise import names_in

_AUTHZ_WORDS = frozenset({"authenticated", "admin", "superuser", "staff", "perm", "perms", "permission",
                          "permissions", "role", "roles", "scopes", "owner", "tenant", "authorized", "authorised",
                          "privileges", "privilege", "acl"})
_AUTHZ_NAMES = frozenset({"current_user", "has_perm", "has_perms", "owner_id", "tenant_id"})


class AssertForAccessControl(AstCheck):
    RULE_ID = "BA-AUTH-004"
    PREFILTER = ("assert",)

    def visit_Assert(self, node: ast.Assert) -> None:
        test = node.test
        if _is_type_narrowing(test):
            return
        hit = self._authz_name(test)
        if hit:
            self.report(node, f"assert used for an access-control decision ({hit}): `python -O` strips it and the "
                              "check with it; raise PermissionDenied / HTTPException(403) instead")

    def _authz_name(self, test: ast.AST) -> str | None:
        for n in names_in(test):
            low = n.lower()
            if low in _AUTHZ_NAMES or any(w in _AUTHZ_WORDS for w in low.split("_")):
                return n
        for text in _word_strings(test):  # claims["roles"], "admin" in user.groups
            if any(w in _AUTHZ_WORDS for w in text.lower().split("_")):
                return repr(text)
        if "request.user" in self.ctx.segment(test):
            return "request.user"
        return None


def _word_strings(node: ast.AST) -> list[str]:
    """String literals inside an expression that are single identifiers (keys, role names), not prose.
    The literal text of an f-string is not one (`f"admin {x}"`)."""
    found: list[tuple[int, int, str]] = []
    skip: set[int] = set()
    for n in iter_nodes(node, skip=()):
        if isinstance(n, ast.JoinedStr):
            skip.update(id(v) for v in n.values)
        elif isinstance(n, ast.Constant) and id(n) not in skip and isinstance(n.value, str) and n.value.isidentifier():
            found.append((n.lineno, n.col_offset, n.value))
    return [text for _, _, text in sorted(found, key=lambda t: t[:2])]  # source order: the first one is reported


def _is_type_narrowing(test: ast.AST) -> bool:
    """`assert isinstance(x, T)`, `assert x is not None`: typing aids, not decisions."""
    if isinstance(test, ast.Call) and dotted(test.func) in ("isinstance", "issubclass", "callable", "hasattr"):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        right = test.comparators[0]
        return isinstance(test.ops[0], (ast.IsNot, ast.Is)) and isinstance(right, ast.Constant) and right.value is None
    return False
