"""BA-AUTH-004: `assert` used for an access-control decision (stripped by `python -O`)."""

from __future__ import annotations

import libcst as cst

from .cst_base import CstCheck, dotted
from .cst_recognise import literal_value, names_in

_AUTHZ_WORDS = frozenset({"authenticated", "admin", "superuser", "staff", "perm", "perms", "permission",
                          "permissions", "role", "roles", "scopes", "owner", "tenant", "authorized", "authorised",
                          "privileges", "privilege", "acl"})
_AUTHZ_NAMES = frozenset({"current_user", "has_perm", "has_perms", "owner_id", "tenant_id"})


class AssertForAccessControl(CstCheck):
    RULE_ID = "BA-AUTH-004"
    PREFILTER = ("assert",)

    def visit_Assert(self, node: cst.Assert) -> None:
        test = node.test
        if _is_type_narrowing(test):
            return
        hit = self._authz_name(test)
        if hit:
            self.report(node, f"assert used for an access-control decision ({hit}): `python -O` strips it and the "
                              "check with it; raise PermissionDenied / HTTPException(403) instead")

    def _authz_name(self, test: cst.BaseExpression) -> str | None:
        for n in names_in(test):
            low = n.lower()
            if low in _AUTHZ_NAMES or any(w in _AUTHZ_WORDS for w in low.split("_")):
                return n
        for text in _word_strings(test):  # claims["roles"], "admin" in user.groups
            if any(w in _AUTHZ_WORDS for w in text.lower().split("_")):
                return repr(text)
        code = self.ctx.module.code_for_node(test) if self.ctx.module is not None else ""
        if "request.user" in code:
            return "request.user"
        return None


def _word_strings(node: cst.CSTNode) -> list[str]:
    """String literals inside an expression that are single identifiers (keys, role names), not prose."""
    out: list[str] = []

    class _Collect(cst.CSTVisitor):
        def visit_SimpleString(self, n: cst.SimpleString) -> None:
            value = literal_value(n)
            if isinstance(value, str) and value.isidentifier():
                out.append(value)

    node.visit(_Collect())
    return out


def _is_type_narrowing(test: cst.BaseExpression) -> bool:
    """`assert isinstance(x, T)`, `assert x is not None`: typing aids, not decisions."""
    if isinstance(test, cst.Call) and dotted(test.func) in ("isinstance", "issubclass", "callable", "hasattr"):
        return True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        op = test.comparisons[0].operator
        right = test.comparisons[0].comparator
        return isinstance(op, (cst.IsNot, cst.Is)) and isinstance(right, cst.Name) and right.value == "None"
    return False
